use super::*;

const POCKET: &str = "pocket";
const CONTRACTOR: &str = "contractor";

fn rule(group: &str, idp_id: &str, role: Role) -> RoleRule {
    RoleRule {
        group: group.into(),
        idp_id: idp_id.into(),
        role,
    }
}

fn rules(list: Vec<RoleRule>) -> RoleRules {
    RoleRules {
        rules: list,
        default_role: Role::User,
    }
}

fn person(email: &str, role: Role, idp_id: Option<&str>, groups: &[&str]) -> Person {
    Person {
        email: email.into(),
        role,
        idp_id: idp_id.map(String::from),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        role_by_hand: false,
        may_sign_in: true,
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|g| g.to_string()).collect()
}

#[test]
fn the_first_matching_rule_wins_and_the_default_catches_the_rest() {
    let set = RoleRules {
        rules: vec![
            rule("Auditors", POCKET, Role::Auditor),
            rule("QuFabric Admins", POCKET, Role::Admin),
        ],
        default_role: Role::Auditor,
    };
    let both = set
        .decide(POCKET, &names(&["QuFabric Admins", "Auditors"]))
        .unwrap();
    assert_eq!(both.role, Role::Auditor);
    assert_eq!(both.given.group.as_deref(), Some("Auditors"));
    assert_eq!(both.given.idp_id, POCKET);
    let admin = set.decide(POCKET, &names(&["QuFabric Admins"])).unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert_eq!(admin.given.group.as_deref(), Some("QuFabric Admins"));
    let none = set.decide(POCKET, &names(&["Other"])).unwrap();
    assert_eq!(
        none,
        Decision {
            role: Role::Auditor,
            given: RoleGiven {
                idp_id: POCKET.into(),
                group: None
            }
        }
    );
}

#[test]
fn a_group_of_the_same_name_from_another_provider_matches_nothing() {
    let set = rules(vec![rule("QuFabric Admins", POCKET, Role::Admin)]);
    assert!(set.governs(POCKET));
    assert!(!set.governs(CONTRACTOR));
    assert_eq!(set.decide(CONTRACTOR, &names(&["QuFabric Admins"])), None);
    // Names match exactly, as the claim sends them.
    assert_eq!(
        set.decide(POCKET, &names(&["qufabric admins"]))
            .unwrap()
            .role,
        Role::User
    );
}

#[test]
fn owners_hand_set_roles_email_users_and_sync_off_are_left_alone() {
    let set = rules(vec![rule("QuFabric Admins", POCKET, Role::Admin)]);
    let alice = person("alice", Role::User, Some(POCKET), &["QuFabric Admins"]);
    assert_eq!(decision_for(&set, true, &alice).unwrap().role, Role::Admin);
    assert_eq!(decision_for(&set, false, &alice), None);
    let owner = person("o", Role::Owner, Some(POCKET), &[]);
    assert_eq!(decision_for(&set, true, &owner), None);
    let local = person("l", Role::User, None, &["QuFabric Admins"]);
    assert_eq!(decision_for(&set, true, &local), None);
    let hand = Person {
        role_by_hand: true,
        ..person("h", Role::Auditor, Some(POCKET), &[])
    };
    assert_eq!(decision_for(&set, true, &hand), None);
    let contractor = person("c", Role::User, Some(CONTRACTOR), &["QuFabric Admins"]);
    assert_eq!(decision_for(&set, true, &contractor), None);
}

#[test]
fn changes_name_who_gains_and_who_loses() {
    let set = rules(vec![rule("QuFabric Admins", POCKET, Role::Admin)]);
    let people = [
        person("alice", Role::User, Some(POCKET), &["QuFabric Admins"]),
        person("bob", Role::Admin, Some(POCKET), &["Other"]),
        person("carol", Role::User, Some(POCKET), &[]),
        person("dave", Role::User, Some(CONTRACTOR), &["QuFabric Admins"]),
    ];
    assert_eq!(
        changes(&set, true, &people),
        vec![
            Change {
                email: "alice".into(),
                from: Role::User,
                to: Role::Admin
            },
            Change {
                email: "bob".into(),
                from: Role::Admin,
                to: Role::User
            },
        ]
    );
    assert!(changes(&set, false, &people).is_empty());
}

#[test]
fn a_rule_set_that_leaves_nobody_to_manage_is_refused() {
    let now = rules(vec![rule("QuFabric Admins", POCKET, Role::Admin)]);
    let alice = person("alice", Role::Admin, Some(POCKET), &["QuFabric Admins"]);
    let locked_owner = Person {
        may_sign_in: false,
        ..person("owner", Role::Owner, None, &[])
    };
    let people = [locked_owner.clone(), alice.clone()];
    let demoting = rules(vec![rule("QuFabric Admins", POCKET, Role::Auditor)]);
    assert_eq!(
        lockout(&now, &demoting, true, &people).as_deref(),
        Some("these role rules would leave no owner or administrator who can sign in (alice would become auditor)")
    );
    // Emptying the list leaves roles as they are: alice stays admin.
    assert_eq!(lockout(&now, &RoleRules::default(), true, &people), None);
    // An owner who can sign in is always there: nothing locks out.
    let owner = person("owner", Role::Owner, None, &[]);
    assert_eq!(
        lockout(&now, &demoting, true, &[owner, alice.clone()]),
        None
    );
    // Nobody could manage before either: not this change's doing.
    let blocked_alice = Person {
        may_sign_in: false,
        ..alice.clone()
    };
    assert_eq!(
        lockout(
            &now,
            &demoting,
            true,
            &[locked_owner.clone(), blocked_alice]
        ),
        None
    );
    // Another admin who keeps the role.
    let bob = Person {
        role_by_hand: true,
        ..person("bob", Role::Admin, Some(POCKET), &[])
    };
    assert_eq!(
        lockout(&now, &demoting, true, &[locked_owner, alice, bob]),
        None
    );
}

#[test]
fn the_page_finds_what_the_server_refuses_and_that_sync_is_needed() {
    let now = rules(vec![rule("QuFabric Admins", POCKET, Role::Admin)]);
    let alice = person("alice", Role::Admin, Some(POCKET), &["QuFabric Admins"]);
    let locked_owner = Person {
        may_sign_in: false,
        ..person("owner", Role::Owner, None, &[])
    };
    let people = [locked_owner, alice];
    let codes = |draft: &RoleRules, sync: bool| -> Vec<(&'static str, Severity)> {
        findings(&now, draft, sync, &people, &[POCKET])
            .into_iter()
            .map(|f| {
                assert_eq!(f.field, Field::RoleRules);
                (f.code, f.severity)
            })
            .collect()
    };
    assert_eq!(codes(&now, true), vec![]);
    let demoting = rules(vec![rule("QuFabric Admins", POCKET, Role::Auditor)]);
    assert_eq!(
        codes(&demoting, true),
        vec![("role_rules_lockout", Severity::Error)]
    );
    let wrong = rules(vec![rule("", POCKET, Role::Admin)]);
    assert_eq!(
        codes(&wrong, true),
        vec![("role_rules_invalid", Severity::Error)]
    );
    assert_eq!(
        codes(&now, false),
        vec![("role_rules_need_sync", Severity::Warning)]
    );
    assert_eq!(codes(&RoleRules::default(), false), vec![]);
}

#[test]
fn problems_are_named_by_rule_number() {
    let ids = [POCKET];
    assert_eq!(problem(&rules(vec![]), &ids), None);
    assert_eq!(
        problem(&rules(vec![rule("A", POCKET, Role::Admin)]), &ids),
        None
    );
    let owner_default = RoleRules {
        default_role: Role::Owner,
        ..RoleRules::default()
    };
    assert_eq!(
        problem(&owner_default, &ids).as_deref(),
        Some("the default role of the role rules must be admin, auditor or user")
    );
    let cases = [
        (
            vec![rule(" ", POCKET, Role::Admin)],
            "role rule 1 names no group",
        ),
        (
            vec![
                rule("A", POCKET, Role::User),
                rule("B", POCKET, Role::Owner),
            ],
            "role rule 2 must give admin, auditor or user (never owner)",
        ),
        (
            vec![rule("A", POCKET, Role::Unknown)],
            "role rule 1 must give admin, auditor or user (never owner)",
        ),
        (
            vec![rule("A", "gone", Role::Admin)],
            "role rule 1 names a provider that does not exist",
        ),
        (
            vec![
                rule("A", POCKET, Role::Admin),
                rule("B", POCKET, Role::User),
                rule("A", POCKET, Role::Auditor),
            ],
            "role rule 3 can never apply: rule 1 already matches its group from its provider",
        ),
    ];
    for (list, expected) in cases {
        assert_eq!(problem(&rules(list), &ids).as_deref(), Some(expected));
    }
    // The same group from two providers is two rules, not a repeat.
    let both = rules(vec![
        rule("A", POCKET, Role::Admin),
        rule("A", CONTRACTOR, Role::User),
    ]);
    assert_eq!(problem(&both, &[POCKET, CONTRACTOR]), None);
}

fn user(idp_id: Option<&str>, auto_groups: &[&str]) -> User {
    serde_json::from_value(serde_json::json!({
        "id": "u1",
        "email": "alice@example.com",
        "role": "user",
        "auto_groups": auto_groups,
        "idp_id": idp_id,
    }))
    .unwrap()
}

#[test]
fn who_may_sign_in() {
    let sync = SyncDraft {
        enabled: true,
        claim: "groups".into(),
        allow: names(&["QuFabric"]),
    };
    let ids = [POCKET];
    let member = names(&["QuFabric"]);
    let pocket_user = user(Some(POCKET), &[]);
    let pocket = Member::from(&pocket_user);
    assert!(may_sign_in(&pocket, &member, &ids, &sync, false));
    assert!(!may_sign_in(
        &pocket,
        &names(&["Other"]),
        &ids,
        &sync,
        false
    ));
    assert!(!may_sign_in(&pocket, &member, &[], &sync, false));
    let blocked = Member {
        is_blocked: true,
        ..pocket
    };
    assert!(!may_sign_in(&blocked, &member, &ids, &sync, false));
    let waiting = Member {
        pending_approval: true,
        ..pocket
    };
    assert!(!may_sign_in(&waiting, &member, &ids, &sync, false));
    let service = Member {
        is_service_user: true,
        idp_id: None,
        ..pocket
    };
    assert!(!may_sign_in(&service, &[], &ids, &sync, false));
    let local_user = user(None, &[]);
    let local = Member::from(&local_user);
    assert!(may_sign_in(&local, &[], &ids, &sync, false));
    assert!(!may_sign_in(&local, &[], &ids, &sync, true));
}

#[test]
fn people_read_the_groups_sync_recorded() {
    let groups = [
        Group::empty("g1", "QuFabric Admins", GroupIssued::Jwt),
        Group::empty("g2", "Made by hand", GroupIssued::Api),
    ];
    let sync = SyncDraft {
        enabled: true,
        claim: "groups".into(),
        allow: vec![],
    };
    let service = User {
        is_service_user: true,
        ..user(None, &[])
    };
    let hand = User {
        role_by_hand: true,
        ..user(Some(POCKET), &["g2", "g1", "missing"])
    };
    let all = people(
        &[Member::from(&service), Member::from(&hand)],
        &groups,
        &[POCKET],
        &sync,
        false,
    );
    assert!(!all[0].may_sign_in, "a service user has only tokens");
    assert_eq!(
        all[1..],
        [Person {
            email: "alice@example.com".into(),
            role: Role::User,
            idp_id: Some(POCKET.into()),
            groups: names(&["QuFabric Admins"]),
            role_by_hand: true,
            may_sign_in: true,
        }]
    );
    let nameless = User {
        email: String::new(),
        name: "Alice".into(),
        ..user(Some(POCKET), &[])
    };
    let gone = people(&[Member::from(&nameless)], &groups, &[], &sync, false);
    assert_eq!(gone[0].email, "Alice");
    assert!(!gone[0].may_sign_in);
}

#[test]
fn the_users_page_says_what_gave_a_role() {
    let name = |id: &str| format!("<{id}>");
    let mut alice = user(Some(POCKET), &[]);
    assert_eq!(role_source_words(&alice, name), None);
    alice.role_given = Some(RoleGiven {
        idp_id: POCKET.into(),
        group: Some("QuFabric Admins".into()),
    });
    assert_eq!(
        role_source_words(&alice, name).as_deref(),
        Some("from group QuFabric Admins (<pocket>)")
    );
    alice.role_given = Some(RoleGiven {
        idp_id: POCKET.into(),
        group: None,
    });
    assert_eq!(
        role_source_words(&alice, name).as_deref(),
        Some("default of the role rules (<pocket>)")
    );
    alice.role_by_hand = true;
    assert_eq!(
        role_source_words(&alice, name).as_deref(),
        Some("set by hand")
    );
}

#[test]
fn rules_read_back_from_json_with_their_default() {
    let set: RoleRules = serde_json::from_str(
        r#"{"rules":[{"group":"QuFabric Admins","idp_id":"pocket","role":"admin"}]}"#,
    )
    .unwrap();
    assert_eq!(set.default_role, Role::User);
    assert_eq!(
        set.rules,
        vec![rule("QuFabric Admins", POCKET, Role::Admin)]
    );
    let given = serde_json::to_string(&RoleGiven {
        idp_id: POCKET.into(),
        group: None,
    })
    .unwrap();
    assert_eq!(given, r#"{"idp_id":"pocket"}"#);
}
