//! The authorization code round trip: start (state, nonce, PKCE verifier kept in
//! sessionStorage), complete (every check before a session exists), and sign-out.

use serde::{Deserialize, Serialize};

use super::session::{Session, TokenResponse};
use super::PENDING_KEY;
use crate::browser;
use crate::config::Config;
use qufabric_model::oidc::{self, AuthorizeRequest, DASHBOARD_SCOPES};

/// What the dashboard remembers between leaving for the IdP and coming back.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PendingSignIn {
    state: String,
    nonce: String,
    verifier: String,
    return_to: String,
    /// `local` or a provider id: the login screen highlights the last one used.
    connector_id: String,
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
        match self {
            CallbackError::Idp { code, .. } => match code.as_str() {
                // Standard OAuth codes folded into product.md's codes.
                "access_denied" => "upstream_denied".into(),
                "invalid_request" | "unsupported_response_type" | "invalid_scope" => {
                    "server_error".into()
                }
                other => other.to_string(),
            },
            CallbackError::StateMismatch => "state_mismatch".into(),
            CallbackError::Exchange(_)
            | CallbackError::InvalidToken(_)
            | CallbackError::NoCrypto => "server_error".into(),
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

/// Leave for the embedded IdP. `connector_id` is `local` (email) or a provider id.
pub fn start_sign_in(
    config: &Config,
    connector_id: &str,
    return_to: &str,
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
    };
    let json =
        serde_json::to_string(&pending).map_err(|e| CallbackError::Exchange(e.to_string()))?;
    browser::session_set(PENDING_KEY, &json);
    crate::browser::session_set(LAST_CONNECTOR_KEY, connector_id);
    let url = oidc::authorize_url(&AuthorizeRequest {
        authorization_endpoint: &format!("{}/auth", config.authority),
        client_id: &config.client_id,
        redirect_uri: &config.redirect_uri(),
        scope: DASHBOARD_SCOPES,
        state: &pending.state,
        nonce: &pending.nonce,
        code_challenge: &oidc::pkce_challenge(&pending.verifier),
        connector_id: Some(connector_id),
    });
    browser::go_to(&url);
    Ok(())
}

/// sessionStorage key of the connector used last (the login screen highlights it).
pub const LAST_CONNECTOR_KEY: &str = "qufabric.last_connector";

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
    let returned_state = oidc::query_value(query, "state").unwrap_or_default();
    let Some(pending) =
        pending.filter(|p| oidc::constant_time_eq(p.state.as_bytes(), returned_state.as_bytes()))
    else {
        return Err(CallbackError::StateMismatch);
    };
    if let Some(code) = oidc::query_value(query, "error") {
        return Err(CallbackError::Idp {
            code,
            description: oidc::query_value(query, "error_description").unwrap_or_default(),
        });
    }
    let Some(code) = oidc::query_value(query, "code").filter(|c| !c.is_empty()) else {
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
    let tokens = response
        .into_tokens(config, Some(&pending.nonce), None, browser::now_ms() as i64)
        .map_err(CallbackError::InvalidToken)?;
    session.set(tokens);
    Ok(pending.return_to)
}

/// POST a form to the token endpoint and read the answer.
pub(crate) async fn post_token(config: &Config, body: String) -> Result<TokenResponse, String> {
    let request = gloo_net::http::Request::post(&format!("{}/token", config.authority))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .map_err(|e| e.to_string())?;
    let response = request
        .send()
        .await
        .map_err(|_| "the sign-in server could not be reached".to_string())?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !(200..300).contains(&status) {
        #[derive(Deserialize)]
        struct TokenError {
            #[serde(default)]
            error: String,
            #[serde(default)]
            error_description: String,
        }
        let detail = serde_json::from_str::<TokenError>(&text)
            .map(|e| format!("{}: {}", e.error, e.error_description))
            .unwrap_or_else(|_| format!("status {status}"));
        return Err(format!(
            "the sign-in server refused the exchange ({detail})"
        ));
    }
    serde_json::from_str(&text)
        .map_err(|_| "the sign-in server's answer could not be read".to_string())
}

/// End the session here and at the IdP, which then sends the browser to `/login`.
pub fn sign_out(config: &Config, session: &Session) {
    let id_token = session.tokens().map(|t| t.id_token).unwrap_or_default();
    session.clear();
    let query = oidc::form_body(&[
        ("client_id", &config.client_id),
        ("id_token_hint", &id_token),
        ("post_logout_redirect_uri", &config.post_logout_uri()),
    ]);
    browser::go_to(&format!("{}/logout?{query}", config.authority));
}
