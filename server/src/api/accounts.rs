//! `/api/accounts`: the one account and its settings (replace semantics).

use super::*;

pub(super) fn account_json(state: &Services) -> Result<Account, ApiError> {
    let row = state.store.account(&random_id(20), &Settings::default())?;
    let mut stored = row.settings;
    stored.apply_read_only(state.config.local_auth_disabled);
    // The dashboard's view of the same object (the model's type keeps what it does not name).
    let settings: AccountSettings = serde_json::to_value(&stored)
        .and_then(serde_json::from_value)
        .map_err(ApiError::internal)?;
    Ok(Account {
        id: row.id,
        settings,
        domain: row.domain,
        domain_category: "private".into(),
        created_at: row.created_at,
        created_by: row.created_by,
        onboarding: Some(AccountOnboarding::default()),
    })
}

pub(crate) async fn list_accounts(
    State(state): State<Services>,
    _: Reader,
) -> Result<Json<Vec<Account>>, ApiError> {
    Ok(Json(vec![account_json(&state)?]))
}

pub(crate) async fn update_account(
    State(state): State<Services>,
    _: Writer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Account>, ApiError> {
    let request: Map<String, Value> = parse_json(&headers, &body)?;
    let Some(Value::Object(body_settings)) = request.get("settings").cloned() else {
        return Err(ApiError::unprocessable("settings are required"));
    };
    let row = state.store.account(&random_id(20), &Settings::default())?;
    if row.id != id {
        return Err(ApiError::not_found("account"));
    }
    let stored = row.settings;
    let keeps_rules = !body_settings.contains_key(qufabric_model::role_rules::SETTINGS_FIELD);
    let mut new_settings = Settings::replace(body_settings, state.config.local_auth_disabled)
        .map_err(ApiError::unprocessable)?;
    if keeps_rules {
        // The NetBird dashboard does not know the role rules: saving another setting
        // there must not erase them.
        new_settings.qufabric_role_rules = stored.qufabric_role_rules.clone();
    }
    if !qufabric_model::group_checks::claim_name_valid(&new_settings.jwt_groups_claim_name) {
        return Err(ApiError::unprocessable(
            "jwt groups claim name must not contain spaces",
        ));
    }
    if crate::role_rules::judged_again(&stored, &new_settings) {
        if let Some(refusal) = crate::role_rules::refusal(
            &state.store,
            &stored,
            &new_settings,
            state.config.local_auth_disabled,
        )? {
            return Err(ApiError::unprocessable(refusal));
        }
    }
    state.store.save_settings(&id, &new_settings)?;
    // The rules apply to everyone now, as the Groups page's preview said.
    crate::role_rules::apply_to_all(
        &state.store,
        &new_settings,
        state.config.local_auth_disabled,
    )?;
    Ok(Json(account_json(&state)?))
}
