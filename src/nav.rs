//! Navigation between the settings pages without assuming who owns the address bar.
//!
//! In the standalone app the page owns the URL: [`provide_browser_nav`] keeps it in a
//! signal, in step with the history. In an embedded element the host page owns the URL,
//! so the element keeps its location in a signal of its own, and reflects it under
//! `base-path` with `pushState`/`popstate` when the host asks for that. The pages see the
//! same [`Nav`] either way. (No router crate: six routes and one id did not justify its
//! size; see the README's size table.)

use std::rc::Rc;

use leptos::prelude::*;

/// Where the Identity Providers pages live in the app's own paths.
pub const PROVIDERS_PATH: &str = "/settings/identity-providers";

/// How to move to another page: (app path with query, replace the history entry).
type Go = Rc<dyn Fn(&str, bool)>;

/// The navigation of the pages below, from context. `Copy`.
#[derive(Clone, Copy)]
pub struct Nav {
    /// The app path with its query, e.g. `/settings/identity-providers/new?saved=1`.
    location: Signal<String>,
    go: StoredValue<Go, LocalStorage>,
    /// Where links to pages outside the element point (the standalone dashboard at the
    /// management server's origin); empty in the standalone app.
    outside_origin: StoredValue<String>,
    /// The URL prefix of in-element links (`base-path`), if the element shows its
    /// location in the address bar.
    base_path: StoredValue<Option<String>>,
}

impl Nav {
    /// The app path without its query.
    pub fn path(&self) -> String {
        self.location.with(|l| split_location(l).0.to_string())
    }

    /// A query parameter of the current location, read reactively.
    pub fn query_tracked(&self, name: &str) -> Option<String> {
        self.location
            .with(|l| qufabric_model::oidc::query_value(split_location(l).1, name))
    }

    /// A query parameter of the current location.
    pub fn query(&self, name: &str) -> Option<String> {
        self.location
            .with_untracked(|l| qufabric_model::oidc::query_value(split_location(l).1, name))
    }

    /// Go to an app path (with query).
    pub fn go(&self, to: &str, replace: bool) {
        if let Some(go) = self.go.try_with_value(Rc::clone) {
            go(to, replace);
        }
    }

    /// The `href` of a link to an app page inside this view.
    pub fn href(&self, to: &str) -> String {
        match self.base_path.get_value() {
            Some(base) => to_browser_path(&base, to),
            None if self.outside_origin.with_value(String::is_empty) => to.to_string(),
            // An element without base-path: links still carry a real address (open in a
            // new tab works), that of the standalone dashboard.
            None => self.outside_href(to),
        }
    }

    /// The `href` of a page that only the standalone dashboard has (help, users).
    pub fn outside_href(&self, to: &str) -> String {
        format!("{}{to}", self.outside_origin.get_value())
    }

    /// Whether clicks on in-view links are handled by each link (an element) rather than
    /// by the standalone app's window click handler.
    pub fn is_element(&self) -> bool {
        !self.outside_origin.with_value(String::is_empty)
    }
}

/// `/a/b?x=1` → (`/a/b`, `x=1`).
pub fn split_location(location: &str) -> (&str, &str) {
    location.split_once('?').unwrap_or((location, ""))
}

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

/// The provider a form path is about: `Some(id)` for `/settings/identity-providers/{id}`,
/// `None` for `/new` and the list.
pub fn provider_id_in(path: &str) -> Option<String> {
    let rest = path.strip_prefix(PROVIDERS_PATH)?.strip_prefix('/')?;
    (!rest.is_empty() && rest != "new" && !rest.contains('/')).then(|| rest.to_string())
}

/// The address of a provider's form (its id as one path segment).
pub fn provider_path(id: &str) -> String {
    format!("{PROVIDERS_PATH}/{}", crate::api::encode_segment(id))
}

/// The standalone app's navigation: the page owns the address bar. The location is a
/// signal; moves are pushed to the browser history, the back button comes back through
/// `popstate`, and a plain click on any same-origin link to an app page (not `/api/`, not
/// the IdP's `/oauth2/`, not one a handler already took) moves without reloading.
pub fn provide_browser_nav() {
    let location = RwSignal::new(crate::browser::current_path_and_query());
    let go: Go = Rc::new(move |to: &str, replace: bool| {
        crate::browser::push_history(to, replace);
        let to = to.to_string();
        // The new page is drawn after the code that asked has finished (as a router
        // does): a page's effect that moves on must not tear down the page it runs in.
        leptos::task::spawn_local(async move {
            location.try_set(to);
        });
    });
    let back = window_event_listener(leptos::ev::popstate, move |_| {
        location.set(crate::browser::current_path_and_query());
    });
    let follow = Rc::clone(&go);
    let links = window_event_listener(leptos::ev::click, move |ev| {
        if let Some(to) = in_app_link_target(&ev) {
            ev.prevent_default();
            follow(&to, false);
        }
    });
    on_cleanup(move || {
        back.remove();
        links.remove();
    });
    provide_context(Nav {
        location: location.into(),
        go: StoredValue::new_local(go),
        outside_origin: StoredValue::new(String::new()),
        base_path: StoredValue::new(None),
    });
}

/// The app path a click should move to without reloading: a plain primary click on a
/// same-origin `<a href>` without `target` or `download`, not already handled, to a path
/// that is not the API's or the IdP's.
fn in_app_link_target(ev: &web_sys::MouseEvent) -> Option<String> {
    use wasm_bindgen::JsCast;
    let modified = ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key();
    if ev.default_prevented() || ev.button() != 0 || modified {
        return None;
    }
    // Inside a shadow root the target is retargeted; the composed path has the anchor.
    let anchor = ev
        .composed_path()
        .iter()
        .find_map(|node| node.dyn_into::<web_sys::HtmlAnchorElement>().ok())?;
    if anchor.has_attribute("download") || !anchor.target().is_empty() {
        return None;
    }
    let href = anchor.get_attribute("href")?;
    let url = web_sys::Url::new_with_base(&href, &crate::browser::origin()).ok()?;
    if url.origin() != crate::browser::origin() {
        return None;
    }
    let path = url.pathname();
    if path.starts_with("/api/") || path.starts_with("/oauth2/") || path == "/oauth2" {
        return None;
    }
    Some(format!("{path}{}", url.search()))
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
    provide_context(Nav {
        location: location.into(),
        go: StoredValue::new_local(go),
        outside_origin: StoredValue::new(outside_origin),
        base_path: StoredValue::new(base_path),
    });
}

/// The navigation from context; without one (a page mounted alone), a fixed location
/// that goes nowhere, never a panic.
pub fn use_nav() -> Nav {
    use_context::<Nav>().unwrap_or_else(|| {
        let go: Go = Rc::new(|_: &str, _: bool| {});
        Nav {
            location: Signal::derive(|| PROVIDERS_PATH.to_string()),
            go: StoredValue::new_local(go),
            outside_origin: StoredValue::new(String::new()),
            base_path: StoredValue::new(None),
        }
    })
}

/// A link to another page of this view: a plain anchor. In the standalone app
/// [`provide_browser_nav`] takes clicks on same-origin anchors; in an element the click navigates
/// inside the element (modified clicks — new tab, new window — keep the browser's
/// behaviour). No `aria-current` (the settings tabs have their own link for that), so a
/// list of a thousand rows costs a thousand anchors, not a thousand reactive links.
#[component]
pub fn NavLink(
    href: String,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    let nav = use_nav();
    let target = href.clone();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let plain =
            ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key());
        if nav.is_element() && plain && !ev.default_prevented() {
            ev.prevent_default();
            nav.go(&target, false);
        }
    };
    view! { <a href=nav.href(&href) class=class on:click=on_click>{children()}</a> }
}
