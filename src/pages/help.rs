//! `/help/redirect-uri`: what to do when the provider says "Invalid redirect URI". Inside
//! the dashboard, because installations may be offline.

use leptos::prelude::*;

use crate::api::use_api;
use crate::components::CopyField;
use crate::pages::redirect_variants;

#[component]
pub fn RedirectHelpPage() -> impl IntoView {
    let api = use_api();
    let instance = LocalResource::new(move || async move { api.instance().await });
    let urls = move || {
        let config = api.config();
        let server = instance
            .get()
            .and_then(Result::ok)
            .and_then(|i| i.redirect_url)
            .unwrap_or_else(|| config.derived_redirect_url());
        redirect_variants(&server, &config.page_origin, "/oauth2/callback")
    };
    view! {
        <main class="centered">
            <div class="card help">
                <p class="brand">"QuFabric"</p>
                <h1>"“Invalid redirect URI” at the identity provider"</h1>
                <p>"The provider only sends people back to addresses listed in its OIDC client's callback URLs. QuFabric asks it to send them to the Redirect URL below; it must be listed exactly, character for character."</p>
                {move || {
                    urls().into_iter().enumerate().map(|(index, url)| {
                        let (id, label, hint) = if index == 0 {
                            ("help-redirect-url", "Redirect URL the server sends", "Built from the server's public URL.")
                        } else {
                            ("help-redirect-url-local", "Redirect URL on this address", "You opened QuFabric on another address (for example http://localhost). If people sign in through it, list this URL too: both may be in the provider's callback URLs.")
                        };
                        view! { <CopyField id=id label=label value=Signal::derive(move || url.clone()) hint=hint.to_string()/> }
                    }).collect_view()
                }}
                <h2>"Steps"</h2>
                <ol>
                    <li>"Open the provider's console (for PocketID: Administration → OIDC Clients) and edit the QuFabric client."</li>
                    <li>"Add the Redirect URL above to its callback URLs and save. Include both variants when two are shown (plain http on localhost and https on your domain)."</li>
                    <li>"Come back and sign in again."</li>
                </ol>
                <a class="button" href="/login">"Back to sign-in"</a>
            </div>
        </main>
    }
}
