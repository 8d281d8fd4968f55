//! What to do when the provider says "Invalid redirect URI": one text for the help page
//! (reached from the login screen) and the disclosure under the form's Redirect URL
//! (where an element, whose host may have no help page, keeps it inline).

use leptos::prelude::*;

/// The explanation and the steps; `last_step` is where the person goes on from.
#[component]
pub fn RedirectUriSteps(last_step: &'static str) -> impl IntoView {
    view! {
        <p>"The provider only sends people back to addresses listed in its OIDC client's callback URLs. QuFabric asks it to send them to the Redirect URL; it must be listed exactly, character for character."</p>
        <ol>
            <li>"Open the provider's console (for PocketID: Administration → OIDC Clients) and edit the QuFabric client."</li>
            <li>"Add the Redirect URL to its callback URLs and save."</li>
            <li>"If the Redirect URL is not the address people use to reach QuFabric (for example it shows 127.0.0.1 or http where you use https), the server's public URL is wrong: an administrator must fix it first, or the provider will send people to an address they cannot reach."</li>
            <li>{last_step}</li>
        </ol>
    }
}
