//! Serde types of the QuFabric management API (NetBird shapes plus QuFabric's additive
//! extensions). Both the dashboard and the reference server use them, so the JSON the two
//! exchange cannot drift apart; `tests/contract.rs` checks them against the OpenAPI document.
//!
//! Decoding is lenient where the real server may send more than we know: unknown enum
//! values decode to an `Unknown` variant, missing optional fields take defaults, and the
//! account settings keep every field we do not model so a PUT can send them back.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::kept::Kept;
use crate::provider_options::ProviderOptions;
use crate::providers::ProviderKind;

/// The error body of every non-2xx answer: `{"message": "...", "code": 422}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub code: u16,
}

/// `GET /api/instance`: public, no token needed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InstanceStatus {
    pub setup_required: bool,
    /// QuFabric extension: one entry per configured external provider.
    #[serde(default)]
    pub login_providers: Vec<LoginProvider>,
    /// QuFabric extension: when true only external providers can be used to sign in.
    #[serde(default)]
    pub local_auth_disabled: bool,
    /// QuFabric extension: `<public URL>/oauth2/callback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// QuFabric extension: `<public URL>/oauth2/logout/callback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logout_url: Option<String>,
    /// QuFabric extension: the embedded IdP's issuer (`<public URL>/oauth2`): the `iss` of
    /// every token it signs, whatever address the page was opened at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// QuFabric extension: whether a dashboard page on the origin given as
    /// `?origin=` (else the request's own) may sign in here. `false` means the embedded
    /// IdP will refuse its redirect URI: the login screen says so before any click.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in_allowed: Option<bool>,
    /// QuFabric extension: identity providers take `options` (scopes, claim mapping), so
    /// the form for a new provider shows its Advanced part.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub provider_options: bool,
}

/// `POST /oauth2/sign-out` answer (QuFabric extension): the QuFabric session is over;
/// `provider` says where the user came from, when it was an external provider.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SignOutResult {
    #[serde(default)]
    pub provider: Option<SignedOutProvider>,
}

/// The external provider of a session that just ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedOutProvider {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ProviderKind,
    /// The provider's end-session address: with QuFabric's Logout URL as the return
    /// address when the administrator registered it there, without one otherwise; `None`
    /// when the provider advertises no end-session endpoint or could not be reached.
    #[serde(default)]
    pub end_session_url: Option<String>,
    #[serde(default)]
    pub logout_url_registered: bool,
}

/// A provider as the login screen sees it: nothing secret, no issuer, no client id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginProvider {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ProviderKind,
    pub name: String,
    /// QuFabric extension: `/login` goes on to this provider by itself (see
    /// `login_default::redirect_target`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub login_default: bool,
}

/// `POST /api/setup` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupRequest {
    pub email: String,
    pub password: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_pat: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pat_expire_in: Option<u32>,
}

/// `POST /api/setup` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupResponse {
    pub user_id: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personal_access_token: Option<String>,
}

/// A user's account role. Anything else the server may add decodes to `Unknown`, which the
/// dashboard treats like a plain user (no access to settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Auditor,
    #[default]
    User,
    #[serde(other)]
    Unknown,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
            Role::User => "user",
            Role::Unknown => "unknown",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        match value {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "auditor" => Some(Role::Auditor),
            "user" => Some(Role::User),
            _ => None,
        }
    }

    /// May read the settings this dashboard shows (providers, account, groups, users).
    pub fn can_read_settings(self) -> bool {
        matches!(self, Role::Owner | Role::Admin | Role::Auditor)
    }

    /// May change them.
    pub fn can_write_settings(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

/// `{ "read": bool, "create": bool, "update": bool, "delete": bool }` per module.
pub type ModulePermissions = BTreeMap<String, bool>;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserPermissions {
    #[serde(default)]
    pub is_restricted: bool,
    #[serde(default)]
    pub modules: BTreeMap<String, ModulePermissions>,
}

impl UserPermissions {
    pub fn allows(&self, module: &str, operation: &str) -> bool {
        self.modules
            .get(module)
            .and_then(|ops| ops.get(operation))
            .copied()
            .unwrap_or(false)
    }
}

/// `GET /api/users` item and `GET /api/users/current`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: Role,
    #[serde(default)]
    pub status: UserStatus,
    #[serde(default)]
    pub auto_groups: Vec<String>,
    #[serde(default)]
    pub is_current: bool,
    #[serde(default)]
    pub is_service_user: bool,
    #[serde(default)]
    pub is_blocked: bool,
    #[serde(default)]
    pub pending_approval: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<String>,
    /// The external provider (connector) the user signs in with; absent for local users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idp_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<UserPermissions>,
    /// Only in the answer that created a local user: the generated password, shown once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// QuFabric: the role was set by hand on the Users page, so the role rules leave it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub role_by_hand: bool,
    /// QuFabric: the role rule (or the rules' default) that gave the role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_given: Option<crate::role_rules::RoleGiven>,
}

impl User {
    /// How people are named on screen: the email, or the name when there is none.
    pub fn display_name(&self) -> String {
        if self.email.is_empty() {
            self.name.clone()
        } else {
            self.email.clone()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    #[default]
    Active,
    Invited,
    Blocked,
    #[serde(other)]
    Unknown,
}

/// `PUT /api/users/{id}` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRequest {
    pub role: Role,
    pub auto_groups: Vec<String>,
    pub is_blocked: bool,
}

/// `POST /api/users`: a local user made by an administrator (email and password at the
/// embedded IdP), with a generated password the answer carries once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCreateRequest {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub role: Role,
    pub auto_groups: Vec<String>,
    pub is_service_user: bool,
}

/// `POST /api/users/invites`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInviteCreateRequest {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub auto_groups: Vec<String>,
    /// Seconds; 72 hours when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
}

/// An invite, as `GET/POST /api/users/invites` answer it. `invite_token` only in the
/// answer that made it (create, regenerate): the server keeps only its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInvite {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub auto_groups: Vec<String>,
    pub expires_at: String,
    pub created_at: String,
    #[serde(default)]
    pub expired: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_token: Option<String>,
}

/// `GET /api/users/invites/{token}`: what the public invite page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInviteInfo {
    pub email: String,
    pub name: String,
    pub expires_at: String,
    pub valid: bool,
    pub invited_by: String,
}

/// `POST /api/users/invites/{token}/accept`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInviteAcceptRequest {
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInviteAcceptResponse {
    pub success: bool,
}

/// `POST /api/users/invites/{id}/regenerate`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserInviteRegenerateRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInviteRegenerateResponse {
    pub invite_token: String,
    pub invite_expires_at: String,
}

/// How a group came to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupIssued {
    #[default]
    Api,
    Integration,
    Jwt,
    #[serde(other)]
    Unknown,
}

/// `GET /api/groups` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub peers_count: u64,
    #[serde(default)]
    pub resources_count: u64,
    #[serde(default)]
    pub issued: GroupIssued,
    #[serde(default)]
    pub peers: Vec<Kept>,
    #[serde(default)]
    pub resources: Vec<Kept>,
}

impl Group {
    /// A group without peers or resources (all this server's groups are).
    pub fn empty(id: impl Into<String>, name: impl Into<String>, issued: GroupIssued) -> Group {
        Group {
            id: id.into(),
            name: name.into(),
            peers_count: 0,
            resources_count: 0,
            issued,
            peers: Vec::new(),
            resources: Vec::new(),
        }
    }
}

/// `POST /api/groups` body (only the name matters to this dashboard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRequest {
    pub name: String,
}

/// `GET /api/identity-providers` item. The client secret is never part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProvider {
    #[serde(default)]
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ProviderKind,
    pub name: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub client_id: String,
    /// QuFabric extension: the administrator listed QuFabric's Logout URL at the provider
    /// (PocketID: "Logout Callback URLs"), so sign-out may return through it.
    #[serde(default)]
    pub logout_url_registered: bool,
    /// QuFabric extension: the login screen goes on to this provider by itself (at most
    /// one provider is; marking one unmarks the others).
    #[serde(default)]
    pub login_default: bool,
    /// QuFabric extension: the scopes asked for and the claims read. `None` when the server
    /// does not return it (the form then hides its Advanced part).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<ProviderOptions>,
}

/// `POST /api/identity-providers` and `PUT /api/identity-providers/{id}` body.
/// On update an empty `client_secret` keeps the stored one.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityProviderRequest {
    #[serde(rename = "type")]
    pub kind: ProviderKind,
    pub name: String,
    #[serde(default)]
    pub issuer: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    /// QuFabric extension, see [`IdentityProvider::logout_url_registered`].
    #[serde(default)]
    pub logout_url_registered: bool,
    /// QuFabric extension, see [`IdentityProvider::login_default`].
    #[serde(default)]
    pub login_default: bool,
    /// QuFabric extension, see [`IdentityProvider::options`]; `None` keeps what is stored
    /// (the kind's defaults for a new provider).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<ProviderOptions>,
}

// The secret must never reach a log line, so Debug is written by hand.
impl std::fmt::Debug for IdentityProviderRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityProviderRequest")
            .field("kind", &self.kind)
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("logout_url_registered", &self.logout_url_registered)
            .field("login_default", &self.login_default)
            .field("options", &self.options)
            .finish()
    }
}

/// Account settings. The fields this dashboard edits are typed; every other field the
/// server sent is kept in `other`, as sent, so that a PUT (which replaces the whole object)
/// sends it back unchanged. Read and written through a map of kept JSON rather than with
/// `#[serde(flatten)]`, whose buffering code is the heavier of the two in the wasm bundle.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<String, Kept>", into = "BTreeMap<String, Kept>")]
pub struct AccountSettings {
    pub jwt_groups_enabled: bool,
    pub jwt_groups_claim_name: String,
    pub jwt_allow_groups: Vec<String>,
    pub groups_propagation_enabled: bool,
    /// Read-only: the server decides it from its flags.
    pub embedded_idp_enabled: bool,
    /// Read-only: the server decides it from its flags.
    pub local_auth_disabled: bool,
    pub other: BTreeMap<String, Kept>,
}

/// A typed settings field: missing or `null` reads as its default, a wrong type is an
/// error that names the field.
fn take_field<T: for<'a> Deserialize<'a> + Default>(
    fields: &mut BTreeMap<String, Kept>,
    name: &str,
) -> Result<T, String> {
    match fields.remove(name) {
        None => Ok(T::default()),
        Some(kept) if kept.json() == "null" => Ok(T::default()),
        Some(kept) => kept.decode().map_err(|e| format!("settings.{name}: {e}")),
    }
}

impl TryFrom<BTreeMap<String, Kept>> for AccountSettings {
    type Error = String;

    fn try_from(mut fields: BTreeMap<String, Kept>) -> Result<AccountSettings, String> {
        Ok(AccountSettings {
            jwt_groups_enabled: take_field(&mut fields, "jwt_groups_enabled")?,
            jwt_groups_claim_name: take_field(&mut fields, "jwt_groups_claim_name")?,
            jwt_allow_groups: take_field(&mut fields, "jwt_allow_groups")?,
            groups_propagation_enabled: take_field(&mut fields, "groups_propagation_enabled")?,
            embedded_idp_enabled: take_field(&mut fields, "embedded_idp_enabled")?,
            local_auth_disabled: take_field(&mut fields, "local_auth_disabled")?,
            other: fields,
        })
    }
}

/// The nested `extra` object of the settings, whose other fields go back as they came.
const EXTRA: &str = "extra";
const USER_APPROVAL_REQUIRED: &str = "user_approval_required";

impl AccountSettings {
    /// `extra.user_approval_required`: a person who first arrives through a provider waits
    /// until an owner or administrator approves them. A missing or unreadable `extra`
    /// reads as off, as the server reads it.
    pub fn user_approval_required(&self) -> bool {
        self.other
            .get(EXTRA)
            .and_then(|extra| extra.decode::<BTreeMap<String, Kept>>().ok())
            .and_then(|fields| fields.get(USER_APPROVAL_REQUIRED)?.decode::<bool>().ok())
            .unwrap_or(false)
    }

    /// The settings with `extra.user_approval_required` set, every other field of `extra`
    /// kept as it was.
    pub fn with_user_approval_required(mut self, required: bool) -> AccountSettings {
        let mut extra = self
            .other
            .get(EXTRA)
            .and_then(|extra| extra.decode::<BTreeMap<String, Kept>>().ok())
            .unwrap_or_default();
        if let Some(value) = Kept::of(&required) {
            extra.insert(USER_APPROVAL_REQUIRED.to_string(), value);
        }
        if let Some(extra) = Kept::of(&extra) {
            self.other.insert(EXTRA.to_string(), extra);
        }
        self
    }
}

impl AccountSettings {
    /// The role rules (`settings.qufabric_role_rules`), or `None` when the server sent none
    /// (the real NetBird server does not keep them: the page hides the section). Unreadable
    /// rules read as none too, so the page never sends back rules it misread.
    pub fn role_rules(&self) -> Option<crate::role_rules::RoleRules> {
        self.other
            .get(crate::role_rules::SETTINGS_FIELD)?
            .decode()
            .ok()
    }

    /// The settings with `rules` as their role rules.
    pub fn with_role_rules(mut self, rules: &crate::role_rules::RoleRules) -> AccountSettings {
        if let Some(value) = Kept::of(rules) {
            self.other
                .insert(crate::role_rules::SETTINGS_FIELD.to_string(), value);
        }
        self
    }
}

impl From<AccountSettings> for BTreeMap<String, Kept> {
    fn from(settings: AccountSettings) -> BTreeMap<String, Kept> {
        let mut fields = settings.other;
        let typed = [
            ("jwt_groups_enabled", Kept::of(&settings.jwt_groups_enabled)),
            (
                "jwt_groups_claim_name",
                Kept::of(&settings.jwt_groups_claim_name),
            ),
            ("jwt_allow_groups", Kept::of(&settings.jwt_allow_groups)),
            (
                "groups_propagation_enabled",
                Kept::of(&settings.groups_propagation_enabled),
            ),
            (
                "embedded_idp_enabled",
                Kept::of(&settings.embedded_idp_enabled),
            ),
            (
                "local_auth_disabled",
                Kept::of(&settings.local_auth_disabled),
            ),
        ];
        for (name, value) in typed {
            if let Some(value) = value {
                fields.insert(name.to_string(), value);
            }
        }
        fields
    }
}

/// `GET /api/accounts` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub settings: AccountSettings,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub domain_category: String,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub created_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onboarding: Option<AccountOnboarding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccountOnboarding {
    #[serde(default)]
    pub signup_form_pending: bool,
    #[serde(default)]
    pub onboarding_flow_pending: bool,
}

/// `PUT /api/accounts/{id}` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRequest {
    pub settings: AccountSettings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onboarding: Option<AccountOnboarding>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approval_is_read_from_extra_and_written_back_with_the_rest_of_it() {
        let json = r#"{"jwt_groups_enabled":false,"extra":{"peer_approval_enabled":true,"user_approval_required":true,"future":[1]}}"#;
        let settings: AccountSettings = serde_json::from_str(json).unwrap();
        assert!(settings.user_approval_required());
        let off = settings.with_user_approval_required(false);
        assert!(!off.user_approval_required());
        let back = serde_json::to_value(&off).unwrap();
        assert_eq!(
            back["extra"],
            serde_json::json!({"peer_approval_enabled": true, "user_approval_required": false, "future": [1]})
        );
        // No extra at all (an older server): off, and switching it on creates it.
        let bare: AccountSettings =
            serde_json::from_str(r#"{"jwt_groups_enabled":false}"#).unwrap();
        assert!(!bare.user_approval_required());
        let on = bare.with_user_approval_required(true);
        assert_eq!(
            serde_json::to_value(&on).unwrap()["extra"],
            serde_json::json!({"user_approval_required": true})
        );
    }

    #[test]
    fn role_rules_are_read_when_sent_and_written_back() {
        let none: AccountSettings = serde_json::from_str(r#"{"jwt_groups_enabled":true}"#).unwrap();
        assert_eq!(none.role_rules(), None);
        let json = r#"{"qufabric_role_rules":{"rules":[{"group":"A","idp_id":"p","role":"admin"}],"default_role":"auditor"}}"#;
        let sent: AccountSettings = serde_json::from_str(json).unwrap();
        let rules = sent.role_rules().unwrap();
        assert_eq!(rules.default_role, Role::Auditor);
        assert_eq!(rules.rules[0].group, "A");
        let emptied = sent.with_role_rules(&crate::role_rules::RoleRules::default());
        let back = serde_json::to_value(&emptied).unwrap();
        assert_eq!(
            back["qufabric_role_rules"],
            serde_json::json!({"rules": [], "default_role": "user"})
        );
    }

    #[test]
    fn settings_keep_unknown_fields_round_trip() {
        let json = r#"{"jwt_groups_enabled":true,"jwt_groups_claim_name":"groups",
            "jwt_allow_groups":["QuFabric"],"peer_login_expiration":86400,
            "extra":{"peer_approval_enabled":false},"future_field":[1,2]}"#;
        let settings: AccountSettings = serde_json::from_str(json).unwrap();
        assert!(settings.jwt_groups_enabled);
        assert_eq!(settings.other["peer_login_expiration"].json(), "86400");
        let back = serde_json::to_value(&settings).unwrap();
        assert_eq!(back["future_field"], serde_json::json!([1, 2]));
        assert_eq!(back["extra"]["peer_approval_enabled"], false);
    }

    #[test]
    fn unknown_enum_values_do_not_fail_decoding() {
        let user: User =
            serde_json::from_str(r#"{"id":"u1","role":"superhero","status":"sleeping"}"#).unwrap();
        assert_eq!(user.role, Role::Unknown);
        assert_eq!(user.status, UserStatus::Unknown);
        assert!(!user.role.can_read_settings());
        let group: Group =
            serde_json::from_str(r#"{"id":"g","name":"n","issued":"magic"}"#).unwrap();
        assert_eq!(group.issued, GroupIssued::Unknown);
    }

    #[test]
    fn instance_without_extensions_decodes() {
        let status: InstanceStatus = serde_json::from_str(r#"{"setup_required":false}"#).unwrap();
        assert!(status.login_providers.is_empty());
        assert_eq!(status.redirect_url, None);
    }

    #[test]
    fn request_debug_hides_the_secret() {
        let request = IdentityProviderRequest {
            kind: ProviderKind::Pocketid,
            name: "PocketID".into(),
            issuer: "https://pocketid.example.com".into(),
            client_id: "id".into(),
            client_secret: "very-secret".into(),
            logout_url_registered: false,
            login_default: false,
            options: None,
        };
        assert!(!format!("{request:?}").contains("very-secret"));
    }

    #[test]
    fn permissions_lookup() {
        let user: User = serde_json::from_str(
            r#"{"id":"u","permissions":{"is_restricted":false,
            "modules":{"identity_providers":{"read":true,"create":false}}}}"#,
        )
        .unwrap();
        let permissions = user.permissions.unwrap();
        assert!(permissions.allows("identity_providers", "read"));
        assert!(!permissions.allows("identity_providers", "create"));
        assert!(!permissions.allows("groups", "read"));
    }
}
