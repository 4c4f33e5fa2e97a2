//! The import pipeline: read and map the file (CPU only), then resolve every row against the
//! registry into a plan — the preview and the writes a commit would make.

use sha2::{Digest, Sha256};
use wujin_domain::access::{Permission, Role};
use wujin_domain::enterprise::FigureSource;
use wujin_xlsx::{CellError, Limits, MapOptions, MappedSheet, TableKind, Workbook};

use sea_orm::ConnectionTrait;

use super::lookup::Lookup;
use super::types::{ImportError, ImportOptions, ImportPreview};
use super::{apply, enterprises, figures, parcels};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::now;
use crate::registry::scope::EnterpriseScope;

/// A progress report: (stage, done, total). Stages: `read`, `map`, `resolve`, `write`.
pub type Progress<'a> = &'a mut (dyn FnMut(&'static str, u64, u64) + Send);

pub(super) fn permission(kind: TableKind) -> Permission {
    match kind {
        TableKind::Enterprises | TableKind::Parcels => Permission::ManageEnterprises,
        TableKind::Figures => Permission::EditFigures,
    }
}

/// The default source of figures loaded by this caller.
pub(super) fn default_source(ctx: &Ctx, opts: &ImportOptions) -> FigureSource {
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
    limits: &Limits,
    progress: Progress<'_>,
) -> AppResult<Parsed> {
    if opts.year.is_some_and(|y| !(1990..=2100).contains(&y)) {
        return Err(AppError::field("year", "error.figures.year_invalid"));
    }
    progress("read", 0, bytes.len() as u64);
    let workbook = wujin_xlsx::read_workbook(bytes, file_name, limits).map_err(|e| {
        AppError::Validation(vec![FieldError::with_detail("file", e.key(), e.detail())])
    })?;
    progress("read", bytes.len() as u64, bytes.len() as u64);
    let map_opts = MapOptions {
        year: if kind == TableKind::Figures {
            opts.year
        } else {
            None
        },
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
            let (ops, c, u) = figures::plan(
                db,
                &scope,
                m,
                opts.year,
                default_source(ctx, opts),
                &mut errors,
            )
            .await?;
            (Ops::Figures(ops), c, u)
        }
    };
    errors.sort_by_key(|e| (e.row, e.col));
    preview.new = changes.new;
    preview.changed = changes.changed;
    preview.unchanged = unchanged;
    preview.changes_omitted = changes.omitted();
    preview.changes = changes.shown;
    preview.errors = errors.iter().map(ImportError::from).collect();
    if !errors.is_empty() {
        preview.status = "failed".into();
    }
    Ok(Plan {
        preview,
        errors,
        ops,
    })
}

pub(super) fn count_error_rows(errors: &[CellError]) -> usize {
    let mut rows: Vec<u32> = errors.iter().filter(|e| e.row > 0).map(|e| e.row).collect();
    rows.sort_unstable();
    rows.dedup();
    rows.len()
}

/// Writes a plan without errors inside `tx`.
pub(super) async fn apply_plan(
    tx: &sea_orm::DatabaseTransaction,
    ctx: &Ctx,
    ops: Ops,
) -> AppResult<apply::Applied> {
    match ops {
        Ops::Enterprises(o) => apply::enterprises(tx, ctx, o).await,
        Ops::Parcels(o) => apply::parcels(tx, ctx, o).await,
        Ops::Figures(o) => apply::figures(tx, ctx, o).await,
        Ops::None => Ok((0, 0, 0)),
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// File names are kept for display only; control characters and paths are dropped.
pub(crate) fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let s: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if s.trim().is_empty() {
        "upload".into()
    } else {
        s
    }
}

/// Parses on a blocking thread so a large file does not stall other requests.
pub(super) async fn parse_blocking(
    kind: TableKind,
    file_name: String,
    bytes: Vec<u8>,
    opts: ImportOptions,
    limits: Limits,
) -> AppResult<(Parsed, Vec<u8>)> {
    tokio::task::spawn_blocking(move || {
        let parsed = parse(kind, &file_name, &bytes, &opts, &limits, &mut |_, _, _| {})?;
        Ok((parsed, bytes))
    })
    .await
    .map_err(|e| AppError::Internal(format!("import parser stopped: {e}")))?
}
