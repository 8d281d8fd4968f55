//! The inline checks of an identity provider: data in, findings out. Pure functions used by
//! the dashboard as the user types and by the server when it validates, so the two can
//! never disagree. Errors block saving (and the server refuses exactly these); everything
//! else is a warning that explains and offers a fix but never blocks.

use serde::{Deserialize, Serialize};

use crate::issuer::parse_issuer;
use crate::providers::{ProviderKind, SlashPolicy};
use crate::IdentityProvider;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    /// Good news or context (e.g. "discovery found exactly this issuer").
    Note,
}

/// The form field a finding belongs to (where it is shown, which input it describes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Type,
    Name,
    Issuer,
    ClientId,
    ClientSecret,
    /// Groups page: the sync switch.
    Sync,
    /// Groups page: the claim name.
    Claim,
    /// Groups page: the allow list.
    AllowGroups,
    /// Groups page: the role rules.
    RoleRules,
}

/// A mechanical fix: set the field to `value`. `label` is the button text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub field: Field,
    pub severity: Severity,
    /// Stable identifier, for tests and for replacing static guesses by discovery results.
    pub code: &'static str,
    pub message: String,
    pub fix: Option<Fix>,
}

impl Finding {
    fn new(
        field: Field,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            field,
            severity,
            code,
            message: message.into(),
            fix: None,
        }
    }

    fn with_fix(mut self, label: impl Into<String>, value: impl Into<String>) -> Finding {
        self.fix = Some(Fix {
            label: label.into(),
            value: value.into(),
        });
        self
    }
}

pub fn blocks_saving(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

const WELL_KNOWN: &str = "/.well-known/openid-configuration";

/// An issuer pasted with the discovery suffix: the issuer is what comes before it.
pub fn strip_well_known(input: &str) -> Option<String> {
    let trimmed = input.trim();
    trimmed
        .strip_suffix(WELL_KNOWN)
        .or_else(|| trimmed.strip_suffix(&format!("{WELL_KNOWN}/")))
        .map(str::to_string)
}

/// The static checks of an issuer for a provider kind (no network).
pub fn check_issuer(kind: ProviderKind, input: &str) -> Vec<Finding> {
    let info = kind.info();
    let mut findings = Vec::new();
    if info.slash == SlashPolicy::BuiltIn {
        return findings;
    }
    let label = info.label;
    if input.trim().is_empty() {
        findings.push(Finding::new(
            Field::Issuer,
            Severity::Error,
            "issuer_required",
            format!(
                "Enter the issuer URL of your {label} instance, e.g. {}.",
                info.issuer_placeholder
            ),
        ));
        return findings;
    }
    let trimmed = input.trim();
    if trimmed != input {
        findings.push(
            Finding::new(
                Field::Issuer,
                Severity::Warning,
                "issuer_whitespace",
                "The issuer has spaces or line breaks around it; the provider compares the issuer character by character.",
            )
            .with_fix("Remove the spaces", trimmed),
        );
    }
    if let Some(stripped) = strip_well_known(input) {
        findings.push(
            Finding::new(
                Field::Issuer,
                Severity::Warning,
                "issuer_well_known",
                "This is the discovery document's address. The issuer is the part before /.well-known/openid-configuration.",
            )
            .with_fix("Use the issuer", stripped),
        );
        return findings;
    }
    let Some(url) = parse_issuer(trimmed) else {
        findings.push(Finding::new(
            Field::Issuer,
            Severity::Error,
            "issuer_invalid_url",
            format!(
                "The issuer must be a full URL with scheme and host, such as {}.",
                info.issuer_placeholder
            ),
        ));
        return findings;
    };
    if url.query.is_some() || url.fragment.is_some() {
        let without = trimmed
            .split(['?', '#'])
            .next()
            .unwrap_or(trimmed)
            .to_string();
        findings.push(
            Finding::new(
                Field::Issuer,
                Severity::Error,
                "issuer_query_or_fragment",
                "An issuer has no query (?…) or fragment (#…).",
            )
            .with_fix("Remove them", without),
        );
        return findings;
    }
    if url.scheme == "http" && !url.is_loopback() {
        findings.push(
            Finding::new(
                Field::Issuer,
                Severity::Warning,
                "issuer_plain_http",
                format!(
                    "{} is reached over plain http: tokens and the client secret would cross the network unencrypted.",
                    url.host
                ),
            )
            .with_fix("Use https", format!("https{}", &trimmed[4..])),
        );
    }
    let ends_with_slash = trimmed.ends_with('/');
    match info.slash {
        SlashPolicy::MustNotHave if ends_with_slash => findings.push(
            Finding::new(
                Field::Issuer,
                Severity::Warning,
                "trailing_slash",
                format!(
                    "{label} issuers have no trailing slash; with one, the issuer will not match what {label} sends and sign-in fails."
                ),
            )
            .with_fix("Remove the trailing slash", trimmed.trim_end_matches('/')),
        ),
        SlashPolicy::MustHave if !ends_with_slash => findings.push(
            Finding::new(
                Field::Issuer,
                Severity::Warning,
                "missing_trailing_slash",
                format!("{label} issuers end with a slash (…/application/o/<slug>/); without it the issuer will not match."),
            )
            .with_fix("Add the trailing slash", format!("{trimmed}/")),
        ),
        _ => {}
    }
    if let Some(required) = info.required_path {
        if !url.path.contains(required.segment) {
            findings.push(Finding::new(
                Field::Issuer,
                Severity::Warning,
                required.code,
                required.message,
            ));
        }
    }
    let path = url.path.trim_end_matches('/');
    match kind {
        ProviderKind::Pocketid if !path.is_empty() => findings.push(
            Finding::new(
                Field::Issuer,
                Severity::Warning,
                "pocketid_path",
                "PocketID issuers have no path: the issuer is the address of your PocketID instance itself.",
            )
            .with_fix("Use the instance address", url.origin()),
        ),
        ProviderKind::Entra => {
            let tenant = path.trim_start_matches('/').split('/').next().unwrap_or("");
            if matches!(tenant, "common" | "organizations" | "consumers") {
                findings.push(Finding::new(
                    Field::Issuer,
                    Severity::Warning,
                    "entra_tenant",
                    format!(
                        "\"{tenant}\" is a multi-tenant endpoint: accounts from any Microsoft tenant can sign in (QuFabric checks each token against its own tenant). To admit only your organisation, use https://login.microsoftonline.com/<tenant id>/v2.0."
                    ),
                ));
            }
            if !path.ends_with("/v2.0") {
                let fixed = format!("{}/v2.0", trimmed.trim_end_matches('/'));
                findings.push(
                    Finding::new(
                        Field::Issuer,
                        Severity::Warning,
                        "entra_v2",
                        "Entra ID issuers for OpenID Connect end with /v2.0.",
                    )
                    .with_fix("Add /v2.0", fixed),
                );
            }
        }
        _ => {}
    }
    findings
}

/// What the user has typed into the provider form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProviderDraft {
    pub kind: Option<ProviderKind>,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

/// Every static finding for a draft. `original` is the stored provider when editing;
/// `others` are the other providers (for duplicates).
pub fn check_draft(
    draft: &ProviderDraft,
    original: Option<&IdentityProvider>,
    others: &[IdentityProvider],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some(kind) = draft.kind else {
        findings.push(Finding::new(
            Field::Type,
            Severity::Error,
            "type_required",
            "Choose the kind of provider.",
        ));
        return findings;
    };
    check_text(
        &mut findings,
        Field::Name,
        "name",
        &draft.name,
        "Enter a name; it is the label of the login button.",
    );
    findings.extend(check_issuer(kind, &draft.issuer));
    check_text(
        &mut findings,
        Field::ClientId,
        "client ID",
        &draft.client_id,
        "Enter the client ID from the provider.",
    );

    let client_id_changed = original.is_some_and(|o| o.client_id != draft.client_id.trim());
    if draft.client_secret.is_empty() {
        if original.is_none() {
            findings.push(Finding::new(
                Field::ClientSecret,
                Severity::Error,
                "secret_required",
                "Enter the client secret from the provider.",
            ));
        } else if client_id_changed {
            findings.push(Finding::new(
                Field::ClientSecret,
                Severity::Error,
                "secret_required_for_new_client",
                "The client ID changed: enter the new client's secret.",
            ));
        }
    } else if draft.client_secret.contains(['\n', '\r']) {
        findings.push(
            Finding::new(
                Field::ClientSecret,
                Severity::Warning,
                "secret_newline",
                "The secret contains a line break, usually from copying; the provider will refuse it.",
            )
            .with_fix("Remove line breaks and spaces", draft.client_secret.trim().replace(['\n', '\r'], "")),
        );
    } else if draft.client_secret.trim() != draft.client_secret {
        findings.push(
            Finding::new(
                Field::ClientSecret,
                Severity::Warning,
                "secret_whitespace",
                "The secret has spaces around it, usually from copying.",
            )
            .with_fix("Remove the spaces", draft.client_secret.trim()),
        );
    }

    let editing_id = original.map(|o| o.id.as_str());
    let others = others.iter().filter(|p| Some(p.id.as_str()) != editing_id);
    let issuer = effective_issuer(kind, &draft.issuer);
    for other in others {
        if other.issuer == issuer && other.client_id == draft.client_id.trim() && !issuer.is_empty()
        {
            findings.push(Finding::new(
                Field::ClientId,
                Severity::Warning,
                "duplicate_client",
                format!("\"{}\" already uses this issuer and client ID: users would get two identical ways in.", other.name),
            ));
        }
        if !draft.name.trim().is_empty()
            && other.name.trim().eq_ignore_ascii_case(draft.name.trim())
        {
            findings.push(Finding::new(
                Field::Name,
                Severity::Warning,
                "duplicate_name",
                format!(
                    "Another provider is called \"{}\": the login buttons would look alike.",
                    other.name
                ),
            ));
        }
    }
    findings
}

fn check_text(findings: &mut Vec<Finding>, field: Field, what: &str, value: &str, required: &str) {
    let code_required = match field {
        Field::Name => "name_required",
        _ => "client_id_required",
    };
    if value.trim().is_empty() {
        findings.push(Finding::new(
            field,
            Severity::Error,
            code_required,
            required,
        ));
    } else if value.trim() != value {
        let code = match field {
            Field::Name => "name_whitespace",
            _ => "client_id_whitespace",
        };
        findings.push(
            Finding::new(
                field,
                Severity::Warning,
                code,
                format!("The {what} has spaces or line breaks around it."),
            )
            .with_fix("Remove the spaces", value.trim()),
        );
    }
}

/// The issuer the server stores: the built-in one for Google and Microsoft.
pub fn effective_issuer(kind: ProviderKind, typed: &str) -> String {
    match kind.info().builtin_issuer {
        Some(issuer) => issuer.to_string(),
        None => typed.to_string(),
    }
}

/// `POST /api/identity-providers/check-issuer` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerCheckRequest {
    #[serde(rename = "type")]
    pub kind: ProviderKind,
    pub issuer: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscoveryFailureKind {
    Dns,
    Connect,
    Tls,
    Timeout,
    Status,
    NotJson,
    Invalid,
    #[serde(other)]
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryFailure {
    pub kind: DiscoveryFailureKind,
    #[serde(default)]
    pub detail: String,
}

/// What the server found at the issuer's discovery document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IssuerCheckResult {
    pub reachable: bool,
    #[serde(default)]
    pub failure: Option<DiscoveryFailure>,
    #[serde(default)]
    pub discovered_issuer: Option<String>,
    #[serde(default)]
    pub exact_match: bool,
    #[serde(default)]
    pub differs_only_by_trailing_slash: bool,
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    #[serde(default)]
    pub token_endpoint: Option<String>,
    #[serde(default)]
    pub jwks_uri: Option<String>,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
}

impl IssuerCheckResult {
    /// Compare what was typed with what the provider says its issuer is.
    pub fn compare(typed: &str, discovered: &str) -> (bool, bool) {
        let exact = typed == discovered;
        let slash_only = !exact && typed.trim_end_matches('/') == discovered.trim_end_matches('/');
        (exact, slash_only)
    }

    /// Whether sign-in may use this issuer: the provider names exactly `typed`, or `typed`
    /// is a Microsoft multi-tenant endpoint whose discovery names the `{tenantid}` template
    /// (each ID token is then checked against its own tenant, see [`crate::microsoft`]).
    pub fn issuer_accepted(&self, typed: &str) -> bool {
        self.reachable
            && (self.exact_match
                || self.discovered_issuer.as_deref().is_some_and(|discovered| {
                    crate::microsoft::accepts_discovered_issuer(typed, discovered)
                }))
    }
}

/// Findings from the server's discovery check of `typed`. These replace the static
/// trailing-slash guesses: the provider's own answer is the truth.
pub fn discovery_findings(typed: &str, result: &IssuerCheckResult) -> Vec<Finding> {
    if !result.reachable {
        // The server describes the failure in words (kind and host); older servers may
        // send only the kind.
        let what = match &result.failure {
            Some(failure) if !failure.detail.is_empty() => failure.detail.clone(),
            Some(failure) => format!("the discovery document {}", failure_words(failure.kind)),
            None => "the discovery document could not be reached".to_string(),
        };
        return vec![Finding::new(
            Field::Issuer,
            Severity::Error,
            "discovery_unreachable",
            format!("The server checked {typed}: {what}. Check the address and that the QuFabric server can reach it."),
        )];
    }
    let discovered = result.discovered_issuer.clone().unwrap_or_default();
    if !result.exact_match && result.issuer_accepted(typed) {
        vec![Finding::new(
            Field::Issuer,
            Severity::Note,
            "discovery_multi_tenant",
            format!("The provider answered: this is a multi-tenant endpoint whose issuer is {discovered}. QuFabric checks each sign-in against the user's own tenant."),
        )]
    } else if result.exact_match {
        vec![Finding::new(
            Field::Issuer,
            Severity::Note,
            "discovery_match",
            "The provider answered and names exactly this issuer.",
        )]
    } else if result.differs_only_by_trailing_slash {
        vec![Finding::new(
            Field::Issuer,
            Severity::Error,
            "discovery_slash_mismatch",
            format!("The provider names its issuer {discovered}, which differs only by the trailing slash. Use exactly {discovered}."),
        )
        .with_fix(format!("Use exactly {discovered}"), discovered)]
    } else {
        vec![Finding::new(
            Field::Issuer,
            Severity::Error,
            "discovery_mismatch",
            format!("The provider names its issuer {discovered}, not {typed}. Sign-in only works when the two are identical."),
        )
        .with_fix(format!("Use {discovered}"), discovered)]
    }
}

/// A discovery failure as an administrator reads it: what happened and with which host,
/// never a library's error chain. `url` is the discovery document's address.
pub fn describe_discovery_failure(
    kind: DiscoveryFailureKind,
    url: &str,
    timeout_secs: u64,
    status: Option<u16>,
) -> String {
    let host = parse_issuer(url)
        .map(|u| match u.port {
            Some(port) => format!("{}:{port}", u.host),
            None => u.host.to_string(),
        })
        .unwrap_or_else(|| url.to_string());
    match kind {
        DiscoveryFailureKind::Dns => format!("the host name {host} could not be found (DNS)"),
        DiscoveryFailureKind::Connect => {
            format!("nothing answered at {host} (connection refused or no route)")
        }
        DiscoveryFailureKind::Tls => format!(
            "the secure connection to {host} failed (its TLS certificate is not trusted or does not match)"
        ),
        DiscoveryFailureKind::Timeout => {
            format!("{host} did not answer within {timeout_secs} seconds")
        }
        DiscoveryFailureKind::Status => match status {
            Some(code) => format!("{url} answered HTTP {code}, not the discovery document"),
            None => format!("{url} did not answer with the discovery document"),
        },
        DiscoveryFailureKind::NotJson => format!("{url} answered, but not with JSON"),
        DiscoveryFailureKind::Invalid | DiscoveryFailureKind::Unknown => {
            format!("{url} is not an OpenID Connect discovery document (no issuer)")
        }
    }
}

fn failure_words(kind: DiscoveryFailureKind) -> &'static str {
    match kind {
        DiscoveryFailureKind::Dns => "host name could not be resolved",
        DiscoveryFailureKind::Connect => "could not be reached (connection refused or no route)",
        DiscoveryFailureKind::Tls => "could not be fetched securely (TLS certificate problem)",
        DiscoveryFailureKind::Timeout => "did not answer in time",
        DiscoveryFailureKind::Status => "was not found (the server answered with an error status)",
        DiscoveryFailureKind::NotJson => "is not JSON",
        DiscoveryFailureKind::Invalid | DiscoveryFailureKind::Unknown => {
            "is not a valid OpenID configuration"
        }
    }
}

/// Static findings merged with a discovery result (when one exists for the current input):
/// the slash guesses make way for the provider's answer.
pub fn merge_discovery(mut findings: Vec<Finding>, discovery: Vec<Finding>) -> Vec<Finding> {
    if discovery.is_empty() {
        return findings;
    }
    findings.retain(|f| !matches!(f.code, "trailing_slash" | "missing_trailing_slash"));
    findings.extend(discovery);
    findings
}

/// A request the server refuses, with the field and the server's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: Field,
    pub message: &'static str,
}

/// The server's static validation, in product.md's order and with its messages. The
/// network checks (reachable, exact match) follow on the server.
/// Why an issuer is not a URL a provider can be discovered at: the one rule behind the
/// save validation and the live discovery check.
pub fn issuer_url_refusal(issuer: &str) -> Option<&'static str> {
    let Some(url) = parse_issuer(issuer.trim()) else {
        return Some("identity provider issuer must be a valid URL");
    };
    if url.query.is_some() || url.fragment.is_some() {
        return Some("identity provider issuer must not contain a query or fragment");
    }
    None
}

pub fn validate_request(
    type_id: &str,
    name: &str,
    issuer: &str,
    client_id: &str,
) -> Result<ProviderKind, Refusal> {
    let refuse = |field, message| Err(Refusal { field, message });
    if name.trim().is_empty() {
        return refuse(Field::Name, "identity provider name is required");
    }
    if type_id.trim().is_empty() {
        return refuse(Field::Type, "identity provider type is required");
    }
    let Some(kind) = ProviderKind::from_id(type_id) else {
        return refuse(Field::Type, "unsupported identity provider type");
    };
    if kind.info().builtin_issuer.is_none() {
        if issuer.trim().is_empty() {
            return refuse(Field::Issuer, "identity provider issuer is required");
        }
        if let Some(message) = issuer_url_refusal(issuer) {
            return refuse(Field::Issuer, message);
        }
    }
    if client_id.trim().is_empty() {
        return refuse(Field::ClientId, "identity provider client ID is required");
    }
    Ok(kind)
}

/// Which field a server message concerns, so a 422 lands where it belongs.
pub fn field_of_server_message(message: &str) -> Option<Field> {
    let message = message.to_ascii_lowercase();
    if message.contains("issuer") {
        Some(Field::Issuer)
    } else if message.contains("client id") {
        Some(Field::ClientId)
    } else if message.contains("secret") {
        Some(Field::ClientSecret)
    } else if message.contains("name") {
        Some(Field::Name)
    } else if message.contains("type") {
        Some(Field::Type)
    } else {
        None
    }
}
