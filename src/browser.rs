//! The few browser facilities the dashboard uses, wrapped so that nothing here can panic:
//! every missing object (no window, storage disabled, no crypto) is an `Option`/`Result`.

use wasm_bindgen::{JsCast, JsValue};

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// `location.origin`, e.g. `http://127.0.0.1:8080`.
pub fn origin() -> String {
    window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// `location.search` including the leading `?` (or empty).
pub fn search() -> String {
    window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The first value of `key` in a query string (with or without its `?`), decoded by the
/// browser's `URLSearchParams`: the same answer as the model's `oidc::query_value`, without
/// carrying a decoder in the bundle (README, Size).
pub fn query_value(query: &str, key: &str) -> Option<String> {
    web_sys::UrlSearchParams::new_with_str(query).ok()?.get(key)
}

/// The page's whole address (`location.href`), or empty.
pub fn current_href() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// Path plus query of the current page (`/a/b?x=1`, or `/`), for "come back here after
/// sign-in".
pub fn current_path_and_query() -> String {
    let Some(location) = window().map(|w| w.location()) else {
        return "/".into();
    };
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    let query = location.search().unwrap_or_default();
    format!("{path}{query}")
}

/// Show `path` in the address bar without loading it (an element under `base-path`).
pub fn push_history(path: &str, replace: bool) {
    let Some(history) = window().and_then(|w| w.history().ok()) else {
        return;
    };
    let _ = if replace {
        history.replace_state_with_url(&JsValue::NULL, "", Some(path))
    } else {
        history.push_state_with_url(&JsValue::NULL, "", Some(path))
    };
}

/// The first match of `selector` in the document or shadow root that holds `node`.
pub fn query_in_root_of(node: &web_sys::Node, selector: &str) -> Option<web_sys::Element> {
    let root = node.get_root_node();
    if let Some(fragment) = root.dyn_ref::<web_sys::DocumentFragment>() {
        return fragment.query_selector(selector).ok().flatten();
    }
    root.dyn_ref::<web_sys::Document>()
        .and_then(|d| d.query_selector(selector).ok().flatten())
}

/// The focused element, looking through open shadow roots (inside an embedded element
/// the document only knows the host element).
pub fn deep_active_element() -> Option<web_sys::Element> {
    let mut active = window()?.document()?.active_element()?;
    while let Some(inner) = active.shadow_root().and_then(|r| r.active_element()) {
        active = inner;
    }
    Some(active)
}

/// Load a page of this origin in place of the running app (a page of the other bundle):
/// `replace` keeps the current page out of the history, as a redirect would.
pub fn load_page(path: &str, replace: bool) {
    if let Some(window) = window() {
        let location = window.location();
        let _ = if replace {
            location.replace(path)
        } else {
            location.assign(path)
        };
    }
}

/// Leave the single-page app (to the IdP).
pub fn go_to(url: &str) {
    if let Some(window) = window() {
        let _ = window.location().assign(url);
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    window().and_then(|w| w.session_storage().ok().flatten())
}

/// sessionStorage only: tokens and drafts must not outlive the tab.
pub fn session_get(key: &str) -> Option<String> {
    session_storage().and_then(|s| s.get_item(key).ok().flatten())
}

pub fn session_set(key: &str, value: &str) -> bool {
    session_storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

pub fn session_remove(key: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.remove_item(key);
    }
}

/// The one thing kept across tabs and visits: which way of signing in was used last (a
/// provider id or `local`), so the login screen can mark it. Never a token or a draft.
pub fn last_connector() -> Option<String> {
    window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(LAST_CONNECTOR_KEY).ok().flatten())
}

pub fn remember_last_connector(connector_id: &str) {
    if let Some(storage) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(LAST_CONNECTOR_KEY, connector_id);
    }
}

/// localStorage key of [`last_connector`].
pub const LAST_CONNECTOR_KEY: &str = "qufabric.last_connector";

/// 32 bytes from `crypto.getRandomValues` (present on plain http too, unlike
/// `crypto.subtle`). `None` when the browser offers no CSPRNG: then we refuse to sign in
/// rather than use weak randomness.
pub fn random_bytes() -> Option<[u8; 32]> {
    let crypto = window()?.crypto().ok()?;
    let mut bytes = [0u8; 32];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes)
}

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The `content` of `<meta name="...">`, if the page has one.
pub fn meta_content(name: &str) -> Option<String> {
    let document = window()?.document()?;
    let element = document
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()??;
    element
        .dyn_into::<web_sys::HtmlMetaElement>()
        .ok()
        .map(|meta| meta.content())
}
