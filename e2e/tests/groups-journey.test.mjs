// JWT group sync after the login journey: a PocketID user in group QuFabric signs in with
// sync on and QuFabric appears as issued by JWT; promoted to admin, that user sees the
// lockout warning and its confirmation when about to save an allow list without
// QuFabric; a user only in Contractors is refused by QuFabric with not_in_allowed_group;
// the local owner stays exempt.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwner, signInWithEmail, ownerApi } from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const USERS = {
  alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric'] },
  bob: { password: 'bob-password', email: 'bob@example.com', name: 'Bob', groups: ['Contractors'] },
};
let server;
let standIn;
let browser;
/** The owner's API calls (see `ownerApi`). */
let api;

async function setSync(allow) {
  const [account] = await api('GET', '/api/accounts');
  await api('PUT', `/api/accounts/${account.id}`, {
    settings: { ...account.settings, jwt_groups_enabled: true, jwt_groups_claim_name: 'groups', jwt_allow_groups: allow },
  });
}

async function pocketSignIn(page, username) {
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await page.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(USERS[username].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

before(async () => {
  server = await startServer();
  standIn = await startPocketId({ clients: [], users: USERS });
  standIn.setClients([{
    client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [`${server.url}/oauth2/callback`],
    // Both groups are assigned to the client: PocketID lets both users through.
    allowed_groups: ['QuFabric', 'Contractors'],
  }]);
  await setupOwner(server, OWNER);
  browser = await launchBrowser();
  api = await ownerApi(browser, server, OWNER);
  await api('POST', '/api/identity-providers', {
    type: 'pocketid', name: 'PocketID', issuer: standIn.issuer, client_id: 'QuFabric', client_secret: 'pocket-secret',
  });
});

after(async () => {
  await browser?.close();
  await standIn?.close();
  await server?.cleanup();
});

test('sync, promotion, refusal outside the allow list, lockout confirmation, local exemption', async () => {
  await setSync([]);
  // Alice signs in through PocketID: QuFabric becomes a JWT group and hers.
  const first = await newPage(browser);
  await pocketSignIn(first.page, 'alice');
  await first.page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  await first.context.close();
  const groups = await api('GET', '/api/groups');
  const qufabric = groups.find((g) => g.name === 'QuFabric');
  assert.equal(qufabric.issued, 'jwt');
  const alice = (await api('GET', '/api/users')).find((u) => u.email === 'alice@example.com');
  assert.deepEqual(alice.auto_groups, [qufabric.id]);
  // The owner promotes her (no users page is needed).
  await api('PUT', `/api/users/${alice.id}`, { role: 'admin', auto_groups: alice.auto_groups, is_blocked: false });

  // Only QuFabric members: Bob (Contractors) is refused by QuFabric itself.
  await setSync(['QuFabric']);
  const refused = await newPage(browser);
  await pocketSignIn(refused.page, 'bob');
  await refused.page.waitForURL(/\/login\?error=not_in_allowed_group/);
  await refused.page.getByText('only admits members of its allowed groups').waitFor();
  await refused.page.getByText(/Only members of QuFabric may sign in to QuFabric\. Your sign-in carried only the group Contractors\./).waitFor();
  await screenshot(refused.page, 'login-error-not-in-allowed-group');
  assert.equal(await refused.page.evaluate(() => sessionStorage.getItem('qufabric.session')), null);
  await refused.context.close();

  // Alice, admin through PocketID, about to allow only Contractors: warned, then asked.
  const admin = await newPage(browser);
  await pocketSignIn(admin.page, 'alice');
  await admin.page.waitForURL(/\/settings\/identity-providers$/);
  await admin.page.getByRole('link', { name: 'Groups' }).click();
  await admin.page.getByRole('button', { name: 'Remove QuFabric' }).click();
  await admin.page.getByLabel('JWT allow groups').fill('Contractors');
  await admin.page.keyboard.press('Enter');
  await admin.page.locator('#allow-findings').getByText('You would lock yourself out').waitFor();
  await screenshot(admin.page, 'groups-lockout-warning');
  assert.deepEqual(await axeViolations(admin.page), []);
  await admin.page.getByRole('button', { name: 'Save', exact: true }).click();
  const dialog = admin.page.getByRole('alertdialog');
  await dialog.getByText('Save an allow list that locks you out?').waitFor();
  await screenshot(admin.page, 'groups-lockout-confirmation');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await dialog.count(), 0);
  const [account] = await api('GET', '/api/accounts');
  assert.deepEqual(account.settings.jwt_allow_groups, ['QuFabric'], 'nothing saved after Cancel');
  assert.deepEqual(admin.problems, []);
  await admin.context.close();

  // The local owner is told they stay exempt, and signs in whatever the list says.
  await setSync(['Nobody']);
  const owner = await newPage(browser);
  await signInWithEmail(owner.page, server, OWNER);
  await owner.page.getByRole('link', { name: 'Groups' }).click();
  await owner.page.locator('#allow-findings').getByText('You signed in with email').waitFor();
  await owner.context.close();
});
