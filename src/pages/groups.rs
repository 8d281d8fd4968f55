//! Settings → Groups: JWT group sync (on/off, claim, allow list) and group propagation,
//! with the checks that catch configurations that silently do nothing or lock people out.
//! The save GETs the account, changes only these fields and PUTs back everything else it
//! received, because the server replaces the whole settings object.

use leptos::prelude::*;

use crate::api::use_api;
use crate::components::{ConfirmDialog, ErrorNotice, Findings, StatusRegion};
use crate::pages::{guard_unsaved_edits, read_kept_draft, CurrentUser};
use qufabric_model::checks::{blocks_saving, Field, Finding};
use qufabric_model::group_checks::{check_sync, clean_claim, Editor, SyncDraft};
use qufabric_model::oidc::LOCAL_CONNECTOR;
use qufabric_model::{Account, AccountRequest, Group};

/// sessionStorage key and scope of the edits kept when the session ends mid-edit.
const DRAFT_KEY: &str = "qufabric.groups_draft";
const DRAFT_SCOPE: &str = "groups";

/// This page's fields, as kept across a session that ended or a reload.
#[derive(serde::Serialize, serde::Deserialize)]
struct GroupsDraft {
    propagation: bool,
    enabled: bool,
    claim: String,
    allow: Vec<String>,
}

/// Up to `limit` existing group names containing `typed`, not already chosen.
pub fn suggest_groups(
    groups: &[Group],
    typed: &str,
    chosen: &[String],
    limit: usize,
) -> Vec<String> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return Vec::new();
    }
    groups
        .iter()
        .filter(|g| g.name.to_lowercase().contains(&typed) && !chosen.contains(&g.name))
        .take(limit)
        .map(|g| g.name.clone())
        .collect()
}

#[component]
fn Switch(
    id: &'static str,
    label: &'static str,
    checked: RwSignal<bool>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="switch-row">
            <button type="button" role="switch" id=id class="switch"
                aria-checked=move || if checked.get() { "true" } else { "false" }
                disabled=move || disabled.get()
                on:click=move |_| checked.update(|c| *c = !*c)>
                <span class="switch-knob" aria-hidden="true"></span>
            </button>
            <label for=id>{label}</label>
        </div>
    }
}

#[component]
pub fn GroupsPage() -> impl IntoView {
    let api = use_api();
    let me = use_context::<CurrentUser>()
        .map(|c| c.0)
        .unwrap_or_else(|| Signal::derive(|| None));
    let can_write = Signal::derive(move || {
        me.with(|u| u.as_ref().is_some_and(|u| u.role.can_write_settings()))
    });
    let read_only = Signal::derive(move || !can_write.get());
    // Four independent requests, started together.
    let accounts = LocalResource::new(move || async move { api.accounts().await });
    let groups = LocalResource::new(move || async move { api.groups().await });
    let users = LocalResource::new(move || async move { api.users().await });
    let providers = LocalResource::new(move || async move { api.providers().await });

    let propagation = RwSignal::new(false);
    let enabled = RwSignal::new(false);
    let claim = RwSignal::new(String::new());
    let allow = RwSignal::new(Vec::<String>::new());
    let typed = RwSignal::new(String::new());
    let claim_note = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let restore_note = RwSignal::new(String::new());
    let save_error = RwSignal::new(None::<String>);
    let confirm_open = RwSignal::new(false);

    let loaded = Memo::new(move |_| {
        accounts
            .get()
            .and_then(Result::ok)
            .and_then(|a| a.into_iter().next())
    });
    let loaded_for = StoredValue::new(None::<Account>);
    // Edits kept when the session ended mid-edit (or the page was reloaded) come back
    // once, over what is stored.
    let restored = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(account) = loaded.get() {
            if loaded_for.get_value().as_ref() != Some(&account) {
                loaded_for.set_value(Some(account.clone()));
                let s = &account.settings;
                propagation.set(s.groups_propagation_enabled);
                enabled.set(s.jwt_groups_enabled);
                claim.set(s.jwt_groups_claim_name.clone());
                allow.set(s.jwt_allow_groups.clone());
                if !restored.get_value() {
                    restored.set_value(true);
                    if let Some(kept) = read_kept_draft::<GroupsDraft>(DRAFT_KEY, DRAFT_SCOPE) {
                        propagation.set(kept.propagation);
                        enabled.set(kept.enabled);
                        claim.set(kept.claim);
                        allow.set(kept.allow);
                        restore_note.set(
                            "Restored the changes you had not saved yet. Review them and save."
                                .into(),
                        );
                    }
                }
            }
        }
    });

    // Whether the embedded IdP stands between providers and QuFabric (it forwards only
    // the groups claim); until the account is loaded, QuFabric's default: it does.
    let embedded_idp = Memo::new(move |_| {
        loaded.with(|a| a.as_ref().is_none_or(|a| a.settings.embedded_idp_enabled))
    });
    let draft = Memo::new(move |_| SyncDraft {
        enabled: enabled.get(),
        claim: claim.get(),
        allow: allow.get(),
    });
    let editor = Memo::new(move |_| {
        let claims = api.session().claims().unwrap_or_default();
        let provider = claims.connector_id.filter(|c| c != LOCAL_CONNECTOR);
        Editor {
            provider_id: provider,
            token_groups: claims.groups,
        }
    });
    let findings = Memo::new(move |_| {
        let groups = groups.get().and_then(Result::ok).unwrap_or_default();
        let users = users.get().and_then(Result::ok).unwrap_or_default();
        let providers = providers.get().and_then(Result::ok).unwrap_or_default();
        check_sync(
            &draft.get(),
            &editor.get(),
            &groups,
            &users,
            &providers,
            embedded_idp.get(),
        )
    });
    let for_field = move |field: Field| {
        Signal::derive(move || {
            findings.with(|all| {
                all.iter()
                    .filter(|f| f.field == field)
                    .cloned()
                    .collect::<Vec<Finding>>()
            })
        })
    };
    let dirty = Memo::new(move |_| match loaded.get() {
        Some(account) => {
            let s = account.settings;
            s.groups_propagation_enabled != propagation.get()
                || s.jwt_groups_enabled != enabled.get()
                || s.jwt_groups_claim_name != claim.get()
                || s.jwt_allow_groups != allow.get()
        }
        None => false,
    });
    guard_unsaved_edits(
        DRAFT_KEY,
        DRAFT_SCOPE.to_string(),
        dirty,
        restored,
        move || GroupsDraft {
            propagation: propagation.get(),
            enabled: enabled.get(),
            claim: claim.get(),
            allow: allow.get(),
        },
    );
    let locks_me_out = move || findings.with(|all| all.iter().any(|f| f.code == "lockout_self"));
    let others_out = move || {
        findings.with(|all| {
            all.iter()
                .find(|f| f.code == "lockout_others")
                .map(|f| f.message.clone())
        })
    };

    let save = Action::new_local(move |_: &()| async move {
        // The whole settings object as received, with only this page's fields changed.
        let Some(account) = loaded_for.get_value() else {
            return Err(crate::api::ApiError::Malformed(
                "the account is not loaded".into(),
            ));
        };
        let mut settings = account.settings.clone();
        settings.groups_propagation_enabled = propagation.get_untracked();
        settings.jwt_groups_enabled = enabled.get_untracked();
        settings.jwt_groups_claim_name = claim.get_untracked();
        settings.jwt_allow_groups = allow.get_untracked();
        let request = AccountRequest {
            settings,
            onboarding: account.onboarding.clone(),
        };
        let saved = api.update_account(&account.id, &request).await?;
        api.emit(
            "qufabric:groups-saved",
            || serde_json::json!({ "settings": saved.settings }),
        );
        Ok(saved)
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            confirm_open.set(false);
            save_error.set(None);
            status.set("Saved group settings.".into());
            accounts.refetch();
            groups.refetch();
        }
        Some(Err(error)) => {
            save_error.set(Some(error.user_message()));
            status.set(String::new());
        }
        None => {}
    });
    let can_save = move || {
        can_write.get()
            && dirty.get()
            && !save.pending().get()
            && !findings.with(|f| blocks_saving(f))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can_save() {
            return;
        }
        if locks_me_out() {
            confirm_open.set(true);
        } else {
            save.dispatch_local(());
        }
    };

    let add_group = move |name: String| {
        let name = name.trim().to_string();
        if !name.is_empty() && !allow.with(|a| a.contains(&name)) {
            allow.update(|a| a.push(name));
        }
        typed.set(String::new());
    };
    let suggestions = Memo::new(move |_| {
        let groups = groups.get().and_then(Result::ok).unwrap_or_default();
        suggest_groups(&groups, &typed.get(), &allow.get(), 8)
    });
    let fix_allow = Callback::new(move |exact: String| {
        allow.update(|list| {
            for name in list.iter_mut() {
                if name.trim_start_matches('/').eq_ignore_ascii_case(&exact) {
                    *name = exact.clone();
                }
            }
            list.dedup();
        });
    });

    view! {
        <h2>"Groups"</h2>
        <p class="lede">"Take group memberships from the identity provider's token, and admit only members of chosen groups."</p>
        <StatusRegion message=Signal::derive(move || restore_note.get())/>
        {move || accounts.get().and_then(Result::err).map(|error| view! {
            <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| accounts.refetch())/>
        })}
        <Show when=move || loaded.with(Option::is_some) fallback=|| view! { <p class="status">"Loading group settings…"</p> }>
            <form class="groups-form" on:submit=submit novalidate>
                <Switch id="groups-propagation" label="Enable user group propagation" checked=propagation disabled=read_only/>
                <p class="hint">"A user's groups are also given to the peers they add."</p>
                <Switch id="jwt-sync" label="Enable JWT group sync" checked=enabled disabled=read_only/>
                <Findings id="jwt-sync-findings".into() findings=for_field(Field::Sync) on_fix=Callback::new(|_| {})/>

                <div class="field">
                    <label for="jwt-claim">"JWT claim"</label>
                    <input id="jwt-claim" type="text" autocomplete="off" spellcheck="false"
                        disabled=move || read_only.get()
                        aria-describedby="jwt-claim-hint jwt-claim-findings"
                        aria-invalid=move || findings.with(|f| f.iter().any(|x| x.field == Field::Claim && x.severity == qufabric_model::checks::Severity::Error)).then_some("true")
                        prop:value=move || claim.get()
                        on:input=move |ev| {
                            let raw = event_target_value(&ev);
                            let cleaned = clean_claim(&raw);
                            claim_note.set((cleaned != raw).then(|| "Claim names have no spaces; they were left out.".to_string()));
                            claim.set(cleaned);
                        }/>
                    <p class="hint" id="jwt-claim-hint">
                        {move || claim_note.get().unwrap_or_else(|| {
                            if embedded_idp.get() {
                                "The embedded IdP forwards the provider's groups in the claim groups.".to_string()
                            } else {
                                "The claim of the provider's token that lists the user's groups.".to_string()
                            }
                        })}
                    </p>
                    <Findings id="jwt-claim-findings".into() findings=for_field(Field::Claim) on_fix=Callback::new(move |v| { claim_note.set(None); claim.set(v); })/>
                </div>

                <div class="field">
                    <label for="allow-input">"JWT allow groups"</label>
                    <ul class="tags" aria-label="Allowed groups">
                        {move || allow.get().into_iter().map(|name| {
                            let remove = name.clone();
                            view! {
                                <li class="tag">
                                    <span>{name.clone()}</span>
                                    <button type="button" class="tag-remove" disabled=move || read_only.get()
                                        aria-label=format!("Remove {name}")
                                        on:click=move |_| allow.update(|a| a.retain(|x| x != &remove))>"×"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <input id="allow-input" type="text" autocomplete="off" spellcheck="false"
                        disabled=move || read_only.get()
                        placeholder="Type a group name and press Enter"
                        aria-describedby="allow-hint allow-findings"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                        on:keydown=move |ev: web_sys::KeyboardEvent| {
                            if ev.key() == "Enter" {
                                ev.prevent_default();
                                add_group(typed.get_untracked());
                            }
                        }/>
                    <ul class="suggestions" aria-label="Matching groups" hidden=move || suggestions.with(Vec::is_empty)>
                        {move || suggestions.get().into_iter().map(|name| {
                            let chosen = name.clone();
                            view! { <li><button type="button" class="button secondary" on:click=move |_| add_group(chosen.clone())>{name}</button></li> }
                        }).collect_view()}
                    </ul>
                    <p class="hint" id="allow-hint">"Empty: everyone who signs in is admitted. Otherwise only members of at least one of these groups."</p>
                    <Findings id="allow-findings".into() findings=for_field(Field::AllowGroups) on_fix=fix_allow/>
                </div>

                {move || save_error.get().map(|message| view! { <ErrorNotice message=message/> })}
                <div class="form-actions">
                    <Show when=move || can_write.get()>
                        <button type="submit" class="button" disabled=move || !can_save()>
                            {move || if save.pending().get() { "Saving…" } else { "Save" }}
                        </button>
                    </Show>
                    // What the save did, next to the button that caused it.
                    <StatusRegion id="groups-save-status" message=Signal::derive(move || status.get())/>
                </div>
            </form>
        </Show>
        <ConfirmDialog
            open=confirm_open
            title=Signal::derive(|| "Save an allow list that locks you out?".to_string())
            confirm_label=Signal::derive(|| "Save and lose access".to_string())
            busy=Signal::derive(move || save.pending().get())
            danger=true
            on_confirm=Callback::new(move |_| {
                if !save.pending().get_untracked() {
                    save.dispatch_local(());
                }
            })
        >
            <p>"None of the groups in your session's token is in the allow list. After saving, your next request is refused and you cannot sign in through your provider."</p>
            {move || others_out().map(|text| view! { <p>{text}</p> })}
            <p>"A local (email) owner keeps access and can change this back."</p>
        </ConfirmDialog>
    }
}
