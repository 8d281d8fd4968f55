// Session upkeep in the browser: the access token is renewed before it expires without the
// user noticing, and the server refuses to start with local sign-in disabled while no
// external provider exists (nobody could sign in).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer, launchBrowser, newPage, SERVER_BIN, setupOwner, signInWithEmail } from '../harness.mjs';

const OWNER = { email: 'owner@example.com', password: 'correct horse battery', name: 'Owner' };

test('the access token is renewed before it expires and the page keeps working', async () => {
  // 62 s tokens: the dashboard renews a minute before expiry, i.e. after about 2 s.
  const server = await startServer({ args: ['--access-token-ttl', '62'] });
  const browser = await launchBrowser();
  try {
    await setupOwner(server, OWNER);
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
  } finally {
    await browser.close();
    await server.cleanup();
  }
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
