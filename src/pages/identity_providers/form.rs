//! `/settings/identity-providers/new` and `/settings/identity-providers/{id}`: the provider
//! form with inline checks, the live discovery check, the Redirect URL to copy, and a save
//! that survives faults without losing what was typed or creating anything twice.

use crate::nav::{provider_id_in, use_nav, NavLink, PROVIDERS_PATH};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use crate::api::{capitalise, use_api, ApiError};
use crate::components::{CopyField, ErrorNotice, Findings, PublicUrlWarning, StatusRegion};
use crate::pages::{
    guard_unsaved_edits, read_kept_draft, server_redirect_url, CurrentUser, UnsavedChanges,
};
use qufabric_model::checks::{
    blocks_saving, check_draft, discovery_findings, effective_issuer, field_of_server_message,
    merge_discovery, strip_well_known, Field, Finding, IssuerCheckRequest, IssuerCheckResult,
    ProviderDraft, Severity,
};
use qufabric_model::issuer::parse_issuer;
use qufabric_model::origins::{origin_of, public_url_of_redirect};
use qufabric_model::{
    IdentityProvider, IdentityProviderRequest, ProviderKind, SlashPolicy, CATALOGUE,
};

/// sessionStorage key of the draft kept when the session ends mid-edit.
const DRAFT_KEY: &str = "qufabric.provider_draft";

/// What survives a session that ended mid-edit: everything typed but the secret, which
/// is never written to browser storage.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct SavedDraft {
    kind: Option<ProviderKind>,
    name: String,
    issuer: String,
    client_id: String,
    #[serde(default)]
    logout_url_registered: bool,
}

fn read_draft(route: &str) -> Option<SavedDraft> {
    read_kept_draft(DRAFT_KEY, route)
}

/// How long typing must pause before the server checks the issuer.
const DISCOVERY_DELAY_MS: u32 = 600;

/// Everything the user typed, owned by the form: a failed save never clears it.
#[derive(Clone, Copy)]
struct FormState {
    kind: RwSignal<Option<ProviderKind>>,
    name: RwSignal<String>,
    issuer: RwSignal<String>,
    client_id: RwSignal<String>,
    secret: RwSignal<String>,
    /// QuFabric's Logout URL is listed at the provider.
    logout_registered: RwSignal<bool>,
    name_touched: RwSignal<bool>,
}

impl FormState {
    fn new() -> FormState {
        FormState {
            kind: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            issuer: RwSignal::new(String::new()),
            client_id: RwSignal::new(String::new()),
            secret: RwSignal::new(String::new()),
            logout_registered: RwSignal::new(false),
            name_touched: RwSignal::new(false),
        }
    }

    fn draft(&self) -> ProviderDraft {
        ProviderDraft {
            kind: self.kind.get(),
            name: self.name.get(),
            issuer: self.issuer.get(),
            client_id: self.client_id.get(),
            client_secret: self.secret.get(),
        }
    }

    fn restore(&self, draft: &SavedDraft) {
        self.kind.set(draft.kind);
        self.name.set(draft.name.clone());
        self.issuer.set(draft.issuer.clone());
        self.client_id.set(draft.client_id.clone());
        self.logout_registered.set(draft.logout_url_registered);
        self.name_touched.set(true);
    }

    fn load(&self, provider: &IdentityProvider) {
        self.kind.set(Some(provider.kind));
        self.name.set(provider.name.clone());
        self.issuer.set(provider.issuer.clone());
        self.client_id.set(provider.client_id.clone());
        self.logout_registered.set(provider.logout_url_registered);
        self.secret.set(String::new());
        self.name_touched.set(true);
    }
}

/// Whether the draft differs from what is stored (or from an empty form).
fn changed(
    draft: &ProviderDraft,
    logout_registered: bool,
    original: Option<&IdentityProvider>,
) -> bool {
    match original {
        Some(o) => {
            logout_registered != o.logout_url_registered
                || draft.kind != Some(o.kind)
                || draft.name != o.name
                || (o.kind.info().builtin_issuer.is_none() && draft.issuer != o.issuer)
                || draft.client_id != o.client_id
                || !draft.client_secret.is_empty()
        }
        None => {
            logout_registered
                || draft.kind.is_some()
                || !draft.name.is_empty()
                || !draft.issuer.is_empty()
                || !draft.client_id.is_empty()
                || !draft.client_secret.is_empty()
        }
    }
}

/// The one-line summary of what discovery found, for the status region.
pub fn discovery_summary(result: &IssuerCheckResult) -> String {
    if !result.reachable {
        return "The issuer could not be checked: see the message under the field.".into();
    }
    let issuer = result.discovered_issuer.clone().unwrap_or_default();
    let groups = if result.scopes_supported.iter().any(|s| s == "groups") {
        "the groups scope is offered"
    } else {
        "no groups scope is advertised"
    };
    let pkce = if result.code_challenge_methods_supported.is_empty() {
        "PKCE not advertised".to_string()
    } else {
        format!(
            "PKCE {}",
            result.code_challenge_methods_supported.join(", ")
        )
    };
    let endpoints = [
        ("authorization", &result.authorization_endpoint),
        ("token", &result.token_endpoint),
        ("keys", &result.jwks_uri),
        ("sign-out", &result.end_session_endpoint),
    ]
    .iter()
    .filter_map(|(name, value)| value.as_ref().map(|_| *name))
    .collect::<Vec<_>>()
    .join(", ");
    format!("Discovery found {issuer}: endpoints {endpoints}; {groups}; {pkce}.")
}

/// Create or update. A create whose answer was lost may have landed: the next attempt
/// (and the lost one itself) looks for our provider in the list before creating again.
/// The bool says whether the provider was found that way.
async fn save_provider(
    api: crate::api::Api,
    id: Option<String>,
    request: IdentityProviderRequest,
    before: Vec<String>,
    create_outcome_unknown: StoredValue<bool>,
) -> Result<(IdentityProvider, bool), ApiError> {
    if let Some(id) = id {
        return api.update_provider(&id, &request).await.map(|p| (p, false));
    }
    // Our own provider: same type, issuer and client id, and not there before.
    let (kind, issuer, client_id) = (
        request.kind,
        effective_issuer(request.kind, &request.issuer),
        request.client_id.clone(),
    );
    let find_ours = move |list: Vec<IdentityProvider>| {
        list.into_iter().find(|p| {
            p.kind == kind
                && p.issuer == issuer
                && p.client_id == client_id
                && !before.contains(&p.id)
        })
    };
    if create_outcome_unknown.try_get_value() == Some(true) {
        if let Some(landed) = api.providers().await.ok().and_then(&find_ours) {
            return Ok((landed, true));
        }
    }
    match api.create_provider(&request).await {
        Err(error) if error.outcome_unknown() => {
            create_outcome_unknown.try_set_value(true);
            api.providers()
                .await
                .ok()
                .and_then(&find_ours)
                .map(|p| (p, true))
                .ok_or(error)
        }
        other => other.map(|p| (p, false)),
    }
}

#[component]
pub fn IdentityProviderFormPage() -> impl IntoView {
    let api = use_api();
    let nav = use_nav();
    let editing_id = provider_id_in(&nav.path());
    let editing = editing_id.is_some();
    let me = use_context::<CurrentUser>()
        .map(|c| c.0)
        .unwrap_or_else(|| Signal::derive(|| None));
    let can_write = Signal::derive(move || {
        me.with(|u| u.as_ref().is_some_and(|u| u.role.can_write_settings()))
    });
    let unsaved = use_context::<UnsavedChanges>();

    let instance = LocalResource::new(move || async move { api.instance().await });
    let providers = LocalResource::new(move || async move { api.providers().await });
    let original_id = editing_id.clone();
    let original = LocalResource::new(move || {
        let id = original_id.clone();
        async move {
            match id {
                Some(id) => api.provider(&id).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let stored = Signal::derive(move || original.get().and_then(Result::ok).flatten());

    let form = FormState::new();
    let route = editing_id.clone().unwrap_or_else(|| "new".to_string());
    let status = RwSignal::new(String::new());
    // A draft kept when the session ended mid-edit comes back once, over what is stored.
    let restore_draft = {
        let route = route.clone();
        move || {
            if let Some(draft) = read_draft(&route) {
                form.restore(&draft);
                status.set("Restored what you typed before your session ended. Type the client secret again.".into());
            }
        }
    };
    let loaded_for = StoredValue::new(None::<IdentityProvider>);
    let restored = StoredValue::new(false);
    let restore_after_load = restore_draft.clone();
    Effect::new(move |_| {
        if let Some(provider) = stored.get() {
            if loaded_for.get_value().as_ref() != Some(&provider) {
                loaded_for.set_value(Some(provider.clone()));
                form.load(&provider);
                if !restored.get_value() {
                    restored.set_value(true);
                    restore_after_load();
                }
            }
        }
    });
    if !editing {
        restored.set_value(true);
        restore_draft();
    }

    let issuer_note = RwSignal::new(None::<String>);
    let server_error = RwSignal::new(None::<(Field, String)>);
    let form_error = RwSignal::new(None::<String>);
    let saved_status = nav.query("saved").map(|how| {
        let lost = if how == "recovered" {
            "The server's answer was lost, but the provider was saved (found in the list). "
        } else {
            ""
        };
        format!("{lost}Saved. Now copy this Redirect URL into the provider's callback URLs.")
    });
    // What the last save on this page did, shown next to the Save button.
    let save_status = RwSignal::new(String::new());
    let show_secret = RwSignal::new(false);

    // ----- the live discovery check -----
    let discovery =
        RwSignal::new(None::<(ProviderKind, String, Result<IssuerCheckResult, ApiError>)>);
    let checking = RwSignal::new(false);
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let kind = form.kind.get();
        let issuer = form.issuer.get();
        let this = generation.get_value().wrapping_add(1);
        generation.set_value(this);
        let eligible = can_write.get()
            && kind.is_some_and(|k| k.info().slash != SlashPolicy::BuiltIn)
            && parse_issuer(issuer.trim())
                .is_some_and(|u| u.query.is_none() && u.fragment.is_none());
        let Some(kind) = kind.filter(|_| eligible) else {
            checking.set(false);
            return;
        };
        if discovery.with_untracked(|d| {
            d.as_ref()
                .is_some_and(|(k, i, _)| *k == kind && *i == issuer)
        }) {
            return;
        }
        // Cancelled with the page (its timer cleared); `try_` anyway, for a page that goes
        // between the answer and the next line.
        leptos::task::spawn_local_scoped_with_cancellation(async move {
            TimeoutFuture::new(DISCOVERY_DELAY_MS).await;
            if generation.try_get_value() != Some(this) {
                return; // typing went on, or the page is gone
            }
            checking.try_set(true);
            let result = api
                .check_issuer(&IssuerCheckRequest {
                    kind,
                    issuer: issuer.clone(),
                })
                .await;
            if generation.try_get_value() == Some(this) {
                checking.try_set(false);
                discovery.try_set(Some((kind, issuer, result)));
            }
        });
    });
    let current_discovery = Memo::new(move |_| {
        let kind = form.kind.get()?;
        let issuer = form.issuer.get();
        discovery.with(|d| match d {
            Some((k, i, result)) if *k == kind && *i == issuer => Some(result.clone()),
            _ => None,
        })
    });

    // ----- findings -----
    let findings = Memo::new(move |_| {
        let draft = form.draft();
        let others = providers.get().and_then(Result::ok).unwrap_or_default();
        let original = stored.get();
        let static_findings = check_draft(&draft, original.as_ref(), &others);
        let from_discovery = match current_discovery.get() {
            Some(Ok(result)) => discovery_findings(&draft.issuer, &result),
            _ => Vec::new(),
        };
        let mut all = merge_discovery(static_findings, from_discovery);
        if let Some((field, message)) = server_error.get() {
            all.push(Finding {
                field,
                severity: Severity::Error,
                code: "server",
                message,
                fix: None,
            });
        }
        all
    });
    let for_field = move |field: Field| {
        Signal::derive(move || {
            findings.with(|all| {
                all.iter()
                    .filter(|f| f.field == field)
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    let has_error = move |field: Field| {
        findings.with(|all| {
            all.iter()
                .any(|f| f.field == field && f.severity == Severity::Error)
        })
    };

    let dirty = Memo::new(move |_| {
        changed(
            &form.draft(),
            form.logout_registered.get(),
            stored.get().as_ref(),
        )
    });
    // Keep the draft (never the secret) while there are changes, in case the session ends;
    // drop it when the page is left normally.
    guard_unsaved_edits(DRAFT_KEY, route.clone(), dirty, restored, move || {
        SavedDraft {
            kind: form.kind.get(),
            name: form.name.get(),
            issuer: form.issuer.get(),
            client_id: form.client_id.get(),
            logout_url_registered: form.logout_registered.get(),
        }
    });

    // ----- saving -----
    let known_ids = move || -> Vec<String> {
        providers
            .get_untracked()
            .and_then(Result::ok)
            .map(|list| list.into_iter().map(|p| p.id).collect())
            .unwrap_or_default()
    };
    // Set when a create ended without a usable answer: it may have landed (now or a little
    // later), so the next attempt looks for it before creating again.
    let create_outcome_unknown = StoredValue::new(false);
    let save = Action::new_local(
        move |(id, request, before): &(Option<String>, IdentityProviderRequest, Vec<String>)| {
            let (id, request, before) = (id.clone(), request.clone(), before.clone());
            async move {
                let saved = save_provider(api, id, request, before, create_outcome_unknown).await;
                if let Ok((provider, _)) = &saved {
                    api.emit("qufabric:provider-saved", || {
                        serde_json::json!({
                            "id": provider.id,
                            "name": provider.name,
                            "type": provider.kind,
                        })
                    });
                }
                saved
            }
        },
    );
    Effect::new(move |_| match save.value().get() {
        Some(Ok((saved, recovered))) => {
            form.secret.set(String::new());
            server_error.set(None);
            form_error.set(None);
            if !editing {
                if let Some(UnsavedChanges(flag)) = unsaved {
                    flag.set(false);
                }
                nav.go(
                    &format!(
                        "{PROVIDERS_PATH}/{}?saved={}",
                        crate::api::encode_segment(&saved.id),
                        if recovered { "recovered" } else { "1" }
                    ),
                    true,
                );
            } else {
                loaded_for.set_value(None);
                original.refetch();
                providers.refetch();
                save_status.set(format!("Saved {}.", saved.name));
            }
        }
        Some(Err(ApiError::Validation(message))) => match field_of_server_message(&message) {
            Some(field) => server_error.set(Some((field, capitalise(&message)))),
            None => form_error.set(Some(capitalise(&message))),
        },
        Some(Err(error)) => form_error.set(Some(error.user_message())),
        None => {}
    });
    // A server message belongs to the values it judged: editing the field clears it.
    Effect::new(move |_| {
        form.name.track();
        form.issuer.track();
        form.client_id.track();
        form.secret.track();
        server_error.set(None);
    });

    let can_save = move || {
        can_write.get()
            && dirty.get()
            && !save.pending().get()
            && !findings.with(|f| blocks_saving(f))
    };
    let editing_for_submit = editing_id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can_save() {
            return;
        }
        let Some(kind) = form.kind.get_untracked() else {
            return;
        };
        form_error.set(None);
        save_status.set(String::new());
        let request = IdentityProviderRequest {
            kind,
            name: form.name.get_untracked(),
            issuer: if kind.info().builtin_issuer.is_some() {
                String::new()
            } else {
                form.issuer.get_untracked()
            },
            client_id: form.client_id.get_untracked(),
            client_secret: form.secret.get_untracked(),
            logout_url_registered: form.logout_registered.get_untracked(),
        };
        save.dispatch_local((editing_for_submit.clone(), request, known_ids()));
    };

    let choose_kind = move |kind: ProviderKind| {
        form.kind.set(Some(kind));
        if !form.name_touched.get_untracked() {
            form.name.set(kind.label().to_string());
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
    let page_origin = api.config().page_origin;
    let other_address = Signal::derive(move || {
        let public = redirect_url.with(|url| public_url_of_redirect(url).to_string());
        (origin_of(&public) != origin_of(&page_origin)).then_some(public)
    });
    let page_head = NodeRef::<leptos::html::Div>::new();
    // Just saved: put the keyboard on the Redirect URL's Copy button (step 3).
    if saved_status.is_some() {
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
                    .and_then(|head| {
                        crate::browser::query_in_root_of(&head, "#redirect-url + button")
                    })
                    .and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b).ok());
                if let Some(button) = button {
                    let _ = button.focus();
                }
            });
        });
    }
    let logout_field = move || {
        form.kind
            .get()
            .map(|k| k.info().logout_field)
            .unwrap_or("post-logout redirect URIs")
    };
    let kind_label = move || form.kind.get().map(|k| k.label()).unwrap_or("the provider");
    let issuer_shown = move || {
        form.kind
            .get()
            .is_none_or(|k| k.info().builtin_issuer.is_none())
    };
    // The Redirect URL block: right under the heading just after a save (step 3 of the
    // guide is to copy it, so nothing above it moves it away), else below the form.
    let just_saved = saved_status.is_some();
    let saved_note = saved_status.clone();
    let redirects = move || {
        let saved_note = saved_note.clone();
        view! {
        <section class=if just_saved { "redirects just-saved" } else { "redirects" } aria-labelledby="redirects-title">
            <h3 id="redirects-title">"Callback URL for the provider"</h3>
            <p>{move || format!("Add this URL to the callback URLs of the OIDC client in {}. It is the same for every provider.", kind_label())}</p>
            <PublicUrlWarning id="public-url-warning" redirect_url=redirect_url visible=can_write/>
            {saved_note.map(|note| view! {
                <p class="notice notice-ok" role="status" id="saved-confirmation">{note}</p>
            })}
            <CopyField id="redirect-url" label="Redirect URL" value=redirect_url
                hint=String::from("What this server sends to the provider (built from its public URL).")/>
            {move || other_address.get().map(|public| view! {
                <p class="hint" id="redirect-other-address">
                    {format!("You opened the dashboard at {page_origin}, but sign-ins through a provider always pass through the server's public URL {public}: this one Redirect URL is all the provider needs.", page_origin = api.config().page_origin)}
                </p>
            })}
            <p><a href=nav.outside_href("/help/redirect-uri")>"The provider says “Invalid redirect URI”?"</a></p>
        </section>
        }
    };
    // Each input is described by its hint and its findings.
    let described = |base: &str| format!("{base}-hint {base}-findings");

    view! {
        <div class="page-head" node_ref=page_head>
            <h2>{if editing { "Edit identity provider" } else { "Add identity provider" }}</h2>
            <NavLink href=PROVIDERS_PATH.to_string() class="button secondary">"Back to the list"</NavLink>
        </div>
        <StatusRegion message=Signal::derive(move || status.get()) id="form-status"/>
        {just_saved.then(redirects.clone())}
        {move || match original.get() {
            Some(Err(error)) => Some(view! {
                <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| original.refetch())/>
            }),
            _ => None,
        }}
        <Show when=move || !editing || stored.with(Option::is_some)
            fallback=move || view! { <p class="status">"Loading…"</p> }>
        <form class="provider-form" on:submit=submit.clone() novalidate>
            <fieldset disabled=move || !can_write.get() class="plain">
            <fieldset class="type-picker">
                <legend>"Type"</legend>
                {editing.then_some(view! { <p class="hint" id="type-hint">"The type of a saved provider cannot change."</p> })}
                <div class="type-options">
                    {CATALOGUE.iter().map(|info| {
                        let kind = info.kind;
                        let id = format!("type-{}", info.id);
                        let label_for = id.clone();
                        view! {
                            <label class="type-option" for=label_for>
                                <input type="radio" name="type" id=id value=info.id
                                    disabled=editing
                                    prop:checked=move || form.kind.get() == Some(kind)
                                    on:change=move |_| choose_kind(kind)/>
                                <img src=nav.outside_href(&format!("/icons/{}", info.icon)) alt="" width="24" height="24"/>
                                <span>{info.label}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
                <Findings id="type-findings".into() findings=for_field(Field::Type) on_fix=Callback::new(|_| {})/>
            </fieldset>

            <div class="field">
                <label for="provider-name">"Name"</label>
                <input id="provider-name" type="text" autocomplete="off"
                    aria-describedby=described("provider-name")
                    aria-invalid=move || has_error(Field::Name).then_some("true")
                    prop:value=move || form.name.get()
                    on:input=move |ev| { form.name_touched.set(true); form.name.set(event_target_value(&ev)); }/>
                <p class="hint" id="provider-name-hint">"Shown on the login button: “Continue with "{move || form.name.get()}"”."</p>
                <Findings id="provider-name-findings".into() findings=for_field(Field::Name)
                    on_fix=Callback::new(move |value| form.name.set(value))/>
            </div>

            <Show when=issuer_shown>
                <div class="field">
                    <label for="provider-issuer">"Issuer"</label>
                    <input id="provider-issuer" type="url" autocomplete="off" spellcheck="false"
                        placeholder=move || form.kind.get().unwrap_or(ProviderKind::Oidc).info().issuer_placeholder
                        aria-describedby=described("provider-issuer")
                        aria-invalid=move || has_error(Field::Issuer).then_some("true")
                        prop:value=move || form.issuer.get()
                        on:input=move |ev| {
                            let value = event_target_value(&ev);
                            match strip_well_known(&value) {
                                Some(stripped) => {
                                    issuer_note.set(Some("Removed /.well-known/openid-configuration: the issuer is the part before it.".into()));
                                    form.issuer.set(stripped);
                                }
                                None => {
                                    issuer_note.set(None);
                                    form.issuer.set(value);
                                }
                            }
                        }/>
                    <p class="hint" id="provider-issuer-hint">
                        {move || issuer_note.get().unwrap_or_else(|| format!("The URL {} names as its issuer, exactly.", kind_label()))}
                    </p>
                    <Findings id="provider-issuer-findings".into() findings=for_field(Field::Issuer)
                        on_fix=Callback::new(move |value| form.issuer.set(value))/>
                    <p class="status discovery-status" role="status" aria-live="polite" id="discovery-status">
                        {move || {
                            if checking.get() {
                                "Checking the issuer with the provider…".to_string()
                            } else {
                                match current_discovery.get() {
                                    Some(Ok(result)) => discovery_summary(&result),
                                    Some(Err(error)) => format!("The live check could not run ({}); the server checks again on save.", error.user_message()),
                                    None => String::new(),
                                }
                            }
                        }}
                    </p>
                </div>
            </Show>

            <div class="field">
                <label for="provider-client-id">"Client ID"</label>
                <input id="provider-client-id" type="text" autocomplete="off" spellcheck="false"
                    aria-describedby=described("provider-client-id")
                    aria-invalid=move || has_error(Field::ClientId).then_some("true")
                    prop:value=move || form.client_id.get()
                    on:input=move |ev| form.client_id.set(event_target_value(&ev))/>
                <p class="hint" id="provider-client-id-hint">{move || format!("From the OIDC client you created in {}.", kind_label())}</p>
                <Findings id="provider-client-id-findings".into() findings=for_field(Field::ClientId)
                    on_fix=Callback::new(move |value| form.client_id.set(value))/>
            </div>

            <div class="field">
                <label for="provider-secret">"Client Secret"</label>
                <div class="secret-row">
                    <input id="provider-secret" autocomplete="new-password" spellcheck="false"
                        type=move || if show_secret.get() { "text" } else { "password" }
                        aria-describedby=described("provider-secret")
                        aria-invalid=move || has_error(Field::ClientSecret).then_some("true")
                        prop:value=move || form.secret.get()
                        on:input=move |ev| form.secret.set(event_target_value(&ev))/>
                    <button type="button" class="button secondary" aria-controls="provider-secret"
                        aria-pressed=move || if show_secret.get() { "true" } else { "false" }
                        on:click=move |_| show_secret.update(|s| *s = !*s)>
                        {move || if show_secret.get() { "Hide" } else { "Show" }}
                        <span class="visually-hidden">" the client secret"</span>
                    </button>
                </div>
                <p class="hint" id="provider-secret-hint">
                    {if editing { "Write-only: leave empty to keep the current secret." } else { "Write-only: it is never shown again after saving." }}
                    {move || form.kind.get().and_then(|k| k.info().secret_hint).map(|hint| format!(" {hint}"))}
                </p>
                <Findings id="provider-secret-findings".into() findings=for_field(Field::ClientSecret)
                    on_fix=Callback::new(move |value| form.secret.set(value))/>
            </div>

            <fieldset class="sign-out-return">
                <legend>"Sign-out"</legend>
                <CopyField id="logout-url" label="Logout URL" value=logout_url
                    hint=String::from("Where the provider sends people back after they sign out of it.")/>
                <div class="checkbox-row">
                    <input id="provider-logout-registered" type="checkbox"
                        aria-describedby="provider-logout-registered-hint"
                        prop:checked=move || form.logout_registered.get()
                        on:change=move |ev| form.logout_registered.set(event_target_checked(&ev))/>
                    <label for="provider-logout-registered">{move || format!("Logout URL registered in {}", kind_label())}</label>
                </div>
                <p class="hint" id="provider-logout-registered-hint">
                    {move || format!(
                        "Tick this once the Logout URL is listed in {}'s {}. Then signing out of QuFabric also signs people out of {} and brings them back. Until then sign-out stays in QuFabric and offers {}'s sign-out as a link: {} refuses to send people back to an address it does not know.",
                        kind_label(), logout_field(), kind_label(), kind_label(), kind_label()
                    )}
                </p>
            </fieldset>
            </fieldset>

            {move || form_error.get().map(|message| view! { <ErrorNotice message=message/> })}
            <div class="form-actions">
                <Show when=move || can_write.get()>
                    <button type="submit" class="button" disabled=move || !can_save() aria-busy=move || save.pending().get().then_some("true")>
                        {move || if save.pending().get() { "Saving…" } else if editing { "Save changes" } else { "Save" }}
                    </button>
                </Show>
                <StatusRegion id="save-status" message=Signal::derive(move || {
                    if save.pending().get() { "Saving…".to_string() } else { save_status.get() }
                })/>
                <span class="hint">{move || if save.pending().get() || !save_status.with(String::is_empty) { "" } else if findings.with(|f| blocks_saving(f)) { "Fix the errors above to save." } else if !dirty.get() { "Nothing changed yet." } else { "" }}</span>
            </div>
        </form>
        </Show>

        {(!just_saved).then(redirects)}
    }
}
