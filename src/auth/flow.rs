//! The authorization code round trip: start (state, nonce, PKCE verifier kept in
//! sessionStorage), complete (every check before a session exists), and sign-out.

use serde::{Deserialize, Serialize};

use super::session::Session;
use super::tokens::post_token;
use super::PENDING_KEY;
use crate::browser;
use crate::config::Config;
use qufabric_model::oidc::{self, AuthorizeRequest, DASHBOARD_SCOPES};
use qufabric_model::{SignInError, SignOutResult, SignedOutProvider};

/// What the dashboard remembers between leaving for the IdP and coming back.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingSignIn {
    state: String,
    nonce: String,
    verifier: String,
    return_to: String,
    /// `local` or a provider id: the login screen highlights the last one used.
    connector_id: String,
    /// The embedded IdP's issuer as `/api/instance` named it: the `iss` the ID token must
    /// carry. It is the server's public URL, which need not be this page's origin.
    #[serde(default)]
    issuer: Option<String>,
}

/// Why a sign-in did not complete. `code()` is what goes into `/login?error=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackError {
    /// The IdP sent an error back (its code and description).
    Idp { code: String, description: String },
    /// `state` missing or not the one we sent: possibly a forged or replayed callback.
    StateMismatch,
    /// The token endpoint refused the code or could not be reached.
    Exchange(String),
    /// The tokens failed our checks (nonce, audience, issuer).
    InvalidToken(String),
    /// The browser offers no secure random numbers.
    NoCrypto,
}

impl CallbackError {
    pub fn code(&self) -> String {
        self.error().code().to_string()
    }

    /// The failure as the login screen names it (OAuth codes folded into ours).
    pub fn error(&self) -> SignInError {
        match self {
            CallbackError::Idp { code, .. } => SignInError::from_oauth(code),
            CallbackError::StateMismatch => SignInError::StateMismatch,
            CallbackError::Exchange(_)
            | CallbackError::InvalidToken(_)
            | CallbackError::NoCrypto => SignInError::ServerError,
        }
    }

    pub fn description(&self) -> String {
        match self {
            CallbackError::Idp { description, .. } => description.clone(),
            CallbackError::StateMismatch => {
                "the sign-in answer did not match a sign-in started in this tab".into()
            }
            CallbackError::Exchange(detail) | CallbackError::InvalidToken(detail) => detail.clone(),
            CallbackError::NoCrypto => "this browser offers no secure random numbers".into(),
        }
    }
}

/// Leave for the embedded IdP. `connector_id` is `local` (email) or a provider id;
/// `issuer` is the IdP's issuer from `/api/instance`, when the server names it;
/// `login_hint` fills in the email on the IdP's email page; it and `prompt` go on to an
/// external provider.
pub fn start_sign_in(
    config: &Config,
    connector_id: &str,
    return_to: &str,
    issuer: Option<&str>,
    login_hint: Option<&str>,
    prompt: Option<&str>,
) -> Result<(), CallbackError> {
    let (Some(state), Some(nonce), Some(verifier)) = (
        browser::random_bytes(),
        browser::random_bytes(),
        browser::random_bytes(),
    ) else {
        return Err(CallbackError::NoCrypto);
    };
    let pending = PendingSignIn {
        state: oidc::random_token(&state),
        nonce: oidc::random_token(&nonce),
        verifier: oidc::random_token(&verifier),
        return_to: oidc::safe_return_path(return_to),
        connector_id: connector_id.to_string(),
        issuer: issuer.map(str::to_string),
    };
    let json =
        serde_json::to_string(&pending).map_err(|e| CallbackError::Exchange(e.to_string()))?;
    browser::session_set(PENDING_KEY, &json);
    browser::remember_last_connector(connector_id);
    let url = oidc::authorize_url(&AuthorizeRequest {
        authorization_endpoint: &format!("{}/auth", config.authority),
        client_id: &config.client_id,
        redirect_uri: &config.redirect_uri(),
        scope: DASHBOARD_SCOPES,
        state: &pending.state,
        nonce: &pending.nonce,
        code_challenge: &oidc::pkce_challenge(&pending.verifier),
        connector_id: Some(connector_id),
        login_hint,
        prompt,
    });
    browser::go_to(&url);
    Ok(())
}

/// Finish the round trip from the callback's query string. Returns where to go next.
/// The pending sign-in is consumed first, so a replayed callback URL fails `state`.
pub async fn complete_sign_in(
    config: &Config,
    session: &Session,
    query: &str,
) -> Result<String, CallbackError> {
    let pending = browser::session_get(PENDING_KEY)
        .and_then(|json| serde_json::from_str::<PendingSignIn>(&json).ok());
    browser::session_remove(PENDING_KEY);
    let returned_state = browser::query_value(query, "state").unwrap_or_default();
    let Some(pending) =
        pending.filter(|p| oidc::constant_time_eq(p.state.as_bytes(), returned_state.as_bytes()))
    else {
        return Err(CallbackError::StateMismatch);
    };
    if let Some(code) = browser::query_value(query, "error") {
        return Err(CallbackError::Idp {
            code,
            description: browser::query_value(query, "error_description").unwrap_or_default(),
        });
    }
    let Some(code) = browser::query_value(query, "code").filter(|c| !c.is_empty()) else {
        return Err(CallbackError::Exchange(
            "the IdP sent neither a code nor an error".into(),
        ));
    };
    let body = oidc::form_body(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", &config.redirect_uri()),
        ("client_id", &config.client_id),
        ("code_verifier", &pending.verifier),
    ]);
    let response = post_token(config, body)
        .await
        .map_err(CallbackError::Exchange)?;
    let issuer = match pending.issuer {
        Some(issuer) => issuer,
        None => discovered_issuer(config).await,
    };
    let tokens = response
        .into_tokens(
            &issuer,
            config,
            Some(&pending.nonce),
            None,
            browser::now_ms() as i64,
        )
        .map_err(CallbackError::InvalidToken)?;
    session.set(tokens);
    Ok(pending.return_to)
}

/// The IdP's issuer from its discovery document, for a server that does not name it in
/// `/api/instance`; the configured authority when discovery cannot be read.
async fn discovered_issuer(config: &Config) -> String {
    #[derive(Deserialize)]
    struct Discovery {
        issuer: String,
    }
    let url = format!("{}/.well-known/openid-configuration", config.authority);
    let found = match gloo_net::http::Request::get(&url).send().await {
        Ok(response) if response.ok() => response.json::<Discovery>().await.ok(),
        _ => None,
    };
    found
        .map(|d| d.issuer)
        .unwrap_or_else(|| config.authority.clone())
}

/// sessionStorage key of what the login screen says after a sign-out (never a token).
pub const SIGNED_OUT_KEY: &str = "qufabric.signed_out";

/// Where a sign-out ends: the login screen, which reads the sign-out's record once.
pub const SIGNED_OUT_PATH: &str = "/login";

/// What the login screen knows about the sign-out that led there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedOutRecord {
    /// The server confirmed that the QuFabric session is over.
    pub confirmed: bool,
    /// The external provider the session came from, if any.
    pub provider: Option<SignedOutProvider>,
}

impl SignedOutRecord {
    /// The record of this tab's last sign-out, forgotten as it is read (a later visit to
    /// the login screen says nothing about it).
    pub fn take() -> Option<SignedOutRecord> {
        let record =
            browser::session_get(SIGNED_OUT_KEY).and_then(|json| serde_json::from_str(&json).ok());
        browser::session_remove(SIGNED_OUT_KEY);
        record
    }
}

/// Sign out. QuFabric's own session ends first, at the server (the IdP session, its
/// refresh tokens), so nobody stays signed in whatever happens next. The browser then goes
/// to the provider's sign-out only when the administrator registered QuFabric's Logout URL
/// there (the provider would otherwise refuse to send the user back and strand them on its
/// own page); else it shows the login screen, saying the user is signed out and offering
/// the provider's sign-out as a plain link.
pub async fn sign_out(config: &Config, session: Session) {
    let refresh_token = session
        .tokens()
        .and_then(|t| t.refresh_token)
        .unwrap_or_default();
    let answer = post_sign_out(config, &refresh_token).await;
    // Forget the tokens in this tab. The in-memory session goes with the page: clearing
    // the signal here would start the settings' own redirect to sign-in, racing the
    // navigation below.
    browser::session_remove(super::SESSION_KEY);
    let record = SignedOutRecord {
        confirmed: answer.is_ok(),
        provider: answer.ok().and_then(|r| r.provider),
    };
    if let Ok(json) = serde_json::to_string(&record) {
        browser::session_set(SIGNED_OUT_KEY, &json);
    }
    let onward = record
        .provider
        .filter(|p| p.logout_url_registered)
        .and_then(|p| p.end_session_url);
    browser::go_to(onward.as_deref().unwrap_or(SIGNED_OUT_PATH));
}

async fn post_sign_out(config: &Config, refresh_token: &str) -> Result<SignOutResult, String> {
    let body = oidc::form_body(&[
        ("client_id", &config.client_id),
        ("refresh_token", refresh_token),
    ]);
    let request = gloo_net::http::Request::post(&format!("{}/sign-out", config.authority))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .map_err(|e| e.to_string())?;
    let response = request.send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("status {}", response.status()));
    }
    response.json().await.map_err(|e| e.to_string())
}
