//! Errors of the use-cases. Messages shown to people are catalogue keys, translated at the edge.

use sea_orm::DbErr;
use serde::Serialize;

/// A problem with one field of the input: the field's name and a catalogue key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    /// Catalogue key of the message, e.g. `error.password.too_short`.
    pub key: String,
    /// Untranslated specifics (say, the parser's own words), shown after the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl FieldError {
    pub fn new(field: &str, key: &str) -> FieldError {
        FieldError {
            field: field.to_string(),
            key: key.to_string(),
            detail: None,
        }
    }

    pub fn with_detail(field: &str, key: &str, detail: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_string(),
            key: key.to_string(),
            detail: Some(detail.into()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nobody is signed in (or the credentials are wrong).
    #[error("authentication required")]
    Unauthenticated,
    /// Signed in, but this action or record is not theirs.
    #[error("forbidden")]
    Forbidden,
    /// The record does not exist — or is outside the caller's scope, which looks the same.
    #[error("not found")]
    NotFound,
    /// The input is wrong; nothing was written.
    #[error("invalid input: {0:?}")]
    Validation(Vec<FieldError>),
    /// The change conflicts with existing data (catalogue key).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts; retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: i64, key: String },
    /// The user must change their temporary password first.
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &str, key: &str) -> AppError {
        AppError::Validation(vec![FieldError::new(field, key)])
    }

    /// A stable machine-readable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Validation(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Db(_) | AppError::Internal(_) => "internal",
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
