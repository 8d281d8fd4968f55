//! What every way of signing in shares: the stored authorization request, the browser
//! binding, the IdP session cookie, and `complete` (a code for the dashboard).

use super::*;

pub(super) fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}{}", oidc::form_body(pairs))
}

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
    /// `login_hint` and `prompt` as the dashboard sent them, passed on to an external
    /// provider (empty: none).
    #[serde(default)]
    pub login_hint: String,
    #[serde(default)]
    pub prompt: String,
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

pub(super) const BINDING_MAX_AGE_SECS: i64 = 600;

pub(super) fn binding_cookie_name(hash: &str) -> String {
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

/// An error page shown at the IdP itself: used when the redirect URI cannot be trusted, so
/// nothing may be sent back to it.
pub(super) fn error_page(status: StatusCode, title: &str, detail: &str) -> Response {
    let body = page(
        title,
        &format!(
            "<p class=\"error\" role=\"alert\">{}</p><p><a href=\"/login\">Back to QuFabric</a></p>",
            escape(detail)
        ),
    );
    (status, Html(body)).into_response()
}

pub(super) fn redirect_error(
    redirect_uri: &str,
    state: &str,
    error: &str,
    description: &str,
) -> Response {
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

pub(super) fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

pub(super) fn current_session(
    state: &Services,
    headers: &HeaderMap,
) -> Option<(String, SessionRecord)> {
    let id = cookie_value(headers, SESSION_COOKIE)?;
    let hash = hash_secret(id);
    let session = state.store.session(&hash).ok()??;
    Some((hash, session))
}

/// Issue a code for `request` and send the browser back to the dashboard. When a new IdP
/// session was opened, its cookie goes along.
pub(crate) fn complete(
    state: &Services,
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
    if state.store.put_code(&hash_secret(&code), &grant).is_err() {
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

/// What an authorization code stands for (stored as JSON with the code's hash).
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct CodeGrant {
    pub(super) user_id: String,
    pub(super) client_id: String,
    pub(super) redirect_uri: String,
    pub(super) nonce: String,
    pub(super) code_challenge: String,
    pub(super) scope: String,
    pub(super) connector_id: String,
    #[serde(default)]
    pub(super) groups: Vec<String>,
    pub(super) session_hash: String,
}
