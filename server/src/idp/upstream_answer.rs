//! The provider's answer to a round trip (a sign-in or a test): whether it came in time
//! and said yes, then the code exchange and the ID token's verification (signature via the
//! provider's JWKS, iss, aud, exp, nonce; Microsoft's tenant rule).

use super::*;

/// The code of the provider's answer, or why there is none (it said no, or too late).
pub(super) fn answered_code(query: CallbackQuery, leg: &Leg) -> Result<String, Failure> {
    if now_unix() - leg.created_at > BROKER_STATE_MAX_AGE {
        return Err(fail(
            SignInError::SessionExpired,
            "the sign-in took too long; start again",
        ));
    }
    if let Some(error) = query.error {
        let description = query.error_description.unwrap_or_default();
        let code = SignInError::from_oauth(&error);
        return Err(fail(code, format!("{error}: {description}")));
    }
    Ok(query.code.unwrap_or_default())
}

/// What a verified answer of a provider holds.
pub(super) struct Verified {
    pub(super) provider: ProviderRecord,
    /// The ID token as sent (verified: signature, iss, aud, exp, nonce).
    pub(super) id_token: String,
    pub(super) subject: String,
    pub(super) email: String,
    pub(super) name: String,
    pub(super) access_token: String,
    /// The token response's `scope`, when the provider said.
    pub(super) granted_scopes: Option<Vec<String>>,
    pub(super) userinfo_endpoint: Option<String>,
}

/// Exchanges the code and verifies the ID token.
pub(super) async fn verify_answer(
    state: &Services,
    leg: &Leg,
    code: String,
) -> Result<Verified, Failure> {
    let provider = state
        .store
        .provider(&leg.provider_id)
        .map_err(|e| fail(SignInError::ServerError, e.0))?
        .ok_or_else(|| {
            fail(
                SignInError::ServerError,
                "the identity provider was removed during the sign-in",
            )
        })?;
    let http = state.http.clone();
    let (check, document) = discover_reachable(state, &provider).await?;
    let userinfo_endpoint = document
        .get("userinfo_endpoint")
        .and_then(Value::as_str)
        .map(str::to_string);
    let (client, rule) = build(state, &provider, &http, &check, document).await?;
    let mut exchange = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| fail(SignInError::ServerError, e.to_string()))?;
    if let Some(verifier) = &leg.pkce_verifier {
        exchange = exchange.set_pkce_verifier(PkceCodeVerifier::new(verifier.clone()));
    }
    let tokens = exchange
        .request_async(&http)
        .await
        .map_err(|error| match error {
            RequestTokenError::ServerResponse(response) => {
                let kind = response.error().to_string();
                fail(
                    SignInError::from_oauth(&kind),
                    format!("the provider refused the code exchange: {kind}"),
                )
            }
            RequestTokenError::Request(e) => fail(
                SignInError::ProviderUnreachable,
                format!("token endpoint: {e}"),
            ),
            other => fail(
                SignInError::ServerError,
                format!("token exchange failed: {other}"),
            ),
        })?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| fail(SignInError::ServerError, "the provider sent no ID token"))?;
    let mut verifier = client.id_token_verifier();
    if let IssuerRule::MicrosoftTenant { .. } = rule {
        // Checked below against the token's own tenant.
        verifier = verifier.require_issuer_match(false);
    }
    let claims = id_token
        .claims(&verifier, &Nonce::new(leg.nonce.clone()))
        .map_err(token_rejected)?;
    if let IssuerRule::MicrosoftTenant { template } = &rule {
        let payload = jwt_payload(&id_token.to_string());
        let tid = payload
            .as_ref()
            .and_then(|p| p.get("tid"))
            .and_then(Value::as_str);
        let iss = claims.issuer().as_str();
        if !qufabric_model::microsoft::token_issuer_valid(template, iss, tid) {
            return Err(fail(
                SignInError::IssuerMismatch,
                format!(
                    "the ID token's issuer {iss} is not {template} for its tenant {}",
                    tid.unwrap_or("(none)")
                ),
            ));
        }
    }
    let subject = claims.subject().to_string();
    let email = claims.email().map(|e| e.to_string()).unwrap_or_default();
    let name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.to_string())
        .or_else(|| claims.preferred_username().map(|u| u.to_string()))
        .unwrap_or_else(|| email.clone());
    Ok(Verified {
        provider,
        id_token: id_token.to_string(),
        subject,
        email,
        name,
        access_token: tokens.access_token().secret().clone(),
        granted_scopes: tokens
            .scopes()
            .map(|scopes| scopes.iter().map(|s| s.to_string()).collect()),
        userinfo_endpoint,
    })
}
