//! The page for an address no page has. Each bundle has it; its link leaves the settings
//! bundle for the login bundle's `/`, so it is a full page load there.

use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let nav = crate::nav::use_nav();
    view! {
        <main class="centered">
            <div class="card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address."</p>
                <a href="/" class="button" rel=nav.rel("/")>"Go to QuFabric"</a>
            </div>
        </main>
    }
}
