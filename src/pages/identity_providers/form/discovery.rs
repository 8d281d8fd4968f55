//! The live discovery check: a pause in typing a valid issuer asks the server to fetch the
//! provider's discovery document, and the answer joins the findings while it still matches
//! what is typed.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use crate::api::{Api, ApiError};
use qufabric_model::checks::{IssuerCheckRequest, IssuerCheckResult};
use qufabric_model::issuer::parse_issuer;
use qufabric_model::{ProviderKind, SlashPolicy};

/// How long typing must pause before the server checks the issuer.
const DISCOVERY_DELAY_MS: u32 = 600;

type Checked = (ProviderKind, String, Result<IssuerCheckResult, ApiError>);

#[derive(Clone, Copy)]
pub(super) struct DiscoveryCheck {
    /// A check is running.
    pub checking: RwSignal<bool>,
    /// The answer for what is typed now, if there is one.
    pub current: Memo<Option<Result<IssuerCheckResult, ApiError>>>,
}

impl DiscoveryCheck {
    /// The line of the status region under the issuer.
    pub fn status_line(&self) -> String {
        if self.checking.get() {
            return "Checking the issuer with the provider…".into();
        }
        match self.current.get() {
            Some(Ok(result)) => discovery_summary(&result),
            Some(Err(error)) => format!(
                "The live check could not run ({}); the server checks again on save.",
                error.user_message()
            ),
            None => String::new(),
        }
    }
}

/// Whether an issuer is worth checking: a provider without a built-in issuer, and an
/// address without query or fragment.
fn worth_checking(kind: Option<ProviderKind>, issuer: &str) -> Option<ProviderKind> {
    kind.filter(|k| k.info().slash != SlashPolicy::BuiltIn)
        .filter(|_| {
            parse_issuer(issuer.trim()).is_some_and(|u| u.query.is_none() && u.fragment.is_none())
        })
}

/// Check `issuer` for `kind` after each pause in typing while `enabled` (only someone who
/// may save makes the server fetch anything); a newer keystroke cancels an older check.
pub(super) fn use_discovery_check(
    api: Api,
    kind: RwSignal<Option<ProviderKind>>,
    issuer: RwSignal<String>,
    enabled: Signal<bool>,
) -> DiscoveryCheck {
    let answer = RwSignal::new(None::<Checked>);
    let checking = RwSignal::new(false);
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let (kind, issuer) = (kind.get(), issuer.get());
        let this = generation.get_value().wrapping_add(1);
        generation.set_value(this);
        let Some(kind) = worth_checking(kind, &issuer).filter(|_| enabled.get()) else {
            checking.set(false);
            return;
        };
        if answer.with_untracked(|a| {
            a.as_ref()
                .is_some_and(|(k, i, _)| *k == kind && *i == issuer)
        }) {
            return;
        }
        // Cancelled with the page (its timer cleared); `try_` anyway, for a page that goes
        // between the answer and the next line.
        leptos::task::spawn_local_scoped_with_cancellation(async move {
            TimeoutFuture::new(DISCOVERY_DELAY_MS).await;
            if generation.try_get_value() != Some(this) {
                return; // typing went on, or the page is gone
            }
            checking.try_set(true);
            let request = IssuerCheckRequest {
                kind,
                issuer: issuer.clone(),
            };
            let result = api.check_issuer(&request).await;
            if generation.try_get_value() == Some(this) {
                checking.try_set(false);
                answer.try_set(Some((kind, issuer, result)));
            }
        });
    });
    let current = Memo::new(move |_| {
        let kind = kind.get()?;
        let issuer = issuer.get();
        answer.with(|a| match a {
            Some((k, i, result)) if *k == kind && *i == issuer => Some(result.clone()),
            _ => None,
        })
    });
    DiscoveryCheck { checking, current }
}

/// The one-line summary of what discovery found, for the status region.
pub fn discovery_summary(result: &IssuerCheckResult) -> String {
    if !result.reachable {
        return "The issuer could not be checked: see the message under the field.".into();
    }
    let issuer = result.discovered_issuer.as_deref().unwrap_or_default();
    let groups = if result.scopes_supported.iter().any(|s| s == "groups") {
        "the groups scope is offered"
    } else {
        "no groups scope is advertised"
    };
    let methods = &result.code_challenge_methods_supported;
    let pkce = if methods.is_empty() {
        "PKCE not advertised".to_string()
    } else {
        format!("PKCE {}", methods.join(", "))
    };
    let endpoints = [
        ("authorization", &result.authorization_endpoint),
        ("token", &result.token_endpoint),
        ("keys", &result.jwks_uri),
        ("sign-out", &result.end_session_endpoint),
    ]
    .iter()
    .filter_map(|(name, value)| value.as_ref().map(|_| *name))
    .collect::<Vec<_>>()
    .join(", ");
    format!("Discovery found {issuer}: endpoints {endpoints}; {groups}; {pkce}.")
}
