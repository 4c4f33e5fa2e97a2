//! 三服务 pages (under `/service`): the problem list (问题清单) and each case with the forms of
//! the steps the caller may take, the 落实清单, visits and their coverage, and the statistics.

mod case;
mod commitments;
mod coverage;
mod problems;
mod stats;
mod visits;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use wujin_domain::access::Role;

use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    let upload = DefaultBodyLimit::max(crate::pages::evaluation::low_end::evidence_body_limit());
    Router::new()
        .route("/service", get(problems::list))
        .route("/service/problems.xlsx", get(problems::xlsx))
        .route(
            "/service/problems/new",
            get(problems::new_form).post(problems::create).layer(upload),
        )
        .route("/service/problems/{id}", get(case::show))
        .route("/service/problems/{id}/act", post(case::act).layer(upload))
        .route(
            "/service/problems/{id}/attachments/{file_id}",
            get(case::attachment),
        )
        .route("/service/commitments", get(commitments::list))
        .route("/service/commitments.xlsx", get(commitments::xlsx))
        .route("/service/visits", get(visits::list))
        .route("/service/visits.xlsx", get(visits::xlsx))
        .route(
            "/service/visits/new",
            get(visits::new_form).post(visits::create),
        )
        .route("/service/visits/{id}", get(visits::show))
        .route("/service/coverage", get(coverage::page))
        .route("/service/stats", get(stats::page))
        .route("/service/stats.xlsx", get(stats::xlsx))
}

/// A stored dictionary value in words: `service.<dict>.<value>`.
pub(crate) fn label(lang: Lang, dict: &str, value: &str) -> String {
    let key = format!("service.{dict}.{value}");
    if crate::i18n::has(lang, &key) {
        tr(lang, &key)
    } else {
        value.to_string()
    }
}

/// A rate as a percentage with one decimal; `—` when there is nothing to measure.
pub(crate) fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "—".to_string())
}

/// The tabs over the service pages.
pub(crate) struct Tab {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// Whether the user sees the officials' pages (commitments, visits, coverage).
pub(crate) fn official(user: &CurrentUser) -> bool {
    user.actor().role != Role::Enterprise
}

pub(crate) fn tabs(user: &CurrentUser, current: &str) -> Vec<Tab> {
    let lang = user.lang;
    let role = user.actor().role;
    let mut t = vec![("/service", "service.tab.problems")];
    if role != Role::Enterprise {
        t.push(("/service/commitments", "service.tab.commitments"));
        t.push(("/service/visits", "service.tab.visits"));
        t.push(("/service/coverage", "service.tab.coverage"));
    }
    if !matches!(role, Role::Enterprise | Role::Cadre) {
        t.push(("/service/stats", "service.tab.stats"));
    }
    t.into_iter()
        .map(|(href, key)| Tab {
            href,
            label: tr(lang, key),
            current: href == current,
        })
        .collect()
}

/// A page shown again with the errors of its form: 422.
pub(crate) fn unprocessable(page: axum::response::Html<String>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}
