// The fault matrix for identity providers, against the real server's fault switch: each of
// create, update and delete under a 500, a dropped connection, a timeout and malformed
// JSON, both before the handler runs and after it has committed (the answer is lost).
// Every case must show the failure, keep what was typed, succeed on retry, and leave
// exactly one provider after a create or update and none after a delete.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, configureDashboard, setupOwner, signInWithEmail, sessionToken } from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const CLIENT_TIMEOUT_MS = 1500;
const SLOW_MS = 2500;
const FAULTS = [
  ['500', { kind: 'status', status: 500 }],
  ['dropped connection', { kind: 'drop' }],
  ['timeout', { kind: 'delay', ms: SLOW_MS }],
  ['malformed JSON', { kind: 'malformed' }],
];
const PHASES = ['before', 'after'];

let server;
let standIn;
let browser;
let page;
let problems;
let token;
const outcomes = [];

before(async () => {
  server = await startServer({ args: ['--enable-test-faults'] });
  standIn = await startPocketId({ clients: [], users: {} });
  await setupOwner(server, OWNER);
  browser = await launchBrowser();
  ({ page, problems } = await newPage(browser));
  await configureDashboard(page, { request_timeout_ms: CLIENT_TIMEOUT_MS });
  await signInWithEmail(page, server, OWNER);
  token = await sessionToken(page);
});

after(async () => {
  console.log('\nFault matrix (operation × fault × phase → outcome):');
  for (const row of outcomes) console.log(`  ${row}`);
  await browser?.close();
  await standIn?.close();
  await server?.cleanup();
});

const api = async (method, path, body) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return text ? JSON.parse(text) : null;
};
/** Arm a fault and check the switch took it (a switch that is off must fail the cell). */
const arm = async (rule) => {
  const response = await fetch(`${server.url}/__test__/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  assert.equal(response.status, 204, `the fault ${JSON.stringify(rule)} is armed`);
};
const providersWith = async (clientId) => (await api('GET', '/api/identity-providers')).filter((p) => p.client_id === clientId);
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function createViaApi(clientId, name) {
  return api('POST', '/api/identity-providers', { type: 'pocketid', name, issuer: standIn.issuer, client_id: clientId, client_secret: 's' });
}

/** Wait until the form shows an error notice or the page moved on; returns which. */
async function outcome(successCheck) {
  const error = page.locator('.notice-error, .field-error[role="alert"]').first();
  const winner = await Promise.race([
    error.waitFor({ state: 'visible', timeout: 20000 }).then(() => 'error'),
    successCheck().then(() => 'success'),
  ]);
  return winner;
}

for (const [faultName, fault] of FAULTS) {
  for (const phase of PHASES) {
    test(`create under ${faultName} ${phase} the handler`, async () => {
      const clientId = `create-${fault.kind}-${phase}`;
      await page.goto(`${server.url}/settings/identity-providers/new`);
      await page.getByLabel('PocketID', { exact: true }).check();
      await page.getByLabel('Name', { exact: true }).fill(`Create ${faultName} ${phase}`);
      await page.getByLabel('Issuer').fill(standIn.issuer);
      await page.getByLabel('Client ID').fill(clientId);
      await page.getByLabel('Client Secret').fill('typed-secret');
      await page.locator('#provider-issuer-findings').getByText('names exactly this issuer').waitFor();
      await arm({ method: 'POST', path: '/api/identity-providers', phase, ...fault });
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const first = await outcome(() => page.waitForURL(/identity-providers\/pocketid-/, { timeout: 20000 }));
      // Before the handler nothing was created: the first attempt must fail. After it, the
      // create landed and the answer was lost: an error, or the provider recognised.
      if (phase === 'before') assert.equal(first, 'error', 'the first attempt fails');
      let retried = false;
      if (first === 'error') {
        // Everything typed is still there, the secret included (it was never sent back).
        assert.equal(await page.getByLabel('Client ID').inputValue(), clientId);
        assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), `Create ${faultName} ${phase}`);
        assert.equal(await page.getByLabel('Client Secret').inputValue(), 'typed-secret');
        // A person retries after reading the message; a slow request has landed by then.
        if (fault.kind === 'delay') await pause(SLOW_MS);
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        retried = true;
        await page.waitForURL(/identity-providers\/pocketid-/, { timeout: 20000 });
      }
      await page.getByText('Saved.').first().waitFor();
      const lostAnswer = await page.getByText("The server's answer was lost, but the provider was saved").count();
      if (first === 'success') assert.equal(lostAnswer, 1, 'a lost answer that was recovered is said so');
      if (fault.kind === 'delay' && phase === 'before') await pause(SLOW_MS);
      const stored = await providersWith(clientId);
      assert.equal(stored.length, 1, `exactly one provider after create (${faultName} ${phase})`);
      const how = first === 'success' ? 'answer lost, provider recognised in the list' : first;
      outcomes.push(`create × ${faultName.padEnd(18)} × ${phase.padEnd(6)} → ${how}${retried ? ', retry succeeded' : ''}; 1 provider`);
    });

    test(`update under ${faultName} ${phase} the handler`, async () => {
      const clientId = `update-${fault.kind}-${phase}`;
      const created = await createViaApi(clientId, `Update ${faultName} ${phase}`);
      await page.goto(`${server.url}/settings/identity-providers/${created.id}`);
      await page.getByLabel('Name', { exact: true }).fill(`Renamed ${faultName} ${phase}`);
      await arm({ method: 'PUT', path: `/api/identity-providers/${created.id}`, phase, ...fault });
      await page.getByRole('button', { name: 'Save changes' }).click();
      const first = await outcome(() => page.getByText(`Saved Renamed ${faultName} ${phase}.`).waitFor({ timeout: 20000 }));
      assert.equal(first, 'error', 'the first attempt fails (an update has nothing to recover from)');
      let retried = false;
      if (first === 'error') {
        assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), `Renamed ${faultName} ${phase}`);
        if (fault.kind === 'delay') await pause(SLOW_MS);
        await page.getByRole('button', { name: 'Save changes' }).click();
        retried = true;
        await page.getByText(`Saved Renamed ${faultName} ${phase}.`).waitFor({ timeout: 20000 });
      }
      const stored = await providersWith(clientId);
      assert.equal(stored.length, 1);
      assert.equal(stored[0].name, `Renamed ${faultName} ${phase}`);
      outcomes.push(`update × ${faultName.padEnd(18)} × ${phase.padEnd(6)} → ${first}${retried ? ', retry succeeded' : ''}; 1 provider, renamed`);
    });

    test(`delete under ${faultName} ${phase} the handler`, async () => {
      const clientId = `delete-${fault.kind}-${phase}`;
      const name = `Delete ${faultName} ${phase}`;
      const created = await createViaApi(clientId, name);
      await page.goto(`${server.url}/settings/identity-providers`);
      await page.getByRole('button', { name: `Delete ${name}` }).click();
      const dialog = page.getByRole('alertdialog');
      await arm({ method: 'DELETE', path: `/api/identity-providers/${created.id}`, phase, ...fault });
      await dialog.getByRole('button', { name: 'Delete provider' }).click();
      const first = await outcome(() => page.getByText(`Deleted ${name}.`).waitFor({ timeout: 20000 }));
      assert.equal(first, 'error', 'the first attempt fails');
      let retried = false;
      if (first === 'error') {
        if (fault.kind === 'delay') await pause(SLOW_MS);
        await dialog.getByRole('button', { name: 'Delete provider' }).click();
        retried = true;
        await page.getByText(`Deleted ${name}.`).waitFor({ timeout: 20000 });
      }
      assert.equal((await providersWith(clientId)).length, 0);
      outcomes.push(`delete × ${faultName.padEnd(18)} × ${phase.padEnd(6)} → ${first}${retried ? ', retry succeeded' : ''}; 0 providers`);
    });
  }
}

test('no panic and no console error through the whole matrix', () => {
  assert.deepEqual(problems, []);
});
