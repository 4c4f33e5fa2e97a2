//! 亩均效益综合评价 use-cases: runs, schemes, results and explanations, publication and
//! objections, class measures. The rules are in `domain::evaluation`; the 低散乱污 ledger is
//! in `crate::low_end`.
//!
//! Who may do what: every role with `ViewEvaluation` reads results within its data scope; the
//! evaluation office (评价办) — administrators, and department staff of the unit named by
//! `AppConfig::evaluation_office` — runs, publishes and finalises evaluations, edits schemes and
//! decides objections.

pub mod explain;
pub mod firm;
pub mod measures;
pub mod objections;
pub mod publication;
pub mod results;
pub mod run;
pub mod schemes;

pub use run::{RunSummary, results, run};

use wujin_domain::access::Permission;

use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};

/// Whether the caller acts for the evaluation office.
pub async fn is_office(app: &App, ctx: &Ctx) -> AppResult<bool> {
    Ok(ctx.actor.can(Permission::RunEvaluation)
        || crate::departments::is_staff_of(app, ctx, &app.config.evaluation_office).await?)
}

/// Refuses callers who do not act for the evaluation office.
pub async fn require_office(app: &App, ctx: &Ctx) -> AppResult<()> {
    if is_office(app, ctx).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
