//! The API's error answer: `{"message": "...", "code": <status>}`, messages lowercase as the
//! real server sends them.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use qufabric_model::ErrorBody;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    /// Messages are written lowercase, as the real server sends them (acronyms such as
    /// `JSON` and `ID` keep their case, as there).
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub fn bad_json() -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "couldn't parse JSON request")
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "no valid authentication provided")
    }

    pub fn token_invalid() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "token invalid")
    }

    pub fn token_expired() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "token expired")
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "permission denied")
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, format!("{what} not found"))
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// A store failure: logged here, answered without details.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!("internal error: {detail}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal server error")
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        ApiError::internal(error.0)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            message: self.message,
            code: self.status.as_u16(),
        };
        (self.status, Json(body)).into_response()
    }
}

/// Parse a JSON body ourselves so that every malformed body gets the API's 400 answer
/// rather than axum's plain-text rejection. The body must be declared
/// `application/json`: a cross-site HTML form can post `text/plain` without a CORS
/// preflight, and its body may well parse as JSON.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Result<T, ApiError> {
    let is_json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content type must be application/json",
        ));
    }
    serde_json::from_slice(body).map_err(|_| ApiError::bad_json())
}
