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
pub mod limiter;
pub mod outbound;
pub mod role_rules;
pub mod routes;
pub mod secrets;
pub mod services;
pub mod settings;
pub mod store;
pub mod web;

use axum::extract::FromRef;
use axum::Router;
use std::sync::Arc;

pub use config::{public_url_warnings, Config};
pub use error::ApiError;
pub use secrets::{hash_secret, random_id, random_secret};
pub use services::Services;
use store::Store;

/// The router's state: the [`Services`] every handler works with, and what only the HTTP
/// floor uses (the test fault switch, each build's HTML page with the CSP, the dashboard's files).
/// Clones share everything.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub faults: Arc<faults::Faults>,
    pub csp: Arc<web::IndexPage>,
    pub assets: Arc<assets::Assets>,
}

impl AppState {
    pub fn new(config: Config, store: Store) -> Result<AppState, store::StoreError> {
        let csp = Arc::new(web::IndexPage::load(config.dist.as_deref()));
        let assets = Arc::new(assets::Assets::load(config.dist.as_deref()));
        Ok(AppState {
            services: Services::new(config, store)?,
            faults: Arc::default(),
            csp,
            assets,
        })
    }
}

impl FromRef<AppState> for Services {
    fn from_ref(state: &AppState) -> Services {
        state.services.clone()
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let mut app = Router::new()
        .merge(routes::api_router())
        .merge(idp::routes());
    if state.services.config.faults_enabled {
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
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
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
