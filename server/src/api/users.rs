//! `/api/users`: who is signed in, everyone, changes of role and block (the model's rules),
//! and approval of newcomers (approve lets them in, reject deletes them).

use super::*;

/// The permission modules the dashboard looks at, per role.
pub(super) fn permissions(role: Role) -> UserPermissions {
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

pub(super) fn user_json(user: &UserRecord, current_id: &str) -> User {
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
        pending_approval: user.pending_approval,
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
        password: None,
    }
}

pub(crate) async fn current_user(Signed(caller): Signed) -> Result<Json<User>, ApiError> {
    Ok(Json(user_json(&caller.user, &caller.user.id)))
}

pub(crate) async fn list_users(
    State(state): State<Services>,
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
    State(state): State<Services>,
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

/// The person behind `id` if they wait for approval: 404 without such a row, 400 when the
/// row does not wait (the contract's answers).
fn waiting_user(state: &Services, id: &str) -> Result<UserRecord, ApiError> {
    let user = state
        .store
        .user(id)?
        .ok_or_else(|| ApiError::not_found("user"))?;
    if !user.pending_approval {
        return Err(ApiError::bad_request("the user is not pending approval"));
    }
    Ok(user)
}

/// `POST /api/users/{id}/approve`: let a newcomer in; their next sign-in just works.
pub(crate) async fn approve_user(
    State(state): State<Services>,
    Writer(caller): Writer,
    Path(id): Path<String>,
) -> Result<Json<User>, ApiError> {
    waiting_user(&state, &id)?;
    if !state.store.approve_user(&id)? {
        return Err(ApiError::bad_request("the user is not pending approval"));
    }
    let approved = state
        .store
        .user(&id)?
        .ok_or_else(|| ApiError::not_found("user"))?;
    Ok(Json(user_json(&approved, &caller.user.id)))
}

/// `DELETE /api/users/{id}/reject`: remove a newcomer; signing in again makes them wait
/// again.
pub(crate) async fn reject_user(
    State(state): State<Services>,
    Writer(_caller): Writer,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    waiting_user(&state, &id)?;
    if !state.store.reject_user(&id)? {
        return Err(ApiError::bad_request("the user is not pending approval"));
    }
    Ok(StatusCode::OK)
}
