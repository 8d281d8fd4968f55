//! The login screen opened at an address the server does not sign in from.

use leptos::prelude::*;

use crate::api::use_api;
use qufabric_model::origins::{public_url_of_redirect, public_url_problem};
use qufabric_model::InstanceStatus;

/// The page was opened at an address the server does not sign in from: say so before
/// any click, with a link to the address that works, instead of buttons that would end in
/// an error at the IdP.
#[component]
pub(super) fn WrongAddressNotice(status: InstanceStatus) -> impl IntoView {
    let page_origin = use_api().config().page_origin;
    let public_url = status
        .issuer
        .as_deref()
        .and_then(|issuer| issuer.strip_suffix("/oauth2"))
        .or_else(|| status.redirect_url.as_deref().map(public_url_of_redirect))
        .unwrap_or_default()
        .to_string();
    // When the public URL itself is what nobody can open, a link to it would not help:
    // say what the server's operator must change instead.
    let problem = public_url_problem(&format!("{public_url}/oauth2/callback"), &page_origin);
    let login_url = format!("{public_url}/login");
    view! {
        <div class="notice notice-warning" role="alert" id="wrong-address">
            {match problem {
                None => view! {
                    <p>
                        "This server signs people in at "<a href=login_url>{public_url.clone()}</a>
                        ", not at "{page_origin.clone()}": open QuFabric there to sign in."
                    </p>
                }.into_any(),
                Some(problem) => view! {
                    <p>{format!("This server signs people in only at its public URL, {public_url}, which is not an address this browser can use. ")}{problem.explanation()}</p>
                    <p>"Whoever runs the server must start it with "<code>{format!("--public-url {page_origin}")}</code>" (or the address people really use)."</p>
                }.into_any(),
            }}
        </div>
    }
}
