//! The embedded elements (`--features embed`, built by `scripts/embed.sh`):
//! `<qufabric-identity-providers>` and `<qufabric-groups-settings>`. The custom element
//! classes are a few lines of JavaScript (`embed/qufabric-sso.js`: a wasm module cannot
//! extend `HTMLElement`); they call [`mount_element`] when an element connects and the
//! returned [`ElementHandle`] when it changes or goes.
//!
//! Each element renders into an open shadow root, styled by one constructed stylesheet
//! (no `<style>` element, which a strict `style-src` would refuse), without a router:
//! navigation goes through [`crate::nav`] and authorization through [`crate::host`].

mod attributes;
mod shell;

use std::any::Any;
use std::cell::Cell;
use std::rc::Rc;

use js_sys::Function;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{provide_api, Api};
use crate::config::Config;
use crate::element_nav::provide_element_nav;
use crate::host::{self, HostLink};
use attributes::Attributes;
use qufabric_model::element_paths;
use qufabric_model::{embedding, shadow_css};
use shell::ElementShell;

/// The wrapper's class under `chrome="none"` (style/main.css).
const CHROMELESS_CLASS: &str = "chromeless";

thread_local! {
    /// One constructed stylesheet, shared by every element.
    static SHEET: Option<web_sys::CssStyleSheet> = {
        let sheet = web_sys::CssStyleSheet::new().ok();
        if let Some(sheet) = &sheet {
            let _ = sheet.replace_sync(&shadow_css::for_shadow_root(crate::styles::ELEMENTS_CSS));
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
    /// Where the element is (set from inside the mount; `None` for the Groups element).
    location: Rc<Cell<Option<RwSignal<String>>>>,
    /// Whether a form holds unsaved edits (set from inside the mount).
    unsaved: Rc<Cell<Option<RwSignal<bool>>>>,
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
    /// An observed attribute changed: `location` moves the element; a new origin, base
    /// path or link attribute starts over (typed text
    /// is kept as a draft); a valid theme needs nothing (the stylesheet reads it).
    pub fn attribute_changed(&mut self, name: &str) {
        if name == "location" {
            if let Some(location) = self.element.get_attribute("location") {
                self.set_location(&location);
            }
            return;
        }
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

    /// The host shows another place (`location`, a sub-path such as `/new`): the element
    /// moves there without telling the host back. A wrong value is said in the console
    /// and changes nothing (what the person is doing stays).
    pub fn set_location(&mut self, value: &str) {
        let Some(location) = self.mounted.as_ref().and_then(|m| m.location.get()) else {
            return;
        };
        match element_paths::from_sub_path(value) {
            Ok(app) if location.try_get_untracked().is_some_and(|now| now != app) => {
                location.set(app);
            }
            Ok(_) => {}
            Err(message) => self.console_error(&message),
        }
    }

    /// The element's sub-path (`/`, `/new`, `/<id>`); `None` for the Groups element.
    pub fn location(&self) -> Option<String> {
        let location = self.mounted.as_ref()?.location.get()?;
        location
            .try_get_untracked()
            .map(|app| element_paths::sub_path(&app))
    }

    /// Whether a form of the element holds unsaved edits.
    pub fn has_unsaved_changes(&self) -> bool {
        self.mounted
            .as_ref()
            .and_then(|m| m.unsaved.get())
            .and_then(|unsaved| unsaved.try_get_untracked())
            .unwrap_or(false)
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
        let page_origin = crate::browser::origin();
        let attributes = match Attributes::read(&self.element, &page_origin) {
            Ok(attributes) => attributes,
            Err(message) => {
                self.show_problem(&wrapper, &message);
                return;
            }
        };
        let Attributes {
            api_origin,
            links,
            start,
            own_chrome,
        } = attributes;
        if !own_chrome {
            // chrome="none" (shadow_css styles it): the host's layout around the element.
            let _ = wrapper.class_list().add_1(CHROMELESS_CLASS);
        }
        let link = host::register(self.element.clone(), self.authorization.clone());
        let overrides = serde_json::json!({ "management_origin": api_origin }).to_string();
        let config = Config::from_parts(&page_origin, Some(&overrides));
        let kind = self.kind;
        let location = Rc::new(Cell::new(None));
        let unsaved = Rc::new(Cell::new(None));
        let (location_out, unsaved_out) = (Rc::clone(&location), Rc::clone(&unsaved));
        let view = leptos::mount::mount_to(wrapper, move || {
            provide_context(config.clone());
            let api = Api::for_host(config, link);
            provide_api(api);
            let moved = Rc::new(move |path: &str, replace: bool| {
                api.emit(
                    "qufabric:location-change",
                    || serde_json::json!({ "path": path, "replace": replace }),
                );
            });
            let at = provide_element_nav(start, links, moved);
            if kind == Kind::IdentityProviders {
                location_out.set(Some(at));
            }
            let dirty = RwSignal::new(false);
            unsaved_out.set(Some(dirty));
            view! { <ElementShell kind=kind unsaved=dirty/> }
        });
        self.mounted = Some(Mounted {
            link: Some(link),
            authorization_id: host::authorization_id(link),
            location,
            unsaved,
            view: Box::new(view),
        });
    }

    fn console_error(&self, message: &str) {
        web_sys::console::error_1(&JsValue::from_str(&format!(
            "<{}>: {message}",
            self.element.tag_name().to_ascii_lowercase()
        )));
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
        self.console_error(message);
        let view = leptos::mount::mount_to(wrapper.clone(), {
            let message = message.to_string();
            move || view! { <div class="notice notice-error" role="alert"><p>{message}</p></div> }
        });
        self.mounted = Some(Mounted {
            link: None,
            authorization_id: None,
            location: Rc::new(Cell::new(None)),
            unsaved: Rc::new(Cell::new(None)),
            view: Box::new(view),
        });
    }
}
