//! Each Groups-page check's condition and its boundary.

use qufabric_model::checks::Severity;
use qufabric_model::group_checks::*;
use qufabric_model::{Group, GroupIssued, IdentityProvider, ProviderKind, Role, User};

fn group(id: &str, name: &str, issued: GroupIssued) -> Group {
    Group::empty(id, name, issued)
}

fn admin(email: &str, role: Role, idp: Option<&str>, groups: &[&str]) -> User {
    let mut user: User =
        serde_json::from_value(serde_json::json!({"id": email, "email": email})).unwrap();
    user.role = role;
    user.idp_id = idp.map(str::to_string);
    user.auto_groups = groups.iter().map(|g| g.to_string()).collect();
    user
}

fn draft(enabled: bool, claim: &str, allow: &[&str]) -> SyncDraft {
    SyncDraft {
        enabled,
        claim: claim.into(),
        allow: allow.iter().map(|s| s.to_string()).collect(),
    }
}

fn codes(
    draft: &SyncDraft,
    editor: &Editor,
    groups: &[Group],
    users: &[User],
    providers: &[IdentityProvider],
) -> Vec<&'static str> {
    check_sync(draft, editor, groups, users, providers, true)
        .iter()
        .map(|f| f.code)
        .collect()
}

fn local() -> Editor {
    Editor::default()
}

fn external(groups: &[&str]) -> Editor {
    Editor {
        provider_id: Some("pocketid-1".into()),
        token_groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

#[test]
fn empty_claim_only_matters_with_sync_on() {
    assert_eq!(
        codes(&draft(true, "", &[]), &local(), &[], &[], &[]),
        vec!["claim_empty"]
    );
    assert_eq!(
        check_sync(&draft(true, " ", &[]), &local(), &[], &[], &[], true)[0].severity,
        Severity::Error
    );
    assert!(codes(&draft(false, "", &[]), &local(), &[], &[], &[]).is_empty());
    assert!(codes(&draft(true, "groups", &[]), &local(), &[], &[], &[]).is_empty());
}

#[test]
fn claims_other_than_groups_warn() {
    let found = check_sync(&draft(true, "roles", &[]), &local(), &[], &[], &[], true);
    assert_eq!(found[0].code, "claim_not_forwarded");
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(
        found[0].fix.as_ref().map(|f| f.value.as_str()),
        Some("groups")
    );
    assert_eq!(clean_claim("my groups"), "mygroups");
    // Without the embedded IdP tokens come straight from the provider: any claim may work.
    assert!(check_sync(&draft(true, "roles", &[]), &local(), &[], &[], &[], false).is_empty());
}

#[test]
fn allow_groups_with_sync_off_warn() {
    assert_eq!(
        codes(&draft(false, "groups", &["A"]), &local(), &[], &[], &[]),
        vec!["allow_without_sync"]
    );
}

#[test]
fn lockout_of_the_editor_and_the_local_exemption() {
    let groups = [group("g1", "QuFabric", GroupIssued::Jwt)];
    let d = draft(true, "groups", &["QuFabric"]);
    assert!(
        codes(&d, &external(&["QuFabric"]), &groups, &[], &[]).is_empty(),
        "member: no warning"
    );
    assert_eq!(
        codes(&d, &external(&["Contractors"]), &groups, &[], &[]),
        vec!["lockout_self"]
    );
    assert_eq!(
        codes(&d, &external(&[]), &groups, &[], &[]),
        vec!["lockout_self"]
    );
    // Another claim name means no groups at all: locked out even as a member.
    assert!(codes(
        &draft(true, "roles", &["QuFabric"]),
        &external(&["QuFabric"]),
        &groups,
        &[],
        &[]
    )
    .contains(&"lockout_self"));
    assert_eq!(codes(&d, &local(), &groups, &[], &[]), vec!["local_exempt"]);
    // Empty allow list: nobody is locked out.
    assert!(codes(
        &draft(true, "groups", &[]),
        &external(&[]),
        &groups,
        &[],
        &[]
    )
    .is_empty());
}

#[test]
fn other_admins_who_would_lose_access_are_named() {
    let groups = [
        group("g1", "QuFabric", GroupIssued::Jwt),
        group("g2", "Contractors", GroupIssued::Jwt),
    ];
    let users = [
        admin("in@example.com", Role::Admin, Some("p"), &["g1"]),
        admin("out@example.com", Role::Owner, Some("p"), &["g2"]),
        admin("local@example.com", Role::Owner, None, &[]),
        admin("plain@example.com", Role::User, Some("p"), &["g2"]),
    ];
    let d = draft(true, "groups", &["QuFabric"]);
    assert_eq!(
        locked_out_admins(&d, &groups, &users),
        vec!["out@example.com".to_string()]
    );
    let found = check_sync(&d, &local(), &groups, &users, &[], true);
    let message = found
        .iter()
        .find(|f| f.code == "lockout_others")
        .map(|f| f.message.clone())
        .unwrap();
    assert!(message.contains("out@example.com") && !message.contains("in@example.com"));
    assert!(locked_out_admins(&draft(false, "groups", &["QuFabric"]), &groups, &users).is_empty());
}

#[test]
fn allow_group_names_are_checked_against_known_groups() {
    let groups = [
        group("g1", "QuFabric", GroupIssued::Jwt),
        group("g2", "Staff", GroupIssued::Api),
    ];
    let one = |name: &str| {
        check_sync(
            &draft(true, "groups", &[name]),
            &external(&[name]),
            &groups,
            &[],
            &[],
            true,
        )
    };
    assert!(one("QuFabric").is_empty());
    let slash = one("/QuFabric");
    assert_eq!(slash[0].code, "allow_leading_slash");
    assert_eq!(
        slash[0].fix.as_ref().map(|f| f.value.as_str()),
        Some("QuFabric")
    );
    let case = one("qufabric");
    assert_eq!(case[0].code, "allow_case");
    assert_eq!(
        case[0].fix.as_ref().map(|f| f.value.as_str()),
        Some("QuFabric")
    );
    assert_eq!(one("Staff")[0].code, "allow_api_group");
    let unknown = one("Newcomers");
    assert_eq!(unknown[0].code, "allow_unknown");
    assert_eq!(unknown[0].severity, Severity::Note);
}

#[test]
fn claim_notes_for_the_configured_kinds_and_the_pocketid_reminder_whenever_pocketid_exists() {
    let pocket = IdentityProvider {
        id: "p".into(),
        kind: ProviderKind::Pocketid,
        name: "P".into(),
        issuer: "i".into(),
        client_id: "c".into(),
        logout_url_registered: false,
        login_default: false,
        options: None,
    };
    let keycloak = IdentityProvider {
        kind: ProviderKind::Keycloak,
        ..pocket.clone()
    };
    assert_eq!(
        codes(
            &draft(true, "groups", &[]),
            &local(),
            &[],
            &[],
            std::slice::from_ref(&pocket)
        ),
        vec!["pocketid_assigned_groups"]
    );
    // Keycloak's own note (a group membership mapper is needed), once however many.
    let keycloak_notes = check_sync(
        &draft(true, "groups", &[]),
        &local(),
        &[],
        &[],
        &[keycloak.clone(), keycloak.clone()],
        true,
    );
    assert_eq!(keycloak_notes.len(), 1);
    assert_eq!(keycloak_notes[0].code, "provider_claim_note");
    assert!(keycloak_notes[0]
        .message
        .contains("group membership mapper"));
    // The PocketID reminder stays while sync is off: it is what to set up before.
    assert_eq!(
        codes(&draft(false, "groups", &[]), &local(), &[], &[], &[pocket]),
        vec!["pocketid_assigned_groups"]
    );
    assert!(codes(&draft(false, "groups", &[]), &local(), &[], &[], &[]).is_empty());
}

#[test]
fn refusals_read_as_sentences() {
    let allow = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert_eq!(
        refusal_sentence(&allow(&["QuFabric"]), &[]),
        "Only members of QuFabric may sign in to QuFabric. Your sign-in carried no groups. An administrator can allow one of your groups under Settings → Groups, or add you to an allowed group at the identity provider."
    );
    let text = refusal_sentence(
        &allow(&["QuFabric", "Admins", "Ops"]),
        &allow(&["Contractors"]),
    );
    assert!(
        text.starts_with("Only members of QuFabric, Admins or Ops may sign in"),
        "{text}"
    );
    assert!(
        text.contains("carried only the group Contractors."),
        "{text}"
    );
    let text = refusal_sentence(&allow(&["QuFabric", "Admins"]), &allow(&["A", "B"]));
    assert!(text.contains("QuFabric or Admins"), "{text}");
    assert!(
        text.contains("the groups A, B, and none of them is allowed."),
        "{text}"
    );
    assert!(!text.contains("(groups)") && !text.contains("are none"));
}

/// The rule the server applies at every sign-in and renewal, and the Groups page checks
/// against: one function for both.
#[test]
fn allow_list_boundaries() {
    let groups = vec!["QuFabric".to_string()];
    assert!(
        admits(&draft(false, "groups", &["Other"]), &groups),
        "sync off: no effect"
    );
    assert!(
        admits(&draft(true, "groups", &[]), &[]),
        "empty allow list admits all"
    );
    assert!(admits(&draft(true, "groups", &["QuFabric"]), &groups));
    assert!(!admits(&draft(true, "groups", &["Admins"]), &groups));
    assert!(
        !admits(&draft(true, "roles", &["QuFabric"]), &groups),
        "another claim yields no groups"
    );
    assert!(
        !admits(&draft(true, "groups", &["qufabric"]), &groups),
        "names are case-sensitive"
    );
}

#[test]
fn a_claim_name_is_valid_exactly_when_typing_would_keep_it() {
    assert!(claim_name_valid("groups"));
    assert!(!claim_name_valid("my groups"));
    assert!(!claim_name_valid("groups\t"));
    assert_eq!(clean_claim("my groups"), "mygroups");
}

#[test]
fn the_near_miss_fix_writes_the_exact_name_once() {
    let allow: Vec<String> = ["/qufabric", "Ops", "QuFabric", "QUFABRIC"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        with_exact_group_name(&allow, "QuFabric"),
        ["QuFabric", "Ops"]
    );
    assert_eq!(with_exact_group_name(&[], "QuFabric"), Vec::<String>::new());
}
