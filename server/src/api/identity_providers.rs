//! `/api/identity-providers`: list, create, read, update, delete, and the discovery check.
//! Validation runs in product.md's order with the real server's messages, using the same
//! check functions as the dashboard (`qufabric_model::checks`), then reaches the issuer.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{Map, Value};
use std::time::Duration;

use crate::access::{Reader, Writer};
use crate::discovery::discover;
use crate::error::parse_json;
use crate::error::ApiError;
use crate::secrets::random_id;
use crate::services::Services;
use crate::store::ProviderRecord;
use qufabric_model::checks::{
    effective_issuer, validate_request, IssuerCheckRequest, IssuerCheckResult,
};
use qufabric_model::provider_options::{mapping_problem, scopes_problem, ProviderOptions};
use qufabric_model::{IdentityProvider, ProviderKind};

/// How long validation waits for the issuer (product.md: 10 s) and the live check (5 s).
pub(super) const VALIDATION_TIMEOUT: Duration = Duration::from_secs(10);

pub(super) const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

pub(super) fn to_json(record: &ProviderRecord) -> IdentityProvider {
    IdentityProvider {
        id: record.id.clone(),
        kind: ProviderKind::from_id(&record.kind).unwrap_or(ProviderKind::Unknown),
        name: record.name.clone(),
        issuer: record.issuer.clone(),
        client_id: record.client_id.clone(),
        logout_url_registered: record.logout_url_registered,
        login_default: record.login_default,
        options: Some(record.options.clone()),
    }
}

pub(crate) async fn list(
    State(state): State<Services>,
    _: Reader,
) -> Result<Json<Vec<IdentityProvider>>, ApiError> {
    Ok(Json(state.store.providers()?.iter().map(to_json).collect()))
}

pub(crate) async fn read(
    State(state): State<Services>,
    _: Reader,
    Path(id): Path<String>,
) -> Result<Json<IdentityProvider>, ApiError> {
    let record = state
        .store
        .provider(&id)?
        .ok_or_else(|| ApiError::not_found("identity provider"))?;
    Ok(Json(to_json(&record)))
}

/// The request's fields as strings: a missing or mistyped field is "", so the validation
/// order decides the message (as the real server does), not the JSON decoder.
pub(super) struct Fields {
    kind: String,
    name: String,
    issuer: String,
    client_id: String,
    client_secret: String,
    logout_url_registered: bool,
    login_default: bool,
    /// `None`: keep what is stored (the kind's defaults for a new provider).
    options: Option<ProviderOptions>,
}

pub(super) fn fields(headers: &HeaderMap, body: &[u8]) -> Result<Fields, ApiError> {
    let map: Map<String, Value> = parse_json(headers, body)?;
    let options = match map.get("options") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let options: ProviderOptions = serde_json::from_value(value.clone())
                .map_err(|e| ApiError::unprocessable(format!("identity provider options: {e}")))?;
            let problem = options
                .scopes
                .as_deref()
                .and_then(scopes_problem)
                .or_else(|| mapping_problem(&options.claims));
            if let Some(problem) = problem {
                return Err(ApiError::unprocessable(format!(
                    "identity provider options: {problem}"
                )));
            }
            Some(options)
        }
    };
    let text = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    Ok(Fields {
        kind: text("type"),
        name: text("name"),
        issuer: text("issuer"),
        client_id: text("client_id"),
        client_secret: text("client_secret"),
        logout_url_registered: map
            .get("logout_url_registered")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        login_default: map
            .get("login_default")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        options,
    })
}

/// Static validation, then the issuer must answer and name itself exactly as typed.
pub(super) async fn validate(
    state: &Services,
    fields: &Fields,
) -> Result<(ProviderKind, String), ApiError> {
    let kind = validate_request(
        &fields.kind,
        &fields.name,
        &fields.issuer,
        &fields.client_id,
    )
    .map_err(|refusal| ApiError::unprocessable(refusal.message))?;
    let issuer = effective_issuer(kind, &fields.issuer);
    if kind.info().builtin_issuer.is_none() {
        let result = discover(&state.http, &state.config, &issuer, VALIDATION_TIMEOUT).await;
        if !result.reachable {
            let detail = result.failure.map(|f| f.detail).unwrap_or_default();
            return Err(ApiError::unprocessable(format!(
                "identity provider issuer is unreachable: {detail}"
            )));
        }
        if !result.issuer_accepted(&issuer) {
            return Err(ApiError::unprocessable(format!(
                "identity provider issuer does not match the issuer returned by the provider: expected \"{}\" got \"{}\"",
                issuer,
                result.discovered_issuer.unwrap_or_default()
            )));
        }
    }
    Ok((kind, issuer))
}

pub(crate) async fn create(
    State(state): State<Services>,
    _: Writer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<IdentityProvider>, ApiError> {
    let fields = fields(&headers, &body)?;
    let (kind, issuer) = validate(&state, &fields).await?;
    let id = match kind {
        ProviderKind::Oidc => random_id(20),
        kind => format!("{}-{}", kind.id(), random_id(20)),
    };
    let record = ProviderRecord {
        id,
        kind: kind.id().to_string(),
        name: fields.name,
        issuer,
        client_id: fields.client_id,
        client_secret: fields.client_secret,
        logout_url_registered: fields.logout_url_registered,
        login_default: fields.login_default,
        options: fields.options.unwrap_or_default(),
    };
    state.store.insert_provider(&record)?;
    Ok(Json(to_json(&record)))
}

pub(crate) async fn update(
    State(state): State<Services>,
    _: Writer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<IdentityProvider>, ApiError> {
    let fields = fields(&headers, &body)?;
    let stored = state
        .store
        .provider(&id)?
        .ok_or_else(|| ApiError::not_found("identity provider"))?;
    let (kind, issuer) = validate(&state, &fields).await?;
    if kind.id() != stored.kind {
        return Err(ApiError::unprocessable(
            "identity provider type cannot be changed",
        ));
    }
    // Users are linked by provider id + subject: another issuer's subjects would take over
    // their accounts. Re-pointing is refused while anyone signs in with the provider.
    if issuer != stored.issuer {
        let linked = state
            .store
            .users()?
            .iter()
            .filter(|u| u.idp_id.as_deref() == Some(stored.id.as_str()))
            .count();
        if linked > 0 {
            return Err(ApiError::unprocessable(format!(
                "identity provider issuer cannot change while {}",
                match linked {
                    1 => "1 user signs in with it".to_string(),
                    n => format!("{n} users sign in with it"),
                }
            )));
        }
    }
    let record = ProviderRecord {
        id: stored.id.clone(),
        kind: stored.kind.clone(),
        name: fields.name,
        issuer,
        client_id: fields.client_id,
        // An empty secret keeps the stored one.
        client_secret: if fields.client_secret.is_empty() {
            stored.client_secret
        } else {
            fields.client_secret
        },
        logout_url_registered: fields.logout_url_registered,
        login_default: fields.login_default,
        options: fields.options.unwrap_or(stored.options),
    };
    state.store.update_provider(&record)?;
    Ok(Json(to_json(&record)))
}

pub(crate) async fn remove(
    State(state): State<Services>,
    _: Writer,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if !state.store.delete_provider(&id)? {
        return Err(ApiError::not_found("identity provider"));
    }
    // Rules that name it go with it: kept, they would make every later save of the
    // settings fail ("names a provider that does not exist").
    crate::role_rules::forget_provider(&state.store, &id)?;
    Ok(Json(Value::Object(Map::new())))
}

pub(crate) async fn check_issuer(
    State(state): State<Services>,
    _: Writer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<IssuerCheckResult>, ApiError> {
    let request: IssuerCheckRequest = parse_json(&headers, &body)?;
    let issuer = effective_issuer(request.kind, &request.issuer);
    if let Some(refusal) = qufabric_model::checks::issuer_url_refusal(&issuer) {
        return Err(ApiError::unprocessable(refusal));
    }
    Ok(Json(
        discover(&state.http, &state.config, &issuer, CHECK_TIMEOUT).await,
    ))
}
