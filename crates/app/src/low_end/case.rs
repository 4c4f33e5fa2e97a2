//! One case of the ledger: what it is, and each step of its life — verification (属地核实),
//! the disposal plan (一企一方案) with its steps, progress reports, and closure (销号) with
//! evidence. Every change is authorised, checked against the case's state machine, validated
//! and audited in one transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::{Value, json};
use wujin_domain::evaluation::low_end::{
    CaseAction, CaseStatus, Closure, ClosureProblem, Disposal, MAX_TEXT_CHARS, PlannedStep,
    ShutdownChecklist, closure_problems, plan_problems, verification_problem,
};
use wujin_domain::org::DepartmentKind;
use wujin_storage::entity::{
    app_user, department, enterprise, enterprise_tag, low_end_case, low_end_step, tag,
    yearly_figures,
};

use super::ledger::{CaseView, view};
use super::{ENTITY, Rights, find_case, next_status, status_of, today, unit_names};
use crate::attachments::{self, AttachmentInfo, NewFile, OwnerKind};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::registry::Named;
use crate::registry::land::land_for_firms;
use crate::{App, now};

/// Step kinds.
const STEP: &str = "step";
const PROGRESS: &str = "progress";

/// What the registry says of the firm in the case's year.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseFacts {
    /// 在营 etc. (`EnterpriseStatus::as_str`).
    pub enterprise_status: String,
    pub park: Option<String>,
    /// above | below
    pub scale: Option<String>,
    /// Names of the firm's tags.
    pub tags: Vec<String>,
    /// Land of the year: the year's figure, else the parcels in use.
    pub land_mu: Option<f64>,
    pub energy_tce: Option<f64>,
    pub evaluation_tax_yuan: Option<i64>,
    /// 评价税收 ÷ 用地, 万元/亩.
    pub tax_per_mu_wan: Option<f64>,
}

/// A planned step or a progress report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StepView {
    pub id: i64,
    /// step | progress
    pub kind: String,
    pub content: String,
    pub due_on: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
    pub created_by: Option<Named>,
    pub created_at: DateTime<Utc>,
    /// A step not done after its due day.
    pub overdue: bool,
}

/// The actions the caller may take on the case now.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct CaseActions {
    pub verify: bool,
    pub plan: bool,
    pub progress: bool,
    pub complete_step: bool,
    pub close: bool,
}

/// One case with everything its page shows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: CaseView,
    pub facts: CaseFacts,
    pub verification_note: Option<String>,
    pub verified_by: Option<Named>,
    /// The plan's steps, by due date.
    pub steps: Vec<StepView>,
    /// Progress reports, newest first.
    pub progress: Vec<StepView>,
    pub attachments: Vec<AttachmentInfo>,
    /// The 两断三清 checklist recorded at closure (shutdowns).
    pub checklist: Option<ShutdownChecklist>,
    pub closure_note: Option<String>,
    pub closed_by: Option<Named>,
    /// What the closure form proposes: the firm's land and energy of the year (nothing for
    /// an upgrade in place).
    pub default_land_mu_freed: f64,
    pub default_energy_tce_freed: f64,
    pub actions: CaseActions,
}

async fn user_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, String>> {
    let ids: HashSet<i64> = ids.into_iter().collect();
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

fn named_user(names: &HashMap<i64, String>, id: Option<i64>) -> Option<Named> {
    id.map(|id| Named {
        id,
        name: names.get(&id).cloned().unwrap_or_else(|| id.to_string()),
    })
}

/// The registry's facts of the firm in `year`.
pub(crate) async fn facts_of(
    db: &impl ConnectionTrait,
    firm: &enterprise::Model,
    year: i32,
) -> AppResult<CaseFacts> {
    let f = yearly_figures::Entity::find()
        .filter(yearly_figures::Column::EnterpriseId.eq(firm.id))
        .filter(yearly_figures::Column::Year.eq(year))
        .one(db)
        .await?;
    let parcels = land_for_firms(db, &[firm.id], year).await?;
    let land_mu = f
        .as_ref()
        .and_then(|f| f.land_mu)
        .or_else(|| parcels.get(&firm.id).copied())
        .filter(|m| *m > 0.0);
    let tax = f.as_ref().and_then(|f| f.evaluation_tax_yuan);
    let tag_ids: Vec<i64> = enterprise_tag::Entity::find()
        .filter(enterprise_tag::Column::EnterpriseId.eq(firm.id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.tag_id)
        .collect();
    let tags = tag::Entity::find()
        .filter(tag::Column::Id.is_in(tag_ids))
        .order_by_asc(tag::Column::SortOrder)
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    Ok(CaseFacts {
        enterprise_status: firm.status.clone(),
        park: firm.park.clone().filter(|p| !p.trim().is_empty()),
        scale: firm.scale.clone(),
        tags,
        land_mu,
        energy_tce: f.as_ref().and_then(|f| f.energy_tce),
        evaluation_tax_yuan: tax,
        tax_per_mu_wan: match (tax, land_mu) {
            (Some(t), Some(m)) => Some(t as f64 / 10_000.0 / m),
            _ => None,
        },
    })
}

fn step_view(s: low_end_step::Model, users: &HashMap<i64, String>, today: NaiveDate) -> StepView {
    StepView {
        overdue: s.kind == STEP && s.done_at.is_none() && s.due_on.is_some_and(|d| d < today),
        id: s.id,
        kind: s.kind,
        content: s.content,
        due_on: s.due_on,
        done_at: s.done_at,
        created_by: named_user(users, s.created_by),
        created_at: s.created_at,
    }
}

/// What closure records as freed when no figure is entered: the firm's figure of the year
/// when it leaves its site, nothing for an upgrade in place.
fn freed_by_default(c: &low_end_case::Model, figure: Option<f64>) -> f64 {
    let leaves = c
        .disposal_type
        .as_deref()
        .and_then(Disposal::parse)
        .is_none_or(Disposal::frees_site);
    if leaves { figure.unwrap_or(0.0) } else { 0.0 }
}

/// The actions `rights` allow on a case in `status`.
fn actions(rights: Rights, status: CaseStatus, planned: bool) -> CaseActions {
    CaseActions {
        verify: rights.manages() && status.allows(CaseAction::Confirm),
        plan: rights.manages() && status.allows(CaseAction::Plan),
        progress: rights.works_on() && status.allows(CaseAction::Progress),
        complete_step: rights.works_on() && status.allows(CaseAction::CompleteStep),
        close: rights.manages() && planned && status.allows(CaseAction::Close),
    }
}

/// One case the caller reaches, with its steps, progress, evidence and allowed actions.
pub async fn get(app: &App, ctx: &Ctx, id: i64) -> AppResult<CaseDetail> {
    let db = app.db.read();
    let c = find_case(db, ctx, id).await?;
    let rights = Rights::of(app, db, ctx, &c).await?;
    let status = status_of(&c)?;
    let firm = enterprise::Entity::find_by_id(c.enterprise_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(format!("case {id} has no firm")))?;
    let facts = facts_of(db, &firm, c.year).await?;
    let steps = low_end_step::Entity::find()
        .filter(low_end_step::Column::CaseId.eq(id))
        .order_by_asc(low_end_step::Column::Id)
        .all(db)
        .await?;
    let users = user_names(
        db,
        steps
            .iter()
            .filter_map(|s| s.created_by)
            .chain(c.verified_by)
            .chain(c.closed_by),
    )
    .await?;
    let today = today();
    let mut planned: Vec<StepView> = Vec::new();
    let mut progress: Vec<StepView> = Vec::new();
    for s in steps {
        if s.kind == STEP {
            planned.push(step_view(s, &users, today));
        } else {
            progress.push(step_view(s, &users, today));
        }
    }
    planned.sort_by_key(|s| (s.due_on, s.id));
    progress.reverse();
    let attachments = attachments::list(db, (OwnerKind::LowEndCase, id)).await?;
    let units = unit_names(db).await?;
    let checklist = c
        .checklist_json
        .as_deref()
        .and_then(|j| serde_json::from_str::<ShutdownChecklist>(j).ok());
    Ok(CaseDetail {
        verification_note: c.verification_note.clone(),
        verified_by: named_user(&users, c.verified_by),
        closure_note: c.closure_note.clone(),
        closed_by: named_user(&users, c.closed_by),
        default_land_mu_freed: freed_by_default(&c, facts.land_mu),
        default_energy_tce_freed: freed_by_default(&c, facts.energy_tce),
        actions: actions(rights, status, c.disposal_type.is_some()),
        facts,
        steps: planned,
        progress,
        attachments,
        checklist,
        case: view(c, firm.name, firm.credit_code, &units, today),
    })
}

/// The case in `tx`, with the caller's rights; refuses those who may not `manage` (or work on)
/// it and moves the case may not take.
async fn load_for(
    app: &App,
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    id: i64,
    action: CaseAction,
) -> AppResult<(low_end_case::Model, CaseStatus)> {
    let c = find_case(tx, ctx, id).await?;
    let rights = Rights::of(app, tx, ctx, &c).await?;
    let allowed = match action {
        CaseAction::Progress | CaseAction::CompleteStep => rights.works_on(),
        _ => rights.manages(),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let next = next_status(&c, action)?;
    Ok((c, next))
}

fn snapshot(c: &low_end_case::Model) -> Value {
    json!({
        "status": c.status,
        "verification_note": c.verification_note,
        "disposal_type": c.disposal_type,
        "responsible_unit_id": c.responsible_unit_id,
        "deadline": c.deadline,
        "checklist": c.checklist_json.as_deref().and_then(|j| serde_json::from_str::<Value>(j).ok()),
        "land_mu_freed": c.land_mu_freed,
        "energy_tce_freed": c.energy_tce_freed,
        "closure_note": c.closure_note,
    })
}

async fn record(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    action: &str,
    id: i64,
    before: Option<Value>,
    after: Option<Value>,
) -> AppResult<()> {
    audit::record(
        tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action,
            entity: ENTITY,
            entity_id: id.to_string(),
            before,
            after,
        },
    )
    .await?;
    Ok(())
}

fn trimmed(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// 属地核实: confirms the candidate (with an optional note) or rejects it (with a reason).
/// The case's town or the office.
pub async fn verify(
    app: &App,
    ctx: &Ctx,
    id: i64,
    confirm: bool,
    reason: &str,
) -> AppResult<CaseDetail> {
    let tx = app.db.begin_write().await?;
    let action = if confirm {
        CaseAction::Confirm
    } else {
        CaseAction::Reject
    };
    let (c, next) = load_for(app, &tx, ctx, id, action).await?;
    if let Some((field, key)) = verification_problem(confirm, reason) {
        return Err(AppError::field(field, key));
    }
    let before = snapshot(&c);
    let mut am = c.into_active_model();
    am.status = Set(next.as_str().to_string());
    am.verification_note = Set(trimmed(reason));
    am.verified_by = Set(ctx.actor.id);
    am.verified_at = Set(Some(now()));
    am.updated_at = Set(now());
    let c = am.update(&tx).await?;
    record(
        &tx,
        ctx,
        if confirm { "confirm" } else { "reject" },
        id,
        Some(before),
        Some(snapshot(&c)),
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// A step of a plan as sent: an open step of the case (`id`) to keep or change, or a new one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepInput {
    pub id: Option<i64>,
    pub content: String,
    pub due_on: Option<NaiveDate>,
}

/// A disposal plan as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanInput {
    /// shutdown | relocate | upgrade | merge | revitalise
    pub disposal_type: String,
    pub responsible_unit_id: Option<i64>,
    pub deadline: Option<NaiveDate>,
    /// The plan's open steps. Steps already done stay as they are (listing them changes
    /// nothing); open steps not listed are dropped from the plan.
    pub steps: Vec<StepInput>,
}

fn step_json(s: &low_end_step::Model) -> Value {
    json!({"id": s.id, "content": s.content, "due_on": s.due_on, "done": s.done_at.is_some()})
}

/// Sets or revises the disposal plan of a confirmed case: the disposal type, the responsible
/// unit, the deadline and the steps. The case's town or the office.
pub async fn plan(app: &App, ctx: &Ctx, id: i64, input: &PlanInput) -> AppResult<CaseDetail> {
    let tx = app.db.begin_write().await?;
    let (c, _) = load_for(app, &tx, ctx, id, CaseAction::Plan).await?;
    let existing = low_end_step::Entity::find()
        .filter(low_end_step::Column::CaseId.eq(id))
        .filter(low_end_step::Column::Kind.eq(STEP))
        .order_by_asc(low_end_step::Column::Id)
        .all(&tx)
        .await?;
    let by_id: HashMap<i64, &low_end_step::Model> = existing.iter().map(|s| (s.id, s)).collect();

    let mut errors: Vec<FieldError> = Vec::new();
    let disposal = Disposal::parse(input.disposal_type.trim());
    if disposal.is_none() {
        errors.push(FieldError::new(
            "disposal_type",
            "error.low_end.disposal_type",
        ));
    }
    match input.responsible_unit_id {
        None => errors.push(FieldError::new(
            "responsible_unit_id",
            "error.low_end.unit_required",
        )),
        Some(u) => {
            let ok = department::Entity::find_by_id(u)
                .one(&tx)
                .await?
                .is_some_and(|d| {
                    d.active && DepartmentKind::parse(&d.kind) != Some(DepartmentKind::City)
                });
            if !ok {
                errors.push(FieldError::new(
                    "responsible_unit_id",
                    "error.low_end.unit_invalid",
                ));
            }
        }
    }
    // Listed steps that are already done are left alone; the rest form the open plan.
    let mut open: Vec<(usize, &StepInput)> = Vec::new();
    for (i, s) in input.steps.iter().enumerate() {
        match s.id.map(|sid| by_id.get(&sid)) {
            Some(None) => errors.push(FieldError::new(
                &format!("steps[{i}].id"),
                "error.low_end.step_unknown",
            )),
            Some(Some(done)) if done.done_at.is_some() => {}
            _ => open.push((i, s)),
        }
    }
    let done = existing.iter().filter(|s| s.done_at.is_some()).count();
    let planned: Vec<PlannedStep> = open
        .iter()
        .map(|(_, s)| PlannedStep {
            content: s.content.clone(),
            due_on: s.due_on,
        })
        .collect();
    for (field, key) in plan_problems(input.deadline, c.deadline, today(), &planned) {
        if field == "steps" && key == "error.low_end.steps_required" && done > 0 {
            continue;
        }
        // Step fields are named by their place in the request.
        let field = match field.strip_prefix("steps[") {
            Some(rest) => {
                let (n, tail) = rest.split_once(']').unwrap_or((rest, ""));
                let i = n
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| open.get(n))
                    .map(|(i, _)| *i);
                format!("steps[{}]{tail}", i.unwrap_or(0))
            }
            None => field,
        };
        errors.push(FieldError::new(&field, key));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }

    let before =
        json!({"case": snapshot(&c), "steps": existing.iter().map(step_json).collect::<Vec<_>>()});
    let t = now();
    let kept: HashSet<i64> = open.iter().filter_map(|(_, s)| s.id).collect();
    for s in existing.iter().filter(|s| s.done_at.is_none()) {
        if !kept.contains(&s.id) {
            low_end_step::Entity::delete_by_id(s.id).exec(&tx).await?;
        }
    }
    for (_, s) in &open {
        match s.id.and_then(|sid| by_id.get(&sid)) {
            Some(old) => {
                let mut am = (*old).clone().into_active_model();
                am.content = Set(s.content.trim().to_string());
                am.due_on = Set(s.due_on);
                am.update(&tx).await?;
            }
            None => {
                low_end_step::ActiveModel {
                    case_id: Set(id),
                    kind: Set(STEP.to_string()),
                    content: Set(s.content.trim().to_string()),
                    due_on: Set(s.due_on),
                    done_at: Set(None),
                    created_by: Set(ctx.actor.id),
                    created_at: Set(t),
                    ..Default::default()
                }
                .insert(&tx)
                .await?;
            }
        }
    }
    let mut am = c.into_active_model();
    am.disposal_type = Set(disposal.map(|d| d.as_str().to_string()));
    am.responsible_unit_id = Set(input.responsible_unit_id);
    am.deadline = Set(input.deadline);
    am.updated_at = Set(t);
    let c = am.update(&tx).await?;
    let steps = low_end_step::Entity::find()
        .filter(low_end_step::Column::CaseId.eq(id))
        .filter(low_end_step::Column::Kind.eq(STEP))
        .order_by_asc(low_end_step::Column::Id)
        .all(&tx)
        .await?;
    let after =
        json!({"case": snapshot(&c), "steps": steps.iter().map(step_json).collect::<Vec<_>>()});
    record(&tx, ctx, "plan", id, Some(before), Some(after)).await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// Reports progress on a confirmed case: its town, the office or the responsible unit.
pub async fn progress(app: &App, ctx: &Ctx, id: i64, content: &str) -> AppResult<StepView> {
    let tx = app.db.begin_write().await?;
    let (c, _) = load_for(app, &tx, ctx, id, CaseAction::Progress).await?;
    let content = content.trim();
    if content.is_empty() {
        return Err(AppError::field(
            "content",
            "error.low_end.progress_required",
        ));
    }
    if content.chars().count() > MAX_TEXT_CHARS {
        return Err(AppError::field("content", "error.low_end.text_too_long"));
    }
    let t = now();
    let s = low_end_step::ActiveModel {
        case_id: Set(id),
        kind: Set(PROGRESS.to_string()),
        content: Set(content.to_string()),
        due_on: Set(None),
        done_at: Set(None),
        created_by: Set(ctx.actor.id),
        created_at: Set(t),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let mut am = c.into_active_model();
    am.updated_at = Set(t);
    am.update(&tx).await?;
    record(
        &tx,
        ctx,
        "progress",
        id,
        None,
        Some(json!({"step_id": s.id, "content": s.content})),
    )
    .await?;
    tx.commit().await?;
    let users = user_names(app.db.read(), s.created_by).await?;
    Ok(step_view(s, &users, today()))
}

/// Marks a planned step done: the case's town, the office or the responsible unit.
pub async fn complete_step(app: &App, ctx: &Ctx, id: i64, step_id: i64) -> AppResult<StepView> {
    let tx = app.db.begin_write().await?;
    let (c, _) = load_for(app, &tx, ctx, id, CaseAction::CompleteStep).await?;
    let s = low_end_step::Entity::find_by_id(step_id)
        .filter(low_end_step::Column::CaseId.eq(id))
        .filter(low_end_step::Column::Kind.eq(STEP))
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if s.done_at.is_some() {
        return Err(AppError::Conflict("error.low_end.step_done_already".into()));
    }
    let t = now();
    let mut am = s.into_active_model();
    am.done_at = Set(Some(t));
    let s = am.update(&tx).await?;
    let mut am = c.into_active_model();
    am.updated_at = Set(t);
    am.update(&tx).await?;
    record(
        &tx,
        ctx,
        "complete_step",
        id,
        Some(json!({"step_id": s.id, "done": false})),
        Some(json!({"step_id": s.id, "content": s.content, "done": true})),
    )
    .await?;
    tx.commit().await?;
    let users = user_names(app.db.read(), s.created_by).await?;
    Ok(step_view(s, &users, today()))
}

/// What closing a case brings.
#[derive(Debug, Clone, Default)]
pub struct CloseInput {
    pub note: String,
    /// 两断三清 (required in full for a shutdown).
    pub checklist: ShutdownChecklist,
    /// Default: the firm's land of the year (none for an upgrade in place).
    pub land_mu_freed: Option<f64>,
    /// Default: the firm's energy use of the year (none for an upgrade in place).
    pub energy_tce_freed: Option<f64>,
    /// Evidence uploaded with the closure.
    pub files: Vec<NewFile>,
}

/// 销号: closes a confirmed case with a note and evidence (at least one file, stored or
/// uploaded now); a shutdown also needs the whole 两断三清 checklist. Records the land and
/// energy freed. The case's town or the office; the case is read-only afterwards.
pub async fn close(app: &App, ctx: &Ctx, id: i64, input: CloseInput) -> AppResult<CaseDetail> {
    let tx = app.db.begin_write().await?;
    let (c, next) = load_for(app, &tx, ctx, id, CaseAction::Close).await?;
    let stored = attachments::list(&tx, (OwnerKind::LowEndCase, id))
        .await?
        .len();
    let firm = enterprise::Entity::find_by_id(c.enterprise_id)
        .one(&tx)
        .await?
        .ok_or_else(|| AppError::Internal(format!("case {id} has no firm")))?;
    let facts = facts_of(&tx, &firm, c.year).await?;
    let disposal = c.disposal_type.as_deref().and_then(Disposal::parse);
    let closure = Closure {
        disposal,
        note: input.note.clone(),
        evidence_files: stored + input.files.len(),
        checklist: input.checklist,
        land_mu_freed: input
            .land_mu_freed
            .unwrap_or_else(|| freed_by_default(&c, facts.land_mu)),
        energy_tce_freed: input
            .energy_tce_freed
            .unwrap_or_else(|| freed_by_default(&c, facts.energy_tce)),
    };
    let problems = closure_problems(&closure);
    if !problems.is_empty() {
        let mut errors = Vec::new();
        for p in &problems {
            match p {
                ClosureProblem::ChecklistIncomplete(missing) => {
                    errors.push(FieldError::with_detail(
                        p.field(),
                        p.key(),
                        missing.join(", "),
                    ));
                    for item in missing {
                        errors.push(FieldError::new(
                            item,
                            &format!("error.low_end.checklist_missing.{item}"),
                        ));
                    }
                }
                _ => errors.push(FieldError::new(p.field(), p.key())),
            }
        }
        return Err(AppError::Validation(errors));
    }
    attachments::store(&tx, app, ctx, (OwnerKind::LowEndCase, id), input.files).await?;
    let before = snapshot(&c);
    let t = now();
    let mut am = c.into_active_model();
    am.status = Set(next.as_str().to_string());
    am.checklist_json = Set((disposal == Some(Disposal::Shutdown))
        .then(|| serde_json::to_string(&closure.checklist).unwrap_or_default()));
    am.land_mu_freed = Set(Some(closure.land_mu_freed));
    am.energy_tce_freed = Set(Some(closure.energy_tce_freed));
    am.closure_note = Set(trimmed(&closure.note));
    am.closed_by = Set(ctx.actor.id);
    am.closed_at = Set(Some(t));
    am.updated_at = Set(t);
    let c = am.update(&tx).await?;
    record(&tx, ctx, "close", id, Some(before), Some(snapshot(&c))).await?;
    tx.commit().await?;
    get(app, ctx, id).await
}

/// One evidence file of a case the caller reaches, with its content.
pub async fn attachment(
    app: &App,
    ctx: &Ctx,
    id: i64,
    attachment_id: i64,
) -> AppResult<(AttachmentInfo, Vec<u8>)> {
    let db = app.db.read();
    find_case(db, ctx, id).await?;
    attachments::get(db, (OwnerKind::LowEndCase, id), attachment_id).await
}
