// The stand-in PocketID: a real, certified OpenID provider (npm oidc-provider) configured
// the way PocketID behaves for QuFabric:
// - the issuer has no trailing slash;
// - confidential clients (client id + secret; PKCE not required);
// - users belong to groups, and the ID token carries them in `groups` when the `groups`
//   scope is asked for;
// - only users in a group assigned to the client may sign in; anyone else goes back to the
//   redirect URI with error=access_denied;
// - end-session honours the client's post-logout redirect URIs.
//
// Tests change the clients after start (the Redirect URL is copied from the dashboard
// first) with POST /__test__/clients, which swaps in a provider with the new configuration
// on the same port. Run alone: `node pocketid.mjs` (see --help).
//
// Quirks (`setQuirks`) make it behave like other real providers, each one observable
// behaviour of the field, none of them kinder than the real thing:
// - claimsOnlyInUserinfo: user claims only in the userinfo answer of the code flow
//   (oidc-provider's default, Core §5.4; Keycloak's "Add to userinfo" only);
// - groupsShape: 'list' (default), 'string' (all groups as one comma-separated string),
//   'objects' ([{ name, id }]), 'nested' (`realm_access.roles`, as Keycloak's roles);
// - emailInPreferredUsername: no `email` claim, the address in `preferred_username`
//   (Entra ID, AD FS); noEmail: no address in any claim;
// - trailingSlash: the issuer ends in `/` (Authentik);
// - noPkce: discovery does not advertise PKCE (many older providers);
// - jwksWithoutKid: the JWKS has two RSA signing keys and one `use: enc` key, none with
//   `alg` or `kid`, and ID tokens are signed without `kid`;
// - audArray: the ID token's `aud` is an array with another audience, and `azp` names the
//   client (Core §3.1.3.7);
// - userinfoJwt: userinfo answers as a signed JWT (`application/jwt`);
// - userinfoOtherSub: userinfo names another `sub` than the ID token (must be refused).
// Groups are released only under the `groups` scope, as PocketID and many others do.

import http from 'node:http';
import { once } from 'node:events';
import Provider from 'oidc-provider';
import * as jose from 'jose';

/** The stand-in's own signing key (so quirks can sign tokens again), and spares. */
async function makeKeys() {
  const pair = async () => {
    const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
    return jose.exportJWK(privateKey);
  };
  const signing = { ...(await pair()), kid: 'stand-in-signing', alg: 'RS256', use: 'sig' };
  const publicOf = ({ d, p, q, dp, dq, qi, ...pub }) => pub;
  return {
    signing,
    privateKey: await jose.importJWK(signing, 'RS256'),
    publicSigning: publicOf(signing),
    spareSigning: publicOf(await pair()),
    encryption: publicOf(await pair()),
  };
}

/** What the user's claims look like under `quirks`. */
function claimsOf(id, user, quirks) {
  const claims = { sub: id, email_verified: true, name: user.name, preferred_username: id };
  if (quirks.emailInPreferredUsername) claims.preferred_username = user.email;
  else if (!quirks.noEmail) claims.email = user.email;
  if (quirks.noEmail) delete claims.email_verified;
  switch (quirks.groupsShape ?? 'list') {
    case 'string': claims.groups = user.groups.join(','); break;
    case 'objects': claims.groups = user.groups.map((name, i) => ({ name, id: `g${i}` })); break;
    case 'nested': claims.realm_access = { roles: user.groups }; break;
    default: claims.groups = user.groups;
  }
  return claims;
}

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/**
 * @typedef {{ client_id: string, client_secret: string, redirect_uris: string[],
 *   post_logout_redirect_uris?: string[], allowed_groups: string[], groups_scope?: boolean }} StandInClient
 * @typedef {{ password: string, email: string, name: string, groups: string[] }} StandInUser
 */

function buildProvider(issuer, clients, users, quirks = {}, keys, onAuthorize = () => {}) {
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      redirect_uris: c.redirect_uris,
      post_logout_redirect_uris: c.post_logout_redirect_uris ?? [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...(quirks.userinfoJwt ? { userinfo_signed_response_alg: 'RS256' } : {}),
    })),
    async findAccount(_ctx, id) {
      const user = users[id];
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          return claimsOf(id, user, quirks);
        },
      };
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups', 'realm_access'],
    },
    scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
    jwks: { keys: [keys.signing] },
    // Without this, oidc-provider keeps scope claims out of the ID token (they are then
    // only in userinfo); PocketID sends them in the ID token.
    conformIdTokenClaims: Boolean(quirks.claimsOnlyInUserinfo),
    pkce: { required: () => false },
    cookies: { keys: ['stand-in-pocketid-cookie-key'] },
    features: {
      devInteractions: { enabled: false },
      jwtUserinfo: { enabled: Boolean(quirks.userinfoJwt) },
      rpInitiatedLogout: {
        enabled: true,
        // Sign out at once (PocketID asks nothing either); no inline script needed.
        async logoutSource(ctx, form) {
          ctx.body = `<!doctype html><html lang="en"><head><title>Sign out</title></head><body>
            <main><h1>Sign out of PocketID</h1>${form}<button form="op.logoutForm" type="submit" value="yes" name="logout">Sign out</button></main></body></html>`;
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60, RefreshToken: 3600 },
  });
  provider.proxy = false;
  provider.use(async (ctx, next) => {
    if (ctx.path.endsWith('/auth') && ctx.query.client_id) onAuthorize({ ...ctx.query });
    await next();
  });
  provider.use(quirkMiddleware(quirks, keys));
  return provider;
}

/** Rewrites of oidc-provider's answers that real providers make (see the quirks above). */
function quirkMiddleware(quirks, keys) {
  return async (ctx, next) => {
    await next();
    const body = ctx.body;
    if (!body || typeof body !== 'object' || Buffer.isBuffer(body)) return;
    if (ctx.path.endsWith('/.well-known/openid-configuration') && quirks.noPkce) {
      delete body.code_challenge_methods_supported;
    }
    if (ctx.path.endsWith('/jwks') && quirks.jwksWithoutKid) {
      const bare = ({ kid, alg, ...key }) => key;
      body.keys = [
        { ...bare(keys.spareSigning), use: 'sig' },
        { ...bare(keys.publicSigning), use: 'sig' },
        { ...bare(keys.encryption), use: 'enc' },
      ];
    }
    if (ctx.path.endsWith('/token') && body.id_token && (quirks.jwksWithoutKid || quirks.audArray)) {
      const payload = jose.decodeJwt(body.id_token);
      const header = jose.decodeProtectedHeader(body.id_token);
      if (quirks.audArray) {
        payload.aud = [payload.aud, 'https://api.other.example'];
        payload.azp = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
      }
      const { kid, ...withoutKid } = header;
      body.id_token = await new jose.SignJWT(payload)
        .setProtectedHeader(quirks.jwksWithoutKid ? withoutKid : header)
        .sign(keys.privateKey);
    }
    if (ctx.path.endsWith('/me') && quirks.userinfoOtherSub && typeof body.sub === 'string') {
      body.sub = `${body.sub}-someone-else`;
    }
  };
}

function loginPage(uid, clientName, error = '', username = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to PocketID</title></head>
<body><main>
<h1>PocketID</h1><p>Sign in to continue to ${escapeHtml(clientName)}.</p>
${error ? `<p role="alert" id="pocketid-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

/**
 * Start the stand-in. Returns { issuer, port, setClients(clients), close() }.
 * @param {{ port?: number, host?: string, clients?: StandInClient[], users?: Record<string, StandInUser> }} options
 */
export async function startPocketId({ port = 0, host = '127.0.0.1', clients = [], users = {}, quirks = {} } = {}) {
  const state = { clients, users, quirks, provider: null, issuer: '', base: '', keys: await makeKeys(), lastAuthorization: null };
  const rebuild = () => {
    state.issuer = state.quirks.trailingSlash ? `${state.base}/` : state.base;
    state.provider = buildProvider(state.issuer, state.clients, state.users, state.quirks, state.keys,
      (query) => { state.lastAuthorization = query; });
  };
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, state.issuer);
      if (req.method === 'POST' && url.pathname === '/__test__/clients') {
        let body = '';
        for await (const chunk of req) body += chunk;
        state.clients = JSON.parse(body);
        rebuild();
        res.writeHead(204).end();
        return;
      }
      const interaction = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
      if (interaction) {
        await handleInteraction(state, req, res, interaction[1], Boolean(interaction[2]));
        return;
      }
      state.provider.callback()(req, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`stand-in error: ${error.message}`);
    }
  });
  server.listen(port, host);
  await once(server, 'listening');
  const actualPort = server.address().port;
  state.base = `http://${host}:${actualPort}`;
  rebuild();
  return {
    /** The issuer as the provider names it (with its `/` under `trailingSlash`). */
    get issuer() { return state.issuer; },
    /** The query of the last authorization request a client sent (scope, PKCE, …). */
    get lastAuthorization() { return state.lastAuthorization; },
    port: actualPort,
    /** Replace the clients (e.g. after copying the Redirect URL from the dashboard). */
    setClients(newClients) {
      state.clients = newClients;
      rebuild();
    },
    /** Behave like another real provider from now on (see the quirks at the top). */
    setQuirks(quirks) {
      state.quirks = quirks;
      rebuild();
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function handleInteraction(state, req, res, uid, isLoginPost) {
  const { provider, clients, users } = state;
  const details = await provider.interactionDetails(req, res);
  const client = clients.find((c) => c.client_id === details.params.client_id);
  const clientName = client?.client_id ?? 'the application';
  if (details.prompt.name === 'login') {
    if (!isLoginPost) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(uid, clientName));
      return;
    }
    const form = await readForm(req);
    const user = users[form.username];
    if (!user || user.password !== form.password) {
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' })
        .end(loginPage(uid, clientName, 'Wrong username or password.', form.username));
      return;
    }
    // PocketID admits only members of a group assigned to the client.
    const allowed = client?.allowed_groups ?? [];
    if (allowed.length > 0 && !user.groups.some((g) => allowed.includes(g))) {
      await provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: "You're not allowed to access this service",
      }, { mergeWithLastSubmission: false });
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: form.username } }, { mergeWithLastSubmission: false });
    return;
  }
  if (details.prompt.name === 'consent') {
    // Consent is implied, as with PocketID clients an administrator created.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missingScope = details.prompt.details.missingOIDCScope ?? [];
    // A client without the groups scope (`groups_scope: false`): the scope is declined, so
    // the tokens carry no `groups` claim and the token response's `scope` leaves it out.
    const withoutGroups = client?.groups_scope === false;
    const granted = missingScope.filter((s) => !(withoutGroups && s === 'groups'));
    if (granted.length > 0) grant.addOIDCScope(granted.join(' '));
    if (withoutGroups && missingScope.includes('groups')) grant.rejectOIDCScope('groups');
    if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
    if (details.prompt.details.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(details.prompt.details.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  res.writeHead(400, { 'content-type': 'text/plain' }).end(`unexpected prompt ${details.prompt.name}`);
}

// Run alone for manual testing.
if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--help')) {
    console.log('node pocketid.mjs [--port 9000] [--redirect-uri URL]\n' +
      'Users: alice/alice-password (groups QuFabric), bob/bob-password (Contractors), carol/carol-password (Other).\n' +
      'Client: QuFabric / qufabric-secret, groups QuFabric and Contractors assigned.');
    process.exit(0);
  }
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const standIn = await startPocketId({
    port: Number(arg('--port', '9000')),
    clients: [{
      client_id: 'QuFabric',
      client_secret: 'qufabric-secret',
      redirect_uris: [arg('--redirect-uri', 'http://127.0.0.1:8080/oauth2/callback')],
      post_logout_redirect_uris: ['http://127.0.0.1:8080/oauth2/logout/callback'],
      allowed_groups: ['QuFabric', 'Contractors'],
    }],
    users: {
      alice: { password: 'alice-password', email: 'alice@example.com', name: 'Alice', groups: ['QuFabric'] },
      bob: { password: 'bob-password', email: 'bob@example.com', name: 'Bob', groups: ['Contractors'] },
      carol: { password: 'carol-password', email: 'carol@example.com', name: 'Carol', groups: ['Other'] },
    },
  });
  console.log(`stand-in PocketID at ${standIn.issuer}`);
}
