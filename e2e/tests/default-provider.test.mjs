// A default provider (issue 24, part 3): with PocketID marked on its form, `/login` says
// "Redirecting to PocketID…" and goes there by itself after a few seconds, passing on the
// login_hint it was given; Cancel stays; it never goes on after a sign-out, with an error
// on the page, with prompt=login, or at /login?local=1, which keeps email sign-in open.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwner, signInWithEmail, fillNewProvider,
} from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const USERS = { alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric'] } };
let server;
let standIn;
let browser;

before(async () => {
  server = await startServer();
  await setupOwner(server, OWNER);
  standIn = await startPocketId({
    users: USERS,
    clients: [{ client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [`${server.url}/oauth2/callback`], allowed_groups: [] }],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await standIn?.close();
  await server?.cleanup();
});

const atStandIn = (url) => url.toString().startsWith(standIn.issuer);
const notice = (page) => page.locator('#default-redirect');
/** Stays on /login for longer than the notice waits. */
async function staysOnLogin(page) {
  await page.waitForTimeout(6500);
  assert.match(page.url(), /\/login/);
  assert.equal(atStandIn(page.url()), false);
}

test('PocketID as the default: the notice, then on to PocketID with the login_hint; Cancel stays; never after sign-out, an error, prompt=login or ?local=1', async () => {
  // The owner marks PocketID as the default on its form.
  const owner = await newPage(browser, { viewport: { width: 1200, height: 900 } });
  await signInWithEmail(owner.page, server, OWNER);
  await fillNewProvider(owner.page, { issuer: standIn.issuer, clientId: 'QuFabric', secret: 'pocket-secret' });
  await owner.page.getByLabel('Send people to PocketID from the login screen').check();
  await owner.page.getByRole('button', { name: 'Save', exact: true }).click();
  await owner.page.getByText('Saved. Now copy this Redirect URL').waitFor();
  // The list says which provider the login screen goes on to.
  await owner.page.goto(`${server.url}/settings/identity-providers`);
  await owner.page.locator('tr[data-id]').filter({ hasText: 'PocketID' }).getByText('Login default').waitFor();
  await owner.context.close();

  // A visit to /login: the notice, visibly, then PocketID, with the hint passed on.
  const alice = await newPage(browser);
  await alice.page.goto(`${server.url}/login?login_hint=alice@example.com`);
  await notice(alice.page).getByText('Redirecting to PocketID…').waitFor();
  await screenshot(alice.page, 'login-default-provider-notice');
  assert.deepEqual(await axeViolations(alice.page), [], 'axe on the notice');
  await alice.page.waitForURL(atStandIn, { timeout: 15000 });
  assert.equal(standIn.lastAuthorization?.login_hint, 'alice@example.com', 'login_hint arrives at the provider');
  await alice.page.getByLabel('Username').fill('alice');
  await alice.page.getByLabel('Password').fill(USERS.alice.password);
  await alice.page.getByRole('button', { name: 'Sign in' }).click();
  await alice.page.getByRole('heading', { name: 'No access to these settings' }).waitFor();

  // After signing out, the login screen says so and does not go on.
  await alice.page.getByRole('button', { name: 'Sign out' }).click();
  await alice.page.waitForURL(/\/login/);
  await alice.page.getByText('You are signed out').waitFor();
  assert.equal(await notice(alice.page).count(), 0, 'no notice after sign-out');
  await staysOnLogin(alice.page);
  await alice.context.close();

  // Cancel stays, and says so.
  const visitor = await newPage(browser);
  await visitor.page.goto(`${server.url}/login`);
  await notice(visitor.page).getByRole('button', { name: 'Cancel' }).click();
  await notice(visitor.page).getByText('Staying here: choose how to sign in.').waitFor();
  await staysOnLogin(visitor.page);
  // The way to email sign-in: the email button, and no move.
  await notice(visitor.page).waitFor();
  await visitor.page.goto(`${server.url}/login`);
  await notice(visitor.page).getByRole('link', { name: 'Sign in with email instead' }).click();
  await visitor.page.waitForURL(/\/login\?local=1/);
  await visitor.page.getByRole('button', { name: 'Continue with email' }).waitFor();
  assert.equal(await notice(visitor.page).count(), 0);
  await staysOnLogin(visitor.page);
  // An error on the page, or prompt=login: no move either.
  for (const query of ['error=upstream_denied', 'prompt=login']) {
    await visitor.page.goto(`${server.url}/login?${query}`);
    await visitor.page.getByRole('button', { name: 'Continue with PocketID' }).waitFor();
    assert.equal(await notice(visitor.page).count(), 0, query);
  }
  await staysOnLogin(visitor.page);
  await visitor.context.close();
});
