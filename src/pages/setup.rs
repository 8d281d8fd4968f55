//! `/setup`: the first run. Creates the owner account, then sends them to sign in.

use leptos::prelude::*;

use crate::api::capitalise;
use crate::api::{use_api, ApiError};
use crate::components::{ErrorNotice, TextField};
use crate::pages::use_page_tasks;
use qufabric_model::password_rule::{password_problem, RULE};
use qufabric_model::SetupRequest;

/// The problems with the typed values, per field (none means the form may be sent): the
/// one password rule the server keeps (`qufabric_model::password_rule`), in its words.
fn password_problems(password: &str, confirmation: &str) -> (Option<String>, Option<String>) {
    let password_error = (!password.is_empty())
        .then(|| password_problem(password))
        .flatten()
        .map(|problem| format!("{}.", capitalise(&problem)));
    let confirm_error = (!confirmation.is_empty() && confirmation != password)
        .then(|| "The two passwords differ.".to_string());
    (password_error, confirm_error)
}

/// Whether a new password keeps the rule and was typed the same twice.
pub fn new_password_ready(password: RwSignal<String>, confirmation: RwSignal<String>) -> bool {
    password.with(|p| password_problem(p).is_none()) && password.get() == confirmation.get()
}

/// A new password and its repetition, with the rule as the hint and what is missing as
/// each field's error while the person types (setup, the invite page).
#[component]
pub fn NewPasswordFields(
    password_id: &'static str,
    confirmation_id: &'static str,
    password: RwSignal<String>,
    confirmation: RwSignal<String>,
) -> impl IntoView {
    let problems = Memo::new(move |_| password_problems(&password.get(), &confirmation.get()));
    view! {
        <TextField id=password_id label="Password" value=password input_type="password"
            autocomplete="new-password" required=true hint=RULE
            error=Signal::derive(move || problems.get().0)/>
        <TextField id=confirmation_id label="Repeat the password" value=confirmation
            input_type="password" autocomplete="new-password" required=true
            error=Signal::derive(move || problems.get().1)/>
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let api = use_api();
    let nav = crate::nav::use_nav();
    let instance = api.load_instance();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let complete =
        move || !email.with(|e| e.trim().is_empty()) && new_password_ready(password, confirmation);

    // Creating runs to its end here: on success straight to the login screen.
    let creating = RwSignal::new(false);
    let refusal = RwSignal::new(None::<String>);
    let tasks = use_page_tasks();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !complete() || creating.get_untracked() {
            return;
        }
        let request = SetupRequest {
            email: email.get_untracked().trim().to_string(),
            password: password.get_untracked(),
            name: name.get_untracked().trim().to_string(),
            create_pat: None,
            pat_expire_in: None,
        };
        creating.set(true);
        refusal.set(None);
        tasks.spawn(async move {
            let answer = api.setup(&request).await;
            creating.set(false);
            match answer {
                Ok(_) => nav.go("/login?setup=done", false),
                Err(ApiError::PreconditionFailed(_)) => refusal.set(Some(
                    "This server is already set up. Sign in instead.".into(),
                )),
                Err(error) => refusal.set(Some(error.user_message())),
            }
        });
    };
    let failure = move || refusal.get();

    view! {
        <main class="centered">
            <div class="card">
                <p class="brand">"QuFabric"</p>
                <h1>"Set up QuFabric"</h1>
                {move || match instance.get() {
                    None => view! { <p class="status" role="status">"Loading…"</p> }.into_any(),
                    Some(Err(error)) => view! {
                        <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| instance.refetch())/>
                    }.into_any(),
                    Some(Ok(status)) if !status.setup_required => view! {
                        <p>"This server is already set up."</p>
                        <a class="button" href="/login" rel=nav.rel("/login")>"Go to sign-in"</a>
                    }.into_any(),
                    Some(Ok(_)) => view! {
                        <p>"Create the owner account. The owner can sign in with this email and password even when external providers are misconfigured."</p>
                        <form on:submit=submit novalidate>
                            <TextField id="setup-name" label="Name" value=name autocomplete="name"/>
                            <TextField id="setup-email" label="Email" value=email input_type="email" autocomplete="username" required=true/>
                            <NewPasswordFields password_id="setup-password" confirmation_id="setup-password-confirm"
                                password confirmation/>
                            {move || failure().map(|message| view! { <ErrorNotice message=message/> })}
                            <button type="submit" class="button" disabled=move || !complete() || creating.get()>
                                {move || if creating.get() { "Creating…" } else { "Create owner account" }}
                            </button>
                        </form>
                    }.into_any(),
                }}
            </div>
        </main>
    }
}
