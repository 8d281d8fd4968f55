//! The sign-in broker's client side: one discovery fetch per leg builds the provider's
//! client, and the provider's ID token is checked (with words for every refusal).

use super::*;

pub(super) const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The failure codes product.md lists, with a description for the login screen.
pub(super) struct Failure {
    pub(super) code: SignInError,
    pub(super) description: String,
}

pub(super) fn fail(code: SignInError, description: impl Into<String>) -> Failure {
    Failure {
        code,
        description: description.into(),
    }
}

/// Why the provider's ID token was refused, in words that point at the cause.
pub(super) fn token_rejected(error: openidconnect::ClaimsVerificationError) -> Failure {
    use openidconnect::ClaimsVerificationError as E;
    match &error {
        E::InvalidAudience(_) => fail(
            SignInError::ServerError,
            "the ID token was rejected: it is meant for another client (audience)",
        ),
        E::SignatureVerification(_) => fail(
            SignInError::ServerError,
            "the ID token was rejected: its signature does not verify with the provider's published keys",
        ),
        E::InvalidNonce(_) => fail(
            SignInError::ServerError,
            "the ID token was rejected: its nonce does not belong to this sign-in",
        ),
        E::InvalidIssuer(_) => fail(
            SignInError::IssuerMismatch,
            format!("the ID token was rejected: {error}"),
        ),
        E::Expired(_) => fail(
            SignInError::ServerError,
            "the ID token was rejected: it has expired (check the clocks of both servers)",
        ),
        _ => fail(
            SignInError::ServerError,
            format!("the ID token was rejected: {error}"),
        ),
    }
}

/// The provider's discovery check and document (one fetch per sign-in leg), or
/// `provider_unreachable` when it cannot be fetched.
pub(super) async fn discover_reachable(
    state: &Services,
    provider: &ProviderRecord,
) -> Result<(qufabric_model::checks::IssuerCheckResult, Value), Failure> {
    let (check, document) = crate::discovery::discover_document(
        &state.http,
        &state.config,
        &provider.issuer,
        HTTP_TIMEOUT,
    )
    .await;
    if let (true, Some(document)) = (check.reachable, document) {
        return Ok((check, document));
    }
    let detail = check.failure.map(|f| f.detail).unwrap_or_default();
    Err(fail(
        SignInError::ProviderUnreachable,
        format!("{} could not be reached: {detail}", provider.name),
    ))
}

pub(super) type DiscoveredClient = openidconnect::Client<
    openidconnect::EmptyAdditionalClaims,
    openidconnect::core::CoreAuthDisplay,
    openidconnect::core::CoreGenderClaim,
    openidconnect::core::CoreJweContentEncryptionAlgorithm,
    openidconnect::core::CoreJsonWebKey,
    openidconnect::core::CoreAuthPrompt,
    openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    openidconnect::core::CoreTokenResponse,
    openidconnect::core::CoreTokenIntrospectionResponse,
    openidconnect::core::CoreRevocableToken,
    openidconnect::core::CoreRevocationErrorResponse,
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// How an ID token's `iss` is checked against the provider.
pub(super) enum IssuerRule {
    /// Byte for byte equal to the configured issuer (openidconnect's own check).
    Exact,
    /// A Microsoft multi-tenant endpoint: the discovered `{tenantid}` template filled in
    /// with the token's `tid` (see `qufabric_model::microsoft`).
    MicrosoftTenant { template: String },
}

/// A provider's client, how its tokens' issuer is checked, and its keys.
pub(super) struct Built {
    pub(super) client: DiscoveredClient,
    pub(super) rule: IssuerRule,
    pub(super) keys: ProviderKeys,
}

/// Discover (exact issuer match, or Microsoft's multi-tenant rule) and build the client.
pub(super) async fn build(
    state: &Services,
    provider: &ProviderRecord,
    http: &openidconnect::reqwest::Client,
    check: &qufabric_model::checks::IssuerCheckResult,
    document: Value,
) -> Result<Built, Failure> {
    let rule = if check.exact_match {
        IssuerRule::Exact
    } else if check.issuer_accepted(&provider.issuer) {
        IssuerRule::MicrosoftTenant {
            template: check.discovered_issuer.clone().unwrap_or_default(),
        }
    } else {
        return Err(fail(
            SignInError::IssuerMismatch,
            format!(
                "{} names its issuer {}, but QuFabric is configured with {}",
                provider.name,
                check.discovered_issuer.clone().unwrap_or_default(),
                provider.issuer
            ),
        ));
    };
    // The issuer was compared by the check above (exactly, or by Microsoft's rule), so
    // the document already fetched is the provider's: no second discovery request.
    let metadata = metadata_with_keys(document, http).await?;
    let only_post = metadata
        .token_endpoint_auth_methods_supported()
        .is_some_and(|methods| {
            let names: Vec<String> = methods
                .iter()
                .filter_map(|m| serde_json::to_value(m).ok())
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            names.iter().any(|m| m == "client_secret_post")
                && !names.iter().any(|m| m == "client_secret_basic")
        });
    let redirect = RedirectUrl::new(state.config.redirect_url())
        .map_err(|e| fail(SignInError::ServerError, e.to_string()))?;
    let keys = ProviderKeys {
        client_id: ClientId::new(provider.client_id.clone()),
        client_secret: ClientSecret::new(provider.client_secret.clone()),
        issuer: metadata.issuer().clone(),
        jwks: metadata.jwks().clone(),
        issuer_match: matches!(rule, IssuerRule::Exact),
        algs: metadata.id_token_signing_alg_values_supported().clone(),
    };
    let mut client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        Some(ClientSecret::new(provider.client_secret.clone())),
    )
    .set_redirect_uri(redirect);
    if only_post {
        client = client.set_auth_type(AuthType::RequestBody);
    }
    Ok(Built { client, rule, keys })
}

/// The client's view of a discovery document, with the provider's signing keys.
pub(super) async fn metadata_with_keys(
    document: Value,
    http: &openidconnect::reqwest::Client,
) -> Result<CoreProviderMetadata, Failure> {
    let unreachable = |e: String| {
        fail(
            SignInError::ProviderUnreachable,
            format!("discovery failed: {e}"),
        )
    };
    let metadata: CoreProviderMetadata =
        serde_json::from_value(document).map_err(|e| unreachable(e.to_string()))?;
    let jwks = CoreJsonWebKeySet::fetch_async(metadata.jwks_uri(), http)
        .await
        .map_err(|e| unreachable(format!("keys: {e}")))?;
    Ok(metadata.set_jwks(jwks))
}

/// The payload of a (verified) JWT as JSON.
pub(super) fn jwt_payload(jwt: &str) -> Option<Value> {
    jwt.split('.')
        .nth(1)
        .and_then(oidc::base64url_decode)
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
}
