//! The notice of the default provider on `/login`: "Redirecting to PocketID…" for a few
//! seconds, with a Cancel button and a way to email sign-in, then on to the provider. The
//! model decides when it appears (`login_default::redirect_target`).

use leptos::prelude::*;

use qufabric_model::login_default::REDIRECT_DELAY_MS;
use qufabric_model::LoginProvider;

#[component]
pub(super) fn DefaultRedirect(
    provider: LoginProvider,
    /// Whether email sign-in is on (then the notice offers it).
    email_allowed: bool,
    /// Start the sign-in with a connector.
    begin: Callback<String>,
) -> impl IntoView {
    let cancelled = RwSignal::new(false);
    let connector = provider.id.clone();
    let timer = set_timeout_with_handle(
        move || {
            if !cancelled.get_untracked() {
                begin.run(connector);
            }
        },
        std::time::Duration::from_millis(u64::from(REDIRECT_DELAY_MS)),
    )
    .ok();
    let stop = move || {
        cancelled.set(true);
        if let Some(timer) = timer {
            timer.clear();
        }
    };
    on_cleanup(stop);
    let name = provider.name.clone();
    view! {
        <div class="notice notice-info default-redirect" role="status" id="default-redirect">
            <Show when=move || !cancelled.get()
                fallback=move || view! { <p>"Staying here: choose how to sign in."</p> }>
                <p><strong>{format!("Redirecting to {name}…")}</strong></p>
                <div class="form-actions">
                    <button type="button" class="button secondary" on:click=move |_| stop()>"Cancel"</button>
                    {email_allowed.then(|| view! {
                        // A full page load: the login screen starts again, without the move.
                        <a href="/login?local=1" rel="external">"Sign in with email instead"</a>
                    })}
                </div>
            </Show>
        </div>
    }
}
