//! The plan board (任务看板): every task the caller sees with its current colour, the lead
//! unit's report for the cycle being reported, and any open 督办单 — filtered, sorted and
//! paged — and the same rows summed by colour, by lead leader and by unit.
//!
//! One loader reads a plan's rows in a fixed number of queries (tasks, co-units, two cycles of
//! colours, one cycle of reports, open notices, names); every view is computed from it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wujin_domain::supervision::colour::TaskColour;
use wujin_domain::supervision::cycle::{CycleRules, ReportStatus, report_status};
use wujin_domain::supervision::escalation::{NoticeLevel, NoticeState};
use wujin_storage::entity::{
    progress_report, supervision_notice, supervision_plan, supervision_task, task_co_unit,
    task_colour,
};

use super::plans::{PlanView, view as plan_view};
use super::visible_units;
use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};

pub use super::names::Named;

/// One task on the board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub level: i32,
    pub serial: String,
    pub content: String,
    /// The area (领域) the task belongs to.
    pub area: Option<String>,
    pub lead_leader: Option<Named>,
    pub lead_unit: Option<Named>,
    pub co_units: Vec<Named>,
    pub deadline_text: Option<String>,
    pub deadline_on: Option<NaiveDate>,
    /// open | done
    pub status: String,
    /// The colour of the latest computed cycle; none before the first computation.
    pub colour: Option<TaskColour>,
    /// The colour of the cycle before.
    pub previous_colour: Option<TaskColour>,
    /// Latest percent complete the lead unit reported.
    pub percent: Option<f64>,
    /// 序时进度 when the colour was computed.
    pub elapsed_progress: Option<f64>,
    /// The lead unit's report of the cycle being reported.
    pub report: ReportStatus,
    /// The open 督办单's level, if any.
    pub open_notice: Option<NoticeLevel>,
    sort_order: i32,
}

impl BoardRow {
    /// Past its deadline and not done.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status != "done" && self.deadline_on.is_some_and(|d| d < today)
    }
}

/// The order of the board.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardSort {
    /// The plan's order (序号).
    #[default]
    Plan,
    /// Red first, then yellow, blue, green, grey.
    Colour,
    /// Earliest deadline first; tasks without a date last.
    Deadline,
    /// Least progress first.
    Progress,
}

/// Report filters of the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFilter {
    /// Not yet filed (due or missing).
    Unfiled,
    /// Filed after the due date.
    Late,
    /// Due date passed, not filed.
    Missing,
}

/// What the board shows.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct BoardFilter {
    pub colour: Option<TaskColour>,
    pub leader_id: Option<i64>,
    /// Tasks this unit leads or co-operates on.
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub overdue: bool,
    pub report: Option<ReportFilter>,
    /// Words of the content or 序号.
    pub q: Option<String>,
    #[serde(default)]
    pub sort: BoardSort,
}

/// A plan's board.
#[derive(Debug, Clone, Serialize)]
pub struct Board {
    pub plan: PlanView,
    /// The cycle whose colours are shown (`2022-06`); none before the first computation.
    pub colour_cycle: Option<String>,
    pub previous_cycle: Option<String>,
    /// The cycle being reported and its due date.
    pub report_cycle: String,
    pub report_due: NaiveDate,
    /// Every task the caller sees, by colour (`none` for not yet computed).
    pub counts: BTreeMap<String, usize>,
    /// Tasks past their deadline and not done.
    pub overdue: usize,
    pub rows: Page<BoardRow>,
    /// Choices of the filters: the leaders and units of the caller's tasks.
    pub leaders: Vec<Named>,
    pub units: Vec<Named>,
}

/// A leader's or a unit's tasks by colour.
#[derive(Debug, Clone, Serialize)]
pub struct Portfolio {
    pub who: Named,
    /// Tasks led (leader) or led by the unit.
    pub leads: usize,
    /// Tasks the unit co-operates on (0 for leaders).
    pub co_operates: usize,
    pub by_colour: BTreeMap<String, usize>,
    pub overdue: usize,
    /// Lead reports of the cycle being reported: filed, late, missing.
    pub filed: usize,
    pub late: usize,
    pub missing: usize,
}

/// A plan's rows as the caller sees them.
pub(crate) struct Loaded {
    pub plan: PlanView,
    pub colour_cycle: Option<String>,
    pub previous_cycle: Option<String>,
    pub report_cycle: String,
    pub report_due: NaiveDate,
    /// Tasks (areas excluded), in plan order.
    pub rows: Vec<BoardRow>,
}

fn colour_of(s: &str) -> Option<TaskColour> {
    serde_json::from_value(json!(s)).ok()
}

/// The text of a colour as stored and as query strings name it.
pub fn colour_key(c: Option<TaskColour>) -> String {
    c.and_then(|c| json!(c).as_str().map(str::to_string))
        .unwrap_or_else(|| "none".to_string())
}

/// Rank of a colour for the "worst first" order.
fn severity(c: Option<TaskColour>) -> u8 {
    match c {
        Some(TaskColour::Red) => 0,
        Some(TaskColour::Yellow) => 1,
        Some(TaskColour::Blue) => 2,
        Some(TaskColour::Green) => 3,
        None => 4,
        Some(TaskColour::Grey) => 5,
    }
}

fn plan_tasks(plan_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(supervision_task::Column::Id)
        .from(supervision_task::Entity)
        .and_where(supervision_task::Column::PlanId.eq(plan_id))
        .to_owned()
}

/// The latest two cycles with computed colours in a plan, latest first.
async fn colour_cycles(
    db: &impl ConnectionTrait,
    plan_id: i64,
) -> AppResult<(Option<String>, Option<String>)> {
    let latest: Option<String> = task_colour::Entity::find()
        .select_only()
        .column_as(task_colour::Column::Cycle.max(), "c")
        .filter(task_colour::Column::TaskId.in_subquery(plan_tasks(plan_id)))
        .into_tuple::<Option<String>>()
        .one(db)
        .await?
        .flatten();
    let Some(latest) = latest else {
        return Ok((None, None));
    };
    let previous: Option<String> = task_colour::Entity::find()
        .select_only()
        .column_as(task_colour::Column::Cycle.max(), "c")
        .filter(task_colour::Column::TaskId.in_subquery(plan_tasks(plan_id)))
        .filter(task_colour::Column::Cycle.lt(&latest))
        .into_tuple::<Option<String>>()
        .one(db)
        .await?
        .flatten();
    Ok((Some(latest), previous))
}

/// Reads a plan's tasks the caller sees, with their colours, reports, notices and names.
pub(crate) async fn load(
    app: &App,
    ctx: &Ctx,
    plan_id: i64,
    today: NaiveDate,
) -> AppResult<Loaded> {
    let units = visible_units(app, ctx).await?;
    let db = app.db.read();
    let plan = supervision_plan::Entity::find_by_id(plan_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let plan = plan_view(plan, 0);
    let rules = CycleRules {
        period: plan.report_period,
        due_day: plan.report_due_day,
    };
    let calendar = crate::calendar::current(db).await?;
    let (report_cycle, report_due) = super::reports::cycle_being_reported(&rules, today, &calendar);
    let report_cycle = report_cycle.label();

    let all = supervision_task::Entity::find()
        .filter(supervision_task::Column::PlanId.eq(plan_id))
        .order_by_asc(supervision_task::Column::SortOrder)
        .all(db)
        .await?;
    let mut co: HashMap<i64, Vec<i64>> = HashMap::new();
    for link in task_co_unit::Entity::find()
        .filter(task_co_unit::Column::TaskId.in_subquery(plan_tasks(plan_id)))
        .all(db)
        .await?
    {
        co.entry(link.task_id).or_default().push(link.unit_id);
    }
    let mine = |t: &supervision_task::Model| match &units {
        None => true,
        Some(units) => {
            t.lead_unit_id.is_some_and(|u| units.contains(&u))
                || co
                    .get(&t.id)
                    .is_some_and(|c| c.iter().any(|u| units.contains(u)))
        }
    };
    let areas: HashMap<i64, &supervision_task::Model> = all.iter().map(|t| (t.id, t)).collect();
    let area_of = |t: &supervision_task::Model| {
        let mut cur = t.parent_id;
        while let Some(p) = cur.and_then(|p| areas.get(&p)) {
            if p.level == 0 {
                return Some(p.content.clone());
            }
            cur = p.parent_id;
        }
        None
    };

    let (colour_cycle, previous_cycle) = colour_cycles(db, plan_id).await?;
    let mut colours: HashMap<i64, (Option<TaskColour>, Option<f64>, f64)> = HashMap::new();
    let mut previous: HashMap<i64, TaskColour> = HashMap::new();
    let cycles: Vec<String> = colour_cycle
        .iter()
        .chain(previous_cycle.iter())
        .cloned()
        .collect();
    if !cycles.is_empty() {
        for c in task_colour::Entity::find()
            .filter(task_colour::Column::TaskId.in_subquery(plan_tasks(plan_id)))
            .filter(task_colour::Column::Cycle.is_in(cycles))
            .all(db)
            .await?
        {
            if Some(&c.cycle) == colour_cycle.as_ref() {
                colours.insert(
                    c.task_id,
                    (colour_of(&c.colour), c.percent_complete, c.elapsed_progress),
                );
            } else if let Some(col) = colour_of(&c.colour) {
                previous.insert(c.task_id, col);
            }
        }
    }
    let mut filed: HashMap<i64, NaiveDate> = HashMap::new();
    let tz = wujin_domain::tz::china_tz();
    for r in progress_report::Entity::find()
        .filter(progress_report::Column::TaskId.in_subquery(plan_tasks(plan_id)))
        .filter(progress_report::Column::Cycle.eq(&report_cycle))
        .filter(progress_report::Column::IsLead.eq(true))
        .all(db)
        .await?
    {
        filed.insert(r.task_id, r.submitted_at.with_timezone(&tz).date_naive());
    }
    let open_states = [
        json!(NoticeState::Issued)
            .as_str()
            .unwrap_or_default()
            .to_string(),
        json!(NoticeState::Answered)
            .as_str()
            .unwrap_or_default()
            .to_string(),
    ];
    let mut notices: HashMap<i64, NoticeLevel> = HashMap::new();
    for n in supervision_notice::Entity::find()
        .filter(supervision_notice::Column::TaskId.in_subquery(plan_tasks(plan_id)))
        .filter(supervision_notice::Column::Status.is_in(open_states))
        .all(db)
        .await?
    {
        if let Ok(level) = serde_json::from_value::<NoticeLevel>(json!(n.level)) {
            notices
                .entry(n.task_id)
                .and_modify(|l| *l = (*l).max(level))
                .or_insert(level);
        }
    }

    let shown: Vec<&supervision_task::Model> =
        all.iter().filter(|t| t.level > 0 && mine(t)).collect();
    let mut user_ids: HashSet<i64> = HashSet::new();
    let mut unit_ids: HashSet<i64> = HashSet::new();
    for t in &shown {
        user_ids.extend(t.lead_leader_id);
        unit_ids.extend(t.lead_unit_id);
        unit_ids.extend(co.get(&t.id).into_iter().flatten());
    }
    let leaders = super::names::users(db, user_ids).await?;
    let unit_names = super::names::unit_names(db, unit_ids, true).await?;
    let named = Named::of;
    let rows = shown
        .into_iter()
        .map(|t| {
            let (colour, percent, elapsed) =
                colours.get(&t.id).copied().unwrap_or((None, None, 0.0));
            BoardRow {
                id: t.id,
                parent_id: t.parent_id,
                level: t.level,
                serial: t.serial.clone(),
                content: t.content.clone(),
                area: area_of(t),
                lead_leader: t.lead_leader_id.map(|l| named(l, &leaders)),
                lead_unit: t.lead_unit_id.map(|u| named(u, &unit_names)),
                co_units: co
                    .get(&t.id)
                    .into_iter()
                    .flatten()
                    .map(|u| named(*u, &unit_names))
                    .collect(),
                deadline_text: t.deadline_text.clone(),
                deadline_on: t.deadline_on,
                status: t.status.clone(),
                colour,
                previous_colour: previous.get(&t.id).copied(),
                percent,
                elapsed_progress: colour.map(|_| elapsed),
                report: if t.status == "done" {
                    ReportStatus::OnTime
                } else {
                    report_status(report_due, filed.get(&t.id).copied(), today)
                },
                open_notice: notices.get(&t.id).copied(),
                sort_order: t.sort_order,
            }
        })
        .collect();
    Ok(Loaded {
        plan,
        colour_cycle,
        previous_cycle,
        report_cycle,
        report_due,
        rows,
    })
}

fn matches(r: &BoardRow, f: &BoardFilter, today: NaiveDate) -> bool {
    if f.colour.is_some() && r.colour != f.colour {
        return false;
    }
    if f.leader_id.is_some() && r.lead_leader.as_ref().map(|l| l.id) != f.leader_id {
        return false;
    }
    if let Some(u) = f.unit_id
        && r.lead_unit.as_ref().map(|l| l.id) != Some(u)
        && !r.co_units.iter().any(|c| c.id == u)
    {
        return false;
    }
    if f.overdue && !r.is_overdue(today) {
        return false;
    }
    match f.report {
        Some(ReportFilter::Unfiled)
            if !matches!(
                r.report,
                ReportStatus::NotYetDue | ReportStatus::Missing { .. }
            ) =>
        {
            return false;
        }
        Some(ReportFilter::Late) if !matches!(r.report, ReportStatus::Late { .. }) => {
            return false;
        }
        Some(ReportFilter::Missing) if !matches!(r.report, ReportStatus::Missing { .. }) => {
            return false;
        }
        _ => {}
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let hit = q.split_whitespace().all(|w| {
            r.content.contains(w)
                || r.serial == w
                || r.lead_unit.as_ref().is_some_and(|u| u.name.contains(w))
                || r.lead_leader.as_ref().is_some_and(|u| u.name.contains(w))
        });
        if !hit {
            return false;
        }
    }
    true
}

fn sort_rows(rows: &mut [BoardRow], sort: BoardSort) {
    match sort {
        BoardSort::Plan => rows.sort_by_key(|r| r.sort_order),
        BoardSort::Colour => rows.sort_by_key(|r| (severity(r.colour), r.sort_order)),
        BoardSort::Deadline => {
            rows.sort_by_key(|r| (r.deadline_on.is_none(), r.deadline_on, r.sort_order))
        }
        BoardSort::Progress => rows.sort_by(|a, b| {
            a.percent
                .unwrap_or(0.0)
                .total_cmp(&b.percent.unwrap_or(0.0))
                .then(a.sort_order.cmp(&b.sort_order))
        }),
    }
}

/// Filters, sorts and pages loaded rows (`page: None` returns every match).
pub(crate) fn select(
    rows: Vec<BoardRow>,
    filter: &BoardFilter,
    page: Option<PageRequest>,
    today: NaiveDate,
) -> Page<BoardRow> {
    let mut rows: Vec<BoardRow> = rows
        .into_iter()
        .filter(|r| matches(r, filter, today))
        .collect();
    sort_rows(&mut rows, filter.sort);
    let total = rows.len() as u64;
    match page {
        None => Page {
            per_page: total.max(1),
            items: rows,
            total,
            page: 1,
        },
        Some(p) => Page {
            items: rows
                .into_iter()
                .skip(p.offset() as usize)
                .take(p.per_page as usize)
                .collect(),
            total,
            page: p.page,
            per_page: p.per_page,
        },
    }
}

/// The board of a plan on `today`.
pub async fn board(
    app: &App,
    ctx: &Ctx,
    plan_id: i64,
    filter: &BoardFilter,
    page: PageRequest,
    today: NaiveDate,
) -> AppResult<Board> {
    let loaded = load(app, ctx, plan_id, today).await?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut leaders: BTreeMap<i64, Named> = BTreeMap::new();
    let mut units: BTreeMap<i64, Named> = BTreeMap::new();
    let mut overdue = 0;
    for r in &loaded.rows {
        *counts.entry(colour_key(r.colour)).or_default() += 1;
        if r.is_overdue(today) {
            overdue += 1;
        }
        if let Some(l) = &r.lead_leader {
            leaders.entry(l.id).or_insert_with(|| l.clone());
        }
        for u in r.lead_unit.iter().chain(r.co_units.iter()) {
            units.entry(u.id).or_insert_with(|| u.clone());
        }
    }
    let mut leaders: Vec<Named> = leaders.into_values().collect();
    leaders.sort_by(|a, b| a.name.cmp(&b.name));
    let mut units: Vec<Named> = units.into_values().collect();
    units.sort_by(|a, b| a.name.cmp(&b.name));
    let rows = select(loaded.rows, filter, Some(page), today);
    Ok(Board {
        plan: loaded.plan,
        colour_cycle: loaded.colour_cycle,
        previous_cycle: loaded.previous_cycle,
        report_cycle: loaded.report_cycle,
        report_due: loaded.report_due,
        counts,
        overdue,
        rows,
        leaders,
        units,
    })
}

fn add_to(p: &mut Portfolio, r: &BoardRow, leads: bool, today: NaiveDate) {
    if leads {
        p.leads += 1;
        match r.report {
            ReportStatus::OnTime => p.filed += 1,
            ReportStatus::Late { .. } => {
                p.filed += 1;
                p.late += 1;
            }
            ReportStatus::Missing { .. } => p.missing += 1,
            ReportStatus::NotYetDue => {}
        }
    } else {
        p.co_operates += 1;
    }
    *p.by_colour.entry(colour_key(r.colour)).or_default() += 1;
    if r.is_overdue(today) {
        p.overdue += 1;
    }
}

fn portfolio(who: Named) -> Portfolio {
    Portfolio {
        who,
        leads: 0,
        co_operates: 0,
        by_colour: BTreeMap::new(),
        overdue: 0,
        filed: 0,
        late: 0,
        missing: 0,
    }
}

/// Orders portfolios: `first` (the caller) on top, then most red, then by name.
fn rank(mut out: Vec<Portfolio>, first: Option<i64>) -> Vec<Portfolio> {
    out.sort_by(|a, b| {
        let red = |p: &Portfolio| p.by_colour.get("red").copied().unwrap_or(0);
        (Some(b.who.id) == first)
            .cmp(&(Some(a.who.id) == first))
            .then(red(b).cmp(&red(a)))
            .then(a.who.name.cmp(&b.who.name))
    });
    out
}

/// Each lead leader's portfolio (分管任务) by colour; the caller's own first.
pub async fn by_leader(
    app: &App,
    ctx: &Ctx,
    plan_id: i64,
    today: NaiveDate,
) -> AppResult<(PlanView, Vec<Portfolio>)> {
    let loaded = load(app, ctx, plan_id, today).await?;
    let mut by: BTreeMap<i64, Portfolio> = BTreeMap::new();
    for r in &loaded.rows {
        if let Some(l) = &r.lead_leader {
            let p = by.entry(l.id).or_insert_with(|| portfolio(l.clone()));
            add_to(p, r, true, today);
        }
    }
    Ok((loaded.plan, rank(by.into_values().collect(), ctx.actor.id)))
}

/// Each unit's tasks — led and co-operated on — by colour, with its reports of the cycle; the
/// caller's unit first.
pub async fn by_unit(
    app: &App,
    ctx: &Ctx,
    plan_id: i64,
    today: NaiveDate,
) -> AppResult<(PlanView, Vec<Portfolio>)> {
    let loaded = load(app, ctx, plan_id, today).await?;
    let units = visible_units(app, ctx).await?;
    let mut by: BTreeMap<i64, Portfolio> = BTreeMap::new();
    let seen = |id: i64| units.as_ref().is_none_or(|u| u.contains(&id));
    for r in &loaded.rows {
        if let Some(u) = r.lead_unit.as_ref().filter(|u| seen(u.id)) {
            let p = by.entry(u.id).or_insert_with(|| portfolio(u.clone()));
            add_to(p, r, true, today);
        }
        for u in r.co_units.iter().filter(|u| seen(u.id)) {
            let p = by.entry(u.id).or_insert_with(|| portfolio(u.clone()));
            add_to(p, r, false, today);
        }
    }
    Ok((
        loaded.plan,
        rank(by.into_values().collect(), ctx.actor.department_id),
    ))
}

/// Every row of a plan matching `filter` (no pages), with the plan and its cycles — for the
/// unit's own page and the exports.
pub async fn rows(
    app: &App,
    ctx: &Ctx,
    plan_id: i64,
    filter: &BoardFilter,
    today: NaiveDate,
) -> AppResult<(PlanView, String, NaiveDate, Vec<BoardRow>)> {
    let loaded = load(app, ctx, plan_id, today).await?;
    let rows = select(loaded.rows, filter, None, today).items;
    Ok((loaded.plan, loaded.report_cycle, loaded.report_due, rows))
}
