//! A provider's options: the scopes QuFabric asks for and the claims it reads (QuFabric
//! extensions of the identity provider, `docs/api-extensions.md`). A provider saved before
//! they existed has none stored and gets its kind's defaults from the catalogue.

use serde::{Deserialize, Serialize};

use crate::claims::ClaimMapping;
use crate::ProviderKind;

/// The scope every OpenID Connect request carries; it cannot be removed.
pub const OPENID: &str = "openid";
/// The scope many providers release groups under.
pub const GROUPS_SCOPE: &str = "groups";

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProviderOptions {
    /// The scopes asked for; `None` (stored as NULL) means the kind's defaults.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    #[serde(default)]
    pub claims: ClaimMapping,
    /// Only members of one of these groups (as the groups claim names them) may sign in
    /// through this provider; empty: anyone the provider lets through. Applied whether or
    /// not group sync is on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_groups: Vec<String>,
}

/// Whether a person with `groups` may sign in through a provider that allows `allowed`.
pub fn admits_through(allowed: &[String], groups: &[String]) -> bool {
    allowed.is_empty() || groups.iter().any(|group| allowed.contains(group))
}

/// The login screen's words for a person `provider` let through whose `groups` are none
/// of `allowed`.
pub fn provider_refusal(provider: &str, allowed: &[String], groups: &[String]) -> String {
    let carried = if groups.is_empty() {
        "no group".to_string()
    } else {
        groups.join(", ")
    };
    format!(
        "Only members of {} may sign in to QuFabric through {provider}; your sign-in carried {carried}. An administrator can change the provider's allowed groups under Settings → Identity Providers, or add you to one of them at {provider}.",
        allowed.join(" or ")
    )
}

/// The typed list of allowed groups, one per comma, without blanks or repeats.
pub fn parse_group_list(typed: &str) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for group in typed.split(',').map(str::trim).filter(|g| !g.is_empty()) {
        if !groups.iter().any(|g| g == group) {
            groups.push(group.to_string());
        }
    }
    groups
}

/// Owners and admins (by display name) who sign in through `provider_id` and none of whose
/// groups as sync recorded them is in `allowed`: saving would lock them out (the account
/// allow list's analysis, for one provider).
pub fn locked_out_by_provider(
    allowed: &[String],
    provider_id: &str,
    users: &[crate::User],
    groups: &[crate::Group],
) -> Vec<String> {
    if allowed.is_empty() {
        return Vec::new();
    }
    users
        .iter()
        .filter(|user| {
            matches!(user.role, crate::Role::Owner | crate::Role::Admin)
                && user.idp_id.as_deref() == Some(provider_id)
                && !user.is_blocked
        })
        .filter(|user| {
            let member = crate::role_rules::Member::from(*user);
            !admits_through(
                allowed,
                &crate::role_rules::recorded_groups(&member, groups),
            )
        })
        .map(crate::User::display_name)
        .collect()
}

/// The scopes a provider of `kind` is asked for by default: `openid profile email` and the
/// catalogue's extra scopes.
pub fn default_scopes(kind: ProviderKind) -> Vec<String> {
    [OPENID, "profile", "email"]
        .iter()
        .chain(kind.info().extra_scopes)
        .map(|s| s.to_string())
        .collect()
}

/// The scopes QuFabric asks a provider for: its own list, or the kind's defaults; always
/// with `openid` first, each once.
pub fn effective_scopes(kind: ProviderKind, options: Option<&ProviderOptions>) -> Vec<String> {
    let chosen = options
        .and_then(|o| o.scopes.clone())
        .unwrap_or_else(|| default_scopes(kind));
    normalise_scopes(chosen.iter().map(String::as_str))
}

/// `openid` first, then each other scope once, in order; empty entries dropped.
pub fn normalise_scopes<'a>(scopes: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out = vec![OPENID.to_string()];
    for scope in scopes {
        if !scope.is_empty() && !out.iter().any(|s| s == scope) {
            out.push(scope.to_string());
        }
    }
    out
}

/// The scopes as typed in a field (separated by spaces or commas).
pub fn parse_scopes(typed: &str) -> Vec<String> {
    normalise_scopes(typed.split(|c: char| c == ',' || c.is_whitespace()))
}

/// Whether `scope` is a scope token RFC 6749 §3.3 allows (printable ASCII without space,
/// `"` or `\`).
pub fn scope_valid(scope: &str) -> bool {
    !scope.is_empty()
        && scope
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
}

/// Why a list of scopes cannot be saved, if it cannot.
pub fn scopes_problem(scopes: &[String]) -> Option<String> {
    if let Some(bad) = scopes.iter().find(|s| !scope_valid(s)) {
        return Some(format!(
            "`{bad}` is not a scope: a scope has no spaces, quotes or backslashes"
        ));
    }
    if !scopes.iter().any(|s| s == OPENID) {
        return Some("`openid` must be among the scopes".into());
    }
    None
}

/// Why a claim mapping cannot be saved, if it cannot (an empty or spaced claim name).
pub fn mapping_problem(mapping: &ClaimMapping) -> Option<String> {
    [("groups", &mapping.groups), ("email", &mapping.email)]
        .into_iter()
        .find(|(_, claim)| claim.is_empty() || claim.chars().any(char::is_whitespace))
        .map(|(what, claim)| {
            format!("the {what} claim `{claim}` is not a claim name (empty, or with spaces)")
        })
}

/// The scopes with `scope` added (the test report's and the form's one-click change).
pub fn with_scope(scopes: &[String], scope: &str) -> Vec<String> {
    normalise_scopes(scopes.iter().map(String::as_str).chain([scope]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_providers_allowed_groups_admit_members_only_and_name_who_would_be_locked_out() {
        let allowed = strings(&["contractors", "ops"]);
        assert!(admits_through(&[], &[]));
        assert!(admits_through(&allowed, &strings(&["x", "ops"])));
        assert!(!admits_through(&allowed, &strings(&["Contractors"])));
        assert_eq!(
            provider_refusal("Contractor IdP", &allowed, &[]),
            "Only members of contractors or ops may sign in to QuFabric through Contractor IdP; your sign-in carried no group. An administrator can change the provider's allowed groups under Settings → Identity Providers, or add you to one of them at Contractor IdP."
        );
        assert!(provider_refusal("P", &allowed, &strings(&["a", "b"])).contains("carried a, b."));
        assert_eq!(
            parse_group_list(" ops, ,contractors,ops "),
            strings(&["ops", "contractors"])
        );
        let groups = [
            crate::Group::empty("g1", "ops", crate::GroupIssued::Jwt),
            crate::Group::empty("g2", "contractors", crate::GroupIssued::Api),
        ];
        let user = |id: &str, role: &str, idp: &str, auto: &[&str]| -> crate::User {
            serde_json::from_value(serde_json::json!({
                "id": id, "email": format!("{id}@x"), "role": role, "idp_id": idp, "auto_groups": auto,
            }))
            .unwrap()
        };
        let users = [
            user("in", "admin", "p", &["g1"]),
            user("hand-made", "admin", "p", &["g2"]),
            user("plain", "user", "p", &[]),
            user("elsewhere", "owner", "q", &[]),
            user("owner", "owner", "p", &[]),
        ];
        assert_eq!(
            locked_out_by_provider(&allowed, "p", &users, &groups),
            strings(&["hand-made@x", "owner@x"])
        );
        assert!(locked_out_by_provider(&[], "p", &users, &groups).is_empty());
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_come_from_the_catalogue() {
        assert_eq!(
            default_scopes(ProviderKind::Oidc),
            strings(&["openid", "profile", "email"])
        );
        assert_eq!(
            default_scopes(ProviderKind::Pocketid),
            strings(&["openid", "profile", "email", "groups"])
        );
        assert_eq!(
            effective_scopes(ProviderKind::Pocketid, None),
            default_scopes(ProviderKind::Pocketid)
        );
        let stored_null = ProviderOptions::default();
        assert_eq!(
            effective_scopes(ProviderKind::Oidc, Some(&stored_null)),
            default_scopes(ProviderKind::Oidc)
        );
    }

    #[test]
    fn a_providers_own_scopes_always_keep_openid_first() {
        let own = ProviderOptions {
            scopes: Some(strings(&["email", "groups", "email"])),
            ..ProviderOptions::default()
        };
        assert_eq!(
            effective_scopes(ProviderKind::Oidc, Some(&own)),
            strings(&["openid", "email", "groups"])
        );
        assert_eq!(
            parse_scopes("  profile,email  openid groups,,"),
            strings(&["openid", "profile", "email", "groups"])
        );
        assert_eq!(parse_scopes(""), strings(&["openid"]));
        assert_eq!(
            with_scope(&strings(&["openid", "email"]), "groups"),
            strings(&["openid", "email", "groups"])
        );
        assert_eq!(
            with_scope(&strings(&["openid", "groups"]), "groups"),
            strings(&["openid", "groups"])
        );
    }

    #[test]
    fn scope_tokens_and_claim_names_are_checked() {
        assert!(scope_valid("groups") && scope_valid("api://x/.default") && scope_valid("!"));
        assert!(scope_valid("#") && scope_valid("[") && scope_valid("]") && scope_valid("~"));
        for bad in ["", "a b", "a\"b", "a\\b", "é", "\u{7f}", "\t"] {
            assert!(!scope_valid(bad), "{bad:?}");
        }
        assert_eq!(scopes_problem(&strings(&["openid", "groups"])), None);
        assert!(scopes_problem(&strings(&["groups"]))
            .unwrap()
            .contains("`openid` must be"));
        assert!(scopes_problem(&strings(&["openid", "a\"b"]))
            .unwrap()
            .contains("`a\"b` is not a scope"));
        assert_eq!(mapping_problem(&ClaimMapping::default()), None);
        let spaced = ClaimMapping {
            groups: "my groups".into(),
            ..ClaimMapping::default()
        };
        assert!(mapping_problem(&spaced).unwrap().contains("groups claim"));
        let empty = ClaimMapping {
            email: String::new(),
            ..ClaimMapping::default()
        };
        assert!(mapping_problem(&empty).unwrap().contains("email claim"));
    }

    #[test]
    fn options_decode_with_defaults() {
        let options: ProviderOptions = serde_json::from_str("{}").unwrap();
        assert_eq!(options, ProviderOptions::default());
        let options: ProviderOptions =
            serde_json::from_str(r#"{"scopes":["openid"],"claims":{"groups_split":true}}"#)
                .unwrap();
        assert_eq!(options.scopes, Some(strings(&["openid"])));
        assert!(options.claims.groups_split);
        assert_eq!(options.claims.groups, "groups");
    }
}
