//! 三服务 use-cases: visits, problems and their handling, the 落实清单, the statistics and the
//! daily reminders. The rules — the case state machine, the clocks, the rates — are in
//! `domain::service`.
//!
//! Who does what:
//! - the service office (企业服务中心: administrators, and department staff of the unit named by
//!   `AppConfig::service_office`) registers problems from any source, dispatches (交办) every
//!   case, and sees all of them; leaders read everything;
//! - town staff record visits and problems of their firms and dispatch town-level cases;
//! - a department sees the cases it leads, co-operates on or once held, and handles them;
//! - a cadre records visits and problems of the firms assigned to them and follows those;
//! - a firm reports its own problems, follows them, supplies material, rates and reopens.

pub mod clock;
pub mod coverage;
pub mod export;
pub mod labels;
pub mod problems;
pub mod queue;
pub mod reminders;
pub mod scope;
pub mod stats;
pub mod view;
pub mod visits;

use wujin_domain::access::Role;

use crate::App;
use crate::context::Ctx;
use crate::error::AppResult;

/// Whether the caller acts for the service office.
pub async fn is_office(app: &App, ctx: &Ctx) -> AppResult<bool> {
    Ok(ctx.actor.role == Role::Admin
        || crate::departments::is_staff_of(app, ctx, &app.config.service_office).await?)
}

/// Longest free text (description, note, answer), in characters.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 100;
