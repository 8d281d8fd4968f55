//! The standalone app's route table: every page by address, so every page is reloadable
//! and linkable; the settings tabs share one layout, kept while the tab changes.
//!
//! The app is built three times (`scripts/build.sh`), each with the pages of one feature:
//! the login bundle (`login-pages`: what a signed-out person sees first), the onboarding
//! pages (`onboarding-pages`: setup, an invitation, the redirect-URI help) and the
//! settings (`settings-pages`, with the sign-in callback). Each has a not-found page for
//! the addresses it does not know; which address belongs to which build is
//! [`qufabric_model::bundles::bundle_of`], and a move to another build is a full page load
//! ([`crate::nav::Nav`]). The development build has every page.
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

/// The development build: every page, else not found. The settings are one route for
/// every settings address, so their layout stays while the tab changes. (Not the settings
/// as the not-found fallback: the flat matcher builds its first fallback outside the
/// route's owner, and disposes its reactive state on the next move.)
#[cfg(all(
    feature = "login-pages",
    feature = "onboarding-pages",
    feature = "settings-pages"
))]
fn table() -> impl IntoView {
    flat(
        (signed_out_routes(), onboarding_routes(), settings_routes()),
        || view! { <NotFoundPage/> },
    )
}

// One bundle: its pages, else not found. (Each feature alone, not an empty stand-in for
// the others: leptos_router's `()` matches every address.)
#[cfg(all(
    feature = "login-pages",
    not(feature = "onboarding-pages"),
    not(feature = "settings-pages")
))]
fn table() -> impl IntoView {
    flat(signed_out_routes(), || view! { <NotFoundPage/> })
}

#[cfg(all(
    feature = "onboarding-pages",
    not(feature = "login-pages"),
    not(feature = "settings-pages")
))]
fn table() -> impl IntoView {
    flat(onboarding_routes(), || view! { <NotFoundPage/> })
}

#[cfg(all(
    feature = "settings-pages",
    not(feature = "login-pages"),
    not(feature = "onboarding-pages")
))]
fn table() -> impl IntoView {
    flat(settings_routes(), || view! { <NotFoundPage/> })
}

#[cfg(not(any(
    feature = "login-pages",
    feature = "onboarding-pages",
    feature = "settings-pages"
)))]
fn table() -> impl IntoView {
    view! { <NotFoundPage/> }
}

// Two of the three: no build is made of them (say so rather than miss a `table`).
#[cfg(any(
    all(
        feature = "login-pages",
        feature = "onboarding-pages",
        not(feature = "settings-pages")
    ),
    all(
        feature = "login-pages",
        feature = "settings-pages",
        not(feature = "onboarding-pages")
    ),
    all(
        feature = "onboarding-pages",
        feature = "settings-pages",
        not(feature = "login-pages")
    )
))]
compile_error!("build one of login-pages, onboarding-pages and settings-pages alone, or all three");

/// The login bundle's pages: what a signed-out person sees first.
#[cfg(feature = "login-pages")]
fn signed_out_routes() -> impl MatchNestedRoutes + Clone + Send + 'static {
    use crate::pages::{LoginPage, RootPage};
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/") view=RootPage/>
        <Route path=path!("/login") view=|| view! { <LoginPage/> }/>
        // An address that still works: it shows what sign-out shows.
        <Route path=path!("/signed-out") view=|| view! { <LoginPage signed_out_path=true/> }/>
    }
    .into_inner()
}

/// The pages a person sees once (`qufabric_model::bundles::ONBOARDING_PATHS`).
#[cfg(feature = "onboarding-pages")]
fn onboarding_routes() -> impl MatchNestedRoutes + Clone + Send + 'static {
    use crate::pages::{InvitePage, RedirectHelpPage, SetupPage};
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/setup") view=SetupPage/>
        <Route path=path!("/invite") view=InvitePage/>
        <Route path=path!("/help/redirect-uri") view=RedirectHelpPage/>
    }
    .into_inner()
}

/// The sign-in callback (outside the settings layout, whose guard would send a person
/// not yet signed in to the login screen), and the settings under their layout.
#[cfg(feature = "settings-pages")]
fn settings_routes() -> impl MatchNestedRoutes + Clone + Send + 'static {
    use crate::pages::CallbackPage;
    use leptos_router::components::Route;
    use leptos_router::path;
    view! {
        <Route path=path!("/auth/callback") view=CallbackPage/>
        <Route path=path!("/settings") view=settings_area/>
        <Route path=path!("/settings/*rest") view=settings_area/>
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
            {flat(settings_tabs(), || view! { <NotFoundPage/> })}
        </SettingsLayout>
    }
}

/// The settings tabs; `/settings` alone moves on to the first without a history entry.
#[cfg(feature = "settings-pages")]
fn settings_tabs() -> impl MatchNestedRoutes + Clone + Send + 'static {
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
