//! `/api/identity-providers` over HTTP against a real (tiny) OpenID discovery endpoint:
//! validation order and messages, the exact issuer match, the write-only secret, ids,
//! built-in issuers, update and delete rules, the live discovery check, roles.

use axum::routing::get;
use axum::{Json, Router};
use reqwest::StatusCode;
use serde_json::{json, Value};

use qufabric_model::oidc::{self, Audience, TokenClaims};
use qufabric_model::Role;
use qufabric_server::store::{now_unix, Store, UserRecord};
use qufabric_server::{AppState, Config};

struct Servers {
    url: String,
    state: AppState,
    /// A provider whose discovery names its issuer without trailing slash (like PocketID).
    issuer: String,
}

async fn fake_provider() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let issuer = base.clone();
    let app = Router::new().route(
        "/.well-known/openid-configuration",
        get(move || {
            let issuer = issuer.clone();
            async move {
                Json(json!({
                    "issuer": issuer,
                    "authorization_endpoint": format!("{issuer}/authorize"),
                    "token_endpoint": format!("{issuer}/api/oidc/token"),
                    "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
                    "end_session_endpoint": format!("{issuer}/api/oidc/end-session"),
                    "scopes_supported": ["openid", "profile", "email", "groups"],
                    "code_challenge_methods_supported": ["S256"]
                }))
            }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

async fn start() -> Servers {
    let issuer = fake_provider().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(Config::new(&url), Store::in_memory().unwrap()).unwrap();
    let serving = state.clone();
    tokio::spawn(async move {
        let _ = qufabric_server::serve(listener, serving).await;
    });
    Servers { url, state, issuer }
}

fn token(servers: &Servers, role: Role) -> String {
    let id = format!("user-{}", role.as_str());
    if servers.state.services.store.user(&id).unwrap().is_none() {
        servers
            .state
            .services
            .store
            .insert_user(&UserRecord {
                id: id.clone(),
                email: format!("{id}@example.com"),
                name: id.clone(),
                password_hash: None,
                role,
                auto_groups: vec![],
                idp_id: None,
                idp_subject: None,
                is_blocked: false,
                pending_approval: false,
                role_source: Default::default(),
                last_login: None,
            })
            .unwrap();
    }
    let jwt = servers
        .state
        .services
        .keys
        .sign_access_token(&TokenClaims {
            iss: servers.state.services.config.issuer(),
            sub: id,
            aud: Audience::One(oidc::DASHBOARD_CLIENT_ID.into()),
            exp: now_unix() + 600,
            ..Default::default()
        })
        .unwrap();
    format!("Bearer {jwt}")
}

async fn send(
    servers: &Servers,
    method: &str,
    path: &str,
    role: Role,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .request(method.parse().unwrap(), format!("{}{path}", servers.url))
        .header("Authorization", token(servers, role));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn pocketid(issuer: &str) -> Value {
    json!({"type": "pocketid", "name": "PocketID", "issuer": issuer, "client_id": "cid", "client_secret": "s3cret"})
}

#[tokio::test]
async fn validation_runs_in_order_with_the_real_messages() {
    let s = start().await;
    let cases = [
        (
            json!({"type": "pocketid", "issuer": "x", "client_id": ""}),
            "identity provider name is required",
        ),
        (json!({"name": "n"}), "identity provider type is required"),
        (
            json!({"name": "n", "type": "gitlab"}),
            "unsupported identity provider type",
        ),
        (
            json!({"name": "n", "type": "pocketid", "issuer": ""}),
            "identity provider issuer is required",
        ),
        (
            json!({"name": "n", "type": "pocketid", "issuer": "pocketid.example.com"}),
            "identity provider issuer must be a valid URL",
        ),
        (
            json!({"name": "n", "type": "pocketid", "issuer": "https://p.example.com?x=1"}),
            "identity provider issuer must not contain a query or fragment",
        ),
        (
            json!({"name": "n", "type": "pocketid", "issuer": "https://p.example.com"}),
            "identity provider client ID is required",
        ),
    ];
    for (body, message) in cases {
        let (status, answer) = send(
            &s,
            "POST",
            "/api/identity-providers",
            Role::Owner,
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert_eq!(answer, json!({"message": message, "code": 422}));
    }
    // No body at all: not JSON (415); a JSON body that does not parse: 400.
    let (status, answer) = send(&s, "POST", "/api/identity-providers", Role::Owner, None).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{answer}");
    let empty = reqwest::Client::new()
        .post(format!("{}/api/identity-providers", s.url))
        .header("Authorization", token(&s, Role::Owner))
        .header("content-type", "application/json")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_issuer_must_answer_and_match_byte_for_byte() {
    let s = start().await;
    let with_slash = format!("{}/", s.issuer);
    let (status, answer) = send(
        &s,
        "POST",
        "/api/identity-providers",
        Role::Owner,
        Some(pocketid(&with_slash)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        answer["message"],
        format!(
            "identity provider issuer does not match the issuer returned by the provider: expected \"{with_slash}\" got \"{}\"",
            s.issuer
        )
    );
    let (status, answer) = send(
        &s,
        "POST",
        "/api/identity-providers",
        Role::Owner,
        Some(pocketid("http://127.0.0.1:1")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .starts_with("identity provider issuer is unreachable: "),
        "{answer}"
    );
    assert!(
        s.state.services.store.providers().unwrap().is_empty(),
        "nothing stored on refusal"
    );
}

#[tokio::test]
async fn create_read_update_delete_with_a_write_only_secret() {
    let s = start().await;
    let (status, created) = send(
        &s,
        "POST",
        "/api/identity-providers",
        Role::Admin,
        Some(pocketid(&s.issuer)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("pocketid-"), "{id}");
    assert!(created.get("client_secret").is_none());
    assert_eq!(created["issuer"], s.issuer);

    let (_, list) = send(&s, "GET", "/api/identity-providers", Role::Auditor, None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(
        !list.to_string().contains("s3cret"),
        "the secret is never returned"
    );
    let instance: Value = reqwest::get(format!("{}/api/instance", s.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        instance["login_providers"],
        json!([{"id": id, "type": "pocketid", "name": "PocketID"}])
    );
    assert!(
        !instance.to_string().contains(&s.issuer),
        "nothing about issuers on the public endpoint"
    );

    // An empty secret on update keeps the stored one; the name changes.
    let mut rename = pocketid(&s.issuer);
    rename["name"] = json!("Pocket");
    rename["client_secret"] = json!("");
    let (status, updated) = send(
        &s,
        "PUT",
        &format!("/api/identity-providers/{id}"),
        Role::Owner,
        Some(rename),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["name"], "Pocket");
    assert_eq!(
        s.state
            .services
            .store
            .provider(&id)
            .unwrap()
            .unwrap()
            .client_secret,
        "s3cret"
    );
    // The type cannot change.
    let mut retype = pocketid(&s.issuer);
    retype["type"] = json!("oidc");
    let (status, answer) = send(
        &s,
        "PUT",
        &format!("/api/identity-providers/{id}"),
        Role::Owner,
        Some(retype),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");

    let (status, _) = send(
        &s,
        "DELETE",
        &format!("/api/identity-providers/{id}"),
        Role::Owner,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, answer) = send(
        &s,
        "DELETE",
        &format!("/api/identity-providers/{id}"),
        Role::Owner,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(answer["message"], "identity provider not found");
    let (status, _) = send(
        &s,
        "GET",
        &format!("/api/identity-providers/{id}"),
        Role::Owner,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn built_in_issuers_and_generic_ids() {
    let s = start().await;
    let google = json!({"type": "google", "name": "Google", "issuer": "", "client_id": "g", "client_secret": "x"});
    let (status, created) = send(
        &s,
        "POST",
        "/api/identity-providers",
        Role::Owner,
        Some(google),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["issuer"], "https://accounts.google.com");
    assert!(created["id"].as_str().unwrap().starts_with("google-"));
    let generic = json!({"type": "oidc", "name": "Generic", "issuer": s.issuer, "client_id": "g", "client_secret": "x"});
    let (_, created) = send(
        &s,
        "POST",
        "/api/identity-providers",
        Role::Owner,
        Some(generic),
    )
    .await;
    assert!(
        !created["id"].as_str().unwrap().contains('-'),
        "bare random id for oidc: {created}"
    );
}

#[tokio::test]
async fn live_discovery_check_reports_what_it_found() {
    let s = start().await;
    let with_slash = format!("{}/", s.issuer);
    let (status, result) = send(
        &s,
        "POST",
        "/api/identity-providers/check-issuer",
        Role::Owner,
        Some(json!({"type": "pocketid", "issuer": with_slash})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(result["reachable"], true);
    assert_eq!(result["exact_match"], false);
    assert_eq!(result["differs_only_by_trailing_slash"], true);
    assert_eq!(result["discovered_issuer"], s.issuer);
    assert_eq!(result["code_challenge_methods_supported"], json!(["S256"]));
    assert!(result["scopes_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("groups")));

    let (_, down) = send(
        &s,
        "POST",
        "/api/identity-providers/check-issuer",
        Role::Owner,
        Some(json!({"type": "pocketid", "issuer": "http://127.0.0.1:1"})),
    )
    .await;
    assert_eq!(down["reachable"], false);
    assert_eq!(down["failure"]["kind"], "connect");
    let (_, missing) = send(
        &s,
        "POST",
        "/api/identity-providers/check-issuer",
        Role::Owner,
        Some(json!({"type": "pocketid", "issuer": format!("{}/nothing", s.issuer)})),
    )
    .await;
    assert_eq!(missing["failure"]["kind"], "status");
    let (status, _) = send(
        &s,
        "POST",
        "/api/identity-providers/check-issuer",
        Role::Auditor,
        Some(json!({"type": "pocketid", "issuer": s.issuer})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn roles_on_providers() {
    let s = start().await;
    for (role, read, write) in [
        (Role::Owner, StatusCode::OK, StatusCode::OK),
        (Role::Admin, StatusCode::OK, StatusCode::OK),
        (Role::Auditor, StatusCode::OK, StatusCode::FORBIDDEN),
        (Role::User, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
    ] {
        let (status, _) = send(&s, "GET", "/api/identity-providers", role, None).await;
        assert_eq!(status, read, "{role:?} read");
        let mut body = pocketid(&s.issuer);
        body["name"] = json!(format!("P {}", role.as_str()));
        let (status, _) = send(&s, "POST", "/api/identity-providers", role, Some(body)).await;
        assert_eq!(status, write, "{role:?} write");
    }
    let anonymous = reqwest::get(format!("{}/api/identity-providers", s.url))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_issuer_cannot_change_while_users_sign_in_with_the_provider() {
    // Users are linked by provider id + subject: re-pointing the provider at another IdP
    // would hand its subjects' accounts to whoever that IdP says they are.
    let s = start().await;
    let other_idp = fake_provider().await;
    let (_, created) = send(
        &s,
        "POST",
        "/api/identity-providers",
        Role::Owner,
        Some(pocketid(&s.issuer)),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();
    // While nobody signs in with it, the issuer may still be corrected.
    let (status, answer) = send(
        &s,
        "PUT",
        &format!("/api/identity-providers/{id}"),
        Role::Owner,
        Some(pocketid(&other_idp)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    s.state
        .services
        .store
        .insert_user(&UserRecord {
            id: "linked".into(),
            email: "linked@example.com".into(),
            name: "Linked".into(),
            password_hash: None,
            role: Role::Admin,
            auto_groups: vec![],
            idp_id: Some(id.clone()),
            idp_subject: Some("subject-1".into()),
            is_blocked: false,
            pending_approval: false,
            role_source: Default::default(),
            last_login: None,
        })
        .unwrap();
    let (status, answer) = send(
        &s,
        "PUT",
        &format!("/api/identity-providers/{id}"),
        Role::Owner,
        Some(pocketid(&s.issuer)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(
        answer["message"],
        "identity provider issuer cannot change while 1 user signs in with it"
    );
    assert_eq!(
        s.state
            .services
            .store
            .provider(&id)
            .unwrap()
            .unwrap()
            .issuer,
        other_idp
    );
    // Other fields still change.
    let mut rename = pocketid(&other_idp);
    rename["name"] = json!("Renamed");
    let (status, _) = send(
        &s,
        "PUT",
        &format!("/api/identity-providers/{id}"),
        Role::Owner,
        Some(rename),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

/// A discovery endpoint on `bind` that answers with `answer`.
async fn serving(bind: &str, answer: axum::routing::MethodRouter) -> u16 {
    let listener = tokio::net::TcpListener::bind(bind).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new().route("/.well-known/openid-configuration", answer);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    port
}

async fn check(s: &Servers, issuer: &str) -> (StatusCode, Value) {
    send(
        s,
        "POST",
        "/api/identity-providers/check-issuer",
        Role::Owner,
        Some(json!({"type": "oidc", "issuer": issuer})),
    )
    .await
}

#[tokio::test]
async fn the_discovery_client_cannot_be_aimed_inside_the_server() {
    let s = start().await;
    // An unspecified address reaches the server's own listeners: never connected to.
    let port = serving("0.0.0.0:0", get(|| async { Json(json!({"issuer": "x"})) })).await;
    let (status, answer) = check(&s, &format!("http://0.0.0.0:{port}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["reachable"], false, "{answer}");
    assert!(
        answer["failure"]["detail"]
            .as_str()
            .unwrap()
            .contains("unspecified"),
        "{answer}"
    );

    // Redirects are not followed (to the metadata service, say).
    let port = serving(
        "127.0.0.1:0",
        get(|| async {
            axum::response::Redirect::temporary("http://169.254.169.254/latest/meta-data")
        }),
    )
    .await;
    let (_, answer) = check(&s, &format!("http://127.0.0.1:{port}")).await;
    assert_eq!(answer["reachable"], false, "{answer}");
    assert_eq!(answer["failure"]["kind"], "status", "{answer}");

    // Answers are read up to 256 KiB.
    let port = serving("127.0.0.1:0", get(|| async { "x".repeat(300 * 1024) })).await;
    let (_, answer) = check(&s, &format!("http://127.0.0.1:{port}")).await;
    assert_eq!(answer["reachable"], false, "{answer}");
    assert!(
        answer["failure"]["detail"]
            .as_str()
            .unwrap()
            .contains("256 KiB"),
        "{answer}"
    );

    // A query or fragment is refused before anything is fetched.
    let (status, _) = check(&s, "https://pocketid.example.com/?next=1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A metadata address as a literal.
    let (_, answer) = check(&s, "http://169.254.169.254").await;
    assert!(
        answer["failure"]["detail"]
            .as_str()
            .unwrap()
            .contains("metadata"),
        "{answer}"
    );
}

#[tokio::test]
async fn private_issuers_can_be_denied() {
    let issuer = fake_provider().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut config = Config::new(&url);
    config.deny_private_issuers = true;
    let state = AppState::new(config, Store::in_memory().unwrap()).unwrap();
    let serving_state = state.clone();
    tokio::spawn(async move {
        let _ = qufabric_server::serve(listener, serving_state).await;
    });
    let s = Servers { url, state, issuer };
    let (_, answer) = check(&s, &s.issuer.clone()).await;
    assert_eq!(answer["reachable"], false, "{answer}");
    assert!(
        answer["failure"]["detail"]
            .as_str()
            .unwrap()
            .contains("private"),
        "{answer}"
    );
}
