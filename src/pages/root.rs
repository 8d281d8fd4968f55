//! `/`: to `/setup` while setup is required, to `/login` when signed out, and to the
//! identity providers otherwise.

use leptos::prelude::*;

use crate::api::use_api;
use crate::components::ErrorNotice;

#[component]
pub fn RootPage() -> impl IntoView {
    let api = use_api();
    let instance = api.load_instance();
    let nav = crate::nav::use_nav();
    Effect::new(move |_| {
        let target = match instance.get() {
            Some(Ok(status)) if status.setup_required => "/setup",
            Some(Ok(_)) if api.session().is_signed_in() => "/settings/identity-providers",
            Some(Ok(_)) => "/login",
            _ => return,
        };
        nav.go(target, true);
    });
    view! {
        <main class="centered">
            {move || match instance.get() {
                Some(Err(error)) => view! {
                    <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| instance.refetch())/>
                }.into_any(),
                _ => view! { <p class="status" role="status">"Loading QuFabric…"</p> }.into_any(),
            }}
        </main>
    }
}
