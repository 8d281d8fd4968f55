//! JWT group sync and the allow list over HTTP: groups from the token become JWT-issued
//! groups and the user's auto groups, a same-named API group is not attached, another
//! claim name syncs nothing, and with an allow list a user in none of its groups gets 401
//! `token invalid`, while local users and personal access tokens stay exempt.

use reqwest::StatusCode;
use serde_json::{json, Value};

use qufabric_model::oidc::{self, Audience, TokenClaims};
use qufabric_model::Role;
use qufabric_server::store::{now_unix, ProviderRecord, Store, UserRecord};
use qufabric_server::{hash_secret, AppState, Config};

struct Server {
    url: String,
    state: AppState,
}

async fn start() -> Server {
    start_with(false).await
}

async fn start_with(local_auth_disabled: bool) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut config = Config::new(&url);
    config.local_auth_disabled = local_auth_disabled;
    let state = AppState::new(config, Store::in_memory().unwrap()).unwrap();
    let serving = state.clone();
    tokio::spawn(async move {
        let _ = qufabric_server::serve(listener, serving).await;
    });
    Server { url, state }
}

fn seed(server: &Server, id: &str, role: Role, external: bool) {
    seed_from(server, id, role, external.then_some("pocketid-x"));
}

fn seed_from(server: &Server, id: &str, role: Role, provider: Option<&str>) {
    server
        .state
        .services
        .store
        .insert_user(&UserRecord {
            id: id.into(),
            email: format!("{id}@example.com"),
            name: id.into(),
            password_hash: None,
            role,
            auto_groups: vec![],
            idp_id: provider.map(String::from),
            idp_subject: provider.map(|_| id.to_string()),
            is_blocked: false,
            pending_approval: false,
            role_source: Default::default(),
            last_login: None,
        })
        .unwrap();
}

fn token(server: &Server, sub: &str, connector: &str, groups: &[&str]) -> String {
    let jwt = server
        .state
        .services
        .keys
        .sign_access_token(&TokenClaims {
            iss: server.state.services.config.issuer(),
            sub: sub.into(),
            aud: Audience::One(oidc::DASHBOARD_CLIENT_ID.into()),
            exp: now_unix() + 600,
            groups: groups.iter().map(|g| g.to_string()).collect(),
            connector_id: Some(connector.into()),
            ..Default::default()
        })
        .unwrap();
    format!("Bearer {jwt}")
}

async fn call(
    server: &Server,
    method: &str,
    path: &str,
    auth: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .request(method.parse().unwrap(), format!("{}{path}", server.url))
        .header("Authorization", auth);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn set_sync(server: &Server, owner: &str, claim: &str, allow: &[&str]) {
    let (_, accounts) = call(server, "GET", "/api/accounts", owner, None).await;
    let mut settings = accounts[0]["settings"].clone();
    settings["jwt_groups_enabled"] = json!(true);
    settings["jwt_groups_claim_name"] = json!(claim);
    settings["jwt_allow_groups"] = json!(allow);
    let id = accounts[0]["id"].as_str().unwrap().to_string();
    let (status, _) = call(
        server,
        "PUT",
        &format!("/api/accounts/{id}"),
        owner,
        Some(json!({"settings": settings})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn token_groups_become_jwt_groups_and_auto_groups() {
    let s = start().await;
    seed(&s, "owner", Role::Owner, false);
    seed(&s, "alice", Role::Admin, true);
    let owner = token(&s, "owner", "local", &[]);
    // An API group with a name the token also carries.
    let (status, api_group) = call(
        &s,
        "POST",
        "/api/groups",
        &owner,
        Some(json!({"name": "Contractors"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(api_group["issued"], "api");
    let (status, _) = call(
        &s,
        "POST",
        "/api/groups",
        &owner,
        Some(json!({"name": "Contractors"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Sync off: nothing happens.
    let alice = token(&s, "alice", "pocketid-x", &["QuFabric", "Contractors"]);
    call(&s, "GET", "/api/users/current", &alice, None).await;
    let (_, groups) = call(&s, "GET", "/api/groups", &owner, None).await;
    assert_eq!(groups.as_array().unwrap().len(), 1);

    set_sync(&s, &owner, "groups", &[]).await;
    let (status, me) = call(&s, "GET", "/api/users/current", &alice, None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, groups) = call(&s, "GET", "/api/groups", &owner, None).await;
    let qufabric = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "QuFabric")
        .expect("created");
    assert_eq!(qufabric["issued"], "jwt");
    assert_eq!(
        me["auto_groups"],
        json!([qufabric["id"]]),
        "the API group of the same name is not attached"
    );
    assert_eq!(
        groups
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["name"] == "Contractors")
            .count(),
        1
    );

    // Leaving a group upstream removes the JWT group, keeps the rest.
    let alice_later = token(&s, "alice", "pocketid-x", &[]);
    let (_, me) = call(&s, "GET", "/api/users/current", &alice_later, None).await;
    assert_eq!(me["auto_groups"], json!([]));
}

#[tokio::test]
async fn another_claim_name_syncs_nothing() {
    let s = start().await;
    seed(&s, "owner", Role::Owner, false);
    seed(&s, "alice", Role::Admin, true);
    let owner = token(&s, "owner", "local", &[]);
    set_sync(&s, &owner, "roles", &[]).await;
    let alice = token(&s, "alice", "pocketid-x", &["QuFabric"]);
    let (status, me) = call(&s, "GET", "/api/users/current", &alice, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["auto_groups"], json!([]));
    let (_, groups) = call(&s, "GET", "/api/groups", &owner, None).await;
    assert_eq!(groups, json!([]));
}

#[tokio::test]
async fn the_allow_list_refuses_outsiders_but_not_local_users_or_pats() {
    let s = start().await;
    seed(&s, "owner", Role::Owner, false);
    seed(&s, "alice", Role::Admin, true);
    seed(&s, "bob", Role::Admin, true);
    let owner = token(&s, "owner", "local", &[]);
    set_sync(&s, &owner, "groups", &["QuFabric"]).await;

    let alice = token(&s, "alice", "pocketid-x", &["QuFabric"]);
    assert_eq!(
        call(&s, "GET", "/api/users", &alice, None).await.0,
        StatusCode::OK
    );
    let bob = token(&s, "bob", "pocketid-x", &["Contractors"]);
    let (status, body) = call(&s, "GET", "/api/users", &bob, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["message"], "token invalid");

    // The local owner is exempt, whatever the list says.
    set_sync(&s, &owner, "groups", &["Nobody"]).await;
    assert_eq!(
        call(&s, "GET", "/api/users", &owner, None).await.0,
        StatusCode::OK
    );
    // So is a personal access token of an external user.
    s.state
        .services
        .store
        .insert_pat(
            "pat1",
            "bob",
            &hash_secret("nbp_bobs_token"),
            now_unix() + 600,
        )
        .unwrap();
    assert_eq!(
        call(&s, "GET", "/api/users", "Token nbp_bobs_token", None)
            .await
            .0,
        StatusCode::OK
    );
    // An empty allow list admits everyone again.
    set_sync(&s, &owner, "groups", &[]).await;
    assert_eq!(
        call(&s, "GET", "/api/users", &bob, None).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn sync_changes_only_auto_groups_so_a_concurrent_block_or_promotion_stands() {
    // Sync works from the user record read when the request began; a block or a role
    // change committed meanwhile must not be written back over.
    let s = start().await;
    seed(&s, "owner", Role::Owner, false);
    seed(&s, "alice", Role::User, true);
    let owner = token(&s, "owner", "local", &[]);
    set_sync(&s, &owner, "groups", &[]).await;
    let stale = s.state.services.store.user("alice").unwrap().unwrap();
    s.state
        .services
        .store
        .update_user("alice", Role::Admin, &[], true)
        .unwrap();
    let outcome =
        qufabric_server::groups::apply(&s.state.services.store, &stale, &["QuFabric".to_string()])
            .unwrap();
    assert_eq!(outcome, qufabric_server::groups::SyncOutcome::Admitted);
    let now = s.state.services.store.user("alice").unwrap().unwrap();
    assert!(now.is_blocked, "the block stands");
    assert_eq!(now.role, Role::Admin, "the promotion stands");
    assert_eq!(now.auto_groups.len(), 1, "the token's group was synced");
}

#[tokio::test]
async fn one_group_by_id_read_renamed_and_deleted_unless_something_names_it() {
    let s = start().await;
    seed(&s, "owner", Role::Owner, false);
    seed(&s, "alice", Role::User, true);
    let owner = token(&s, "owner", "local", &[]);
    set_sync(&s, &owner, "groups", &["QuFabric"]).await;
    let alice = token(&s, "alice", "pocketid-x", &["QuFabric", "Ops"]);
    call(&s, "GET", "/api/users/current", &alice, None).await;
    let (_, groups) = call(&s, "GET", "/api/groups", &owner, None).await;
    let id_of = |name: &str| {
        groups
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == name)
            .map(|g| g["id"].as_str().unwrap().to_string())
            .unwrap()
    };
    let (qufabric, ops) = (id_of("QuFabric"), id_of("Ops"));

    // Read: the same object as in the list.
    let (status, group) = call(&s, "GET", &format!("/api/groups/{ops}"), &owner, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (group["name"].clone(), group["issued"].clone()),
        (json!("Ops"), json!("jwt"))
    );
    let (status, _) = call(&s, "GET", "/api/groups/nowhere", &owner, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A group sync made is renamed like any other; a taken name is refused.
    let (status, renamed) = call(
        &s,
        "PUT",
        &format!("/api/groups/{ops}"),
        &owner,
        Some(json!({"name": "Operations"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            renamed["id"].clone(),
            renamed["name"].clone(),
            renamed["issued"].clone()
        ),
        (json!(ops), json!("Operations"), json!("jwt"))
    );
    let (status, _) = call(
        &s,
        "PUT",
        &format!("/api/groups/{ops}"),
        &owner,
        Some(json!({"name": "QuFabric"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = call(
        &s,
        "PUT",
        &format!("/api/groups/{ops}"),
        &owner,
        Some(json!({"name": " "})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Deleting one that a user's auto groups and the allow list name says so, and keeps it.
    let (status, refused) = call(
        &s,
        "DELETE",
        &format!("/api/groups/{qufabric}"),
        &owner,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("auto groups of 1 user (alice@example.com)"),
        "{message}"
    );
    assert!(message.contains("JWT allow list"), "{message}");
    assert_eq!(
        call(&s, "GET", &format!("/api/groups/{qufabric}"), &owner, None)
            .await
            .0,
        StatusCode::OK
    );

    // A group nothing names goes.
    let (_, spare) = call(
        &s,
        "POST",
        "/api/groups",
        &owner,
        Some(json!({"name": "Spare"})),
    )
    .await;
    let spare = spare["id"].as_str().unwrap().to_string();
    let (status, body) = call(&s, "DELETE", &format!("/api/groups/{spare}"), &owner, None).await;
    assert_eq!((status, body), (StatusCode::OK, Value::Null));
    assert_eq!(
        call(&s, "GET", &format!("/api/groups/{spare}"), &owner, None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

// ----- role rules -----

fn add_provider(server: &Server, id: &str) {
    server
        .state
        .services
        .store
        .insert_provider(&ProviderRecord {
            id: id.into(),
            kind: "pocketid".into(),
            name: id.into(),
            issuer: "https://id.example.com".into(),
            client_id: "qufabric".into(),
            client_secret: "secret".into(),
            logout_url_registered: false,
            login_default: false,
            options: Default::default(),
        })
        .unwrap();
}

/// PUT the settings with `rules` as the role rules; the status and the answer.
async fn put_rules(server: &Server, owner: &str, rules: Option<Value>) -> (StatusCode, Value) {
    let (_, accounts) = call(server, "GET", "/api/accounts", owner, None).await;
    let mut settings = accounts[0]["settings"].clone();
    match rules {
        Some(rules) => settings["qufabric_role_rules"] = rules,
        None => {
            settings
                .as_object_mut()
                .unwrap()
                .remove("qufabric_role_rules");
        }
    }
    let id = accounts[0]["id"].as_str().unwrap().to_string();
    call(
        server,
        "PUT",
        &format!("/api/accounts/{id}"),
        owner,
        Some(json!({"settings": settings})),
    )
    .await
}

async fn user_of(server: &Server, owner: &str, id: &str) -> Value {
    let (_, users) = call(server, "GET", "/api/users", owner, None).await;
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == id)
        .cloned()
        .unwrap()
}

fn admins_from_pocket() -> Value {
    json!({"rules": [{"group": "QuFabric Admins", "idp_id": "pocketid-x", "role": "admin"}],
           "default_role": "user"})
}

#[tokio::test]
async fn role_rules_give_roles_on_save_and_at_every_sign_in_through_their_provider() {
    let s = start().await;
    add_provider(&s, "pocketid-x");
    add_provider(&s, "contractor-x");
    seed(&s, "owner", Role::Owner, false);
    seed(&s, "alice", Role::User, true);
    seed_from(&s, "bob", Role::User, Some("contractor-x"));
    seed_from(&s, "olga", Role::Owner, Some("pocketid-x"));
    let owner = token(&s, "owner", "local", &[]);
    set_sync(&s, &owner, "groups", &[]).await;
    // A sign-in records alice's groups before any rule exists.
    let alice_in = token(&s, "alice", "pocketid-x", &["QuFabric Admins"]);
    call(&s, "GET", "/api/users/current", &alice_in, None).await;
    assert_eq!(user_of(&s, &owner, "alice").await["role"], "user");

    // Saving applies the rules now, from the groups sync recorded.
    let (status, account) = put_rules(&s, &owner, Some(admins_from_pocket())).await;
    assert_eq!(status, StatusCode::OK, "{account}");
    assert_eq!(
        account["settings"]["qufabric_role_rules"],
        admins_from_pocket()
    );
    let alice = user_of(&s, &owner, "alice").await;
    assert_eq!(alice["role"], "admin");
    assert_eq!(
        alice["role_given"],
        json!({"idp_id": "pocketid-x", "group": "QuFabric Admins"})
    );
    // The same group name from another provider gives nothing; an owner stays owner.
    let bob_in = token(&s, "bob", "contractor-x", &["QuFabric Admins"]);
    call(&s, "GET", "/api/users/current", &bob_in, None).await;
    assert_eq!(user_of(&s, &owner, "bob").await["role"], "user");
    let olga_in = token(&s, "olga", "pocketid-x", &[]);
    call(&s, "GET", "/api/users/current", &olga_in, None).await;
    assert_eq!(user_of(&s, &owner, "olga").await["role"], "owner");

    // Out of the group: the next sign-in gives the default, and says so.
    let alice_out = token(&s, "alice", "pocketid-x", &["Other"]);
    call(&s, "GET", "/api/users/current", &alice_out, None).await;
    let alice = user_of(&s, &owner, "alice").await;
    assert_eq!(alice["role"], "user");
    assert_eq!(alice["role_given"], json!({"idp_id": "pocketid-x"}));

    // Saving another setting without the field (the NetBird dashboard) keeps the rules.
    let (status, account) = put_rules(&s, &owner, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        account["settings"]["qufabric_role_rules"],
        admins_from_pocket()
    );

    // Without rules for her provider, her role stays and no longer names a rule.
    let (status, _) = put_rules(&s, &owner, Some(json!({"rules": []}))).await;
    assert_eq!(status, StatusCode::OK);
    let alice = user_of(&s, &owner, "alice").await;
    assert_eq!(alice["role"], "user");
    assert!(alice.get("role_given").is_none(), "{alice}");
}

#[tokio::test]
async fn a_role_set_by_hand_stays_until_an_owner_gives_the_person_back() {
    let s = start().await;
    add_provider(&s, "pocketid-x");
    seed(&s, "owner", Role::Owner, false);
    seed(&s, "admin", Role::Admin, false);
    seed(&s, "alice", Role::User, true);
    let owner = token(&s, "owner", "local", &[]);
    set_sync(&s, &owner, "groups", &[]).await;
    put_rules(&s, &owner, Some(admins_from_pocket())).await;
    let alice_in = token(&s, "alice", "pocketid-x", &["QuFabric Admins"]);
    call(&s, "GET", "/api/users/current", &alice_in, None).await;
    assert_eq!(user_of(&s, &owner, "alice").await["role"], "admin");

    // Blocking and unblocking do not count as setting the role.
    for blocked in [true, false] {
        let (status, _) = call(
            &s,
            "PUT",
            "/api/users/alice",
            &owner,
            Some(json!({"role": "admin", "auto_groups": [], "is_blocked": blocked})),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    assert!(user_of(&s, &owner, "alice")
        .await
        .get("role_by_hand")
        .is_none());
    let (status, _) = call(
        &s,
        "PUT",
        "/api/users/alice",
        &owner,
        Some(json!({"role": "auditor", "auto_groups": [], "is_blocked": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let alice_again = token(&s, "alice", "pocketid-x", &["QuFabric Admins"]);
    call(&s, "GET", "/api/users/current", &alice_again, None).await;
    let alice = user_of(&s, &owner, "alice").await;
    assert_eq!(alice["role"], "auditor", "kept against the rules");
    assert_eq!(alice["role_by_hand"], true);

    // Only an owner gives her back; the rules apply at once.
    let admin = token(&s, "admin", "local", &[]);
    let (status, _) = call(&s, "POST", "/api/users/alice/role-rules", &admin, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, back) = call(&s, "POST", "/api/users/alice/role-rules", &owner, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(back["role"], "admin");
    assert!(back.get("role_by_hand").is_none());
}

#[tokio::test]
async fn rule_sets_that_are_wrong_or_lock_everyone_out_are_refused() {
    // Email sign-in is off: the local owner cannot sign in, alice is the only administrator.
    let s = start_with(true).await;
    add_provider(&s, "pocketid-x");
    seed(&s, "owner", Role::Owner, false);
    seed(&s, "alice", Role::User, true);
    let owner = token(&s, "owner", "local", &[]);
    set_sync(&s, &owner, "groups", &[]).await;
    let alice_in = token(&s, "alice", "pocketid-x", &["QuFabric Admins"]);
    call(&s, "GET", "/api/users/current", &alice_in, None).await;
    let (status, _) = put_rules(&s, &owner, Some(admins_from_pocket())).await;
    assert_eq!(status, StatusCode::OK);
    let refusals = [
        (
            json!({"rules": [{"group": "QuFabric Admins", "idp_id": "pocketid-x", "role": "auditor"}]}),
            "these role rules would leave no owner or administrator who can sign in (alice@example.com would become auditor)",
        ),
        (
            json!({"rules": [{"group": "A", "idp_id": "pocketid-x", "role": "owner"}]}),
            "role rule 1 must give admin, auditor or user (never owner)",
        ),
        (
            json!({"rules": [{"group": "A", "idp_id": "gone", "role": "admin"}]}),
            "role rule 1 names a provider that does not exist",
        ),
    ];
    for (rules, message) in refusals {
        let (status, body) = put_rules(&s, &owner, Some(rules)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["message"], message);
    }
    let (_, accounts) = call(&s, "GET", "/api/accounts", &owner, None).await;
    assert_eq!(
        accounts[0]["settings"]["qufabric_role_rules"],
        admins_from_pocket()
    );
    assert_eq!(user_of(&s, &owner, "alice").await["role"], "admin");
}

#[tokio::test]
async fn deleting_a_provider_drops_its_rules_and_other_saves_are_not_judged_by_them() {
    let s = start().await;
    add_provider(&s, "pocketid-x");
    seed(&s, "owner", Role::Owner, false);
    let owner = token(&s, "owner", "local", &[]);
    set_sync(&s, &owner, "groups", &[]).await;
    let (status, _) = put_rules(&s, &owner, Some(admins_from_pocket())).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        &s,
        "DELETE",
        "/api/identity-providers/pocketid-x",
        &owner,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, accounts) = call(&s, "GET", "/api/accounts", &owner, None).await;
    assert_eq!(
        accounts[0]["settings"]["qufabric_role_rules"]["rules"],
        json!([])
    );
    // Rules stored naming a provider that is gone (an older server kept them): a save
    // that leaves them and sync as they are is not refused for them.
    let store = &s.state.services.store;
    let account = store
        .account("unused", &qufabric_server::settings::Settings::default())
        .unwrap();
    let mut settings = account.settings;
    settings.qufabric_role_rules = serde_json::from_value(admins_from_pocket()).unwrap();
    store.save_settings(&account.id, &settings).unwrap();
    let (_, accounts) = call(&s, "GET", "/api/accounts", &owner, None).await;
    let mut body = accounts[0]["settings"].clone();
    body["peer_login_expiration"] = json!(7200);
    let id = accounts[0]["id"].as_str().unwrap().to_string();
    let (status, answer) = call(
        &s,
        "PUT",
        &format!("/api/accounts/{id}"),
        &owner,
        Some(json!({"settings": body})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[tokio::test]
async fn a_providers_allowed_groups_hold_for_the_whole_session_sync_off() {
    let s = start().await;
    add_provider(&s, "pocketid-x");
    seed(&s, "owner", Role::Owner, false);
    seed(&s, "alice", Role::Admin, true);
    let alice = token(&s, "alice", "pocketid-x", &["staff"]);
    assert_eq!(
        call(&s, "GET", "/api/users", &alice, None).await.0,
        StatusCode::OK
    );
    // The list changes while her session runs: her next request is refused.
    let store = &s.state.services.store;
    let mut provider = store.provider("pocketid-x").unwrap().unwrap();
    provider.options.allowed_groups = vec!["contractors".into()];
    store.update_provider(&provider).unwrap();
    assert_eq!(
        call(&s, "GET", "/api/users", &alice, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let member = token(&s, "alice", "pocketid-x", &["contractors"]);
    assert_eq!(
        call(&s, "GET", "/api/users", &member, None).await.0,
        StatusCode::OK
    );
    // Email users are not a provider's people.
    let owner = token(&s, "owner", "local", &[]);
    assert_eq!(
        call(&s, "GET", "/api/users", &owner, None).await.0,
        StatusCode::OK
    );
}
