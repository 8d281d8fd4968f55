// Settings → Users: the setup guide's last step. A PocketID user's first sign-in lands on
// "No access"; the owner gives them a role on the Users tab, by keyboard; their next
// sign-in reaches the settings. Blocking signs an open tab out at its next request.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwner, signInWithEmail, sessionToken, tabTo,
} from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const USERS = {
  alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric'] },
};
let server;
let standIn;
let browser;

before(async () => {
  server = await startServer();
  standIn = await startPocketId({
    users: USERS,
    clients: [{ client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [`${server.url}/oauth2/callback`], allowed_groups: ['QuFabric'] }],
  });
  await setupOwner(server, OWNER);
  browser = await launchBrowser();
  const { page, context } = await newPage(browser);
  await signInWithEmail(page, server, OWNER);
  const response = await fetch(`${server.url}/api/identity-providers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await sessionToken(page)}` },
    body: JSON.stringify({ type: 'pocketid', name: 'PocketID', issuer: standIn.issuer, client_id: 'QuFabric', client_secret: 'pocket-secret' }),
  });
  assert.equal(response.status, 200);
  await context.close();
});

after(async () => {
  await browser?.close();
  await standIn?.close();
  await server?.cleanup();
});

async function aliceSignsIn(page) {
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with PocketID' }).click();
  await page.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(USERS.alice.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}


test('the owner promotes a PocketID user on the Users tab, by keyboard; their next sign-in reaches the settings', async () => {
  const alice = await newPage(browser);
  await aliceSignsIn(alice.page);
  await alice.page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  await alice.page.getByText('Settings → Users').waitFor();
  await alice.context.close();

  const { page, problems, context } = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  await signInWithEmail(page, server, OWNER);
  await tabTo(page, /^Users$/);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${server.url}/settings/users`);
  const row = page.getByRole('row', { name: /alice@example\.com/ });
  await row.getByRole('cell', { name: 'PocketID' }).waitFor();
  assert.equal(await row.getByRole('combobox', { name: 'Role of alice@example.com' }).inputValue(), 'user');
  // The owner's own row offers no Block and keeps the owner role (the last owner).
  const own = page.getByRole('row', { name: /owner@example\.com/ });
  assert.equal(await own.getByRole('button', { name: /Block/ }).count(), 0);
  assert.equal(await own.getByRole('combobox').count(), 0);
  await screenshot(page, 'users');
  assert.deepEqual(await axeViolations(page), [], 'axe on the Users tab');

  // Keyboard: to alice's role, choose admin by typing its first letter.
  await tabTo(page, /^Role of alice@example\.com/);
  await page.keyboard.press('a');
  await page.locator('[role="status"]').getByText('alice@example.com is now admin.').waitFor();
  // Survives a reload.
  await page.reload();
  assert.equal(await page.getByRole('combobox', { name: 'Role of alice@example.com' }).inputValue(), 'admin');
  assert.deepEqual(problems, []);
  await context.close();

  const again = await newPage(browser);
  await aliceSignsIn(again.page);
  await again.page.waitForURL(`${server.url}/settings/identity-providers`);
  await again.page.getByRole('heading', { name: 'Identity Providers' }).waitFor();
  assert.deepEqual(again.problems, []);
  await again.context.close();
});

test('a blocked user\'s open tab is signed out at its next request and cannot refresh', async () => {
  const alice = await newPage(browser);
  await aliceSignsIn(alice.page);
  await alice.page.waitForURL(`${server.url}/settings/identity-providers`);
  const refreshToken = await alice.page.evaluate(() => JSON.parse(sessionStorage.getItem('qufabric.session')).refresh_token);

  const { page, problems, context } = await newPage(browser);
  await signInWithEmail(page, server, OWNER);
  await page.goto(`${server.url}/settings/users`);
  const row = page.getByRole('row', { name: /alice@example\.com/ });
  await row.getByRole('button', { name: 'Block alice@example.com' }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.getByText('They are signed out at once').waitFor();
  await screenshot(page, 'users-block-confirmation');
  await dialog.getByRole('button', { name: 'Block' }).click();
  await page.locator('[role="status"]').getByText('Blocked alice@example.com').waitFor();
  await row.getByRole('cell', { name: 'Blocked' }).waitFor();

  // Alice's tab: the next request is refused, the refresh too, and she is back at sign-in.
  await alice.page.getByRole('link', { name: 'Groups' }).click();
  await alice.page.waitForURL(/\/login\?error=session_expired/);
  const refused = await fetch(`${server.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'qufabric-dashboard' }),
  });
  assert.equal(refused.status, 400);
  await alice.context.close();

  // Unblocked, she can sign in again.
  await row.getByRole('button', { name: 'Unblock alice@example.com' }).click();
  await page.locator('[role="status"]').getByText('Unblocked alice@example.com').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('who signs in how: each row with its provider\'s mark, filters by status, role and sign-in, a search, counts; by keyboard', async () => {
  const { page, problems, context } = await newPage(browser, { viewport: { width: 1200, height: 900 } });
  await signInWithEmail(page, server, OWNER);
  await page.goto(`${server.url}/settings/users`);
  const count = page.locator('#users-count');
  await count.getByText('2 users').waitFor();
  // Alice signs in with PocketID: its mark is drawn beside the name; email has none.
  const aliceCell = page.getByRole('row', { name: /alice@example\.com/ }).locator('td.signs-in-with');
  assert.equal((await aliceCell.textContent()).trim(), 'PocketID');
  assert.equal(await aliceCell.locator('.mark svg').count(), 1);
  const ownerCell = page.getByRole('row', { name: /owner@example\.com/ }).locator('td.signs-in-with');
  assert.equal((await ownerCell.textContent()).trim(), 'Email and password');
  assert.equal(await ownerCell.locator('.mark').count(), 0);

  // By keyboard: into the search, typed; the list and its count follow, focus stays.
  await tabTo(page, /^Search$/);
  await page.keyboard.type('ALICE');
  await count.getByText('1 of 2 users').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'users-search', 'typing keeps the focus');
  assert.equal(await page.locator('table.users tbody tr').count(), 1);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await count.getByText('2 users').waitFor();

  await page.getByLabel('Signs in with').selectOption({ label: 'PocketID' });
  await count.getByText('1 of 2 users').waitFor();
  await page.getByLabel('Signs in with').selectOption({ label: 'Email and password' });
  assert.match(await page.locator('table.users tbody').textContent(), /owner@example\.com/);
  await page.getByLabel('Signs in with').selectOption({ label: 'Any way' });
  await page.getByLabel('Role', { exact: true }).selectOption('owner');
  await count.getByText('1 of 2 users').waitFor();
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Any role' });
  await page.getByLabel('Status').selectOption({ label: 'Pending approval' });
  await count.getByText('0 of 2 users').waitFor();
  await page.getByText('No one matches these filters.').waitFor();
  await screenshot(page, 'users-filtered-empty');
  await page.getByLabel('Status').selectOption({ label: 'Any status' });
  await count.getByText('2 users').waitFor();
  await screenshot(page, 'users-who-signs-in-how');
  assert.deepEqual(await axeViolations(page), [], 'axe on Users with its filters');

  // From a provider's delete confirmation (`?provider=`): that provider chosen.
  const [pocket] = await (await fetch(`${server.url}/api/identity-providers`, { headers: { authorization: `Bearer ${await sessionToken(page)}` } })).json();
  await page.goto(`${server.url}/settings/users?provider=${pocket.id}`);
  await count.getByText('1 of 2 users').waitFor();
  assert.equal(await page.getByLabel('Signs in with').inputValue(), `provider:${pocket.id}`);
  assert.deepEqual(problems, []);
  await context.close();
});
