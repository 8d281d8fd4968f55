//! One HTTP exchange: the time limit, the abort signal, the status mapped to [`ApiError`];
//! and the body's encoding both ways.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::Cell;
use std::rc::Rc;

use super::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    Post,
    Put,
    Delete,
}

pub(super) fn json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::Malformed(e.to_string()))
}

/// Decode a 2xx body. An empty body reads as `null`, so `()` and `Option` work for answers
/// without content.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let text = if text.trim().is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|e| ApiError::Malformed(e.to_string()))
}

pub use qufabric_model::answers::endpoints::encode_segment;

/// One HTTP exchange with a time limit. Returns the body of a 2xx answer.
pub(super) async fn send(
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
