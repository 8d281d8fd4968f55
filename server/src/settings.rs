//! Account settings as the server keeps them, typed: every field of the contract has its
//! contract type, so a body or a stored row with a mistyped field is refused rather than
//! read as a default (fail closed). `PUT /api/accounts/{id}` replaces the whole object:
//! what the body omits goes back to its default, fields the contract does not know are kept
//! as sent (a newer dashboard's), and the read-only fields are always the server's own.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The account's settings (NetBird's `AccountSettings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub peer_login_expiration_enabled: bool,
    pub peer_login_expiration: i64,
    pub peer_inactivity_expiration_enabled: bool,
    pub peer_inactivity_expiration: i64,
    pub regular_users_view_blocked: bool,
    pub groups_propagation_enabled: bool,
    pub jwt_groups_enabled: bool,
    pub jwt_groups_claim_name: String,
    pub jwt_allow_groups: Vec<String>,
    pub routing_peer_dns_resolution_enabled: bool,
    pub dns_domain: String,
    pub peer_expose_enabled: bool,
    pub peer_expose_groups: Vec<String>,
    pub extra: ExtraSettings,
    pub lazy_connection_enabled: bool,
    pub auto_update_version: String,
    pub auto_update_always: bool,
    pub metrics_push_enabled: bool,
    pub local_mfa_enabled: bool,
    pub ipv6_enabled_groups: Vec<String>,
    /// QuFabric: roles from providers' groups (`qufabric_model::role_rules`). A body that
    /// omits it keeps the stored rules (see `api::accounts`): the NetBird dashboard, which
    /// does not know the field, must not erase them by saving another setting.
    pub qufabric_role_rules: qufabric_model::role_rules::RoleRules,
    /// Optional in the contract, with no default: kept when sent, absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_range: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_range_v6: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dashboard_features: Option<DashboardFeatures>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_network_only: Option<bool>,
    /// Read-only: always true here (the embedded IdP is what this server is).
    pub embedded_idp_enabled: bool,
    /// Read-only: from the server's `--local-auth-disabled` flag.
    pub local_auth_disabled: bool,
    /// What the contract does not know, kept as sent.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// `settings.dashboard_features`: per-section visibility overrides, each a boolean when
/// sent (the contract's `AccountDashboardFeatures`); keys it does not know are kept.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DashboardFeatures {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_network: Option<bool>,
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// `settings.extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ExtraSettings {
    pub peer_approval_enabled: bool,
    pub user_approval_required: bool,
    pub network_traffic_logs_enabled: bool,
    pub network_traffic_logs_groups: Vec<String>,
    pub network_traffic_packet_counter_enabled: bool,
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            peer_login_expiration_enabled: true,
            peer_login_expiration: 86400,
            peer_inactivity_expiration_enabled: false,
            peer_inactivity_expiration: 600,
            regular_users_view_blocked: true,
            groups_propagation_enabled: true,
            jwt_groups_enabled: false,
            jwt_groups_claim_name: String::new(),
            jwt_allow_groups: Vec::new(),
            routing_peer_dns_resolution_enabled: true,
            dns_domain: String::new(),
            peer_expose_enabled: false,
            peer_expose_groups: Vec::new(),
            // A new install makes newcomers wait for approval, as the real server does
            // (`newAccountWithId`); a stored account without the field reads false.
            extra: ExtraSettings {
                user_approval_required: true,
                ..ExtraSettings::default()
            },
            lazy_connection_enabled: false,
            auto_update_version: "disabled".into(),
            auto_update_always: false,
            metrics_push_enabled: false,
            local_mfa_enabled: false,
            ipv6_enabled_groups: Vec::new(),
            qufabric_role_rules: Default::default(),
            network_range: None,
            network_range_v6: None,
            dashboard_features: None,
            agent_network_only: None,
            embedded_idp_enabled: true,
            local_auth_disabled: false,
            unknown: Map::new(),
        }
    }
}

const READ_ONLY_FIELDS: &[&str] = &["embedded_idp_enabled", "local_auth_disabled"];

impl Settings {
    /// The settings after a PUT with `body`: replace semantics, every known field of its
    /// contract type (the error names the first that is not), the read-only fields the
    /// server's whatever the body says.
    pub fn replace(
        mut body: Map<String, Value>,
        local_auth_disabled: bool,
    ) -> Result<Settings, String> {
        for field in READ_ONLY_FIELDS {
            body.remove(*field);
        }
        let mut settings: Settings = serde_path_to_error::deserialize(Value::Object(body))
            .map_err(|error| format!("invalid value for setting {}", error.path()))?;
        settings.apply_read_only(local_auth_disabled);
        Ok(settings)
    }

    /// Stamp the server-owned fields before answering.
    pub fn apply_read_only(&mut self, local_auth_disabled: bool) {
        self.embedded_idp_enabled = true;
        self.local_auth_disabled = local_auth_disabled;
    }
}

/// The account's sync settings as the model's rules read them (one source of truth with
/// the Groups page's checks).
pub fn sync_settings(settings: &Settings) -> qufabric_model::group_checks::SyncDraft {
    qufabric_model::group_checks::SyncDraft {
        enabled: settings.jwt_groups_enabled,
        claim: settings.jwt_groups_claim_name.clone(),
        allow: settings.jwt_allow_groups.clone(),
    }
}

/// Whether a person who arrives through a provider for the first time waits for approval.
pub fn approval_required(store: &crate::store::Store) -> Result<bool, crate::store::StoreError> {
    let account = store.account(&crate::secrets::random_id(20), &Settings::default())?;
    Ok(account.settings.extra.user_approval_required)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn omitted_fields_reset() {
        let body = obj(json!({"jwt_groups_enabled": true, "peer_login_expiration": 5}));
        let settings = Settings::replace(body, false).unwrap();
        assert!(settings.jwt_groups_enabled);
        assert_eq!(settings.peer_login_expiration, 5);
        assert!(settings.groups_propagation_enabled);
        assert_eq!(settings.auto_update_version, "disabled");
    }

    #[test]
    fn read_only_fields_are_the_servers() {
        let body = obj(json!({"local_auth_disabled": true, "embedded_idp_enabled": "no"}));
        let settings = Settings::replace(body, false).unwrap();
        assert!(!settings.local_auth_disabled);
        assert!(settings.embedded_idp_enabled);
        assert!(
            Settings::replace(Map::new(), true)
                .unwrap()
                .local_auth_disabled
        );
    }

    #[test]
    fn every_known_field_is_checked_to_its_contract_type_and_named() {
        // What a contract fuzzer found stored and returned, and their relatives.
        for (body, field) in [
            (json!({"jwt_groups_enabled": "yes"}), "jwt_groups_enabled"),
            (json!({"jwt_allow_groups": [1]}), "jwt_allow_groups"),
            (
                json!({"jwt_groups_claim_name": null}),
                "jwt_groups_claim_name",
            ),
            (json!({"ipv6_enabled_groups": [{}]}), "ipv6_enabled_groups"),
            (json!({"peer_expose_groups": [7]}), "peer_expose_groups"),
            (
                json!({"peer_login_expiration": 1.5}),
                "peer_login_expiration",
            ),
            (
                json!({"peer_inactivity_expiration": "600"}),
                "peer_inactivity_expiration",
            ),
            (json!({"extra": {"peer_approval_enabled": "yes"}}), "extra"),
            (
                json!({"extra": {"network_traffic_logs_groups": [null]}}),
                "extra",
            ),
            (json!({"extra": []}), "extra"),
            (json!({"network_range": 10}), "network_range"),
            (json!({"agent_network_only": "no"}), "agent_network_only"),
            (json!({"dashboard_features": "all"}), "dashboard_features"),
            // Found by a contract fuzzer: an object where the contract says boolean.
            (
                json!({"dashboard_features": {"agent_network": {}}}),
                "dashboard_features",
            ),
            (
                json!({"dashboard_features": {"agent_network": "true"}}),
                "dashboard_features",
            ),
        ] {
            let error = Settings::replace(obj(body.clone()), false).unwrap_err();
            assert!(error.contains(field), "{body}: {error}");
        }
        let fine = Settings::replace(
            obj(
                json!({"ipv6_enabled_groups": ["g1"], "extra": {"peer_approval_enabled": true},
                        "network_range": "100.64.0.0/16", "peer_login_expiration": 3600}),
            ),
            false,
        )
        .unwrap();
        assert_eq!(fine.ipv6_enabled_groups, ["g1"]);
        assert!(fine.extra.peer_approval_enabled);
        assert_eq!(fine.network_range.as_deref(), Some("100.64.0.0/16"));
        let features = Settings::replace(
            obj(json!({"dashboard_features": {"agent_network": true, "future_section": false}})),
            false,
        )
        .unwrap();
        let written = serde_json::to_value(&features).unwrap();
        assert_eq!(
            written["dashboard_features"],
            json!({"agent_network": true, "future_section": false})
        );
    }

    #[test]
    fn fields_the_contract_does_not_know_are_kept_and_written_back() {
        let settings = Settings::replace(
            obj(json!({"future_setting": {"keep": "me"}, "extra": {"future_extra": 1}})),
            false,
        )
        .unwrap();
        let written = serde_json::to_value(&settings).unwrap();
        assert_eq!(written["future_setting"], json!({"keep": "me"}));
        assert_eq!(written["extra"]["future_extra"], 1);
        assert!(
            written.get("network_range").is_none(),
            "absent stays absent"
        );
        let read: Settings = serde_json::from_value(written).unwrap();
        assert_eq!(read, settings);
    }

    #[test]
    fn a_stored_row_with_a_mistyped_field_is_refused_not_defaulted() {
        let stored = json!({"jwt_groups_enabled": true, "jwt_allow_groups": ["A", 1]});
        assert!(serde_json::from_value::<Settings>(stored).is_err());
    }
}
