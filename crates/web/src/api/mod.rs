//! The JSON API under `/api/v1`: the same use-cases as the pages. Authenticated by the
//! session cookie or a personal token (`Authorization: Bearer wjt_…`).

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod departments;
pub mod evaluation;
pub mod login_log;
pub mod me;
pub mod notifications;
pub mod openapi;
pub mod registry;
pub mod service;
pub mod supervision;
pub mod supervision_import;
pub mod tokens;
pub mod users;

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::{Json, http::StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wujin_app::{AppError, FieldError, Page, PageRequest};

use crate::error::ApiError;
use crate::state::AppState;

/// The whole API; `max_upload` is the largest spreadsheet an import accepts.
pub fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(me::routes())
        .merge(users::routes())
        .merge(departments::routes())
        .merge(audit::routes())
        .merge(login_log::routes())
        .merge(notifications::routes())
        .merge(tokens::routes())
        .merge(calendar::routes())
        .merge(registry::routes(max_upload))
        .merge(evaluation::routes())
        .merge(supervision::routes())
        .merge(supervision_import::routes(max_upload))
        .merge(service::routes())
        .merge(openapi::routes())
}

/// One page of a list: the convention of every list the API returns.
#[derive(Serialize, ToSchema)]
pub struct ListBody<T: ToSchema> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Matching items in all pages.
    pub total: u64,
    /// 1-based page number.
    pub page: u64,
    /// Items per page.
    pub page_size: u64,
}

impl<T: ToSchema> ListBody<T> {
    /// A page from a use-case, each item converted for the API.
    pub fn from_page<V>(p: Page<V>, f: impl FnMut(V) -> T) -> ListBody<T> {
        ListBody {
            items: p.items.into_iter().map(f).collect(),
            total: p.total,
            page: p.page,
            page_size: p.per_page,
        }
    }

    /// One page cut from a complete, short list (tokens, dictionaries).
    pub fn from_all(all: Vec<T>, req: PageRequest) -> ListBody<T> {
        let total = all.len() as u64;
        let items = all
            .into_iter()
            .skip(usize::try_from(req.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(req.per_page).unwrap_or(usize::MAX))
            .collect();
        ListBody {
            items,
            total,
            page: req.page,
            page_size: req.per_page,
        }
    }
}

impl<V, T: ToSchema + From<V>> From<Page<V>> for ListBody<T> {
    fn from(p: Page<V>) -> Self {
        ListBody::from_page(p, Into::into)
    }
}

/// Which page of a list to return.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page number (default 1).
    pub page: Option<u64>,
    /// Items per page (default 20, at most 200).
    pub page_size: Option<u64>,
}

impl PageQuery {
    pub fn request(&self) -> PageRequest {
        PageRequest::new(self.page, self.page_size)
    }
}

/// The page asked for: `page` (default 1) and `page_size` (default 20, at most 200), or its
/// older name `per_page`.
pub fn page_request(
    page: Option<u64>,
    page_size: Option<u64>,
    per_page: Option<u64>,
) -> PageRequest {
    PageRequest::new(page, page_size.or(per_page))
}

/// The body of every failed call.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code: unauthenticated | forbidden | not_found | invalid |
    /// conflict | rate_limited | password_change_required | internal | …
    pub error: String,
    /// What went wrong, in English.
    pub message: String,
    /// What went wrong, in Simplified Chinese.
    pub message_zh: String,
    /// For `invalid` (HTTP 422): one entry per wrong field.
    pub fields: Option<Vec<FieldErrorBody>>,
    /// Present on errors raised before a handler ran (e.g. unknown path).
    pub request_id: Option<String>,
}

/// One wrong field of the input.
#[derive(Serialize, ToSchema)]
pub struct FieldErrorBody {
    /// The field's name, as in the request (or `body` / `query` when the request as a whole
    /// could not be read).
    pub field: String,
    /// Catalogue key of the problem, e.g. `error.user.username_taken`.
    pub code: String,
    /// The problem, in English.
    pub message: String,
    /// Specifics, such as the parser's own words.
    pub detail: Option<String>,
}

/// A JSON request body. Unreadable bodies become a 422 naming the field `body`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(invalid(
                "body",
                "api_docs.error.body",
                rejection.body_text(),
            )),
        }
    }
}

/// Query parameters. Unreadable ones become a 422 naming the field `query`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(rejection) => Err(invalid(
                "query",
                "api_docs.error.query",
                rejection.body_text(),
            )),
        }
    }
}

/// A validation error on one field, with specifics.
pub fn invalid(field: &str, key: &str, detail: impl Into<String>) -> ApiError {
    ApiError(AppError::Validation(vec![FieldError::with_detail(
        field, key, detail,
    )]))
}

/// Reads an optional time filter: RFC 3339 (`2024-05-01T00:00:00+08:00`) or a plain date
/// (`2024-05-01`, the start of that day in China time).
pub fn parse_time(
    field: &str,
    value: &Option<String>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, FieldError> {
    let Some(s) = value.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(Some(t.with_timezone(&chrono::Utc)));
    }
    match crate::pages::day_start(&Some(s.to_string())) {
        Some(t) => Ok(Some(t)),
        None => Err(FieldError::with_detail(
            field,
            "api_docs.error.time_invalid",
            s.to_string(),
        )),
    }
}

/// Collects field errors of several parsed inputs into one 422.
pub fn collect<T>(results: Vec<Result<T, FieldError>>) -> Result<Vec<T>, ApiError> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(v) => ok.push(v),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(ApiError(AppError::Validation(errors)))
    }
}

/// `201 Created` with a JSON body.
pub fn created<T: Serialize>(body: T) -> (StatusCode, Json<T>) {
    (StatusCode::CREATED, Json(body))
}
