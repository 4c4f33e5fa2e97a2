//! Publication (公示) and objections (异议): a run's publication page (recompute, publish,
//! finalise), the difference between a corrected run and the run it supersedes, and the
//! objections — listed within the caller's scope, filed with attachments, decided by the
//! evaluation office.

mod detail;
mod form;
mod list;
mod publication;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use wujin_app::AppError;
use wujin_app::attachments::AttachmentInfo;

use crate::i18n::{Lang, tr};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/evaluation/runs/{id}/publication", get(publication::show))
        .route(
            "/evaluation/runs/{id}/recompute",
            post(publication::recompute),
        )
        .route("/evaluation/runs/{id}/publish", post(publication::publish))
        .route(
            "/evaluation/runs/{id}/finalise",
            post(publication::finalise),
        )
        .route("/evaluation/runs/{id}/diff", get(publication::diff))
        .route(
            "/evaluation/objections",
            get(list::list)
                .post(form::create)
                .layer(DefaultBodyLimit::max(upload_body_limit())),
        )
        .route("/evaluation/objections/new", get(form::new))
        .route("/evaluation/objections/{id}", get(detail::show))
        .route("/evaluation/objections/{id}/accept", post(detail::accept))
        .route("/evaluation/objections/{id}/reject", post(detail::reject))
        .route(
            "/evaluation/objections/{id}/attachments/{attachment_id}",
            get(detail::attachment),
        )
}

/// What an objection with its files may carry: the files (each within the attachment limit)
/// and the form.
pub(crate) fn upload_body_limit() -> usize {
    let per_file = wujin_app::AppConfig::default()
        .attachment_max_mb
        .saturating_mul(1024 * 1024);
    usize::try_from(per_file)
        .unwrap_or(usize::MAX)
        .saturating_mul(wujin_app::attachments::MAX_FILES_PER_OWNER)
        .saturating_add(crate::UPLOAD_OVERHEAD_BYTES)
}

/// A run status's label.
pub(crate) fn run_status_label(lang: Lang, status: &str) -> String {
    tr(lang, &format!("eval.publish.status.{status}"))
}

/// An objection status's label.
pub(crate) fn objection_status_label(lang: Lang, status: &str) -> String {
    tr(lang, &format!("eval.objection.status.{status}"))
}

/// Who filed an objection, as a label.
pub(crate) fn filed_as_label(lang: Lang, filed_as: &str) -> String {
    tr(lang, &format!("eval.objection.filed_as.{filed_as}"))
}

/// A score as shown: two decimals (stored at full precision).
pub(crate) fn score(total: Option<f64>) -> String {
    total.map_or_else(|| "—".to_string(), |t| format!("{t:.2}"))
}

/// A refused action as a status and a message in the reader's language; other errors are
/// left to the error page.
pub(crate) fn refusal(lang: Lang, e: &AppError) -> Option<(StatusCode, String)> {
    match e {
        AppError::Conflict(key) => Some((StatusCode::CONFLICT, tr(lang, key))),
        AppError::Validation(fields) => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            fields
                .iter()
                .map(|f| match &f.detail {
                    Some(d) => format!("{}: {d}", tr(lang, &f.key)),
                    None => tr(lang, &f.key),
                })
                .collect::<Vec<_>>()
                .join("；"),
        )),
        _ => None,
    }
}

/// A "done" message of a redirect after an action, from a fixed list.
pub(crate) fn done_message(lang: Lang, prefix: &str, done: Option<&str>) -> Option<String> {
    let done = done?;
    let allowed = [
        "recomputed",
        "published",
        "finalised",
        "filed",
        "accepted",
        "rejected",
    ];
    allowed
        .contains(&done)
        .then(|| tr(lang, &format!("{prefix}.{done}")))
        .filter(|m| !m.starts_with('⟦'))
}

/// A stored file as a download (never shown inline).
pub(crate) fn file_response(info: &AttachmentInfo, bytes: Vec<u8>) -> Response {
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
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&info.content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_messages() {
        assert_eq!(score(Some(81.456)), "81.46");
        assert_eq!(score(None), "—");
        assert_eq!(run_status_label(Lang::ZhCn, "published"), "公示中");
        assert_eq!(
            done_message(Lang::En, "eval.publish.done", Some("published")).as_deref(),
            Some("Published; the publicity period has started.")
        );
        assert_eq!(done_message(Lang::En, "eval.publish.done", Some("x")), None);
        let (status, msg) = refusal(
            Lang::ZhCn,
            &AppError::Conflict("error.objection.pending_exists".into()),
        )
        .unwrap();
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(msg.contains("待处理"), "{msg}");
    }

    #[test]
    fn downloads_keep_the_chinese_name() {
        let info = AttachmentInfo {
            id: 1,
            filename: "土地证明.pdf".into(),
            content_type: "application/pdf".into(),
            size_bytes: 3,
            sha256: String::new(),
            created_at: chrono::Utc::now(),
        };
        let res = file_response(&info, vec![1, 2, 3]);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/pdf");
        let d = res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(d.starts_with("attachment; filename=\"____.pdf\""), "{d}");
        assert!(d.contains("filename*=UTF-8''%E5%9C%9F"), "{d}");
    }
}
