//! Words from the model where `backticks` mark a name to type or look for (a claim, a
//! scope, a setting): drawn as `<code>`, not as backticks.

use leptos::prelude::*;

/// `text` with each `…` part as code.
#[component]
pub fn CodedText(#[prop(into)] text: String) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                view! { <code>{part.to_string()}</code> }.into_any()
            } else {
                part.to_string().into_any()
            }
        })
        .collect_view()
}
