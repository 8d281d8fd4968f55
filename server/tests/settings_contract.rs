//! The server's typed settings know every field of the contract's `AccountSettings` (and
//! its `extra`): a value of the wrong type for any of them is refused. A field the struct
//! forgot would land among the unknown fields, kept untyped: exactly the fail-open this
//! test exists to catch when the contract grows.

use serde_json::{json, Map, Value};

use qufabric_server::settings::Settings;

fn contract() -> serde_yaml::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/contracts/management-openapi.yml"
    );
    let text = std::fs::read_to_string(path).expect("the contract is in docs/contracts");
    serde_yaml::from_str(&text).expect("the contract parses")
}

fn properties(contract: &serde_yaml::Value, schema: &str) -> Vec<(String, String)> {
    let properties = &contract["components"]["schemas"][schema]["properties"];
    let serde_yaml::Value::Mapping(map) = properties else {
        panic!("{schema} has properties in the contract");
    };
    map.iter()
        .map(|(name, property)| {
            let kind = property["type"].as_str().unwrap_or("object").to_string();
            (name.as_str().unwrap_or_default().to_string(), kind)
        })
        .collect()
}

/// A value of a type other than `kind`.
fn mistyped(kind: &str) -> Value {
    match kind {
        "string" => json!(7),
        _ => json!("not of this type"),
    }
}

#[test]
fn every_contract_field_is_typed() {
    let contract = contract();
    let read_only = ["embedded_idp_enabled", "local_auth_disabled"];
    let mut checked = 0;
    for (field, kind) in properties(&contract, "AccountSettings") {
        if read_only.contains(&field.as_str()) {
            continue;
        }
        let mut body = Map::new();
        body.insert(field.clone(), mistyped(&kind));
        assert!(
            Settings::replace(body, false).is_err(),
            "settings.{field} ({kind}) is not typed in server/src/settings.rs"
        );
        checked += 1;
    }
    for (field, kind) in properties(&contract, "AccountExtraSettings") {
        let mut body = Map::new();
        body.insert("extra".into(), json!({ field.clone(): mistyped(&kind) }));
        assert!(
            Settings::replace(body, false).is_err(),
            "settings.extra.{field} ({kind}) is not typed in server/src/settings.rs"
        );
        checked += 1;
    }
    assert!(
        checked > 20,
        "only {checked} fields were found in the contract"
    );
}

/// Every leaf field under `schema`, following `$ref`s into nested objects: (its path, its
/// type).
fn leaves(
    contract: &serde_yaml::Value,
    schema: &str,
    path: &[String],
) -> Vec<(Vec<String>, String)> {
    let serde_yaml::Value::Mapping(map) = &contract["components"]["schemas"][schema]["properties"]
    else {
        panic!("{schema} has properties in the contract");
    };
    let mut out = Vec::new();
    for (name, property) in map {
        let mut here = path.to_vec();
        here.push(name.as_str().unwrap_or_default().to_string());
        let reference = property["$ref"]
            .as_str()
            .or_else(|| property["allOf"][0]["$ref"].as_str());
        match reference.and_then(|r| r.strip_prefix("#/components/schemas/")) {
            Some(nested) => out.extend(leaves(contract, nested, &here)),
            None => out.push((
                here,
                property["type"].as_str().unwrap_or("object").to_string(),
            )),
        }
    }
    out
}

/// `{"a": {"b": value}}` for the path `a.b`.
fn nested_body(path: &[String], value: Value) -> Map<String, Value> {
    let mut value = value;
    for name in path[1..].iter().rev() {
        value = json!({ name.clone(): value });
    }
    let mut body = Map::new();
    body.insert(path[0].clone(), value);
    body
}

#[test]
fn every_nested_contract_field_is_typed_and_its_refusal_names_it() {
    let contract = contract();
    let read_only = ["embedded_idp_enabled", "local_auth_disabled"];
    let mut nested = 0;
    for (path, kind) in leaves(&contract, "AccountSettings", &[]) {
        if read_only.contains(&path[0].as_str()) || kind == "object" {
            continue;
        }
        let dotted = path.join(".");
        let refused = Settings::replace(nested_body(&path, mistyped(&kind)), false).expect_err(
            &format!("settings.{dotted} ({kind}) is not typed in server/src/settings.rs"),
        );
        assert!(
            refused.contains(&dotted),
            "the refusal of settings.{dotted} does not name it: {refused}"
        );
        nested += usize::from(path.len() > 1);
    }
    assert!(
        nested >= 6,
        "only {nested} nested fields were found in the contract"
    );
}
