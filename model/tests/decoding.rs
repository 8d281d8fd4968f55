//! Decoding never panics: every type the dashboard decodes from a response (or from its
//! own storage, through the same serde code) is fed random JSON and mutations of a real
//! answer. A panic in the browser kills the whole WebAssembly page, so an answer from a
//! misbehaving server or proxy must come back as an error, never as a crash.
//!
//! Bounded (256 cases per type and strategy) so it runs in the test command.

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use qufabric_model::checks::IssuerCheckResult;
use qufabric_model::group_checks::SyncDraft;
use qufabric_model::oidc::TokenClaims;
use qufabric_model::test_sign_in::{analyse, TestSignInReport, TestSignInStart};
use qufabric_model::*;

/// Any JSON value, nested a few levels, with the numbers that trip decoders (huge, negative,
/// fractional) and strings that look like enum values.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("owner".to_string()),
            Just("pocketid".to_string()),
            Just("jwt".to_string()),
            Just("".to_string()),
            ".{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(field_name(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Field names of the real types and others.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("id".to_string()),
        Just("type".to_string()),
        Just("name".to_string()),
        Just("role".to_string()),
        Just("settings".to_string()),
        Just("groups".to_string()),
        Just("aud".to_string()),
        Just("login_providers".to_string()),
        "[a-z_]{1,10}",
    ]
}

/// One real answer per type, as the reference server writes it.
fn samples() -> Vec<(&'static str, Value)> {
    vec![
        (
            "instance",
            json!({"setup_required": false, "login_providers": [{"id": "p1", "name": "PocketID", "type": "pocketid"}],
                   "local_auth_disabled": false, "redirect_url": "https://q.example/oauth2/callback",
                   "issuer": "https://q.example/oauth2", "sign_in_allowed": true}),
        ),
        (
            "user",
            json!({"id": "u1", "email": "a@b.c", "name": "A", "role": "owner", "status": "active",
                   "auto_groups": ["g1"], "is_current": true, "is_service_user": false, "is_blocked": false,
                   "permissions": {"is_restricted": false, "modules": {"settings": {"read": true}}}}),
        ),
        (
            "group",
            json!({"id": "g1", "name": "QuFabric", "peers_count": 0, "resources_count": 0, "issued": "jwt"}),
        ),
        (
            "provider",
            json!({"id": "p1", "type": "pocketid", "name": "PocketID", "issuer": "https://id.example",
                   "client_id": "c", "logout_url_registered": true}),
        ),
        (
            "account",
            json!({"id": "a1", "settings": {"jwt_groups_enabled": true, "jwt_groups_claim_name": "groups",
                   "jwt_allow_groups": ["QuFabric"], "extra": {"peer_approval_enabled": false}},
                   "domain": "q.example", "domain_category": "private", "created_at": "2026-01-01T00:00:00Z"}),
        ),
        (
            "issuer check",
            json!({"reachable": true, "discovered_issuer": "https://id.example", "exact_match": true,
                   "scopes_supported": ["openid"], "code_challenge_methods_supported": ["S256"]}),
        ),
        (
            "claims",
            json!({"iss": "https://q.example/oauth2", "sub": "u1", "aud": ["qufabric-dashboard"], "exp": 1,
                   "iat": 0, "groups": ["QuFabric"], "sid": "s"}),
        ),
        (
            "sign-out",
            json!({"provider": {"name": "PocketID", "type": "pocketid", "end_session_url": null,
                   "logout_url_registered": false}}),
        ),
        ("error", json!({"message": "no", "code": 422})),
        ("test start", json!({"id": "t1"})),
        (
            "test report",
            json!({"provider_id": "p1", "status": "done", "failure": null,
                   "id_token_claims": [{"name": "groups", "value": ["QuFabric", 1]},
                                       {"name": "iat", "value": 100}, {"name": "nonce", "value": null},
                                       {"name": "email_verified", "value": false}],
                   "userinfo_claims": [{"name": "groups", "value": "QuFabric"}], "userinfo_error": null,
                   "requested_scopes": ["openid", "groups"], "granted_scopes": ["openid"],
                   "received_at": 1000,
                   "existing_user": {"email": "a@b.c", "role": "admin", "is_blocked": false}}),
        ),
    ]
}

/// Decode `text` as `T` the way the dashboard does; a success must serialise again.
fn decode<T: DeserializeOwned + Serialize>(text: &str) {
    if let Ok(value) = serde_json::from_str::<T>(text) {
        let _ = serde_json::to_string(&value);
    }
}

/// Every response type, and lists of those that come as lists.
fn decode_as_every_type(text: &str) {
    decode::<InstanceStatus>(text);
    decode::<User>(text);
    decode::<Vec<User>>(text);
    decode::<Group>(text);
    decode::<Vec<Group>>(text);
    decode::<IdentityProvider>(text);
    decode::<Vec<IdentityProvider>>(text);
    decode::<Account>(text);
    decode::<Vec<Account>>(text);
    decode::<AccountSettings>(text);
    decode::<SetupResponse>(text);
    decode::<SignOutResult>(text);
    decode::<ErrorBody>(text);
    decode::<IssuerCheckResult>(text);
    decode::<TokenClaims>(text);
    decode::<TestSignInStart>(text);
    decode::<TestSignInReport>(text);
    // A report that decodes is also analysed (claim shapes are read from raw JSON there).
    if let Ok(report) = serde_json::from_str::<TestSignInReport>(text) {
        let sync = SyncDraft {
            enabled: true,
            claim: "groups".into(),
            allow: vec!["QuFabric".into()],
        };
        for kind in [
            ProviderKind::Pocketid,
            ProviderKind::Keycloak,
            ProviderKind::Unknown,
        ] {
            let _ = analyse(&report, kind, &sync, &[]);
            let _ = analyse(&report, kind, &SyncDraft::default(), &[]);
        }
    }
}

/// `value` with the node at `path` (indices into objects' and arrays' entries, wrapping)
/// replaced, removed, or given another type.
fn mutate(value: &mut Value, path: &[usize], replacement: &Value, remove: bool) {
    let Some((&step, rest)) = path.split_first() else {
        *value = replacement.clone();
        return;
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(step % map.len())
                .cloned()
                .unwrap_or_default();
            if rest.is_empty() && remove {
                map.remove(&key);
            } else if let Some(child) = map.get_mut(&key) {
                mutate(child, rest, replacement, remove);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let at = step % items.len();
            if rest.is_empty() && remove {
                items.remove(at);
            } else {
                mutate(&mut items[at], rest, replacement, remove);
            }
        }
        _ => *value = replacement.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_json_never_panics(value in any_json()) {
        decode_as_every_type(&value.to_string());
    }

    #[test]
    fn mutated_real_answers_never_panic(
        sample in 0..9usize,
        path in prop::collection::vec(any::<usize>(), 0..4),
        replacement in any_json(),
        remove in any::<bool>(),
        as_list in any::<bool>(),
    ) {
        let samples = samples();
        let (_, original) = &samples[sample % samples.len()];
        let mut value = original.clone();
        mutate(&mut value, &path, &replacement, remove);
        if as_list {
            value = Value::Array(vec![original.clone(), value]);
        }
        decode_as_every_type(&value.to_string());
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,64}") {
        decode_as_every_type(&text);
    }

    #[test]
    fn truncated_real_answers_never_panic(sample in 0..11usize, cut in any::<usize>()) {
        let samples = samples();
        let text = samples[sample % samples.len()].1.to_string();
        let mut end = cut % (text.len() + 1);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        decode_as_every_type(&text[..end]);
    }
}

/// Values of every JSON type, with the edges decoders trip on.
fn edge_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(""),
        json!("x"),
        json!([]),
        json!([null]),
        json!([1]),
        json!({}),
        json!({"": null}),
    ]
}

/// The paths (indices as `mutate` reads them) of every node of `value`.
fn node_paths(value: &Value, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    out.push(prefix.clone());
    let children: Vec<&Value> = match value {
        Value::Object(map) => map.values().collect(),
        Value::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    for (index, child) in children.into_iter().enumerate() {
        prefix.push(index);
        node_paths(child, prefix, out);
        prefix.pop();
    }
}

/// Each node of each real answer, one at a time: replaced by every edge value, and removed.
#[test]
fn every_field_of_every_answer_with_every_type_never_panics() {
    let mut cases = 0;
    for (_, sample) in samples() {
        let mut paths = Vec::new();
        node_paths(&sample, &mut Vec::new(), &mut paths);
        for path in &paths {
            for replacement in edge_values() {
                let mut value = sample.clone();
                mutate(&mut value, path, &replacement, false);
                decode_as_every_type(&value.to_string());
                cases += 1;
            }
            let mut value = sample.clone();
            mutate(&mut value, path, &Value::Null, true);
            decode_as_every_type(&value.to_string());
        }
    }
    assert!(cases > 500, "only {cases} cases");
}

/// The real answers decode: the mutations start from something valid.
#[test]
fn the_samples_are_real_answers() {
    let samples = samples();
    let text = |name: &str| {
        samples
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default()
    };
    assert!(serde_json::from_str::<InstanceStatus>(&text("instance")).is_ok());
    assert!(serde_json::from_str::<User>(&text("user")).is_ok());
    assert!(serde_json::from_str::<Group>(&text("group")).is_ok());
    assert!(serde_json::from_str::<IdentityProvider>(&text("provider")).is_ok());
    assert!(serde_json::from_str::<Account>(&text("account")).is_ok());
    assert!(serde_json::from_str::<IssuerCheckResult>(&text("issuer check")).is_ok());
    assert!(serde_json::from_str::<TokenClaims>(&text("claims")).is_ok());
    assert!(serde_json::from_str::<SignOutResult>(&text("sign-out")).is_ok());
    assert!(serde_json::from_str::<ErrorBody>(&text("error")).is_ok());
}
