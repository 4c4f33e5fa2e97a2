//! The lead unit's requests on a task and the office's decisions: an extension (延期申请),
//! asked before the deadline with a reason and approved with a new date or refused with a
//! reason; and completion (申请办结), reviewed by the office (审结): accepted — the task is done
//! — or returned with a reason. The steps follow the transition tables of
//! `domain::supervision::escalation`; every write is audited.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;
use wujin_domain::access::Permission;
use wujin_domain::supervision::escalation::{
    CompletionAction, CompletionState, ExtensionAction, ExtensionRequest, ExtensionState,
    SupervisionRuleError,
};
use wujin_storage::entity::{supervision_task, task_request};

use super::require_office;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

/// A request as pages show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RequestView {
    pub id: i64,
    pub task_id: i64,
    /// extension | completion
    pub kind: String,
    /// requested | approved | refused (extension); requested | accepted | returned (completion)
    pub status: String,
    pub reason: String,
    pub previous_deadline: Option<NaiveDate>,
    pub proposed_deadline: Option<NaiveDate>,
    pub decision_reason: Option<String>,
}

impl From<task_request::Model> for RequestView {
    fn from(m: task_request::Model) -> Self {
        RequestView {
            id: m.id,
            task_id: m.task_id,
            kind: m.kind,
            status: m.status,
            reason: m.reason,
            previous_deadline: m.previous_deadline,
            proposed_deadline: m.proposed_deadline,
            decision_reason: m.decision_reason,
        }
    }
}

/// A refusal of the rules as the form shows it.
fn rule_error(e: SupervisionRuleError) -> AppError {
    match e {
        SupervisionRuleError::ReasonRequired => {
            AppError::field("reason", "error.request.reason_required")
        }
        SupervisionRuleError::RequestedAfterDeadline { deadline, .. } => {
            AppError::Validation(vec![FieldError::with_detail(
                "proposed_deadline",
                "error.request.after_deadline",
                deadline.to_string(),
            )])
        }
        SupervisionRuleError::NewDeadlineNotLater { deadline, .. } => {
            AppError::Validation(vec![FieldError::with_detail(
                "proposed_deadline",
                "error.request.not_later",
                deadline.to_string(),
            )])
        }
        _ => AppError::Conflict("error.request.transition".into()),
    }
}

/// The task, if the caller's unit (or a unit above it) leads it and may report.
async fn led_task(
    app: &App,
    ctx: &Ctx,
    tx: &DatabaseTransaction,
    task_id: i64,
) -> AppResult<supervision_task::Model> {
    ctx.require(Permission::ReportProgress)?;
    let units = crate::departments::scope_units(app, ctx)
        .await?
        .unwrap_or_default();
    supervision_task::Entity::find_by_id(task_id)
        .one(tx)
        .await?
        .filter(|t| t.level > 0 && t.lead_unit_id.is_some_and(|u| units.contains(&u)))
        .ok_or(AppError::NotFound)
}

async fn pending(
    tx: &DatabaseTransaction,
    task_id: i64,
    kind: &str,
) -> AppResult<Option<task_request::Model>> {
    Ok(task_request::Entity::find()
        .filter(task_request::Column::TaskId.eq(task_id))
        .filter(task_request::Column::Kind.eq(kind))
        .filter(task_request::Column::Status.eq("requested"))
        .one(tx)
        .await?)
}

async fn record(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    action: &str,
    entity: &str,
    id: i64,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> AppResult<()> {
    audit::record(
        tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action,
            entity,
            entity_id: id.to_string(),
            before,
            after: Some(after),
        },
    )
    .await?;
    Ok(())
}

/// Asks for a later deadline: the lead unit, on or before the current deadline, with a reason.
pub async fn request_extension(
    app: &App,
    ctx: &Ctx,
    task_id: i64,
    proposed: NaiveDate,
    reason: &str,
    today: NaiveDate,
) -> AppResult<RequestView> {
    let tx = app.db.begin_write().await?;
    let task = led_task(app, ctx, &tx, task_id).await?;
    let Some(deadline) = task.deadline_on else {
        return Err(AppError::Conflict("error.request.no_deadline".into()));
    };
    if pending(&tx, task.id, "extension").await?.is_some() {
        return Err(AppError::Conflict("error.request.pending".into()));
    }
    ExtensionRequest {
        requested_on: today,
        current_deadline: deadline,
        proposed_deadline: proposed,
        reason: reason.trim().to_string(),
    }
    .check()
    .map_err(rule_error)?;
    let m = task_request::ActiveModel {
        task_id: Set(task.id),
        kind: Set("extension".into()),
        status: Set("requested".into()),
        reason: Set(reason.trim().to_string()),
        previous_deadline: Set(Some(deadline)),
        proposed_deadline: Set(Some(proposed)),
        requested_by: Set(ctx.actor.id),
        requested_at: Set(now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let v = RequestView::from(m);
    record(&tx, ctx, "create", "task_request", v.id, None, json!(v)).await?;
    tx.commit().await?;
    Ok(v)
}

/// The office approves an extension (the task's deadline becomes `new_deadline`, by default
/// the one asked for) or refuses it with a reason.
pub async fn decide_extension(
    app: &App,
    ctx: &Ctx,
    request_id: i64,
    approve: bool,
    new_deadline: Option<NaiveDate>,
    reason: &str,
) -> AppResult<RequestView> {
    require_office(app, ctx).await?;
    let tx = app.db.begin_write().await?;
    let r = task_request::Entity::find_by_id(request_id)
        .one(&tx)
        .await?
        .filter(|r| r.kind == "extension")
        .ok_or(AppError::NotFound)?;
    let state = match r.status.as_str() {
        "approved" => ExtensionState::Approved,
        "refused" => ExtensionState::Refused,
        _ => ExtensionState::Requested,
    };
    let current = r.previous_deadline.unwrap_or_default();
    let action = if approve {
        ExtensionAction::Approve {
            new_deadline: new_deadline.or(r.proposed_deadline).unwrap_or(current),
        }
    } else {
        ExtensionAction::Refuse {
            reason: reason.trim().to_string(),
        }
    };
    let to = state.apply(current, &action).map_err(rule_error)?;
    let (status, audit_action) = if to == ExtensionState::Approved {
        ("approved", "approve")
    } else {
        ("refused", "refuse")
    };
    let v = decide(&tx, ctx, r, status, reason, audit_action).await?;
    if let ExtensionAction::Approve { new_deadline } = action {
        let task = supervision_task::Entity::find_by_id(v.task_id)
            .one(&tx)
            .await?
            .ok_or(AppError::NotFound)?;
        let old = task.deadline_on;
        let mut am = task.into_active_model();
        am.deadline_on = Set(Some(new_deadline));
        am.updated_at = Set(now());
        am.update(&tx).await?;
        record(
            &tx,
            ctx,
            "update",
            "supervision_task",
            v.task_id,
            Some(json!({"deadline_on": old})),
            json!({"deadline_on": new_deadline, "extension": v.id}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(v)
}

/// The task's place in the completion review.
fn completion_state(task: &supervision_task::Model) -> CompletionState {
    match task.status.as_str() {
        "completion_requested" => CompletionState::Requested,
        "done" => CompletionState::Accepted,
        _ => CompletionState::InProgress,
    }
}

/// The lead unit asks for the task to be closed as done (申请办结), with what was achieved.
pub async fn request_completion(
    app: &App,
    ctx: &Ctx,
    task_id: i64,
    note: &str,
) -> AppResult<RequestView> {
    let tx = app.db.begin_write().await?;
    let task = led_task(app, ctx, &tx, task_id).await?;
    completion_state(&task)
        .apply(&CompletionAction::Request)
        .map_err(rule_error)?;
    if note.trim().is_empty() {
        return Err(AppError::field("reason", "error.request.reason_required"));
    }
    let m = task_request::ActiveModel {
        task_id: Set(task.id),
        kind: Set("completion".into()),
        status: Set("requested".into()),
        reason: Set(note.trim().to_string()),
        requested_by: Set(ctx.actor.id),
        requested_at: Set(now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let mut am = task.into_active_model();
    am.status = Set("completion_requested".into());
    am.updated_at = Set(now());
    am.update(&tx).await?;
    let v = RequestView::from(m);
    record(&tx, ctx, "create", "task_request", v.id, None, json!(v)).await?;
    tx.commit().await?;
    Ok(v)
}

/// 审结: the office accepts the completion (the task is done) or returns it with a reason
/// (the task is open again).
pub async fn review_completion(
    app: &App,
    ctx: &Ctx,
    request_id: i64,
    accept: bool,
    reason: &str,
) -> AppResult<RequestView> {
    require_office(app, ctx).await?;
    let tx = app.db.begin_write().await?;
    let r = task_request::Entity::find_by_id(request_id)
        .one(&tx)
        .await?
        .filter(|r| r.kind == "completion")
        .ok_or(AppError::NotFound)?;
    let task = supervision_task::Entity::find_by_id(r.task_id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let action = if accept {
        CompletionAction::Accept
    } else {
        CompletionAction::Return {
            reason: reason.trim().to_string(),
        }
    };
    if r.status != "requested" {
        return Err(AppError::Conflict("error.request.transition".into()));
    }
    let to = completion_state(&task).apply(&action).map_err(rule_error)?;
    let (status, audit_action) = if to == CompletionState::Accepted {
        ("accepted", "accept")
    } else {
        ("returned", "return")
    };
    let v = decide(&tx, ctx, r, status, reason, audit_action).await?;
    let t = now();
    let mut task_am = task.into_active_model();
    task_am.status = Set(if accept { "done" } else { "open" }.into());
    task_am.done_at = Set(accept.then_some(t));
    task_am.updated_at = Set(t);
    task_am.update(&tx).await?;
    tx.commit().await?;
    Ok(v)
}

/// Records the office's decision on a request: its new status, who decided, when and why;
/// audited as `action`.
async fn decide(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    r: task_request::Model,
    status: &str,
    reason: &str,
    action: &str,
) -> AppResult<RequestView> {
    let before = RequestView::from(r.clone());
    let mut am = r.into_active_model();
    am.status = Set(status.to_string());
    am.decided_by = Set(ctx.actor.id);
    am.decided_at = Set(Some(now()));
    am.decision_reason = Set(Some(reason.trim().to_string()).filter(|s| !s.is_empty()));
    let v = RequestView::from(am.update(tx).await?);
    record(
        tx,
        ctx,
        action,
        "task_request",
        v.id,
        Some(json!(before)),
        json!(v),
    )
    .await?;
    Ok(v)
}

/// The task and kind (`extension` | `completion`) of request `request_id`, if the caller sees
/// the task.
pub async fn task_of(app: &App, ctx: &Ctx, request_id: i64) -> AppResult<(i64, String)> {
    let r = task_request::Entity::find_by_id(request_id)
        .one(app.db.read())
        .await?
        .ok_or(AppError::NotFound)?;
    super::tasks::visible(app, ctx, r.task_id).await?;
    Ok((r.task_id, r.kind))
}

/// The requests of a task, newest first.
pub async fn of_task(app: &App, ctx: &Ctx, task_id: i64) -> AppResult<Vec<RequestView>> {
    super::tasks::visible(app, ctx, task_id).await?;
    Ok(task_request::Entity::find()
        .filter(task_request::Column::TaskId.eq(task_id))
        .order_by_desc(task_request::Column::Id)
        .all(app.db.read())
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}
