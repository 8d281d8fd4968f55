// Approval of newcomers, as a fresh real install has it (`extra.user_approval_required`
// on): the guide's step 5 ends on "waiting for approval" until an administrator approves
// the person on Users. Reject deletes them (a new sign-in makes them wait again); the
// switch on Users lets newcomers straight in, saved on the account as it is at that moment.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwnerWithToken, signInWithEmail,
  fillNewProvider,
} from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const USERS = {
  alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric'] },
  bob: { password: 'bob-password', email: 'bob@example.com', name: 'Bob', groups: ['QuFabric'] },
  carol: { password: 'carol-password', email: 'carol@example.com', name: 'Carol', groups: ['QuFabric'] },
};
let server;
let standIn;
let browser;
let pat;

before(async () => {
  server = await startServer();
  // Approval stays as a new install has it: on.
  pat = await setupOwnerWithToken(server, OWNER);
  standIn = await startPocketId({
    users: USERS,
    clients: [{ client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [`${server.url}/oauth2/callback`], allowed_groups: ['QuFabric'] }],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await standIn?.close();
  await server?.cleanup();
});

const api = (path, init = {}) => fetch(`${server.url}${path}`, {
  ...init, headers: { 'content-type': 'application/json', authorization: `Token ${pat}`, ...init.headers },
});
const userByEmail = async (email) => (await (await api('/api/users')).json()).find((u) => u.email === email);

/** A person's sign-in through PocketID, in a browser of their own; resolves on the page
 * where it ended. */
async function signInWithPocketId(username) {
  const person = await newPage(browser);
  await person.page.goto(`${server.url}/login`);
  await person.page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await person.page.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await person.page.getByLabel('Username').fill(username);
  await person.page.getByLabel('Password').fill(USERS[username].password);
  await person.page.getByRole('button', { name: 'Sign in' }).click();
  return person;
}

async function expectWaiting(person) {
  await person.page.waitForURL(/\/login\?error=pending_approval/);
  const notice = person.page.getByRole('status').filter({ hasText: 'Your account is waiting for approval.' });
  await notice.waitFor();
  assert.match(await notice.textContent(), /Nothing else is needed from you/);
  assert.equal(await person.page.evaluate(() => sessionStorage.getItem('qufabric.session')), null, 'no session');
}

test('a newcomer waits for approval; approved, their next sign-in gets in; rejected, they are gone and wait again; the switch lets newcomers in', async () => {
  const owner = await newPage(browser, { viewport: { width: 1200, height: 900 } });
  await signInWithEmail(owner.page, server, OWNER);
  // The owner adds PocketID: its page says that newcomers through it will wait.
  await fillNewProvider(owner.page, { issuer: standIn.issuer, clientId: 'QuFabric', secret: 'pocket-secret' });
  await owner.page.locator('#provider-issuer-findings').getByText('names exactly this issuer').waitFor();
  await owner.page.getByRole('button', { name: 'Save', exact: true }).click();
  await owner.page.locator('#approval-note').getByText('people who sign in through PocketID for the first time wait').waitFor();

  // Alice's first sign-in ends on the waiting message; she is stored waiting, blocked.
  const alice = await signInWithPocketId('alice');
  await expectWaiting(alice);
  await screenshot(alice.page, 'login-pending-approval');
  assert.deepEqual(await axeViolations(alice.page), [], 'axe on the waiting message');
  const waiting = await userByEmail('alice@example.com');
  assert.deepEqual({ pending: waiting.pending_approval, blocked: waiting.is_blocked }, { pending: true, blocked: true });

  // The owner sees her first, counted, and approves her.
  await owner.page.goto(`${server.url}/settings/users`);
  await owner.page.locator('#pending-count').getByText('1 person waits for approval').waitFor();
  const firstRow = owner.page.locator('table.users tbody tr').first();
  assert.match(await firstRow.textContent(), /alice@example\.com.*Pending approval/s);
  await screenshot(owner.page, 'users-pending');
  assert.deepEqual(await axeViolations(owner.page), [], 'axe on Users with a person waiting');
  await owner.page.getByRole('button', { name: 'Approve alice@example.com' }).click();
  await owner.page.getByRole('status').filter({ hasText: 'Approved alice@example.com' }).waitFor();
  await owner.page.locator('#pending-count').waitFor({ state: 'detached' });
  assert.equal((await userByEmail('alice@example.com')).pending_approval, false);

  // Her next sign-in just works (a plain user: signed in, without the settings).
  await alice.page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await alice.page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  await alice.context.close();

  // Bob waits; the owner rejects him (the confirmation says it deletes him).
  const bob = await signInWithPocketId('bob');
  await expectWaiting(bob);
  await owner.page.reload();
  await owner.page.getByRole('button', { name: 'Reject bob@example.com' }).click();
  const dialog = owner.page.getByRole('alertdialog');
  await dialog.getByText('Reject deletes them from QuFabric').waitFor();
  await dialog.getByRole('button', { name: 'Reject and delete' }).click();
  await owner.page.getByRole('status').filter({ hasText: 'Rejected bob@example.com' }).waitFor();
  assert.equal(await userByEmail('bob@example.com'), undefined, 'rejected: no row left');
  // Signing in again makes him wait again, as a new person.
  await bob.page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await expectWaiting(bob);
  assert.equal((await userByEmail('bob@example.com')).pending_approval, true);
  await bob.context.close();

  // Meanwhile someone saves group settings elsewhere; then the owner switches approval
  // off on the page loaded before that save: the switch must not undo it.
  await owner.page.reload();
  const approvalSwitch = owner.page.getByRole('switch', { name: 'Require approval for new users' });
  assert.equal(await approvalSwitch.getAttribute('aria-checked'), 'true');
  const [account] = await (await api('/api/accounts')).json();
  const elsewhere = { ...account.settings, jwt_groups_enabled: true, jwt_groups_claim_name: 'groups' };
  assert.equal((await api(`/api/accounts/${account.id}`, { method: 'PUT', body: JSON.stringify({ settings: elsewhere }) })).status, 200);
  await approvalSwitch.click();
  await owner.page.getByRole('status').filter({ hasText: 'now get in at once' }).waitFor();
  assert.equal(await approvalSwitch.getAttribute('aria-checked'), 'false');
  const [after] = await (await api('/api/accounts')).json();
  assert.equal(after.settings.extra.user_approval_required, false);
  assert.deepEqual([after.settings.jwt_groups_enabled, after.settings.jwt_groups_claim_name], [true, 'groups'], 'the other page\'s save was kept');

  // Carol, a newcomer now, gets straight in.
  const carol = await signInWithPocketId('carol');
  await carol.page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  await carol.context.close();
  assert.deepEqual(owner.problems, []);
  await owner.context.close();
});
