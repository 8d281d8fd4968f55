//! Userinfo, read once per verified answer for the sign-in and the test sign-in alike
//! (`verify_answer` calls it), with the outbound client's timeouts and address rules.
//! A plain JSON answer or a signed JWT (`application/jwt`: signature, `iss`, `aud`) is
//! accepted; either way its `sub` must be the ID token's (Core §5.3.4), or the sign-in is
//! refused. Any other trouble is a failure to read it, which refuses only a sign-in that
//! needs what userinfo would have given (`qufabric_model::claims::judge`).

use super::*;
use openidconnect::core::{
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    ClaimsVerificationError, EmptyAdditionalClaims, IssuerUrl, JsonWebKey, JsonWebKeyUse,
    SignatureVerificationError, SubjectIdentifier, UserInfoJsonWebToken, UserInfoVerifier,
};
use qufabric_model::claims::claims_of_object;
use qufabric_model::test_sign_in::ReportedClaim;

/// What userinfo gave for an answer.
#[derive(Debug)]
pub(super) enum Userinfo {
    /// The provider names no userinfo endpoint.
    NotOffered,
    Read(Vec<ReportedClaim>),
    /// It could not be read (why, for the log and the report).
    Failed(String),
}

/// The provider's keys and names, to verify what it signs.
#[derive(Clone)]
pub(super) struct ProviderKeys {
    pub(super) client_id: ClientId,
    pub(super) client_secret: ClientSecret,
    pub(super) issuer: IssuerUrl,
    pub(super) jwks: CoreJsonWebKeySet,
    /// Whether `iss` must equal the issuer (not for Microsoft's multi-tenant rule, which
    /// is checked on its own).
    pub(super) issuer_match: bool,
    /// The ID token algorithms the provider names.
    pub(super) algs: Vec<CoreJwsSigningAlgorithm>,
}

/// Verify with all the provider's keys; when the JWT names no key and several fit
/// (openidconnect's `AmbiguousKeyId`, a provider with two signing keys and no `kid`), try
/// each key meant for signatures on its own.
pub(super) fn with_each_key<T>(
    jwks: &CoreJsonWebKeySet,
    verify: impl Fn(CoreJsonWebKeySet) -> Result<T, ClaimsVerificationError>,
) -> Result<T, ClaimsVerificationError> {
    match verify(jwks.clone()) {
        Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::AmbiguousKeyId(why),
        )) => jwks
            .keys()
            .iter()
            .filter(|key| key.key_use().is_none_or(|u| u.allows_signature()))
            .find_map(|key| verify(CoreJsonWebKeySet::new(vec![key.clone()])).ok())
            .ok_or(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::AmbiguousKeyId(why),
            )),
        other => other,
    }
}

type SignedUserinfo = UserInfoJsonWebToken<
    EmptyAdditionalClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// Userinfo for `subject`'s access token at `endpoint`; `Err` only when it names another
/// person.
pub(super) async fn read_userinfo(
    state: &Services,
    endpoint: Option<&str>,
    access_token: &str,
    subject: &str,
    keys: &ProviderKeys,
) -> Result<Userinfo, Failure> {
    let Some(endpoint) = endpoint else {
        return Ok(Userinfo::NotOffered);
    };
    let claims = match fetch(state, endpoint, access_token, subject, keys).await {
        Ok(claims) => claims,
        Err(Trouble::OtherPerson(found)) => {
            return Err(fail(
                SignInError::UserinfoSubjectMismatch,
                format!("the provider's userinfo names another user (`sub` {found}) than its ID token ({subject}), so its answer cannot be used"),
            ))
        }
        Err(Trouble::Unreadable(why)) => {
            tracing::info!("userinfo not read: {why}");
            return Ok(Userinfo::Failed(why));
        }
    };
    Ok(Userinfo::Read(claims))
}

enum Trouble {
    OtherPerson(String),
    Unreadable(String),
}

async fn fetch(
    state: &Services,
    endpoint: &str,
    access_token: &str,
    subject: &str,
    keys: &ProviderKeys,
) -> Result<Vec<ReportedClaim>, Trouble> {
    let unreadable = |why: String| Trouble::Unreadable(why);
    let response = state
        .http
        .get(endpoint)
        .bearer_auth(access_token)
        .header(header::ACCEPT, "application/json, application/jwt")
        .timeout(HTTP_TIMEOUT)
        .send()
        .await
        .map_err(|e| unreadable(format!("userinfo could not be reached: {e}")))?;
    let status = response.status();
    if !status.is_success() {
        return Err(unreadable(format!("userinfo answered {status}")));
    }
    let signed = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/jwt"));
    let body = response
        .text()
        .await
        .map_err(|e| unreadable(format!("userinfo's answer could not be read: {e}")))?;
    let json = if signed {
        verified_payload(body.trim(), subject, keys)?
    } else {
        body
    };
    let claims = claims_of_object(&json)
        .ok_or_else(|| unreadable("userinfo did not answer with a JSON object".into()))?;
    let sub: Option<String> = claims
        .iter()
        .find(|c| c.name == "sub")
        .and_then(|c| c.value.as_ref())
        .and_then(|v| v.decode().ok());
    match sub {
        Some(sub) if sub == subject => Ok(claims),
        Some(other) => Err(Trouble::OtherPerson(other)),
        None => Err(unreadable("userinfo answered without `sub`".into())),
    }
}

/// The payload of a signed userinfo answer, once its signature, `iss`, `aud` and `sub`
/// verify.
fn verified_payload(jwt: &str, subject: &str, keys: &ProviderKeys) -> Result<String, Trouble> {
    let token: SignedUserinfo = serde_json::from_value(Value::String(jwt.to_string()))
        .map_err(|e| Trouble::Unreadable(format!("userinfo sent a JWT that is not one: {e}")))?;
    let verified = with_each_key(&keys.jwks, |jwks| {
        let verifier: UserInfoVerifier<CoreJweContentEncryptionAlgorithm, CoreJsonWebKey> =
            UserInfoVerifier::new(
                keys.client_id.clone(),
                keys.issuer.clone(),
                jwks,
                Some(SubjectIdentifier::new(subject.to_string())),
            )
            .require_issuer_match(keys.issuer_match);
        token.clone().claims(&verifier)
    });
    match verified {
        Ok(claims) => Ok(claims),
        Err(ClaimsVerificationError::InvalidSubject(_)) => Err(Trouble::OtherPerson(
            jwt_payload(jwt)
                .and_then(|p| p.get("sub").and_then(Value::as_str).map(str::to_string))
                .unwrap_or_default(),
        )),
        Err(e) => Err(Trouble::Unreadable(format!(
            "userinfo's signed answer was rejected: {e}"
        ))),
    }?;
    jwt_payload(jwt)
        .map(|payload| payload.to_string())
        .ok_or_else(|| Trouble::Unreadable("userinfo's JWT has no readable payload".into()))
}
