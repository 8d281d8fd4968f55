//! The QuFabric SSO dashboard: Settings → Identity Providers, Settings → Groups and the
//! login screen, as a Leptos single-page application compiled to WebAssembly.
//!
//! [`App`] is the whole application, its pages chosen by [`routes`]. It reads its configuration from the
//! page (see [`config`]), keeps the session in memory and sessionStorage (see [`auth`]) and
//! talks to the management API only through [`api`].

pub mod api;
pub mod auth;
pub mod browser;
pub mod components;
pub mod config;
#[cfg(feature = "embed")]
pub mod embed;
#[cfg(feature = "embed")]
pub mod host;
pub mod nav;
pub mod pages;
pub mod routes;

use leptos::prelude::*;

use crate::api::{provide_api, Api};
use crate::auth::{provide_session, Session};
use crate::config::Config;
use crate::nav::{use_nav, PROVIDERS_PATH};
use crate::pages::*;
use crate::routes::{page_of, Page};

/// Provide configuration, session and API client to everything below.
pub fn provide_app_context(config: Config, session: Session) -> Api {
    provide_context(config.clone());
    provide_session(session);
    session.keep_fresh(config.clone());
    let api = Api::new(config, session);
    provide_api(api);
    api
}

/// The application: every route of product.md, each one reloadable and linkable.
#[component]
pub fn App() -> impl IntoView {
    let session = Session::restore();
    crate::auth::share_session_with_other_tabs(session);
    provide_app_context(Config::from_page(), session);
    view! { <AppRoutes/> }
}

/// The pages by address, separate from [`App`] so tests can mount them under their own
/// context. Every settings tab shares one layout, kept while the tab changes.
#[component]
pub fn AppRoutes() -> impl IntoView {
    crate::nav::provide_browser_nav();
    let nav = use_nav();
    // What to draw: the settings layout for every tab (`None`: kept while the tab
    // changes), else the page. One memo, so a change of page is seen once.
    let shown = Memo::new(move |_| match page_of(&nav.path()) {
        Page::Settings(_) => None,
        page => Some(page),
    });
    Effect::new(move |_| {
        if shown.get() == Some(Page::SettingsHome) {
            nav.go(PROVIDERS_PATH, true);
        }
    });
    move || match shown.get() {
        None => view! { <SettingsLayout/> }.into_any(),
        Some(Page::Root) => view! { <RootPage/> }.into_any(),
        Some(Page::Login) => view! { <LoginPage/> }.into_any(),
        Some(Page::Callback) => view! { <CallbackPage/> }.into_any(),
        Some(Page::Setup) => view! { <SetupPage/> }.into_any(),
        Some(Page::SignedOut) => view! { <LoginPage signed_out_path=true/> }.into_any(),
        Some(Page::RedirectHelp) => view! { <RedirectHelpPage/> }.into_any(),
        Some(Page::SettingsHome | Page::Settings(_)) => ().into_any(),
        Some(Page::NotFound) => view! { <NotFoundPage/> }.into_any(),
    }
}

/// Mount the whole application on `<body>` (what `main.rs` does).
pub fn mount_app() {
    // Panic messages in the console while developing; in release the hook (and the
    // formatting machinery it pulls in) stays out of the bundle.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
