//! The sign-in broker: the embedded IdP as a relying party of the external providers.
//! `/oauth2/auth?connector_id=<provider id>` sends the browser to that provider;
//! `/oauth2/callback` takes the code back, exchanges it with the stored client secret,
//! validates the ID token (signature via the provider's JWKS, iss, aud, exp, nonce) with the
//! `openidconnect` crate, creates or updates the user (keyed by provider id + subject), and
//! completes the dashboard's own authorization request. Every failure returns the browser
//! to the dashboard's `/login?error=<code>`.
//!
//! Each leg decides an [`UpstreamSignIn`] (off to the provider, signed in, or failed with
//! a [`SignInError`]); only [`UpstreamSignIn::respond`] turns that into what the browser
//! gets, so the legs hold no HTTP plumbing.

use super::*;

/// How long a user may spend at the provider.
pub(super) const BROKER_STATE_MAX_AGE: i64 = 600;

/// A sign-in at an external provider, kept until its callback.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Pending {
    pub(super) purpose: Purpose,
    #[serde(flatten)]
    pub(super) leg: Leg,
}

/// What the round trip at the provider is for.
#[derive(Debug, Serialize, Deserialize)]
pub(super) enum Purpose {
    /// The dashboard's sign-in, to complete once the provider vouched for the user.
    SignIn(Box<AuthRequest>),
    /// An administrator's test sign-in (its one-time id): a report, never a session.
    Test(String),
}

/// The provider side of a round trip: what its callback needs to verify the answer.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Leg {
    pub(super) provider_id: String,
    pub(super) nonce: String,
    pub(super) pkce_verifier: Option<String>,
    pub(super) created_at: i64,
    /// The scopes asked for (named when the provider refuses one).
    #[serde(default)]
    pub(super) scopes: Vec<String>,
}

/// The dashboard's login screen on the origin the request came from.
pub(super) fn login_url(redirect_uri: &str) -> String {
    let base = redirect_uri
        .strip_suffix("/auth/callback")
        .unwrap_or(redirect_uri);
    format!("{base}/login")
}

pub(super) fn to_login(base_redirect_uri: &str, failure: Failure) -> Response {
    tracing::info!(
        "sign-in refused: {} ({})",
        failure.code.code(),
        failure.description
    );
    let query = oidc::form_body(&[
        ("error", failure.code.code()),
        ("error_description", &failure.description),
    ]);
    Redirect::to(&format!("{}?{query}", login_url(base_redirect_uri))).into_response()
}

/// Where a leg of an upstream sign-in ends.
pub(super) enum UpstreamSignIn {
    /// Off to the provider's authorization endpoint (the first leg).
    Redirect(String),
    /// The provider vouched for a user QuFabric admits; their IdP session is open.
    SignedIn(Box<SignedIn>),
    /// Back to the dashboard's login screen, saying why.
    Failed(Failure),
}

/// A user the broker signed in, with the dashboard's request to complete.
pub(super) struct SignedIn {
    request: AuthRequest,
    user: UserRecord,
    session_hash: String,
    session: SessionRecord,
    /// The `Set-Cookie` value of the new IdP session.
    cookie: String,
}

impl UpstreamSignIn {
    /// What the browser gets. `back` is the dashboard's redirect URI (its login screen is
    /// found beside it).
    pub(super) fn respond(self, state: &Services, back: &str) -> Response {
        match self {
            UpstreamSignIn::Redirect(url) => Redirect::to(&url).into_response(),
            UpstreamSignIn::SignedIn(signed_in) => complete(
                state,
                &signed_in.request,
                &signed_in.user,
                &signed_in.session_hash,
                &signed_in.session,
                Some(signed_in.cookie),
            ),
            UpstreamSignIn::Failed(failure) => to_login(back, failure),
        }
    }
}

impl From<Result<SignedIn, Failure>> for UpstreamSignIn {
    fn from(result: Result<SignedIn, Failure>) -> UpstreamSignIn {
        match result {
            Ok(signed_in) => UpstreamSignIn::SignedIn(Box::new(signed_in)),
            Err(failure) => UpstreamSignIn::Failed(failure),
        }
    }
}

/// `/oauth2/auth` with an external connector: off to the provider.
pub async fn start(state: Services, request: AuthRequest, provider: ProviderRecord) -> Response {
    let back = request.redirect_uri.clone();
    let outcome =
        match authorization_url(&state, Purpose::SignIn(Box::new(request)), &provider).await {
            Ok(url) => UpstreamSignIn::Redirect(url),
            Err(failure) => UpstreamSignIn::Failed(failure),
        };
    outcome.respond(&state, &back)
}

/// The scopes QuFabric asks `provider` for: its own, or its kind's defaults.
pub(super) fn requested_scopes(provider: &ProviderRecord) -> Vec<String> {
    let kind = ProviderKind::from_id(&provider.kind).unwrap_or(ProviderKind::Oidc);
    qufabric_model::provider_options::effective_scopes(kind, Some(&provider.options))
}

/// The provider's authorization URL for `purpose`, with the round trip kept for its
/// callback. A test asks the provider to sign the user in again (`prompt=login`).
pub(super) async fn authorization_url(
    state: &Services,
    purpose: Purpose,
    provider: &ProviderRecord,
) -> Result<String, Failure> {
    // The server's one provider client (no redirects, no link-local or metadata
    // addresses, see `outbound`).
    let http = state.http.clone();
    let (check, document) = discover_reachable(state, provider).await?;
    let Built { client, .. } = build(state, provider, &http, &check, document).await?;
    let scopes = requested_scopes(provider);
    let mut authorize = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    // `openid` is the library's own.
    for scope in scopes
        .iter()
        .filter(|s| *s != qufabric_model::provider_options::OPENID)
    {
        authorize = authorize.add_scope(Scope::new(scope.clone()));
    }
    match &purpose {
        Purpose::Test(_) => {
            authorize = authorize.add_prompt(openidconnect::core::CoreAuthPrompt::Login);
        }
        // What the person's own request said goes on to the provider: the email to fill
        // in, and whether to sign in again or choose an account (OIDC Core §3.1.2.1).
        Purpose::SignIn(request) => {
            if !request.login_hint.is_empty() {
                authorize = authorize.add_extra_param("login_hint", request.login_hint.clone());
            }
            for prompt in request.prompt.split(' ').filter_map(upstream_prompt) {
                authorize = authorize.add_prompt(prompt);
            }
        }
    }
    let mut verifier = None;
    if check
        .code_challenge_methods_supported
        .iter()
        .any(|m| m == "S256")
    {
        let (challenge, pkce_verifier) = PkceCodeChallenge::new_random_sha256();
        authorize = authorize.set_pkce_challenge(challenge);
        verifier = Some(pkce_verifier.secret().clone());
    }
    let (url, csrf, nonce) = authorize.url();
    let pending = Pending {
        purpose,
        leg: Leg {
            provider_id: provider.id.clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier,
            created_at: now_unix(),
            scopes,
        },
    };
    state
        .store
        .put_auth_request(&broker_key(csrf.secret()), &pending)
        .map_err(|e| {
            fail(
                SignInError::ServerError,
                format!("could not store the sign-in: {}", e.0),
            )
        })?;
    Ok(url.to_string())
}

/// A `prompt` value passed on to a provider; `none` is not (QuFabric's own page is
/// already showing), nor anything OIDC does not define.
fn upstream_prompt(value: &str) -> Option<openidconnect::core::CoreAuthPrompt> {
    use openidconnect::core::CoreAuthPrompt;
    match value {
        "login" => Some(CoreAuthPrompt::Login),
        "consent" => Some(CoreAuthPrompt::Consent),
        "select_account" => Some(CoreAuthPrompt::SelectAccount),
        _ => None,
    }
}

pub(super) fn broker_key(upstream_state: &str) -> String {
    format!("broker-{}", hash_secret(upstream_state))
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    pub(super) state: Option<String>,
    pub(super) code: Option<String>,
    pub(super) error: Option<String>,
    pub(super) error_description: Option<String>,
}

/// `/oauth2/callback`: the provider sends the browser back here.
pub async fn callback(
    State(state): State<Services>,
    source: RequestSource,
    headers: axum::http::HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let upstream_state = query.state.clone().unwrap_or_default();
    let key = broker_key(&upstream_state);
    let pending: Option<Pending> = state.store.auth_request(&key).ok().flatten();
    let _ = state.store.delete_auth_request(&key);
    let Some(pending) = pending else {
        let public_callback = format!("{}/auth/callback", state.config.public_url);
        return UpstreamSignIn::Failed(fail(
            SignInError::StateMismatch,
            "the answer from the identity provider does not belong to a sign-in in progress",
        ))
        .respond(&state, &public_callback);
    };
    let request = match pending.purpose {
        Purpose::SignIn(request) => *request,
        Purpose::Test(test_id) => {
            return super::test_sign_in::callback(&state, query, pending.leg, &test_id).await
        }
    };
    let back = request.redirect_uri.clone();
    UpstreamSignIn::from(receive(&state, &source, &headers, query, request, pending.leg).await)
        .respond(&state, &back)
}

/// The callback of the sign-in `pending`: the checks on the browser and the answer, then
/// the code exchange and the user.
async fn receive(
    state: &Services,
    source: &RequestSource,
    headers: &HeaderMap,
    query: CallbackQuery,
    request: AuthRequest,
    leg: Leg,
) -> Result<SignedIn, Failure> {
    if !binding_matches(headers, &request.binding) {
        return Err(fail(
            SignInError::StateMismatch,
            "the identity provider's answer arrived in another browser than the one that started the sign-in",
        ));
    }
    let code = answered_code(query, &leg)?;
    finish(state, source, request, leg, code).await
}

/// Exchanges the code, verifies the ID token, reads userinfo, and signs the person in if
/// their claims and QuFabric's allow list admit them. A refused person leaves no user row.
async fn finish(
    state: &Services,
    source: &RequestSource,
    request: AuthRequest,
    leg: Leg,
    code: String,
) -> Result<SignedIn, Failure> {
    let verified = verify_answer(state, &leg, code).await?;
    let provider = &verified.provider;
    // The account's settings, read once: group sync and whether newcomers wait.
    let settings = state
        .store
        .account(&random_id(20), &crate::settings::Settings::default())
        .map_err(|e| fail(SignInError::ServerError, e.0))?
        .settings;
    let sync = crate::groups::sync_settings(&settings);
    let allowed = &provider.options.allowed_groups;
    // Groups decide something when sync is on or the provider allows only some of them.
    let (identity, refusal) = verified.judge(sync.enabled || !allowed.is_empty());
    if let Some(refusal) = refusal {
        return Err(fail(
            refusal_code(refusal),
            refusal.describe(&provider.name, &provider.options.claims),
        ));
    }
    let email = identity
        .email
        .as_ref()
        .map(|m| m.value.clone())
        .unwrap_or_default();
    let name = identity.display_name();
    let groups = identity.groups.names;
    if !qufabric_model::provider_options::admits_through(allowed, &groups) {
        return Err(fail(
            SignInError::NotInProviderGroup,
            qufabric_model::provider_options::provider_refusal(&provider.name, allowed, &groups),
        ));
    }
    if !qufabric_model::group_checks::admits(&sync, &groups) {
        return Err(fail(
            SignInError::NotInAllowedGroup,
            crate::groups::refusal_description(&state.store, &groups),
        ));
    }
    let id_token = verified.id_token.clone();
    let approval = settings.extra.user_approval_required;
    let user = upsert_user(
        state,
        &provider.id,
        &verified.subject,
        &email,
        &name,
        approval,
    )?;
    if user.pending_approval {
        // Their groups, and the role the rules give them, are recorded now: approval lets
        // them in with that role, and the Users page shows it while they wait.
        crate::groups::apply(&state.store, &user, &groups)
            .map_err(|e| fail(SignInError::ServerError, e.0))?;
        return Err(fail(
            SignInError::PendingApproval,
            "an owner or administrator must approve this person on the Users page first",
        ));
    }
    if user.is_blocked {
        return Err(fail(
            SignInError::UpstreamDenied,
            "this QuFabric account is blocked",
        ));
    }
    let outcome = crate::groups::apply(&state.store, &user, &groups)
        .map_err(|e| fail(SignInError::ServerError, e.0))?;
    if !outcome.admitted() {
        return Err(fail(
            SignInError::NotInAllowedGroup,
            crate::groups::refusal_description(&state.store, &groups),
        ));
    }
    let session_id = random_secret();
    let session_hash = hash_secret(&session_id);
    let session = SessionRecord {
        user_id: user.id.clone(),
        connector_id: provider.id.clone(),
        groups,
        expires_at: now_unix() + state.config.session_ttl_secs,
    };
    state
        .store
        .put_session(&session_hash, &session)
        .map_err(|e| fail(SignInError::ServerError, e.0))?;
    let _ = state.store.set_upstream_id_token(&session_hash, &id_token);
    Ok(SignedIn {
        cookie: session_cookie(source, &session_id, state.config.session_ttl_secs),
        request,
        user,
        session_hash,
        session,
    })
}

/// The person a provider vouched for: their row, with the provider's email and name; a
/// newcomer is created, blocked and waiting when `approval_required`.
pub(super) fn upsert_user(
    state: &Services,
    provider_id: &str,
    subject: &str,
    email: &str,
    name: &str,
    approval_required: bool,
) -> Result<UserRecord, Failure> {
    let store = &state.store;
    if let Some(user) = store
        .external_user(provider_id, subject)
        .map_err(|e| fail(SignInError::ServerError, e.0))?
    {
        if user.email != email || user.name != name {
            store
                .update_profile(&user.id, email, name)
                .map_err(|e| fail(SignInError::ServerError, e.0))?;
        }
        return Ok(UserRecord {
            email: email.to_string(),
            name: name.to_string(),
            ..user
        });
    }
    let user = UserRecord {
        id: random_id(20),
        email: email.to_string(),
        name: name.to_string(),
        password_hash: None,
        role: Role::User,
        auto_groups: vec![],
        idp_id: Some(provider_id.to_string()),
        idp_subject: Some(subject.to_string()),
        is_blocked: approval_required,
        pending_approval: approval_required,
        role_source: Default::default(),
        last_login: None,
    };
    store
        .insert_user(&user)
        .map_err(|e| fail(SignInError::ServerError, e.0))?;
    Ok(user)
}

/// The provider a session came from and its end-session address: with QuFabric's Logout
/// URL as the return address (and the `id_token_hint` most providers need to honour it)
/// only when the administrator marked that URL as registered there, since a provider such
/// as PocketID refuses an unknown return address and leaves the user on its own error
/// page; without one otherwise, for a plain "Also sign out of <provider>" link.
pub async fn upstream_sign_out(
    state: &Services,
    connector_id: &str,
    id_token: Option<&str>,
) -> Option<SignedOutProvider> {
    let provider = state.store.provider(connector_id).ok()??;
    let kind = ProviderKind::from_id(&provider.kind).unwrap_or(ProviderKind::Unknown);
    let check = crate::discovery::discover(
        &state.http,
        &state.config,
        &provider.issuer,
        Duration::from_secs(3),
    )
    .await;
    let end_session_url = check
        .end_session_endpoint
        .filter(|_| check.reachable)
        .map(|endpoint| {
            let logout_url = state.config.logout_url();
            let mut pairs = vec![("client_id", provider.client_id.as_str())];
            if provider.logout_url_registered {
                pairs.push(("post_logout_redirect_uri", logout_url.as_str()));
                if let Some(token) = id_token {
                    pairs.push(("id_token_hint", token));
                }
            }
            let separator = if endpoint.contains('?') { '&' } else { '?' };
            format!("{endpoint}{separator}{}", oidc::form_body(&pairs))
        });
    Some(SignedOutProvider {
        name: provider.name,
        kind,
        end_session_url,
        logout_url_registered: provider.logout_url_registered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_go_to_the_dashboards_login() {
        assert_eq!(
            login_url("http://127.0.0.1:8080/auth/callback"),
            "http://127.0.0.1:8080/login"
        );
    }
}
