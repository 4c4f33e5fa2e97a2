//! 督查督办 over JSON, under `/api/v1/plans`, `/api/v1/tasks`, `/api/v1/notices`,
//! `/api/v1/requests` and `/api/v1/milestones`: the same use-cases as the pages, with the same
//! roles — the office writes plans, tasks, notices and decisions; units report on their own
//! tasks; leaders read all; cadres and firms are refused (403). A task outside the caller's
//! reach answers 404.

mod dto;
pub mod plans;
pub mod tasks;

use axum::Router;
use utoipa::OpenApi;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(plans::routes()).merge(tasks::routes())
}

/// The parts of the API document this module adds.
pub fn docs() -> Vec<utoipa::openapi::OpenApi> {
    vec![plans::Doc::openapi(), tasks::Doc::openapi()]
}
