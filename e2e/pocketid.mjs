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

import http from 'node:http';
import { once } from 'node:events';
import Provider from 'oidc-provider';

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/**
 * @typedef {{ client_id: string, client_secret: string, redirect_uris: string[],
 *   post_logout_redirect_uris?: string[], allowed_groups: string[], groups_scope?: boolean }} StandInClient
 * @typedef {{ password: string, email: string, name: string, groups: string[] }} StandInUser
 */

function buildProvider(issuer, clients, users) {
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      redirect_uris: c.redirect_uris,
      post_logout_redirect_uris: c.post_logout_redirect_uris ?? [],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    async findAccount(_ctx, id) {
      const user = users[id];
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: user.email, email_verified: true, name: user.name, preferred_username: id, groups: user.groups };
        },
      };
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
    // Without this, oidc-provider keeps scope claims out of the ID token; PocketID sends them.
    conformIdTokenClaims: false,
    pkce: { required: () => false },
    cookies: { keys: ['stand-in-pocketid-cookie-key'] },
    features: {
      devInteractions: { enabled: false },
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
  return provider;
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
export async function startPocketId({ port = 0, host = '127.0.0.1', clients = [], users = {} } = {}) {
  const state = { clients, users, provider: null, issuer: '' };
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, state.issuer);
      if (req.method === 'POST' && url.pathname === '/__test__/clients') {
        let body = '';
        for await (const chunk of req) body += chunk;
        state.clients = JSON.parse(body);
        state.provider = buildProvider(state.issuer, state.clients, state.users);
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
  state.issuer = `http://${host}:${actualPort}`;
  state.provider = buildProvider(state.issuer, state.clients, state.users);
  return {
    issuer: state.issuer,
    port: actualPort,
    /** Replace the clients (e.g. after copying the Redirect URL from the dashboard). */
    setClients(newClients) {
      state.clients = newClients;
      state.provider = buildProvider(state.issuer, state.clients, state.users);
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
