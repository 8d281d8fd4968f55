//! One rule for what a provider's claims say about a person: the sign-in (the server's
//! broker) and the test sign-in report (the dashboard) both read email, name and groups
//! through [`map_identity`], so the report cannot promise what the sign-in then does
//! differently.
//!
//! The rule, in order:
//! - **Merge**: a claim of the verified ID token wins; userinfo fills what the ID token
//!   lacks (OpenID Connect Core §5.3–5.4: many providers put user claims only in userinfo).
//!   A claim whose value is `null` counts as absent.
//! - **Paths**: a mapped claim name is first looked up literally (namespaced names such as
//!   `https://example.com/groups` contain dots), then as a dotted path through nested
//!   objects (`realm_access.roles`); the ID token before userinfo.
//! - **Groups**: a list of names, a single name, or objects with a `name`, normalised by
//!   [`group_names`]; splitting one string on commas or spaces only when the provider asks.
//! - **Email**: the mapped claim (default `email`), then `preferred_username` or `upn`,
//!   each only when it holds an address.
//! - **Name**: `name`, then `given_name family_name`, then `preferred_username`.
//!
//! Values are the raw JSON the dashboard already decodes ([`Kept`]), not a JSON tree, so
//! the wasm does not grow by `serde_json::Value`'s machinery.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::kept::Kept;
use crate::test_sign_in::ReportedClaim;

/// The groups claim read when a provider names none.
pub const DEFAULT_GROUPS_CLAIM: &str = "groups";
/// The email claim read first when a provider names none.
pub const DEFAULT_EMAIL_CLAIM: &str = "email";
/// Claims that may hold the address when the email claim does not (Entra, AD FS, many
/// LDAP-backed providers put it there).
pub const EMAIL_FALLBACKS: [&str; 2] = ["preferred_username", "upn"];

/// Which claims of a provider QuFabric reads (a QuFabric extension of the identity
/// provider, see `docs/api-extensions.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimMapping {
    /// The claim (or dotted path) holding the person's groups.
    #[serde(default = "default_groups_claim")]
    pub groups: String,
    /// Split a groups claim that is one string on commas and spaces. Off by default: group
    /// names such as "QuFabric Admins" contain spaces.
    #[serde(default)]
    pub groups_split: bool,
    /// The claim (or dotted path) holding the email address, tried before the fallbacks.
    #[serde(default = "default_email_claim")]
    pub email: String,
}

fn default_groups_claim() -> String {
    DEFAULT_GROUPS_CLAIM.to_string()
}

fn default_email_claim() -> String {
    DEFAULT_EMAIL_CLAIM.to_string()
}

impl Default for ClaimMapping {
    fn default() -> ClaimMapping {
        ClaimMapping {
            groups: default_groups_claim(),
            groups_split: false,
            email: default_email_claim(),
        }
    }
}

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimSource {
    IdToken,
    Userinfo,
}

impl ClaimSource {
    pub fn describe(self) -> &'static str {
        match self {
            ClaimSource::IdToken => "the ID token",
            ClaimSource::Userinfo => "userinfo",
        }
    }
}

/// The claims of one answer: the verified ID token's, and userinfo's when it was read.
#[derive(Debug, Clone, Copy)]
pub struct Claims<'a> {
    pub id_token: &'a [ReportedClaim],
    pub userinfo: Option<&'a [ReportedClaim]>,
}

impl<'a> Claims<'a> {
    /// The sources in the order the merge reads them.
    fn sources(&self) -> impl Iterator<Item = (ClaimSource, &'a [ReportedClaim])> {
        std::iter::once((ClaimSource::IdToken, self.id_token))
            .chain(self.userinfo.map(|u| (ClaimSource::Userinfo, u)))
    }
}

/// A claim value found by the rule, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub value: Kept,
    pub source: ClaimSource,
}

/// The value of claim `name` among `claims`, unless absent or `null`.
fn present<'a>(claims: &'a [ReportedClaim], name: &str) -> Option<&'a Kept> {
    claims
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.value.as_ref())
        .filter(|v| v.json() != "null")
}

/// The value at a dotted `path` through nested objects of `claims`.
fn at_path(claims: &[ReportedClaim], path: &str) -> Option<Kept> {
    let mut parts = path.split('.');
    let mut value = present(claims, parts.next()?)?.clone();
    let mut descended = false;
    for part in parts {
        let object: BTreeMap<String, Kept> = value.decode().ok()?;
        value = object.get(part)?.clone();
        descended = true;
    }
    // A path without a dot is the literal key, which the caller tried already.
    (descended && value.json() != "null").then_some(value)
}

/// Claim `name` by the merge rule: the ID token first, then userinfo; in each the literal
/// name first, then the dotted path.
pub fn find(claims: &Claims, name: &str) -> Option<Found> {
    claims.sources().find_map(|(source, list)| {
        present(list, name)
            .cloned()
            .or_else(|| at_path(list, name))
            .map(|value| Found { value, source })
    })
}

/// A string claim by the merge rule, when it is a non-empty string.
fn text(claims: &Claims, name: &str) -> Option<(String, ClaimSource)> {
    let found = find(claims, name)?;
    let text: String = found.value.decode().ok()?;
    let text = text.trim().to_string();
    (!text.is_empty()).then_some((text, found.source))
}

/// The group names of a claim value: a name, a list of names, or objects (or a list of
/// them) with a string `name`; anything else gives none. Empty names are dropped and each
/// name is kept once, in order. With `split`, a claim that is one string is split on
/// commas and white space.
pub fn group_names(value: &Kept, split: bool) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut keep = |name: &str| {
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    };
    if let Ok(one) = value.decode::<String>() {
        if split {
            one.split(|c: char| c == ',' || c.is_whitespace())
                .for_each(&mut keep);
        } else {
            keep(one.trim());
        }
    } else if let Ok(items) = value.decode::<Vec<Kept>>() {
        items
            .iter()
            .filter_map(item_name)
            .for_each(|name| keep(name.trim()));
    } else if let Some(name) = object_name(value) {
        keep(name.trim());
    }
    names
}

/// One list item as a group name: a string, or an object with a string `name`.
pub fn item_name(item: &Kept) -> Option<String> {
    item.decode::<String>().ok().or_else(|| object_name(item))
}

fn object_name(value: &Kept) -> Option<String> {
    let object: BTreeMap<String, Kept> = value.decode().ok()?;
    object.get("name")?.decode().ok()
}

/// Whether a claim value reads as an email address (one `@` with text on both sides, no
/// white space).
pub fn holds_address(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !text.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// A value the rule chose, with the claim it came from and where that claim was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    pub value: String,
    /// The claim (or claims, for a name made of `given_name family_name`).
    pub claim: String,
    pub source: ClaimSource,
}

/// The groups the rule read.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedGroups {
    /// The mapped claim and where it was found; `None` when absent (or `null`).
    pub found: Option<Found>,
    /// The group names QuFabric takes (after normalising).
    pub names: Vec<String>,
    /// The ID token says the groups are too many to carry and names another source
    /// (Entra's overage: `_claim_names` lists the claim).
    pub overage: bool,
}

/// Who a provider's answer says the person is.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedIdentity {
    pub email: Option<Mapped>,
    pub name: Option<Mapped>,
    pub groups: MappedGroups,
}

impl MappedIdentity {
    /// The name shown for the person: the mapped name, else the address.
    pub fn display_name(&self) -> String {
        self.name
            .as_ref()
            .or(self.email.as_ref())
            .map(|m| m.value.clone())
            .unwrap_or_default()
    }
}

fn email_of(claims: &Claims, mapping: &ClaimMapping) -> Option<Mapped> {
    std::iter::once(mapping.email.as_str())
        .chain(EMAIL_FALLBACKS)
        .find_map(|claim| {
            text(claims, claim)
                .filter(|(value, _)| holds_address(value))
                .map(|(value, source)| Mapped {
                    value,
                    claim: claim.to_string(),
                    source,
                })
        })
}

fn name_of(claims: &Claims) -> Option<Mapped> {
    let mapped = |(value, source): (String, ClaimSource), claim: &str| Mapped {
        value,
        claim: claim.to_string(),
        source,
    };
    if let Some(name) = text(claims, "name") {
        return Some(mapped(name, "name"));
    }
    let given = text(claims, "given_name");
    let family = text(claims, "family_name");
    if given.is_some() || family.is_some() {
        let source = given.as_ref().or(family.as_ref()).map(|(_, s)| *s)?;
        let parts: Vec<String> = [given, family].into_iter().flatten().map(|p| p.0).collect();
        return Some(mapped((parts.join(" "), source), "given_name family_name"));
    }
    text(claims, "preferred_username").map(|name| mapped(name, "preferred_username"))
}

fn groups_of(claims: &Claims, mapping: &ClaimMapping) -> MappedGroups {
    let found = find(claims, &mapping.groups);
    let names = found
        .as_ref()
        .map(|f| group_names(&f.value, mapping.groups_split))
        .unwrap_or_default();
    let overage = present(claims.id_token, "_claim_names")
        .and_then(|v| v.decode::<BTreeMap<String, Kept>>().ok())
        .is_some_and(|names| names.contains_key(&mapping.groups));
    MappedGroups {
        found,
        names,
        overage,
    }
}

/// Email, name and groups of an answer, by the one rule.
pub fn map_identity(claims: &Claims, mapping: &ClaimMapping) -> MappedIdentity {
    MappedIdentity {
        email: email_of(claims, mapping),
        name: name_of(claims),
        groups: groups_of(claims, mapping),
    }
}

/// What a sign-in could not do without userinfo, when userinfo failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnmetNeed {
    /// No email address in the ID token: the user cannot be created.
    Email,
    /// Group sync is on and the ID token has no groups claim: sync would read nothing.
    Groups,
}

/// Whether a sign-in can go on from the ID token alone (userinfo failed): an email is
/// always needed, the groups claim when group sync is on. The first need unmet, if any.
pub fn unmet_without_userinfo(
    id_token_only: &MappedIdentity,
    groups_needed: bool,
) -> Option<UnmetNeed> {
    if id_token_only.email.is_none() {
        Some(UnmetNeed::Email)
    } else if groups_needed && id_token_only.groups.found.is_none() {
        Some(UnmetNeed::Groups)
    } else {
        None
    }
}

/// The claims the email rule reads, in order, as `a`, `b`, `c` (for messages).
pub fn email_claims_looked_at(mapping: &ClaimMapping) -> String {
    std::iter::once(mapping.email.as_str())
        .chain(EMAIL_FALLBACKS)
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a sign-in is refused for what its claims lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimsRefusal {
    /// Userinfo could not be read, and the ID token alone lacks this.
    UserinfoFailed(UnmetNeed),
    /// No claim holds an email address.
    EmailMissing,
}

impl ClaimsRefusal {
    /// For the login screen's details and the report, naming the provider and the claims.
    pub fn describe(self, provider: &str, mapping: &ClaimMapping) -> String {
        let looked_at = email_claims_looked_at(mapping);
        match self {
            ClaimsRefusal::UserinfoFailed(UnmetNeed::Email) => format!(
                "{provider}'s userinfo endpoint could not be read, and its ID token holds no email address (QuFabric looked at {looked_at})"
            ),
            ClaimsRefusal::UserinfoFailed(UnmetNeed::Groups) => format!(
                "{provider}'s userinfo endpoint could not be read, and its ID token has no `{}` claim for group sync",
                mapping.groups
            ),
            ClaimsRefusal::EmailMissing => format!(
                "{provider} sent no email address: QuFabric looked at {looked_at}. Map the claim that holds it under the provider's Advanced settings, or have {provider} release the `email` scope's claims"
            ),
        }
    }
}

/// What the claims of an answer make of a sign-in: who the person is, and whether the
/// claims alone refuse them. `userinfo_failed`: the provider has a userinfo endpoint and
/// it could not be read (`claims.userinfo` is then `None`); `groups_needed`: group sync is
/// on.
pub fn judge(
    claims: &Claims,
    mapping: &ClaimMapping,
    userinfo_failed: bool,
    groups_needed: bool,
) -> (MappedIdentity, Option<ClaimsRefusal>) {
    let identity = map_identity(claims, mapping);
    let refusal = if userinfo_failed {
        unmet_without_userinfo(&identity, groups_needed).map(ClaimsRefusal::UserinfoFailed)
    } else if identity.email.is_none() {
        Some(ClaimsRefusal::EmailMissing)
    } else {
        None
    };
    (identity, refusal)
}

/// The claims of a JSON object's text as claims a report or the rule reads; `None` when
/// the text is not a JSON object.
pub fn claims_of_object(json: &str) -> Option<Vec<ReportedClaim>> {
    let object: BTreeMap<String, Kept> = serde_json::from_str(json).ok()?;
    Some(
        object
            .into_iter()
            .map(|(name, value)| ReportedClaim {
                name,
                value: Some(value),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: &str) -> Vec<ReportedClaim> {
        claims_of_object(json).unwrap()
    }

    fn kept(json: &str) -> Kept {
        serde_json::from_str(json).unwrap()
    }

    fn identity(id_token: &str, userinfo: Option<&str>) -> MappedIdentity {
        identity_with(id_token, userinfo, &ClaimMapping::default())
    }

    fn identity_with(
        id_token: &str,
        userinfo: Option<&str>,
        mapping: &ClaimMapping,
    ) -> MappedIdentity {
        let id = claims(id_token);
        let info = userinfo.map(claims);
        map_identity(
            &Claims {
                id_token: &id,
                userinfo: info.as_deref(),
            },
            mapping,
        )
    }

    #[test]
    fn the_id_token_wins_and_userinfo_fills_what_it_lacks() {
        let who = identity(
            r#"{"sub":"u","email":"id@example.com"}"#,
            Some(r#"{"sub":"u","email":"info@example.com","name":"Info Name","groups":["G"]}"#),
        );
        let email = who.email.unwrap();
        assert_eq!(email.value, "id@example.com");
        assert_eq!(email.source, ClaimSource::IdToken);
        assert_eq!(email.claim, "email");
        let name = who.name.unwrap();
        assert_eq!(
            (name.value.as_str(), name.source),
            ("Info Name", ClaimSource::Userinfo)
        );
        assert_eq!(who.groups.names, vec!["G"]);
        assert_eq!(
            who.groups.found.unwrap().source,
            ClaimSource::Userinfo,
            "groups only in userinfo are read from there"
        );
    }

    #[test]
    fn null_counts_as_absent_and_without_userinfo_only_the_id_token_counts() {
        let who = identity(
            r#"{"email":null,"groups":null}"#,
            Some(r#"{"email":"a@example.com","groups":"G"}"#),
        );
        assert_eq!(who.email.unwrap().source, ClaimSource::Userinfo);
        assert_eq!(who.groups.names, vec!["G"]);
        let alone = identity(r#"{"email":null,"groups":null}"#, None);
        assert_eq!(alone.email, None);
        assert_eq!(alone.groups.found, None);
        assert!(alone.groups.names.is_empty());
    }

    #[test]
    fn paths_descend_nested_objects_after_the_literal_key() {
        let mapping = ClaimMapping {
            groups: "realm_access.roles".into(),
            ..ClaimMapping::default()
        };
        let who = identity_with(
            r#"{"realm_access":{"roles":["admin","staff"]}}"#,
            None,
            &mapping,
        );
        assert_eq!(who.groups.names, vec!["admin", "staff"]);
        // The literal key wins over the path.
        let who = identity_with(
            r#"{"realm_access.roles":["literal"],"realm_access":{"roles":["nested"]}}"#,
            None,
            &mapping,
        );
        assert_eq!(who.groups.names, vec!["literal"]);
        // A namespaced claim name with dots is found literally.
        let namespaced = ClaimMapping {
            groups: "https://example.com/groups".into(),
            ..ClaimMapping::default()
        };
        let who = identity_with(r#"{"https://example.com/groups":["N"]}"#, None, &namespaced);
        assert_eq!(who.groups.names, vec!["N"]);
        // A path into something that is not an object, a missing step, or a null leaf.
        for id_token in [
            r#"{"realm_access":["roles"]}"#,
            r#"{"realm_access":{"other":[]}}"#,
            r#"{"realm_access":{"roles":null}}"#,
        ] {
            let who = identity_with(id_token, None, &mapping);
            assert_eq!(who.groups.found, None, "{id_token}");
        }
        // Deeper paths, and a nested value in userinfo when the ID token has none.
        let deep = ClaimMapping {
            groups: "a.b.c".into(),
            ..ClaimMapping::default()
        };
        let who = identity_with(r#"{"x":1}"#, Some(r#"{"a":{"b":{"c":"G"}}}"#), &deep);
        let found = who.groups.found.unwrap();
        assert_eq!(found.source, ClaimSource::Userinfo);
        assert_eq!(who.groups.names, vec!["G"]);
    }

    #[test]
    fn groups_are_normalised_from_every_shape() {
        assert_eq!(
            group_names(&kept(r#"["a","b","a",""]"#), false),
            vec!["a", "b"]
        );
        assert_eq!(
            group_names(&kept(r#""QuFabric Admins""#), false),
            vec!["QuFabric Admins"],
            "one string is one group unless the provider asks to split"
        );
        assert_eq!(
            group_names(&kept(r#""a, b c,,d""#), true),
            vec!["a", "b", "c", "d"]
        );
        assert_eq!(
            group_names(&kept(r#"[{"name":"x","id":1},{"id":2},"y",3,null]"#), false),
            vec!["x", "y"]
        );
        assert_eq!(
            group_names(&kept(r#"{"name":"solo"}"#), false),
            vec!["solo"]
        );
        assert_eq!(
            group_names(&kept(r#"{"id":"solo"}"#), false),
            Vec::<String>::new()
        );
        assert_eq!(group_names(&kept(r#"" padded ""#), false), vec!["padded"]);
        assert_eq!(group_names(&kept(r#"[" padded "]"#), false), vec!["padded"]);
        assert_eq!(
            group_names(&kept(r#"{"name":" padded "}"#), false),
            vec!["padded"]
        );
        assert!(group_names(&kept("7"), true).is_empty());
        assert!(group_names(&kept(r#""""#), false).is_empty());
        // Splitting applies to one string, not to the items of a list.
        assert_eq!(group_names(&kept(r#"["a b"]"#), true), vec!["a b"]);
    }

    #[test]
    fn email_falls_back_to_claims_that_hold_an_address() {
        let who = identity(r#"{"preferred_username":"pat@example.com"}"#, None);
        let email = who.email.unwrap();
        assert_eq!(email.value, "pat@example.com");
        assert_eq!(email.claim, "preferred_username");
        let who = identity(
            r#"{"email":"","preferred_username":"pat","upn":"pat@corp.example"}"#,
            None,
        );
        assert_eq!(who.email.unwrap().claim, "upn");
        assert_eq!(
            identity(r#"{"preferred_username":"pat"}"#, None).email,
            None
        );
        let mapped = ClaimMapping {
            email: "mail".into(),
            ..ClaimMapping::default()
        };
        let who = identity_with(
            r#"{"mail":"m@example.com","email":"e@example.com"}"#,
            None,
            &mapped,
        );
        assert_eq!(who.email.unwrap().value, "m@example.com");
        let who = identity_with(r#"{"email":"e@example.com"}"#, None, &mapped);
        assert_eq!(
            who.email, None,
            "a mapped claim replaces `email`, then the fallbacks"
        );
    }

    #[test]
    fn what_holds_an_address() {
        assert!(holds_address("a@b"));
        for not in ["", "a", "@b", "a@", "a@b@c", "a b@c", "a@b c"] {
            assert!(!holds_address(not), "{not:?}");
        }
    }

    #[test]
    fn names_fall_back_from_name_to_given_family_to_username() {
        let name = |json: &str| identity(json, None).name.map(|n| (n.value, n.claim));
        assert_eq!(
            name(r#"{"name":"Full","given_name":"G"}"#),
            Some(("Full".into(), "name".into()))
        );
        assert_eq!(
            name(r#"{"name":" ","given_name":"Ada","family_name":"Lovelace"}"#),
            Some(("Ada Lovelace".into(), "given_name family_name".into()))
        );
        assert_eq!(
            name(r#"{"family_name":"Lovelace"}"#),
            Some(("Lovelace".into(), "given_name family_name".into()))
        );
        assert_eq!(
            name(r#"{"given_name":"Ada"}"#),
            Some(("Ada".into(), "given_name family_name".into()))
        );
        assert_eq!(
            name(r#"{"preferred_username":"ada"}"#),
            Some(("ada".into(), "preferred_username".into()))
        );
        assert_eq!(name(r#"{"sub":"x"}"#), None);
        let who = identity(r#"{}"#, Some(r#"{"family_name":"L"}"#));
        assert_eq!(who.name.unwrap().source, ClaimSource::Userinfo);
    }

    #[test]
    fn the_display_name_is_the_name_else_the_address() {
        assert_eq!(
            identity(r#"{"name":"N","email":"e@x"}"#, None).display_name(),
            "N"
        );
        assert_eq!(identity(r#"{"email":"e@x"}"#, None).display_name(), "e@x");
        assert_eq!(identity(r#"{}"#, None).display_name(), "");
    }

    #[test]
    fn an_overage_is_named_for_the_mapped_claim() {
        let who = identity(
            r#"{"_claim_names":{"groups":"src1"},"_claim_sources":{"src1":{"endpoint":"https://graph"}}}"#,
            None,
        );
        assert!(who.groups.overage);
        assert_eq!(who.groups.found, None);
        assert!(
            !identity(r#"{"_claim_names":{"roles":"src1"}}"#, None)
                .groups
                .overage
        );
        assert!(
            !identity(r#"{"_claim_names":"groups"}"#, None)
                .groups
                .overage
        );
        assert!(!identity(r#"{}"#, None).groups.overage);
    }

    #[test]
    fn without_userinfo_an_email_is_needed_and_groups_when_sync_is_on() {
        let no_email = identity(r#"{"groups":["G"]}"#, None);
        assert_eq!(
            unmet_without_userinfo(&no_email, false),
            Some(UnmetNeed::Email)
        );
        let no_groups = identity(r#"{"email":"a@b"}"#, None);
        assert_eq!(unmet_without_userinfo(&no_groups, false), None);
        assert_eq!(
            unmet_without_userinfo(&no_groups, true),
            Some(UnmetNeed::Groups)
        );
        let empty_groups = identity(r#"{"email":"a@b","groups":[]}"#, None);
        assert_eq!(
            unmet_without_userinfo(&empty_groups, true),
            None,
            "an empty list is an answer"
        );
    }

    #[test]
    fn judging_refuses_what_lacks_an_email_or_what_userinfo_should_have_given() {
        let id = claims(r#"{"sub":"u","name":"N"}"#);
        let info = claims(r#"{"sub":"u","email":"e@x"}"#);
        let mapping = ClaimMapping::default();
        let with_info = Claims {
            id_token: &id,
            userinfo: Some(&info),
        };
        let (who, refusal) = judge(&with_info, &mapping, false, true);
        assert_eq!(refusal, None);
        assert_eq!(who.email.unwrap().source, ClaimSource::Userinfo);
        let alone = Claims {
            id_token: &id,
            userinfo: None,
        };
        assert_eq!(
            judge(&alone, &mapping, false, false).1,
            Some(ClaimsRefusal::EmailMissing)
        );
        assert_eq!(
            judge(&alone, &mapping, true, false).1,
            Some(ClaimsRefusal::UserinfoFailed(UnmetNeed::Email))
        );
        let id_with_email = claims(r#"{"sub":"u","email":"e@x"}"#);
        let alone = Claims {
            id_token: &id_with_email,
            userinfo: None,
        };
        assert_eq!(judge(&alone, &mapping, true, false).1, None);
        assert_eq!(
            judge(&alone, &mapping, true, true).1,
            Some(ClaimsRefusal::UserinfoFailed(UnmetNeed::Groups))
        );
        assert_eq!(
            judge(&alone, &mapping, false, true).1,
            None,
            "without a userinfo failure, missing groups are sync's business"
        );
        let words = ClaimsRefusal::EmailMissing.describe("Corp SSO", &mapping);
        assert!(words.contains("Corp SSO sent no email address"), "{words}");
        assert!(
            words.contains("`email`, `preferred_username`, `upn`"),
            "{words}"
        );
        let words = ClaimsRefusal::UserinfoFailed(UnmetNeed::Groups).describe("Corp", &mapping);
        assert!(words.contains("no `groups` claim"), "{words}");
        let words = ClaimsRefusal::UserinfoFailed(UnmetNeed::Email).describe("Corp", &mapping);
        assert!(words.contains("holds no email address"), "{words}");
    }

    #[test]
    fn claims_of_an_object_only() {
        assert_eq!(claims(r#"{"a":1,"b":"x"}"#).len(), 2);
        assert_eq!(claims_of_object("[1]"), None);
        assert_eq!(claims_of_object("nonsense"), None);
        assert_eq!(ClaimSource::IdToken.describe(), "the ID token",);
        assert_eq!(ClaimSource::Userinfo.describe(), "userinfo");
        let defaults: ClaimMapping = serde_json::from_str("{}").unwrap();
        assert_eq!(defaults, ClaimMapping::default());
        assert_eq!(defaults.groups, "groups");
        assert_eq!(defaults.email, "email");
        assert!(!defaults.groups_split);
    }
}
