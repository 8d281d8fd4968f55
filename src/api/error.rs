//! The one error type of the API client. It is `Clone` so it can live in resources and
//! signals, and it knows how to say what happened in words a user understands.

use qufabric_model::ErrorBody;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No answer: offline, DNS, connection refused or dropped.
    Network(String),
    /// No answer within the client's time limit.
    Timeout,
    /// The host page's Content-Security-Policy blocked the request (an element): the
    /// advice says which directive, and what to add. It never left the browser.
    BlockedByPolicy(String),
    /// 401 that a token refresh could not cure.
    Unauthorized(String),
    Forbidden(String),
    NotFound(String),
    Conflict(String),
    PreconditionFailed(String),
    /// 422: the server refused the values; the message names the field.
    Validation(String),
    /// 400.
    BadRequest(String),
    /// 5xx and any other status.
    Server {
        status: u16,
        message: String,
    },
    /// A 2xx answer we could not read.
    Malformed(String),
}

impl ApiError {
    /// Map a non-2xx answer. The body is `{"message", "code"}` from the real server; any
    /// other body (an HTML error page from a proxy, nothing at all) still gives an error.
    pub fn from_response(status: u16, body: &str) -> ApiError {
        let message = serde_json::from_str::<ErrorBody>(body)
            .ok()
            .map(|b| b.message)
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| default_message(status).to_string());
        match status {
            400 => ApiError::BadRequest(message),
            401 => ApiError::Unauthorized(message),
            403 => ApiError::Forbidden(message),
            404 => ApiError::NotFound(message),
            409 => ApiError::Conflict(message),
            412 => ApiError::PreconditionFailed(message),
            422 => ApiError::Validation(message),
            _ => ApiError::Server { status, message },
        }
    }

    /// What to show the user.
    pub fn user_message(&self) -> String {
        match self {
            ApiError::Network(_) => {
                "The management server could not be reached. Check your connection and try again."
                    .into()
            }
            ApiError::Timeout => {
                "The management server did not answer in time. Try again; nothing you typed is lost."
                    .into()
            }
            ApiError::BlockedByPolicy(advice) => advice.clone(),
            ApiError::Unauthorized(_) => "Your session has ended. Sign in again.".into(),
            ApiError::Forbidden(_) => "Your role does not allow this. Ask an owner or admin.".into(),
            ApiError::NotFound(message)
            | ApiError::Conflict(message)
            | ApiError::PreconditionFailed(message)
            | ApiError::Validation(message)
            | ApiError::BadRequest(message) => capitalise(message),
            ApiError::Server { status, message } => {
                format!("The server failed ({status}: {message}). Try again.")
            }
            ApiError::Malformed(_) => {
                "The server's answer could not be read. Try again; if it persists, check that the dashboard and server versions match."
                    .into()
            }
        }
    }

    /// Whether trying the same request again may help.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ApiError::Network(_)
                | ApiError::Timeout
                | ApiError::Server { .. }
                | ApiError::Malformed(_)
        )
    }

    /// Whether the request may have reached the server and been carried out even though
    /// no usable answer came back: the dashboard must check before repeating a create.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            ApiError::Network(_)
                | ApiError::Timeout
                | ApiError::Malformed(_)
                | ApiError::Server { .. }
        )
    }
}

fn default_message(status: u16) -> &'static str {
    match status {
        400 => "the request was not understood",
        401 => "no valid authentication provided",
        403 => "permission denied",
        404 => "not found",
        409 => "conflict",
        412 => "precondition failed",
        422 => "the values were refused",
        _ => "unexpected answer",
    }
}

/// The server's lowercase messages, as a sentence.
pub fn capitalise(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.user_message())
    }
}

impl std::error::Error for ApiError {}
