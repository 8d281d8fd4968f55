//! The embedded OpenID Connect IdP at `/oauth2`: discovery, JWKS, the authorization
//! endpoint (with `connector_id`), the email/password page for local users, the token
//! endpoint (authorization code with PKCE S256 only, refresh tokens with rotation) and
//! end-session. It keeps its own session cookie so a new tab signs in without asking.

mod authorize;
mod login;
mod logout;
mod passwords;
mod sign_in;
mod test_sign_in;
mod token;
mod upstream;
mod upstream_answer;
mod upstream_client;
mod userinfo;

use authorize::*;
pub use login::escape;
use login::*;
use logout::*;
use passwords::*;
pub use passwords::{hash_password, verify_password};
pub use sign_in::AuthRequest;
use sign_in::*;
pub use test_sign_in::{create_test, test_report};
use token::*;
use upstream::*;
use upstream_answer::*;
use upstream_client::*;
use userinfo::*;

// Shared by every file of this module (each starts with `use super::*`).
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::body::Bytes;
use axum::extract::{FromRef, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJsonWebKeySet, CoreProviderMetadata,
};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

use crate::forwarded::RequestSource;
use crate::secrets::{hash_secret, random_id, random_secret};
use crate::services::Services;
use crate::store::{now_unix, CodeUse, ProviderRecord, RefreshUse, SessionRecord, UserRecord};
use qufabric_model::oidc::{self, Audience, TokenClaims, DASHBOARD_CLIENT_ID, LOCAL_CONNECTOR};
use qufabric_model::{ProviderKind, Role, SignInError, SignOutResult, SignedOutProvider};

const SESSION_COOKIE: &str = "qf_idp_session";

/// How long an authorization code may wait for its exchange.
const CODE_MAX_AGE_SECS: i64 = 120;

/// The `/oauth2` routes, for any router state that hands out the [`Services`].
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Services: FromRef<S>,
{
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
        .route("/oauth2/callback", get(callback))
        .route("/oauth2/test-sign-in", get(test_sign_in::start))
        .route("/oauth2/static/login.css", get(login_css))
}

async fn discovery(State(state): State<Services>) -> Response {
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

async fn jwks(State(state): State<Services>) -> Json<serde_json::Value> {
    Json(state.keys.jwks())
}

#[cfg(test)]
mod tests {
    use super::*;

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
