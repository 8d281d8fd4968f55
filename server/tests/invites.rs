//! Local users over HTTP: invites (create, list, regenerate, delete, the public info and
//! accept), users added with a generated password, deleting users, and the one password
//! rule at setup. Each answer is checked against its schema's required fields in the
//! contract document.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use qufabric_model::oidc::{self, Audience, TokenClaims};
use qufabric_server::store::{now_unix, Store};
use qufabric_server::{AppState, Config};

struct Server {
    url: String,
    state: AppState,
    client: reqwest::Client,
    auth: String,
}

const OWNER_EMAIL: &str = "owner@example.com";

async fn start_with(config: impl FnOnce(&mut Config)) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut settings = Config::new(&url);
    config(&mut settings);
    let state = AppState::new(settings, Store::in_memory().unwrap()).unwrap();
    let serving = state.clone();
    tokio::spawn(async move {
        let _ = qufabric_server::serve(listener, serving).await;
    });
    let client = reqwest::Client::new();
    let setup = client
        .post(format!("{url}/api/setup"))
        .json(&json!({"email": OWNER_EMAIL, "password": "Correct horse battery 9", "name": "Olivia Owner"}))
        .send()
        .await
        .unwrap();
    assert_eq!(setup.status(), StatusCode::OK);
    let owner = state.services.store.users().unwrap()[0].id.clone();
    let token = state
        .services
        .keys
        .sign_access_token(&TokenClaims {
            iss: state.services.config.issuer(),
            sub: owner,
            aud: Audience::One(oidc::DASHBOARD_CLIENT_ID.into()),
            exp: now_unix() + 600,
            iat: now_unix(),
            ..Default::default()
        })
        .unwrap();
    Server {
        url,
        state,
        client,
        auth: format!("Bearer {token}"),
    }
}

impl Server {
    /// With the owner's token.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.send(method, path, body, true).await
    }

    /// Without any token: the public pair.
    async fn public(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.send(method, path, body, false).await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        as_owner: bool,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.url));
        if as_owner {
            request = request.header("Authorization", &self.auth);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

fn contract() -> serde_yaml::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/contracts/management-openapi.yml"
    );
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `answer` has every required field of `schema`, each of the contract's type.
fn keeps_schema(answer: &Value, schema: &str) {
    let contract = contract();
    let definition = &contract["components"]["schemas"][schema];
    let required = definition["required"].as_sequence().unwrap();
    for field in required {
        let field = field.as_str().unwrap();
        let value = answer
            .get(field)
            .unwrap_or_else(|| panic!("{schema} lacks {field}: {answer}"));
        let kind = definition["properties"][field]["type"]
            .as_str()
            .unwrap_or("");
        let fits = match kind {
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => true,
        };
        assert!(fits, "{schema}.{field} is not a {kind}: {value}");
    }
}

fn user_password_hash(server: &Server, email: &str) -> String {
    server
        .state
        .services
        .store
        .local_user_by_email(email)
        .unwrap()
        .unwrap_or_else(|| panic!("no local user {email}"))
        .password_hash
        .unwrap()
}

#[tokio::test]
async fn an_invite_is_made_listed_renewed_and_accepted_once() {
    let server = start_with(|_| {}).await;
    let (status, made) = server
        .call(
            Method::POST,
            "/api/users/invites",
            Some(json!({"email": "ivy@example.com", "name": "Ivy", "role": "admin", "auto_groups": []})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    keeps_schema(&made, "UserInvite");
    let first_token = made["invite_token"].as_str().unwrap().to_string();
    assert!(first_token.starts_with("nbi_"));
    let id = made["id"].as_str().unwrap().to_string();

    // The same email again: 409.
    let (again, _) = server
        .call(
            Method::POST,
            "/api/users/invites",
            Some(json!({"email": "IVY@example.com", "name": "Ivy", "role": "user", "auto_groups": []})),
        )
        .await;
    assert_eq!(again, StatusCode::CONFLICT);

    // Listed without its token (the server has only the hash).
    let (_, list) = server.call(Method::GET, "/api/users/invites", None).await;
    let listed = &list.as_array().unwrap()[0];
    keeps_schema(listed, "UserInvite");
    assert!(listed.get("invite_token").is_none(), "{listed}");
    assert_eq!(listed["expired"], json!(false));

    // Regenerate: a new token; the old one stops working.
    let (status, renewed) = server
        .call(
            Method::POST,
            &format!("/api/users/invites/{id}/regenerate"),
            Some(json!({"expires_in": 3600})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    keeps_schema(&renewed, "UserInviteRegenerateResponse");
    let token = renewed["invite_token"].as_str().unwrap().to_string();
    assert_ne!(token, first_token);
    let (old, _) = server
        .public(
            Method::GET,
            &format!("/api/users/invites/{first_token}"),
            None,
        )
        .await;
    assert_eq!(old, StatusCode::NOT_FOUND);

    // The public page's information, without any token of the owner.
    let (status, info) = server
        .public(Method::GET, &format!("/api/users/invites/{token}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    keeps_schema(&info, "UserInviteInfo");
    assert_eq!(
        (
            info["email"].clone(),
            info["valid"].clone(),
            info["invited_by"].clone()
        ),
        (json!("ivy@example.com"), json!(true), json!("Olivia Owner"))
    );

    // A password that breaks the rule is refused with what it lacks.
    let accept = format!("/api/users/invites/{token}/accept");
    let (weak, refusal) = server
        .public(
            Method::POST,
            &accept,
            Some(json!({"password": "password1"})),
        )
        .await;
    assert_eq!(weak, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refusal["message"],
        "the password needs an upper-case letter and a special character"
    );
    let (status, accepted) = server
        .public(
            Method::POST,
            &accept,
            Some(json!({"password": "Ivy's pass 1"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    keeps_schema(&accepted, "UserInviteAcceptResponse");
    assert!(qufabric_server::idp::verify_password(
        "Ivy's pass 1",
        &user_password_hash(&server, "ivy@example.com")
    ));
    let (_, users) = server.call(Method::GET, "/api/users", None).await;
    let ivy = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "ivy@example.com")
        .unwrap();
    assert_eq!(
        (
            ivy["role"].clone(),
            ivy["pending_approval"].clone(),
            ivy["is_blocked"].clone()
        ),
        (json!("admin"), json!(false), json!(false))
    );

    // Once: the link is spent and the invite gone from the list.
    let (twice, _) = server
        .public(
            Method::POST,
            &accept,
            Some(json!({"password": "Ivy's pass 2"})),
        )
        .await;
    assert_eq!(twice, StatusCode::NOT_FOUND);
    let (_, list) = server.call(Method::GET, "/api/users/invites", None).await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn an_expired_invite_is_shown_as_such_and_refused() {
    let server = start_with(|_| {}).await;
    let (_, made) = server
        .call(
            Method::POST,
            "/api/users/invites",
            Some(json!({"email": "late@example.com", "name": "Late", "role": "user", "auto_groups": [], "expires_in": 1})),
        )
        .await;
    let token = made["invite_token"].as_str().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (_, info) = server
        .public(Method::GET, &format!("/api/users/invites/{token}"), None)
        .await;
    assert_eq!(info["valid"], json!(false));
    let (status, _) = server
        .public(
            Method::POST,
            &format!("/api/users/invites/{token}/accept"),
            Some(json!({"password": "Late pass 1!"})),
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let (_, list) = server.call(Method::GET, "/api/users/invites", None).await;
    assert_eq!(list[0]["expired"], json!(true));
    // Deleted: gone, and a second delete finds nothing.
    let id = made["id"].as_str().unwrap();
    let path = format!("/api/users/invites/{id}");
    assert_eq!(
        server.call(Method::DELETE, &path, None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        server.call(Method::DELETE, &path, None).await.0,
        StatusCode::NOT_FOUND
    );
    // Lifetimes outside 1 second to 30 days are refused.
    let (status, _) = server
        .call(
            Method::POST,
            "/api/users/invites",
            Some(json!({"email": "x@example.com", "name": "X", "role": "user", "auto_groups": [], "expires_in": 0})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_added_user_gets_a_password_once_that_keeps_the_rule_and_can_be_deleted() {
    let server = start_with(|_| {}).await;
    let (status, added) = server
        .call(
            Method::POST,
            "/api/users",
            Some(json!({"email": "ann@example.com", "name": "Ann", "role": "user", "auto_groups": [], "is_service_user": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    keeps_schema(&added, "User");
    let password = added["password"].as_str().unwrap();
    assert_eq!(
        qufabric_model::password_rule::password_problem(password),
        None
    );
    assert!(qufabric_server::idp::verify_password(
        password,
        &user_password_hash(&server, "ann@example.com")
    ));
    // Only in that answer.
    let (_, users) = server.call(Method::GET, "/api/users", None).await;
    assert!(users
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u.get("password").is_none()));
    // The same email again, a service user, an owner by nobody but an owner: refused.
    let (status, _) = server
        .call(
            Method::POST,
            "/api/users",
            Some(json!({"email": "ann@example.com", "role": "user", "auto_groups": [], "is_service_user": false})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = server
        .call(
            Method::POST,
            "/api/users",
            Some(json!({"name": "robot", "role": "user", "auto_groups": [], "is_service_user": true})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Delete: never yourself; Ann goes, with a second delete finding nobody.
    let owner = server
        .state
        .services
        .store
        .local_user_by_email(OWNER_EMAIL)
        .unwrap()
        .unwrap();
    let (status, refusal) = server
        .call(Method::DELETE, &format!("/api/users/{}", owner.id), None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refusal["message"], "you cannot delete yourself");
    let ann = format!("/api/users/{}", added["id"].as_str().unwrap());
    assert_eq!(
        server.call(Method::DELETE, &ann, None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        server.call(Method::DELETE, &ann, None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn without_local_sign_in_there_are_no_local_users_to_make() {
    let server = start_with(|config| config.local_auth_disabled = true).await;
    for (path, body) in [
        (
            "/api/users/invites",
            json!({"email": "a@example.com", "name": "A", "role": "user", "auto_groups": []}),
        ),
        (
            "/api/users",
            json!({"email": "a@example.com", "role": "user", "auto_groups": [], "is_service_user": false}),
        ),
    ] {
        let (status, answer) = server.call(Method::POST, path, Some(body)).await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{path}");
        assert_eq!(
            answer["message"],
            "local users are disabled on this server (email sign-in is off)"
        );
    }
}

#[tokio::test]
async fn setup_keeps_the_one_password_rule() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(Config::new(&url), Store::in_memory().unwrap()).unwrap();
    tokio::spawn(async move {
        let _ = qufabric_server::serve(listener, state).await;
    });
    let answer = reqwest::Client::new()
        .post(format!("{url}/api/setup"))
        .json(&json!({"email": OWNER_EMAIL, "password": "correct horse battery", "name": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        body["message"],
        "the password needs an upper-case letter and a digit"
    );
}

/// What the dashboard sends (the model's request types) has every field the contract
/// requires, of its type.
#[test]
fn the_dashboards_requests_keep_the_contract() {
    use qufabric_model::*;
    let invite = UserInviteCreateRequest {
        email: "a@example.com".into(),
        name: "A".into(),
        role: Role::User,
        auto_groups: vec![],
        expires_in: Some(86_400),
    };
    keeps_schema(
        &serde_json::to_value(&invite).unwrap(),
        "UserInviteCreateRequest",
    );
    let user = UserCreateRequest {
        email: Some("a@example.com".into()),
        name: Some("A".into()),
        role: Role::User,
        auto_groups: vec![],
        is_service_user: false,
    };
    keeps_schema(&serde_json::to_value(&user).unwrap(), "UserCreateRequest");
    let accept = UserInviteAcceptRequest {
        password: "Ivy's pass 1".into(),
    };
    keeps_schema(
        &serde_json::to_value(&accept).unwrap(),
        "UserInviteAcceptRequest",
    );
    let regenerate = serde_json::to_value(UserInviteRegenerateRequest::default()).unwrap();
    assert!(regenerate.is_object());
}
