//! The embedded elements (`--features embed`, built by `scripts/embed.sh`):
//! `<qufabric-identity-providers>` and `<qufabric-groups-settings>`. The custom element
//! classes are a few lines of JavaScript (`embed/qufabric-sso.js`: a wasm module cannot
//! extend `HTMLElement`); they call [`mount_element`] when an element connects and the
//! returned [`ElementHandle`] when it changes or goes.
//!
//! Each element renders into an open shadow root, styled by one constructed stylesheet
//! (no `<style>` element, which a strict `style-src` would refuse), without a router:
//! navigation goes through [`crate::nav`] and authorization through [`crate::host`].

use std::any::Any;

use js_sys::Function;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{provide_api, Api, ApiError};
use crate::components::ErrorNotice;
use crate::config::Config;
use crate::element_nav::{from_browser_path, provide_element_nav};
use crate::host::{self, HostLink};
use crate::nav::{use_nav, PROVIDERS_PATH};
use crate::pages::{
    CurrentUser, GroupsPage, IdentityProviderFormPage, IdentityProvidersPage, UnsavedChanges,
};
use qufabric_model::answers::GROUPS_PAGE;
use qufabric_model::{embedding, shadow_css};

const STYLESHEET: &str = include_str!("../style/main.css");

thread_local! {
    /// One constructed stylesheet, shared by every element.
    static SHEET: Option<web_sys::CssStyleSheet> = {
        let sheet = web_sys::CssStyleSheet::new().ok();
        if let Some(sheet) = &sheet {
            let _ = sheet.replace_sync(&shadow_css::for_shadow_root(STYLESHEET));
        }
        sheet
    };
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    IdentityProviders,
    GroupsSettings,
}

/// What the JavaScript element holds while connected.
#[wasm_bindgen]
pub struct ElementHandle {
    element: web_sys::HtmlElement,
    kind: Kind,
    authorization: Function,
    mounted: Option<Mounted>,
}

struct Mounted {
    link: Option<HostLink>,
    /// The host's `getAuthorization` when last seen (see `host::authorization_id`).
    authorization_id: Option<u32>,
    /// The Leptos mount (dropping it removes the nodes and disposes the reactive owner).
    view: Box<dyn Any>,
}

/// Mount an element of `kind` (`identity-providers` or `groups-settings`).
/// `authorization` returns the host's current `getAuthorization` function.
#[wasm_bindgen]
pub fn mount_element(
    kind: &str,
    element: web_sys::HtmlElement,
    authorization: Function,
) -> ElementHandle {
    let kind = if kind == "groups-settings" {
        Kind::GroupsSettings
    } else {
        Kind::IdentityProviders
    };
    let mut handle = ElementHandle {
        element,
        kind,
        authorization,
        mounted: None,
    };
    handle.mount();
    handle
}

#[wasm_bindgen]
impl ElementHandle {
    /// An observed attribute changed: a new origin or base path starts over (typed text
    /// is kept as a draft); a valid theme needs nothing (the stylesheet reads it).
    pub fn attribute_changed(&mut self, name: &str) {
        let theme = self.element.get_attribute("theme");
        let theme_only = name == "theme" && embedding::theme(theme.as_deref()).is_ok();
        let was_valid = self.mounted.as_ref().is_some_and(|m| m.link.is_some());
        if theme_only && was_valid {
            return;
        }
        self.unmount();
        self.mount();
    }

    /// The host set `getAuthorization` again: an element that was waiting for it starts
    /// over with it (what was typed comes back from the kept draft). A different function
    /// than the element had may speak for someone else: nothing kept is shown again.
    pub fn authorization_changed(&mut self) {
        if let Some(mounted) = self.mounted.as_mut() {
            let now = mounted.link.and_then(host::authorization_id);
            if mounted.authorization_id.is_some() && now != mounted.authorization_id {
                crate::api::forget_kept_answers();
            }
            mounted.authorization_id = now;
        }
        let waiting = self
            .mounted
            .as_ref()
            .and_then(|m| m.link)
            .is_some_and(host::session_required);
        if waiting {
            self.unmount();
            self.mount();
        }
    }

    /// The element left the document: abort its requests, remove its nodes and listeners,
    /// dispose its reactive owner.
    pub fn unmount(&mut self) {
        if let Some(mounted) = self.mounted.take() {
            // The view goes first: its cleanups still see whether the host's authorization
            // was lost (then a form keeps its draft for the next mount).
            drop(mounted.view);
            if let Some(link) = mounted.link {
                host::close(link);
            }
        }
        if let Some(root) = self.element.shadow_root() {
            while let Some(child) = root.first_child() {
                let _ = root.remove_child(&child);
            }
        }
    }
}

impl ElementHandle {
    fn mount(&mut self) {
        let Some(wrapper) = self.wrapper() else {
            return;
        };
        let theme = self.element.get_attribute("theme");
        let page_origin = crate::browser::origin();
        let checked = embedding::api_origin(
            self.element.get_attribute("api-origin").as_deref(),
            &page_origin,
        )
        .and_then(|origin| {
            embedding::theme(theme.as_deref())?;
            let base = embedding::base_path(self.element.get_attribute("base-path").as_deref())?;
            Ok((origin, base))
        });
        let (api_origin, base_path) = match checked {
            Ok(values) => values,
            Err(message) => {
                self.show_problem(&wrapper, &message);
                return;
            }
        };
        let link = host::register(self.element.clone(), self.authorization.clone());
        let overrides = serde_json::json!({ "management_origin": api_origin }).to_string();
        let config = Config::from_parts(&page_origin, Some(&overrides));
        let start = base_path
            .as_deref()
            .and_then(|base| from_browser_path(base, &crate::browser::current_path_and_query()))
            .unwrap_or_else(|| PROVIDERS_PATH.to_string());
        let kind = self.kind;
        let view = leptos::mount::mount_to(wrapper, move || {
            provide_context(config.clone());
            provide_api(Api::for_host(config, link));
            provide_element_nav(start, api_origin, base_path);
            view! { <ElementShell kind=kind/> }
        });
        self.mounted = Some(Mounted {
            link: Some(link),
            authorization_id: host::authorization_id(link),
            view: Box::new(view),
        });
    }

    /// The element's shadow root (created once, kept across re-mounts) with our
    /// stylesheet and a fresh wrapper.
    fn wrapper(&self) -> Option<web_sys::HtmlElement> {
        let root = match self.element.shadow_root() {
            Some(root) => root,
            None => self
                .element
                .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
                .ok()?,
        };
        SHEET.with(|sheet| {
            if let Some(sheet) = sheet {
                root.set_adopted_style_sheets(&js_sys::Array::of1(sheet));
            }
        });
        let wrapper = self
            .element
            .owner_document()?
            .create_element("div")
            .ok()?
            .dyn_into::<web_sys::HtmlElement>()
            .ok()?;
        wrapper.set_class_name(shadow_css::WRAPPER_CLASS);
        root.append_child(&wrapper).ok()?;
        Some(wrapper)
    }

    /// A wrong attribute: say so inside the element and in the console.
    fn show_problem(&mut self, wrapper: &web_sys::HtmlElement, message: &str) {
        web_sys::console::error_1(&JsValue::from_str(&format!(
            "<{}>: {message}",
            self.element.tag_name().to_ascii_lowercase()
        )));
        let view = leptos::mount::mount_to(wrapper.clone(), {
            let message = message.to_string();
            move || view! { <div class="notice notice-error" role="alert"><p>{message}</p></div> }
        });
        self.mounted = Some(Mounted {
            link: None,
            authorization_id: None,
            view: Box::new(view),
        });
    }
}

/// Who is signed in at the host (the API's answer for its authorization), then the
/// pages of this element.
#[component]
fn ElementShell(kind: Kind) -> impl IntoView {
    let api = crate::api::use_api();
    let nav = use_nav();
    let user = api.load_current_user();
    // The page's lists start now, with the user's request: one wave, not two.
    api.start_page_loads(&match kind {
        Kind::GroupsSettings => GROUPS_PAGE.to_string(),
        Kind::IdentityProviders => nav.path_untracked(),
    });
    provide_context(CurrentUser(Signal::derive(move || {
        user.get().and_then(Result::ok)
    })));
    provide_context(UnsavedChanges(RwSignal::new(false)));
    let path = Memo::new(move |_| nav.path());
    let page = move || match kind {
        Kind::GroupsSettings => view! { <GroupsPage/> }.into_any(),
        Kind::IdentityProviders if path.get() == PROVIDERS_PATH => {
            view! { <IdentityProvidersPage/> }.into_any()
        }
        Kind::IdentityProviders => view! { <IdentityProviderFormPage/> }.into_any(),
    };
    view! {
        {move || match user.get() {
            None => view! { <p class="status" role="status">"Loading…"</p> }.into_any(),
            Some(Err(ApiError::Unauthorized(_))) => view! {
                <p class="status" role="status">"Waiting for the page to sign you in…"</p>
            }.into_any(),
            Some(Err(error)) => view! {
                <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| user.refetch())/>
            }.into_any(),
            Some(Ok(me)) if !me.role.can_read_settings() => view! {
                <div class="notice notice-warning" role="status">
                    <p>{format!("{} ({}) may not see these settings.", me.email, me.role.as_str())}</p>
                </div>
            }.into_any(),
            Some(Ok(_)) => view! { <div class="tab-panel embedded">{page}</div> }.into_any(),
        }}
    }
}
