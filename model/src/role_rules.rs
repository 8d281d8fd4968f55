//! Roles from a provider's groups: an ordered list "members of group G from provider P get
//! role R", a QuFabric extension of the account settings (`settings.qufabric_role_rules`;
//! the real NetBird server drops fields it does not know, so a dashboard that finds none
//! hides the section).
//!
//! The server applies the rules at every sign-in through a provider they name, and to
//! everyone at once when they are saved; the Groups page previews the same changes and the
//! same lockout before saving; the test sign-in report names the rule that would apply.
//! All of them call the functions here, so the three cannot disagree.
//!
//! A group name is not tied to a provider (any provider can send "QuFabric Admins"), so a
//! rule always names its provider. Rules never grant owner and never change an owner; a
//! role set by hand on the Users page is kept until an owner gives the person back to the
//! rules. They need group sync: without it no groups are read, and they change nothing.

use crate::api::{Group, GroupIssued, Role, User};
use crate::checks::{Field, Finding, Severity};
use crate::group_checks::{self, SyncDraft};
use serde::{Deserialize, Serialize};

/// Where the rules live in the account settings.
pub const SETTINGS_FIELD: &str = "qufabric_role_rules";

/// The roles a rule (or the default) may give.
pub const GRANTABLE: [Role; 3] = [Role::Admin, Role::Auditor, Role::User];

/// One rule: members of `group`, as `idp_id`'s groups claim names it, get `role`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRule {
    pub group: String,
    pub idp_id: String,
    pub role: Role,
}

/// The account's rules, in order, and the role of a person none of them matches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRules {
    #[serde(default)]
    pub rules: Vec<RoleRule>,
    /// `user` unless changed (`Role`'s default).
    #[serde(default)]
    pub default_role: Role,
}

/// What gave a person their role: a rule for `group` from provider `idp_id`, or that
/// provider's rules' default when `group` is `None`. Published on the user
/// (`role_given`), so the Users page can say "from group G (provider P)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGiven {
    pub idp_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// The role the rules give and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub role: Role,
    pub given: RoleGiven,
}

impl RoleRules {
    /// Whether any rule names `idp_id`: only then do the rules decide its people's roles.
    pub fn governs(&self, idp_id: &str) -> bool {
        self.rules.iter().any(|rule| rule.idp_id == idp_id)
    }

    /// The role for a person of `idp_id` in `groups`: the first matching rule's, else the
    /// default; `None` when no rule names the provider.
    pub fn decide(&self, idp_id: &str, groups: &[String]) -> Option<Decision> {
        if !self.governs(idp_id) {
            return None;
        }
        let matching = self
            .rules
            .iter()
            .find(|rule| rule.idp_id == idp_id && groups.contains(&rule.group));
        Some(match matching {
            Some(rule) => Decision {
                role: rule.role,
                given: RoleGiven {
                    idp_id: idp_id.to_string(),
                    group: Some(rule.group.clone()),
                },
            },
            None => Decision {
                role: self.default_role,
                given: RoleGiven {
                    idp_id: idp_id.to_string(),
                    group: None,
                },
            },
        })
    }
}

/// A person as the rules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub email: String,
    pub role: Role,
    /// The provider they sign in with; `None` for email users.
    pub idp_id: Option<String>,
    /// Their groups by name, as sync last recorded them (or as a token names them).
    pub groups: Vec<String>,
    /// Their role was set by hand on the Users page: the rules leave it.
    pub role_by_hand: bool,
    /// Whether they can sign in at all (see [`may_sign_in`]).
    pub may_sign_in: bool,
}

/// The rules' decision for `person`, or `None` when the rules leave their role alone: sync
/// off, an email user, a provider no rule names, an owner, a role set by hand.
pub fn decision_for(rules: &RoleRules, sync_enabled: bool, person: &Person) -> Option<Decision> {
    if !sync_enabled || person.role == Role::Owner || person.role_by_hand {
        return None;
    }
    rules.decide(person.idp_id.as_deref()?, &person.groups)
}

/// A person's role changing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub email: String,
    pub from: Role,
    pub to: Role,
}

/// Who would gain or lose which role if `rules` applied now.
pub fn changes(rules: &RoleRules, sync_enabled: bool, people: &[Person]) -> Vec<Change> {
    people
        .iter()
        .filter_map(|person| {
            let decision = decision_for(rules, sync_enabled, person)?;
            (decision.role != person.role).then(|| Change {
                email: person.email.clone(),
                from: person.role,
                to: decision.role,
            })
        })
        .collect()
}

/// The role `person` would have under `rules`.
fn role_under(rules: &RoleRules, sync_enabled: bool, person: &Person) -> Role {
    decision_for(rules, sync_enabled, person).map_or(person.role, |decision| decision.role)
}

fn someone_manages(rules: &RoleRules, sync_enabled: bool, people: &[Person]) -> bool {
    people.iter().any(|person| {
        person.may_sign_in
            && matches!(
                role_under(rules, sync_enabled, person),
                Role::Owner | Role::Admin
            )
    })
}

/// Why `rules` may not replace `current`: they would leave no owner or administrator who
/// can sign in, where there is one now. `None` when they may.
pub fn lockout(
    current: &RoleRules,
    rules: &RoleRules,
    sync_enabled: bool,
    people: &[Person],
) -> Option<String> {
    if !someone_manages(current, sync_enabled, people)
        || someone_manages(rules, sync_enabled, people)
    {
        return None;
    }
    let demoted: Vec<String> = changes(rules, sync_enabled, people)
        .into_iter()
        .filter(|change| change.from == Role::Admin)
        .map(|change| format!("{} would become {}", change.email, change.to.as_str()))
        .collect();
    Some(format!(
        "these role rules would leave no owner or administrator who can sign in ({})",
        demoted.join(", ")
    ))
}

/// The first thing wrong with `rules`, as the server refuses it (422) and the page shows it
/// first: an empty group, owner given by a rule or as the default, a provider that does not
/// exist, a rule that can never apply because an earlier one has its group and provider.
pub fn problem(rules: &RoleRules, provider_ids: &[&str]) -> Option<String> {
    if !GRANTABLE.contains(&rules.default_role) {
        return Some("the default role of the role rules must be admin, auditor or user".into());
    }
    for (index, rule) in rules.rules.iter().enumerate() {
        let number = index + 1;
        if rule.group.trim().is_empty() {
            return Some(format!("role rule {number} names no group"));
        }
        if !GRANTABLE.contains(&rule.role) {
            return Some(format!(
                "role rule {number} must give admin, auditor or user (never owner)"
            ));
        }
        if !provider_ids.contains(&rule.idp_id.as_str()) {
            return Some(format!(
                "role rule {number} names a provider that does not exist"
            ));
        }
        let earlier = rules.rules[..index]
            .iter()
            .position(|other| other.group == rule.group && other.idp_id == rule.idp_id);
        if let Some(earlier) = earlier {
            return Some(format!(
                "role rule {number} can never apply: rule {} already matches its group from its provider",
                earlier + 1
            ));
        }
    }
    None
}

/// What the rules read of a user: the API's `User` on the page, the stored row on the
/// server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member<'a> {
    pub email: &'a str,
    pub role: Role,
    pub idp_id: Option<&'a str>,
    pub auto_groups: &'a [String],
    pub is_blocked: bool,
    pub pending_approval: bool,
    pub is_service_user: bool,
    pub role_by_hand: bool,
}

impl<'a> From<&'a User> for Member<'a> {
    fn from(user: &'a User) -> Member<'a> {
        Member {
            email: if user.email.is_empty() {
                &user.name
            } else {
                &user.email
            },
            role: user.role,
            idp_id: user.idp_id.as_deref(),
            auto_groups: &user.auto_groups,
            is_blocked: user.is_blocked,
            pending_approval: user.pending_approval,
            is_service_user: user.is_service_user,
            role_by_hand: user.role_by_hand,
        }
    }
}

/// What the Users page says gave `user` their role: "from group G (P)", the rules'
/// default, or "set by hand"; `None` when neither the rules nor a person did.
/// `provider_name` names a provider by its id.
pub fn role_source_words(user: &User, provider_name: impl Fn(&str) -> String) -> Option<String> {
    if user.role_by_hand {
        return Some("set by hand".into());
    }
    let given = user.role_given.as_ref()?;
    let provider = provider_name(&given.idp_id);
    Some(match &given.group {
        Some(group) => format!("from group {group} ({provider})"),
        None => format!("default of the role rules ({provider})"),
    })
}

/// The Groups page's findings on the role rules as edited (`draft`, against `current` as
/// saved): what the server would refuse (errors, which block saving), and that the rules
/// do nothing while group sync is off.
pub fn findings(
    current: &RoleRules,
    draft: &RoleRules,
    sync_enabled: bool,
    people: &[Person],
    provider_ids: &[&str],
) -> Vec<Finding> {
    let finding = |severity, code, message: String| Finding {
        field: Field::RoleRules,
        severity,
        code,
        message,
        fix: None,
    };
    let mut found = Vec::new();
    if let Some(problem) = problem(draft, provider_ids) {
        found.push(finding(Severity::Error, "role_rules_invalid", problem));
    } else if let Some(lockout) = lockout(current, draft, sync_enabled, people) {
        found.push(finding(Severity::Error, "role_rules_lockout", lockout));
    }
    if !sync_enabled && !draft.rules.is_empty() {
        found.push(finding(
            Severity::Warning,
            "role_rules_need_sync",
            "Role rules read the groups that JWT group sync reads: with sync off they change nothing. Turn on Enable JWT group sync above.".into(),
        ));
    }
    found
}

/// Whether a user can sign in at all: not blocked or waiting, not a service user (they
/// only have tokens), an email user while local sign-in is on, or a person of an existing
/// provider whose recorded groups the allow list admits.
pub fn may_sign_in(
    user: &Member,
    groups: &[String],
    provider_ids: &[&str],
    sync: &SyncDraft,
    local_auth_disabled: bool,
) -> bool {
    if user.is_blocked || user.pending_approval || user.is_service_user {
        return false;
    }
    match user.idp_id {
        None => !local_auth_disabled,
        Some(idp_id) => provider_ids.contains(&idp_id) && group_checks::admits(sync, groups),
    }
}

/// The names of `user`'s groups that sync recorded (JWT-issued), in their order.
pub fn recorded_groups(user: &Member, groups: &[Group]) -> Vec<String> {
    user.auto_groups
        .iter()
        .filter_map(|id| {
            groups
                .iter()
                .find(|group| &group.id == id && group.issued == GroupIssued::Jwt)
        })
        .map(|group| group.name.clone())
        .collect()
}

/// Everyone as the rules see them, one person per user in the same order, from the users,
/// the groups and the providers as the API gives them (the server and the page both start
/// here).
pub fn people(
    users: &[Member],
    groups: &[Group],
    provider_ids: &[&str],
    sync: &SyncDraft,
    local_auth_disabled: bool,
) -> Vec<Person> {
    users
        .iter()
        .map(|user| {
            let recorded = recorded_groups(user, groups);
            Person {
                email: user.email.to_string(),
                role: user.role,
                idp_id: user.idp_id.map(String::from),
                may_sign_in: may_sign_in(user, &recorded, provider_ids, sync, local_auth_disabled),
                groups: recorded,
                role_by_hand: user.role_by_hand,
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "role_rules_tests.rs"]
mod tests;
