//! One task as its page shows it: the task with names, its milestones, the timeline of
//! reports, the colour of every cycle with its reasons, notices, requests, its audit history,
//! and what the caller may do on it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::json;
use wujin_domain::access::Permission;
use wujin_domain::supervision::colour::{ColourFinding, TaskColour};
use wujin_domain::supervision::cycle::{CycleRules, ReportStatus, report_status};
use wujin_storage::entity::{
    progress_report, supervision_plan, supervision_task, task_co_unit, task_colour, task_milestone,
};

use super::board::Named;
use super::notices::{self, NoticeView};
use super::plans::{PlanView, view as plan_view};
use super::requests::RequestView;
use super::{is_office, tasks};
use crate::App;
use crate::audit::{self, AuditEventView};
use crate::context::Ctx;
use crate::error::AppResult;

/// A milestone (节点).
#[derive(Debug, Clone, Serialize)]
pub struct MilestoneView {
    pub id: i64,
    pub task_id: i64,
    /// monthly | quarterly
    pub kind: String,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
}

impl From<task_milestone::Model> for MilestoneView {
    fn from(m: task_milestone::Model) -> Self {
        MilestoneView {
            id: m.id,
            task_id: m.task_id,
            kind: m.kind,
            title: m.title,
            due_on: m.due_on,
            done_at: m.done_at,
        }
    }
}

/// One report on the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineReport {
    pub id: i64,
    pub cycle: String,
    pub unit: Named,
    pub is_lead: bool,
    pub author: Option<String>,
    pub progress: String,
    pub percent_complete: Option<f64>,
    pub target_value: Option<f64>,
    pub problems: Option<String>,
    pub next_steps: Option<String>,
    pub due_on: NaiveDate,
    pub submitted_at: DateTime<Utc>,
    pub late: bool,
    pub attachments: Vec<crate::attachments::AttachmentInfo>,
}

/// The colour of one cycle.
#[derive(Debug, Clone, Serialize)]
pub struct CycleColour {
    pub cycle: String,
    pub colour: Option<TaskColour>,
    pub findings: Vec<ColourFinding>,
    pub percent_complete: Option<f64>,
    pub elapsed_progress: f64,
    pub computed_at: DateTime<Utc>,
}

/// Everything a task's page shows.
#[derive(Debug, Clone, Serialize)]
pub struct TaskDetail {
    pub task: tasks::TaskView,
    pub plan: PlanView,
    pub area: Option<String>,
    pub parent: Option<Named>,
    pub children: Vec<Named>,
    pub lead_leader: Option<Named>,
    pub lead_unit: Option<Named>,
    pub co_units: Vec<Named>,
    pub tags: Vec<String>,
    pub milestones: Vec<MilestoneView>,
    /// Newest cycle first; the lead unit's report before the co-units' in a cycle.
    pub reports: Vec<TimelineReport>,
    /// Newest cycle first.
    pub colours: Vec<CycleColour>,
    pub notices: Vec<NoticeView>,
    pub requests: Vec<RequestView>,
    /// Newest first.
    pub history: Vec<AuditEventView>,
    /// The cycle being reported, its due date, and the lead unit's report status for it.
    pub report_cycle: String,
    pub report_due: NaiveDate,
    pub report: ReportStatus,
    /// The caller acts for the supervision office.
    pub office: bool,
    /// The caller's unit leads the task.
    pub leads: bool,
    /// The caller's unit leads or co-operates on the task and may report.
    pub may_report: bool,
}

/// The page of task `task_id`, on `today`; `NotFound` for tasks the caller does not see.
pub async fn detail(app: &App, ctx: &Ctx, task_id: i64, today: NaiveDate) -> AppResult<TaskDetail> {
    let m = tasks::visible(app, ctx, task_id).await?;
    let db = app.db.read();
    let office = is_office(app, ctx).await?;
    let plan = supervision_plan::Entity::find_by_id(m.plan_id)
        .one(db)
        .await?
        .map(|p| plan_view(p, 0))
        .ok_or(crate::error::AppError::NotFound)?;
    let co: Vec<i64> = task_co_unit::Entity::find()
        .filter(task_co_unit::Column::TaskId.eq(m.id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.unit_id)
        .collect();
    let family = supervision_task::Entity::find()
        .filter(supervision_task::Column::PlanId.eq(m.plan_id))
        .filter(
            sea_orm::Condition::any()
                .add(supervision_task::Column::ParentId.eq(m.id))
                .add(supervision_task::Column::Level.lt(m.level)),
        )
        .order_by_asc(supervision_task::Column::SortOrder)
        .all(db)
        .await?;
    let by_id: HashMap<i64, &supervision_task::Model> = family.iter().map(|t| (t.id, t)).collect();
    let named_task = |t: &supervision_task::Model| Named {
        id: t.id,
        name: format!("{} {}", t.serial, t.content).trim().to_string(),
    };
    let parent = m
        .parent_id
        .and_then(|p| by_id.get(&p))
        .map(|t| named_task(t));
    let mut area = None;
    let mut cur = m.parent_id;
    while let Some(t) = cur.and_then(|p| by_id.get(&p)) {
        if t.level == 0 {
            area = Some(t.content.clone());
        }
        cur = t.parent_id;
    }
    let children: Vec<Named> = family
        .iter()
        .filter(|t| t.parent_id == Some(m.id))
        .map(named_task)
        .collect();

    let reports = progress_report::Entity::find()
        .filter(progress_report::Column::TaskId.eq(m.id))
        .order_by_desc(progress_report::Column::Cycle)
        .order_by_desc(progress_report::Column::IsLead)
        .order_by_asc(progress_report::Column::SubmittedAt)
        .all(db)
        .await?;
    let mut unit_ids: HashSet<i64> = co.iter().copied().collect();
    unit_ids.extend(m.lead_unit_id);
    unit_ids.extend(reports.iter().map(|r| r.unit_id));
    let mut user_ids: HashSet<i64> = reports.iter().filter_map(|r| r.author_id).collect();
    user_ids.extend(m.lead_leader_id);
    let units = super::names::unit_names(db, unit_ids, false).await?;
    let users = super::names::users(db, user_ids).await?;
    let named = Named::of;

    let rules = CycleRules {
        period: plan.report_period,
        due_day: plan.report_due_day,
    };
    let calendar = crate::calendar::current(db).await?;
    let (cycle, report_due) = super::reports::cycle_being_reported(&rules, today, &calendar);
    let report_cycle = cycle.label();
    let tz = wujin_domain::tz::china_tz();
    let filed = reports
        .iter()
        .find(|r| r.is_lead && r.cycle == report_cycle)
        .map(|r| r.submitted_at.with_timezone(&tz).date_naive());
    let report = if m.status == "done" {
        ReportStatus::OnTime
    } else {
        report_status(report_due, filed, today)
    };

    let colours = task_colour::Entity::find()
        .filter(task_colour::Column::TaskId.eq(m.id))
        .order_by_desc(task_colour::Column::Cycle)
        .all(db)
        .await?
        .into_iter()
        .map(|c| CycleColour {
            colour: serde_json::from_value(json!(c.colour)).ok(),
            findings: serde_json::from_str(&c.reasons_json).unwrap_or_default(),
            cycle: c.cycle,
            percent_complete: c.percent_complete,
            elapsed_progress: c.elapsed_progress,
            computed_at: c.computed_at,
        })
        .collect();
    let milestones = task_milestone::Entity::find()
        .filter(task_milestone::Column::TaskId.eq(m.id))
        .order_by_asc(task_milestone::Column::DueOn)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let requests = super::requests::of_task(app, ctx, m.id).await?;
    let notices = notices::of_task(app, ctx, m.id).await?;
    let history = audit::history_of(app, "supervision_task", &m.id.to_string(), 50).await?;

    let scope = if ctx.actor.can(Permission::ReportProgress) {
        crate::departments::scope_units(app, ctx)
            .await?
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let leads = m.lead_unit_id.is_some_and(|u| scope.contains(&u));
    let may_report = leads || co.iter().any(|u| scope.contains(u));
    let tags: Vec<String> = serde_json::from_str(&m.tags_json).unwrap_or_default();
    let report_ids: Vec<i64> = reports.iter().map(|r| r.id).collect();
    let mut files = crate::attachments::list_many(
        db,
        crate::attachments::OwnerKind::ProgressReport,
        &report_ids,
    )
    .await?;
    let timeline = reports
        .into_iter()
        .map(|r| TimelineReport {
            attachments: files.remove(&r.id).unwrap_or_default(),
            id: r.id,
            unit: named(r.unit_id, &units),
            author: r.author_id.and_then(|a| users.get(&a).cloned()),
            cycle: r.cycle,
            is_lead: r.is_lead,
            progress: r.progress,
            percent_complete: r.percent_complete,
            target_value: r.target_value,
            problems: r.problems,
            next_steps: r.next_steps,
            due_on: r.due_on,
            submitted_at: r.submitted_at,
            late: r.late,
        })
        .collect();
    Ok(TaskDetail {
        lead_leader: m.lead_leader_id.map(|l| named(l, &users)),
        lead_unit: m.lead_unit_id.map(|u| named(u, &units)),
        co_units: co.iter().map(|u| named(*u, &units)).collect(),
        task: tasks::view(m, co),
        plan,
        area,
        parent,
        children,
        tags,
        milestones,
        reports: timeline,
        colours,
        notices,
        requests,
        history,
        report_cycle,
        report_due,
        report,
        office,
        leads,
        may_report,
    })
}
