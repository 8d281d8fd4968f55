//! The one table of provider kinds. Labels, icons, issuer placeholders, the trailing-slash
//! policy, built-in issuers, extra scopes and claim notes all come from here: the form, the
//! checks, the login buttons and the server's upstream configuration read this table, so
//! adding a kind is adding one row.

use serde::{Deserialize, Serialize};

/// The `type` of an identity provider as the API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Oidc,
    Pocketid,
    Keycloak,
    Authentik,
    Zitadel,
    Okta,
    Entra,
    Google,
    Microsoft,
    Adfs,
    /// A type this build does not know (a newer server). Shown generically, never sent.
    #[serde(other)]
    Unknown,
}

/// What an issuer of this kind must look like at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlashPolicy {
    /// The issuer must not end with `/`.
    MustNotHave,
    /// The issuer must end with `/` (Authentik).
    MustHave,
    /// No static rule; the discovery check decides.
    DiscoveryDecides,
    /// The issuer is built in; the user types none.
    BuiltIn,
}

/// A path segment every issuer of a kind contains, and what to say when it is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequiredPath {
    pub segment: &'static str,
    /// The finding's code.
    pub code: &'static str,
    pub message: &'static str,
}

/// One row of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderInfo {
    pub kind: ProviderKind,
    /// The API's type id.
    pub id: &'static str,
    /// What people call it.
    pub label: &'static str,
    /// The vendor's mark: inline SVG from `public/icons/` (see `public/ICONS.md`), drawn
    /// without a request and coloured by the page's stylesheet.
    pub mark: &'static str,
    /// The issuer input's placeholder (a hint, not a rule).
    pub issuer_placeholder: &'static str,
    pub slash: SlashPolicy,
    /// The fixed issuer of providers whose issuer is built in.
    pub builtin_issuer: Option<&'static str>,
    /// A path segment the issuer must contain, with the warning when it is missing.
    pub required_path: Option<RequiredPath>,
    /// Scopes asked for on top of `openid profile email`.
    pub extra_scopes: &'static [&'static str],
    /// What the user should know about group claims from this provider.
    pub claim_note: Option<&'static str>,
    /// Where the provider's console lists the addresses it may return to after sign-out
    /// (QuFabric's Logout URL goes there).
    pub logout_field: &'static str,
    /// What to know about the client secret at this provider, shown where it is asked for.
    pub secret_hint: Option<&'static str>,
    /// Where to change things at this provider when a test sign-in finds its groups claim
    /// missing or empty (the test report's advice).
    pub groups_fix: GroupsFix,
}

/// What to change at a provider when its ID token carries no usable groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupsFix {
    /// The claim is absent from the ID token.
    pub missing: &'static str,
    /// The claim is there but lists no group.
    pub empty: &'static str,
}

const GENERIC_GROUPS_FIX: GroupsFix = GroupsFix {
    missing: "Configure the provider to put a `groups` claim (a list of group names) into the ID token it issues to QuFabric's client.",
    empty: "Add the user to a group at the provider, and make sure the provider includes that group in the tokens it issues to QuFabric's client.",
};

pub const CATALOGUE: &[ProviderInfo] = &[
    ProviderInfo {
        kind: ProviderKind::Pocketid,
        id: "pocketid",
        label: "PocketID",
        mark: include_str!("../../public/icons/pocketid.svg"),
        issuer_placeholder: "https://pocketid.example.com",
        slash: SlashPolicy::MustNotHave,
        builtin_issuer: None,
        required_path: None,
        extra_scopes: &["groups"],
        claim_note: Some(
            "PocketID only sends the groups that are assigned to its OIDC client: assign the groups you list here to the QuFabric client in PocketID.",
        ),
        logout_field: "Logout Callback URLs (OIDC client)",
        secret_hint: Some("In PocketID the OIDC client must be confidential (Public Client off): only then does it have a secret."),
        groups_fix: GroupsFix {
            missing: "PocketID puts `groups` into the ID token when the `groups` scope is granted: check that the QuFabric OIDC client in PocketID may use the `groups` scope, and that the provider's type here is PocketID (it asks for that scope).",
            empty: "PocketID sends only the groups assigned to its OIDC client: in PocketID, add the user to a group and assign that group to the QuFabric OIDC client (OIDC Clients → QuFabric → Allowed User Groups).",
        },
    },
    ProviderInfo {
        kind: ProviderKind::Oidc,
        id: "oidc",
        label: "Generic OIDC",
        mark: include_str!("../../public/icons/oidc.svg"),
        issuer_placeholder: "https://login.example.com",
        slash: SlashPolicy::DiscoveryDecides,
        builtin_issuer: None,
        required_path: None,
        extra_scopes: &[],
        claim_note: None,
        logout_field: "post-logout redirect URIs",
        secret_hint: None,
        groups_fix: GENERIC_GROUPS_FIX,
    },
    ProviderInfo {
        kind: ProviderKind::Keycloak,
        id: "keycloak",
        label: "Keycloak",
        mark: include_str!("../../public/icons/keycloak.svg"),
        issuer_placeholder: "https://keycloak.example.com/realms/{realm}",
        slash: SlashPolicy::MustNotHave,
        builtin_issuer: None,
        required_path: Some(RequiredPath {
            segment: "/realms/",
            code: "keycloak_realm",
            message: "Keycloak issuers name the realm: https://keycloak.example.com/realms/<realm>.",
        }),
        extra_scopes: &[],
        claim_note: Some("Keycloak sends groups only with a group membership mapper on the client."),
        logout_field: "Valid post logout redirect URIs (client settings)",
        secret_hint: Some("In Keycloak turn Client authentication on for the client; the secret is on its Credentials tab."),
        groups_fix: GroupsFix {
            missing: "In Keycloak, add a Group Membership mapper to the QuFabric client (Clients → QuFabric → Client scopes → dedicated scope → Add mapper), token claim name `groups`, with \"Add to ID token\" on.",
            empty: "In Keycloak, add the user to a group (Users → the user → Groups); the Group Membership mapper then lists it.",
        },
    },
    ProviderInfo {
        kind: ProviderKind::Authentik,
        id: "authentik",
        label: "Authentik",
        mark: include_str!("../../public/icons/authentik.svg"),
        issuer_placeholder: "https://authentik.example.com/application/o/{slug}/",
        slash: SlashPolicy::MustHave,
        builtin_issuer: None,
        required_path: Some(RequiredPath {
            segment: "/application/o/",
            code: "authentik_slug",
            message: "Authentik issuers name the application: https://authentik.example.com/application/o/<slug>/.",
        }),
        extra_scopes: &[],
        claim_note: Some("Authentik sends group names in the `groups` claim of its default profile scope."),
        logout_field: "Redirect URIs/Origins (provider settings)",
        secret_hint: None,
        groups_fix: GroupsFix {
            missing: "In Authentik, give the QuFabric provider the default `profile` scope mapping (Providers → QuFabric → Advanced protocol settings → Scopes); it carries `groups`.",
            empty: "In Authentik, add the user to a group (Directory → Groups).",
        },
    },
    ProviderInfo {
        kind: ProviderKind::Zitadel,
        id: "zitadel",
        label: "Zitadel",
        mark: include_str!("../../public/icons/zitadel.svg"),
        issuer_placeholder: "https://{instance}.zitadel.cloud",
        slash: SlashPolicy::MustNotHave,
        builtin_issuer: None,
        required_path: None,
        extra_scopes: &[],
        claim_note: None,
        logout_field: "Post Logout URIs (application settings)",
        secret_hint: None,
        groups_fix: GENERIC_GROUPS_FIX,
    },
    ProviderInfo {
        kind: ProviderKind::Okta,
        id: "okta",
        label: "Okta",
        mark: include_str!("../../public/icons/okta.svg"),
        issuer_placeholder: "https://{org}.okta.com",
        slash: SlashPolicy::MustNotHave,
        builtin_issuer: None,
        required_path: None,
        extra_scopes: &["groups"],
        claim_note: None,
        logout_field: "Sign-out redirect URIs (app integration)",
        secret_hint: None,
        groups_fix: GENERIC_GROUPS_FIX,
    },
    ProviderInfo {
        kind: ProviderKind::Entra,
        id: "entra",
        label: "Microsoft Entra ID",
        mark: include_str!("../../public/icons/entra.svg"),
        issuer_placeholder: "https://login.microsoftonline.com/{tenant}/v2.0",
        slash: SlashPolicy::MustNotHave,
        builtin_issuer: None,
        // `/v2.0` is checked with its one-click fix in `checks` (entra_v2).
        required_path: None,
        extra_scopes: &[],
        claim_note: Some("Entra sends group object ids, not names, unless the app is configured otherwise."),
        logout_field: "Redirect URIs (app registration, Authentication)",
        secret_hint: None,
        groups_fix: GENERIC_GROUPS_FIX,
    },
    ProviderInfo {
        kind: ProviderKind::Adfs,
        id: "adfs",
        label: "AD FS",
        mark: include_str!("../../public/icons/adfs.svg"),
        issuer_placeholder: "https://adfs.example.com/adfs",
        slash: SlashPolicy::MustNotHave,
        builtin_issuer: None,
        required_path: None,
        extra_scopes: &[],
        claim_note: None,
        logout_field: "post-logout redirect URIs (application group)",
        secret_hint: None,
        groups_fix: GENERIC_GROUPS_FIX,
    },
    ProviderInfo {
        kind: ProviderKind::Google,
        id: "google",
        label: "Google",
        mark: include_str!("../../public/icons/google.svg"),
        issuer_placeholder: "",
        slash: SlashPolicy::BuiltIn,
        builtin_issuer: Some("https://accounts.google.com"),
        required_path: None,
        extra_scopes: &[],
        claim_note: Some("Google does not send groups in its ID token."),
        logout_field: "(Google has no sign-out return address)",
        secret_hint: None,
        groups_fix: GroupsFix {
            missing: "Google never sends groups in its ID token: use another provider for group sync, or turn sync off.",
            empty: "Google never sends groups in its ID token: use another provider for group sync, or turn sync off.",
        },
    },
    ProviderInfo {
        kind: ProviderKind::Microsoft,
        id: "microsoft",
        label: "Microsoft",
        mark: include_str!("../../public/icons/microsoft.svg"),
        issuer_placeholder: "",
        slash: SlashPolicy::BuiltIn,
        builtin_issuer: Some("https://login.microsoftonline.com/common/v2.0"),
        required_path: None,
        extra_scopes: &[],
        claim_note: None,
        logout_field: "Redirect URIs (app registration, Authentication)",
        secret_hint: None,
        groups_fix: GENERIC_GROUPS_FIX,
    },
];

/// Shown for a type this build does not know.
const UNKNOWN: ProviderInfo = ProviderInfo {
    kind: ProviderKind::Unknown,
    id: "unknown",
    label: "Other provider",
    mark: include_str!("../../public/icons/oidc.svg"),
    issuer_placeholder: "https://login.example.com",
    slash: SlashPolicy::DiscoveryDecides,
    builtin_issuer: None,
    required_path: None,
    extra_scopes: &[],
    claim_note: None,
    logout_field: "post-logout redirect URIs",
    secret_hint: None,
    groups_fix: GENERIC_GROUPS_FIX,
};

impl ProviderKind {
    /// This kind's row of the catalogue.
    pub fn info(self) -> &'static ProviderInfo {
        CATALOGUE
            .iter()
            .find(|row| row.kind == self)
            .unwrap_or(&UNKNOWN)
    }

    /// Parse an API type id; `None` for anything not in the catalogue.
    pub fn from_id(id: &str) -> Option<ProviderKind> {
        CATALOGUE
            .iter()
            .find(|row| row.id == id)
            .map(|row| row.kind)
    }

    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// What people call it (from the table, through [`LABELS`]).
    pub fn label(self) -> &'static str {
        LABELS[self as usize]
    }

    /// The vendor's mark, inline SVG (from the table, through [`MARKS`]).
    pub fn mark(self) -> &'static str {
        MARKS[self as usize]
    }

    /// Where the provider lists its post-logout addresses (through [`LOGOUT_FIELDS`]).
    pub fn logout_field(self) -> &'static str {
        LOGOUT_FIELDS[self as usize]
    }
}

/// How many kinds there are, `Unknown` included (the index of the columns below).
const KINDS: usize = ProviderKind::Unknown as usize + 1;

/// One field of every row, by kind, taken from the table at compile time.
macro_rules! column {
    ($field:ident) => {{
        let mut column = [UNKNOWN.$field; KINDS];
        let mut row = 0;
        while row < CATALOGUE.len() {
            column[CATALOGUE[row].kind as usize] = CATALOGUE[row].$field;
            row += 1;
        }
        column
    }};
}

// The fields the login screen shows, as columns of their own: a page that reads only
// these holds them, not the whole table with its advice (about 3 KB gzip of the login
// bundle). `info()` reads the table itself.
const LABELS: [&str; KINDS] = column!(label);
const MARKS: [&str; KINDS] = column!(mark);
const LOGOUT_FIELDS: [&str; KINDS] = column!(logout_field);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_exactly_one_row() {
        for row in CATALOGUE {
            assert_eq!(CATALOGUE.iter().filter(|r| r.kind == row.kind).count(), 1);
            assert_eq!(ProviderKind::from_id(row.id), Some(row.kind));
            // The serde spelling and the table's id agree.
            assert_eq!(
                serde_json::to_value(row.kind).unwrap(),
                serde_json::Value::String(row.id.to_string())
            );
        }
        assert_eq!(CATALOGUE.len(), 10);
    }

    #[test]
    fn labels_and_marks_by_kind_are_the_tables() {
        for row in CATALOGUE.iter().chain([&UNKNOWN]) {
            assert_eq!(row.kind.label(), row.label, "{:?}", row.kind);
            assert_eq!(row.kind.mark(), row.mark, "{:?}", row.kind);
            assert_eq!(row.kind.logout_field(), row.logout_field, "{:?}", row.kind);
        }
    }

    /// Each mark is drawn inline, also inside a host page with a strict policy and many
    /// rows: nothing a `style-src` or `img-src` would block, nothing that fetches, runs or
    /// needs a unique id, and a real vendor mark (no letter tile).
    #[test]
    fn every_mark_draws_inline_under_a_strict_policy() {
        for info in CATALOGUE {
            let mark = info.mark;
            assert!(
                mark.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox="),
                "{}",
                info.id
            );
            assert!(mark.trim_end().ends_with("</svg>"), "{}", info.id);
            for refused in [
                "<style",
                "style=",
                " id=",
                "href",
                "url(",
                "<script",
                " on",
                "<text",
                "<image",
                "<foreignObject",
            ] {
                assert!(!mark.contains(refused), "{}: has {refused}", info.id);
            }
        }
        // The two vendors whose marks are themed follow the page's colours.
        for kind in [ProviderKind::Pocketid, ProviderKind::Zitadel] {
            assert!(kind.info().mark.contains("class=\"mark-ink\""), "{kind:?}");
        }
    }

    #[test]
    fn built_in_issuers_only_for_google_and_microsoft() {
        for row in CATALOGUE {
            let built_in = matches!(row.kind, ProviderKind::Google | ProviderKind::Microsoft);
            assert_eq!(row.builtin_issuer.is_some(), built_in, "{}", row.id);
            assert_eq!(row.slash == SlashPolicy::BuiltIn, built_in, "{}", row.id);
        }
    }

    #[test]
    fn unknown_type_falls_back() {
        let kind: ProviderKind = serde_json::from_str("\"gitlab\"").unwrap();
        assert_eq!(kind, ProviderKind::Unknown);
        assert_eq!(kind.label(), "Other provider");
        assert_eq!(ProviderKind::from_id("gitlab"), None);
    }

    #[test]
    fn pocketid_asks_for_groups_and_forbids_the_slash() {
        let info = ProviderKind::Pocketid.info();
        assert_eq!(info.label, "PocketID");
        assert_eq!(info.slash, SlashPolicy::MustNotHave);
        assert_eq!(info.extra_scopes, &["groups"]);
    }
}
