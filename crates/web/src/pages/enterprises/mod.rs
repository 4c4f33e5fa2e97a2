//! 企业库 pages: the enterprise list (search, filters, sorting, pages, Excel export of the
//! view), each firm's profile with its land, yearly figures, trend chart and history, the
//! profile, figures and land forms, and the yearly-figures grid.

mod detail;
mod figures;
pub(crate) mod fmt;
mod form;
mod grid;
mod history;
mod land;
mod list;
pub(crate) mod options;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::PageError;
use crate::layout::china_tz;
use crate::pages::render;
use crate::state::AppState;

const LIST_PATH: &str = "/enterprises";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/enterprises", get(list::list).post(form::create))
        .route("/enterprises/export.xlsx", get(list::export))
        .route("/enterprises/new", get(form::new_form))
        .route("/enterprises/{id}", get(detail::detail).post(form::update))
        .route("/enterprises/{id}/edit", get(form::edit_form))
        .route(
            "/enterprises/{id}/figures/{year}",
            get(figures::form).post(figures::save),
        )
        .route(
            "/enterprises/{id}/land/new",
            get(land::form).post(land::save),
        )
        .route("/figures", get(grid::grid))
        .route("/figures/export.xlsx", get(grid::export))
}

/// A form shown again with its errors: 422.
pub(crate) fn invalid(page: impl Template) -> Result<Response, PageError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

/// Today in China, `YYYY-MM-DD` (file names).
pub(crate) fn today() -> String {
    chrono::Utc::now()
        .with_timezone(&china_tz())
        .format("%Y-%m-%d")
        .to_string()
}

/// The current year in China.
pub(crate) fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().with_timezone(&china_tz()).year()
}

/// An `.xlsx` download. `name` may be Chinese (sent RFC 5987-encoded); `ascii_name` is the
/// fallback for clients that do not read `filename*`.
pub(crate) fn xlsx_response(name: &str, ascii_name: &str, bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    let ascii: String = ascii_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::extract::urlencode(name)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_are_rfc5987_encoded() {
        let res = xlsx_response(
            "企业名录-2026-11-29.xlsx",
            "enterprises 2026.xlsx",
            vec![1, 2],
        );
        assert_eq!(
            res.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(
            res.headers()["content-disposition"],
            "attachment; filename=\"enterprises_2026.xlsx\"; filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95-2026-11-29.xlsx"
        );
    }
}
