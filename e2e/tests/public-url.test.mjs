// Where the field differs from the lab: the page opened at an address that is not the
// server's public URL. Signing in works from every address the server allows (email on
// the page's own origin, PocketID through the public origin), is explained before any click
// where it cannot work, and a public URL nobody can reach is caught at start and on the
// screens where it does harm. Also `trunk serve`'s set-up: a page on its own port whose
// /api and /oauth2 go through a proxy.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, startDevProxy, launchBrowser, newPage, screenshot, axeViolations, setupOwner,
  sessionToken, LAN_HOST,
} from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const USERS = {
  alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric'] },
};
const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function browserPage() {
  const browser = await launchBrowser();
  cleanups.push(() => browser.close());
  return newPage(browser);
}

/** Email sign-in from the login screen of `base` (any origin), landing in the settings. */
async function emailSignIn(page, base) {
  await page.goto(`${base}/login`);
  await page.getByRole('button', { name: 'Continue with email' }).click();
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/settings/identity-providers`);
  await page.getByRole('heading', { name: 'Identity providers' }).waitFor();
}

/** A PocketID provider through the API, and the stand-in's client for `redirectUrl`. */
async function addPocketId(server, token, standIn, redirectUrl) {
  standIn.setClients([{ client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [redirectUrl], allowed_groups: ['QuFabric'] }]);
  const response = await fetch(`${server.url}/api/identity-providers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ type: 'pocketid', name: 'PocketID', issuer: standIn.issuer, client_id: 'QuFabric', client_secret: 'pocket-secret' }),
  });
  assert.equal(response.status, 200, await response.clone().text());
}

/** PocketID sign-in from the login screen of `base`, landing back on `base` as alice. */
async function pocketIdSignIn(page, base, standIn) {
  await page.goto(`${base}/login`);
  await page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await page.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(USERS.alice.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  await page.getByText('alice@example.com').waitFor();
  assert.ok(page.url().startsWith(base), `back on the page's own address, not ${page.url()}`);
}

test('page at 127.0.0.1, public URL http://localhost: email and PocketID sign-in both land signed in', async () => {
  const server = await startServer({ publicUrl: (port) => `http://localhost:${port}`, args: ['--dev'] });
  cleanups.push(() => server.cleanup());
  const standIn = await startPocketId({ users: USERS });
  cleanups.push(() => standIn.close());
  await setupOwner(server, OWNER);
  const { page, problems, context } = await browserPage();
  const encodings = [];
  page.on('response', (response) => {
    if (response.url().endsWith('.wasm')) encodings.push(response.headers()['content-encoding']);
  });

  await emailSignIn(page, server.url);
  // The dashboard is sent compressed.
  assert.ok(['br', 'gzip'].includes(encodings[0]), `wasm content-encoding: ${encodings[0]}`);

  const publicRedirect = `http://localhost:${server.port}/oauth2/callback`;
  await addPocketId(server, await sessionToken(page), standIn, publicRedirect);
  await page.goto(`${server.url}/settings/identity-providers/new`);
  await page.waitForFunction(() => (document.querySelector('#redirect-url')?.value ?? '') !== '');
  assert.equal(await page.getByLabel('Redirect URL', { exact: true }).inputValue(), publicRedirect);
  await page.locator('#redirect-other-address').getByText(/pass through the server's public URL/).waitFor();
  assert.equal(await page.locator('#public-url-warning').count(), 0, 'a loopback page with a loopback public URL is fine');
  await screenshot(page, 'provider-form-other-address');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${server.url}/login`);
  await pocketIdSignIn(page, server.url, standIn);
  assert.deepEqual(problems, []);
  await context.close();
});

test('public URL https://qufabric.invalid, page at 127.0.0.1 without --dev: the explanation shows before any click', async () => {
  const server = await startServer({ publicUrl: () => 'https://qufabric.invalid' });
  cleanups.push(() => server.cleanup());
  await setupOwner(server, OWNER);
  const { page, problems, context } = await browserPage();
  await page.goto(`${server.url}/login`);
  const notice = page.locator('#wrong-address');
  await notice.getByText(`This server signs people in at https://qufabric.invalid, not at ${server.url}`).waitFor();
  assert.equal(await notice.getByRole('link').getAttribute('href'), 'https://qufabric.invalid/login');
  assert.equal(await page.getByRole('button').count(), 0, 'no button that could only fail');
  await screenshot(page, 'login-wrong-address');
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('trunk serve: the page on its own port signs in by email and with PocketID through the proxy', async () => {
  const server = await startServer({ args: ['--dev'] });
  cleanups.push(() => server.cleanup());
  const proxy = await startDevProxy(server);
  cleanups.push(() => proxy.close());
  const standIn = await startPocketId({ users: USERS });
  cleanups.push(() => standIn.close());
  await setupOwner(server, OWNER);
  const { page, problems, context } = await browserPage();
  await emailSignIn(page, proxy.url);
  await addPocketId(server, await sessionToken(page), standIn, `${server.url}/oauth2/callback`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${proxy.url}/login`);
  await pocketIdSignIn(page, proxy.url, standIn);
  assert.deepEqual(problems, []);
  await context.close();
});

test('no --public-url on a non-loopback address: warned at start, explained at login, flagged on the form', async () => {
  const server = await startServer({ listenHost: '0.0.0.0' });
  cleanups.push(() => server.cleanup());
  await setupOwner(server, OWNER);
  assert.match(server.log(), /--public-url is not set/);
  assert.match(server.log(), /names 0\.0\.0\.0/);

  const { page, problems, context } = await browserPage();
  // Opened at the machine's LAN name: the public URL (0.0.0.0) is what nobody can open,
  // so the login screen says what to change rather than linking to it.
  const lan = `http://${LAN_HOST}:${server.port}`;
  await page.goto(`${lan}/login`);
  const notice = page.locator('#wrong-address');
  await notice.getByText(/names 0\.0\.0\.0/).waitFor();
  await notice.getByText(`--public-url ${lan}`).waitFor();
  await screenshot(page, 'login-public-url-unreachable');
  assert.deepEqual(await axeViolations(page), []);

  // An administrator who does get in (at the address the server names) sees the warning
  // on the form and on the help page, with the fix.
  const publicAddress = `http://0.0.0.0:${server.port}`;
  await emailSignIn(page, publicAddress);
  await page.goto(`${publicAddress}/settings/identity-providers/new`);
  const warning = page.locator('#public-url-warning');
  await warning.getByText(/--public-url https:\/\//).waitFor();
  await screenshot(page, 'provider-form-public-url-warning');
  assert.deepEqual(await axeViolations(page), []);
  await page.goto(`${publicAddress}/help/redirect-uri`);
  await page.locator('#help-public-url-warning').getByText(/0\.0\.0\.0/).first().waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
