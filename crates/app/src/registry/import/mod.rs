//! Importing spreadsheets into the registry (数据导入), in two phases: validate (nothing
//! written; the file is kept in an import batch and a preview lists new, changed and
//! unchanged rows field by field, and every error by cell) → commit (all or nothing, in one
//! transaction, every change audited).

mod apply;
mod enterprises;
mod figures;
mod lookup;
mod parcels;
mod types;

pub use apply::rederive_scales;
pub use types::*;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use wujin_domain::access::{Permission, Role};
use wujin_domain::enterprise::FigureSource;
use wujin_storage::entity::{app_user, department, import_batch};
use wujin_xlsx::write::TemplateChoices;
use wujin_xlsx::{CellError, Limits, MapOptions, MappedSheet, TableKind, Workbook};

use self::lookup::Lookup;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::page::{Page, PageRequest};
use crate::registry::scope::EnterpriseScope;
use crate::{App, now};

/// A progress report: (stage, done, total). Stages: `read`, `map`, `resolve`, `write`.
pub type Progress<'a> = &'a mut (dyn FnMut(&'static str, u64, u64) + Send);

fn permission(kind: TableKind) -> Permission {
    match kind {
        TableKind::Enterprises | TableKind::Parcels => Permission::ManageEnterprises,
        TableKind::Figures => Permission::EditFigures,
    }
}

/// The default source of figures loaded by this caller.
fn default_source(ctx: &Ctx, opts: &ImportOptions) -> FigureSource {
    opts.source.unwrap_or(match ctx.actor.role {
        Role::Town => FigureSource::Town,
        Role::Enterprise => FigureSource::SelfReported,
        _ => FigureSource::Statistics,
    })
}

/// A file read and mapped (CPU work, no database).
pub struct Parsed {
    pub workbook: Workbook,
    pub mapped: Result<MappedSheet, CellError>,
}

/// Reads and maps a file. A file that cannot be read at all is a validation error on
/// `file` naming the reason; problems inside the sheet are in `mapped`.
pub fn parse(
    kind: TableKind,
    file_name: &str,
    bytes: &[u8],
    opts: &ImportOptions,
    progress: Progress<'_>,
) -> AppResult<Parsed> {
    if opts.year.is_some_and(|y| !(1990..=2100).contains(&y)) {
        return Err(AppError::field("year", "error.figures.year_invalid"));
    }
    progress("read", 0, bytes.len() as u64);
    let workbook = wujin_xlsx::read_workbook(bytes, file_name, &Limits::default())
        .map_err(|e| AppError::Validation(vec![FieldError::with_detail("file", e.key(), e.detail())]))?;
    progress("read", bytes.len() as u64, bytes.len() as u64);
    let map_opts = MapOptions {
        year: if kind == TableKind::Figures { opts.year } else { None },
        sheet: opts.sheet.clone(),
    };
    let mapped = wujin_xlsx::map_sheet(&workbook, kind, &map_opts, &mut |d, t| {
        progress("map", d as u64, t as u64)
    });
    Ok(Parsed { workbook, mapped })
}

/// The planned writes of an import.
pub enum Ops {
    Enterprises(Vec<enterprises::EnterpriseOp>),
    Parcels(Vec<parcels::ParcelOp>),
    Figures(Vec<figures::FigureOp>),
    None,
}

/// Everything validation found: the preview and the writes a commit would make.
pub struct Plan {
    pub preview: ImportPreview,
    pub errors: Vec<CellError>,
    pub ops: Ops,
}

/// Resolves a parsed file against the database (read through `db`).
pub async fn resolve(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    kind: TableKind,
    file_name: &str,
    parsed: &Parsed,
    opts: &ImportOptions,
) -> AppResult<Plan> {
    let mut preview = ImportPreview {
        batch_id: None,
        kind: kind.as_str().to_string(),
        file_name: file_name.to_string(),
        status: "validated".into(),
        sheet: String::new(),
        header_row: 0,
        year: opts.year,
        rows: 0,
        new: 0,
        changed: 0,
        unchanged: 0,
        blank_rows: 0,
        errors: Vec::new(),
        changes: Vec::new(),
        changes_omitted: 0,
        unmatched_headers: Vec::new(),
        created_at: now(),
    };
    let m = match &parsed.mapped {
        Ok(m) => m,
        Err(e) => {
            preview.status = "failed".into();
            preview.sheet = e.sheet.clone();
            preview.errors = vec![ImportError::from(e)];
            return Ok(Plan {
                preview,
                errors: vec![e.clone()],
                ops: Ops::None,
            });
        }
    };
    preview.sheet = m.sheet.clone();
    preview.header_row = m.header_row;
    preview.blank_rows = m.blank_rows;
    preview.unmatched_headers = m.unmatched_headers.clone();
    preview.rows = m.rows.len() + count_error_rows(&m.errors);
    let scope = EnterpriseScope::of(db, ctx).await?;
    let mut errors = m.errors.clone();
    let (ops, changes, unchanged) = match kind {
        TableKind::Enterprises => {
            let l = Lookup::load(db).await?;
            let (ops, c, u) = enterprises::plan(db, &scope, &l, m, &mut errors).await?;
            (Ops::Enterprises(ops), c, u)
        }
        TableKind::Parcels => {
            let (ops, c, u) = parcels::plan(db, &scope, m, &mut errors).await?;
            (Ops::Parcels(ops), c, u)
        }
        TableKind::Figures => {
            let (ops, c, u) =
                figures::plan(db, &scope, m, opts.year, default_source(ctx, opts), &mut errors).await?;
            (Ops::Figures(ops), c, u)
        }
    };
    errors.sort_by_key(|e| (e.row, e.col));
    preview.new = changes.iter().filter(|c| c.status == "new").count();
    preview.changed = changes.len() - preview.new;
    preview.unchanged = unchanged;
    preview.changes_omitted = changes.len().saturating_sub(MAX_CHANGES_SHOWN);
    preview.changes = changes.into_iter().take(MAX_CHANGES_SHOWN).collect();
    preview.errors = errors.iter().map(ImportError::from).collect();
    if !errors.is_empty() {
        preview.status = "failed".into();
    }
    Ok(Plan { preview, errors, ops })
}

fn count_error_rows(errors: &[CellError]) -> usize {
    let mut rows: Vec<u32> = errors.iter().filter(|e| e.row > 0).map(|e| e.row).collect();
    rows.sort_unstable();
    rows.dedup();
    rows.len()
}

/// Writes a plan without errors inside `tx`.
async fn apply_plan(tx: &sea_orm::DatabaseTransaction, ctx: &Ctx, ops: Ops) -> AppResult<apply::Applied> {
    match ops {
        Ops::Enterprises(o) => apply::enterprises(tx, ctx, o).await,
        Ops::Parcels(o) => apply::parcels(tx, ctx, o).await,
        Ops::Figures(o) => apply::figures(tx, ctx, o).await,
        Ops::None => Ok((0, 0, 0)),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// File names are kept for display only; control characters and paths are dropped.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let s: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if s.trim().is_empty() { "upload".into() } else { s }
}

/// Parses on a blocking thread so a large file does not stall other requests.
async fn parse_blocking(kind: TableKind, file_name: String, bytes: Vec<u8>, opts: ImportOptions) -> AppResult<(Parsed, Vec<u8>)> {
    tokio::task::spawn_blocking(move || {
        let parsed = parse(kind, &file_name, &bytes, &opts, &mut |_, _, _| {})?;
        Ok((parsed, bytes))
    })
    .await
    .map_err(|e| AppError::Internal(format!("import parser stopped: {e}")))?
}

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
    let (parsed, bytes) = parse_blocking(kind, file_name.clone(), bytes, opts.clone()).await?;
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
    let summary = serde_json::to_string(&(&preview, opts)).map_err(|e| AppError::Internal(e.to_string()))?;
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
async fn own_batch(db: &impl ConnectionTrait, ctx: &Ctx, id: i64) -> AppResult<import_batch::Model> {
    let b = import_batch::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    let kind = TableKind::parse(&b.kind).ok_or(AppError::NotFound)?;
    ctx.require(permission(kind))?;
    if ctx.actor.role != Role::Admin && b.created_by != ctx.actor.id {
        return Err(AppError::NotFound);
    }
    Ok(b)
}

fn stored(b: &import_batch::Model) -> AppResult<(ImportPreview, ImportOptions)> {
    let (mut p, o): (ImportPreview, ImportOptions) =
        serde_json::from_str(&b.summary_json).map_err(|e| AppError::Internal(format!("batch {}: {e}", b.id)))?;
    p.batch_id = Some(b.id);
    p.status = b.status.clone();
    Ok((p, o))
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
    let kind = TableKind::parse(&b.kind).ok_or(AppError::NotFound)?;
    let (_, opts) = stored(&b)?;
    let bytes = b.file_bytes.clone().ok_or(AppError::Conflict("error.import.file_gone".into()))?;
    let (parsed, _) = parse_blocking(kind, b.file_name.clone(), bytes, opts.clone()).await?;
    let tx = app.db.begin_write().await?;
    // Re-check the status inside the write lock: two commits of one batch cannot both pass.
    let b = import_batch::Entity::find_by_id(batch_id).one(&tx).await?.ok_or(AppError::NotFound)?;
    if b.status != "validated" {
        return Err(AppError::Conflict("error.import.already_committed".into()));
    }
    let plan = resolve(&tx, ctx, kind, &b.file_name, &parsed, &opts).await?;
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
    audit::record(&tx, &ctx.actor, &ctx.meta, Change {
        action: "discard",
        entity: "import_batch",
        entity_id: batch_id.to_string(),
        before: Some(json!({"status": old})),
        after: Some(json!({"status": "discarded"})),
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The uploaded workbook back, with an error column and the bad cells highlighted.
/// `translate` turns a catalogue key into the caller's language.
pub async fn error_workbook(
    app: &App,
    ctx: &Ctx,
    batch_id: i64,
    translate: &(dyn Fn(&str) -> String + Sync),
) -> AppResult<(String, Vec<u8>)> {
    let b = own_batch(app.db.read(), ctx, batch_id).await?;
    let kind = TableKind::parse(&b.kind).ok_or(AppError::NotFound)?;
    let (_, opts) = stored(&b)?;
    let bytes = b.file_bytes.clone().ok_or(AppError::Conflict("error.import.file_gone".into()))?;
    let (parsed, _) = parse_blocking(kind, b.file_name.clone(), bytes, opts.clone()).await?;
    let plan = resolve(app.db.read(), ctx, kind, &b.file_name, &parsed, &opts).await?;
    let errors: Vec<(CellError, String)> = plan
        .errors
        .into_iter()
        .map(|e| {
            let msg = if e.detail.is_empty() {
                translate(e.key)
            } else {
                format!("{}（{}）", translate(e.key), e.detail)
            };
            (e, msg)
        })
        .collect();
    let (sheet, header_row) = match &parsed.mapped {
        Ok(m) => (m.sheet.clone(), m.header_row),
        Err(e) => (e.sheet.clone(), e.row),
    };
    let out = wujin_xlsx::write::error_workbook(&parsed.workbook, &sheet, header_row, &errors)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let stem = b.file_name.rsplit_once('.').map_or(b.file_name.as_str(), |(s, _)| s);
    Ok((format!("{stem}-错误.xlsx"), out))
}

/// A blank template for `kind` with dropdowns of the caller's towns, groups and tags.
pub async fn template(app: &App, ctx: &Ctx, kind: TableKind, year: Option<i32>) -> AppResult<Vec<u8>> {
    ctx.require(crate::registry::view_permission())?;
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let l = Lookup::load(db).await?;
    let mut towns: Vec<(i64, String)> = l
        .towns
        .names
        .iter()
        .filter(|(id, _)| scope.covers_town(**id) || !matches!(scope, EnterpriseScope::Towns(_)))
        .map(|(id, n)| (*id, n.clone()))
        .collect();
    let order: std::collections::HashMap<i64, i32> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.sort_order))
        .collect();
    towns.sort_by_key(|(id, _)| (order.get(id).copied().unwrap_or(0), *id));
    let groups = crate::registry::dictionaries::entries(db, crate::registry::dictionaries::Dictionary::IndustryGroup)
        .await?
        .into_iter()
        .filter(|e| e.active)
        .map(|e| e.name)
        .collect();
    let tags = crate::registry::dictionaries::entries(db, crate::registry::dictionaries::Dictionary::Tag)
        .await?
        .into_iter()
        .filter(|e| e.active)
        .map(|e| e.name)
        .collect();
    let choices = TemplateChoices {
        towns: towns.into_iter().map(|(_, n)| n).collect(),
        industry_groups: groups,
        tags,
    };
    wujin_xlsx::write::template(kind, &choices, year).map_err(|e| AppError::Internal(e.to_string()))
}

/// The caller's recent batches (every batch for administrators), newest first.
pub async fn batches(app: &App, ctx: &Ctx, page: PageRequest) -> AppResult<Page<BatchView>> {
    if !ctx.actor.can(Permission::ManageEnterprises) && !ctx.actor.can(Permission::EditFigures) {
        return Err(AppError::Forbidden);
    }
    let db = app.db.read();
    let mut q = import_batch::Entity::find();
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

/// Validates and (unless `dry_run` or anything is wrong) commits a file in one go, without an
/// import batch: the command line's import.
pub async fn run_file(
    app: &App,
    ctx: &Ctx,
    kind: TableKind,
    file_name: &str,
    bytes: Vec<u8>,
    opts: &ImportOptions,
    dry_run: bool,
    progress: Progress<'_>,
) -> AppResult<(ImportPreview, Option<CommitReport>)> {
    ctx.require(permission(kind))?;
    let file_name = clean_file_name(file_name);
    let parsed = parse(kind, &file_name, &bytes, opts, progress)?;
    drop(bytes);
    progress("resolve", 0, 1);
    if dry_run {
        let plan = resolve(app.db.read(), ctx, kind, &file_name, &parsed, opts).await?;
        progress("resolve", 1, 1);
        return Ok((plan.preview, None));
    }
    let tx = app.db.begin_write().await?;
    let plan = resolve(&tx, ctx, kind, &file_name, &parsed, opts).await?;
    progress("resolve", 1, 1);
    if !plan.errors.is_empty() {
        return Ok((plan.preview, None));
    }
    let total = (plan.preview.new + plan.preview.changed) as u64;
    progress("write", 0, total);
    let unchanged = plan.preview.unchanged;
    let (created, updated, events) = apply_plan(&tx, ctx, plan.ops).await?;
    tx.commit().await?;
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
