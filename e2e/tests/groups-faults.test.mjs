// The Groups save under the fault switch: a 500, a dropped connection, a timeout and
// malformed JSON, before the handler and after it committed. Every edit stays, the
// failure is shown, and a retry saves; the stored settings end up exactly as edited.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, configureDashboard, setupOwner, signInWithEmail, sessionToken } from '../harness.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const CLIENT_TIMEOUT_MS = 1500;
const SLOW_MS = 2500;
const FAULTS = [
  ['500', { kind: 'status', status: 500 }],
  ['dropped connection', { kind: 'drop' }],
  ['timeout', { kind: 'delay', ms: SLOW_MS }],
  ['malformed JSON', { kind: 'malformed' }],
];
let server;
let browser;
let page;
let problems;
let token;
const outcomes = [];

before(async () => {
  server = await startServer({ args: ['--enable-test-faults'] });
  await setupOwner(server, OWNER);
  browser = await launchBrowser();
  ({ page, problems } = await newPage(browser));
  await configureDashboard(page, { request_timeout_ms: CLIENT_TIMEOUT_MS });
  await signInWithEmail(page, server, OWNER);
  token = await sessionToken(page);
});

after(async () => {
  console.log('\nGroups save fault matrix:');
  for (const row of outcomes) console.log(`  ${row}`);
  await browser?.close();
  await server?.cleanup();
});

/** Arm a fault and check the switch took it (a switch that is off must fail the cell). */
const arm = async (rule) => {
  const response = await fetch(`${server.url}/__test__/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  assert.equal(response.status, 204, `the fault ${JSON.stringify(rule)} is armed`);
};
const settings = async () => (await (await fetch(`${server.url}/api/accounts`, { headers: { authorization: `Bearer ${token}` } })).json())[0].settings;

let round = 0;
for (const [faultName, fault] of FAULTS) {
  for (const phase of ['before', 'after']) {
    test(`save under ${faultName} ${phase} the handler`, async () => {
      round += 1;
      const group = `Team${round}`;
      await page.goto(`${server.url}/settings/groups`);
      const sync = page.getByRole('switch', { name: 'Enable JWT group sync' });
      await sync.waitFor();
      if ((await sync.getAttribute('aria-checked')) === 'false') await sync.click();
      await page.getByLabel('JWT claim').fill('groups');
      for (const old of await page.locator('.tag-remove').all()) await old.click();
      await page.getByLabel('JWT allow groups').fill(group);
      await page.keyboard.press('Enter');
      await arm({ method: 'PUT', path: '/api/accounts/*', phase, ...fault });
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const error = page.locator('.notice-error').first();
      const first = await Promise.race([
        error.waitFor({ timeout: 20000 }).then(() => 'error'),
        page.getByText('Saved group settings.').waitFor({ timeout: 20000 }).then(() => 'success'),
      ]);
      assert.equal(first, 'error', 'the first attempt fails in every cell');
      if (first === 'error') {
        assert.equal(await page.getByRole('button', { name: `Remove ${group}` }).count(), 1, 'the edit is still there');
        assert.equal(await page.getByLabel('JWT claim').inputValue(), 'groups');
        if (fault.kind === 'delay') await new Promise((r) => setTimeout(r, SLOW_MS));
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await page.getByText('Saved group settings.').waitFor({ timeout: 20000 });
      }
      const stored = await settings();
      assert.deepEqual(stored.jwt_allow_groups, [group]);
      assert.equal(stored.jwt_groups_enabled, true);
      outcomes.push(`save × ${faultName.padEnd(18)} × ${phase.padEnd(6)} → ${first}${first === 'error' ? ', retry saved' : ''}`);
    });
  }
}

test('no panic and no console error through the matrix', () => {
  assert.deepEqual(problems, []);
});
