//! Account settings as the server keeps them. `PUT /api/accounts/{id}` replaces the whole
//! object: what the body omits goes back to its default, every field the contract knows
//! must have the contract's type, fields it does not know are kept as sent (a newer
//! dashboard's), and the read-only fields are always the server's own.

use serde_json::{json, Map, Value};

/// Every settings field of the contract with its default value.
pub fn defaults() -> Map<String, Value> {
    let value = json!({
        "peer_login_expiration_enabled": true,
        "peer_login_expiration": 86400,
        "peer_inactivity_expiration_enabled": false,
        "peer_inactivity_expiration": 600,
        "regular_users_view_blocked": true,
        "groups_propagation_enabled": true,
        "jwt_groups_enabled": false,
        "jwt_groups_claim_name": "",
        "jwt_allow_groups": [],
        "routing_peer_dns_resolution_enabled": true,
        "dns_domain": "",
        "peer_expose_enabled": false,
        "peer_expose_groups": [],
        "extra": {
            "peer_approval_enabled": false,
            "user_approval_required": false,
            "network_traffic_logs_enabled": false,
            "network_traffic_logs_groups": [],
            "network_traffic_packet_counter_enabled": false
        },
        "lazy_connection_enabled": false,
        "auto_update_version": "disabled",
        "auto_update_always": false,
        "metrics_push_enabled": false,
        "local_mfa_enabled": false,
        "ipv6_enabled_groups": [],
        "embedded_idp_enabled": true,
        "local_auth_disabled": false
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Optional contract fields with no default, with a value of their contract type: kept
/// when sent, absent otherwise.
fn optional_fields() -> [(&'static str, Value); 4] {
    [
        ("network_range", json!("")),
        ("network_range_v6", json!("")),
        ("dashboard_features", json!({})),
        ("agent_network_only", json!(false)),
    ]
}

const READ_ONLY_FIELDS: &[&str] = &["embedded_idp_enabled", "local_auth_disabled"];

/// The settings after a PUT with `body`: replace semantics, types checked per field.
pub fn replace(
    body: &Map<String, Value>,
    local_auth_disabled: bool,
) -> Result<Map<String, Value>, String> {
    let mut result = defaults();
    for (key, default) in result.iter_mut() {
        if READ_ONLY_FIELDS.contains(&key.as_str()) {
            continue;
        }
        if let Some(value) = body.get(key) {
            if !conforms(default, value) {
                return Err(format!("invalid value for setting {key}"));
            }
            *default = value.clone();
        }
    }
    for (key, kind) in optional_fields() {
        if let Some(value) = body.get(key) {
            if !conforms(&kind, value) {
                return Err(format!("invalid value for setting {key}"));
            }
            result.insert(key.to_string(), value.clone());
        }
    }
    // What the contract does not know is kept as sent.
    for (key, value) in body {
        if !result.contains_key(key) && !READ_ONLY_FIELDS.contains(&key.as_str()) {
            result.insert(key.clone(), value.clone());
        }
    }
    apply_read_only(&mut result, local_auth_disabled);
    Ok(result)
}

/// Stamp the server-owned fields onto stored settings before answering.
pub fn apply_read_only(settings: &mut Map<String, Value>, local_auth_disabled: bool) {
    settings.insert("embedded_idp_enabled".into(), Value::Bool(true));
    settings.insert(
        "local_auth_disabled".into(),
        Value::Bool(local_auth_disabled),
    );
}

/// Whether `value` has the contract type of the field whose default is `default`:
/// integers for numbers, strings in every list (all list settings are group ids or
/// names), and each known key of an object (e.g. `extra`) of its own type.
fn conforms(default: &Value, value: &Value) -> bool {
    match (default, value) {
        (Value::Bool(_), Value::Bool(_)) | (Value::String(_), Value::String(_)) => true,
        (Value::Number(_), Value::Number(number)) => number.is_i64() || number.is_u64(),
        (Value::Array(_), Value::Array(items)) => items.iter().all(Value::is_string),
        (Value::Object(known), Value::Object(given)) => known
            .iter()
            .all(|(key, default)| given.get(key).is_none_or(|value| conforms(default, value))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn omitted_fields_reset() {
        let body = obj(json!({"jwt_groups_enabled": true, "peer_login_expiration": 5}));
        let settings = replace(&body, false).unwrap();
        assert_eq!(settings["jwt_groups_enabled"], true);
        assert_eq!(settings["peer_login_expiration"], 5);
        assert_eq!(settings["groups_propagation_enabled"], true);
    }

    #[test]
    fn read_only_fields_are_the_servers() {
        let body = obj(json!({"local_auth_disabled": true, "embedded_idp_enabled": false}));
        let settings = replace(&body, false).unwrap();
        assert_eq!(settings["local_auth_disabled"], false);
        assert_eq!(settings["embedded_idp_enabled"], true);
    }

    #[test]
    fn wrong_types_are_refused() {
        assert!(replace(&obj(json!({"jwt_groups_enabled": "yes"})), false).is_err());
        assert!(replace(&obj(json!({"jwt_allow_groups": [1]})), false).is_err());
    }

    #[test]
    fn every_known_field_is_checked_to_its_contract_type() {
        // What a contract fuzzer found stored and returned, and their relatives.
        for body in [
            json!({"ipv6_enabled_groups": [{}]}),
            json!({"peer_expose_groups": [7]}),
            json!({"peer_login_expiration": 1.5}),
            json!({"peer_inactivity_expiration": "600"}),
            json!({"extra": {"peer_approval_enabled": "yes"}}),
            json!({"extra": {"network_traffic_logs_groups": [null]}}),
            json!({"extra": []}),
            json!({"network_range": 10}),
            json!({"agent_network_only": "no"}),
            json!({"dashboard_features": "all"}),
        ] {
            assert!(replace(&obj(body.clone()), false).is_err(), "{body}");
        }
        let fine = replace(
            &obj(
                json!({"ipv6_enabled_groups": ["g1"], "extra": {"peer_approval_enabled": true},
                        "network_range": "100.64.0.0/16", "peer_login_expiration": 3600}),
            ),
            false,
        )
        .unwrap();
        assert_eq!(fine["ipv6_enabled_groups"], json!(["g1"]));
        assert_eq!(fine["extra"]["peer_approval_enabled"], true);
    }

    #[test]
    fn fields_the_contract_does_not_know_are_kept() {
        let settings = replace(&obj(json!({"future_setting": {"keep": "me"}})), false).unwrap();
        assert_eq!(settings["future_setting"], json!({"keep": "me"}));
    }
}
