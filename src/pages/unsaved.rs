//! What every settings form does with unsaved edits: tell the settings layout (whose links
//! then ask before leaving), ask before a reload or closing the tab, and keep the edits —
//! never a secret — in sessionStorage while they differ from what is stored, so that a
//! session that ends mid-edit (or a reload) brings them back after sign-in.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::pages::UnsavedChanges;

/// A kept draft: which page (and record) it belongs to, and the edits.
#[derive(Serialize, Deserialize)]
struct Kept<T> {
    scope: String,
    draft: T,
}

/// The draft kept under `key` for `scope`, if any.
pub fn read_kept_draft<T: DeserializeOwned>(key: &str, scope: &str) -> Option<T> {
    crate::browser::session_get(key)
        .and_then(|json| serde_json::from_str::<Kept<T>>(&json).ok())
        .filter(|kept| kept.scope == scope)
        .map(|kept| kept.draft)
}

/// Guard the page's unsaved edits (`dirty`) and keep them under `key` for `scope`.
/// `current` builds the draft from the form's signals; `ready` says whether a kept draft
/// has been restored already (until then an unchanged form must not drop it).
pub fn guard_unsaved_edits<T: Serialize + 'static>(
    key: &'static str,
    scope: String,
    dirty: Memo<bool>,
    ready: StoredValue<bool>,
    current: impl Fn() -> T + 'static,
) {
    Effect::new(move |_| {
        let kept = Kept {
            scope: scope.clone(),
            draft: current(),
        };
        if dirty.get() {
            if let Ok(json) = serde_json::to_string(&kept) {
                crate::browser::session_set(key, &json);
            }
        } else if ready.get_value() {
            crate::browser::session_remove(key);
        }
    });
    // Leaving the page normally discards the edits; a session that ended keeps them for
    // the sign-in that follows.
    let api = crate::api::use_api();
    on_cleanup(move || {
        if !api.authorization_lost() {
            crate::browser::session_remove(key);
        }
    });
    if let Some(UnsavedChanges(flag)) = use_context::<UnsavedChanges>() {
        Effect::new(move |_| flag.set(dirty.get()));
        on_cleanup(move || flag.set(false));
    }
    let leave_guard = window_event_listener(leptos::ev::beforeunload, move |event| {
        if dirty.try_get_untracked().unwrap_or(false) {
            event.prevent_default();
            event.set_return_value("You have unsaved changes.");
        }
    });
    on_cleanup(move || leave_guard.remove());
}
