//! "Require approval for new users" (`extra.user_approval_required`), on the Users page
//! where the people it holds back are approved. The save re-reads the account just
//! before its PUT: the Groups page PUTs the same whole object, and a switch built on an
//! older read would undo what was saved there since.

use leptos::prelude::*;

use crate::api::{Api, ApiError, Load};
use crate::pages::use_page_tasks;
use qufabric_model::{Account, AccountRequest};

#[component]
pub(super) fn ApprovalSetting(
    api: Api,
    accounts: Load<Vec<Account>>,
    #[prop(into)] can_write: Signal<bool>,
    /// Told after a save, for the page's status region.
    on_saved: Callback<String>,
) -> impl IntoView {
    let saving = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let tasks = use_page_tasks();
    // What was just saved, shown at once (the status says it at once) until the account's
    // next answer arrives.
    let just_saved = RwSignal::new(None::<bool>);
    Effect::new(move |_| {
        accounts.with(|_| ());
        just_saved.set(None);
    });
    let required = move || {
        just_saved.get().or_else(|| {
            accounts.with(|answer| {
                answer
                    .as_ref()
                    .and_then(|result| result.as_ref().ok())
                    .and_then(|all| all.first())
                    .map(|account| account.settings.user_approval_required())
            })
        })
    };
    let toggle = move |_| {
        let Some(now) = required() else {
            return;
        };
        if saving.get_untracked() {
            return;
        }
        saving.set(true);
        error.set(None);
        tasks.spawn(async move {
            let saved = save(api, !now).await;
            saving.set(false);
            match saved {
                Ok(()) => {
                    just_saved.set(Some(!now));
                    accounts.refetch();
                    on_saved.run(if now {
                        "New people who sign in through a provider now get in at once.".into()
                    } else {
                        "New people who sign in through a provider now wait for approval here."
                            .into()
                    });
                }
                Err(failure) => error.set(Some(failure.user_message())),
            }
        });
    };
    view! {
        {move || required().map(|on| view! {
            <div class="setting-row">
                <div class="switch-row">
                    <button type="button" role="switch" id="user-approval-required" class="switch"
                        aria-checked=if on { "true" } else { "false" }
                        aria-describedby="user-approval-required-hint user-approval-required-error"
                        disabled=move || saving.get() || !can_write.get()
                        on:click=toggle>
                        <span class="switch-knob" aria-hidden="true"></span>
                    </button>
                    <label for="user-approval-required">"Require approval for new users"</label>
                </div>
                <p class="hint" id="user-approval-required-hint">
                    "When on, a person who signs in through a provider for the first time waits here, blocked, until an owner or administrator approves them. People who sign in with email and password are added by an administrator and never wait."
                </p>
                <p class="field-error" id="user-approval-required-error" role="alert">{move || error.get()}</p>
            </div>
        })}
    }
}

/// Switch approval to `required` on the account as it is now.
async fn save(api: Api, required: bool) -> Result<(), ApiError> {
    let account = api.account_now().await?;
    let request = AccountRequest {
        settings: account.settings.with_user_approval_required(required),
        onboarding: account.onboarding,
    };
    api.update_account(&account.id, &request).await.map(|_| ())
}
