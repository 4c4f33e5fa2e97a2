//! 督查督办 use-cases: plans and their tasks. The rules — deadline phrases, colours, escalation,
//! reporting cycles, unit names — are in `domain::supervision`.
//!
//! Who may do what: the supervision office (督查室) — administrators, and department staff of
//! the unit named by `AppConfig::supervision_office` — creates plans and tasks; leaders and the
//! office read every task; department and town staff read the tasks their unit (or a unit
//! below it) leads or co-operates on; cadres and enterprise users see nothing of this module.

pub mod board;
pub mod bulletin;
pub mod colours;
pub mod detail;
pub mod export;
pub mod import;
pub mod names;
pub mod notices;
pub mod plans;
pub mod reminders;
pub mod reports;
pub mod requests;
pub mod targets;
pub mod tasks;
pub mod webhook;

use wujin_domain::access::{Permission, Role};

use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};

/// Whether the caller acts for the supervision office.
pub async fn is_office(app: &App, ctx: &Ctx) -> AppResult<bool> {
    Ok(ctx.actor.role == Role::Admin
        || crate::departments::is_staff_of(app, ctx, &app.config.supervision_office).await?)
}

/// Refuses callers who do not act for the supervision office.
pub async fn require_office(app: &App, ctx: &Ctx) -> AppResult<()> {
    if is_office(app, ctx).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Which units' tasks the caller reads: `None` for all (leaders, the office), else the units
/// of the caller's scope.
pub(crate) async fn visible_units(app: &App, ctx: &Ctx) -> AppResult<Option<Vec<i64>>> {
    ctx.require(Permission::ViewSupervision)?;
    if is_office(app, ctx).await? {
        return Ok(None);
    }
    crate::departments::scope_units(app, ctx).await
}
