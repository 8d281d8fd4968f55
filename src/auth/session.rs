//! The signed-in session: tokens in a signal (memory) mirrored to sessionStorage so a
//! reload keeps the user signed in, and a refresh shortly before the access token expires.

use leptos::prelude::*;

use super::tokens::{post_token, Tokens};
use super::SESSION_KEY;
use crate::browser;
use crate::config::Config;
use qufabric_model::oidc::{self, TokenClaims};

/// Whether this build decodes the stored session. The login bundle sends no token and
/// renews none, so it does not (the decoder is about 3.7 KB gzip of it): for it a stored
/// session is one to hand over to the settings, which read it. The onboarding pages read
/// it: the redirect-URI help warns administrators.
const READS_STORED_SESSION: bool = cfg!(any(
    feature = "settings-pages",
    feature = "onboarding-pages"
));

/// The session, shared through context. `Copy`, so closures can hold it.
#[derive(Clone, Copy)]
pub struct Session {
    tokens: RwSignal<Option<Tokens>>,
}

impl Session {
    /// A session restored from sessionStorage, if the stored value is readable (one that
    /// is not is removed: the login screen would otherwise keep sending its holder on).
    /// Without [`READS_STORED_SESSION`] (the login bundle) always empty.
    pub fn restore() -> Session {
        if !READS_STORED_SESSION {
            return Session::with_tokens(None);
        }
        let stored = browser::session_get(SESSION_KEY);
        let tokens = stored
            .as_deref()
            .and_then(|json| serde_json::from_str::<Tokens>(json).ok());
        if stored.is_some() && tokens.is_none() {
            browser::session_remove(SESSION_KEY);
        }
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

    /// Reactive: whether someone is signed in (in the login bundle: whether a session is
    /// stored, see [`READS_STORED_SESSION`]).
    pub fn is_signed_in(&self) -> bool {
        let in_memory = self.tokens.with(Option::is_some);
        in_memory || (!READS_STORED_SESSION && browser::session_get(SESSION_KEY).is_some())
    }

    pub fn claims(&self) -> Option<TokenClaims> {
        self.tokens.with(|t| t.as_ref().map(|t| t.claims.clone()))
    }

    /// The `Authorization` header value for the API, while signed in.
    pub fn authorization(&self) -> Option<String> {
        self.tokens
            .with_untracked(|t| t.as_ref().map(|t| format!("Bearer {}", t.access_token)))
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
        super::turns::one_at_a_time(Box::pin(async move {
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
        if super::tabs::ask_for_newer(|| self.tokens(), &previous).await {
            return Ok(());
        }
        let Some(refresh_token) = previous.refresh_token.clone() else {
            super::tabs::renewal_done();
            self.clear();
            return Err("the session cannot be renewed".into());
        };
        let body = oidc::form_body(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
            ("client_id", &config.client_id),
        ]);
        let result = post_token(config, body).await.and_then(|response| {
            // A renewed session comes from the issuer of the one it renews.
            response.into_tokens(
                &previous.claims.iss,
                config,
                None,
                Some(&previous),
                browser::now_ms() as i64,
            )
        });
        let outcome = match result {
            Ok(tokens) => {
                super::tabs::announce(&tokens);
                self.set(tokens);
                Ok(())
            }
            Err(error) => {
                self.clear();
                Err(error)
            }
        };
        super::tabs::renewal_done();
        outcome
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

/// Share this tab's session with the other tabs of the same browser (see `tabs`).
pub fn share_with_other_tabs(session: Session) {
    super::tabs::listen(
        move || session.tokens(),
        move |offered| session.adopt_if_newer(offered),
    );
}
