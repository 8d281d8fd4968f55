//! The provider's answer to a round trip (a sign-in or a test): whether it came in time
//! and said yes, then the code exchange and the ID token's verification (signature via the
//! provider's JWKS, iss, aud, exp, nonce; Microsoft's tenant rule).

use super::*;
use qufabric_model::claims::{claims_of_object, judge, Claims, ClaimsRefusal, MappedIdentity};
use qufabric_model::test_sign_in::ReportedClaim;

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
        if code == SignInError::InvalidScope {
            return Err(fail(
                code,
                format!(
                    "the provider refused the scopes QuFabric asked for ({}): {description}",
                    leg.scopes.join(" ")
                ),
            ));
        }
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
    /// The ID token's claims, as sent.
    pub(super) id_token_claims: Vec<ReportedClaim>,
    /// Userinfo, read for the same answer (its `sub` is the ID token's).
    pub(super) userinfo: Userinfo,
    /// The token response's `scope`, when the provider said.
    pub(super) granted_scopes: Option<Vec<String>>,
    /// The scopes the provider's discovery document offers.
    pub(super) scopes_supported: Option<Vec<String>>,
}

impl Verified {
    /// Who the answer says the person is, by the model's one rule (the test report reads
    /// its claims with the same rule), and whether its claims alone refuse the sign-in.
    pub(super) fn judge(&self, groups_needed: bool) -> (MappedIdentity, Option<ClaimsRefusal>) {
        let userinfo = match &self.userinfo {
            Userinfo::Read(claims) => Some(claims.as_slice()),
            Userinfo::NotOffered | Userinfo::Failed(_) => None,
        };
        let claims = Claims {
            id_token: &self.id_token_claims,
            userinfo,
        };
        judge(
            &claims,
            &self.provider.options.claims,
            matches!(self.userinfo, Userinfo::Failed(_)),
            groups_needed,
        )
    }
}

/// The sign-in error code of a refusal for what the claims lack.
pub(super) fn refusal_code(refusal: ClaimsRefusal) -> SignInError {
    match refusal {
        ClaimsRefusal::UserinfoFailed(_) => SignInError::UserinfoFailed,
        ClaimsRefusal::EmailMissing => SignInError::EmailMissing,
    }
}

/// Exchanges the code, verifies the ID token, and reads userinfo.
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
    let scopes_supported =
        (!check.scopes_supported.is_empty()).then(|| check.scopes_supported.clone());
    let Built { client, rule, keys } = build(state, &provider, &http, &check, document).await?;
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
    let nonce = Nonce::new(leg.nonce.clone());
    let claims = with_each_key(&keys.jwks, |jwks| {
        let verifier = openidconnect::core::CoreIdTokenVerifier::new_confidential_client(
            keys.client_id.clone(),
            keys.client_secret.clone(),
            keys.issuer.clone(),
            jwks,
        )
        .set_allowed_algs(keys.algs.clone())
        // Core §3.1.3.7: further audiences are acceptable when `azp` is QuFabric's client,
        // which openidconnect checks whenever there are several.
        .set_other_audience_verifier_fn(|_| true)
        // Microsoft's multi-tenant issuer is checked below against the token's own tenant.
        .require_issuer_match(keys.issuer_match);
        id_token.claims(&verifier, &nonce).cloned()
    })
    .map_err(token_rejected)?;
    // Verified: its raw payload gives every claim as sent.
    let id_token_text = id_token.to_string();
    let payload = jwt_payload(&id_token_text);
    if let IssuerRule::MicrosoftTenant { template } = &rule {
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
    let id_token_claims = payload
        .and_then(|payload| claims_of_object(&payload.to_string()))
        .unwrap_or_default();
    let access_token = tokens.access_token().secret().clone();
    let userinfo = read_userinfo(
        state,
        userinfo_endpoint.as_deref(),
        &access_token,
        &subject,
        &keys,
    )
    .await?;
    Ok(Verified {
        provider,
        id_token: id_token_text,
        subject,
        id_token_claims,
        userinfo,
        granted_scopes: tokens
            .scopes()
            .map(|scopes| scopes.iter().map(|s| s.to_string()).collect()),
        scopes_supported,
    })
}
