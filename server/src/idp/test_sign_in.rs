//! Test sign-in: an administrator's real round trip at a provider that ends in a report,
//! never in a session or a user. The API starts a test and hands out its one-time id; the
//! dashboard's popup opens `/oauth2/test-sign-in?id=…`, which sends it to the provider
//! with `prompt=login`; the callback verifies the answer exactly as a sign-in would, reads
//! userinfo, and keeps only the report (for [`TEST_MAX_AGE_SECS`]). The dashboard reads it
//! with the id (never through `window.opener`, which a provider's COOP cuts off).

use super::*;
use qufabric_model::test_sign_in::{
    claim_value_hidden, ExistingUser, ReportedClaim, TestFailure, TestSignInReport, TestStatus,
    TEST_MAX_AGE_SECS,
};

/// A test as kept: whose provider, and how far it got.
#[derive(Debug, Serialize, Deserialize)]
struct TestRecord {
    provider_id: String,
    stage: Stage,
}

#[derive(Debug, Serialize, Deserialize)]
enum Stage {
    /// Handed out; the popup has not opened it yet.
    New,
    /// The popup is at the provider (a test starts once).
    AtProvider,
    Finished(Box<TestSignInReport>),
}

fn save(state: &Services, id: &str, record: &TestRecord) -> Result<(), crate::store::StoreError> {
    state
        .store
        .put_test_sign_in(&hash_secret(id), record, TEST_MAX_AGE_SECS)
}

fn load(state: &Services, id: &str) -> Option<TestRecord> {
    state
        .store
        .test_sign_in(&hash_secret(id), TEST_MAX_AGE_SECS)
        .ok()
        .flatten()
}

/// A new test of `provider_id`; its one-time id.
pub fn create_test(
    state: &Services,
    provider_id: &str,
) -> Result<String, crate::store::StoreError> {
    let id = random_secret();
    let record = TestRecord {
        provider_id: provider_id.to_string(),
        stage: Stage::New,
    };
    save(state, &id, &record)?;
    Ok(id)
}

/// The report of test `id` (waiting while the popup is out), or `None` when no such test
/// is kept (unknown, or older than ten minutes).
pub fn test_report(state: &Services, id: &str) -> Option<TestSignInReport> {
    let record = load(state, id)?;
    Some(match record.stage {
        Stage::Finished(report) => *report,
        Stage::New | Stage::AtProvider => waiting(&record.provider_id, TestStatus::Waiting),
    })
}

fn waiting(provider_id: &str, status: TestStatus) -> TestSignInReport {
    TestSignInReport {
        provider_id: provider_id.to_string(),
        status,
        failure: None,
        id_token_claims: Vec::new(),
        userinfo_claims: None,
        userinfo_error: None,
        requested_scopes: Vec::new(),
        granted_scopes: None,
        received_at: now_unix(),
        existing_user: None,
        approval_required: false,
        provider_name: String::new(),
        claim_mapping: Default::default(),
        userinfo_offered: false,
        scopes_supported: None,
        role_rules: None,
        allowed_groups: Vec::new(),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct TestQuery {
    id: Option<String>,
}

/// `GET /oauth2/test-sign-in?id=…`: the popup's first stop, off to the provider.
pub(super) async fn start(
    State(state): State<Services>,
    Query(query): Query<TestQuery>,
) -> Response {
    let id = query.id.unwrap_or_default();
    let Some(record) = load(&state, &id).filter(|r| matches!(r.stage, Stage::New)) else {
        return done_page(
            StatusCode::NOT_FOUND,
            "Test sign-in not found",
            "This test sign-in was already used or has expired. Start a new one from the QuFabric dashboard.",
        );
    };
    let provider = match state.store.provider(&record.provider_id) {
        Ok(Some(provider)) => provider,
        _ => {
            return done_page(
                StatusCode::NOT_FOUND,
                "Test sign-in not possible",
                "The identity provider was removed.",
            )
        }
    };
    let at_provider = TestRecord {
        provider_id: record.provider_id.clone(),
        stage: Stage::AtProvider,
    };
    if save(&state, &id, &at_provider).is_err() {
        return done_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Test sign-in failed",
            "QuFabric could not keep the test. Try again.",
        );
    }
    match authorization_url(&state, Purpose::Test(id.clone()), &provider).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(failure) => finish_with(&state, &id, &record.provider_id, Err(failure)),
    }
}

/// The provider's answer to a test: verified like a sign-in, then reported.
pub(super) async fn callback(
    state: &Services,
    query: CallbackQuery,
    leg: Leg,
    test_id: &str,
) -> Response {
    let provider_id = leg.provider_id.clone();
    let outcome = match answered_code(query, &leg) {
        Ok(code) => match verify_answer(state, &leg, code).await {
            Ok(verified) => Ok(report_of(state, verified).await),
            Err(failure) => Err(failure),
        },
        Err(failure) => Err(failure),
    };
    finish_with(state, test_id, &provider_id, outcome)
}

/// Keep the report (or the failure) and end the popup on a QuFabric page.
fn finish_with(
    state: &Services,
    test_id: &str,
    provider_id: &str,
    outcome: Result<TestSignInReport, Failure>,
) -> Response {
    let (report, title, text) = match outcome {
        Ok(report) => (
            report,
            "Test sign-in finished",
            "The report is in the QuFabric dashboard. You can close this window.",
        ),
        Err(failure) => {
            let mut report = waiting(provider_id, TestStatus::Failed);
            report.failure = Some(TestFailure {
                code: failure.code.code().to_string(),
                description: failure.description,
            });
            (
                report,
                "Test sign-in ended early",
                "The report in the QuFabric dashboard says why. You can close this window.",
            )
        }
    };
    let record = TestRecord {
        provider_id: provider_id.to_string(),
        stage: Stage::Finished(Box::new(report)),
    };
    if save(state, test_id, &record).is_err() {
        return done_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Test sign-in failed",
            "QuFabric could not keep the report. Try again.",
        );
    }
    done_page(StatusCode::OK, title, text)
}

fn done_page(status: StatusCode, title: &str, text: &str) -> Response {
    let body = format!(
        "<h1>{}</h1><p role=\"status\">{}</p>",
        escape(title),
        escape(text)
    );
    (status, Html(page(title, &body))).into_response()
}

/// Claims as reported: each value as sent, except those never shown.
fn reported(claims: Vec<ReportedClaim>) -> Vec<ReportedClaim> {
    claims
        .into_iter()
        .map(|claim| ReportedClaim {
            value: claim.value.filter(|_| !claim_value_hidden(&claim.name)),
            name: claim.name,
        })
        .collect()
}

/// What the provider sent, and who the identity already is in QuFabric. Userinfo was
/// read by `verify_answer`, exactly as for a sign-in; the dashboard judges the claims with
/// the sign-in's rule and the claim mapping kept here.
async fn report_of(state: &Services, verified: Verified) -> TestSignInReport {
    let existing_user = state
        .store
        .external_user(&verified.provider.id, &verified.subject)
        .ok()
        .flatten()
        .map(|user| ExistingUser {
            email: user.email,
            role: user.role,
            is_blocked: user.is_blocked,
            pending_approval: user.pending_approval,
            role_by_hand: user.role_source == crate::store::RoleSource::Hand,
        });
    let (userinfo_offered, userinfo_claims, userinfo_error) = match verified.userinfo {
        Userinfo::NotOffered => (
            false,
            None,
            Some("the provider names no userinfo endpoint".to_string()),
        ),
        Userinfo::Read(claims) => (true, Some(reported(claims)), None),
        Userinfo::Failed(why) => (true, None, Some(why)),
    };
    TestSignInReport {
        provider_id: verified.provider.id.clone(),
        status: TestStatus::Done,
        failure: None,
        id_token_claims: reported(verified.id_token_claims),
        userinfo_claims,
        userinfo_error,
        requested_scopes: requested_scopes(&verified.provider),
        granted_scopes: verified.granted_scopes,
        received_at: now_unix(),
        existing_user,
        approval_required: crate::settings::approval_required(&state.store).unwrap_or(false),
        provider_name: verified.provider.name.clone(),
        claim_mapping: verified.provider.options.claims.clone(),
        userinfo_offered,
        scopes_supported: verified.scopes_supported,
        allowed_groups: verified.provider.options.allowed_groups.clone(),
        role_rules: state
            .store
            .account(&random_id(20), &crate::settings::Settings::default())
            .ok()
            .map(
                |account: crate::store::AccountRow<crate::settings::Settings>| {
                    account.settings.qufabric_role_rules
                },
            ),
    }
}
