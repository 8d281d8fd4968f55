//! Trying the provider out before telling anyone: a test sign-in with what is saved, and
//! the login screen as it will look with this form's name and type, before saving.

use leptos::prelude::*;

use super::draft::FormState;
use crate::api::Load;
use crate::pages::{preview_providers, use_test_sign_in, LoginPreview, TestSignInReportView};
use qufabric_model::{IdentityProvider, InstanceStatus};

/// The id the preview gives a provider not saved yet (never a real one: ids have no
/// spaces).
const UNSAVED_ID: &str = "not saved";

/// The providers the login screen would list once this form is saved: the saved ones with
/// this one renamed (or added), as typed.
pub fn with_draft(
    mut providers: Vec<IdentityProvider>,
    editing: Option<&str>,
    name: &str,
    kind: Option<qufabric_model::ProviderKind>,
) -> Vec<IdentityProvider> {
    match editing.and_then(|id| providers.iter_mut().find(|p| p.id == id)) {
        Some(provider) => {
            provider.name = name.to_string();
            if let Some(kind) = kind {
                provider.kind = kind;
            }
        }
        None if editing.is_none() && (kind.is_some() || !name.trim().is_empty()) => {
            let kind = kind.unwrap_or(qufabric_model::ProviderKind::Oidc);
            providers.push(IdentityProvider {
                id: UNSAVED_ID.into(),
                kind,
                name: if name.trim().is_empty() {
                    kind.label().to_string()
                } else {
                    name.to_string()
                },
                issuer: String::new(),
                client_id: String::new(),
                logout_url_registered: false,
                login_default: false,
                options: None,
            });
        }
        None => {}
    }
    providers
}

#[component]
pub(super) fn TryOut(
    form: FormState,
    stored: Signal<Option<IdentityProvider>>,
    providers: Load<Vec<IdentityProvider>>,
    instance: Load<InstanceStatus>,
    dirty: Memo<bool>,
    can_write: Signal<bool>,
) -> impl IntoView {
    let tester = use_test_sign_in();
    let editing = move || stored.with(|s| s.as_ref().map(|p| p.id.clone()));
    let preview = Signal::derive(move || {
        let saved = providers.get().and_then(Result::ok).unwrap_or_default();
        let listed = with_draft(
            saved,
            editing().as_deref(),
            &form.name.get(),
            form.kind.get(),
        );
        preview_providers(&listed)
    });
    let email_allowed = Signal::derive(move || {
        !instance
            .get()
            .and_then(Result::ok)
            .is_some_and(|i| i.local_auth_disabled)
    });
    view! {
        <Show when=move || can_write.get() && stored.with(Option::is_some)>
            <div class="test-sign-in">
                <button type="button" class="button secondary" aria-describedby="test-sign-in-hint"
                    on:click=move |_| {
                        if let Some(provider) = stored.get_untracked() {
                            tester.start(provider);
                        }
                    }>
                    "Test sign-in"
                </button>
                <span class="hint" id="test-sign-in-hint">
                    {move || if dirty.get() {
                        "Tests what is saved: save your changes first to test them."
                    } else {
                        "Sign in at the provider in a new window, and see what it sends and what QuFabric would do."
                    }}
                </span>
            </div>
        </Show>
        <TestSignInReportView tester=tester/>
        <LoginPreview providers=preview email_allowed/>
    }
}
