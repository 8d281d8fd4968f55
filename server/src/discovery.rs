//! Discovery: fetch a provider's `/.well-known/openid-configuration` through the one
//! provider client (`outbound`) and compare its issuer with the configured one; the live
//! check of the form, the save validation and every sign-in leg use it.

use axum::http::StatusCode;
use serde_json::Value;
use std::time::Duration;

use crate::config::Config;
use qufabric_model::checks::{
    describe_discovery_failure, DiscoveryFailure, DiscoveryFailureKind, IssuerCheckResult,
};
use qufabric_model::issuer::discovery_url;

/// Fetch `<issuer without trailing slash>/.well-known/openid-configuration` and compare.
/// `http` is the server's one provider client (`outbound`).
pub async fn discover(
    http: &reqwest::Client,
    config: &Config,
    issuer: &str,
    timeout: Duration,
) -> IssuerCheckResult {
    discover_document(http, config, issuer, timeout).await.0
}

/// The check and, when the provider answered with JSON, the document itself: a sign-in
/// leg builds its client from the same fetch instead of fetching discovery again.
pub async fn discover_document(
    http: &reqwest::Client,
    config: &Config,
    issuer: &str,
    timeout: Duration,
) -> (IssuerCheckResult, Option<Value>) {
    let failed = |kind, detail: String| {
        (
            IssuerCheckResult {
                reachable: false,
                failure: Some(DiscoveryFailure { kind, detail }),
                ..Default::default()
            },
            None,
        )
    };
    if let Some(refused) = crate::outbound::refused_literal(issuer, config.deny_private_issuers) {
        return failed(DiscoveryFailureKind::Connect, refused);
    }
    let client = http;
    let url = discovery_url(issuer);
    let response = match client
        .get(&url)
        .header("Accept", "application/json")
        .timeout(timeout)
        .send()
        .await
    {
        Ok(response) => response,
        Err(error) => {
            let (kind, detail) = classify(&error, &url, timeout);
            return failed(kind, detail);
        }
    };
    let status = response.status();
    if status != StatusCode::OK {
        return failed(
            DiscoveryFailureKind::Status,
            describe_discovery_failure(
                DiscoveryFailureKind::Status,
                &url,
                timeout.as_secs(),
                Some(status.as_u16()),
            ),
        );
    }
    let body = match crate::outbound::read_capped(response).await {
        Ok(body) => body,
        Err(detail) => return failed(DiscoveryFailureKind::Invalid, format!("{url}: {detail}")),
    };
    let Ok(document) = serde_json::from_slice::<Value>(&body) else {
        return failed(
            DiscoveryFailureKind::NotJson,
            describe_discovery_failure(
                DiscoveryFailureKind::NotJson,
                &url,
                timeout.as_secs(),
                None,
            ),
        );
    };
    let Some(discovered) = document.get("issuer").and_then(Value::as_str) else {
        return failed(
            DiscoveryFailureKind::Invalid,
            describe_discovery_failure(
                DiscoveryFailureKind::Invalid,
                &url,
                timeout.as_secs(),
                None,
            ),
        );
    };
    let (exact_match, differs_only_by_trailing_slash) =
        IssuerCheckResult::compare(issuer, discovered);
    let text_field = |key: &str| {
        document
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let list = |key: &str| -> Vec<String> {
        document
            .get(key)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let check = IssuerCheckResult {
        reachable: true,
        failure: None,
        discovered_issuer: Some(discovered.to_string()),
        exact_match,
        differs_only_by_trailing_slash,
        authorization_endpoint: text_field("authorization_endpoint"),
        token_endpoint: text_field("token_endpoint"),
        jwks_uri: text_field("jwks_uri"),
        end_session_endpoint: text_field("end_session_endpoint"),
        scopes_supported: list("scopes_supported"),
        code_challenge_methods_supported: list("code_challenge_methods_supported"),
    };
    (check, Some(document))
}

/// Tell DNS, TLS, timeout and connection failures apart from reqwest's error chain, and
/// say it in words; the chain itself goes to the log.
fn classify(
    error: &reqwest::Error,
    url: &str,
    timeout: Duration,
) -> (DiscoveryFailureKind, String) {
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        chain.push_str(": ");
        chain.push_str(&inner.to_string());
        source = inner.source();
    }
    tracing::info!("discovery at {url} failed: {chain}");
    // The outbound client's own refusal says why in words already.
    if let Some(refusal) = chain
        .split(": ")
        .find(|part| part.contains("QuFabric does not connect to"))
    {
        return (DiscoveryFailureKind::Connect, refusal.to_string());
    }
    let lower = chain.to_lowercase();
    let kind = if error.is_timeout() {
        DiscoveryFailureKind::Timeout
    } else if lower.contains("dns")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
    {
        DiscoveryFailureKind::Dns
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        DiscoveryFailureKind::Tls
    } else {
        DiscoveryFailureKind::Connect
    };
    (
        kind,
        describe_discovery_failure(kind, url, timeout.as_secs(), None),
    )
}
