//! A task's quantitative target (量化指标, e.g. 规上工业增加值增长 8%), its tags and its
//! milestones (节点): set by the supervision office; a milestone is marked reached by the lead
//! unit or the office. Every change audited.

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, Set};
use serde::Deserialize;
use serde_json::json;
use wujin_domain::access::Permission;
use wujin_storage::entity::{supervision_task, task_milestone};

use super::detail::MilestoneView;
use super::{is_office, require_office};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

/// Longest metric, unit, tag and milestone title, in characters.
pub const MAX_METRIC_CHARS: usize = 100;
pub const MAX_UNIT_CHARS: usize = 20;
pub const MAX_TAG_CHARS: usize = 20;
pub const MAX_TAGS: usize = 10;
pub const MAX_TITLE_CHARS: usize = 200;

/// A task's target and tags as sent by the office; empty fields clear them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TargetInput {
    pub metric: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub target_unit: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A milestone as sent by the office.
#[derive(Debug, Clone, Deserialize)]
pub struct NewMilestone {
    /// monthly | quarterly
    pub kind: String,
    pub title: String,
    pub due_on: NaiveDate,
}

/// The text trimmed; `None` when blank.
pub(crate) fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// What is wrong with a target and tags, field by field, and the tags split and deduplicated.
pub(crate) fn target_problems(input: &TargetInput) -> (Vec<FieldError>, Vec<String>) {
    let mut errors = Vec::new();
    let metric = trimmed(&input.metric);
    if metric
        .as_ref()
        .is_some_and(|m| m.chars().count() > MAX_METRIC_CHARS)
    {
        errors.push(FieldError::new("metric", "error.target.metric_too_long"));
    }
    if metric.is_none() && (input.target.is_some() || input.baseline.is_some()) {
        errors.push(FieldError::new("metric", "error.target.metric_required"));
    }
    if metric.is_some() && input.target.is_none() {
        errors.push(FieldError::new("target", "error.target.target_required"));
    }
    for (field, v) in [("baseline", input.baseline), ("target", input.target)] {
        if v.is_some_and(|v| !v.is_finite() || v.abs() > 1e12) {
            errors.push(FieldError::new(field, "error.target.number_invalid"));
        }
    }
    if trimmed(&input.target_unit).is_some_and(|u| u.chars().count() > MAX_UNIT_CHARS) {
        errors.push(FieldError::new("target_unit", "error.target.unit_too_long"));
    }
    let mut tags: Vec<String> = Vec::new();
    for t in input
        .tags
        .iter()
        .flat_map(|t| wujin_domain::supervision::units::split_units(t))
    {
        if t.chars().count() > MAX_TAG_CHARS {
            errors.push(FieldError::with_detail(
                "tags",
                "error.target.tag_too_long",
                t,
            ));
        } else if !tags.contains(&t) {
            tags.push(t);
        }
    }
    if tags.len() > MAX_TAGS {
        errors.push(FieldError::new("tags", "error.target.too_many_tags"));
    }
    (errors, tags)
}

async fn task_in(tx: &DatabaseTransaction, task_id: i64) -> AppResult<supervision_task::Model> {
    supervision_task::Entity::find_by_id(task_id)
        .one(tx)
        .await?
        .filter(|t| t.level > 0)
        .ok_or(AppError::NotFound)
}

/// Sets (or clears) a task's quantitative target and tags; the office; audited.
pub async fn set_target(app: &App, ctx: &Ctx, task_id: i64, input: TargetInput) -> AppResult<()> {
    require_office(app, ctx).await?;
    let (errors, tags) = target_problems(&input);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let tx = app.db.begin_write().await?;
    let m = task_in(&tx, task_id).await?;
    let before = json!({
        "metric": m.metric, "baseline": m.baseline, "target": m.target,
        "target_unit": m.target_unit, "tags": serde_json::from_str::<serde_json::Value>(&m.tags_json).unwrap_or_default(),
    });
    let metric = trimmed(&input.metric);
    let mut am = m.into_active_model();
    am.baseline = Set(input.baseline.filter(|_| metric.is_some()));
    am.target = Set(input.target.filter(|_| metric.is_some()));
    am.target_unit = Set(trimmed(&input.target_unit).filter(|_| metric.is_some()));
    am.metric = Set(metric);
    am.tags_json = Set(serde_json::to_string(&tags).unwrap_or_else(|_| "[]".into()));
    am.updated_at = Set(now());
    let m = am.update(&tx).await?;
    let after = json!({
        "metric": m.metric, "baseline": m.baseline, "target": m.target,
        "target_unit": m.target_unit, "tags": tags,
    });
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "update",
            entity: "supervision_task",
            entity_id: task_id.to_string(),
            before: Some(before),
            after: Some(after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a milestone to a task; the office; audited on the task.
pub async fn add_milestone(
    app: &App,
    ctx: &Ctx,
    task_id: i64,
    input: NewMilestone,
) -> AppResult<MilestoneView> {
    require_office(app, ctx).await?;
    let mut errors = Vec::new();
    if !matches!(input.kind.as_str(), "monthly" | "quarterly") {
        errors.push(FieldError::with_detail(
            "kind",
            "error.milestone.kind_invalid",
            input.kind.as_str(),
        ));
    }
    let title = input.title.trim().to_string();
    if title.is_empty() {
        errors.push(FieldError::new("title", "error.milestone.title_required"));
    } else if title.chars().count() > MAX_TITLE_CHARS {
        errors.push(FieldError::new("title", "error.milestone.title_too_long"));
    }
    let tx = app.db.begin_write().await?;
    let task = task_in(&tx, task_id).await?;
    if input.due_on < task.start_on {
        errors.push(FieldError::with_detail(
            "due_on",
            "error.milestone.before_start",
            task.start_on.to_string(),
        ));
    }
    if let Some(d) = task.deadline_on
        && input.due_on > d
    {
        errors.push(FieldError::with_detail(
            "due_on",
            "error.milestone.after_deadline",
            d.to_string(),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let m = task_milestone::ActiveModel {
        task_id: Set(task.id),
        kind: Set(input.kind),
        title: Set(title),
        due_on: Set(input.due_on),
        done_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    record(&tx, ctx, "milestone_add", task.id, None, Some(&m)).await?;
    tx.commit().await?;
    Ok(m.into())
}

async fn record(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    action: &str,
    task_id: i64,
    before: Option<&task_milestone::Model>,
    after: Option<&task_milestone::Model>,
) -> AppResult<()> {
    let shape = |m: &task_milestone::Model| json!({"milestone": m.id, "kind": m.kind, "title": m.title, "due_on": m.due_on, "done_at": m.done_at});
    audit::record(
        tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action,
            entity: "supervision_task",
            entity_id: task_id.to_string(),
            before: before.map(shape),
            after: after.map(shape),
        },
    )
    .await?;
    Ok(())
}

/// Marks a milestone reached (`done = true`) or not; the lead unit or the office; audited.
pub async fn set_milestone_done(
    app: &App,
    ctx: &Ctx,
    milestone_id: i64,
    done: bool,
) -> AppResult<MilestoneView> {
    let office = is_office(app, ctx).await?;
    let units = if ctx.actor.can(Permission::ReportProgress) {
        crate::departments::scope_units(app, ctx)
            .await?
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let tx = app.db.begin_write().await?;
    let m = task_milestone::Entity::find_by_id(milestone_id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let task = task_in(&tx, m.task_id).await?;
    let leads = task.lead_unit_id.is_some_and(|u| units.contains(&u));
    if !office && !leads {
        // A unit that does not lead the task may not learn that the milestone exists.
        return Err(AppError::NotFound);
    }
    if m.done_at.is_some() == done {
        return Ok(m.into());
    }
    let before = m.clone();
    let mut am = m.into_active_model();
    am.done_at = Set(done.then(now));
    let m = am.update(&tx).await?;
    record(
        &tx,
        ctx,
        if done {
            "milestone_done"
        } else {
            "milestone_reopen"
        },
        task.id,
        Some(&before),
        Some(&m),
    )
    .await?;
    tx.commit().await?;
    Ok(m.into())
}

/// Removes a milestone not yet reached; the office; audited.
/// Returns the task's id.
pub async fn remove_milestone(app: &App, ctx: &Ctx, milestone_id: i64) -> AppResult<i64> {
    require_office(app, ctx).await?;
    let tx = app.db.begin_write().await?;
    let m = task_milestone::Entity::find_by_id(milestone_id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if m.done_at.is_some() {
        return Err(AppError::Conflict("error.milestone.done".into()));
    }
    task_milestone::Entity::delete_by_id(m.id).exec(&tx).await?;
    record(&tx, ctx, "milestone_remove", m.task_id, Some(&m), None).await?;
    tx.commit().await?;
    Ok(m.task_id)
}
