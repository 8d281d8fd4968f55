//! The test-only fault switch. Off unless the server starts with `--enable-test-faults`;
//! then `POST /__test__/faults` arms a rule that makes matching requests fail, either
//! before the handler runs or after it has committed (the answer is lost), so the
//! dashboard's fault handling is tested against the real server.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::Duration;

use crate::error::parse_json;
use crate::error::ApiError;
use crate::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// The handler never runs.
    Before,
    /// The handler runs and commits; its answer is replaced.
    After,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Fault {
    /// Answer with this status and an API error body.
    Status { status: u16 },
    /// Wait this long, then carry on normally (a long delay makes the client time out).
    Delay { ms: u64 },
    /// Answer 200 with a body that is not JSON.
    Malformed,
    /// Close the connection without a usable answer.
    Drop,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// `GET`, `POST`, …; any method when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// Exact path, or a prefix when it ends with `*`.
    pub path: String,
    pub phase: Phase,
    #[serde(flatten)]
    pub fault: Fault,
    /// How many matching requests fail before the rule disarms itself.
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

impl FaultRule {
    fn matches(&self, method: &str, path: &str) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method));
        let path_ok = match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => path == self.path,
        };
        method_ok && path_ok
    }
}

#[derive(Default)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
}

impl Faults {
    pub fn arm(&self, rule: FaultRule) {
        self.rules
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(rule);
    }

    pub fn clear(&self) {
        self.rules.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// The fault for this request, if a rule matches; the rule's count goes down.
    fn take(&self, method: &str, path: &str) -> Option<FaultRule> {
        let mut rules = self.rules.lock().unwrap_or_else(|p| p.into_inner());
        let index = rules.iter().position(|r| r.matches(method, path))?;
        let rule = rules[index].clone();
        if rules[index].times <= 1 {
            rules.remove(index);
        } else {
            rules[index].times -= 1;
        }
        Some(rule)
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/__test__/faults", post(arm).delete(clear))
}

async fn arm(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let rule: FaultRule = parse_json(&headers, &body)?;
    state.faults.arm(rule);
    Ok(StatusCode::NO_CONTENT)
}

async fn clear(State(state): State<AppState>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

/// The middleware: a no-op unless the switch is on and a rule matches.
pub async fn inject(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !state.services.config.faults_enabled || request.uri().path().starts_with("/__test__/") {
        return next.run(request).await;
    }
    let Some(rule) = state
        .faults
        .take(request.method().as_str(), request.uri().path())
    else {
        return next.run(request).await;
    };
    tracing::info!(
        "injecting fault {:?} {:?} on {}",
        rule.phase,
        rule.fault,
        request.uri().path()
    );
    match rule.phase {
        Phase::Before => match rule.fault {
            Fault::Delay { ms } => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                next.run(request).await
            }
            fault => failure(&fault),
        },
        Phase::After => {
            let response = next.run(request).await;
            match rule.fault {
                Fault::Delay { ms } => {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    response
                }
                fault => failure(&fault),
            }
        }
    }
}

fn failure(fault: &Fault) -> Response {
    match fault {
        Fault::Status { status } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            ApiError::new(status, "injected fault").into_response()
        }
        Fault::Malformed => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"id\": \"trunc",
        )
            .into_response(),
        Fault::Drop => {
            // The answer starts (status line, headers, a few bytes), then the connection is
            // cut. Starting it matters: a browser silently repeats a request whose
            // connection closed before any byte came back, which would hide the fault.
            use futures_util::StreamExt;
            let start = futures_util::stream::iter([Ok(Bytes::from_static(b"{\"message\": \""))]);
            // The pause lets the server flush what was written before the cut.
            let cut = futures_util::stream::once(async {
                tokio::time::sleep(Duration::from_millis(100)).await;
                Err::<Bytes, std::io::Error>(std::io::Error::other(
                    "connection dropped by fault switch",
                ))
            });
            let stream = start.chain(cut);
            let mut response = Response::new(Body::from_stream(stream));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("application/json"),
            );
            response.headers_mut().insert(
                header::CONTENT_LENGTH,
                header::HeaderValue::from_static("4096"),
            );
            response
        }
        Fault::Delay { .. } => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_and_disarm() {
        let faults = Faults::default();
        faults.arm(FaultRule {
            method: Some("POST".into()),
            path: "/api/identity-providers*".into(),
            phase: Phase::After,
            fault: Fault::Status { status: 500 },
            times: 2,
        });
        assert!(faults.take("GET", "/api/identity-providers").is_none());
        assert!(faults.take("post", "/api/identity-providers/x").is_some());
        assert!(faults.take("POST", "/api/identity-providers").is_some());
        assert!(faults.take("POST", "/api/identity-providers").is_none());
    }

    #[test]
    fn rules_parse_from_json() {
        let rule: FaultRule =
            serde_json::from_str(r#"{"path":"/api/x","phase":"before","kind":"delay","ms":20000}"#)
                .unwrap();
        assert_eq!(rule.fault, Fault::Delay { ms: 20000 });
        assert_eq!(rule.times, 1);
    }
}
