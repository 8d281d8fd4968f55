//! Test sign-in: what a provider sent in a real round trip (the server's report), and what
//! QuFabric would do with it (the analysis, made here with the same rules as sign-in and
//! group sync, against whichever sync settings the administrator is looking at).

use serde::{Deserialize, Serialize};

use crate::claims::{find, judge, ClaimMapping, Claims, ClaimsRefusal, MappedIdentity};
use crate::group_checks::{self, SyncDraft, FORWARDED_CLAIM};
use crate::kept::Kept;
use crate::provider_options::GROUPS_SCOPE;
use crate::{Group, GroupIssued, ProviderKind, Role};

/// How long a report is kept (and a test may take), in seconds.
pub const TEST_MAX_AGE_SECS: i64 = 600;

/// Clock difference between the provider and QuFabric worth a warning, in seconds.
pub const CLOCK_SKEW_LIMIT_SECS: i64 = 60;

/// `POST /api/identity-providers/{id}/test-sign-in`: the one-time id the popup starts with
/// (at the IdP's `/test-sign-in?id=`) and the report is read by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSignInStart {
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    /// The popup has not come back yet.
    Waiting,
    /// The provider signed the user in; the claims are in the report.
    Done,
    /// The round trip ended early; `failure` says why.
    Failed,
    #[serde(other)]
    Unknown,
}

/// One claim as the provider sent it; `value` is `None` for claims whose values are
/// never shown (nonces and token hashes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportedClaim {
    pub name: String,
    #[serde(default)]
    pub value: Option<Kept>,
}

/// The QuFabric user the tested identity already is, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExistingUser {
    pub email: String,
    pub role: Role,
    #[serde(default)]
    pub is_blocked: bool,
    /// Waiting for an owner or admin to approve them (blocked until then).
    #[serde(default)]
    pub pending_approval: bool,
    /// Their role was set by hand on the Users page (the role rules leave it).
    #[serde(default)]
    pub role_by_hand: bool,
}

/// Why a test ended early.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestFailure {
    /// A sign-in error code (`upstream_denied`, `issuer_mismatch`, …).
    pub code: String,
    pub description: String,
}

/// `GET /api/test-sign-ins/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestSignInReport {
    pub provider_id: String,
    pub status: TestStatus,
    #[serde(default)]
    pub failure: Option<TestFailure>,
    /// The verified ID token's claims.
    #[serde(default)]
    pub id_token_claims: Vec<ReportedClaim>,
    /// The userinfo endpoint's claims; `None` when the provider has none or it failed.
    #[serde(default)]
    pub userinfo_claims: Option<Vec<ReportedClaim>>,
    /// Why userinfo is missing, when it was tried.
    #[serde(default)]
    pub userinfo_error: Option<String>,
    #[serde(default)]
    pub requested_scopes: Vec<String>,
    /// The token response's `scope`; `None` when the provider did not say (it then
    /// granted what was asked, RFC 6749 §5.1).
    #[serde(default)]
    pub granted_scopes: Option<Vec<String>>,
    /// QuFabric's clock when the token arrived (Unix seconds).
    #[serde(default)]
    pub received_at: i64,
    #[serde(default)]
    pub existing_user: Option<ExistingUser>,
    /// Whether the account makes newcomers wait for approval (`extra.user_approval_required`).
    #[serde(default)]
    pub approval_required: bool,
    /// The provider's name as configured, for the report's words.
    #[serde(default)]
    pub provider_name: String,
    /// The claim mapping the server read the answer with.
    #[serde(default)]
    pub claim_mapping: ClaimMapping,
    /// Whether the provider names a userinfo endpoint (so a missing `userinfo_claims` is a
    /// failure to read it).
    #[serde(default)]
    pub userinfo_offered: bool,
    /// The scopes the provider's discovery document offers.
    #[serde(default)]
    pub scopes_supported: Option<Vec<String>>,
    /// The account's role rules as saved (`None` from a server without them).
    #[serde(default)]
    pub role_rules: Option<crate::role_rules::RoleRules>,
    /// The groups allowed through the provider as saved (empty: anyone it lets through).
    #[serde(default)]
    pub allowed_groups: Vec<String>,
}

/// The role sentence when the role rules decide (or pointedly do not change) the tester's
/// role: the same decision a sign-in makes (`role_rules::decision_for`).
fn rules_role(
    report: &TestSignInReport,
    sync_enabled: bool,
    groups_read: &[String],
    provider: &str,
) -> Option<String> {
    let rules = report.role_rules.as_ref()?;
    if !rules.governs(&report.provider_id) {
        return None;
    }
    if !sync_enabled {
        return Some(format!(
            "Role rules name {provider}, but group sync is off: they change nothing, and the role stays as it is."
        ));
    }
    let user = report.existing_user.as_ref();
    let person = crate::role_rules::Person {
        email: user.map(|u| u.email.clone()).unwrap_or_default(),
        role: user.map_or(Role::User, |u| u.role),
        idp_id: Some(report.provider_id.clone()),
        groups: groups_read.to_vec(),
        role_by_hand: user.is_some_and(|u| u.role_by_hand),
        may_sign_in: true,
    };
    let Some(decision) = crate::role_rules::decision_for(rules, sync_enabled, &person) else {
        return Some(if person.role == Role::Owner {
            "Stays owner: role rules never change an owner.".to_string()
        } else {
            format!(
                "Keeps the role {}, set by hand under Settings → Users: role rules leave it until an owner gives them back to the rules.",
                person.role.as_str()
            )
        });
    };
    let role = decision.role.as_str();
    Some(match decision.given.group {
        Some(group) => {
            let number = rules
                .rules
                .iter()
                .position(|r| r.idp_id == report.provider_id && r.group == group)
                .map_or(0, |index| index + 1);
            format!("Would get the role {role} by role rule {number}: members of {group} from {provider} get {role}.")
        }
        None => format!(
            "Would get the role {role}, the role rules' default: no rule for {provider} matches their groups."
        ),
    })
}

/// Claims whose values are hidden in a report: proofs bound to one sign-in.
pub fn claim_value_hidden(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(name.as_str(), "nonce" | "at_hash" | "c_hash" | "s_hash")
        || ["token", "secret", "password"]
            .iter()
            .any(|word| name.contains(word))
}

/// What a groups claim looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimShape {
    Missing,
    /// `null`.
    Null,
    /// `[]`.
    Empty,
    /// An array; `names` are its strings, `others` counts what is not a string.
    Array {
        names: Vec<String>,
        others: usize,
    },
    String(String),
    Object,
    /// A number or a boolean.
    Scalar,
    /// Present, but its value is hidden or unreadable.
    Unreadable,
}

impl ClaimShape {
    /// The shape of a claim's JSON text, read without a generic JSON tree.
    pub fn of_json(json: &str) -> ClaimShape {
        match json.trim_start().as_bytes().first() {
            Some(b'[') => match serde_json::from_str::<Vec<Kept>>(json) {
                Ok(items) if items.is_empty() => ClaimShape::Empty,
                Ok(items) => {
                    let names: Vec<String> =
                        items.iter().filter_map(crate::claims::item_name).collect();
                    let others = items.len() - names.len();
                    ClaimShape::Array { names, others }
                }
                Err(_) => ClaimShape::Unreadable,
            },
            Some(b'"') => serde_json::from_str(json)
                .map(ClaimShape::String)
                .unwrap_or(ClaimShape::Unreadable),
            Some(b'{') => ClaimShape::Object,
            Some(b'n') => ClaimShape::Null,
            Some(_) => ClaimShape::Scalar,
            None => ClaimShape::Unreadable,
        }
    }

    /// The shape of claim `name` among `claims`.
    pub fn in_claims(claims: &[ReportedClaim], name: &str) -> ClaimShape {
        match claims.iter().find(|c| c.name == name) {
            None => ClaimShape::Missing,
            Some(ReportedClaim { value: None, .. }) => ClaimShape::Unreadable,
            Some(ReportedClaim {
                value: Some(value), ..
            }) => ClaimShape::of_json(value.json()),
        }
    }

    /// In words, for the report.
    pub fn describe(&self) -> String {
        match self {
            ClaimShape::Missing => "missing".into(),
            ClaimShape::Null => "present, but null".into(),
            ClaimShape::Empty => "present, but empty (an empty list)".into(),
            ClaimShape::Array { names, others: 0 } => {
                format!(
                    "a list of {}: {}",
                    plural(names.len(), "group"),
                    names.join(", ")
                )
            }
            ClaimShape::Array { names, others } => format!(
                "a list of {} and {} that {} not names: {}",
                plural(names.len(), "group"),
                plural(*others, "value"),
                if *others == 1 { "is" } else { "are" },
                names.join(", ")
            ),
            ClaimShape::String(one) => format!("a single name: {one}"),
            ClaimShape::Object => "an object (QuFabric reads its `name`, if it has one)".into(),
            ClaimShape::Scalar => "a number or true/false, not group names".into(),
            ClaimShape::Unreadable => "present, but could not be read".into(),
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// What sync would do with one group name of the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupAction {
    /// No group of that name yet: sync creates it (issued by JWT) and adds the user.
    Create,
    /// A group made by sync exists: the user is added to it.
    Attach,
    /// A group of that name was made by hand: sync leaves it alone.
    NotAttached,
}

/// One thing to change, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub what: String,
    pub fix: String,
}

/// What QuFabric would do with the tested identity.
#[derive(Debug, Clone, PartialEq)]
pub struct TestAnalysis {
    /// Email, name and groups, read by the sign-in's rule.
    pub identity: MappedIdentity,
    /// The groups claim is missing and the provider offers the `groups` scope QuFabric did
    /// not ask for: the report offers to add it.
    pub add_groups_scope: bool,
    pub id_token_groups: ClaimShape,
    /// `None` when userinfo was not read.
    pub userinfo_groups: Option<ClaimShape>,
    /// The groups sync reads (empty with sync off or another claim name).
    pub groups_read: Vec<String>,
    /// What sync would do per group; empty with sync off.
    pub actions: Vec<(String, GroupAction)>,
    pub admitted: bool,
    pub admission: String,
    pub role: String,
    /// Provider clock minus QuFabric's, when beyond the limit.
    pub clock_skew_secs: Option<i64>,
    pub email_verified: Option<bool>,
    pub problems: Vec<Problem>,
}

fn claim_value<T: for<'a> Deserialize<'a>>(claims: &[ReportedClaim], name: &str) -> Option<T> {
    claims
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.value.as_ref())
        .and_then(|v| v.decode().ok())
}

/// The shape of the mapped groups `claim` in one source: the literal claim as sent (so a
/// `null` or hidden value is said as such), else the dotted path.
fn shape_in(list: &[ReportedClaim], claim: &str) -> ClaimShape {
    match ClaimShape::in_claims(list, claim) {
        ClaimShape::Missing => find(
            &Claims {
                id_token: list,
                userinfo: None,
            },
            claim,
        )
        .map(|found| ClaimShape::of_json(found.value.json()))
        .unwrap_or(ClaimShape::Missing),
        shape => shape,
    }
}

/// The analysis of a finished test for a provider of `kind`, under `sync` and with the
/// account's `groups`: the claims read by the sign-in's own rule ([`judge`]), with the
/// provider's claim mapping the server used.
pub fn analyse(
    report: &TestSignInReport,
    kind: ProviderKind,
    sync: &SyncDraft,
    groups: &[Group],
) -> TestAnalysis {
    let provider = if report.provider_name.is_empty() {
        kind.info().label.to_string()
    } else {
        report.provider_name.clone()
    };
    let provider = provider.as_str();
    let fix = kind.info().groups_fix;
    let mapping = &report.claim_mapping;
    let claim = mapping.groups.as_str();
    let userinfo_failed = report.userinfo_offered && report.userinfo_claims.is_none();
    let claims = Claims {
        id_token: &report.id_token_claims,
        userinfo: report.userinfo_claims.as_deref(),
    };
    let (identity, refusal) = judge(&claims, mapping, userinfo_failed, sync.enabled);
    let id_token_groups = shape_in(&report.id_token_claims, claim);
    let userinfo_groups = report.userinfo_claims.as_ref().map(|u| shape_in(u, claim));
    let token_groups = identity.groups.names.clone();
    let groups_read = group_checks::groups_read(sync, &token_groups);
    let asked_groups = report.requested_scopes.iter().any(|s| s == GROUPS_SCOPE);
    let offers_groups = report
        .scopes_supported
        .as_ref()
        .is_some_and(|offered| offered.iter().any(|s| s == GROUPS_SCOPE));
    let add_groups_scope = identity.groups.found.is_none() && !asked_groups && offers_groups;
    let mut problems = Vec::new();

    if let Some(why) = refusal {
        let fix = match why {
            ClaimsRefusal::EmailMissing => format!(
                "Map the claim that holds the address (Settings → Identity Providers → {provider} → Advanced), or have {provider} release the `email` scope's claims."
            ),
            ClaimsRefusal::UserinfoFailed(_) => format!(
                "Check that {provider}'s userinfo endpoint answers QuFabric (the details are below), or have {provider} put these claims into the ID token."
            ),
        };
        let what = match why {
            ClaimsRefusal::EmailMissing => format!(
                "No claim holds the user's email address, so the sign-in would be refused (QuFabric looked at {}).",
                crate::claims::email_claims_looked_at(mapping)
            ),
            ClaimsRefusal::UserinfoFailed(_) => {
                format!("The sign-in would be refused: {}.", why.describe(provider, mapping))
            }
        };
        problems.push(Problem { what, fix });
    }
    if identity.name.is_none() && identity.email.is_some() {
        problems.push(Problem {
            what: format!("{provider} sent no name (`name`, `given_name` and `family_name`, or `preferred_username`): Settings → Users will show the email address instead."),
            fix: format!("Ask {provider} for the `profile` scope, or give the user a name at {provider}."),
        });
    }

    if identity.groups.overage {
        problems.push(Problem {
            what: format!("{provider} sent a groups overage: the user is in too many groups to fit in the token, so `_claim_names` points at another source instead of a `{claim}` claim."),
            fix: format!("Have {provider} send only the groups assigned to QuFabric's application (in Entra ID: Token configuration → groups claim → \"Groups assigned to the application\")."),
        });
    } else {
        match &identity.groups.found {
            None => {
                let refused_scope = asked_groups
                    && report
                        .granted_scopes
                        .as_ref()
                        .is_some_and(|granted| !granted.iter().any(|s| s == GROUPS_SCOPE));
                let why = if add_groups_scope {
                    format!("QuFabric did not ask for the `groups` scope, which {provider} offers.")
                } else if refused_scope {
                    format!(
                        "QuFabric asked for the `groups` scope, and {provider} did not grant it (granted: {}).",
                        report.granted_scopes.as_deref().unwrap_or_default().join(" ")
                    )
                } else if asked_groups {
                    format!("QuFabric asked for the `groups` scope, but {provider} put no `{claim}` claim into the ID token.")
                } else {
                    format!("{provider} put no `{claim}` claim into the ID token.")
                };
                let userinfo = if report.userinfo_claims.is_some() {
                    " Userinfo has none either."
                } else {
                    ""
                };
                problems.push(Problem {
                    what: format!(
                        "The `{claim}` claim is missing from the ID token. {why}{userinfo}"
                    ),
                    fix: if add_groups_scope {
                        format!("Add the scope `groups` to {provider}'s scopes.")
                    } else {
                        fix.missing.into()
                    },
                });
            }
            Some(found) if token_groups.is_empty() => {
                let shape = ClaimShape::of_json(found.value.json());
                let place = found.source.describe();
                problems.push(if shape == ClaimShape::Empty {
                    Problem {
                        what: format!("The `{claim}` claim is present but empty in {place}: {provider} sent no group for this user."),
                        fix: fix.empty.into(),
                    }
                } else {
                    Problem {
                        what: format!(
                            "The `{claim}` claim in {place} is {}, so QuFabric reads no group from it.",
                            shape.describe()
                        ),
                        fix: format!("Configure {provider} to send group names: a list of names, one name, or objects with a `name`; or map another claim under its Advanced settings."),
                    }
                });
            }
            Some(found) => {
                if let (ClaimShape::String(one), false) = (
                    ClaimShape::of_json(found.value.json()),
                    mapping.groups_split,
                ) {
                    if one.contains(',') {
                        problems.push(Problem {
                            what: format!("The `{claim}` claim is one string with commas, `{one}`: QuFabric reads it as one group."),
                            fix: format!("If these are several groups, turn on \"Split one string into groups\" in {provider}'s Advanced settings."),
                        });
                    }
                }
            }
        }
    }
    if token_groups.iter().any(|g| g.starts_with('/')) && kind == ProviderKind::Keycloak {
        problems.push(Problem {
            what: "The group names start with `/`: Keycloak sends full group paths.".into(),
            fix: "In Keycloak, turn off \"Full group path\" on the client's Group Membership mapper, or list the names with their `/` under Settings → Groups.".into(),
        });
    }
    if sync.enabled && sync.claim != FORWARDED_CLAIM && !token_groups.is_empty() {
        problems.push(Problem {
            what: format!(
                "Group sync reads the claim `{}`, but the embedded IdP forwards the provider's groups as `groups`, so sync reads nothing.",
                sync.claim
            ),
            fix: "Set the JWT claim to `groups` under Settings → Groups.".into(),
        });
    }

    let actions: Vec<(String, GroupAction)> = if sync.enabled && refusal.is_none() {
        groups_read
            .iter()
            .map(|name| {
                let action = match groups.iter().find(|g| &g.name == name) {
                    None => GroupAction::Create,
                    Some(g) if g.issued == GroupIssued::Jwt => GroupAction::Attach,
                    Some(_) => GroupAction::NotAttached,
                };
                (name.clone(), action)
            })
            .collect()
    } else {
        Vec::new()
    };

    // The provider's own allowed groups come first: a sign-in checks them first.
    let allowed = &report.allowed_groups;
    let provider_admits = crate::provider_options::admits_through(allowed, &token_groups);
    if !provider_admits && refusal.is_none() {
        problems.insert(
            0,
            Problem {
                what: format!("This user would not get in through {provider}: none of their groups is allowed through it."),
                fix: format!(
                    "Add one of their groups to {provider}'s allowed groups under Settings → Identity Providers, or add the user to {} at {provider}.",
                    allowed.join(" or ")
                ),
            },
        );
    }
    let groups_admit = group_checks::admits(sync, &token_groups);
    let admitted = refusal.is_none() && provider_admits && groups_admit;
    let admission = if let Some(why) = refusal {
        format!("Would be refused: {}.", why.describe(provider, mapping))
    } else if !provider_admits {
        format!(
            "Would be refused: {}",
            crate::provider_options::provider_refusal(provider, allowed, &token_groups)
        )
    } else if !sync.enabled {
        "Would be admitted: group sync is off, so groups decide nothing.".to_string()
    } else if sync.allow.is_empty() {
        "Would be admitted: there is no allow list.".to_string()
    } else if admitted {
        let member: Vec<&str> = groups_read
            .iter()
            .filter(|g| sync.allow.contains(g))
            .map(String::as_str)
            .collect();
        format!(
            "Would be admitted: a member of the allowed group {}.",
            member.join(", ")
        )
    } else {
        let read = if groups_read.is_empty() {
            "no group".to_string()
        } else {
            groups_read.join(", ")
        };
        format!(
            "Would be refused: the sign-in carries {read}, and only members of {} may sign in.",
            sync.allow.join(", ")
        )
    };
    if !groups_admit && refusal.is_none() {
        problems.push(Problem {
            what: "This user would not get in: none of their groups is on the allow list.".into(),
            fix: if token_groups.is_empty() {
                "Fix the groups claim first (above), or add the user to an allowed group at the provider.".into()
            } else {
                format!(
                    "Allow one of {} under Settings → Groups, or add the user to an allowed group at the provider.",
                    token_groups.join(", ")
                )
            },
        });
    }

    let role = match &report.existing_user {
        Some(user) if user.pending_approval => {
            problems.push(Problem {
                what: format!("{} waits for approval: their sign-in ends on the waiting message.", user.email),
                fix: "Approve them under Settings → Users.".into(),
            });
            format!("Already known to QuFabric ({}), waiting for approval.", user.email)
        }
        Some(user) if user.is_blocked => {
            problems.push(Problem {
                what: format!("{} is a blocked QuFabric user.", user.email),
                fix: "Unblock the user under Settings → Users.".into(),
            });
            format!("Already a QuFabric user ({}), blocked.", user.email)
        }
        Some(user) => format!(
            "Already a QuFabric user ({}) with the role {}.",
            user.email,
            user.role.as_str()
        ),
        None if report.approval_required => format!(
            "A new QuFabric user with the role {}, who waits for approval: their first sign-in ends on a waiting message until an owner or admin approves them under Settings → Users.",
            Role::User.as_str()
        ),
        None => format!(
            "A new QuFabric user with the role {} (an owner or admin can change it under Settings → Users).",
            Role::User.as_str()
        ),
    };

    let role = rules_role(report, sync.enabled, &groups_read, provider).unwrap_or(role);

    // Saturating: `iat` is whatever the provider wrote (a wrapped or panicking
    // subtraction on a hostile value would be wrong, or kill the page).
    let clock_skew_secs = claim_value::<i64>(&report.id_token_claims, "iat")
        .map(|iat| iat.saturating_sub(report.received_at))
        .filter(|skew| {
            skew.unsigned_abs() > CLOCK_SKEW_LIMIT_SECS.unsigned_abs() && report.received_at > 0
        });
    if let Some(skew) = clock_skew_secs {
        let direction = if skew > 0 { "ahead of" } else { "behind" };
        problems.push(Problem {
            what: format!(
                "{provider}'s clock is {} s {direction} QuFabric's: tokens may be refused as not yet valid or expired.",
                skew.unsigned_abs()
            ),
            fix: "Synchronise the clocks of both servers (NTP).".into(),
        });
    }

    let email_verified =
        find(&claims, "email_verified").and_then(|f| f.value.decode::<bool>().ok());
    if email_verified == Some(false) {
        problems.push(Problem {
            what: format!("{provider} says this user's email address is not verified."),
            fix: format!("Verify the address in {provider}, or make sure the account is the right person's before telling them."),
        });
    }

    TestAnalysis {
        identity,
        add_groups_scope,
        id_token_groups,
        userinfo_groups,
        groups_read,
        actions,
        admitted,
        admission,
        role,
        clock_skew_secs,
        email_verified,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: &[(&str, &str)]) -> Vec<ReportedClaim> {
        json.iter()
            .map(|(name, value)| ReportedClaim {
                name: name.to_string(),
                value: Some(serde_json::from_str(value).unwrap()),
            })
            .collect()
    }

    /// A report whose ID token has `id_token`'s claims, and an email and a name unless
    /// `id_token` says otherwise.
    fn report(id_token: &[(&str, &str)]) -> TestSignInReport {
        let mut all = id_token.to_vec();
        for (name, value) in [("email", r#""u@example.com""#), ("name", r#""U""#)] {
            if !id_token.iter().any(|(n, _)| *n == name) {
                all.push((name, value));
            }
        }
        TestSignInReport {
            provider_id: "p".into(),
            status: TestStatus::Done,
            failure: None,
            id_token_claims: claims(&all),
            userinfo_claims: None,
            userinfo_error: None,
            requested_scopes: vec!["openid".into(), "groups".into()],
            granted_scopes: None,
            received_at: 1000,
            existing_user: None,
            approval_required: false,
            provider_name: String::new(),
            claim_mapping: ClaimMapping::default(),
            userinfo_offered: false,
            scopes_supported: None,
            role_rules: None,
            allowed_groups: Vec::new(),
        }
    }

    #[test]
    fn the_report_applies_the_providers_allowed_groups_first() {
        let mut r = report(&[("groups", r#"["staff"]"#)]);
        r.provider_name = "Contractor IdP".into();
        r.allowed_groups = vec!["contractors".into()];
        let off = SyncDraft {
            enabled: false,
            ..sync(&[])
        };
        let a = analyse(&r, ProviderKind::Oidc, &off, &[]);
        assert!(!a.admitted, "refused whether or not sync is on");
        assert!(
            a.admission.starts_with("Would be refused: Only members of contractors may sign in to QuFabric through Contractor IdP; your sign-in carried staff."),
            "{}",
            a.admission
        );
        assert!(a.problems[0]
            .what
            .contains("none of their groups is allowed through it"));
        r.id_token_claims = claims(&[("groups", r#"["contractors"]"#), ("email", r#""c@x""#)]);
        assert!(analyse(&r, ProviderKind::Oidc, &off, &[]).admitted);
    }

    #[test]
    fn the_report_names_the_role_rule_that_would_apply() {
        use crate::role_rules::{RoleRule, RoleRules};
        let mut r = report(&[("groups", r#"["Staff","QuFabric Admins"]"#)]);
        r.provider_name = "PocketID".into();
        let a = analyse(&r, ProviderKind::Pocketid, &sync(&[]), &[]);
        assert!(
            a.role.starts_with("A new QuFabric user"),
            "no rules: {}",
            a.role
        );
        let rule = |group: &str, idp_id: &str, role| RoleRule {
            group: group.into(),
            idp_id: idp_id.into(),
            role,
        };
        r.role_rules = Some(RoleRules {
            rules: vec![
                rule("QuFabric Admins", "other", Role::Auditor),
                rule("QuFabric Admins", "p", Role::Admin),
            ],
            default_role: Role::Auditor,
        });
        let a = analyse(&r, ProviderKind::Pocketid, &sync(&[]), &[]);
        assert_eq!(
            a.role,
            "Would get the role admin by role rule 2: members of QuFabric Admins from PocketID get admin."
        );
        let mut outside = r.clone();
        outside.id_token_claims = claims(&[("groups", r#"["Staff"]"#), ("email", r#""u@x""#)]);
        assert_eq!(
            analyse(&outside, ProviderKind::Pocketid, &sync(&[]), &[]).role,
            "Would get the role auditor, the role rules' default: no rule for PocketID matches their groups."
        );
        let off = SyncDraft {
            enabled: false,
            ..sync(&[])
        };
        assert!(analyse(&r, ProviderKind::Pocketid, &off, &[])
            .role
            .contains("group sync is off"));
        r.existing_user = Some(ExistingUser {
            email: "u@example.com".into(),
            role: Role::Owner,
            is_blocked: false,
            pending_approval: false,
            role_by_hand: false,
        });
        assert_eq!(
            analyse(&r, ProviderKind::Pocketid, &sync(&[]), &[]).role,
            "Stays owner: role rules never change an owner."
        );
        r.existing_user = Some(ExistingUser {
            role: Role::User,
            role_by_hand: true,
            ..r.existing_user.clone().unwrap()
        });
        assert!(analyse(&r, ProviderKind::Pocketid, &sync(&[]), &[])
            .role
            .starts_with("Keeps the role user, set by hand"));
        // A provider no rule names: the usual sentence.
        r.provider_id = "third".into();
        assert!(analyse(&r, ProviderKind::Pocketid, &sync(&[]), &[])
            .role
            .starts_with("Already a QuFabric user"));
    }

    fn sync(allow: &[&str]) -> SyncDraft {
        SyncDraft {
            enabled: true,
            claim: "groups".into(),
            allow: allow.iter().map(|a| a.to_string()).collect(),
        }
    }

    fn group(name: &str, issued: GroupIssued) -> Group {
        Group::empty(name, name, issued)
    }

    #[test]
    fn shapes_are_read_from_the_json_text() {
        assert_eq!(ClaimShape::of_json("[]"), ClaimShape::Empty);
        assert_eq!(
            ClaimShape::of_json(r#"["a", 1, "b"]"#),
            ClaimShape::Array {
                names: vec!["a".into(), "b".into()],
                others: 1
            }
        );
        assert_eq!(
            ClaimShape::of_json(r#""a""#),
            ClaimShape::String("a".into())
        );
        assert_eq!(ClaimShape::of_json(r#"{"a":1}"#), ClaimShape::Object);
        assert_eq!(ClaimShape::of_json("null"), ClaimShape::Null);
        assert_eq!(ClaimShape::of_json("7"), ClaimShape::Scalar);
        assert_eq!(ClaimShape::of_json(""), ClaimShape::Unreadable);
        assert_eq!(ClaimShape::of_json("[1,"), ClaimShape::Unreadable);
        assert_eq!(ClaimShape::in_claims(&[], "groups"), ClaimShape::Missing);
    }

    #[test]
    fn a_member_of_an_allowed_group_is_admitted_and_attached() {
        let r = report(&[
            ("groups", r#"["QuFabric","New"]"#),
            ("email_verified", "true"),
            ("email", r#""a@example.com""#),
            ("name", r#""A""#),
        ]);
        let groups = [
            group("QuFabric", GroupIssued::Jwt),
            group("New2", GroupIssued::Api),
        ];
        let a = analyse(&r, ProviderKind::Pocketid, &sync(&["QuFabric"]), &groups);
        assert!(a.admitted, "{a:?}");
        assert!(a.admission.contains("QuFabric"));
        assert_eq!(
            a.actions,
            vec![
                ("QuFabric".into(), GroupAction::Attach),
                ("New".into(), GroupAction::Create)
            ]
        );
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        assert!(a.role.contains("new QuFabric user"));
        assert_eq!(a.email_verified, Some(true));
    }

    #[test]
    fn an_empty_claim_gets_the_providers_advice_and_a_refusal() {
        let r = report(&[("groups", "[]")]);
        let a = analyse(&r, ProviderKind::Pocketid, &sync(&["QuFabric"]), &[]);
        assert_eq!(a.id_token_groups, ClaimShape::Empty);
        assert!(!a.admitted);
        assert!(a.problems[0].what.contains("present but empty"));
        assert!(a.problems[0]
            .fix
            .contains("assign that group to the QuFabric OIDC client"));
        assert!(a
            .problems
            .iter()
            .any(|p| p.what.contains("would not get in")));
    }

    #[test]
    fn a_missing_claim_says_why() {
        let mut r = report(&[("sub", r#""u""#)]);
        r.granted_scopes = Some(vec!["openid".into(), "email".into()]);
        let a = analyse(&r, ProviderKind::Pocketid, &sync(&[]), &[]);
        assert_eq!(a.id_token_groups, ClaimShape::Missing);
        assert!(
            a.problems[0].what.contains("did not grant it"),
            "{:?}",
            a.problems
        );
        assert!(a.admitted, "no allow list admits everyone");

        // Groups only in userinfo are read from there, as the sign-in does.
        let mut r = report(&[]);
        r.userinfo_claims = Some(claims(&[("groups", r#"["A"]"#)]));
        r.userinfo_offered = true;
        let a = analyse(&r, ProviderKind::Keycloak, &sync(&["A"]), &[]);
        assert!(a.admitted, "{a:?}");
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        assert_eq!(a.id_token_groups, ClaimShape::Missing);
        assert_eq!(
            a.userinfo_groups,
            Some(ClaimShape::Array {
                names: vec!["A".into()],
                others: 0
            })
        );
    }

    #[test]
    fn keycloak_paths_sync_off_claim_name_clock_and_email() {
        let r = report(&[
            ("groups", r#"["/staff"]"#),
            ("iat", "1100"),
            ("email_verified", "false"),
        ]);
        let a = analyse(&r, ProviderKind::Keycloak, &sync(&[]), &[]);
        assert!(a.problems.iter().any(|p| p.fix.contains("Full group path")));
        assert_eq!(a.clock_skew_secs, Some(100));
        assert!(a.problems.iter().any(|p| p.what.contains("100 s ahead of")));
        assert!(a.problems.iter().any(|p| p.what.contains("not verified")));

        let off = SyncDraft::default();
        let a = analyse(
            &report(&[("groups", r#""A""#)]),
            ProviderKind::Oidc,
            &off,
            &[],
        );
        assert!(a.admitted && a.actions.is_empty() && a.admission.contains("sync is off"));

        let mut other = sync(&[]);
        other.claim = "roles".into();
        let a = analyse(
            &report(&[("groups", r#""A""#)]),
            ProviderKind::Oidc,
            &other,
            &[],
        );
        assert!(a.groups_read.is_empty());
        assert!(a
            .problems
            .iter()
            .any(|p| p.fix.contains("JWT claim to `groups`")));
    }

    #[test]
    fn hidden_claims_and_existing_users() {
        assert!(claim_value_hidden("nonce") && claim_value_hidden("at_hash"));
        assert!(claim_value_hidden("refresh_token") && claim_value_hidden("Client_Secret"));
        assert!(!claim_value_hidden("email") && !claim_value_hidden("groups"));
        let mut r = report(&[("groups", r#"["A"]"#)]);
        r.existing_user = Some(ExistingUser {
            email: "a@example.com".into(),
            role: Role::Admin,
            is_blocked: true,
            pending_approval: false,
            role_by_hand: false,
        });
        let a = analyse(&r, ProviderKind::Oidc, &sync(&[]), &[]);
        assert!(a.role.contains("blocked"));
        assert!(a.problems.iter().any(|p| p.fix.contains("Unblock")));
    }

    #[test]
    fn the_report_says_who_will_wait_for_approval() {
        let mut r = report(&[("groups", r#"["A"]"#)]);
        assert!(!analyse(&r, ProviderKind::Oidc, &sync(&[]), &[])
            .role
            .contains("waits"));
        r.approval_required = true;
        let a = analyse(&r, ProviderKind::Oidc, &sync(&[]), &[]);
        assert!(a.role.contains("who waits for approval"), "{}", a.role);
        // Someone already waiting: a problem with its fix, not "blocked".
        r.existing_user = Some(ExistingUser {
            email: "a@example.com".into(),
            role: Role::User,
            is_blocked: true,
            pending_approval: true,
            role_by_hand: false,
        });
        let a = analyse(&r, ProviderKind::Oidc, &sync(&[]), &[]);
        assert!(a.role.contains("waiting for approval"), "{}", a.role);
        assert!(a
            .problems
            .iter()
            .any(|p| p.fix == "Approve them under Settings → Users."));
        assert!(!a.problems.iter().any(|p| p.fix.contains("Unblock")));
    }

    #[test]
    fn the_report_follows_the_sign_ins_rule_for_email_name_and_userinfo() {
        // No email anywhere: refused, as the sign-in refuses, naming the provider.
        let mut r = report(&[("email", "null"), ("groups", r#"["A"]"#)]);
        r.provider_name = "Corp SSO".into();
        let a = analyse(&r, ProviderKind::Oidc, &sync(&[]), &[]);
        assert!(!a.admitted);
        assert!(
            a.admission
                .starts_with("Would be refused: Corp SSO sent no email address"),
            "{}",
            a.admission
        );
        assert!(a.actions.is_empty(), "a refused sign-in syncs nothing");
        assert!(a.problems[0].fix.contains("Corp SSO → Advanced"));
        assert!(
            a.problems[0]
                .what
                .starts_with("No claim holds the user's email address"),
            "{:?}",
            a.problems
        );
        assert!(!a
            .problems
            .iter()
            .any(|p| p.what.contains("would not get in")));

        // The address only in `preferred_username`: admitted, and said where it came from.
        let r = report(&[
            ("email", "null"),
            ("preferred_username", r#""pat@example.com""#),
        ]);
        let a = analyse(&r, ProviderKind::Oidc, &SyncDraft::default(), &[]);
        assert!(a.admitted, "{a:?}");
        assert_eq!(a.identity.email.unwrap().claim, "preferred_username");

        // No name: a warning, not a refusal.
        let r = report(&[("name", "null")]);
        let a = analyse(&r, ProviderKind::Oidc, &SyncDraft::default(), &[]);
        assert!(a.admitted);
        assert!(a.problems.iter().any(|p| p.what.contains("sent no name")));

        // Userinfo offered but not read, and the ID token lacks the groups sync needs.
        let mut r = report(&[]);
        r.userinfo_offered = true;
        r.userinfo_error = Some("userinfo answered 500".into());
        let a = analyse(&r, ProviderKind::Oidc, &sync(&[]), &[]);
        assert!(!a.admitted);
        assert!(
            a.admission.contains("userinfo endpoint could not be read"),
            "{}",
            a.admission
        );
        let a = analyse(&r, ProviderKind::Oidc, &SyncDraft::default(), &[]);
        assert!(a.admitted, "without sync the ID token's email is enough");
    }

    #[test]
    fn the_groups_scope_offered_but_not_asked_is_offered_as_a_fix() {
        let mut r = report(&[]);
        r.requested_scopes = vec!["openid".into(), "email".into()];
        r.scopes_supported = Some(vec!["openid".into(), "groups".into()]);
        r.provider_name = "Corp SSO".into();
        let a = analyse(&r, ProviderKind::Oidc, &sync(&[]), &[]);
        assert!(a.add_groups_scope);
        assert!(
            a.problems[0]
                .what
                .contains("did not ask for the `groups` scope, which Corp SSO offers"),
            "{:?}",
            a.problems
        );
        assert_eq!(
            a.problems[0].fix,
            "Add the scope `groups` to Corp SSO's scopes."
        );
        // Not offered, or asked already: no such offer.
        r.scopes_supported = Some(vec!["openid".into()]);
        assert!(!analyse(&r, ProviderKind::Oidc, &sync(&[]), &[]).add_groups_scope);
        r.scopes_supported = Some(vec!["groups".into()]);
        r.requested_scopes.push("groups".into());
        assert!(!analyse(&r, ProviderKind::Oidc, &sync(&[]), &[]).add_groups_scope);
    }

    #[test]
    fn mapped_claims_shapes_overage_and_one_string_with_commas() {
        let mut r = report(&[("realm_access", r#"{"roles":["admin"]}"#)]);
        r.claim_mapping.groups = "realm_access.roles".into();
        let a = analyse(&r, ProviderKind::Keycloak, &sync(&["admin"]), &[]);
        assert!(a.admitted, "{a:?}");
        assert_eq!(
            a.id_token_groups,
            ClaimShape::Array {
                names: vec!["admin".into()],
                others: 0
            }
        );
        let r = report(&[("groups", r#"[{"name":"Staff","id":"1"}]"#)]);
        let a = analyse(&r, ProviderKind::Oidc, &sync(&["Staff"]), &[]);
        assert!(a.admitted && a.problems.is_empty(), "{:?}", a.problems);

        let r = report(&[("_claim_names", r#"{"groups":"src1"}"#)]);
        let a = analyse(&r, ProviderKind::Entra, &sync(&[]), &[]);
        assert!(
            a.problems[0].what.contains("groups overage"),
            "{:?}",
            a.problems
        );

        let r = report(&[("groups", r#""a,b""#)]);
        let a = analyse(&r, ProviderKind::Oidc, &sync(&[]), &[]);
        assert_eq!(a.groups_read, vec!["a,b"]);
        assert!(a
            .problems
            .iter()
            .any(|p| p.fix.contains("Split one string into groups")));
        let mut split = report(&[("groups", r#""a,b""#)]);
        split.claim_mapping.groups_split = true;
        let a = analyse(&split, ProviderKind::Oidc, &sync(&[]), &[]);
        assert_eq!(a.groups_read, vec!["a", "b"]);
        assert!(a.problems.is_empty(), "{:?}", a.problems);

        let r = report(&[("groups", r#"{"id":1}"#)]);
        let a = analyse(&r, ProviderKind::Oidc, &sync(&[]), &[]);
        assert!(
            a.problems[0].what.contains("so QuFabric reads no group"),
            "{:?}",
            a.problems
        );
        // The email_verified of userinfo counts when the ID token has none.
        let mut r = report(&[]);
        r.userinfo_claims = Some(claims(&[("email_verified", "false")]));
        assert_eq!(
            analyse(&r, ProviderKind::Oidc, &sync(&[]), &[]).email_verified,
            Some(false)
        );
    }
}
