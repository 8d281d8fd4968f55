//! The Users page's search and filters (status, role, how people sign in), read by
//! `qufabric_model::user_filter`. Each control has its visible label; the row count below
//! them says how many of all are shown.

use leptos::prelude::*;

use qufabric_model::user_filter::{SignInFilter, StatusFilter, UserFilter};
use qufabric_model::{IdentityProvider, Role};

const ROLES: [Role; 4] = [Role::Owner, Role::Admin, Role::Auditor, Role::User];

#[component]
pub(super) fn UserFilters(
    filter: RwSignal<UserFilter>,
    #[prop(into)] providers: Signal<Vec<IdentityProvider>>,
) -> impl IntoView {
    let sign_in_value = move || filter.with(|f| f.sign_in.value());
    view! {
        <div class="filters" role="search" aria-label="Filter users">
            <div class="filter">
                <label for="users-search">"Search"</label>
                <input id="users-search" type="search" placeholder="Name or email" autocomplete="off"
                    prop:value=move || filter.with(|f| f.search.clone())
                    on:input=move |ev| filter.update(|f| f.search = event_target_value(&ev))/>
            </div>
            <div class="filter">
                <label for="users-status">"Status"</label>
                <select id="users-status"
                    on:change=move |ev| filter.update(|f| f.status = StatusFilter::parse(&event_target_value(&ev)))>
                    {StatusFilter::ALL.into_iter().map(|status| view! {
                        <option value=status.value() selected=move || filter.with(|f| f.status == status)>{status.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter">
                <label for="users-role">"Role"</label>
                <select id="users-role"
                    on:change=move |ev| filter.update(|f| f.role = Role::parse(&event_target_value(&ev)))>
                    <option value="" selected=move || filter.with(|f| f.role.is_none())>"Any role"</option>
                    {ROLES.into_iter().map(|role| view! {
                        <option value=role.as_str() selected=move || filter.with(|f| f.role == Some(role))>{role.as_str()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter">
                <label for="users-sign-in">"Signs in with"</label>
                <select id="users-sign-in"
                    on:change=move |ev| filter.update(|f| f.sign_in = SignInFilter::parse(&event_target_value(&ev)))>
                    <option value="" selected=move || sign_in_value().is_empty()>"Any way"</option>
                    <option value="local" selected=move || sign_in_value() == "local">"Email and password"</option>
                    {move || providers.get().into_iter().map(|provider| {
                        let value = SignInFilter::Provider(provider.id.clone()).value();
                        let chosen = value.clone();
                        view! {
                            <option value=value selected=move || sign_in_value() == chosen>{provider.name.clone()}</option>
                        }
                    }).collect_view()}
                </select>
            </div>
        </div>
    }
}
