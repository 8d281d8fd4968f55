//! The app's pages by path: one function from the address to the page, so every page is
//! reloadable and linkable, and the settings tabs share one layout.

use crate::nav::{provider_id_in, PROVIDERS_PATH};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Root,
    Login,
    Callback,
    Setup,
    SignedOut,
    RedirectHelp,
    /// `/settings` alone: on to the first tab.
    SettingsHome,
    Settings(SettingsTab),
    NotFound,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsTab {
    Providers,
    /// The provider form: `None` to add one, the id to edit it.
    ProviderForm(Option<String>),
    Groups,
    Users,
}

/// The page at `path` (without its query). A trailing slash is ignored.
pub fn page_of(path: &str) -> Page {
    let path = match path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    match path {
        "/" => Page::Root,
        "/login" => Page::Login,
        "/auth/callback" => Page::Callback,
        "/setup" => Page::Setup,
        "/signed-out" => Page::SignedOut,
        "/help/redirect-uri" => Page::RedirectHelp,
        "/settings" => Page::SettingsHome,
        "/settings/groups" => Page::Settings(SettingsTab::Groups),
        "/settings/users" => Page::Settings(SettingsTab::Users),
        PROVIDERS_PATH => Page::Settings(SettingsTab::Providers),
        _ if path == format!("{PROVIDERS_PATH}/new") => {
            Page::Settings(SettingsTab::ProviderForm(None))
        }
        _ => match provider_id_in(path) {
            Some(id) => Page::Settings(SettingsTab::ProviderForm(Some(id))),
            None => Page::NotFound,
        },
    }
}
