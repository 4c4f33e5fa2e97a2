//! The 亩均效益综合评价 pages (under `/evaluation`) and the 低散乱污 ledger (under `/low-end`).

pub mod low_end;
pub mod measures;
pub mod objections;
pub mod results;
pub mod schemes;

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(results::routes())
        .merge(objections::routes())
        .merge(schemes::routes())
        .merge(measures::routes())
        .merge(low_end::routes())
}
