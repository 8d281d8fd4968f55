//! The management API's endpoints under `/api` (who may call each: `crate::routes`; how
//! callers are recognised: `crate::access`).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::Json;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use crate::access::{Reader, Signed, Writer};
use crate::error::parse_json;
use crate::error::ApiError;
use crate::forwarded::RequestSource;
use crate::secrets::{hash_secret, random_id};
use crate::store::{now_unix, GroupRecord, UserRecord};
use crate::{settings, SharedState};
use qufabric_model::user_rules::{check_user_change, UserChangeRefusal, UserState};
use qufabric_model::*;

// ----- public -----

#[derive(Debug, serde::Deserialize)]
pub(crate) struct InstanceQuery {
    /// The page's origin, as the dashboard knows it; behind `trunk serve`'s proxy the
    /// request's own origin is the proxy's target, not the page's.
    origin: Option<String>,
}

pub(crate) async fn instance(
    State(state): State<SharedState>,
    source: RequestSource,
    headers: axum::http::HeaderMap,
    Query(query): Query<InstanceQuery>,
) -> Result<Json<InstanceStatus>, ApiError> {
    let asked_origin = query
        .origin
        .or_else(|| {
            headers
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .or(source.origin);
    let login_providers = state
        .store
        .providers()?
        .into_iter()
        .map(|p| LoginProvider {
            kind: ProviderKind::from_id(&p.kind).unwrap_or(ProviderKind::Unknown),
            id: p.id,
            name: p.name,
        })
        .collect();
    Ok(Json(InstanceStatus {
        setup_required: !state.store.owner_exists()?,
        login_providers,
        local_auth_disabled: state.config.local_auth_disabled,
        redirect_url: Some(state.config.redirect_url()),
        logout_url: Some(state.config.logout_url()),
        issuer: Some(state.config.issuer()),
        sign_in_allowed: asked_origin.map(|origin| state.config.origin_may_sign_in(&origin)),
    }))
}

const MIN_PASSWORD_LEN: usize = 8;

pub(crate) async fn setup(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<SetupResponse>, ApiError> {
    let request: SetupRequest = parse_json(&headers, &body)?;
    if state.store.owner_exists()? {
        return Err(ApiError::new(
            axum::http::StatusCode::PRECONDITION_FAILED,
            "setup already completed",
        ));
    }
    let email = request.email.trim().to_string();
    if !looks_like_email(&email) {
        return Err(ApiError::unprocessable("a valid email address is required"));
    }
    if request.password.chars().count() < MIN_PASSWORD_LEN {
        return Err(ApiError::unprocessable(
            "password must be at least 8 characters",
        ));
    }
    let name = match request.name.trim() {
        "" => email.clone(),
        name => name.to_string(),
    };
    let password = request.password.clone();
    let password_hash = tokio::task::spawn_blocking(move || crate::idp::hash_password(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let user = UserRecord {
        id: random_id(20),
        email: email.clone(),
        name,
        password_hash: Some(password_hash),
        role: Role::Owner,
        auto_groups: vec![],
        idp_id: None,
        idp_subject: None,
        is_blocked: false,
        last_login: None,
    };
    if !state.store.create_first_owner(&user)? {
        return Err(ApiError::new(
            axum::http::StatusCode::PRECONDITION_FAILED,
            "setup already completed",
        ));
    }
    let personal_access_token =
        if state.config.setup_pat_enabled && request.create_pat == Some(true) {
            let days = i64::from(request.pat_expire_in.unwrap_or(1).clamp(1, 365));
            let token = format!("nbp_{}", random_id(36));
            state.store.insert_pat(
                &random_id(20),
                &user.id,
                &hash_secret(&token),
                now_unix() + days * 86_400,
            )?;
            Some(token)
        } else {
            None
        };
    Ok(Json(SetupResponse {
        user_id: user.id,
        email,
        personal_access_token,
    }))
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

// ----- users -----

/// The permission modules the dashboard looks at, per role.
fn permissions(role: Role) -> UserPermissions {
    let read = role.can_read_settings();
    let write = role.can_write_settings();
    let ops = |read: bool, write: bool| -> ModulePermissions {
        BTreeMap::from([
            ("read".to_string(), read),
            ("create".to_string(), write),
            ("update".to_string(), write),
            ("delete".to_string(), write),
        ])
    };
    let modules = [
        "identity_providers",
        "groups",
        "settings",
        "users",
        "accounts",
    ]
    .into_iter()
    .map(|module| (module.to_string(), ops(read, write)))
    .collect();
    UserPermissions {
        is_restricted: !read,
        modules,
    }
}

fn user_json(user: &UserRecord, current_id: &str) -> User {
    User {
        id: user.id.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
        role: user.role,
        status: if user.is_blocked {
            UserStatus::Blocked
        } else {
            UserStatus::Active
        },
        auto_groups: user.auto_groups.clone(),
        is_current: user.id == current_id,
        is_service_user: false,
        is_blocked: user.is_blocked,
        pending_approval: false,
        issued: Some(
            if user.is_local() {
                "api"
            } else {
                "integration"
            }
            .to_string(),
        ),
        idp_id: user.idp_id.clone(),
        last_login: user.last_login.clone(),
        permissions: Some(permissions(user.role)),
    }
}

pub(crate) async fn current_user(Signed(caller): Signed) -> Result<Json<User>, ApiError> {
    Ok(Json(user_json(&caller.user, &caller.user.id)))
}

pub(crate) async fn list_users(
    State(state): State<SharedState>,
    Reader(caller): Reader,
) -> Result<Json<Vec<User>>, ApiError> {
    let users = state.store.users()?;
    Ok(Json(
        users
            .iter()
            .map(|u| user_json(u, &caller.user.id))
            .collect(),
    ))
}

pub(crate) async fn update_user(
    State(state): State<SharedState>,
    Writer(caller): Writer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<User>, ApiError> {
    let request: UserRequest = parse_json(&headers, &body)?;
    let target = state
        .store
        .user(&id)?
        .ok_or_else(|| ApiError::not_found("user"))?;
    let active_owners = state
        .store
        .users()?
        .iter()
        .filter(|u| u.role == Role::Owner && !u.is_blocked)
        .count();
    fn as_state(u: &UserRecord) -> UserState<'_> {
        UserState {
            id: &u.id,
            role: u.role,
            is_blocked: u.is_blocked,
        }
    }
    check_user_change(
        as_state(&caller.user),
        as_state(&target),
        request.role,
        request.is_blocked,
        active_owners,
    )
    .map_err(|refusal| match refusal {
        UserChangeRefusal::OnlyOwnersManageOwners => ApiError::forbidden(),
        other => ApiError::unprocessable(other.message()),
    })?;
    let known: Vec<String> = state.store.groups()?.into_iter().map(|g| g.id).collect();
    if let Some(missing) = request.auto_groups.iter().find(|g| !known.contains(g)) {
        return Err(ApiError::unprocessable(format!(
            "group {missing} not found"
        )));
    }
    state
        .store
        .update_user(&id, request.role, &request.auto_groups, request.is_blocked)?;
    if request.is_blocked && !target.is_blocked {
        // Blocked means out now: every IdP session and refresh token of the user ends, so
        // an open tab cannot renew, and its access token is refused from the next request.
        state.store.end_user_sessions(&id)?;
    }
    let updated = state
        .store
        .user(&id)?
        .ok_or_else(|| ApiError::not_found("user"))?;
    Ok(Json(user_json(&updated, &caller.user.id)))
}

// ----- accounts -----

fn account_json(state: &SharedState) -> Result<Account, ApiError> {
    let row = state.store.account(&random_id(20), &settings::defaults())?;
    let mut stored = row.settings;
    settings::apply_read_only(&mut stored, state.config.local_auth_disabled);
    let settings: AccountSettings =
        serde_json::from_value(Value::Object(stored)).map_err(ApiError::internal)?;
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
    State(state): State<SharedState>,
    _: Reader,
) -> Result<Json<Vec<Account>>, ApiError> {
    Ok(Json(vec![account_json(&state)?]))
}

pub(crate) async fn update_account(
    State(state): State<SharedState>,
    _: Writer,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Account>, ApiError> {
    let request: Map<String, Value> = parse_json(&headers, &body)?;
    let Some(Value::Object(body_settings)) = request.get("settings") else {
        return Err(ApiError::unprocessable("settings are required"));
    };
    let account = account_json(&state)?;
    if account.id != id {
        return Err(ApiError::not_found("account"));
    }
    let new_settings = settings::replace(body_settings, state.config.local_auth_disabled)
        .map_err(ApiError::unprocessable)?;
    if let Some(Value::String(claim)) = new_settings.get("jwt_groups_claim_name") {
        if !qufabric_model::group_checks::claim_name_valid(claim) {
            return Err(ApiError::unprocessable(
                "jwt groups claim name must not contain spaces",
            ));
        }
    }
    state.store.save_settings(&id, &new_settings)?;
    Ok(Json(account_json(&state)?))
}

// ----- groups -----

pub(crate) async fn list_groups(
    State(state): State<SharedState>,
    _: Reader,
) -> Result<Json<Vec<Group>>, ApiError> {
    let groups = state
        .store
        .groups()?
        .into_iter()
        .map(|g| Group {
            id: g.id,
            name: g.name,
            peers_count: 0,
            resources_count: 0,
            issued: g.issued,
            peers: vec![],
            resources: vec![],
        })
        .collect();
    Ok(Json(groups))
}

/// `POST /api/groups`: a group made through the API (`issued: "api"`).
pub(crate) async fn create_group(
    State(state): State<SharedState>,
    _: Writer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Group>, ApiError> {
    let request: GroupRequest = parse_json(&headers, &body)?;
    let name = request.name.trim();
    if name.is_empty() {
        return Err(ApiError::unprocessable("group name is required"));
    }
    if state.store.groups()?.iter().any(|g| g.name == name) {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "group with this name already exists",
        ));
    }
    let group = GroupRecord {
        id: random_id(20),
        name: name.to_string(),
        issued: GroupIssued::Api,
    };
    state.store.insert_group(&group)?;
    Ok(Json(Group {
        id: group.id,
        name: group.name,
        peers_count: 0,
        resources_count: 0,
        issued: GroupIssued::Api,
        peers: vec![],
        resources: vec![],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_shape() {
        assert!(looks_like_email("owner@example.com"));
        assert!(!looks_like_email("owner"));
        assert!(!looks_like_email("@example.com"));
        assert!(!looks_like_email("a b@example.com"));
    }

    #[test]
    fn permissions_follow_roles() {
        assert!(permissions(Role::Owner).allows("identity_providers", "delete"));
        assert!(permissions(Role::Auditor).allows("identity_providers", "read"));
        assert!(!permissions(Role::Auditor).allows("identity_providers", "create"));
        assert!(!permissions(Role::User).allows("identity_providers", "read"));
        assert!(permissions(Role::User).is_restricted);
    }
}
