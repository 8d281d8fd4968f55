//! The token endpoint: what it answers, the checks that turn an answer into a session's
//! tokens, and the one request that asks it.

use serde::{Deserialize, Serialize};

use crate::config::Config;
use qufabric_model::oidc::{self, TokenClaims};

/// What the token endpoint gave us.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub id_token: String,
    /// Milliseconds since the epoch.
    pub expires_at_ms: i64,
    /// Claims of the ID token (who, how, which groups).
    pub claims: TokenClaims,
}

// Tokens must never reach a log line.
impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("sub", &self.claims.sub)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

/// The token endpoint's answer.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub id_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<i64>,
}

impl TokenResponse {
    /// Check the ID token's claims and turn the answer into a session. `issuer` is the
    /// embedded IdP's issuer (its public URL, not necessarily this page's origin). `nonce` is `Some`
    /// for a code exchange (it must match) and `None` for a refresh, where the previous
    /// claims stay when the IdP sends no new ID token.
    pub fn into_tokens(
        self,
        issuer: &str,
        config: &Config,
        nonce: Option<&str>,
        previous: Option<&Tokens>,
        now_ms: i64,
    ) -> Result<Tokens, String> {
        let (id_token, claims) = match (self.id_token, previous) {
            (Some(id_token), _) => {
                let claims = oidc::jwt_claims(&id_token)
                    .ok_or_else(|| "the ID token could not be read".to_string())?;
                (id_token, claims)
            }
            (None, Some(previous)) => (previous.id_token.clone(), previous.claims.clone()),
            (None, None) => return Err("the IdP sent no ID token".into()),
        };
        if claims.iss != issuer {
            return Err(format!(
                "the ID token comes from {}, not {issuer}",
                claims.iss
            ));
        }
        if !claims.aud.contains(&config.client_id) {
            return Err("the ID token is meant for another client".into());
        }
        if let Some(expected) = nonce {
            if claims.nonce.as_deref() != Some(expected) {
                return Err("the ID token's nonce does not match this sign-in".into());
            }
        }
        let lifetime_ms = self.expires_in.unwrap_or(300).clamp(5, 86_400) * 1000;
        Ok(Tokens {
            access_token: self.access_token,
            refresh_token: self
                .refresh_token
                .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
            id_token,
            expires_at_ms: now_ms + lifetime_ms,
            claims,
        })
    }
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
