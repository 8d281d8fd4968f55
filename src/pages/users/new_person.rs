//! The form that makes a local user: email, name, role (only what the caller may give),
//! the groups their devices join, and for an invite the link's lifetime. The groups load
//! when the form opens, not with the page: most visits to Users make nobody.

use leptos::prelude::*;

use crate::api::Api;
use crate::components::{ErrorNotice, TextField};
use crate::pages::use_page_tasks;
use qufabric_model::invite_links::LIFETIMES;
use qufabric_model::user_rules::may_grant;
use qufabric_model::{Role, User, UserCreateRequest, UserInvite, UserInviteCreateRequest};

/// Which kind of local user the form makes.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Making {
    /// A link they open to choose their password.
    Invite,
    /// A user at once, with a generated password.
    Add,
}

/// What a form made.
#[derive(Clone)]
pub(super) enum Made {
    Invite(UserInvite),
    User(User),
}

#[component]
pub(super) fn NewPersonForm(
    api: Api,
    kind: Making,
    caller: Role,
    made: Callback<Made>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::User);
    let lifetime = RwSignal::new(LIFETIMES[1].0);
    let chosen_groups = RwSignal::new(Vec::<String>::new());
    let groups = api.load_groups();
    let sending = RwSignal::new(false);
    let refusal = RwSignal::new(None::<String>);
    let tasks = use_page_tasks();
    let roles: Vec<Role> = [Role::User, Role::Auditor, Role::Admin, Role::Owner]
        .into_iter()
        .filter(|r| may_grant(caller, *r).is_ok())
        .collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        if email.with_untracked(|e| e.trim().is_empty()) {
            refusal.set(Some("Enter their email address.".into()));
            return;
        }
        sending.set(true);
        refusal.set(None);
        let (email, name, role) = (
            email.get_untracked().trim().to_string(),
            name.get_untracked().trim().to_string(),
            role.get_untracked(),
        );
        let expires_in = Some(lifetime.get_untracked());
        let auto_groups = chosen_groups.get_untracked();
        tasks.spawn(async move {
            let answer = match kind {
                Making::Invite => {
                    let request = UserInviteCreateRequest {
                        email,
                        name,
                        role,
                        auto_groups,
                        expires_in,
                    };
                    api.create_invite(&request).await.map(Made::Invite)
                }
                Making::Add => {
                    let request = UserCreateRequest {
                        email: Some(email),
                        name: Some(name),
                        role,
                        auto_groups,
                        is_service_user: false,
                    };
                    api.create_user(&request).await.map(Made::User)
                }
            };
            sending.set(false);
            match answer {
                Ok(answer) => made.run(answer),
                Err(error) => refusal.set(Some(error.user_message())),
            }
        });
    };
    let (title, action) = match kind {
        Making::Invite => ("Invite someone", "Create invite link"),
        Making::Add => ("Add someone with a generated password", "Add user"),
    };
    view! {
        <form class="card new-person" on:submit=submit novalidate aria-label=title>
            <h4>{title}</h4>
            <TextField id="new-person-email" label="Email" value=email input_type="email" autocomplete="off" required=true/>
            <TextField id="new-person-name" label="Name" value=name autocomplete="off"/>
            <div class="field">
                <label for="new-person-role">"Role"</label>
                <select id="new-person-role" on:change=move |ev| {
                    if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r); }
                }>
                    {roles.into_iter().map(|r| view! { <option value=r.as_str() selected=r == Role::User>{r.as_str()}</option> }).collect_view()}
                </select>
            </div>
            {move || groups.get().and_then(Result::ok).filter(|all| !all.is_empty()).map(|all| view! {
                <fieldset class="field new-person-groups">
                    <legend>"Groups for their devices"</legend>
                    {all.into_iter().map(|group| {
                        let id = group.id.clone();
                        let toggled = id.clone();
                        view! {
                            <label class="checkbox">
                                <input type="checkbox" value=id.clone()
                                    prop:checked=move || chosen_groups.with(|c| c.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen_groups.update(|c| {
                                            c.retain(|g| g != &toggled);
                                            if on { c.push(toggled.clone()); }
                                        });
                                    }/>
                                {group.name}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            })}
            {(kind == Making::Invite).then(|| view! {
                <div class="field">
                    <label for="new-person-lifetime">"Link valid for"</label>
                    <select id="new-person-lifetime" on:change=move |ev| {
                        if let Ok(seconds) = event_target_value(&ev).parse() { lifetime.set(seconds); }
                    }>
                        {LIFETIMES.iter().map(|(seconds, words)| view! {
                            <option value=seconds.to_string() selected=*seconds == LIFETIMES[1].0>{*words}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            {move || refusal.get().map(|message| view! { <ErrorNotice message/> })}
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || sending.get()>{action}</button>
                <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
