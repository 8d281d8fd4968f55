//! Settings → Groups (JWT group sync). The foundation holds the route.

use leptos::prelude::*;

#[component]
pub fn GroupsPage() -> impl IntoView {
    view! {
        <h2>"Groups"</h2>
        <p>"Synchronise groups from the identity provider's token (JWT group sync) and restrict access to members of chosen groups."</p>
    }
}
