//! The QuFabric SSO dashboard: Settings → Identity Providers, Settings → Groups and the
//! login screen, as a Leptos single-page application compiled to WebAssembly.
//!
//! [`App`] is the whole application, its pages chosen by the route table in [`routes`]. It reads its configuration from the
//! page (see [`config`]), keeps the session in memory and sessionStorage (see [`auth`]) and
//! talks to the management API only through [`api`].

pub mod api;
pub mod auth;
pub mod browser;
pub mod components;
pub mod config;
pub mod element_nav;
#[cfg(feature = "embed")]
pub mod embed;
#[cfg(feature = "embed")]
pub mod host;
pub mod nav;
pub mod pages;
pub mod routes;
pub mod styles;
pub mod tasks;

use leptos::prelude::*;

use crate::api::{provide_api, Api};
use crate::auth::{provide_session, Session};
use crate::config::Config;
pub use crate::routes::AppRoutes;

/// Provide configuration, session and API client to everything below.
pub fn provide_app_context(config: Config, session: Session) -> Api {
    provide_context(config.clone());
    provide_session(session);
    // Renewing the session is the settings' business: the login pages send no token.
    #[cfg(feature = "settings-pages")]
    session.keep_fresh(config.clone());
    let api = Api::new(config, session);
    provide_api(api);
    api
}

/// The application: every route of product.md, each one reloadable and linkable.
#[component]
pub fn App() -> impl IntoView {
    let session = Session::restore();
    #[cfg(feature = "settings-pages")]
    crate::auth::share_session_with_other_tabs(session);
    provide_app_context(Config::from_page(), session);
    view! { <AppRoutes/> }
}

/// Mount the whole application on `<body>` (what `main.rs` does).
pub fn mount_app() {
    // Panic messages in the console while developing; in release the hook (and the
    // formatting machinery it pulls in) stays out of the bundle.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    #[cfg(feature = "settings-pages")]
    styles::adopt_settings_sheet();
    leptos::mount::mount_to_body(App);
}
