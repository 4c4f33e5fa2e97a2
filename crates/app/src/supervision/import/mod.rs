//! Importing a task-decomposition table (任务分解表导入) into a plan, in two phases like the
//! registry's import: validate (the file is kept in an import batch; the preview lists every
//! area, task and sub-task with its matched leader, units and deadline, every error by cell,
//! and every name that matches nothing, with the rows it is on and close existing names) →
//! commit (the user maps each unknown name to an existing unit or leader, or has a unit
//! created; then everything is written in one transaction, each task audited).
//!
//! Only the supervision office imports. Nothing is written while the table has an error or a
//! name is left unmapped; a committed batch is not committed again.

mod file_run;
mod files;
mod fixture;
mod resolve;
mod types;
mod write;

pub use file_run::{FileRun, run_file};
pub use files::{error_workbook, template};
pub use fixture::sample_decomposition_xlsx;
pub use types::*;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, Set,
};
use serde_json::json;
use wujin_domain::access::Role;
use wujin_storage::entity::{import_batch, supervision_plan, supervision_task};
use wujin_xlsx::decomposition::{DecompositionSheet, map_decomposition};
use wujin_xlsx::{Limits, Workbook};

use self::resolve::{Known, Overrides, resolve};
use super::require_office;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::registry::import::{clean_file_name, sha256_hex};
use crate::{App, now};

/// A file read: the workbook and its decomposition sheet.
pub(crate) struct Parsed {
    pub workbook: Workbook,
    pub sheet: DecompositionSheet,
}

/// Reads a file. A file that cannot be read, a sheet without the required header, and a table
/// without rows are validation errors on `file`: nothing is kept.
fn parse(file_name: &str, bytes: &[u8], limits: &Limits) -> AppResult<Parsed> {
    let file_error = |key: &str, detail: String| {
        AppError::Validation(vec![FieldError::with_detail("file", key, detail)])
    };
    let workbook = wujin_xlsx::read_workbook(bytes, file_name, limits)
        .map_err(|e| file_error(e.key(), e.detail()))?;
    let sheet = map_decomposition(&workbook, None).map_err(|e| {
        let place = if e.row > 0 {
            format!("{} {}", e.sheet, e.row)
        } else {
            e.sheet.clone()
        };
        file_error(e.key, format!("{place}: {}", e.detail))
    })?;
    if sheet.rows.is_empty() {
        return Err(file_error("error.task_import.no_rows", sheet.sheet.clone()));
    }
    if sheet.rows.len() > MAX_ROWS {
        return Err(file_error(
            "error.task_import.too_many_rows",
            format!("{}/{MAX_ROWS}", sheet.rows.len()),
        ));
    }
    Ok(Parsed { workbook, sheet })
}

/// [`parse`] on a blocking thread, so a large file does not stall other requests.
async fn parse_blocking(
    file_name: String,
    bytes: Vec<u8>,
    limits: Limits,
) -> AppResult<(Parsed, Vec<u8>)> {
    tokio::task::spawn_blocking(move || {
        let parsed = parse(&file_name, &bytes, &limits)?;
        Ok((parsed, bytes))
    })
    .await
    .map_err(|e| AppError::Internal(format!("import parser stopped: {e}")))?
}

async fn plan_of(db: &impl ConnectionTrait, plan_id: i64) -> AppResult<supervision_plan::Model> {
    supervision_plan::Entity::find_by_id(plan_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn existing_tasks(db: &impl ConnectionTrait, plan_id: i64) -> AppResult<u64> {
    Ok(supervision_task::Entity::find()
        .filter(supervision_task::Column::PlanId.eq(plan_id))
        .count(db)
        .await?)
}

/// Validates a decomposition table for plan `plan_id` and keeps it as an import batch for
/// preview and commit; the supervision office only. Writes nothing else.
pub async fn validate(
    app: &App,
    ctx: &Ctx,
    plan_id: i64,
    file_name: &str,
    bytes: Vec<u8>,
) -> AppResult<TaskImportPreview> {
    require_office(app, ctx).await?;
    let plan = plan_of(app.db.read(), plan_id).await?;
    let file_name = clean_file_name(file_name);
    let (parsed, bytes) =
        parse_blocking(file_name.clone(), bytes, app.config.import_limits()).await?;
    let db = app.db.read();
    let known = Known::load(db).await?;
    let mut preview = resolve(&parsed.sheet, &plan, &known, &Overrides::new()).preview;
    preview.file_name = file_name.clone();
    preview.existing_tasks = existing_tasks(db, plan.id).await?;
    let tx = app.db.begin_write().await?;
    let b = import_batch::ActiveModel {
        kind: Set(KIND.into()),
        year: Set(Some(plan.year)),
        file_name: Set(file_name),
        file_sha256: Set(sha256_hex(&bytes)),
        file_bytes: Set(Some(bytes)),
        status: Set(preview.status.clone()),
        summary_json: Set(String::new()),
        created_by: Set(ctx.actor.id),
        created_at: Set(preview.created_at),
        committed_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    preview.batch_id = Some(b.id);
    let summary = serde_json::to_string(&preview).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut m = b.into_active_model();
    m.summary_json = Set(summary);
    let b = m.update(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "validate",
            entity: "import_batch",
            entity_id: b.id.to_string(),
            before: None,
            after: Some(json!({
                "kind": b.kind,
                "plan_id": plan.id,
                "file_name": b.file_name,
                "sha256": b.file_sha256,
                "status": b.status,
                "rows": preview.rows.len(),
                "errors": preview.errors.len(),
                "unknown_names": preview.unknown.len(),
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(preview)
}

/// The caller's decomposition batch (the office only; administrators reach every batch).
async fn own_batch(
    app: &App,
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> AppResult<import_batch::Model> {
    require_office(app, ctx).await?;
    let b = import_batch::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|b| b.kind == KIND)
        .ok_or(AppError::NotFound)?;
    if ctx.actor.role != Role::Admin && b.created_by != ctx.actor.id {
        return Err(AppError::NotFound);
    }
    Ok(b)
}

fn stored(b: &import_batch::Model) -> AppResult<TaskImportPreview> {
    let mut p: TaskImportPreview = serde_json::from_str(&b.summary_json)
        .map_err(|e| AppError::Internal(format!("batch {}: {e}", b.id)))?;
    p.batch_id = Some(b.id);
    p.status = b.status.clone();
    Ok(p)
}

/// A batch's kept file read again.
async fn reparse(app: &App, b: &import_batch::Model) -> AppResult<Parsed> {
    let bytes = b
        .file_bytes
        .clone()
        .ok_or(AppError::Conflict("error.import.file_gone".into()))?;
    Ok(
        parse_blocking(b.file_name.clone(), bytes, app.config.import_limits())
            .await?
            .0,
    )
}

/// The preview of a batch, as validation left it (with its current status).
pub async fn preview(app: &App, ctx: &Ctx, batch_id: i64) -> AppResult<TaskImportPreview> {
    let b = own_batch(app, app.db.read(), ctx, batch_id).await?;
    stored(&b)
}

/// Why a batch in `status` cannot be committed or discarded.
fn closed(status: &str) -> AppError {
    AppError::Conflict(match status {
        "committed" => "error.import.already_committed".into(),
        "discarded" => "error.import.discarded".into(),
        _ => "error.import.has_errors".into(),
    })
}

/// Commits a validated batch with the user's `mappings` of its unknown names: the file is
/// read again and checked against the platform as it is now, the units to create are
/// created, and every row is written, in one transaction. Refused, writing nothing, while the
/// table has errors or any unknown name is unmapped; a batch is committed once.
pub async fn commit(
    app: &App,
    ctx: &Ctx,
    batch_id: i64,
    mappings: &[NameMapping],
) -> AppResult<TaskImportOutcome> {
    let b = own_batch(app, app.db.read(), ctx, batch_id).await?;
    if b.status != "validated" {
        return Err(closed(&b.status));
    }
    let plan_id = stored(&b)?.plan_id;
    let parsed = reparse(app, &b).await?;
    let tx = app.db.begin_write().await?;
    // Re-check the status inside the write lock: two commits of one batch cannot both pass.
    let b = own_batch(app, &tx, ctx, batch_id).await?;
    if b.status != "validated" {
        return Err(closed(&b.status));
    }
    let plan = plan_of(&tx, plan_id).await?;
    let mut outcome = write::write(&tx, ctx, &plan, &parsed.sheet, mappings).await?;
    let mut m = b.into_active_model();
    m.status = Set("committed".into());
    m.file_bytes = Set(None);
    m.committed_at = Set(Some(now()));
    m.update(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "commit",
            entity: "import_batch",
            entity_id: batch_id.to_string(),
            before: Some(json!({"status": "validated"})),
            after: Some(json!({
                "status": "committed",
                "plan_id": plan.id,
                "areas": outcome.areas,
                "tasks": outcome.tasks,
                "sub_tasks": outcome.sub_tasks,
                "units_created": outcome.units_created.iter().map(|u| u.id).collect::<Vec<_>>(),
                "mappings": mappings,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    outcome.batch_id = Some(batch_id);
    outcome.audit_events += 1;
    Ok(outcome)
}

/// Drops a batch that will not be committed (its file is deleted).
pub async fn discard(app: &App, ctx: &Ctx, batch_id: i64) -> AppResult<()> {
    let tx = app.db.begin_write().await?;
    let b = own_batch(app, &tx, ctx, batch_id).await?;
    if b.status == "committed" || b.status == "discarded" {
        return Err(AppError::Conflict("error.import.already_closed".into()));
    }
    let old = b.status.clone();
    let mut m = b.into_active_model();
    m.status = Set("discarded".into());
    m.file_bytes = Set(None);
    m.update(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "discard",
            entity: "import_batch",
            entity_id: batch_id.to_string(),
            before: Some(json!({"status": old})),
            after: Some(json!({"status": "discarded"})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The units and leaders an unknown name may be mapped to (active ones, by name); the office
/// only.
pub async fn choices(app: &App, ctx: &Ctx) -> AppResult<NameChoices> {
    require_office(app, ctx).await?;
    let known = Known::load(app.db.read()).await?;
    let list = |k: &[wujin_domain::supervision::units::KnownName<i64>]| {
        let mut v: Vec<NameChoice> = k
            .iter()
            .map(|k| NameChoice {
                id: k.id,
                name: k.name.clone(),
            })
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    };
    Ok(NameChoices {
        units: list(&known.units),
        leaders: list(&known.leaders),
    })
}
