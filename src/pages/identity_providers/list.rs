//! `/settings/identity-providers`: the configured providers, search, a test sign-in per
//! provider, and delete with a confirmation that says who is affected.

use crate::nav::{is_plain_click, provider_path, use_nav, NavLink, PROVIDERS_PATH};
use leptos::prelude::*;

use super::list_text::{delete_consequences, filter_providers, provider_count};
use super::rows::{clicked_in_row, fill_rows, DELETE_ACTION, TEST_ACTION};
use crate::api::use_api;
use crate::components::{ConfirmDialog, ErrorNotice, StatusRegion};
use crate::pages::{preview_providers, use_test_sign_in, LoginPreview, TestSignInReportView};
use crate::pages::{use_can_write, use_page_tasks};
use qufabric_model::IdentityProvider;

#[component]
pub fn IdentityProvidersPage() -> impl IntoView {
    let api = use_api();
    let nav = use_nav();
    let can_write = use_can_write();
    let can_write = move || can_write.get();
    // Three independent requests, started together (no waterfall).
    let providers = api.load_providers();
    let instance = api.load_instance();
    let users = api.load_users();
    let query = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let to_delete = RwSignal::new(None::<IdentityProvider>);
    let dialog_open = RwSignal::new(false);
    let delete_error = RwSignal::new(None::<String>);
    let tester = use_test_sign_in();

    // A delete runs to its end here and shows its outcome where it happens.
    let deleting = RwSignal::new(false);
    let tasks = use_page_tasks();
    let delete = move |provider: IdentityProvider| {
        deleting.set(true);
        tasks.spawn(async move {
            let answer = api.delete_provider(&provider.id).await;
            deleting.set(false);
            match answer {
                Ok(()) => {
                    api.emit(
                        "qufabric:provider-deleted",
                        || serde_json::json!({ "id": provider.id }),
                    );
                    dialog_open.set(false);
                    delete_error.set(None);
                    status.set(format!("Deleted {}.", provider.name));
                    providers.refetch();
                }
                Err(error) => delete_error.set(Some(error.user_message())),
            }
        });
    };

    let consequences = move || {
        let provider = to_delete.get()?;
        let users = users.get().and_then(Result::ok);
        let count = providers.get().and_then(Result::ok).map_or(0, |p| p.len());
        let local_disabled = instance
            .get()
            .and_then(Result::ok)
            .is_some_and(|i| i.local_auth_disabled);
        let connector = api.session().claims().and_then(|c| c.connector_id);
        Some(delete_consequences(
            &provider,
            users.as_deref(),
            connector.as_deref(),
            count,
            local_disabled,
        ))
    };

    // One click handler for the whole table, not one per row: a row's Delete button names
    // its provider by id; a row's link navigates inside an element (the standalone app's
    // window click handler takes plain anchors).
    let on_table_click = move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Some((id, action)) = clicked_in_row(&target) else {
            return;
        };
        // Only the clicked provider is copied out of the answer.
        let provider = || {
            providers.with_untracked(|answer| {
                answer
                    .as_ref()?
                    .as_ref()
                    .ok()?
                    .iter()
                    .find(|p| p.id == id)
                    .cloned()
            })
        };
        match action.as_deref() {
            // The test window opens here, inside the click, so pop-up blockers allow it.
            Some(TEST_ACTION) => {
                if let Some(provider) = provider() {
                    tester.start(provider);
                }
            }
            Some(DELETE_ACTION) => {
                if let Some(provider) = provider() {
                    delete_error.set(None);
                    to_delete.set(Some(provider));
                    dialog_open.set(true);
                }
            }
            Some(_) => {}
            // The provider's link.
            None => {
                if nav.is_element() && is_plain_click(&ev) {
                    ev.prevent_default();
                    nav.go(&provider_path(&id), false);
                }
            }
        }
    };

    // Borrowed, not copied: only the rows shown are copied out of the answer.
    let rows = move || {
        providers.with(|answer| {
            answer.as_ref().map(|result| {
                result
                    .as_ref()
                    .map(|all| (all.len(), filter_providers(all, &query.get())))
                    .map_err(Clone::clone)
            })
        })
    };

    view! {
        <div class="page-head">
            <h2 class="page-title">"Identity Providers"</h2>
            <Show when=can_write>
                <NavLink href=format!("{PROVIDERS_PATH}/new") class="button">"Add identity provider"</NavLink>
            </Show>
        </div>
        <p class="lede">"People sign in to QuFabric with these providers. Each one gets a button on the login screen."</p>
        <StatusRegion message=Signal::derive(move || status.get())/>
        <TestSignInReportView tester=tester/>
        {move || match rows() {
            None => view! { <p class="status" role="status">"Loading identity providers…"</p> }.into_any(),
            Some(Err(error)) => view! {
                <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| providers.refetch())/>
            }.into_any(),
            Some(Ok((0, _))) => view! {
                <div class="empty">
                    <p><strong>"No identity provider yet."</strong></p>
                    <p>"Add PocketID or another OpenID Connect provider so people can sign in with it."</p>
                    <Show when=can_write>
                        <NavLink href=format!("{PROVIDERS_PATH}/new") class="button">"Add identity provider"</NavLink>
                    </Show>
                </div>
            }.into_any(),
            // Whether rows get a Delete button: read once for the whole table (it is drawn
            // again if the role changes), not a reactive switch in each of a thousand rows.
            Some(Ok((total, shown))) => {
                let write = can_write();
                let count = provider_count(shown.len(), total);
                let body = NodeRef::<leptos::html::Tbody>::new();
                body.on_load(move |body| {
                    let _ = fill_rows(&body, &shown, write, nav);
                });
                view! {
                <div class="field search">
                    <label for="provider-search">"Search"</label>
                    <input id="provider-search" type="search" placeholder="Name or type"
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))/>
                </div>
                <p class="status" role="status">
                    {count}
                </p>
                <table class="providers">
                    <thead>
                        <tr><th scope="col">"Name"</th><th scope="col">"Type"</th><th scope="col">"Issuer"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr>
                    </thead>
                    <tbody node_ref=body on:click=on_table_click></tbody>
                </table>
            }.into_any()
            }
        }}
        <LoginPreview
            providers=Signal::derive(move || providers.with(|answer| {
                preview_providers(answer.as_ref().and_then(|r| r.as_ref().ok()).into_iter().flatten())
            }))
            email_allowed=Signal::derive(move || {
                !instance.get().and_then(Result::ok).is_some_and(|i| i.local_auth_disabled)
            })/>
        <ConfirmDialog
            open=dialog_open
            title=Signal::derive(move || format!("Delete {}?", to_delete.get().map(|p| p.name).unwrap_or_default()))
            confirm_label=Signal::derive(move || if deleting.get() { "Deleting…".to_string() } else { "Delete provider".to_string() })
            busy=Signal::derive(move || deleting.get())
            danger=true
            on_confirm=Callback::new(move |_| {
                if let Some(provider) = to_delete.get_untracked() {
                    if !deleting.get_untracked() {
                        delete(provider);
                    }
                }
            })
        >
            <ul class="consequences">
                {move || consequences().unwrap_or_default().into_iter().map(|(serious, text)| {
                    view! { <li class=if serious { "serious" } else { "" }>{text}</li> }
                }).collect_view()}
            </ul>
            {move || {
                let provider = to_delete.get()?;
                let signs_in = users.get().and_then(Result::ok)?.iter().any(|u| u.idp_id.as_deref() == Some(provider.id.as_str()));
                signs_in.then(|| view! { <WhoSignsIn provider=provider/> })
            }}
            {move || delete_error.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
        </ConfirmDialog>
    }
}

/// "See who signs in with …", shown when someone does: a link to the Users page when
/// there is an address for it (inside an element, only the host's `users-href`). Inside
/// an element the click is first offered to the host (`qufabric:navigate`), whose router
/// may take it over.
#[component]
fn WhoSignsIn(provider: IdentityProvider) -> impl IntoView {
    let api = use_api();
    let nav = use_nav();
    let href = nav.users_href(&provider.id)?;
    let id = provider.id.clone();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let handled = nav.is_element()
            && is_plain_click(&ev)
            && api.offer_navigation(|| serde_json::json!({ "page": "users", "provider": id }));
        if handled {
            ev.prevent_default();
        }
    };
    Some(view! {
        <p><a href=href on:click=on_click>{format!("See who signs in with {}", provider.name)}</a></p>
    })
}
