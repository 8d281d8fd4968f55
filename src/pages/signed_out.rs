//! `/signed-out`: QuFabric's own "Signed out" screen. The session is already over at the
//! server when the browser gets here. When the user came through an external provider
//! whose sign-out would not bring them back (QuFabric's Logout URL not registered there),
//! the provider's sign-out is offered as a plain link instead of a redirect that would
//! strand them on the provider's error page.

use leptos::prelude::*;

use crate::auth::SignedOutRecord;

#[component]
pub fn SignedOutPage() -> impl IntoView {
    let record = SignedOutRecord::read().unwrap_or(SignedOutRecord {
        // Arriving from a provider's sign-out (the Logout URL) or a bookmark: the server
        // ended the session before sending anyone here.
        confirmed: true,
        provider: None,
    });
    let unconfirmed = (!record.confirmed).then_some(view! {
        <p class="notice notice-warning" role="note">"QuFabric could not confirm the sign-out with the server (it did not answer). This tab has forgotten your session; close the browser to be sure."</p>
    });
    let provider = record.provider.map(|provider| {
        let name = provider.name.clone();
        let field = provider.kind.info().logout_field;
        match provider.end_session_url {
            Some(url) if !provider.logout_url_registered => view! {
                <p>{format!("You may still be signed in at {name}, so the next sign-in with it may not ask for your password.")}</p>
                <p><a class="button secondary" href=url rel="noreferrer">{format!("Also sign out of {name}")}</a></p>
                <p class="hint">{format!("{name} will not send you back here afterwards. An administrator can register QuFabric's Logout URL in {name}'s {field} and mark it as registered on the provider's settings page, so sign-out does both at once.")}</p>
            }.into_any(),
            Some(_) => view! {
                <p>{format!("You were also signed out of {name}.")}</p>
            }.into_any(),
            None => view! {
                <p>{format!("You may still be signed in at {name}: sign out there too if this is a shared computer.")}</p>
            }.into_any(),
        }
    });
    view! {
        <main class="centered">
            <div class="card" id="signed-out">
                <p class="brand">"QuFabric"</p>
                <h1>"Signed out"</h1>
                <p role="status">"You are signed out of QuFabric."</p>
                {unconfirmed}
                {provider}
                <p><a class="button" href="/login">"Sign in again"</a></p>
            </div>
        </main>
    }
}
