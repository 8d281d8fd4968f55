//! How the server was started (its flags), and what is wrong with the public URL it was
//! given.

use std::path::PathBuf;

/// How the server was started.
#[derive(Debug, Clone)]
pub struct Config {
    /// The management server's public URL, without a trailing slash, e.g.
    /// `https://qufabric.example.com`. Redirect URLs and the IdP issuer are built from it.
    pub public_url: String,
    /// The built dashboard (`dist/`), served from the same origin.
    pub dist: Option<PathBuf>,
    pub local_auth_disabled: bool,
    /// `QUFABRIC_SETUP_PAT_ENABLED`: `POST /api/setup` may return a personal access token.
    pub setup_pat_enabled: bool,
    /// The test-only fault switch (`/__test__/faults`).
    pub faults_enabled: bool,
    pub access_token_ttl_secs: i64,
    pub refresh_token_ttl_secs: i64,
    pub session_ttl_secs: i64,
    /// `--dev`: the dashboard may also sign in from plain-http loopback on any port while
    /// the public URL is not loopback (`trunk serve`, tests).
    pub dev: bool,
    /// `--trusted-proxy`: peers whose `X-Forwarded-*` headers are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How many password hashes may run at once (each costs 19 MiB and a core for a
    /// while); beyond that a sign-in is answered 429 with `Retry-After`.
    pub password_hash_concurrency: usize,
    /// `--deny-private-issuers`: the provider client refuses loopback and private
    /// addresses too (link-local and metadata addresses are always refused).
    pub deny_private_issuers: bool,
}

impl Config {
    pub fn new(public_url: &str) -> Config {
        Config {
            public_url: public_url.trim_end_matches('/').to_string(),
            dist: None,
            local_auth_disabled: false,
            setup_pat_enabled: false,
            faults_enabled: false,
            access_token_ttl_secs: 3600,
            // Idle lifetime of a refresh token; the sign-in session (session_ttl_secs) is
            // the absolute bound of every refresh chain.
            refresh_token_ttl_secs: 12 * 3600,
            session_ttl_secs: 24 * 3600,
            dev: false,
            trusted_proxies: Vec::new(),
            password_hash_concurrency: std::thread::available_parallelism()
                .map(|n| n.get().saturating_sub(1).max(1))
                .unwrap_or(1),
            deny_private_issuers: false,
        }
    }

    /// The embedded IdP's issuer.
    pub fn issuer(&self) -> String {
        format!("{}/oauth2", self.public_url)
    }

    /// The Redirect URL administrators paste into their providers.
    pub fn redirect_url(&self) -> String {
        format!("{}/oauth2/callback", self.public_url)
    }

    pub fn logout_url(&self) -> String {
        format!("{}/oauth2/logout/callback", self.public_url)
    }

    /// Whether a dashboard page on `origin` may sign in here (the one rule of
    /// `qufabric_model::origins`).
    pub fn origin_may_sign_in(&self, origin: &str) -> bool {
        qufabric_model::origins::origin_may_sign_in(&self.public_url, self.dev, origin)
    }

    /// Whether `uri` is an acceptable dashboard redirect or post-logout URI with `path`.
    pub fn dashboard_uri_allowed(&self, uri: &str, path: &str) -> bool {
        qufabric_model::origins::dashboard_uri_allowed(&self.public_url, self.dev, uri, path)
    }
}

/// What is wrong with how the public URL was (not) given, said at start: providers send
/// users to the Redirect URL built from it, so a wrong one fails every external sign-in
/// with the provider's "Invalid redirect URI" or a redirect to an address nobody reaches.
pub fn public_url_warnings(listen: std::net::SocketAddr, public_url: Option<&str>) -> Vec<String> {
    let mut warnings = Vec::new();
    if public_url.is_none() && !listen.ip().is_loopback() {
        warnings.push(format!(
            "--public-url is not set, so the Redirect URL providers must use is http://{listen}/oauth2/callback; \
             browsers and providers cannot reach that address. Start with --public-url https://<the address users open>"
        ));
    }
    let effective = public_url
        .map(str::to_string)
        .unwrap_or_else(|| format!("http://{listen}"));
    let host_unspecified = url::Url::parse(&effective)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .is_some_and(|host| host == "0.0.0.0" || host == "[::]");
    if host_unspecified {
        warnings.push(format!(
            "the public URL {effective} names 0.0.0.0, an address no browser or provider can be sent to. \
             Start with --public-url https://<the address users open>"
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_unspecified_public_url_is_warned_about() {
        let any: std::net::SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let local: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let lan: std::net::SocketAddr = "192.168.1.5:8080".parse().unwrap();
        assert!(public_url_warnings(local, None).is_empty());
        assert_eq!(public_url_warnings(any, None).len(), 2);
        assert_eq!(public_url_warnings(lan, None).len(), 1);
        assert!(public_url_warnings(lan, Some("https://q.example.com")).is_empty());
        assert_eq!(
            public_url_warnings(local, Some("http://0.0.0.0:8080")).len(),
            1
        );
    }
}
