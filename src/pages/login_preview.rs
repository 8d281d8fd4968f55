//! The login screen as people will see it, drawn inside the settings by the login page's
//! own options component, so the preview can never drift from the real screen.

use leptos::prelude::*;

use super::login::SignInOptions;
use qufabric_model::{IdentityProvider, LoginProvider};

/// Buttons a preview draws at most (the login screen itself lists every provider).
const PREVIEW_MAX: usize = 12;

/// What a preview draws: the first providers as the login screen lists them, and how many
/// more there are. Made from borrowed providers, so a page with ten thousand of them does
/// not copy them all for a preview of twelve (that copy was a third of the list's time).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PreviewProviders {
    pub first: Vec<LoginProvider>,
    pub more: usize,
}

/// The preview of `all`, in order.
pub fn preview_providers<'a>(
    all: impl IntoIterator<Item = &'a IdentityProvider>,
) -> PreviewProviders {
    let mut preview = PreviewProviders::default();
    for provider in all {
        if preview.first.len() < PREVIEW_MAX {
            preview.first.push(LoginProvider {
                id: provider.id.clone(),
                kind: provider.kind,
                name: provider.name.clone(),
                login_default: provider.login_default,
            });
        } else {
            preview.more += 1;
        }
    }
    preview
}

/// The login screen as people will see it, drawn by the same component, inside a page of
/// the settings: a labelled region (no second `main` or `h1`), its buttons inert, updated
/// as `providers` change (before anything is saved).
#[component]
pub fn LoginPreview(
    providers: Signal<PreviewProviders>,
    email_allowed: Signal<bool>,
) -> impl IntoView {
    view! {
        <section class="login-preview" aria-labelledby="login-preview-title">
            <h3 id="login-preview-title">"Login screen preview"</h3>
            <p class="hint">"What people see on the login screen, updated as you edit. The buttons do nothing here."</p>
            <div class="card login-card" inert>
                <p class="brand">"QuFabric"</p>
                <p class="login-title">"Sign in"</p>
                {move || {
                    let PreviewProviders { first: options, more } = providers.get();
                    view! {
                        <SignInOptions providers=options email_allowed=email_allowed.get()/>
                        {(more > 0).then(|| view! { <p class="hint">{format!("…and {more} more providers.")}</p> })}
                    }
                }}
            </div>
        </section>
    }
}
