//! The embedded IdP's signing key (ES256, persisted in the store so tokens survive a
//! restart), token signing and verification, and the JWKS document.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use p256::ecdsa::SigningKey;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use serde_json::{json, Value};

use crate::store::{Store, StoreError};
use qufabric_model::oidc::TokenClaims;

/// The `typ` header of access tokens (RFC 9068).
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";

pub struct Keys {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwk: Value,
}

/// Why a token was refused; the API answers 401 with the matching message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRejection {
    Expired,
    Invalid,
}

impl Keys {
    /// Load the persisted key, or make and persist one on first start.
    pub fn load_or_create(store: &Store) -> Result<Keys, StoreError> {
        if let Some((kid, pem)) = store.signing_key()? {
            let key = SigningKey::from_pkcs8_pem(&pem)
                .map_err(|e| StoreError(format!("stored signing key unreadable: {e}")))?;
            return Self::from_signing_key(kid, &key);
        }
        let key = SigningKey::random(&mut rand::rngs::OsRng);
        let kid = crate::secrets::random_id(16);
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| StoreError(format!("cannot encode signing key: {e}")))?;
        store.insert_signing_key(&kid, pem.as_str())?;
        Self::from_signing_key(kid, &key)
    }

    fn from_signing_key(kid: String, key: &SigningKey) -> Result<Keys, StoreError> {
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| StoreError(format!("cannot encode signing key: {e}")))?;
        let encoding = EncodingKey::from_ec_pem(pem.as_bytes())
            .map_err(|e| StoreError(format!("signing key rejected: {e}")))?;
        let point = key.verifying_key().to_encoded_point(false);
        let (Some(x), Some(y)) = (point.x(), point.y()) else {
            return Err(StoreError("signing key has no affine coordinates".into()));
        };
        let x = URL_SAFE_NO_PAD.encode(x);
        let y = URL_SAFE_NO_PAD.encode(y);
        let decoding = DecodingKey::from_ec_components(&x, &y)
            .map_err(|e| StoreError(format!("verifying key rejected: {e}")))?;
        let jwk = json!({"kty": "EC", "crv": "P-256", "x": x, "y": y, "use": "sig", "alg": "ES256", "kid": kid});
        Ok(Keys {
            kid,
            encoding,
            decoding,
            jwk,
        })
    }

    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk] })
    }

    /// Sign an ID token (or any JWT of ours that is not an API credential).
    pub fn sign<T: serde::Serialize>(&self, claims: &T) -> Option<String> {
        self.sign_typed(claims, "JWT")
    }

    /// Sign an access token: `typ: at+jwt` (RFC 9068), the only kind the API accepts.
    pub fn sign_access_token<T: serde::Serialize>(&self, claims: &T) -> Option<String> {
        self.sign_typed(claims, ACCESS_TOKEN_TYPE)
    }

    fn sign_typed<T: serde::Serialize>(&self, claims: &T, typ: &str) -> Option<String> {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        header.typ = Some(typ.to_string());
        jsonwebtoken::encode(&header, claims, &self.encoding).ok()
    }

    /// Verify an access token: its type, then as [`Keys::verify`]. An ID token, whose
    /// audience is also the dashboard, is refused here.
    pub fn verify_access_token(
        &self,
        token: &str,
        issuer: &str,
        audience: &str,
    ) -> Result<TokenClaims, TokenRejection> {
        let typ = jsonwebtoken::decode_header(token)
            .ok()
            .and_then(|header| header.typ);
        if typ.as_deref() != Some(ACCESS_TOKEN_TYPE) {
            return Err(TokenRejection::Invalid);
        }
        self.verify(token, issuer, audience)
    }

    /// Verify signature, issuer, audience and expiry (any JWT of ours).
    pub fn verify(
        &self,
        token: &str,
        issuer: &str,
        audience: &str,
    ) -> Result<TokenClaims, TokenRejection> {
        let mut validation = Validation::new(Algorithm::ES256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        jsonwebtoken::decode::<TokenClaims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|error| match error.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenRejection::Expired,
                _ => TokenRejection::Invalid,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qufabric_model::oidc::Audience;

    fn claims(exp: i64) -> TokenClaims {
        TokenClaims {
            iss: "http://idp/oauth2".into(),
            sub: "u1".into(),
            aud: Audience::One("qufabric-dashboard".into()),
            exp,
            iat: 0,
            ..Default::default()
        }
    }

    #[test]
    fn signs_verifies_and_persists() {
        let store = Store::in_memory().unwrap();
        let keys = Keys::load_or_create(&store).unwrap();
        let future = crate::store::now_unix() + 60;
        let token = keys.sign(&claims(future)).unwrap();
        assert_eq!(
            keys.verify(&token, "http://idp/oauth2", "qufabric-dashboard")
                .unwrap()
                .sub,
            "u1"
        );
        assert_eq!(
            keys.verify(&token, "http://other/oauth2", "qufabric-dashboard"),
            Err(TokenRejection::Invalid)
        );
        assert_eq!(
            keys.verify(&token, "http://idp/oauth2", "someone-else"),
            Err(TokenRejection::Invalid)
        );
        // The same key comes back from the store.
        let again = Keys::load_or_create(&store).unwrap();
        assert!(again
            .verify(&token, "http://idp/oauth2", "qufabric-dashboard")
            .is_ok());
        assert_eq!(again.jwks(), keys.jwks());
        let expired = keys.sign(&claims(crate::store::now_unix() - 60)).unwrap();
        assert_eq!(
            keys.verify(&expired, "http://idp/oauth2", "qufabric-dashboard"),
            Err(TokenRejection::Expired)
        );
    }

    #[test]
    fn a_token_from_another_key_is_refused() {
        let ours = Keys::load_or_create(&Store::in_memory().unwrap()).unwrap();
        let theirs = Keys::load_or_create(&Store::in_memory().unwrap()).unwrap();
        let token = theirs.sign(&claims(crate::store::now_unix() + 60)).unwrap();
        assert_eq!(
            ours.verify(&token, "http://idp/oauth2", "qufabric-dashboard"),
            Err(TokenRejection::Invalid)
        );
        assert_eq!(
            ours.verify("garbage", "i", "a"),
            Err(TokenRejection::Invalid)
        );
    }
}
