// The dashboard as three bundles (scripts/build.sh): the login screen, the pages seen once
// (setup, an invitation, the redirect-URI help) and the settings with the sign-in
// callback are separate builds, and the server answers each address with its bundle's
// page. A person who signs in loads the login bundle only; the callback loads the
// settings', which then show without another page load; a move between bundles is a full
// page load that keeps the session; each bundle has its own not-found page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, setupOwner, signInWithEmail } from '../harness.mjs';

const OWNER = { name: 'Olivia Owner', email: 'owner@example.com', password: 'Correct horse battery 9' };

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await setupOwner(server, OWNER);
});

after(async () => {
  await browser?.close();
  await server?.cleanup();
});

/** The wasm files the page fetched, by name. */
function wasmLoads(page) {
  const loaded = [];
  page.on('request', (request) => {
    const name = new URL(request.url()).pathname;
    if (name.endsWith('.wasm')) loaded.push(name);
  });
  return loaded;
}

/** The wasm a bundle's page names. */
async function wasmOf(html) {
  const [name] = html.match(/\/[\w.-]+_bg\.wasm/) ?? [];
  assert.ok(name, 'the page names its wasm');
  return name;
}

test('the login page loads only the login bundle, the settings theirs, and moving between them keeps the session', async () => {
  const wasmAt = async (address) => wasmOf(await (await fetch(`${server.url}${address}`)).text());
  const loginWasm = await wasmAt('/login');
  const onboardingWasm = await wasmAt('/setup');
  const settingsWasm = await wasmAt('/settings/groups');
  assert.equal(new Set([loginWasm, onboardingWasm, settingsWasm]).size, 3, 'three builds');
  for (const address of ['/', '/signed-out', '/nowhere', '/setup/more']) {
    assert.equal(await wasmAt(address), loginWasm, address);
  }
  for (const address of ['/invite?token=x', '/help/redirect-uri']) {
    assert.equal(await wasmAt(address), onboardingWasm, address);
  }
  for (const address of ['/settings', '/auth/callback?code=x&state=y']) {
    assert.equal(await wasmAt(address), settingsWasm, address);
  }

  const { page, problems } = await newPage(browser);
  const loaded = wasmLoads(page);
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: 'Continue with email' }).waitFor();
  assert.deepEqual(loaded, [loginWasm], 'the login screen loads the login bundle only');

  // Links between bundles are page loads: the onboarding's help and back.
  await page.goto(`${server.url}/help/redirect-uri`);
  await page.getByRole('heading', { name: /Invalid redirect URI/ }).waitFor();
  loaded.length = 0;
  await page.getByRole('link', { name: 'Back to sign-in' }).click();
  await page.getByRole('button', { name: 'Continue with email' }).waitFor();
  assert.deepEqual(loaded, [loginWasm], 'back to the login bundle by a page load');

  loaded.length = 0;
  await signInWithEmail(page, server, OWNER);
  await page.getByRole('heading', { name: 'Identity Providers' }).waitFor();
  assert.deepEqual(loaded, [loginWasm, settingsWasm], 'the callback loads the settings, which show without another page load');

  // Settings → `/` by the header's brand link: the login bundle's page, by a full page
  // load, signed in still, which sends a signed-in person on to the settings.
  await page.getByRole('link', { name: 'Groups' }).click();
  await page.waitForURL(/\/settings\/groups$/);
  loaded.length = 0;
  await page.getByRole('link', { name: 'QuFabric', exact: true }).click();
  await page.waitForURL(/\/settings\/identity-providers$/);
  await page.getByRole('heading', { name: 'Identity Providers' }).waitFor();
  assert.deepEqual(loaded, [loginWasm, settingsWasm], 'root, then the settings, each by a page load');

  // Signed in, the login screen sends the person straight on to the settings, which
  // read the stored session (the login bundle never decodes it).
  loaded.length = 0;
  await page.goto(`${server.url}/login`);
  await page.waitForURL(/\/settings\/identity-providers$/);
  await page.getByRole('heading', { name: 'Identity Providers' }).waitFor();
  assert.deepEqual(loaded, [loginWasm, settingsWasm], 'login, then the settings');

  // Within the settings, tabs move without a page load.
  loaded.length = 0;
  await page.getByRole('link', { name: 'Groups' }).click();
  await page.waitForURL(/\/settings\/groups$/);
  await page.getByRole('heading', { name: /Groups/ }).first().waitFor();
  assert.deepEqual(loaded, [], 'no page load between tabs');

  // Each bundle has a not-found page; the settings' link to `/` leaves the bundle.
  await page.goto(`${server.url}/settings/nowhere`);
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  loaded.length = 0;
  await page.getByRole('link', { name: 'Go to QuFabric' }).click();
  await page.waitForURL(/\/settings\/identity-providers$/);
  assert.ok(loaded.includes(loginWasm), 'out of the settings bundle by a page load');
  await page.goto(`${server.url}/nowhere`);
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  assert.deepEqual(problems, []);
});
