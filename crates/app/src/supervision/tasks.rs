//! Tasks (任务) of a plan: areas, tasks and sub-tasks with a lead leader (牵头领导), a lead unit
//! (牵头单位), co-units (配合单位) and a deadline read from the phrase officials write.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wujin_domain::access::Role;
use wujin_domain::supervision::deadline::{Deadline, parse_deadline};
use wujin_storage::entity::{
    app_user, department, supervision_plan, supervision_task, task_co_unit,
};

use super::targets::{TargetInput, target_problems, trimmed};
use super::{require_office, visible_units};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

/// Longest task content, in characters.
pub const MAX_CONTENT_CHARS: usize = 2_000;

/// The tasks units `units` lead or co-operate on.
pub(crate) fn of_units(units: &[i64]) -> Condition {
    Condition::any()
        .add(supervision_task::Column::LeadUnitId.is_in(units.to_vec()))
        .add(
            supervision_task::Column::Id.in_subquery(
                Query::select()
                    .column(task_co_unit::Column::TaskId)
                    .from(task_co_unit::Entity)
                    .and_where(task_co_unit::Column::UnitId.is_in(units.to_vec()))
                    .to_owned(),
            ),
        )
}

/// A task as sent by the office.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewTask {
    pub plan_id: i64,
    /// The area or task this one belongs to; none for an area.
    pub parent_id: Option<i64>,
    /// 序号 as written.
    pub serial: String,
    pub content: String,
    pub lead_leader_id: Option<i64>,
    pub lead_unit_id: Option<i64>,
    #[serde(default)]
    pub co_unit_ids: Vec<i64>,
    /// 完成时限 as written: 2022年6月底, 三季度, 每季度, 长期坚持 …
    pub deadline_text: Option<String>,
    /// Default: 1 January of the plan's year.
    pub start_on: Option<NaiveDate>,
}

/// A task as lists and pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub id: i64,
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    pub level: i32,
    pub serial: String,
    pub content: String,
    pub lead_leader_id: Option<i64>,
    pub lead_unit_id: Option<i64>,
    pub co_unit_ids: Vec<i64>,
    pub deadline_text: Option<String>,
    pub deadline: Option<Deadline>,
    pub deadline_on: Option<NaiveDate>,
    pub start_on: NaiveDate,
    pub status: String,
    /// The quantitative target (量化指标): metric, baseline, target, unit.
    pub metric: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub target_unit: Option<String>,
    pub tags: Vec<String>,
}

pub(crate) fn view(m: supervision_task::Model, co_units: Vec<i64>) -> TaskView {
    let deadline = match (&m.deadline_on, &m.recurrence, m.ongoing) {
        (Some(d), _, _) => Some(Deadline::On(*d)),
        (None, Some(r), _) => serde_json::from_value(json!(r))
            .ok()
            .map(Deadline::Recurring),
        (None, None, true) => Some(Deadline::Ongoing),
        _ => None,
    };
    TaskView {
        id: m.id,
        plan_id: m.plan_id,
        parent_id: m.parent_id,
        level: m.level,
        serial: m.serial,
        content: m.content,
        lead_leader_id: m.lead_leader_id,
        lead_unit_id: m.lead_unit_id,
        co_unit_ids: co_units,
        deadline_text: m.deadline_text,
        deadline,
        deadline_on: m.deadline_on,
        start_on: m.start_on,
        status: m.status,
        metric: m.metric,
        baseline: m.baseline,
        target: m.target,
        target_unit: m.target_unit,
        tags: serde_json::from_str(&m.tags_json).unwrap_or_default(),
    }
}

/// Adds a task (or an area, without parent) to a plan; the supervision office only; audited.
/// The lead leader must be an active leader account, the units active departments or towns,
/// and the deadline phrase readable in the plan's year.
pub async fn add(app: &App, ctx: &Ctx, input: NewTask) -> AppResult<TaskView> {
    require_office(app, ctx).await?;
    let tx = app.db.begin_write().await?;
    let plan = supervision_plan::Entity::find_by_id(input.plan_id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    let level = match input.parent_id {
        None => 0,
        Some(p) => match supervision_task::Entity::find_by_id(p).one(&tx).await? {
            Some(parent) if parent.plan_id == plan.id && parent.level < 2 => parent.level + 1,
            Some(parent) if parent.plan_id == plan.id => {
                errors.push(FieldError::new("parent_id", "error.task.too_deep"));
                0
            }
            _ => {
                errors.push(FieldError::new("parent_id", "error.task.parent_unknown"));
                0
            }
        },
    };
    let view = insert_checked(&tx, ctx, &plan, input, level, None, errors).await?;
    tx.commit().await?;
    Ok(view)
}

/// Inserts a task at `level` (0 area, 1 task, 2 sub-task) inside `tx`, checked as [`add`]
/// checks it (the caller has checked the parent and the caller's right), with its
/// quantitative target when given (checked as [`super::targets::set_target`] checks it), and
/// audited. For writers of many tasks at once, such as an import.
pub(crate) async fn insert(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    plan: &supervision_plan::Model,
    input: NewTask,
    level: i32,
    target: Option<TargetInput>,
) -> AppResult<TaskView> {
    let mut errors = Vec::new();
    if let Some(t) = &target {
        errors.extend(target_problems(t).0);
    }
    insert_checked(tx, ctx, plan, input, level, target, errors).await
}

/// What [`check`] read from a new task.
struct Checked {
    content: String,
    deadline_text: Option<String>,
    deadline: Option<Deadline>,
}

/// Checks a new task's fields, adding each problem to `errors`.
async fn check(
    tx: &DatabaseTransaction,
    plan: &supervision_plan::Model,
    input: &NewTask,
    level: i32,
    errors: &mut Vec<FieldError>,
) -> AppResult<Checked> {
    let content = input.content.trim().to_string();
    if content.is_empty() {
        errors.push(FieldError::new("content", "error.task.content_required"));
    } else if content.chars().count() > MAX_CONTENT_CHARS {
        errors.push(FieldError::new("content", "error.task.content_too_long"));
    }
    if let Some(l) = input.lead_leader_id {
        let ok = app_user::Entity::find_by_id(l)
            .one(tx)
            .await?
            .is_some_and(|u| u.active && u.role == Role::Leader.as_str());
        if !ok {
            errors.push(FieldError::new(
                "lead_leader_id",
                "error.task.leader_unknown",
            ));
        }
    }
    let mut units: Vec<i64> = input.co_unit_ids.clone();
    units.extend(input.lead_unit_id);
    let known: HashMap<i64, department::Model> = department::Entity::find()
        .filter(department::Column::Id.is_in(units.clone()))
        .all(tx)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    for (field, id) in input
        .lead_unit_id
        .map(|u| ("lead_unit_id", u))
        .into_iter()
        .chain(input.co_unit_ids.iter().map(|u| ("co_unit_ids", *u)))
    {
        if !known.get(&id).is_some_and(|d| d.active) {
            errors.push(FieldError::with_detail(
                field,
                "error.task.unit_unknown",
                id.to_string(),
            ));
        }
    }
    let text = input
        .deadline_text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let deadline = match text.map(|t| parse_deadline(t, plan.year)) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            errors.push(FieldError::with_detail(
                "deadline_text",
                "error.task.deadline_unreadable",
                e.text,
            ));
            None
        }
    };
    if level > 0 && input.lead_unit_id.is_none() {
        errors.push(FieldError::new(
            "lead_unit_id",
            "error.task.lead_unit_required",
        ));
    }
    Ok(Checked {
        content,
        deadline_text: text.map(str::to_string),
        deadline,
    })
}

/// Checks (adding to the caller's `errors`), then writes and audits.
async fn insert_checked(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    plan: &supervision_plan::Model,
    input: NewTask,
    level: i32,
    target: Option<TargetInput>,
    mut errors: Vec<FieldError>,
) -> AppResult<TaskView> {
    let Checked {
        content,
        deadline_text,
        deadline,
    } = check(tx, plan, &input, level, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let start_on = input
        .start_on
        .or_else(|| NaiveDate::from_ymd_opt(plan.year, 1, 1))
        .ok_or_else(|| AppError::field("start_on", "error.task.start_invalid"))?;
    if let Some(Deadline::On(d)) = deadline
        && d < start_on
    {
        return Err(AppError::field(
            "deadline_text",
            "error.task.deadline_before_start",
        ));
    }
    let siblings = supervision_task::Entity::find()
        .filter(supervision_task::Column::PlanId.eq(plan.id))
        .order_by_desc(supervision_task::Column::SortOrder)
        .one(tx)
        .await?
        .map_or(0, |t| t.sort_order + 1);
    let t = now();
    let target = target.unwrap_or_default();
    let metric = trimmed(&target.metric);
    let m = supervision_task::ActiveModel {
        plan_id: Set(plan.id),
        parent_id: Set(input.parent_id),
        level: Set(level),
        serial: Set(input.serial.trim().to_string()),
        sort_order: Set(siblings),
        content: Set(content),
        lead_leader_id: Set(input.lead_leader_id),
        lead_unit_id: Set(input.lead_unit_id),
        deadline_text: Set(deadline_text),
        deadline_on: Set(match deadline {
            Some(Deadline::On(d)) => Some(d),
            _ => None,
        }),
        recurrence: Set(match deadline {
            Some(Deadline::Recurring(r)) => json!(r).as_str().map(str::to_string),
            _ => None,
        }),
        ongoing: Set(deadline == Some(Deadline::Ongoing)),
        start_on: Set(start_on),
        baseline: Set(target.baseline.filter(|_| metric.is_some())),
        target: Set(target.target.filter(|_| metric.is_some())),
        target_unit: Set(trimmed(&target.target_unit).filter(|_| metric.is_some())),
        metric: Set(metric),
        tags_json: Set("[]".into()),
        status: Set("open".into()),
        done_at: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let mut co: Vec<i64> = input.co_unit_ids.clone();
    co.sort_unstable();
    co.dedup();
    co.retain(|u| Some(*u) != input.lead_unit_id);
    for u in &co {
        task_co_unit::ActiveModel {
            task_id: Set(m.id),
            unit_id: Set(*u),
        }
        .insert(tx)
        .await?;
    }
    let mut after = json!({
        "plan_id": m.plan_id,
        "parent_id": m.parent_id,
        "serial": m.serial,
        "content": m.content,
        "lead_leader_id": m.lead_leader_id,
        "lead_unit_id": m.lead_unit_id,
        "co_unit_ids": co,
        "deadline_text": m.deadline_text,
        "deadline": deadline,
    });
    if m.metric.is_some() {
        after["metric"] = json!(m.metric);
        after["baseline"] = json!(m.baseline);
        after["target"] = json!(m.target);
        after["target_unit"] = json!(m.target_unit);
    }
    audit::record(
        tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "create",
            entity: "supervision_task",
            entity_id: m.id.to_string(),
            before: None,
            after: Some(after),
        },
    )
    .await?;
    Ok(view(m, co))
}

/// The tasks of a plan the caller sees, in the plan's order: all of them for leaders and the
/// office; for a unit, those it (or a unit below it) leads or co-operates on, with the areas
/// they belong to.
pub async fn of_plan(app: &App, ctx: &Ctx, plan_id: i64) -> AppResult<Vec<TaskView>> {
    let units = visible_units(app, ctx).await?;
    let db = app.db.read();
    supervision_plan::Entity::find_by_id(plan_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let all = supervision_task::Entity::find()
        .filter(supervision_task::Column::PlanId.eq(plan_id))
        .order_by_asc(supervision_task::Column::SortOrder)
        .all(db)
        .await?;
    let ids: Vec<i64> = all.iter().map(|t| t.id).collect();
    let mut co: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(1_000) {
        for link in task_co_unit::Entity::find()
            .filter(task_co_unit::Column::TaskId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            co.entry(link.task_id).or_default().push(link.unit_id);
        }
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
    // A unit sees its tasks, their sub-tasks, and the areas and tasks above them.
    let by_id: HashMap<i64, &supervision_task::Model> = all.iter().map(|t| (t.id, t)).collect();
    let mut shown: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for t in all.iter().filter(|t| mine(t)) {
        let mut cur = Some(t.id);
        while let Some(id) = cur {
            if !shown.insert(id) {
                break;
            }
            cur = by_id.get(&id).and_then(|t| t.parent_id);
        }
    }
    for t in &all {
        if t.parent_id
            .is_some_and(|p| shown.contains(&p) && by_id[&p].level > 0 && mine(by_id[&p]))
        {
            shown.insert(t.id);
        }
    }
    Ok(all
        .into_iter()
        .filter(|t| shown.contains(&t.id))
        .map(|t| {
            let c = co.remove(&t.id).unwrap_or_default();
            view(t, c)
        })
        .collect())
}

/// The task `task_id` if the caller sees it: leaders and the office see every task, a unit
/// those it (or a unit below it) leads or co-operates on; others get `NotFound`.
pub async fn visible(app: &App, ctx: &Ctx, task_id: i64) -> AppResult<supervision_task::Model> {
    let units = visible_units(app, ctx).await?;
    let db = app.db.read();
    let mut q = supervision_task::Entity::find_by_id(task_id);
    if let Some(units) = &units {
        q = q.filter(of_units(units));
    }
    q.one(db).await?.ok_or(AppError::NotFound)
}

/// What the office's task form offers: the plan's areas and tasks as parents, active leader
/// accounts, active departments and towns.
#[derive(Debug, Clone, Serialize)]
pub struct TaskChoices {
    pub parents: Vec<super::board::Named>,
    pub leaders: Vec<super::board::Named>,
    pub units: Vec<super::board::Named>,
}

/// The choices of the task form of plan `plan_id`; the office.
pub async fn choices(app: &App, ctx: &Ctx, plan_id: i64) -> AppResult<TaskChoices> {
    require_office(app, ctx).await?;
    let db = app.db.read();
    let parents = supervision_task::Entity::find()
        .filter(supervision_task::Column::PlanId.eq(plan_id))
        .filter(supervision_task::Column::Level.lt(2))
        .order_by_asc(supervision_task::Column::SortOrder)
        .all(db)
        .await?
        .into_iter()
        .map(|t| super::board::Named {
            id: t.id,
            name: format!(
                "{}{} {}",
                "\u{3000}".repeat(t.level as usize),
                t.serial,
                t.content.chars().take(40).collect::<String>()
            ),
        })
        .collect();
    let leaders = app_user::Entity::find()
        .filter(app_user::Column::Role.eq(Role::Leader.as_str()))
        .filter(app_user::Column::Active.eq(true))
        .order_by_asc(app_user::Column::DisplayName)
        .all(db)
        .await?
        .into_iter()
        .map(|u| super::board::Named {
            id: u.id,
            name: u.display_name,
        })
        .collect();
    let units = department::Entity::find()
        .filter(department::Column::Active.eq(true))
        .filter(department::Column::ParentId.is_not_null())
        .order_by_asc(department::Column::SortOrder)
        .order_by_asc(department::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|d| super::board::Named {
            id: d.id,
            name: d.name,
        })
        .collect();
    Ok(TaskChoices {
        parents,
        leaders,
        units,
    })
}
