// The foundation journey in a real browser against the reference server: a fresh server
// shows setup, the owner is created, signs in with email at the embedded IdP and lands on
// Settings with both tabs; routes survive reloads; a server restart keeps the owner and
// the session. Everything runs under the server's strict Content-Security-Policy: a
// blocked script or a wasm panic would show up as a console or page error and fail.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, screenshot, axeViolations, SCREENSHOTS } from '../harness.mjs';

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', password: 'Correct horse battery 9' };

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

async function signInWithEmail(page, { email, password }) {
  await page.getByRole('button', { name: 'Continue with email' }).click();
  await page.waitForURL(/\/oauth2\/auth/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('fresh server: setup, email sign-in, settings with both tabs, reload and restart', async () => {
  const { page, problems, context } = await newPage(browser);

  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/setup$/);
  await page.getByRole('heading', { name: 'Set up QuFabric' }).waitFor();
  await screenshot(page, 'setup');

  await page.getByLabel(/^Name/).fill(OWNER.name);
  await page.getByLabel(/^Email/).fill(OWNER.email);
  await page.getByLabel(/^Password/).fill('short');
  await page.getByText('The password needs at least 8 characters, an upper-case letter, a digit and a special character.').waitFor();
  // The one rule, as the server keeps it: long enough is not enough.
  await page.getByLabel(/^Password/).fill('correct horse battery');
  await page.getByText('The password needs an upper-case letter and a digit.').waitFor();
  assert.equal(await page.getByLabel(/^Password/).getAttribute('aria-invalid'), 'true');
  await page.getByLabel(/^Password/).fill(OWNER.password);
  assert.equal(await page.getByLabel(/^Password/).getAttribute('aria-invalid'), null);
  await page.getByLabel(/^Repeat the password/).fill(OWNER.password);
  await page.getByRole('button', { name: 'Create owner account' }).click();

  await page.waitForURL(/\/login\?setup=done/);
  await page.getByText('Your owner account is ready').waitFor();
  await screenshot(page, 'login-after-setup');
  assert.deepEqual(await axeViolations(page), [], 'axe on the login screen');

  // A wrong password is refused at the IdP with a clear message, and nothing is lost.
  await signInWithEmail(page, { email: OWNER.email, password: 'not the password' });
  await page.getByRole('alert').getByText('Wrong email or password.').waitFor();
  assert.equal(await page.getByLabel('Email').inputValue(), OWNER.email);

  await page.getByLabel('Password').fill(OWNER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/settings\/identity-providers$/);
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
  const tabs = page.getByRole('navigation', { name: 'Settings sections' });
  await tabs.getByRole('link', { name: 'Identity Providers' }).waitFor();
  await tabs.getByRole('link', { name: 'Groups' }).waitFor();
  assert.equal(await tabs.getByRole('link', { name: 'Identity Providers' }).getAttribute('aria-current'), 'page');
  await page.getByText(OWNER.email).waitFor();
  await screenshot(page, 'settings-identity-providers');
  assert.deepEqual(await axeViolations(page), [], 'axe on settings');

  // The Groups tab, and the route survives a reload.
  await tabs.getByRole('link', { name: 'Groups' }).click();
  await page.waitForURL(/\/settings\/groups$/);
  await page.reload();
  await page.getByRole('heading', { name: 'Groups' }).waitFor();
  assert.equal(await tabs.getByRole('link', { name: 'Groups' }).getAttribute('aria-current'), 'page');

  // Tokens are in sessionStorage, never in localStorage, which holds only the way of
  // signing in used last (so a new tab can mark it).
  const storage = await page.evaluate(() => ({ local: { ...localStorage }, session: Object.keys(sessionStorage) }));
  assert.deepEqual(storage.local, { 'qufabric.last_connector': 'local' });
  assert.ok(storage.session.includes('qufabric.session'));

  // After a server restart the owner is still there and the session still works.
  await server.restart();
  await page.reload();
  await page.getByRole('heading', { name: 'Groups' }).waitFor();
  await page.getByText(OWNER.email).waitFor();
  const instance = await (await fetch(`${server.url}/api/instance`)).json();
  assert.equal(instance.setup_required, false);

  // `/` now goes to the settings; sign-out ends on the login screen, which says so once.
  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/settings\/identity-providers$/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login$/);
  await page.getByRole('status').getByText('You are signed out of QuFabric.').waitFor();
  await page.getByRole('button', { name: 'Continue with email' }).waitFor();
  await screenshot(page, 'signed-out');
  assert.deepEqual(await axeViolations(page), [], 'axe on the login screen after sign-out');
  await page.reload();
  await page.getByRole('button', { name: 'Continue with email' }).waitFor();
  assert.equal(await page.getByText('You are signed out of QuFabric.').count(), 0, 'said once');
  // `/signed-out` stays an address that says it.
  await page.goto(`${server.url}/signed-out`);
  await page.getByText('You are signed out of QuFabric.').waitFor();
  await page.getByRole('button', { name: 'Continue with email' }).waitFor();
  // A signed-out visit to a settings route goes to the login screen and back afterwards.
  await page.goto(`${server.url}/settings/groups`);
  await page.waitForURL(/\/login\?return_to=%2Fsettings%2Fgroups/);
  await signInWithEmail(page, OWNER);
  await page.waitForURL(/\/settings\/groups$/);

  assert.deepEqual(problems, [], 'no console errors, CSP violations or panics');
  await context.close();
});

test('a tampered state is refused with its own message and no session', async () => {
  const { page, problems, context } = await newPage(browser);
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with email' }).click();
  await page.waitForURL(/\/oauth2\/auth/);
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByLabel('Password').fill(OWNER.password);
  // Rewrite the state in the IdP's redirect back to the dashboard.
  await page.route('**/oauth2/login', async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const location = new URL(response.headers().location);
    location.searchParams.set('state', 'forged');
    await route.fulfill({ response, headers: { ...response.headers(), location: location.toString() } });
  });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/login\?error=state_mismatch/);
  await page.getByText('This sign-in could not be verified.').waitFor();
  await screenshot(page, 'login-error-state-mismatch');
  assert.deepEqual(await axeViolations(page), [], 'axe on the login screen with an error');
  const session = await page.evaluate(() => sessionStorage.getItem('qufabric.session'));
  assert.equal(session, null);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the dark scheme renders and passes axe', async () => {
  const { page, problems, context } = await newPage(browser, { colorScheme: 'dark' });
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with email' }).waitFor();
  await screenshot(page, 'login-dark');
  assert.deepEqual(await axeViolations(page), []);
  await signInWithEmail(page, OWNER);
  await page.waitForURL(/\/settings\/identity-providers$/);
  await screenshot(page, 'settings-dark');
  assert.deepEqual(await axeViolations(page), []);
  // The vendor marks are drawn inline and follow the theme: Pocket ID in the text colour,
  // ZITADEL a tile of it with the "Z" cut in the surface colour.
  await page.goto(`${server.url}/settings/identity-providers/new`);
  await page.locator('#type-zitadel').waitFor();
  const marks = await page.evaluate(() => {
    const fill = (selector) => getComputedStyle(document.querySelector(selector)).fill;
    const root = getComputedStyle(document.documentElement);
    return {
      pocketid: fill('label[for="type-pocketid"] .mark-ink'),
      zitadelTile: fill('label[for="type-zitadel"] .mark-ink'),
      zitadelZ: fill('label[for="type-zitadel"] .mark-knockout'),
      text: getComputedStyle(document.body).color,
      requests: performance.getEntriesByType('resource').filter((e) => e.name.includes('/icons/')).length,
      surface: root.getPropertyValue('--surface').trim(),
    };
  });
  assert.equal(marks.pocketid, marks.text, 'Pocket ID is drawn in the text colour');
  assert.equal(marks.zitadelTile, marks.text);
  assert.notEqual(marks.zitadelZ, marks.text, `the Z is cut in the surface colour (${marks.surface})`);
  assert.equal(marks.requests, 0, 'no mark is fetched');
  await page.locator('.type-picker').screenshot({ path: `${SCREENSHOTS}/provider-types-dark.png` });
  assert.deepEqual(problems, []);
  await context.close();
});
