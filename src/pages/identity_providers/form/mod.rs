//! `/settings/identity-providers/new` and `/settings/identity-providers/{id}`: the provider
//! form with inline checks, the live discovery check, the Redirect URL to copy, and a save
//! that survives faults without losing what was typed or creating anything twice.
//!
//! The parts: `draft` (what was typed, kept across a session that ended), `discovery`
//! (the live check), `save` (create without duplicates, the save's status), `fields` (the
//! table of inputs and the one component that draws them), `addresses` (what to copy
//! into the provider).

mod addresses;
mod advanced;
mod allowed_groups;
mod changes;
mod discovery;
mod draft;
mod fields;
mod save;
mod try_out;

pub use discovery::discovery_summary;
pub use try_out::with_draft;

use leptos::prelude::*;

use crate::api::use_api;
use crate::components::{ErrorNotice, StatusRegion};
use crate::nav::{provider_id_in, use_nav, NavLink, PROVIDERS_PATH};
use crate::pages::{server_redirect_url, use_can_write, use_page_tasks, UnsavedChanges};
use addresses::{LoginDefaultField, RedirectsBlock, SignOutSection};
use advanced::{follow_options_support, AdvancedOptions};
use discovery::use_discovery_check;
use draft::{use_saved_draft, FormState};
use fields::{
    FieldHints, ProviderField, RevealButton, TypePicker, CLIENT_ID, ISSUER, NAME, SECRET,
};
use qufabric_model::checks::{
    blocks_saving, check_draft, discovery_findings, merge_discovery, Finding, Severity,
};
use save::{save_provider, SaveStatus};
use try_out::TryOut;

#[component]
pub fn IdentityProviderFormPage() -> impl IntoView {
    let api = use_api();
    let nav = use_nav();
    let tasks = use_page_tasks();
    let editing_id = provider_id_in(&nav.path_untracked());
    let editing = editing_id.is_some();
    let can_write = use_can_write();

    let instance = api.load_instance();
    let providers = api.load_providers();
    let original = api.load_provider(editing_id.as_deref());
    let stored = Signal::derive(move || original.get().and_then(Result::ok).flatten());

    let form = FormState::new();
    let status = RwSignal::new(String::new());
    let route = editing_id.clone().unwrap_or_else(|| "new".to_string());
    follow_options_support(form, editing, stored, instance);
    let (dirty, reapply_stored) = use_saved_draft(form, route, editing, stored, status);
    let discovery = use_discovery_check(api, form.kind, form.issuer, can_write);
    let save_status = RwSignal::new(SaveStatus::Idle);
    let show_secret = RwSignal::new(false);

    let findings = Memo::new(move |_| {
        let draft = form.draft();
        let others = providers.get().and_then(Result::ok).unwrap_or_default();
        let from_discovery = match discovery.current.get() {
            Some(Ok(result)) => discovery_findings(&draft.issuer, &result),
            _ => Vec::new(),
        };
        let mut all = merge_discovery(
            check_draft(&draft, stored.get().as_ref(), &others),
            from_discovery,
        );
        if let Some((field, message)) = save_status.with(SaveStatus::field_error) {
            let severity = Severity::Error;
            all.push(Finding {
                field,
                severity,
                code: "server",
                message,
                fix: None,
            });
        }
        all
    });
    let can_save = move || {
        can_write.get()
            && dirty.get()
            && !save_status.with(SaveStatus::is_saving)
            && !findings.with(|f| blocks_saving(f))
            && form.options_problem().is_none()
    };

    // A server message belongs to the values it judged: editing a field clears it.
    let edited = Callback::new(move |()| {
        if save_status.with_untracked(|s| s.field_error().is_some()) {
            save_status.set(SaveStatus::Idle);
        }
    });
    // Create-without-duplicates remembers a lost answer across attempts.
    let create_outcome_unknown = StoredValue::new(false);
    let unsaved = use_context::<UnsavedChanges>();
    let submit = {
        let editing_id = editing_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if !can_save() {
                return;
            }
            let Some(request) = form.request() else {
                return;
            };
            let before: Vec<String> = providers
                .get_untracked()
                .and_then(Result::ok)
                .map(|list| list.into_iter().map(|p| p.id).collect())
                .unwrap_or_default();
            let id = editing_id.clone();
            save_status.set(SaveStatus::Saving);
            tasks.spawn(async move {
                let saved = match save_provider(api, id, request, before, create_outcome_unknown).await {
                    Ok(saved) => saved,
                    Err(error) => {
                        save_status.set(SaveStatus::from_error(error));
                        return;
                    }
                };
                let provider = saved.provider;
                api.emit("qufabric:provider-saved", || {
                    serde_json::json!({"id": provider.id, "name": provider.name, "type": provider.kind})
                });
                form.secret.set(String::new());
                if editing {
                    reapply_stored.run(());
                    original.refetch();
                    providers.refetch();
                    save_status.set(SaveStatus::Saved(provider.name));
                    return;
                }
                save_status.set(SaveStatus::Idle);
                if let Some(UnsavedChanges(flag)) = unsaved {
                    flag.set(false);
                }
                let how = if saved.recovered { "recovered" } else { "1" };
                let path = crate::nav::provider_path(&provider.id);
                nav.go(&format!("{path}?saved={how}"), true);
            });
        }
    };

    // The addresses the provider must know, as the server sends them.
    let redirect_url = server_redirect_url(api, instance);
    let logout_url = Signal::derive(move || {
        instance
            .get()
            .and_then(Result::ok)
            .and_then(|i| i.logout_url)
            .unwrap_or_else(|| {
                redirect_url
                    .get()
                    .replace("/oauth2/callback", "/oauth2/logout/callback")
            })
    });
    // The provider as the administrator named it (the type's label until then): the
    // form's words speak of this provider, not of its type.
    let provider_label = Signal::derive(move || {
        let name = form.name.get();
        match form.kind.get() {
            _ if !name.trim().is_empty() => name.trim().to_string(),
            Some(kind) => kind.label().to_string(),
            None => "the provider".to_string(),
        }
    });
    let logout_field = Signal::derive(move || {
        form.kind
            .get()
            .map(|k| k.info().logout_field)
            .unwrap_or("post-logout redirect URIs")
    });
    let issuer_shown = move || {
        form.kind
            .get()
            .is_none_or(|k| k.info().builtin_issuer.is_none())
    };
    let saved_note = nav.query("saved").map(|how| addresses::saved_note(&how));
    // The Redirect URL block: right under the heading just after a save (step 3 of the
    // guide is to copy it, so nothing above it moves it away), else below the form.
    let just_saved = saved_note.is_some();
    // Only after a save: whether newcomers through it will wait for approval.
    let account = just_saved.then(|| api.load_accounts());
    let saved_id = editing_id.clone();
    let redirects = move || {
        view! { <RedirectsBlock api redirect_url provider_label can_write saved_note=saved_note.clone()
        account=account provider_id=saved_id.clone()/> }
    };
    let page_head = NodeRef::<leptos::html::Div>::new();
    if just_saved {
        focus_copy_button_once(page_head, redirect_url);
    }

    let hints = FieldHints::new(form, provider_label, editing);
    let discovery_line = move || {
        view! {
            <p class="status discovery-status" role="status" aria-live="polite" id="discovery-status">
                {move || discovery.status_line()}
            </p>
        }
        .into_any()
    };
    let button_hint = move || {
        let status = save_status.get();
        if status.is_saving() || matches!(status, SaveStatus::Saved(_)) {
            ""
        } else if findings.with(|f| blocks_saving(f)) || form.options_problem().is_some() {
            "Fix the errors above to save."
        } else if !dirty.get() {
            "Nothing changed yet."
        } else {
            ""
        }
    };

    view! {
        <div class="page-head" node_ref=page_head>
            <h2>{if editing { "Edit identity provider" } else { "Add identity provider" }}</h2>
            <NavLink href=PROVIDERS_PATH.to_string() class="button secondary">"Back to the list"</NavLink>
        </div>
        <StatusRegion message=Signal::derive(move || status.get()) id="form-status"/>
        {just_saved.then(redirects.clone())}
        {move || original.get().and_then(Result::err).map(|error| view! {
            <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| original.refetch())/>
        })}
        <Show when=move || !editing || stored.with(Option::is_some)
            fallback=move || view! { <p class="status">"Loading…"</p> }>
        <form class="provider-form" on:submit=submit.clone() novalidate>
            <fieldset disabled=move || !can_write.get() class="plain">
            <TypePicker kind=form.kind editing findings
                on_choose=Callback::new(move |kind| form.choose_kind(kind))/>
            <ProviderField spec=&NAME form hint=hints.name findings on_edit=edited/>
            <Show when=issuer_shown>
                <ProviderField spec=&ISSUER form hint=hints.issuer findings
                    on_edit=edited placeholder=hints.issuer_placeholder below=discovery_line()/>
            </Show>
            <ProviderField spec=&CLIENT_ID form hint=hints.client_id findings on_edit=edited/>
            <ProviderField spec=&SECRET form hint=hints.secret findings on_edit=edited
                revealed=show_secret beside=view! { <RevealButton shown=show_secret/> }.into_any()/>
            <SignOutSection logout_url registered=form.logout_registered provider_label logout_field/>
            <LoginDefaultField checked=form.login_default provider_label/>
            <allowed_groups::AllowedGroupsField form provider_id=editing_id.clone() provider_label on_edit=edited/>
            <AdvancedOptions form provider_label on_edit=edited offered=Signal::derive(move || match discovery.current.get() {
                Some(Ok(result)) => result.scopes_supported,
                _ => Vec::new(),
            })/>
            </fieldset>

            {move || save_status.with(SaveStatus::form_error).map(|message| view! { <ErrorNotice message=message/> })}
            <div class="form-actions">
                <Show when=move || can_write.get()>
                    <button type="submit" class="button" disabled=move || !can_save()
                        aria-busy=move || save_status.with(SaveStatus::is_saving).then_some("true")>
                        {move || if save_status.with(SaveStatus::is_saving) { "Saving…" } else if editing { "Save changes" } else { "Save" }}
                    </button>
                </Show>
                <StatusRegion id="save-status" message=Signal::derive(move || save_status.with(SaveStatus::message))/>
                <span class="hint">{button_hint}</span>
            </div>
        </form>
        </Show>

        {(!just_saved).then(redirects)}
        <TryOut form stored providers instance dirty can_write/>
    }
}

/// Just saved: put the keyboard on the Redirect URL's Copy button (step 3 of the guide),
/// once the URL has arrived.
fn focus_copy_button_once(page_head: NodeRef<leptos::html::Div>, redirect_url: Signal<String>) {
    let focused = StoredValue::new(false);
    Effect::new(move |_| {
        if focused.get_value() || redirect_url.with(String::is_empty) {
            return;
        }
        focused.set_value(true);
        leptos::task::spawn_local_scoped_with_cancellation(async move {
            leptos::task::tick().await;
            let button = page_head
                .get_untracked()
                .and_then(|head| crate::browser::query_in_root_of(&head, "#redirect-url + button"))
                .and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b).ok());
            if let Some(button) = button {
                let _ = button.focus();
            }
        });
    });
}
