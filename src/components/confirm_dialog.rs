//! A modal confirmation. Focus moves into it when it opens (to the safe choice), Escape or
//! Cancel closes it, and focus goes back to whatever opened it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn ConfirmDialog(
    open: RwSignal<bool>,
    #[prop(into)] title: Signal<String>,
    #[prop(into)] confirm_label: Signal<String>,
    on_confirm: Callback<()>,
    #[prop(optional)] danger: bool,
    #[prop(optional, into)] busy: Signal<bool>,
    children: ChildrenFn,
) -> impl IntoView {
    let cancel = NodeRef::<leptos::html::Button>::new();
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |_| {
        if open.get() {
            let active = crate::browser::deep_active_element()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            opener.set_value(active);
            request_animation_frame(move || {
                if let Some(button) = cancel.get_untracked() {
                    let _ = button.focus();
                }
            });
        }
    });
    let close = move || {
        open.set(false);
        if let Some(element) = opener.get_value() {
            let _ = element.focus();
        }
    };
    let children = StoredValue::new(children);
    view! {
        <Show when=move || open.get()>
            <div class="dialog-backdrop">
                <div
                    class="dialog"
                    role="alertdialog"
                    aria-modal="true"
                    aria-labelledby="confirm-title"
                    aria-describedby="confirm-body"
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        if ev.key() == "Escape" {
                            close();
                        }
                    }
                >
                    <h2 id="confirm-title">{move || title.get()}</h2>
                    <div id="confirm-body">{children.with_value(|c| c())}</div>
                    <div class="dialog-actions">
                        <button type="button" class="button secondary" node_ref=cancel on:click=move |_| close()>"Cancel"</button>
                        <button
                            type="button"
                            class=if danger { "button danger" } else { "button" }
                            disabled=move || busy.get()
                            on:click=move |_| on_confirm.run(())
                        >
                            {move || confirm_label.get()}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
