//! Access control in the types: a handler names the access it needs as an argument
//! ([`Signed`], [`Reader`], [`Writer`], [`OwnerOnly`]) and axum checks it before the handler runs, so no
//! handler can forget it.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use crate::error::ApiError;
use crate::keys::TokenRejection;
use crate::secrets::hash_secret;
use crate::services::Services;
use crate::store::UserRecord;
use qufabric_model::oidc::DASHBOARD_CLIENT_ID;

/// Any signed-in caller (reading themselves).
pub struct Signed(pub Caller);
/// A caller whose role may read the settings.
pub struct Reader(pub Caller);
/// A caller whose role may change the settings.
pub struct Writer(pub Caller);
/// An owner (what only owners decide, such as giving a person back to the role rules).
pub struct OwnerOnly(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for OwnerOnly
where
    Services: FromRef<S>,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let caller = authenticate(&Services::from_ref(state), &parts.headers)?;
        if caller.user.role == qufabric_model::Role::Owner {
            Ok(OwnerOnly(caller))
        } else {
            Err(ApiError::forbidden())
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Signed
where
    Services: FromRef<S>,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        authenticate(&Services::from_ref(state), &parts.headers).map(Signed)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Reader
where
    Services: FromRef<S>,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        reader(&Services::from_ref(state), &parts.headers).map(Reader)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Writer
where
    Services: FromRef<S>,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        writer(&Services::from_ref(state), &parts.headers).map(Writer)
    }
}

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An access token from the embedded IdP, with the groups it carried.
    Session {
        connector_id: String,
        groups: Vec<String>,
    },
    PersonalAccessToken,
}

#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserRecord,
    pub credential: Credential,
}

/// Who is calling. 401 with the real server's messages when nobody valid is.
pub fn authenticate(state: &Services, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(ApiError::unauthenticated)?;
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(ApiError::unauthenticated)?;
    let token = token.trim();
    let (user_id, credential) = match scheme.to_ascii_lowercase().as_str() {
        "bearer" => {
            let claims = state
                .keys
                .verify_access_token(token, &state.config.issuer(), DASHBOARD_CLIENT_ID)
                .map_err(|rejection| match rejection {
                    TokenRejection::Expired => ApiError::token_expired(),
                    TokenRejection::Invalid => ApiError::token_invalid(),
                })?;
            let connector_id = claims.connector_id.unwrap_or_else(|| "local".into());
            (
                claims.sub,
                Credential::Session {
                    connector_id,
                    groups: claims.groups,
                },
            )
        }
        "token" => {
            let user_id = state
                .store
                .pat_user(&hash_secret(token))?
                .ok_or_else(ApiError::token_invalid)?;
            (user_id, Credential::PersonalAccessToken)
        }
        _ => return Err(ApiError::unauthenticated()),
    };
    let user = state
        .store
        .user(&user_id)?
        .ok_or_else(ApiError::token_invalid)?;
    if user.is_blocked {
        // 401, not 403: the session is over (the dashboard signs out), not short of a right.
        return Err(ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "user is blocked",
        ));
    }
    // JWT group sync on every request of a session that came through a provider; PATs and
    // local users are exempt.
    if let Credential::Session {
        connector_id,
        groups,
    } = &credential
    {
        if connector_id != qufabric_model::oidc::LOCAL_CONNECTOR
            && !crate::groups::apply(&state.store, &user, groups)?.admitted()
        {
            return Err(ApiError::token_invalid());
        }
    }
    // Re-read: sync may have changed the user's groups.
    let user = state
        .store
        .user(&user_id)?
        .ok_or_else(ApiError::token_invalid)?;
    Ok(Caller { user, credential })
}

fn require_read(caller: &Caller) -> Result<(), ApiError> {
    if caller.user.role.can_read_settings() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

fn require_write(caller: &Caller) -> Result<(), ApiError> {
    if caller.user.role.can_write_settings() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Who may read. Handlers call it first, so every endpoint answers 401/403 before any work.
pub fn reader(state: &Services, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let caller = authenticate(state, headers)?;
    require_read(&caller)?;
    Ok(caller)
}

/// Who may write.
pub fn writer(state: &Services, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let caller = authenticate(state, headers)?;
    require_write(&caller)?;
    Ok(caller)
}
