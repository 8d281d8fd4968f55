//! What the IdP and the API's handlers work with: the configuration, the store, the signing
//! keys, the one outbound client, the password-hashing permits and the login limiter.
//!
//! Handlers take `State<Services>`; the HTTP floor's router state (`crate::AppState`) hands
//! it out through `FromRef`, so nothing below the HTTP floor knows that state exists.

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;

use crate::config::Config;
use crate::forwarded::RequestSource;
use crate::keys::Keys;
use crate::limiter::LoginLimiter;
use crate::secrets::random_id;
use crate::store::{Store, StoreError};

pub struct ServiceSet {
    pub config: Config,
    pub store: Store,
    pub keys: Keys,
    pub login_limiter: LoginLimiter,
    /// Permits for password hashing (see [`Config::password_hash_concurrency`]).
    pub hash_permits: Arc<tokio::sync::Semaphore>,
    /// The one client that talks to identity providers (see `crate::outbound`).
    pub http: reqwest::Client,
}

/// A cheap handle on the [`ServiceSet`] (clones share it).
#[derive(Clone)]
pub struct Services(Arc<ServiceSet>);

impl Deref for Services {
    type Target = ServiceSet;
    fn deref(&self) -> &ServiceSet {
        &self.0
    }
}

impl Services {
    /// Loads or creates the signing keys and makes sure the one account exists.
    pub fn new(config: Config, store: Store) -> Result<Services, StoreError> {
        let keys = Keys::load_or_create(&store)?;
        store.account(&random_id(20), &crate::settings::Settings::default())?;
        let hash_permits = Arc::new(tokio::sync::Semaphore::new(
            config.password_hash_concurrency.max(1),
        ));
        let http = crate::outbound::client(config.deny_private_issuers);
        Ok(Services(Arc::new(ServiceSet {
            config,
            store,
            keys,
            login_limiter: LoginLimiter::default(),
            hash_permits,
            http,
        })))
    }
}

/// Where a request came from (scheme, origin, client address), as `crate::forwarded`
/// reads it with this server's trusted proxies.
impl<S> FromRequestParts<S> for RequestSource
where
    S: Send + Sync,
    Services: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let services = Services::from_ref(state);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(RequestSource::from_headers(
            &parts.headers,
            peer,
            &services.config.trusted_proxies,
            &services.config.public_url,
        ))
    }
}
