//! Account settings as the server keeps them. `PUT /api/accounts/{id}` replaces the whole
//! object: what the body omits goes back to its default, fields the contract does not know
//! are dropped, and the read-only fields are always the server's own.

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

/// Optional contract fields with no default: kept when sent, absent otherwise.
const OPTIONAL_FIELDS: &[&str] = &[
    "network_range",
    "network_range_v6",
    "dashboard_features",
    "agent_network_only",
];

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
            if !same_kind(default, value) {
                return Err(format!("invalid value for setting {key}"));
            }
            *default = value.clone();
        }
    }
    for key in OPTIONAL_FIELDS {
        if let Some(value) = body.get(*key) {
            result.insert((*key).to_string(), value.clone());
        }
    }
    if let Some(Value::Array(groups)) = result.get("jwt_allow_groups") {
        if groups.iter().any(|g| !g.is_string()) {
            return Err("invalid value for setting jwt_allow_groups".into());
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

fn same_kind(a: &Value, b: &Value) -> bool {
    matches!(
        (a, b),
        (Value::Bool(_), Value::Bool(_))
            | (Value::Number(_), Value::Number(_))
            | (Value::String(_), Value::String(_))
            | (Value::Array(_), Value::Array(_))
            | (Value::Object(_), Value::Object(_))
    )
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
    fn omitted_fields_reset_and_unknown_are_dropped() {
        let body = obj(json!({"jwt_groups_enabled": true, "peer_login_expiration": 5, "bogus": 1}));
        let settings = replace(&body, false).unwrap();
        assert_eq!(settings["jwt_groups_enabled"], true);
        assert_eq!(settings["peer_login_expiration"], 5);
        assert_eq!(settings["groups_propagation_enabled"], true);
        assert!(!settings.contains_key("bogus"));
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
}
