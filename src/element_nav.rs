//! An embedded element's own navigation. The host page owns the address bar (and may
//! have a router of its own), so the element keeps its location in a signal and tells
//! the host when the user moves (`qufabric:location-change`); the host may show another
//! place by setting `location`, which moves the element without telling it back. Only
//! under `base-path` (hosts without a router) does the element write the address bar
//! itself, with `pushState`, and come back with the back button through `popstate`. The
//! only history listener of the dashboard lives here; the standalone app's navigation is
//! leptos_router's ([`crate::nav::provide_router_nav`]).

use std::rc::Rc;

use leptos::prelude::*;
use qufabric_model::element_paths::{from_browser_path, sub_path, to_browser_path};

use crate::nav::{ElementLinks, Go, Nav, PROVIDERS_PATH};

/// Told of every move the user makes: (the element's sub-path, whether the move replaces
/// the current history entry rather than adding one).
pub type Moved = Rc<dyn Fn(&str, bool)>;

/// An element's own navigation, starting at `start`; returns the location, which the
/// host's `location` sets. With `base_path`, moves are pushed to the browser history and
/// the back button comes back through `popstate` (the listener goes with the element's
/// owner).
pub fn provide_element_nav(start: String, links: ElementLinks, moved: Moved) -> RwSignal<String> {
    let location = RwSignal::new(start);
    let base_path = links.base_path.clone();
    let reflect = base_path.clone();
    let told = Rc::clone(&moved);
    let go: Go = Rc::new(move |to: &str, replace: bool| {
        if location.with_untracked(|now| now == to) {
            return;
        }
        if let Some(base) = reflect.as_deref() {
            crate::browser::push_history(&to_browser_path(base, to), replace);
        }
        location.set(to.to_string());
        told(&sub_path(to), replace);
    });
    if let Some(base) = base_path {
        // Back to an address outside the base path (the host's page the element started
        // on): the element's first page.
        let listener = window_event_listener(leptos::ev::popstate, move |_| {
            let app = from_browser_path(&base, &crate::browser::current_path_and_query())
                .unwrap_or_else(|| PROVIDERS_PATH.to_string());
            if location.with_untracked(|now| *now != app) {
                location.set(app.clone());
                // The history entry is already there: the host must not add one.
                moved(&sub_path(&app), true);
            }
        });
        on_cleanup(move || listener.remove());
    }
    provide_context(Nav::new(location.into(), go, Some(links)));
    location
}
