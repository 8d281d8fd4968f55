//! The standalone app's route table: every page by address, so every page is reloadable
//! and linkable, and the settings tabs share one layout (a parent route with an outlet).
//!
//! The app is built twice (`scripts/build.sh`): the login bundle (`login-pages`) has the
//! pages a signed-out person sees, the settings bundle (`settings-pages`) the settings.
//! Each has a not-found page for the addresses it does not know; which address belongs to
//! which build is [`qufabric_model::bundles::bundle_of`], and a move to the other build is
//! a full page load ([`crate::nav::Nav`]). The development build has both.

use leptos::prelude::*;
use leptos_router::components::{RouteChildren, Router};
// The settings need nested routes (their layout kept while the tab changes); the login
// bundle has none, and leptos_router's flat matcher is 13 KB smaller there (README, Size).
#[cfg(not(feature = "settings-pages"))]
use leptos_router::components::{FlatRoutes as Table, FlatRoutesProps as TableProps};
#[cfg(feature = "settings-pages")]
use leptos_router::components::{Routes as Table, RoutesProps as TableProps};

use crate::pages::NotFoundPage;

/// The routes under leptos_router's `Router`, separate from [`crate::App`] so tests can
/// mount them under their own context.
#[component]
pub fn AppRoutes() -> impl IntoView {
    view! {
        <Router>
            <RouteTable/>
        </Router>
    }
}

/// Both bundles' routes; a build without a bundle's feature has `()` in its place. (Built
/// without the view macro: with `erase_components` it would box a `{block}` child into a
/// view, which is not a route.)
#[component]
fn RouteTable() -> impl IntoView {
    crate::nav::provide_router_nav();
    let table = (signed_out_routes(), settings_routes());
    let props = TableProps::builder()
        .fallback(|| view! { <NotFoundPage/> })
        .children(RouteChildren::to_children(move || table))
        .build();
    Table(props)
}

/// The login bundle's pages.
#[cfg(feature = "login-pages")]
fn signed_out_routes() -> impl leptos_router::MatchNestedRoutes + Clone + Send + 'static {
    use crate::pages::{CallbackPage, LoginPage, RedirectHelpPage, RootPage, SetupPage};
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/") view=RootPage/>
        <Route path=path!("/login") view=|| view! { <LoginPage/> }/>
        <Route path=path!("/auth/callback") view=CallbackPage/>
        <Route path=path!("/setup") view=SetupPage/>
        // An address that still works: it shows what sign-out shows.
        <Route path=path!("/signed-out") view=|| view! { <LoginPage signed_out_path=true/> }/>
        <Route path=path!("/help/redirect-uri") view=RedirectHelpPage/>
    }
    .into_inner()
}

#[cfg(not(feature = "login-pages"))]
fn signed_out_routes() {}

/// The settings bundle's pages: one layout, a tab in its outlet.
#[cfg(feature = "settings-pages")]
fn settings_routes() -> impl leptos_router::MatchNestedRoutes + Clone + Send + 'static {
    use crate::nav::PROVIDERS_PATH;
    use crate::pages::{
        GroupsPage, IdentityProviderFormPage, IdentityProvidersPage, SettingsLayout, UsersPage,
    };
    use leptos_router::components::{Outlet, ParentRoute, Redirect, Route};
    use leptos_router::path;
    view! {
        <ParentRoute path=path!("/settings") view=|| view! { <SettingsLayout><Outlet/></SettingsLayout> }>
            <Route path=path!("") view=|| view! { <Redirect path=PROVIDERS_PATH options=replace()/> }/>
            <Route path=path!("identity-providers") view=IdentityProvidersPage/>
            <Route path=path!("identity-providers/new") view=IdentityProviderFormPage/>
            <Route path=path!("identity-providers/:id") view=IdentityProviderFormPage/>
            <Route path=path!("groups") view=GroupsPage/>
            <Route path=path!("users") view=UsersPage/>
        </ParentRoute>
    }
    .into_inner()
}

#[cfg(not(feature = "settings-pages"))]
fn settings_routes() {}

/// `/settings` alone moves on to the first tab without a history entry of its own.
#[cfg(feature = "settings-pages")]
fn replace() -> leptos_router::NavigateOptions {
    leptos_router::NavigateOptions {
        replace: true,
        ..Default::default()
    }
}
