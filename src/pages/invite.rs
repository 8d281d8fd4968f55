//! `/invite?token=…`: the public page an invited person opens. It says who invited whom,
//! lets them choose a password with the one rule (`qufabric_model::password_rule`, as the
//! server keeps it), then takes them to sign in with their email filled in. A link that was
//! used, replaced, deleted or that has expired gets a page that says so and what to do.

use leptos::prelude::*;

use crate::api::{use_api, ApiError};
use crate::auth::start_sign_in;
use crate::components::ErrorNotice;
use crate::pages::setup::{new_password_ready, NewPasswordFields};
use crate::pages::{last_sign_in, use_page_tasks};
use qufabric_model::oidc::LOCAL_CONNECTOR;
use qufabric_model::UserInviteInfo;

/// Where the page stands.
#[derive(Clone, PartialEq)]
enum InviteState {
    Loading,
    /// Unknown, used or replaced: the server does not know the token (404).
    NotFound,
    Expired(UserInviteInfo),
    Open(UserInviteInfo),
    /// The password is set; the sign-in is starting.
    Accepted(String),
    /// The server could not be asked.
    Failed(String),
}

#[component]
pub fn InvitePage() -> impl IntoView {
    let api = use_api();
    let nav = crate::nav::use_nav();
    let token = nav.query("token").unwrap_or_default();
    let state = RwSignal::new(InviteState::Loading);
    let instance = api.load_instance();
    let tasks = use_page_tasks();
    let asked = token.clone();
    let ask = move || {
        let token = asked.clone();
        state.set(InviteState::Loading);
        tasks.spawn(async move {
            let next = if token.is_empty() {
                InviteState::NotFound
            } else {
                match api.invite_info(&token).await {
                    Ok(info) if info.valid => InviteState::Open(info),
                    Ok(info) => InviteState::Expired(info),
                    Err(ApiError::NotFound(_)) => InviteState::NotFound,
                    Err(error) => InviteState::Failed(error.user_message()),
                }
            };
            state.set(next);
        });
    };
    ask();

    let sign_in = move |email: String| {
        let issuer = instance
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|status| status.issuer);
        if let Err(error) = start_sign_in(
            &api.config(),
            LOCAL_CONNECTOR,
            "/",
            issuer.as_deref(),
            Some(&email),
            None,
        ) {
            state.set(InviteState::Failed(format!(
                "Sign-in could not start: {}.",
                error.description()
            )));
        }
    };

    view! {
        <main class="centered">
            <div class="card">
                <p class="brand">"QuFabric"</p>
                <h1>"Your invitation"</h1>
                {move || match state.get() {
                    InviteState::Loading => view! { <p class="status" role="status">"Reading the invitation…"</p> }.into_any(),
                    InviteState::NotFound => view! {
                        <div class="notice notice-error" role="alert" id="invite-problem">
                            <p><strong>"This invite link does not work."</strong></p>
                            <p>"It was used already, replaced by a newer link, or deleted. Ask the person who invited you for a new one. If you set your password already, sign in."</p>
                        </div>
                        <a class="button" href="/login" rel=nav.rel("/login")>"Go to sign-in"</a>
                    }.into_any(),
                    InviteState::Expired(info) => view! {
                        <div class="notice notice-error" role="alert" id="invite-problem">
                            <p><strong>"This invite has expired."</strong></p>
                            <p>{format!("The link for {} was valid until {}. Ask {} for a new one: they can regenerate it on the Users page.", info.email, last_sign_in(Some(&info.expires_at)), info.invited_by)}</p>
                        </div>
                    }.into_any(),
                    InviteState::Failed(message) => view! {
                        <ErrorNotice message on_retry=Callback::new({ let ask = ask.clone(); move |_| ask() })/>
                    }.into_any(),
                    InviteState::Accepted(email) => view! {
                        <p class="notice notice-ok" role="status">{format!("Your password is set. Taking you to sign in as {email}…")}</p>
                    }.into_any(),
                    InviteState::Open(info) => view! {
                        <PasswordForm info token=token.clone() on_accepted=Callback::new(move |email: String| {
                            state.set(InviteState::Accepted(email.clone()));
                            sign_in(email);
                        }) on_gone=Callback::new(move |next| state.set(next))/>
                    }.into_any(),
                }}
            </div>
        </main>
    }
}

#[component]
fn PasswordForm(
    info: UserInviteInfo,
    token: String,
    on_accepted: Callback<String>,
    on_gone: Callback<InviteState>,
) -> impl IntoView {
    let api = use_api();
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let complete = move || new_password_ready(password, confirmation);
    let sending = RwSignal::new(false);
    let refusal = RwSignal::new(None::<String>);
    let tasks = use_page_tasks();
    let email = info.email.clone();
    let expired_info = info.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !complete() || sending.get_untracked() {
            return;
        }
        let (token, email, expired_info) = (token.clone(), email.clone(), expired_info.clone());
        sending.set(true);
        refusal.set(None);
        tasks.spawn(async move {
            let answer = api.accept_invite(&token, &password.get_untracked()).await;
            sending.set(false);
            match answer {
                Ok(()) => on_accepted.run(email),
                Err(ApiError::NotFound(_)) => on_gone.run(InviteState::NotFound),
                Err(ApiError::PreconditionFailed(_)) => {
                    on_gone.run(InviteState::Expired(expired_info))
                }
                Err(error) => refusal.set(Some(error.user_message())),
            }
        });
    };
    view! {
        <p id="invite-who">{format!("{} invited {} ({}) to QuFabric. Choose the password you will sign in with.", info.invited_by, info.name, info.email)}</p>
        <form on:submit=submit novalidate>
            // For password managers: the account the password belongs to.
            <input type="email" class="visually-hidden" autocomplete="username" value=info.email.clone() readonly tabindex="-1" aria-hidden="true"/>
            <NewPasswordFields password_id="invite-password" confirmation_id="invite-password-confirm"
                password confirmation/>
            {move || refusal.get().map(|message| view! { <ErrorNotice message/> })}
            <button type="submit" class="button" disabled=move || !complete() || sending.get()>
                {move || if sending.get() { "Setting your password…" } else { "Set password and sign in" }}
            </button>
        </form>
    }
}
