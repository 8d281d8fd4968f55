//! `/api/users/invites`: links that let a new local user set their own password. The
//! token is handed out once (create, regenerate) and kept only as its hash; the public
//! pair (`GET …/{token}`, `POST …/{token}/accept`) is protected by the token itself.
//!
//! One path parameter name, `{invite}`, serves both spellings of the contract
//! (`{inviteId}` for DELETE, `{token}` for GET): axum refuses two names at one place.

use super::users::{groups_exist, local_users_enabled, role_grantable};
use super::*;
use crate::store::{rfc3339, InviteRecord};

/// 72 hours, as the contract says when `expires_in` is absent.
const DEFAULT_EXPIRES_IN: i64 = 72 * 3600;
/// At most 30 days: a link lives in mailboxes and chats.
const MAX_EXPIRES_IN: i64 = 30 * 86_400;

fn expires_in(asked: Option<i64>) -> Result<i64, ApiError> {
    match asked.unwrap_or(DEFAULT_EXPIRES_IN) {
        seconds if (1..=MAX_EXPIRES_IN).contains(&seconds) => Ok(seconds),
        _ => Err(ApiError::unprocessable(
            "expires_in must be between 1 second and 30 days",
        )),
    }
}

fn new_token() -> String {
    format!("nbi_{}", random_id(40))
}

fn invite_json(invite: &InviteRecord, token: Option<String>) -> UserInvite {
    UserInvite {
        id: invite.id.clone(),
        email: invite.email.clone(),
        name: invite.name.clone(),
        role: invite.role,
        auto_groups: invite.auto_groups.clone(),
        expires_at: rfc3339(invite.expires_at),
        created_at: rfc3339(invite.created_at),
        expired: invite.expires_at <= now_unix(),
        invite_token: token,
    }
}

pub(crate) async fn list_invites(
    State(state): State<Services>,
    Reader(_caller): Reader,
) -> Result<Json<Vec<UserInvite>>, ApiError> {
    local_users_enabled(&state)?;
    let invites = state.store.invites()?;
    Ok(Json(invites.iter().map(|i| invite_json(i, None)).collect()))
}

pub(crate) async fn create_invite(
    State(state): State<Services>,
    Writer(caller): Writer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<UserInvite>, ApiError> {
    let request: UserInviteCreateRequest = parse_json(&headers, &body)?;
    local_users_enabled(&state)?;
    let email = request.email.trim().to_string();
    if !super::instance::looks_like_email(&email) {
        return Err(ApiError::unprocessable("a valid email address is required"));
    }
    role_grantable(caller.user.role, request.role)?;
    groups_exist(&state, &request.auto_groups)?;
    let lifetime = expires_in(request.expires_in)?;
    let conflict = || {
        ApiError::new(
            StatusCode::CONFLICT,
            "a user or invite with this email exists",
        )
    };
    if state.store.local_user_by_email(&email)?.is_some() {
        return Err(conflict());
    }
    let token = new_token();
    let now = now_unix();
    let invite = InviteRecord {
        id: random_id(20),
        token_hash: hash_secret(&token),
        name: match request.name.trim() {
            "" => email.clone(),
            name => name.to_string(),
        },
        email,
        role: request.role,
        auto_groups: request.auto_groups,
        created_at: now,
        expires_at: now + lifetime,
        created_by: caller.user.id.clone(),
    };
    if !state.store.insert_invite(&invite)? {
        return Err(conflict());
    }
    Ok(Json(invite_json(&invite, Some(token))))
}

/// `DELETE /api/users/invites/{inviteId}`: the link stops working.
pub(crate) async fn delete_invite(
    State(state): State<Services>,
    Writer(_caller): Writer,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    local_users_enabled(&state)?;
    if !state.store.delete_invite(&id)? {
        return Err(ApiError::not_found("invite"));
    }
    Ok(StatusCode::OK)
}

/// `POST /api/users/invites/{inviteId}/regenerate`: a new link and expiry; the old link
/// stops working.
pub(crate) async fn regenerate_invite(
    State(state): State<Services>,
    Writer(_caller): Writer,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<UserInviteRegenerateResponse>, ApiError> {
    // The body is optional: an empty one means the default lifetime.
    let request: UserInviteRegenerateRequest = if body.is_empty() {
        UserInviteRegenerateRequest::default()
    } else {
        parse_json(&headers, &body)?
    };
    local_users_enabled(&state)?;
    let expires_at = now_unix() + expires_in(request.expires_in)?;
    let token = new_token();
    if !state
        .store
        .renew_invite(&id, &hash_secret(&token), expires_at)?
    {
        return Err(ApiError::not_found("invite"));
    }
    Ok(Json(UserInviteRegenerateResponse {
        invite_token: token,
        invite_expires_at: rfc3339(expires_at),
    }))
}

fn invite_of_token(state: &Services, token: &str) -> Result<InviteRecord, ApiError> {
    state
        .store
        .invite_by_token(&hash_secret(token))?
        .ok_or_else(|| ApiError::not_found("invite"))
}

/// `GET /api/users/invites/{token}` (public): who is invited, by whom, until when.
pub(crate) async fn invite_info(
    State(state): State<Services>,
    Path(token): Path<String>,
) -> Result<Json<UserInviteInfo>, ApiError> {
    let invite = invite_of_token(&state, &token)?;
    let invited_by = state
        .store
        .user(&invite.created_by)?
        .map(|u| u.name)
        .unwrap_or_else(|| "an administrator".to_string());
    Ok(Json(UserInviteInfo {
        email: invite.email.clone(),
        name: invite.name.clone(),
        expires_at: rfc3339(invite.expires_at),
        valid: invite.expires_at > now_unix(),
        invited_by,
    }))
}

/// `POST /api/users/invites/{token}/accept` (public): the invited person sets their
/// password (the one rule) and becomes a local user; the link works once.
pub(crate) async fn accept_invite(
    State(state): State<Services>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<UserInviteAcceptResponse>, ApiError> {
    let request: UserInviteAcceptRequest = parse_json(&headers, &body)?;
    local_users_enabled(&state)?;
    let invite = invite_of_token(&state, &token)?;
    if invite.expires_at <= now_unix() {
        return Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "the invite has expired",
        ));
    }
    if let Some(problem) = qufabric_model::password_rule::password_problem(&request.password) {
        return Err(ApiError::unprocessable(problem));
    }
    let user = UserRecord {
        id: random_id(20),
        email: invite.email.clone(),
        name: invite.name.clone(),
        password_hash: Some(super::instance::hash_in_background(&request.password).await?),
        role: invite.role,
        auto_groups: invite.auto_groups.clone(),
        idp_id: None,
        idp_subject: None,
        is_blocked: false,
        // Invited by an administrator: approved by the invitation.
        pending_approval: false,
        role_source: Default::default(),
        last_login: None,
    };
    if !state.store.accept_invite(&invite.token_hash, &user)? {
        // Used meanwhile (another tab), or a local user with the email appeared.
        return Err(ApiError::not_found("invite"));
    }
    Ok(Json(UserInviteAcceptResponse { success: true }))
}
