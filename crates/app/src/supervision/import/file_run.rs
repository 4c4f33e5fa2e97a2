//! The command line's import: a file validated and, unless it is a dry run, written in one
//! go without an import batch, the unknown names mapped by the names of what they mean.

use sea_orm::ConnectionTrait;
use wujin_domain::supervision::units::normalise_name;

use super::resolve::{Known, Overrides, resolve};
use super::types::{NameKind, NameMapping, TaskImportOutcome, TaskImportPreview};
use super::{clean_file_name, existing_tasks, parse_blocking, plan_of, write};
use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::supervision::require_office;

/// A file to import from the command line.
pub struct FileRun<'a> {
    pub plan_id: i64,
    pub file_name: &'a str,
    pub bytes: Vec<u8>,
    /// Mappings typed as (unknown name, name or code of the unit or leader it means).
    pub map: &'a [(String, String)],
    /// Create a unit for every unknown unit name not mapped.
    pub create_units: bool,
    /// Validate only; write nothing.
    pub dry_run: bool,
}

/// Validates and (unless `dry_run`) commits a file in one go, without an import batch: the
/// command line's import. Returns the preview and, when written, the outcome; a refused
/// commit (names left unmapped, a mapping to nothing) is the `Err`.
pub async fn run_file(
    app: &App,
    ctx: &Ctx,
    file: FileRun<'_>,
) -> AppResult<(TaskImportPreview, Option<TaskImportOutcome>)> {
    require_office(app, ctx).await?;
    let plan = plan_of(app.db.read(), file.plan_id).await?;
    let file_name = clean_file_name(file.file_name);
    let (parsed, _) =
        parse_blocking(file_name.clone(), file.bytes, app.config.import_limits()).await?;
    let known = Known::load(app.db.read()).await?;
    let mut preview = resolve(&parsed.sheet, &plan, &known, &Overrides::new()).preview;
    preview.file_name = file_name;
    preview.existing_tasks = existing_tasks(app.db.read(), plan.id).await?;
    if file.dry_run || !preview.errors.is_empty() {
        return Ok((preview, None));
    }
    let tx = app.db.begin_write().await?;
    let mappings = mappings_by_name(&tx, &preview, file.map, file.create_units).await?;
    let outcome = write::write(&tx, ctx, &plan, &parsed.sheet, &mappings).await?;
    tx.commit().await?;
    preview.status = "committed".into();
    Ok((preview, Some(outcome)))
}

/// Mappings from (unknown name, name of the unit or leader it means) pairs, plus a new unit
/// for every other unknown unit name when `create_units`. A pair whose target matches no
/// unit or leader is a validation error naming it.
async fn mappings_by_name(
    db: &impl ConnectionTrait,
    preview: &TaskImportPreview,
    map: &[(String, String)],
    create_units: bool,
) -> AppResult<Vec<NameMapping>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (name, target) in map {
        let kind = preview
            .unknown
            .iter()
            .find(|u| normalise_name(&u.name) == normalise_name(name))
            .map_or(NameKind::Unit, |u| u.kind);
        match write::find_target(db, kind, target).await? {
            Some(id) => out.push(match kind {
                NameKind::Unit => NameMapping::MapUnit {
                    name: name.clone(),
                    department_id: id,
                },
                NameKind::Leader => NameMapping::MapLeader {
                    name: name.clone(),
                    user_id: id,
                },
            }),
            None => errors.push(FieldError::with_detail(
                "map",
                match kind {
                    NameKind::Unit => "error.task_import.mapping_unit_invalid",
                    NameKind::Leader => "error.task_import.mapping_leader_invalid",
                },
                format!("{name}={target}"),
            )),
        }
    }
    if create_units {
        for u in preview.unknown_of(NameKind::Unit) {
            if !out
                .iter()
                .any(|m| normalise_name(m.name()) == normalise_name(&u.name))
            {
                out.push(NameMapping::CreateUnit {
                    name: u.name.clone(),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Validation(errors))
    }
}
