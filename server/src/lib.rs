//! The reference QuFabric management server: the management API of product.md on SQLite,
//! and the embedded OpenID Connect IdP at `/oauth2` that signs the dashboard in.
//!
//! `main.rs` parses flags and calls [`serve`]; tests build the same [`router`] around an
//! in-memory or temporary store.

pub mod access;
pub mod api;
pub mod assets;
pub mod config;
pub mod discovery;
pub mod error;
pub mod faults;
pub mod forwarded;
pub mod groups;
pub mod idp;
pub mod keys;
pub mod outbound;
pub mod routes;
pub mod secrets;
pub mod settings;
pub mod store;
pub mod web;

use axum::Router;
use std::sync::Arc;

pub use config::{public_url_warnings, Config};
pub use error::ApiError;
use keys::Keys;
pub use secrets::{hash_secret, random_id, random_secret};
use store::Store;

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
