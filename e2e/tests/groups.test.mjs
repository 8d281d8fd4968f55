// Settings → Groups against the reference server: the checks show as the owner edits,
// the save keeps every settings field the page does not know, and a local owner is told
// they stay exempt from the allow list.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwner, signInWithEmail, sessionToken } from '../harness.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
let server;
let browser;

before(async () => {
  server = await startServer();
  await setupOwner(server, OWNER);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

test('enable JWT group sync with claim groups and an allow list; other settings survive', async () => {
  const { page, problems, context } = await newPage(browser);
  await signInWithEmail(page, server, OWNER);
  const token = await sessionToken(page);
  const api = async (method, path, body) => (await fetch(`${server.url}${path}`, {
    method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body && JSON.stringify(body),
  })).json();
  // A field this page does not show, set to a non-default value beforehand.
  const [account] = await api('GET', '/api/accounts');
  await api('PUT', `/api/accounts/${account.id}`, { settings: { ...account.settings, peer_login_expiration: 3600 } });
  // Markup in a group name stays text.
  await api('POST', '/api/groups', { name: '<b>Staff</b>' });

  await page.getByRole('link', { name: 'Groups' }).click();
  await page.waitForURL(/\/settings\/groups$/);
  const sync = page.getByRole('switch', { name: 'Enable JWT group sync' });
  await sync.waitFor();
  assert.equal(await sync.getAttribute('aria-checked'), 'false');
  const save = page.getByRole('button', { name: 'Save', exact: true });
  assert.equal(await save.isDisabled(), true, 'nothing changed yet');

  await sync.click();
  assert.equal(await sync.getAttribute('aria-checked'), 'true');
  await page.locator('#jwt-claim-findings').getByText('with an empty claim nothing is synchronised').waitFor();
  assert.equal(await save.isDisabled(), true, 'an empty claim blocks saving');
  await page.getByLabel('JWT claim').fill('my groups');
  assert.equal(await page.getByLabel('JWT claim').inputValue(), 'mygroups', 'spaces are blocked as typed');
  await page.locator('#jwt-claim-findings').getByText('forwards only the groups claim').waitFor();
  await page.locator('#jwt-claim-findings').getByRole('button', { name: 'Use groups' }).click();
  assert.equal(await page.getByLabel('JWT claim').inputValue(), 'groups');

  await page.getByLabel('JWT allow groups').fill('QuFabric');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Remove QuFabric' }).waitFor();
  await page.locator('#allow-findings').getByText('groups appear after a member\'s first sign-in').waitFor();
  await page.locator('#allow-findings').getByText('You signed in with email').waitFor();
  await page.getByLabel('JWT allow groups').fill('staff');
  await page.getByRole('button', { name: '<b>Staff</b>' }).waitFor();
  assert.equal(await page.locator('.suggestions b').count(), 0, 'markup in group names is text');
  await page.getByLabel('JWT allow groups').fill('');
  await screenshot(page, 'groups-warnings');
  assert.deepEqual(await axeViolations(page), [], 'axe on the groups page with warnings');

  await save.click();
  await page.getByText('Saved group settings.').waitFor();
  const [after] = await api('GET', '/api/accounts');
  assert.equal(after.settings.jwt_groups_enabled, true);
  assert.equal(after.settings.jwt_groups_claim_name, 'groups');
  assert.deepEqual(after.settings.jwt_allow_groups, ['QuFabric']);
  assert.equal(after.settings.peer_login_expiration, 3600, 'a field the page does not know is kept');
  // The local owner is exempt and can still sign in.
  const again = await newPage(browser);
  await signInWithEmail(again.page, server, OWNER);
  await again.context.close();
  assert.deepEqual(problems, []);
  await context.close();
});
