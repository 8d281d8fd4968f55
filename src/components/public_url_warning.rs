//! The warning that the server's public URL is not an address providers can send users
//! to (`qufabric_model::origins::public_url_problem`), with what to change and why. For
//! administrators only: nobody else can change it.

use leptos::prelude::*;

use crate::api::use_api;
use qufabric_model::origins::{public_url_of_redirect, public_url_problem};

#[component]
pub fn PublicUrlWarning(
    /// The Redirect URL the server sends (built from its public URL).
    #[prop(into)]
    redirect_url: Signal<String>,
    /// Whether the viewer administers this server.
    #[prop(into)]
    visible: Signal<bool>,
    id: &'static str,
) -> impl IntoView {
    let page_origin = use_api().config().page_origin;
    let problem = move || {
        visible
            .get()
            .then(|| redirect_url.with(|url| public_url_problem(url, &page_origin)))
            .flatten()
    };
    move || {
        problem().map(|problem| {
            let server = redirect_url.with(|url| public_url_of_redirect(url).to_string());
            view! {
                <div class="notice notice-warning" role="note" id=id>
                    <p><strong>"The server's public URL looks wrong: "{server}</strong></p>
                    <p>{problem.explanation()}</p>
                    <p>"Start the server with "<code>"--public-url https://<the address people open>"</code>
                       " (on a QuFabric installation: the management server's public address setting), then copy the Redirect URL again."</p>
                </div>
            }
        })
    }
}
