//! The email/password page for local users and its form post.

use super::*;

#[derive(Debug, Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    pub(super) req: String,
    #[serde(default)]
    pub(super) email: String,
    #[serde(default)]
    pub(super) password: String,
}

pub(super) async fn local_login(
    State(state): State<Services>,
    source: RequestSource,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: LoginForm = match serde_urlencoded_form(&body) {
        Some(form) => form,
        None => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "Sign-in failed",
                "The sign-in form could not be read.",
            )
        }
    };
    let request: Option<AuthRequest> = state.store.auth_request(&form.req).ok().flatten();
    let Some(request) = request else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Sign-in expired",
            "This sign-in page has expired. Go back to QuFabric and sign in again.",
        );
    };
    if !binding_matches(&headers, &request.binding) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Sign-in started elsewhere",
            "This sign-in was started in another browser, or too long ago. Go back to QuFabric and sign in again.",
        );
    }
    if state.config.local_auth_disabled {
        return local_auth_refused(&request);
    }
    let client = source.client_ip;
    if let Some(wait) = state.login_limiter.locked_for(client, &form.email) {
        let message = format!(
            "Too many wrong passwords. Wait {} seconds before trying again.",
            wait.as_secs().max(1)
        );
        let mut response = login_page(
            &form.req,
            &form.email,
            Some(&message),
            StatusCode::TOO_MANY_REQUESTS,
        );
        if let Ok(value) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return response;
    }
    let user = state
        .store
        .local_user_by_email(form.email.trim())
        .ok()
        .flatten();
    // Hashing is bounded: each costs 19 MiB and a core for a while. Past the bound the
    // answer is "retry shortly", before any hashing.
    let Ok(permit) = state.hash_permits.clone().try_acquire_owned() else {
        let mut response = login_page(
            &form.req,
            &form.email,
            Some("The server is busy checking other sign-ins. Try again in a moment."),
            StatusCode::TOO_MANY_REQUESTS,
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    let password = form.password.clone();
    let stored_hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        match stored_hash {
            Some(hash) => verify_password(&password, &hash),
            None => {
                // Unknown emails cost the same, so they cannot be told apart.
                let _ = verify_password(&password, dummy_hash());
                false
            }
        }
    })
    .await
    .unwrap_or(false);
    let user = match user {
        Some(user) if matches && !user.is_blocked => user,
        Some(user) if matches && user.is_blocked => {
            return login_page(
                &form.req,
                &form.email,
                Some("This account is blocked. Ask an administrator."),
                StatusCode::FORBIDDEN,
            );
        }
        _ => {
            state.login_limiter.record_failure(client, &form.email);
            return login_page(
                &form.req,
                &form.email,
                Some("Wrong email or password."),
                StatusCode::UNAUTHORIZED,
            );
        }
    };
    state.login_limiter.record_success(client, &form.email);
    let _ = state.store.delete_auth_request(&form.req);
    let session_id = random_secret();
    let session_hash = hash_secret(&session_id);
    let session = SessionRecord {
        user_id: user.id.clone(),
        connector_id: LOCAL_CONNECTOR.into(),
        groups: vec![],
        expires_at: now_unix() + state.config.session_ttl_secs,
    };
    if state.store.put_session(&session_hash, &session).is_err() {
        return redirect_error(
            &request.redirect_uri,
            &request.state,
            "server_error",
            "the sign-in could not be completed",
        );
    }
    let cookie = session_cookie(&source, &session_id, state.config.session_ttl_secs);
    complete(
        &state,
        &request,
        &user,
        &session_hash,
        &session,
        Some(cookie),
    )
}

pub(super) fn serde_urlencoded_form<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    let text = std::str::from_utf8(body).ok()?;
    let map: serde_json::Map<String, serde_json::Value> = oidc::parse_query(text)
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    serde_json::from_value(serde_json::Value::Object(map)).ok()
}

pub(super) fn login_page(
    request_id: &str,
    email: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let error_html = match error {
        Some(message) => format!(
            "<p id=\"login-error\" class=\"error\" role=\"alert\">{}</p>",
            escape(message)
        ),
        None => String::new(),
    };
    let described = if error.is_some() {
        " aria-describedby=\"login-error\" aria-invalid=\"true\""
    } else {
        ""
    };
    let body = format!(
        "<h1>Sign in to QuFabric</h1>{error_html}
<form method=\"post\" action=\"/oauth2/login\">
<input type=\"hidden\" name=\"req\" value=\"{req}\">
<label for=\"email\">Email</label>
<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{email}\"{described}>
<label for=\"password\">Password</label>
<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required{described}>
<button type=\"submit\">Sign in</button>
</form>
<p><a href=\"/login\">Other ways to sign in</a></p>",
        req = escape(request_id),
        email = escape(email),
    );
    (status, Html(page("Sign in to QuFabric", &body))).into_response()
}

pub(super) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title><link rel=\"stylesheet\" href=\"/oauth2/static/login.css\"></head>\
<body><main class=\"card\">{body}</main></body></html>",
        escape(title)
    )
}

/// HTML-escape text for element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(super) async fn login_css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("login.css"),
    )
        .into_response()
}
