//! Settings → Groups: JWT group sync (on/off, claim, allow list) and group propagation,
//! with the checks that catch configurations that silently do nothing or lock people out.
//! The save GETs the account, changes only these fields and PUTs back everything else it
//! received, because the server replaces the whole settings object.

mod allow_list;
mod fields;
mod role_rules;
mod try_sync;

pub use allow_list::suggest_groups;
pub use fields::kept_sync_draft;

use leptos::prelude::*;

use crate::api::use_api;
use crate::components::{findings_for, ConfirmDialog, ErrorNotice, Findings, StatusRegion, Switch};
use crate::pages::{use_can_write, use_page_tasks, ActionStatus};
use allow_list::AllowGroupsField;
use fields::use_group_fields;
use qufabric_model::checks::{blocks_saving, Field, Severity};
use qufabric_model::group_checks::{check_sync, clean_claim, Editor};
use qufabric_model::oidc::LOCAL_CONNECTOR;
use qufabric_model::role_rules::{self as rules, Member};
use qufabric_model::AccountRequest;
use role_rules::RoleRulesField;
use try_sync::TrySync;

#[component]
pub fn GroupsPage() -> impl IntoView {
    let api = use_api();
    let tasks = use_page_tasks();
    let can_write = use_can_write();
    let read_only = Signal::derive(move || !can_write.get());
    // Four independent requests, started together.
    let accounts = api.load_accounts();
    let groups = api.load_groups();
    let users = api.load_users();
    let providers = api.load_providers();

    let loaded = Memo::new(move |_| {
        accounts
            .get()
            .and_then(Result::ok)
            .and_then(|a| a.into_iter().next())
    });
    let restore_note = RwSignal::new(String::new());
    let (fields, dirty) = use_group_fields(loaded, restore_note);
    let claim_note = RwSignal::new(None::<&'static str>);
    let save_status = RwSignal::new(ActionStatus::Idle);
    let confirm_open = RwSignal::new(false);

    // Whether the embedded IdP stands between providers and QuFabric (it forwards only
    // the groups claim); until the account is loaded, QuFabric's default: it does.
    let embedded_idp = Memo::new(move |_| {
        loaded.with(|a| a.as_ref().is_none_or(|a| a.settings.embedded_idp_enabled))
    });
    let editor = Memo::new(move |_| {
        let claims = api.session().claims().unwrap_or_default();
        let provider = claims.connector_id.filter(|c| c != LOCAL_CONNECTOR);
        Editor {
            provider_id: provider,
            token_groups: claims.groups,
        }
    });
    let group_list = Signal::derive(move || groups.get().and_then(Result::ok).unwrap_or_default());
    let findings = Memo::new(move |_| {
        let users = users.get().and_then(Result::ok).unwrap_or_default();
        let providers = providers.get().and_then(Result::ok).unwrap_or_default();
        group_list.with(|groups| {
            check_sync(
                &fields.sync(),
                &editor.get(),
                groups,
                &users,
                &providers,
                embedded_idp.get(),
            )
        })
    });
    // The role rules as everyone stands now, as the server will judge them on save.
    let provider_list =
        Signal::derive(move || providers.get().and_then(Result::ok).unwrap_or_default());
    let rule_verdict = Memo::new(move |_| {
        let draft = fields.role_rules.get()?;
        let users = users.get().and_then(Result::ok).unwrap_or_default();
        let members: Vec<Member> = users.iter().map(Member::from).collect();
        let list = provider_list.get();
        let ids: Vec<&str> = list.iter().map(|p| p.id.as_str()).collect();
        let sync = fields.sync();
        let (current, local_off) = loaded.with(|a| {
            a.as_ref().map(|a| {
                (
                    a.settings.role_rules().unwrap_or_default(),
                    a.settings.local_auth_disabled,
                )
            })
        })?;
        let people =
            group_list.with(|groups| rules::people(&members, groups, &ids, &sync, local_off));
        Some((
            rules::changes(&draft, sync.enabled, &people),
            rules::findings(&current, &draft, sync.enabled, &people, &ids),
        ))
    });
    let rule_changes = Signal::derive(move || {
        rule_verdict.with(|v| v.as_ref().map(|v| v.0.clone()).unwrap_or_default())
    });
    let findings = Memo::new(move |_| {
        let mut all = findings.get();
        rule_verdict.with(|v| all.extend(v.iter().flat_map(|v| v.1.iter().cloned())));
        all
    });
    let for_field = move |field: Field| findings_for(findings, field);
    let locks_me_out = move || findings.with(|all| all.iter().any(|f| f.code == "lockout_self"));
    let others_out = move || {
        findings.with(|all| {
            all.iter()
                .find(|f| f.code == "lockout_others")
                .map(|f| f.message.clone())
        })
    };

    // The save runs to its end here and shows its outcome where it happens.
    // Only the fields of this page are written, into the account as it is just before the
    // PUT: the Users page's approval switch PUTs the same whole object.
    let save = move || {
        if loaded.with_untracked(Option::is_none) {
            return;
        }
        save_status.set(ActionStatus::Running);
        tasks.spawn(async move {
            let saved = match api.account_now().await {
                Ok(account) => {
                    let request = AccountRequest {
                        settings: fields.written_into(account.settings),
                        onboarding: account.onboarding,
                    };
                    api.update_account(&account.id, &request).await
                }
                Err(error) => Err(error),
            };
            match saved {
                Ok(saved) => {
                    api.emit(
                        "qufabric:groups-saved",
                        || serde_json::json!({ "settings": saved.settings }),
                    );
                    confirm_open.set(false);
                    save_status.set(ActionStatus::Done("Saved group settings.".into()));
                    accounts.refetch();
                    groups.refetch();
                }
                Err(error) => save_status.set(ActionStatus::Failed(error.user_message())),
            }
        });
    };
    let saving = Signal::derive(move || save_status.with(ActionStatus::is_running));
    let can_save = move || {
        can_write.get() && dirty.get() && !saving.get() && !findings.with(|f| blocks_saving(f))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can_save() {
            return;
        }
        if locks_me_out() {
            confirm_open.set(true);
        } else {
            save();
        }
    };
    let claim_invalid = move || {
        findings
            .with(|f| {
                f.iter()
                    .any(|x| x.field == Field::Claim && x.severity == Severity::Error)
            })
            .then_some("true")
    };
    let claim_hint = move || {
        match claim_note.get() {
        Some(note) => note,
        None if embedded_idp.get() => {
            "Each identity provider's own groups claim (in its Advanced settings; groups unless changed) is read at sign-in, and the embedded IdP hands those groups to QuFabric in the claim groups: this field names that claim, so keep it groups."
        }
        None => "The claim of the provider's token that lists the user's groups.",
    }
    };

    view! {
        <h2 class="page-title">"Groups"</h2>
        <p class="lede">"Take group memberships from the identity provider's token, and admit only members of chosen groups."</p>
        <StatusRegion message=Signal::derive(move || restore_note.get())/>
        {move || accounts.get().and_then(Result::err).map(|error| view! {
            <ErrorNotice message=error.user_message() on_retry=Callback::new(move |_| accounts.refetch())/>
        })}
        <Show when=move || loaded.with(Option::is_some) fallback=|| view! { <p class="status">"Loading group settings…"</p> }>
            <form class="groups-form" on:submit=submit novalidate>
                <Switch id="groups-propagation" label="Enable user group propagation" checked=fields.propagation disabled=read_only/>
                <p class="hint">"A user's groups are also given to the peers they add."</p>
                <Switch id="jwt-sync" label="Enable JWT group sync" checked=fields.enabled disabled=read_only/>
                <Findings id="jwt-sync-findings".into() findings=for_field(Field::Sync) on_fix=Callback::new(|_| {})/>

                <div class="field">
                    <label for="jwt-claim">"JWT claim"</label>
                    <input id="jwt-claim" type="text" autocomplete="off" spellcheck="false"
                        disabled=move || read_only.get()
                        aria-describedby="jwt-claim-hint jwt-claim-findings"
                        aria-invalid=claim_invalid
                        prop:value=move || fields.claim.get()
                        on:input=move |ev| {
                            let raw = event_target_value(&ev);
                            let cleaned = clean_claim(&raw);
                            claim_note.set((cleaned != raw).then_some("Claim names have no spaces; they were left out."));
                            fields.claim.set(cleaned);
                        }/>
                    <p class="hint" id="jwt-claim-hint">{claim_hint}</p>
                    <Findings id="jwt-claim-findings".into() findings=for_field(Field::Claim)
                        on_fix=Callback::new(move |v| { claim_note.set(None); fields.claim.set(v); })/>
                </div>

                <AllowGroupsField allow=fields.allow groups=group_list findings read_only/>
                <RoleRulesField rules=fields.role_rules providers=provider_list changes=rule_changes findings read_only/>

                {move || save_status.with(ActionStatus::failure).map(|message| view! { <ErrorNotice message=message/> })}
                <div class="form-actions">
                    <Show when=move || can_write.get()>
                        <button type="submit" class="button" disabled=move || !can_save()>
                            {move || if saving.get() { "Saving…" } else { "Save" }}
                        </button>
                    </Show>
                    // What the save did, next to the button that caused it.
                    <StatusRegion id="groups-save-status" message=Signal::derive(move || save_status.with(ActionStatus::done))/>
                </div>
            </form>
            <TrySync providers sync=Signal::derive(move || fields.sync()) can_write/>
        </Show>
        <ConfirmDialog
            open=confirm_open
            title=Signal::derive(|| "Save an allow list that locks you out?".to_string())
            confirm_label=Signal::derive(|| "Save and lose access".to_string())
            busy=saving
            danger=true
            on_confirm=Callback::new(move |_| {
                if !saving.get_untracked() {
                    save();
                }
            })
        >
            <p>"None of the groups in your session's token is in the allow list. After saving, your next request is refused and you cannot sign in through your provider."</p>
            {move || others_out().map(|text| view! { <p>{text}</p> })}
            <p>"A local (email) owner keeps access and can change this back."</p>
        </ConfirmDialog>
    }
}
