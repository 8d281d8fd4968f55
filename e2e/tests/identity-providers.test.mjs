// Settings → Identity Providers, end to end against the reference server and the stand-in
// PocketID: add PocketID with the issuer typed with a trailing slash, see the live check
// report the mismatch, fix it in one click, save, copy the Redirect URL (read back from
// the clipboard), reload the edit route, rename, delete. Markup in names stays text.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwner, signInWithEmail, sessionToken } from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
let server;
let standIn;
let browser;

before(async () => {
  server = await startServer();
  standIn = await startPocketId({
    clients: [{ client_id: 'QuFabric', client_secret: 'pocket-secret', redirect_uris: [`${server.url}/oauth2/callback`], allowed_groups: ['QuFabric'] }],
    users: { alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric'] } },
  });
  await setupOwner(server, OWNER);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await standIn?.close();
  await server?.cleanup();
});

async function signedInPage(options = {}) {
  const opened = await newPage(browser, options);
  await signInWithEmail(opened.page, server, OWNER);
  return opened;
}

const apiToken = sessionToken;

test('add PocketID: trailing slash caught live, fixed in one click, saved, copied, renamed, deleted', async () => {
  const { page, problems, context } = await signedInPage();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const checks = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/identity-providers/check-issuer')) checks.push(r.url()); });

  await page.getByText('No identity provider yet.').waitFor();
  await screenshot(page, 'providers-empty');
  await page.getByRole('link', { name: 'Add identity provider' }).first().click();
  await page.waitForURL(/\/settings\/identity-providers\/new$/);

  await page.getByLabel('PocketID', { exact: true }).check();
  assert.equal(await page.getByLabel('Name').inputValue(), 'PocketID', 'choosing a type fills the name');
  // Unsaved changes are guarded: leaving asks first, and declining keeps everything.
  page.once('dialog', (dialog) => dialog.dismiss());
  await page.getByRole('link', { name: 'Groups' }).click();
  assert.match(page.url(), /\/settings\/identity-providers\/new$/);
  assert.equal(await page.getByLabel('Name').inputValue(), 'PocketID');
  // The Redirect URL is shown before saving.
  await page.waitForFunction(() => (document.querySelector('#redirect-url')?.value ?? '') !== '');
  assert.equal(await page.getByLabel('Redirect URL', { exact: true }).inputValue(), `${server.url}/oauth2/callback`);

  // Typed at human speed: the live check runs once typing pauses, not per keystroke.
  const typed = `${standIn.issuer}/`;
  await page.getByLabel('Issuer').pressSequentially(typed, { delay: 60 });
  const issuerFindings = page.locator('#provider-issuer-findings');
  await issuerFindings.getByText(`Use exactly ${standIn.issuer}`).first().waitFor();
  assert.ok(checks.length <= 2, `at most 2 discovery checks while typing, saw ${checks.length}`);
  assert.equal(await page.getByLabel('Issuer').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Client ID').fill('QuFabric');
  await page.getByLabel('Client Secret').fill('pocket-secret');
  assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled(), true, 'the mismatch blocks saving');
  await screenshot(page, 'provider-form-warnings');
  assert.deepEqual(await axeViolations(page), [], 'axe on the form with warnings');

  await issuerFindings.getByRole('button', { name: `Use exactly ${standIn.issuer}` }).click();
  assert.equal(await page.getByLabel('Issuer').inputValue(), standIn.issuer);
  await page.locator('#discovery-status').getByText(`Discovery found ${standIn.issuer}`).waitFor();
  await issuerFindings.getByText('names exactly this issuer').waitFor();

  // Show/hide the secret.
  const toggle = page.getByRole('button', { name: 'Show the client secret' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await toggle.click();
  assert.equal(await page.getByLabel('Client Secret').getAttribute('type'), 'text');
  await page.getByRole('button', { name: 'Hide the client secret' }).click();
  assert.equal(await page.getByLabel('Client Secret').getAttribute('type'), 'password');

  // Saved at a laptop's size: the Redirect URL (what step 3 needs) comes into view with
  // the confirmation beside it, and the keyboard is on its Copy button.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL(/\/settings\/identity-providers\/pocketid-[a-z0-9]+\?saved=1$/);
  await page.locator('#saved-confirmation').getByText('Saved. Now copy this Redirect URL').waitFor();
  await page.waitForFunction(() => document.activeElement?.previousElementSibling?.id === 'redirect-url');
  const inView = await page.evaluate(() => {
    const box = (selector) => document.querySelector(selector).getBoundingClientRect();
    const url = box('#redirect-url');
    const note = box('#saved-confirmation');
    return url.top >= 0 && url.bottom <= window.innerHeight && note.top >= 0 && note.bottom <= window.innerHeight;
  });
  assert.ok(inView, 'the Redirect URL and the confirmation are in the window');
  await screenshot(page, 'provider-saved-1280x900', { fullPage: false });
  await page.getByLabel('Name').waitFor();
  assert.equal(await page.getByLabel('Client Secret').inputValue(), '');
  assert.ok(!(await page.content()).includes('pocket-secret'), 'the secret is in no DOM node');
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  assert.ok(!stored.includes('pocket-secret'), 'the secret is in no browser storage');

  await page.getByRole('button', { name: 'Copy Redirect URL' }).click();
  await page.locator('#redirect-url-status').getByText('Copied to the clipboard.').waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, `${server.url}/oauth2/callback`);
  await screenshot(page, 'provider-saved');

  // Reload the edit route: everything comes back (but the secret); rename.
  await page.reload();
  assert.equal(await page.getByLabel('Issuer').inputValue(), standIn.issuer);
  assert.equal(await page.getByLabel('PocketID', { exact: true }).isDisabled(), true, 'the type is locked on edit');
  await page.getByLabel('Name').fill('PocketID Test');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Saved PocketID Test.').waitFor();

  await page.getByRole('link', { name: 'Back to the list' }).click();
  await page.waitForURL(/\/settings\/identity-providers$/);
  await page.getByRole('link', { name: 'PocketID Test' }).waitFor();
  await screenshot(page, 'providers-list');
  assert.deepEqual(await axeViolations(page), [], 'axe on the list');
  await page.getByLabel('Search').fill('nothing like it');
  await page.getByText('0 of 1 provider').waitFor();
  await page.getByLabel('Search').fill('pocket');
  await page.getByText('1 provider', { exact: true }).waitFor();

  await page.getByRole('button', { name: 'Delete PocketID Test' }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.getByText('Delete PocketID Test?').waitFor();
  await dialog.getByText('No user signs in with it yet.').waitFor();
  await screenshot(page, 'provider-delete-confirm');
  await dialog.getByRole('button', { name: 'Delete provider' }).click();
  await page.getByText('Deleted PocketID Test.').waitFor();
  await page.getByText('No identity provider yet.').waitFor();

  const list = await (await fetch(`${server.url}/api/identity-providers`, { headers: { authorization: `Bearer ${await apiToken(page)}` } })).json();
  assert.deepEqual(list, []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('markup in names and issuers renders as text', async () => {
  const { page, problems, context } = await signedInPage();
  const token = await apiToken(page);
  const hostile = '<img src=x onerror="window.__pwned=1">PocketID';
  const created = await fetch(`${server.url}/api/identity-providers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ type: 'pocketid', name: hostile, issuer: standIn.issuer, client_id: 'QuFabric', client_secret: 's' }),
  });
  assert.equal(created.status, 200);
  const { id } = await created.json();
  await page.reload();
  await page.getByRole('link', { name: hostile }).waitFor();
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  await page.getByRole('link', { name: hostile }).click();
  assert.equal(await page.getByLabel('Name').inputValue(), hostile);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  // The login screen (signed out) shows it as a button label, as text.
  const signedOut = await newPage(browser);
  await signedOut.page.goto(`${server.url}/login`);
  await signedOut.page.getByRole('button', { name: `Continue with ${hostile}` }).waitFor();
  assert.equal(await signedOut.page.locator('img[src="x"]').count(), 0);
  assert.equal(await signedOut.page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(signedOut.problems, []);
  await signedOut.context.close();
  await fetch(`${server.url}/api/identity-providers/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  assert.deepEqual(problems, []);
  await context.close();
});
