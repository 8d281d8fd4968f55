//! The sign-in broker against a scripted upstream provider (real HTTP, real ES256 tokens):
//! a good ID token signs the user in; a wrong nonce, a token signed by another key, a wrong
//! audience, a replayed upstream code and an unknown state are all refused back to the
//! dashboard's login screen with a code.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use qufabric_model::oidc::{self, Audience, TokenClaims};
use qufabric_server::keys::Keys;
use qufabric_server::settings::Settings;
use qufabric_server::store::{now_unix, ProviderRecord, Store};
use qufabric_server::{AppState, Config};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Good,
    WrongNonce,
    ForeignKey,
    WrongAudience,
    /// A Microsoft multi-tenant sign-in: `iss` names the user's tenant, `tid` says which.
    MicrosoftTenant,
    /// `iss` names one tenant, `tid` another.
    MicrosoftWrongTenant,
    /// The authorization endpoint refuses a scope it was asked for.
    InvalidScope,
}

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const OTHER_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

struct Upstream {
    base: String,
    keys: Keys,
    foreign: Keys,
    mode: Mutex<Mode>,
    /// code -> nonce; a code is good once.
    codes: Mutex<HashMap<String, String>>,
    /// How often the discovery document was fetched.
    discovery_fetches: std::sync::atomic::AtomicUsize,
}

async fn discovery(State(up): State<Arc<Upstream>>) -> Json<serde_json::Value> {
    up.discovery_fetches
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let base = &up.base;
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "end_session_endpoint": format!("{base}/logout"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "profile", "email", "groups"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]
    }))
}

/// The discovery document of a Microsoft-style `common` endpoint: its issuer is a
/// template.
async fn common_discovery(State(up): State<Arc<Upstream>>) -> Json<serde_json::Value> {
    let base = &up.base;
    Json(json!({
        "issuer": format!("{base}/{{tenantid}}/v2.0"),
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "jwks_uri": format!("{base}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["pairwise"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "scopes_supported": ["openid", "profile", "email"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"]
    }))
}

async fn jwks(State(up): State<Arc<Upstream>>) -> Json<serde_json::Value> {
    Json(up.keys.jwks())
}

async fn authorize(
    State(up): State<Arc<Upstream>>,
    Query(query): Query<HashMap<String, String>>,
) -> impl IntoResponse {
    let code = qufabric_server::random_secret();
    let nonce = query.get("nonce").cloned().unwrap_or_default();
    up.codes.lock().unwrap().insert(code.clone(), nonce);
    let redirect = query.get("redirect_uri").cloned().unwrap_or_default();
    let state = query.get("state").cloned().unwrap_or_default();
    if *up.mode.lock().unwrap() == Mode::InvalidScope {
        return Redirect::to(&format!(
            "{redirect}?{}",
            oidc::form_body(&[
                ("error", "invalid_scope"),
                ("error_description", "unknown scope"),
                ("state", &state)
            ])
        ));
    }
    Redirect::to(&format!(
        "{redirect}?{}",
        oidc::form_body(&[("code", &code), ("state", &state)])
    ))
}

async fn token(
    State(up): State<Arc<Upstream>>,
    Form(form): Form<HashMap<String, String>>,
) -> impl IntoResponse {
    let code = form.get("code").cloned().unwrap_or_default();
    let Some(nonce) = up.codes.lock().unwrap().remove(&code) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    let mode = *up.mode.lock().unwrap();
    let claims = TokenClaims {
        iss: up.base.clone(),
        sub: "upstream-user-1".into(),
        aud: Audience::One(if mode == Mode::WrongAudience {
            "someone-else".into()
        } else {
            "qf-client".into()
        }),
        exp: now_unix() + 300,
        iat: now_unix(),
        nonce: Some(if mode == Mode::WrongNonce {
            "not-the-nonce".into()
        } else {
            nonce
        }),
        email: Some("dana@example.com".into()),
        name: Some("Dana".into()),
        groups: vec!["QuFabric".into()],
        connector_id: None,
        sid: None,
    };
    let signer = if mode == Mode::ForeignKey {
        &up.foreign
    } else {
        &up.keys
    };
    let id_token = match mode {
        Mode::MicrosoftTenant | Mode::MicrosoftWrongTenant => {
            let mut payload = serde_json::to_value(&claims).unwrap();
            payload["iss"] = json!(format!("{}/{TENANT}/v2.0", up.base));
            payload["tid"] = json!(if mode == Mode::MicrosoftTenant {
                TENANT
            } else {
                OTHER_TENANT
            });
            signer.sign(&payload).unwrap()
        }
        _ => signer.sign(&claims).unwrap(),
    };
    Json(json!({"access_token": "upstream-access", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}))
        .into_response()
}

async fn start() -> (String, AppState, Arc<Upstream>) {
    let upstream_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", upstream_listener.local_addr().unwrap());
    let upstream = Arc::new(Upstream {
        base: base.clone(),
        keys: Keys::load_or_create(&Store::in_memory().unwrap()).unwrap(),
        foreign: Keys::load_or_create(&Store::in_memory().unwrap()).unwrap(),
        mode: Mutex::new(Mode::Good),
        codes: Mutex::new(HashMap::new()),
        discovery_fetches: std::sync::atomic::AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route(
            "/common/v2.0/.well-known/openid-configuration",
            get(common_discovery),
        )
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(upstream.clone());
    tokio::spawn(async move {
        let _ = axum::serve(upstream_listener, app).await;
    });

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(Config::new(&url), Store::in_memory().unwrap()).unwrap();
    state
        .services
        .store
        .insert_provider(&ProviderRecord {
            id: "oidc-upstream".into(),
            kind: "oidc".into(),
            name: "Upstream".into(),
            issuer: base.clone(),
            client_id: "qf-client".into(),
            client_secret: "qf-secret".into(),
            logout_url_registered: false,
            login_default: false,
            options: Default::default(),
        })
        .unwrap();
    state
        .services
        .store
        .insert_provider(&ProviderRecord {
            id: "entra-common".into(),
            kind: "entra".into(),
            name: "Entra (any tenant)".into(),
            issuer: format!("{base}/common/v2.0"),
            client_id: "qf-client".into(),
            client_secret: "qf-secret".into(),
            logout_url_registered: false,
            login_default: false,
            options: Default::default(),
        })
        .unwrap();
    // A new install requires approval of newcomers; the journeys here are not about it.
    set_approval(&state, false);
    let serving = state.clone();
    tokio::spawn(async move {
        let _ = qufabric_server::serve(listener, serving).await;
    });
    (url, state, upstream)
}

fn set_approval(state: &AppState, required: bool) {
    let store = &state.services.store;
    let mut account = store.account("unused", &Settings::default()).unwrap();
    account.settings.extra.user_approval_required = required;
    store.save_settings(&account.id, &account.settings).unwrap();
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

const VERIFIER: &str = "a-very-long-code-verifier-that-is-at-least-43-characters-long";

/// Walk the round trip; returns the final redirect (to the dashboard) and the upstream
/// callback URL that was used.
async fn round_trip(url: &str) -> (String, String) {
    round_trip_with(url, "oidc-upstream").await
}

/// A browser (cookies kept, redirects read, not followed).
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// The dashboard's authorization request through `connector`.
fn authorize_url(url: &str, connector: &str) -> String {
    oidc::authorize_url(&oidc::AuthorizeRequest {
        authorization_endpoint: &format!("{url}/oauth2/auth"),
        client_id: oidc::DASHBOARD_CLIENT_ID,
        redirect_uri: &format!("{url}/auth/callback"),
        scope: oidc::DASHBOARD_SCOPES,
        state: "dash-state",
        nonce: "dash-nonce",
        code_challenge: &oidc::pkce_challenge(VERIFIER),
        connector_id: Some(connector),
        login_hint: None,
        prompt: None,
    })
}

async fn round_trip_with(url: &str, connector: &str) -> (String, String) {
    let client = browser();
    let authorize = authorize_url(url, connector);
    let to_upstream = client.get(authorize).send().await.unwrap();
    assert_eq!(to_upstream.status(), StatusCode::SEE_OTHER);
    let upstream_authorize = location(&to_upstream);
    assert!(
        upstream_authorize.contains("code_challenge_method=S256"),
        "{upstream_authorize}"
    );
    assert!(
        upstream_authorize.contains("scope=openid"),
        "{upstream_authorize}"
    );
    let back = client.get(&upstream_authorize).send().await.unwrap();
    let callback = location(&back);
    assert!(
        callback.starts_with(&format!("{url}/oauth2/callback")),
        "{callback}"
    );
    let done = client.get(&callback).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    (location(&done), callback)
}

#[tokio::test]
async fn login_hint_and_prompt_go_on_to_the_provider() {
    let (url, _state, _upstream) = start().await;
    let client = browser();
    let authorize = oidc::authorize_url(&oidc::AuthorizeRequest {
        authorization_endpoint: &format!("{url}/oauth2/auth"),
        client_id: oidc::DASHBOARD_CLIENT_ID,
        redirect_uri: &format!("{url}/auth/callback"),
        scope: oidc::DASHBOARD_SCOPES,
        state: "dash-state",
        nonce: "dash-nonce",
        code_challenge: &oidc::pkce_challenge(VERIFIER),
        connector_id: Some("oidc-upstream"),
        login_hint: Some("alice@example.com"),
        prompt: Some("login none"),
    });
    let to_upstream = client.get(authorize).send().await.unwrap();
    let upstream_authorize = location(&to_upstream);
    let query = upstream_authorize.split_once('?').unwrap().1;
    assert_eq!(
        oidc::query_value(query, "login_hint").as_deref(),
        Some("alice@example.com")
    );
    // `login` goes on; `none` does not (QuFabric's own page is already showing).
    assert_eq!(oidc::query_value(query, "prompt").as_deref(), Some("login"));
    // Without them, nothing is added.
    let plain = client
        .get(authorize_url(&url, "oidc-upstream"))
        .send()
        .await
        .unwrap();
    let plain_query = location(&plain).split_once('?').unwrap().1.to_string();
    assert_eq!(oidc::query_value(&plain_query, "login_hint"), None);
    assert_eq!(oidc::query_value(&plain_query, "prompt"), None);
}

#[tokio::test]
async fn a_good_id_token_signs_the_user_in_with_groups() {
    let (url, state, upstream) = start().await;
    let (target, callback) = round_trip(&url).await;
    // One discovery fetch per leg (to the provider, back from it), not one per use.
    assert_eq!(
        upstream
            .discovery_fetches
            .load(std::sync::atomic::Ordering::SeqCst),
        2
    );
    assert!(
        target.starts_with(&format!("{url}/auth/callback?code=")),
        "{target}"
    );
    let query = target.split_once('?').unwrap().1;
    assert_eq!(
        oidc::query_value(query, "state").as_deref(),
        Some("dash-state")
    );
    let user = state
        .services
        .store
        .external_user("oidc-upstream", "upstream-user-1")
        .unwrap()
        .expect("user created");
    assert_eq!(user.role, qufabric_model::Role::User);
    assert_eq!(user.email, "dana@example.com");

    // The dashboard's code carries the upstream groups into the embedded IdP's tokens.
    let code = oidc::query_value(query, "code").unwrap();
    let tokens: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/oauth2/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", &format!("{url}/auth/callback")),
            ("client_id", oidc::DASHBOARD_CLIENT_ID),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let claims = oidc::jwt_claims(tokens["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(claims.groups, vec!["QuFabric".to_string()]);
    assert_eq!(claims.connector_id.as_deref(), Some("oidc-upstream"));

    // Replaying the upstream callback (its state is spent) is refused.
    let replay = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
        .get(&callback)
        .send()
        .await
        .unwrap();
    assert!(
        location(&replay).contains("/login?error=state_mismatch"),
        "{}",
        location(&replay)
    );
}

async fn refused_with(mode: Mode) -> String {
    let (url, state, upstream) = start().await;
    *upstream.mode.lock().unwrap() = mode;
    let (target, _) = round_trip(&url).await;
    assert!(
        target.starts_with(&format!("{url}/login?error=")),
        "{target}"
    );
    assert_no_user(&state);
    target
}

/// A refused person leaves no user row.
fn assert_no_user(state: &AppState) {
    assert!(
        state
            .services
            .store
            .external_user("oidc-upstream", "upstream-user-1")
            .unwrap()
            .is_none(),
        "a refused person leaves no user row"
    );
}

#[tokio::test]
async fn a_refused_scope_has_its_own_code_and_names_the_scopes_asked() {
    let target = refused_with(Mode::InvalidScope).await;
    assert!(target.contains("/login?error=invalid_scope"), "{target}");
    let query = target.split_once('?').unwrap().1;
    let description = oidc::query_value(query, "error_description").unwrap();
    assert!(
        description.contains("(openid profile email)") && description.contains("unknown scope"),
        "{description}"
    );
}

#[tokio::test]
async fn a_wrong_nonce_is_refused() {
    let target = refused_with(Mode::WrongNonce).await;
    assert!(
        target.contains("error=server_error")
            && target.contains("nonce+does+not+belong+to+this+sign-in"),
        "{target}"
    );
}

#[tokio::test]
async fn an_id_token_signed_by_another_key_is_refused() {
    let target = refused_with(Mode::ForeignKey).await;
    assert!(
        target.contains("error=server_error")
            && target.contains("signature+does+not+verify+with+the+provider%27s+published+keys"),
        "{target}"
    );
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    let target = refused_with(Mode::WrongAudience).await;
    assert!(
        target.contains("error=server_error")
            && target.contains("meant+for+another+client+%28audience%29"),
        "{target}"
    );
}

#[tokio::test]
async fn an_unknown_state_is_refused() {
    let (url, _state, _upstream) = start().await;
    let response = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
        .get(format!("{url}/oauth2/callback?code=x&state=forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), format!("{url}/login?error=state_mismatch&error_description=the+answer+from+the+identity+provider+does+not+belong+to+a+sign-in+in+progress"));
}

fn set_allow_list(state: &AppState, allow: &[&str]) {
    let account = state
        .services
        .store
        .account("unused", &Settings::default())
        .unwrap();
    let settings = Settings {
        jwt_groups_enabled: true,
        jwt_groups_claim_name: "groups".into(),
        jwt_allow_groups: allow.iter().map(|name| name.to_string()).collect(),
        ..account.settings
    };
    state
        .services
        .store
        .save_settings(&account.id, &settings)
        .unwrap();
}

#[tokio::test]
async fn outside_the_allow_list_is_refused_at_sign_in_and_from_the_session() {
    let (url, state, _upstream) = start().await;
    set_allow_list(&state, &["Admins"]);
    let (target, _) = round_trip(&url).await;
    assert!(
        target.contains("/login?error=not_in_allowed_group"),
        "{target}"
    );
    let query = target.split_once('?').unwrap().1;
    let description = oidc::query_value(query, "error_description").unwrap();
    assert!(
        description.contains("Admins") && description.contains("QuFabric"),
        "{description}"
    );
    assert_no_user(&state);

    // Allowed: signed in, with an IdP session cookie.
    set_allow_list(&state, &["QuFabric"]);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let authorize = |state_value: &'static str| {
        oidc::authorize_url(&oidc::AuthorizeRequest {
            authorization_endpoint: &format!("{url}/oauth2/auth"),
            client_id: oidc::DASHBOARD_CLIENT_ID,
            redirect_uri: &format!("{url}/auth/callback"),
            scope: oidc::DASHBOARD_SCOPES,
            state: state_value,
            nonce: "n",
            code_challenge: &oidc::pkce_challenge(VERIFIER),
            connector_id: Some("oidc-upstream"),
            login_hint: None,
            prompt: None,
        })
    };
    let to_upstream = client.get(authorize("first")).send().await.unwrap();
    let back = client.get(location(&to_upstream)).send().await.unwrap();
    let done = client.get(location(&back)).send().await.unwrap();
    assert!(
        location(&done).contains("/auth/callback?code="),
        "{}",
        location(&done)
    );
    // The session answers a new request at once while allowed...
    let silent = client.get(authorize("second")).send().await.unwrap();
    assert!(
        location(&silent).contains("/auth/callback?code="),
        "{}",
        location(&silent)
    );
    // ...and applies the allow list again once it changes.
    set_allow_list(&state, &["Admins"]);
    let refused = client.get(authorize("third")).send().await.unwrap();
    assert!(
        location(&refused).contains("error=not_in_allowed_group"),
        "{}",
        location(&refused)
    );
}

#[tokio::test]
async fn a_microsoft_multi_tenant_token_is_checked_against_its_own_tenant() {
    let (url, state, upstream) = start().await;
    *upstream.mode.lock().unwrap() = Mode::MicrosoftTenant;
    let (target, _) = round_trip_with(&url, "entra-common").await;
    assert!(
        target.starts_with(&format!("{url}/auth/callback?code=")),
        "{target}"
    );
    assert!(state
        .services
        .store
        .external_user("entra-common", "upstream-user-1")
        .unwrap()
        .is_some());

    // The same token with a tid that is not the tenant its issuer names.
    *upstream.mode.lock().unwrap() = Mode::MicrosoftWrongTenant;
    let (target, _) = round_trip_with(&url, "entra-common").await;
    assert!(
        target.starts_with(&format!("{url}/login?error=issuer_mismatch")),
        "{target}"
    );
    assert!(target.contains(OTHER_TENANT), "{target}");

    // The template is accepted only for a multi-tenant endpoint: a provider configured
    // with an ordinary issuer that answers with a template is a mismatch.
    *upstream.mode.lock().unwrap() = Mode::MicrosoftTenant;
    let (target, _) = round_trip(&url).await;
    assert!(
        target.contains("error=server_error") || target.contains("error=issuer_mismatch"),
        "{target}"
    );
}

#[tokio::test]
async fn the_providers_answer_only_completes_in_the_browser_that_started_the_sign_in() {
    let (url, state, _upstream) = start().await;
    let starter = browser();
    let authorize = authorize_url(&url, "oidc-upstream");
    let to_upstream = starter.get(authorize).send().await.unwrap();
    let back = starter.get(location(&to_upstream)).send().await.unwrap();
    // The provider's answer lands in another browser (a forged or leaked callback URL).
    let elsewhere = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
        .get(location(&back))
        .send()
        .await
        .unwrap();
    let target = location(&elsewhere);
    assert!(target.contains("/login?error=state_mismatch"), "{target}");
    assert!(state
        .services
        .store
        .external_user("oidc-upstream", "upstream-user-1")
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_refresh_applies_the_allow_list_as_it_is_now() {
    let (url, state, _upstream) = start().await;
    set_allow_list(&state, &["QuFabric"]);
    let (target, _) = round_trip(&url).await;
    let code = oidc::query_value(target.split_once('?').unwrap().1, "code").unwrap();
    let token_request = |form: Vec<(&'static str, String)>| {
        let url = url.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{url}/oauth2/token"))
                .form(&form)
                .send()
                .await
                .unwrap()
        }
    };
    let tokens: serde_json::Value = token_request(vec![
        ("grant_type", "authorization_code".into()),
        ("code", code),
        ("redirect_uri", format!("{url}/auth/callback")),
        ("client_id", oidc::DASHBOARD_CLIENT_ID.into()),
        ("code_verifier", VERIFIER.into()),
    ])
    .await
    .json()
    .await
    .unwrap();
    let refresh = |token: &str| {
        token_request(vec![
            ("grant_type", "refresh_token".into()),
            ("refresh_token", token.to_string()),
            ("client_id", oidc::DASHBOARD_CLIENT_ID.into()),
        ])
    };
    let renewed = refresh(tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(renewed.status(), StatusCode::OK);
    let renewed: serde_json::Value = renewed.json().await.unwrap();
    let claims = oidc::jwt_claims(renewed["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(claims.groups, vec!["QuFabric".to_string()]);

    // The administrator narrows the allow list: the next refresh is refused.
    set_allow_list(&state, &["Admins"]);
    let refused = refresh(renewed["refresh_token"].as_str().unwrap()).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
}

/// A test sign-in: the real round trip with `prompt=login`, verified like a sign-in, ends
/// on a QuFabric page with a report and nothing else: no user, no session, no cookie; the
/// id starts one round trip only.
#[tokio::test]
async fn a_test_sign_in_reports_claims_and_creates_no_user_or_session() {
    let (url, state, _upstream) = start().await;
    let services = &state.services;
    let id = qufabric_server::idp::create_test(services, "oidc-upstream").unwrap();
    let waiting = qufabric_server::idp::test_report(services, &id).unwrap();
    assert_eq!(
        waiting.status,
        qufabric_model::test_sign_in::TestStatus::Waiting
    );

    let client = browser();
    let start_url = format!(
        "{url}/oauth2/test-sign-in?{}",
        oidc::form_body(&[("id", &id)])
    );
    let to_upstream = client.get(&start_url).send().await.unwrap();
    let upstream_authorize = location(&to_upstream);
    assert!(
        upstream_authorize.contains("prompt=login"),
        "{upstream_authorize}"
    );
    let back = client.get(&upstream_authorize).send().await.unwrap();
    let done = client.get(location(&back)).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.headers().get("set-cookie").is_none());
    assert!(done.text().await.unwrap().contains("Test sign-in finished"));

    let report = qufabric_server::idp::test_report(services, &id).unwrap();
    assert_eq!(
        report.status,
        qufabric_model::test_sign_in::TestStatus::Done
    );
    let claim = |name: &str| {
        report
            .id_token_claims
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.value.as_ref().map(|v| v.json().to_string()))
    };
    assert_eq!(claim("groups"), Some(Some(r#"["QuFabric"]"#.to_string())));
    assert_eq!(
        claim("nonce"),
        Some(None),
        "the nonce's value is never shown"
    );
    assert!(report.userinfo_error.is_some(), "the stub has no userinfo");
    assert!(report.requested_scopes.iter().any(|s| s == "openid"));
    assert!(services
        .store
        .external_user("oidc-upstream", "upstream-user-1")
        .unwrap()
        .is_none());
    assert!(services.store.users().unwrap().is_empty());

    // One round trip per id.
    let again = client.get(&start_url).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert!(qufabric_server::idp::test_report(services, "not-an-id").is_none());
}

#[tokio::test]
async fn a_newcomer_waits_for_approval_then_gets_in_and_a_rejected_one_waits_again() {
    let (url, state, _upstream) = start().await;
    set_approval(&state, true);
    let store = &state.services.store;
    // First sign-in: refused with its own code, and stored waiting (blocked).
    let (target, _) = round_trip(&url).await;
    assert!(target.contains("/login?error=pending_approval"), "{target}");
    let waiting = store
        .external_user("oidc-upstream", "upstream-user-1")
        .unwrap()
        .expect("the newcomer is stored");
    assert!(waiting.pending_approval && waiting.is_blocked);
    // Rejected: gone; the next sign-in makes a new row that waits again.
    assert!(store.reject_user(&waiting.id).unwrap());
    assert_no_user(&state);
    let (target, _) = round_trip(&url).await;
    assert!(target.contains("/login?error=pending_approval"), "{target}");
    let again = store
        .external_user("oidc-upstream", "upstream-user-1")
        .unwrap()
        .expect("waiting again");
    assert_ne!(again.id, waiting.id);
    // Approved: the next sign-in completes; someone who does not wait cannot be approved.
    assert!(store.approve_user(&again.id).unwrap());
    assert!(!store.approve_user(&again.id).unwrap());
    let (target, _) = round_trip(&url).await;
    assert!(
        target.starts_with(&format!("{url}/auth/callback?code=")),
        "{target}"
    );
    let user = store
        .external_user("oidc-upstream", "upstream-user-1")
        .unwrap()
        .unwrap();
    assert!(!user.pending_approval && !user.is_blocked);
}
