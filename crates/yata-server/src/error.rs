//! The one error type of the service. Client errors say what is wrong;
//! internal errors are logged with the request id and shown as that id only.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// No credentials, or credentials that are not (or no longer) valid.
    #[error("authentication required")]
    Unauthenticated,
    /// The caller sees the object but its role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// No such object, or one the caller may not see (the same answer, so
    /// that existence does not leak).
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    /// A document or body that could not be used; `errors` are located.
    #[error("{message}")]
    Unprocessable {
        message: String,
        errors: Vec<String>,
    },
    #[error("too many attempts; try again later")]
    TooManyRequests,
    #[error("service not ready: {0}")]
    Unavailable(String),
    /// Anything else: logged, never shown.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        AppError::Internal(e.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code of the contract.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::Unprocessable { .. } => "unprocessable",
            AppError::TooManyRequests => "too_many_requests",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<yata_store::Error> for AppError {
    fn from(e: yata_store::Error) -> AppError {
        match e {
            yata_store::Error::NotFound(_) => AppError::NotFound,
            yata_store::Error::Conflict(m) => AppError::Conflict(m),
            yata_store::Error::Invalid(m) => AppError::BadRequest(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// What an error response carries until the outermost middleware
/// ([`crate::middleware::finish`]) writes the body with the request id.
#[derive(Debug, Clone)]
pub(crate) struct ErrorBody {
    pub code: &'static str,
    pub message: String,
    pub errors: Vec<String>,
    /// Logged with the request id, never sent.
    pub internal: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ErrorBody {
            code: self.code(),
            message: self.to_string(),
            errors: match &self {
                AppError::Unprocessable { errors, .. } => errors.clone(),
                _ => Vec::new(),
            },
            internal: match self {
                AppError::Internal(detail) => Some(detail),
                _ => None,
            },
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(body);
        response
    }
}
