//! The departments tree (组织架构): browsing for everyone who works with units, editing for
//! administrators.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wujin_domain::access::Permission;
use wujin_domain::org::{DepartmentKind, DepartmentNode, subtree_ids, would_create_cycle};
use wujin_storage::entity::{app_user, department};

use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

/// Every unit, in storage order.
pub async fn all(db: &impl ConnectionTrait) -> AppResult<Vec<department::Model>> {
    Ok(department::Entity::find()
        .order_by_asc(department::Column::SortOrder)
        .order_by_asc(department::Column::Id)
        .all(db)
        .await?)
}

fn nodes(units: &[department::Model]) -> Vec<DepartmentNode> {
    units
        .iter()
        .map(|d| DepartmentNode {
            id: d.id,
            parent_id: d.parent_id,
            kind: DepartmentKind::parse(&d.kind).unwrap_or(DepartmentKind::Department),
        })
        .collect()
}

/// Ids of `root` and every unit below it.
pub async fn subtree(db: &impl ConnectionTrait, root: i64) -> AppResult<Vec<i64>> {
    Ok(subtree_ids(&nodes(&all(db).await?), root))
}

/// Whether the caller is department staff of the unit with code `code` (an office named in
/// the configuration: the evaluation office, the supervision office).
pub async fn is_staff_of(app: &App, ctx: &Ctx, code: &str) -> AppResult<bool> {
    if ctx.actor.role != wujin_domain::access::Role::Department {
        return Ok(false);
    }
    let Some(unit) = ctx.actor.department_id else {
        return Ok(false);
    };
    Ok(department::Entity::find_by_id(unit)
        .one(app.db.read())
        .await?
        .is_some_and(|d| d.code == code))
}

/// The units the caller's data scope covers: `None` means every unit.
pub async fn scope_units(app: &App, ctx: &Ctx) -> AppResult<Option<Vec<i64>>> {
    match ctx.actor.scope() {
        wujin_domain::access::DataScope::All => Ok(None),
        s => match s.unit_root() {
            Some(root) => Ok(Some(subtree(app.db.read(), root).await?)),
            None => Ok(Some(Vec::new())),
        },
    }
}

/// A unit as lists and forms show it.
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub parent_name: Option<String>,
    pub kind: String,
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub sort_order: i32,
    pub active: bool,
    /// Depth in the tree (0 for the root), for indentation.
    pub depth: usize,
    pub user_count: u64,
}

/// Filters of the departments page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DepartmentFilter {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub active: Option<bool>,
}

/// The tree in display order (parents before children, siblings by sort order), filtered.
pub async fn list(app: &App, ctx: &Ctx, f: &DepartmentFilter) -> AppResult<Vec<DepartmentView>> {
    ctx.require(Permission::ViewDepartments)?;
    list_units(app, f, true).await
}

/// The tree for a dropdown: like [`list`] but without counting users (`user_count` is 0).
/// The caller has already checked that the dropdown may be shown.
pub async fn list_for_choice(app: &App, f: &DepartmentFilter) -> AppResult<Vec<DepartmentView>> {
    list_units(app, f, false).await
}

async fn list_units(
    app: &App,
    f: &DepartmentFilter,
    with_counts: bool,
) -> AppResult<Vec<DepartmentView>> {
    let units = all(app.db.read()).await?;
    let counts: Vec<(Option<i64>, i64)> = if with_counts {
        use sea_orm::QuerySelect;
        app_user::Entity::find()
            .select_only()
            .column(app_user::Column::DepartmentId)
            .column_as(app_user::Column::Id.count(), "n")
            .filter(app_user::Column::Active.eq(true))
            .group_by(app_user::Column::DepartmentId)
            .into_tuple()
            .all(app.db.read())
            .await?
    } else {
        Vec::new()
    };
    let mut out = Vec::with_capacity(units.len());
    // Depth-first walk from the roots, children in sort order.
    fn walk(
        units: &[department::Model],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<(usize, department::Model)>,
        seen: &mut Vec<i64>,
    ) {
        for u in units.iter().filter(|u| u.parent_id == parent) {
            if seen.contains(&u.id) {
                continue;
            }
            seen.push(u.id);
            out.push((depth, u.clone()));
            walk(units, Some(u.id), depth + 1, out, seen);
        }
    }
    let mut ordered = Vec::new();
    walk(&units, None, 0, &mut ordered, &mut Vec::new());
    let q =
        f.q.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase);
    for (depth, u) in ordered {
        if let Some(q) = &q {
            let hit = u.name.to_lowercase().contains(q)
                || u.code.to_lowercase().contains(q)
                || u.short_name
                    .as_deref()
                    .is_some_and(|s| s.to_lowercase().contains(q));
            if !hit {
                continue;
            }
        }
        if f.kind
            .as_deref()
            .is_some_and(|k| !k.is_empty() && k != u.kind)
        {
            continue;
        }
        if f.active.is_some_and(|a| a != u.active) {
            continue;
        }
        let parent_name = u
            .parent_id
            .and_then(|p| units.iter().find(|x| x.id == p))
            .map(|p| p.name.clone());
        let user_count = counts
            .iter()
            .find(|(d, _)| *d == Some(u.id))
            .map(|(_, n)| *n as u64)
            .unwrap_or(0);
        out.push(DepartmentView {
            id: u.id,
            parent_id: u.parent_id,
            parent_name,
            kind: u.kind,
            code: u.code,
            name: u.name,
            short_name: u.short_name,
            sort_order: u.sort_order,
            active: u.active,
            depth,
            user_count,
        });
    }
    Ok(out)
}

pub async fn get(app: &App, ctx: &Ctx, id: i64) -> AppResult<department::Model> {
    ctx.require(Permission::ViewDepartments)?;
    department::Entity::find_by_id(id)
        .one(app.db.read())
        .await?
        .ok_or(AppError::NotFound)
}

/// Input of the create and edit forms.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct DepartmentInput {
    pub parent_id: Option<i64>,
    pub kind: String,
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub sort_order: Option<i32>,
    /// Outgoing webhook for the unit's reminders (`http://…`); empty for none.
    #[serde(default)]
    pub webhook_url: Option<String>,
    /// 负责人: an active user of this unit, told when the unit's service cases run late.
    #[serde(default)]
    pub head_user_id: Option<i64>,
    /// 分管领导: an active leader, told when the unit's service cases run later still.
    #[serde(default)]
    pub leader_user_id: Option<i64>,
}

fn snapshot(d: &department::Model) -> serde_json::Value {
    json!({
        "parent_id": d.parent_id,
        "kind": d.kind,
        "code": d.code,
        "name": d.name,
        "short_name": d.short_name,
        "sort_order": d.sort_order,
        "webhook_url": d.webhook_url,
        "head_user_id": d.head_user_id,
        "leader_user_id": d.leader_user_id,
        "active": d.active,
    })
}

async fn validate(
    db: &impl ConnectionTrait,
    input: &DepartmentInput,
    editing: Option<i64>,
) -> AppResult<Valid> {
    let mut errors = Vec::new();
    let code = input.code.trim().to_lowercase();
    let name = input.name.trim().to_string();
    let short_name = input
        .short_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let webhook_url = input
        .webhook_url
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if let Some(Err(key)) = webhook_url
        .as_deref()
        .map(crate::supervision::webhook::check_url)
    {
        errors.push(FieldError::new("webhook_url", key));
    }
    let kind = DepartmentKind::parse(input.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("kind", "error.department.kind_invalid"));
    }
    if code.len() < 2
        || code.len() > 32
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        errors.push(FieldError::new("code", "error.department.code_invalid"));
    }
    if name.is_empty() || name.chars().count() > 64 {
        errors.push(FieldError::new("name", "error.department.name_invalid"));
    }
    let units = all(db).await?;
    if units
        .iter()
        .any(|u| u.code == code && Some(u.id) != editing)
    {
        errors.push(FieldError::new("code", "error.department.code_taken"));
    }
    match (kind, input.parent_id) {
        (Some(DepartmentKind::City), Some(_)) => errors.push(FieldError::new(
            "parent_id",
            "error.department.city_is_root",
        )),
        (Some(k), None) if k != DepartmentKind::City => errors.push(FieldError::new(
            "parent_id",
            "error.department.parent_required",
        )),
        (_, Some(p)) => match units.iter().find(|u| u.id == p) {
            None => errors.push(FieldError::new(
                "parent_id",
                "error.department.parent_missing",
            )),
            Some(_) => {
                if let Some(id) = editing
                    && would_create_cycle(&nodes(&units), id, p)
                {
                    errors.push(FieldError::new("parent_id", "error.department.cycle"));
                }
            }
        },
        _ => {}
    }
    check_escalation(db, input, editing, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(Valid {
        kind: kind.unwrap_or(DepartmentKind::Department),
        code,
        name,
        short_name,
        webhook_url,
    })
}

/// The head (负责人) must be an active user of the unit itself — so a unit being created has
/// none yet — and the leader in charge (分管领导) an active user with the role leader.
async fn check_escalation(
    db: &impl ConnectionTrait,
    input: &DepartmentInput,
    editing: Option<i64>,
    errors: &mut Vec<FieldError>,
) -> AppResult<()> {
    let active_user = |id: i64| {
        app_user::Entity::find_by_id(id)
            .filter(app_user::Column::Active.eq(true))
            .one(db)
    };
    if let Some(head) = input.head_user_id {
        let ok = match (editing, active_user(head).await?) {
            (Some(unit), Some(u)) => u.department_id == Some(unit),
            _ => false,
        };
        if !ok {
            errors.push(FieldError::with_detail(
                "head_user_id",
                "error.department_escalation.head_invalid",
                head.to_string(),
            ));
        }
    }
    if let Some(leader) = input.leader_user_id {
        let ok = active_user(leader)
            .await?
            .is_some_and(|u| u.role == wujin_domain::access::Role::Leader.as_str());
        if !ok {
            errors.push(FieldError::with_detail(
                "leader_user_id",
                "error.department_escalation.leader_invalid",
                leader.to_string(),
            ));
        }
    }
    Ok(())
}

/// Who may be named on a unit's form (administrators): as head (负责人), the active users of
/// `unit` (none for a unit not yet created); as leader in charge (分管领导), the active leaders.
/// Each as (id, display name), by name.
pub async fn escalation_choices(
    app: &App,
    ctx: &Ctx,
    unit: Option<i64>,
) -> AppResult<(Vec<(i64, String)>, Vec<(i64, String)>)> {
    ctx.require(Permission::ManageDepartments)?;
    let db = app.db.read();
    let named = |users: Vec<app_user::Model>| -> Vec<(i64, String)> {
        users.into_iter().map(|u| (u.id, u.display_name)).collect()
    };
    let heads = match unit {
        Some(unit) => named(
            app_user::Entity::find()
                .filter(app_user::Column::DepartmentId.eq(unit))
                .filter(app_user::Column::Active.eq(true))
                .order_by_asc(app_user::Column::DisplayName)
                .all(db)
                .await?,
        ),
        None => Vec::new(),
    };
    let leaders = named(
        app_user::Entity::find()
            .filter(app_user::Column::Role.eq(wujin_domain::access::Role::Leader.as_str()))
            .filter(app_user::Column::Active.eq(true))
            .order_by_asc(app_user::Column::DisplayName)
            .all(db)
            .await?,
    );
    Ok((heads, leaders))
}

/// The names of a unit's head (负责人) and leader in charge (分管领导), for its page.
pub async fn escalation_names(
    app: &App,
    ctx: &Ctx,
    d: &department::Model,
) -> AppResult<(Option<String>, Option<String>)> {
    ctx.require(Permission::ViewDepartments)?;
    let db = app.db.read();
    let name = |id: Option<i64>| async move {
        Ok::<_, AppError>(match id {
            Some(id) => app_user::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|u| u.display_name),
            None => None,
        })
    };
    Ok((name(d.head_user_id).await?, name(d.leader_user_id).await?))
}

/// A unit's fields once checked.
struct Valid {
    kind: DepartmentKind,
    code: String,
    name: String,
    short_name: Option<String>,
    webhook_url: Option<String>,
}

pub async fn create(app: &App, ctx: &Ctx, input: &DepartmentInput) -> AppResult<department::Model> {
    ctx.require(Permission::ManageDepartments)?;
    let tx = app.db.begin_write().await?;
    let created = insert(&tx, ctx, input).await?;
    tx.commit().await?;
    Ok(created)
}

/// Validates and inserts a unit inside `tx`, audited. The caller has checked its right to
/// create it (an administrator; the supervision office creating a unit named in an import).
pub(crate) async fn insert(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    input: &DepartmentInput,
) -> AppResult<department::Model> {
    let Valid {
        kind,
        code,
        name,
        short_name,
        webhook_url,
    } = validate(tx, input, None).await?;
    let t = now();
    let created = department::ActiveModel {
        parent_id: Set(input.parent_id),
        kind: Set(kind.as_str().to_string()),
        code: Set(code),
        name: Set(name),
        short_name: Set(short_name),
        sort_order: Set(input.sort_order.unwrap_or(100)),
        webhook_url: Set(webhook_url),
        head_user_id: Set(input.head_user_id),
        leader_user_id: Set(input.leader_user_id),
        active: Set(true),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    audit::record(
        tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "create",
            entity: "department",
            entity_id: created.id.to_string(),
            before: None,
            after: Some(snapshot(&created)),
        },
    )
    .await?;
    Ok(created)
}

pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: i64,
    input: &DepartmentInput,
) -> AppResult<department::Model> {
    ctx.require(Permission::ManageDepartments)?;
    let tx = app.db.begin_write().await?;
    let existing = department::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let Valid {
        kind,
        code,
        name,
        short_name,
        webhook_url,
    } = validate(&tx, input, Some(id)).await?;
    let before = snapshot(&existing);
    let mut am = existing.into_active_model();
    am.parent_id = Set(input.parent_id);
    am.kind = Set(kind.as_str().to_string());
    am.code = Set(code);
    am.name = Set(name);
    am.short_name = Set(short_name);
    am.webhook_url = Set(webhook_url);
    am.head_user_id = Set(input.head_user_id);
    am.leader_user_id = Set(input.leader_user_id);
    am.sort_order = Set(input.sort_order.unwrap_or(100));
    am.updated_at = Set(now());
    let updated = am.update(&tx).await?;
    let after = snapshot(&updated);
    if before != after {
        audit::record(
            &tx,
            &ctx.actor,
            &ctx.meta,
            Change {
                action: "update",
                entity: "department",
                entity_id: id.to_string(),
                before: Some(before),
                after: Some(after),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(updated)
}

/// Disables or re-enables a unit. A unit with active users or active sub-units cannot be
/// disabled: they would be left pointing at a closed unit.
pub async fn set_active(
    app: &App,
    ctx: &Ctx,
    id: i64,
    active: bool,
) -> AppResult<department::Model> {
    ctx.require(Permission::ManageDepartments)?;
    let tx = app.db.begin_write().await?;
    let existing = department::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if existing.active == active {
        return Ok(existing);
    }
    if !active {
        let users = app_user::Entity::find()
            .filter(app_user::Column::DepartmentId.eq(id))
            .filter(app_user::Column::Active.eq(true))
            .count(&tx)
            .await?;
        if users > 0 {
            return Err(AppError::Conflict(
                "error.department.has_active_users".into(),
            ));
        }
        let children = department::Entity::find()
            .filter(department::Column::ParentId.eq(id))
            .filter(department::Column::Active.eq(true))
            .count(&tx)
            .await?;
        if children > 0 {
            return Err(AppError::Conflict(
                "error.department.has_active_children".into(),
            ));
        }
    }
    let before = snapshot(&existing);
    let mut am = existing.into_active_model();
    am.active = Set(active);
    am.updated_at = Set(now());
    let updated = am.update(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: if active { "enable" } else { "disable" },
            entity: "department",
            entity_id: id.to_string(),
            before: Some(before),
            after: Some(snapshot(&updated)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(updated)
}

/// Number of units (for overviews).
pub async fn count(app: &App, ctx: &Ctx) -> AppResult<u64> {
    ctx.require(Permission::ViewDepartments)?;
    Ok(department::Entity::find().count(app.db.read()).await?)
}
