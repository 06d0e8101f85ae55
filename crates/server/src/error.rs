//! The server's one error type: every refusal and failure a client can see,
//! each with its HTTP status and a JSON body
//! `{"error": {"message", "type", "code"}}` that names what the client can
//! act on and never a path, a panic or an internal detail.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// What went wrong, as a client must tell it apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// A form field is missing or has a value we do not accept.
    #[error("{message}")]
    BadField { field: String, message: String },
    #[error("missing or invalid API key: send `Authorization: Bearer <key>`")]
    Unauthorized,
    #[error("the download link is invalid or has expired; request the job's status for a fresh one")]
    BadLink,
    #[error("no such request")]
    NotFound,
    #[error("the upload is larger than the limit of {limit_mib} MiB")]
    UploadTooLarge { limit_mib: u64 },
    /// More pages than a synchronous request takes.
    #[error("the document has {pages} pages; synchronous requests take at most {max}: use POST /v1/document-digitization/async")]
    TooManyPages { pages: usize, max: usize },
    /// A document over one of the input limits (pixels, pages, streams).
    #[error("{0}")]
    TooLarge(String),
    #[error("unsupported document type: expected PDF, PNG, JPEG, TIFF or WebP")]
    UnsupportedType,
    #[error("the PDF is encrypted: send its password in the `password` field")]
    PasswordRequired,
    #[error("the password does not open this PDF")]
    WrongPassword,
    /// The document cannot be read (corrupt, no pages, or it stopped the
    /// worker that read it).
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    /// The request names something in a state that does not allow it (a
    /// parse job not completed yet, or failed).
    #[error("{0}")]
    Conflict(String),
    #[error("the server is busy: {0}")]
    Busy(&'static str, u64),
    #[error("the conversion took longer than the limit of {0} s")]
    Timeout(u64),
    #[error("the server is not ready: {0}")]
    Unavailable(&'static str),
    /// Our fault; the message stays in the log, the client sees a generic one.
    #[error("internal error")]
    Internal,
}

/// The body of every error response (and its schema in `/openapi.json`).
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ErrorDetail {
    message: String,
    #[serde(rename = "type")]
    kind: String,
    code: String,
}

impl ApiError {
    pub fn bad_field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::BadField { field: field.to_string(), message: message.into() }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadField { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::BadLink => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::UploadTooLarge { .. } | ApiError::TooManyPages { .. } | ApiError::TooLarge(_) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PasswordRequired | ApiError::WrongPassword | ApiError::Unprocessable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Busy(..) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable code: stable, snake_case.
    pub fn code(&self) -> &str {
        match self {
            ApiError::BadField { field, .. } if field == "document" => "missing_document",
            ApiError::BadField { .. } => "invalid_parameter",
            ApiError::Unauthorized => "invalid_api_key",
            ApiError::BadLink => "invalid_link",
            ApiError::NotFound => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::UploadTooLarge { .. } => "upload_too_large",
            ApiError::TooManyPages { .. } => "too_many_pages",
            ApiError::TooLarge(_) => "document_too_large",
            ApiError::UnsupportedType => "unsupported_document_type",
            ApiError::PasswordRequired => "password_required",
            ApiError::WrongPassword => "wrong_password",
            ApiError::Unprocessable { code, .. } => code,
            ApiError::Busy(..) => "queue_full",
            ApiError::Timeout(_) => "timeout",
            ApiError::Unavailable(_) => "not_ready",
            ApiError::Internal => "internal_error",
        }
    }

    /// The error's class, as the `type` field says it.
    pub fn kind(&self) -> &'static str {
        match self.status().as_u16() {
            401 | 403 => "authentication_error",
            404 => "not_found_error",
            429 => "rate_limit_error",
            500..=599 => "server_error",
            _ => "invalid_request_error",
        }
    }

    /// The field a [`ApiError::BadField`] names.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::BadField { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                message: self.to_string(),
                kind: self.kind().into(),
                code: self.code().into(),
            },
        };
        let mut response = (self.status(), axum::Json(body)).into_response();
        if let ApiError::Busy(_, retry_after) = self {
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_status_and_a_snake_case_code() {
        let cases = [
            (ApiError::bad_field("document", "no `document` field"), 400, "missing_document"),
            (ApiError::bad_field("ocr", "bad"), 400, "invalid_parameter"),
            (ApiError::Unauthorized, 401, "invalid_api_key"),
            (ApiError::UploadTooLarge { limit_mib: 50 }, 413, "upload_too_large"),
            (ApiError::TooManyPages { pages: 101, max: 100 }, 413, "too_many_pages"),
            (ApiError::UnsupportedType, 415, "unsupported_document_type"),
            (ApiError::PasswordRequired, 422, "password_required"),
            (ApiError::WrongPassword, 422, "wrong_password"),
            (ApiError::Busy("queue full", 5), 429, "queue_full"),
            (ApiError::Internal, 500, "internal_error"),
        ];
        for (e, status, code) in cases {
            assert_eq!((e.status().as_u16(), e.code()), (status, code), "{e:?}");
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
        assert!(ApiError::TooManyPages { pages: 101, max: 100 }.to_string().contains("/async"));
    }
}
