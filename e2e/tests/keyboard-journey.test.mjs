// The setup guide's steps 1 to 5 again, with the keyboard alone: every control is reached
// with Tab and used with Enter, Space or typing. No clicks.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, setupOwner, tabTo } from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const USERS = { alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric'] } };
let server;
let standIn;
let browser;

before(async () => {
  server = await startServer();
  standIn = await startPocketId({ clients: [], users: USERS });
  await setupOwner(server, OWNER);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await standIn?.close();
  await server?.cleanup();
});

/** Press Tab until the focused element's accessible name matches; fail after 80 presses. */

test('steps 1 to 5 with the keyboard alone', async () => {
  const { page, problems, context } = await newPage(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with email' }).waitFor();
  await tabTo(page, /^Continue with email/);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/oauth2\/auth/);
  await tabTo(page, /^Email/);
  await page.keyboard.type(OWNER.email);
  await tabTo(page, /^Password/);
  await page.keyboard.type(OWNER.password);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/settings\/identity-providers$/);
  await page.getByText('No identity provider yet.').waitFor();

  await tabTo(page, /^Add identity provider/);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/new$/);
  await page.getByLabel('PocketID', { exact: true }).waitFor();
  await tabTo(page, /PocketID/);
  await page.keyboard.press('Space');
  assert.equal(await page.getByLabel('PocketID', { exact: true }).isChecked(), true);
  await tabTo(page, /^Issuer/);
  await page.keyboard.type(standIn.issuer);
  await tabTo(page, /^Client ID/);
  await page.keyboard.type('QuFabric');
  await tabTo(page, /^Client Secret/);
  await page.keyboard.type('pocket-secret');
  await page.locator('#provider-issuer-findings').getByText('names exactly this issuer').waitFor();
  await tabTo(page, /^Save$/);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/settings\/identity-providers\/pocketid-/);
  await page.getByLabel('Client ID').waitFor();

  await tabTo(page, /^Copy Redirect URL/);
  await page.keyboard.press('Enter');
  await page.locator('#redirect-url-status').getByText('Copied to the clipboard.').waitFor();
  const redirectUrl = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(redirectUrl, `${server.url}/oauth2/callback`);
  standIn.setClients([{ client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [redirectUrl], allowed_groups: ['QuFabric'] }]);

  // Sign out: the button sits before the form in the tab order; start from the top.
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('Shift+Tab');
  await tabTo(page, /^Sign out/);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/login$/);
  await page.getByText('You are signed out of QuFabric.').waitFor();
  await page.getByRole('button', { name: 'Continue with PocketID' }).waitFor();
  await tabTo(page, /^Continue with PocketID/);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.toString().startsWith(standIn.issuer));
  await tabTo(page, /^Username/);
  await page.keyboard.type('alice');
  await tabTo(page, /^Password/);
  await page.keyboard.type(USERS.alice.password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  await page.getByText('alice@example.com').waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
