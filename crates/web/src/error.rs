//! One way errors leave the platform: HTML pages get a friendly page in the reader's language
//! with the request id; the API gets JSON with a stable code. Internal details are logged,
//! never shown.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use wujin_app::AppError;

use crate::extract::{query_lang, request_id};
use crate::i18n::{Lang, tr};

/// What went wrong, attached to a response for the error-page layer to render.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub key: String,
    pub detail: Option<String>,
}

fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::Forbidden | AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The catalogue key describing an error to a person.
pub fn error_key(e: &AppError) -> String {
    match e {
        AppError::Unauthenticated => "error.unauthenticated".into(),
        AppError::Forbidden => "error.forbidden".into(),
        AppError::NotFound => "error.not_found".into(),
        AppError::Validation(v) => v
            .first()
            .map(|f| f.key.clone())
            .unwrap_or_else(|| "error.invalid".into()),
        AppError::Conflict(k) => k.clone(),
        AppError::RateLimited { key, .. } => key.clone(),
        AppError::PasswordChangeRequired => "error.password_change_required".into(),
        AppError::Db(_) | AppError::Internal(_) => "error.internal".into(),
    }
}

fn log_internal(e: &AppError) {
    if matches!(e, AppError::Db(_) | AppError::Internal(_)) {
        tracing::error!(error = %e, "request failed");
    }
}

/// Error of an HTML handler.
#[derive(Debug)]
pub enum PageError {
    App(AppError),
    /// Send the browser elsewhere (303 See Other).
    Redirect(String),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::App(e)
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError::App(AppError::Internal(format!("template: {e}")))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Redirect(to) => Redirect::to(&to).into_response(),
            PageError::App(e) => {
                log_internal(&e);
                let mut res = status_of(&e).into_response();
                res.extensions_mut().insert(ErrorInfo {
                    key: error_key(&e),
                    detail: None,
                });
                res
            }
        }
    }
}

/// Error of a JSON API handler.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        log_internal(&e);
        let status = status_of(&e);
        let fields = match &e {
            AppError::Validation(v) => v
                .iter()
                .map(|f| json!({"field": f.field, "code": f.key, "message": tr(Lang::En, &f.key), "detail": f.detail}))
                .collect(),
            _ => vec![],
        };
        let key = error_key(&e);
        let mut body = json!({
            "error": e.code(),
            "message": tr(Lang::En, &key),
            "message_zh": tr(Lang::ZhCn, &key),
        });
        if !fields.is_empty() {
            body["fields"] = json!(fields);
        }
        let mut res = (status, axum::Json(body)).into_response();
        if let AppError::RateLimited {
            retry_after_secs, ..
        } = e
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    lang: &'static str,
    status: u16,
    title: String,
    message: String,
    detail: Option<String>,
    request_id: String,
    home: String,
    request_id_label: String,
}

fn title_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "error.page.401",
        403 => "error.page.403",
        404 => "error.page.404",
        405 => "error.page.405",
        408 => "error.page.408",
        409 => "error.page.409",
        413 => "error.page.413",
        422 => "error.page.422",
        429 => "error.page.429",
        s if s >= 500 => "error.page.500",
        _ => "error.page.other",
    }
}

fn default_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "error.unauthenticated",
        403 => "error.forbidden",
        404 => "error.not_found",
        405 => "error.method_not_allowed",
        408 => "error.timeout",
        413 => "error.too_large",
        s if s >= 500 => "error.internal",
        _ => "error.invalid",
    }
}

/// Turns bare error responses into a page (or JSON under `/api`) in the reader's language.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let rid = request_id(req.headers());
    let (parts, body) = req.into_parts();
    let lang = query_lang(&parts).unwrap_or(Lang::ZhCn);
    let req = Request::from_parts(parts, body);
    let res = next.run(req).await;
    let status = res.status();
    if status.as_u16() < 400 {
        return res;
    }
    let info = res.extensions().get::<ErrorInfo>().cloned();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if is_api {
        if content_type.starts_with("application/json") {
            return res;
        }
        let key = info
            .map(|i| i.key)
            .unwrap_or_else(|| default_key(status).to_string());
        let code = match status.as_u16() {
            401 => "unauthenticated",
            403 => "forbidden",
            404 => "not_found",
            405 => "method_not_allowed",
            408 => "timeout",
            413 => "too_large",
            s if s >= 500 => "internal",
            _ => "invalid",
        };
        return (status, axum::Json(json!({"error": code, "message": tr(Lang::En, &key), "message_zh": tr(Lang::ZhCn, &key), "request_id": rid}))).into_response();
    }
    // A page already rendered (a form with its errors) or a JSON answer outside the API
    // (the health probes) goes out as it is.
    if info.is_none()
        && (content_type.starts_with("text/html") || content_type.starts_with("application/json"))
    {
        return res;
    }
    let key = info
        .as_ref()
        .map(|i| i.key.clone())
        .unwrap_or_else(|| default_key(status).to_string());
    let page = ErrorPage {
        lang: lang.code(),
        status: status.as_u16(),
        title: tr(lang, title_key(status)),
        message: tr(lang, &key),
        detail: info.and_then(|i| i.detail),
        request_id: rid,
        home: tr(lang, "error.page.home"),
        request_id_label: tr(lang, "error.page.request_id"),
    };
    let html = page
        .render()
        .unwrap_or_else(|_| format!("{} {}", status.as_u16(), page.request_id));
    let mut out = (status, axum::response::Html(html)).into_response();
    for h in [header::RETRY_AFTER, header::LOCATION] {
        if let Some(v) = res.headers().get(&h) {
            out.headers_mut().insert(h, v.clone());
        }
    }
    out
}
