//! `/settings/users`: who can sign in, how, and with which role. Owners and admins change
//! roles and block or unblock people with the server's rules (`qufabric_model::user_rules`:
//! only owners manage owners, the last owner stays, nobody blocks themselves), so the page
//! offers only what the server accepts; auditors read. People who wait for approval come
//! first, with Approve and Reject, under the switch that makes newcomers wait.
//! `?provider=<id>` shows the people who sign in with one provider (linked from the
//! provider's delete confirmation).

mod approval;
mod filters;
mod local;
mod new_person;
mod row;

use leptos::prelude::*;

use crate::api::use_api;
use crate::components::{ConfirmDialog, ErrorNotice, StatusRegion};
use crate::pages::{use_page_tasks, CurrentUser};
use approval::ApprovalSetting;
use filters::UserFilters;
use local::{LocalUserLoads, LocalUsers};
use qufabric_model::user_filter::{user_count, SignInFilter, UserFilter};
use qufabric_model::user_rules::pending_first;
use qufabric_model::{IdentityProvider, Role, User, UserRequest};
use row::{RowActions, UserRow};

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

/// What an administrator decided about a person.
#[derive(Clone, Copy)]
enum Decision {
    Approve,
    Reject,
    Delete,
    FollowRules,
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let api = use_api();
    let me = use_context::<CurrentUser>()
        .map(|c| c.0)
        .unwrap_or_else(|| Signal::derive(|| None));
    let nav = crate::nav::use_nav();
    // Independent requests, started together.
    let users = api.load_users();
    let providers = api.load_providers();
    let accounts = api.load_accounts();
    let invites = api.load_invites();
    let status = RwSignal::new(String::new());
    let row_error = RwSignal::new(None::<(String, String)>);
    let to_block = RwSignal::new(None::<User>);
    let block_open = RwSignal::new(false);
    let to_reject = RwSignal::new(None::<User>);
    let reject_open = RwSignal::new(false);
    let to_delete = RwSignal::new(None::<User>);
    let delete_open = RwSignal::new(false);

    // A change runs to its end here and shows its outcome where it happens.
    let changing = RwSignal::new(false);
    let tasks = use_page_tasks();
    let change = move |(before, role, is_blocked): (User, Role, bool)| {
        if changing.get_untracked() {
            return;
        }
        let request = UserRequest {
            role,
            auto_groups: before.auto_groups.clone(),
            is_blocked,
        };
        changing.set(true);
        tasks.spawn(async move {
            let answer = api.update_user(&before.id, &request).await;
            changing.set(false);
            block_open.set(false);
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
    // Approve, reject and delete: the same run-to-the-end, with their own words.
    let decide = move |user: User, decision: Decision| {
        if changing.get_untracked() {
            return;
        }
        changing.set(true);
        tasks.spawn(async move {
            let who = user.display_name();
            let answer = match decision {
                Decision::Approve => api.approve_user(&user.id).await.map(|_| format!("Approved {who}: their next sign-in gets them in.")),
                Decision::Reject => api.reject_user(&user.id).await.map(|_| format!("Rejected {who}: they were removed. If they sign in again, they wait for approval again.")),
                Decision::Delete => api.delete_user(&user.id).await.map(|_| format!("Deleted {who}: they were signed out everywhere and removed.")),
                Decision::FollowRules => api.follow_role_rules(&user.id).await.map(|after| format!("{who} follows the role rules again: their role is {}.", after.role.as_str())),
            };
            changing.set(false);
            reject_open.set(false);
            delete_open.set(false);
            match answer {
                Ok(message) => {
                    row_error.set(None);
                    status.set(message);
                    users.refetch();
                }
                Err(error) => {
                    status.set(String::new());
                    row_error.set(Some((user.id, error.user_message())));
                }
            }
        });
    };
    let actions = RowActions {
        changing,
        row_error,
        change: Callback::new(change),
        ask_block: Callback::new(move |user: User| {
            row_error.set(None);
            to_block.set(Some(user));
            block_open.set(true);
        }),
        approve: Callback::new(move |user: User| decide(user, Decision::Approve)),
        follow_rules: Callback::new(move |user: User| decide(user, Decision::FollowRules)),
        ask_reject: Callback::new(move |user: User| {
            row_error.set(None);
            to_reject.set(Some(user));
            reject_open.set(true);
        }),
        ask_delete: Callback::new(move |user: User| {
            row_error.set(None);
            to_delete.set(Some(user));
            delete_open.set(true);
        }),
    };
    let can_write = Signal::derive(move || me.get().is_some_and(|me| me.role.can_write_settings()));
    // `?provider=<id>` (from a provider's delete confirmation) chooses the first filter.
    let filter = RwSignal::new(UserFilter {
        sign_in: nav
            .query("provider")
            .map(SignInFilter::Provider)
            .unwrap_or_default(),
        ..UserFilter::default()
    });
    let known_providers =
        Signal::derive(move || providers.get().and_then(Result::ok).unwrap_or_default());

    view! {
        <div class="page-head">
            <h2>"Users"</h2>
        </div>
        <p class="lede">"Everyone who has signed in to QuFabric. New people who arrive through a provider get the role user, which sees none of these settings: give them a role here."</p>
        <ApprovalSetting api=api accounts=accounts can_write=can_write
            on_saved=Callback::new(move |message: String| status.set(message))/>
        <StatusRegion message=Signal::derive(move || status.get())/>
        {move || me.get().map(|me| view! {
            <LocalUsers api loads=LocalUserLoads { invites, users } me status/>
        })}
        // Outside the list's redraw: typing in the search keeps its focus.
        <UserFilters filter=filter providers=known_providers/>
        {move || match (users.get(), me.get()) {
            (None, _) | (_, None) => view! { <p class="status" role="status">"Loading users…"</p> }.into_any(),
            (Some(Err(error)), _) => view! {
                <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| users.refetch())/>
            }.into_any(),
            (Some(Ok(all)), Some(me)) => {
                let known = known_providers.get();
                let mut shown: Vec<User> = filter.with(|f| all.iter().filter(|u| f.admits(u)).cloned().collect());
                pending_first(&mut shown);
                let active_owners = all.iter().filter(|u| u.role == Role::Owner && !u.is_blocked).count();
                let waiting = all.iter().filter(|u| u.pending_approval).count();
                let count = user_count(shown.len(), all.len());
                view! {
                    {(waiting > 0).then(|| view! {
                        <p class="notice notice-warning" id="pending-count">{match waiting {
                            1 => "1 person waits for approval: they cannot sign in until approved.".to_string(),
                            n => format!("{n} people wait for approval: they cannot sign in until approved."),
                        }}</p>
                    })}
                    <p class="status" id="users-count" aria-live="polite">{count}</p>
                    {shown.is_empty().then(|| view! {
                        <p class="empty-filter">"No one matches these filters."</p>
                    })}
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
                            {shown.into_iter().map(|user| view! {
                                <UserRow user=user me=me.clone() providers=known.clone()
                                    active_owners=active_owners actions=actions/>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }
        }}
        <ConfirmDialog
            open=block_open
            title=Signal::derive(move || format!("Block {}?", to_block.get().map(|u| u.display_name()).unwrap_or_default()))
            confirm_label=Signal::derive(move || if changing.get() { "Blocking…".to_string() } else { "Block".to_string() })
            busy=Signal::derive(move || changing.get())
            danger=true
            on_confirm=Callback::new(move |_| {
                if let Some(user) = to_block.get_untracked() {
                    change((user.clone(), user.role, true));
                }
            })
        >
            <p>"They are signed out at once, everywhere, and cannot sign in until someone unblocks them."</p>
        </ConfirmDialog>
        <ConfirmDialog
            open=reject_open
            title=Signal::derive(move || format!("Reject {}?", to_reject.get().map(|u| u.display_name()).unwrap_or_default()))
            confirm_label=Signal::derive(move || if changing.get() { "Rejecting…".to_string() } else { "Reject and delete".to_string() })
            busy=Signal::derive(move || changing.get())
            danger=true
            on_confirm=Callback::new(move |_| {
                if let Some(user) = to_reject.get_untracked() {
                    decide(user, Decision::Reject);
                }
            })
        >
            <p>"Reject deletes them from QuFabric. If they sign in through their provider again, they wait for approval again."</p>
        </ConfirmDialog>
        <ConfirmDialog
            open=delete_open
            title=Signal::derive(move || format!("Delete {}?", to_delete.get().map(|u| u.display_name()).unwrap_or_default()))
            confirm_label=Signal::derive(move || if changing.get() { "Deleting…".to_string() } else { "Delete".to_string() })
            busy=Signal::derive(move || changing.get())
            danger=true
            on_confirm=Callback::new(move |_| {
                if let Some(user) = to_delete.get_untracked() {
                    decide(user, Decision::Delete);
                }
            })
        >
            <p>"They are signed out everywhere and removed from QuFabric, with their access tokens. Someone who signs in through a provider can come back by signing in again, as a newcomer."</p>
        </ConfirmDialog>
    }
}
