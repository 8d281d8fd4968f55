//! Local users on the Users page (email and password at the embedded IdP): invite someone
//! (a link they open to choose their password) or add someone (with a generated password),
//! each secret shown once with a Copy button; the invites not yet accepted, with
//! Regenerate and Delete. Unavailable, with the reason, where the server disables email
//! sign-in.

use leptos::prelude::*;

use super::last_sign_in;
use super::new_person::{Made, Making, NewPersonForm};
use crate::api::{Api, ApiError, Load};
use crate::components::{CopyField, ErrorNotice};
use crate::pages::use_page_tasks;
use qufabric_model::invite_links::{invite_url, public_url_of};
use qufabric_model::{User, UserInvite, UserInviteRegenerateResponse};

/// A secret the server hands out once: a link or a password.
#[derive(Clone, PartialEq)]
struct ShownOnce {
    heading: String,
    label: &'static str,
    value: String,
    note: String,
}

/// What the section works with, from the page.
#[derive(Clone, Copy)]
pub(super) struct LocalUserLoads {
    pub invites: Load<Vec<UserInvite>>,
    pub users: Load<Vec<User>>,
}

#[component]
pub(super) fn LocalUsers(
    api: Api,
    loads: LocalUserLoads,
    me: User,
    status: RwSignal<String>,
) -> impl IntoView {
    let LocalUserLoads { invites, users } = loads;
    let can_write = me.role.can_write_settings();
    let making = RwSignal::new(None::<Making>);
    let shown_once = RwSignal::new(None::<ShownOnce>);
    // The server's public URL as this client reaches it (its issuer): inside a host page
    // the element's own address is the host's, where no invite page exists.
    let config = api.config();
    let public_url = StoredValue::new(public_url_of(Some(&config.authority), &config.page_origin));
    // The invites' 412 is the server saying it has no local users (email sign-in off).
    let disabled =
        move || invites.with(|answer| matches!(answer, Some(Err(ApiError::PreconditionFailed(_)))));
    let link_shown = move |heading: String, token: &str, expires_at: &str| {
        shown_once.set(Some(ShownOnce {
            heading,
            label: "Invite link",
            value: invite_url(&public_url.get_value(), token),
            note: format!(
                "Send it to them: it works once, until {}. It is shown only now; Regenerate makes a new one.",
                last_sign_in(Some(expires_at))
            ),
        }))
    };
    let made = Callback::new(move |answer: Made| {
        making.set(None);
        match answer {
            Made::Invite(invite) => {
                let token = invite.invite_token.clone().unwrap_or_default();
                link_shown(
                    format!("{} is invited", invite.email),
                    &token,
                    &invite.expires_at,
                );
                status.set(format!("Invited {}.", invite.email));
                invites.refetch();
            }
            Made::User(user) => {
                shown_once.set(Some(ShownOnce {
                    heading: format!("{} can sign in", user.email),
                    label: "Password",
                    value: user.password.clone().unwrap_or_default(),
                    note: "Give it to them: it is shown only now. They sign in with their email and this password.".into(),
                }));
                status.set(format!("Added {}.", user.email));
                users.refetch();
            }
        }
    });

    let tasks = use_page_tasks();
    let busy = RwSignal::new(false);
    let list_error = RwSignal::new(None::<String>);
    let regenerate = move |invite: UserInvite| {
        busy.set(true);
        tasks.spawn(async move {
            let answer = api.regenerate_invite(&invite.id).await;
            busy.set(false);
            match answer {
                Ok(UserInviteRegenerateResponse {
                    invite_token,
                    invite_expires_at,
                }) => {
                    list_error.set(None);
                    let heading = format!("A new link for {}", invite.email);
                    link_shown(heading, &invite_token, &invite_expires_at);
                    status.set(format!(
                        "A new invite link for {}: the old one no longer works.",
                        invite.email
                    ));
                    invites.refetch();
                }
                Err(error) => list_error.set(Some(error.user_message())),
            }
        });
    };
    let delete = move |invite: UserInvite| {
        busy.set(true);
        tasks.spawn(async move {
            let answer = api.delete_invite(&invite.id).await;
            busy.set(false);
            match answer {
                Ok(()) => {
                    list_error.set(None);
                    status.set(format!(
                        "Deleted the invite of {}: its link no longer works.",
                        invite.email
                    ));
                    invites.refetch();
                }
                Err(error) => list_error.set(Some(error.user_message())),
            }
        });
    };
    let caller = me.role;

    view! {
        <section class="local-users" aria-labelledby="local-users-heading">
            <h3 id="local-users-heading">"People with email and password"</h3>
            {move || if disabled() {
                view! {
                    <p class="notice notice-info" id="local-users-unavailable">
                        "Inviting and adding people is unavailable: this server has email sign-in turned off (it was started with --disable-local-auth), so nobody could sign in with a password. People sign in through the identity providers."
                    </p>
                }.into_any()
            } else {
                view! {
                    {can_write.then(|| view! {
                        <div class="local-actions">
                            <button type="button" class="button" aria-expanded=move || (making.get() == Some(Making::Invite)).to_string()
                                on:click=move |_| { shown_once.set(None); making.set(Some(Making::Invite)); }>"Invite user"</button>
                            <button type="button" class="button secondary" aria-expanded=move || (making.get() == Some(Making::Add)).to_string()
                                on:click=move |_| { shown_once.set(None); making.set(Some(Making::Add)); }>"Add user"</button>
                        </div>
                    })}
                    {move || making.get().map(|kind| view! {
                        <NewPersonForm api kind caller made on_cancel=Callback::new(move |_| making.set(None))/>
                    })}
                    {move || shown_once.get().map(|once| view! {
                        <div class="notice notice-ok shown-once" id="shown-once">
                            <p><strong>{once.heading}</strong></p>
                            <CopyField id="shown-once-value" label=once.label value=Signal::derive(move || once.value.clone()) hint=once.note/>
                        </div>
                    })}
                    {move || list_error.get().map(|message| view! { <ErrorNotice message/> })}
                    {move || invites.get().and_then(Result::ok).filter(|all| !all.is_empty()).map(|all| view! {
                        <table class="users invites" aria-label="Invites not yet accepted">
                            <thead><tr>
                                <th scope="col">"Invited"</th><th scope="col">"Role"</th>
                                <th scope="col">"Link valid until"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {all.into_iter().map(|invite| {
                                    let (for_regenerate, for_delete) = (invite.clone(), invite.clone());
                                    let who = invite.email.clone();
                                    view! {
                                        <tr>
                                            <td><span class="user-name">{invite.name.clone()}</span><br/><span class="muted">{invite.email.clone()}</span></td>
                                            <td>{invite.role.as_str()}</td>
                                            <td>{if invite.expired { "Expired".to_string() } else { last_sign_in(Some(&invite.expires_at)) }}</td>
                                            <td class="actions">{can_write.then(|| view! {
                                                <button type="button" class="button secondary" disabled=move || busy.get()
                                                    on:click=move |_| regenerate(for_regenerate.clone())>
                                                    "Regenerate"<span class="visually-hidden">" the link of "{who.clone()}</span></button>
                                                <button type="button" class="button secondary danger-text" disabled=move || busy.get()
                                                    on:click=move |_| delete(for_delete.clone())>
                                                    "Delete"<span class="visually-hidden">" the invite of "{who.clone()}</span></button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                }.into_any()
            }}
        </section>
    }
}
