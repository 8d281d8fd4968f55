//! Test the settings on this page with a real sign-in before saving them: the report is
//! judged against the fields as they stand, saved or not.

use leptos::prelude::*;

use crate::api::Load;
use crate::pages::{use_test_sign_in, TestSignInReportView};
use qufabric_model::group_checks::SyncDraft;
use qufabric_model::IdentityProvider;

#[component]
pub(super) fn TrySync(
    providers: Load<Vec<IdentityProvider>>,
    sync: Signal<SyncDraft>,
    can_write: Signal<bool>,
) -> impl IntoView {
    let tester = use_test_sign_in();
    let chosen = RwSignal::new(String::new());
    let all = move || providers.get().and_then(Result::ok).unwrap_or_default();
    let start = move |_| {
        let list = providers
            .get_untracked()
            .and_then(Result::ok)
            .unwrap_or_default();
        let id = chosen.get_untracked();
        // The first provider until another is chosen.
        let provider = list
            .iter()
            .find(|p| p.id == id)
            .or_else(|| list.first())
            .cloned();
        if let Some(provider) = provider {
            tester.start(provider);
        }
    };
    view! {
        <Show when=move || can_write.get() && !all().is_empty()>
            <section class="try-sync" aria-labelledby="try-sync-title">
                <h3 id="try-sync-title">"Try these settings with a real sign-in"</h3>
                <p class="hint" id="try-sync-hint">
                    "Sign in at a provider in a new window. The report says what these settings would do with that person, saved or not."
                </p>
                <div class="try-sync-row">
                    <div class="field">
                        <label for="try-sync-provider">"Provider"</label>
                        <select id="try-sync-provider" on:change=move |ev| chosen.set(event_target_value(&ev))>
                            {move || all().into_iter().map(|p| view! {
                                <option value=p.id.clone()>{p.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="button" class="button secondary" aria-describedby="try-sync-hint" on:click=start>
                        "Test sign-in"
                    </button>
                </div>
            </section>
        </Show>
        <TestSignInReportView tester=tester sync=sync/>
    }
}
