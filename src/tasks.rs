//! Work that belongs to a part of the page: it runs to its end while that part lives, and
//! is cancelled when the part goes, so an answer never acts on a view that is gone.

use leptos::prelude::*;
use leptos::reactive::owner::WeakOwner;

/// Tasks owned by the reactive owner current when this was made. `Copy`, so handlers can
/// hold it.
///
/// The owner is held weakly: a strong one, stored in that owner's own arena, would keep
/// it alive for ever (the root owner of an element is cleaned up only when its last
/// reference goes, and its listeners with it).
#[derive(Clone, Copy)]
pub struct OwnedTasks(StoredValue<Option<WeakOwner>>);

impl OwnedTasks {
    /// Tasks of the current owner (a page, a layout, an element).
    pub fn here() -> OwnedTasks {
        OwnedTasks(StoredValue::new(Owner::current().map(|o| o.downgrade())))
    }

    pub fn spawn(&self, work: impl std::future::Future<Output = ()> + 'static) {
        match self.0.try_get_value() {
            Some(Some(owner)) => {
                // Gone already: nothing to do for it.
                if let Some(owner) = owner.upgrade() {
                    owner.with(|| leptos::task::spawn_local_scoped_with_cancellation(work));
                }
            }
            // No owner to belong to (a test harness): run it plainly.
            Some(None) => leptos::task::spawn_local(work),
            // The owner is gone: nothing to do for it.
            None => {}
        }
    }
}
