//! `/settings/users`: who can sign in, how, and with which role. Owners and admins change
//! roles and block or unblock people with the server's rules (`qufabric_model::user_rules`:
//! only owners manage owners, the last owner stays, nobody blocks themselves), so the page
//! offers only what the server accepts; auditors read. `?provider=<id>` shows the people
//! who sign in with one provider (linked from the provider's delete confirmation).

use leptos::prelude::*;

use crate::api::use_api;
use crate::components::{ConfirmDialog, ErrorNotice, StatusRegion};
use crate::pages::{use_page_tasks, CurrentUser};
use qufabric_model::user_rules::{check_user_change, role_choices, UserState};
use qufabric_model::{IdentityProvider, Role, User, UserRequest};

/// How a user signs in, in words: the provider's name, or email.
pub fn sign_in_method(user: &User, providers: &[IdentityProvider]) -> String {
    match &user.idp_id {
        None => "Email and password".into(),
        Some(id) => providers
            .iter()
            .find(|p| &p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| "A provider that was removed".into()),
    }
}

/// A last sign-in time as people read it: `2026-11-29 16:05 UTC` from RFC 3339.
pub fn last_sign_in(value: Option<&str>) -> String {
    match value {
        Some(text) if text.len() >= 16 && text.is_char_boundary(16) => {
            format!("{} UTC", text[..16].replacen('T', " ", 1))
        }
        Some(text) if !text.is_empty() => text.to_string(),
        _ => "Never".into(),
    }
}

/// What the page says after a change went through.
fn changed_message(before: &User, after: &User) -> String {
    let who = after.display_name();
    if after.is_blocked && !before.is_blocked {
        format!("Blocked {who}: they were signed out and cannot sign in until unblocked.")
    } else if !after.is_blocked && before.is_blocked {
        format!("Unblocked {who}: they can sign in again.")
    } else {
        format!("{who} is now {}.", after.role.as_str())
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let api = use_api();
    let me = use_context::<CurrentUser>()
        .map(|c| c.0)
        .unwrap_or_else(|| Signal::derive(|| None));
    let nav = crate::nav::use_nav();
    // Two independent requests, started together.
    let users = api.load_users();
    let providers = api.load_providers();
    let status = RwSignal::new(String::new());
    let row_error = RwSignal::new(None::<(String, String)>);
    let to_block = RwSignal::new(None::<User>);
    let dialog_open = RwSignal::new(false);

    // A change runs to its end here and shows its outcome where it happens.
    let changing = RwSignal::new(false);
    let tasks = use_page_tasks();
    let submit = move |user: &User, role: Role, is_blocked: bool| {
        if changing.get_untracked() {
            return;
        }
        let (before, request) = (
            user.clone(),
            UserRequest {
                role,
                auto_groups: user.auto_groups.clone(),
                is_blocked,
            },
        );
        changing.set(true);
        tasks.spawn(async move {
            let answer = api.update_user(&before.id, &request).await;
            changing.set(false);
            dialog_open.set(false);
            match answer {
                Ok(after) => {
                    row_error.set(None);
                    status.set(changed_message(&before, &after));
                    users.refetch();
                }
                Err(error) => {
                    status.set(String::new());
                    row_error.set(Some((before.id, error.user_message())));
                }
            }
        });
    };

    let provider_filter = move || nav.query_tracked("provider");

    view! {
        <div class="page-head">
            <h2>"Users"</h2>
        </div>
        <p class="lede">"Everyone who has signed in to QuFabric. New people who arrive through a provider get the role user, which sees none of these settings: give them a role here."</p>
        <StatusRegion message=Signal::derive(move || status.get())/>
        {move || match (users.get(), me.get()) {
            (None, _) | (_, None) => view! { <p class="status" role="status">"Loading users…"</p> }.into_any(),
            (Some(Err(error)), _) => view! {
                <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| users.refetch())/>
            }.into_any(),
            (Some(Ok(all)), Some(me)) => {
                let known = providers.get().and_then(Result::ok).unwrap_or_default();
                let filter = provider_filter();
                let filter_name = filter.as_ref().map(|id| {
                    known.iter().find(|p| &p.id == id).map(|p| p.name.clone()).unwrap_or_else(|| "a removed provider".into())
                });
                let shown: Vec<User> = all
                    .iter()
                    .filter(|u| filter.is_none() || u.idp_id == filter)
                    .cloned()
                    .collect();
                let active_owners = all.iter().filter(|u| u.role == Role::Owner && !u.is_blocked).count();
                let can_write = me.role.can_write_settings();
                let count = match shown.len() {
                    1 => "1 user".to_string(),
                    n => format!("{n} users"),
                };
                view! {
                    {filter_name.map(|name| view! {
                        <p class="notice notice-ok">
                            {format!("Showing the people who sign in with {name}. ")}
                            <crate::nav::NavLink href="/settings/users".to_string()>"Show everyone"</crate::nav::NavLink>
                        </p>
                    })}
                    <p class="status">{count}</p>
                    <div class="table-scroll">
                    <table class="users">
                        <thead>
                            <tr>
                                <th scope="col">"User"</th>
                                <th scope="col">"Signs in with"</th>
                                <th scope="col">"Role"</th>
                                <th scope="col">"Last sign-in"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {shown.into_iter().map(|user| {
                                let caller = UserState::from(&me);
                                let target = UserState::from(&user);
                                let choices = if can_write { role_choices(caller, target, active_owners) } else { vec![user.role] };
                                let may_block = can_write
                                    && check_user_change(caller, target, user.role, !user.is_blocked, active_owners).is_ok();
                                let name = user.display_name();
                                let select_id = format!("role-{}", user.id);
                                let error_id = format!("user-error-{}", user.id);
                                let for_role = user.clone();
                                let for_block = user.clone();
                                let error_row_id = user.id.clone();
                                let role_label = format!("Role of {name}");
                                view! {
                                    <tr>
                                        <td>
                                            <span class="user-name">{user.name.clone()}</span>
                                            {user.is_current.then_some(view! { <span class="badge">"You"</span> })}
                                            <br/><span class="muted">{user.email.clone()}</span>
                                        </td>
                                        <td>{sign_in_method(&user, &known)}</td>
                                        <td>
                                            {if choices.len() > 1 {
                                                view! {
                                                    <select id=select_id aria-label=role_label
                                                        aria-describedby=error_id.clone()
                                                        disabled=move || changing.get()
                                                        on:change=move |ev| {
                                                            if let Some(role) = Role::parse(&event_target_value(&ev)) {
                                                                submit(&for_role, role, for_role.is_blocked);
                                                            }
                                                        }>
                                                        {choices.into_iter().map(|role| view! {
                                                            <option value=role.as_str() selected=role == user.role>{role.as_str()}</option>
                                                        }).collect_view()}
                                                    </select>
                                                }.into_any()
                                            } else {
                                                view! { <span>{user.role.as_str()}</span> }.into_any()
                                            }}
                                        </td>
                                        <td>{last_sign_in(user.last_login.as_deref())}</td>
                                        <td>{if user.is_blocked { "Blocked" } else { "Active" }}</td>
                                        <td class="actions">
                                            {may_block.then(|| {
                                                let blocked = for_block.is_blocked;
                                                let label = if blocked { "Unblock" } else { "Block" };
                                                view! {
                                                    <button type="button" class="button secondary"
                                                        class:danger-text=!blocked
                                                        disabled=move || changing.get()
                                                        on:click=move |_| {
                                                            if blocked {
                                                                submit(&for_block, for_block.role, false);
                                                            } else {
                                                                row_error.set(None);
                                                                to_block.set(Some(for_block.clone()));
                                                                dialog_open.set(true);
                                                            }
                                                        }>
                                                        {label}<span class="visually-hidden">" "{name.clone()}</span>
                                                    </button>
                                                }
                                            })}
                                            <p class="field-error" id=error_id role="alert">
                                                {move || row_error.get().filter(|(id, _)| id == &error_row_id).map(|(_, message)| message)}
                                            </p>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }
        }}
        <ConfirmDialog
            open=dialog_open
            title=Signal::derive(move || format!("Block {}?", to_block.get().map(|u| u.display_name()).unwrap_or_default()))
            confirm_label=Signal::derive(move || if changing.get() { "Blocking…".to_string() } else { "Block".to_string() })
            busy=Signal::derive(move || changing.get())
            danger=true
            on_confirm=Callback::new(move |_| {
                if let Some(user) = to_block.get_untracked() {
                    submit(&user, user.role, true);
                }
            })
        >
            <p>"They are signed out at once, everywhere, and cannot sign in until someone unblocks them."</p>
        </ConfirmDialog>
    }
}
