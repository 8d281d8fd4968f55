// The stand-in PocketID behaves like PocketID where QuFabric depends on it: issuer without
// a trailing slash, a confidential client, the `groups` claim in the ID token, only members
// of a group assigned to the client get in (others come back with access_denied), and the
// client's callback URLs can be changed after start.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { startPocketId } from '../pocketid.mjs';
import { launchBrowser, newPage } from '../harness.mjs';

const USERS = {
  alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric'] },
  carol: { password: 'carol-password', email: 'carol@example.com', name: 'Carol', groups: ['Other'] },
};

let relyingParty;
let callbacks;
let standIn;
let browser;
let redirectUri;

before(async () => {
  // A minimal relying party that records what comes back to its redirect URI.
  callbacks = [];
  relyingParty = http.createServer((req, res) => {
    callbacks.push(new URL(req.url, 'http://rp'));
    res.writeHead(200, { 'content-type': 'text/plain' }).end('callback received');
  });
  relyingParty.listen(0, '127.0.0.1');
  await once(relyingParty, 'listening');
  redirectUri = `http://127.0.0.1:${relyingParty.address().port}/oauth2/callback`;
  standIn = await startPocketId({
    clients: [{ client_id: 'QuFabric', client_secret: 'qufabric-secret', redirect_uris: [redirectUri], allowed_groups: ['QuFabric'] }],
    users: USERS,
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await standIn?.close();
  relyingParty?.close();
});

function authorizeUrl(state, nonce) {
  const url = new URL(`${standIn.issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: 'QuFabric', redirect_uri: redirectUri, response_type: 'code',
    scope: 'openid profile email groups', state, nonce,
  }).toString();
  return url.toString();
}

async function signIn(username, state) {
  const { page, context } = await newPage(browser);
  await page.goto(authorizeUrl(state, `nonce-${state}`));
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(USERS[username].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('callback received').waitFor();
  await context.close();
  return callbacks.find((u) => u.searchParams.get('state') === state);
}

test('discovery looks like PocketID: issuer without trailing slash', async () => {
  const discovery = await (await fetch(`${standIn.issuer}/.well-known/openid-configuration`)).json();
  assert.equal(discovery.issuer, standIn.issuer);
  assert.ok(!discovery.issuer.endsWith('/'));
  assert.ok(discovery.scopes_supported.includes('groups'));
  assert.ok(discovery.code_challenge_methods_supported.includes('S256'));
  assert.ok(discovery.end_session_endpoint);
});

test('a member of the assigned group signs in and gets the groups claim', async () => {
  const callback = await signIn('alice', 'member');
  const code = callback.searchParams.get('code');
  assert.ok(code, `a code came back: ${callback}`);
  const response = await fetch(`${standIn.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('QuFabric:qufabric-secret').toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }).toString(),
  });
  assert.equal(response.status, 200);
  const tokens = await response.json();
  const claims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString());
  assert.equal(claims.iss, standIn.issuer);
  assert.equal(claims.sub, 'alice');
  assert.equal(claims.nonce, 'nonce-member');
  assert.deepEqual(claims.groups, ['QuFabric']);

  // A wrong client secret is refused.
  const wrong = await fetch(`${standIn.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('QuFabric:wrong').toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }).toString(),
  });
  assert.equal((await wrong.json()).error, 'invalid_client');
});

test('a user outside the assigned groups goes back with access_denied', async () => {
  const callback = await signIn('carol', 'outsider');
  assert.equal(callback.searchParams.get('error'), 'access_denied');
  assert.equal(callback.searchParams.get('code'), null);
});

test('callback URLs can be changed after start', async () => {
  standIn.setClients([{ client_id: 'QuFabric', client_secret: 'qufabric-secret', redirect_uris: ['http://127.0.0.1:1/elsewhere'], allowed_groups: ['QuFabric'] }]);
  const refused = await fetch(authorizeUrl('changed', 'n'), { redirect: 'manual' });
  assert.equal(refused.status, 400, 'the old redirect URI is no longer accepted');
  assert.match(await refused.text(), /redirect_uri/);
  standIn.setClients([{ client_id: 'QuFabric', client_secret: 'qufabric-secret', redirect_uris: [redirectUri], allowed_groups: ['QuFabric'] }]);
  const accepted = await fetch(authorizeUrl('restored', 'n'), { redirect: 'manual' });
  assert.equal(accepted.status, 303);
});
