//! An on/off switch: a button with `role="switch"`, labelled by its visible label.

use leptos::prelude::*;

#[component]
pub fn Switch(
    id: &'static str,
    label: &'static str,
    checked: RwSignal<bool>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="switch-row">
            <button type="button" role="switch" id=id class="switch"
                aria-checked=move || if checked.get() { "true" } else { "false" }
                disabled=move || disabled.get()
                on:click=move |_| checked.update(|c| *c = !*c)>
                <span class="switch-knob" aria-hidden="true"></span>
            </button>
            <label for=id>{label}</label>
        </div>
    }
}
