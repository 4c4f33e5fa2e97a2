//! Importing spreadsheets into the registry (数据导入), in two phases: validate (nothing
//! written; the file is kept in an import batch and a preview lists new, changed and
//! unchanged rows field by field, and every error by cell) → commit (all or nothing, in one
//! transaction, every change audited).

mod apply;
mod enterprises;
mod figures;
mod files;
mod lookup;
mod parcels;
mod pipeline;
mod types;

pub use apply::rederive_scales;
pub use files::{error_workbook, template};
pub use pipeline::{Ops, Parsed, Plan, Progress, parse, resolve};
pub use types::*;

use pipeline::{apply_plan, parse_blocking, permission};
pub(crate) use pipeline::{clean_file_name, sha256_hex};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use wujin_domain::access::{Permission, Role};
use wujin_storage::entity::{app_user, import_batch};
use wujin_xlsx::TableKind;

use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::{App, now};

/// Validates a file and keeps it as an import batch for preview and commit. Writes no
/// registry data.
pub async fn validate(
    app: &App,
    ctx: &Ctx,
    kind: TableKind,
    file_name: &str,
    bytes: Vec<u8>,
    opts: &ImportOptions,
) -> AppResult<ImportPreview> {
    ctx.require(permission(kind))?;
    let file_name = clean_file_name(file_name);
    let (parsed, bytes) = parse_blocking(
        kind,
        file_name.clone(),
        bytes,
        opts.clone(),
        app.config.import_limits(),
    )
    .await?;
    let plan = resolve(app.db.read(), ctx, kind, &file_name, &parsed, opts).await?;
    let mut preview = plan.preview;
    let tx = app.db.begin_write().await?;
    let b = import_batch::ActiveModel {
        kind: Set(kind.as_str().into()),
        year: Set(opts.year),
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
    let summary =
        serde_json::to_string(&(&preview, opts)).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut m = b.into_active_model();
    m.summary_json = Set(summary);
    let b = m.update(&tx).await?;
    audit::record(&tx, &ctx.actor, &ctx.meta, Change {
        action: "validate",
        entity: "import_batch",
        entity_id: b.id.to_string(),
        before: None,
        after: Some(json!({"kind": b.kind, "file_name": b.file_name, "sha256": b.file_sha256, "status": b.status, "rows": preview.rows, "new": preview.new, "changed": preview.changed, "errors": preview.errors.len()})),
    })
    .await?;
    tx.commit().await?;
    Ok(preview)
}

/// The caller's batch (administrators reach every batch).
async fn own_batch(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> AppResult<import_batch::Model> {
    let b = import_batch::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = TableKind::parse(&b.kind).ok_or(AppError::NotFound)?;
    ctx.require(permission(kind))?;
    if ctx.actor.role != Role::Admin && b.created_by != ctx.actor.id {
        return Err(AppError::NotFound);
    }
    Ok(b)
}

fn stored(b: &import_batch::Model) -> AppResult<(ImportPreview, ImportOptions)> {
    let (mut p, o): (ImportPreview, ImportOptions) = serde_json::from_str(&b.summary_json)
        .map_err(|e| AppError::Internal(format!("batch {}: {e}", b.id)))?;
    p.batch_id = Some(b.id);
    p.status = b.status.clone();
    Ok((p, o))
}

/// A batch's kept file read again, with the kind and options it was validated with.
async fn reparse(
    app: &App,
    b: &import_batch::Model,
) -> AppResult<(TableKind, ImportOptions, Parsed)> {
    let kind = TableKind::parse(&b.kind).ok_or(AppError::NotFound)?;
    let (_, opts) = stored(b)?;
    let bytes = b
        .file_bytes
        .clone()
        .ok_or(AppError::Conflict("error.import.file_gone".into()))?;
    let (parsed, _) = parse_blocking(
        kind,
        b.file_name.clone(),
        bytes,
        opts.clone(),
        app.config.import_limits(),
    )
    .await?;
    Ok((kind, opts, parsed))
}

/// The preview of a batch, as validation left it.
pub async fn preview(app: &App, ctx: &Ctx, batch_id: i64) -> AppResult<ImportPreview> {
    let b = own_batch(app.db.read(), ctx, batch_id).await?;
    Ok(stored(&b)?.0)
}

/// Commits a validated batch: the file is read again and checked against the registry as it
/// is now, inside one transaction; any error aborts the whole import.
pub async fn commit(app: &App, ctx: &Ctx, batch_id: i64) -> AppResult<CommitReport> {
    let b = own_batch(app.db.read(), ctx, batch_id).await?;
    if b.status != "validated" {
        return Err(AppError::Conflict(match b.status.as_str() {
            "committed" => "error.import.already_committed".into(),
            "discarded" => "error.import.discarded".into(),
            _ => "error.import.has_errors".into(),
        }));
    }
    let (kind, opts, parsed) = reparse(app, &b).await?;
    let tx = app.db.begin_write().await?;
    // Re-check the status inside the write lock: two commits of one batch cannot both pass.
    let b = import_batch::Entity::find_by_id(batch_id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if b.status != "validated" {
        return Err(AppError::Conflict("error.import.already_committed".into()));
    }
    let plan = resolve(&tx, ctx, kind, &b.file_name, &parsed, &opts).await?;
    drop(parsed);
    if !plan.errors.is_empty() {
        return Err(AppError::Conflict("error.import.has_errors".into()));
    }
    let unchanged = plan.preview.unchanged;
    let (created, updated, events) = apply_plan(&tx, ctx, plan.ops).await?;
    let mut m = b.into_active_model();
    m.status = Set("committed".into());
    m.file_bytes = Set(None);
    m.committed_at = Set(Some(now()));
    m.update(&tx).await?;
    audit::record(&tx, &ctx.actor, &ctx.meta, Change {
        action: "commit",
        entity: "import_batch",
        entity_id: batch_id.to_string(),
        before: Some(json!({"status": "validated"})),
        after: Some(json!({"status": "committed", "created": created, "updated": updated, "unchanged": unchanged})),
    })
    .await?;
    tx.commit().await?;
    if created + updated >= BULK_ROWS {
        wujin_storage::dialect::refresh_statistics(app.db.write()).await?;
    }
    Ok(CommitReport {
        batch_id: Some(batch_id),
        created,
        updated,
        unchanged,
        audit_events: events + 1,
    })
}

/// Drops a batch that will not be committed (its file is deleted).
pub async fn discard(app: &App, ctx: &Ctx, batch_id: i64) -> AppResult<()> {
    let tx = app.db.begin_write().await?;
    let b = own_batch(&tx, ctx, batch_id).await?;
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

/// The caller's recent registry batches (every one for administrators), newest first.
pub async fn batches(app: &App, ctx: &Ctx, page: PageRequest) -> AppResult<Page<BatchView>> {
    if !ctx.actor.can(Permission::ManageEnterprises) && !ctx.actor.can(Permission::EditFigures) {
        return Err(AppError::Forbidden);
    }
    let db = app.db.read();
    // Registry tables only: the supervision office's decomposition imports are listed there.
    let kinds: Vec<&str> = TableKind::ALL.iter().map(|k| k.as_str()).collect();
    let mut q = import_batch::Entity::find().filter(import_batch::Column::Kind.is_in(kinds));
    if ctx.actor.role != Role::Admin {
        q = q.filter(import_batch::Column::CreatedBy.eq(ctx.actor.id));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(import_batch::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    let user_ids: Vec<i64> = rows.iter().filter_map(|b| b.created_by).collect();
    let names: std::collections::HashMap<i64, String> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let items = rows
        .into_iter()
        .map(|b| {
            let p = stored(&b).ok().map(|x| x.0);
            BatchView {
                id: b.id,
                kind: b.kind,
                file_name: b.file_name,
                status: b.status,
                year: b.year,
                rows: p.as_ref().map_or(0, |p| p.rows),
                new: p.as_ref().map_or(0, |p| p.new),
                changed: p.as_ref().map_or(0, |p| p.changed),
                errors: p.as_ref().map_or(0, |p| p.errors.len()),
                created_by_name: b.created_by.and_then(|u| names.get(&u).cloned()),
                created_at: b.created_at,
                committed_at: b.committed_at,
            }
        })
        .collect();
    Ok(Page {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// After an import of at least this many rows the planner's statistics are refreshed.
const BULK_ROWS: usize = 1_000;

/// A file to import from the command line.
pub struct FileRun<'a> {
    pub kind: TableKind,
    pub file_name: &'a str,
    pub bytes: Vec<u8>,
    pub opts: &'a ImportOptions,
    /// Validate only; write nothing.
    pub dry_run: bool,
}

/// Validates and (unless `dry_run` or anything is wrong) commits a file in one go, without an
/// import batch: the command line's import.
pub async fn run_file(
    app: &App,
    ctx: &Ctx,
    file: FileRun<'_>,
    progress: Progress<'_>,
) -> AppResult<(ImportPreview, Option<CommitReport>)> {
    let FileRun {
        kind,
        file_name,
        bytes,
        opts,
        dry_run,
    } = file;
    ctx.require(permission(kind))?;
    let file_name = clean_file_name(file_name);
    let parsed = parse(
        kind,
        &file_name,
        &bytes,
        opts,
        &app.config.import_limits(),
        progress,
    )?;
    drop(bytes);
    progress("resolve", 0, 1);
    if dry_run {
        let plan = resolve(app.db.read(), ctx, kind, &file_name, &parsed, opts).await?;
        progress("resolve", 1, 1);
        return Ok((plan.preview, None));
    }
    let tx = app.db.begin_write().await?;
    let plan = resolve(&tx, ctx, kind, &file_name, &parsed, opts).await?;
    drop(parsed);
    progress("resolve", 1, 1);
    if !plan.errors.is_empty() {
        return Ok((plan.preview, None));
    }
    let total = (plan.preview.new + plan.preview.changed) as u64;
    progress("write", 0, total);
    let unchanged = plan.preview.unchanged;
    let (created, updated, events) = apply_plan(&tx, ctx, plan.ops).await?;
    tx.commit().await?;
    if created + updated >= BULK_ROWS {
        wujin_storage::dialect::refresh_statistics(app.db.write()).await?;
    }
    progress("write", total, total);
    let mut preview = plan.preview;
    preview.status = "committed".into();
    Ok((
        preview,
        Some(CommitReport {
            batch_id: None,
            created,
            updated,
            unchanged,
            audit_events: events,
        }),
    ))
}
