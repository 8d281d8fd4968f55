//! `/auth/callback`: the embedded IdP sends the browser here with a code (or an error).
//! Every check runs before a session exists; any failure goes to the login screen with
//! its code. Part of the settings bundle: a sign-in that succeeds moves on to the settings
//! in the same running app.

use leptos::prelude::*;

use crate::api::use_api;
use crate::auth::complete_sign_in;
use crate::browser;
use qufabric_model::{bundles, oidc};

#[component]
pub fn CallbackPage() -> impl IntoView {
    let api = use_api();
    let nav = crate::nav::use_nav();
    // Read once: the query is consumed, and a reload must not replay the exchange.
    let query = browser::search();
    leptos::task::spawn_local(async move {
        let config = api.config();
        let target = match complete_sign_in(&config, &api.session(), &query).await {
            Ok(return_to) => bundles::after_sign_in(&return_to).to_string(),
            Err(error) => format!(
                "/login?{}",
                oidc::form_body(&[
                    ("error", &error.code()),
                    ("error_description", &error.description())
                ])
            ),
        };
        nav.go(&target, true);
    });
    view! {
        <main class="centered">
            <p class="status" role="status">"Signing you in…"</p>
        </main>
    }
}
