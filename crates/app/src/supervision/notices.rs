//! Supervision notices (督办单) and their escalation (专函督办 → 约谈 → 通报): the office issues
//! one on a task with an answer date; the lead unit answers; the office closes it, returns the
//! answer, escalates (a new notice of the next level) or withdraws it. Every step follows
//! `domain::supervision::escalation::NOTICE_TRANSITIONS`; an illegal one is refused. The lead
//! unit's staff and the task's lead leader are told of each notice.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::json;
use wujin_domain::access::Permission;
use wujin_domain::supervision::colour::TaskColour;
use wujin_domain::supervision::escalation::{
    NoticeAction, NoticeLevel, NoticeState, NoticeStatus, suggest_notice,
};
use wujin_storage::entity::{app_user, supervision_notice, supervision_task, task_colour};

use super::{is_office, require_office};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, notifications, now};

/// Longest notice or answer text, in characters.
pub const MAX_TEXT_CHARS: usize = 4_000;

/// A notice as pages show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NoticeView {
    pub id: i64,
    pub task_id: i64,
    pub level: NoticeLevel,
    pub state: NoticeState,
    pub content: String,
    pub answer_by: NaiveDate,
    pub answer: Option<String>,
    pub previous_id: Option<i64>,
}

fn parse<T: serde::de::DeserializeOwned>(s: &str) -> AppResult<T> {
    serde_json::from_value(json!(s))
        .map_err(|e| AppError::Internal(format!("stored value {s}: {e}")))
}

fn text_of<T: Serialize>(v: T) -> String {
    json!(v).as_str().unwrap_or_default().to_string()
}

fn view(m: supervision_notice::Model) -> AppResult<NoticeView> {
    Ok(NoticeView {
        level: parse(&m.level)?,
        state: parse(&m.status)?,
        id: m.id,
        task_id: m.task_id,
        content: m.content,
        answer_by: m.answer_by,
        answer: m.answer,
        previous_id: m.previous_id,
    })
}

fn required_text(field: &str, text: &str) -> Result<String, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, "error.notice.text_required"));
    }
    if t.chars().count() > MAX_TEXT_CHARS {
        return Err(FieldError::new(field, "error.notice.text_too_long"));
    }
    Ok(t.to_string())
}

/// Tells the lead unit's active staff and the lead leader of a new notice.
async fn tell(db: &impl ConnectionTrait, task: &supervision_task::Model) -> AppResult<()> {
    let mut users: Vec<i64> = match task.lead_unit_id {
        Some(unit) => {
            app_user::Entity::find()
                .select_only()
                .column(app_user::Column::Id)
                .filter(app_user::Column::DepartmentId.eq(unit))
                .filter(app_user::Column::Active.eq(true))
                .into_tuple()
                .all(db)
                .await?
        }
        None => Vec::new(),
    };
    users.extend(task.lead_leader_id);
    users.sort_unstable();
    users.dedup();
    let link = format!("/supervision/tasks/{}", task.id);
    for u in users {
        notifications::send(
            db,
            u,
            "supervision_notice",
            "supervision.notify.notice_title",
            "supervision.notify.notice_body",
            Some(&link),
        )
        .await?;
    }
    Ok(())
}

/// Writes a new notice of `level` on `task`, tells its unit and leader; inside `tx`.
async fn write_notice(
    tx: &impl ConnectionTrait,
    ctx: &Ctx,
    task: &supervision_task::Model,
    level: NoticeLevel,
    content: String,
    answer_by: NaiveDate,
    previous_id: Option<i64>,
) -> AppResult<supervision_notice::Model> {
    let m = supervision_notice::ActiveModel {
        task_id: Set(task.id),
        level: Set(text_of(level)),
        status: Set(text_of(NoticeState::Issued)),
        content: Set(content),
        issued_by: Set(ctx.actor.id),
        issued_at: Set(now()),
        answer_by: Set(answer_by),
        previous_id: Set(previous_id),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    tell(tx, task).await?;
    Ok(m)
}

/// Issues a 督办单 on a task; the supervision office; audited.
pub async fn issue(
    app: &App,
    ctx: &Ctx,
    task_id: i64,
    content: &str,
    answer_by: NaiveDate,
    today: NaiveDate,
) -> AppResult<NoticeView> {
    require_office(app, ctx).await?;
    let mut errors = Vec::new();
    let content = required_text("content", content)
        .map_err(|e| errors.push(e))
        .ok();
    if answer_by < today {
        errors.push(FieldError::new("answer_by", "error.notice.answer_by_past"));
    }
    let tx = app.db.begin_write().await?;
    let task = supervision_task::Entity::find_by_id(task_id)
        .one(&tx)
        .await?
        .filter(|t| t.level > 0)
        .ok_or(AppError::NotFound)?;
    let Some(content) = content.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let m = write_notice(
        &tx,
        ctx,
        &task,
        NoticeLevel::Notice,
        content,
        answer_by,
        None,
    )
    .await?;
    let v = view(m)?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "create",
            entity: "supervision_notice",
            entity_id: v.id.to_string(),
            before: None,
            after: Some(json!(v)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(v)
}

/// One step on a notice: the lead unit answers (`text` is the answer); the office returns the
/// answer, closes, withdraws or escalates (`text` is the new notice, due `answer_by`).
/// Illegal steps are refused with `error.notice.transition`.
pub async fn act(
    app: &App,
    ctx: &Ctx,
    notice_id: i64,
    action: NoticeAction,
    text: &str,
    answer_by: Option<NaiveDate>,
) -> AppResult<NoticeView> {
    ctx.require(Permission::ViewSupervision)?;
    let office = is_office(app, ctx).await?;
    let units = crate::departments::scope_units(app, ctx).await?;
    let tx = app.db.begin_write().await?;
    let n = supervision_notice::Entity::find_by_id(notice_id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let task = supervision_task::Entity::find_by_id(n.task_id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let lead = task
        .lead_unit_id
        .is_some_and(|u| units.as_ref().is_none_or(|units| units.contains(&u)));
    if !office && !lead {
        return Err(AppError::NotFound);
    }
    let allowed = match action {
        NoticeAction::Answer => lead && ctx.actor.can(Permission::ReportProgress),
        _ => office,
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let before = view(n.clone())?;
    let outcome = NoticeStatus {
        level: before.level,
        state: before.state,
    }
    .apply(action)
    .map_err(|_| AppError::Conflict("error.notice.transition".into()))?;
    let mut am = n.into_active_model();
    am.status = Set(text_of(outcome.status.state));
    let t = now();
    match action {
        NoticeAction::Answer => {
            let answer =
                required_text("answer", text).map_err(|e| AppError::Validation(vec![e]))?;
            am.answer = Set(Some(answer));
            am.answered_by = Set(ctx.actor.id);
            am.answered_at = Set(Some(t));
        }
        NoticeAction::Close | NoticeAction::Withdraw | NoticeAction::Escalate => {
            am.closed_at = Set(Some(t));
        }
        NoticeAction::ReturnAnswer => {}
    }
    let m = am.update(&tx).await?;
    let after = view(m)?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: text_of(action).as_str(),
            entity: "supervision_notice",
            entity_id: after.id.to_string(),
            before: Some(json!(before)),
            after: Some(json!(after)),
        },
    )
    .await?;
    let result = match outcome.issue_next {
        Some(level) => {
            let content =
                required_text("content", text).map_err(|e| AppError::Validation(vec![e]))?;
            let answer_by = answer_by
                .ok_or_else(|| AppError::field("answer_by", "error.notice.answer_by_required"))?;
            let next =
                write_notice(&tx, ctx, &task, level, content, answer_by, Some(after.id)).await?;
            let next = view(next)?;
            audit::record(
                &tx,
                &ctx.actor,
                &ctx.meta,
                Change {
                    action: "create",
                    entity: "supervision_notice",
                    entity_id: next.id.to_string(),
                    before: None,
                    after: Some(json!(next)),
                },
            )
            .await?;
            next
        }
        None => after,
    };
    tx.commit().await?;
    Ok(result)
}

/// The notices of a task, oldest first.
pub async fn of_task(app: &App, ctx: &Ctx, task_id: i64) -> AppResult<Vec<NoticeView>> {
    super::tasks::visible(app, ctx, task_id).await?;
    supervision_notice::Entity::find()
        .filter(supervision_notice::Column::TaskId.eq(task_id))
        .order_by_asc(supervision_notice::Column::Id)
        .all(app.db.read())
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// Tasks of a plan for which the rules suggest a 督办单 (two yellows in a row, or a red, in
/// the latest cycles) and none is open; for the office.
pub async fn suggested(app: &App, ctx: &Ctx, plan_id: i64) -> AppResult<Vec<(i64, NoticeLevel)>> {
    require_office(app, ctx).await?;
    let db = app.db.read();
    let tasks: Vec<i64> = supervision_task::Entity::find()
        .select_only()
        .column(supervision_task::Column::Id)
        .filter(supervision_task::Column::PlanId.eq(plan_id))
        .filter(supervision_task::Column::Level.gt(0))
        .order_by_asc(supervision_task::Column::SortOrder)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Vec::new();
    for id in tasks {
        if let Some(level) = suggestion(db, id).await? {
            out.push((id, level));
        }
    }
    Ok(out)
}

/// The notice the rules suggest for one task, if none is open; for the office (the task's
/// page asks for its own task only).
pub async fn suggested_for(app: &App, ctx: &Ctx, task_id: i64) -> AppResult<Option<NoticeLevel>> {
    require_office(app, ctx).await?;
    suggestion(app.db.read(), task_id).await
}

async fn suggestion(db: &impl ConnectionTrait, task_id: i64) -> AppResult<Option<NoticeLevel>> {
    let open = supervision_notice::Entity::find()
        .filter(supervision_notice::Column::TaskId.eq(task_id))
        .filter(
            supervision_notice::Column::Status
                .is_in([text_of(NoticeState::Issued), text_of(NoticeState::Answered)]),
        )
        .one(db)
        .await?
        .is_some();
    if open {
        return Ok(None);
    }
    let history: Vec<TaskColour> = task_colour::Entity::find()
        .filter(task_colour::Column::TaskId.eq(task_id))
        .order_by_asc(task_colour::Column::Cycle)
        .all(db)
        .await?
        .iter()
        .filter_map(|c| parse(&c.colour).ok())
        .collect();
    Ok(suggest_notice(&history))
}

/// The task of notice `notice_id`, if the caller sees the task.
pub async fn task_of(app: &App, ctx: &Ctx, notice_id: i64) -> AppResult<i64> {
    let n = supervision_notice::Entity::find_by_id(notice_id)
        .one(app.db.read())
        .await?
        .ok_or(AppError::NotFound)?;
    super::tasks::visible(app, ctx, n.task_id).await?;
    Ok(n.task_id)
}
