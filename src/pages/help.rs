//! `/help/redirect-uri`: what to do when the provider says "Invalid redirect URI". Inside
//! the dashboard, because installations may be offline.

use leptos::prelude::*;

use crate::api::use_api;
use crate::components::{CopyField, PublicUrlWarning, RedirectUriSteps};
use crate::pages::server_redirect_url;

#[component]
pub fn RedirectHelpPage() -> impl IntoView {
    let api = use_api();
    let instance = api.load_instance();
    // Only administrators can change the public URL, so only they see its warning.
    let me = api.load_current_user();
    let is_admin = Signal::derive(move || {
        me.get()
            .and_then(Result::ok)
            .is_some_and(|user| user.role.can_write_settings())
    });
    let redirect_url = server_redirect_url(api, instance);
    let nav = crate::nav::use_nav();
    view! {
        <main class="centered">
            <div class="card help">
                <p class="brand">"QuFabric"</p>
                <h1>"“Invalid redirect URI” at the identity provider"</h1>
                <PublicUrlWarning id="help-public-url-warning" redirect_url=redirect_url visible=is_admin/>
                <CopyField id="help-redirect-url" label="Redirect URL the server sends" value=redirect_url
                    hint=String::from("Built from the server's public URL. Sign-ins through a provider always pass through it, whatever address QuFabric was opened at.")/>
                <h2>"What to do"</h2>
                <RedirectUriSteps last_step="Come back and sign in again."/>
                <a class="button" href="/login" rel=nav.rel("/login")>"Back to sign-in"</a>
            </div>
        </main>
    }
}
