//! 异议: while a run is in publicity (公示), a firm objects to its result — the enterprise
//! user for their own firm, town staff for the firms of their town, the evaluation office for
//! any firm — with a reason and optional attachments. The office decides: it rejects with a
//! reason, or, once it has corrected the firm's data in the registry, accepts, which evaluates
//! the year again under the same scheme and stores a new run that supersedes the old one.
//!
//! One pending objection per firm and run. Objections and their files are read within the
//! caller's data scope: a firm outside it answers `NotFound`, like a missing one.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::json;
use wujin_domain::access::{Permission, Role};
use wujin_storage::entity::{
    app_user, attachment, department, enterprise, evaluation_objection, evaluation_result,
    evaluation_run,
};

use super::publication;
use super::run::{RunStart, RunSummary, evaluate_under, store};
use super::{is_office, require_office};
use crate::attachments::{self, AttachmentInfo, NewFile, OwnerKind};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::page::{Page, PageRequest};
use crate::registry::scope::{EnterpriseScope, find_in_scope};
use crate::{App, notifications, now};

/// Longest reason (and decision) accepted, in characters.
pub const MAX_REASON_CHARS: usize = 2000;

/// Objection statuses.
pub const STATUSES: [&str; 3] = ["pending", "accepted", "rejected"];

/// An objection as lists and pages show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ObjectionView {
    pub id: i64,
    /// The run objected to (a pending objection follows the run that supersedes it).
    pub run_id: i64,
    pub year: i32,
    pub run_status: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub town_id: i64,
    pub town_name: String,
    pub filed_by: Option<i64>,
    pub filed_by_name: String,
    /// enterprise | town | office
    pub filed_as: String,
    pub reason: String,
    /// pending | accepted | rejected
    pub status: String,
    /// The office's reasons (rejection) or note (acceptance).
    pub decision: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The run that carries the corrected data, when accepted.
    pub corrected_run_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub attachments: u64,
}

/// A firm's result in one run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ResultLine {
    pub run_id: i64,
    pub group_key: String,
    pub total: f64,
    pub rank: Option<i32>,
    pub grade: Option<String>,
}

/// One objection with its files and the firm's result before and after.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectionDetail {
    pub objection: ObjectionView,
    pub attachments: Vec<AttachmentInfo>,
    /// The firm's result in the run objected to.
    pub result: Option<ResultLine>,
    /// The firm's result in the corrected run, when accepted.
    pub corrected: Option<ResultLine>,
    pub publicity_ends_at: Option<DateTime<Utc>>,
    /// The caller may accept or reject it now.
    pub can_decide: bool,
}

/// Which objections to list.
#[derive(Debug, Clone, Default)]
pub struct ObjectionFilter {
    /// pending | accepted | rejected
    pub status: Option<String>,
    pub year: Option<i32>,
    /// Objections of this run (objected to, or corrected into it).
    pub run_id: Option<i64>,
    pub enterprise_id: Option<i64>,
}

/// An objection as filed.
#[derive(Debug, Clone)]
pub struct NewObjection {
    pub run_id: i64,
    pub enterprise_id: i64,
    pub reason: String,
    pub files: Vec<NewFile>,
}

/// What the filing form shows before anything is written.
#[derive(Debug, Clone, Serialize)]
pub struct FilingContext {
    pub run_id: i64,
    pub year: i32,
    pub publicity_ends_at: Option<DateTime<Utc>>,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub result: ResultLine,
}

/// What accepting an objection produced.
#[derive(Debug, Clone, Serialize)]
pub struct Accepted {
    pub objection: ObjectionView,
    /// The run that supersedes the one objected to.
    pub run: RunSummary,
    pub superseded_run_id: i64,
    /// Pending objections moved from the old run to the new one.
    pub moved_objections: Vec<i64>,
}

/// What a caller filing an objection acts as; `Forbidden` for those who may not file.
async fn filing_role(app: &App, ctx: &Ctx) -> AppResult<&'static str> {
    if is_office(app, ctx).await? {
        return Ok("office");
    }
    ctx.require(Permission::FileObjection)?;
    match ctx.actor.role {
        Role::Town => Ok("town"),
        Role::Enterprise => Ok("enterprise"),
        _ => Err(AppError::Forbidden),
    }
}

/// Whether the caller may file objections at all (for showing the form and its links).
pub async fn may_file(app: &App, ctx: &Ctx) -> AppResult<bool> {
    match filing_role(app, ctx).await {
        Ok(_) => Ok(true),
        Err(AppError::Forbidden) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A trimmed text of at most [`MAX_REASON_CHARS`] characters, required.
fn required_text(field: &str, text: &str, missing: &str) -> Result<String, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(FieldError::new(field, missing));
    }
    let n = t.chars().count();
    if n > MAX_REASON_CHARS {
        return Err(FieldError::with_detail(
            field,
            "error.objection.too_long",
            format!("{n}/{MAX_REASON_CHARS}"),
        ));
    }
    Ok(t.to_string())
}

/// The firm's result in a run.
async fn result_line(
    db: &impl ConnectionTrait,
    run_id: i64,
    enterprise_id: i64,
) -> AppResult<Option<ResultLine>> {
    Ok(evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(run_id))
        .filter(evaluation_result::Column::EnterpriseId.eq(enterprise_id))
        .one(db)
        .await?
        .map(|r| ResultLine {
            run_id,
            group_key: r.group_key,
            total: r.total,
            rank: r.rank,
            grade: r.grade,
        }))
}

/// Checks that the caller may object to firm `enterprise_id` in run `run_id` now; returns
/// the run, the firm and its result. Shared by the form and the filing itself.
async fn check_filing(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    run_id: i64,
    enterprise_id: i64,
) -> AppResult<(evaluation_run::Model, enterprise::Model, ResultLine)> {
    let firm = find_in_scope(db, ctx, enterprise_id).await?;
    let run = evaluation_run::Entity::find_by_id(run_id)
        .one(db)
        .await?
        .filter(|r| r.status != "draft")
        .ok_or(AppError::NotFound)?;
    if run.status != "published" {
        return Err(AppError::Conflict(
            "error.objection.run_not_published".into(),
        ));
    }
    if run.publicity_ends_at.is_none_or(|end| now() >= end) {
        return Err(AppError::Conflict("error.objection.publicity_over".into()));
    }
    let result = result_line(db, run.id, firm.id).await?.ok_or_else(|| {
        AppError::Validation(vec![FieldError::new(
            "enterprise_id",
            "error.objection.not_in_run",
        )])
    })?;
    // One objection per firm and run waits for the office at a time.
    let pending = evaluation_objection::Entity::find()
        .filter(evaluation_objection::Column::RunId.eq(run.id))
        .filter(evaluation_objection::Column::EnterpriseId.eq(firm.id))
        .filter(evaluation_objection::Column::Status.eq("pending"))
        .count(db)
        .await?;
    if pending > 0 {
        return Err(AppError::Conflict("error.objection.pending_exists".into()));
    }
    Ok((run, firm, result))
}

/// The filing form's facts: the run, the firm and its result; the same refusals as filing.
pub async fn filing_context(
    app: &App,
    ctx: &Ctx,
    run_id: i64,
    enterprise_id: i64,
) -> AppResult<FilingContext> {
    filing_role(app, ctx).await?;
    let (run, firm, result) = check_filing(app.db.read(), ctx, run_id, enterprise_id).await?;
    Ok(FilingContext {
        run_id: run.id,
        year: run.year,
        publicity_ends_at: run.publicity_ends_at,
        enterprise_id: firm.id,
        enterprise_name: firm.name,
        credit_code: firm.credit_code,
        result,
    })
}

/// Files an objection with its attachments, audited, and tells the evaluation office.
pub async fn file(app: &App, ctx: &Ctx, input: NewObjection) -> AppResult<ObjectionView> {
    let filed_as = filing_role(app, ctx).await?;
    let tx = app.db.begin_write().await?;
    let (run, firm, _) = check_filing(&tx, ctx, input.run_id, input.enterprise_id).await?;
    let reason = required_text("reason", &input.reason, "error.objection.reason_required")
        .map_err(|e| AppError::Validation(vec![e]))?;
    let m = evaluation_objection::ActiveModel {
        run_id: Set(run.id),
        enterprise_id: Set(firm.id),
        filed_by: Set(ctx.actor.id),
        filed_as: Set(filed_as.to_string()),
        reason: Set(reason),
        status: Set("pending".into()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "create",
            entity: "evaluation_objection",
            entity_id: m.id.to_string(),
            before: None,
            after: Some(json!({
                "run_id": m.run_id,
                "enterprise_id": m.enterprise_id,
                "filed_as": m.filed_as,
                "reason": m.reason,
                "files": input.files.len(),
            })),
        },
    )
    .await?;
    if !input.files.is_empty() {
        attachments::store(&tx, app, ctx, (OwnerKind::Objection, m.id), input.files).await?;
    }
    let link = format!("/evaluation/objections/{}", m.id);
    for user in office_staff(app, &tx).await? {
        if Some(user) != ctx.actor.id {
            notifications::send(
                &tx,
                user,
                "evaluation_objection",
                "eval.objection.notify.filed_title",
                "eval.objection.notify.filed_body",
                Some(&link),
            )
            .await?;
        }
    }
    tx.commit().await?;
    one(app.db.read(), m).await
}

/// Active staff of the evaluation office (the administrators are not messaged).
async fn office_staff(app: &App, db: &impl ConnectionTrait) -> AppResult<Vec<i64>> {
    let Some(unit) = department::Entity::find()
        .filter(department::Column::Code.eq(&app.config.evaluation_office))
        .one(db)
        .await?
    else {
        return Ok(vec![]);
    };
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Role.eq(Role::Department.as_str()))
        .filter(app_user::Column::DepartmentId.eq(unit.id))
        .filter(app_user::Column::Active.eq(true))
        .select_only()
        .column(app_user::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// The filter of objections on firms the caller reaches.
async fn scope_condition(db: &impl ConnectionTrait, ctx: &Ctx) -> AppResult<Condition> {
    let scope = EnterpriseScope::of(db, ctx).await?;
    if scope.is_all() {
        return Ok(Condition::all());
    }
    Ok(Condition::all().add(
        evaluation_objection::Column::EnterpriseId.in_subquery(
            Query::select()
                .column(enterprise::Column::Id)
                .from(enterprise::Entity)
                .cond_where(scope.condition())
                .to_owned(),
        ),
    ))
}

/// Objections within the caller's scope, newest first.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    filter: &ObjectionFilter,
    page: PageRequest,
) -> AppResult<Page<ObjectionView>> {
    ctx.require(Permission::ViewEvaluation)?;
    let db = app.db.read();
    let mut q = evaluation_objection::Entity::find().filter(scope_condition(db, ctx).await?);
    if let Some(s) = filter
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !STATUSES.contains(&s) {
            return Err(AppError::field("status", "error.objection.status_invalid"));
        }
        q = q.filter(evaluation_objection::Column::Status.eq(s));
    }
    if let Some(run) = filter.run_id {
        q = q.filter(
            Condition::any()
                .add(evaluation_objection::Column::RunId.eq(run))
                .add(evaluation_objection::Column::CorrectedRunId.eq(run)),
        );
    }
    if let Some(e) = filter.enterprise_id {
        q = q.filter(evaluation_objection::Column::EnterpriseId.eq(e));
    }
    if let Some(year) = filter.year {
        q = q.filter(
            evaluation_objection::Column::RunId.in_subquery(
                Query::select()
                    .column(evaluation_run::Column::Id)
                    .from(evaluation_run::Entity)
                    .and_where(evaluation_run::Column::Year.eq(year))
                    .to_owned(),
            ),
        );
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(evaluation_objection::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok(Page {
        items: views(db, rows).await?,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every objection of run `run_id` (objected to, or corrected into it) within the caller's
/// scope, oldest first.
pub(crate) async fn of_run(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    run_id: i64,
) -> AppResult<Vec<ObjectionView>> {
    let rows = evaluation_objection::Entity::find()
        .filter(scope_condition(db, ctx).await?)
        .filter(
            Condition::any()
                .add(evaluation_objection::Column::RunId.eq(run_id))
                .add(evaluation_objection::Column::CorrectedRunId.eq(run_id)),
        )
        .order_by_asc(evaluation_objection::Column::Id)
        .all(db)
        .await?;
    views(db, rows).await
}

/// The objection `id` if the caller reaches its firm.
async fn find(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> AppResult<evaluation_objection::Model> {
    ctx.require(Permission::ViewEvaluation)?;
    evaluation_objection::Entity::find_by_id(id)
        .filter(scope_condition(db, ctx).await?)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// One objection with its files and the firm's results.
pub async fn get(app: &App, ctx: &Ctx, id: i64) -> AppResult<ObjectionDetail> {
    let db = app.db.read();
    let m = find(db, ctx, id).await?;
    let run = evaluation_run::Entity::find_by_id(m.run_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let result = result_line(db, m.run_id, m.enterprise_id).await?;
    let corrected = match m.corrected_run_id {
        Some(r) => result_line(db, r, m.enterprise_id).await?,
        None => None,
    };
    let attachments = attachments::list(db, (OwnerKind::Objection, m.id)).await?;
    let can_decide =
        m.status == "pending" && run.status == "published" && is_office(app, ctx).await?;
    Ok(ObjectionDetail {
        objection: one(db, m).await?,
        attachments,
        result,
        corrected,
        publicity_ends_at: run.publicity_ends_at,
        can_decide,
    })
}

/// One attached file, if the caller reaches the objection.
pub async fn attachment(
    app: &App,
    ctx: &Ctx,
    id: i64,
    attachment_id: i64,
) -> AppResult<(AttachmentInfo, Vec<u8>)> {
    let db = app.db.read();
    let m = find(db, ctx, id).await?;
    attachments::get(db, (OwnerKind::Objection, m.id), attachment_id).await
}

/// Loads a pending objection inside `tx` for the office's decision.
async fn pending_for_decision(
    tx: &DatabaseTransaction,
    id: i64,
) -> AppResult<evaluation_objection::Model> {
    let m = evaluation_objection::Entity::find_by_id(id)
        .one(tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if m.status != "pending" {
        return Err(AppError::Conflict("error.objection.not_pending".into()));
    }
    Ok(m)
}

/// Tells the filer of an objection that it was decided.
async fn notify_filer(
    tx: &DatabaseTransaction,
    m: &evaluation_objection::Model,
    ctx: &Ctx,
    title: &str,
    body: &str,
) -> AppResult<()> {
    if let Some(user) = m.filed_by.filter(|u| Some(*u) != ctx.actor.id) {
        notifications::send(
            tx,
            user,
            "evaluation_objection",
            title,
            body,
            Some(&format!("/evaluation/objections/{}", m.id)),
        )
        .await?;
    }
    Ok(())
}

/// Rejects a pending objection with the office's reasons (required); tells the filer.
pub async fn reject(app: &App, ctx: &Ctx, id: i64, reason: &str) -> AppResult<ObjectionView> {
    require_office(app, ctx).await?;
    let decision = required_text("reason", reason, "error.objection.decision_required")
        .map_err(|e| AppError::Validation(vec![e]))?;
    let tx = app.db.begin_write().await?;
    let m = pending_for_decision(&tx, id).await?;
    let mut am = m.clone().into_active_model();
    am.status = Set("rejected".into());
    am.decision = Set(Some(decision.clone()));
    am.decided_by = Set(ctx.actor.id);
    am.decided_at = Set(Some(now()));
    let m = am.update(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "reject",
            entity: "evaluation_objection",
            entity_id: m.id.to_string(),
            before: Some(json!({"status": "pending"})),
            after: Some(json!({"status": "rejected", "decision": decision})),
        },
    )
    .await?;
    notify_filer(
        &tx,
        &m,
        ctx,
        "eval.objection.notify.rejected_title",
        "eval.objection.notify.rejected_body",
    )
    .await?;
    tx.commit().await?;
    one(app.db.read(), m).await
}

/// Accepts a pending objection. The office has corrected the firm's data in the registry
/// first: the year is evaluated again under the same scheme and stored as a new published run
/// (same end of publicity) that supersedes the old one; the old run's other pending
/// objections move to it. Refused when the data is unchanged (same inputs digest).
pub async fn accept(app: &App, ctx: &Ctx, id: i64, note: Option<&str>) -> AppResult<Accepted> {
    require_office(app, ctx).await?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = note {
        required_text("note", n, "error.objection.decision_required")
            .map_err(|e| AppError::Validation(vec![e]))?;
    }
    let db = app.db.read();
    let m = evaluation_objection::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if m.status != "pending" {
        return Err(AppError::Conflict("error.objection.not_pending".into()));
    }
    let old = evaluation_run::Entity::find_by_id(m.run_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if old.status != "published" {
        return Err(AppError::Conflict(
            "error.objection.run_not_published".into(),
        ));
    }
    let scheme = publication::scheme_of(db, &old).await?;
    let e = evaluate_under(app, old.year, &scheme).await?;
    if e.digest == old.inputs_sha256 {
        return Err(AppError::Conflict("error.objection.data_unchanged".into()));
    }

    let tx = app.db.begin_write().await?;
    // Decided or superseded meanwhile: refuse rather than fork the chain of runs.
    let m = pending_for_decision(&tx, id).await?;
    let old = evaluation_run::Entity::find_by_id(old.id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if old.status != "published" || old.id != m.run_id {
        return Err(AppError::Conflict(
            "error.objection.run_not_published".into(),
        ));
    }
    let new = store(
        &tx,
        ctx,
        old.year,
        &e,
        RunStart {
            status: "published",
            published_at: old.published_at,
            publicity_ends_at: old.publicity_ends_at,
            supersedes_run_id: Some(old.id),
            note: note.map(str::to_string),
        },
    )
    .await?;
    let mut am = old.clone().into_active_model();
    am.status = Set("superseded".into());
    am.update(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "supersede",
            entity: "evaluation_run",
            entity_id: old.id.to_string(),
            before: Some(json!({"status": "published"})),
            after: Some(
                json!({"status": "superseded", "superseded_by": new.id, "objection_id": m.id}),
            ),
        },
    )
    .await?;
    let mut am = m.clone().into_active_model();
    am.status = Set("accepted".into());
    am.decision = Set(note.map(str::to_string));
    am.decided_by = Set(ctx.actor.id);
    am.decided_at = Set(Some(now()));
    am.corrected_run_id = Set(Some(new.id));
    let m = am.update(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "accept",
            entity: "evaluation_objection",
            entity_id: m.id.to_string(),
            before: Some(json!({"status": "pending"})),
            after: Some(
                json!({"status": "accepted", "decision": m.decision, "corrected_run_id": new.id}),
            ),
        },
    )
    .await?;
    let others = evaluation_objection::Entity::find()
        .filter(evaluation_objection::Column::RunId.eq(old.id))
        .filter(evaluation_objection::Column::Status.eq("pending"))
        .order_by_asc(evaluation_objection::Column::Id)
        .all(&tx)
        .await?;
    let mut moved = Vec::new();
    for o in others {
        let oid = o.id;
        let mut am = o.into_active_model();
        am.run_id = Set(new.id);
        am.update(&tx).await?;
        audit::record(
            &tx,
            &ctx.actor,
            &ctx.meta,
            Change {
                action: "move",
                entity: "evaluation_objection",
                entity_id: oid.to_string(),
                before: Some(json!({"run_id": old.id})),
                after: Some(json!({"run_id": new.id})),
            },
        )
        .await?;
        moved.push(oid);
    }
    notify_filer(
        &tx,
        &m,
        ctx,
        "eval.objection.notify.accepted_title",
        "eval.objection.notify.accepted_body",
    )
    .await?;
    tx.commit().await?;
    super::run::results_stored(app).await?;
    Ok(Accepted {
        objection: one(app.db.read(), m).await?,
        run: e.summary(new.id, new.year),
        superseded_run_id: old.id,
        moved_objections: moved,
    })
}

async fn one(
    db: &impl ConnectionTrait,
    m: evaluation_objection::Model,
) -> AppResult<ObjectionView> {
    views(db, vec![m])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal("objection view".into()))
}

/// Names of users by id.
async fn user_names(
    db: &impl ConnectionTrait,
    ids: BTreeSet<i64>,
) -> AppResult<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids))
        .select_only()
        .column(app_user::Column::Id)
        .column(app_user::Column::DisplayName)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Rows with the names of their firm, town, run, filer and decider.
async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<evaluation_objection::Model>,
) -> AppResult<Vec<ObjectionView>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let firm_ids: BTreeSet<i64> = rows.iter().map(|r| r.enterprise_id).collect();
    let firms: HashMap<i64, enterprise::Model> = enterprise::Entity::find()
        .filter(enterprise::Column::Id.is_in(firm_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let town_ids: BTreeSet<i64> = firms.values().map(|e| e.town_id).collect();
    let towns: HashMap<i64, String> = department::Entity::find()
        .filter(department::Column::Id.is_in(town_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let run_ids: BTreeSet<i64> = rows.iter().map(|r| r.run_id).collect();
    let runs: HashMap<i64, (i32, String)> = evaluation_run::Entity::find()
        .filter(evaluation_run::Column::Id.is_in(run_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, (r.year, r.status)))
        .collect();
    let users = user_names(
        db,
        rows.iter()
            .flat_map(|r| [r.filed_by, r.decided_by])
            .flatten()
            .collect(),
    )
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut files: BTreeMap<i64, u64> = BTreeMap::new();
    for owner in attachment::Entity::find()
        .filter(attachment::Column::OwnerKind.eq(OwnerKind::Objection.as_str()))
        .filter(attachment::Column::OwnerId.is_in(ids))
        .select_only()
        .column(attachment::Column::OwnerId)
        .into_tuple::<i64>()
        .all(db)
        .await?
    {
        *files.entry(owner).or_default() += 1;
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let firm = firms.get(&r.enterprise_id);
            let (year, run_status) = runs.get(&r.run_id).cloned().unwrap_or_default();
            ObjectionView {
                id: r.id,
                run_id: r.run_id,
                year,
                run_status,
                enterprise_id: r.enterprise_id,
                enterprise_name: firm.map(|f| f.name.clone()).unwrap_or_default(),
                credit_code: firm.map(|f| f.credit_code.clone()).unwrap_or_default(),
                town_id: firm.map(|f| f.town_id).unwrap_or_default(),
                town_name: firm
                    .and_then(|f| towns.get(&f.town_id).cloned())
                    .unwrap_or_default(),
                filed_by: r.filed_by,
                filed_by_name: r
                    .filed_by
                    .and_then(|u| users.get(&u).cloned())
                    .unwrap_or_default(),
                filed_as: r.filed_as,
                reason: r.reason,
                status: r.status,
                decision: r.decision,
                decided_by: r.decided_by,
                decided_by_name: r.decided_by.and_then(|u| users.get(&u).cloned()),
                decided_at: r.decided_at,
                corrected_run_id: r.corrected_run_id,
                created_at: r.created_at,
                attachments: files.get(&r.id).copied().unwrap_or(0),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_required_and_bounded() {
        assert_eq!(
            required_text("reason", "  数据有误  ", "error.objection.reason_required"),
            Ok("数据有误".to_string())
        );
        assert_eq!(
            required_text("reason", " \n ", "error.objection.reason_required")
                .unwrap_err()
                .key,
            "error.objection.reason_required"
        );
        let long = "异".repeat(MAX_REASON_CHARS);
        assert!(
            required_text("reason", &long, "k").is_ok(),
            "2000 characters, not bytes"
        );
        let e = required_text("reason", &format!("{long}议"), "k").unwrap_err();
        assert_eq!(e.key, "error.objection.too_long");
        assert_eq!(e.detail.as_deref(), Some("2001/2000"));
    }
}
