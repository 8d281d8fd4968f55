//! An embedded element's own navigation. The host page owns the address bar (and may
//! have a router of its own), so the element keeps its location in a signal. Under
//! `base-path` it also shows that location in the address bar with `pushState` and comes
//! back with the browser's back button through `popstate`. The only history listener of
//! the dashboard lives here; the standalone app's navigation is leptos_router's
//! ([`crate::nav::provide_router_nav`]).

use std::rc::Rc;

use leptos::prelude::*;

use crate::nav::{Go, Nav, PROVIDERS_PATH};

/// The address-bar path of an app path under `base`:
/// (`/admin/sso`, `/settings/identity-providers/new`) → `/admin/sso/new`.
pub fn to_browser_path(base: &str, app_path: &str) -> String {
    let base = base.trim_end_matches('/');
    let rest = app_path.strip_prefix(PROVIDERS_PATH).unwrap_or(app_path);
    if rest.is_empty() || rest.starts_with('?') {
        format!("{base}/{rest}")
    } else {
        format!("{base}{rest}")
    }
}

/// The app path an address-bar path under `base` stands for; `None` outside `base`.
pub fn from_browser_path(base: &str, browser_path: &str) -> Option<String> {
    let base = base.trim_end_matches('/');
    let rest = browser_path.strip_prefix(base)?;
    if !(rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')) {
        return None;
    }
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    Some(if rest.is_empty() || rest.starts_with('?') {
        format!("{PROVIDERS_PATH}{rest}")
    } else {
        format!("{PROVIDERS_PATH}/{rest}")
    })
}

/// An element's own navigation, starting at `start`. With `base_path`, moves are pushed
/// to the browser history and the back button comes back through `popstate` (the
/// listener goes with the element's owner).
pub fn provide_element_nav(start: String, outside_origin: String, base_path: Option<String>) {
    let location = RwSignal::new(start);
    let reflect = base_path.clone();
    let go: Go = Rc::new(move |to: &str, replace: bool| {
        if let Some(base) = reflect.as_deref() {
            crate::browser::push_history(&to_browser_path(base, to), replace);
        }
        location.set(to.to_string());
    });
    if let Some(base) = base_path.clone() {
        // Back to an address outside the base path (the host's page the element started
        // on): the element's first page.
        let listener = window_event_listener(leptos::ev::popstate, move |_| {
            let app = from_browser_path(&base, &crate::browser::current_path_and_query())
                .unwrap_or_else(|| PROVIDERS_PATH.to_string());
            location.set(app);
        });
        on_cleanup(move || listener.remove());
    }
    provide_context(Nav::new(location.into(), go, outside_origin, base_path));
}
