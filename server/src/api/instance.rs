//! `GET /api/instance` (public) and `POST /api/setup` (the first run).

use super::*;

#[derive(Debug, serde::Deserialize)]
pub(crate) struct InstanceQuery {
    /// The page's origin, as the dashboard knows it; behind `trunk serve`'s proxy the
    /// request's own origin is the proxy's target, not the page's.
    origin: Option<String>,
}

pub(crate) async fn instance(
    State(state): State<Services>,
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
            login_default: p.login_default,
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
        provider_options: true,
    }))
}

pub(crate) async fn setup(
    State(state): State<Services>,
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
    if let Some(problem) = qufabric_model::password_rule::password_problem(&request.password) {
        return Err(ApiError::unprocessable(problem));
    }
    let name = match request.name.trim() {
        "" => email.clone(),
        name => name.to_string(),
    };
    let password_hash = hash_in_background(&request.password).await?;
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
        pending_approval: false,
        role_source: Default::default(),
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

pub(super) fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && !email.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Argon2 off the async threads: it takes a while on purpose.
pub(super) async fn hash_in_background(password: &str) -> Result<String, ApiError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || crate::idp::hash_password(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}
