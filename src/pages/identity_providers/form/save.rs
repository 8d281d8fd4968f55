//! Saving: create or update, without ever creating twice when an answer is lost, and what
//! the page shows while and after it happens.

use leptos::prelude::*;

use crate::api::{capitalise, Api, ApiError};
use qufabric_model::checks::{effective_issuer, field_of_server_message, Field};
use qufabric_model::{IdentityProvider, IdentityProviderRequest};

/// Where the last save on this page stands (shown next to the Save button).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) enum SaveStatus {
    #[default]
    Idle,
    Saving,
    Saved(String),
    /// The server refused a field's value: the message goes under that field.
    RefusedField(Field, String),
    /// Anything else that went wrong, for the notice above the button.
    Failed(String),
}

impl SaveStatus {
    pub fn is_saving(&self) -> bool {
        matches!(self, SaveStatus::Saving)
    }

    /// The words of the status region beside the button.
    pub fn message(&self) -> String {
        match self {
            SaveStatus::Saving => "Saving…".into(),
            SaveStatus::Saved(name) => format!("Saved {name}."),
            _ => String::new(),
        }
    }

    /// A failure of the whole form (not of one field).
    pub fn form_error(&self) -> Option<String> {
        match self {
            SaveStatus::Failed(message) => Some(message.clone()),
            _ => None,
        }
    }

    /// The server's refusal of `field`, while it stands.
    pub fn field_error(&self) -> Option<(Field, String)> {
        match self {
            SaveStatus::RefusedField(field, message) => Some((*field, message.clone())),
            _ => None,
        }
    }

    /// What a failed save shows.
    pub fn from_error(error: ApiError) -> SaveStatus {
        match error {
            ApiError::Validation(message) => match field_of_server_message(&message) {
                Some(field) => SaveStatus::RefusedField(field, capitalise(&message)),
                None => SaveStatus::Failed(capitalise(&message)),
            },
            other => SaveStatus::Failed(other.user_message()),
        }
    }
}

/// A provider saved: itself, and whether it was found in the list after its answer was lost.
pub(super) struct Saved {
    pub provider: IdentityProvider,
    pub recovered: bool,
}

/// Create or update. A create whose answer was lost may have landed: the next attempt
/// (and the lost one itself) looks for our provider in the list before creating again.
/// `create_outcome_unknown` remembers such a loss across attempts.
pub(super) async fn save_provider(
    api: Api,
    id: Option<String>,
    request: IdentityProviderRequest,
    before: Vec<String>,
    create_outcome_unknown: StoredValue<bool>,
) -> Result<Saved, ApiError> {
    let saved = |provider, recovered| Saved {
        provider,
        recovered,
    };
    if let Some(id) = id {
        return api
            .update_provider(&id, &request)
            .await
            .map(|p| saved(p, false));
    }
    // Our own provider: same type, issuer and client id, and not there before.
    let (kind, issuer, client_id) = (
        request.kind,
        effective_issuer(request.kind, &request.issuer),
        request.client_id.clone(),
    );
    let find_ours = move |list: Vec<IdentityProvider>| {
        list.into_iter().find(|p| {
            p.kind == kind
                && p.issuer == issuer
                && p.client_id == client_id
                && !before.contains(&p.id)
        })
    };
    if create_outcome_unknown.try_get_value() == Some(true) {
        if let Some(landed) = api.providers().await.ok().and_then(&find_ours) {
            return Ok(saved(landed, true));
        }
    }
    match api.create_provider(&request).await {
        Err(error) if error.outcome_unknown() => {
            create_outcome_unknown.try_set_value(true);
            api.providers()
                .await
                .ok()
                .and_then(&find_ours)
                .map(|p| saved(p, true))
                .ok_or(error)
        }
        other => other.map(|p| saved(p, false)),
    }
}
