//! Writing a resolved table: the user's mappings checked against the unknown names, new units
//! created, then every area, task and sub-task inserted in sheet order — all inside the
//! caller's transaction, each write audited.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use wujin_domain::access::Role;
use wujin_domain::org::DepartmentKind;
use wujin_domain::supervision::units::normalise_name;
use wujin_storage::entity::{app_user, department, supervision_plan};
use wujin_xlsx::decomposition::DecompositionSheet;

use super::resolve::{Known, Overrides, resolve};
use super::types::{NameChoice, NameKind, NameMapping, TaskImportOutcome};
use crate::context::Ctx;
use crate::departments::{self, DepartmentInput};
use crate::error::{AppError, AppResult, FieldError};
use crate::supervision::targets::TargetInput;
use crate::supervision::tasks::{self, NewTask};

/// Longest name a created unit may have (as the departments form allows).
const MAX_UNIT_NAME_CHARS: usize = 64;

/// Checks `mappings` against the names `unknown` lists: each must name an unknown name of
/// its kind once, point at an active unit or leader, and every unknown name must be mapped.
/// Returns the overrides for existing targets and the names of units to create.
async fn check_mappings(
    tx: &DatabaseTransaction,
    unknown: &[(NameKind, String)],
    mappings: &[NameMapping],
) -> AppResult<(Overrides, Vec<String>)> {
    let mut errors = Vec::new();
    let mut overrides = Overrides::new();
    let mut create = Vec::new();
    let mut seen: Vec<(NameKind, String)> = Vec::new();
    for m in mappings {
        let key = (m.kind(), normalise_name(m.name()));
        if !unknown
            .iter()
            .any(|(k, n)| *k == key.0 && normalise_name(n) == key.1)
        {
            errors.push(FieldError::with_detail(
                "mappings",
                "error.task_import.mapping_unused",
                m.name(),
            ));
            continue;
        }
        if seen.contains(&key) {
            errors.push(FieldError::with_detail(
                "mappings",
                "error.task_import.mapping_twice",
                m.name(),
            ));
            continue;
        }
        seen.push(key.clone());
        match m {
            NameMapping::MapUnit { department_id, .. } => {
                let ok = department::Entity::find_by_id(*department_id)
                    .one(tx)
                    .await?
                    .is_some_and(|d| d.active);
                if ok {
                    overrides.insert(key, *department_id);
                } else {
                    errors.push(FieldError::with_detail(
                        "mappings",
                        "error.task_import.mapping_unit_invalid",
                        m.name(),
                    ));
                }
            }
            NameMapping::MapLeader { user_id, .. } => {
                let ok = app_user::Entity::find_by_id(*user_id)
                    .one(tx)
                    .await?
                    .is_some_and(|u| u.active && u.role == Role::Leader.as_str());
                if ok {
                    overrides.insert(key, *user_id);
                } else {
                    errors.push(FieldError::with_detail(
                        "mappings",
                        "error.task_import.mapping_leader_invalid",
                        m.name(),
                    ));
                }
            }
            NameMapping::CreateUnit { name } => {
                let n = name.trim().chars().count();
                if n == 0 || n > MAX_UNIT_NAME_CHARS {
                    errors.push(FieldError::with_detail(
                        "mappings",
                        "error.task_import.unit_name_invalid",
                        name.as_str(),
                    ));
                } else {
                    create.push(name.trim().to_string());
                }
            }
        }
    }
    for (kind, name) in unknown {
        if !seen.contains(&(*kind, normalise_name(name))) {
            errors.push(FieldError::with_detail(
                "mappings",
                match kind {
                    NameKind::Unit => "error.task_import.unit_unmapped",
                    NameKind::Leader => "error.task_import.leader_unmapped",
                },
                name.as_str(),
            ));
        }
    }
    if errors.is_empty() {
        Ok((overrides, create))
    } else {
        Err(AppError::Validation(errors))
    }
}

/// A code for a unit created from an import: `unit-1`, `unit-2` … the first one free.
fn free_code(taken: &[String]) -> String {
    (1..)
        .map(|n| format!("unit-{n}"))
        .find(|c| !taken.contains(c))
        .unwrap_or_else(|| "unit-x".into())
}

/// Creates the units named `names` under the city, audited; returns them.
async fn create_units(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    names: Vec<String>,
) -> AppResult<Vec<NameChoice>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let all = departments::all(tx).await?;
    let city = all
        .iter()
        .find(|d| d.parent_id.is_none() && d.kind == DepartmentKind::City.as_str())
        .map(|d| d.id)
        .ok_or_else(|| AppError::Internal("no city unit to create units under".into()))?;
    let mut codes: Vec<String> = all.into_iter().map(|d| d.code).collect();
    let mut out = Vec::new();
    for name in names {
        let code = free_code(&codes);
        codes.push(code.clone());
        let d = departments::insert(
            tx,
            ctx,
            &DepartmentInput {
                parent_id: Some(city),
                kind: DepartmentKind::Department.as_str().into(),
                code,
                name: name.clone(),
                short_name: None,
                sort_order: None,
                webhook_url: None,
                ..Default::default()
            },
        )
        .await?;
        out.push(NameChoice {
            id: d.id,
            name: d.name,
        });
    }
    Ok(out)
}

/// Writes `sheet` into `plan` inside `tx`: checks the mappings, creates the units, then
/// inserts every row (each audited). Refuses — writing nothing the caller commits — while
/// the table has errors (`Conflict`) or a name stays unmapped (`Validation`).
pub(super) async fn write(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    plan: &supervision_plan::Model,
    sheet: &DecompositionSheet,
    mappings: &[NameMapping],
) -> AppResult<TaskImportOutcome> {
    let known = Known::load(tx).await?;
    let first = resolve(sheet, plan, &known, &Overrides::new());
    if !first.errors.is_empty() {
        return Err(AppError::Conflict("error.import.has_errors".into()));
    }
    let unknown: Vec<(NameKind, String)> = first
        .preview
        .unknown
        .iter()
        .map(|u| (u.kind, u.name.clone()))
        .collect();
    let (mut overrides, create) = check_mappings(tx, &unknown, mappings).await?;
    let units_created = create_units(tx, ctx, create).await?;
    for u in &units_created {
        overrides.insert((NameKind::Unit, normalise_name(&u.name)), u.id);
    }
    let known = if units_created.is_empty() {
        known
    } else {
        Known::load(tx).await?
    };
    let resolved = resolve(sheet, plan, &known, &overrides);
    if !resolved.preview.unknown.is_empty() || !resolved.errors.is_empty() {
        return Err(AppError::Internal(
            "names left unresolved after mapping".into(),
        ));
    }
    let mut ids: HashMap<usize, i64> = HashMap::new();
    for (i, (r, p)) in sheet.rows.iter().zip(&resolved.preview.rows).enumerate() {
        let target = p.metric.as_ref().map(|m| TargetInput {
            metric: Some(m.clone()),
            baseline: None,
            target: p.target_value,
            target_unit: p.target_unit.clone(),
            tags: Vec::new(),
        });
        let mut co: Vec<i64> = p.lead_units.iter().skip(1).filter_map(|u| u.id).collect();
        co.extend(p.co_units.iter().filter_map(|u| u.id));
        let input = NewTask {
            plan_id: plan.id,
            parent_id: r.parent.and_then(|p| ids.get(&p).copied()),
            serial: r.serial.clone(),
            content: p.content.clone(),
            lead_leader_id: p.leader.as_ref().and_then(|l| l.id),
            lead_unit_id: p.lead_units.first().and_then(|u| u.id),
            co_unit_ids: co,
            deadline_text: r.deadline.clone(),
            start_on: None,
        };
        let view = tasks::insert(tx, ctx, plan, input, i32::from(r.level), target)
            .await
            .map_err(|e| at_row(e, r.row))?;
        ids.insert(i, view.id);
    }
    let count = |level: u8| sheet.rows.iter().filter(|r| r.level == level).count();
    Ok(TaskImportOutcome {
        batch_id: None,
        plan_id: plan.id,
        areas: count(0),
        tasks: count(1),
        sub_tasks: count(2),
        audit_events: units_created.len() + sheet.rows.len(),
        units_created,
    })
}

/// A task refused while writing row `row`: its field errors name the row.
fn at_row(e: AppError, row: u32) -> AppError {
    match e {
        AppError::Validation(fields) => AppError::Validation(
            fields
                .into_iter()
                .map(|f| {
                    let detail = match f.detail {
                        Some(d) => format!("{row}: {d}"),
                        None => row.to_string(),
                    };
                    FieldError::with_detail(&f.field, &f.key, detail)
                })
                .collect(),
        ),
        other => other,
    }
}

/// The leader whose display name or username is `text`, or the unit whose name, short name or
/// code is `text` (for mappings typed by name, as on the command line).
pub(super) async fn find_target(
    tx: &impl sea_orm::ConnectionTrait,
    kind: NameKind,
    text: &str,
) -> AppResult<Option<i64>> {
    let key = normalise_name(text);
    Ok(match kind {
        NameKind::Unit => department::Entity::find()
            .filter(department::Column::Active.eq(true))
            .all(tx)
            .await?
            .into_iter()
            .find(|d| {
                normalise_name(&d.name) == key
                    || d.short_name
                        .as_deref()
                        .is_some_and(|s| normalise_name(s) == key)
                    || d.code == text.trim()
            })
            .map(|d| d.id),
        NameKind::Leader => app_user::Entity::find()
            .filter(app_user::Column::Active.eq(true))
            .filter(app_user::Column::Role.eq(Role::Leader.as_str()))
            .all(tx)
            .await?
            .into_iter()
            .find(|u| normalise_name(&u.display_name) == key || u.username == text.trim())
            .map(|u| u.id),
    })
}
