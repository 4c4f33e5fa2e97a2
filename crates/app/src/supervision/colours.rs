//! The colour of every task of a plan in the current cycle, by the plan's rules
//! (`domain::supervision::colour`): the lead unit's latest percent against 序时进度, missed
//! milestones, the deadline and working days from the platform calendar. Kept per task and
//! cycle, so a bulletin shows how each task moved.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;
use serde_json::json;
use wujin_domain::supervision::colour::{NodeKind, TaskProgress, assess};
use wujin_domain::supervision::cycle::CycleRules;
use wujin_domain::supervision::deadline::Deadline;
use wujin_storage::entity::{
    progress_report, supervision_plan, supervision_task, task_colour, task_milestone,
};

use super::plans::view as plan_view;
use super::require_office;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::{App, now};

/// What a recomputation found.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ColourSummary {
    pub plan_id: i64,
    pub cycle: String,
    /// Tasks per colour (green, blue, yellow, red, grey).
    pub by_colour: BTreeMap<String, usize>,
}

/// The final date a task is judged against: its date, the end of its recurrence in the plan
/// year, none when ongoing.
fn final_date(t: &supervision_task::Model, plan_year: i32) -> Option<NaiveDate> {
    match (t.deadline_on, &t.recurrence) {
        (Some(d), _) => Some(d),
        (None, Some(r)) => serde_json::from_value(json!(r))
            .ok()
            .and_then(|r| Deadline::Recurring(r).final_date(plan_year)),
        _ => None,
    }
}

/// Recomputes the colour of every task of `plan_id` on `today` and keeps it for the cycle
/// `today` falls in (replacing that cycle's earlier colour). The supervision office; one audit
/// event with the counts.
pub async fn recompute(
    app: &App,
    ctx: &Ctx,
    plan_id: i64,
    today: NaiveDate,
) -> AppResult<ColourSummary> {
    require_office(app, ctx).await?;
    let db = app.db.read();
    let plan = supervision_plan::Entity::find_by_id(plan_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let year = plan.year;
    let p = plan_view(plan, 0);
    let cycle = CycleRules {
        period: p.report_period,
        due_day: p.report_due_day,
    }
    .cycle_of(today)
    .label();
    let calendar = crate::calendar::current(db).await?;
    let tasks = supervision_task::Entity::find()
        .filter(supervision_task::Column::PlanId.eq(plan_id))
        .filter(supervision_task::Column::Level.gt(0))
        .all(db)
        .await?;
    let ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
    // The lead unit's latest percent of each task.
    let mut percent: HashMap<i64, (String, f64)> = HashMap::new();
    let mut missed: HashMap<i64, Vec<NodeKind>> = HashMap::new();
    for chunk in ids.chunks(1_000) {
        for r in progress_report::Entity::find()
            .filter(progress_report::Column::TaskId.is_in(chunk.to_vec()))
            .filter(progress_report::Column::IsLead.eq(true))
            // A past cycle is judged on what had been reported by then.
            .filter(progress_report::Column::Cycle.lte(&cycle))
            .all(db)
            .await?
        {
            if let Some(pc) = r.percent_complete {
                let e = percent.entry(r.task_id).or_insert((r.cycle.clone(), pc));
                if r.cycle > e.0 {
                    *e = (r.cycle, pc);
                }
            }
        }
        for m in task_milestone::Entity::find()
            .filter(task_milestone::Column::TaskId.is_in(chunk.to_vec()))
            .filter(task_milestone::Column::DueOn.lt(today))
            .filter(task_milestone::Column::DoneAt.is_null())
            .order_by_asc(task_milestone::Column::DueOn)
            .all(db)
            .await?
        {
            missed
                .entry(m.task_id)
                .or_default()
                .push(match m.kind.as_str() {
                    "quarterly" => NodeKind::Quarterly,
                    _ => NodeKind::Monthly,
                });
        }
    }
    let mut by_colour: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows = Vec::with_capacity(tasks.len());
    for t in &tasks {
        let progress = TaskProgress {
            start: t.start_on,
            deadline: final_date(t, year),
            percent_complete: percent.get(&t.id).map_or(0.0, |p| p.1),
            done: t.status == "done",
            missed_nodes: missed.remove(&t.id).unwrap_or_default(),
        };
        let a = assess(&progress, today, &p.colour_rules, &calendar)
            .map_err(|e| AppError::Internal(format!("calendar cannot judge task {}: {e}", t.id)))?;
        let colour = json!(a.colour).as_str().unwrap_or("green").to_string();
        *by_colour.entry(colour.clone()).or_default() += 1;
        rows.push((t.id, colour, a, percent.get(&t.id).map(|p| p.1)));
    }
    let tx = app.db.begin_write().await?;
    let t = now();
    // The cycle's colours of these tasks are replaced as a whole.
    for chunk in ids.chunks(1_000) {
        task_colour::Entity::delete_many()
            .filter(task_colour::Column::Cycle.eq(&cycle))
            .filter(task_colour::Column::TaskId.is_in(chunk.to_vec()))
            .exec(&tx)
            .await?;
    }
    let models: Vec<task_colour::ActiveModel> = rows
        .into_iter()
        .map(|(task_id, colour, a, pc)| task_colour::ActiveModel {
            task_id: Set(task_id),
            cycle: Set(cycle.clone()),
            colour: Set(colour),
            reasons_json: Set(serde_json::to_string(&a.findings).unwrap_or_else(|_| "[]".into())),
            elapsed_progress: Set(a.elapsed_progress.unwrap_or(0.0)),
            percent_complete: Set(pc),
            computed_at: Set(t),
            ..Default::default()
        })
        .collect();
    for chunk in models.chunks(500) {
        task_colour::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&tx)
            .await?;
    }
    let summary = ColourSummary {
        plan_id,
        cycle,
        by_colour,
    };
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "recompute",
            entity: "supervision_plan",
            entity_id: plan_id.to_string(),
            before: None,
            after: Some(
                json!({"cycle": summary.cycle, "today": today, "by_colour": summary.by_colour}),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}
