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
        role_by_hand: user.role_source == RoleSource::Hand,
        role_given: match &user.role_source {
            RoleSource::Rule(given) => Some(given.clone()),
            _ => None,
        },
    }
}

fn as_state(u: &UserRecord) -> UserState<'_> {
    UserState {
        id: &u.id,
        role: u.role,
        is_blocked: u.is_blocked,
    }
}

/// Owners who can sign in (not blocked): the last of them stays.
fn active_owners(state: &Services) -> Result<usize, ApiError> {
    Ok(state
        .store
        .users()?
        .iter()
        .filter(|u| u.role == Role::Owner && !u.is_blocked)
        .count())
}

/// 422 naming the first of `auto_groups` that does not exist.
pub(super) fn groups_exist(state: &Services, auto_groups: &[String]) -> Result<(), ApiError> {
    let known: Vec<String> = state.store.groups()?.into_iter().map(|g| g.id).collect();
    match auto_groups.iter().find(|g| !known.contains(g)) {
        Some(missing) => Err(ApiError::unprocessable(format!(
            "group {missing} not found"
        ))),
        None => Ok(()),
    }
}

/// The refusal of a role the caller may not give (an owner only by an owner).
pub(super) fn role_grantable(caller: Role, role: Role) -> Result<(), ApiError> {
    may_grant(caller, role).map_err(|refusal| match refusal {
        UserChangeRefusal::OnlyOwnersManageOwners => ApiError::forbidden(),
        other => ApiError::unprocessable(other.message()),
    })
}

/// Invites and added users are local users of the embedded IdP: with local sign-in
/// disabled there are none to make (the contract's 412).
pub(super) fn local_users_enabled(state: &Services) -> Result<(), ApiError> {
    if state.config.local_auth_disabled {
        return Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "local users are disabled on this server (email sign-in is off)",
        ));
    }
    Ok(())
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
    let active_owners = active_owners(&state)?;
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
    groups_exist(&state, &request.auto_groups)?;
    state
        .store
        .update_user(&id, request.role, &request.auto_groups, request.is_blocked)?;
    if request.role != target.role && !target.is_local() {
        // A role changed by hand stays: the role rules leave it until an owner gives the
        // person back to them (blocking and groups do not count).
        state.store.set_role_source(&id, &RoleSource::Hand)?;
    }
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

/// `POST /api/users/{id}/role-rules`: an owner gives a person whose role was set by hand
/// back to the role rules, which apply at once from the groups sync last recorded.
pub(crate) async fn follow_role_rules(
    State(state): State<Services>,
    OwnerOnly(caller): OwnerOnly,
    Path(id): Path<String>,
) -> Result<Json<User>, ApiError> {
    let target = state
        .store
        .user(&id)?
        .ok_or_else(|| ApiError::not_found("user"))?;
    if target.role_source == RoleSource::Hand {
        state.store.set_role_source(&id, &RoleSource::Unset)?;
    }
    let account = state.store.account(&random_id(20), &Settings::default())?;
    crate::role_rules::apply_to_all(
        &state.store,
        &account.settings,
        state.config.local_auth_disabled,
    )?;
    let updated = state
        .store
        .user(&id)?
        .ok_or_else(|| ApiError::not_found("user"))?;
    Ok(Json(user_json(&updated, &caller.user.id)))
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

/// `POST /api/users`: a local user made by an administrator, signing in with email and a
/// generated password that this answer carries once (the server keeps only its hash).
pub(crate) async fn create_user(
    State(state): State<Services>,
    Writer(caller): Writer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<User>, ApiError> {
    let request: UserCreateRequest = parse_json(&headers, &body)?;
    local_users_enabled(&state)?;
    if request.is_service_user {
        return Err(ApiError::unprocessable(
            "service users are not supported by this server",
        ));
    }
    let email = request
        .email
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_string();
    if !super::instance::looks_like_email(&email) {
        return Err(ApiError::unprocessable("a valid email address is required"));
    }
    role_grantable(caller.user.role, request.role)?;
    groups_exist(&state, &request.auto_groups)?;
    if state.store.local_user_by_email(&email)?.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "a user with this email already exists",
        ));
    }
    let password = crate::secrets::generated_password();
    let user = UserRecord {
        id: random_id(20),
        name: match request.name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => name.to_string(),
            _ => email.clone(),
        },
        email,
        password_hash: Some(super::instance::hash_in_background(&password).await?),
        role: request.role,
        auto_groups: request.auto_groups,
        idp_id: None,
        idp_subject: None,
        is_blocked: false,
        // Made by an administrator: approved by the making.
        pending_approval: false,
        role_source: Default::default(),
        last_login: None,
    };
    state.store.insert_user(&user)?;
    let mut answer = user_json(&user, &caller.user.id);
    answer.password = Some(password);
    Ok(Json(answer))
}

/// `DELETE /api/users/{id}`: never yourself, an owner only by an owner, never the last
/// owner; their sessions, refresh tokens and access tokens end with them.
pub(crate) async fn delete_user(
    State(state): State<Services>,
    Writer(caller): Writer,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let target = state
        .store
        .user(&id)?
        .ok_or_else(|| ApiError::not_found("user"))?;
    check_user_delete(
        as_state(&caller.user),
        as_state(&target),
        active_owners(&state)?,
    )
    .map_err(|refusal| match refusal {
        UserChangeRefusal::OnlyOwnersManageOwners => ApiError::forbidden(),
        other => ApiError::unprocessable(other.message()),
    })?;
    if !state.store.delete_user(&id)? {
        return Err(ApiError::not_found("user"));
    }
    Ok(StatusCode::OK)
}
