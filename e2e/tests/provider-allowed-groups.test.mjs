// Allowed groups per provider (issue 24, part 2): a contractor's IdP, added next to the
// account's own, may let in only its `contractors` group. Bob (not a member) is refused
// at sign-in with the provider's own message and carol (a member) gets in, with group
// sync off (the list is about who may come in, not about sync); the test sign-in report
// for bob says so first.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwner, signInWithEmail, fillNewProvider,
} from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const USERS = {
  bob: { password: 'bob-password', email: 'bob@example.com', name: 'Bob', groups: ['staff'] },
  carol: { password: 'carol-password', email: 'carol@example.com', name: 'Carol', groups: ['contractors'] },
};
let server;
let standIn;
let browser;

before(async () => {
  server = await startServer();
  await setupOwner(server, OWNER);
  standIn = await startPocketId({
    users: USERS,
    clients: [{ client_id: 'QuFabric', client_secret: 'idp-secret', redirect_uris: [`${server.url}/oauth2/callback`], allowed_groups: [] }],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await standIn?.close();
  await server?.cleanup();
});

async function signInThrough(username) {
  const person = await newPage(browser);
  await person.page.goto(`${server.url}/login`);
  await person.page.getByRole('button', { name: 'Continue with Contractor IdP' }).click();
  await person.page.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await person.page.getByLabel('Username').fill(username);
  await person.page.getByLabel('Password').fill(USERS[username].password);
  await person.page.getByRole('button', { name: 'Sign in' }).click();
  return person;
}

test('only the provider\'s allowed group gets in through it, sync off; the report for an outsider says so first', async () => {
  const owner = await newPage(browser, { viewport: { width: 1200, height: 1000 } });
  await signInWithEmail(owner.page, server, OWNER);
  await fillNewProvider(owner.page, {
    type: 'Generic OIDC', name: 'Contractor IdP', issuer: standIn.issuer, clientId: 'QuFabric', secret: 'idp-secret',
  });
  await owner.page.getByLabel('Allowed groups').fill('contractors');
  // A generic provider is not asked for groups by default, and this one releases them only
  // under the groups scope (as many do): the form offers the scope its discovery lists.
  await owner.page.getByText('Advanced: scopes and claims').click();
  await owner.page.getByRole('button', { name: 'Add the groups scope' }).click();
  await owner.page.getByRole('button', { name: 'Save', exact: true }).click();
  await owner.page.getByText('Saved. Now copy this Redirect URL').waitFor();

  // Bob is refused with the provider's own message, and leaves no user behind.
  const bob = await signInThrough('bob');
  await bob.page.waitForURL(/\/login\?error=not_in_provider_group/);
  const refusal = bob.page.locator('#login-error');
  await refusal.getByText('QuFabric admits only some of that provider\'s groups').waitFor();
  assert.match(await refusal.innerText(), /Only members of contractors may sign in to QuFabric through Contractor IdP; your sign-in carried staff\./);
  await screenshot(bob.page, 'login-not-in-provider-group');
  assert.deepEqual(await axeViolations(bob.page), [], 'axe on the refusal');
  await bob.context.close();

  // Carol is a member: she gets in (a plain user).
  const carol = await signInThrough('carol');
  await carol.page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  await carol.context.close();

  // The test sign-in report for bob: refused, and why, first.
  await owner.page.goto(`${server.url}/settings/identity-providers`);
  const popupOpened = owner.page.waitForEvent('popup');
  await owner.page.getByRole('button', { name: 'Test sign-in Contractor IdP' }).click();
  const popup = await popupOpened;
  await popup.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await popup.getByLabel('Username').fill('bob');
  await popup.getByLabel('Password').fill(USERS.bob.password);
  await popup.getByRole('button', { name: 'Sign in' }).click();
  await popup.getByRole('heading', { name: 'Test sign-in finished' }).waitFor();
  await popup.close();
  const report = owner.page.getByRole('region', { name: 'Test sign-in with Contractor IdP' });
  const verdict = report.locator('.notice-error').first();
  await verdict.getByText('Would be refused: Only members of contractors may sign in to QuFabric through Contractor IdP').waitFor();
  await report.getByText('This user would not get in through Contractor IdP: none of their groups is allowed through it.').waitFor();
  await screenshot(owner.page, 'test-sign-in-not-in-provider-group');
  const users = await (await fetch(`${server.url}/api/users`, { headers: { authorization: `Bearer ${await owner.page.evaluate(() => JSON.parse(sessionStorage.getItem('qufabric.session')).access_token)}` } })).json();
  assert.deepEqual(users.map((u) => u.email).sort(), ['carol@example.com', 'owner@example.com'], 'bob left no user row');
  await owner.context.close();
});
