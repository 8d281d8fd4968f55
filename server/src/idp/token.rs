//! `POST /oauth2/token`: the code grant (PKCE) and the refresh grant (rotation, reuse
//! detection, families bounded by the sign-in session).

use super::*;

pub(super) fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

/// What a refresh token stands for.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct RefreshGrant {
    pub(super) user_id: String,
    pub(super) client_id: String,
    pub(super) scope: String,
    pub(super) connector_id: String,
    #[serde(default)]
    pub(super) groups: Vec<String>,
}

pub(super) async fn token(State(state): State<Services>, body: Bytes) -> Response {
    let Ok(text) = std::str::from_utf8(&body) else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be form-encoded",
        );
    };
    let form: HashMap<String, String> = oidc::parse_query(text).into_iter().collect();
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    if field("client_id") != DASHBOARD_CLIENT_ID {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client");
    }
    match field("grant_type") {
        "authorization_code" => {
            let code_hash = hash_secret(field("code"));
            let grant: Option<CodeGrant> = match state.store.use_code(&code_hash, CODE_MAX_AGE_SECS)
            {
                Ok(CodeUse::Fresh(grant)) => Some(grant),
                Ok(CodeUse::Replayed) => {
                    // A used code presented again has leaked: revoke what it issued
                    // (RFC 6749 §4.1.2), every rotation included.
                    tracing::warn!("an authorization code was replayed; its tokens are revoked");
                    let _ = state.store.revoke_family(&code_hash);
                    None
                }
                _ => None,
            };
            let Some(grant) = grant else {
                return token_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the code is unknown, used or expired",
                );
            };
            if grant.client_id != field("client_id") || grant.redirect_uri != field("redirect_uri")
            {
                return token_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the code was issued for another client or redirect uri",
                );
            }
            if !oidc::pkce_verify(field("code_verifier"), &grant.code_challenge) {
                return token_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the code verifier does not match",
                );
            }
            // The sign-in session bounds everything the code starts: the refresh chain
            // ends when it does, whatever the tokens' own lifetimes.
            let Some(session) = live_session(&state, &grant.session_hash) else {
                return token_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the sign-in session has ended",
                );
            };
            let refresh = RefreshGrant {
                user_id: grant.user_id,
                client_id: grant.client_id,
                scope: grant.scope,
                connector_id: grant.connector_id,
                groups: grant.groups,
            };
            issue_tokens(
                &state,
                &refresh,
                Some(&grant.nonce),
                &grant.session_hash,
                &code_hash,
                session.expires_at,
            )
        }
        "refresh_token" => refresh(&state, field("refresh_token"), field("client_id")),
        _ => token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "use authorization_code or refresh_token",
        ),
    }
}

/// The `sid` claim (OpenID Connect session id): the same for every token of one sign-in
/// session, so the dashboard's tabs of one session can share the newest tokens; a hash of
/// the stored hash, so it reveals nothing that opens the session.
pub(super) fn session_id_claim(session_hash: &str) -> String {
    hash_secret(session_hash)
}

pub(super) fn live_session(state: &Services, session_hash: &str) -> Option<SessionRecord> {
    state.store.session(session_hash).ok().flatten()
}

/// The refresh grant. Each refresh token is good once; a spent one presented again means
/// a copy exists (stolen, or a client retrying a lost answer), and since the server cannot
/// tell which holder is the rightful one, the whole family and its sign-in session end
/// (OAuth 2.0 Security BCP, §4.14.2). A refresh also ends with the sign-in session (signed
/// out, blocked, or past its absolute lifetime), and re-reads the groups: those of the
/// session, under the group settings as they are now.
pub(super) fn refresh(state: &Services, token: &str, client_id: &str) -> Response {
    let invalid = |why: &str| token_error(StatusCode::BAD_REQUEST, "invalid_grant", why);
    let taken = match state
        .store
        .use_refresh_token::<RefreshGrant>(&hash_secret(token))
    {
        Ok(RefreshUse::Fresh(taken)) => taken,
        Ok(RefreshUse::Reused {
            session_hash,
            family,
        }) => {
            tracing::warn!(
                "a spent refresh token was presented again; its family and sign-in session are revoked"
            );
            let _ = state.store.revoke_family(&family);
            let _ = state.store.delete_session(&session_hash);
            return invalid("the refresh token was already used; the session is revoked");
        }
        _ => return invalid("the refresh token is unknown, used or expired"),
    };
    let grant = taken.body;
    if grant.client_id != client_id {
        return invalid("the refresh token belongs to another client");
    }
    let Some(session) = live_session(state, &taken.session_hash) else {
        let _ = state.store.revoke_family(&taken.family);
        return invalid("the sign-in session has ended");
    };
    if session.connector_id != LOCAL_CONNECTOR {
        let refused = match state.store.user(&grant.user_id) {
            Ok(Some(user)) => crate::groups::apply(&state.store, &user, &session.groups)
                .is_ok_and(|outcome| !outcome.admitted()),
            _ => true,
        };
        if refused {
            let _ = state.store.delete_session(&taken.session_hash);
            return invalid("the user is no longer admitted by the allowed groups");
        }
    }
    let grant = RefreshGrant {
        groups: session.groups,
        ..grant
    };
    issue_tokens(
        state,
        &grant,
        None,
        &taken.session_hash,
        &taken.family,
        taken.family_expires_at,
    )
}

/// Sign the tokens of `grant` and store a new refresh token in `family` (the hash of the
/// authorization code the chain started from), which ends at `family_expires_at`.
pub(super) fn issue_tokens(
    state: &Services,
    grant: &RefreshGrant,
    nonce: Option<&str>,
    session_hash: &str,
    family: &str,
    family_expires_at: i64,
) -> Response {
    let user = match state.store.user(&grant.user_id) {
        Ok(Some(user)) if !user.is_blocked => user,
        _ => {
            return token_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "the user no longer exists or is blocked",
            )
        }
    };
    let now = now_unix();
    let ttl = state.config.access_token_ttl_secs;
    let mut claims = TokenClaims {
        iss: state.config.issuer(),
        sub: user.id.clone(),
        aud: Audience::One(grant.client_id.clone()),
        exp: now + ttl,
        iat: now,
        nonce: None,
        email: Some(user.email.clone()),
        name: Some(user.name.clone()),
        groups: grant.groups.clone(),
        connector_id: Some(grant.connector_id.clone()),
        sid: Some(session_id_claim(session_hash)),
    };
    let Some(access_token) = state.keys.sign_access_token(&claims) else {
        return token_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "signing failed",
        );
    };
    claims.nonce = nonce.map(str::to_string);
    let Some(id_token) = state.keys.sign(&claims) else {
        return token_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "signing failed",
        );
    };
    let refresh_token = random_secret();
    if state
        .store
        .put_refresh_token(
            &hash_secret(&refresh_token),
            session_hash,
            family,
            grant,
            now + state.config.refresh_token_ttl_secs,
            family_expires_at,
        )
        .is_err()
    {
        return token_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "the tokens could not be stored",
        );
    }
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ttl,
            "id_token": id_token,
            "refresh_token": refresh_token,
            "scope": grant.scope,
        })),
    )
        .into_response()
}
