//! The monthly bulletin (通报) of a plan: tasks by colour in the month's cycle against the
//! cycle before, by lead unit, the red and yellow tasks with their reasons and latest progress,
//! units ranked by on-time reporting, and the 督办单 issued in the month.
//!
//! Read by everyone who reads supervision, each over the tasks they see: leaders and the office
//! every task, a unit the tasks it (or a unit below it) leads or co-operates on. The counting
//! and ranking rules are `domain::supervision::bulletin`; this module only loads rows.

use std::collections::{HashMap, HashSet};

use chrono::{Months, NaiveDate, TimeZone};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::json;
use wujin_domain::supervision::bulletin::{
    ColourChange, ColourCounts, Filed, Movement, colour_changes, counts_by, cycle_of_month,
    filing_status, movement, parse_month, rank_units, report_owed,
};
use wujin_domain::supervision::colour::{ColourFinding, TaskColour};
use wujin_domain::supervision::cycle::CycleRules;
use wujin_domain::supervision::escalation::{NoticeLevel, NoticeState};
use wujin_storage::entity::{
    progress_report, supervision_notice, supervision_plan, supervision_task, task_co_unit,
    task_colour,
};

use super::plans::{PlanView, view as plan_view};
use super::visible_units;
use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};

pub use super::names::Named;

/// One lead unit's tasks by colour.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitColours {
    pub unit: Named,
    pub counts: ColourCounts,
}

/// A red or yellow task as the bulletin lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlaggedTask {
    pub id: i64,
    pub serial: String,
    pub content: String,
    /// The area (领域) the task belongs to.
    pub area: Option<String>,
    pub colour: TaskColour,
    /// The colour of the previous cycle (moved from); none when it had none.
    pub previous_colour: Option<TaskColour>,
    pub movement: Movement,
    pub lead_leader: Option<String>,
    pub lead_unit: Option<String>,
    pub deadline_text: Option<String>,
    /// Percent complete the colour was computed from.
    pub percent: Option<f64>,
    /// 序时进度 when the colour was computed.
    pub elapsed_progress: f64,
    /// The lead unit's latest report up to the cycle: its progress, problems and cycle.
    pub latest_progress: Option<String>,
    pub latest_problems: Option<String>,
    pub latest_cycle: Option<String>,
    /// Why the task has its colour, the deciding reason first.
    pub reasons: Vec<ColourFinding>,
}

/// One unit's line in the reporting ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportingRow {
    pub unit: Named,
    pub rank: u32,
    pub due: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    /// On-time rate in percent.
    pub rate: f64,
}

/// A 督办单 issued in the month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BulletinNotice {
    pub id: i64,
    pub task_id: i64,
    pub task_serial: String,
    pub task_content: String,
    pub lead_unit: Option<String>,
    pub level: NoticeLevel,
    pub state: NoticeState,
    pub content: String,
    pub issued_on: NaiveDate,
    pub answer_by: NaiveDate,
    pub answered: bool,
}

/// A plan's bulletin for one month.
#[derive(Debug, Clone, Serialize)]
pub struct Bulletin {
    pub plan: PlanView,
    /// `YYYY-MM` as asked.
    pub month: String,
    /// The cycle counted: the month, or the quarter containing it (`2026-Q2`).
    pub cycle: String,
    pub previous_cycle: Option<String>,
    /// The day the reporting statuses were judged on.
    pub as_of: NaiveDate,
    /// When the cycle's reports were due (postponed to a working day).
    pub report_due_on: NaiveDate,
    /// Every colour this cycle and the previous one, green to grey.
    pub colours: Vec<ColourChange>,
    pub total: u32,
    pub previous_total: u32,
    /// Tasks by lead unit and colour, in the units' order.
    pub by_unit: Vec<UnitColours>,
    /// Red tasks, then yellow ones, each in the plan's order.
    pub flagged: Vec<FlaggedTask>,
    /// Units ranked by on-time reporting for the cycle.
    pub reporting: Vec<ReportingRow>,
    /// 督办单 issued in the month, oldest first.
    pub notices: Vec<BulletinNotice>,
}

fn plan_tasks(plan_id: i64) -> SelectStatement {
    Query::select()
        .column(supervision_task::Column::Id)
        .from(supervision_task::Entity)
        .and_where(supervision_task::Column::PlanId.eq(plan_id))
        .to_owned()
}

fn parse<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(json!(s)).ok()
}

/// A plan's tasks the caller sees (areas excluded): all, or those the caller's units lead or
/// co-operate on.
async fn visible_tasks(
    db: &impl ConnectionTrait,
    plan_id: i64,
    units: &Option<Vec<i64>>,
) -> AppResult<(Vec<supervision_task::Model>, HashMap<i64, String>)> {
    let all = supervision_task::Entity::find()
        .filter(supervision_task::Column::PlanId.eq(plan_id))
        .order_by_asc(supervision_task::Column::SortOrder)
        .all(db)
        .await?;
    let mut co: HashMap<i64, Vec<i64>> = HashMap::new();
    if units.is_some() {
        for link in task_co_unit::Entity::find()
            .filter(task_co_unit::Column::TaskId.in_subquery(plan_tasks(plan_id)))
            .all(db)
            .await?
        {
            co.entry(link.task_id).or_default().push(link.unit_id);
        }
    }
    let by_id: HashMap<i64, &supervision_task::Model> = all.iter().map(|t| (t.id, t)).collect();
    let mut areas: HashMap<i64, String> = HashMap::new();
    for t in all.iter().filter(|t| t.level > 0) {
        let mut cur = t.parent_id;
        while let Some(p) = cur.and_then(|p| by_id.get(&p)) {
            if p.level == 0 {
                areas.insert(t.id, p.content.clone());
                break;
            }
            cur = p.parent_id;
        }
    }
    let mine = |t: &supervision_task::Model| match units {
        None => true,
        Some(units) => {
            t.lead_unit_id.is_some_and(|u| units.contains(&u))
                || co
                    .get(&t.id)
                    .is_some_and(|c| c.iter().any(|u| units.contains(u)))
        }
    };
    let shown = all
        .iter()
        .filter(|t| t.level > 0 && mine(t))
        .cloned()
        .collect();
    Ok((shown, areas))
}

/// The month asked for (`YYYY-MM`, blank for the default), or the month a bulletin opens on:
/// the last month of the latest cycle whose reports have fallen due (on 30 November,
/// October — November's reports are due in December).
pub async fn month_or_default(
    app: &App,
    ctx: &Ctx,
    plan_id: i64,
    month: Option<&str>,
    today: NaiveDate,
) -> AppResult<String> {
    if let Some(m) = month.map(str::trim).filter(|m| !m.is_empty()) {
        return Ok(m.to_string());
    }
    let plan = super::plans::get(app, ctx, plan_id).await?;
    let rules = CycleRules {
        period: plan.report_period,
        due_day: plan.report_due_day,
    };
    let calendar = crate::calendar::current(app.db.read()).await?;
    let cycle = rules
        .last_cycle_due_before(today, &calendar)
        .ok()
        .flatten()
        .unwrap_or_else(|| rules.cycle_of(today));
    let end = cycle.end();
    Ok(end.format("%Y-%m").to_string())
}

/// The bulletin of `plan_id` for `month` (`YYYY-MM`), reporting judged on `today`. A month
/// whose cycle has no colours computed is refused with `error.bulletin.no_colours`.
pub async fn bulletin(
    app: &App,
    ctx: &Ctx,
    plan_id: i64,
    month: &str,
    today: NaiveDate,
) -> AppResult<Bulletin> {
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
    let (year, number) = parse_month(month).ok_or_else(|| {
        AppError::Validation(vec![FieldError::with_detail(
            "month",
            "error.bulletin.month_invalid",
            month.trim(),
        )])
    })?;
    let cycle = cycle_of_month(&rules, year, number).ok_or_else(|| {
        AppError::Validation(vec![FieldError::with_detail(
            "month",
            "error.bulletin.month_invalid",
            month.trim(),
        )])
    })?;
    let label = cycle.label();
    let previous = cycle.previous().map(|c| c.label());

    let any_colour = task_colour::Entity::find()
        .filter(task_colour::Column::TaskId.in_subquery(plan_tasks(plan_id)))
        .filter(task_colour::Column::Cycle.eq(&label))
        .one(db)
        .await?
        .is_some();
    if !any_colour {
        return Err(AppError::Validation(vec![FieldError::with_detail(
            "month",
            "error.bulletin.no_colours",
            label,
        )]));
    }

    let (tasks, areas) = visible_tasks(db, plan_id, &units).await?;
    let ids: HashSet<i64> = tasks.iter().map(|t| t.id).collect();
    let mut cycles = vec![label.clone()];
    cycles.extend(previous.clone());
    let mut this: HashMap<i64, task_colour::Model> = HashMap::new();
    let mut before: HashMap<i64, TaskColour> = HashMap::new();
    for c in task_colour::Entity::find()
        .filter(task_colour::Column::TaskId.in_subquery(plan_tasks(plan_id)))
        .filter(task_colour::Column::Cycle.is_in(cycles))
        .all(db)
        .await?
    {
        if !ids.contains(&c.task_id) {
            continue;
        }
        if c.cycle == label {
            this.insert(c.task_id, c);
        } else if let Some(colour) = parse::<TaskColour>(&c.colour) {
            before.insert(c.task_id, colour);
        }
    }
    let colour_of: HashMap<i64, TaskColour> = this
        .iter()
        .filter_map(|(id, c)| parse::<TaskColour>(&c.colour).map(|col| (*id, col)))
        .collect();

    // The lead unit's reports up to the cycle: the latest for progress, this cycle's for the
    // ranking.
    let mut latest: HashMap<i64, progress_report::Model> = HashMap::new();
    let mut filed: HashMap<i64, Filed> = HashMap::new();
    let tz = wujin_domain::tz::china_tz();
    for r in progress_report::Entity::find()
        .filter(progress_report::Column::TaskId.in_subquery(plan_tasks(plan_id)))
        .filter(progress_report::Column::IsLead.eq(true))
        .filter(progress_report::Column::Cycle.lte(&label))
        .all(db)
        .await?
    {
        if !ids.contains(&r.task_id) {
            continue;
        }
        if r.cycle == label {
            filed.insert(
                r.task_id,
                Filed {
                    submitted_on: r.submitted_at.with_timezone(&tz).date_naive(),
                    late: r.late,
                },
            );
        }
        match latest.get(&r.task_id) {
            Some(l) if l.cycle >= r.cycle => {}
            _ => {
                latest.insert(r.task_id, r);
            }
        }
    }

    // Names.
    let leader_ids: HashSet<i64> = tasks.iter().filter_map(|t| t.lead_leader_id).collect();
    let leaders = super::names::users(db, leader_ids).await?;
    let unit_ids: HashSet<i64> = tasks.iter().filter_map(|t| t.lead_unit_id).collect();
    let units_by_id = super::names::units(db, unit_ids).await?;
    let unit_key = |id: i64| (units_by_id.get(&id).map_or(i32::MAX, |d| d.sort_order), id);
    let unit_named = |id: i64| Named {
        id,
        name: units_by_id
            .get(&id)
            .map_or_else(|| format!("#{id}"), |d| d.name.clone()),
    };

    // Counts.
    let this_counts: ColourCounts = colour_of.values().copied().collect();
    let previous_counts: ColourCounts = before.values().copied().collect();
    let by_unit = counts_by(
        tasks
            .iter()
            .filter_map(|t| Some((unit_key(t.lead_unit_id?), *colour_of.get(&t.id)?))),
    )
    .into_iter()
    .map(|((_, id), counts)| UnitColours {
        unit: unit_named(id),
        counts,
    })
    .collect();

    // Red and yellow tasks.
    let mut flagged: Vec<FlaggedTask> = tasks
        .iter()
        .filter_map(|t| {
            let colour = *colour_of.get(&t.id)?;
            if !matches!(colour, TaskColour::Red | TaskColour::Yellow) {
                return None;
            }
            let c = &this[&t.id];
            let report = latest.get(&t.id);
            let previous_colour = before.get(&t.id).copied();
            Some(FlaggedTask {
                id: t.id,
                serial: t.serial.clone(),
                content: t.content.clone(),
                area: areas.get(&t.id).cloned(),
                colour,
                previous_colour,
                movement: movement(previous_colour, colour),
                lead_leader: t.lead_leader_id.and_then(|l| leaders.get(&l).cloned()),
                lead_unit: t.lead_unit_id.map(|u| unit_named(u).name),
                deadline_text: t.deadline_text.clone(),
                percent: c.percent_complete,
                elapsed_progress: c.elapsed_progress,
                latest_progress: report.map(|r| r.progress.clone()),
                latest_problems: report.and_then(|r| r.problems.clone()),
                latest_cycle: report.map(|r| r.cycle.clone()),
                reasons: serde_json::from_str(&c.reasons_json).unwrap_or_default(),
            })
        })
        .collect();
    // Stable: the plan's order within each colour.
    flagged.sort_by_key(|f| std::cmp::Reverse(f.colour == TaskColour::Red));

    // Reporting.
    let calendar = crate::calendar::current(db).await?;
    let report_due_on = rules
        .due_date_on_working_day(cycle, &calendar)
        .unwrap_or_else(|_| rules.due_date(cycle));
    let statuses = tasks.iter().filter_map(|t| {
        let unit = t.lead_unit_id?;
        let done = t
            .done_at
            .map(|d| d.with_timezone(&tz).date_naive())
            .or_else(|| (t.status == "done").then_some(NaiveDate::MIN));
        report_owed(t.start_on, done, cycle).then(|| {
            (
                unit_key(unit),
                filing_status(report_due_on, filed.get(&t.id).copied(), today),
            )
        })
    });
    let reporting = rank_units(statuses)
        .into_iter()
        .map(|u| ReportingRow {
            unit: unit_named(u.unit.1),
            rank: u.rank,
            due: u.due,
            on_time: u.on_time,
            late: u.late,
            missing: u.missing,
            rate: u.rate,
        })
        .collect();

    let notices = notices_in(db, plan_id, year, number, &tasks, &unit_named).await?;
    Ok(Bulletin {
        plan,
        month: format!("{year}-{number:02}"),
        cycle: label,
        previous_cycle: previous,
        as_of: today,
        report_due_on,
        colours: colour_changes(&this_counts, &previous_counts),
        total: this_counts.total(),
        previous_total: previous_counts.total(),
        by_unit,
        flagged,
        reporting,
        notices,
    })
}

/// The notices on `tasks` issued in the month (China time), oldest first.
async fn notices_in(
    db: &impl ConnectionTrait,
    plan_id: i64,
    year: i32,
    month: u32,
    tasks: &[supervision_task::Model],
    unit_named: &(dyn Fn(i64) -> Named + Sync),
) -> AppResult<Vec<BulletinNotice>> {
    let tz = wujin_domain::tz::china_tz();
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or(AppError::NotFound)?;
    let next = first
        .checked_add_months(Months::new(1))
        .ok_or(AppError::NotFound)?;
    let at = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map(|t| t.with_timezone(&chrono::Utc))
            .ok_or(AppError::NotFound)
    };
    let by_id: HashMap<i64, &supervision_task::Model> = tasks.iter().map(|t| (t.id, t)).collect();
    let mut out = Vec::new();
    for n in supervision_notice::Entity::find()
        .filter(supervision_notice::Column::TaskId.in_subquery(plan_tasks(plan_id)))
        .filter(supervision_notice::Column::IssuedAt.gte(at(first)?))
        .filter(supervision_notice::Column::IssuedAt.lt(at(next)?))
        .order_by_asc(supervision_notice::Column::IssuedAt)
        .order_by_asc(supervision_notice::Column::Id)
        .all(db)
        .await?
    {
        let Some(task) = by_id.get(&n.task_id) else {
            continue;
        };
        let (Some(level), Some(state)) = (parse(&n.level), parse(&n.status)) else {
            continue;
        };
        out.push(BulletinNotice {
            id: n.id,
            task_id: n.task_id,
            task_serial: task.serial.clone(),
            task_content: task.content.clone(),
            lead_unit: task.lead_unit_id.map(|u| unit_named(u).name),
            level,
            state,
            content: n.content,
            issued_on: n.issued_at.with_timezone(&tz).date_naive(),
            answer_by: n.answer_by,
            answered: n.answered_at.is_some(),
        });
    }
    Ok(out)
}
