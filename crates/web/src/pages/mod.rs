//! HTML pages. Handlers are thin: extract, call one use-case, render a template.

pub mod account;
pub mod admin_audit;
pub mod admin_calendar;
pub mod admin_departments;
pub mod admin_dictionaries;
pub mod admin_login_log;
pub mod admin_users;
pub mod api_docs;
pub mod auth;
pub mod choices;
pub mod enterprises;
pub mod evaluation;
pub mod history;
pub mod home;
pub mod imports;
pub mod notifications;
pub mod service;
pub mod supervision;
pub mod supervision_import;

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::response::Html;
use wujin_app::{FieldError, Page};

use crate::error::PageError;
use crate::i18n::{Lang, tr};
use crate::state::AppState;

/// Every page; `max_upload` is the largest spreadsheet an import accepts.
pub fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(home::routes())
        .merge(account::routes())
        .merge(notifications::routes())
        .merge(admin_users::routes())
        .merge(admin_departments::routes())
        .merge(admin_audit::routes())
        .merge(admin_login_log::routes())
        .merge(admin_calendar::routes())
        .merge(admin_dictionaries::routes())
        .merge(enterprises::routes())
        .merge(evaluation::routes())
        .merge(imports::routes(max_upload))
        .merge(service::routes())
        .merge(supervision::routes())
        .merge(supervision_import::routes(max_upload))
        .merge(api_docs::routes())
}

/// Renders a template into a response.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, PageError> {
    Ok(Html(t.render()?))
}

/// Field errors of a form, translated, by field name.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    by_field: BTreeMap<String, String>,
    /// Errors not tied to a field.
    pub general: Vec<String>,
}

impl FormErrors {
    pub fn from_fields(lang: Lang, errors: &[FieldError]) -> FormErrors {
        let mut by_field = BTreeMap::new();
        for e in errors {
            let mut msg = tr(lang, &e.key);
            if let Some(d) = &e.detail {
                msg = format!("{msg}: {d}");
            }
            by_field
                .entry(e.field.clone())
                .and_modify(|m: &mut String| {
                    m.push('；');
                    m.push_str(&msg);
                })
                .or_insert(msg);
        }
        FormErrors {
            by_field,
            general: vec![],
        }
    }

    pub fn general(lang: Lang, key: &str) -> FormErrors {
        FormErrors {
            by_field: BTreeMap::new(),
            general: vec![tr(lang, key)],
        }
    }

    pub fn get(&self, field: &str) -> String {
        self.by_field.get(field).cloned().unwrap_or_default()
    }

    pub fn has(&self, field: &str) -> bool {
        self.by_field.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.by_field.is_empty() && self.general.is_empty()
    }

    /// `invalid` when the field has an error (for the input's class attribute).
    pub fn class(&self, field: &str) -> &'static str {
        if self.has(field) { "invalid" } else { "" }
    }
}

/// One link of a pager.
pub struct PagerLink {
    pub label: String,
    pub href: Option<String>,
    pub current: bool,
}

/// The pager under a list: previous, a window of page numbers, next, and "N in all".
pub struct Pager {
    pub links: Vec<PagerLink>,
    pub info: String,
}

/// Builds the pager. `query` is the list's current query string without `page`.
pub fn pager<T>(lang: Lang, page: &Page<T>, path: &str, query: &str) -> Pager {
    let pages = page.pages();
    let href = |n: u64| {
        let sep = if query.is_empty() { "" } else { "&" };
        format!("{path}?{query}{sep}page={n}")
    };
    let mut links = Vec::new();
    links.push(PagerLink {
        label: tr(lang, "pager.prev"),
        href: (page.page > 1).then(|| href(page.page - 1)),
        current: false,
    });
    let start = page.page.saturating_sub(3).max(1);
    let end = (start + 6).min(pages);
    for n in start..=end {
        links.push(PagerLink {
            label: n.to_string(),
            href: Some(href(n)),
            current: n == page.page,
        });
    }
    links.push(PagerLink {
        label: tr(lang, "pager.next"),
        href: (page.page < pages).then(|| href(page.page + 1)),
        current: false,
    });
    let info = crate::i18n::trf(
        lang,
        "pager.info",
        &[
            ("total", &page.total.to_string()),
            ("page", &page.page.to_string()),
            ("pages", &pages.to_string()),
        ],
    );
    Pager { links, info }
}

/// Builds a query string from (name, value) pairs, skipping empty values.
pub fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", crate::extract::urlencode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A sortable column header: the link flips direction when the column is already sorted.
pub struct SortHeader {
    pub label: String,
    pub href: String,
    /// "sort-asc", "sort-desc" or "".
    pub class: &'static str,
}

pub fn sort_header(
    lang: Lang,
    key: &str,
    col: &str,
    path: &str,
    query_without_sort: &str,
    sort: Option<&str>,
    dir: Option<&str>,
) -> SortHeader {
    let active = sort == Some(col);
    let desc = dir == Some("desc");
    let next_dir = if active && !desc { "desc" } else { "asc" };
    let sep = if query_without_sort.is_empty() {
        ""
    } else {
        "&"
    };
    SortHeader {
        label: tr(lang, key),
        href: format!("{path}?{query_without_sort}{sep}sort={col}&dir={next_dir}"),
        class: match (active, desc) {
            (true, true) => "sort-desc",
            (true, false) => "sort-asc",
            _ => "",
        },
    }
}

/// Parses an empty-or-number form or query field.
pub fn opt_i64(s: &Option<String>) -> Option<i64> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
}

/// Parses "true"/"false"/"" into a filter.
pub fn opt_bool(s: &Option<String>) -> Option<bool> {
    match s.as_deref() {
        Some("true") | Some("1") => Some(true),
        Some("false") | Some("0") => Some(false),
        _ => None,
    }
}

/// Parses a `YYYY-MM-DD` date (China time) into the UTC start of that day.
pub fn day_start(s: &Option<String>) -> Option<chrono::DateTime<chrono::Utc>> {
    let d = chrono::NaiveDate::parse_from_str(s.as_deref()?.trim(), "%Y-%m-%d").ok()?;
    let local = d
        .and_hms_opt(0, 0, 0)?
        .and_local_timezone(crate::layout::china_tz())
        .single()?;
    Some(local.with_timezone(&chrono::Utc))
}

/// A CSV download that Excel (and WPS) open correctly: UTF-8 with a byte-order mark, CRLF
/// line ends, every field quoted when needed. Cells that a spreadsheet would run as a formula
/// (starting with = + - @) are prefixed with a quote.
pub fn csv_response(
    filename: &str,
    header: &[String],
    rows: &[Vec<String>],
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    fn cell(s: &str) -> String {
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut out = String::from("\u{feff}");
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    let mut res = out.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        filename.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
            "_"
        ),
        crate::extract::urlencode(filename)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The text fields (in order, repeats kept) and the files (field `files`) of a multipart form.
pub(crate) async fn read_multipart(
    mut mp: axum::extract::Multipart,
) -> Result<(Vec<(String, String)>, Vec<wujin_app::attachments::NewFile>), FieldError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            FieldError::new("files", "error.attachment.too_large")
        } else {
            FieldError::with_detail("files", "error.low_end.upload_broken", e.body_text())
        }
    };
    let mut fields = Vec::new();
    let mut files = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" {
            let filename = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(broken)?.to_vec();
            // A file input left empty still sends a nameless, empty part.
            if !(filename.is_empty() && bytes.is_empty()) {
                files.push(wujin_app::attachments::NewFile { filename, bytes });
            }
        } else {
            let v = field.text().await.map_err(broken)?;
            fields.push((name, v));
        }
    }
    Ok((fields, files))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_escaped_and_formulas_neutralised() {
        let res = csv_response(
            "x.csv",
            &["a".into(), "b".into()],
            &[vec!["=1+1".into(), "he said \"hi\", ok".into()]],
        );
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        let body = futures_lite_body(res);
        assert_eq!(body, "\u{feff}a,b\r\n'=1+1,\"he said \"\"hi\"\", ok\"\r\n");
    }

    fn futures_lite_body(res: axum::response::Response) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            String::from_utf8(bytes.to_vec()).unwrap()
        })
    }
}
