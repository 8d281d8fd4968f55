//! Sign-out: RP-initiated logout (`/oauth2/logout`, by POST or with a valid hint) and the
//! dashboard's `POST /oauth2/sign-out`.

use super::*;

#[derive(Debug, Deserialize)]
pub(super) struct LogoutQuery {
    pub(super) post_logout_redirect_uri: Option<String>,
    pub(super) state: Option<String>,
    pub(super) id_token_hint: Option<String>,
}

/// `GET /oauth2/logout` (RP-initiated logout). It signs out only with a valid
/// `id_token_hint` (one of our ID tokens, expired or not): a bare link on another site
/// must not sign anyone out. Without one it asks, with a form that POSTs here.
pub(super) async fn end_session(
    State(state): State<Services>,
    source: RequestSource,
    headers: HeaderMap,
    Query(query): Query<LogoutQuery>,
) -> Response {
    let hinted = query.id_token_hint.as_deref().is_some_and(|hint| {
        matches!(
            state
                .keys
                .verify(hint, &state.config.issuer(), DASHBOARD_CLIENT_ID),
            Ok(_) | Err(crate::keys::TokenRejection::Expired)
        )
    });
    if !hinted {
        return logout_confirmation(&query);
    }
    end_session_now(&state, &source, &headers, query).await
}

/// `POST /oauth2/logout`: the confirmation's answer. A cross-site form cannot use it: the
/// session cookie is `SameSite=Lax` and not sent with another site's POST.
pub(super) async fn end_session_confirmed(
    State(state): State<Services>,
    source: RequestSource,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = form_fields(&body);
    let query = LogoutQuery {
        post_logout_redirect_uri: form.get("post_logout_redirect_uri").cloned(),
        state: form.get("state").cloned(),
        id_token_hint: None,
    };
    end_session_now(&state, &source, &headers, query).await
}

/// A form-encoded body as a map; an unreadable one is empty.
pub(super) fn form_fields(body: &[u8]) -> HashMap<String, String> {
    std::str::from_utf8(body)
        .map(|text| oidc::parse_query(text).into_iter().collect())
        .unwrap_or_default()
}

pub(super) fn logout_confirmation(query: &LogoutQuery) -> Response {
    let hidden = |name: &str, value: &Option<String>| {
        value
            .as_deref()
            .map(|v| {
                format!(
                    "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                    escape(v)
                )
            })
            .unwrap_or_default()
    };
    let body = format!(
        "<h1>Sign out of QuFabric?</h1>\
<form method=\"post\" action=\"/oauth2/logout\">{}{}\
<button type=\"submit\" name=\"confirm\" value=\"yes\">Sign out</button></form>\
<p><a href=\"/\">Stay signed in</a></p>",
        hidden("post_logout_redirect_uri", &query.post_logout_redirect_uri),
        hidden("state", &query.state),
    );
    (StatusCode::OK, Html(page("Sign out of QuFabric?", &body))).into_response()
}

pub(super) async fn end_session_now(
    state: &Services,
    source: &RequestSource,
    headers: &HeaderMap,
    query: LogoutQuery,
) -> Response {
    // A session that came through an external provider ends there too, when the provider
    // can and the administrator registered QuFabric's Logout URL with it: otherwise its
    // own session would sign the user straight back in.
    let mut upstream = None;
    if let Some(id) = cookie_value(headers, SESSION_COOKIE) {
        let hash = hash_secret(id);
        upstream = sign_out_at_provider(state, &hash)
            .await
            .filter(|p| p.logout_url_registered)
            .and_then(|p| p.end_session_url);
        let _ = state.store.delete_session(&hash);
    }
    let clear = clear_cookie(source);
    if let Some(url) = upstream {
        return with_cookie(Redirect::to(&url).into_response(), &clear);
    }
    let target = query
        .post_logout_redirect_uri
        .filter(|uri| state.config.dashboard_uri_allowed(uri, "/login"));
    let response = match target {
        Some(uri) => {
            let uri = match query.state.as_deref() {
                Some(s) if !s.is_empty() => with_query(&uri, &[("state", s)]),
                _ => uri,
            };
            Redirect::to(&uri).into_response()
        }
        None => Redirect::to(SIGNED_OUT_PAGE).into_response(),
    };
    with_cookie(response, &clear)
}

/// The dashboard's "Signed out" screen.
pub(super) const SIGNED_OUT_PAGE: &str = "/signed-out";

pub(super) fn clear_cookie(source: &RequestSource) -> String {
    session_cookie(source, "", 0)
}

pub(super) fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Where the user of the IdP session `session_hash` came from, and how to end their
/// session there.
pub(super) async fn sign_out_at_provider(
    state: &Services,
    session_hash: &str,
) -> Option<SignedOutProvider> {
    let (connector, token) = state.store.session_upstream(session_hash).ok()??;
    if connector == LOCAL_CONNECTOR {
        return None;
    }
    upstream_sign_out(state, &connector, token.as_deref()).await
}

/// `POST /oauth2/sign-out` (form `client_id`, `refresh_token`): the dashboard ends the
/// whole QuFabric session first — the IdP session of this browser (its cookie) and of the
/// refresh token, with every refresh token issued under them — and learns whether the user
/// came through an external provider and how to sign out there. The browser never passes
/// through a provider's page before QuFabric's own session is over, so nobody is stranded
/// signed in. Same-site only: the cookie is `SameSite=Lax`, which a cross-site POST does
/// not carry, and a cross-site page cannot read the answer.
pub(super) async fn sign_out(
    State(state): State<Services>,
    source: RequestSource,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = form_fields(&body);
    if form.get("client_id").map(String::as_str) != Some(DASHBOARD_CLIENT_ID) {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client");
    }
    let mut sessions = Vec::new();
    if let Some(id) = cookie_value(&headers, SESSION_COOKIE) {
        sessions.push(hash_secret(id));
    }
    if let Some(token) = form.get("refresh_token").filter(|t| !t.is_empty()) {
        if let Ok(Some(session)) = state.store.refresh_token_session(&hash_secret(token)) {
            sessions.push(session);
        }
    }
    sessions.dedup();
    let mut provider = None;
    for session in &sessions {
        if provider.is_none() {
            provider = sign_out_at_provider(&state, session).await;
        }
        if state.store.delete_session(session).is_err() {
            return token_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the session could not be ended",
            );
        }
    }
    let response = (
        [(header::CACHE_CONTROL, "no-store")],
        Json(SignOutResult { provider }),
    )
        .into_response();
    with_cookie(response, &clear_cookie(&source))
}

/// The provider returns here after signing the user out (QuFabric's Logout URL): back to
/// the login screen, which says so from the record the sign-out left in the tab.
pub(super) async fn logout_callback() -> Redirect {
    Redirect::to("/login")
}
