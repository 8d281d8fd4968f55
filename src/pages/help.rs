//! `/help/redirect-uri`: what to do when the provider says "Invalid redirect URI". Inside
//! the dashboard, because installations may be offline.

use leptos::prelude::*;

use crate::api::use_api;
use crate::components::{CopyField, PublicUrlWarning};
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
    view! {
        <main class="centered">
            <div class="card help">
                <p class="brand">"QuFabric"</p>
                <h1>"“Invalid redirect URI” at the identity provider"</h1>
                <p>"The provider only sends people back to addresses listed in its OIDC client's callback URLs. QuFabric asks it to send them to the Redirect URL below; it must be listed exactly, character for character."</p>
                <PublicUrlWarning id="help-public-url-warning" redirect_url=redirect_url visible=is_admin/>
                <CopyField id="help-redirect-url" label="Redirect URL the server sends" value=redirect_url
                    hint=String::from("Built from the server's public URL. Sign-ins through a provider always pass through it, whatever address QuFabric was opened at.")/>
                <h2>"Steps"</h2>
                <ol>
                    <li>"Open the provider's console (for PocketID: Administration → OIDC Clients) and edit the QuFabric client."</li>
                    <li>"Add the Redirect URL above to its callback URLs and save."</li>
                    <li>"If the URL above is not the address people use to reach QuFabric (for example it shows 127.0.0.1 or http where you use https), the server's public URL is wrong: an administrator must fix it first, or the provider will send people to an address they cannot reach."</li>
                    <li>"Come back and sign in again."</li>
                </ol>
                <a class="button" href="/login">"Back to sign-in"</a>
            </div>
        </main>
    }
}
