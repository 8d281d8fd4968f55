//! What every settings page needs the same way: whether the signed-in user may change the
//! settings, and filling a form from what the server has stored.

use leptos::prelude::*;

use crate::pages::CurrentUser;

/// Whether the signed-in user may change the settings (owner, admin); false until known.
pub fn use_can_write() -> Signal<bool> {
    let me = use_context::<CurrentUser>()
        .map(|c| c.0)
        .unwrap_or_else(|| Signal::derive(|| None));
    Signal::derive(move || me.with(|u| u.as_ref().is_some_and(|u| u.role.can_write_settings())))
}

/// Fill the form with `apply` each time the stored record changes (not on every read of
/// it). Returns a callback that makes the next stored value fill the form even when it is
/// equal to the last, for after a save: the server's answer replaces what was typed.
pub fn use_loaded<T: Clone + PartialEq + Send + Sync + 'static>(
    stored: Signal<Option<T>>,
    apply: impl Fn(&T) + 'static,
) -> Callback<()> {
    let loaded_for = StoredValue::new(None::<T>);
    // A record already known (kept from an earlier mount) fills the form now, before
    // anything compares the form with it: an empty form would look edited, and replace a
    // kept draft with nothing.
    if let Some(record) = stored.get_untracked() {
        loaded_for.set_value(Some(record.clone()));
        apply(&record);
    }
    Effect::new(move |_| {
        if let Some(record) = stored.get() {
            if loaded_for.get_value().as_ref() != Some(&record) {
                loaded_for.set_value(Some(record.clone()));
                apply(&record);
            }
        }
    });
    Callback::new(move |()| loaded_for.set_value(None))
}

/// Runs a page's work (a save, a delete) to its end while the page lives; when the page
/// goes, the work is cancelled with it, so an answer never acts on a page that is gone
/// (no navigation from a page already left). Created with the page, used in its handlers.
pub type PageTasks = crate::tasks::OwnedTasks;

pub fn use_page_tasks() -> PageTasks {
    PageTasks::here()
}

/// Where a page's last action (a save, a change, a delete) stands: shown next to the
/// control that started it, never compared as text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ActionStatus {
    #[default]
    Idle,
    Running,
    /// Done, with the words that say so.
    Done(String),
    /// Failed, with the words that say why.
    Failed(String),
}

impl ActionStatus {
    pub fn is_running(&self) -> bool {
        matches!(self, ActionStatus::Running)
    }

    /// The confirmation for the status region beside the control.
    pub fn done(&self) -> String {
        match self {
            ActionStatus::Done(words) => words.clone(),
            _ => String::new(),
        }
    }

    pub fn failure(&self) -> Option<String> {
        match self {
            ActionStatus::Failed(words) => Some(words.clone()),
            _ => None,
        }
    }
}
