//! 三服务 over JSON: visits (`/api/v1/visits…`), problems and their handling
//! (`/api/v1/problems…`), the 落实清单 (`/api/v1/commitments…`), the statistics, the units a case
//! may be assigned to and the daily check (`/api/v1/service/…`). The same use-cases as the
//! pages, with the same reach: the service office and leaders see every case, a department the
//! cases it handles or once held, a town those of its firms, a cadre those of the firms in their
//! care, a firm its own. A case outside the caller's reach answers 404; a step that is not the
//! caller's answers 403; a step the case's state does not allow answers 409.

mod dto;
pub mod problems;
pub mod stats;
pub mod visits;

use axum::Router;
use chrono::NaiveDate;
use utoipa::OpenApi;
use wujin_app::{AppError, FieldError};

use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(visits::routes())
        .merge(problems::routes())
        .merge(stats::routes())
}

/// The parts of the API document this module adds.
pub fn docs() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        visits::Doc::openapi(),
        problems::Doc::openapi(),
        stats::Doc::openapi(),
    ]
}

/// Collects the field errors of a query into one 422, or nothing.
#[derive(Default)]
struct Checks(Vec<FieldError>);

impl Checks {
    /// A `YYYY-MM-DD` date, or none when empty.
    fn date(&mut self, field: &str, v: &Option<String>) -> Option<NaiveDate> {
        let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.0.push(FieldError::with_detail(
                    field,
                    "api_docs.error.date_invalid",
                    s,
                ));
                None
            }
        }
    }

    /// A value that must be one of a dictionary's stored names (or empty).
    fn one_of(
        &mut self,
        field: &str,
        v: &Option<String>,
        ok: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let s = v.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
        if ok(s) {
            Some(s.to_string())
        } else {
            self.0.push(FieldError::with_detail(
                field,
                "error.supervision.value_invalid",
                s,
            ));
            None
        }
    }

    /// A number within `range`.
    fn within(
        &mut self,
        field: &str,
        v: Option<u32>,
        range: std::ops::RangeInclusive<u32>,
    ) -> Option<u32> {
        let n = v?;
        if range.contains(&n) {
            Some(n)
        } else {
            self.0.push(FieldError::with_detail(
                field,
                "error.supervision.value_invalid",
                n.to_string(),
            ));
            None
        }
    }

    fn done(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError(AppError::Validation(self.0)))
        }
    }
}

/// The file name of a download made today, e.g. `problems-2026-12-01.xlsx`.
fn dated(stem: &str) -> String {
    format!("{stem}-{}.xlsx", wujin_app::china_today())
}

/// A workbook as a download, with the type and file name every xlsx of the API carries.
fn xlsx(stem: &str, bytes: Vec<u8>) -> axum::response::Response {
    let name = dated(stem);
    crate::pages::enterprises::xlsx_response(&name, &name, bytes)
}
