//! The management API client: one request function that adds the token, enforces the time
//! limit, renews an expired session once, and maps every failure to [`ApiError`]; then one
//! typed function per endpoint. Pages never build URLs.

mod cache;
mod error;
#[cfg(feature = "embed")]
mod host;
mod loads;
mod transport;
mod users;

#[cfg(feature = "embed")]
pub use cache::element_closed;
pub use cache::forget_all as forget_kept_answers;
pub use error::{capitalise, ApiError};
pub use loads::Load;
pub use transport::{decode, encode_segment};
use transport::{json, send, Method};

use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::auth::Session;
use crate::config::Config;
use qufabric_model::answers::{endpoints, CHECK_ISSUER};
use qufabric_model::checks::{IssuerCheckRequest, IssuerCheckResult};
use qufabric_model::test_sign_in::{TestSignInReport, TestSignInStart};
use qufabric_model::*;

/// What pages hold to talk to the server. `Copy`: config lives in the reactive arena.
#[derive(Clone, Copy)]
pub struct Api {
    config: StoredValue<Config>,
    session: Session,
    /// Who waits for this client's requests, for joining one in flight (see `cache`).
    asker: u32,
    /// Set in an embedded element: the host page authorises the requests.
    #[cfg(feature = "embed")]
    host: Option<crate::host::HostLink>,
}

impl Api {
    pub fn new(config: Config, session: Session) -> Api {
        Api {
            config: StoredValue::new(config),
            session,
            asker: cache::standalone_asker(),
            #[cfg(feature = "embed")]
            host: None,
        }
    }

    /// The client of an embedded element: no session of its own, the host's
    /// `getAuthorization` on every request.
    #[cfg(feature = "embed")]
    pub fn for_host(config: Config, host: crate::host::HostLink) -> Api {
        Api {
            config: StoredValue::new(config),
            session: Session::with_tokens(None),
            asker: host.id(),
            host: Some(host),
        }
    }

    /// Tell the host page (an element's host) that something happened; nothing in the
    /// standalone app.
    /// `detail` is built only when there is a host to tell (the standalone bundle carries
    /// none of it).
    pub fn emit(&self, event: &str, detail: impl FnOnce() -> serde_json::Value) {
        #[cfg(feature = "embed")]
        if let Some(host) = self.host {
            crate::host::emit(host, event, &detail(), false);
        }
        #[cfg(not(feature = "embed"))]
        let _ = (event, detail);
    }

    /// Offer the host page a move of its own (`qufabric:navigate`, cancelable): `true`
    /// when the host took it over (called `preventDefault`), so the element's link must
    /// not be followed. Always `false` in the standalone app.
    pub fn offer_navigation(&self, detail: impl FnOnce() -> serde_json::Value) -> bool {
        #[cfg(feature = "embed")]
        if let Some(host) = self.host {
            return crate::host::emit(host, "qufabric:navigate", &detail(), true);
        }
        #[cfg(not(feature = "embed"))]
        let _ = detail;
        false
    }

    /// Whether the signed-in state just ended (a draft then stays for the next sign-in,
    /// or for the host's next authorization). Reads nothing from the reactive arena, so it
    /// is safe while a page is being disposed.
    pub fn authorization_lost(&self) -> bool {
        #[cfg(feature = "embed")]
        if let Some(host) = self.host {
            return crate::host::session_required(host);
        }
        self.session.tokens_untracked_if_alive().is_none()
    }

    pub fn config(&self) -> Config {
        self.config.get_value()
    }

    pub fn session(&self) -> Session {
        self.session
    }

    // ----- endpoints (the GETs pages show are loads: `loads.rs`) -----

    pub async fn setup(&self, request: &SetupRequest) -> Result<SetupResponse, ApiError> {
        self.call(Method::Post, "/api/setup", Some(json(request)?))
            .await
    }

    /// The account as it is now, read just before a settings save: every page PUTs the
    /// whole settings object, so a save built on an older read would undo another page's.
    pub async fn account_now(&self) -> Result<Account, ApiError> {
        let accounts: Vec<Account> = self.call(Method::Get, endpoints::ACCOUNTS, None).await?;
        accounts
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::NotFound("no account".into()))
    }

    pub async fn update_account(
        &self,
        id: &str,
        request: &AccountRequest,
    ) -> Result<Account, ApiError> {
        let path = format!("/api/accounts/{}", encode_segment(id));
        self.call(Method::Put, &path, Some(json(request)?)).await
    }

    /// The providers as they are now (after a save whose answer was lost), not a load.
    pub async fn providers(&self) -> Result<Vec<IdentityProvider>, ApiError> {
        self.call(Method::Get, endpoints::PROVIDERS, None).await
    }

    pub async fn create_provider(
        &self,
        request: &IdentityProviderRequest,
    ) -> Result<IdentityProvider, ApiError> {
        self.call(
            Method::Post,
            "/api/identity-providers",
            Some(json(request)?),
        )
        .await
    }

    pub async fn update_provider(
        &self,
        id: &str,
        request: &IdentityProviderRequest,
    ) -> Result<IdentityProvider, ApiError> {
        let path = format!("/api/identity-providers/{}", encode_segment(id));
        self.call(Method::Put, &path, Some(json(request)?)).await
    }

    /// Delete; a 404 means it is already gone, which is what was asked.
    pub async fn delete_provider(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/identity-providers/{}", encode_segment(id));
        match self
            .call::<serde::de::IgnoredAny>(Method::Delete, &path, None)
            .await
        {
            Ok(_) | Err(ApiError::NotFound(_)) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Start a test sign-in of a provider: its one-time id.
    pub async fn start_test_sign_in(&self, provider_id: &str) -> Result<TestSignInStart, ApiError> {
        let path = format!(
            "/api/identity-providers/{}/test-sign-in",
            encode_segment(provider_id)
        );
        self.call(Method::Post, &path, None).await
    }

    pub async fn test_sign_in_report(&self, id: &str) -> Result<TestSignInReport, ApiError> {
        let path = format!("/api/test-sign-ins/{}", encode_segment(id));
        self.call(Method::Get, &path, None).await
    }

    pub async fn check_issuer(
        &self,
        request: &IssuerCheckRequest,
    ) -> Result<IssuerCheckResult, ApiError> {
        self.call(Method::Post, CHECK_ISSUER, Some(json(request)?))
            .await
    }

    // ----- the one request function -----

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        decode(&self.call_for_text(method, path, body).await?)
    }

    /// Everything but the decoding, not generic: one copy of the exchange and its renewal
    /// in the bundle, not one per answer type.
    async fn call_for_text(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<String, ApiError> {
        // Taken first: an ended session has no person to name afterwards.
        let scope = self.cache_scope();
        let answer = self.exchange(method, path, body).await;
        match &answer {
            Ok(_) if method != Method::Get => cache::written(self.asker(), scope, path),
            Err(ApiError::Unauthorized(_)) => cache::lost(self.asker(), scope),
            _ => {}
        }
        answer
    }

    async fn exchange(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<String, ApiError> {
        let Some(config) = self.config.try_get_value() else {
            return Err(ApiError::Network("the page was closed".into()));
        };
        #[cfg(feature = "embed")]
        if let Some(host) = self.host {
            return host::call_for_host(host, &config, method, path, body).await;
        }
        let url = config.api_url(path);
        let first = send(
            &url,
            method,
            self.session.authorization(),
            body.clone(),
            config.request_timeout_ms,
            None,
        )
        .await;
        #[cfg(all(feature = "settings-pages", not(feature = "embed")))]
        return self
            .renew_and_repeat(first, &config, &url, method, body)
            .await;
        // The login bundle sends no token, and carries no renewal; nor do the elements,
        // whose host authorises every request. (A `cfg!` in a match guard is not enough:
        // the awaited renewal stays in the async state machine, 17 KB.)
        #[cfg(any(not(feature = "settings-pages"), feature = "embed"))]
        first
    }

    /// The access token may just have expired: renew once and repeat.
    #[cfg(all(feature = "settings-pages", not(feature = "embed")))]
    async fn renew_and_repeat(
        &self,
        first: Result<String, ApiError>,
        config: &Config,
        url: &str,
        method: Method,
        body: Option<String>,
    ) -> Result<String, ApiError> {
        match first {
            Err(ApiError::Unauthorized(message)) if self.session.tokens().is_some() => {
                if self.session.refresh(config).await.is_err() {
                    return Err(ApiError::Unauthorized(message));
                }
                send(
                    url,
                    method,
                    self.session.authorization(),
                    body,
                    config.request_timeout_ms,
                    None,
                )
                .await
            }
            other => other,
        }
    }
}

pub fn provide_api(api: Api) {
    provide_context(api);
}

/// The API client from context, or one built from the page (never panics).
pub fn use_api() -> Api {
    use_context::<Api>()
        .unwrap_or_else(|| Api::new(Config::from_page(), crate::auth::use_session()))
}
