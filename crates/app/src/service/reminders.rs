//! The daily service-loop check (办理时限提醒): for every open case whose current deadline is
//! near or past, tell whoever must act — a reminder on the day before (提醒), 催办 once it is
//! overdue, then the department head (负责人) and then the leader in charge (分管领导) as the
//! delay grows (`SlaRules::escalate_*_after_wd`). 催办 and escalations are written into the
//! case's log so the firm and the office see them. Each step is claimed in the job ledger
//! under its own key (case, deadline kind and date, level), so it happens once however many
//! instances run the check and however often.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::json;
use wujin_domain::service::case::CaseState;
use wujin_domain::service::sla::{DueStatus, due_status};
use wujin_storage::entity::{app_user, department, problem, problem_event};

use super::problems::{dispatchers, office_unit, staff_of};
use crate::audit::{self, Change};
use crate::context::{Actor, Ctx, RequestMeta};
use crate::error::AppResult;
use crate::{App, jobs, notifications, now};

/// What one run did, by kind (`due_soon`, `urged`, `escalated_head`, `escalated_leader`):
/// cases acted on, and messages sent.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ServiceCheckSummary {
    pub cases: BTreeMap<String, usize>,
    pub messages: usize,
}

fn job_ctx(today: NaiveDate) -> Ctx {
    Ctx::new(
        Actor::system("service-check"),
        RequestMeta {
            request_id: format!("job-service-{today}"),
            ip: "local".to_string(),
            user_agent: "wujin-scheduler".to_string(),
        },
    )
}

/// The escalation steps a status calls for, mildest first: each fires once.
fn steps(status: DueStatus) -> &'static [&'static str] {
    match status {
        DueStatus::OnTime => &[],
        DueStatus::DueSoon => &["due_soon"],
        DueStatus::Overdue => &["urged"],
        DueStatus::EscalatedToHead => &["urged", "escalated_head"],
        DueStatus::EscalatedToLeader => &["urged", "escalated_head", "escalated_leader"],
    }
}

/// Runs the check for `today` (China date).
pub async fn run(app: &App, today: NaiveDate, instance: &str) -> AppResult<ServiceCheckSummary> {
    let ctx = job_ctx(today);
    let rules = &app.config.service_sla;
    let db = app.db.read();
    let cal = crate::calendar::current(db).await?;
    // Anything due within a week of calendar days covers every reminder window in use.
    let horizon = today + chrono::Days::new(u64::from(rules.remind_before_wd) * 2 + 7);
    let open: Vec<&str> = CaseState::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.as_str())
        .collect();
    let cases = problem::Entity::find()
        .filter(problem::Column::State.is_in(open))
        .filter(problem::Column::DueOn.lte(horizon))
        .all(db)
        .await?;
    let office = office_unit(app, db).await?;
    let mut summary = ServiceCheckSummary::default();
    for p in cases {
        let (Some(due), Some(kind)) = (p.due_on, p.due_kind.clone()) else {
            continue;
        };
        let status = due_status(due, today, rules, &cal);
        for step in steps(status) {
            let key = format!("service:{step}:{}:{kind}", p.id);
            if !jobs::claim(app, &key, &due.to_string(), instance).await? {
                continue;
            }
            let assign = kind == "assign";
            let tx = app.db.begin_write().await?;
            // Who hears of it: the office (assignment) or the lead department; its head; its
            // leader in charge.
            let unit = if assign { office } else { p.lead_department_id };
            let unit_row = match unit {
                Some(u) => department::Entity::find_by_id(u).one(&tx).await?,
                None => None,
            };
            // The head and the leader in charge are told only while their accounts are active;
            // without one, the unit's staff (head) or the service office (leader) hear of it.
            let unit_ids: Vec<i64> = unit.into_iter().collect();
            let office_ids: Vec<i64> = office.into_iter().collect();
            let users: Vec<i64> = match *step {
                "due_soon" | "urged" if assign => dispatchers(app, &tx, &p).await?,
                "due_soon" | "urged" => staff_of(&tx, &unit_ids).await?,
                "escalated_head" => {
                    match active_user(&tx, unit_row.as_ref().and_then(|d| d.head_user_id)).await? {
                        Some(h) => vec![h],
                        None => staff_of(&tx, &unit_ids).await?,
                    }
                }
                _ => match active_user(&tx, unit_row.as_ref().and_then(|d| d.leader_user_id))
                    .await?
                {
                    Some(l) => vec![l],
                    None => staff_of(&tx, &office_ids).await?,
                },
            };
            let link = format!("/service/problems/{}", p.id);
            for u in &users {
                notifications::send(
                    &tx,
                    *u,
                    &format!("service_{step}"),
                    &format!("service.notify.{step}_title"),
                    &format!("service.notify.{step}_body"),
                    Some(&link),
                )
                .await?;
            }
            summary.messages += users.len();
            if *step != "due_soon" {
                let data = json!({"due_kind": kind, "due_on": due, "told": users});
                problem_event::Entity::insert(problem_event::ActiveModel {
                    problem_id: sea_orm::Set(p.id),
                    at: sea_orm::Set(now()),
                    on_date: sea_orm::Set(today),
                    actor_user_id: sea_orm::Set(None),
                    actor_name: sea_orm::Set(ctx.actor.display_name.clone()),
                    actor_unit_id: sea_orm::Set(None),
                    action: sea_orm::Set((*step).to_string()),
                    from_state: sea_orm::Set(Some(p.state.clone())),
                    to_state: sea_orm::Set(p.state.clone()),
                    note: sea_orm::Set(None),
                    data_json: sea_orm::Set(Some(data.to_string())),
                    ..Default::default()
                })
                .exec_without_returning(&tx)
                .await?;
                audit::record(
                    &tx,
                    &ctx.actor,
                    &ctx.meta,
                    Change {
                        action: step,
                        entity: "problem",
                        entity_id: p.id.to_string(),
                        before: None,
                        after: Some(data),
                    },
                )
                .await?;
            }
            tx.commit().await?;
            *summary.cases.entry((*step).to_string()).or_default() += 1;
        }
    }
    Ok(summary)
}

/// `id` if it names an active account.
async fn active_user(
    db: &impl sea_orm::ConnectionTrait,
    id: Option<i64>,
) -> AppResult<Option<i64>> {
    let Some(id) = id else { return Ok(None) };
    Ok(app_user::Entity::find_by_id(id)
        .filter(app_user::Column::Active.eq(true))
        .one(db)
        .await?
        .map(|u| u.id))
}
