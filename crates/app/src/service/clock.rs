//! What the event log derives for a problem: its deadlines (cached on the problem row for the
//! queues) and its assignments with their clocks (the statistics read them). Rebuilt after
//! every step, and for every problem when the working-day calendar changes.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::Value;
use wujin_domain::calendar::WorkingCalendar;
use wujin_domain::service::case::CaseAction;
use wujin_domain::service::problem::{Complexity, ProblemCategory};
use wujin_domain::service::sla::{
    self, AssignmentClock, AssignmentEnd, CaseClock, ClockEvent, SlaRules,
};
use wujin_storage::entity::{
    problem, problem_assignment, problem_co_department, problem_event, problem_reach,
};

use crate::App;
use crate::error::{AppError, AppResult};

/// The clock events one logged step stands for.
pub fn clock_events(e: &problem_event::Model) -> Vec<ClockEvent> {
    let data: Value = e
        .data_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    let reply = data.get("reply").and_then(Value::as_bool) == Some(true);
    if e.action == "create" {
        return vec![ClockEvent::Received];
    }
    let Some(action) = CaseAction::parse(&e.action) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if reply {
        out.push(ClockEvent::Replied);
    }
    match action {
        CaseAction::Assign => out.insert(0, ClockEvent::Assigned),
        CaseAction::RequestInfo => out.push(ClockEvent::Paused),
        CaseAction::Supply => out.push(ClockEvent::Resumed),
        CaseAction::Return => out.push(ClockEvent::Returned),
        CaseAction::CloseResolved | CaseAction::CloseDeferred | CaseAction::CloseNotPermitted => {
            out.push(ClockEvent::Closed)
        }
        CaseAction::RateSatisfied
        | CaseAction::RateBasicallySatisfied
        | CaseAction::RateDissatisfied => {
            if let Some(s) = action.satisfaction() {
                out.push(ClockEvent::Rated(s));
            }
            if action == CaseAction::RateDissatisfied {
                out.push(ClockEvent::Reopened);
            }
        }
        CaseAction::Reopen => out.push(ClockEvent::Reopened),
        CaseAction::Note | CaseAction::Answer => {}
    }
    out
}

/// The lead department each `assign` step named, in order.
fn assigned_departments(events: &[problem_event::Model]) -> Vec<i64> {
    events
        .iter()
        .filter(|e| e.action == CaseAction::Assign.as_str())
        .filter_map(|e| {
            let v: Value = serde_json::from_str(e.data_json.as_deref()?).ok()?;
            v.get("lead_department_id")?.as_i64()
        })
        .collect()
}

/// The clocks of a problem from its events.
pub fn clocks_of(
    p: &problem::Model,
    events: &[problem_event::Model],
    rules: &SlaRules,
    cal: &WorkingCalendar,
) -> CaseClock {
    let log: Vec<_> = events
        .iter()
        .flat_map(|e| clock_events(e).into_iter().map(move |c| (e.on_date, c)))
        .collect();
    sla::clocks(
        &log,
        ProblemCategory::parse(&p.category).unwrap_or(ProblemCategory::Other),
        Complexity::parse(&p.complexity).unwrap_or(Complexity::General),
        rules,
        cal,
    )
}

fn end_str(e: AssignmentEnd) -> &'static str {
    match e {
        AssignmentEnd::Closed => "closed",
        AssignmentEnd::Returned => "returned",
        AssignmentEnd::Reassigned => "reassigned",
    }
}

/// The stored row of one hand-over (`seq` from 1) with its clocks.
pub fn assignment_row(
    problem_id: i64,
    seq: i32,
    department_id: i64,
    town_id: Option<i64>,
    category: &str,
    a: &AssignmentClock,
) -> problem_assignment::ActiveModel {
    problem_assignment::ActiveModel {
        problem_id: Set(problem_id),
        seq: Set(seq),
        round: Set(a.round as i32),
        department_id: Set(department_id),
        town_id: Set(town_id),
        category: Set(category.to_string()),
        waiting_since: Set(a.waiting_since),
        assign_due: Set(a.assign_due),
        assigned_on: Set(a.assigned_on),
        reply_due: Set(a.reply_due),
        replied_on: Set(a.replied_on),
        close_due: Set(a.close_due),
        ended_on: Set(a.ended_on),
        end_kind: Set(a.end.map(|e| end_str(e).to_string())),
        paused_wd: Set(a.paused_wd as i32),
        worked_wd: Set(a.worked_wd.map(|w| w as i32)),
        assigned_on_time: Set(a.assigned_on_time()),
        replied_on_time: Set(a.replied_on_time()),
        closed_on_time: Set(a.closed_on_time()),
        satisfaction: Set(a.satisfaction.map(|s| s.as_str().to_string())),
        reopened: Set(a.reopened),
        ..Default::default()
    }
}

/// Rebuilds the derived data of problem `id` inside `db` (the caller's transaction).
pub async fn rebuild(
    db: &impl ConnectionTrait,
    id: i64,
    rules: &SlaRules,
    cal: &WorkingCalendar,
) -> AppResult<()> {
    let p = problem::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let events = problem_event::Entity::find()
        .filter(problem_event::Column::ProblemId.eq(id))
        .order_by_asc(problem_event::Column::Id)
        .all(db)
        .await?;
    let c = clocks_of(&p, &events, rules, cal);
    let departments = assigned_departments(&events);
    problem_assignment::Entity::delete_many()
        .filter(problem_assignment::Column::ProblemId.eq(id))
        .exec(db)
        .await?;
    let rows: Vec<problem_assignment::ActiveModel> = c
        .assignments
        .iter()
        .zip(departments.iter())
        .enumerate()
        .map(|(i, (a, dept))| assignment_row(id, i as i32 + 1, *dept, p.town_id, &p.category, a))
        .collect();
    if !rows.is_empty() {
        problem_assignment::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    let next = c.next_deadline();
    let mut am = p.into_active_model();
    am.due_on = Set(next.map(|d| d.due));
    am.due_kind = Set(next.map(|d| {
        serde_json::json!(d.kind)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }));
    am.paused = Set(c.paused_since.is_some());
    am.provisional = Set(c.provisional);
    let p = am.update(db).await?;
    write_reach(db, &p, &departments).await
}

/// The last day there is, the deadline of a case without one (it sorts last).
pub(crate) fn no_deadline() -> chrono::NaiveDate {
    chrono::NaiveDate::MAX.min(chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default())
}

/// Rewrites which units reach `p`: every department it was assigned to, every co-department
/// past or present, and the firm's town.
async fn write_reach(
    db: &impl ConnectionTrait,
    p: &problem::Model,
    assigned: &[i64],
) -> AppResult<()> {
    let mut units: Vec<i64> = assigned.to_vec();
    units.extend(
        problem_co_department::Entity::find()
            .select_only()
            .column(problem_co_department::Column::DepartmentId)
            .filter(problem_co_department::Column::ProblemId.eq(p.id))
            .into_tuple::<i64>()
            .all(db)
            .await?,
    );
    units.extend(p.town_id);
    units.sort_unstable();
    units.dedup();
    problem_reach::Entity::delete_many()
        .filter(problem_reach::Column::ProblemId.eq(p.id))
        .exec(db)
        .await?;
    if units.is_empty() {
        return Ok(());
    }
    problem_reach::Entity::insert_many(units.into_iter().map(|u| problem_reach::ActiveModel {
        problem_id: Set(p.id),
        unit_id: Set(u),
        state: Set(p.state.clone()),
        due_key: Set(p.due_on.unwrap_or_else(no_deadline)),
        received_on: Set(p.received_on),
        updated_at: Set(p.updated_at),
        category: Set(p.category.clone()),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Rebuilds, inside the caller's transaction, every problem a change to the calendar table of
/// `year` can move: those received since the December before it, and those still open.
/// Returns how many were rebuilt.
pub async fn rebuild_for_year(
    db: &impl ConnectionTrait,
    year: i32,
    rules: &SlaRules,
    cal: &WorkingCalendar,
) -> AppResult<u64> {
    use sea_orm::Condition;
    let since = chrono::NaiveDate::from_ymd_opt(year - 1, 12, 1).unwrap_or_default();
    let ids: Vec<i64> = problem::Entity::find()
        .select_only()
        .column(problem::Column::Id)
        .filter(
            Condition::any()
                .add(problem::Column::ReceivedOn.gte(since))
                .add(problem::Column::State.is_not_in(["closed", "rated"])),
        )
        .into_tuple()
        .all(db)
        .await?;
    for id in &ids {
        rebuild(db, *id, rules, cal).await?;
    }
    Ok(ids.len() as u64)
}

/// Rebuilds every problem's derived data (after a calendar change, or on demand from the
/// command line), in batches of one transaction each. Returns how many were rebuilt.
pub async fn rebuild_all(app: &App, mut progress: impl FnMut(u64)) -> AppResult<u64> {
    let cal = crate::calendar::current(app.db.read()).await?;
    let rules = &app.config.service_sla;
    let mut after = 0i64;
    let mut done = 0u64;
    loop {
        let ids: Vec<i64> = problem::Entity::find()
            .select_only()
            .column(problem::Column::Id)
            .filter(problem::Column::Id.gt(after))
            .order_by_asc(problem::Column::Id)
            .limit(500)
            .into_tuple()
            .all(app.db.read())
            .await?;
        let Some(&last) = ids.last() else { break };
        let tx = app.db.begin_write().await?;
        for id in &ids {
            rebuild(&tx, *id, rules, &cal).await?;
        }
        tx.commit().await?;
        done += ids.len() as u64;
        progress(done);
        after = last;
    }
    Ok(done)
}
