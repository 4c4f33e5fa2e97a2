//! The 低散乱污 ledger (低散乱污企业整治台账): candidates screened from the registry and the
//! evaluation runs, verified by their town (属地核实), disposed of under a plan with steps and
//! progress, and closed (销号) with evidence; the land and energy freed are totalled.
//!
//! Who may do what:
//! - the evaluation office (`crate::evaluation::require_office`) screens a year and may take
//!   every action on every case;
//! - town staff (`Permission::VerifyLowEnd`) verify, plan and close the cases of their own
//!   towns;
//! - staff of a case's responsible unit report progress and mark its steps done;
//! - administrators, leaders and department staff read the whole ledger; town staff read the
//!   cases of their towns and those their town is responsible for; cadres and enterprise users
//!   have no access (403). A case outside the caller's scope is 404, like a missing one.
//!
//! The case's life follows `wujin_domain::evaluation::low_end::CASE_TRANSITIONS`; a move the
//! table refuses is a 409 with the reason.

pub mod case;
pub mod ledger;
pub mod reminders;
pub mod screening;

pub use case::{
    CaseActions, CaseDetail, CaseFacts, CloseInput, PlanInput, StepInput, StepView, attachment,
    close, complete_step, get, plan, progress, verify,
};
pub use ledger::{CaseFilter, CaseView, FreedRow, LedgerTotals, list, rows, totals};
pub use reminders::remind_overdue;
pub use screening::{GenerateSummary, RunChoice, generate, runs};

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use wujin_domain::access::{Permission, Role};
use wujin_domain::evaluation::low_end::{CaseAction, CaseStatus, TransitionError, transition};
use wujin_storage::entity::{department, low_end_case};

use crate::context::Ctx;
use crate::departments::subtree;
use crate::error::{AppError, AppResult};
use crate::registry::Named;
use crate::{App, evaluation};

/// The audit entity of a case.
pub const ENTITY: &str = "low_end_case";

/// Today in China (the platform's time zone): deadlines and reminders count in it.
pub fn today() -> NaiveDate {
    crate::china_today()
}

/// The cases a caller reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CaseScope {
    All,
    /// Cases of these towns, and those these units are responsible for.
    Units(Vec<i64>),
}

impl CaseScope {
    /// The caller's scope; cadres and enterprise users have no access to the ledger.
    pub(crate) async fn of(db: &impl ConnectionTrait, ctx: &Ctx) -> AppResult<CaseScope> {
        ctx.require(Permission::ViewEvaluation)?;
        match ctx.actor.role {
            Role::Admin | Role::Leader | Role::Department => Ok(CaseScope::All),
            Role::Town => Ok(CaseScope::Units(match ctx.actor.department_id {
                Some(t) => subtree(db, t).await?,
                None => Vec::new(),
            })),
            Role::Cadre | Role::Enterprise => Err(AppError::Forbidden),
        }
    }

    pub(crate) fn condition(&self) -> Condition {
        match self {
            CaseScope::All => Condition::all(),
            CaseScope::Units(units) => Condition::any()
                .add(low_end_case::Column::TownId.is_in(units.clone()))
                .add(low_end_case::Column::ResponsibleUnitId.is_in(units.clone())),
        }
    }
}

/// The case `id` if the caller reaches it; `NotFound` otherwise.
pub(crate) async fn find_case(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> AppResult<low_end_case::Model> {
    let scope = CaseScope::of(db, ctx).await?;
    low_end_case::Entity::find_by_id(id)
        .filter(scope.condition())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// What the caller is to a case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Rights {
    /// Acts for the evaluation office.
    pub office: bool,
    /// Town staff of the case's own town.
    pub own_town: bool,
    /// Staff of the case's responsible unit.
    pub unit_staff: bool,
}

impl Rights {
    pub(crate) async fn of(
        app: &App,
        db: &impl ConnectionTrait,
        ctx: &Ctx,
        case: &low_end_case::Model,
    ) -> AppResult<Rights> {
        let office = evaluation::is_office(app, ctx).await?;
        let unit = ctx.actor.department_id;
        let own_town = match (ctx.actor.role, unit, case.town_id) {
            (Role::Town, Some(u), Some(t)) if ctx.actor.can(Permission::VerifyLowEnd) => {
                subtree(db, u).await?.contains(&t)
            }
            _ => false,
        };
        let unit_staff = match (unit, case.responsible_unit_id) {
            (Some(u), Some(r)) if matches!(ctx.actor.role, Role::Department | Role::Town) => {
                subtree(db, r).await?.contains(&u)
            }
            _ => false,
        };
        Ok(Rights {
            office,
            own_town,
            unit_staff,
        })
    }

    /// Verify, plan and close: the office or the case's town.
    pub(crate) fn manages(&self) -> bool {
        self.office || self.own_town
    }

    /// Report progress and mark steps done: also the responsible unit.
    pub(crate) fn works_on(&self) -> bool {
        self.manages() || self.unit_staff
    }
}

/// The stored status of a case.
pub(crate) fn status_of(case: &low_end_case::Model) -> AppResult<CaseStatus> {
    CaseStatus::parse(&case.status).ok_or_else(|| {
        AppError::Internal(format!(
            "low_end_case {} has unknown status {}",
            case.id, case.status
        ))
    })
}

/// The status after `action`, or a 409 naming why the case cannot take it.
pub(crate) fn next_status(case: &low_end_case::Model, action: CaseAction) -> AppResult<CaseStatus> {
    transition(status_of(case)?, action)
        .map_err(|e: TransitionError| AppError::Conflict(e.key().to_string()))
}

/// Names of every unit, by id.
pub(crate) async fn unit_names(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, String>> {
    Ok(department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect())
}

pub(crate) fn named(names: &HashMap<i64, String>, id: Option<i64>) -> Option<Named> {
    id.map(|id| Named {
        id,
        name: names.get(&id).cloned().unwrap_or_else(|| id.to_string()),
    })
}
