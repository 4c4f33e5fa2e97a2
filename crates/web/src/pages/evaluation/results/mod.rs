//! The evaluation's runs and results: the runs list (and starting a run), a run's results
//! table (filters, 公示 export), each firm's explanation, the class distribution per town and
//! group, and the class-migration matrix between two runs.

mod distribution;
mod explain;
pub mod fmt;
mod migration;
mod run;
mod runs;

use axum::Router;
use axum::response::Redirect;
use axum::routing::get;
use wujin_app::evaluation::results::RunView;

use crate::i18n::{Lang, trf};
use crate::pages::choices::Opt;
use crate::pages::enterprises::options::opts;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/evaluation", get(runs::list))
        .route(
            "/evaluation/runs",
            get(|| async { Redirect::to("/evaluation") }).post(runs::start),
        )
        .route("/evaluation/runs/{id}", get(run::page))
        .route("/evaluation/runs/{id}/export.xlsx", get(run::export))
        .route(
            "/evaluation/runs/{id}/firms/{enterprise_id}",
            get(explain::page),
        )
        .route(
            "/evaluation/runs/{id}/distribution",
            get(distribution::page),
        )
        .route(
            "/evaluation/runs/{id}/distribution/export.xlsx",
            get(distribution::export),
        )
        .route("/evaluation/migration", get(migration::page))
}

/// A run as a title: 2024年度评价（#12）.
pub(crate) fn run_label(lang: Lang, r: &RunView) -> String {
    trf(
        lang,
        "eval.run.label",
        &[("year", &r.year.to_string()), ("id", &r.id.to_string())],
    )
}

/// A run's status in words.
pub(crate) fn status_label(lang: Lang, status: &str) -> String {
    crate::pages::enterprises::fmt::label(lang, "eval.run.status", status)
}

/// The statuses as filter options.
pub(crate) fn status_opts(lang: Lang, all: String, selected: &str) -> Vec<Opt> {
    opts(
        Some(all),
        wujin_app::evaluation::results::STATUSES
            .iter()
            .map(|s| (s.to_string(), status_label(lang, s))),
        selected,
    )
}

/// The query string of a link, `?` included when there is one.
pub(crate) fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    }
}
