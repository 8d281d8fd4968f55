//! What every element draws inside its shadow root: who is signed in at the host (the
//! API's answer for its authorization), then the element's pages, and the events that
//! tell the host about unsaved edits.

use leptos::prelude::*;

use super::Kind;
use crate::api::ApiError;
use crate::components::ErrorNotice;
use crate::nav::{use_nav, PROVIDERS_PATH};
use crate::pages::{
    CurrentUser, GroupsPage, IdentityProviderFormPage, IdentityProvidersPage, UnsavedChanges,
};
use qufabric_model::answers::GROUPS_PAGE;

/// The element's pages behind the signed-in user. `unsaved` is set by a form while it
/// holds edits; the host hears each change as `qufabric:dirty-change`.
#[component]
pub(super) fn ElementShell(kind: Kind, unsaved: RwSignal<bool>) -> impl IntoView {
    let api = crate::api::use_api();
    let nav = use_nav();
    let user = api.load_current_user();
    // The page's lists start now, with the user's request: one wave, not two.
    api.start_page_loads(&match kind {
        Kind::GroupsSettings => GROUPS_PAGE.to_string(),
        Kind::IdentityProviders => nav.path_untracked(),
    });
    provide_context(CurrentUser(Signal::derive(move || {
        user.get().and_then(Result::ok)
    })));
    provide_context(UnsavedChanges(unsaved));
    // Only changes are told: an element that opens clean says nothing.
    Effect::new(move |told: Option<bool>| {
        let dirty = unsaved.get();
        if told.unwrap_or(false) != dirty {
            api.emit(
                "qufabric:dirty-change",
                || serde_json::json!({ "dirty": dirty }),
            );
        }
        dirty
    });
    let path = Memo::new(move |_| nav.path());
    let page = move || match kind {
        Kind::GroupsSettings => view! { <GroupsPage/> }.into_any(),
        Kind::IdentityProviders if path.get() == PROVIDERS_PATH => {
            view! { <IdentityProvidersPage/> }.into_any()
        }
        Kind::IdentityProviders => view! { <IdentityProviderFormPage/> }.into_any(),
    };
    view! {
        {move || match user.get() {
            None => view! { <p class="status" role="status">"Loading…"</p> }.into_any(),
            Some(Err(ApiError::Unauthorized(_))) => view! {
                <p class="status" role="status">"Waiting for the page to sign you in…"</p>
            }.into_any(),
            Some(Err(error)) => view! {
                <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| user.refetch())/>
            }.into_any(),
            Some(Ok(me)) if !me.role.can_read_settings() => view! {
                <div class="notice notice-warning" role="status">
                    <p>{format!("{} ({}) may not see these settings.", me.email, me.role.as_str())}</p>
                </div>
            }.into_any(),
            Some(Ok(_)) => view! { <div class="tab-panel embedded">{page}</div> }.into_any(),
        }}
    }
}
