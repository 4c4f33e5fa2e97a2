//! Progress reports (进展报送): each cycle the lead unit reports progress, percent complete,
//! the target's value so far, problems and next steps; a co-unit adds its contribution. One
//! report per task, cycle and unit: sending it again replaces it (audited as an update). A
//! report after the cycle's due date is marked late.

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wujin_domain::access::Permission;
use wujin_domain::supervision::cycle::{CycleRules, ReportCycle};
use wujin_storage::entity::{progress_report, supervision_plan, supervision_task, task_co_unit};

use super::plans::view as plan_view;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

/// Longest text of a report field, in characters.
pub const MAX_TEXT_CHARS: usize = 4_000;

/// A report as sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewReport {
    pub task_id: i64,
    /// `2022-06` or `2022-Q2`; default: the cycle whose report is due next.
    pub cycle: Option<String>,
    pub progress: String,
    /// 0–100; the lead unit's report needs it.
    pub percent_complete: Option<f64>,
    pub target_value: Option<f64>,
    pub problems: Option<String>,
    pub next_steps: Option<String>,
    /// Files sent with the report (photos, minutes, documents); added to those of an earlier
    /// report of the same cycle.
    #[serde(skip)]
    pub files: Vec<crate::attachments::NewFile>,
}

/// A stored report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub id: i64,
    pub task_id: i64,
    pub cycle: String,
    pub unit_id: i64,
    pub is_lead: bool,
    pub progress: String,
    pub percent_complete: Option<f64>,
    pub target_value: Option<f64>,
    pub problems: Option<String>,
    pub next_steps: Option<String>,
    pub due_on: NaiveDate,
    pub late: bool,
}

impl From<progress_report::Model> for ReportView {
    fn from(m: progress_report::Model) -> Self {
        ReportView {
            id: m.id,
            task_id: m.task_id,
            cycle: m.cycle,
            unit_id: m.unit_id,
            is_lead: m.is_lead,
            progress: m.progress,
            percent_complete: m.percent_complete,
            target_value: m.target_value,
            problems: m.problems,
            next_steps: m.next_steps,
            due_on: m.due_on,
            late: m.late,
        }
    }
}

/// The cycle being reported on `today` and its due date, both counting the due date as
/// postponed to a working day; the plain dates when the calendar does not cover them.
pub fn cycle_being_reported(
    rules: &CycleRules,
    today: NaiveDate,
    calendar: &wujin_domain::calendar::WorkingCalendar,
) -> (ReportCycle, NaiveDate) {
    let cycle = rules
        .cycle_to_report_on_working_days(today, calendar)
        .unwrap_or_else(|_| rules.cycle_to_report(today));
    let due = rules
        .due_date_on_working_day(cycle, calendar)
        .unwrap_or_else(|_| rules.due_date(cycle));
    (cycle, due)
}

/// The plan's cycle named `label` (`2022-06`, `2022-Q2`).
pub fn parse_cycle(rules: &CycleRules, label: &str) -> Option<ReportCycle> {
    let (year, rest) = label.trim().split_once('-')?;
    let year: i32 = year.parse().ok()?;
    let number: u32 = match rest.strip_prefix('Q') {
        Some(q) => q.parse().ok()?,
        None => rest.parse().ok()?,
    };
    ReportCycle::new(rules.period, year, number).filter(|c| c.label() == label.trim())
}

fn optional_text(field: &str, v: &Option<String>, errors: &mut Vec<FieldError>) -> Option<String> {
    let t = v.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
    if t.chars().count() > MAX_TEXT_CHARS {
        errors.push(FieldError::new(field, "error.report.too_long"));
    }
    Some(t.to_string())
}

/// Files (or replaces) the caller's unit's report on a task for a cycle: the lead unit's
/// report, or a co-unit's contribution. A unit reports only on tasks it leads or helps with.
pub async fn file(
    app: &App,
    ctx: &Ctx,
    input: NewReport,
    today: NaiveDate,
) -> AppResult<ReportView> {
    ctx.require(Permission::ReportProgress)?;
    let units = crate::departments::scope_units(app, ctx)
        .await?
        .unwrap_or_default();
    let tx = app.db.begin_write().await?;
    let task = supervision_task::Entity::find_by_id(input.task_id)
        .one(&tx)
        .await?
        .filter(|t| t.level > 0)
        .ok_or(AppError::NotFound)?;
    let co: Vec<i64> = task_co_unit::Entity::find()
        .filter(task_co_unit::Column::TaskId.eq(task.id))
        .all(&tx)
        .await?
        .into_iter()
        .map(|l| l.unit_id)
        .collect();
    let (unit_id, is_lead) = match task.lead_unit_id.filter(|u| units.contains(u)) {
        Some(u) => (u, true),
        None => match co.iter().find(|u| units.contains(u)) {
            Some(u) => (*u, false),
            // Another unit's task: as if it did not exist.
            None => return Err(AppError::NotFound),
        },
    };
    let plan = supervision_plan::Entity::find_by_id(task.plan_id)
        .one(&tx)
        .await?
        .ok_or_else(|| AppError::Internal(format!("task {} has no plan", task.id)))?;
    let p = plan_view(plan, 0);
    let rules = CycleRules {
        period: p.report_period,
        due_day: p.report_due_day,
    };
    let calendar = crate::calendar::current(&tx).await?;
    let mut errors = Vec::new();
    let cycle = match input
        .cycle
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => Some(cycle_being_reported(&rules, today, &calendar).0),
        Some(label) => match parse_cycle(&rules, label) {
            Some(c) if c.start() <= today => Some(c),
            Some(_) => {
                errors.push(FieldError::new("cycle", "error.report.cycle_future"));
                None
            }
            None => {
                errors.push(FieldError::with_detail(
                    "cycle",
                    "error.report.cycle_invalid",
                    label,
                ));
                None
            }
        },
    };
    let progress = input.progress.trim().to_string();
    if progress.is_empty() {
        errors.push(FieldError::new(
            "progress",
            "error.report.progress_required",
        ));
    } else if progress.chars().count() > MAX_TEXT_CHARS {
        errors.push(FieldError::new("progress", "error.report.too_long"));
    }
    match input.percent_complete {
        Some(pc) if !(0.0..=100.0).contains(&pc) => {
            errors.push(FieldError::new(
                "percent_complete",
                "error.report.percent_invalid",
            ));
        }
        None if is_lead => {
            errors.push(FieldError::new(
                "percent_complete",
                "error.report.percent_required",
            ));
        }
        _ => {}
    }
    if input.target_value.is_some_and(|v| !v.is_finite()) {
        errors.push(FieldError::new(
            "target_value",
            "error.report.value_invalid",
        ));
    }
    let problems = optional_text("problems", &input.problems, &mut errors);
    let next_steps = optional_text("next_steps", &input.next_steps, &mut errors);
    let Some(cycle) = cycle.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    // Due dates falling on a holiday move to the next working day (遇节假日顺延).
    let due_on = rules
        .due_date_on_working_day(cycle, &calendar)
        .unwrap_or_else(|_| rules.due_date(cycle));
    let t = now();
    let existing = progress_report::Entity::find()
        .filter(progress_report::Column::TaskId.eq(task.id))
        .filter(progress_report::Column::Cycle.eq(cycle.label()))
        .filter(progress_report::Column::UnitId.eq(unit_id))
        .one(&tx)
        .await?;
    let before = existing
        .as_ref()
        .map(|r| json!(ReportView::from(r.clone())));
    let mut am = match existing {
        Some(r) => r.into_active_model(),
        None => progress_report::ActiveModel {
            task_id: Set(task.id),
            cycle: Set(cycle.label()),
            unit_id: Set(unit_id),
            ..Default::default()
        },
    };
    am.is_lead = Set(is_lead);
    am.author_id = Set(ctx.actor.id);
    am.progress = Set(progress);
    am.percent_complete = Set(input.percent_complete);
    am.target_value = Set(input.target_value);
    am.problems = Set(problems);
    am.next_steps = Set(next_steps);
    am.due_on = Set(due_on);
    am.submitted_at = Set(t);
    am.late = Set(today > due_on);
    let m = if before.is_some() {
        am.update(&tx).await?
    } else {
        am.insert(&tx).await?
    };
    let view = ReportView::from(m);
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: if before.is_some() { "update" } else { "create" },
            entity: "progress_report",
            entity_id: view.id.to_string(),
            before,
            after: Some(json!(view)),
        },
    )
    .await?;
    if !input.files.is_empty() {
        crate::attachments::store(
            &tx,
            app,
            ctx,
            (crate::attachments::OwnerKind::ProgressReport, view.id),
            input.files,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(view)
}

/// One file of a report on a task the caller sees.
pub async fn attachment(
    app: &App,
    ctx: &Ctx,
    task_id: i64,
    report_id: i64,
    attachment_id: i64,
) -> AppResult<(crate::attachments::AttachmentInfo, Vec<u8>)> {
    super::tasks::visible(app, ctx, task_id).await?;
    let db = app.db.read();
    progress_report::Entity::find_by_id(report_id)
        .filter(progress_report::Column::TaskId.eq(task_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::attachments::get(
        db,
        (crate::attachments::OwnerKind::ProgressReport, report_id),
        attachment_id,
    )
    .await
}
