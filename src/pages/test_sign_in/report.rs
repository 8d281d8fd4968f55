//! The test sign-in's report: the verdict first (would this person get in, with which
//! groups and role), then what to change and where, then the claims as sent.

use leptos::prelude::*;

use super::{Stage, TestSignIn};
use crate::api::use_api;
use crate::components::CodedText;
use crate::pages::{kept_sync_draft, login_error_message};
use qufabric_model::claims::Mapped;
use qufabric_model::group_checks::SyncDraft;
use qufabric_model::test_sign_in::{analyse, GroupAction, ReportedClaim, TestSignInReport};
use qufabric_model::IdentityProvider;

/// Where a value the rule chose came from, for the report: "from `email` in userinfo".
fn origin(mapped: &Mapped) -> String {
    format!("from `{}` in {}", mapped.claim, mapped.source.describe())
}

/// The report of `tester`'s test, where the page shows it. `sync` is the Groups page's
/// live (maybe unsaved) settings when the test runs from there; elsewhere the report is
/// judged against the Groups draft kept in this tab, or the saved settings.
#[component]
pub fn TestSignInReportView(
    tester: TestSignIn,
    #[prop(optional)] sync: Option<Signal<SyncDraft>>,
) -> impl IntoView {
    move || {
        let run = tester.run.get()?;
        let name = run.provider.name.clone();
        let body = match run.stage {
            Stage::Starting | Stage::Waiting => view! {
                <p class="status" role="status" aria-busy="true">
                    {format!("Waiting for the sign-in at {name} in the other window…")}
                </p>
                <button type="button" class="button secondary" on:click=move |_| tester.cancel()>"Cancel test"</button>
            }
            .into_any(),
            Stage::Failed(why) => view! {
                <p class="notice notice-error" role="alert">{why}</p>
            }
            .into_any(),
            Stage::Finished(report) => match report.failure.clone() {
                Some(failure) => {
                    let (what, todo) = login_error_message(&failure.code);
                    view! {
                        <div class="notice notice-error" role="alert">
                            <p><strong>{what}</strong></p>
                            <p>{todo}</p>
                            <p class="detail">"Details: "{failure.description}</p>
                        </div>
                    }
                    .into_any()
                }
                None => view! { <Finished report=*report provider=run.provider.clone() sync=sync/> }
                    .into_any(),
            },
        };
        Some(view! {
            <section class="test-report" aria-labelledby="test-report-title">
                <div class="page-head">
                    <h3 id="test-report-title">{format!("Test sign-in with {name}")}</h3>
                    <button type="button" class="button secondary" on:click=move |_| tester.cancel()>
                        "Close report"
                    </button>
                </div>
                {body}
            </section>
        })
    }
}

/// A finished round trip, judged against the sync settings in force for this page.
#[component]
fn Finished(
    report: TestSignInReport,
    provider: IdentityProvider,
    sync: Option<Signal<SyncDraft>>,
) -> impl IntoView {
    let api = use_api();
    // Read only once a report is there: the pages that offer a test do not pay for them.
    let kept = kept_sync_draft();
    // The saved settings are read only when neither the page nor the tab has a draft.
    let accounts = (sync.is_none() && kept.is_none()).then(|| api.load_accounts());
    let groups = api.load_groups();
    let basis = move || -> Option<(SyncDraft, &'static str)> {
        if let Some(live) = sync {
            return Some((
                live.get(),
                "the Groups settings on this page, with any changes not saved yet",
            ));
        }
        if let Some(kept) = kept.clone() {
            return Some((kept, "your Groups changes not saved yet in this tab"));
        }
        let account = accounts?.get()?.ok()?.into_iter().next()?;
        Some((
            SyncDraft::of(&account.settings),
            "the saved Groups settings",
        ))
    };
    let report = StoredValue::new(report);
    move || {
        let Some((draft, basis_words)) = basis() else {
            return view! { <p class="status" role="status">"Reading the Groups settings…"</p> }
                .into_any();
        };
        let known_groups = groups.get().and_then(Result::ok).unwrap_or_default();
        let report = report.get_value();
        let analysis = analyse(&report, provider.kind, &draft, &known_groups);
        let verdict_class = if analysis.admitted {
            "notice notice-ok"
        } else {
            "notice notice-error"
        };
        let actions = if !draft.enabled {
            view! { <p>"Group sync is off: no group is created or attached."</p> }.into_any()
        } else if analysis.actions.is_empty() {
            view! { <p>"No group would be created or attached."</p> }.into_any()
        } else {
            view! {
                <ul>
                    {analysis.actions.iter().map(|(name, action)| {
                        let what = match action {
                            GroupAction::Create => "would be created (issued by JWT) and given to the user",
                            GroupAction::Attach => "exists (issued by JWT): the user would be added",
                            GroupAction::NotAttached => "exists, made by hand: sync leaves it alone",
                        };
                        view! { <li><strong>{name.clone()}</strong>" "{what}</li> }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        };
        let userinfo_groups = match (&analysis.userinfo_groups, &report.userinfo_error) {
            (Some(shape), _) => shape.describe(),
            (None, Some(why)) => format!("not read ({why})"),
            (None, None) => "not read".into(),
        };
        let verified = match analysis.email_verified {
            Some(true) => "verified",
            Some(false) => "not verified",
            None => "verification not said by the provider",
        };
        let email = match &analysis.identity.email {
            Some(mapped) => format!("{}, {}; {verified}", mapped.value, origin(mapped)),
            None => "none: no claim holds an address".to_string(),
        };
        let person_name = match &analysis.identity.name {
            Some(mapped) => format!("{}, {}", mapped.value, origin(mapped)),
            None => "none (Settings → Users shows the email address)".to_string(),
        };
        let groups_read = match (
            &analysis.identity.groups.found,
            analysis.identity.groups.names.is_empty(),
        ) {
            (Some(found), false) => format!(
                "{}, from `{}` in {}",
                analysis.identity.groups.names.join(", "),
                report.claim_mapping.groups,
                found.source.describe()
            ),
            _ => "none".to_string(),
        };
        let clock = match analysis.clock_skew_secs {
            None => "in step with QuFabric's (within a minute)".to_string(),
            Some(skew) => format!("{} s off", skew.unsigned_abs()),
        };
        let granted = report
            .granted_scopes
            .as_ref()
            .map(|g| g.join(" "))
            .unwrap_or_else(|| "not said (all that were asked)".into());
        view! {
            <p class="lede">{format!("Judged against {basis_words}.")}</p>
            <p class=verdict_class role="status"><strong><CodedText text=analysis.admission.clone()/></strong></p>
            <dl class="test-facts">
                <dt>"Groups claim in the ID token"</dt><dd>{analysis.id_token_groups.describe()}</dd>
                <dt>"Groups claim in userinfo"</dt><dd>{userinfo_groups}</dd>
                <dt>"Groups QuFabric reads"</dt><dd><CodedText text=groups_read/></dd>
                <dt>"Group sync"</dt><dd>{actions}</dd>
                <dt>"Role"</dt><dd>{analysis.role.clone()}</dd>
                <dt>"Email address"</dt><dd><CodedText text=email/></dd>
                <dt>"Name"</dt><dd><CodedText text=person_name/></dd>
                <dt>"Provider's clock"</dt><dd>{clock}</dd>
                <dt>"Scopes"</dt><dd>{format!("asked: {}; granted: {granted}", report.requested_scopes.join(" "))}</dd>
            </dl>
            <h4>"What to change"</h4>
            {if analysis.problems.is_empty() {
                view! { <p>"Nothing: this provider is ready for this user."</p> }.into_any()
            } else {
                view! {
                    <ul class="test-problems">
                        {analysis.problems.iter().map(|p| view! {
                            <li><strong><CodedText text=p.what.clone()/></strong>" "<CodedText text=p.fix.clone()/></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {analysis.add_groups_scope.then(|| view! { <AddGroupsScope provider=provider.clone()/> })}
            <ClaimsTable title="ID token claims" claims=report.id_token_claims.clone()/>
            {report.userinfo_claims.clone().map(|claims| view! { <ClaimsTable title="Userinfo claims" claims=claims/> })}
        }
        .into_any()
    }
}

/// The report's one-click change: add the `groups` scope to the provider's scopes (shown
/// when the provider offers it and QuFabric did not ask for it).
#[component]
fn AddGroupsScope(provider: IdentityProvider) -> impl IntoView {
    use qufabric_model::provider_options::{effective_scopes, with_scope, GROUPS_SCOPE};
    let api = use_api();
    let tasks = crate::pages::use_page_tasks();
    let can_write = crate::pages::use_can_write();
    let status = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let name = provider.name.clone();
    let provider = StoredValue::new(provider);
    let add = move |_| {
        let provider = provider.get_value();
        let Some(options) = provider.options.clone() else {
            return;
        };
        let scopes = with_scope(
            &effective_scopes(provider.kind, Some(&options)),
            GROUPS_SCOPE,
        );
        let request = qufabric_model::IdentityProviderRequest {
            kind: provider.kind,
            name: provider.name.clone(),
            issuer: provider.issuer.clone(),
            client_id: provider.client_id.clone(),
            // Empty keeps the stored secret.
            client_secret: String::new(),
            logout_url_registered: provider.logout_url_registered,
            login_default: provider.login_default,
            options: Some(qufabric_model::provider_options::ProviderOptions {
                scopes: Some(scopes),
                ..options
            }),
        };
        busy.set(true);
        tasks.spawn(async move {
            let message = match api.update_provider(&provider.id, &request).await {
                Ok(saved) => format!(
                    "Added the scope groups to {}. Run the test again to see the groups.",
                    saved.name
                ),
                Err(error) => format!("The scope could not be added: {}", error.user_message()),
            };
            busy.set(false);
            status.set(message);
        });
    };
    let label = format!("Add the groups scope to {name}");
    view! {
        <Show when=move || can_write.get() && provider.with_value(|p| p.options.is_some())>
            <p>
                <button type="button" class="button" on:click=add disabled=move || busy.get()
                    aria-busy=move || busy.get().then_some("true")>{label.clone()}</button>
            </p>
        </Show>
        <p class="status" role="status">{move || status.get()}</p>
    }
}

/// Claims as the provider sent them; values never shown are said to be hidden.
#[component]
fn ClaimsTable(title: &'static str, claims: Vec<ReportedClaim>) -> impl IntoView {
    view! {
        <details class="claims">
            <summary>{format!("{title} ({})", claims.len())}</summary>
            <table>
                <thead><tr><th scope="col">"Claim"</th><th scope="col">"Value as sent"</th></tr></thead>
                <tbody>
                    {claims.into_iter().map(|claim| view! {
                        <tr>
                            <td><code>{claim.name}</code></td>
                            <td>{match claim.value {
                                Some(value) => view! { <code>{value.json().to_string()}</code> }.into_any(),
                                None => view! { <em>"hidden"</em> }.into_any(),
                            }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}
