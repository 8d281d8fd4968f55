// Session upkeep in the browser: the access token is renewed before it expires without the
// user noticing, and the server refuses to start with local sign-in disabled while no
// external provider exists (nobody could sign in).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, newPage, SERVER_BIN, sessionToken, setupOwner, signInWithEmail } from '../harness.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };

/** One test's own server (62 s access tokens: a renewal about every 2 s) with the owner
 * set up, and a browser; both go afterwards. */
async function withFastRenewals(body) {
  const server = await startServer({ args: ['--access-token-ttl', '62'] });
  const browser = await launchBrowser();
  try {
    await setupOwner(server, OWNER);
    await body(server, browser);
  } finally {
    await browser.close();
    await server.cleanup();
  }
}

test('the access token is renewed before it expires and the page keeps working', async () => {
  // 62 s tokens: the dashboard renews a minute before expiry, i.e. after about 2 s.
  await withFastRenewals(async (server, browser) => {
    const { page, problems } = await newPage(browser);
    await signInWithEmail(page, server, OWNER);
    const token = () => page.evaluate(() => JSON.parse(sessionStorage.getItem('qufabric.session')).access_token);
    const first = await token();
    await page.waitForFunction(
      (old) => JSON.parse(sessionStorage.getItem('qufabric.session') || '{}').access_token !== old,
      first,
      { timeout: 15000 },
    );
    const renewed = await token();
    assert.notEqual(renewed, first);
    const me = await fetch(`${server.url}/api/users/current`, { headers: { authorization: `Bearer ${renewed}` } });
    assert.equal(me.status, 200);
    // Navigation still works with the renewed session.
    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByRole('heading', { name: 'Groups' }).waitFor();
    assert.deepEqual(problems, []);
  });
});

/** Two tabs of one session refreshing side by side, with or without Web Locks. */
async function twoTabs({ withoutWebLocks }) {
  // A duplicated tab starts with a copy of sessionStorage, refresh token included. The
  // server ends the whole session when a spent refresh token comes back, so the tabs must
  // take turns and share what they renewed. 62 s tokens: a renewal about every 2 s.
  await withFastRenewals(async (server, browser) => {
    const { page: first, problems, context } = await newPage(browser);
    if (withoutWebLocks) {
      // What a plain-http LAN address gives (not a secure context): no navigator.locks.
      await context.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined, configurable: true });
      });
    }
    await signInWithEmail(first, server, OWNER);
    const stored = await first.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
    const second = await context.newPage();
    second.on('pageerror', (error) => problems.push(`page error (second tab): ${error.message}`));
    // What "Duplicate tab" does: the new tab opens the same address with the same
    // sessionStorage (copied once, before the page's own script runs).
    await second.addInitScript((entries) => {
      if (!sessionStorage.getItem('e2e.copied')) {
        for (const [key, value] of JSON.parse(entries)) sessionStorage.setItem(key, value);
        sessionStorage.setItem('e2e.copied', '1');
      }
    }, stored);
    await second.goto(first.url());
    await second.getByRole('heading', { name: 'Identity Providers' }).waitFor();

    const refreshToken = (page) =>
      page.evaluate(() => JSON.parse(sessionStorage.getItem('qufabric.session') || '{}').refresh_token ?? null);
    for (let round = 0; round < 4; round += 1) {
      const before = await refreshToken(first);
      assert.ok(before, `the first tab is still signed in (round ${round})`);
      for (const page of [first, second]) {
        await page.waitForFunction(
          (old) => {
            const now = JSON.parse(sessionStorage.getItem('qufabric.session') || '{}').refresh_token;
            return now && now !== old;
          },
          before,
          { timeout: 15000 },
        );
      }
    }
    // Both tabs still reach the API and navigate; neither was sent to the login screen.
    for (const page of [first, second]) {
      await page.getByRole('link', { name: 'Groups' }).click();
      await page.getByRole('heading', { name: 'Groups' }).waitFor();
      const token = await sessionToken(page);
      const me = await fetch(`${server.url}/api/users/current`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(me.status, 200);
      assert.ok(!page.url().includes('/login'), page.url());
    }
    assert.deepEqual(problems, []);
  });
}

test('two tabs of one session (a duplicated tab) both keep working across several refreshes', async () => {
  await twoTabs({ withoutWebLocks: false });
});

test('two tabs of one session take turns without Web Locks too (plain-http LAN addresses)', async () => {
  await twoTabs({ withoutWebLocks: true });
});

test('a copy of the refresh token used elsewhere ends the session: the tab lands on session_expired and gets its draft back', async () => {
  await withFastRenewals(async (server, browser) => {
    const { page, problems } = await newPage(browser);
    await signInWithEmail(page, server, OWNER);
    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByRole('switch', { name: 'Enable JWT group sync' }).click();
    await page.getByLabel('JWT claim').fill('roles');

    // Someone else renews with a copy of the tab's refresh token first.
    const copied = await page.evaluate(() => JSON.parse(sessionStorage.getItem('qufabric.session')).refresh_token);
    const refresh = (token) => fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: 'qufabric-dashboard' }),
    });
    const stolen = await refresh(copied);
    assert.equal(stolen.status, 200);
    const thief = await stolen.json();

    // The tab's own renewal presents the spent token: the server ends the session, for the
    // copy's holder too, and the tab goes to sign-in saying why.
    await page.waitForURL(/\/login\?error=session_expired/, { timeout: 15000 });
    assert.equal((await refresh(thief.refresh_token)).status, 400, 'the copy is revoked too');
    await page.getByText(/session (has )?(ended|expired)/i).first().waitFor();

    // Signed in again, the Groups page has what was typed.
    await page.getByRole('button', { name: 'Continue with email' }).click();
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/settings\/groups/);
    await page.waitForFunction(() => document.querySelector('#jwt-claim')?.value === 'roles');
    assert.equal(await page.getByRole('switch', { name: 'Enable JWT group sync' }).getAttribute('aria-checked'), 'true');
    assert.deepEqual(problems, []);
  });
});

test('--disable-local-auth is refused while no external provider exists', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qufabric-e2e-'));
  try {
    const child = spawn(SERVER_BIN, ['--listen', '127.0.0.1:0', '--data-dir', dir, '--disable-local-auth']);
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.notEqual(code, 0);
    assert.match(stderr, /no external identity provider exists/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
