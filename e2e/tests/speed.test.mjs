// Speed where it is felt (issue 25), asserted from what the browser asked for, never from
// timings: a settings page's requests go out together with the signed-in user's (one
// wave), and an element that comes back (the host's tab opened again) shows what it
// loaded before at once, asks once more in the background, and never shows a list older
// than its own last write.
//
// Waves are made deterministic with the server's fault switch: every API answer is held
// for a while, so a request that waited for another one's answer can only start after
// that answer arrived, and shows up as a second wave.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signInWithEmail, screenshot, setupOwnerWithToken, apiTraffic } from '../harness.mjs';
import { startHost } from '../../examples/host/serve.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
/** How long every API answer is held while a wave is recorded. */
const HOLD_MS = 400;

let server;
let host;
let browser;
let pat;

before(async () => {
  server = await startServer({ args: ['--enable-test-faults', '--setup-pat-enabled', '--seed-providers', '2', '--seed-groups', '3'] });
  pat = await setupOwnerWithToken(server, OWNER);
  host = await startHost({ api: server.url });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await host?.close();
  await server?.cleanup();
});

const faults = (method, body) => fetch(`${server.url}/__test__/faults`, {
  method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body),
});

/** The requests that started after the first answer arrived (a token renewal apart). */
function laterWaves(log) {
  const pageTraffic = log.filter((entry) => entry.path !== 'POST /oauth2/token');
  const firstAnswer = pageTraffic.findIndex((entry) => entry.kind === 'answer');
  return firstAnswer < 0 ? [] : pageTraffic.slice(firstAnswer).filter((entry) => entry.kind === 'start').map((entry) => entry.path);
}

test('every settings page reloads in one wave of at most five requests, the signed-in user\'s among them', async () => {
  const { page, problems, context } = await newPage(browser);
  await signInWithEmail(page, server, OWNER);
  const pages = {
    '/settings/identity-providers': 'table.providers tbody tr',
    '/settings/identity-providers/new': '#provider-issuer',
    '/settings/groups': '#jwt-claim',
    '/settings/users': 'table tbody tr',
  };
  for (const [route, content] of Object.entries(pages)) {
    await page.goto(`${server.url}${route}`);
    await page.locator(content).first().waitFor();
    await page.waitForLoadState('networkidle');
    // The signed-in user's answer comes last: the page is drawn after its lists arrived,
    // and must take them rather than ask again.
    assert.equal((await faults('POST', { method: 'GET', path: '/api/users/current', phase: 'before', kind: 'delay', ms: 2 * HOLD_MS, times: 1 })).status, 204);
    assert.equal((await faults('POST', { method: 'GET', path: '/api/*', phase: 'before', kind: 'delay', ms: HOLD_MS, times: 50 })).status, 204);
    const log = await apiTraffic(page, server, async () => {
      await page.reload();
      await page.locator(content).first().waitFor();
    });
    await faults('DELETE');
    const started = log.filter((entry) => entry.kind === 'start').map((entry) => entry.path);
    assert.ok(started.includes('GET /api/users/current'), `${route}: ${started.join(', ')}`);
    assert.deepEqual(laterWaves(log), [], `${route}: every request starts before the first answer (${started.join(', ')})`);
    const counted = started.filter((path) => path !== 'POST /oauth2/token');
    assert.ok(counted.length <= 5, `${route}: at most five requests, made ${counted.length}: ${counted.join(', ')}`);
    assert.equal(new Set(counted).size, counted.length, `${route}: nothing asked twice: ${counted.join(', ')}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

/** The host page, authorised with the owner's token, its elements showing their content. */
async function authorisedHost() {
  const { page, problems, context } = await newPage(browser);
  await page.goto(`${host.url}/?api=${encodeURIComponent(server.url)}`);
  await page.getByLabel('Personal access token').fill(pat);
  await page.getByRole('button', { name: 'Use this token' }).click();
  await page.locator('qufabric-identity-providers table.providers tbody tr').first().waitFor();
  await page.locator('qufabric-groups-settings #jwt-claim').waitFor();
  await page.waitForLoadState('networkidle');
  return { page, problems, context };
}

/** Open the host's Members tab (which removes the elements), then Single sign-on again
 * (which creates new ones), and report what the new elements show in the same task that
 * mounted them, before anything could be fetched, and how many requests they started
 * before the frame that shows it (a revalidation waits for that frame to be painted). */
const SWITCH_BACK = () => new Promise((resolve) => {
  const fetches = [];
  const realFetch = window.fetch;
  window.fetch = function counted(...args) {
    fetches.push(performance.now());
    return realFetch.apply(this, args);
  };
  const next = (hash, then) => {
    window.addEventListener('hashchange', function once() {
      window.removeEventListener('hashchange', once);
      then();
    });
    location.hash = hash;
  };
  next('#members', () => next('#sso', () => {
    const providers = document.querySelector('qufabric-identity-providers');
    const groups = document.querySelector('qufabric-groups-settings');
    const shown = {
      rows: [...providers.shadowRoot.querySelectorAll('table.providers tbody tr')].map((row) => row.textContent),
      groupsForm: groups.shadowRoot.querySelector('#jwt-claim') !== null,
      status: providers.shadowRoot.querySelector('[role=status]')?.textContent ?? '',
    };
    requestAnimationFrame(() => {
      shown.requestsBeforeFrame = fetches.length;
      window.fetch = realFetch;
      resolve(shown);
    });
  }));
});

test('an element that comes back shows what it loaded at once, asks once more, and never shows a list older than its own write', async () => {
  const { page, problems, context } = await authorisedHost();
  const before = await page.locator('qufabric-identity-providers table.providers tbody tr').count();
  assert.ok(before >= 2, 'the seeded providers are listed');

  let shown;
  // The revalidations start after the frame that shows the kept lists: wait for their
  // answers (at most ten seconds: fewer requests than expected fail the check below).
  const answers = (count) => new Promise((resolve) => {
    let seen = 0;
    const done = () => { page.off('response', counting); resolve(); };
    const counting = (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/') && (seen += 1) === count) done();
    };
    page.on('response', counting);
    setTimeout(done, 10000);
  });
  const log = await apiTraffic(page, server, async () => {
    const revalidated = answers(9);
    shown = await page.evaluate(SWITCH_BACK);
    await revalidated;
  });
  assert.equal(shown.rows.length, before, `the list is there as the element mounts (status: ${shown.status})`);
  assert.ok(shown.groupsForm, 'the group settings are there as the element mounts');
  assert.equal(shown.requestsBeforeFrame, 0, 'no request starts before the kept lists are on screen');
  // The host's own tab made no request; each element asked once for each thing it shows.
  const started = log.filter((entry) => entry.kind === 'start').map((entry) => entry.path).sort();
  assert.deepEqual(started, [
    'GET /api/accounts', 'GET /api/groups',
    'GET /api/identity-providers', 'GET /api/identity-providers',
    'GET /api/instance',
    'GET /api/users', 'GET /api/users',
    'GET /api/users/current', 'GET /api/users/current',
  ], 'one revalidation of each answer after the remount');
  await page.locator('qufabric-identity-providers table.providers tbody tr').nth(before - 1).waitFor();

  // A write of its own: the provider deleted from the list is never shown again, not even
  // for a moment on the next mount.
  const providers = page.locator('qufabric-identity-providers');
  const firstRow = providers.locator('table.providers tbody tr').first();
  const deletedName = (await firstRow.locator('td').first().textContent()).trim();
  await firstRow.getByRole('button', { name: /^Delete / }).click();
  await providers.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await providers.locator('table.providers tbody tr').nth(before - 2).waitFor();
  await page.waitForFunction((count) => document.querySelector('qufabric-identity-providers').shadowRoot
    .querySelectorAll('table.providers tbody tr').length === count, before - 1);
  await page.waitForLoadState('networkidle');
  const afterWrite = await page.evaluate(SWITCH_BACK);
  assert.ok(afterWrite.rows.every((row) => !row.includes(deletedName)), `the deleted ${deletedName} is not shown: ${afterWrite.rows.join(' | ')}`);
  assert.equal(afterWrite.rows.length, before - 1, 'the list after the write is shown at once');
  await screenshot(page, 'embed-tab-switched-back');
  assert.deepEqual(problems, []);
  await context.close();
});
