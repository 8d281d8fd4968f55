// The setup guide's steps 1 to 5 in a real browser: the owner signs in with email, adds
// PocketID under Settings → Identity Providers, copies the Redirect URL (the stand-in's
// client gets exactly that value), signs out, sees "PocketID" on the login screen, signs
// in at the stand-in as a member of group QuFabric, and lands back signed in as that user
// (a plain user: the no-access page). Then the failure paths end on the login screen with
// their own messages and no session.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwner, signInWithEmail, sessionToken } from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const USERS = {
  alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric'] },
  carol: { password: 'carol-password', email: 'carol@example.com', name: 'Carol', groups: ['Other'] },
};
let server;
let standIn;
let browser;

before(async () => {
  server = await startServer();
  // Step 1: the OIDC client exists in PocketID; its callback URL comes from QuFabric later.
  standIn = await startPocketId({ clients: [], users: USERS });
  await setupOwner(server, OWNER);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await standIn?.close();
  await server?.cleanup();
});

async function signInAtStandIn(page, username) {
  await page.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(USERS[username].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('steps 1 to 5: add PocketID, copy the Redirect URL, sign in with PocketID', async () => {
  const { page, problems, context } = await newPage(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await signInWithEmail(page, server, OWNER);

  // Step 2: add the provider.
  await page.getByRole('link', { name: 'Add identity provider' }).first().click();
  await page.getByLabel('PocketID', { exact: true }).check();
  await page.getByLabel('Issuer').fill(standIn.issuer);
  await page.getByLabel('Client ID').fill('QuFabric');
  await page.getByLabel('Client Secret').fill('pocket-secret');
  await page.locator('#provider-issuer-findings').getByText('names exactly this issuer').waitFor();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL(/\/settings\/identity-providers\/pocketid-/);

  // Step 3: copy the Redirect URL into the client's callback URLs.
  await page.getByRole('button', { name: 'Copy Redirect URL' }).click();
  await page.locator('#redirect-url-status').getByText('Copied to the clipboard.').waitFor();
  const redirectUrl = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(redirectUrl, `${server.url}/oauth2/callback`);
  // Step 4: group QuFabric assigned to the client (only its members may sign in).
  standIn.setClients([{
    client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [redirectUrl],
    allowed_groups: ['QuFabric'],
  }]);

  // Step 5: log out, the login page has a PocketID button, sign in with it.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login$/);
  await page.getByText('You are signed out of QuFabric.').waitFor();
  const pocketButton = page.getByRole('button', { name: 'Continue with PocketID' });
  await pocketButton.waitFor();
  await screenshot(page, 'login-with-pocketid');
  assert.deepEqual(await axeViolations(page), [], 'axe on the login screen with a provider');
  await pocketButton.click();
  await signInAtStandIn(page, 'alice');
  // The callback moves on to the settings in the same running app (no stop at `/`).
  await page.waitForURL(`${server.url}/settings/identity-providers`);
  await page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  await page.getByText('alice@example.com').waitFor();
  await screenshot(page, 'landing-pocketid-user');
  const users = await (await fetch(`${server.url}/api/users`, {
    headers: { authorization: `Bearer ${await ownerToken()}` },
  })).json();
  const alice = users.find((u) => u.email === 'alice@example.com');
  assert.equal(alice.role, 'user');
  assert.match(alice.idp_id, /^pocketid-/);
  assert.deepEqual(problems, []);
  await context.close();
});

async function ownerToken() {
  const { page, context } = await newPage(browser);
  await signInWithEmail(page, server, OWNER);
  const token = await sessionToken(page);
  await context.close();
  return token;
}

test('a user outside the client\'s groups is refused by PocketID: upstream_denied, no session', async () => {
  const { page, problems, context } = await newPage(browser);
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await signInAtStandIn(page, 'carol');
  await page.waitForURL(/\/login\?error=upstream_denied/);
  await page.getByText('The identity provider refused the sign-in.').waitFor();
  await screenshot(page, 'login-error-upstream-denied');
  assert.deepEqual(await axeViolations(page), []);
  // The in-dashboard help for "Invalid redirect URI" shows the URL to list.
  await page.getByRole('link', { name: /Invalid redirect URI/ }).click();
  await page.waitForURL(/\/help\/redirect-uri$/);
  // The URL arrives with /api/instance: wait for it before reading it.
  await page.waitForFunction(() => (document.querySelector('#help-redirect-url')?.value ?? '') !== '');
  assert.equal(await page.getByLabel('Redirect URL the server sends').inputValue(), `${server.url}/oauth2/callback`);
  await screenshot(page, 'help-redirect-uri');
  assert.deepEqual(await axeViolations(page), [], 'axe on the help page');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('qufabric.session')), null);
  assert.deepEqual(problems, []);
  await context.close();
});

async function createProvider(token, body) {
  const response = await fetch(`${server.url}/api/identity-providers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ type: 'pocketid', client_id: 'QuFabric', ...body }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

test('sign-out with the Logout URL not registered at PocketID: QuFabric\'s login screen says so, never PocketID\'s error page', async () => {
  // The stand-in, like PocketID, refuses a post-logout return address it does not list.
  const { page, problems, context } = await newPage(browser);
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await signInAtStandIn(page, 'alice');
  await page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  const oldRefresh = await page.evaluate(() => JSON.parse(sessionStorage.getItem('qufabric.session')).refresh_token);
  assert.ok(oldRefresh);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${server.url}/login`);
  await page.getByText('You are signed out of QuFabric.').waitFor();
  await page.getByRole('button', { name: 'Continue with PocketID' }).waitFor();
  const pocketLink = page.getByRole('link', { name: 'Also sign out of PocketID' });
  await pocketLink.waitFor();
  const href = await pocketLink.getAttribute('href');
  assert.ok(href.startsWith(standIn.issuer), href);
  assert.ok(!href.includes('post_logout_redirect_uri'), href);
  // What QuFabric did not do: the stand-in refuses the unregistered return address, as
  // PocketID does, so sending the browser there would have stranded the user.
  const refusal = await fetch(`${href}&post_logout_redirect_uri=${encodeURIComponent(`${server.url}/oauth2/logout/callback`)}`);
  assert.equal(refusal.status, 400);
  assert.match(await refusal.text(), /post_logout_redirect_uri/);
  await screenshot(page, 'signed-out-pocketid-not-registered');
  assert.deepEqual(await axeViolations(page), []);

  // The old refresh token is refused; the settings ask for sign-in again.
  const refused = await fetch(`${server.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: oldRefresh, client_id: 'qufabric-dashboard' }),
  });
  assert.equal(refused.status, 400);
  await page.goto(`${server.url}/settings/identity-providers`);
  await page.waitForURL(/\/login\?return_to=%2Fsettings%2Fidentity-providers/);

  // The offered link reaches PocketID's own sign-out, not an error.
  await page.goto(href);
  await page.getByRole('heading', { name: 'Sign out of PocketID' }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('with the Logout URL registered, sign-out also ends the PocketID session and comes back', async () => {
  // The administrator lists the Logout URL in PocketID and ticks the box on the form.
  const owner = await newPage(browser);
  await signInWithEmail(owner.page, server, OWNER);
  await owner.page.getByRole('link', { name: /PocketID/ }).first().click();
  await owner.page.waitForURL(/\/settings\/identity-providers\/pocketid-/);
  const logoutUrl = await owner.page.getByLabel('Logout URL', { exact: true }).inputValue();
  assert.equal(logoutUrl, `${server.url}/oauth2/logout/callback`);
  await owner.page.getByText('Logout Callback URLs (OIDC client)').first().waitFor();
  await owner.page.getByLabel('Logout URL registered in PocketID').check();
  await screenshot(owner.page, 'provider-form-logout-registered');
  await owner.page.getByRole('button', { name: 'Save changes' }).click();
  await owner.page.locator('#save-status').getByText(/Saved/).waitFor();
  await owner.context.close();
  standIn.setClients([{
    client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [`${server.url}/oauth2/callback`],
    post_logout_redirect_uris: [logoutUrl], allowed_groups: ['QuFabric'],
  }]);

  const { page, problems, context } = await newPage(browser);
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await signInAtStandIn(page, 'alice');
  await page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  // PocketID's own sign-out, then back to QuFabric's login screen, saying both.
  await page.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${server.url}/login`);
  await page.getByText('You are signed out of QuFabric.').waitFor();
  await page.getByText('You were also signed out of PocketID.').waitFor();
  await screenshot(page, 'signed-out-pocketid-registered');
  await page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await page.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await page.getByLabel('Username').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong client secret ends with invalid_client', async () => {
  const token = await ownerToken();
  const wrong = await createProvider(token, { name: 'Wrong Secret', issuer: standIn.issuer, client_secret: 'not-the-secret' });
  const { page, problems, context } = await newPage(browser);
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with Wrong Secret' }).click();
  await signInAtStandIn(page, 'alice');
  await page.waitForURL(/\/login\?error=invalid_client/);
  await page.getByText("did not accept QuFabric's client credentials").waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('qufabric.session')), null);
  await fetch(`${server.url}/api/identity-providers/${wrong.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a provider that is down ends with provider_unreachable', async () => {
  const token = await ownerToken();
  const other = await startPocketId({ clients: [], users: USERS });
  const down = await createProvider(token, { name: 'Down Provider', issuer: other.issuer, client_secret: 's' });
  await other.close();
  const { page, problems, context } = await newPage(browser);
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with Down Provider' }).click();
  await page.waitForURL(/\/login\?error=provider_unreachable/);
  await page.getByText('The identity provider could not be reached.').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('qufabric.session')), null);
  await fetch(`${server.url}/api/identity-providers/${down.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a tampered state on the way back from PocketID ends with state_mismatch', async () => {
  const { page, problems, context } = await newPage(browser);
  // The login form's answer is followed by hand (redirects are not routed), and the final
  // redirect to QuFabric's callback gets a forged state.
  await page.route(`${standIn.issuer}/interaction/*/login`, async (route) => {
    let response = await route.fetch({ maxRedirects: 0 });
    let location = response.headers().location;
    while (location && !location.startsWith(`${server.url}/oauth2/callback`)) {
      response = await context.request.get(new URL(location, standIn.issuer).toString(), { maxRedirects: 0 });
      location = response.headers().location;
    }
    assert.ok(location, 'the stand-in redirected back to QuFabric');
    const url = new URL(location);
    url.searchParams.set('state', 'forged');
    await route.fulfill({ status: 303, headers: { location: url.toString() } });
  });
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await signInAtStandIn(page, 'alice');
  await page.waitForURL(/\/login\?error=state_mismatch/);
  await page.getByText('This sign-in could not be verified.').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('qufabric.session')), null);
  assert.deepEqual(problems, []);
  await context.close();
});
