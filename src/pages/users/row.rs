//! One row of the Users table: who, how they sign in, role, last sign-in, status, and
//! what the caller may do with them (the model's rules decide, as the server's do).

use leptos::prelude::*;

use super::{last_sign_in, sign_in_method};
use crate::components::ProviderMark;
use qufabric_model::role_rules::role_source_words;
use qufabric_model::user_rules::{
    check_user_change, check_user_delete, role_choices, status_label, UserState,
};
use qufabric_model::{IdentityProvider, Role, User};

/// What a row asks the page to do, and the page's state it shows.
#[derive(Clone, Copy)]
pub(super) struct RowActions {
    /// A change is on its way: every control waits.
    pub changing: RwSignal<bool>,
    /// The last refusal, with the id of the row it belongs to.
    pub row_error: RwSignal<Option<(String, String)>>,
    /// Change (user, role, blocked).
    pub change: Callback<(User, Role, bool)>,
    /// Ask before blocking.
    pub ask_block: Callback<User>,
    pub approve: Callback<User>,
    /// Give a role set by hand back to the role rules.
    pub follow_rules: Callback<User>,
    /// Ask before rejecting (it deletes them).
    pub ask_reject: Callback<User>,
    /// Ask before deleting.
    pub ask_delete: Callback<User>,
}

/// The vendor mark of the provider a person signs in with (none for email and password,
/// or a provider that was removed).
fn sign_in_mark(user: &User, providers: &[IdentityProvider]) -> Option<impl IntoView> {
    let id = user.idp_id.as_deref()?;
    let kind = providers.iter().find(|p| p.id == id)?.kind;
    Some(view! { <ProviderMark kind/> })
}

#[component]
pub(super) fn UserRow(
    user: User,
    me: User,
    providers: Vec<IdentityProvider>,
    active_owners: usize,
    actions: RowActions,
) -> impl IntoView {
    let can_write = me.role.can_write_settings();
    let caller = UserState::from(&me);
    let target = UserState::from(&user);
    let waiting = user.pending_approval;
    let choices = if can_write && !waiting {
        role_choices(caller, target, active_owners)
    } else {
        vec![user.role]
    };
    let may_block = can_write
        && !waiting
        && check_user_change(caller, target, user.role, !user.is_blocked, active_owners).is_ok();
    let may_delete =
        can_write && !waiting && check_user_delete(caller, target, active_owners).is_ok();
    let name = user.display_name();
    let select_id = format!("role-{}", user.id);
    let error_id = format!("user-error-{}", user.id);
    let error_row_id = user.id.clone();
    let changing = actions.changing;
    let role_cell = if choices.len() > 1 {
        let for_role = user.clone();
        view! {
            <select id=select_id aria-label=format!("Role of {name}")
                aria-describedby=error_id.clone()
                disabled=move || changing.get()
                on:change=move |ev| {
                    if let Some(role) = Role::parse(&event_target_value(&ev)) {
                        actions.change.run((for_role.clone(), role, for_role.is_blocked));
                    }
                }>
                {choices.into_iter().map(|role| view! {
                    <option value=role.as_str() selected=role == user.role>{role.as_str()}</option>
                }).collect_view()}
            </select>
        }
        .into_any()
    } else {
        view! { <span>{user.role.as_str()}</span> }.into_any()
    };
    let provider_name = |id: &str| {
        providers
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| "a removed provider".to_string(), |p| p.name.clone())
    };
    let role_source = role_source_words(&user, provider_name);
    let back_to_rules = (me.role == Role::Owner && user.role_by_hand).then(|| {
        let for_rules = user.clone();
        view! {
            <button type="button" class="button secondary" disabled=move || changing.get()
                on:click=move |_| actions.follow_rules.run(for_rules.clone())>
                "Use role rules"<span class="visually-hidden">" for "{name.clone()}</span>
            </button>
        }
    });
    let approval_buttons = (can_write && waiting).then(|| {
        let (for_approve, for_reject) = (user.clone(), user.clone());
        view! {
            <button type="button" class="button" disabled=move || changing.get()
                on:click=move |_| actions.approve.run(for_approve.clone())>
                "Approve"<span class="visually-hidden">" "{name.clone()}</span>
            </button>
            <button type="button" class="button secondary danger-text" disabled=move || changing.get()
                on:click=move |_| actions.ask_reject.run(for_reject.clone())>
                "Reject"<span class="visually-hidden">" "{name.clone()}</span>
            </button>
        }
    });
    let block_button = may_block.then(|| {
        let for_block = user.clone();
        let blocked = user.is_blocked;
        view! {
            <button type="button" class="button secondary"
                class:danger-text=!blocked
                disabled=move || changing.get()
                on:click=move |_| {
                    if blocked {
                        actions.change.run((for_block.clone(), for_block.role, false));
                    } else {
                        actions.ask_block.run(for_block.clone());
                    }
                }>
                {if blocked { "Unblock" } else { "Block" }}<span class="visually-hidden">" "{name.clone()}</span>
            </button>
        }
    });
    let delete_button = may_delete.then(|| {
        let for_delete = user.clone();
        view! {
            <button type="button" class="button secondary danger-text" disabled=move || changing.get()
                on:click=move |_| actions.ask_delete.run(for_delete.clone())>
                "Delete"<span class="visually-hidden">" "{name.clone()}</span>
            </button>
        }
    });
    view! {
        <tr class:pending=waiting>
            <td>
                <span class="user-name">{user.name.clone()}</span>
                {user.is_current.then_some(view! { <span class="badge">"You"</span> })}
                <br/><span class="muted">{user.email.clone()}</span>
            </td>
            <td class="signs-in-with">{sign_in_mark(&user, &providers)}{sign_in_method(&user, &providers)}</td>
            <td>{role_cell}{role_source.map(|words| view! { <br/><span class="muted role-source">{words}</span> })}{back_to_rules}</td>
            <td>{last_sign_in(user.last_login.as_deref())}</td>
            <td>{status_label(&user)}</td>
            <td class="actions">
                {approval_buttons}
                {block_button}
                {delete_button}
                <p class="field-error" id=error_id role="alert">
                    {move || actions.row_error.get().filter(|(id, _)| id == &error_row_id).map(|(_, message)| message)}
                </p>
            </td>
        </tr>
    }
}
