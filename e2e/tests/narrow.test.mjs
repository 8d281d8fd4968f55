// Usable on a 360 px wide window (and so at 200 % zoom on a 720 px one): no screen
// scrolls sideways.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, screenshot, setupOwner, signInWithEmail } from '../harness.mjs';

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

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('no horizontal scrolling at 360 px', async () => {
  const { page, problems, context } = await newPage(browser, { viewport: { width: 360, height: 740 } });
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with email' }).waitFor();
  assert.equal(await overflow(page), 0, 'login');
  await signInWithEmail(page, server, OWNER);
  assert.equal(await overflow(page), 0, 'providers list');
  await page.goto(`${server.url}/settings/identity-providers/new`);
  await page.getByLabel('PocketID', { exact: true }).check();
  await page.getByLabel('Issuer').fill('https://pocketid.example.com/');
  await page.locator('[data-code="trailing_slash"]').waitFor();
  await screenshot(page, 'provider-form-360px');
  assert.equal(await overflow(page), 0, 'provider form with a warning');
  await page.goto(`${server.url}/settings/groups`);
  await page.getByRole('switch', { name: 'Enable JWT group sync' }).waitFor();
  assert.equal(await overflow(page), 0, 'groups');
  assert.deepEqual(problems, []);
  await context.close();
});
