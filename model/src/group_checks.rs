//! The checks of the Groups page (JWT group sync): configurations that silently do nothing,
//! and allow lists that lock people out. Data in, findings out; the dashboard shows them as
//! the administrator edits.

use crate::checks::{Field, Finding, Fix, Severity};
use crate::{Group, GroupIssued, IdentityProvider, ProviderKind, Role, User};

/// The claim the embedded IdP forwards from upstream providers.
pub const FORWARDED_CLAIM: &str = "groups";

/// What the administrator is about to save.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncDraft {
    pub enabled: bool,
    pub claim: String,
    pub allow: Vec<String>,
}

impl SyncDraft {
    /// The sync settings an account has saved.
    pub fn of(settings: &crate::AccountSettings) -> SyncDraft {
        SyncDraft {
            enabled: settings.jwt_groups_enabled,
            claim: settings.jwt_groups_claim_name.clone(),
            allow: settings.jwt_allow_groups.clone(),
        }
    }
}

/// Who is editing: how they signed in, and the groups their session token carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Editor {
    /// `None` for a local (email) administrator.
    pub provider_id: Option<String>,
    pub token_groups: Vec<String>,
}

/// The groups a draft would read from a token of the embedded IdP.
pub fn groups_read(draft: &SyncDraft, token_groups: &[String]) -> Vec<String> {
    if draft.claim == FORWARDED_CLAIM {
        token_groups.to_vec()
    } else {
        Vec::new()
    }
}

/// Whether the allow list of `draft` admits someone whose token carries `token_groups`.
pub fn admits(draft: &SyncDraft, token_groups: &[String]) -> bool {
    !draft.enabled
        || draft.allow.is_empty()
        || groups_read(draft, token_groups)
            .iter()
            .any(|g| draft.allow.contains(g))
}

/// Remove characters a claim name cannot have (spaces), as typed.
pub fn clean_claim(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether a stored claim name is one the page could have typed (the server refuses
/// others with this rule, the page removes the characters as typed).
pub fn claim_name_valid(name: &str) -> bool {
    clean_claim(name) == name
}

fn finding(
    field: Field,
    severity: Severity,
    code: &'static str,
    message: String,
    fix: Option<Fix>,
) -> Finding {
    Finding {
        field,
        severity,
        code,
        message,
        fix,
    }
}

/// Every finding for a draft, given the account's groups, users and providers, and
/// whether the embedded IdP stands between the providers and QuFabric (it forwards only
/// the `groups` claim; without it tokens come straight from the provider).
pub fn check_sync(
    draft: &SyncDraft,
    editor: &Editor,
    groups: &[Group],
    users: &[User],
    providers: &[IdentityProvider],
    embedded_idp: bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if draft.enabled && draft.claim.trim().is_empty() {
        findings.push(finding(
            Field::Claim,
            Severity::Error,
            "claim_empty",
            "Enter the claim to read groups from: with an empty claim nothing is synchronised."
                .into(),
            Some(Fix {
                label: "Use groups".into(),
                value: FORWARDED_CLAIM.into(),
            }),
        ));
    } else if draft.enabled && embedded_idp && draft.claim != FORWARDED_CLAIM {
        findings.push(finding(
            Field::Claim,
            Severity::Warning,
            "claim_not_forwarded",
            format!(
                "The embedded IdP forwards only the groups claim: with \"{}\" no groups arrive, and an allow list would refuse everyone who signs in through a provider.",
                draft.claim
            ),
            Some(Fix {
                label: "Use groups".into(),
                value: FORWARDED_CLAIM.into(),
            }),
        ));
    }
    if !draft.enabled && !draft.allow.is_empty() {
        findings.push(finding(
            Field::AllowGroups,
            Severity::Warning,
            "allow_without_sync",
            "Allowed groups have no effect while JWT group sync is off.".into(),
            None,
        ));
    }
    if draft.enabled {
        for name in &draft.allow {
            findings.extend(check_allow_group(name, groups));
        }
    }
    if draft.enabled && !draft.allow.is_empty() {
        match &editor.provider_id {
            Some(_) if !admits(draft, &editor.token_groups) => findings.push(finding(
                Field::AllowGroups,
                Severity::Warning,
                "lockout_self",
                format!(
                    "You would lock yourself out: your session's token carries {} in the {} claim, and none of them is allowed. Your next request after saving is refused.",
                    describe(&groups_read(draft, &editor.token_groups)),
                    draft.claim
                ),
                None,
            )),
            None => findings.push(finding(
                Field::AllowGroups,
                Severity::Note,
                "local_exempt",
                "You signed in with email: local users are exempt from the allow list, so you keep access.".into(),
                None,
            )),
            _ => {}
        }
        let others = locked_out_admins(draft, groups, users);
        if !others.is_empty() {
            findings.push(finding(
                Field::AllowGroups,
                Severity::Warning,
                "lockout_others",
                format!(
                    "These owners and admins would lose access: {}.",
                    others.join(", ")
                ),
                None,
            ));
        }
    }
    findings.extend(claim_notes(providers));
    findings
}

/// What each configured kind of provider does with groups (the catalogue's claim notes),
/// once per kind, in catalogue order. PocketID's is the reminder that it sends only the
/// groups assigned to its OIDC client.
pub fn claim_notes(providers: &[IdentityProvider]) -> Vec<Finding> {
    crate::CATALOGUE
        .iter()
        .filter(|info| providers.iter().any(|p| p.kind == info.kind))
        .filter_map(|info| {
            let note = info.claim_note?;
            let code = if info.kind == ProviderKind::Pocketid {
                "pocketid_assigned_groups"
            } else {
                "provider_claim_note"
            };
            Some(finding(
                Field::Claim,
                Severity::Note,
                code,
                note.into(),
                None,
            ))
        })
        .collect()
}

/// Names joined as people write them: "A", "A or B", "A, B or C".
fn either(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Why someone outside the allow list was refused, in plain sentences: who may sign in,
/// what their sign-in carried, and who can change it. `groups_read` are the groups read
/// from their token with the configured claim.
pub fn refusal_sentence(allow: &[String], groups_read: &[String]) -> String {
    let carried = match groups_read {
        [] => "Your sign-in carried no groups.".to_string(),
        [one] => format!("Your sign-in carried only the group {one}."),
        many => format!(
            "Your sign-in carried the groups {}, and none of them is allowed.",
            many.join(", ")
        ),
    };
    format!(
        "Only members of {} may sign in to QuFabric. {carried} An administrator can allow one of your groups under Settings → Groups, or add you to an allowed group at the identity provider.",
        either(allow)
    )
}

fn describe(groups: &[String]) -> String {
    if groups.is_empty() {
        "no groups".into()
    } else {
        groups.join(", ")
    }
}

fn check_allow_group(name: &str, groups: &[Group]) -> Vec<Finding> {
    let jwt: Vec<&Group> = groups
        .iter()
        .filter(|g| g.issued == GroupIssued::Jwt)
        .collect();
    if jwt.iter().any(|g| g.name == name) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(api) = groups
        .iter()
        .find(|g| g.name == name && g.issued != GroupIssued::Jwt)
    {
        out.push(finding(
            Field::AllowGroups,
            Severity::Warning,
            "allow_api_group",
            format!(
                "\"{}\" exists as a group made in QuFabric, not from a token: a same-named group from the provider will not sync into it, and nobody's token membership matches it until the provider sends it.",
                api.name
            ),
            None,
        ));
        return out;
    }
    let trimmed = name.trim_start_matches('/');
    let near = jwt
        .iter()
        .find(|g| g.name == trimmed || g.name.eq_ignore_ascii_case(trimmed))
        .map(|g| g.name.clone());
    match near {
        Some(exact) if name.starts_with('/') => out.push(finding(
            Field::AllowGroups,
            Severity::Warning,
            "allow_leading_slash",
            format!("\"{name}\" has a leading slash; the provider sends \"{exact}\"."),
            Some(Fix {
                label: format!("Use {exact}"),
                value: exact,
            }),
        )),
        Some(exact) => out.push(finding(
            Field::AllowGroups,
            Severity::Warning,
            "allow_case",
            format!("\"{name}\" differs in case from the synchronised group \"{exact}\"; names must match exactly."),
            Some(Fix {
                label: format!("Use {exact}"),
                value: exact,
            }),
        )),
        None => out.push(finding(
            Field::AllowGroups,
            Severity::Note,
            "allow_unknown",
            format!("No group \"{name}\" has come from a token yet: groups appear after a member's first sign-in."),
            None,
        )),
    }
    out
}

/// The allow list after the checks' fix for a near miss: every entry that matches `exact`
/// but for case or a leading `/` (Keycloak's full group path) becomes `exact`, and each name
/// stays once, where it first appeared.
pub fn with_exact_group_name(allow: &[String], exact: &str) -> Vec<String> {
    let mut fixed: Vec<String> = Vec::with_capacity(allow.len());
    for name in allow {
        let name = if name.trim_start_matches('/').eq_ignore_ascii_case(exact) {
            exact.to_string()
        } else {
            name.clone()
        };
        if !fixed.contains(&name) {
            fixed.push(name);
        }
    }
    fixed
}

/// Owners and admins who sign in through a provider and none of whose JWT-issued groups
/// is allowed.
pub fn locked_out_admins(draft: &SyncDraft, groups: &[Group], users: &[User]) -> Vec<String> {
    if !draft.enabled || draft.allow.is_empty() {
        return Vec::new();
    }
    users
        .iter()
        .filter(|u| {
            matches!(u.role, Role::Owner | Role::Admin) && u.idp_id.is_some() && !u.is_current
        })
        .filter(|u| {
            let recorded = crate::role_rules::recorded_groups(&(*u).into(), groups);
            !admits(draft, &recorded)
        })
        .map(User::display_name)
        .collect()
}
