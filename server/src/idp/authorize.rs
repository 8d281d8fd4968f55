//! `GET /oauth2/auth`: the authorization endpoint (PKCE S256 only, the redirect-URI rule,
//! `connector_id`), answered from the IdP session, the email page or an external provider.

use super::*;

#[derive(Debug, Deserialize)]
pub(super) struct AuthorizeQuery {
    pub(super) client_id: Option<String>,
    pub(super) redirect_uri: Option<String>,
    pub(super) response_type: Option<String>,
    pub(super) scope: Option<String>,
    pub(super) state: Option<String>,
    pub(super) nonce: Option<String>,
    pub(super) code_challenge: Option<String>,
    pub(super) code_challenge_method: Option<String>,
    pub(super) connector_id: Option<String>,
    pub(super) prompt: Option<String>,
    /// The email to fill in on the email page (an invited person who just set their
    /// password); a session of someone else is not reused for it.
    pub(super) login_hint: Option<String>,
    /// Set when this server moved the request to its public origin (never twice).
    pub(super) moved_to_public_origin: Option<String>,
}

/// The query parameter that marks an authorize request moved to the public origin.
pub(super) const MOVED_MARK: &str = "moved_to_public_origin";

pub(super) async fn authorize(
    State(state): State<Services>,
    source: RequestSource,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(query): Query<AuthorizeQuery>,
) -> Response {
    let login_hint = query.login_hint.clone().unwrap_or_default();
    let client_id = query.client_id.unwrap_or_default();
    let redirect_uri = query.redirect_uri.unwrap_or_default();
    if client_id != DASHBOARD_CLIENT_ID {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Unknown client",
            "This sign-in request names an unknown client.",
        );
    }
    if !state
        .config
        .dashboard_uri_allowed(&redirect_uri, "/auth/callback")
    {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Redirect URI not allowed",
            "This sign-in request asks to return to an address the QuFabric dashboard does not use.",
        );
    }
    let request_state = query.state.unwrap_or_default();
    let scope = query.scope.unwrap_or_default();
    if query.response_type.as_deref() != Some("code") {
        return redirect_error(
            &redirect_uri,
            &request_state,
            "unsupported_response_type",
            "only the authorization code flow is supported",
        );
    }
    if !scope.split(' ').any(|s| s == "openid") {
        return redirect_error(
            &redirect_uri,
            &request_state,
            "invalid_scope",
            "the openid scope is required",
        );
    }
    let challenge = query.code_challenge.unwrap_or_default();
    if query.code_challenge_method.as_deref() != Some("S256") || challenge.len() != 43 {
        return redirect_error(
            &redirect_uri,
            &request_state,
            "invalid_request",
            "pkce with S256 is required",
        );
    }
    let nonce = query.nonce.unwrap_or_default();
    if nonce.is_empty() || request_state.is_empty() {
        return redirect_error(
            &redirect_uri,
            &request_state,
            "invalid_request",
            "state and nonce are required",
        );
    }
    let connector = query.connector_id.filter(|c| !c.is_empty());
    // An external provider returns the browser to the Redirect URL on the public origin,
    // where the broker keeps the sign-in's state: start there too, so its session cookie
    // and the state live on the same origin. Email sign-in stays on the page's origin.
    let external_requested = connector.as_deref().is_some_and(|c| c != LOCAL_CONNECTOR);
    let public_origin = qufabric_model::origins::origin_of(&state.config.public_url);
    if external_requested && source.origin.is_some() && source.origin != public_origin {
        if query.moved_to_public_origin.is_none() {
            let query = uri.query().unwrap_or_default();
            return Redirect::to(&format!(
                "{}/oauth2/auth?{query}&{MOVED_MARK}=1",
                state.config.public_url
            ))
            .into_response();
        }
        // Sent to the public URL already, yet it still looks like another origin: a proxy
        // that rewrites Host without saying so. Go on rather than loop.
        tracing::warn!(
            "a sign-in sent to {} arrived for {}: the reverse proxy should pass the original Host \
             (nginx: proxy_set_header Host $host) or be declared with --trusted-proxy",
            state.config.public_url,
            source.origin.as_deref().unwrap_or("?")
        );
    }
    // An external connector must be a configured provider.
    let external = match connector.as_deref() {
        None | Some(LOCAL_CONNECTOR) => None,
        Some(id) => match state.store.provider(id) {
            Ok(Some(provider)) => Some(provider),
            _ => {
                return redirect_error(
                    &redirect_uri,
                    &request_state,
                    "invalid_request",
                    "unknown connector",
                )
            }
        },
    };
    let (binding, binding_set_cookie) = binding_cookie(&source);
    let request = AuthRequest {
        client_id,
        redirect_uri,
        scope,
        state: request_state,
        nonce,
        code_challenge: challenge,
        connector_id: connector,
        binding,
        login_hint: login_hint.trim().to_string(),
        prompt: query.prompt.clone().unwrap_or_default(),
    };

    // Answer from the IdP's own session when there is one for this connector.
    let wants_login = query
        .prompt
        .as_deref()
        .is_some_and(|p| p.split(' ').any(|x| x == "login"));
    if !wants_login {
        if let Some((session_hash, session)) = current_session(&state, &headers) {
            let connector_ok = request
                .connector_id
                .as_deref()
                .is_none_or(|c| c == session.connector_id);
            if connector_ok {
                let hinted_elsewhere = |user: &UserRecord| {
                    !login_hint.is_empty() && !login_hint.trim().eq_ignore_ascii_case(&user.email)
                };
                if let Some(user) = state
                    .store
                    .user(&session.user_id)
                    .ok()
                    .flatten()
                    .filter(|user| !hinted_elsewhere(user))
                {
                    // The provider's allowed groups and the allow list apply again when
                    // answering from the session, so a refused user is not let in through it.
                    let outcome = (session.connector_id != LOCAL_CONNECTOR)
                        .then(|| crate::groups::apply(&state.store, &user, &session.groups).ok())
                        .flatten();
                    if let Some(crate::groups::SyncOutcome::NotInProviderGroup(description)) =
                        &outcome
                    {
                        return redirect_error(
                            &request.redirect_uri,
                            &request.state,
                            qufabric_model::SignInError::NotInProviderGroup.code(),
                            description,
                        );
                    }
                    if outcome == Some(crate::groups::SyncOutcome::NotInAllowedGroup) {
                        let description =
                            crate::groups::refusal_description(&state.store, &session.groups);
                        return redirect_error(
                            &request.redirect_uri,
                            &request.state,
                            qufabric_model::SignInError::NotInAllowedGroup.code(),
                            &description,
                        );
                    }
                    if !user.is_blocked {
                        return complete(&state, &request, &user, &session_hash, &session, None);
                    }
                }
            }
        }
    }

    if let Some(provider) = external {
        let response = start(state, request, provider).await;
        return with_cookie(response, &binding_set_cookie);
    }

    if state.config.local_auth_disabled {
        return local_auth_refused(&request);
    }
    let request_id = crate::secrets::random_id(32);
    match state.store.put_auth_request(&request_id, &request) {
        Ok(()) => {}
        _ => {
            return error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sign-in failed",
                "The sign-in request could not be stored.",
            )
        }
    }
    with_cookie(
        login_page(&request_id, login_hint.trim(), None, StatusCode::OK),
        &binding_set_cookie,
    )
}

/// Email sign-in asked for while the server allows external providers only.
pub(super) fn local_auth_refused(request: &AuthRequest) -> Response {
    redirect_error(
        &request.redirect_uri,
        &request.state,
        "access_denied",
        "email sign-in is disabled on this server",
    )
}
