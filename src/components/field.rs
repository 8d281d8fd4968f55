//! A labelled text input with its hint and error wired through `aria-describedby`, and
//! `aria-invalid` only while there is an error.

use leptos::prelude::*;

#[component]
pub fn TextField(
    /// The input's id; the hint and error ids derive from it.
    id: &'static str,
    label: &'static str,
    /// Owned by the form, so nothing typed is lost when a request fails.
    value: RwSignal<String>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] placeholder: Option<&'static str>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}{required.then_some(view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            <input
                id=id
                name=id
                type=input_type
                autocomplete=autocomplete
                placeholder=placeholder
                required=required
                aria-describedby=described_by
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {hint.map(|text| view! { <p class="hint" id=hint_id.clone()>{text}</p> })}
            <p class="field-error" id=error_id.clone() hidden=move || error.with(Option::is_none)>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}
