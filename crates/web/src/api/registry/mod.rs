//! The enterprise registry (企业库) over JSON: firms, their land and yearly figures, the
//! dictionaries, spreadsheet imports and exports. Always inside the caller's data scope: a
//! firm outside it answers 404, exactly like one that does not exist.

pub mod dictionaries;
pub mod enterprises;
pub mod exports;
pub mod figures;
pub mod import_dto;
pub mod imports;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wujin_app::registry::{EnterpriseFilter, Named};

use crate::state::AppState;

pub fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .merge(enterprises::routes())
        .merge(figures::routes())
        .merge(dictionaries::routes())
        .merge(imports::routes(max_upload))
        .merge(exports::routes())
}

/// The media type of xlsx workbooks.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An id with its display name.
#[derive(Serialize, ToSchema, Debug, Clone, PartialEq, Eq)]
pub struct NamedDto {
    pub id: i64,
    pub name: String,
}

impl From<Named> for NamedDto {
    fn from(n: Named) -> Self {
        NamedDto {
            id: n.id,
            name: n.name,
        }
    }
}

/// The filters of the enterprise list, shared by its export.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseFilterQuery {
    /// Part of the name or short name, or the credit code (a full valid code matches exactly).
    pub q: Option<String>,
    /// Firms of this town (unit id).
    pub town: Option<i64>,
    /// Firms of this industry group (id, see `/api/v1/industry-groups`).
    pub group: Option<i64>,
    /// above (规上) | below (规下) | unknown (no revenue known yet)
    pub scale: Option<String>,
    /// operating | suspended | closed | moved_out | deregistered
    pub status: Option<String>,
    /// Firms carrying this tag (id, see `/api/v1/tags`).
    pub tag: Option<i64>,
    /// Firms in this park (exact name).
    pub park: Option<String>,
    /// name (default) | credit_code | town | group | scale | status | founded_on | updated_at
    pub sort: Option<String>,
    /// asc (default) | desc
    pub dir: Option<String>,
}

impl EnterpriseFilterQuery {
    pub fn filter(self) -> EnterpriseFilter {
        EnterpriseFilter {
            q: self.q,
            town: self.town,
            group: self.group,
            scale: self.scale,
            status: self.status,
            tag: self.tag,
            park: self.park,
            sort: self.sort,
            dir: self.dir,
        }
    }
}

/// A workbook download: the xlsx media type and a file name (RFC 6266, UTF-8 encoded for the
/// Chinese names, with an ASCII fallback).
pub fn xlsx_download(file_name: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = file_name
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
        crate::extract::urlencode(file_name)
    );
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names_survive_chinese_and_quotes() {
        let res = xlsx_download("企业名录 \"2024\".xlsx", vec![1, 2, 3]);
        assert_eq!(res.headers()[header::CONTENT_TYPE], XLSX);
        let d = res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(d.starts_with("attachment; filename=\""), "{d}");
        assert!(d.contains("filename*=UTF-8''%E4%BC%81"), "{d}");
        assert!(!d.contains("\"2024\""), "{d}");
    }
}
