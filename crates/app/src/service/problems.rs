//! Registering a problem (问题登记) and every step of its handling. Each step is checked
//! against `domain::service::case::TRANSITIONS` for the capacities the caller holds on the
//! case, appended to the event log, and followed by a rebuild of the case's clocks, an audit
//! event and the reminders to whoever is next — all in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wujin_domain::access::Role;
use wujin_domain::org::DepartmentKind;
use wujin_domain::service::case::{self, CaseAction, CaseActor, CaseError, CaseState};
use wujin_domain::service::problem::{
    CaseLevel, Complexity, ProblemCategory, ProblemSource, Urgency, split_tags,
};
use wujin_storage::entity::{
    app_user, department, enterprise, problem, problem_co_department, problem_event, service_visit,
};

use super::scope::{ProblemScope, actors_on};
use super::{MAX_TEXT_CHARS, MAX_TITLE_CHARS, clock, is_office};
use crate::attachments::{self, NewFile, OwnerKind};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::registry::scope::EnterpriseScope;
use crate::{App, china_today, notifications, now};

/// A problem as registered.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct NewProblem {
    /// Ignored for a firm's own report (always its own firm).
    #[serde(default)]
    pub enterprise_id: Option<i64>,
    /// `ProblemSource`; a firm's own report is always `enterprise`.
    #[serde(default)]
    pub source: String,
    pub category: String,
    /// Tags separated by 、 or commas; 产业链 sends it to the industry-chain team.
    #[serde(default)]
    pub tags: String,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub urgency: String,
    /// `CaseLevel` (town or city); firms cannot choose it.
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub visit_id: Option<i64>,
}

/// One step on a case.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CaseStep {
    pub action: CaseAction,
    /// The note, reason, answer, explanation or comment.
    #[serde(default)]
    pub text: String,
    /// 交办: the lead department.
    #[serde(default)]
    pub lead_department_id: Option<i64>,
    /// 交办: the co-departments.
    #[serde(default)]
    pub co_department_ids: Vec<i64>,
    /// 交办: how complex the problem is (sets the close limit).
    #[serde(default)]
    pub complexity: Option<Complexity>,
    /// 落实清单: the promised measure, by the dispatcher or the lead department.
    #[serde(default)]
    pub measure: Option<String>,
    #[serde(default)]
    pub measure_due: Option<NaiveDate>,
}

impl CaseStep {
    pub fn new(action: CaseAction, text: &str) -> CaseStep {
        CaseStep {
            action,
            text: text.to_string(),
            lead_department_id: None,
            co_department_ids: Vec::new(),
            complexity: None,
            measure: None,
            measure_due: None,
        }
    }
}

fn text_field(field: &str, text: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let t = text.trim();
    if t.is_empty() {
        errors.push(FieldError::new(field, "error.problem.required"));
    } else if t.chars().count() > max {
        errors.push(FieldError::with_detail(
            field,
            "error.problem.too_long",
            max.to_string(),
        ));
    }
    t.to_string()
}

fn dict<T>(
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let v = parse(value.trim());
    if v.is_none() {
        errors.push(FieldError::with_detail(
            field,
            "error.problem.choice",
            value.trim().to_string(),
        ));
    }
    v
}

/// When a step dated `on` happened: now if `on` is today, else 10:00 that day in China (the
/// demo and imports write history).
fn moment(on: NaiveDate) -> DateTime<Utc> {
    if on == china_today() {
        return now();
    }
    let local = on.and_hms_opt(10, 0, 0).unwrap_or_default();
    wujin_domain::tz::china_tz()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(now)
}

use chrono::TimeZone;

/// Appends one step to the log.
#[allow(clippy::too_many_arguments)]
async fn log(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    problem_id: i64,
    on: NaiveDate,
    action: &str,
    from: Option<CaseState>,
    to: CaseState,
    note: Option<String>,
    data: serde_json::Value,
) -> AppResult<problem_event::Model> {
    Ok(problem_event::ActiveModel {
        problem_id: Set(problem_id),
        at: Set(moment(on)),
        on_date: Set(on),
        actor_user_id: Set(ctx.actor.id),
        actor_name: Set(ctx.actor.display_name.clone()),
        actor_unit_id: Set(ctx.actor.department_id),
        action: Set(action.to_string()),
        from_state: Set(from.map(|s| s.as_str().to_string())),
        to_state: Set(to.as_str().to_string()),
        note: Set(note),
        data_json: Set((!data.is_null()).then(|| data.to_string())),
        ..Default::default()
    }
    .insert(tx)
    .await?)
}

/// Active staff of these units.
pub(crate) async fn staff_of(db: &impl ConnectionTrait, units: &[i64]) -> AppResult<Vec<i64>> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    Ok(app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Id)
        .filter(app_user::Column::DepartmentId.is_in(units.to_vec()))
        .filter(app_user::Column::Role.is_in(["department", "town"]))
        .filter(app_user::Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await?)
}

/// Active users of a firm.
pub(crate) async fn firm_users(
    db: &impl ConnectionTrait,
    enterprise_id: i64,
) -> AppResult<Vec<i64>> {
    Ok(app_user::Entity::find()
        .select_only()
        .column(app_user::Column::Id)
        .filter(app_user::Column::EnterpriseId.eq(enterprise_id))
        .filter(app_user::Column::Role.eq("enterprise"))
        .filter(app_user::Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await?)
}

/// The service office's unit id.
pub(crate) async fn office_unit(app: &App, db: &impl ConnectionTrait) -> AppResult<Option<i64>> {
    Ok(department::Entity::find()
        .filter(department::Column::Code.eq(app.config.service_office.as_str()))
        .one(db)
        .await?
        .map(|d| d.id))
}

/// Who dispatches `p`: the office's staff, and the town's for a town-level case.
pub(crate) async fn dispatchers(
    app: &App,
    db: &impl ConnectionTrait,
    p: &problem::Model,
) -> AppResult<Vec<i64>> {
    let mut units: Vec<i64> = office_unit(app, db).await?.into_iter().collect();
    if p.level == CaseLevel::Town.as_str() {
        units.extend(p.town_id);
    }
    staff_of(db, &units).await
}

async fn send_all(
    db: &impl ConnectionTrait,
    users: &[i64],
    kind: &str,
    problem_id: i64,
) -> AppResult<()> {
    let link = format!("/service/problems/{problem_id}");
    let mut users = users.to_vec();
    users.sort_unstable();
    users.dedup();
    for u in users {
        notifications::send(
            db,
            u,
            &format!("service_{kind}"),
            &format!("service.notify.{kind}_title"),
            &format!("service.notify.{kind}_body"),
            Some(&link),
        )
        .await?;
    }
    Ok(())
}

/// Registers a problem, on `on` (today from the pages and the API). Returns its id.
pub async fn create(
    app: &App,
    ctx: &Ctx,
    input: &NewProblem,
    files: Vec<NewFile>,
    on: NaiveDate,
) -> AppResult<i64> {
    let tx = app.db.begin_write().await?;
    let id = insert(&tx, app, ctx, input, files, on).await?;
    tx.commit().await?;
    Ok(id)
}

/// Registers a problem inside the caller's transaction (a visit registers its problems with it).
pub(crate) async fn insert(
    tx: &DatabaseTransaction,
    app: &App,
    ctx: &Ctx,
    input: &NewProblem,
    files: Vec<NewFile>,
    on: NaiveDate,
) -> AppResult<i64> {
    let office = is_office(app, ctx).await?;
    let firm = ctx.actor.role == Role::Enterprise;
    if !(office || firm || matches!(ctx.actor.role, Role::Town | Role::Cadre)) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let source = if firm {
        Some(ProblemSource::Enterprise)
    } else {
        let s = dict("source", &input.source, ProblemSource::parse, &mut errors);
        if s == Some(ProblemSource::Enterprise) {
            errors.push(FieldError::new("source", "error.problem.source_firm_only"));
        }
        // A cadre reports what a visit raised; a town also what it collected; the hotline's
        // cases come through the service office.
        let allowed = match (office, ctx.actor.role) {
            (true, _) => true,
            (false, Role::Town) => matches!(s, Some(ProblemSource::Visit | ProblemSource::Town)),
            _ => matches!(s, Some(ProblemSource::Visit)),
        };
        if s.is_some() && s != Some(ProblemSource::Enterprise) && !allowed {
            errors.push(FieldError::new("source", "error.problem.source_not_yours"));
        }
        s
    };
    let category = dict(
        "category",
        &input.category,
        ProblemCategory::parse,
        &mut errors,
    );
    let urgency = if input.urgency.trim().is_empty() {
        Some(Urgency::Normal)
    } else {
        dict("urgency", &input.urgency, Urgency::parse, &mut errors)
    };
    let level = match input
        .level
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        Some(l) if !firm => match CaseLevel::parse(l) {
            Some(CaseLevel::Leader) | None => {
                errors.push(FieldError::with_detail("level", "error.problem.choice", l));
                None
            }
            x => x,
        },
        _ => Some(match source {
            Some(ProblemSource::Visit | ProblemSource::Hotline) => CaseLevel::City,
            _ => CaseLevel::Town,
        }),
    };
    let title = text_field("title", &input.title, MAX_TITLE_CHARS, &mut errors);
    let description = text_field(
        "description",
        &input.description,
        MAX_TEXT_CHARS,
        &mut errors,
    );
    let tags = split_tags(&input.tags);
    let enterprise_id = if firm {
        ctx.actor.enterprise_id.ok_or(AppError::Forbidden)?
    } else {
        match input.enterprise_id {
            Some(id) => id,
            None => {
                errors.push(FieldError::new("enterprise_id", "error.problem.required"));
                0
            }
        }
    };
    let scope = EnterpriseScope::of(tx, ctx).await?;
    let firm_row = enterprise::Entity::find_by_id(enterprise_id)
        .filter(scope.condition())
        .one(tx)
        .await?;
    if firm_row.is_none() && enterprise_id != 0 {
        errors.push(FieldError::new("enterprise_id", "error.problem.enterprise"));
    }
    if let Some(v) = input.visit_id {
        let ok = service_visit::Entity::find_by_id(v)
            .one(tx)
            .await?
            .is_some_and(|visit| visit.enterprise_id == enterprise_id);
        if !ok {
            errors.push(FieldError::new("visit_id", "error.problem.visit"));
        }
    }
    let (Some(source), Some(category), Some(urgency), Some(level), Some(firm_row)) =
        (source, category, urgency, level, firm_row)
    else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let t = now();
    let p = problem::ActiveModel {
        enterprise_id: Set(firm_row.id),
        town_id: Set(Some(firm_row.town_id)),
        visit_id: Set(input.visit_id),
        source: Set(source.as_str().into()),
        category: Set(category.as_str().into()),
        tags: Set(tags.join("、")),
        title: Set(title),
        description: Set(description),
        urgency: Set(urgency.as_str().into()),
        complexity: Set(Complexity::General.as_str().into()),
        level: Set(level.as_str().into()),
        state: Set(CaseState::Received.as_str().into()),
        round: Set(1),
        received_on: Set(on),
        paused: Set(false),
        provisional: Set(false),
        reopen_count: Set(0),
        created_by: Set(ctx.actor.id),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    log(
        tx,
        ctx,
        p.id,
        on,
        "create",
        None,
        CaseState::Received,
        None,
        json!({"source": source, "level": level}),
    )
    .await?;
    if !files.is_empty() {
        attachments::store(tx, app, ctx, (OwnerKind::Problem, p.id), files).await?;
    }
    let cal = crate::calendar::current(tx).await?;
    clock::rebuild(tx, p.id, &app.config.service_sla, &cal).await?;
    audit::record(
        tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "create",
            entity: "problem",
            entity_id: p.id.to_string(),
            before: None,
            after: Some(json!(p)),
        },
    )
    .await?;
    let to_tell = dispatchers(app, tx, &p).await?;
    send_all(tx, &to_tell, "received", p.id).await?;
    Ok(p.id)
}

/// The problem `id` if the caller reaches it, with its co-departments.
pub(crate) async fn find(
    app: &App,
    ctx: &Ctx,
    db: &impl ConnectionTrait,
    id: i64,
) -> AppResult<(problem::Model, Vec<i64>)> {
    let scope = ProblemScope::of(app, ctx).await?;
    let p = problem::Entity::find_by_id(id)
        .filter(scope.condition())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let co = co_departments(db, id).await?;
    Ok((p, co))
}

pub(crate) async fn co_departments(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<i64>> {
    Ok(problem_co_department::Entity::find()
        .select_only()
        .column(problem_co_department::Column::DepartmentId)
        .filter(problem_co_department::Column::ProblemId.eq(id))
        .filter(problem_co_department::Column::Active.eq(true))
        .into_tuple()
        .all(db)
        .await?)
}

fn refused(e: CaseError) -> AppError {
    match e {
        CaseError::NotYours { .. } => AppError::Forbidden,
        CaseError::Transition { .. } => AppError::Conflict("error.problem.transition".into()),
        CaseError::ReopenWindowPassed => AppError::Conflict("error.problem.reopen_window".into()),
        CaseError::RaterHandledCase => AppError::Conflict("error.problem.rater_handled".into()),
    }
}

/// Actions that count as handling a case: whoever took one may not rate it.
const HANDLING: [CaseAction; 7] = [
    CaseAction::Note,
    CaseAction::RequestInfo,
    CaseAction::Answer,
    CaseAction::Return,
    CaseAction::CloseResolved,
    CaseAction::CloseDeferred,
    CaseAction::CloseNotPermitted,
];

/// Checks the assignment's departments: a lead, co-departments apart from it, all active units
/// below the city.
async fn check_departments(
    db: &impl ConnectionTrait,
    step: &CaseStep,
    errors: &mut Vec<FieldError>,
) -> AppResult<(i64, Vec<i64>)> {
    let mut co = step.co_department_ids.clone();
    co.sort_unstable();
    co.dedup();
    let Some(lead) = step.lead_department_id else {
        errors.push(FieldError::new(
            "lead_department_id",
            "error.problem.required",
        ));
        return Ok((0, co));
    };
    co.retain(|d| *d != lead);
    let mut ids = co.clone();
    ids.push(lead);
    let found = department::Entity::find()
        .filter(department::Column::Id.is_in(ids.clone()))
        .filter(department::Column::Active.eq(true))
        .all(db)
        .await?;
    let usable = |id: i64| {
        found
            .iter()
            .any(|d| d.id == id && d.kind != DepartmentKind::City.as_str())
    };
    if !usable(lead) {
        errors.push(FieldError::new(
            "lead_department_id",
            "error.problem.department",
        ));
    }
    if co.iter().any(|d| !usable(*d)) {
        errors.push(FieldError::new(
            "co_department_ids",
            "error.problem.department",
        ));
    }
    Ok((lead, co))
}

/// Takes one step on problem `id`, dated `on` (today from the pages and the API).
pub async fn act(
    app: &App,
    ctx: &Ctx,
    id: i64,
    step: &CaseStep,
    files: Vec<NewFile>,
    on: NaiveDate,
) -> AppResult<()> {
    let tx = app.db.begin_write().await?;
    let (p, co) = find(app, ctx, &tx, id).await?;
    let actors = actors_on(app, ctx, &tx, &p, &co).await?;
    let from = CaseState::parse(&p.state)
        .ok_or_else(|| AppError::Internal(format!("problem {id} has state {}", p.state)))?;
    let action = step.action;
    let to = case::step(from, action, &actors).map_err(refused)?;
    if action.satisfaction().is_some() && !actors.contains(&CaseActor::Firm) {
        // A rating recorded by the dispatcher (phone revisit) is refused if they handled it.
        let handled = actors.contains(&CaseActor::Lead)
            || actors.contains(&CaseActor::CoDepartment)
            || problem_event::Entity::find()
                .filter(problem_event::Column::ProblemId.eq(id))
                .filter(problem_event::Column::ActorUserId.eq(ctx.actor.id.unwrap_or(-1)))
                .filter(problem_event::Column::Action.is_in(HANDLING.iter().map(|a| a.as_str())))
                .one(&tx)
                .await?
                .is_some();
        if handled {
            return Err(refused(CaseError::RaterHandledCase));
        }
    }
    if action == CaseAction::Reopen {
        case::may_reopen(p.closed_on.unwrap_or(on), on).map_err(refused)?;
    }
    let mut errors = Vec::new();
    let text = if action.needs_text() {
        text_field("text", &step.text, MAX_TEXT_CHARS, &mut errors)
    } else {
        let t = step.text.trim().to_string();
        if t.chars().count() > MAX_TEXT_CHARS {
            errors.push(FieldError::with_detail(
                "text",
                "error.problem.too_long",
                MAX_TEXT_CHARS.to_string(),
            ));
        }
        t
    };
    let measure = step
        .measure
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_string);
    if measure
        .as_ref()
        .is_some_and(|m| m.chars().count() > MAX_TEXT_CHARS)
    {
        errors.push(FieldError::with_detail(
            "measure",
            "error.problem.too_long",
            MAX_TEXT_CHARS.to_string(),
        ));
    }
    if step.measure_due.is_some_and(|d| d < p.received_on) {
        errors.push(FieldError::new("measure_due", "error.problem.measure_due"));
    }
    let departments = if action == CaseAction::Assign {
        Some(check_departments(&tx, step, &mut errors).await?)
    } else {
        None
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let before = json!(p);
    let lead_actor = actors.contains(&CaseActor::Lead);
    let mut am = p.clone().into_active_model();
    am.state = Set(to.as_str().into());
    am.updated_at = Set(now());
    let may_promise = actors.contains(&CaseActor::Dispatcher) || lead_actor;
    if may_promise && (measure.is_some() || step.measure_due.is_some()) {
        if let Some(m) = &measure {
            am.measure = Set(Some(m.clone()));
        }
        if step.measure_due.is_some() {
            am.measure_due = Set(step.measure_due);
        }
    }
    let mut data = json!({});
    match action {
        CaseAction::Assign => {
            let (lead, co_ids) = departments.unwrap_or_default();
            am.lead_department_id = Set(Some(lead));
            if let Some(c) = step.complexity {
                am.complexity = Set(c.as_str().into());
            }
            replace_co(&tx, id, &co_ids).await?;
            data = json!({"lead_department_id": lead, "co_department_ids": co_ids,
                "complexity": step.complexity});
        }
        CaseAction::Return => {
            am.lead_department_id = Set(None);
            replace_co(&tx, id, &[]).await?;
            data = json!({"returned_department_id": p.lead_department_id});
        }
        CaseAction::Answer => am.answer = Set(Some(text.clone())),
        CaseAction::CloseResolved | CaseAction::CloseDeferred | CaseAction::CloseNotPermitted => {
            am.outcome = Set(action.outcome().map(|o| o.as_str().to_string()));
            am.outcome_note = Set(Some(text.clone()));
            am.closed_on = Set(Some(on));
        }
        CaseAction::RateSatisfied
        | CaseAction::RateBasicallySatisfied
        | CaseAction::RateDissatisfied => {
            am.satisfaction = Set(action.satisfaction().map(|s| s.as_str().to_string()));
            am.rating_comment = Set((!text.is_empty()).then(|| text.clone()));
        }
        CaseAction::Note | CaseAction::RequestInfo | CaseAction::Supply | CaseAction::Reopen => {}
    }
    if action.is_reply() && lead_actor {
        data["reply"] = json!(true);
    }
    if measure.is_some() || step.measure_due.is_some() {
        data["measure"] = json!(measure);
        data["measure_due"] = json!(step.measure_due);
    }
    if to == CaseState::Reopened {
        let level = CaseLevel::parse(&p.level).unwrap_or(CaseLevel::City).up();
        am.level = Set(level.as_str().into());
        am.round = Set(p.round + 1);
        am.reopen_count = Set(p.reopen_count + 1);
        am.lead_department_id = Set(None);
        am.answer = Set(None);
        am.outcome = Set(None);
        am.outcome_note = Set(None);
        am.closed_on = Set(None);
        replace_co(&tx, id, &[]).await?;
        data["level"] = json!(level);
    }
    let after = am.update(&tx).await?;
    let note = (!text.is_empty()).then_some(text);
    let data = if data.as_object().is_some_and(|o| o.is_empty()) {
        serde_json::Value::Null
    } else {
        data
    };
    log(
        &tx,
        ctx,
        id,
        on,
        action.as_str(),
        Some(from),
        to,
        note,
        data,
    )
    .await?;
    if !files.is_empty() {
        attachments::store(&tx, app, ctx, (OwnerKind::Problem, id), files).await?;
    }
    let cal = crate::calendar::current(&tx).await?;
    clock::rebuild(&tx, id, &app.config.service_sla, &cal).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: action.as_str(),
            entity: "problem",
            entity_id: id.to_string(),
            before: Some(before),
            after: Some(json!(after)),
        },
    )
    .await?;
    let mut previous_units = co.clone();
    previous_units.extend(p.lead_department_id);
    tell(app, &tx, &after, action, &previous_units).await?;
    tx.commit().await?;
    Ok(())
}

async fn replace_co(db: &impl ConnectionTrait, id: i64, co: &[i64]) -> AppResult<()> {
    // Past co-departments stay listed, inactive, so they keep reading the case.
    problem_co_department::Entity::update_many()
        .col_expr(
            problem_co_department::Column::Active,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(problem_co_department::Column::ProblemId.eq(id))
        .exec(db)
        .await?;
    if !co.is_empty() {
        problem_co_department::Entity::delete_many()
            .filter(problem_co_department::Column::ProblemId.eq(id))
            .filter(problem_co_department::Column::DepartmentId.is_in(co.to_vec()))
            .exec(db)
            .await?;
        problem_co_department::Entity::insert_many(co.iter().map(|d| {
            problem_co_department::ActiveModel {
                problem_id: Set(id),
                department_id: Set(*d),
                active: Set(true),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Tells whoever is next after a step.
async fn tell(
    app: &App,
    db: &impl ConnectionTrait,
    p: &problem::Model,
    action: CaseAction,
    previous_units: &[i64],
) -> AppResult<()> {
    let lead: Vec<i64> = p.lead_department_id.into_iter().collect();
    match action {
        CaseAction::Assign => {
            let mut units = lead;
            units.extend(co_departments(db, p.id).await?);
            send_all(db, &staff_of(db, &units).await?, "assigned", p.id).await
        }
        CaseAction::Return => send_all(db, &dispatchers(app, db, p).await?, "returned", p.id).await,
        CaseAction::Note => Ok(()),
        CaseAction::RequestInfo => {
            send_all(
                db,
                &firm_users(db, p.enterprise_id).await?,
                "info_requested",
                p.id,
            )
            .await
        }
        CaseAction::Supply => send_all(db, &staff_of(db, &lead).await?, "supplied", p.id).await,
        CaseAction::Answer => {
            send_all(
                db,
                &firm_users(db, p.enterprise_id).await?,
                "answered",
                p.id,
            )
            .await
        }
        CaseAction::CloseResolved | CaseAction::CloseDeferred | CaseAction::CloseNotPermitted => {
            send_all(db, &firm_users(db, p.enterprise_id).await?, "closed", p.id).await
        }
        CaseAction::RateSatisfied | CaseAction::RateBasicallySatisfied => Ok(()),
        CaseAction::RateDissatisfied | CaseAction::Reopen => {
            let mut users = dispatchers(app, db, p).await?;
            // The departments that handled it hear of the reopening too.
            users.extend(staff_of(db, previous_units).await?);
            if p.level == CaseLevel::Leader.as_str() {
                users.extend(leaders_in_charge(db, p.id).await?);
            }
            send_all(db, &users, "reopened", p.id).await
        }
    }
}

/// The leaders in charge of the departments that held the case.
pub(crate) async fn leaders_in_charge(db: &impl ConnectionTrait, id: i64) -> AppResult<Vec<i64>> {
    use wujin_storage::entity::problem_assignment;
    let depts: Vec<i64> = problem_assignment::Entity::find()
        .select_only()
        .column(problem_assignment::Column::DepartmentId)
        .filter(problem_assignment::Column::ProblemId.eq(id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(department::Entity::find()
        .filter(department::Column::Id.is_in(depts))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|d| d.leader_user_id)
        .collect())
}

/// The firm the caller means by `text` — its id, its credit code or its exact name — among the
/// firms they reach.
pub async fn resolve_enterprise(
    app: &App,
    ctx: &Ctx,
    text: &str,
) -> AppResult<Option<enterprise::Model>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let by = match t.parse::<i64>() {
        Ok(id) => enterprise::Column::Id.eq(id),
        Err(_) if t.len() == 18 && t.is_ascii() => {
            enterprise::Column::CreditCode.eq(t.to_ascii_uppercase())
        }
        Err(_) => enterprise::Column::Name.eq(t),
    };
    Ok(enterprise::Entity::find()
        .filter(scope.condition())
        .filter(by)
        .one(db)
        .await?)
}

/// The firms the caller reaches, by name, when there are at most `max` of them (a cadre's or a
/// town's, for a drop-down); `None` when there are more.
pub async fn enterprise_choices(
    app: &App,
    ctx: &Ctx,
    max: u64,
) -> AppResult<Option<Vec<(i64, String)>>> {
    use sea_orm::{PaginatorTrait, QueryOrder};
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let q = enterprise::Entity::find().filter(scope.condition());
    if q.clone().count(db).await? > max {
        return Ok(None);
    }
    Ok(Some(
        q.order_by_asc(enterprise::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e.name))
            .collect(),
    ))
}
