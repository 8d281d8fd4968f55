//! The settings layout: signed-in guard, role check, header with sign-out, and the two
//! tabs. A plain `user` sees the no-access page instead of an error.

use leptos::prelude::*;

use crate::api::{use_api, ApiError};
use crate::browser;
use crate::components::{ErrorNotice, SignOutButton};
use crate::nav::{use_nav, Nav};
use qufabric_model::{oidc, User};

/// The signed-in user, for the pages under the layout.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Signal<Option<User>>);

/// Set by a form while it holds unsaved changes; navigation inside the settings asks first.
#[derive(Clone, Copy)]
pub struct UnsavedChanges(pub RwSignal<bool>);

/// Ask before leaving a form with unsaved changes; `true` means go ahead.
pub fn confirm_leaving(unsaved: UnsavedChanges) -> bool {
    if !unsaved.0.get_untracked() {
        return true;
    }
    let leave = web_sys::window()
        .and_then(|w| {
            w.confirm_with_message("You have unsaved changes. Leave this page and discard them?")
                .ok()
        })
        .unwrap_or(true);
    if leave {
        unsaved.0.set(false);
    }
    leave
}

/// The layout of every settings tab, around the settings' own route table (`children`,
/// from `src/routes.rs`), so this file needs no router and stays while the tab changes.
#[component]
pub fn SettingsLayout(children: ChildrenFn) -> impl IntoView {
    let children = StoredValue::new(children);
    let api = use_api();
    let nav = use_nav();
    let signed_in = move || api.session().is_signed_in();

    // Signed out (or the session ended): to the login screen, then back here. Only once:
    // should the effect run again, the location is already the login screen's, which must
    // not become the return path.
    let left = StoredValue::new(false);
    // Set once the user was seen signed in here: losing the session then means it ended.
    let was_signed_in = StoredValue::new(false);
    Effect::new(move |_| {
        if !signed_in() && !left.get_value() {
            left.set_value(true);
            let return_to = browser::current_path_and_query();
            let mut pairs = vec![("return_to", return_to.as_str())];
            if was_signed_in.get_value() {
                pairs.insert(0, ("error", "session_expired"));
            }
            nav.go(&format!("/login?{}", oidc::form_body(&pairs)), true);
        }
    });

    let user = api.load_current_user();
    // The page's lists start now, with the user's request: one wave, not two. (Only for
    // the page the layout opens on: a later tab asks for its own, the user known by then.)
    api.start_page_loads(&nav.path_untracked());
    Effect::new(move |_| {
        if let Some(Err(ApiError::Unauthorized(_))) = user.get() {
            api.session().clear();
        }
    });
    let current = Signal::derive(move || user.get().and_then(Result::ok));
    Effect::new(move |_| {
        if current.with(Option::is_some) {
            was_signed_in.set_value(true);
        }
    });
    provide_context(CurrentUser(current));
    let unsaved = UnsavedChanges(RwSignal::new(false));
    provide_context(unsaved);
    // Links inside the settings (tabs, back links, rows) ask before discarding changes.
    let guard_links = move |ev: leptos::ev::MouseEvent| {
        let is_link = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .is_some();
        if is_link && !confirm_leaving(unsaved) {
            ev.prevent_default();
            ev.stop_immediate_propagation();
        }
    };

    view! {
        <Show when=signed_in fallback=|| view! { <p class="status" role="status">"Redirecting to sign-in…"</p> }>
            {move || match user.get() {
                None => view! { <main class="centered"><p class="status" role="status">"Loading…"</p></main> }.into_any(),
                Some(Err(ApiError::Unauthorized(_))) => view! { <p class="status" role="status">"Your session has ended…"</p> }.into_any(),
                Some(Err(error)) => view! {
                    <main class="centered">
                        <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| user.refetch())/>
                    </main>
                }.into_any(),
                Some(Ok(me)) if !me.role.can_read_settings() => view! { <NoAccessPage user=me/> }.into_any(),
                Some(Ok(me)) => view! {
                    <div class="app">
                        <header class="topbar">
                            <a class="brand" href="/" rel=nav.rel("/")>"QuFabric"</a>
                            <div class="who">
                                <span class="who-name">{me.email.clone()}</span>
                                <span class="badge">{me.role.as_str()}</span>
                                <SignOutButton secondary=true/>
                            </div>
                        </header>
                        <main class="settings" on:click:capture=guard_links>
                            <h1>"Settings"</h1>
                            <nav class="tabs" aria-label="Settings sections">
                                <TabLink href="/settings/identity-providers" label="Identity Providers" nav=nav/>
                                <TabLink href="/settings/groups" label="Groups" nav=nav/>
                                <TabLink href="/settings/users" label="Users" nav=nav/>
                            </nav>
                            <section class="tab-panel">
                                {children.with_value(|children| children())}
                            </section>
                        </main>
                    </div>
                }.into_any(),
            }}
        </Show>
    }
}

/// A settings tab: `aria-current="page"` on the tab of the page shown (a provider's form
/// belongs to the Identity Providers tab, the pages under it share its address).
#[component]
fn TabLink(href: &'static str, label: &'static str, nav: Nav) -> impl IntoView {
    let current = move || {
        let path = nav.path();
        let under = path
            .strip_prefix(href)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        under.then_some("page")
    };
    view! { <a href=href aria-current=current>{label}</a> }
}

/// Shown to a signed-in user whose role may not see these settings.
#[component]
pub fn NoAccessPage(user: User) -> impl IntoView {
    let who = user.display_name();
    view! {
        <main class="centered">
            <div class="card" id="no-access">
                <p class="brand">"QuFabric"</p>
                <h1>"No access to these settings"</h1>
                <p>"You are signed in as "<strong>{who}</strong>", but your role ("{user.role.as_str()}") does not include the identity provider and group settings."</p>
                <p>"Ask an owner or administrator of this QuFabric server to give you a role: they do it under Settings → Users."</p>
                <SignOutButton/>
            </div>
        </main>
    }
}
