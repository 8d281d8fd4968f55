//! Navigation between the pages without assuming who owns the address bar.
//!
//! In the standalone app leptos_router owns the URL and [`provide_router_nav`] is a thin
//! face over it. In an embedded element the host page owns the URL and leptos_router
//! cannot live there (its `Router` takes over `window.location` and every same-origin
//! link click on the page), so an element keeps its own location
//! ([`crate::element_nav`]). The pages see the same [`Nav`] either way and never call a
//! router hook or `<A>` themselves: those panic outside a `<Router>`, and a panic in an
//! element would kill every element on the host page.

use std::rc::Rc;

use leptos::prelude::*;
use qufabric_model::bundles::Bundle;

use qufabric_model::element_paths;

/// Where the Identity Providers pages live in the app's own paths.
pub const PROVIDERS_PATH: &str = "/settings/identity-providers";

/// How to move to another page: (app path with query, replace the history entry).
pub type Go = Rc<dyn Fn(&str, bool)>;

/// How an element writes the addresses of its links (its host owns them all).
#[derive(Clone, Default)]
pub struct ElementLinks {
    /// `base-path`: the element shows its location in the address bar under it.
    pub base_path: Option<String>,
    /// `href-template`: the host's address of a sub-path, with `{path}` in it.
    pub href_template: Option<String>,
    /// `users-href`: the host's Users page, if it has one.
    pub users_href: Option<String>,
}

/// The navigation of the pages below, from context. `Copy`.
#[derive(Clone, Copy)]
pub struct Nav {
    /// The app path with its query, e.g. `/settings/identity-providers/new?saved=1`.
    location: Signal<String>,
    go: StoredValue<Go, LocalStorage>,
    /// `None` in the standalone app; an element's way of writing link addresses.
    element: StoredValue<Option<ElementLinks>>,
}

impl Nav {
    /// A navigation over `location` that moves with `go`; `element` says how an element
    /// writes its links (`None`: the standalone app, where every page has an address).
    pub fn new(location: Signal<String>, go: Go, element: Option<ElementLinks>) -> Nav {
        Nav {
            location,
            go: StoredValue::new_local(go),
            element: StoredValue::new(element),
        }
    }

    /// The app path without its query, read reactively.
    pub fn path(&self) -> String {
        self.location.with(|l| split_location(l).0.to_string())
    }

    /// The app path without its query, as it is now (a page reading where it was opened).
    pub fn path_untracked(&self) -> String {
        self.location
            .with_untracked(|l| split_location(l).0.to_string())
    }

    /// A query parameter of the current location, read reactively.
    pub fn query_tracked(&self, name: &str) -> Option<String> {
        self.location
            .with(|l| crate::browser::query_value(split_location(l).1, name))
    }

    /// A query parameter of the current location.
    pub fn query(&self, name: &str) -> Option<String> {
        self.location
            .with_untracked(|l| crate::browser::query_value(split_location(l).1, name))
    }

    /// Go to an app path (with query).
    pub fn go(&self, to: &str, replace: bool) {
        if let Some(go) = self.go.try_with_value(Rc::clone) {
            go(to, replace);
        }
    }

    /// The `href` of a link to an app page inside this view. In an element, an address
    /// of its host (`qufabric_model::element_paths::link_href`), never one of the API
    /// server, which need not serve the standalone dashboard.
    pub fn href(&self, to: &str) -> String {
        self.element.with_value(|element| match element {
            None => to.to_string(),
            Some(links) => element_paths::link_href(
                to,
                links.base_path.as_deref(),
                links.href_template.as_deref(),
                &crate::browser::current_href(),
            ),
        })
    }

    /// The address of the Users page showing who signs in with `provider_id`: the
    /// standalone app's own page, or the host's (`users-href`), or none.
    pub fn users_href(&self, provider_id: &str) -> Option<String> {
        self.element.with_value(|element| match element {
            None => Some(format!(
                "{}?provider={}",
                qufabric_model::answers::USERS_PAGE,
                qufabric_model::oidc::form_body(&[("x", provider_id)]).trim_start_matches("x=")
            )),
            Some(links) => links.users_href.clone(),
        })
    }

    /// Whether clicks on in-view links are handled by each link (an element) rather than
    /// by the router.
    pub fn is_element(&self) -> bool {
        self.element.with_value(Option::is_some)
    }

    /// The `rel` of a link to `to`: `external` for a page this build does not have (the
    /// other bundle), so the router lets the browser load it instead of showing this
    /// build's not-found page.
    pub fn rel(&self, to: &str) -> Option<&'static str> {
        (!self.is_element() && !in_this_build(to)).then_some("external")
    }
}

/// Whether this build has the page at `to` (the development build has every page).
pub fn in_this_build(to: &str) -> bool {
    match qufabric_model::bundles::bundle_of(to) {
        Bundle::Login => cfg!(feature = "login-pages"),
        Bundle::Onboarding => cfg!(feature = "onboarding-pages"),
        Bundle::Settings => cfg!(feature = "settings-pages"),
    }
}

/// `/a/b?x=1` → (`/a/b`, `x=1`).
pub fn split_location(location: &str) -> (&str, &str) {
    location.split_once('?').unwrap_or((location, ""))
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

/// The standalone app's navigation over leptos_router (call inside its `Router`). A move
/// to a page of the other bundle is a full page load: this build cannot show it.
pub fn provide_router_nav() {
    let location = leptos_router::hooks::use_location();
    let navigate = leptos_router::hooks::use_navigate();
    let current = Signal::derive(move || {
        let path = location.pathname.get();
        location
            .search
            .with(|search| match search.trim_start_matches('?') {
                "" => path,
                query => format!("{path}?{query}"),
            })
    });
    let go: Go = Rc::new(move |to: &str, replace: bool| {
        if !in_this_build(to) {
            crate::browser::load_page(to, replace);
            return;
        }
        let options = leptos_router::NavigateOptions {
            replace,
            ..Default::default()
        };
        navigate(to, options);
    });
    provide_context(Nav::new(current, go, None));
}

/// The navigation from context; without one (a page mounted alone), a fixed location
/// that goes nowhere, never a panic.
pub fn use_nav() -> Nav {
    use_context::<Nav>().unwrap_or_else(|| {
        let go: Go = Rc::new(|_: &str, _: bool| {});
        let location = Signal::derive(|| PROVIDERS_PATH.to_string());
        Nav::new(location, go, None)
    })
}

/// A click that follows a link in place: the main button, no modifier (those open a new
/// tab or window, which the browser must keep doing).
pub fn is_plain_click(ev: &leptos::ev::MouseEvent) -> bool {
    ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key())
}

/// A link to another page of this view: a plain anchor. In the standalone app the
/// router takes clicks on same-origin anchors; in an element the click navigates
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
        if nav.is_element() && is_plain_click(&ev) && !ev.default_prevented() {
            ev.prevent_default();
            nav.go(&target, false);
        }
    };
    view! { <a href=nav.href(&href) class=class on:click=on_click>{children()}</a> }
}
