// Providers as the field has them, not as our stand-in is kind to us: one test per way a
// real provider differs (claims only in userinfo, groups only under the `groups` scope,
// groups as one string, nested or as objects, the address only in `preferred_username`,
// an issuer ending in `/`, no PKCE, keys without `kid` or `alg`, `aud` as an array,
// userinfo as a signed JWT, a userinfo naming someone else, no address at all). Each signs
// a person in through the login screen and checks the email, name and groups QuFabric
// kept (or the specific refusal on the login screen), then runs the test sign-in for the
// same provider and checks that its report says what the sign-in did.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, screenshot, axeViolations, setupOwner, signInWithEmail, ownerApi, tabTo } from '../harness.mjs';
import { startPocketId } from '../pocketid.mjs';

const OWNER = { email: 'owner@example.com', password: 'Correct horse battery 9', name: 'Owner' };
const USERS = {
  alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice Field', groups: ['QuFabric', 'Staff'] },
};
let server;
let standIn;
let browser;
let api;
/** The owner's page, signed in once, for the test sign-ins. */
let owner;

before(async () => {
  server = await startServer();
  standIn = await startPocketId({ clients: [], users: USERS });
  await setupOwner(server, OWNER);
  browser = await launchBrowser();
  api = await ownerApi(browser, server, OWNER);
  const [account] = await api('GET', '/api/accounts');
  await api('PUT', `/api/accounts/${account.id}`, {
    settings: { ...account.settings, jwt_groups_enabled: true, jwt_groups_claim_name: 'groups', jwt_allow_groups: ['QuFabric'] },
  });
  owner = await newPage(browser);
  await signInWithEmail(owner.page, server, OWNER);
});

after(async () => {
  await owner?.context.close();
  await browser?.close();
  await standIn?.close();
  await server?.cleanup();
});

/** The stand-in behaves per `quirks`; QuFabric has exactly one provider, `name`, for it. */
async function provider({ quirks = {}, type = 'oidc', name = 'Corp SSO', options } = {}) {
  standIn.setQuirks(quirks);
  standIn.setClients([{
    client_id: 'QuFabric', client_secret: 'field-secret', redirect_uris: [`${server.url}/oauth2/callback`], allowed_groups: [],
  }]);
  for (const old of await api('GET', '/api/identity-providers')) {
    await api('DELETE', `/api/identity-providers/${old.id}`);
  }
  const created = await api('POST', '/api/identity-providers', {
    type, name, issuer: standIn.issuer, client_id: 'QuFabric', client_secret: 'field-secret', ...(options ? { options } : {}),
  });
  assert.ok(created.id, JSON.stringify(created));
  return created;
}

/** Sign alice in through `idp` on the login screen; the page where it ended. */
async function signIn(idp) {
  const session = await newPage(browser);
  const { page } = session;
  await page.goto(`${server.url}/login`);
  await page.getByRole('button', { name: `Continue with ${idp.name}` }).click();
  await page.waitForURL((url) => url.toString().startsWith(standIn.issuer.replace(/\/$/, '')));
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(USERS.alice.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === server.url && !url.pathname.startsWith('/oauth2'));
  return session;
}

/** Alice signed in through `idp`: she lands signed in; QuFabric kept her email, name and groups. */
async function assertSignedIn(idp, { email = USERS.alice.email, name = USERS.alice.name, groups = ['QuFabric', 'Staff'] } = {}) {
  const { page, context, problems } = await signIn(idp);
  await page.getByRole('heading', { name: 'No access to these settings' }).waitFor();
  await page.getByText(email).first().waitFor();
  const user = (await api('GET', '/api/users')).find((u) => u.idp_id === idp.id);
  assert.ok(user, 'a user came of the sign-in');
  assert.equal(user.email, email);
  assert.equal(user.name, name);
  const allGroups = await api('GET', '/api/groups');
  const names = user.auto_groups.map((id) => allGroups.find((g) => g.id === id)?.name).sort();
  assert.deepEqual(names, [...groups].sort());
  assert.deepEqual(problems, []);
  await context.close();
}

/** Alice is refused through `idp` with `code`, and the login screen says `message`; no user. */
async function assertRefused(idp, code, message) {
  const { page, context } = await signIn(idp);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(new URL(page.url()).searchParams.get('error'), code);
  await page.getByText(message).waitFor();
  assert.equal((await api('GET', '/api/users')).find((u) => u.idp_id === idp.id), undefined, 'a refused person leaves no user');
  await context.close();
  return page;
}

/** The owner's test sign-in of `idp` as alice; the report region. */
async function report(idp) {
  const { page } = owner;
  await page.goto(`${server.url}/settings/identity-providers`);
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: `Test sign-in ${idp.name}` }).click();
  const popup = await popupOpened;
  await popup.waitForURL((url) => url.toString().startsWith(standIn.issuer.replace(/\/$/, '')));
  await popup.getByLabel('Username').fill('alice');
  await popup.getByLabel('Password').fill(USERS.alice.password);
  await popup.getByRole('button', { name: 'Sign in' }).click();
  await popup.getByRole('heading', { name: /^Test sign-in (finished|ended early)$/ }).waitFor();
  await popup.close();
  const region = page.getByRole('region', { name: `Test sign-in with ${idp.name}` });
  await region.locator('p.lede, .notice-error').first().waitFor();
  return region;
}

const fact = (region, name) => region.locator(`dt:text-is("${name}") + dd`).innerText();

/** The report says alice would be admitted, where her email came from, and her groups. */
async function assertReported(idp, { email = 'from email in the ID token', groups = 'QuFabric, Staff, from groups in the ID token' } = {}) {
  const region = await report(idp);
  await region.getByText('Would be admitted: a member of the allowed group QuFabric.').waitFor();
  assert.match(await fact(region, 'Email address'), new RegExp(`^alice@example\\.com, ${email}`));
  assert.equal(await fact(region, 'Groups QuFabric reads'), groups);
  return region;
}

test('claims only in userinfo: email, name and groups are read from there', async () => {
  const idp = await provider({ type: 'pocketid', name: 'PocketID Field', quirks: { claimsOnlyInUserinfo: true } });
  await assertSignedIn(idp);
  const region = await assertReported(idp, { email: 'from email in userinfo', groups: 'QuFabric, Staff, from groups in userinfo' });
  assert.match(await fact(region, 'Name'), /^Alice Field, from name in userinfo/);
  assert.equal(await fact(region, 'Groups claim in the ID token'), 'missing');
});

test('groups only under the groups scope: the report offers the scope, one click adds it', async () => {
  const idp = await provider();
  // Generic OIDC asks for openid profile email: no groups, so the allow list refuses.
  const region = await report(idp);
  await region.getByText('QuFabric did not ask for the groups scope, which Corp SSO offers.', { exact: false }).waitFor();
  await region.getByText('Would be refused: the sign-in carries no group').waitFor();
  await screenshot(owner.page, 'test-sign-in-add-groups-scope');
  assert.deepEqual(await axeViolations(owner.page), []);
  await region.getByRole('button', { name: 'Add the groups scope to Corp SSO' }).click();
  await region.getByText('Added the scope groups to Corp SSO.').waitFor();
  const [saved] = await api('GET', '/api/identity-providers');
  assert.deepEqual(saved.options.scopes, ['openid', 'profile', 'email', 'groups']);
  await assertReported(idp);
  await assertSignedIn(idp);
  assert.equal(standIn.lastAuthorization.scope, 'openid profile email groups');
});

test('groups as one string: read as one group, split when the provider option says so (set by keyboard)', async () => {
  const idp = await provider({ quirks: { groupsShape: 'string' }, options: { scopes: ['openid', 'profile', 'email', 'groups'] } });
  const region = await report(idp);
  await region.getByText('Would be refused: the sign-in carries QuFabric,Staff').waitFor();
  await region.getByText('If these are several groups, turn on', { exact: false }).waitFor();

  // The form's Advanced part, by keyboard: open it, tick the split, save.
  const { page } = owner;
  await page.goto(`${server.url}/settings/identity-providers/${idp.id}`);
  await page.getByLabel('Client ID').waitFor();
  await page.getByLabel('Client ID').focus();
  await tabTo(page, /^Advanced: scopes and claims$/);
  await page.keyboard.press('Enter');
  await page.getByLabel('Groups claim').waitFor();
  assert.equal(await page.getByLabel('Scopes').inputValue(), 'openid profile email groups');
  await tabTo(page, /Split one string into groups/);
  await page.keyboard.press('Space');
  assert.ok(await page.getByLabel('Split one string into groups').isChecked());
  await screenshot(page, 'provider-form-advanced');
  assert.deepEqual(await axeViolations(page), [], 'axe on the open Advanced part');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#save-status').getByText(/Saved/).waitFor();
  const [saved] = await api('GET', '/api/identity-providers');
  assert.equal(saved.options.claims.groups_split, true);

  await assertSignedIn(idp);
  await assertReported(idp);
});

test('a nested groups claim read through a dotted path', async () => {
  const idp = await provider({
    quirks: { groupsShape: 'nested' },
    options: { scopes: ['openid', 'profile', 'email', 'groups'], claims: { groups: 'realm_access.roles' } },
  });
  await assertSignedIn(idp);
  await assertReported(idp, { groups: 'QuFabric, Staff, from realm_access.roles in the ID token' });
});

test('groups as objects with a name', async () => {
  const idp = await provider({ type: 'pocketid', name: 'Objects IdP', quirks: { groupsShape: 'objects' } });
  await assertSignedIn(idp);
  await assertReported(idp);
});

test('the address only in preferred_username', async () => {
  const idp = await provider({ type: 'pocketid', name: 'Entra-like', quirks: { emailInPreferredUsername: true } });
  await assertSignedIn(idp);
  await assertReported(idp, { email: 'from preferred_username in the ID token' });
});

test('an issuer that ends in /', async () => {
  const idp = await provider({ type: 'pocketid', name: 'Slash IdP', quirks: { trailingSlash: true } });
  assert.ok(idp.issuer.endsWith('/'), idp.issuer);
  await assertSignedIn(idp);
  await assertReported(idp);
});

test('PKCE not advertised: the sign-in goes without it', async () => {
  const idp = await provider({ type: 'pocketid', name: 'No PKCE', quirks: { noPkce: true } });
  await assertSignedIn(idp);
  assert.equal(standIn.lastAuthorization.code_challenge, undefined);
  await assertReported(idp);
});

test('a JWKS with two RSA signing keys and an encryption key, none with kid or alg; tokens without kid', async () => {
  const idp = await provider({ type: 'pocketid', name: 'Many Keys', quirks: { jwksWithoutKid: true } });
  await assertSignedIn(idp);
  await assertReported(idp);
});

test('aud as an array, with azp naming the client', async () => {
  const idp = await provider({ type: 'pocketid', name: 'Many Audiences', quirks: { audArray: true } });
  await assertSignedIn(idp);
  await assertReported(idp);
});

test('userinfo signed as a JWT', async () => {
  const idp = await provider({ type: 'pocketid', name: 'Signed Userinfo', quirks: { userinfoJwt: true, claimsOnlyInUserinfo: true } });
  await assertSignedIn(idp);
  await assertReported(idp, { email: 'from email in userinfo', groups: 'QuFabric, Staff, from groups in userinfo' });
});

test('userinfo naming another person is refused, at sign-in and in the report', async () => {
  const idp = await provider({ type: 'pocketid', name: 'Confused IdP', quirks: { userinfoOtherSub: true, claimsOnlyInUserinfo: true } });
  await assertRefused(idp, 'userinfo_subject_mismatch', "The identity provider's answers did not agree on who you are.");
  const region = await report(idp);
  await region.getByText("The identity provider's answers did not agree on who you are.").waitFor();
  await region.getByText(/userinfo names another user/).waitFor();
});

test('no address in any claim: refused with what to map, and the report says so first', async () => {
  const idp = await provider({ type: 'pocketid', name: 'Nameless IdP', quirks: { noEmail: true } });
  const region = await report(idp);
  await region.locator('p[role=status]').getByText('Would be refused: Nameless IdP sent no email address: QuFabric looked at email, preferred_username, upn.').waitFor();
  await region.getByText('Map the claim that holds the address (Settings → Identity Providers → Nameless IdP → Advanced)', { exact: false }).waitFor();
  await screenshot(owner.page, 'test-sign-in-no-email');
  const { page, context } = await signIn(idp);
  assert.equal(new URL(page.url()).searchParams.get('error'), 'email_missing');
  await page.getByText('The identity provider did not send your email address.').waitFor();
  await page.getByText(/Nameless IdP sent no email address/).waitFor();
  await screenshot(page, 'login-error-email-missing');
  assert.deepEqual(await axeViolations(page), []);
  assert.equal((await api('GET', '/api/users')).find((u) => u.idp_id === idp.id), undefined, 'a refused person leaves no user');
  await context.close();
});
