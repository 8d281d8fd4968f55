//! Requests of an embedded element: the host page authorises each one.

use super::transport::{send, Method};
use super::ApiError;
use crate::config::Config;

/// A request of an embedded element (the answer's text): the host's authorization, asked again once after a
/// 401. Once the element is removed nothing after an await runs (the future stays pending
/// and is dropped with its task), so no disposed signal is ever touched.
pub(super) async fn call_for_host(
    host: crate::host::HostLink,
    config: &Config,
    method: Method,
    path: &str,
    body: Option<String>,
) -> Result<String, ApiError> {
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
        let answer = match answer {
            Err(ApiError::Network(why)) => explain_blocked(host, config, why).await,
            other => other,
        };
        if host::is_closed(host) {
            return std::future::pending().await;
        }
        match answer {
            Err(ApiError::Unauthorized(message)) => last = ApiError::Unauthorized(message),
            other => {
                host::authorised(host);
                return other;
            }
        }
    }
    host::require_session(host, "the server refused the host's authorization");
    Err(last)
}

/// A request that failed without an answer: if the host page's policy blocked it (the
/// element's script heard the violation), say so. The violation event may come just
/// after the failure, so it is asked for on the next turn of the event loop.
async fn explain_blocked(
    host: crate::host::HostLink,
    config: &Config,
    why: String,
) -> Result<String, ApiError> {
    gloo_timers::future::TimeoutFuture::new(0).await;
    let origin = qufabric_model::origins::origin_of(&config.api_url("/"))
        .unwrap_or_else(|| config.management_origin.clone());
    match crate::host::policy_blocking(host, &origin) {
        Some(directive) => Err(ApiError::BlockedByPolicy(
            qufabric_model::embedding::policy_advice(&directive, &origin),
        )),
        None => Err(ApiError::Network(why)),
    }
}
