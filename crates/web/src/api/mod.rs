//! The JSON API under `/api/v1`: the same use-cases as the pages. Authenticated by the
//! session cookie or a personal token (`Authorization: Bearer wjt_…`).

pub mod auth;

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().merge(auth::routes())
}
