//! Statistics of the service loop per department and per town (部门/镇街办理情况统计), by
//! category and by month. Everything is counted per hand-over (交办) from the assignments the
//! event log derives: a department answers for the cases given to it, a town for the cases of
//! its firms. The period selects hand-overs by their assignment date.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use wujin_domain::access::Role;
use wujin_domain::service::problem::ProblemCategory;
use wujin_domain::service::stats::{SATISFACTION_FLOOR, UnitCounts, UnitRates};
use wujin_storage::entity::problem_assignment;

use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::supervision::names::{Named, unit_names};

/// The period and narrowing of the statistics.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct StatsFilter {
    /// First day (default: 1 January of this year).
    pub from: Option<NaiveDate>,
    /// Last day (default: today).
    pub to: Option<NaiveDate>,
    pub category: Option<String>,
}

impl StatsFilter {
    /// The period as dates, defaults filled in.
    pub fn period(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let from = self
            .from
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
        let to = self.to.unwrap_or(today);
        (from.min(to), to.max(from))
    }
}

/// One line of the statistics.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StatsLine {
    pub unit: Named,
    pub counts: UnitCounts,
    pub rates: UnitRates,
}

/// One month of the trend.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonthLine {
    /// `2026-03`.
    pub month: String,
    pub counts: UnitCounts,
    pub rates: UnitRates,
}

/// The whole statistics page.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ServiceStats {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub floor: f64,
    pub by_department: Vec<StatsLine>,
    pub by_town: Vec<StatsLine>,
    /// Lines keyed by category name (`unit.name` is the stored category).
    pub by_category: Vec<StatsLine>,
    pub by_month: Vec<MonthLine>,
    pub total: StatsLine,
}

#[derive(Debug, FromQueryResult)]
struct Sums {
    key: Option<String>,
    received: i64,
    assigned_on_time: Option<i64>,
    replied: i64,
    replied_on_time: Option<i64>,
    closed: Option<i64>,
    closed_on_time: Option<i64>,
    returned: Option<i64>,
    reopened: Option<i64>,
    rated: i64,
    satisfied: Option<i64>,
    worked_wd_sum: Option<i64>,
}

impl Sums {
    fn counts(&self) -> UnitCounts {
        let n = |v: Option<i64>| v.unwrap_or(0).max(0) as u64;
        UnitCounts {
            received: self.received.max(0) as u64,
            assigned_on_time: n(self.assigned_on_time),
            replied: self.replied.max(0) as u64,
            replied_on_time: n(self.replied_on_time),
            closed: n(self.closed),
            closed_on_time: n(self.closed_on_time),
            returned: n(self.returned),
            reopened: n(self.reopened),
            rated: self.rated.max(0) as u64,
            satisfied: n(self.satisfied),
            worked_wd_sum: self.worked_wd_sum.unwrap_or(0),
        }
    }
}

/// The sums of the assignments in the period grouped by `key` (a column name).
async fn sums(app: &App, f: &StatsFilter, key: &str, today: NaiveDate) -> AppResult<Vec<Sums>> {
    let (from, to) = f.period(today);
    let when = |cond: &str| Expr::cust(format!("SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)"));
    let key_expr = if key == "assigned_on" {
        Expr::cust("CAST(assigned_on AS TEXT)")
    } else {
        Expr::cust(format!("CAST({key} AS TEXT)"))
    };
    let mut q = problem_assignment::Entity::find()
        .select_only()
        .column_as(key_expr.clone(), "key")
        .column_as(Expr::cust("COUNT(*)"), "received")
        .column_as(when("assigned_on_time"), "assigned_on_time")
        .column_as(Expr::cust("COUNT(replied_on)"), "replied")
        .column_as(when("replied_on_time"), "replied_on_time")
        .column_as(when("end_kind = 'closed'"), "closed")
        .column_as(when("closed_on_time"), "closed_on_time")
        .column_as(when("end_kind = 'returned'"), "returned")
        .column_as(when("reopened"), "reopened")
        .column_as(Expr::cust("COUNT(satisfaction)"), "rated")
        .column_as(
            when("satisfaction IN ('satisfied', 'basically_satisfied')"),
            "satisfied",
        )
        .column_as(
            Expr::cust("SUM(CASE WHEN end_kind = 'closed' THEN worked_wd ELSE 0 END)"),
            "worked_wd_sum",
        )
        .filter(problem_assignment::Column::AssignedOn.gte(from))
        .filter(problem_assignment::Column::AssignedOn.lte(to));
    if let Some(c) = f.category.as_deref().and_then(ProblemCategory::parse) {
        q = q.filter(problem_assignment::Column::Category.eq(c.as_str()));
    }
    Ok(q.group_by(Expr::col(Alias::new(key)))
        .into_model::<Sums>()
        .all(app.db.read())
        .await?)
}

fn line(unit: Named, counts: UnitCounts) -> StatsLine {
    StatsLine {
        rates: counts.rates(SATISFACTION_FLOOR),
        unit,
        counts,
    }
}

/// The statistics for officials (administrators, leaders, departments, towns): the ranking of
/// every unit, as published in the campaign's bulletins.
pub async fn stats(
    app: &App,
    ctx: &Ctx,
    f: &StatsFilter,
    today: NaiveDate,
) -> AppResult<ServiceStats> {
    if matches!(ctx.actor.role, Role::Cadre | Role::Enterprise) {
        return Err(AppError::Forbidden);
    }
    let (from, to) = f.period(today);
    let db = app.db.read();
    // Four scans of the period's hand-overs, run side by side on the read pool.
    let (departments, towns, categories, days) = tokio::try_join!(
        sums(app, f, "department_id", today),
        sums(app, f, "town_id", today),
        sums(app, f, "category", today),
        sums(app, f, "assigned_on", today),
    )?;
    let ids = |v: &[Sums]| -> Vec<i64> {
        v.iter()
            .filter_map(|s| s.key.as_deref()?.parse().ok())
            .collect()
    };
    let mut unit_ids = ids(&departments);
    unit_ids.extend(ids(&towns));
    let names = unit_names(db, unit_ids, true).await?;
    let order: HashMap<i64, usize> = crate::departments::all(db)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, d)| (d.id, i))
        .collect();
    let unit_lines = |v: &[Sums]| -> Vec<StatsLine> {
        let mut out: Vec<StatsLine> = v
            .iter()
            .filter_map(|s| {
                let id: i64 = s.key.as_deref()?.parse().ok()?;
                Some(line(Named::of(id, &names), s.counts()))
            })
            .collect();
        out.sort_by_key(|l| order.get(&l.unit.id).copied().unwrap_or(usize::MAX));
        out
    };
    let mut total = UnitCounts::default();
    for d in &departments {
        total.add(&d.counts());
    }
    let mut by_category: Vec<StatsLine> = categories
        .iter()
        .filter_map(|s| {
            let c = ProblemCategory::parse(s.key.as_deref()?)?;
            Some((c, s.counts()))
        })
        .map(|(c, counts)| {
            line(
                Named {
                    id: ProblemCategory::ALL
                        .iter()
                        .position(|x| *x == c)
                        .unwrap_or(0) as i64,
                    name: c.as_str().to_string(),
                },
                counts,
            )
        })
        .collect();
    by_category.sort_by_key(|l| l.unit.id);
    let mut months: BTreeMap<String, UnitCounts> = BTreeMap::new();
    let mut m = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
    while m <= to {
        months.insert(m.format("%Y-%m").to_string(), UnitCounts::default());
        m = m
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(to.succ_opt().unwrap_or(to));
    }
    for d in &days {
        let Some(key) = d.key.as_deref() else {
            continue;
        };
        let month = key.get(..7).unwrap_or(key).to_string();
        months.entry(month).or_default().add(&d.counts());
    }
    Ok(ServiceStats {
        from,
        to,
        floor: SATISFACTION_FLOOR,
        by_department: unit_lines(&departments),
        by_town: unit_lines(&towns),
        by_category,
        by_month: months
            .into_iter()
            .map(|(month, counts)| MonthLine {
                rates: counts.rates(SATISFACTION_FLOOR),
                month,
                counts,
            })
            .collect(),
        total: line(
            Named {
                id: 0,
                name: String::new(),
            },
            total,
        ),
    })
}
