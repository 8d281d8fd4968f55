//! Microsoft's multi-tenant issuer rule against discovery documents and ID token payloads
//! shaped as the Microsoft identity platform publishes them (values shortened where they
//! do not matter; the issuer fields are verbatim in form).

use qufabric_model::checks::IssuerCheckResult;
use qufabric_model::microsoft::{accepts_discovered_issuer, is_multi_tenant, token_issuer_valid};
use serde_json::Value;

const COMMON_DISCOVERY: &str = r#"{
  "token_endpoint": "https://login.microsoftonline.com/common/oauth2/v2.0/token",
  "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
  "jwks_uri": "https://login.microsoftonline.com/common/discovery/v2.0/keys",
  "response_modes_supported": ["query", "fragment", "form_post"],
  "subject_types_supported": ["pairwise"],
  "id_token_signing_alg_values_supported": ["RS256"],
  "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
  "scopes_supported": ["openid", "profile", "email", "offline_access"],
  "issuer": "https://login.microsoftonline.com/{tenantid}/v2.0",
  "request_uri_parameter_supported": false,
  "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
  "authorization_endpoint": "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
  "device_authorization_endpoint": "https://login.microsoftonline.com/common/oauth2/v2.0/devicecode",
  "http_logout_supported": true,
  "frontchannel_logout_supported": true,
  "end_session_endpoint": "https://login.microsoftonline.com/common/oauth2/v2.0/logout",
  "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
  "kerberos_endpoint": "https://login.microsoftonline.com/common/kerberos",
  "tenant_region_scope": null,
  "cloud_instance_name": "microsoftonline.com",
  "cloud_graph_host_name": "graph.windows.net",
  "msgraph_host": "graph.microsoft.com",
  "rbac_url": "https://pas.windows.net"
}"#;

const ORGANIZATIONS_ISSUER: &str = "https://login.microsoftonline.com/{tenantid}/v2.0";
const CONSUMERS_ISSUER: &str =
    "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0";
const SINGLE_TENANT_ISSUER: &str =
    "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0";

/// The payload of a v2.0 ID token for a work account in tenant 72f988bf-….
const WORK_ACCOUNT_TOKEN: &str = r#"{
  "ver": "2.0",
  "iss": "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
  "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
  "aud": "6cb04018-a3f5-46a7-b995-940c78f5aef3",
  "exp": 1536361411,
  "iat": 1536274711,
  "nbf": 1536274711,
  "name": "Abe Lincoln",
  "preferred_username": "AbeLi@microsoft.com",
  "oid": "00000000-0000-0000-66f3-3332eca7ea81",
  "tid": "72f988bf-86f1-41af-91ab-2d7cd011db47",
  "nonce": "123523",
  "aio": "Df2UVXL1ix!lMCWMSOJBcFatzcGfvFGhjKv8q5g0x732dR5MB5BisvGQO7YWByjd8iQDLq!eGbIDakyp5mnOrcdqHeYSnltepQmRp6AIZ8jY"
}"#;

/// A personal Microsoft account: the consumer tenant.
const PERSONAL_ACCOUNT_TOKEN: &str = r#"{
  "ver": "2.0",
  "iss": "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
  "sub": "AAAAAAAAAAAAAAAAAAAAAKd5bgCvEYEPsmwcSmAF4aU",
  "aud": "6cb04018-a3f5-46a7-b995-940c78f5aef3",
  "exp": 1536361411,
  "iat": 1536274711,
  "tid": "9188040d-6c67-4c5b-b112-36a304b66dad",
  "name": "Mary Smith"
}"#;

fn field<'a>(json: &'a Value, key: &str) -> Option<&'a str> {
    json.get(key).and_then(Value::as_str)
}

fn accepted(typed: &str, discovered: &str) -> bool {
    let (exact, slash_only) = IssuerCheckResult::compare(typed, discovered);
    let result = IssuerCheckResult {
        reachable: true,
        discovered_issuer: Some(discovered.to_string()),
        exact_match: exact,
        differs_only_by_trailing_slash: slash_only,
        ..Default::default()
    };
    result.issuer_accepted(typed)
}

#[test]
fn the_common_endpoint_accepts_its_template_and_checks_each_token_against_its_tenant() {
    let discovery: Value = serde_json::from_str(COMMON_DISCOVERY).unwrap();
    let discovered = field(&discovery, "issuer").unwrap();
    let typed = "https://login.microsoftonline.com/common/v2.0";
    assert!(is_multi_tenant(typed));
    assert!(accepts_discovered_issuer(typed, discovered));
    assert!(accepted(typed, discovered));

    let token: Value = serde_json::from_str(WORK_ACCOUNT_TOKEN).unwrap();
    assert!(token_issuer_valid(
        discovered,
        field(&token, "iss").unwrap(),
        field(&token, "tid")
    ));
    let personal: Value = serde_json::from_str(PERSONAL_ACCOUNT_TOKEN).unwrap();
    assert!(token_issuer_valid(
        discovered,
        field(&personal, "iss").unwrap(),
        field(&personal, "tid")
    ));
}

#[test]
fn a_token_whose_issuer_names_another_tenant_than_its_tid_is_refused() {
    let token: Value = serde_json::from_str(WORK_ACCOUNT_TOKEN).unwrap();
    let iss = field(&token, "iss").unwrap();
    // tid of another tenant, missing, not a GUID, or a template that was never filled in.
    assert!(!token_issuer_valid(
        ORGANIZATIONS_ISSUER,
        iss,
        Some("9188040d-6c67-4c5b-b112-36a304b66dad")
    ));
    assert!(!token_issuer_valid(ORGANIZATIONS_ISSUER, iss, None));
    assert!(!token_issuer_valid(
        ORGANIZATIONS_ISSUER,
        iss,
        Some("common")
    ));
    assert!(!token_issuer_valid(
        ORGANIZATIONS_ISSUER,
        ORGANIZATIONS_ISSUER,
        Some("{tenantid}")
    ));
    // Another host with the right tenant.
    assert!(!token_issuer_valid(
        ORGANIZATIONS_ISSUER,
        "https://login.evil.example/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
        field(&token, "tid")
    ));
}

#[test]
fn organizations_and_consumers_endpoints() {
    let organizations = "https://login.microsoftonline.com/organizations/v2.0";
    assert!(accepted(organizations, ORGANIZATIONS_ISSUER));
    // Only the consumers endpoint publishes a concrete tenant.
    assert!(!accepted(organizations, CONSUMERS_ISSUER));
    let consumers = "https://login.microsoftonline.com/consumers/v2.0";
    assert!(accepted(consumers, CONSUMERS_ISSUER));
    let personal: Value = serde_json::from_str(PERSONAL_ACCOUNT_TOKEN).unwrap();
    assert!(token_issuer_valid(
        CONSUMERS_ISSUER,
        field(&personal, "iss").unwrap(),
        field(&personal, "tid")
    ));
    let work: Value = serde_json::from_str(WORK_ACCOUNT_TOKEN).unwrap();
    assert!(!token_issuer_valid(
        CONSUMERS_ISSUER,
        field(&work, "iss").unwrap(),
        field(&work, "tid")
    ));
}

#[test]
fn single_tenant_issuers_keep_the_exact_match() {
    assert!(!is_multi_tenant(SINGLE_TENANT_ISSUER));
    assert!(accepted(SINGLE_TENANT_ISSUER, SINGLE_TENANT_ISSUER));
    assert!(!accepted(SINGLE_TENANT_ISSUER, ORGANIZATIONS_ISSUER));
    assert!(!accepted(
        SINGLE_TENANT_ISSUER,
        "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/"
    ));
    // The template on another host, or a typed URL that is not a multi-tenant endpoint.
    assert!(!accepted(
        "https://login.microsoftonline.com/common/v2.0",
        "https://login.evil.example/{tenantid}/v2.0"
    ));
    assert!(!accepted(
        "https://login.microsoftonline.com/common",
        ORGANIZATIONS_ISSUER
    ));
    assert!(!accepted(
        "https://login.microsoftonline.com/common/v2.0?x=1",
        ORGANIZATIONS_ISSUER
    ));
}

#[test]
fn national_clouds_follow_the_same_rule_on_their_own_host() {
    let typed = "https://login.microsoftonline.us/common/v2.0";
    assert!(accepted(
        typed,
        "https://login.microsoftonline.us/{tenantid}/v2.0"
    ));
    assert!(!accepted(typed, ORGANIZATIONS_ISSUER));
}
