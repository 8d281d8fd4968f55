// The embedded elements in a host page that is not ours (examples/host/, served from a
// second origin with a strict CSP and aggressive global styles), against the reference
// server and the stand-in PocketID: authorised by the host's personal access token (no
// sign-in screen), a provider added and deleted, group settings saved, the events heard by
// the host; styles that neither leak in nor out; and removal that leaves nothing running.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, screenshot, axeViolations, signInWithEmail, setupOwnerWithToken, requireApproval } from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';
import { startHost } from '../../examples/host/serve.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };

/** Sign-in buttons that work (the login screen preview's are inert and do not count). */
async function liveSignInButtons(page) {
  return page.locator('button').filter({ hasText: /Continue with|Sign in/ })
    .evaluateAll((buttons) => buttons.filter((b) => !b.closest('[inert]')).length);
}

let server;
let standIn;
let host;
let browser;
let pat;

before(async () => {
  server = await startServer({ args: ['--enable-test-faults', '--setup-pat-enabled'] });
  pat = await setupOwnerWithToken(server, OWNER);
  // Alice's sign-in (the Users link) is not about approval.
  await requireApproval(server, pat, false);
  standIn = await startPocketId({
    clients: [{ client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [`${server.url}/oauth2/callback`], allowed_groups: ['QuFabric'] }],
    users: { alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric'] } },
  });
  host = await startHost({ api: server.url });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await host?.close();
  await standIn?.close();
  await server?.cleanup();
});

/**
 * Runs in the host page before any of its scripts: wraps addEventListener, timers and
 * fetch, and attributes each call by its stack (our glue script under /qufabric/, or a
 * wasm frame) so the test can ask what of ours is still active.
 */
function tracker() {
  const OURS = /\/qufabric\/|wasm:\/\//;
  const ours = () => OURS.test(new Error().stack || '');
  const listeners = [];
  const timers = new Map();
  const fetches = [];
  const captureOf = (options) => (typeof options === 'boolean' ? options : !!options?.capture);
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    listeners.push({ target: this, type, listener, capture: captureOf(options), ours: ours(), removed: false });
    return add.call(this, type, listener, options);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, options) {
    const capture = captureOf(options);
    for (const entry of listeners) {
      if (!entry.removed && entry.target === this && entry.type === type && entry.listener === listener && entry.capture === capture) entry.removed = true;
    }
    return remove.call(this, type, listener, options);
  };
  const { setTimeout: setT, clearTimeout: clearT, setInterval: setI, clearInterval: clearI, fetch: originalFetch } = window;
  window.setTimeout = function (callback, delay, ...args) {
    const entry = { ours: ours(), done: false, delay };
    const id = setT.call(window, (...a) => { entry.done = true; if (typeof callback === 'function') callback(...a); }, delay, ...args);
    timers.set(id, entry);
    return id;
  };
  window.clearTimeout = function (id) { const entry = timers.get(id); if (entry) entry.done = true; return clearT.call(window, id); };
  window.setInterval = function (callback, delay, ...args) {
    const id = setI.call(window, callback, delay, ...args);
    timers.set(id, { ours: ours(), done: false, delay, interval: true });
    return id;
  };
  window.clearInterval = function (id) { const entry = timers.get(id); if (entry) entry.done = true; return clearI.call(window, id); };
  window.fetch = function (input, init) {
    const entry = { ours: ours(), settled: false, url: String(input?.url ?? input) };
    fetches.push(entry);
    const answer = originalFetch.call(window, input, init);
    answer.then(() => { entry.settled = true; }, () => { entry.settled = true; });
    return answer;
  };
  window.__tracker = {
    report() {
      const live = (target) => target === window || target === document || (target instanceof Node && target.isConnected);
      return {
        listeners: listeners.filter((l) => l.ours && !l.removed && live(l.target)).map((l) => `${l.type} on ${l.target === window ? 'window' : l.target === document ? 'document' : l.target.nodeName}`),
        timers: [...timers.values()].filter((t) => t.ours && !t.done).map((t) => `timer of ${t.delay} ms`),
        fetches: fetches.filter((f) => f.ours && !f.settled).map((f) => f.url),
        oursSeen: { listeners: listeners.filter((l) => l.ours).length, timers: [...timers.values()].filter((t) => t.ours).length, fetches: fetches.filter((f) => f.ours).length },
      };
    },
  };
}

const STYLE_PROPERTIES = ['font-family', 'font-size', 'letter-spacing', 'color', 'background-color', 'padding-top', 'border-top-width', 'border-top-style', 'border-radius', 'text-decoration-line', 'text-transform'];

async function stylesOf(locator) {
  return locator.evaluate((element, properties) => {
    const style = getComputedStyle(element);
    return Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]));
  }, STYLE_PROPERTIES);
}

const hostUrl = () => `${host.url}/?api=${encodeURIComponent(server.url)}`;

test('the elements in a foreign host page: host authorization, a provider added and deleted, groups saved, events, styles kept apart, nothing left after removal', async () => {
  // The host page as it looks without our module (requests for it refused): the baseline
  // for "our styles do not change the host".
  const bare = await newPage(browser, { viewport: { width: 1400, height: 1000 } });
  await bare.page.route('**/qufabric/**', (route) => route.abort());
  await bare.page.goto(hostUrl());
  const headerBefore = await stylesOf(bare.page.locator('.host-header a').first());
  const logoBefore = await stylesOf(bare.page.locator('.host-logo'));
  await bare.context.close();

  const { page, problems, context } = await newPage(browser, { viewport: { width: 1400, height: 1000 } });
  await page.addInitScript(tracker);
  await page.goto(hostUrl());
  const providers = page.locator('qufabric-identity-providers');
  const groups = page.locator('qufabric-groups-settings');
  const events = () => page.evaluate(() => window.hostEvents);

  // No token yet: the elements wait for the host, never show a sign-in, and say so.
  await providers.getByText('Waiting for the page to sign you in').waitFor();
  await groups.getByText('Waiting for the page to sign you in').waitFor();
  assert.ok((await events()).some((e) => e.type === 'qufabric:session-required'), 'session-required reached the host');
  assert.equal(await liveSignInButtons(page), 0, 'no sign-in screen');

  // The host authorises: both elements start over with it.
  await page.getByLabel('Personal access token').fill(pat);
  await page.getByRole('button', { name: 'Use this token' }).click();
  await providers.getByText('No identity provider yet.').waitFor();
  await groups.getByRole('switch', { name: 'Enable JWT group sync' }).waitFor();

  // Add PocketID inside the element; its pages show under the base path.
  await providers.getByRole('link', { name: 'Add identity provider' }).first().click();
  await page.waitForURL(`${host.url}/sso/providers/new`);
  await providers.getByLabel('PocketID', { exact: true }).check();
  await providers.getByLabel('Issuer').fill(standIn.issuer);
  await providers.getByLabel('Client ID').fill('QuFabric');
  await providers.getByLabel('Client Secret').fill('pocket-secret');
  await providers.locator('#provider-issuer-findings').getByText('names exactly this issuer').waitFor();
  await providers.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL(/\/sso\/providers\/pocketid-/);
  await providers.locator('#saved-confirmation').waitFor();
  const saved = (await events()).find((e) => e.type === 'qufabric:provider-saved');
  assert.ok(saved, 'provider-saved reached the host');
  assert.match(saved.detail.id, /^pocketid-/);
  assert.deepEqual({ name: saved.detail.name, type: saved.detail.type }, { name: 'PocketID', type: 'pocketid' });
  assert.ok(page.url().endsWith(`/sso/providers/${saved.detail.id}?saved=1`), page.url());

  // The browser's back button goes back inside the element.
  await page.goBack();
  await providers.getByRole('link', { name: 'PocketID' }).waitFor();

  // Groups: enable sync with the groups claim and save.
  await groups.getByRole('switch', { name: 'Enable JWT group sync' }).click();
  await groups.getByLabel('JWT claim').fill('groups');
  await groups.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForFunction(() => window.hostEvents.some((e) => e.type === 'qufabric:groups-saved'));
  const groupsSaved = (await events()).find((e) => e.type === 'qufabric:groups-saved');
  assert.equal(groupsSaved.detail.settings.jwt_groups_enabled, true);
  assert.equal(groupsSaved.detail.settings.jwt_groups_claim_name, 'groups');

  // Styles: the host's `* {… !important}`, `button`, `input` and `a` rules do not reach
  // inside; ours look as in the standalone dashboard. And the host's header is unchanged.
  const standalone = await newPage(browser, { viewport: { width: 1400, height: 1000 } });
  await signInWithEmail(standalone.page, server, OWNER);
  await standalone.page.goto(`${server.url}/settings/identity-providers`);
  const pairs = [
    ['the "Add identity provider" button', (p) => p.getByRole('link', { name: 'Add identity provider' }).first()],
    ['the provider link in the list', (p) => p.getByRole('link', { name: 'PocketID' })],
  ];
  for (const [what, find] of pairs) {
    await find(standalone.page).waitFor();
    assert.deepEqual(await stylesOf(find(providers)), await stylesOf(find(standalone.page)), what);
  }
  await standalone.page.getByRole('link', { name: 'Groups' }).click();
  const claimStandalone = standalone.page.getByLabel('JWT claim');
  await claimStandalone.waitFor();
  assert.deepEqual(await stylesOf(groups.getByLabel('JWT claim')), await stylesOf(claimStandalone), 'the claim input');
  await standalone.context.close();
  assert.deepEqual(await stylesOf(page.locator('.host-header a').first()), headerBefore, 'host header link');
  assert.deepEqual(await stylesOf(page.locator('.host-logo')), logoBefore, 'host logo');

  assert.deepEqual(await axeViolations(page), [], 'axe on the host page with both elements');
  await screenshot(page, 'embed-host-page');

  // A dialog inside the shadow root gives focus back to what opened it.
  const deleteButton = providers.getByRole('button', { name: /Delete PocketID/ });
  await deleteButton.focus();
  await page.keyboard.press('Enter');
  await providers.getByRole('alertdialog').waitFor();
  // Focus moves into the dialog on the next frame; Escape is pressed from there, as a
  // person would.
  await page.waitForFunction(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.closest('[role="alertdialog"]') != null;
  });
  await page.keyboard.press('Escape');
  await providers.getByRole('alertdialog').waitFor({ state: 'detached' });
  const focused = await page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.textContent?.trim();
  });
  assert.equal(focused, 'Delete PocketID', 'focus is back on the Delete button');

  // Delete the provider from the list: the host hears it.
  await deleteButton.click();
  await providers.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await providers.getByText('No identity provider yet.').waitFor();
  const deleted = (await events()).find((e) => e.type === 'qufabric:provider-deleted');
  assert.deepEqual(deleted?.detail, { id: saved.detail.id });

  // A request in flight when the elements go: the list's next load is held by the server.
  await providers.getByRole('link', { name: 'Add identity provider' }).first().click();
  await providers.getByLabel('PocketID', { exact: true }).check();
  const armed = await fetch(`${server.url}/__test__/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'GET', path: '/api/identity-providers', phase: 'before', kind: 'delay', ms: 20000 }),
  });
  assert.equal(armed.status, 204, 'the fault is armed');
  await providers.getByRole('link', { name: 'Back to the list' }).click();
  await page.waitForFunction(() => window.__tracker.report().fetches.some((url) => url.endsWith('/api/identity-providers')));

  const removed = await page.evaluate(() => {
    const elements = [...document.querySelectorAll('qufabric-identity-providers, qufabric-groups-settings')];
    for (const element of elements) element.remove();
    window.__removed = elements;
    return elements.length;
  });
  assert.equal(removed, 2);
  // Give aborted requests and cleared timers a moment to settle.
  await page.waitForTimeout(500);
  const report = await page.evaluate(() => window.__tracker.report());
  assert.ok(report.oursSeen.listeners > 0 && report.oursSeen.timers > 0 && report.oursSeen.fetches > 0, `the tracker saw our calls: ${JSON.stringify(report.oursSeen)}`);
  assert.deepEqual(report.listeners, [], 'no listener of ours left on the window, the document or the page');
  assert.deepEqual(report.timers, [], 'no timer of ours pending');
  assert.deepEqual(report.fetches, [], 'no request of ours in flight');
  const left = await page.evaluate(() => ({
    shadowNodes: window.__removed.map((element) => element.shadowRoot?.childNodes.length ?? 0),
    styles: document.querySelectorAll('style').length,
    links: document.querySelectorAll('link').length,
    adopted: document.adoptedStyleSheets.length,
    strangers: [...document.body.querySelectorAll('*')].filter((e) => e.tagName.includes('-') || e.classList.contains('qf-root')).length,
  }));
  assert.deepEqual(left, { shadowNodes: [0, 0], styles: 0, links: 1, adopted: 0, strangers: 0 }, 'no node of ours is left');

  // Re-added, an element works again (the fault was spent on the aborted request or is
  // cleared here).
  await fetch(`${server.url}/__test__/faults`, { method: 'DELETE' });
  await page.evaluate((api) => {
    const element = document.createElement('qufabric-identity-providers');
    element.setAttribute('api-origin', api);
    element.getAuthorization = async () => `Token ${sessionStorage.getItem('host.pat')}`;
    document.querySelector('.columns section').append(element);
  }, server.url);
  await page.locator('qufabric-identity-providers').getByText('No identity provider yet.').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong attribute is explained inside the element and in the console, never a panic', async () => {
  const { page, problems, context } = await newPage(browser);
  await page.goto(hostUrl());
  const element = page.locator('qufabric-groups-settings');
  await page.evaluate(() => document.querySelector('qufabric-groups-settings').setAttribute('theme', 'blue'));
  await element.getByRole('alert').getByText('theme "blue" is not light or dark').waitFor();
  assert.ok(problems.some((p) => p.includes('theme "blue"')), 'the console says it too');
  // Fixed at runtime, it works.
  await page.evaluate(() => document.querySelector('qufabric-groups-settings').setAttribute('theme', 'dark'));
  await element.getByText('Waiting for the page to sign you in').waitFor();
  assert.ok(problems.every((p) => p.includes('theme "blue"')), problems.join('\n'));
  await context.close();
});

test('the module is served as the README says: hashed glue and wasm cached for good, the entry briefly, all compressed; a second page load takes the wasm from the cache', async () => {
  const { page, problems, context } = await newPage(browser);
  // Kept as they come (the event fires before the wasm runs); their headers read after.
  const responses = new Map();
  page.on('response', (response) => {
    const name = new URL(response.url()).pathname;
    if (name.startsWith('/qufabric/')) responses.set(name, response);
  });
  await page.goto(hostUrl());
  await page.locator('qufabric-identity-providers').getByText('Waiting for the page to sign you in').waitFor();
  const answers = new Map();
  for (const [name, response] of responses) answers.set(name, await response.allHeaders());
  const names = [...answers.keys()].sort();
  const wasm = names.find((name) => /^\/qufabric\/qufabric-sso-[0-9a-f]{16}\.wasm$/.test(name));
  const glue = names.find((name) => /^\/qufabric\/qufabric-sso-glue-[0-9a-f]{16}\.js$/.test(name));
  assert.ok(wasm && glue, `hashed names: ${names.join(', ')}`);
  for (const name of [wasm, glue]) {
    assert.equal(answers.get(name)['cache-control'], 'public, max-age=31536000, immutable', name);
  }
  assert.equal(answers.get('/qufabric/qufabric-sso.js')['cache-control'], 'public, max-age=300');
  for (const name of names) assert.equal(answers.get(name)['content-encoding'], 'br', name);

  // A second visit asks for the page again; the glue and the wasm come from the cache.
  const asked = host.requests.length;
  await page.goto(`${hostUrl()}&again=1`);
  await page.locator('qufabric-identity-providers').getByText('Waiting for the page to sign you in').waitFor();
  const again = host.requests.slice(asked);
  assert.ok(!again.includes(wasm) && !again.includes(glue), `asked again: ${again.join(', ')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('without a theme attribute the elements show the host page\'s scheme, live; theme overrides it; nothing is written on the element; the observer goes with the last element', async () => {
  const { page, problems, context } = await newPage(browser);
  // Count the observers and media listeners our module keeps (by the caller's stack).
  await page.addInitScript(() => {
    const ours = () => /\/qufabric\//.test(new Error().stack || '');
    window.__schemeWatch = { observing: 0, mediaListeners: 0 };
    const observe = MutationObserver.prototype.observe;
    const disconnect = MutationObserver.prototype.disconnect;
    MutationObserver.prototype.observe = function (...args) { if (ours()) window.__schemeWatch.observing += 1; return observe.apply(this, args); };
    MutationObserver.prototype.disconnect = function () { if (ours()) window.__schemeWatch.observing -= 1; return disconnect.call(this); };
    const add = MediaQueryList.prototype.addEventListener;
    const remove = MediaQueryList.prototype.removeEventListener;
    MediaQueryList.prototype.addEventListener = function (...args) { if (ours()) window.__schemeWatch.mediaListeners += 1; return add.apply(this, args); };
    MediaQueryList.prototype.removeEventListener = function (...args) { if (ours()) window.__schemeWatch.mediaListeners -= 1; return remove.apply(this, args); };
  });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(hostUrl());
  await page.locator('qufabric-groups-settings').getByText('Waiting for the page to sign you in').waitFor();
  const LIGHT = 'rgb(27, 31, 36)';
  const DARK = 'rgb(232, 235, 239)';
  const colours = () => page.evaluate(() => ['qufabric-identity-providers', 'qufabric-groups-settings']
    .map((tag) => getComputedStyle(document.querySelector(tag).shadowRoot.querySelector('.qf-root')).color));
  const expect = async (colour, why) => {
    await page.waitForFunction((want) => ['qufabric-identity-providers', 'qufabric-groups-settings']
      .every((tag) => getComputedStyle(document.querySelector(tag).shadowRoot.querySelector('.qf-root')).color === want), colour)
      .catch(() => {});
    assert.deepEqual(await colours(), [colour, colour], why);
  };
  const root = (script) => page.evaluate(script);

  await expect(LIGHT, 'a light page on a light system');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(DARK, 'nothing on the page: the system preference, followed live');
  await page.emulateMedia({ colorScheme: 'light' });
  await root(() => document.documentElement.classList.add('dark'));
  await expect(DARK, 'a dark class on <html>');
  await root(() => { document.documentElement.classList.remove('dark'); document.documentElement.setAttribute('data-theme', 'dark'); });
  await expect(DARK, 'data-theme=dark');
  await root(() => document.documentElement.removeAttribute('data-theme'));
  await expect(LIGHT, 'back to light');
  // The root's computed color-scheme decides over a class and the system.
  await page.emulateMedia({ colorScheme: 'dark' });
  await root(() => { document.documentElement.classList.add('dark'); document.documentElement.style.colorScheme = 'light'; });
  await expect(LIGHT, 'color-scheme: light on the root');
  await root(() => { document.documentElement.style.colorScheme = 'light dark'; });
  await expect(DARK, '"light dark" decides nothing: the class does');
  await root(() => { document.documentElement.classList.remove('dark'); document.documentElement.style.colorScheme = 'dark'; });
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(DARK, 'color-scheme: dark on the root');
  // The attribute overrides; without it the host decides again.
  await root(() => document.querySelectorAll('qufabric-identity-providers, qufabric-groups-settings').forEach((e) => e.setAttribute('theme', 'light')));
  await expect(LIGHT, 'theme=light over a dark host');
  await root(() => document.querySelectorAll('qufabric-identity-providers, qufabric-groups-settings').forEach((e) => e.removeAttribute('theme')));
  await expect(DARK, 'the host again');
  await root(() => { document.documentElement.style.colorScheme = ''; });
  await expect(LIGHT, 'nothing on the page, a light system');
  assert.equal(await root(() => document.querySelectorAll('[theme]').length), 0, 'no theme attribute written');

  assert.deepEqual(await root(() => window.__schemeWatch), { observing: 1, mediaListeners: 1 }, 'one observer for both');
  await root(() => document.querySelector('qufabric-groups-settings').remove());
  assert.deepEqual(await root(() => window.__schemeWatch), { observing: 1, mediaListeners: 1 }, 'kept for the other');
  await root(() => document.querySelector('qufabric-identity-providers').remove());
  assert.deepEqual(await root(() => window.__schemeWatch), { observing: 0, mediaListeners: 0 }, 'gone with the last');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an element removed before the WebAssembly started is never mounted', async () => {
  const { page, problems, context } = await newPage(browser);
  await page.addInitScript(tracker);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/qufabric/qufabric-sso-*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(hostUrl());
  // Defined and connected (the module ran), while the wasm is still on its way.
  const gone = await page.evaluate(async () => {
    await customElements.whenDefined('qufabric-groups-settings');
    const element = document.querySelector('qufabric-groups-settings');
    element.remove();
    window.__gone = element;
    return element.isConnected;
  });
  assert.equal(gone, false);
  release();
  await page.locator('qufabric-identity-providers').getByText('Waiting for the page to sign you in').waitFor();
  const mounted = await page.evaluate(() => window.__gone.shadowRoot?.childNodes.length ?? 0);
  assert.equal(mounted, 0, 'the removed element was never mounted');
  assert.deepEqual(problems, []);
  await context.close();
});

test('after a 401 the host is asked once more, and its second answer is used', async () => {
  const { page, problems, context } = await newPage(browser);
  await page.addInitScript((token) => {
    // A host whose first token is stale and whose second is fresh.
    let calls = 0;
    window.authorizationCalls = () => calls;
    window.staleThenFresh = async () => { calls += 1; return calls === 1 ? 'Token stale-token' : `Token ${token}`; };
  }, pat);
  await page.route('**/host.js', (route) => route.fulfill({
    contentType: 'text/javascript',
    body: `for (const e of document.querySelectorAll('qufabric-identity-providers, qufabric-groups-settings')) {
      e.setAttribute('api-origin', ${JSON.stringify(server.url)});
      if (e.localName === 'qufabric-groups-settings') e.remove(); else e.getAuthorization = window.staleThenFresh;
    }
    window.hostEvents = [];
    document.addEventListener('qufabric:session-required', (event) => window.hostEvents.push(event.type));
    await import('./qufabric/qufabric-sso.js');`,
  }));
  await page.goto(hostUrl());
  await page.locator('qufabric-identity-providers').getByText(/No identity provider yet|1 provider/).waitFor();
  assert.ok(await page.evaluate(() => window.authorizationCalls()) >= 2);
  assert.deepEqual(await page.evaluate(() => window.hostEvents), [], 'no session-required: the second answer worked');
  assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  await context.close();
});

test('when the host\'s authorization stops working, what was typed waits for the next one', async () => {
  const { page, problems, context } = await newPage(browser);
  await page.goto(hostUrl());
  await page.getByLabel('Personal access token').fill(pat);
  await page.getByRole('button', { name: 'Use this token' }).click();
  const providers = page.locator('qufabric-identity-providers');
  await providers.getByRole('link', { name: 'Add identity provider' }).first().click();
  await providers.getByLabel('PocketID', { exact: true }).check();
  await providers.getByLabel('Name').fill('PocketID for staff');
  await providers.getByLabel('Issuer').fill(standIn.issuer);
  await providers.getByLabel('Client ID').fill('QuFabric');
  await providers.getByLabel('Client Secret').fill('pocket-secret');
  await providers.locator('#provider-issuer-findings').getByText('names exactly this issuer').waitFor();
  // The host's token is revoked behind its back: the save is refused twice.
  await page.evaluate(() => sessionStorage.setItem('host.pat', 'revoked-token'));
  await providers.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForFunction(() => window.hostEvents.some((e) => e.type === 'qufabric:session-required'));
  assert.equal(await liveSignInButtons(page), 0, 'no sign-in screen');
  // The host gets a new token and hands it over: the element starts over with the draft.
  await page.getByLabel('Personal access token').fill(pat);
  await page.getByRole('button', { name: 'Use this token' }).click();
  await providers.getByText('Restored what you typed').waitFor();
  assert.equal(await providers.getByLabel('Name').inputValue(), 'PocketID for staff');
  assert.equal(await providers.getByLabel('Client ID').inputValue(), 'QuFabric');
  assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  await context.close();
});

test('a host policy that blocks the API or WebAssembly is explained inside each element, not as a lost connection', async () => {
  for (const [policy, says] of [
    [{ connectToApi: false }, [`Content-Security-Policy blocks requests to the management server at ${server.url} (connect-src)`, `Add ${server.url} to connect-src`]],
    [{ webAssembly: false }, ["does not allow WebAssembly", "Add 'wasm-unsafe-eval' to script-src"]],
  ]) {
    const strict = await startHost({ api: server.url, policy });
    const { page, problems, context } = await newPage(browser);
    await page.addInitScript((token) => sessionStorage.setItem('host.pat', token), pat);
    await page.goto(`${strict.url}/?api=${encodeURIComponent(server.url)}`);
    for (const tag of ['qufabric-identity-providers', 'qufabric-groups-settings']) {
      const alert = page.locator(tag).getByRole('alert');
      await alert.waitFor();
      const text = await alert.textContent();
      for (const words of says) assert.ok(text.includes(words), `${tag}: ${text}`);
      assert.ok(!text.includes('could not be reached'), `${tag}: ${text}`);
    }
    assert.ok(problems.length > 0, 'the browser reports the violation too');
    await context.close();
    await strict.close();
  }
});

test('"See who signs in with …" is offered to the host first, then follows users-href', async () => {
  // PocketID, and a person who signed in with it (at the standalone login screen).
  const created = await fetch(`${server.url}/api/identity-providers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Token ${pat}` },
    body: JSON.stringify({ type: 'pocketid', name: 'PocketID', issuer: standIn.issuer, client_id: 'QuFabric', client_secret: 'pocket-secret' }),
  });
  assert.equal(created.status, 200, await created.clone().text());
  const provider = await created.json();
  const person = await newPage(browser);
  await person.page.goto(`${server.url}/login`);
  await person.page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await person.page.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await person.page.getByLabel('Username').fill('alice');
  await person.page.getByLabel('Password').fill('alice-password');
  await person.page.getByRole('button', { name: 'Sign in' }).click();
  // A plain user: signed in, without access to the settings.
  await person.page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  await person.context.close();

  const { page, problems, context } = await newPage(browser, { viewport: { width: 1400, height: 1000 } });
  await page.goto(hostUrl());
  await page.getByLabel('Personal access token').fill(pat);
  await page.getByRole('button', { name: 'Use this token' }).click();
  const providers = page.locator('qufabric-identity-providers');
  const openDelete = async () => {
    await providers.getByRole('button', { name: /Delete PocketID/ }).click();
    return providers.getByRole('alertdialog').getByRole('link', { name: 'See who signs in with PocketID' });
  };
  const navigations = () => page.evaluate(() => window.hostEvents.filter((e) => e.type === 'qufabric:navigate').map((e) => e.detail));

  // A host whose router takes it over: nothing else happens.
  await page.evaluate(() => document.addEventListener('qufabric:navigate', (event) => event.preventDefault(), { once: true }));
  const link = await openDelete();
  assert.equal(await link.getAttribute('href'), '#members');
  await link.click();
  assert.deepEqual(await navigations(), [{ page: 'users', provider: provider.id }]);
  assert.equal(await page.evaluate(() => location.hash), '', 'taken over by the host');
  await providers.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();

  // A host that only listens: the browser follows users-href, to the host's Members tab.
  await (await openDelete()).click();
  await page.waitForFunction(() => location.hash === '#members');
  await page.getByRole('heading', { name: 'Members' }).waitFor();
  assert.equal((await navigations()).length, 2);
  assert.deepEqual(problems, []);
  await context.close();
  await fetch(`${server.url}/api/identity-providers/${provider.id}`, { method: 'DELETE', headers: { authorization: `Token ${pat}` } });
});
