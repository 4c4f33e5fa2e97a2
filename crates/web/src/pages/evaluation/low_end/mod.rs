//! The 低散乱污 ledger (under `/low-end`): candidates per town, verification (属地核实),
//! disposal plans, progress, closure (销号) with evidence, freed land and energy.

mod case;
mod list;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use wujin_app::attachments::AttachmentInfo;
use wujin_app::low_end::CaseView;
use wujin_domain::evaluation::low_end::Disposal;
use wujin_xlsx::write::{ExportColumn, ExportFormat, ExportValue, export_table};

use crate::i18n::{Lang, tr};
use crate::pages::enterprises::fmt::label;
use crate::state::AppState;

pub(crate) const LIST_PATH: &str = "/low-end";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/low-end", get(list::list))
        .route("/low-end/generate", post(list::generate))
        .route("/low-end/export.xlsx", get(list::export))
        .route("/low-end/{id}", get(case::show))
        .route("/low-end/{id}/verify", post(case::verify))
        .route("/low-end/{id}/plan", post(case::plan))
        .route("/low-end/{id}/progress", post(case::progress))
        .route("/low-end/{id}/steps/{step_id}/done", post(case::step_done))
        .route(
            "/low-end/{id}/close",
            post(case::close).layer(DefaultBodyLimit::max(evidence_body_limit())),
        )
        .route(
            "/low-end/{id}/attachments/{attachment_id}",
            get(case::attachment),
        )
}

/// What a closure with its evidence may carry: the files (each within the attachment limit)
/// and the form.
pub(crate) fn evidence_body_limit() -> usize {
    let per_file = wujin_app::AppConfig::default()
        .attachment_max_mb
        .saturating_mul(1024 * 1024);
    usize::try_from(per_file)
        .unwrap_or(usize::MAX)
        .saturating_mul(wujin_app::attachments::MAX_FILES_PER_OWNER)
        .saturating_add(crate::UPLOAD_OVERHEAD_BYTES)
}

/// A case status's label.
pub(crate) fn status_label(lang: Lang, status: &str) -> String {
    label(lang, "low_end.status", status)
}

/// A disposal type's label.
pub(crate) fn disposal_label(lang: Lang, disposal: &str) -> String {
    label(lang, "low_end.disposal", disposal)
}

/// A screen's label.
pub(crate) fn criterion_label(lang: Lang, criterion: &str) -> String {
    label(lang, "low_end.criterion", criterion)
}

fn text(s: String) -> ExportValue {
    if s.is_empty() {
        ExportValue::Empty
    } else {
        ExportValue::Text(s)
    }
}

/// The ledger as an xlsx workbook, headers and labels in `lang`.
pub(crate) fn ledger_xlsx(lang: Lang, rows: Vec<CaseView>) -> Result<Vec<u8>, wujin_app::AppError> {
    let col = |key: &str, format: ExportFormat, width: f64| ExportColumn {
        header: tr(lang, key),
        format,
        width,
    };
    let columns = vec![
        col("low_end.col.no", ExportFormat::PlainInteger, 6.0),
        col("low_end.col.year", ExportFormat::PlainInteger, 8.0),
        col("low_end.col.enterprise", ExportFormat::Text, 32.0),
        col("low_end.col.credit_code", ExportFormat::Text, 22.0),
        col("low_end.col.town", ExportFormat::Text, 12.0),
        col("low_end.col.criteria", ExportFormat::Text, 36.0),
        col("low_end.col.status", ExportFormat::Text, 10.0),
        col("low_end.col.disposal", ExportFormat::Text, 18.0),
        col("low_end.col.responsible_unit", ExportFormat::Text, 16.0),
        col("low_end.col.deadline", ExportFormat::Date, 12.0),
        col("low_end.col.overdue", ExportFormat::Flag, 8.0),
        col("low_end.col.land_mu_freed", ExportFormat::Decimal2, 12.0),
        col("low_end.col.energy_tce_freed", ExportFormat::Decimal2, 12.0),
        col("low_end.col.closed_at", ExportFormat::Date, 12.0),
    ];
    let tz = crate::layout::china_tz();
    let data = rows.into_iter().enumerate().map(move |(i, c)| {
        vec![
            ExportValue::Int(i as i64 + 1),
            ExportValue::Int(i64::from(c.year)),
            ExportValue::Text(c.enterprise.name),
            ExportValue::Text(c.credit_code),
            text(c.town.map(|t| t.name).unwrap_or_default()),
            text(
                c.criteria
                    .iter()
                    .map(|k| criterion_label(lang, k))
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            ExportValue::Text(status_label(lang, &c.status)),
            text(
                c.disposal_type
                    .as_deref()
                    .map(|d| match Disposal::parse(d) {
                        Some(_) => disposal_label(lang, d),
                        None => d.to_string(),
                    })
                    .unwrap_or_default(),
            ),
            text(c.responsible_unit.map(|u| u.name).unwrap_or_default()),
            c.deadline.map_or(ExportValue::Empty, ExportValue::Date),
            ExportValue::Flag(c.overdue),
            c.land_mu_freed
                .map_or(ExportValue::Empty, ExportValue::Real),
            c.energy_tce_freed
                .map_or(ExportValue::Empty, ExportValue::Real),
            c.closed_at.map_or(ExportValue::Empty, |t| {
                ExportValue::Date(t.with_timezone(&tz).date_naive())
            }),
        ]
    });
    export_table(&tr(lang, "low_end.sheet"), None, &columns, data)
        .map_err(|e| wujin_app::AppError::Internal(e.to_string()))
}

/// A stored evidence file as a download.
pub(crate) fn file_response(info: &AttachmentInfo, bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    if let Ok(v) = HeaderValue::from_str(&info.content_type) {
        res.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    let ascii: String = info
        .filename
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
        crate::extract::urlencode(&info.filename)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
