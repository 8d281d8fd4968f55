//! A read-only value with a Copy button. It uses the Clipboard API where the browser
//! offers it (secure contexts); elsewhere (plain http) it selects the text and says to press
//! Ctrl+C. The outcome is announced in a status region, and success is only claimed when
//! the browser confirmed it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Start copying `text` with the Clipboard API, if this page may use it. Everything is
/// looked up and called defensively (`Reflect`, `Function::call1`), so an odd or missing
/// `navigator.clipboard` is a `None`, never a thrown exception inside WebAssembly.
fn clipboard_write(text: &str) -> Option<js_sys::Promise> {
    let window = web_sys::window()?;
    if !window.is_secure_context() {
        return None;
    }
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).ok()?;
    if clipboard.is_undefined() || clipboard.is_null() {
        return None;
    }
    let write = js_sys::Reflect::get(&clipboard, &"writeText".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    write
        .call1(&clipboard, &text.into())
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()
}

#[component]
pub fn CopyField(
    id: &'static str,
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let hint = hint.filter(|h| !h.is_empty());
    let status = RwSignal::new(String::new());
    let input = NodeRef::<leptos::html::Input>::new();
    let status_id = format!("{id}-status");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() {
        format!("{hint_id} {status_id}")
    } else {
        status_id.clone()
    };
    let select_text = move || {
        if let Some(element) = input.try_get_untracked().flatten() {
            let _ = element.focus();
            element.select();
        }
    };
    let copy = move |_| {
        let text = value.get_untracked();
        status.set(String::new());
        match clipboard_write(&text) {
            Some(promise) => {
                leptos::task::spawn_local_scoped_with_cancellation(async move {
                    match wasm_bindgen_futures::JsFuture::from(promise).await {
                        Ok(_) => {
                            status.try_set("Copied to the clipboard.".to_string());
                        }
                        Err(_) => {
                            select_text();
                            status.try_set(
                                "The browser refused to copy. The text is selected: press Ctrl+C (⌘C on a Mac).".to_string(),
                            );
                        }
                    }
                });
            }
            None => {
                select_text();
                status.set(
                    "This page cannot copy for you (plain http). The text is selected: press Ctrl+C (⌘C on a Mac)."
                        .into(),
                );
            }
        }
    };
    view! {
        <div class="field copy-field">
            <label for=id>{label}</label>
            <div class="copy-row">
                <input id=id type="text" readonly node_ref=input aria-describedby=described prop:value=move || value.get()/>
                <button type="button" class="button secondary" on:click=copy aria-describedby=status_id.clone()>
                    "Copy"<span class="visually-hidden">" "{label}</span>
                </button>
            </div>
            {hint.map(|text| view! { <p class="hint" id=hint_id.clone()>{text}</p> })}
            <p class="status copy-status" id=status_id.clone() role="status" aria-live="polite">{move || status.get()}</p>
        </div>
    }
}
