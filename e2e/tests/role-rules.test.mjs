// Roles from a provider's groups (issue 24, part 1), against two stand-in providers that
// both send a group called "QuFabric Admins": a rule names its provider, so only
// PocketID's members become admins. The preview names who gains or loses which role
// before saving; a sign-in after leaving the group at PocketID makes alice `user` again;
// a role set by hand stays until the owner gives the person back to the rules; with email
// sign-in off, a rule set that would leave nobody to manage QuFabric is explained by the
// page and refused by the server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwnerWithToken, requireApproval,
  signInWithEmail, sessionToken,
} from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const POCKET_USERS = {
  alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric', 'QuFabric Admins'] },
  carol: { password: 'carol-password', email: 'carol@example.com', name: 'Carol', groups: ['QuFabric', 'Auditors'] },
  dave: { password: 'dave-password', email: 'dave@example.com', name: 'Dave', groups: ['QuFabric'] },
  erin: { password: 'erin-password', email: 'erin@example.com', name: 'Erin', groups: ['QuFabric Admins'] },
};
const CONTRACTOR_USERS = {
  bob: { password: 'bob-password', email: 'bob@example.com', name: 'Bob', groups: ['QuFabric Admins'] },
};
let server;
let pocket;
let contractor;
let browser;
let pat;
let pocketId;

const clientFor = (base) => [{ client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [`${base}/oauth2/callback`], allowed_groups: [] }];

before(async () => {
  server = await startServer();
  pat = await setupOwnerWithToken(server, OWNER);
  await requireApproval(server, pat, false);
  pocket = await startPocketId({ users: POCKET_USERS, clients: clientFor(server.url) });
  contractor = await startPocketId({ users: CONTRACTOR_USERS, clients: clientFor(server.url) });
  browser = await launchBrowser();
  // The providers and group sync, set up through the API (other tests click through them).
  pocketId = (await api('POST', '/api/identity-providers', { type: 'pocketid', name: 'PocketID', issuer: pocket.issuer, client_id: 'QuFabric', client_secret: 'pocket-secret' })).id;
  await api('POST', '/api/identity-providers', { type: 'oidc', name: 'Contractor IdP', issuer: contractor.issuer, client_id: 'QuFabric', client_secret: 'pocket-secret' });
  const [account] = await api('GET', '/api/accounts');
  await api('PUT', `/api/accounts/${account.id}`, { settings: { ...account.settings, jwt_groups_enabled: true, jwt_groups_claim_name: 'groups' } });
});

after(async () => {
  await browser?.close();
  await pocket?.close();
  await contractor?.close();
  await server?.cleanup();
});

async function api(method, path, body, authorization = `Token ${pat}`) {
  const response = await fetch(`${server.url}${path}`, {
    method, headers: { 'content-type': 'application/json', authorization }, body: body && JSON.stringify(body),
  });
  const text = await response.text();
  if (authorization.startsWith('Token') && response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return Object.assign(text ? JSON.parse(text) : {}, { status: response.status });
}
const userByEmail = async (email) => (await api('GET', '/api/users')).find((u) => u.email === email);

/** A sign-in at `standIn` through the button `button`, in a browser of its own; resolves
 * once QuFabric shows where it ended. */
async function signIn(standIn, users, username, button = 'Continue with PocketID') {
  const person = await newPage(browser, { viewport: { width: 1200, height: 900 } });
  await person.page.goto(`${server.url}/login`);
  await person.page.getByRole('button', { name: button }).click();
  await person.page.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await person.page.getByLabel('Username').fill(username);
  await person.page.getByLabel('Password').fill(users[username].password);
  await person.page.getByRole('button', { name: 'Sign in' }).click();
  await person.page.waitForURL(/\/settings/);
  return person;
}
const noAccess = (person) => person.page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
const adminArrives = (person) => person.page.getByRole('heading', { name: 'Identity Providers', level: 2 }).waitFor();

/** Fill rule `number` of the Roles from groups section. */
async function fillRule(page, number, { group, provider, role }) {
  await page.getByLabel('Members of group').nth(number - 1).fill(group);
  await page.locator(`#role-rule-${number}-provider`).selectOption({ label: provider });
  await page.locator(`#role-rule-${number}-role`).selectOption(role);
}

test('PocketID group members become admins by a rule, the preview says so first, leaving the group ends it, and another provider\'s group of the same name gives nothing', async () => {
  // Everyone signs in once, so sync records their groups; all are plain users.
  for (const name of ['alice', 'carol', 'dave']) {
    const person = await signIn(pocket, POCKET_USERS, name);
    await noAccess(person);
    await person.context.close();
  }
  const bobFirst = await signIn(contractor, CONTRACTOR_USERS, 'bob', 'Continue with Contractor IdP');
  await noAccess(bobFirst);
  await bobFirst.context.close();

  const owner = await newPage(browser, { viewport: { width: 1200, height: 1000 } });
  await signInWithEmail(owner.page, server, OWNER);
  await owner.page.goto(`${server.url}/settings/groups`);
  const section = owner.page.getByRole('group', { name: 'Roles from groups' });
  await section.waitFor();
  await section.getByRole('button', { name: 'Add role rule' }).click();
  await fillRule(owner.page, 1, { group: 'QuFabric Admins', provider: 'PocketID', role: 'admin' });
  await section.getByRole('button', { name: 'Add role rule' }).click();
  await fillRule(owner.page, 2, { group: 'Auditors', provider: 'PocketID', role: 'auditor' });
  // The preview names both changes before anything is saved; bob (the other provider)
  // and dave (no matching group, the default is user) change nothing.
  const preview = section.locator('.role-preview');
  await preview.getByText('alice@example.com: user → admin').waitFor();
  await preview.getByText('carol@example.com: user → auditor').waitFor();
  assert.doesNotMatch(await preview.textContent(), /bob|dave/);
  assert.equal((await userByEmail('alice@example.com')).role, 'user', 'nothing changed before saving');
  await screenshot(owner.page, 'groups-role-rules-preview');
  assert.deepEqual(await axeViolations(owner.page), [], 'axe on the role rules');
  await owner.page.getByRole('button', { name: 'Save', exact: true }).click();
  await owner.page.locator('#groups-save-status').getByText('Saved group settings.').waitFor();
  assert.equal((await userByEmail('alice@example.com')).role, 'admin', 'the rules apply on save');
  assert.equal((await userByEmail('carol@example.com')).role, 'auditor');

  // Users says where the roles came from.
  await owner.page.goto(`${server.url}/settings/users`);
  const aliceRow = owner.page.locator('table.users tbody tr').filter({ hasText: 'alice@example.com' });
  await aliceRow.getByText('from group QuFabric Admins (PocketID)').waitFor();
  await screenshot(owner.page, 'users-role-from-rule');

  // Alice signs in and reaches the settings as an administrator.
  const alice = await signIn(pocket, POCKET_USERS, 'alice');
  await adminArrives(alice);
  await alice.context.close();

  // Bob's provider also sends "QuFabric Admins": no rule names it, he stays a user.
  const bob = await signIn(contractor, CONTRACTOR_USERS, 'bob', 'Continue with Contractor IdP');
  await noAccess(bob);
  await bob.context.close();
  assert.equal((await userByEmail('bob@example.com')).role, 'user');

  // Removed from the group at PocketID, her next sign-in makes her a user again.
  POCKET_USERS.alice.groups = ['QuFabric'];
  const aliceAgain = await signIn(pocket, POCKET_USERS, 'alice');
  await noAccess(aliceAgain);
  await aliceAgain.context.close();
  const after = await userByEmail('alice@example.com');
  assert.equal(after.role, 'user');
  assert.deepEqual(after.role_given, { idp_id: pocketId }, 'the rules\' default gave it');
  await owner.context.close();
});

test('a role set by hand stays against the rules until the owner gives the person back', async () => {
  POCKET_USERS.alice.groups = ['QuFabric', 'QuFabric Admins'];
  const owner = await newPage(browser, { viewport: { width: 1200, height: 900 } });
  await signInWithEmail(owner.page, server, OWNER);
  await owner.page.goto(`${server.url}/settings/users`);
  await owner.page.getByLabel('Role of carol@example.com').selectOption('user');
  await owner.page.getByRole('status').filter({ hasText: 'carol@example.com' }).waitFor();
  const carolRow = owner.page.locator('table.users tbody tr').filter({ hasText: 'carol@example.com' });
  await carolRow.getByText('set by hand').waitFor();
  // Her next sign-in does not give the rule's role back.
  const carol = await signIn(pocket, POCKET_USERS, 'carol');
  await noAccess(carol);
  await carol.context.close();
  assert.equal((await userByEmail('carol@example.com')).role, 'user');
  await owner.page.reload();
  await carolRow.getByRole('button', { name: 'Use role rules for carol@example.com' }).click();
  await owner.page.getByRole('status').filter({ hasText: 'carol@example.com follows the role rules again: their role is auditor.' }).waitFor();
  await carolRow.getByText('from group Auditors (PocketID)').waitFor();
  await owner.context.close();
});

test('a newcomer who waits for approval gets the rule\'s role when approved', async () => {
  await requireApproval(server, pat, true);
  const erin = await newPage(browser);
  await erin.page.goto(`${server.url}/login`);
  await erin.page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await erin.page.waitForURL((url) => url.toString().startsWith(pocket.issuer));
  await erin.page.getByLabel('Username').fill('erin');
  await erin.page.getByLabel('Password').fill(POCKET_USERS.erin.password);
  await erin.page.getByRole('button', { name: 'Sign in' }).click();
  await erin.page.waitForURL(/\/login\?error=pending_approval/);
  const waiting = await userByEmail('erin@example.com');
  assert.deepEqual({ pending: waiting.pending_approval, role: waiting.role }, { pending: true, role: 'admin' });
  await api('POST', `/api/users/${waiting.id}/approve`);
  await requireApproval(server, pat, false);
  await erin.page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await adminArrives(erin);
  await erin.context.close();
});

test('with email sign-in off, a rule set that would leave nobody to manage QuFabric is explained first and refused by the server', async () => {
  // The local owner cannot sign in any more: alice, admin by rule 1, is the only one.
  await server.stop();
  const dataDir = server.dataDir;
  server = await startServer({ dataDir, args: ['--disable-local-auth'] });
  pocket.setClients(clientFor(server.url));
  contractor.setClients(clientFor(server.url));
  const alice = await signIn(pocket, POCKET_USERS, 'alice');
  await adminArrives(alice);
  assert.equal((await userByEmail('alice@example.com')).role, 'admin');
  await alice.page.goto(`${server.url}/settings/groups`);
  await alice.page.locator('#role-rule-1-role').selectOption('auditor');
  const finding = alice.page.locator('#role-rules-findings [data-code="role_rules_lockout"]');
  await finding.getByText('these role rules would leave no owner or administrator who can sign in (alice@example.com would become auditor, erin@example.com would become auditor)').waitFor();
  assert.equal(await alice.page.getByRole('button', { name: 'Save', exact: true }).isDisabled(), true, 'the page does not send it');
  await screenshot(alice.page, 'groups-role-rules-lockout');
  // Sent anyway (an older page, a script): the server refuses it with the same words.
  const token = await sessionToken(alice.page);
  const [account] = await api('GET', '/api/accounts');
  const rules = account.settings.qufabric_role_rules;
  const demoting = { ...rules, rules: rules.rules.map((r, i) => (i === 0 ? { ...r, role: 'auditor' } : r)) };
  const refused = await api('PUT', `/api/accounts/${account.id}`, { settings: { ...account.settings, qufabric_role_rules: demoting } }, `Bearer ${token}`);
  assert.equal(refused.status, 422);
  assert.match(refused.message, /would leave no owner or administrator who can sign in/);
  assert.equal((await userByEmail('alice@example.com')).role, 'admin');
  await alice.context.close();
});
