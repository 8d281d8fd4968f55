//! The QuFabric SSO dashboard: Settings → Identity Providers, Settings → Groups and the
//! login screen, as a Leptos single-page application compiled to WebAssembly.
//!
//! [`App`] is the whole application with its router. It reads its configuration from the
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

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::api::{provide_api, Api};
use crate::auth::{provide_session, Session};
use crate::config::Config;
use crate::pages::*;

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
    view! {
        <Router>
            <AppRoutes/>
        </Router>
    }
}

/// The routes, separate from [`App`] so tests can mount them under their own context.
#[component]
pub fn AppRoutes() -> impl IntoView {
    crate::nav::provide_router_nav();
    view! {
        <Routes fallback=|| view! { <NotFoundPage/> }>
            <Route path=path!("/") view=RootPage/>
            <Route path=path!("/login") view=LoginPage/>
            <Route path=path!("/auth/callback") view=CallbackPage/>
            <Route path=path!("/setup") view=SetupPage/>
            <Route path=path!("/signed-out") view=SignedOutPage/>
            <Route path=path!("/help/redirect-uri") view=RedirectHelpPage/>
            <ParentRoute path=path!("/settings") view=SettingsLayout>
                <Route path=path!("") view=|| view! { <Redirect path="/settings/identity-providers"/> }/>
                <Route path=path!("identity-providers") view=IdentityProvidersPage/>
                <Route path=path!("identity-providers/new") view=IdentityProviderFormPage/>
                <Route path=path!("identity-providers/:id") view=IdentityProviderFormPage/>
                <Route path=path!("groups") view=GroupsPage/>
                <Route path=path!("users") view=UsersPage/>
            </ParentRoute>
        </Routes>
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
