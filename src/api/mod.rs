//! The management API client: one request function that adds the token, enforces the time
//! limit, renews an expired session once, and maps every failure to [`ApiError`]; then one
//! typed function per endpoint. Pages never build URLs.

mod error;

pub use error::{capitalise, ApiError};

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::Cell;
use std::rc::Rc;

use crate::auth::Session;
use crate::config::Config;
use qufabric_model::checks::{IssuerCheckRequest, IssuerCheckResult};
use qufabric_model::*;

/// What pages hold to talk to the server. `Copy`: config lives in the reactive arena.
#[derive(Clone, Copy)]
pub struct Api {
    config: StoredValue<Config>,
    session: Session,
    /// Set in an embedded element: the host page authorises the requests.
    #[cfg(feature = "embed")]
    host: Option<crate::host::HostLink>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Api {
    pub fn new(config: Config, session: Session) -> Api {
        Api {
            config: StoredValue::new(config),
            session,
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
            crate::host::emit(host, event, &detail());
        }
        #[cfg(not(feature = "embed"))]
        let _ = (event, detail);
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

    // ----- endpoints -----

    /// The public instance status. The page names its own origin: the server answers
    /// whether that origin may sign in (behind `trunk serve`'s proxy the server cannot
    /// see the page's address itself).
    pub async fn instance(&self) -> Result<InstanceStatus, ApiError> {
        let origin = self.config.with_value(|c| c.page_origin.clone());
        let path = format!(
            "/api/instance?{}",
            qufabric_model::oidc::form_body(&[("origin", &origin)])
        );
        self.call(Method::Get, &path, None).await
    }

    pub async fn setup(&self, request: &SetupRequest) -> Result<SetupResponse, ApiError> {
        self.call(Method::Post, "/api/setup", Some(json(request)?))
            .await
    }

    pub async fn current_user(&self) -> Result<User, ApiError> {
        self.call(Method::Get, "/api/users/current", None).await
    }

    pub async fn users(&self) -> Result<Vec<User>, ApiError> {
        self.call(Method::Get, "/api/users", None).await
    }

    pub async fn update_user(&self, id: &str, request: &UserRequest) -> Result<User, ApiError> {
        let path = format!("/api/users/{}", encode_segment(id));
        self.call(Method::Put, &path, Some(json(request)?)).await
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, ApiError> {
        self.call(Method::Get, "/api/accounts", None).await
    }

    pub async fn update_account(
        &self,
        id: &str,
        request: &AccountRequest,
    ) -> Result<Account, ApiError> {
        let path = format!("/api/accounts/{}", encode_segment(id));
        self.call(Method::Put, &path, Some(json(request)?)).await
    }

    pub async fn groups(&self) -> Result<Vec<Group>, ApiError> {
        self.call(Method::Get, "/api/groups", None).await
    }

    pub async fn providers(&self) -> Result<Vec<IdentityProvider>, ApiError> {
        self.call(Method::Get, "/api/identity-providers", None)
            .await
    }

    pub async fn provider(&self, id: &str) -> Result<IdentityProvider, ApiError> {
        let path = format!("/api/identity-providers/{}", encode_segment(id));
        self.call(Method::Get, &path, None).await
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
            .call::<serde_json::Value>(Method::Delete, &path, None)
            .await
        {
            Ok(_) | Err(ApiError::NotFound(_)) => Ok(()),
            Err(error) => Err(error),
        }
    }

    pub async fn check_issuer(
        &self,
        request: &IssuerCheckRequest,
    ) -> Result<IssuerCheckResult, ApiError> {
        self.call(
            Method::Post,
            "/api/identity-providers/check-issuer",
            Some(json(request)?),
        )
        .await
    }

    // ----- the one request function -----

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        let Some(config) = self.config.try_get_value() else {
            return Err(ApiError::Network("the page was closed".into()));
        };
        #[cfg(feature = "embed")]
        if let Some(host) = self.host {
            return call_for_host(host, &config, method, path, body).await;
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
        let text = match first {
            Err(ApiError::Unauthorized(message)) if self.session.tokens().is_some() => {
                // The access token may just have expired: renew once and repeat.
                if self.session.refresh(&config).await.is_err() {
                    return Err(ApiError::Unauthorized(message));
                }
                send(
                    &url,
                    method,
                    self.session.authorization(),
                    body,
                    config.request_timeout_ms,
                    None,
                )
                .await?
            }
            other => other?,
        };
        decode(&text)
    }
}

#[cfg(feature = "embed")]
/// A request of an embedded element: the host's authorization, asked again once after a
/// 401. Once the element is removed nothing after an await runs (the future stays pending
/// and is dropped with its task), so no disposed signal is ever touched.
async fn call_for_host<T: DeserializeOwned>(
    host: crate::host::HostLink,
    config: &Config,
    method: Method,
    path: &str,
    body: Option<String>,
) -> Result<T, ApiError> {
    use crate::host;
    let url = config.api_url(path);
    let mut last = ApiError::Unauthorized("not authorised".into());
    for _attempt in 0..2 {
        let header = host::authorization(host).await;
        if host::is_closed(host) {
            return std::future::pending().await;
        }
        let header = match header {
            Ok(header) => header,
            Err(why) => {
                host::require_session(host, &why);
                return Err(ApiError::Unauthorized(why));
            }
        };
        let answer = send(
            &url,
            method,
            Some(header),
            body.clone(),
            config.request_timeout_ms,
            host::abort_signal(host),
        )
        .await;
        if host::is_closed(host) {
            return std::future::pending().await;
        }
        match answer {
            Err(ApiError::Unauthorized(message)) => last = ApiError::Unauthorized(message),
            other => {
                host::authorised(host);
                return decode(&other?);
            }
        }
    }
    host::require_session(host, "the server refused the host's authorization");
    Err(last)
}

fn json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::Malformed(e.to_string()))
}

/// Decode a 2xx body. An empty body reads as `null`, so `()` and `Option` work for answers
/// without content.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let text = if text.trim().is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|e| ApiError::Malformed(e.to_string()))
}

/// Percent-encode one path segment (ids come from the server but are still outside data).
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One HTTP exchange with a time limit. Returns the body of a 2xx answer.
async fn send(
    url: &str,
    method: Method,
    authorization: Option<String>,
    body: Option<String>,
    timeout_ms: u32,
    scope: Option<web_sys::AbortSignal>,
) -> Result<String, ApiError> {
    use gloo_net::http::RequestBuilder;
    let controller = web_sys::AbortController::new().ok();
    let own = controller.as_ref().map(|c| c.signal());
    // The request ends at its time limit, or when the element that made it is removed.
    #[cfg(feature = "embed")]
    let signal = match (own, scope) {
        (Some(own), Some(scope)) => Some(crate::host::either_signal(&own, &scope)),
        (own, _) => own,
    };
    #[cfg(not(feature = "embed"))]
    let signal = {
        let _ = scope;
        own
    };
    let method = match method {
        Method::Get => gloo_net::http::Method::GET,
        Method::Post => gloo_net::http::Method::POST,
        Method::Put => gloo_net::http::Method::PUT,
        Method::Delete => gloo_net::http::Method::DELETE,
    };
    let mut builder = RequestBuilder::new(url)
        .method(method)
        .header("Accept", "application/json")
        .abort_signal(signal.as_ref());
    if let Some(authorization) = authorization {
        builder = builder.header("Authorization", &authorization);
    }
    let request = match body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body),
        None => builder.build(),
    }
    .map_err(|e| ApiError::Network(e.to_string()))?;

    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let timed_out = timed_out.clone();
        gloo_timers::callback::Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            if let Some(controller) = controller {
                controller.abort();
            }
        })
    };
    let failed = |e: gloo_net::Error| {
        if timed_out.get() {
            ApiError::Timeout
        } else {
            ApiError::Network(e.to_string())
        }
    };
    let response = request.send().await.map_err(failed)?;
    let status = response.status();
    let text = response.text().await.map_err(failed)?;
    drop(timer);
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(ApiError::from_response(status, &text))
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
