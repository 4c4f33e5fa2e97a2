//! Which problems a caller reaches, and in which capacities they act on one.

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait};
use wujin_domain::access::{DataScope, Role};
use wujin_domain::service::case::CaseActor;
use wujin_domain::service::problem::CaseLevel;
use wujin_storage::entity::{enterprise_cadre, problem, problem_reach};

use super::is_office;
use crate::App;
use crate::context::Ctx;
use crate::departments::subtree;
use crate::error::AppResult;

/// The problems a caller reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemScope {
    /// Administrators, leaders, the service office.
    All,
    /// Department staff: cases their units lead, co-operate on, or once held.
    Departments(Vec<i64>),
    /// Town staff: the cases of their firms, and those their units handle.
    Towns(Vec<i64>),
    /// A cadre: the cases of the firms assigned to them, and those they registered.
    Cadre(i64),
    /// A firm: its own cases.
    Firm(i64),
    Nothing,
}

impl ProblemScope {
    pub async fn of(app: &App, ctx: &Ctx) -> AppResult<ProblemScope> {
        if is_office(app, ctx).await? {
            return Ok(ProblemScope::All);
        }
        let db = app.db.read();
        Ok(match ctx.actor.scope() {
            DataScope::All => ProblemScope::All,
            DataScope::DepartmentTree { department_id } => {
                ProblemScope::Departments(subtree(db, department_id).await?)
            }
            DataScope::Town { town_id } => ProblemScope::Towns(subtree(db, town_id).await?),
            DataScope::AssignedEnterprises { user_id } => ProblemScope::Cadre(user_id),
            DataScope::OwnEnterprise {
                enterprise_id: Some(id),
            } => ProblemScope::Firm(id),
            DataScope::OwnEnterprise {
                enterprise_id: None,
            }
            | DataScope::Nothing => ProblemScope::Nothing,
        })
    }

    /// The filter on `problem` rows.
    pub fn condition(&self) -> Condition {
        // A problem's reach rows list every unit that held it (lead or co-department, now or
        // before) and the firm's town.
        let reached_by = |units: &Vec<i64>| {
            Condition::all().add(
                problem::Column::Id.in_subquery(
                    Query::select()
                        .column(problem_reach::Column::ProblemId)
                        .from(problem_reach::Entity)
                        .and_where(problem_reach::Column::UnitId.is_in(units.clone()))
                        .to_owned(),
                ),
            )
        };
        match self {
            ProblemScope::All => Condition::all(),
            ProblemScope::Departments(units) | ProblemScope::Towns(units) => reached_by(units),
            ProblemScope::Cadre(user_id) => Condition::any()
                .add(problem::Column::CreatedBy.eq(*user_id))
                .add(
                    problem::Column::EnterpriseId.in_subquery(
                        Query::select()
                            .column(enterprise_cadre::Column::EnterpriseId)
                            .from(enterprise_cadre::Entity)
                            .and_where(enterprise_cadre::Column::UserId.eq(*user_id))
                            .to_owned(),
                    ),
                ),
            ProblemScope::Firm(id) => Condition::all().add(problem::Column::EnterpriseId.eq(*id)),
            ProblemScope::Nothing => Condition::all().add(problem::Column::Id.eq(-1)),
        }
    }

    /// The units of a unit-based scope.
    pub fn units(&self) -> &[i64] {
        match self {
            ProblemScope::Departments(u) | ProblemScope::Towns(u) => u,
            _ => &[],
        }
    }
}

/// The capacities in which the caller acts on `p` (dispatcher, lead, co-department, firm).
pub async fn actors_on(
    app: &App,
    ctx: &Ctx,
    db: &impl ConnectionTrait,
    p: &problem::Model,
    co_departments: &[i64],
) -> AppResult<Vec<CaseActor>> {
    let mut out = Vec::new();
    let office = is_office(app, ctx).await?;
    let units = match (ctx.actor.role, ctx.actor.department_id) {
        (Role::Department | Role::Town, Some(d)) => subtree(db, d).await?,
        _ => Vec::new(),
    };
    let level = CaseLevel::parse(&p.level).unwrap_or(CaseLevel::City);
    let town_dispatcher = ctx.actor.role == Role::Town
        && level == CaseLevel::Town
        && p.town_id.is_some_and(|t| units.contains(&t));
    if office || town_dispatcher {
        out.push(CaseActor::Dispatcher);
    }
    if p.lead_department_id.is_some_and(|d| units.contains(&d)) {
        out.push(CaseActor::Lead);
    }
    if co_departments.iter().any(|d| units.contains(d)) {
        out.push(CaseActor::CoDepartment);
    }
    if ctx.actor.role == Role::Enterprise && ctx.actor.enterprise_id == Some(p.enterprise_id) {
        out.push(CaseActor::Firm);
    }
    Ok(out)
}
