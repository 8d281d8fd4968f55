//! The "Sign out" button: ends the session at the server first, then leaves the page
//! (see [`crate::auth::sign_out`]). Busy and disabled while that runs, so a second click
//! cannot start a second sign-out.

use leptos::prelude::*;

use crate::api::use_api;
use crate::auth::sign_out;

#[component]
pub fn SignOutButton(#[prop(optional)] secondary: bool) -> impl IntoView {
    let api = use_api();
    let busy = RwSignal::new(false);
    let on_click = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let config = api.config();
        let session = api.session();
        leptos::task::spawn_local(async move { sign_out(&config, session).await });
    };
    view! {
        <button type="button" class=if secondary { "button secondary" } else { "button" }
            disabled=move || busy.get() aria-busy=move || busy.get().then_some("true")
            on:click=on_click>
            {move || if busy.get() { "Signing out…" } else { "Sign out" }}
        </button>
    }
}
