// Test sign-in and the login screen preview, against the stand-in PocketID: the owner tests
// the provider from the list in a popup (a real round trip with prompt=login) and reads
// the report: a user in QuFabric would be admitted; a user without groups gets "present
// but empty" and PocketID's advice; with the groups scope withheld from the client, the
// claim is missing and the report says why. No user or session comes of any test. The
// preview shows an unsaved rename at once, inside the settings page, without a second
// main or h1.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwner, signInWithEmail, ownerApi } from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const USERS = {
  alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric'] },
  dave: { password: 'dave-password', email: 'dave@example.com', name: 'Dave', groups: [] },
};
let server;
let standIn;
let browser;
/** The owner's API calls (see `ownerApi`). */
let api;

const client = (extra = {}) => ({
  client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [`${server.url}/oauth2/callback`],
  // No group assigned to the client: PocketID lets everyone through, groups or not.
  allowed_groups: [], ...extra,
});


before(async () => {
  server = await startServer();
  standIn = await startPocketId({ clients: [], users: USERS });
  standIn.setClients([client()]);
  await setupOwner(server, OWNER);
  browser = await launchBrowser();
  api = await ownerApi(browser, server, OWNER);
  await api('POST', '/api/identity-providers', {
    type: 'pocketid', name: 'PocketID', issuer: standIn.issuer, client_id: 'QuFabric', client_secret: 'pocket-secret',
  });
  const [account] = await api('GET', '/api/accounts');
  await api('PUT', `/api/accounts/${account.id}`, {
    settings: { ...account.settings, jwt_groups_enabled: true, jwt_groups_claim_name: 'groups', jwt_allow_groups: ['QuFabric'] },
  });
});

after(async () => {
  await browser?.close();
  await standIn?.close();
  await server?.cleanup();
});

/** Run a test sign-in as `username` from `button` (the list's by default); returns the
 * report region once it is judged against `basis`. */
async function testSignIn(page, username, {
  button = page.getByRole('button', { name: 'Test sign-in PocketID' }),
  basis = 'Judged against the saved Groups settings.',
} = {}) {
  const popupOpened = page.waitForEvent('popup');
  await button.click();
  const popup = await popupOpened;
  await popup.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await popup.getByLabel('Username').fill(username);
  await popup.getByLabel('Password').fill(USERS[username].password);
  await popup.getByRole('button', { name: 'Sign in' }).click();
  // The popup ends on a QuFabric page.
  await popup.getByRole('heading', { name: 'Test sign-in finished' }).waitFor();
  assert.ok(popup.url().startsWith(`${server.url}/oauth2/callback`), popup.url());
  await popup.close();
  const report = page.getByRole('region', { name: 'Test sign-in with PocketID' });
  await report.getByText(basis).waitFor();
  return report;
}

/** QuFabric's cookies (qf_…): cookies ignore ports, so the stand-in's share the host. */
async function serverCookies(context) {
  return (await context.cookies(server.url)).filter((c) => c.name.startsWith('qf_'))
    .map((c) => `${c.name}=${c.value}`).sort();
}

test('test sign-in reports the groups claim and the verdict; no user or session comes of it', async () => {
  const { page, context, problems } = await newPage(browser);
  await signInWithEmail(page, server, OWNER);
  await page.getByRole('button', { name: 'Test sign-in PocketID' }).waitFor();
  const cookiesBefore = await serverCookies(context);

  // A user in QuFabric: the claim is there, and they would be admitted.
  const report = await testSignIn(page, 'alice');
  await report.getByText('Would be admitted: a member of the allowed group QuFabric.').waitFor();
  const idTokenGroups = report.locator('dt:text-is("Groups claim in the ID token") + dd');
  assert.equal(await idTokenGroups.innerText(), 'a list of 1 group: QuFabric');
  await report.getByText('would be created (issued by JWT)').waitFor();
  await report.getByText('A new QuFabric user with the role user').waitFor();
  await report.getByText('Nothing: this provider is ready for this user.').waitFor();
  await report.getByText('ID token claims').click();
  await report.getByRole('cell', { name: '["QuFabric"]' }).waitFor();
  const nonceRow = report.getByRole('row', { name: /nonce/ });
  assert.match(await nonceRow.innerText(), /hidden/, 'the nonce value is never shown');
  await screenshot(page, 'test-sign-in-admitted');
  assert.deepEqual(await axeViolations(page), []);

  // A user with no groups: present but empty, with PocketID's advice, and refused.
  const empty = await testSignIn(page, 'dave');
  await empty.getByText('The groups claim is present but empty').waitFor();
  await empty.getByText(/assign that group to the QuFabric OIDC client/).waitFor();
  await empty.getByText('Would be refused: the sign-in carries no group, and only members of QuFabric may sign in.').waitFor();
  await screenshot(page, 'test-sign-in-empty-groups');
  assert.deepEqual(await axeViolations(page), []);

  // The groups scope withheld from the client: the claim is missing, and why.
  standIn.setClients([client({ groups_scope: false })]);
  const missing = await testSignIn(page, 'alice');
  await missing.getByText(/The groups claim is missing from the ID token\. QuFabric asked for the groups scope, and PocketID did not grant it/).waitFor();
  await screenshot(page, 'test-sign-in-missing-claim');
  standIn.setClients([client()]);

  // Nothing came of the tests: no user, no new cookie of the server.
  const users = await api('GET', '/api/users');
  assert.deepEqual(users.map((u) => u.email), [OWNER.email]);
  assert.deepEqual(await serverCookies(context), cookiesBefore);
  assert.deepEqual((await api('GET', '/api/groups')).map((g) => g.name), [], 'sync created no group');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the login screen preview shows an unsaved rename at once, as a region of the page', async () => {
  const { page, context, problems } = await newPage(browser);
  await signInWithEmail(page, server, OWNER);
  const listPreview = page.getByRole('region', { name: 'Login screen preview' });
  await listPreview.getByRole('button', { name: 'Continue with PocketID' }).waitFor();
  await listPreview.getByRole('button', { name: 'Continue with email' }).waitFor();

  await page.getByRole('link', { name: 'PocketID', exact: true }).click();
  await page.getByLabel('Name').fill('PocketID Staff');
  const preview = page.getByRole('region', { name: 'Login screen preview' });
  await preview.getByRole('button', { name: 'Continue with PocketID Staff' }).waitFor({ timeout: 1000 });
  // The real component, inert: no second main or h1, no duplicate ids, no click through.
  assert.equal(await page.locator('main').count(), 1);
  assert.equal(await page.locator('h1').count(), await page.locator('main h1').count());
  const duplicates = await page.evaluate(() => {
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
    return ids.filter((id, i) => ids.indexOf(id) !== i);
  });
  assert.deepEqual(duplicates, []);
  assert.equal(await preview.locator('.login-card').getAttribute('inert'), '');
  await preview.scrollIntoViewIfNeeded();
  await screenshot(page, 'login-preview-unsaved-rename');
  assert.deepEqual(await axeViolations(page), []);

  // A type chosen on a new provider appears before saving.
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('link', { name: 'Back to the list' }).click();
  await page.getByRole('link', { name: 'Add identity provider' }).first().click();
  await page.getByLabel('Keycloak', { exact: true }).check();
  await page.getByRole('region', { name: 'Login screen preview' }).getByRole('button', { name: 'Continue with Keycloak' }).waitFor({ timeout: 1000 });
  assert.deepEqual(problems, []);
  await context.close();
});

test('on the Groups page, a test sign-in judges the unsaved allow list', async () => {
  const { page, context, problems } = await newPage(browser);
  await signInWithEmail(page, server, OWNER);
  await page.getByRole('link', { name: 'Groups' }).click();
  await page.getByRole('button', { name: 'Remove QuFabric' }).click();
  await page.getByLabel('JWT allow groups').fill('Contractors');
  await page.keyboard.press('Enter');
  const report = await testSignIn(page, 'alice', {
    button: page.getByRole('button', { name: 'Test sign-in', exact: true }),
    basis: 'Judged against the Groups settings on this page, with any changes not saved yet.',
  });
  await report.getByText('Would be refused: the sign-in carries QuFabric, and only members of Contractors may sign in.').waitFor();
  await screenshot(page, 'test-sign-in-groups-draft');
  assert.deepEqual(await axeViolations(page), []);
  // Put QuFabric back in the field: the open report follows the page's fields.
  await page.getByLabel('JWT allow groups').fill('QuFabric');
  await page.keyboard.press('Enter');
  await report.getByText('Would be admitted: a member of the allowed group QuFabric.').waitFor();
  const [account] = await api('GET', '/api/accounts');
  assert.deepEqual(account.settings.jwt_allow_groups, ['QuFabric'], 'nothing was saved');
  assert.deepEqual(problems, []);
  page.once('dialog', (dialog) => dialog.accept());
  await context.close();
});

test('a reload while the window is at the provider still gets the report', async () => {
  const { page, context, problems } = await newPage(browser);
  await signInWithEmail(page, server, OWNER);
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Test sign-in PocketID' }).click();
  const popup = await popupOpened;
  await popup.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await page.reload();
  const report = page.getByRole('region', { name: 'Test sign-in with PocketID' });
  await report.getByText('Waiting for the sign-in at PocketID in the other window…').waitFor();
  await popup.getByLabel('Username').fill('alice');
  await popup.getByLabel('Password').fill(USERS.alice.password);
  await popup.getByRole('button', { name: 'Sign in' }).click();
  await popup.getByRole('heading', { name: 'Test sign-in finished' }).waitFor();
  await report.getByText('Would be admitted: a member of the allowed group QuFabric.').waitFor();
  // Closed, it stays closed across the next reload.
  await report.getByRole('button', { name: 'Close report' }).click();
  await page.reload();
  await page.getByRole('button', { name: 'Test sign-in PocketID' }).waitFor();
  assert.equal(await page.getByRole('region', { name: 'Test sign-in with PocketID' }).count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});
