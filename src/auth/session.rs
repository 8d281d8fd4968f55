//! The signed-in session: tokens in a signal (memory) mirrored to sessionStorage so a
//! reload keeps the user signed in, and a refresh shortly before the access token expires.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::SESSION_KEY;
use crate::browser;
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

/// The session, shared through context. `Copy`, so closures can hold it.
#[derive(Clone, Copy)]
pub struct Session {
    tokens: RwSignal<Option<Tokens>>,
}

impl Session {
    /// A session restored from sessionStorage, if the stored value is readable.
    pub fn restore() -> Session {
        let tokens = browser::session_get(SESSION_KEY)
            .and_then(|json| serde_json::from_str::<Tokens>(&json).ok());
        Session::with_tokens(tokens)
    }

    /// A session with the given tokens (tests and embedding).
    pub fn with_tokens(tokens: Option<Tokens>) -> Session {
        Session {
            tokens: RwSignal::new(tokens),
        }
    }

    pub fn tokens(&self) -> Option<Tokens> {
        self.tokens.get_untracked()
    }

    /// The tokens, or `None` also when the session's signal is already disposed (during a
    /// page's cleanup).
    pub fn tokens_untracked_if_alive(&self) -> Option<Tokens> {
        self.tokens.try_get_untracked().flatten()
    }

    /// Reactive: whether someone is signed in.
    pub fn is_signed_in(&self) -> bool {
        self.tokens.with(Option::is_some)
    }

    pub fn claims(&self) -> Option<TokenClaims> {
        self.tokens.with(|t| t.as_ref().map(|t| t.claims.clone()))
    }

    pub fn access_token(&self) -> Option<String> {
        self.tokens
            .with_untracked(|t| t.as_ref().map(|t| t.access_token.clone()))
    }

    pub fn set(&self, tokens: Tokens) {
        if let Ok(json) = serde_json::to_string(&tokens) {
            browser::session_set(SESSION_KEY, &json);
        }
        self.tokens.set(Some(tokens));
    }

    /// Take tokens another tab renewed, when they belong to this tab's session and are
    /// newer than ours. True when adopted.
    pub fn adopt_if_newer(&self, offered: Tokens) -> bool {
        let newer = self.tokens.with_untracked(|ours| {
            ours.as_ref().is_some_and(|ours| {
                oidc::same_session(&ours.claims, &offered.claims)
                    && offered.expires_at_ms > ours.expires_at_ms
            })
        });
        if newer {
            self.set(offered);
        }
        newer
    }

    pub fn clear(&self) {
        browser::session_remove(SESSION_KEY);
        self.tokens.set(None);
    }

    /// Renew the tokens. Refreshes run one at a time, in this tab and across tabs (see
    /// `tabs`): a caller that waited finds the tokens already renewed and is done. When
    /// the renewal fails (the session ended, or a copy of the token was used) the session
    /// is cleared, which takes the page to the login screen with its draft kept.
    pub async fn refresh(&self, config: &Config) -> Result<(), String> {
        let Some(started_with) = self.tokens().map(|t| t.expires_at_ms) else {
            return Err("not signed in".into());
        };
        let session = *self;
        let config = config.clone();
        let outcome = std::rc::Rc::new(std::cell::RefCell::new(None));
        let outcome_in_turn = outcome.clone();
        super::tabs::one_at_a_time(Box::pin(async move {
            let result = session.refresh_in_turn(&config, started_with).await;
            *outcome_in_turn.borrow_mut() = Some(result);
        }))
        .await;
        let result = outcome.borrow_mut().take();
        result.unwrap_or_else(|| Err("the session could not be renewed".into()))
    }

    async fn refresh_in_turn(&self, config: &Config, started_with: i64) -> Result<(), String> {
        let Some(previous) = self.tokens() else {
            return Err("the session ended".into());
        };
        if previous.expires_at_ms != started_with {
            // Renewed while this caller waited: here, or adopted from another tab.
            return Ok(());
        }
        if super::tabs::ask_for_newer(*self, &previous).await {
            return Ok(());
        }
        let Some(refresh_token) = previous.refresh_token.clone() else {
            self.clear();
            return Err("the session cannot be renewed".into());
        };
        let body = oidc::form_body(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
            ("client_id", &config.client_id),
        ]);
        let result = super::flow::post_token(config, body)
            .await
            .and_then(|response| {
                // A renewed session comes from the issuer of the one it renews.
                response.into_tokens(
                    &previous.claims.iss,
                    config,
                    None,
                    Some(&previous),
                    browser::now_ms() as i64,
                )
            });
        match result {
            Ok(tokens) => {
                super::tabs::announce(&tokens);
                self.set(tokens);
                Ok(())
            }
            Err(error) => {
                self.clear();
                Err(error)
            }
        }
    }

    /// Keep the session fresh: refresh a minute before the access token expires. The timer
    /// re-arms itself with each new token.
    pub fn keep_fresh(&self, config: Config) {
        let session = *self;
        Effect::new(move |_| {
            let Some(expires_at_ms) = session.tokens.with(|t| t.as_ref().map(|t| t.expires_at_ms))
            else {
                return;
            };
            let delay_ms =
                (expires_at_ms - browser::now_ms() as i64 - 60_000).clamp(1_000, i32::MAX as i64);
            let config = config.clone();
            leptos::task::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(delay_ms as u32).await;
                // Only refresh if this is still the token the timer was set for.
                let current = session
                    .tokens
                    .with_untracked(|t| t.as_ref().map(|t| t.expires_at_ms));
                if current == Some(expires_at_ms) {
                    let _ = session.refresh(&config).await;
                }
            });
        });
    }
}

pub fn provide_session(session: Session) {
    provide_context(session);
}

/// The session from context; an empty one if none was provided (never panics).
pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(|| Session::with_tokens(None))
}
