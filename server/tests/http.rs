//! The reference server over real HTTP: first run, sign-in through the embedded IdP with a
//! cookie-keeping client, tokens and refresh, the authz matrix with users of every role
//! seeded in the store, replace semantics of account settings, persistence across a
//! restart, the Content-Security-Policy and the fault switch.

use reqwest::redirect::Policy;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::path::Path;

use qufabric_model::oidc::{self, Audience, TokenClaims};
use qufabric_model::Role;
use qufabric_server::routes::{Access, API_ROUTES};
use qufabric_server::store::{now_unix, Store, UserRecord};
use qufabric_server::{AppState, Config};

const VERIFIER: &str = "a-very-long-code-verifier-that-is-at-least-43-characters-long";
const OWNER_EMAIL: &str = "owner@example.com";
const OWNER_PASSWORD: &str = "Correct horse battery 9";

struct TestServer {
    url: String,
    state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start_with(data_dir: Option<&Path>, tweak: impl FnOnce(&mut Config)) -> TestServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut config = Config::new(&url);
    tweak(&mut config);
    let store = match data_dir {
        Some(dir) => Store::open(dir).unwrap(),
        None => Store::in_memory().unwrap(),
    };
    let state = AppState::new(config, store).unwrap();
    let serving = state.clone();
    let task = tokio::spawn(async move {
        let _ = qufabric_server::serve(listener, serving).await;
    });
    TestServer { url, state, task }
}

async fn start() -> TestServer {
    start_with(None, |_| {}).await
}

/// A browser-like client: keeps cookies, does not follow redirects (we read them).
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn setup_owner(server: &TestServer) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/setup", server.url))
        .json(&json!({"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "name": "Olivia"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

fn authorize_url(server: &TestServer, redirect_uri: &str, state: &str, nonce: &str) -> String {
    oidc::authorize_url(&oidc::AuthorizeRequest {
        authorization_endpoint: &format!("{}/oauth2/auth", server.url),
        client_id: oidc::DASHBOARD_CLIENT_ID,
        redirect_uri,
        scope: oidc::DASHBOARD_SCOPES,
        state,
        nonce,
        code_challenge: &oidc::pkce_challenge(VERIFIER),
        connector_id: Some("local"),
        login_hint: None,
        prompt: None,
    })
}

fn callback(server: &TestServer) -> String {
    format!("{}/auth/callback", server.url)
}

#[tokio::test]
async fn a_login_hint_fills_in_the_email() {
    let server = start().await;
    setup_owner(&server).await;
    let url =
        authorize_url(&server, &callback(&server), "s", "n") + "&login_hint=ivy%40example.com";
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(page.contains("value=\"ivy@example.com\""), "{page}");
}

/// The `req` hidden field of the login page.
fn request_id(html: &str) -> String {
    let marker = "name=\"req\" value=\"";
    let start = html.find(marker).expect("login page has the request id") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Sign in as the owner with email and password; returns the redirect.
async fn sign_in(
    server: &TestServer,
    client: &reqwest::Client,
    password: &str,
) -> reqwest::Response {
    sign_in_as(server, client, OWNER_EMAIL, password).await
}

/// Sign in with email and password; returns the redirect.
async fn sign_in_as(
    server: &TestServer,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let page = client
        .get(authorize_url(
            server,
            &callback(server),
            "state-1",
            "nonce-1",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    client
        .post(format!("{}/oauth2/login", server.url))
        .form(&[
            ("req", request_id(&html).as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

async fn exchange(server: &TestServer, code: &str, verifier: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/oauth2/token", server.url))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &callback(server)),
            ("client_id", oidc::DASHBOARD_CLIENT_ID),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
}

async fn owner_tokens(server: &TestServer) -> Value {
    let client = browser();
    let redirect = sign_in(server, &client, OWNER_PASSWORD).await;
    let code = oidc::query_value(location(&redirect).split_once('?').unwrap().1, "code").unwrap();
    exchange(server, &code, VERIFIER)
        .await
        .json()
        .await
        .unwrap()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[tokio::test]
async fn first_run_setup_then_412() {
    let server = start().await;
    let client = reqwest::Client::new();
    let instance: Value = client
        .get(format!("{}/api/instance", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(instance["setup_required"], true);
    assert_eq!(instance["login_providers"], json!([]));
    assert_eq!(instance["local_auth_disabled"], false);
    assert_eq!(
        instance["redirect_url"],
        format!("{}/oauth2/callback", server.url)
    );
    assert_eq!(
        instance["logout_url"],
        format!("{}/oauth2/logout/callback", server.url)
    );

    let bad = client
        .post(format!("{}/api/setup", server.url))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(
        body,
        json!({"message": "couldn't parse JSON request", "code": 400})
    );

    let short = client
        .post(format!("{}/api/setup", server.url))
        .json(&json!({"email": OWNER_EMAIL, "password": "short", "name": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);

    setup_owner(&server).await;
    let again = client
        .post(format!("{}/api/setup", server.url))
        .json(&json!({"email": "other@example.com", "password": OWNER_PASSWORD, "name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::PRECONDITION_FAILED);
    let instance: Value = client
        .get(format!("{}/api/instance", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(instance["setup_required"], false);
}

#[tokio::test]
async fn setup_pat_only_when_enabled() {
    let server = start_with(None, |c| c.setup_pat_enabled = true).await;
    let client = reqwest::Client::new();
    let created: Value = client
        .post(format!("{}/api/setup", server.url))
        .json(&json!({"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "name": "O", "create_pat": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pat = created["personal_access_token"].as_str().expect("a PAT");
    let me: Value = client
        .get(format!("{}/api/users/current", server.url))
        .header("Authorization", format!("Token {pat}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "owner");
    assert_eq!(
        me["permissions"]["modules"]["identity_providers"]["create"],
        true
    );

    let disabled = start().await;
    let created: Value = client
        .post(format!("{}/api/setup", disabled.url))
        .json(&json!({"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "name": "O", "create_pat": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(created.get("personal_access_token").is_none());
}

#[tokio::test]
async fn email_sign_in_code_exchange_refresh_and_sign_out() {
    let server = start().await;
    setup_owner(&server).await;
    let client = browser();

    let redirect = sign_in(&server, &client, OWNER_PASSWORD).await;
    assert_eq!(redirect.status(), StatusCode::SEE_OTHER);
    let set_cookie = redirect
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    let target = location(&redirect);
    assert!(target.starts_with(&callback(&server)), "{target}");
    let query = target.split_once('?').unwrap().1;
    assert_eq!(
        oidc::query_value(query, "state").as_deref(),
        Some("state-1")
    );
    let code = oidc::query_value(query, "code").unwrap();

    // A wrong verifier is refused, and that consumed the code.
    let wrong = exchange(&server, &code, &"x".repeat(43)).await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    let redirect = sign_in_again(&server, &client).await;
    let code = oidc::query_value(location(&redirect).split_once('?').unwrap().1, "code").unwrap();

    let tokens: Value = exchange(&server, &code, VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let id_claims = oidc::jwt_claims(tokens["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(id_claims.nonce.as_deref(), Some("nonce-1"));
    assert_eq!(id_claims.iss, format!("{}/oauth2", server.url));
    assert!(id_claims.aud.contains(oidc::DASHBOARD_CLIENT_ID));
    assert_eq!(id_claims.email.as_deref(), Some(OWNER_EMAIL));

    // A replayed code is refused (and revokes what it issued: a new sign-in follows).
    let replay = exchange(&server, &code, VERIFIER).await;
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    let body: Value = replay.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    let redirect = sign_in_again(&server, &client).await;
    let code = oidc::query_value(location(&redirect).split_once('?').unwrap().1, "code").unwrap();
    let tokens: Value = exchange(&server, &code, VERIFIER)
        .await
        .json()
        .await
        .unwrap();

    let access = tokens["access_token"].as_str().unwrap();
    let me: Value = reqwest::Client::new()
        .get(format!("{}/api/users/current", server.url))
        .header("Authorization", bearer(access))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], OWNER_EMAIL);
    assert_eq!(me["role"], "owner");
    assert!(me.get("idp_id").is_none());

    // Refresh rotates (the old token presented again is reuse: see
    // a_spent_refresh_token_presented_again_revokes_its_family_and_the_session).
    let refresh = |token: String| {
        let url = format!("{}/oauth2/token", server.url);
        async move {
            reqwest::Client::new()
                .post(url)
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &token),
                    ("client_id", oidc::DASHBOARD_CLIENT_ID),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let old_refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    let renewed = refresh(old_refresh).await;
    assert_eq!(renewed.status(), StatusCode::OK);
    let renewed: Value = renewed.json().await.unwrap();
    assert!(renewed["access_token"].is_string());

    // The IdP session answers a new authorization at once (a new tab signs in silently).
    let silent = client
        .get(authorize_url(
            &server,
            &callback(&server),
            "state-2",
            "nonce-2",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(silent.status(), StatusCode::SEE_OTHER);
    assert!(location(&silent).contains("code="));

    // Sign-out ends the IdP session and its refresh tokens, and returns to /login.
    let logout = client
        .get(format!(
            "{}/oauth2/logout?{}",
            server.url,
            oidc::form_body(&[
                ("post_logout_redirect_uri", &format!("{}/login", server.url)),
                ("id_token_hint", tokens["id_token"].as_str().unwrap()),
            ])
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&logout), format!("{}/login", server.url));
    assert_eq!(
        refresh(renewed["refresh_token"].as_str().unwrap().to_string())
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    let after = client
        .get(authorize_url(
            &server,
            &callback(&server),
            "state-3",
            "nonce-3",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        StatusCode::OK,
        "the login page again, not a silent sign-in"
    );

    // A post-logout URI outside the allowed ones is not followed.
    let elsewhere = client
        .get(format!(
            "{}/oauth2/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2Flogin&{}",
            server.url,
            oidc::form_body(&[("id_token_hint", tokens["id_token"].as_str().unwrap())])
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&elsewhere), "/signed-out");
}

/// The owner signed in by email: the browser (holding the IdP session cookie) and the
/// tokens of the code exchange.
async fn signed_in_browser(server: &TestServer) -> (reqwest::Client, Value) {
    let client = browser();
    let redirect = sign_in(server, &client, OWNER_PASSWORD).await;
    let code = oidc::query_value(location(&redirect).split_once('?').unwrap().1, "code").unwrap();
    let tokens = exchange(server, &code, VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    (client, tokens)
}

/// What the dashboard sends to sign out.
async fn post_sign_out(
    server: &TestServer,
    client: &reqwest::Client,
    client_id: &str,
    refresh_token: &str,
) -> reqwest::Response {
    client
        .post(format!("{}/oauth2/sign-out", server.url))
        .form(&[("client_id", client_id), ("refresh_token", refresh_token)])
        .send()
        .await
        .unwrap()
}

/// Whether `client` is answered from an IdP session (a redirect with a code) rather than
/// shown the login page.
async fn signs_in_silently(server: &TestServer, client: &reqwest::Client) -> bool {
    let again = client
        .get(authorize_url(server, &callback(server), "s-9", "n-9"))
        .send()
        .await
        .unwrap();
    again.status() == StatusCode::SEE_OTHER
}

#[tokio::test]
async fn the_page_posts_sign_out_and_the_whole_session_ends() {
    let server = start().await;
    setup_owner(&server).await;
    let (client, tokens) = signed_in_browser(&server).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap().to_string();
    assert!(signs_in_silently(&server, &client).await);

    // Another client is refused and ends nothing.
    let foreign = post_sign_out(&server, &browser(), "someone-else", &refresh_token).await;
    assert_eq!(foreign.status(), StatusCode::UNAUTHORIZED);
    assert!(signs_in_silently(&server, &client).await);

    // The page's POST, from the browser that holds the IdP session cookie.
    let ended = post_sign_out(&server, &client, oidc::DASHBOARD_CLIENT_ID, &refresh_token).await;
    assert_eq!(ended.status(), StatusCode::OK);
    assert_eq!(ended.headers()["cache-control"], "no-store");
    let cookie = ended.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("qf_idp_session=;") && cookie.contains("Max-Age=0"),
        "{cookie}"
    );
    let body: Value = ended.json().await.unwrap();
    assert_eq!(
        body["provider"],
        Value::Null,
        "an email session has no provider"
    );

    // The refresh token is refused, and the IdP no longer signs in silently.
    let refused = reqwest::Client::new()
        .post(format!("{}/oauth2/token", server.url))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.as_str()),
            ("client_id", oidc::DASHBOARD_CLIENT_ID),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(!signs_in_silently(&server, &client).await);
}

#[tokio::test]
async fn sign_out_by_refresh_token_alone_ends_the_session_of_another_origin() {
    // The page may sit on another origin than the IdP cookie (loopback in --dev): the
    // refresh token names the session.
    let server = start().await;
    setup_owner(&server).await;
    let (client, tokens) = signed_in_browser(&server).await;
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let without_cookie = reqwest::Client::new();
    let ended = post_sign_out(
        &server,
        &without_cookie,
        oidc::DASHBOARD_CLIENT_ID,
        refresh_token,
    )
    .await;
    assert_eq!(ended.status(), StatusCode::OK);
    assert!(
        !signs_in_silently(&server, &client).await,
        "the cookie's session ended too"
    );
}

#[tokio::test]
async fn the_page_learns_the_issuer_and_whether_its_origin_may_sign_in() {
    let strict = start_with(None, |c| c.public_url = "https://qufabric.invalid".into()).await;
    let dev = start_with(None, |c| {
        c.public_url = "https://qufabric.invalid".into();
        c.dev = true;
    })
    .await;
    for (server, allowed) in [(&strict, false), (&dev, true)] {
        let instance: Value = reqwest::get(format!(
            "{}/api/instance?origin={}",
            server.url,
            oidc::form_body(&[("x", &server.url)]).trim_start_matches("x=")
        ))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        assert_eq!(instance["issuer"], "https://qufabric.invalid/oauth2");
        assert_eq!(instance["sign_in_allowed"], allowed, "{}", server.url);
        assert_eq!(
            instance["redirect_url"],
            "https://qufabric.invalid/oauth2/callback"
        );
        // The public origin itself may always sign in.
        let public: Value = reqwest::get(format!(
            "{}/api/instance?origin=https%3A%2F%2Fqufabric.invalid",
            server.url
        ))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        assert_eq!(public["sign_in_allowed"], true);
        // The authorize endpoint applies the same rule.
        let page = browser()
            .get(authorize_url(server, &callback(server), "s", "n"))
            .send()
            .await
            .unwrap();
        let expected = if allowed {
            StatusCode::OK
        } else {
            StatusCode::BAD_REQUEST
        };
        assert_eq!(page.status(), expected, "{}", server.url);
    }
}

#[tokio::test]
async fn an_external_sign_in_started_on_another_origin_moves_to_the_public_one() {
    let server = start_with(None, |c| {
        c.public_url = c.public_url.replace("127.0.0.1", "localhost");
    })
    .await;
    let public = server.state.services.config.public_url.clone();
    let external = authorize_url(&server, &callback(&server), "s", "n")
        .replace("connector_id=local", "connector_id=pocketid-abc");
    assert!(external.contains("connector_id=pocketid-abc"), "{external}");
    let moved = browser().get(&external).send().await.unwrap();
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    let target = location(&moved);
    assert_eq!(
        target,
        format!(
            "{public}/oauth2/auth?{}&moved_to_public_origin=1",
            external.split_once('?').unwrap().1
        )
    );
    // A proxy that rewrites Host would bring it back looking like another origin again:
    // it is moved once, never in a loop.
    let again = browser()
        .get(target.replace("localhost", "127.0.0.1"))
        .send()
        .await
        .unwrap();
    assert!(
        !location(&again).contains("/oauth2/auth?"),
        "not redirected to the public origin a second time: {}",
        location(&again)
    );
    // Email sign-in stays on the page's own origin.
    let email = browser()
        .get(authorize_url(&server, &callback(&server), "s", "n"))
        .send()
        .await
        .unwrap();
    assert_eq!(email.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_dashboard_is_sent_compressed_and_hashed_files_are_immutable() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<html></html>").unwrap();
    let wasm: Vec<u8> = b"\0asm".iter().copied().cycle().take(40_000).collect();
    let name = "qufabric-dashboard-0123456789abcdef_bg.wasm";
    std::fs::write(dist.path().join(name), &wasm).unwrap();
    let dist_path = dist.path().to_path_buf();
    let server = start_with(None, move |c| c.dist = Some(dist_path)).await;
    server.state.assets.compress_all();
    let client = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap();
    for (accept, coding) in [
        ("gzip, deflate, br", Some("br")),
        ("gzip", Some("gzip")),
        ("identity", None),
    ] {
        let response = client
            .get(format!("{}/{name}", server.url))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        assert_eq!(
            headers.get("content-encoding").map(|v| v.to_str().unwrap()),
            coding,
            "{accept}"
        );
        assert_eq!(headers["vary"], "accept-encoding");
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(headers["content-type"], "application/wasm");
        let body = response.bytes().await.unwrap();
        if coding.is_some() {
            assert!(
                body.len() < wasm.len() / 10,
                "{accept}: {} bytes",
                body.len()
            );
        } else {
            assert_eq!(body.as_ref(), &wasm[..]);
        }
    }
}

async fn sign_in_again(server: &TestServer, client: &reqwest::Client) -> reqwest::Response {
    // The IdP session from the first sign-in answers at once.
    let response = client
        .get(authorize_url(
            server,
            &callback(server),
            "state-1",
            "nonce-1",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response
}

#[tokio::test]
async fn wrong_passwords_are_refused_then_slowed_down() {
    let server = start().await;
    setup_owner(&server).await;
    let client = browser();
    let first = sign_in(&server, &client, "wrong password").await;
    assert_eq!(first.status(), StatusCode::UNAUTHORIZED);
    assert!(first
        .text()
        .await
        .unwrap()
        .contains("Wrong email or password."));
    for _ in 1..5 {
        sign_in(&server, &client, "wrong password").await;
    }
    let locked = sign_in(&server, &client, OWNER_PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers().get("retry-after").is_some());
}

#[tokio::test]
async fn redirect_uris_outside_the_allowed_ones_are_refused_without_redirect() {
    let server = start().await;
    let client = browser();
    for redirect in [
        "https://evil.example/auth/callback".to_string(),
        format!("{}/auth/callback?x=1", server.url),
        format!("{}/elsewhere", server.url),
    ] {
        let response = client
            .get(authorize_url(&server, &redirect, "s", "n"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{redirect}");
        assert!(response.headers().get("location").is_none());
    }
    // Loopback on any port is allowed for development and tests.
    let dev = client
        .get(authorize_url(
            &server,
            "http://localhost:5999/auth/callback",
            "s",
            "n",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(dev.status(), StatusCode::OK);
    // No PKCE: refused back to the (valid) redirect URI.
    let no_pkce = client
        .get(format!(
            "{}/oauth2/auth?client_id=qufabric-dashboard&redirect_uri={}&response_type=code&scope=openid&state=s&nonce=n",
            server.url,
            oidc::form_body(&[("x", &callback(&server))]).trim_start_matches("x=")
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(no_pkce.status(), StatusCode::SEE_OTHER);
    assert!(location(&no_pkce).contains("error=invalid_request"));
}

fn seed(store: &Store, id: &str, role: Role) {
    store
        .insert_user(&UserRecord {
            id: id.into(),
            email: format!("{id}@example.com"),
            name: id.into(),
            password_hash: None,
            role,
            auto_groups: vec![],
            idp_id: Some("pocketid-test".into()),
            idp_subject: Some(id.into()),
            is_blocked: false,
            pending_approval: false,
            role_source: Default::default(),
            last_login: None,
        })
        .unwrap();
}

fn token_for(server: &TestServer, sub: &str, exp: i64) -> String {
    server
        .state
        .services
        .keys
        .sign_access_token(&TokenClaims {
            iss: server.state.services.config.issuer(),
            sub: sub.into(),
            aud: Audience::One(oidc::DASHBOARD_CLIENT_ID.into()),
            exp,
            iat: now_unix(),
            ..Default::default()
        })
        .unwrap()
}

#[tokio::test]
async fn authz_matrix_for_every_role() {
    let server = start().await;
    setup_owner(&server).await;
    for (id, role) in [
        ("the-admin", Role::Admin),
        ("the-auditor", Role::Auditor),
        ("the-user", Role::User),
    ] {
        seed(&server.state.services.store, id, role);
    }
    let owner_id = server
        .state
        .services
        .store
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.role == Role::Owner)
        .unwrap()
        .id;
    let account_id = server
        .state
        .services
        .store
        .account("unused", &serde_json::Map::new())
        .unwrap()
        .id;
    let client = reqwest::Client::new();
    let exp = now_unix() + 600;

    // Every route of the table, with a caller of every role: the router is built from the
    // same table, so a route added without a rule, or a handler whose extractor does not
    // match its rule, fails here.
    let mut table = Vec::new();
    let mut exercised = 0;
    // The owner's personal access token too: what scripts and host pages use.
    let pat = "nbp_the-owners-token-for-the-matrix";
    server
        .state
        .services
        .store
        .insert_pat("pat-1", &owner_id, &qufabric_server::hash_secret(pat), exp)
        .unwrap();
    for (caller, authorization) in [
        ("nobody", None),
        ("user", Some(bearer(&token_for(&server, "the-user", exp)))),
        (
            "auditor",
            Some(bearer(&token_for(&server, "the-auditor", exp))),
        ),
        ("admin", Some(bearer(&token_for(&server, "the-admin", exp)))),
        ("owner", Some(bearer(&token_for(&server, &owner_id, exp)))),
        ("pat", Some(format!("Token {pat}"))),
    ] {
        for route in API_ROUTES {
            let path = route
                .path
                .replace("/api/users/{id}", "/api/users/the-user")
                .replace("/api/accounts/{id}", &format!("/api/accounts/{account_id}"))
                .replace("{invite}", "no-such-invite")
                .replace("{id}", "no-such-provider");
            assert!(
                !path.contains('{'),
                "a parameter of {} has no value",
                route.path
            );
            let body = match (route.method, route.path) {
                ("PUT", "/api/users/{id}") => {
                    json!({"role": "user", "auto_groups": [], "is_blocked": false})
                }
                ("PUT", "/api/accounts/{id}") => json!({"settings": {"jwt_groups_enabled": false}}),
                ("POST", "/api/groups") => json!({"name": format!("made by {caller}")}),
                ("POST", "/api/identity-providers/check-issuer") => {
                    json!({"type": "oidc", "issuer": "http://127.0.0.1:9"})
                }
                _ => json!({}),
            };
            let mut request = client.request(
                route.method.parse().unwrap(),
                format!("{}{path}", server.url),
            );
            if let Some(authorization) = &authorization {
                request = request.header("Authorization", authorization);
            }
            if route.method != "GET" {
                request = request.json(&body);
            }
            let status = request.send().await.unwrap().status();
            let refused = match (route.access, caller) {
                (Access::Public, _) => None,
                (_, "nobody") => Some(StatusCode::UNAUTHORIZED),
                (Access::SignedIn, _) => None,
                (Access::Read, "user") => Some(StatusCode::FORBIDDEN),
                (Access::Read, _) => None,
                (Access::Write, "user" | "auditor") => Some(StatusCode::FORBIDDEN),
                (Access::Write, _) => None,
                (Access::Owner, "user" | "auditor" | "admin") => Some(StatusCode::FORBIDDEN),
                (Access::Owner, _) => None,
            };
            table.push(format!("{caller:8} {:6} {path:48} {status}", route.method));
            match refused {
                Some(expected) => assert_eq!(status, expected, "{caller} {} {path}", route.method),
                None => assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "{caller} {} {path} was refused: {status}",
                    route.method
                ),
            }
            exercised += 1;
        }
    }
    println!("{}", table.join("\n"));
    assert_eq!(exercised, API_ROUTES.len() * 6);
}

#[tokio::test]
async fn expired_and_foreign_tokens_get_the_real_messages() {
    let server = start().await;
    setup_owner(&server).await;
    let owner_id = server.state.services.store.users().unwrap()[0].id.clone();
    let client = reqwest::Client::new();
    let check = |token: String, message: &'static str| {
        let request = client
            .get(format!("{}/api/users", server.url))
            .header("Authorization", bearer(&token));
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            let body: Value = response.json().await.unwrap();
            assert_eq!(body, json!({"message": message, "code": 401}));
        }
    };
    check(
        token_for(&server, &owner_id, now_unix() - 120),
        "token expired",
    )
    .await;
    let other = start().await;
    check(
        token_for(&other, &owner_id, now_unix() + 120),
        "token invalid",
    )
    .await;
    check("not.a.jwt".into(), "token invalid").await;
    let none = client
        .get(format!("{}/api/users", server.url))
        .send()
        .await
        .unwrap();
    let body: Value = none.json().await.unwrap();
    assert_eq!(body["message"], "no valid authentication provided");
}

#[tokio::test]
async fn account_put_replaces_the_whole_settings_object() {
    let server = start().await;
    setup_owner(&server).await;
    let tokens = owner_tokens(&server).await;
    let auth = bearer(tokens["access_token"].as_str().unwrap());
    let client = reqwest::Client::new();
    let accounts: Value = client
        .get(format!("{}/api/accounts", server.url))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let account = &accounts[0];
    let id = account["id"].as_str().unwrap();
    assert_eq!(account["settings"]["peer_login_expiration"], 86400);
    assert_eq!(account["settings"]["embedded_idp_enabled"], true);

    // Everything sent back with one change: only that changes.
    let mut settings = account["settings"].clone();
    settings["jwt_groups_enabled"] = json!(true);
    settings["jwt_groups_claim_name"] = json!("groups");
    settings["peer_login_expiration"] = json!(3600);
    settings["some_future_field"] = json!("ignored");
    settings["local_auth_disabled"] = json!(true);
    let updated: Value = client
        .put(format!("{}/api/accounts/{id}", server.url))
        .header("Authorization", &auth)
        .json(&json!({"settings": settings}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(updated["settings"]["jwt_groups_enabled"], true);
    assert_eq!(updated["settings"]["peer_login_expiration"], 3600);
    // A field this server does not know (a newer dashboard's) is kept as sent.
    assert!(updated["settings"].get("some_future_field").is_some());
    assert_eq!(
        updated["settings"]["local_auth_disabled"], false,
        "read-only: the server's own"
    );

    // A body with one field resets everything else: the trap the dashboard must avoid.
    let reset: Value = client
        .put(format!("{}/api/accounts/{id}", server.url))
        .header("Authorization", &auth)
        .json(&json!({"settings": {"jwt_groups_enabled": true}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reset["settings"]["peer_login_expiration"], 86400);
    assert_eq!(reset["settings"]["jwt_groups_claim_name"], "");

    let spaces = client
        .put(format!("{}/api/accounts/{id}", server.url))
        .header("Authorization", &auth)
        .json(&json!({"settings": {"jwt_groups_claim_name": "my groups"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(spaces.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let malformed = client
        .put(format!("{}/api/accounts/{id}", server.url))
        .header("Authorization", &auth)
        .header("content-type", "application/json")
        .body("{\"settings\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn owner_and_signing_key_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let first = start_with(Some(dir.path()), |_| {}).await;
    setup_owner(&first).await;
    let tokens = owner_tokens(&first).await;
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let issuer = first.state.services.config.issuer();
    drop(first);

    // Same data folder, same public URL (the issuer is part of the token).
    let second = start_with(Some(dir.path()), |_| {}).await;
    let second_issuer = second.state.services.config.issuer();
    let instance: Value = reqwest::get(format!("{}/api/instance", second.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(instance["setup_required"], false);
    // The key is the same: a token signed before verifies after (issuer permitting).
    let claims = second
        .state
        .services
        .keys
        .verify(&access, &issuer, oidc::DASHBOARD_CLIENT_ID);
    assert!(
        claims.is_ok(),
        "token from before the restart verifies ({issuer} vs {second_issuer})"
    );
}

#[tokio::test]
async fn dashboard_is_served_with_a_strict_csp_and_routes_fall_back_to_index() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<html><script type=\"module\">import init from '/app.js'; init();</script></html>",
    )
    .unwrap();
    std::fs::write(
        dist.path().join("app.js"),
        "export default function init() {}",
    )
    .unwrap();
    let dist_path = dist.path().to_path_buf();
    let server = start_with(None, move |c| c.dist = Some(dist_path)).await;
    for path in [
        "/",
        "/settings/groups",
        "/settings/identity-providers/pocketid-x",
        "/auth/callback?code=1",
    ] {
        let response = reqwest::get(format!("{}{path}", server.url)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            csp.contains("'wasm-unsafe-eval'")
                && csp.contains("'sha256-")
                && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert!(response.text().await.unwrap().contains("import init"));
    }
    let js = reqwest::get(format!("{}/app.js", server.url))
        .await
        .unwrap();
    assert!(js.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let api = reqwest::get(format!("{}/api/unknown", server.url))
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert!(api.headers().contains_key("content-security-policy"));
    let escape = reqwest::get(format!("{}/..%2F..%2Fetc%2Fpasswd", server.url))
        .await
        .unwrap();
    assert!(!escape.text().await.unwrap().contains("root:"));
}

#[tokio::test]
async fn fault_switch_fails_before_or_after_the_handler() {
    let server = start_with(None, |c| c.faults_enabled = true).await;
    setup_owner(&server).await;
    let tokens = owner_tokens(&server).await;
    let auth = bearer(tokens["access_token"].as_str().unwrap());
    let client = reqwest::Client::new();
    let arm = |rule: Value| {
        let request = client
            .post(format!("{}/__test__/faults", server.url))
            .json(&rule);
        async move {
            assert_eq!(
                request.send().await.unwrap().status(),
                StatusCode::NO_CONTENT
            )
        }
    };

    arm(json!({"method": "GET", "path": "/api/groups", "phase": "before", "kind": "status", "status": 500})).await;
    let failed = client
        .get(format!("{}/api/groups", server.url))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let ok = client
        .get(format!("{}/api/groups", server.url))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK, "the rule fired once");

    arm(json!({"path": "/api/groups", "phase": "before", "kind": "malformed"})).await;
    let malformed = client
        .get(format!("{}/api/groups", server.url))
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert!(serde_json::from_str::<Value>(&malformed.text().await.unwrap()).is_err());

    // After commit, the answer is lost but the change is made.
    let account_id = server
        .state
        .services
        .store
        .account("unused", &serde_json::Map::new())
        .unwrap()
        .id;
    arm(json!({"method": "PUT", "path": "/api/accounts/*", "phase": "after", "kind": "drop"}))
        .await;
    let lost = client
        .put(format!("{}/api/accounts/{account_id}", server.url))
        .header("Authorization", &auth)
        .json(&json!({"settings": {"jwt_groups_enabled": true, "jwt_groups_claim_name": "groups"}}))
        .send()
        .await;
    let lost_body = match lost {
        Ok(response) => response.text().await.ok(),
        Err(_) => None,
    };
    assert!(
        lost_body.is_none_or(|b| serde_json::from_str::<Value>(&b).is_err()),
        "no usable answer"
    );
    let account = server
        .state
        .services
        .store
        .account("unused", &serde_json::Map::new())
        .unwrap();
    assert_eq!(
        account.settings["jwt_groups_claim_name"], "groups",
        "committed"
    );

    // Without the flag the switch does not exist.
    let plain = start().await;
    let refused = client
        .post(format!("{}/__test__/faults", plain.url))
        .json(&json!({"path": "/api/groups", "phase": "before", "kind": "drop"}))
        .send()
        .await
        .unwrap();
    assert_ne!(refused.status(), StatusCode::NO_CONTENT);
}

/// Email sign-in with the given extra headers on every request; returns the IdP session
/// cookie as set.
async fn session_cookie_through(server: &TestServer, headers: &[(&str, &str)]) -> String {
    let client = browser();
    let with_headers = |mut request: reqwest::RequestBuilder| {
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request
    };
    let page = with_headers(client.get(authorize_url(
        server,
        "https://qufabric.example.com/auth/callback",
        "s",
        "n",
    )))
    .send()
    .await
    .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let signed_in = with_headers(client.post(format!("{}/oauth2/login", server.url)))
        .form(&[
            ("req", request_id(&html).as_str()),
            ("email", OWNER_EMAIL),
            ("password", OWNER_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn forwarded_headers_count_only_from_a_trusted_proxy() {
    let forwarded = [
        ("host", "qufabric.example.com"),
        ("x-forwarded-proto", "https"),
        ("x-forwarded-for", "203.0.113.9"),
    ];
    // Behind a declared TLS-terminating proxy the browser came over https: Secure cookie.
    let behind_proxy = start_with(None, |c| {
        c.public_url = "https://qufabric.example.com".into();
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    setup_owner(&behind_proxy).await;
    let cookie = session_cookie_through(&behind_proxy, &forwarded).await;
    assert!(cookie.contains("; Secure"), "{cookie}");

    // The same headers from a peer that is not a declared proxy are not believed: the
    // request reached the server's own plain-http address, so the cookie is not Secure.
    let undeclared = start_with(None, |c| {
        c.public_url = "https://qufabric.example.com".into();
        c.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()];
    })
    .await;
    setup_owner(&undeclared).await;
    let host = undeclared.url.trim_start_matches("http://").to_string();
    let spoofed = [
        ("host", host.as_str()),
        ("x-forwarded-proto", "https"),
        ("x-forwarded-host", "qufabric.example.com"),
    ];
    let cookie = session_cookie_through(&undeclared, &spoofed).await;
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn blocking_ends_every_session_at_once_and_the_rules_hold() {
    let server = start().await;
    setup_owner(&server).await;
    let owner = owner_tokens(&server).await;
    let owner_access = owner["access_token"].as_str().unwrap().to_string();
    let owner_id = oidc::jwt_claims(&owner_access).unwrap().sub;
    // A second local user, an admin, signed in with a refresh token of their own.
    server
        .state
        .services
        .store
        .insert_user(&UserRecord {
            id: "bob".into(),
            email: "bob@example.com".into(),
            name: "Bob".into(),
            password_hash: Some(qufabric_server::idp::hash_password("bob-password-1").unwrap()),
            role: Role::Admin,
            auto_groups: vec![],
            idp_id: None,
            idp_subject: None,
            is_blocked: false,
            pending_approval: false,
            role_source: Default::default(),
            last_login: None,
        })
        .unwrap();
    let bob_browser = browser();
    let redirect = sign_in_as(&server, &bob_browser, "bob@example.com", "bob-password-1").await;
    let code = oidc::query_value(location(&redirect).split_once('?').unwrap().1, "code").unwrap();
    let bob: Value = exchange(&server, &code, VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let bob_access = bob["access_token"].as_str().unwrap().to_string();
    let put = |token: String, id: &str, body: Value| {
        let url = format!("{}/api/users/{id}", server.url);
        async move {
            reqwest::Client::new()
                .put(url)
                .header("Authorization", bearer(&token))
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    // Bob (admin) cannot make himself owner, nor block the owner, nor block himself.
    let promote = put(
        bob_access.clone(),
        "bob",
        json!({"role": "owner", "auto_groups": [], "is_blocked": false}),
    )
    .await;
    assert_eq!(promote.status(), StatusCode::FORBIDDEN);
    let owner_path = owner_id.as_str();
    let block_owner = put(
        bob_access.clone(),
        owner_path,
        json!({"role": "owner", "auto_groups": [], "is_blocked": true}),
    )
    .await;
    assert_eq!(block_owner.status(), StatusCode::FORBIDDEN);
    let self_block = put(
        bob_access.clone(),
        "bob",
        json!({"role": "admin", "auto_groups": [], "is_blocked": true}),
    )
    .await;
    assert_eq!(self_block.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = self_block.json().await.unwrap();
    assert_eq!(body["message"], "you cannot block yourself");
    // The one owner cannot demote themselves.
    let demote = put(
        owner_access.clone(),
        owner_path,
        json!({"role": "admin", "auto_groups": [], "is_blocked": false}),
    )
    .await;
    assert_eq!(demote.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The owner blocks Bob: his access token, refresh token and IdP session end at once.
    let blocked = put(
        owner_access.clone(),
        "bob",
        json!({"role": "admin", "auto_groups": [], "is_blocked": true}),
    )
    .await;
    assert_eq!(blocked.status(), StatusCode::OK);
    let me = reqwest::Client::new()
        .get(format!("{}/api/users/current", server.url))
        .header("Authorization", bearer(&bob_access))
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.status(),
        StatusCode::UNAUTHORIZED,
        "signed out at the next request"
    );
    let refresh = reqwest::Client::new()
        .post(format!("{}/oauth2/token", server.url))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", bob["refresh_token"].as_str().unwrap()),
            ("client_id", oidc::DASHBOARD_CLIENT_ID),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), StatusCode::BAD_REQUEST, "cannot refresh");
    assert!(
        !signs_in_silently(&server, &bob_browser).await,
        "no IdP session left"
    );
}

#[tokio::test]
async fn json_endpoints_refuse_other_content_types_so_a_cross_site_form_cannot_claim_setup() {
    // A cross-site HTML form can send text/plain without a preflight; its body may still
    // parse as JSON. Setup must not accept it.
    let server = start().await;
    let form_post = reqwest::Client::new()
        .post(format!("{}/api/setup", server.url))
        .header("content-type", "text/plain")
        .body(json!({"email": OWNER_EMAIL, "password": OWNER_PASSWORD, "name": "Eve"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(form_post.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: Value = form_post.json().await.unwrap();
    assert_eq!(body["message"], "content type must be application/json");
    let instance: Value = reqwest::get(format!("{}/api/instance", server.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(instance["setup_required"], true, "nobody was made owner");

    // The same for an authenticated JSON endpoint; with the right type it works.
    setup_owner(&server).await;
    let token = owner_tokens(&server).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let plain = reqwest::Client::new()
        .post(format!("{}/api/groups", server.url))
        .header("Authorization", bearer(&token))
        .header("content-type", "text/plain")
        .body(r#"{"name":"Staff"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let typed = reqwest::Client::new()
        .post(format!("{}/api/groups", server.url))
        .header("Authorization", bearer(&token))
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"name":"Staff"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(typed.status(), StatusCode::OK);
}

#[tokio::test]
async fn idp_pages_are_never_cached_and_https_servers_send_hsts() {
    let plain = start().await;
    let login_page = browser()
        .get(authorize_url(&plain, &callback(&plain), "s", "n"))
        .send()
        .await
        .unwrap();
    assert_eq!(login_page.status(), StatusCode::OK);
    assert_eq!(login_page.headers()["cache-control"], "no-store");
    assert!(login_page
        .headers()
        .get("strict-transport-security")
        .is_none());

    let https = start_with(None, |c| {
        c.public_url = "https://qufabric.example.com".into()
    })
    .await;
    let instance = reqwest::get(format!("{}/api/instance", https.url))
        .await
        .unwrap();
    assert_eq!(
        instance.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

#[tokio::test]
async fn the_data_directory_and_database_are_private_to_the_server() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    let _store = Store::open(&dir).unwrap();
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700, "data directory");
    assert_eq!(
        mode(&dir.join("qufabric.db")),
        0o600,
        "database (holds the signing key)"
    );
}

#[tokio::test]
async fn a_cross_site_logout_link_ends_nothing_without_a_valid_hint() {
    let server = start().await;
    setup_owner(&server).await;
    let (client, tokens) = signed_in_browser(&server).await;
    // A link on another site: no hint. The IdP asks instead of signing out.
    let link = client
        .get(format!("{}/oauth2/logout", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(link.status(), StatusCode::OK);
    assert!(link.text().await.unwrap().contains("method=\"post\""));
    assert!(signs_in_silently(&server, &client).await, "still signed in");
    // With the ID token as hint (RP-initiated logout), it signs out.
    let hinted = client
        .get(format!(
            "{}/oauth2/logout?{}",
            server.url,
            oidc::form_body(&[("id_token_hint", tokens["id_token"].as_str().unwrap())])
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(hinted.status(), StatusCode::SEE_OTHER);
    assert!(!signs_in_silently(&server, &client).await, "signed out");
}

#[tokio::test]
async fn the_logout_confirmation_posts_and_signs_out() {
    let server = start().await;
    setup_owner(&server).await;
    let (client, _) = signed_in_browser(&server).await;
    let confirmed = client
        .post(format!("{}/oauth2/logout", server.url))
        .form(&[("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    assert!(!signs_in_silently(&server, &client).await);
}

#[tokio::test]
async fn only_access_tokens_open_the_api_never_id_tokens() {
    let server = start().await;
    setup_owner(&server).await;
    let tokens = owner_tokens(&server).await;
    let call = |token: String| {
        let url = format!("{}/api/users/current", server.url);
        async move {
            reqwest::Client::new()
                .get(url)
                .header("Authorization", bearer(&token))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let access = tokens["access_token"].as_str().unwrap().to_string();
    let id = tokens["id_token"].as_str().unwrap().to_string();
    assert_eq!(call(access.clone()).await, StatusCode::OK);
    assert_eq!(
        call(id).await,
        StatusCode::UNAUTHORIZED,
        "the ID token is for the dashboard, not a bearer credential"
    );
    // The access token says what it is (RFC 9068).
    let header = access.split('.').next().unwrap();
    let header: Value = serde_json::from_slice(&oidc::base64url_decode(header).unwrap()).unwrap();
    assert_eq!(header["typ"], "at+jwt");
}

#[tokio::test]
async fn a_replayed_code_revokes_the_refresh_tokens_it_issued_and_their_rotations() {
    let server = start().await;
    setup_owner(&server).await;
    let client = browser();
    let redirect = sign_in(&server, &client, OWNER_PASSWORD).await;
    let code = oidc::query_value(location(&redirect).split_once('?').unwrap().1, "code").unwrap();
    let tokens: Value = exchange(&server, &code, VERIFIER)
        .await
        .json()
        .await
        .unwrap();
    let refresh = |token: String| {
        let url = format!("{}/oauth2/token", server.url);
        async move {
            reqwest::Client::new()
                .post(url)
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", token.as_str()),
                    ("client_id", oidc::DASHBOARD_CLIENT_ID),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    // One rotation: the family now holds the rotated token.
    let rotated: Value = refresh(tokens["refresh_token"].as_str().unwrap().to_string())
        .await
        .json()
        .await
        .unwrap();
    let rotated = rotated["refresh_token"].as_str().unwrap().to_string();
    // Someone replays the code (it leaked): refused, and what it issued is revoked.
    let replay = exchange(&server, &code, VERIFIER).await;
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        refresh(rotated).await.status(),
        StatusCode::BAD_REQUEST,
        "the rotated refresh token of the replayed code's family is revoked"
    );
}

#[tokio::test]
async fn the_email_form_only_completes_in_the_browser_that_started_the_sign_in() {
    // Login CSRF: an attacker starts a sign-in, then makes the victim's browser post the
    // form with the attacker's credentials. The request id alone must not be enough.
    let server = start().await;
    setup_owner(&server).await;
    let attacker = browser();
    let page = attacker
        .get(authorize_url(&server, &callback(&server), "s", "n"))
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    let victim = browser();
    let forced = victim
        .post(format!("{}/oauth2/login", server.url))
        .form(&[
            ("req", request_id(&html).as_str()),
            ("email", OWNER_EMAIL),
            ("password", OWNER_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forced.status(), StatusCode::BAD_REQUEST);
    assert!(forced.headers().get("location").is_none(), "no code issued");
    // The browser that started it signs in as usual.
    let own = attacker
        .post(format!("{}/oauth2/login", server.url))
        .form(&[
            ("req", request_id(&html).as_str()),
            ("email", OWNER_EMAIL),
            ("password", OWNER_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::SEE_OTHER);
}

/// Email sign-in as the owner from a client behind the trusted proxy at `client_ip`.
async fn sign_in_from(server: &TestServer, client_ip: &str, password: &str) -> reqwest::Response {
    let client = browser();
    let page = client
        .get(authorize_url(server, &callback(server), "s", "n"))
        .header("x-forwarded-for", client_ip)
        .send()
        .await
        .unwrap();
    let html = page.text().await.unwrap();
    client
        .post(format!("{}/oauth2/login", server.url))
        .header("x-forwarded-for", client_ip)
        .form(&[
            ("req", request_id(&html).as_str()),
            ("email", OWNER_EMAIL),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn one_clients_wrong_passwords_do_not_lock_the_owner_out_elsewhere() {
    let server = start_with(None, |c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    setup_owner(&server).await;
    for _ in 0..5 {
        let wrong = sign_in_from(&server, "203.0.113.66", "guess").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let guesser = sign_in_from(&server, "203.0.113.66", OWNER_PASSWORD).await;
    assert_eq!(guesser.status(), StatusCode::TOO_MANY_REQUESTS);
    let owner = sign_in_from(&server, "198.51.100.7", OWNER_PASSWORD).await;
    assert_eq!(
        owner.status(),
        StatusCode::SEE_OTHER,
        "the owner's own browser still signs in"
    );
}

#[tokio::test]
async fn password_hashing_is_bounded_and_the_excess_is_told_to_retry() {
    let server = start_with(None, |c| c.password_hash_concurrency = 1).await;
    setup_owner(&server).await;
    let busy = server
        .state
        .services
        .hash_permits
        .clone()
        .try_acquire_owned()
        .unwrap();
    let refused = sign_in(&server, &browser(), OWNER_PASSWORD).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().get("retry-after").is_some());
    drop(busy);
    let fine = sign_in(&server, &browser(), OWNER_PASSWORD).await;
    assert_eq!(fine.status(), StatusCode::SEE_OTHER);
}

async fn refresh_with(server: &TestServer, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/oauth2/token", server.url))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
            ("client_id", oidc::DASHBOARD_CLIENT_ID),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_spent_refresh_token_presented_again_revokes_its_family_and_the_session() {
    let server = start().await;
    setup_owner(&server).await;
    let (client, tokens) = signed_in_browser(&server).await;
    let first = tokens["refresh_token"].as_str().unwrap();
    let renewed: Value = refresh_with(&server, first).await.json().await.unwrap();
    let second = renewed["refresh_token"].as_str().unwrap();
    // Both tokens name the same sign-in session.
    let sid = |t: &Value| {
        oidc::jwt_claims(t["id_token"].as_str().unwrap())
            .unwrap()
            .sid
    };
    assert!(sid(&tokens).is_some());
    assert_eq!(sid(&tokens), sid(&renewed));

    // The spent token comes back (a copy was taken): refused, and so is the newest one,
    // and the IdP session no longer signs this browser in silently.
    let reused = refresh_with(&server, first).await;
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    let body: Value = reused.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(
        refresh_with(&server, second).await.status(),
        StatusCode::BAD_REQUEST,
        "the family is revoked"
    );
    assert!(
        !signs_in_silently(&server, &client).await,
        "the session is ended"
    );
}

#[tokio::test]
async fn refresh_ends_with_the_sign_in_session_however_often_it_was_renewed() {
    // An absolute lifetime of 3 s; the refresh token's own idle lifetime is hours.
    let server = start_with(None, |config| config.session_ttl_secs = 3).await;
    setup_owner(&server).await;
    let (_client, tokens) = signed_in_browser(&server).await;
    let renewed = refresh_with(&server, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(renewed.status(), StatusCode::OK);
    let renewed: Value = renewed.json().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    let late = refresh_with(&server, renewed["refresh_token"].as_str().unwrap()).await;
    assert_eq!(late.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn refresh_is_refused_once_the_idp_session_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(Some(dir.path()), |_| {}).await;
    setup_owner(&server).await;
    let (client, tokens) = signed_in_browser(&server).await;
    // The session row goes by other means than sign-out (which also deletes the tokens):
    // here straight from the database, leaving the refresh token in place.
    rusqlite::Connection::open(dir.path().join("qufabric.db"))
        .unwrap()
        .execute("DELETE FROM idp_sessions", [])
        .unwrap();
    assert!(!signs_in_silently(&server, &client).await);
    assert_eq!(
        refresh_with(&server, tokens["refresh_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_api_answers_other_origins_but_setup_and_the_idp_do_not() {
    let server = start().await;
    let client = reqwest::Client::new();
    let host = "http://host.example:3000";
    let preflight = |path: &str| {
        client
            .request(reqwest::Method::OPTIONS, format!("{}{path}", server.url))
            .header("Origin", host)
            .header("Access-Control-Request-Method", "PUT")
            .header(
                "Access-Control-Request-Headers",
                "authorization,content-type",
            )
            .send()
    };
    let allowed = preflight("/api/identity-providers/abc").await.unwrap();
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    assert_eq!(header(&allowed, "access-control-allow-origin"), host);
    assert!(header(&allowed, "access-control-allow-headers").contains("authorization"));
    assert!(header(&allowed, "access-control-allow-methods").contains("put"));
    assert_eq!(header(&allowed, "access-control-max-age"), "600");
    assert_eq!(header(&allowed, "access-control-allow-credentials"), "");

    // A refused request keeps its CORS headers, so the page can read the 401.
    let refused = client
        .get(format!("{}/api/users/current", server.url))
        .header("Origin", host)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&refused, "access-control-allow-origin"), host);

    for path in ["/api/setup", "/oauth2/token"] {
        let answer = preflight(path).await.unwrap();
        assert_eq!(
            header(&answer, "access-control-allow-origin"),
            "",
            "{path} is same-origin only"
        );
    }
}

#[tokio::test]
async fn a_database_of_the_previous_schema_opens_and_keeps_working() {
    // Written by schema version 4 (before refresh-token reuse detection), with the rows of
    // an instance in use; opened by this version, which migrates it.
    let dir = tempfile::tempdir().unwrap();
    let far_future = (now_unix() + 86_400).to_string();
    let sql = include_str!("fixtures/schema-v4.sql")
        .replace(
            "{{OWNER_HASH}}",
            &qufabric_server::idp::hash_password(OWNER_PASSWORD).unwrap(),
        )
        .replace(
            "{{SESSION_HASH}}",
            &qufabric_server::hash_secret("session-of-v4"),
        )
        .replace(
            "{{REFRESH_HASH}}",
            &qufabric_server::hash_secret("refresh-of-v4"),
        )
        .replace("{{FAR_FUTURE}}", &far_future);
    rusqlite::Connection::open(dir.path().join("qufabric.db"))
        .unwrap()
        .execute_batch(&sql)
        .unwrap();
    let server = start_with(Some(dir.path()), |_| {}).await;

    // The owner signs in with the password set before the upgrade.
    let (_client, tokens) = signed_in_browser(&server).await;
    let access = tokens["access_token"].as_str().expect("signed in");
    let get = |path: &str| {
        reqwest::Client::new()
            .get(format!("{}{path}", server.url))
            .header("Authorization", bearer(access))
            .send()
    };
    // What the previous version stored is all there.
    let providers: Value = get("/api/identity-providers")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(providers[0]["id"], "pocketid-v4");
    assert_eq!(providers[0]["logout_url_registered"], true);
    let accounts: Value = get("/api/accounts").await.unwrap().json().await.unwrap();
    assert_eq!(
        accounts[0]["settings"]["jwt_allow_groups"],
        json!(["QuFabric"])
    );
    assert_eq!(accounts[0]["settings"]["peer_login_expiration"], 86_400);

    // A refresh token issued before the upgrade renews once, and is spent after that.
    let renewed = refresh_with(&server, "refresh-of-v4").await;
    assert_eq!(renewed.status(), StatusCode::OK);
    let version: i64 = rusqlite::Connection::open(dir.path().join("qufabric.db"))
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert!(version > 4, "migrated past version 4, now {version}");
}

/// The contract's `User.required` fields.
fn contract_user_fields() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/contracts/management-openapi.yml"
    );
    let contract: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    contract["components"]["schemas"]["User"]["required"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|field| field.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn approve_and_reject_answer_as_the_contract_says() {
    let server = start().await;
    setup_owner(&server).await;
    let store = &server.state.services.store;
    for id in ["waiting-1", "waiting-2"] {
        store
            .insert_user(&UserRecord {
                id: id.into(),
                email: format!("{id}@example.com"),
                name: id.into(),
                password_hash: None,
                role: Role::User,
                auto_groups: vec![],
                idp_id: Some("pocketid-test".into()),
                idp_subject: Some(id.into()),
                is_blocked: true,
                last_login: None,
                pending_approval: true,
                role_source: Default::default(),
            })
            .unwrap();
    }
    seed(store, "active-user", Role::User);
    let tokens = owner_tokens(&server).await;
    let auth = bearer(tokens["access_token"].as_str().unwrap());
    let client = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str| {
        client
            .request(method, format!("{}{path}", server.url))
            .header("Authorization", &auth)
            .send()
    };

    // The list says who waits (a waiting person is blocked too).
    let users: Value = call(reqwest::Method::GET, "/api/users")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let waiting = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "waiting-1")
        .unwrap();
    assert_eq!(
        (
            waiting["pending_approval"].clone(),
            waiting["is_blocked"].clone()
        ),
        (json!(true), json!(true))
    );

    // Approve: 200 with the contract's User, no longer waiting or blocked.
    let approved = call(reqwest::Method::POST, "/api/users/waiting-1/approve")
        .await
        .unwrap();
    assert_eq!(approved.status(), StatusCode::OK);
    let approved: Value = approved.json().await.unwrap();
    for field in contract_user_fields() {
        assert!(
            approved.get(&field).is_some(),
            "the approved user lacks {field}: {approved}"
        );
    }
    assert_eq!(
        (
            approved["pending_approval"].clone(),
            approved["is_blocked"].clone(),
            approved["status"].clone()
        ),
        (json!(false), json!(false), json!("active"))
    );
    // Someone who does not wait: 400; nobody: 404.
    for (method, path) in [
        (reqwest::Method::POST, "/api/users/waiting-1/approve"),
        (reqwest::Method::POST, "/api/users/active-user/approve"),
        (reqwest::Method::DELETE, "/api/users/active-user/reject"),
    ] {
        let answer = call(method.clone(), path).await.unwrap();
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{method} {path}");
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["message"], "the user is not pending approval");
    }
    assert_eq!(
        call(reqwest::Method::POST, "/api/users/nobody/approve")
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    // Reject: 200 without content, and the person is gone.
    let rejected = call(reqwest::Method::DELETE, "/api/users/waiting-2/reject")
        .await
        .unwrap();
    assert_eq!(rejected.status(), StatusCode::OK);
    assert!(rejected.text().await.unwrap().is_empty());
    assert!(store.user("waiting-2").unwrap().is_none());
    assert!(store.user("active-user").unwrap().is_some());
}
