//! Work that belongs to a part of the page: it runs to its end while that part lives, and
//! is cancelled when the part goes, so an answer never acts on a view that is gone.

use leptos::prelude::*;

/// Tasks owned by the reactive owner current when this was made. `Copy`, so handlers can
/// hold it.
#[derive(Clone, Copy)]
pub struct OwnedTasks(StoredValue<Option<Owner>>);

impl OwnedTasks {
    /// Tasks of the current owner (a page, a layout, an element).
    pub fn here() -> OwnedTasks {
        OwnedTasks(StoredValue::new(Owner::current()))
    }

    pub fn spawn(&self, work: impl std::future::Future<Output = ()> + 'static) {
        match self.0.try_get_value() {
            Some(Some(owner)) => {
                owner.with(|| leptos::task::spawn_local_scoped_with_cancellation(work))
            }
            // No owner to belong to (a test harness): run it plainly.
            Some(None) => leptos::task::spawn_local(work),
            // The owner is gone: nothing to do for it.
            None => {}
        }
    }
}
