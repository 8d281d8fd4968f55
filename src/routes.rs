//! The standalone app's route table: every page by address, so every page is reloadable
//! and linkable; the settings tabs share one layout, kept while the tab changes.
//!
//! The app is built twice (`scripts/build.sh`): the login bundle (`login-pages`) has the
//! pages a signed-out person sees, the settings bundle (`settings-pages`) the settings.
//! Each has a not-found page for the addresses it does not know; which address belongs to
//! which build is [`qufabric_model::bundles::bundle_of`], and a move to the other build is
//! a full page load ([`crate::nav::Nav`]). The development build has both.
//!
//! leptos_router's flat matcher, with the settings layout as a wrapper around the settings'
//! routes rather than as their parent route: the same behaviour, 16 KB smaller (README,
//! Size).

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, FlatRoutesProps, RouteChildren, Router};
use leptos_router::MatchNestedRoutes;

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

#[component]
fn RouteTable() -> impl IntoView {
    crate::nav::provide_router_nav();
    table()
}

/// A flat table of `routes`, `fallback` where none matches. (Built without the view macro:
/// with `erase_components` it would box a `{block}` child into a view, which is not a
/// route.)
fn flat<Fallback: IntoView + 'static>(
    routes: impl MatchNestedRoutes + Clone + Send + 'static,
    fallback: impl FnOnce() -> Fallback + Clone + Send + 'static,
) -> impl IntoView {
    FlatRoutes(
        FlatRoutesProps::builder()
            .fallback(fallback)
            .children(RouteChildren::to_children(move || routes))
            .build(),
    )
}

/// The login bundle: its pages, else not found.
#[cfg(all(feature = "login-pages", not(feature = "settings-pages")))]
fn table() -> impl IntoView {
    flat(signed_out_routes(), || view! { <NotFoundPage/> })
}

/// The settings bundle: every address is a settings address, so the layout (sign-in
/// guard, role check, header, tabs) holds the table, and stays while the tab changes.
#[cfg(all(feature = "settings-pages", not(feature = "login-pages")))]
fn table() -> impl IntoView {
    settings_area()
}

/// The development build: the login pages, the settings under their layout (one route for
/// every settings address, so the layout stays while the tab changes), else not found.
/// (Not the settings as the not-found fallback: the flat matcher builds its first fallback
/// outside the route's owner, and disposes its reactive state on the next move.)
#[cfg(all(feature = "login-pages", feature = "settings-pages"))]
fn table() -> impl IntoView {
    use leptos_router::components::Route;
    use leptos_router::path;
    let settings = view! {
        <Route path=path!("/settings") view=settings_area/>
        <Route path=path!("/settings/*rest") view=settings_area/>
    }
    .into_inner();
    flat(
        (signed_out_routes(), settings),
        || view! { <NotFoundPage/> },
    )
}

#[cfg(not(any(feature = "login-pages", feature = "settings-pages")))]
fn table() -> impl IntoView {
    view! { <NotFoundPage/> }
}

/// The pages a signed-out person sees.
#[cfg(feature = "login-pages")]
fn signed_out_routes() -> impl MatchNestedRoutes + Clone + Send + 'static {
    use crate::pages::{
        CallbackPage, InvitePage, LoginPage, RedirectHelpPage, RootPage, SetupPage,
    };
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/") view=RootPage/>
        <Route path=path!("/login") view=|| view! { <LoginPage/> }/>
        <Route path=path!("/auth/callback") view=CallbackPage/>
        <Route path=path!("/setup") view=SetupPage/>
        <Route path=path!("/invite") view=InvitePage/>
        // An address that still works: it shows what sign-out shows.
        <Route path=path!("/signed-out") view=|| view! { <LoginPage signed_out_path=true/> }/>
        <Route path=path!("/help/redirect-uri") view=RedirectHelpPage/>
    }
    .into_inner()
}

/// The settings layout around the settings' routes (an unknown settings address is not
/// found inside it).
#[cfg(feature = "settings-pages")]
fn settings_area() -> impl IntoView {
    use crate::pages::SettingsLayout;
    view! {
        <SettingsLayout>
            {flat(settings_routes(), || view! { <NotFoundPage/> })}
        </SettingsLayout>
    }
}

/// The settings tabs; `/settings` alone moves on to the first without a history entry.
#[cfg(feature = "settings-pages")]
fn settings_routes() -> impl MatchNestedRoutes + Clone + Send + 'static {
    use crate::nav::PROVIDERS_PATH;
    use crate::pages::{GroupsPage, IdentityProviderFormPage, IdentityProvidersPage, UsersPage};
    use leptos_router::components::{Redirect, Route};
    use leptos_router::{path, NavigateOptions};
    let replace = || NavigateOptions {
        replace: true,
        ..Default::default()
    };
    view! {
        <Route path=path!("/settings") view=move || view! { <Redirect path=PROVIDERS_PATH options=replace()/> }/>
        <Route path=path!("/settings/identity-providers") view=IdentityProvidersPage/>
        <Route path=path!("/settings/identity-providers/new") view=IdentityProviderFormPage/>
        <Route path=path!("/settings/identity-providers/:id") view=IdentityProviderFormPage/>
        <Route path=path!("/settings/groups") view=GroupsPage/>
        <Route path=path!("/settings/users") view=UsersPage/>
    }
    .into_inner()
}
