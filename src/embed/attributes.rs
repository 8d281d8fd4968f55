//! An element's attributes, read and checked before anything mounts: a wrong value is
//! refused with a sentence (shown inside the element and in the console), never a panic.

use crate::nav::{ElementLinks, PROVIDERS_PATH};
use qufabric_model::element_paths::{self, from_browser_path};
use qufabric_model::embedding;

/// An element's attributes, checked.
pub(super) struct Attributes {
    pub api_origin: String,
    pub links: ElementLinks,
    /// The app path to show first.
    pub start: String,
    /// `false` under `chrome="none"`.
    pub own_chrome: bool,
}

impl Attributes {
    /// The element's attributes, checked: the first wrong one is refused with a sentence.
    pub(super) fn read(
        element: &web_sys::HtmlElement,
        page_origin: &str,
    ) -> Result<Attributes, String> {
        let read = |name: &str| element.get_attribute(name);
        let api_origin = embedding::api_origin(read("api-origin").as_deref(), page_origin)?;
        embedding::theme(read("theme").as_deref())?;
        let own_chrome = embedding::own_chrome(read("chrome").as_deref())?;
        let base_path = embedding::base_path(read("base-path").as_deref())?;
        let href_template = element_paths::href_template(read("href-template").as_deref())?;
        let users_href = read("users-href").filter(|href| !href.trim().is_empty());
        // Where to start: the host's `location`, else the address bar under base-path,
        // else the list.
        let start = match read("location") {
            Some(location) => element_paths::from_sub_path(&location)?,
            None => base_path
                .as_deref()
                .and_then(|base| from_browser_path(base, &crate::browser::current_path_and_query()))
                .unwrap_or_else(|| PROVIDERS_PATH.to_string()),
        };
        Ok(Attributes {
            api_origin,
            links: ElementLinks {
                base_path,
                href_template,
                users_href,
            },
            start,
            own_chrome,
        })
    }
}
