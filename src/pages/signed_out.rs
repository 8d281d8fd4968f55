//! The "You are signed out" notice at the top of the login screen, after a sign-out (and at
//! `/signed-out`, which shows the login screen with it). The session is already over at
//! the server when the browser gets here. When the user came through an external provider
//! whose sign-out would not bring them back (QuFabric's Logout URL not registered there),
//! the provider's sign-out is offered as a plain link instead of a redirect that would
//! strand them on the provider's error page.

use leptos::prelude::*;

use crate::auth::SignedOutRecord;

/// What the login screen says about a sign-out: the record the sign-out left in this tab
/// (read once, so a later visit says nothing), or at `/signed-out` without one (a bookmark,
/// or the embedded IdP's own sign-out page) a plain confirmation.
pub fn signed_out_record(at_signed_out_path: bool) -> Option<SignedOutRecord> {
    SignedOutRecord::take().or_else(|| {
        at_signed_out_path.then_some(SignedOutRecord {
            confirmed: true,
            provider: None,
        })
    })
}

#[component]
pub fn SignedOutNotice(record: SignedOutRecord) -> impl IntoView {
    let unconfirmed = (!record.confirmed).then_some(view! {
        <p class="notice notice-warning" role="note">"QuFabric could not confirm the sign-out with the server (it did not answer). This tab has forgotten your session; close the browser to be sure."</p>
    });
    let provider = record.provider.map(|provider| {
        let name = provider.name.clone();
        let field = provider.kind.logout_field();
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
        <div class="signed-out" id="signed-out">
            <p class="notice notice-ok" role="status">"You are signed out of QuFabric."</p>
            {unconfirmed}
            {provider}
        </div>
    }
}
