//! The problem list (问题清单) and a department's queue: filters, sorts and pages over the
//! problems the caller reaches.

use chrono::NaiveDate;
use sea_orm::sea_query::{NullOrdering, Order};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use wujin_domain::service::case::CaseState;
use wujin_storage::entity::{problem, problem_reach};

use super::scope::ProblemScope;
use super::view::{ProblemRow, rows};
use crate::App;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::page::{Page, PageRequest};
use wujin_storage::dialect::contains_ci;

/// Filters of the problem list; every one is optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct ProblemFilter {
    /// Words in the title, description or tags.
    pub q: Option<String>,
    /// A `CaseState`, or `open` / `closed` / `awaiting` (waiting for assignment).
    pub state: Option<String>,
    pub category: Option<String>,
    pub source: Option<String>,
    pub level: Option<String>,
    pub urgency: Option<String>,
    /// The current lead department.
    pub department_id: Option<i64>,
    pub town_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// Only cases past their current deadline.
    pub overdue: bool,
    /// Received on or after / on or before.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// 落实清单: only problems with a promised measure.
    pub commitments: bool,
    /// `due` (default: the nearest deadline first), `received`, `-received`, `updated`,
    /// `measure_due`.
    pub sort: Option<String>,
}

impl ProblemFilter {
    fn condition(&self, today: NaiveDate) -> Condition {
        let mut c = Condition::all();
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            c = c.add(
                Condition::any()
                    .add(contains_ci(problem::Column::Title, q))
                    .add(contains_ci(problem::Column::Description, q))
                    .add(contains_ci(problem::Column::Tags, q)),
            );
        }
        if let Some(states) = states(self.state.as_deref()) {
            c = c.add(problem::Column::State.is_in(states));
        }
        for (col, v) in [
            (problem::Column::Category, &self.category),
            (problem::Column::Source, &self.source),
            (problem::Column::Level, &self.level),
            (problem::Column::Urgency, &self.urgency),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                c = c.add(col.eq(v));
            }
        }
        if let Some(d) = self.department_id {
            c = c.add(problem::Column::LeadDepartmentId.eq(d));
        }
        if let Some(t) = self.town_id {
            c = c.add(problem::Column::TownId.eq(t));
        }
        if let Some(e) = self.enterprise_id {
            c = c.add(problem::Column::EnterpriseId.eq(e));
        }
        if self.overdue {
            c = c.add(problem::Column::DueOn.lt(today));
        }
        if self.commitments {
            c = c.add(problem::Column::Measure.is_not_null());
        }
        if let Some(f) = self.from {
            c = c.add(problem::Column::ReceivedOn.gte(f));
        }
        if let Some(t) = self.to {
            c = c.add(problem::Column::ReceivedOn.lte(t));
        }
        c
    }
}

/// The states a state filter stands for (`open`, `closed`, `awaiting` or one state); `None`
/// for no filter. An unknown state matches nothing.
fn states(s: Option<&str>) -> Option<Vec<&'static str>> {
    Some(match s.filter(|s| !s.is_empty())? {
        "open" => CaseState::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str())
            .collect(),
        "closed" => vec!["closed", "rated"],
        "awaiting" => vec!["received", "returned", "reopened"],
        s => vec![CaseState::parse(s).map(|s| s.as_str()).unwrap_or("-")],
    })
}

impl ProblemFilter {
    /// Whether only the columns a unit's reach rows carry are filtered on (and the sort is one
    /// they carry), so a unit's queue can be read from them alone.
    fn reach_only(&self) -> bool {
        self.q.as_deref().is_none_or(|q| q.trim().is_empty())
            && [&self.source, &self.level, &self.urgency]
                .iter()
                .all(|v| v.as_deref().is_none_or(str::is_empty))
            && self.department_id.is_none()
            && self.town_id.is_none()
            && self.enterprise_id.is_none()
            && !self.commitments
            && self.sort.as_deref() != Some("measure_due")
    }

    fn reach_condition(&self, units: &[i64], today: NaiveDate) -> Condition {
        let mut c = Condition::all().add(problem_reach::Column::UnitId.is_in(units.to_vec()));
        if let Some(states) = states(self.state.as_deref()) {
            c = c.add(problem_reach::Column::State.is_in(states));
        }
        if let Some(v) = self.category.as_deref().filter(|v| !v.is_empty()) {
            c = c.add(problem_reach::Column::Category.eq(v));
        }
        if self.overdue {
            c = c.add(problem_reach::Column::DueKey.lt(today));
        }
        if let Some(f) = self.from {
            c = c.add(problem_reach::Column::ReceivedOn.gte(f));
        }
        if let Some(t) = self.to {
            c = c.add(problem_reach::Column::ReceivedOn.lte(t));
        }
        c
    }
}

/// A page of a single unit's queue read from its reach rows: the matching count and the
/// problems of the page in order. `None` when the filter or the scope needs the full query.
async fn reach_page(
    app: &App,
    scope: &ProblemScope,
    f: &ProblemFilter,
    page: PageRequest,
    today: NaiveDate,
) -> AppResult<Option<(u64, Vec<problem::Model>)>> {
    let units = match scope {
        ProblemScope::Departments(u) | ProblemScope::Towns(u) if u.len() == 1 => u.clone(),
        _ => return Ok(None),
    };
    if !f.reach_only() {
        return Ok(None);
    }
    let db = app.db.read();
    let cond = f.reach_condition(&units, today);
    let total = problem_reach::Entity::find()
        .filter(cond.clone())
        .count(db)
        .await?;
    let q = problem_reach::Entity::find()
        .select_only()
        .column(problem_reach::Column::ProblemId)
        .filter(cond);
    let q = match f.sort.as_deref() {
        Some("received") => q
            .order_by_asc(problem_reach::Column::ReceivedOn)
            .order_by_asc(problem_reach::Column::ProblemId),
        Some("-received") => q
            .order_by_desc(problem_reach::Column::ReceivedOn)
            .order_by_desc(problem_reach::Column::ProblemId),
        Some("updated") => q
            .order_by_desc(problem_reach::Column::UpdatedAt)
            .order_by_desc(problem_reach::Column::ProblemId),
        _ => q
            .order_by_asc(problem_reach::Column::DueKey)
            .order_by_desc(problem_reach::Column::ProblemId),
    };
    let ids: Vec<i64> = q
        .offset(page.offset())
        .limit(page.per_page)
        .into_tuple()
        .all(db)
        .await?;
    Ok(Some((total, in_order(db, &ids).await?)))
}

/// The problems with these ids, in the order of the ids.
async fn in_order(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
) -> AppResult<Vec<problem::Model>> {
    let mut found: std::collections::HashMap<i64, problem::Model> = problem::Entity::find()
        .filter(problem::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The query of the problems `scope` reaches under `f`, unsorted.
fn select(
    scope: &ProblemScope,
    f: &ProblemFilter,
    today: NaiveDate,
) -> sea_orm::Select<problem::Entity> {
    problem::Entity::find()
        .filter(scope.condition())
        .filter(f.condition(today))
}

fn sorted(
    q: sea_orm::Select<problem::Entity>,
    sort: Option<&str>,
) -> sea_orm::Select<problem::Entity> {
    match sort {
        Some("received") => q
            .order_by_asc(problem::Column::ReceivedOn)
            .order_by_asc(problem::Column::Id),
        Some("-received") => q
            .order_by_desc(problem::Column::ReceivedOn)
            .order_by_desc(problem::Column::Id),
        Some("measure_due") => q
            .order_by_with_nulls(problem::Column::MeasureDue, Order::Asc, NullOrdering::Last)
            .order_by_asc(problem::Column::Id),
        Some("updated") => q
            .order_by_desc(problem::Column::UpdatedAt)
            .order_by_desc(problem::Column::Id),
        _ => q
            .order_by_with_nulls(problem::Column::DueOn, Order::Asc, NullOrdering::Last)
            .order_by_desc(problem::Column::Id),
    }
}

/// One page of the problems the caller reaches.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    f: &ProblemFilter,
    page: PageRequest,
    today: NaiveDate,
) -> AppResult<Page<ProblemRow>> {
    let db = app.db.read();
    let scope = ProblemScope::of(app, ctx).await?;
    let (total, items) = match reach_page(app, &scope, f, page, today).await? {
        Some(x) => x,
        None => {
            let q = select(&scope, f, today);
            if scope.units().is_empty() {
                let total = q.clone().count(db).await?;
                let items = sorted(q, f.sort.as_deref())
                    .offset(page.offset())
                    .limit(page.per_page)
                    .all(db)
                    .await?;
                (total, items)
            } else {
                // A unit reaches a bounded share of the cases: one pass gives the ordered ids
                // (their number is the total), then the page's rows.
                let ids: Vec<i64> = sorted(q, f.sort.as_deref())
                    .select_only()
                    .column(problem::Column::Id)
                    .into_tuple()
                    .all(db)
                    .await?;
                let start = (page.offset() as usize).min(ids.len());
                let end = (start + page.per_page as usize).min(ids.len());
                (ids.len() as u64, in_order(db, &ids[start..end]).await?)
            }
        }
    };
    Ok(Page {
        items: rows(db, items, today).await?,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every problem the caller reaches under `f` (exports), in list order, up to `max`.
pub async fn all(
    app: &App,
    ctx: &Ctx,
    f: &ProblemFilter,
    today: NaiveDate,
    max: u64,
) -> AppResult<Vec<ProblemRow>> {
    let db = app.db.read();
    let q = select(&ProblemScope::of(app, ctx).await?, f, today);
    let items = sorted(q, f.sort.as_deref()).limit(max).all(db).await?;
    rows(db, items, today).await
}

/// Counts per state of the problems the caller reaches (the tabs above the list).
pub async fn counts_by_state(
    app: &App,
    ctx: &Ctx,
    today: NaiveDate,
) -> AppResult<Vec<(String, i64)>> {
    let scope = ProblemScope::of(app, ctx).await?;
    if let ProblemScope::Departments(units) | ProblemScope::Towns(units) = &scope {
        // Each problem has one reach row per unit; one unit counts each problem once.
        if units.len() == 1 {
            return Ok(problem_reach::Entity::find()
                .select_only()
                .column(problem_reach::Column::State)
                .column_as(problem_reach::Column::ProblemId.count(), "n")
                .filter(problem_reach::Column::UnitId.is_in(units.clone()))
                .group_by(problem_reach::Column::State)
                .into_tuple()
                .all(app.db.read())
                .await?);
        }
    }
    let q = select(&scope, &ProblemFilter::default(), today);
    let rows: Vec<(String, i64)> = q
        .select_only()
        .column(problem::Column::State)
        .column_as(problem::Column::Id.count(), "n")
        .group_by(problem::Column::State)
        .into_tuple()
        .all(app.db.read())
        .await?;
    Ok(rows)
}
