//! Pure pieces of the OpenID Connect round trip, shared by the dashboard (which runs them in
//! the browser) and the reference server (which checks them): PKCE S256, random strings,
//! the authorization URL, the same-origin return path and reading a JWT's claims.
//!
//! SHA-256 is done in Rust because `crypto.subtle` does not exist on plain-http origins.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The dashboard's client id at the embedded IdP.
pub const DASHBOARD_CLIENT_ID: &str = "qufabric-dashboard";
/// Scopes the dashboard asks the embedded IdP for.
pub const DASHBOARD_SCOPES: &str = "openid profile email groups offline_access";
/// `connector_id` value that selects the email (local) login page.
pub const LOCAL_CONNECTOR: &str = "local";

/// base64url without padding, as PKCE and JWTs use it.
pub fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decode base64url with or without padding; `None` on anything malformed.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

/// A random token from 32 random bytes (256 bits): used for `state`, `nonce` and the PKCE
/// verifier (43 characters, inside RFC 7636's 43..=128).
pub fn random_token(bytes: &[u8; 32]) -> String {
    base64url(bytes)
}

/// `BASE64URL(SHA256(verifier))`, RFC 7636 section 4.2.
pub fn pkce_challenge(verifier: &str) -> String {
    base64url(&Sha256::digest(verifier.as_bytes()))
}

/// Whether `verifier` is well formed (RFC 7636: 43..=128 unreserved characters) and
/// matches `challenge` under S256.
pub fn pkce_verify(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    well_formed && constant_time_eq(pkce_challenge(verifier).as_bytes(), challenge.as_bytes())
}

/// Comparison whose time does not depend on where the inputs differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Everything that goes into an authorization request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeRequest<'a> {
    pub authorization_endpoint: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scope: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub code_challenge: &'a str,
    /// `local`, a provider id, or none (the IdP shows its own choice).
    pub connector_id: Option<&'a str>,
    /// The email to fill in at the IdP's email page (and passed on to a provider).
    pub login_hint: Option<&'a str>,
    /// OIDC's `prompt` (`login`: sign in again, not from a session), passed on too.
    pub prompt: Option<&'a str>,
}

/// The URL the browser is sent to for an authorization code with PKCE S256.
pub fn authorize_url(request: &AuthorizeRequest<'_>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("client_id", request.client_id)
        .append_pair("redirect_uri", request.redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("scope", request.scope)
        .append_pair("state", request.state)
        .append_pair("nonce", request.nonce)
        .append_pair("code_challenge", request.code_challenge)
        .append_pair("code_challenge_method", "S256");
    if let Some(connector) = request.connector_id {
        query.append_pair("connector_id", connector);
    }
    if let Some(hint) = request.login_hint {
        query.append_pair("login_hint", hint);
    }
    if let Some(prompt) = request.prompt {
        query.append_pair("prompt", prompt);
    }
    let separator = if request.authorization_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    format!(
        "{}{}{}",
        request.authorization_endpoint,
        separator,
        query.finish()
    )
}

/// `application/x-www-form-urlencoded` body from pairs.
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    let mut body = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        body.append_pair(key, value);
    }
    body.finish()
}

/// Parse a query string (with or without the leading `?`) into pairs.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The first value of `key` in a query string.
pub fn query_value(query: &str, key: &str) -> Option<String> {
    parse_query(query)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Where to go after sign-in. Only a path on this origin is accepted: anything that could
/// leave it (a scheme, `//host`, a backslash that browsers read as a slash, control
/// characters) falls back to `/`.
pub fn safe_return_path(candidate: &str) -> String {
    let ok = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(|c| c.is_control())
        && !candidate.starts_with("/auth/callback");
    if ok {
        candidate.to_string()
    } else {
        "/".to_string()
    }
}

/// The claims the dashboard reads from the embedded IdP's ID and access tokens.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TokenClaims {
    #[serde(default)]
    pub iss: String,
    #[serde(default)]
    pub sub: String,
    #[serde(default)]
    pub aud: Audience,
    #[serde(default)]
    pub exp: i64,
    #[serde(default)]
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Upstream groups passed through by the embedded IdP.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// The connector the user signed in with (`local` or a provider id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
    /// The sign-in session the tokens belong to (the same across refreshes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// `aud` is a string or an array of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

/// Decoded by looking at what comes, not with `#[serde(untagged)]` (which buffers the
/// value and tries each variant in turn, generic code the wasm bundle would carry).
impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Audience, D::Error> {
        struct AudienceVisitor;
        impl<'de> serde::de::Visitor<'de> for AudienceVisitor {
            type Value = Audience;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Audience, E> {
                Ok(Audience::One(value.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Audience, A::Error> {
                let mut all = Vec::new();
                while let Some(one) = seq.next_element::<String>()? {
                    all.push(one);
                }
                Ok(Audience::Many(all))
            }
        }
        deserializer.deserialize_any(AudienceVisitor)
    }
}

impl Default for Audience {
    fn default() -> Self {
        Audience::Many(Vec::new())
    }
}

impl Audience {
    pub fn contains(&self, value: &str) -> bool {
        match self {
            Audience::One(one) => one == value,
            Audience::Many(many) => many.iter().any(|a| a == value),
        }
    }
}

/// Whether tokens with claims `offered`, announced by another tab, belong to the same
/// sign-in session as `ours` (same issuer, user and `sid`), so this tab may adopt them. No
/// `sid` on either side means no sharing: a tab never takes another session's tokens.
pub fn same_session(ours: &TokenClaims, offered: &TokenClaims) -> bool {
    ours.sid.is_some()
        && ours.sid == offered.sid
        && ours.iss == offered.iss
        && ours.sub == offered.sub
}

/// Read the payload of a compact JWT without checking its signature. The dashboard gets
/// its tokens straight from the token endpoint over the same origin, so it checks the
/// claims (`nonce`, `aud`, `exp`) but leaves signatures to the server.
pub fn jwt_claims(token: &str) -> Option<TokenClaims> {
    let mut parts = token.split('.');
    let (_header, payload) = (parts.next()?, parts.next()?);
    parts.next()?;
    let bytes = base64url_decode(payload)?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_share_tokens_only_within_one_session() {
        let ours = TokenClaims {
            iss: "https://qf.example/oauth2".into(),
            sub: "u1".into(),
            sid: Some("s1".into()),
            ..TokenClaims::default()
        };
        assert!(same_session(&ours, &ours.clone()));
        let other_session = TokenClaims {
            sid: Some("s2".into()),
            ..ours.clone()
        };
        assert!(!same_session(&ours, &other_session));
        let other_user = TokenClaims {
            sub: "u2".into(),
            ..ours.clone()
        };
        assert!(!same_session(&ours, &other_user));
        let other_issuer = TokenClaims {
            iss: "https://elsewhere/oauth2".into(),
            ..ours.clone()
        };
        assert!(!same_session(&ours, &other_issuer));
        let no_sid = TokenClaims {
            sid: None,
            ..ours.clone()
        };
        assert!(!same_session(&no_sid, &no_sid.clone()));
    }

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            pkce_challenge(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(pkce_verify(
            verifier,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!pkce_verify(
            verifier,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"
        ));
        // Too short to be a verifier, even when the hash would match.
        assert!(!pkce_verify("abc", &pkce_challenge("abc")));
        // Characters outside the unreserved set.
        let bad = "a".repeat(42) + "+";
        assert!(!pkce_verify(&bad, &pkce_challenge(&bad)));
    }

    #[test]
    fn random_token_is_a_valid_verifier() {
        let token = random_token(&[7u8; 32]);
        assert_eq!(token.len(), 43);
        assert!(pkce_verify(&token, &pkce_challenge(&token)));
    }

    #[test]
    fn authorize_url_encodes_every_parameter() {
        let url = authorize_url(&AuthorizeRequest {
            authorization_endpoint: "http://127.0.0.1:8080/oauth2/auth",
            client_id: DASHBOARD_CLIENT_ID,
            redirect_uri: "http://127.0.0.1:8080/auth/callback",
            scope: "openid profile",
            state: "s&x=1",
            nonce: "n",
            code_challenge: "c",
            connector_id: Some("local"),
            login_hint: Some("ivy+new@example.com"),
            prompt: Some("login"),
        });
        assert!(url.starts_with("http://127.0.0.1:8080/oauth2/auth?client_id=qufabric-dashboard&"));
        assert!(url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fauth%2Fcallback"));
        assert!(url.contains("scope=openid+profile"));
        assert!(url.contains("state=s%26x%3D1"));
        assert!(url.contains("code_challenge_method=S256"));
        assert!(url.ends_with("connector_id=local&login_hint=ivy%2Bnew%40example.com&prompt=login"));
        assert_eq!(
            query_value(&url[url.find('?').unwrap()..], "state").as_deref(),
            Some("s&x=1")
        );
    }

    #[test]
    fn authorize_url_appends_to_an_existing_query() {
        let url = authorize_url(&AuthorizeRequest {
            authorization_endpoint: "https://idp/auth?tenant=a",
            client_id: "c",
            redirect_uri: "r",
            scope: "openid",
            state: "s",
            nonce: "n",
            code_challenge: "x",
            connector_id: None,
            login_hint: None,
            prompt: None,
        });
        assert!(!url.contains("prompt"));
        assert!(url.starts_with("https://idp/auth?tenant=a&client_id=c"));
        assert!(!url.contains("connector_id"));
    }

    #[test]
    fn return_path_stays_on_the_origin() {
        assert_eq!(safe_return_path("/settings/groups"), "/settings/groups");
        assert_eq!(
            safe_return_path("/settings/identity-providers?q=a"),
            "/settings/identity-providers?q=a"
        );
        for hostile in [
            "https://evil.example",
            "//evil.example/x",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "settings",
            "/\nfoo",
            "/auth/callback?code=1",
        ] {
            assert_eq!(safe_return_path(hostile), "/", "{hostile:?}");
        }
    }

    #[test]
    fn jwt_claims_reads_the_payload_and_survives_garbage() {
        let payload = base64url(
            br#"{"sub":"u1","aud":"qufabric-dashboard","exp":5,"nonce":"n1","groups":["a"]}"#,
        );
        let token = format!("e30.{payload}.sig");
        let claims = jwt_claims(&token).unwrap();
        assert_eq!(claims.sub, "u1");
        assert!(claims.aud.contains("qufabric-dashboard"));
        assert_eq!(claims.nonce.as_deref(), Some("n1"));
        assert_eq!(claims.groups, vec!["a".to_string()]);
        let many = base64url(br#"{"sub":"u1","aud":["other","qufabric-dashboard"],"exp":5}"#);
        let claims = jwt_claims(&format!("e30.{many}.sig")).unwrap();
        assert!(claims.aud.contains("qufabric-dashboard") && !claims.aud.contains("x"));
        let mistyped = base64url(br#"{"sub":"u1","aud":7,"exp":5}"#);
        assert!(jwt_claims(&format!("e30.{mistyped}.sig")).is_none());
        for garbage in ["", "a", "a.b", "a.%%%.c", "a.e30", "a.bnVsbA.c"] {
            let _ = jwt_claims(garbage);
        }
        assert!(jwt_claims("a.%%%.c").is_none());
        assert!(jwt_claims("a.bnVsbA.c").is_none());
    }

    #[test]
    fn form_body_and_query_round_trip() {
        let body = form_body(&[("grant_type", "authorization_code"), ("code", "a b+c")]);
        assert_eq!(body, "grant_type=authorization_code&code=a+b%2Bc");
        assert_eq!(query_value(&body, "code").as_deref(), Some("a b+c"));
        assert_eq!(query_value("?x=1", "x").as_deref(), Some("1"));
        assert_eq!(query_value("", "x"), None);
    }
}
