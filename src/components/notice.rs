//! Messages: a polite status region that exists before it is filled (so screen readers
//! announce changes), and an error notice with an optional retry.

use leptos::prelude::*;

/// `role="status"`: always in the DOM, its text changes.
#[component]
pub fn StatusRegion(
    #[prop(into)] message: Signal<String>,
    #[prop(optional)] id: Option<&'static str>,
) -> impl IntoView {
    view! {
        <p class="status" role="status" aria-live="polite" id=id>
            {move || message.get()}
        </p>
    }
}

/// `role="alert"` with what happened, and a retry button when one is given.
#[component]
pub fn ErrorNotice(
    #[prop(into)] message: String,
    #[prop(optional)] on_retry: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="notice notice-error" role="alert">
            <p>{message}</p>
            {on_retry.map(|retry| view! {
                <button type="button" class="button secondary" on:click=move |_| retry.run(())>"Try again"</button>
            })}
        </div>
    }
}
