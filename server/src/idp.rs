//! The embedded OpenID Connect IdP at `/oauth2`: discovery, JWKS, the authorization
//! endpoint (with `connector_id`), the email/password page for local users, the token
//! endpoint (authorization code with PKCE S256 only, refresh tokens with rotation) and
//! end-session. It keeps its own session cookie so a new tab signs in without asking.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::forwarded::RequestSource;
use crate::store::{now_unix, CodeUse, RefreshUse, SessionRecord, UserRecord};
use crate::{hash_secret, random_secret, SharedState};
use qufabric_model::oidc::{self, Audience, TokenClaims, DASHBOARD_CLIENT_ID, LOCAL_CONNECTOR};
use qufabric_model::{SignOutResult, SignedOutProvider};

const SESSION_COOKIE: &str = "qf_idp_session";
/// How long an authorization code may wait for its exchange.
const CODE_MAX_AGE_SECS: i64 = 120;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/oauth2/.well-known/openid-configuration", get(discovery))
        .route("/oauth2/keys", get(jwks))
        .route("/oauth2/auth", get(authorize))
        .route("/oauth2/login", post(local_login))
        .route("/oauth2/token", post(token))
        .route(
            "/oauth2/logout",
            get(end_session).post(end_session_confirmed),
        )
        .route("/oauth2/sign-out", post(sign_out))
        .route("/oauth2/logout/callback", get(logout_callback))
        .route("/oauth2/callback", get(crate::broker::callback))
        .route("/oauth2/static/login.css", get(login_css))
}

// ----- passwords and guessing -----

pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Slows down password guessing, per client and account: after
/// [`LoginLimiter::FREE_FAILURES`] wrong passwords in a row from one client (its address,
/// see `forwarded`) for one account, that client is answered 429 for that account for a
/// lock time that doubles with each failure (30 s, 60 s, … up to 15 min). Others' failures
/// never lock a client out, so a known owner cannot be kept out by strangers. A correct
/// password resets the count. The map is bounded: past [`LoginLimiter::MAX_ENTRIES`] the
/// entries that lock nobody go first, then the oldest.
#[derive(Default)]
pub struct LoginLimiter {
    entries: Mutex<HashMap<String, LimiterEntry>>,
}

struct LimiterEntry {
    failures: u32,
    locked_until: Option<Instant>,
    last: Instant,
}

impl LoginLimiter {
    pub const FREE_FAILURES: u32 = 5;
    pub const MAX_ENTRIES: usize = 10_000;

    fn key(client: Option<std::net::IpAddr>, email: &str) -> String {
        let client = client.map(|ip| ip.to_string()).unwrap_or_default();
        format!("{client} {}", email.trim().to_lowercase())
    }

    /// `Some(wait)` while this client is locked out of this account.
    pub fn locked_for(&self, client: Option<std::net::IpAddr>, email: &str) -> Option<Duration> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let until = entries.get(&Self::key(client, email))?.locked_until?;
        until.checked_duration_since(Instant::now())
    }

    pub fn record_failure(&self, client: Option<std::net::IpAddr>, email: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if entries.len() >= Self::MAX_ENTRIES {
            entries.retain(|_, e| e.locked_until.is_some_and(|until| until > now));
            if entries.len() >= Self::MAX_ENTRIES {
                let mut ages: Vec<Instant> = entries.values().map(|e| e.last).collect();
                ages.sort();
                let cut = ages[ages.len() / 2];
                entries.retain(|_, e| e.last > cut);
            }
        }
        let entry = entries
            .entry(Self::key(client, email))
            .or_insert(LimiterEntry {
                failures: 0,
                locked_until: None,
                last: now,
            });
        entry.failures = entry.failures.saturating_add(1);
        entry.last = now;
        if entry.failures >= Self::FREE_FAILURES {
            let doublings = (entry.failures - Self::FREE_FAILURES).min(5);
            let lock = Duration::from_secs(30u64 << doublings).min(Duration::from_secs(900));
            entry.locked_until = Some(now + lock);
        }
    }

    pub fn record_success(&self, client: Option<std::net::IpAddr>, email: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(&Self::key(client, email));
    }

    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A password hash to verify unknown emails against, so they cost the same as known ones.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not the password of anyone").unwrap_or_default())
}

// ----- discovery and keys -----

async fn discovery(State(state): State<SharedState>) -> Response {
    let issuer = state.config.issuer();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/auth"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/keys"),
        "end_session_endpoint": format!("{issuer}/logout"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": ["openid", "profile", "email", "groups", "offline_access"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "nonce", "email", "name", "groups"],
    }))
    .into_response()
}

async fn jwks(State(state): State<SharedState>) -> Json<serde_json::Value> {
    Json(state.keys.jwks())
}

// ----- redirect URIs -----

fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}{}", oidc::form_body(pairs))
}

// ----- authorize -----

/// A pending authorization request, as the dashboard sent it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: String,
    pub nonce: String,
    pub code_challenge: String,
    pub connector_id: Option<String>,
    /// The hash of this sign-in's browser-binding cookie (see [`binding_cookie`]); empty
    /// for a request stored by an earlier version.
    #[serde(default)]
    pub binding: String,
}

/// A sign-in is bound to the browser that started it: `/oauth2/auth` sets a short-lived
/// HttpOnly cookie whose hash the request keeps, and the email form and the provider's
/// callback require it. Without it a login CSRF works: an attacker starts a sign-in and
/// makes the victim's browser finish it with the attacker's account. The cookie's name
/// carries part of the hash, so parallel sign-ins in several tabs do not overwrite each
/// other. Returns the hash to keep and the `Set-Cookie` value.
pub(crate) fn binding_cookie(source: &RequestSource) -> (String, String) {
    let secret = random_secret();
    let hash = hash_secret(&secret);
    let secure = if source.https { "; Secure" } else { "" };
    let cookie = format!(
        "{}={secret}; Path=/oauth2; HttpOnly; SameSite=Lax; Max-Age={BINDING_MAX_AGE_SECS}{secure}",
        binding_cookie_name(&hash)
    );
    (hash, cookie)
}

const BINDING_MAX_AGE_SECS: i64 = 600;

fn binding_cookie_name(hash: &str) -> String {
    let part: String = hash
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect();
    format!("qf_bind_{part}")
}

/// Whether this browser holds the binding cookie of a sign-in whose binding is `hash`.
pub(crate) fn binding_matches(headers: &HeaderMap, hash: &str) -> bool {
    if hash.is_empty() {
        return true;
    }
    cookie_value(headers, &binding_cookie_name(hash))
        .is_some_and(|value| oidc::constant_time_eq(hash_secret(value).as_bytes(), hash.as_bytes()))
}

#[derive(Debug, Deserialize)]
struct AuthorizeQuery {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    response_type: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    connector_id: Option<String>,
    prompt: Option<String>,
    /// Set when this server moved the request to its public origin (never twice).
    moved_to_public_origin: Option<String>,
}

/// The query parameter that marks an authorize request moved to the public origin.
const MOVED_MARK: &str = "moved_to_public_origin";

/// An error page shown at the IdP itself: used when the redirect URI cannot be trusted, so
/// nothing may be sent back to it.
fn error_page(status: StatusCode, title: &str, detail: &str) -> Response {
    let body = page(
        title,
        &format!(
            "<p class=\"error\" role=\"alert\">{}</p><p><a href=\"/login\">Back to QuFabric</a></p>",
            escape(detail)
        ),
    );
    (status, Html(body)).into_response()
}

fn redirect_error(redirect_uri: &str, state: &str, error: &str, description: &str) -> Response {
    Redirect::to(&with_query(
        redirect_uri,
        &[
            ("error", error),
            ("error_description", description),
            ("state", state),
        ],
    ))
    .into_response()
}

async fn authorize(
    State(state): State<SharedState>,
    source: RequestSource,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(query): Query<AuthorizeQuery>,
) -> Response {
    let client_id = query.client_id.unwrap_or_default();
    let redirect_uri = query.redirect_uri.unwrap_or_default();
    if client_id != DASHBOARD_CLIENT_ID {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Unknown client",
            "This sign-in request names an unknown client.",
        );
    }
    if !state
        .config
        .dashboard_uri_allowed(&redirect_uri, "/auth/callback")
    {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Redirect URI not allowed",
            "This sign-in request asks to return to an address the QuFabric dashboard does not use.",
        );
    }
    let request_state = query.state.unwrap_or_default();
    let scope = query.scope.unwrap_or_default();
    if query.response_type.as_deref() != Some("code") {
        return redirect_error(
            &redirect_uri,
            &request_state,
            "unsupported_response_type",
            "only the authorization code flow is supported",
        );
    }
    if !scope.split(' ').any(|s| s == "openid") {
        return redirect_error(
            &redirect_uri,
            &request_state,
            "invalid_scope",
            "the openid scope is required",
        );
    }
    let challenge = query.code_challenge.unwrap_or_default();
    if query.code_challenge_method.as_deref() != Some("S256") || challenge.len() != 43 {
        return redirect_error(
            &redirect_uri,
            &request_state,
            "invalid_request",
            "pkce with S256 is required",
        );
    }
    let nonce = query.nonce.unwrap_or_default();
    if nonce.is_empty() || request_state.is_empty() {
        return redirect_error(
            &redirect_uri,
            &request_state,
            "invalid_request",
            "state and nonce are required",
        );
    }
    let connector = query.connector_id.filter(|c| !c.is_empty());
    // An external provider returns the browser to the Redirect URL on the public origin,
    // where the broker keeps the sign-in's state: start there too, so its session cookie
    // and the state live on the same origin. Email sign-in stays on the page's origin.
    let external_requested = connector.as_deref().is_some_and(|c| c != LOCAL_CONNECTOR);
    let public_origin = qufabric_model::origins::origin_of(&state.config.public_url);
    if external_requested && source.origin.is_some() && source.origin != public_origin {
        if query.moved_to_public_origin.is_none() {
            let query = uri.query().unwrap_or_default();
            return Redirect::to(&format!(
                "{}/oauth2/auth?{query}&{MOVED_MARK}=1",
                state.config.public_url
            ))
            .into_response();
        }
        // Sent to the public URL already, yet it still looks like another origin: a proxy
        // that rewrites Host without saying so. Go on rather than loop.
        tracing::warn!(
            "a sign-in sent to {} arrived for {}: the reverse proxy should pass the original Host \
             (nginx: proxy_set_header Host $host) or be declared with --trusted-proxy",
            state.config.public_url,
            source.origin.as_deref().unwrap_or("?")
        );
    }
    // An external connector must be a configured provider.
    let external = match connector.as_deref() {
        None | Some(LOCAL_CONNECTOR) => None,
        Some(id) => match state.store.provider(id) {
            Ok(Some(provider)) => Some(provider),
            _ => {
                return redirect_error(
                    &redirect_uri,
                    &request_state,
                    "invalid_request",
                    "unknown connector",
                )
            }
        },
    };
    let (binding, binding_set_cookie) = binding_cookie(&source);
    let request = AuthRequest {
        client_id,
        redirect_uri,
        scope,
        state: request_state,
        nonce,
        code_challenge: challenge,
        connector_id: connector,
        binding,
    };

    // Answer from the IdP's own session when there is one for this connector.
    let wants_login = query
        .prompt
        .as_deref()
        .is_some_and(|p| p.split(' ').any(|x| x == "login"));
    if !wants_login {
        if let Some((session_hash, session)) = current_session(&state, &headers) {
            let connector_ok = request
                .connector_id
                .as_deref()
                .is_none_or(|c| c == session.connector_id);
            if connector_ok {
                if let Ok(Some(user)) = state.store.user(&session.user_id) {
                    // The allow list applies again when answering from the session, so a refused
                    // user is not let in through it.
                    let refused = session.connector_id != LOCAL_CONNECTOR
                        && matches!(
                            crate::groups::apply(&state, &user, &session.groups),
                            Ok(crate::groups::SyncOutcome::NotInAllowedGroup)
                        );
                    if refused {
                        let description =
                            crate::groups::refusal_description(&state, &session.groups);
                        return redirect_error(
                            &request.redirect_uri,
                            &request.state,
                            qufabric_model::SignInError::NotInAllowedGroup.code(),
                            &description,
                        );
                    }
                    if !user.is_blocked {
                        return complete(&state, &request, &user, &session_hash, &session, None);
                    }
                }
            }
        }
    }

    if let Some(provider) = external {
        let response = crate::broker::start(state, request, provider).await;
        return with_cookie(response, &binding_set_cookie);
    }

    if state.config.local_auth_disabled {
        return local_auth_refused(&request);
    }
    let request_id = crate::random_id(32);
    match serde_json::to_value(&request)
        .map(|body| state.store.put_auth_request(&request_id, &body))
    {
        Ok(Ok(())) => {}
        _ => {
            return error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in failed",
                "The sign-in request could not be stored.",
            )
        }
    }
    with_cookie(
        login_page(&request_id, "", None, StatusCode::OK),
        &binding_set_cookie,
    )
}

/// Email sign-in asked for while the server allows external providers only.
fn local_auth_refused(request: &AuthRequest) -> Response {
    redirect_error(
        &request.redirect_uri,
        &request.state,
        "access_denied",
        "email sign-in is disabled on this server",
    )
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn current_session(state: &SharedState, headers: &HeaderMap) -> Option<(String, SessionRecord)> {
    let id = cookie_value(headers, SESSION_COOKIE)?;
    let hash = hash_secret(id);
    let session = state.store.session(&hash).ok()??;
    Some((hash, session))
}

/// Issue a code for `request` and send the browser back to the dashboard. When a new IdP
/// session was opened, its cookie goes along.
pub(crate) fn complete(
    state: &SharedState,
    request: &AuthRequest,
    user: &UserRecord,
    session_hash: &str,
    session: &SessionRecord,
    new_cookie: Option<String>,
) -> Response {
    let code = random_secret();
    // Written and read as the same struct: a renamed field cannot break sign-in silently.
    let grant = CodeGrant {
        user_id: user.id.clone(),
        client_id: request.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        nonce: request.nonce.clone(),
        code_challenge: request.code_challenge.clone(),
        scope: request.scope.clone(),
        connector_id: session.connector_id.clone(),
        groups: session.groups.clone(),
        session_hash: session_hash.to_string(),
    };
    let stored = serde_json::to_value(&grant)
        .map_err(|e| e.to_string())
        .and_then(|body| {
            state
                .store
                .put_code(&hash_secret(&code), &body)
                .map_err(|e| e.0)
        });
    if stored.is_err() {
        return redirect_error(
            &request.redirect_uri,
            &request.state,
            "server_error",
            "the sign-in could not be completed",
        );
    }
    let _ = state.store.touch_login(&user.id);
    let mut response = Redirect::to(&with_query(
        &request.redirect_uri,
        &[("code", &code), ("state", &request.state)],
    ))
    .into_response();
    if let Some(cookie) = new_cookie {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The IdP session cookie. `Secure` whenever the browser came over https (directly to
/// the public URL, or through a trusted proxy that says so), so it also works on a
/// plain-http loopback page in `--dev`.
pub(crate) fn session_cookie(source: &RequestSource, value: &str, max_age: i64) -> String {
    let secure = if source.https { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={value}; Path=/oauth2; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    )
}

// ----- the email/password page -----

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    req: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn local_login(
    State(state): State<SharedState>,
    source: RequestSource,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: LoginForm = match serde_urlencoded_form(&body) {
        Some(form) => form,
        None => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "Sign-in failed",
                "The sign-in form could not be read.",
            )
        }
    };
    let request: Option<AuthRequest> = state
        .store
        .auth_request(&form.req)
        .ok()
        .flatten()
        .and_then(|v| serde_json::from_value(v).ok());
    let Some(request) = request else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "This sign-in page has expired. Go back to QuFabric and sign in again.",
        );
    };
    if !binding_matches(&headers, &request.binding) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Sign-in started elsewhere",
            "This sign-in was started in another browser, or too long ago. Go back to QuFabric and sign in again.",
        );
    }
    if state.config.local_auth_disabled {
        return local_auth_refused(&request);
    }
    let client = source.client_ip;
    if let Some(wait) = state.login_limiter.locked_for(client, &form.email) {
        let message = format!(
            "Too many wrong passwords. Wait {} seconds before trying again.",
            wait.as_secs().max(1)
        );
        let mut response = login_page(
            &form.req,
            &form.email,
            Some(&message),
            StatusCode::TOO_MANY_REQUESTS,
        );
        if let Ok(value) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let user = state
        .store
        .local_user_by_email(form.email.trim())
        .ok()
        .flatten();
    // Hashing is bounded: each costs 19 MiB and a core for a while. Past the bound the
    // answer is "retry shortly", before any hashing.
    let Ok(permit) = state.hash_permits.clone().try_acquire_owned() else {
        let mut response = login_page(
            &form.req,
            &form.email,
            Some("The server is busy checking other sign-ins. Try again in a moment."),
            StatusCode::TOO_MANY_REQUESTS,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    let password = form.password.clone();
    let stored_hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        match stored_hash {
            Some(hash) => verify_password(&password, &hash),
            None => {
                // Unknown emails cost the same, so they cannot be told apart.
                let _ = verify_password(&password, dummy_hash());
                false
            }
        }
    })
    .await
    .unwrap_or(false);
    let user = match user {
        Some(user) if matches && !user.is_blocked => user,
        Some(user) if matches && user.is_blocked => {
            return login_page(
                &form.req,
                &form.email,
                Some("This account is blocked. Ask an administrator."),
                StatusCode::FORBIDDEN,
            );
        }
        _ => {
            state.login_limiter.record_failure(client, &form.email);
            return login_page(
                &form.req,
                &form.email,
                Some("Wrong email or password."),
                StatusCode::UNAUTHORIZED,
            );
        }
    };
    state.login_limiter.record_success(client, &form.email);
    let _ = state.store.delete_auth_request(&form.req);
    let session_id = random_secret();
    let session_hash = hash_secret(&session_id);
    let session = SessionRecord {
        user_id: user.id.clone(),
        connector_id: LOCAL_CONNECTOR.into(),
        groups: vec![],
        expires_at: now_unix() + state.config.session_ttl_secs,
    };
    if state.store.put_session(&session_hash, &session).is_err() {
        return redirect_error(
            &request.redirect_uri,
            &request.state,
            "server_error",
            "the sign-in could not be completed",
        );
    }
    let cookie = session_cookie(&source, &session_id, state.config.session_ttl_secs);
    complete(
        &state,
        &request,
        &user,
        &session_hash,
        &session,
        Some(cookie),
    )
}

fn serde_urlencoded_form<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    let text = std::str::from_utf8(body).ok()?;
    let map: serde_json::Map<String, serde_json::Value> = oidc::parse_query(text)
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    serde_json::from_value(serde_json::Value::Object(map)).ok()
}

fn login_page(request_id: &str, email: &str, error: Option<&str>, status: StatusCode) -> Response {
    let error_html = match error {
        Some(message) => format!(
            "<p id=\"login-error\" class=\"error\" role=\"alert\">{}</p>",
            escape(message)
        ),
        None => String::new(),
    };
    let described = if error.is_some() {
        " aria-describedby=\"login-error\" aria-invalid=\"true\""
    } else {
        ""
    };
    let body = format!(
        "<h1>Sign in to QuFabric</h1>{error_html}
<form method=\"post\" action=\"/oauth2/login\">
<input type=\"hidden\" name=\"req\" value=\"{req}\">
<label for=\"email\">Email</label>
<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{email}\"{described}>
<label for=\"password\">Password</label>
<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required{described}>
<button type=\"submit\">Sign in</button>
</form>
<p><a href=\"/login\">Other ways to sign in</a></p>",
        req = escape(request_id),
        email = escape(email),
    );
    (status, Html(page("Sign in to QuFabric", &body))).into_response()
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title><link rel=\"stylesheet\" href=\"/oauth2/static/login.css\"></head>\
<body><main class=\"card\">{body}</main></body></html>",
        escape(title)
    )
}

/// HTML-escape text for element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

async fn login_css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("login.css"),
    )
        .into_response()
}

// ----- token endpoint -----

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

/// What an authorization code stands for (stored as JSON with the code's hash).
#[derive(Debug, Serialize, Deserialize)]
struct CodeGrant {
    user_id: String,
    client_id: String,
    redirect_uri: String,
    nonce: String,
    code_challenge: String,
    scope: String,
    connector_id: String,
    #[serde(default)]
    groups: Vec<String>,
    session_hash: String,
}

/// What a refresh token stands for.
#[derive(Debug, Serialize, Deserialize)]
struct RefreshGrant {
    user_id: String,
    client_id: String,
    scope: String,
    connector_id: String,
    #[serde(default)]
    groups: Vec<String>,
}

async fn token(State(state): State<SharedState>, body: Bytes) -> Response {
    let Ok(text) = std::str::from_utf8(&body) else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be form-encoded",
        );
    };
    let form: HashMap<String, String> = oidc::parse_query(text).into_iter().collect();
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    if field("client_id") != DASHBOARD_CLIENT_ID {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client");
    }
    match field("grant_type") {
        "authorization_code" => {
            let code_hash = hash_secret(field("code"));
            let grant: Option<CodeGrant> = match state.store.use_code(&code_hash, CODE_MAX_AGE_SECS)
            {
                Ok(CodeUse::Fresh(body)) => serde_json::from_value(body).ok(),
                Ok(CodeUse::Replayed) => {
                    // A used code presented again has leaked: revoke what it issued
                    // (RFC 6749 §4.1.2), every rotation included.
                    tracing::warn!("an authorization code was replayed; its tokens are revoked");
                    let _ = state.store.revoke_family(&code_hash);
                    None
                }
                _ => None,
            };
            let Some(grant) = grant else {
                return token_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the code is unknown, used or expired",
                );
            };
            if grant.client_id != field("client_id") || grant.redirect_uri != field("redirect_uri")
            {
                return token_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the code was issued for another client or redirect uri",
                );
            }
            if !oidc::pkce_verify(field("code_verifier"), &grant.code_challenge) {
                return token_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the code verifier does not match",
                );
            }
            // The sign-in session bounds everything the code starts: the refresh chain
            // ends when it does, whatever the tokens' own lifetimes.
            let Some(session) = live_session(&state, &grant.session_hash) else {
                return token_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the sign-in session has ended",
                );
            };
            let refresh = RefreshGrant {
                user_id: grant.user_id,
                client_id: grant.client_id,
                scope: grant.scope,
                connector_id: grant.connector_id,
                groups: grant.groups,
            };
            issue_tokens(
                &state,
                &refresh,
                Some(&grant.nonce),
                &grant.session_hash,
                &code_hash,
                session.expires_at,
            )
        }
        "refresh_token" => refresh(&state, field("refresh_token"), field("client_id")),
        _ => token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "use authorization_code or refresh_token",
        ),
    }
}

/// The `sid` claim (OpenID Connect session id): the same for every token of one sign-in
/// session, so the dashboard's tabs of one session can share the newest tokens; a hash of
/// the stored hash, so it reveals nothing that opens the session.
fn session_id_claim(session_hash: &str) -> String {
    hash_secret(session_hash)
}

fn live_session(state: &SharedState, session_hash: &str) -> Option<SessionRecord> {
    state.store.session(session_hash).ok().flatten()
}

/// The refresh grant. Each refresh token is good once; a spent one presented again means
/// a copy exists (stolen, or a client retrying a lost answer), and since the server cannot
/// tell which holder is the rightful one, the whole family and its sign-in session end
/// (OAuth 2.0 Security BCP, §4.14.2). A refresh also ends with the sign-in session (signed
/// out, blocked, or past its absolute lifetime), and re-reads the groups: those of the
/// session, under the group settings as they are now.
fn refresh(state: &SharedState, token: &str, client_id: &str) -> Response {
    let invalid = |why: &str| token_error(StatusCode::BAD_REQUEST, "invalid_grant", why);
    let taken = match state.store.use_refresh_token(&hash_secret(token)) {
        Ok(RefreshUse::Fresh(taken)) => taken,
        Ok(RefreshUse::Reused {
            session_hash,
            family,
        }) => {
            tracing::warn!(
                "a spent refresh token was presented again; its family and sign-in session are revoked"
            );
            let _ = state.store.revoke_family(&family);
            let _ = state.store.delete_session(&session_hash);
            return invalid("the refresh token was already used; the session is revoked");
        }
        _ => return invalid("the refresh token is unknown, used or expired"),
    };
    let Ok(grant) = serde_json::from_value::<RefreshGrant>(taken.body) else {
        return invalid("the refresh token is unreadable");
    };
    if grant.client_id != client_id {
        return invalid("the refresh token belongs to another client");
    }
    let Some(session) = live_session(state, &taken.session_hash) else {
        let _ = state.store.revoke_family(&taken.family);
        return invalid("the sign-in session has ended");
    };
    if session.connector_id != LOCAL_CONNECTOR {
        let refused = match state.store.user(&grant.user_id) {
            Ok(Some(user)) => matches!(
                crate::groups::apply(state, &user, &session.groups),
                Ok(crate::groups::SyncOutcome::NotInAllowedGroup)
            ),
            _ => true,
        };
        if refused {
            let _ = state.store.delete_session(&taken.session_hash);
            return invalid("the user is no longer admitted by the allowed groups");
        }
    }
    let grant = RefreshGrant {
        groups: session.groups,
        ..grant
    };
    issue_tokens(
        state,
        &grant,
        None,
        &taken.session_hash,
        &taken.family,
        taken.family_expires_at,
    )
}

/// Sign the tokens of `grant` and store a new refresh token in `family` (the hash of the
/// authorization code the chain started from), which ends at `family_expires_at`.
fn issue_tokens(
    state: &SharedState,
    grant: &RefreshGrant,
    nonce: Option<&str>,
    session_hash: &str,
    family: &str,
    family_expires_at: i64,
) -> Response {
    let user = match state.store.user(&grant.user_id) {
        Ok(Some(user)) if !user.is_blocked => user,
        _ => {
            return token_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "the user no longer exists or is blocked",
            )
        }
    };
    let now = now_unix();
    let ttl = state.config.access_token_ttl_secs;
    let mut claims = TokenClaims {
        iss: state.config.issuer(),
        sub: user.id.clone(),
        aud: Audience::One(grant.client_id.clone()),
        exp: now + ttl,
        iat: now,
        nonce: None,
        email: Some(user.email.clone()),
        name: Some(user.name.clone()),
        groups: grant.groups.clone(),
        connector_id: Some(grant.connector_id.clone()),
        sid: Some(session_id_claim(session_hash)),
    };
    let Some(access_token) = state.keys.sign_access_token(&claims) else {
        return token_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "signing failed",
        );
    };
    claims.nonce = nonce.map(str::to_string);
    let Some(id_token) = state.keys.sign(&claims) else {
        return token_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "signing failed",
        );
    };
    let refresh_token = random_secret();
    let stored = serde_json::to_value(grant).unwrap_or_default();
    if state
        .store
        .put_refresh_token(
            &hash_secret(&refresh_token),
            session_hash,
            family,
            &stored,
            now + state.config.refresh_token_ttl_secs,
            family_expires_at,
        )
        .is_err()
    {
        return token_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the tokens could not be stored",
        );
    }
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ttl,
            "id_token": id_token,
            "refresh_token": refresh_token,
            "scope": grant.scope,
        })),
    )
        .into_response()
}

// ----- sign-out -----

#[derive(Debug, Deserialize)]
struct LogoutQuery {
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
    id_token_hint: Option<String>,
}

/// `GET /oauth2/logout` (RP-initiated logout). It signs out only with a valid
/// `id_token_hint` (one of our ID tokens, expired or not): a bare link on another site
/// must not sign anyone out. Without one it asks, with a form that POSTs here.
async fn end_session(
    State(state): State<SharedState>,
    source: RequestSource,
    headers: HeaderMap,
    Query(query): Query<LogoutQuery>,
) -> Response {
    let hinted = query.id_token_hint.as_deref().is_some_and(|hint| {
        matches!(
            state
                .keys
                .verify(hint, &state.config.issuer(), DASHBOARD_CLIENT_ID),
            Ok(_) | Err(crate::keys::TokenRejection::Expired)
        )
    });
    if !hinted {
        return logout_confirmation(&query);
    }
    end_session_now(&state, &source, &headers, query).await
}

/// `POST /oauth2/logout`: the confirmation's answer. A cross-site form cannot use it: the
/// session cookie is `SameSite=Lax` and not sent with another site's POST.
async fn end_session_confirmed(
    State(state): State<SharedState>,
    source: RequestSource,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = form_fields(&body);
    let query = LogoutQuery {
        post_logout_redirect_uri: form.get("post_logout_redirect_uri").cloned(),
        state: form.get("state").cloned(),
        id_token_hint: None,
    };
    end_session_now(&state, &source, &headers, query).await
}

/// A form-encoded body as a map; an unreadable one is empty.
fn form_fields(body: &[u8]) -> HashMap<String, String> {
    std::str::from_utf8(body)
        .map(|text| oidc::parse_query(text).into_iter().collect())
        .unwrap_or_default()
}

fn logout_confirmation(query: &LogoutQuery) -> Response {
    let hidden = |name: &str, value: &Option<String>| {
        value
            .as_deref()
            .map(|v| {
                format!(
                    "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                    escape(v)
                )
            })
            .unwrap_or_default()
    };
    let body = format!(
        "<h1>Sign out of QuFabric?</h1>\
<form method=\"post\" action=\"/oauth2/logout\">{}{}\
<button type=\"submit\" name=\"confirm\" value=\"yes\">Sign out</button></form>\
<p><a href=\"/\">Stay signed in</a></p>",
        hidden("post_logout_redirect_uri", &query.post_logout_redirect_uri),
        hidden("state", &query.state),
    );
    (StatusCode::OK, Html(page("Sign out of QuFabric?", &body))).into_response()
}

async fn end_session_now(
    state: &SharedState,
    source: &RequestSource,
    headers: &HeaderMap,
    query: LogoutQuery,
) -> Response {
    // A session that came through an external provider ends there too, when the provider
    // can and the administrator registered QuFabric's Logout URL with it: otherwise its
    // own session would sign the user straight back in.
    let mut upstream = None;
    if let Some(id) = cookie_value(headers, SESSION_COOKIE) {
        let hash = hash_secret(id);
        upstream = upstream_sign_out(state, &hash)
            .await
            .filter(|p| p.logout_url_registered)
            .and_then(|p| p.end_session_url);
        let _ = state.store.delete_session(&hash);
    }
    let clear = clear_cookie(source);
    if let Some(url) = upstream {
        return with_cookie(Redirect::to(&url).into_response(), &clear);
    }
    let target = query
        .post_logout_redirect_uri
        .filter(|uri| state.config.dashboard_uri_allowed(uri, "/login"));
    let response = match target {
        Some(uri) => {
            let uri = match query.state.as_deref() {
                Some(s) if !s.is_empty() => with_query(&uri, &[("state", s)]),
                _ => uri,
            };
            Redirect::to(&uri).into_response()
        }
        None => Redirect::to(SIGNED_OUT_PAGE).into_response(),
    };
    with_cookie(response, &clear)
}

/// The dashboard's "Signed out" screen.
const SIGNED_OUT_PAGE: &str = "/signed-out";

fn clear_cookie(source: &RequestSource) -> String {
    session_cookie(source, "", 0)
}

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Where the user of the IdP session `session_hash` came from, and how to end their
/// session there.
async fn upstream_sign_out(state: &SharedState, session_hash: &str) -> Option<SignedOutProvider> {
    let (connector, token) = state.store.session_upstream(session_hash).ok()??;
    if connector == LOCAL_CONNECTOR {
        return None;
    }
    crate::broker::upstream_sign_out(state, &connector, token.as_deref()).await
}

/// `POST /oauth2/sign-out` (form `client_id`, `refresh_token`): the dashboard ends the
/// whole QuFabric session first — the IdP session of this browser (its cookie) and of the
/// refresh token, with every refresh token issued under them — and learns whether the user
/// came through an external provider and how to sign out there. The browser never passes
/// through a provider's page before QuFabric's own session is over, so nobody is stranded
/// signed in. Same-site only: the cookie is `SameSite=Lax`, which a cross-site POST does
/// not carry, and a cross-site page cannot read the answer.
async fn sign_out(
    State(state): State<SharedState>,
    source: RequestSource,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = form_fields(&body);
    if form.get("client_id").map(String::as_str) != Some(DASHBOARD_CLIENT_ID) {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client");
    }
    let mut sessions = Vec::new();
    if let Some(id) = cookie_value(&headers, SESSION_COOKIE) {
        sessions.push(hash_secret(id));
    }
    if let Some(token) = form.get("refresh_token").filter(|t| !t.is_empty()) {
        if let Ok(Some(session)) = state.store.refresh_token_session(&hash_secret(token)) {
            sessions.push(session);
        }
    }
    sessions.dedup();
    let mut provider = None;
    for session in &sessions {
        if provider.is_none() {
            provider = upstream_sign_out(&state, session).await;
        }
        if state.store.delete_session(session).is_err() {
            return token_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the session could not be ended",
            );
        }
    }
    let response = (
        [(header::CACHE_CONTROL, "no-store")],
        Json(SignOutResult { provider }),
    )
        .into_response();
    with_cookie(response, &clear_cookie(&source))
}

/// The provider returns here after signing the user out (QuFabric's Logout URL).
async fn logout_callback() -> Redirect {
    Redirect::to(SIGNED_OUT_PAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_locks_one_client_after_free_failures_and_resets() {
        let limiter = LoginLimiter::default();
        let guesser = "203.0.113.1".parse().ok();
        let owner = "198.51.100.2".parse().ok();
        for _ in 0..LoginLimiter::FREE_FAILURES - 1 {
            limiter.record_failure(guesser, "A@x");
        }
        assert!(limiter.locked_for(guesser, "a@x").is_none());
        limiter.record_failure(guesser, "a@x");
        assert!(limiter.locked_for(guesser, "a@x").is_some());
        assert!(
            limiter.locked_for(owner, "a@x").is_none(),
            "others are not locked"
        );
        limiter.record_success(guesser, "a@x");
        assert!(limiter.locked_for(guesser, "a@x").is_none());
    }

    #[test]
    fn the_limiter_stays_bounded() {
        let limiter = LoginLimiter::default();
        for n in 0..(LoginLimiter::MAX_ENTRIES + 100) {
            limiter.record_failure(None, &format!("user{n}@x"));
        }
        assert!(limiter.len() <= LoginLimiter::MAX_ENTRIES);
    }

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(escape("<script>\"'&"), "&lt;script&gt;&quot;&#39;&amp;");
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; qf_idp_session=abc; b=2"),
        );
        assert_eq!(cookie_value(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie_value(&headers, "c"), None);
    }
}
