//! The host page of an embedded element, as the API client and the pages see it: the
//! `Authorization` header comes from the host's `getAuthorization` function, events go to
//! the element, and everything the element started ends when it is removed.
//!
//! The state lives in a thread-local table, not in the reactive arena, because requests
//! finishing after the element was removed must be able to ask "am I still wanted?"
//! without touching a disposed signal (which would panic and abort the shared wasm).

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A link to one mounted element. `Copy`: an id into the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostLink(u32);

impl HostLink {
    pub fn id(self) -> u32 {
        self.0
    }
}

struct HostState {
    element: web_sys::HtmlElement,
    /// Returns the host's current `getAuthorization` function (or `undefined`).
    authorization: Function,
    /// Aborts every request of the element when it is removed.
    aborter: Option<web_sys::AbortController>,
    /// The host's function failed or a 401 persisted: the element waits for a new one.
    session_required: bool,
}

thread_local! {
    static HOSTS: RefCell<HashMap<u32, HostState>> = RefCell::new(HashMap::new());
    static NEXT_ID: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
    /// The host functions seen as `getAuthorization`, each with a number (the newest
    /// last, a few kept): elements given the same function share their kept answers.
    static AUTHORIZATIONS: RefCell<Vec<(Function, u32)>> = const { RefCell::new(Vec::new()) };
    static NEXT_AUTHORIZATION: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
}

/// How many `getAuthorization` functions are remembered (a host making a new function per
/// mount would otherwise grow the list).
const AUTHORIZATIONS_KEPT: usize = 8;

/// The number of the element's current `getAuthorization` function (the same function
/// object gives the same number), or `None` while the host has set none.
pub fn authorization_id(link: HostLink) -> Option<u32> {
    let getter = HOSTS.with(|h| h.borrow().get(&link.0).map(|s| s.authorization.clone()))?;
    let function = getter
        .call0(&JsValue::NULL)
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    AUTHORIZATIONS.with(|known| {
        let mut known = known.borrow_mut();
        if let Some((_, id)) = known.iter().find(|(f, _)| js_sys::Object::is(f, &function)) {
            return Some(*id);
        }
        let id = NEXT_AUTHORIZATION.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1).max(1));
            id
        });
        if known.len() >= AUTHORIZATIONS_KEPT {
            known.remove(0);
        }
        known.push((function, id));
        Some(id)
    })
}

/// Register a mounted element. `authorization` is called with no arguments and returns
/// the host's `getAuthorization` function as it is at that moment.
pub fn register(element: web_sys::HtmlElement, authorization: Function) -> HostLink {
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1).max(1));
        id
    });
    HOSTS.with(|h| {
        h.borrow_mut().insert(
            id,
            HostState {
                element,
                authorization,
                aborter: web_sys::AbortController::new().ok(),
                session_required: false,
            },
        )
    });
    HostLink(id)
}

/// The element is gone: abort its requests and forget it.
pub fn close(link: HostLink) {
    crate::api::element_closed(link.0);
    let state = HOSTS.with(|h| h.borrow_mut().remove(&link.0));
    if let Some(aborter) = state.and_then(|s| s.aborter) {
        aborter.abort();
    }
}

pub fn is_closed(link: HostLink) -> bool {
    HOSTS.with(|h| !h.borrow().contains_key(&link.0))
}

/// Whether the element is waiting for the host to authorise again.
pub fn session_required(link: HostLink) -> bool {
    HOSTS.with(|h| h.borrow().get(&link.0).is_some_and(|s| s.session_required))
}

/// The signal that aborts when the element is removed.
pub fn abort_signal(link: HostLink) -> Option<web_sys::AbortSignal> {
    HOSTS.with(|h| {
        h.borrow()
            .get(&link.0)
            .and_then(|s| s.aborter.as_ref().map(|a| a.signal()))
    })
}

/// The full `Authorization` header value from the host's function (`"Bearer …"` or
/// `"Token …"`). Missing function, a throw, a rejection or a non-string are errors.
pub async fn authorization(link: HostLink) -> Result<String, String> {
    let getter = HOSTS.with(|h| h.borrow().get(&link.0).map(|s| s.authorization.clone()));
    let Some(getter) = getter else {
        return Err("the element was removed".into());
    };
    let function = getter
        .call0(&JsValue::NULL)
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or("the host page has not set getAuthorization")?;
    let answer = function
        .call0(&JsValue::NULL)
        .map_err(|_| "getAuthorization threw an error".to_string())?;
    // A plain string is accepted as well as a Promise of one.
    let value = match answer.dyn_into::<Promise>() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|_| "getAuthorization was rejected".to_string())?,
        Err(value) => value,
    };
    let header = value
        .as_string()
        .ok_or("getAuthorization did not give a string")?;
    let header = header.trim().to_string();
    if header.is_empty() {
        return Err("getAuthorization gave an empty value".into());
    }
    Ok(header)
}

/// A request went through: the element is authorised again.
pub fn authorised(link: HostLink) {
    HOSTS.with(|h| {
        if let Some(state) = h.borrow_mut().get_mut(&link.0) {
            state.session_required = false;
        }
    });
}

/// The host's authorization failed: tell the host (once per failure spell).
pub fn require_session(link: HostLink, why: &str) {
    let first = HOSTS.with(|h| {
        h.borrow_mut().get_mut(&link.0).is_some_and(|s| {
            let first = !s.session_required;
            s.session_required = true;
            first
        })
    });
    if first {
        web_sys::console::warn_1(&JsValue::from_str(&format!(
            "qufabric: the host page's authorization failed ({why}); waiting for getAuthorization to be set again"
        )));
        emit(
            link,
            "qufabric:session-required",
            &serde_json::json!({ "reason": why }),
            false,
        );
    }
}

/// The directive of the host page's Content-Security-Policy that blocked a request of
/// this page to `origin`, as the element's script heard it (`policyBlocking`).
pub fn policy_blocking(link: HostLink, origin: &str) -> Option<String> {
    let element = HOSTS.with(|h| h.borrow().get(&link.0).map(|s| s.element.clone()))?;
    let method = Reflect::get(&element, &JsValue::from_str("policyBlocking"))
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    method
        .call1(&element, &JsValue::from_str(origin))
        .ok()?
        .as_string()
}

/// Dispatch a bubbling, composed `CustomEvent` on the element with `detail`; `true` when
/// the event is `cancelable` and the host called `preventDefault` on it.
pub fn emit(link: HostLink, name: &str, detail: &serde_json::Value, cancelable: bool) -> bool {
    let element = HOSTS.with(|h| h.borrow().get(&link.0).map(|s| s.element.clone()));
    let Some(element) = element else {
        return false;
    };
    let detail = serde_json::to_string(detail)
        .ok()
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .unwrap_or(JsValue::NULL);
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(cancelable);
    init.set_detail(&detail);
    let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) else {
        return false;
    };
    // `dispatchEvent` answers false when a listener cancelled the event.
    element.dispatch_event(&event).is_ok_and(|went_on| !went_on)
}

/// `AbortSignal.any([a, b])` where the browser has it; otherwise `a` alone.
pub fn either_signal(a: &web_sys::AbortSignal, b: &web_sys::AbortSignal) -> web_sys::AbortSignal {
    let constructor = Reflect::get(&js_sys::global(), &JsValue::from_str("AbortSignal")).ok();
    let has_any = constructor
        .and_then(|c| Reflect::get(&c, &JsValue::from_str("any")).ok())
        .is_some_and(|f| f.is_function());
    if has_any {
        web_sys::AbortSignal::any(&js_sys::Array::of2(a, b))
    } else {
        a.clone()
    }
}
