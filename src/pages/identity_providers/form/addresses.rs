//! The addresses the provider must know: the Redirect URL block (step 3 of the guide) and
//! the sign-out section with the Logout URL.

use leptos::prelude::*;

use crate::api::{Api, Load};
use crate::components::{CopyField, PublicUrlWarning, RedirectUriSteps};
use crate::nav::use_nav;
use qufabric_model::origins::{origin_of, public_url_of_redirect};
use qufabric_model::Account;

/// The Redirect URL to copy, the warning about a public URL that cannot be right, and a
/// word when the page was opened at another address than the server's public URL.
#[component]
pub(super) fn RedirectsBlock(
    api: Api,
    redirect_url: Signal<String>,
    provider_label: Signal<String>,
    can_write: Signal<bool>,
    /// The confirmation of a save that just happened: the block then comes first.
    saved_note: Option<String>,
    /// The account, read after a save: whether newcomers through this provider wait for
    /// approval.
    account: Option<Load<Vec<Account>>>,
    provider_id: Option<String>,
) -> impl IntoView {
    let nav = use_nav();
    let page_origin = api.config().page_origin;
    let other_address = Signal::derive(move || {
        let public = redirect_url.with(|url| public_url_of_redirect(url).to_string());
        (origin_of(&public) != origin_of(&page_origin)).then_some(public)
    });
    let class = if saved_note.is_some() {
        "redirects just-saved"
    } else {
        "redirects"
    };
    view! {
        <section class=class aria-labelledby="redirects-title">
            <h3 id="redirects-title">"Callback URL for the provider"</h3>
            <p>{move || format!("Add this URL to the callback URLs of the OIDC client in {}. It is the same for every provider.", provider_label.get())}</p>
            <PublicUrlWarning id="public-url-warning" redirect_url=redirect_url visible=can_write/>
            {saved_note.map(|note| view! {
                <p class="notice notice-ok" role="status" id="saved-confirmation">{note}</p>
            })}
            {move || {
                let waits = account?.with(|answer| {
                    answer.as_ref()?.as_ref().ok()?.first().map(|a| a.settings.user_approval_required())
                })?;
                let users = provider_id.as_deref().and_then(|id| nav.users_href(id));
                waits.then(|| view! {
                    <p class="notice notice-warning" id="approval-note">
                        {move || format!("New users need approval: people who sign in through {} for the first time wait, blocked, until an owner or administrator approves them on ", provider_label.get())}
                        {match users.clone() {
                            Some(href) => view! { <a href=href>"Users"</a> }.into_any(),
                            None => view! { <span>"Users"</span> }.into_any(),
                        }}
                        "."
                    </p>
                })
            }}
            <CopyField id="redirect-url" label="Redirect URL" value=redirect_url
                hint=String::from("What this server sends to the provider (built from its public URL).")/>
            {move || other_address.get().map(|public| view! {
                <p class="hint" id="redirect-other-address">
                    {format!("You opened {} at {}, but sign-ins through a provider always pass through the server's public URL {public}: this one Redirect URL is all the provider needs.", if nav.is_element() { "this page" } else { "the dashboard" }, api.config().page_origin)}
                </p>
            })}
            <details class="inline-help" id="redirect-uri-help">
                <summary>"The provider says “Invalid redirect URI”?"</summary>
                <RedirectUriSteps last_step="Then save here (if you changed anything) and try the sign-in again."/>
            </details>
        </section>
    }
}

/// The Logout URL to copy and the box that says it is registered at the provider.
#[component]
pub(super) fn SignOutSection(
    logout_url: Signal<String>,
    registered: RwSignal<bool>,
    provider_label: Signal<String>,
    /// Where the provider lists it ("Logout Callback URLs" for PocketID).
    logout_field: Signal<&'static str>,
) -> impl IntoView {
    view! {
        <fieldset class="sign-out-return">
            <legend>"Sign-out"</legend>
            <CopyField id="logout-url" label="Logout URL" value=logout_url
                hint=String::from("Where the provider sends people back after they sign out of it.")/>
            <div class="checkbox-row">
                <input id="provider-logout-registered" type="checkbox"
                    aria-describedby="provider-logout-registered-hint"
                    prop:checked=move || registered.get()
                    on:change=move |ev| registered.set(event_target_checked(&ev))/>
                <label for="provider-logout-registered">{move || format!("Logout URL registered in {}", provider_label.get())}</label>
            </div>
            <p class="hint" id="provider-logout-registered-hint">
                {move || {
                    let kind = provider_label.get();
                    format!(
                        "Tick this once the Logout URL is listed in {kind}'s {}. Then signing out of QuFabric also signs people out of {kind} and brings them back. Until then sign-out stays in QuFabric and offers {kind}'s sign-out as a link: {kind} refuses to send people back to an address it does not know.",
                        logout_field.get()
                    )
                }}
            </p>
        </fieldset>
    }
}

/// Whether the login screen goes on to this provider by itself.
#[component]
pub(super) fn LoginDefaultField(
    checked: RwSignal<bool>,
    provider_label: Signal<String>,
) -> impl IntoView {
    view! {
        <div class="checkbox-row">
            <input id="provider-login-default" type="checkbox"
                aria-describedby="provider-login-default-hint"
                prop:checked=move || checked.get()
                on:change=move |ev| checked.set(event_target_checked(&ev))/>
            <label for="provider-login-default">{move || format!("Send people to {} from the login screen", provider_label.get())}</label>
        </div>
        <p class="hint" id="provider-login-default-hint">
            "The login screen says where it is going and waits a few seconds, with a Cancel button, then goes on by itself; not after a sign-out or an error. Email sign-in stays at /login?local=1. Marking this provider unmarks any other."
        </p>
    }
}

/// The confirmation shown after a create (`?saved=1`, or `recovered` when the answer was
/// lost and the provider found in the list).
pub(super) fn saved_note(how: &str) -> String {
    let lost = if how == "recovered" {
        "The server's answer was lost, but the provider was saved (found in the list). "
    } else {
        ""
    };
    format!("{lost}Saved. Now copy this Redirect URL into the provider's callback URLs.")
}
