//! Every row of product.md's issuer table and every other inline check, with boundaries.

use qufabric_model::checks::*;
use qufabric_model::{IdentityProvider, ProviderKind, CATALOGUE};

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

fn fix_of(findings: &[Finding], code: &str) -> Option<String> {
    findings
        .iter()
        .find(|f| f.code == code)
        .and_then(|f| f.fix.as_ref())
        .map(|fix| fix.value.clone())
}

fn severity_of(findings: &[Finding], code: &str) -> Option<Severity> {
    findings.iter().find(|f| f.code == code).map(|f| f.severity)
}

#[test]
fn every_kind_accepts_its_own_placeholder_shape_without_errors() {
    let good = [
        (ProviderKind::Pocketid, "https://pocketid.example.com"),
        (
            ProviderKind::Keycloak,
            "https://keycloak.example.com/realms/main",
        ),
        (ProviderKind::Zitadel, "https://acme.zitadel.cloud"),
        (ProviderKind::Okta, "https://acme.okta.com"),
        (
            ProviderKind::Entra,
            "https://login.microsoftonline.com/0b1c2d3e-aaaa-bbbb-cccc-1234567890ab/v2.0",
        ),
        (ProviderKind::Adfs, "https://adfs.example.com/adfs"),
        (
            ProviderKind::Authentik,
            "https://authentik.example.com/application/o/qufabric/",
        ),
        (ProviderKind::Oidc, "https://login.example.com"),
        (ProviderKind::Oidc, "https://login.example.com/"),
    ];
    for (kind, issuer) in good {
        assert_eq!(check_issuer(kind, issuer), vec![], "{kind:?} {issuer}");
    }
    // Google and Microsoft: no issuer field, nothing to check, whatever is sent.
    for kind in [ProviderKind::Google, ProviderKind::Microsoft] {
        assert_eq!(check_issuer(kind, ""), vec![]);
        assert_eq!(check_issuer(kind, "nonsense"), vec![]);
    }
    assert_eq!(CATALOGUE.len(), 10);
}

#[test]
fn pocketid_trailing_slash_and_path() {
    let findings = check_issuer(ProviderKind::Pocketid, "https://pocketid.example.com/");
    assert_eq!(codes(&findings), vec!["trailing_slash"]);
    assert_eq!(
        severity_of(&findings, "trailing_slash"),
        Some(Severity::Warning),
        "a warning, never blocking"
    );
    assert_eq!(
        fix_of(&findings, "trailing_slash").as_deref(),
        Some("https://pocketid.example.com")
    );
    assert!(findings[0]
        .message
        .contains("PocketID issuers have no trailing slash"));

    let findings = check_issuer(ProviderKind::Pocketid, "https://id.example.com/pocket");
    assert_eq!(codes(&findings), vec!["pocketid_path"]);
    assert_eq!(
        fix_of(&findings, "pocketid_path").as_deref(),
        Some("https://id.example.com")
    );
}

#[test]
fn slash_policy_for_every_must_not_kind() {
    for kind in [
        ProviderKind::Keycloak,
        ProviderKind::Zitadel,
        ProviderKind::Okta,
        ProviderKind::Entra,
        ProviderKind::Adfs,
    ] {
        let placeholder_like = match kind {
            ProviderKind::Keycloak => "https://k.example.com/realms/a/",
            ProviderKind::Entra => "https://login.microsoftonline.com/t/v2.0/",
            ProviderKind::Adfs => "https://adfs.example.com/adfs/",
            _ => "https://idp.example.com/",
        };
        let findings = check_issuer(kind, placeholder_like);
        assert!(
            codes(&findings).contains(&"trailing_slash"),
            "{kind:?}: {findings:?}"
        );
    }
    // Generic OIDC has no static rule either way.
    assert_eq!(
        check_issuer(ProviderKind::Oidc, "https://x.example.com/"),
        vec![]
    );
    assert_eq!(
        check_issuer(ProviderKind::Oidc, "https://x.example.com"),
        vec![]
    );
}

#[test]
fn authentik_wants_the_opposite() {
    let findings = check_issuer(
        ProviderKind::Authentik,
        "https://a.example.com/application/o/qufabric",
    );
    assert_eq!(codes(&findings), vec!["missing_trailing_slash"]);
    assert_eq!(
        fix_of(&findings, "missing_trailing_slash").as_deref(),
        Some("https://a.example.com/application/o/qufabric/")
    );
    let findings = check_issuer(ProviderKind::Authentik, "https://a.example.com/");
    assert_eq!(codes(&findings), vec!["authentik_slug"]);
}

#[test]
fn keycloak_realm() {
    assert_eq!(
        codes(&check_issuer(
            ProviderKind::Keycloak,
            "https://k.example.com"
        )),
        vec!["keycloak_realm"]
    );
    assert_eq!(
        codes(&check_issuer(
            ProviderKind::Keycloak,
            "https://k.example.com/auth/realms/x"
        )),
        Vec::<&str>::new()
    );
}

#[test]
fn entra_tenant_and_v2() {
    let findings = check_issuer(
        ProviderKind::Entra,
        "https://login.microsoftonline.com/common/v2.0",
    );
    assert_eq!(codes(&findings), vec!["entra_tenant"]);
    let findings = check_issuer(
        ProviderKind::Entra,
        "https://login.microsoftonline.com/organizations/v2.0",
    );
    assert_eq!(codes(&findings), vec!["entra_tenant"]);
    let findings = check_issuer(ProviderKind::Entra, "https://login.microsoftonline.com/abc");
    assert_eq!(codes(&findings), vec!["entra_v2"]);
    assert_eq!(
        fix_of(&findings, "entra_v2").as_deref(),
        Some("https://login.microsoftonline.com/abc/v2.0")
    );
}

#[test]
fn well_known_suffix_is_stripped() {
    let findings = check_issuer(
        ProviderKind::Pocketid,
        "https://pocketid.example.com/.well-known/openid-configuration",
    );
    assert_eq!(codes(&findings), vec!["issuer_well_known"]);
    assert_eq!(
        fix_of(&findings, "issuer_well_known").as_deref(),
        Some("https://pocketid.example.com")
    );
    assert_eq!(
        strip_well_known("https://a.example/application/o/x/.well-known/openid-configuration")
            .as_deref(),
        Some("https://a.example/application/o/x")
    );
    assert_eq!(strip_well_known("https://a.example"), None);
}

#[test]
fn plain_http_only_warns_off_loopback() {
    let findings = check_issuer(ProviderKind::Pocketid, "http://pocketid.example.com");
    assert_eq!(codes(&findings), vec!["issuer_plain_http"]);
    assert_eq!(
        severity_of(&findings, "issuer_plain_http"),
        Some(Severity::Warning)
    );
    assert_eq!(
        fix_of(&findings, "issuer_plain_http").as_deref(),
        Some("https://pocketid.example.com")
    );
    assert_eq!(
        check_issuer(ProviderKind::Pocketid, "http://127.0.0.1:9000"),
        vec![]
    );
    assert_eq!(
        check_issuer(ProviderKind::Pocketid, "http://localhost:9000"),
        vec![]
    );
}

#[test]
fn query_or_fragment_is_an_error_with_a_fix() {
    for input in [
        "https://p.example.com?x=1",
        "https://p.example.com#frag",
        "https://p.example.com/?a#b",
    ] {
        let findings = check_issuer(ProviderKind::Pocketid, input);
        assert_eq!(
            codes(&findings),
            vec!["issuer_query_or_fragment"],
            "{input}"
        );
        assert!(blocks_saving(&findings));
    }
    let findings = check_issuer(ProviderKind::Pocketid, "https://p.example.com?x=1");
    assert_eq!(
        fix_of(&findings, "issuer_query_or_fragment").as_deref(),
        Some("https://p.example.com")
    );
}

#[test]
fn missing_and_invalid_issuers_block() {
    for (input, code) in [
        ("", "issuer_required"),
        ("   ", "issuer_required"),
        ("pocketid.example.com", "issuer_invalid_url"),
        ("https://", "issuer_invalid_url"),
    ] {
        let findings = check_issuer(ProviderKind::Pocketid, input);
        assert_eq!(codes(&findings), vec![code], "{input:?}");
        assert!(blocks_saving(&findings));
    }
}

#[test]
fn surrounding_whitespace_warns_with_a_fix() {
    let findings = check_issuer(ProviderKind::Pocketid, " https://pocketid.example.com\n");
    assert_eq!(codes(&findings), vec!["issuer_whitespace"]);
    assert_eq!(
        fix_of(&findings, "issuer_whitespace").as_deref(),
        Some("https://pocketid.example.com")
    );
    assert!(!blocks_saving(&findings));
}

fn draft(
    kind: ProviderKind,
    name: &str,
    issuer: &str,
    client_id: &str,
    secret: &str,
) -> ProviderDraft {
    ProviderDraft {
        kind: Some(kind),
        name: name.into(),
        issuer: issuer.into(),
        client_id: client_id.into(),
        client_secret: secret.into(),
    }
}

fn stored(id: &str, name: &str, issuer: &str, client_id: &str) -> IdentityProvider {
    IdentityProvider {
        id: id.into(),
        kind: ProviderKind::Pocketid,
        name: name.into(),
        issuer: issuer.into(),
        client_id: client_id.into(),
        logout_url_registered: false,
        login_default: false,
        options: None,
    }
}

#[test]
fn a_complete_draft_has_no_findings() {
    let d = draft(
        ProviderKind::Pocketid,
        "PocketID",
        "https://pocketid.example.com",
        "cid",
        "secret",
    );
    assert_eq!(check_draft(&d, None, &[]), vec![]);
    let d = ProviderDraft { kind: None, ..d };
    assert_eq!(codes(&check_draft(&d, None, &[])), vec!["type_required"]);
}

#[test]
fn required_fields_and_whitespace_in_name_client_id_and_secret() {
    let d = draft(ProviderKind::Pocketid, "", "https://p.example.com", "", "");
    let found = codes(&check_draft(&d, None, &[]));
    assert_eq!(
        found,
        vec!["name_required", "client_id_required", "secret_required"]
    );
    let d = draft(
        ProviderKind::Pocketid,
        " PocketID",
        "https://p.example.com",
        "cid ",
        " s ",
    );
    let findings = check_draft(&d, None, &[]);
    assert_eq!(
        codes(&findings),
        vec![
            "name_whitespace",
            "client_id_whitespace",
            "secret_whitespace"
        ]
    );
    assert!(!blocks_saving(&findings));
    let d = draft(
        ProviderKind::Pocketid,
        "P",
        "https://p.example.com",
        "cid",
        "abc\n",
    );
    let findings = check_draft(&d, None, &[]);
    assert_eq!(codes(&findings), vec!["secret_newline"]);
    assert_eq!(fix_of(&findings, "secret_newline").as_deref(), Some("abc"));
}

#[test]
fn secret_on_edit_is_optional_unless_the_client_changes() {
    let original = stored("pocketid-1", "PocketID", "https://p.example.com", "cid");
    let d = draft(
        ProviderKind::Pocketid,
        "PocketID",
        "https://p.example.com",
        "cid",
        "",
    );
    assert_eq!(
        check_draft(&d, Some(&original), std::slice::from_ref(&original)),
        vec![]
    );
    let d = draft(
        ProviderKind::Pocketid,
        "PocketID",
        "https://p.example.com",
        "other-client",
        "",
    );
    assert_eq!(
        codes(&check_draft(&d, Some(&original), &[])),
        vec!["secret_required_for_new_client"]
    );
}

#[test]
fn duplicates_warn_but_not_against_itself() {
    let existing = stored("pocketid-1", "PocketID", "https://p.example.com", "cid");
    let d = draft(
        ProviderKind::Pocketid,
        "pocketid",
        "https://p.example.com",
        "cid",
        "s",
    );
    let findings = check_draft(&d, None, std::slice::from_ref(&existing));
    assert_eq!(codes(&findings), vec!["duplicate_client", "duplicate_name"]);
    assert!(!blocks_saving(&findings));
    // Editing that same provider is not a duplicate of itself.
    assert_eq!(
        check_draft(&d, Some(&existing), std::slice::from_ref(&existing)),
        vec![]
    );
    // Same issuer, other client: fine.
    let d = draft(
        ProviderKind::Pocketid,
        "Other",
        "https://p.example.com",
        "cid2",
        "s",
    );
    assert_eq!(check_draft(&d, None, &[existing]), vec![]);
}

#[test]
fn discovery_results_replace_the_static_guess() {
    let typed = "https://pocketid.example.com/";
    let (exact, slash) = IssuerCheckResult::compare(typed, "https://pocketid.example.com");
    assert!(!exact && slash);
    let result = IssuerCheckResult {
        reachable: true,
        discovered_issuer: Some("https://pocketid.example.com".into()),
        exact_match: exact,
        differs_only_by_trailing_slash: slash,
        ..Default::default()
    };
    let discovery = discovery_findings(typed, &result);
    assert_eq!(codes(&discovery), vec!["discovery_slash_mismatch"]);
    assert!(discovery[0]
        .message
        .contains("Use exactly https://pocketid.example.com"));
    assert_eq!(
        fix_of(&discovery, "discovery_slash_mismatch").as_deref(),
        Some("https://pocketid.example.com")
    );
    let merged = merge_discovery(check_issuer(ProviderKind::Pocketid, typed), discovery);
    assert_eq!(
        codes(&merged),
        vec!["discovery_slash_mismatch"],
        "the static slash warning made way"
    );
    assert!(blocks_saving(&merged));

    // Authentik's issuer really has the slash: discovery says so, the static guess goes.
    let typed = "https://a.example.com/application/o/x";
    let result = IssuerCheckResult {
        reachable: true,
        discovered_issuer: Some(format!("{typed}/")),
        differs_only_by_trailing_slash: true,
        ..Default::default()
    };
    let merged = merge_discovery(
        check_issuer(ProviderKind::Authentik, typed),
        discovery_findings(typed, &result),
    );
    assert_eq!(codes(&merged), vec!["discovery_slash_mismatch"]);

    let other = IssuerCheckResult {
        reachable: true,
        discovered_issuer: Some("https://elsewhere.example.com".into()),
        ..Default::default()
    };
    let findings = discovery_findings("https://p.example.com", &other);
    assert_eq!(codes(&findings), vec!["discovery_mismatch"]);
    assert!(
        findings[0]
            .message
            .contains("https://elsewhere.example.com")
            && findings[0].message.contains("https://p.example.com")
    );

    let exact = IssuerCheckResult {
        reachable: true,
        exact_match: true,
        ..Default::default()
    };
    assert_eq!(discovery_findings("x", &exact)[0].severity, Severity::Note);

    let down = IssuerCheckResult {
        reachable: false,
        failure: Some(DiscoveryFailure {
            kind: DiscoveryFailureKind::Connect,
            detail: "connection refused".into(),
        }),
        ..Default::default()
    };
    let findings = discovery_findings("https://p.example.com", &down);
    assert_eq!(codes(&findings), vec!["discovery_unreachable"]);
    assert!(findings[0].message.contains("connection refused"));
    assert!(blocks_saving(&findings));
}

#[test]
fn server_validation_order_and_messages() {
    let ok = |t, n, i, c| validate_request(t, n, i, c).map_err(|r| r.message);
    assert_eq!(
        ok("pocketid", "", "", ""),
        Err("identity provider name is required")
    );
    assert_eq!(
        ok("", "n", "", ""),
        Err("identity provider type is required")
    );
    assert_eq!(
        ok("gitlab", "n", "", ""),
        Err("unsupported identity provider type")
    );
    assert_eq!(
        ok("pocketid", "n", "", ""),
        Err("identity provider issuer is required")
    );
    assert_eq!(
        ok("pocketid", "n", "pocketid.example.com", ""),
        Err("identity provider issuer must be a valid URL")
    );
    assert_eq!(
        ok("pocketid", "n", "https://p.example.com?x", ""),
        Err("identity provider issuer must not contain a query or fragment")
    );
    assert_eq!(
        ok("pocketid", "n", "https://p.example.com", ""),
        Err("identity provider client ID is required")
    );
    assert_eq!(
        ok("pocketid", "n", "https://p.example.com", "c"),
        Ok(ProviderKind::Pocketid)
    );
    // Built-in issuers are not checked.
    assert_eq!(ok("google", "n", "", "c"), Ok(ProviderKind::Google));
    // The dashboard's blocking errors are exactly these (no draft the server refuses passes).
    for (issuer, refused) in [
        ("", true),
        ("x", true),
        ("https://p.example.com#f", true),
        ("https://p.example.com/", false),
    ] {
        let blocked = blocks_saving(&check_issuer(ProviderKind::Pocketid, issuer));
        assert_eq!(blocked, refused, "{issuer:?}");
        assert_eq!(
            validate_request("pocketid", "n", issuer, "c").is_err(),
            refused,
            "{issuer:?}"
        );
    }
}

#[test]
fn server_messages_map_to_fields() {
    assert_eq!(
        field_of_server_message("identity provider issuer is unreachable: dns"),
        Some(Field::Issuer)
    );
    assert_eq!(
        field_of_server_message("identity provider client ID is required"),
        Some(Field::ClientId)
    );
    assert_eq!(
        field_of_server_message("identity provider name is required"),
        Some(Field::Name)
    );
    assert_eq!(
        field_of_server_message("unsupported identity provider type"),
        Some(Field::Type)
    );
    assert_eq!(field_of_server_message("internal server error"), None);
}

#[test]
fn discovery_failures_are_said_in_words_with_the_host() {
    use qufabric_model::checks::{describe_discovery_failure, DiscoveryFailureKind};
    let url = "https://pocketid.example.com/.well-known/openid-configuration";
    assert_eq!(
        describe_discovery_failure(DiscoveryFailureKind::Dns, url, 5, None),
        "the host name pocketid.example.com could not be found (DNS)"
    );
    let connect = describe_discovery_failure(
        DiscoveryFailureKind::Connect,
        "http://127.0.0.1:9/.well-known/openid-configuration",
        5,
        None,
    );
    assert_eq!(
        connect,
        "nothing answered at 127.0.0.1:9 (connection refused or no route)"
    );
    assert_eq!(
        describe_discovery_failure(DiscoveryFailureKind::Timeout, url, 10, None),
        "pocketid.example.com did not answer within 10 seconds"
    );
    assert!(
        describe_discovery_failure(DiscoveryFailureKind::Status, url, 5, Some(404))
            .contains("answered HTTP 404")
    );
    for kind in [
        DiscoveryFailureKind::Dns,
        DiscoveryFailureKind::Connect,
        DiscoveryFailureKind::Tls,
        DiscoveryFailureKind::Timeout,
    ] {
        let text = describe_discovery_failure(kind, url, 5, None);
        assert!(
            !text.contains("error") && !text.contains("(Connect)"),
            "{text}"
        );
    }
}
