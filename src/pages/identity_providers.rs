//! Settings → Identity Providers. The list and form arrive with their own work; this
//! foundation holds the routes so links and reloads already work.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn IdentityProvidersPage() -> impl IntoView {
    view! {
        <h2>"Identity Providers"</h2>
        <p>"Connect external OpenID Connect providers such as PocketID, so people can sign in to QuFabric with them."</p>
    }
}

#[component]
pub fn IdentityProviderFormPage() -> impl IntoView {
    let params = use_params_map();
    let title = move || match params.with(|p| p.get("id")) {
        Some(id) => format!("Identity provider {id}"),
        None => "Add identity provider".to_string(),
    };
    view! {
        <h2>{title}</h2>
        <a href="/settings/identity-providers">"Back to identity providers"</a>
    }
}
