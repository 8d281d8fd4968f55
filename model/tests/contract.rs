//! The model is the contract: the JSON these types produce must match the schemas of the
//! management API's OpenAPI document, and JSON shaped like those schemas must decode into
//! them. Strict in both directions, except for exactly the differences product.md lists:
//! - the identity provider `type` also accepts `authentik` and `keycloak`;
//! - errors carry `code` beside `message`;
//! - `GET /api/instance` carries QuFabric's additive login fields.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use qufabric_model::provider_options::ProviderOptions;
use qufabric_model::*;

/// The documented differences: extra enum values and extra properties per schema.
fn allowed_extra_enum_values(schema: &str) -> &'static [&'static str] {
    match schema {
        "IdentityProviderType" => &["authentik", "keycloak"],
        _ => &[],
    }
}

fn allowed_extra_properties(schema: &str) -> &'static [&'static str] {
    match schema {
        "ErrorResponse" => &["code"],
        "InstanceStatus" => &[
            "login_providers",
            "local_auth_disabled",
            "redirect_url",
            "logout_url",
            "issuer",
            "sign_in_allowed",
            "provider_options",
        ],
        "IdentityProvider" | "IdentityProviderRequest" => {
            &["logout_url_registered", "login_default", "options"]
        }
        _ => &[],
    }
}

struct Spec {
    schemas: Map<String, Value>,
}

impl Spec {
    fn load() -> Spec {
        let path = std::env::var("QUFABRIC_OPENAPI").unwrap_or_else(|_| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../docs/contracts/management-openapi.yml"
            )
            .to_string()
        });
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        let yaml: serde_yaml::Value =
            serde_yaml::from_str(&text).expect("the OpenAPI document parses");
        let json: Value = serde_json::to_value(yaml).expect("YAML maps to JSON");
        let schemas = json["components"]["schemas"]
            .as_object()
            .expect("components.schemas")
            .clone();
        Spec { schemas }
    }

    fn schema(&self, name: &str) -> &Value {
        self.schemas
            .get(name)
            .unwrap_or_else(|| panic!("schema {name} exists"))
    }

    /// Follow `$ref`s; returns the schema and the name of the last one followed.
    fn resolve<'a>(&'a self, schema: &'a Value, name: &'a str) -> (&'a Value, String) {
        let mut schema = schema;
        let mut name = name.to_string();
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let target = reference.trim_start_matches("#/components/schemas/");
            name = target.to_string();
            schema = self.schema(target);
        }
        (schema, name)
    }

    /// All properties and required names of an object schema, `allOf` merged.
    fn object_parts(&self, schema: &Value, name: &str) -> (BTreeMap<String, Value>, Vec<String>) {
        let (schema, _) = self.resolve(schema, name);
        let mut properties = BTreeMap::new();
        let mut required = Vec::new();
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                let (p, r) = self.object_parts(part, name);
                properties.extend(p);
                required.extend(r);
            }
        }
        if let Some(own) = schema.get("properties").and_then(Value::as_object) {
            for (key, value) in own {
                properties.insert(key.clone(), value.clone());
            }
        }
        if let Some(own) = schema.get("required").and_then(Value::as_array) {
            required.extend(own.iter().filter_map(Value::as_str).map(str::to_string));
        }
        (properties, required)
    }

    /// Every way `value` differs from `schema`, as readable paths.
    fn validate(
        &self,
        value: &Value,
        schema: &Value,
        name: &str,
        path: &str,
        problems: &mut Vec<String>,
    ) {
        let (schema, name) = self.resolve(schema, name);
        if value.is_null() && schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return;
        }
        let is_object = schema.get("allOf").is_some() || schema.get("properties").is_some();
        let kind = schema.get("type").and_then(Value::as_str).or(if is_object {
            Some("object")
        } else {
            None
        });
        match kind {
            Some("object") => {
                let Some(object) = value.as_object() else {
                    problems.push(format!("{path}: expected an object, got {value}"));
                    return;
                };
                let (properties, required) = self.object_parts(schema, &name);
                for key in &required {
                    if !object.contains_key(key) {
                        problems.push(format!("{path}.{key}: required by {name} but missing"));
                    }
                }
                let additional = schema.get("additionalProperties");
                for (key, item) in object {
                    match properties.get(key) {
                        Some(property) => {
                            self.validate(item, property, &name, &format!("{path}.{key}"), problems)
                        }
                        None => match additional {
                            Some(additional) if additional.is_object() => self.validate(
                                item,
                                additional,
                                &name,
                                &format!("{path}.{key}"),
                                problems,
                            ),
                            _ if allowed_extra_properties(&name).contains(&key.as_str()) => {}
                            _ => problems.push(format!("{path}.{key}: not in schema {name}")),
                        },
                    }
                }
            }
            Some("array") => match value.as_array() {
                Some(items) => {
                    if let Some(item_schema) = schema.get("items") {
                        for (index, item) in items.iter().enumerate() {
                            self.validate(
                                item,
                                item_schema,
                                &name,
                                &format!("{path}[{index}]"),
                                problems,
                            );
                        }
                    }
                }
                None => problems.push(format!("{path}: expected an array, got {value}")),
            },
            Some("string") => match value.as_str() {
                Some(text) => {
                    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
                        let listed = allowed.iter().any(|a| a.as_str() == Some(text));
                        if !listed && !allowed_extra_enum_values(&name).contains(&text) {
                            problems
                                .push(format!("{path}: {text:?} is not one of {name}'s values"));
                        }
                    }
                }
                None => problems.push(format!("{path}: expected a string, got {value}")),
            },
            Some("boolean") if !value.is_boolean() => {
                problems.push(format!("{path}: expected a boolean, got {value}"))
            }
            Some("integer") if !(value.is_i64() || value.is_u64()) => {
                problems.push(format!("{path}: expected an integer, got {value}"))
            }
            Some("number") if !value.is_number() => {
                problems.push(format!("{path}: expected a number, got {value}"))
            }
            _ => {}
        }
    }

    fn assert_valid(&self, schema: &str, value: &Value) {
        let mut problems = Vec::new();
        self.validate(value, self.schema(schema), schema, schema, &mut problems);
        assert!(
            problems.is_empty(),
            "{schema} mismatch:\n{}\nvalue: {value:#}",
            problems.join("\n")
        );
    }

    /// A value shaped like the schema: every property, with its example where there is one.
    fn sample(&self, schema: &Value, name: &str, depth: usize) -> Value {
        let (schema, name) = self.resolve(schema, name);
        if let Some(example) = schema.get("example") {
            if !schema.get("type").is_some_and(|t| t == "object") {
                return example.clone();
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return values.first().cloned().unwrap_or(Value::Null);
        }
        let is_object = schema.get("allOf").is_some() || schema.get("properties").is_some();
        match schema.get("type").and_then(Value::as_str).or(if is_object {
            Some("object")
        } else {
            None
        }) {
            Some("object") if depth < 4 => {
                let (properties, _) = self.object_parts(schema, &name);
                Value::Object(
                    properties
                        .iter()
                        .map(|(key, property)| {
                            (key.clone(), self.sample(property, &name, depth + 1))
                        })
                        .collect(),
                )
            }
            Some("object") => json!({}),
            Some("array") => match schema.get("items") {
                Some(items) if depth < 4 => json!([self.sample(items, &name, depth + 1)]),
                _ => json!([]),
            },
            Some("string") => json!("text"),
            Some("integer") | Some("number") => json!(1),
            Some("boolean") => json!(true),
            _ => Value::Null,
        }
    }
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serialises")
}

/// Our type decodes a schema-shaped sample and writes back every field it models the
/// same way it read it.
fn round_trip<T: Serialize + DeserializeOwned>(spec: &Spec, schema: &str) -> T {
    let sample = spec.sample(spec.schema(schema), schema, 0);
    let decoded: T = serde_json::from_value(sample.clone()).unwrap_or_else(|e| {
        panic!("{schema}: schema-shaped JSON does not decode: {e}\n{sample:#}")
    });
    let written = to_json(&decoded);
    for (key, value) in written.as_object().expect("an object") {
        if let Some(original) = sample.get(key) {
            assert_eq!(value, original, "{schema}.{key} changed in a round trip");
        }
    }
    decoded
}

#[test]
fn identity_provider_shapes_match() {
    let spec = Spec::load();
    for kind in CATALOGUE.iter().map(|row| row.kind) {
        let provider = IdentityProvider {
            id: "pocketid-abc".into(),
            kind,
            name: "PocketID".into(),
            issuer: "https://pocketid.example.com".into(),
            client_id: "client".into(),
            logout_url_registered: true,
            login_default: true,
            options: Some(ProviderOptions::default()),
        };
        spec.assert_valid("IdentityProvider", &to_json(&provider));
        let request = IdentityProviderRequest {
            kind,
            name: "PocketID".into(),
            issuer: String::new(),
            client_id: "client".into(),
            client_secret: "secret".into(),
            logout_url_registered: false,
            login_default: false,
            options: Some(ProviderOptions {
                scopes: Some(vec!["openid".into(), "groups".into()]),
                ..ProviderOptions::default()
            }),
        };
        spec.assert_valid("IdentityProviderRequest", &to_json(&request));
    }
    let provider: IdentityProvider = round_trip(&spec, "IdentityProvider");
    assert_eq!(provider.kind, ProviderKind::Oidc);
    round_trip::<IdentityProviderRequest>(&spec, "IdentityProviderRequest");
}

#[test]
fn an_unlisted_provider_type_is_caught() {
    let spec = Spec::load();
    let mut problems = Vec::new();
    let value = json!({"type": "gitlab", "name": "n", "issuer": "i", "client_id": "c"});
    spec.validate(
        &value,
        spec.schema("IdentityProvider"),
        "IdentityProvider",
        "IdentityProvider",
        &mut problems,
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    // And an undocumented extra property is caught too: the checker is not toothless.
    let mut problems = Vec::new();
    let value =
        json!({"type": "oidc", "name": "n", "issuer": "i", "client_id": "c", "client_secret": "s"});
    spec.validate(
        &value,
        spec.schema("IdentityProvider"),
        "IdentityProvider",
        "IdentityProvider",
        &mut problems,
    );
    assert_eq!(
        problems,
        vec!["IdentityProvider.client_secret: not in schema IdentityProvider".to_string()]
    );
}

#[test]
fn account_shapes_match_and_unknown_settings_survive() {
    let spec = Spec::load();
    let account: Account = round_trip(&spec, "Account");
    spec.assert_valid("Account", &to_json(&account));
    // Every settings field the schema knows survives a round trip through our type,
    // typed or not: the PUT must send back what the GET gave.
    let settings_sample = spec.sample(spec.schema("AccountSettings"), "AccountSettings", 0);
    let settings: AccountSettings =
        serde_json::from_value(settings_sample.clone()).expect("decodes");
    assert_eq!(to_json(&settings), settings_sample);
    let request = AccountRequest {
        settings,
        onboarding: Some(AccountOnboarding::default()),
    };
    spec.assert_valid("AccountRequest", &to_json(&request));
}

#[test]
fn user_shapes_match() {
    let spec = Spec::load();
    let user: User = round_trip(&spec, "User");
    spec.assert_valid("User", &to_json(&user));
    let request = UserRequest {
        role: Role::Admin,
        auto_groups: vec!["g1".into()],
        is_blocked: false,
    };
    spec.assert_valid("UserRequest", &to_json(&request));
    round_trip::<UserRequest>(&spec, "UserRequest");
}

#[test]
fn group_shapes_match() {
    let spec = Spec::load();
    let group = Group {
        id: "g1".into(),
        name: "QuFabric".into(),
        peers_count: 0,
        resources_count: 0,
        issued: GroupIssued::Jwt,
        peers: vec![],
        resources: vec![],
    };
    spec.assert_valid("Group", &to_json(&group));
    let decoded: Group =
        serde_json::from_value(spec.sample(spec.schema("Group"), "Group", 0)).expect("decodes");
    assert_eq!(decoded.issued, GroupIssued::Api);
    spec.assert_valid(
        "GroupRequest",
        &to_json(&GroupRequest {
            name: "devs".into(),
        }),
    );
}

#[test]
fn instance_setup_and_error_shapes_match() {
    let spec = Spec::load();
    let instance = InstanceStatus {
        setup_required: false,
        login_providers: vec![LoginProvider {
            id: "pocketid-abc".into(),
            kind: ProviderKind::Pocketid,
            name: "PocketID".into(),
            login_default: true,
        }],
        local_auth_disabled: false,
        redirect_url: Some("https://q.example.com/oauth2/callback".into()),
        logout_url: Some("https://q.example.com/oauth2/logout/callback".into()),
        issuer: Some("https://q.example.com/oauth2".into()),
        sign_in_allowed: Some(true),
        provider_options: true,
    };
    spec.assert_valid("InstanceStatus", &to_json(&instance));
    round_trip::<InstanceStatus>(&spec, "InstanceStatus");

    let setup = SetupRequest {
        email: "a@example.com".into(),
        password: "long enough".into(),
        name: "A".into(),
        create_pat: Some(true),
        pat_expire_in: Some(1),
    };
    spec.assert_valid("SetupRequest", &to_json(&setup));
    round_trip::<SetupRequest>(&spec, "SetupRequest");
    let response = SetupResponse {
        user_id: "u".into(),
        email: "a@example.com".into(),
        personal_access_token: Some("nbp_x".into()),
    };
    spec.assert_valid("SetupResponse", &to_json(&response));
    round_trip::<SetupResponse>(&spec, "SetupResponse");

    spec.assert_valid(
        "ErrorResponse",
        &to_json(&ErrorBody {
            message: "token invalid".into(),
            code: 401,
        }),
    );
    let error: ErrorBody = round_trip(&spec, "ErrorResponse");
    assert_eq!(error.message, "couldn't parse JSON request");
}
