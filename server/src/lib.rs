//! The reference QuFabric management server: the management API of product.md on SQLite,
//! and the embedded OpenID Connect IdP at `/oauth2` that signs the dashboard in.
//!
//! `main.rs` parses flags and calls [`serve`]; tests build the same [`router`] around an
//! in-memory or temporary store.

pub mod access;
pub mod api;
pub mod assets;
pub mod discovery;
pub mod error;
pub mod faults;
pub mod forwarded;
pub mod groups;
pub mod idp;
pub mod keys;
pub mod outbound;
pub mod providers;
pub mod routes;
pub mod settings;
pub mod store;
pub mod web;

use axum::Router;
use rand::Rng;
use std::path::PathBuf;
use std::sync::Arc;

pub use error::ApiError;
use keys::Keys;
use store::Store;

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

/// Everything a handler needs.
pub struct AppState {
    pub config: Config,
    pub store: Store,
    pub keys: Keys,
    pub faults: faults::Faults,
    pub login_limiter: idp::LoginLimiter,
    /// Permits for password hashing (see [`Config::password_hash_concurrency`]).
    pub hash_permits: Arc<tokio::sync::Semaphore>,
    /// The one client that talks to identity providers (see [`outbound`]).
    pub http: reqwest::Client,
    pub csp: web::IndexPage,
    pub assets: assets::Assets,
}

pub type SharedState = Arc<AppState>;

impl AppState {
    pub fn new(config: Config, store: Store) -> Result<AppState, store::StoreError> {
        let keys = Keys::load_or_create(&store)?;
        // Make sure the one account exists from the first start on.
        store.account(&random_id(20), &settings::defaults())?;
        let csp = web::IndexPage::load(config.dist.as_deref());
        let assets = assets::Assets::load(config.dist.as_deref());
        let hash_permits = Arc::new(tokio::sync::Semaphore::new(
            config.password_hash_concurrency.max(1),
        ));
        let http = outbound::client(config.deny_private_issuers);
        Ok(AppState {
            http,
            config,
            store,
            keys,
            faults: faults::Faults::default(),
            login_limiter: idp::LoginLimiter::default(),
            hash_permits,
            csp,
            assets,
        })
    }
}

/// The whole application.
pub fn router(state: SharedState) -> Router {
    let mut app = Router::new()
        .merge(routes::api_router())
        .merge(idp::routes());
    if state.config.faults_enabled {
        app = app.merge(faults::routes());
    }
    app.fallback(web::static_or_index)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::security_headers,
        ))
        // Outermost, so every answer of the API (a 401, an injected fault) carries it.
        .layer(api_cors())
        .with_state(state)
}

/// CORS for a dashboard hosted on another origin (the embedded elements): the management
/// API answers any origin, with the `Authorization` header and without cookies. Not
/// `/api/setup` (claiming a fresh instance stays a same-origin act), not the IdP, not the
/// test fault switch.
fn api_cors() -> tower_http::cors::CorsLayer {
    use axum::http::{header, request::Parts, HeaderValue, Method};
    use tower_http::cors::{AllowOrigin, CorsLayer};
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(
            |_origin: &HeaderValue, request: &Parts| {
                let path = request.uri.path();
                path.starts_with("/api/") && path != "/api/setup"
            },
        ))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600))
}

/// Listen and serve until Ctrl-C or SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, state: SharedState) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// A random identifier of `len` lowercase letters and digits (from the OS's CSPRNG).
pub fn random_id(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rngs::OsRng;
    (0..len)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// 32 random bytes as base64url: for codes, session ids and refresh tokens.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill(&mut bytes);
    qufabric_model::oidc::base64url(&bytes)
}

/// Secrets we hand out are stored only as their SHA-256.
pub fn hash_secret(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    qufabric_model::oidc::base64url(&Sha256::digest(secret.as_bytes()))
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
