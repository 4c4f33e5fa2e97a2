//! Problems as lists and the case page show them.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use wujin_domain::org::DepartmentKind;
use wujin_domain::service::case::{self, CaseAction, CaseActor, CaseState, REOPEN_WINDOW_DAYS};
use wujin_storage::entity::{department, enterprise, problem, problem_assignment, problem_event};

use super::problems::{co_departments, find};
use super::scope::actors_on;
use crate::App;
use crate::attachments::{self, AttachmentInfo, OwnerKind};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::supervision::names::{Named, unit_names};

/// One problem in a list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ProblemRow {
    pub id: i64,
    pub title: String,
    pub enterprise: Named,
    pub town: Option<Named>,
    pub source: String,
    pub category: String,
    pub tags: String,
    pub urgency: String,
    pub complexity: String,
    pub level: String,
    pub state: String,
    pub round: i32,
    pub lead_department: Option<Named>,
    pub received_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub due_kind: Option<String>,
    /// The current deadline has passed.
    pub overdue: bool,
    pub paused: bool,
    pub provisional: bool,
    pub measure: Option<String>,
    pub measure_due: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub satisfaction: Option<String>,
    pub reopen_count: i32,
}

/// Builds rows for these problems with the names they show.
pub(crate) async fn rows(
    db: &impl ConnectionTrait,
    problems: Vec<problem::Model>,
    today: NaiveDate,
) -> AppResult<Vec<ProblemRow>> {
    let firm_ids: Vec<i64> = problems.iter().map(|p| p.enterprise_id).collect();
    let firms: HashMap<i64, String> = if firm_ids.is_empty() {
        HashMap::new()
    } else {
        enterprise::Entity::find()
            .filter(enterprise::Column::Id.is_in(firm_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e.name))
            .collect()
    };
    let unit_ids = problems
        .iter()
        .flat_map(|p| p.town_id.into_iter().chain(p.lead_department_id));
    let units = unit_names(db, unit_ids.collect::<Vec<_>>(), true).await?;
    Ok(problems
        .into_iter()
        .map(|p| ProblemRow {
            overdue: p.due_on.is_some_and(|d| d < today),
            enterprise: Named::of(p.enterprise_id, &firms),
            town: p.town_id.map(|t| Named::of(t, &units)),
            lead_department: p.lead_department_id.map(|d| Named::of(d, &units)),
            id: p.id,
            title: p.title,
            source: p.source,
            category: p.category,
            tags: p.tags,
            urgency: p.urgency,
            complexity: p.complexity,
            level: p.level,
            state: p.state,
            round: p.round,
            received_on: p.received_on,
            closed_on: p.closed_on,
            due_on: p.due_on,
            due_kind: p.due_kind,
            paused: p.paused,
            provisional: p.provisional,
            measure: p.measure,
            measure_due: p.measure_due,
            outcome: p.outcome,
            satisfaction: p.satisfaction,
            reopen_count: p.reopen_count,
        })
        .collect())
}

/// One step of the timeline.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EventView {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub on_date: NaiveDate,
    pub actor_name: String,
    /// Written by the platform itself (the daily check, the command line).
    pub system: bool,
    pub actor_unit: Option<String>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: Option<String>,
    /// For 交办: the lead and co-departments named.
    pub lead_department: Option<String>,
    pub co_departments: Vec<String>,
    pub measure: Option<String>,
    pub measure_due: Option<NaiveDate>,
}

/// One hand-over to a lead department, with its clocks.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AssignmentView {
    pub seq: i32,
    pub round: i32,
    pub department: Named,
    pub assign_due: NaiveDate,
    pub assigned_on: NaiveDate,
    pub assigned_on_time: bool,
    pub reply_due: NaiveDate,
    pub replied_on: Option<NaiveDate>,
    pub replied_on_time: Option<bool>,
    pub close_due: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub end_kind: Option<String>,
    pub closed_on_time: Option<bool>,
    pub paused_wd: i32,
    pub worked_wd: Option<i32>,
    pub satisfaction: Option<String>,
}

/// Everything the case page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemDetail {
    pub row: ProblemRow,
    pub description: String,
    pub visit_id: Option<i64>,
    pub answer: Option<String>,
    pub outcome_note: Option<String>,
    pub rating_comment: Option<String>,
    pub co_departments: Vec<Named>,
    pub events: Vec<EventView>,
    pub assignments: Vec<AssignmentView>,
    pub attachments: Vec<AttachmentInfo>,
    /// The steps the caller may take now.
    pub actions: Vec<CaseAction>,
    /// The capacities the caller holds on this case.
    pub capacities: Vec<CaseActor>,
    /// The last day the firm may reopen it.
    pub reopen_until: Option<NaiveDate>,
    /// The industry-chain team, proposed as lead for a 产业链 problem.
    pub suggested_lead: Option<i64>,
}

/// The case page of problem `id` as the caller sees it.
pub async fn detail(app: &App, ctx: &Ctx, id: i64, today: NaiveDate) -> AppResult<ProblemDetail> {
    let db = app.db.read();
    let (p, co) = find(app, ctx, db, id).await?;
    let capacities = actors_on(app, ctx, db, &p, &co).await?;
    let state = CaseState::parse(&p.state).unwrap_or(CaseState::Received);
    let events = problem_event::Entity::find()
        .filter(problem_event::Column::ProblemId.eq(id))
        .order_by_asc(problem_event::Column::Id)
        .all(db)
        .await?;
    let assignments = problem_assignment::Entity::find()
        .filter(problem_assignment::Column::ProblemId.eq(id))
        .order_by_asc(problem_assignment::Column::Seq)
        .all(db)
        .await?;
    let mut unit_ids: Vec<i64> = co.clone();
    unit_ids.extend(assignments.iter().map(|a| a.department_id));
    unit_ids.extend(events.iter().filter_map(|e| e.actor_unit_id));
    let mut event_data = Vec::new();
    for e in &events {
        let v: serde_json::Value = e
            .data_json
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default();
        let lead = v.get("lead_department_id").and_then(|x| x.as_i64());
        let cos: Vec<i64> = v
            .get("co_department_ids")
            .and_then(|x| x.as_array())
            .map(|a| a.iter().filter_map(|x| x.as_i64()).collect())
            .unwrap_or_default();
        unit_ids.extend(lead);
        unit_ids.extend(cos.iter().copied());
        event_data.push((lead, cos, v));
    }
    let names = unit_names(db, unit_ids, true).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let events = events
        .into_iter()
        .zip(event_data)
        .map(|(e, (lead, cos, v))| EventView {
            id: e.id,
            at: e.at,
            on_date: e.on_date,
            actor_name: e.actor_name,
            system: e.actor_user_id.is_none(),
            actor_unit: e.actor_unit_id.map(name),
            action: e.action,
            from_state: e.from_state,
            to_state: e.to_state,
            note: e.note,
            lead_department: lead.map(name),
            co_departments: cos.into_iter().map(name).collect(),
            measure: v
                .get("measure")
                .and_then(|m| m.as_str())
                .map(str::to_string),
            measure_due: v
                .get("measure_due")
                .and_then(|m| m.as_str())
                .and_then(|m| m.parse().ok()),
        })
        .collect();
    let assignments = assignments
        .into_iter()
        .map(|a| AssignmentView {
            seq: a.seq,
            round: a.round,
            department: Named::of(a.department_id, &names),
            assign_due: a.assign_due,
            assigned_on: a.assigned_on,
            assigned_on_time: a.assigned_on_time,
            reply_due: a.reply_due,
            replied_on: a.replied_on,
            replied_on_time: a.replied_on_time,
            close_due: a.close_due,
            ended_on: a.ended_on,
            end_kind: a.end_kind,
            closed_on_time: a.closed_on_time,
            paused_wd: a.paused_wd,
            worked_wd: a.worked_wd,
            satisfaction: a.satisfaction,
        })
        .collect();
    let reopen_until = p
        .closed_on
        .filter(|_| state.is_closed())
        .map(|c| c + chrono::Days::new(REOPEN_WINDOW_DAYS as u64));
    let mut actions = case::available(state, &capacities);
    if reopen_until.is_some_and(|u| today > u) {
        actions.retain(|a| *a != CaseAction::Reopen);
    }
    let handler =
        capacities.contains(&CaseActor::Lead) || capacities.contains(&CaseActor::CoDepartment);
    if handler && !capacities.contains(&CaseActor::Firm) {
        actions.retain(|a| a.satisfaction().is_none());
    }
    let suggested_lead = if wujin_domain::service::problem::is_chain_problem(
        &wujin_domain::service::problem::split_tags(&p.tags),
    ) {
        department::Entity::find()
            .filter(department::Column::Code.eq(app.config.industry_chain_team.as_str()))
            .one(db)
            .await?
            .map(|d| d.id)
    } else {
        None
    };
    let co_named = co.iter().map(|d| Named::of(*d, &names)).collect();
    let attachments = attachments::list(db, (OwnerKind::Problem, id)).await?;
    let description = p.description.clone();
    let visit_id = p.visit_id;
    let answer = p.answer.clone();
    let outcome_note = p.outcome_note.clone();
    let rating_comment = p.rating_comment.clone();
    let row = rows(db, vec![p], today).await?.remove(0);
    Ok(ProblemDetail {
        row,
        description,
        visit_id,
        answer,
        outcome_note,
        rating_comment,
        co_departments: co_named,
        events,
        assignments,
        attachments,
        actions,
        capacities,
        reopen_until,
        suggested_lead,
    })
}

/// The units a case may be assigned to: active units below the city, in tree order.
pub async fn department_choices(app: &App) -> AppResult<Vec<Named>> {
    Ok(crate::departments::all(app.db.read())
        .await?
        .into_iter()
        .filter(|d| d.active && d.kind != DepartmentKind::City.as_str())
        .map(|d| Named {
            id: d.id,
            name: d.short_name.unwrap_or(d.name),
        })
        .collect())
}

/// A file of problem `id`, if the caller reaches the problem.
pub async fn attachment(
    app: &App,
    ctx: &Ctx,
    id: i64,
    file_id: i64,
) -> AppResult<(AttachmentInfo, Vec<u8>)> {
    let db = app.db.read();
    find(app, ctx, db, id).await?;
    attachments::get(db, (OwnerKind::Problem, id), file_id).await
}

/// The co-departments of a problem (for the API).
pub async fn co_of(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<i64>> {
    co_departments(db, id).await
}
