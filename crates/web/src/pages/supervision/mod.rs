//! 督查督办 pages (under `/supervision`): the plans, each plan's board with its views by
//! leader, by unit and for the caller's own unit, and each task's page with its timeline and
//! the forms of the actions the caller may take.

mod board;
mod bulletin;
mod plans;
mod portfolio;
mod task;
mod task_actions;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use wujin_domain::supervision::colour::TaskColour;
use wujin_domain::supervision::cycle::ReportStatus;
use wujin_domain::supervision::escalation::NoticeLevel;

use crate::i18n::{Lang, tr, trf};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/supervision", get(plans::list).post(plans::create))
        .route("/supervision/plans/{id}", get(board::board))
        .route("/supervision/plans/{id}/recompute", post(board::recompute))
        .route("/supervision/plans/{id}/leaders", get(portfolio::leaders))
        .route("/supervision/plans/{id}/units", get(portfolio::units))
        .route("/supervision/plans/{id}/mine", get(portfolio::mine))
        .route("/supervision/plans/{id}/bulletin", get(bulletin::page))
        .route("/supervision/plans/{id}/bulletin.xlsx", get(bulletin::xlsx))
        .route(
            "/supervision/plans/{id}/export.xlsx",
            get(bulletin::decomposition),
        )
        .route(
            "/supervision/plans/{id}/tasks/new",
            get(task_actions::new_task).post(task_actions::create_task),
        )
        .route("/supervision/tasks/{id}", get(task::show))
        .route(
            "/supervision/tasks/{id}/report",
            post(task_actions::report).layer(DefaultBodyLimit::max(
                crate::pages::evaluation::low_end::evidence_body_limit(),
            )),
        )
        .route(
            "/supervision/tasks/{id}/reports/{report_id}/attachments/{attachment_id}",
            get(task::attachment),
        )
        .route(
            "/supervision/tasks/{id}/notices",
            post(task_actions::issue_notice),
        )
        .route(
            "/supervision/notices/{id}/act",
            post(task_actions::notice_act),
        )
        .route(
            "/supervision/tasks/{id}/extension",
            post(task_actions::request_extension),
        )
        .route(
            "/supervision/tasks/{id}/completion",
            post(task_actions::request_completion),
        )
        .route(
            "/supervision/requests/{id}/decide",
            post(task_actions::decide_request),
        )
        .route(
            "/supervision/tasks/{id}/target",
            post(task_actions::set_target),
        )
        .route(
            "/supervision/tasks/{id}/milestones",
            post(task_actions::add_milestone),
        )
        .route(
            "/supervision/milestones/{id}/done",
            post(task_actions::milestone_done),
        )
        .route(
            "/supervision/milestones/{id}/remove",
            post(task_actions::remove_milestone),
        )
}

/// The key of a colour in query strings and CSS classes (`none` before any computation).
pub(crate) fn colour_key(c: Option<TaskColour>) -> String {
    wujin_app::supervision::board::colour_key(c)
}

/// A colour's label: 绿灯, 黄灯 …
pub(crate) fn colour_label(lang: Lang, c: Option<TaskColour>) -> String {
    tr(lang, &format!("supervision.colour.{}", colour_key(c)))
}

/// Parses a colour from a query string.
pub(crate) fn parse_colour(s: &str) -> Option<TaskColour> {
    TaskColour::ALL
        .into_iter()
        .find(|c| colour_key(Some(*c)) == s)
}

/// Where a cycle's report stands, in words, and its CSS class.
pub(crate) fn report_label(lang: Lang, s: &ReportStatus) -> (String, &'static str) {
    match s {
        ReportStatus::OnTime => (tr(lang, "supervision.report_status.on_time"), "ok"),
        ReportStatus::Late { days_late } => (
            trf(
                lang,
                "supervision.report_status.late",
                &[("n", &days_late.to_string())],
            ),
            "late",
        ),
        ReportStatus::Missing { days_overdue } => (
            trf(
                lang,
                "supervision.report_status.missing",
                &[("n", &days_overdue.to_string())],
            ),
            "missing",
        ),
        ReportStatus::NotYetDue => (tr(lang, "supervision.report_status.not_yet_due"), "due"),
    }
}

/// A notice level's label: 督办单, 专函督办 …
pub(crate) fn level_label(lang: Lang, l: NoticeLevel) -> String {
    let key = serde_json::json!(l)
        .as_str()
        .unwrap_or_default()
        .to_string();
    tr(lang, &format!("supervision.level.{key}"))
}

/// A percentage as pages show it: `45%`, `—` when unknown.
pub(crate) fn percent(v: Option<f64>) -> String {
    v.map(|p| format!("{}%", (p * 10.0).round() / 10.0))
        .unwrap_or_else(|| "—".to_string())
}

/// The tabs of a plan's pages.
pub(crate) struct Tab {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// The tabs over a plan's pages; `current` is the path of the page shown.
pub(crate) fn plan_tabs(lang: Lang, plan_id: i64, current: &str, reports: bool) -> Vec<Tab> {
    let mut tabs = vec![
        (
            format!("/supervision/plans/{plan_id}"),
            "supervision.tab.board",
        ),
        (
            format!("/supervision/plans/{plan_id}/leaders"),
            "supervision.tab.leaders",
        ),
        (
            format!("/supervision/plans/{plan_id}/units"),
            "supervision.tab.units",
        ),
    ];
    if reports {
        tabs.push((
            format!("/supervision/plans/{plan_id}/mine"),
            "supervision.tab.mine",
        ));
    }
    tabs.push((
        format!("/supervision/plans/{plan_id}/bulletin"),
        "supervision.tab.bulletin",
    ));
    tabs.into_iter()
        .map(|(href, key)| Tab {
            current: href == current,
            label: tr(lang, key),
            href,
        })
        .collect()
}
