// The e2e harness: starts the reference server (fresh data folder, free port, serving the
// release build of the dashboard), the stand-in PocketID and headless Chromium, and stops
// them all. Screenshots go to e2e/screenshots/ for a person to look at.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache', 'qufabric-target');
export const SERVER_BIN = process.env.QUFABRIC_SERVER_BIN || path.join(TARGET, 'debug', 'qufabric-server');
export const DIST = process.env.QUFABRIC_DIST || path.join(ROOT, 'dist');
export const SCREENSHOTS = path.join(ROOT, 'e2e', 'screenshots');

export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor(url, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = error.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up: ${last}`);
}

/**
 * Start the reference server. Returns { url, dataDir, stop(), restart(), log() }.
 * `serveDashboard: false` leaves out `--dist`: an API server without the standalone
 * dashboard, as one behind a host's own web bundle is.
 * @param {{ dataDir?: string, args?: string[], serveDashboard?: boolean }} options
 */
export async function startServer({ dataDir, args = [], listenHost = '127.0.0.1', publicUrl, serveDashboard = true } = {}) {
  const port = await freePort();
  const dir = dataDir ?? await mkdtemp(path.join(os.tmpdir(), 'qufabric-e2e-'));
  // Where the tests reach it; the public URL may name another address (publicUrl(port)).
  const url = `http://127.0.0.1:${port}`;
  const publicArgs = publicUrl ? ['--public-url', publicUrl(port)] : [];
  let output = '';
  let child;
  const launch = async () => {
    child = spawn(SERVER_BIN, ['--listen', `${listenHost}:${port}`, '--data-dir', dir, ...(serveDashboard ? ['--dist', DIST] : []), ...publicArgs, ...withPatAtSetup(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
    });
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    await waitFor(`${url}/api/instance`);
  };
  const stop = async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  };
  await launch();
  return {
    url,
    port,
    dataDir: dir,
    log: () => output,
    stop,
    async restart() {
      await stop();
      await launch();
    },
    async cleanup() {
      await stop();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A host name the browser resolves to this machine, as a LAN address would. */
/** The harness sets up with a personal access token (it switches approval with it). */
function withPatAtSetup(args) {
  return args.includes('--setup-pat-enabled') ? args : [...args, '--setup-pat-enabled'];
}

export const LAN_HOST = 'qufabric.lan';

/** Headless Chromium as these machines allow it (Debian's build, no downloads). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // The network is closed: only loopback resolves, nothing waits on outside hosts.
      // `qufabric.lan` stands for this machine's address on a LAN (a host that is not
      // loopback), for tests of a page opened at an address other than the public URL.
      `--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1 , MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost , EXCLUDE 0.0.0.0`,
    ],
  });
}

/** A page that fails the test on any console error or uncaught exception (a wasm panic). */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused request (e.g. the IdP answering 401 to a wrong password) is logged by the
    // browser as "Failed to load resource"; tests assert statuses themselves. Everything
    // else (a CSP violation, a panic message) is a problem.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  return { context, page, problems };
}

/** The whole page, or with { fullPage: false } only what the window shows. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/**
 * Run axe-core on the current page and return its violations. The script is evaluated
 * through the DevTools protocol, which the page's Content-Security-Policy does not govern.
 */
export async function axeViolations(page) {
  const source = await readFile(path.join(ROOT, 'e2e', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

/**
 * Give the dashboard a runtime configuration (the `qufabric-config` meta tag a host page
 * would set), e.g. a shorter request timeout for fault tests. Added before the app reads it.
 */
export async function configureDashboard(page, config) {
  await page.addInitScript((json) => {
    const add = () => {
      if (!document.head || document.querySelector('meta[name="qufabric-config"]')) return false;
      const meta = document.createElement('meta');
      meta.name = 'qufabric-config';
      meta.content = json;
      document.head.appendChild(meta);
      return true;
    };
    if (!add()) {
      const observer = new MutationObserver(() => { if (add()) observer.disconnect(); });
      observer.observe(document, { childList: true, subtree: true });
    }
  }, JSON.stringify(config));
}

/** First run through the API: create the owner (what the setup screen does). A new
 * install makes newcomers wait for approval, as the real server does; a journey that is
 * not about approval turns it off through the API (`{ approval: true }` keeps it). */
export async function setupOwner(server, owner, { approval = false } = {}) {
  const token = await setupOwnerWithToken(server, owner);
  if (!approval) await requireApproval(server, token, false);
}

/** Switch `extra.user_approval_required` with `token` (a PAT), the rest of the settings kept. */
export async function requireApproval(server, token, required) {
  const headers = { 'content-type': 'application/json', authorization: `Token ${token}` };
  const [account] = await (await fetch(`${server.url}/api/accounts`, { headers })).json();
  const settings = { ...account.settings, extra: { ...account.settings.extra, user_approval_required: required } };
  const saved = await fetch(`${server.url}/api/accounts/${account.id}`, { method: 'PUT', headers, body: JSON.stringify({ settings }) });
  if (saved.status !== 200) throw new Error(`approval switch failed: ${saved.status} ${await saved.text()}`);
}

/** The API requests (and token renewals) `page` makes to `server` while `action` runs and
 * the page settles, in the order the browser saw them: `{ kind: 'start' | 'answer', path }`
 * with `path` as `METHOD /pathname`. */
export async function apiTraffic(page, server, action) {
  const log = [];
  const pathOf = (request) => {
    const url = new URL(request.url());
    return url.origin === server.url && (url.pathname.startsWith('/api/') || url.pathname === '/oauth2/token')
      ? `${request.method()} ${url.pathname}` : null;
  };
  const onRequest = (request) => { const path = pathOf(request); if (path) log.push({ kind: 'start', path }); };
  const onResponse = (response) => { const path = pathOf(response.request()); if (path) log.push({ kind: 'answer', path }); };
  page.on('request', onRequest);
  page.on('response', onResponse);
  try {
    await action();
    await page.waitForLoadState('networkidle');
  } finally {
    page.off('request', onRequest);
    page.off('response', onResponse);
  }
  return log;
}

/** The first run with a personal access token for the owner (every test server starts
 * with `--setup-pat-enabled`): the token, as a host page authorises the elements with it.
 * Approval of newcomers stays as a new install has it (on). */
export async function setupOwnerWithToken(server, owner) {
  const response = await fetch(`${server.url}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...owner, create_pat: true }),
  });
  if (response.status !== 200) throw new Error(`setup failed: ${response.status} ${await response.text()}`);
  return (await response.json()).personal_access_token;
}

/**
 * What `trunk serve` does in development: serve the built dashboard on its own port and
 * pass `/api` and `/oauth2` to the reference server (rewriting Host to the server's, as
 * Trunk's proxy does). Returns { url, close() }.
 */
export async function startDevProxy(server) {
  const port = await freePort();
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };
  const proxy = http.createServer(async (req, res) => {
    const pathname = new URL(req.url, 'http://x').pathname;
    if (pathname.startsWith('/api/') || pathname.startsWith('/oauth2/') || pathname === '/api' || pathname === '/oauth2') {
      const upstream = http.request(`${server.url}${req.url}`, {
        method: req.method,
        headers: { ...req.headers, host: new URL(server.url).host },
      }, (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => { res.writeHead(502).end(); });
      req.pipe(upstream);
      return;
    }
    // A file of dist/, or for every other route its bundle's page, as the server answers
    // (qufabric_model::bundles::bundle_of; scripts/build.sh).
    const index = path.join(DIST, bundlePage(pathname));
    const file = path.join(DIST, path.normalize(pathname).replace(/^[/\\]+/, ''));
    const isFile = file.startsWith(DIST + path.sep) && path.extname(file) !== '';
    const body = await readFile(isFile ? file : index).catch(() => readFile(index));
    res.writeHead(200, { 'content-type': types[isFile ? path.extname(file) : '.html'] ?? 'application/octet-stream' }).end(body);
  });
  proxy.listen(port, '127.0.0.1');
  await once(proxy, 'listening');
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      proxy.closeAllConnections?.();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

/** Sign in with email and password at the embedded IdP, from the login screen. */
export async function signInWithEmail(page, server, { email, password }) {
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with email' }).click();
  await page.waitForURL(/\/oauth2\/auth/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/settings\//);
}

/** The access token of the page's session (sessionStorage). */
export async function sessionToken(page) {
  return page.evaluate(() => JSON.parse(sessionStorage.getItem('qufabric.session')).access_token);
}

/**
 * The owner's hand on the management API: signs `owner` in on a throwaway page and returns
 * `api(method, path, body)`, which sends their bearer token and answers the parsed JSON.
 */
export async function ownerApi(browser, server, owner) {
  const { page, context } = await newPage(browser);
  await signInWithEmail(page, server, owner);
  const token = await sessionToken(page);
  await context.close();
  return async (method, path, body) => {
    const response = await fetch(`${server.url}${path}`, {
      method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body && JSON.stringify(body),
    });
    return response.json();
  };
}

/** Press Tab until the focused control's name (label, aria-label, text) matches. */
export async function tabTo(page, pattern) {
  for (let i = 0; i < 80; i += 1) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return '';
      const label = el.labels && el.labels[0] ? el.labels[0].textContent : '';
      return [el.getAttribute('aria-label'), label, el.textContent, el.getAttribute('value')]
        .filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
    });
    if (pattern.test(name)) return name;
  }
  throw new Error(`no control matching ${pattern} reachable with Tab`);
}

/**
 * Open the provider form from the list and fill it in as an administrator would: the
 * type (its label), the name when given (otherwise the type's), issuer, client id and
 * secret. The caller ticks or types anything else, then saves.
 */
export async function fillNewProvider(page, { type = 'PocketID', name, issuer, clientId, secret }) {
  await page.getByRole('link', { name: 'Add identity provider' }).first().click();
  await page.getByLabel(type, { exact: true }).check();
  if (name) await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Issuer').fill(issuer);
  await page.getByLabel('Client ID').fill(clientId);
  await page.getByLabel('Client Secret').fill(secret);
}

/** The HTML page of the build that serves `pathname` (qufabric_model::bundles::bundle_of):
 * the settings and the sign-in callback, the pages seen once, else the login bundle. */
export function bundlePage(pathname) {
  if (pathname === '/auth/callback' || pathname === '/settings' || pathname.startsWith('/settings/')) return 'settings.html';
  if (['/setup', '/invite', '/help/redirect-uri'].includes(pathname)) return 'onboarding.html';
  return 'login.html';
}
