//! `/login`: one button per configured provider, the email button unless local sign-in is
//! disabled, and a message for every way a sign-in can be refused.

use leptos::prelude::*;

use super::login_default::DefaultRedirect;
use super::wrong_address::WrongAddressNotice;
use crate::api::use_api;
use crate::auth::start_sign_in;
use crate::browser;
use crate::components::{CodedText, ErrorNotice, ProviderMark};
use qufabric_model::login_default::{redirect_target, Visit};
use qufabric_model::oidc::LOCAL_CONNECTOR;
use qufabric_model::{LoginProvider, ProviderKind};

/// What the user reads for each error code the IdP or the callback may report: what
/// happened, then what to do.
pub fn login_error_message(code: &str) -> (&'static str, &'static str) {
    use qufabric_model::SignInError as E;
    let Some(error) = E::from_code(code) else {
        return UNKNOWN_FAILURE;
    };
    match error {
        E::ProviderUnreachable => (
            "The identity provider could not be reached.",
            "Try again in a moment. If it persists, an administrator should check the provider's issuer URL and that the server can reach it.",
        ),
        E::IssuerMismatch => (
            "The identity provider answered with a different issuer than configured.",
            "An administrator should correct the issuer under Settings → Identity Providers (watch for a trailing slash).",
        ),
        E::UpstreamDenied => (
            "The identity provider refused the sign-in.",
            "Your account may not be allowed to use QuFabric there (for PocketID: you must be in a group assigned to the QuFabric client). Ask your administrator.",
        ),
        E::InvalidClient => (
            "The identity provider did not accept QuFabric's client credentials.",
            "An administrator should check the client ID and client secret under Settings → Identity Providers.",
        ),
        E::NotInAllowedGroup => (
            "You signed in, but QuFabric only admits members of its allowed groups.",
            "None of your groups is in the JWT allow list under Settings → Groups. An administrator can add your group or change the list.",
        ),
        E::NotInProviderGroup => (
            "You signed in, but QuFabric admits only some of that provider's groups.",
            "None of your groups is allowed through this provider (the details say which are). An administrator can change its allowed groups under Settings → Identity Providers.",
        ),
        E::PendingApproval => (
            "Your account is waiting for approval.",
            "An owner or administrator of QuFabric must approve you on its Users page. Nothing else is needed from you: once you are approved, sign in again here.",
        ),
        E::StateMismatch => (
            "This sign-in could not be verified.",
            "The answer did not belong to a sign-in started in this tab. Start again from this page.",
        ),
        E::SessionExpired => (
            "Your session has ended.",
            "Sign in again to continue where you left off.",
        ),
        E::InvalidScope => (
            "The identity provider refused a scope QuFabric asked for.",
            "An administrator should remove or correct the scope named below under Settings → Identity Providers → the provider → Advanced, or allow it at the provider.",
        ),
        E::UserinfoSubjectMismatch => (
            "The identity provider's answers did not agree on who you are.",
            "Its userinfo named another user than its ID token, so QuFabric did not sign you in. An administrator should look at the provider's configuration.",
        ),
        E::UserinfoFailed => (
            "QuFabric could not read your details from the identity provider.",
            "Its userinfo endpoint did not answer, and the ID token alone lacks what QuFabric needs. Try again in a moment; if it persists, an administrator should check the provider.",
        ),
        E::EmailMissing => (
            "The identity provider did not send your email address.",
            "QuFabric needs one to create your account. An administrator should map the claim that holds it under Settings → Identity Providers → the provider → Advanced, or have the provider release it.",
        ),
        E::ServerError => UNKNOWN_FAILURE,
    }
}

const UNKNOWN_FAILURE: (&str, &str) = (
    "The sign-in did not complete.",
    "Try again. If it keeps failing, an administrator can look at the server's log.",
);

/// `signed_out_path`: shown at `/signed-out`, which always says the user is signed out.
#[component]
pub fn LoginPage(#[prop(optional)] signed_out_path: bool) -> impl IntoView {
    let signed_out = crate::pages::signed_out_record(signed_out_path);
    let went_out = signed_out.is_some();
    let api = use_api();
    let nav = crate::nav::use_nav();
    let instance = api.load_instance();
    let error_code = move || nav.query_tracked("error");
    let error_detail = move || nav.query_tracked("error_description").unwrap_or_default();
    // Only ever a path on this origin, whatever the link said.
    let return_to = move || {
        let asked = nav.query_tracked("return_to").unwrap_or_else(|| "/".into());
        qufabric_model::oidc::safe_return_path(&asked)
    };
    let setup_done = move || nav.query_tracked("setup").is_some();
    let redirecting = RwSignal::new(None::<String>);
    let start_error = RwSignal::new(None::<String>);
    let last_used = browser::last_connector();

    // Someone already signed in who arrives here without an error goes straight on, once:
    // the effect reads the location, so it would run again as the next page moves on (a
    // page that answers at once from kept answers moves before this one is gone).
    let went_on = StoredValue::new(false);
    Effect::new(move |_| {
        if api.session().is_signed_in() && error_code().is_none() && !went_on.get_value() {
            went_on.set_value(true);
            nav.go(qufabric_model::bundles::after_sign_in(&return_to()), true);
        }
    });

    let issuer = move || {
        instance
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|status| status.issuer)
    };
    let begin = move |connector: String| {
        redirecting.set(Some(connector.clone()));
        let issuer = issuer();
        // `login_hint` and `prompt` given to this page go on to the provider.
        if let Err(error) = start_sign_in(
            &api.config(),
            &connector,
            &return_to(),
            issuer.as_deref(),
            nav.query("login_hint").as_deref(),
            nav.query("prompt").as_deref(),
        ) {
            redirecting.set(None);
            start_error.set(Some(format!(
                "Sign-in could not start: {}.",
                error.description()
            )));
        }
    };

    let actions = SignInActions {
        redirecting,
        begin: Callback::new(begin),
        last_used: last_used.clone(),
    };

    view! {
        <main class="centered">
            <div class="card login-card">
                <p class="brand">"QuFabric"</p>
                <h1>"Sign in"</h1>
                {signed_out.map(|record| view! { <crate::pages::SignedOutNotice record/> })}
                <Show when=setup_done>
                    <p class="notice notice-ok" role="status">"Your owner account is ready. Sign in with its email and password."</p>
                </Show>
                {move || error_code().map(|code| {
                    let (what, todo) = login_error_message(&code);
                    let detail = error_detail();
                    // Waiting for approval is not a failure: nothing is wrong to fix.
                    let waiting = code == qufabric_model::SignInError::PendingApproval.code();
                    let class = if waiting { "notice notice-warning" } else { "notice notice-error" };
                    view! {
                        <div class=class role=if waiting { "status" } else { "alert" } id="login-error">
                            <p><strong>{what}</strong></p>
                            <p>{todo}</p>
                            {(!detail.is_empty() && !waiting).then(|| view! { <p class="detail">"Details: "<CodedText text=detail/></p> })}
                        </div>
                    }
                })}
                {move || start_error.get().map(|message| view! { <ErrorNotice message=message/> })}
                {move || match instance.get() {
                    None => view! { <p class="status" role="status">"Loading sign-in options…"</p> }.into_any(),
                    Some(Err(error)) => view! {
                        <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| instance.refetch())/>
                    }.into_any(),
                    Some(Ok(status)) if status.sign_in_allowed == Some(false) => {
                        view! { <WrongAddressNotice status=status/> }.into_any()
                    }
                    Some(Ok(status)) => {
                        let prompt = nav.query("prompt");
                        let visit = Visit {
                            error: error_code().is_some(),
                            signed_out: went_out,
                            local: nav.query("local").is_some(),
                            prompt: prompt.as_deref(),
                        };
                        let target = redirect_target(&status.login_providers, &visit).cloned();
                        let email_allowed = !status.local_auth_disabled;
                        view! {
                            {target.map(|provider| view! { <DefaultRedirect provider email_allowed begin=actions.begin/> })}
                            <SignInOptions providers=status.login_providers.clone()
                                email_allowed actions=actions.clone()/>
                        }.into_any()
                    }
                }}
            </div>
        </main>
    }
}

/// What the buttons of the real login screen do; a preview has none.
#[derive(Clone)]
pub struct SignInActions {
    redirecting: RwSignal<Option<String>>,
    begin: Callback<String>,
    last_used: Option<String>,
}

/// The sign-in options of the login screen: one button per provider, then email. Without
/// `actions` (a preview) the buttons look the same and do nothing.
#[component]
pub(super) fn SignInOptions(
    providers: Vec<LoginProvider>,
    email_allowed: bool,
    #[prop(optional)] actions: Option<SignInActions>,
) -> impl IntoView {
    let nothing = providers.is_empty() && !email_allowed;
    let has_providers = !providers.is_empty();
    let live = actions.is_some();
    let button = move |connector: String, label: String, mark: Option<ProviderKind>| {
        let actions = actions.clone();
        let is_last = actions
            .as_ref()
            .is_some_and(|a| a.last_used.as_deref() == Some(connector.as_str()));
        let redirecting = actions.as_ref().map(|a| a.redirecting);
        let busy = {
            let connector = connector.clone();
            move || redirecting.is_some_and(|r| r.get().as_deref() == Some(connector.as_str()))
        };
        let busy_label = busy.clone();
        let class = if is_last {
            "button login-button last-used"
        } else {
            "button login-button"
        };
        view! {
            <li>
                <button
                    type="button"
                    class=class
                    disabled=move || redirecting.is_some_and(|r| r.with(Option::is_some))
                    aria-busy=move || busy().then_some("true")
                    on:click=move |_| {
                        if let Some(actions) = &actions {
                            actions.begin.run(connector.clone());
                        }
                    }
                >
                    {mark.map(|kind| view! { <ProviderMark kind/> })}
                    <span>{move || if busy_label() { "Redirecting…".to_string() } else { label.clone() }}</span>
                    {is_last.then_some(view! { <span class="badge">"Last used"</span> })}
                </button>
            </li>
        }
    };
    view! {
        <ul class="login-options" aria-label="Sign-in options">
            {providers.into_iter().map(|provider| {
                button(
                    provider.id.clone(),
                    format!("Continue with {}", provider.name),
                    Some(provider.kind),
                )
            }).collect_view()}
            {email_allowed.then(|| button(LOCAL_CONNECTOR.to_string(), "Continue with email".to_string(), None))}
        </ul>
        {(nothing && live).then_some(view! {
            <p class="notice notice-error" role="alert">"No way to sign in is configured on this server."</p>
        })}
        {(nothing && !live).then_some(view! {
            <p class="notice notice-error">"No way to sign in is configured: nobody could sign in."</p>
        })}
        {(has_providers && live).then_some(view! {
            // The onboarding bundle's page: a full page load.
            <p class="help-link"><a href="/help/redirect-uri" rel=crate::nav::use_nav().rel("/help/redirect-uri")>"The provider says “Invalid redirect URI”?"</a></p>
        })}
    }
}
