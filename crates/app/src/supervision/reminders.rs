//! The daily supervision check (督查提醒): recomputes every active plan's colours, then puts
//! reminders in the inboxes of the units concerned — report due in 3 working days, report
//! overdue, milestone due, deadline near — and copies the lead leader on tasks that turned
//! red. Each reminder is claimed in the job ledger under its own key (plan and cycle, task and
//! date), so it goes out once however many instances run the check and however often.
//! Units with an outgoing webhook also get each reminder POSTed as JSON after the commit.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use serde_json::json;
use wujin_domain::supervision::cycle::{CycleRules, remind_on};
use wujin_storage::entity::{
    app_user, department, progress_report, supervision_plan, supervision_task, task_colour,
    task_milestone,
};

use super::plans::view as plan_view;
use crate::audit::{self, Change};
use crate::context::{Actor, Ctx, RequestMeta};
use crate::error::AppResult;
use crate::{App, jobs, notifications};

/// Working days before a report or milestone is due when its reminder goes out.
pub const DUE_SOON_WORKING_DAYS: u32 = 3;

/// The kinds of reminder, as notification kinds; catalogue keys are
/// `supervision.notify.{kind}_title` and `…_body`.
pub const REPORT_DUE: &str = "report_due";
pub const REPORT_OVERDUE: &str = "report_overdue";
pub const NODE_DUE: &str = "node_due";
pub const DEADLINE_NEAR: &str = "deadline_near";
pub const TURNED_RED: &str = "turned_red";

/// What one run sent.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ReminderSummary {
    /// Plans whose colours were recomputed.
    pub plans: usize,
    /// Reminders by kind, counted per unit or leader told.
    pub sent: BTreeMap<String, usize>,
    /// Webhook deliveries attempted and failed.
    pub webhooks: usize,
    pub webhook_failures: usize,
}

/// One reminder for one unit (or leader): which tasks, and a link.
#[derive(Debug, Clone, Serialize)]
struct Reminder {
    kind: &'static str,
    unit_id: Option<i64>,
    leader_id: Option<i64>,
    plan: String,
    due_on: Option<NaiveDate>,
    tasks: Vec<(i64, String)>,
    link: String,
}

fn job_ctx(today: NaiveDate) -> Ctx {
    Ctx::new(
        Actor::system("reminder"),
        RequestMeta {
            request_id: format!("job-supervision-{today}"),
            ip: "local".to_string(),
            user_agent: "wujin-scheduler".to_string(),
        },
    )
}

async fn unit_staff(db: &impl ConnectionTrait, unit: i64) -> AppResult<Vec<i64>> {
    Ok(app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Id)
        .filter(app_user::Column::DepartmentId.eq(unit))
        .filter(app_user::Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await?)
}

/// Claims one reminder key; `instance` names the caller in the ledger.
async fn claim(app: &App, key: String, period: &str, instance: &str) -> AppResult<bool> {
    jobs::claim(app, &key, period, instance).await
}

/// Runs the check for `today` (China date). Returns what was sent.
pub async fn run(app: &App, today: NaiveDate, instance: &str) -> AppResult<ReminderSummary> {
    let ctx = job_ctx(today);
    let mut summary = ReminderSummary::default();
    let db = app.db.read();
    let plans = supervision_plan::Entity::find()
        .filter(supervision_plan::Column::Status.eq("active"))
        .all(db)
        .await?;
    let calendar = crate::calendar::current(db).await?;
    let mut reminders: Vec<Reminder> = Vec::new();
    for plan in plans {
        let p = plan_view(plan, 0);
        if today.year() > p.year + 1 {
            continue;
        }
        super::colours::recompute(app, &ctx, p.id, today).await?;
        summary.plans += 1;
        let db = app.db.read();
        let tasks = supervision_task::Entity::find()
            .filter(supervision_task::Column::PlanId.eq(p.id))
            .filter(supervision_task::Column::Level.gt(0))
            .filter(supervision_task::Column::Status.ne("done"))
            .all(db)
            .await?;
        let task_ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
        let rules = CycleRules {
            period: p.report_period,
            due_day: p.report_due_day,
        };
        let (cycle, due) = super::reports::cycle_being_reported(&rules, today, &calendar);
        let link = format!("/supervision/plans/{}/mine", p.id);
        // The cycle being reported, when its due date is within 3 working days; the latest
        // cycle already due, for the reports still missing.
        let remind_from = remind_on(due, DUE_SOON_WORKING_DAYS, &calendar).unwrap_or(due);
        let mut checks = Vec::new();
        if today >= remind_from && today <= due {
            checks.push((REPORT_DUE, cycle, due));
        }
        if let Ok(Some(past)) = rules.last_cycle_due_before(today, &calendar) {
            let past_due = rules
                .due_date_on_working_day(past, &calendar)
                .unwrap_or_else(|_| rules.due_date(past));
            checks.push((REPORT_OVERDUE, past, past_due));
        }
        for (kind, c, c_due) in checks {
            let label = c.label();
            let mut filed: BTreeSet<i64> = BTreeSet::new();
            for chunk in task_ids.chunks(1_000) {
                let ids: Vec<i64> = progress_report::Entity::find()
                    .select_only()
                    .column(progress_report::Column::TaskId)
                    .filter(progress_report::Column::TaskId.is_in(chunk.to_vec()))
                    .filter(progress_report::Column::Cycle.eq(&label))
                    .filter(progress_report::Column::IsLead.eq(true))
                    .into_tuple()
                    .all(db)
                    .await?;
                filed.extend(ids);
            }
            let mut by_unit: BTreeMap<i64, Vec<(i64, String)>> = BTreeMap::new();
            for t in tasks.iter().filter(|t| t.start_on <= c.end()) {
                if let Some(u) = t.lead_unit_id.filter(|_| !filed.contains(&t.id)) {
                    by_unit.entry(u).or_default().push((t.id, t.serial.clone()));
                }
            }
            for (unit, list) in by_unit {
                if claim(app, format!("{kind}:{}:{unit}", p.id), &label, instance).await? {
                    reminders.push(Reminder {
                        kind,
                        unit_id: Some(unit),
                        leader_id: None,
                        plan: p.name.clone(),
                        due_on: Some(c_due),
                        tasks: list,
                        link: link.clone(),
                    });
                }
            }
        }
        // Milestones due within 3 working days, not reached.
        for chunk in task_ids.chunks(1_000) {
            for m in task_milestone::Entity::find()
                .filter(task_milestone::Column::TaskId.is_in(chunk.to_vec()))
                .filter(task_milestone::Column::DoneAt.is_null())
                .filter(task_milestone::Column::DueOn.gte(today))
                .all(db)
                .await?
            {
                let from =
                    remind_on(m.due_on, DUE_SOON_WORKING_DAYS, &calendar).unwrap_or(m.due_on);
                let task = tasks.iter().find(|t| t.id == m.task_id);
                if today >= from
                    && let Some(t) = task
                    && let Some(u) = t.lead_unit_id
                    && claim(
                        app,
                        format!("{NODE_DUE}:{}", m.id),
                        &m.due_on.to_string(),
                        instance,
                    )
                    .await?
                {
                    reminders.push(Reminder {
                        kind: NODE_DUE,
                        unit_id: Some(u),
                        leader_id: None,
                        plan: p.name.clone(),
                        due_on: Some(m.due_on),
                        tasks: vec![(t.id, t.serial.clone())],
                        link: format!("/supervision/tasks/{}", t.id),
                    });
                }
            }
        }
        // Deadlines within the plan's blue window.
        for t in &tasks {
            let (Some(d), Some(u)) = (t.deadline_on, t.lead_unit_id) else {
                continue;
            };
            let from =
                remind_on(d, p.colour_rules.blue_within_working_days, &calendar).unwrap_or(d);
            if today >= from
                && today <= d
                && claim(
                    app,
                    format!("{DEADLINE_NEAR}:{}", t.id),
                    &d.to_string(),
                    instance,
                )
                .await?
            {
                reminders.push(Reminder {
                    kind: DEADLINE_NEAR,
                    unit_id: Some(u),
                    leader_id: None,
                    plan: p.name.clone(),
                    due_on: Some(d),
                    tasks: vec![(t.id, t.serial.clone())],
                    link: format!("/supervision/tasks/{}", t.id),
                });
            }
        }
        // Red tasks: the lead leader is copied, once per task and cycle.
        let colour_cycle = rules.cycle_of(today).label();
        for chunk in task_ids.chunks(1_000) {
            let red: Vec<i64> = task_colour::Entity::find()
                .select_only()
                .column(task_colour::Column::TaskId)
                .filter(task_colour::Column::TaskId.is_in(chunk.to_vec()))
                .filter(task_colour::Column::Cycle.eq(&colour_cycle))
                .filter(task_colour::Column::Colour.eq("red"))
                .into_tuple()
                .all(db)
                .await?;
            for id in red {
                let Some(t) = tasks.iter().find(|t| t.id == id) else {
                    continue;
                };
                if let Some(l) = t.lead_leader_id
                    && claim(app, format!("{TURNED_RED}:{id}"), &colour_cycle, instance).await?
                {
                    reminders.push(Reminder {
                        kind: TURNED_RED,
                        unit_id: None,
                        leader_id: Some(l),
                        plan: p.name.clone(),
                        due_on: t.deadline_on,
                        tasks: vec![(t.id, t.serial.clone())],
                        link: format!("/supervision/tasks/{id}"),
                    });
                }
            }
        }
    }
    deliver(app, &ctx, today, reminders, &mut summary).await?;
    Ok(summary)
}

/// Writes the inbox messages and the audit event in one transaction, then calls webhooks.
async fn deliver(
    app: &App,
    ctx: &Ctx,
    today: NaiveDate,
    reminders: Vec<Reminder>,
    summary: &mut ReminderSummary,
) -> AppResult<()> {
    if reminders.is_empty() {
        return Ok(());
    }
    let tx = app.db.begin_write().await?;
    for r in &reminders {
        let users = match (r.unit_id, r.leader_id) {
            (Some(u), _) => unit_staff(&tx, u).await?,
            (None, Some(l)) => vec![l],
            _ => Vec::new(),
        };
        for u in users {
            notifications::send(
                &tx,
                u,
                &format!("supervision_{}", r.kind),
                &format!("supervision.notify.{}_title", r.kind),
                &format!("supervision.notify.{}_body", r.kind),
                Some(&r.link),
            )
            .await?;
        }
        *summary.sent.entry(r.kind.to_string()).or_default() += 1;
    }
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "remind",
            entity: "supervision_plan",
            entity_id: String::new(),
            before: None,
            after: Some(json!({"today": today, "sent": summary.sent})),
        },
    )
    .await?;
    let units: Vec<i64> = reminders.iter().filter_map(|r| r.unit_id).collect();
    let hooks: BTreeMap<i64, String> = department::Entity::find()
        .filter(department::Column::Id.is_in(units))
        .all(&tx)
        .await?
        .into_iter()
        .filter_map(|d| d.webhook_url.map(|w| (d.id, w)))
        .collect();
    tx.commit().await?;
    for r in reminders {
        let Some(url) = r.unit_id.and_then(|u| hooks.get(&u)) else {
            continue;
        };
        summary.webhooks += 1;
        let body = json!({
            "kind": r.kind,
            "plan": r.plan,
            "due_on": r.due_on,
            "tasks": r.tasks.iter().map(|(id, serial)| json!({"id": id, "serial": serial})).collect::<Vec<_>>(),
            "link": r.link,
        });
        if let Err(e) = super::webhook::post(url, &body).await {
            summary.webhook_failures += 1;
            tracing::warn!(url = %url, error = %e, "supervision webhook failed");
        }
    }
    Ok(())
}
