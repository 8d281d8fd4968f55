//! `POST /api/identity-providers/{id}/test-sign-in` starts a test sign-in (its one-time
//! id; the popup opens it at the IdP), `GET /api/test-sign-ins/{id}` reads its report.
//! Both for roles that may change the settings: a report shows a person's claims.

use super::*;
use qufabric_model::test_sign_in::{TestSignInReport, TestSignInStart};

pub(crate) async fn start(
    State(state): State<Services>,
    _: Writer,
    Path(provider_id): Path<String>,
) -> Result<Json<TestSignInStart>, ApiError> {
    if state.store.provider(&provider_id)?.is_none() {
        return Err(ApiError::not_found("identity provider"));
    }
    let id = crate::idp::create_test(&state, &provider_id)?;
    Ok(Json(TestSignInStart { id }))
}

pub(crate) async fn report(
    State(state): State<Services>,
    _: Writer,
    Path(id): Path<String>,
) -> Result<Json<TestSignInReport>, ApiError> {
    crate::idp::test_report(&state, &id)
        .map(Json)
        .ok_or_else(|| ApiError::not_found("test sign-in (they are kept for ten minutes)"))
}
