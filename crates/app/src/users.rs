//! User administration (用户管理), always inside the caller's data scope: a user may see and
//! change only users of units their scope covers, and may grant only roles and units within
//! their own.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wujin_domain::access::{GrantError, Permission, Role, UnitRequirement};
use wujin_domain::org::DepartmentKind;
use wujin_domain::password::check_password;
use wujin_storage::dialect::contains_ci;
use wujin_storage::entity::{app_user, department, session};

use crate::audit::{self, Change};
use crate::auth::{hash_password_async, policy_error};
use crate::context::Ctx;
use crate::departments::scope_units;
use crate::error::{AppError, AppResult, FieldError};
use crate::notifications;
use crate::page::{Page, PageRequest, SortDir};
use crate::{App, now};

/// A user as lists, pages and the API show them (never the password hash).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub enterprise_id: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub locale: String,
    pub active: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn view(u: app_user::Model, unit: Option<department::Model>) -> UserView {
    let department_name = unit.map(|d| d.name);
    UserView {
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        role: u.role,
        department_id: u.department_id,
        department_name,
        enterprise_id: u.enterprise_id,
        phone: u.phone,
        email: u.email,
        locale: u.locale,
        active: u.active,
        must_change_password: u.must_change_password,
        last_login_at: u.last_login_at,
        created_at: u.created_at,
    }
}

/// The view of a user just written, with their unit's name (one lookup).
async fn view_with_unit(
    db: &impl sea_orm::ConnectionTrait,
    u: app_user::Model,
) -> AppResult<UserView> {
    let unit = match u.department_id {
        Some(d) => department::Entity::find_by_id(d).one(db).await?,
        None => None,
    };
    Ok(view(u, unit))
}

/// What the audit log keeps of a user: everything but the password hash.
fn snapshot(u: &app_user::Model) -> serde_json::Value {
    json!({
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role,
        "department_id": u.department_id,
        "enterprise_id": u.enterprise_id,
        "phone": u.phone,
        "email": u.email,
        "locale": u.locale,
        "active": u.active,
        "must_change_password": u.must_change_password,
    })
}

/// Filters and sort of the users list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserFilter {
    /// Matches username, display name or phone.
    pub q: Option<String>,
    pub role: Option<String>,
    pub department_id: Option<i64>,
    pub active: Option<bool>,
    /// username | display_name | role | department | last_login_at | created_at
    pub sort: Option<String>,
    pub dir: Option<String>,
}

pub async fn list(
    app: &App,
    ctx: &Ctx,
    f: &UserFilter,
    page: PageRequest,
) -> AppResult<Page<UserView>> {
    ctx.require(Permission::ViewUsers)?;
    let scope = scope_units(app, ctx).await?;
    let mut q = app_user::Entity::find();
    if let Some(units) = &scope {
        q = q.filter(app_user::Column::DepartmentId.is_in(units.clone()));
    }
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(contains_ci(app_user::Column::Username, text))
                .add(contains_ci(app_user::Column::DisplayName, text))
                .add(contains_ci(app_user::Column::Phone, text)),
        );
    }
    if let Some(r) = f.role.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(app_user::Column::Role.eq(r));
    }
    if let Some(d) = f.department_id {
        q = q.filter(app_user::Column::DepartmentId.eq(d));
    }
    if let Some(a) = f.active {
        q = q.filter(app_user::Column::Active.eq(a));
    }
    let dir = SortDir::parse(f.dir.as_deref()).order();
    let col = match f.sort.as_deref() {
        Some("display_name") => app_user::Column::DisplayName,
        Some("role") => app_user::Column::Role,
        Some("department") => app_user::Column::DepartmentId,
        Some("last_login_at") => app_user::Column::LastLoginAt,
        Some("created_at") => app_user::Column::CreatedAt,
        _ => app_user::Column::Username,
    };
    let total = q.clone().count(app.db.read()).await?;
    let rows = q
        .order_by(col, dir)
        .order_by_asc(app_user::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .find_also_related(department::Entity)
        .all(app.db.read())
        .await?;
    Ok(Page {
        items: rows.into_iter().map(|(u, d)| view(u, d)).collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// One user, if the caller's scope reaches them; otherwise `NotFound` (not `Forbidden`, so a
/// probe learns nothing about users outside its scope).
pub async fn get(app: &App, ctx: &Ctx, id: i64) -> AppResult<UserView> {
    // Everyone may read their own account.
    if ctx.actor.id != Some(id) {
        ctx.require(Permission::ViewUsers)?;
    }
    let (u, unit) = app_user::Entity::find_by_id(id)
        .find_also_related(department::Entity)
        .one(app.db.read())
        .await?
        .ok_or(AppError::NotFound)?;
    if ctx.actor.id != Some(id) {
        ensure_in_scope(app, ctx, &u).await?;
    }
    Ok(view(u, unit))
}

/// `NotFound` unless the user's unit lies in the caller's scope.
async fn ensure_in_scope(app: &App, ctx: &Ctx, u: &app_user::Model) -> AppResult<()> {
    if let Some(units) = scope_units(app, ctx).await?
        && !u.department_id.is_some_and(|d| units.contains(&d))
    {
        return Err(AppError::NotFound);
    }
    Ok(())
}

async fn load_in_scope(app: &App, ctx: &Ctx, id: i64) -> AppResult<app_user::Model> {
    let u = app_user::Entity::find_by_id(id)
        .one(app.db.read())
        .await?
        .ok_or(AppError::NotFound)?;
    ensure_in_scope(app, ctx, &u).await?;
    Ok(u)
}

/// Input of the create and edit forms.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Roles and units the caller may hand out (for the form's dropdowns).
pub async fn grantable(app: &App, ctx: &Ctx) -> AppResult<(Vec<Role>, Vec<department::Model>)> {
    ctx.require(Permission::ManageUsers)?;
    let units = crate::departments::all(app.db.read()).await?;
    let scope = scope_units(app, ctx).await?;
    let units = units
        .into_iter()
        .filter(|u| u.active && scope.as_ref().is_none_or(|s| s.contains(&u.id)))
        .collect();
    Ok((ctx.actor.role.grantable_roles().to_vec(), units))
}

/// Units the users list can be filtered by: those the caller's scope covers, in tree order
/// (with their depth, for indentation).
pub async fn filter_units(
    app: &App,
    ctx: &Ctx,
) -> AppResult<Vec<crate::departments::DepartmentView>> {
    ctx.require(Permission::ViewUsers)?;
    let scope = scope_units(app, ctx).await?;
    let units = crate::departments::list_for_choice(app, &Default::default()).await?;
    Ok(units
        .into_iter()
        .filter(|u| scope.as_ref().is_none_or(|s| s.contains(&u.id)))
        .collect())
}

/// Whether the caller may edit, disable, enable or reset the password of this user (the
/// same rule the changing use-cases apply), so pages show only the buttons that work.
pub async fn may_manage(app: &App, ctx: &Ctx, target: &UserView) -> AppResult<bool> {
    if !ctx.actor.can(Permission::ManageUsers) {
        return Ok(false);
    }
    let Some(role) = Role::parse(&target.role) else {
        return Ok(false);
    };
    let subtree = scope_units(app, ctx).await?.unwrap_or_default();
    Ok(ctx
        .granter(subtree)
        .may_grant(role, target.department_id)
        .is_ok())
}

struct Checked {
    username: String,
    display_name: String,
    role: Role,
    phone: Option<String>,
    email: Option<String>,
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Validates the input and the grant; returns every field problem at once.
async fn check(
    app: &App,
    ctx: &Ctx,
    input: &UserInput,
    editing: Option<i64>,
) -> AppResult<Checked> {
    let mut errors = Vec::new();
    let username = input.username.trim().to_string();
    let display_name = input.display_name.trim().to_string();
    if username.len() < 2
        || username.len() > 32
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        errors.push(FieldError::new("username", "error.user.username_invalid"));
    } else {
        let taken = app_user::Entity::find()
            .filter(app_user::Column::Username.eq(username.as_str()))
            .one(app.db.read())
            .await?;
        if taken.is_some_and(|u| Some(u.id) != editing) {
            errors.push(FieldError::new("username", "error.user.username_taken"));
        }
    }
    if display_name.is_empty() || display_name.chars().count() > 64 {
        errors.push(FieldError::new(
            "display_name",
            "error.user.display_name_invalid",
        ));
    }
    let phone = clean(&input.phone);
    if let Some(p) = &phone
        && (p.len() > 20
            || !p
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | ' ')))
    {
        errors.push(FieldError::new("phone", "error.user.phone_invalid"));
    }
    let email = clean(&input.email);
    if let Some(e) = &email
        && (e.len() > 100 || !e.contains('@') || e.starts_with('@') || e.ends_with('@'))
    {
        errors.push(FieldError::new("email", "error.user.email_invalid"));
    }
    let role = Role::parse(input.role.trim());
    match role {
        None => errors.push(FieldError::new("role", "error.user.role_invalid")),
        Some(role) => {
            let unit = match input.department_id {
                Some(d) => department::Entity::find_by_id(d).one(app.db.read()).await?,
                None => None,
            };
            if input.department_id.is_some() && unit.as_ref().is_none_or(|u| !u.active) {
                errors.push(FieldError::new(
                    "department_id",
                    "error.user.department_missing",
                ));
            } else {
                let kind = unit.as_ref().and_then(|u| DepartmentKind::parse(&u.kind));
                let fits = match role.unit_requirement() {
                    UnitRequirement::Optional => true,
                    UnitRequirement::CityDepartment => {
                        matches!(
                            kind,
                            Some(DepartmentKind::Department | DepartmentKind::City)
                        )
                    }
                    UnitRequirement::Town => kind.is_some_and(DepartmentKind::is_town),
                };
                if !fits {
                    let key = match role.unit_requirement() {
                        UnitRequirement::Town => "error.user.town_required",
                        _ => "error.user.department_required",
                    };
                    errors.push(FieldError::new("department_id", key));
                }
                let subtree = scope_units(app, ctx).await?.unwrap_or_default();
                match ctx.granter(subtree).may_grant(role, input.department_id) {
                    Ok(()) => {}
                    Err(GrantError::RoleNotGrantable) => {
                        errors.push(FieldError::new("role", "error.user.role_not_grantable"))
                    }
                    Err(GrantError::UnitOutsideScope) | Err(GrantError::UnitRequired) => errors
                        .push(FieldError::new(
                            "department_id",
                            "error.user.department_outside_scope",
                        )),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(Checked {
        username,
        display_name,
        role: role.unwrap_or(Role::Cadre),
        phone,
        email,
    })
}

/// Creates a user with a temporary password they must change at first sign-in.
pub async fn create(
    app: &App,
    ctx: &Ctx,
    input: &UserInput,
    temporary_password: &str,
) -> AppResult<UserView> {
    ctx.require(Permission::ManageUsers)?;
    // Report a weak password together with every other problem of the form.
    let password_error = check_password(input.username.trim(), temporary_password)
        .err()
        .map(|e| policy_error("password", e));
    let c = match (check(app, ctx, input, None).await, password_error) {
        (Ok(c), None) => c,
        (Ok(_), Some(p)) => return Err(AppError::Validation(vec![p])),
        (Err(AppError::Validation(mut v)), p) => {
            v.extend(p);
            return Err(AppError::Validation(v));
        }
        (Err(e), _) => return Err(e),
    };
    let hash = hash_password_async(temporary_password.to_string()).await?;
    let tx = app.db.begin_write().await?;
    let t = now();
    let created = app_user::ActiveModel {
        username: Set(c.username),
        display_name: Set(c.display_name),
        password_hash: Set(hash),
        role: Set(c.role.as_str().to_string()),
        department_id: Set(input.department_id),
        enterprise_id: Set(input.enterprise_id),
        phone: Set(c.phone),
        email: Set(c.email),
        locale: Set("zh-CN".to_string()),
        active: Set(true),
        must_change_password: Set(true),
        password_changed_at: Set(t),
        last_login_at: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&tx)
    .await
    .map_err(|e| unique_violation(e, "username", "error.user.username_taken"))?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "create",
            entity: "user",
            entity_id: created.id.to_string(),
            before: None,
            after: Some(snapshot(&created)),
        },
    )
    .await?;
    notifications::send(
        &tx,
        created.id,
        "welcome",
        "notify.welcome.title",
        "notify.welcome.body",
        Some("/account"),
    )
    .await?;
    tx.commit().await?;
    view_with_unit(app.db.read(), created).await
}

/// A racing insert of the same username becomes the same field error as the pre-check.
fn unique_violation(e: sea_orm::DbErr, field: &str, key: &str) -> AppError {
    if matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    ) {
        AppError::field(field, key)
    } else {
        AppError::Db(e)
    }
}

/// Edits a user. Both the user as they are and as they would become must lie within what the
/// caller may grant.
pub async fn update(app: &App, ctx: &Ctx, id: i64, input: &UserInput) -> AppResult<UserView> {
    ctx.require(Permission::ManageUsers)?;
    let existing = load_in_scope(app, ctx, id).await?;
    ensure_may_manage(app, ctx, &existing).await?;
    let c = check(app, ctx, input, Some(id)).await?;
    if ctx.actor.id == Some(id) && c.role != ctx.actor.role {
        return Err(AppError::field("role", "error.user.cannot_change_own_role"));
    }
    let tx = app.db.begin_write().await?;
    let before = snapshot(&existing);
    let mut am = existing.into_active_model();
    am.username = Set(c.username);
    am.display_name = Set(c.display_name);
    am.role = Set(c.role.as_str().to_string());
    am.department_id = Set(input.department_id);
    am.enterprise_id = Set(input.enterprise_id);
    am.phone = Set(c.phone);
    am.email = Set(c.email);
    am.updated_at = Set(now());
    let updated = am
        .update(&tx)
        .await
        .map_err(|e| unique_violation(e, "username", "error.user.username_taken"))?;
    let after = snapshot(&updated);
    if before != after {
        // A change of role or unit changes what the user may see: end their sessions.
        if before["role"] != after["role"] || before["department_id"] != after["department_id"] {
            session::Entity::delete_many()
                .filter(session::Column::UserId.eq(id))
                .exec(&tx)
                .await?;
        }
        audit::record(
            &tx,
            &ctx.actor,
            &ctx.meta,
            Change {
                action: "update",
                entity: "user",
                entity_id: id.to_string(),
                before: Some(before),
                after: Some(after),
            },
        )
        .await?;
    }
    tx.commit().await?;
    view_with_unit(app.db.read(), updated).await
}

/// The caller may manage `target` only if they could have granted the target's current role
/// in the target's current unit.
async fn ensure_may_manage(app: &App, ctx: &Ctx, target: &app_user::Model) -> AppResult<()> {
    let role = Role::parse(&target.role).ok_or(AppError::Forbidden)?;
    let subtree = scope_units(app, ctx).await?.unwrap_or_default();
    ctx.granter(subtree)
        .may_grant(role, target.department_id)
        .map_err(|_| AppError::Forbidden)
}

/// Disables or re-enables a user. Disabling ends every session and token use of theirs.
pub async fn set_active(app: &App, ctx: &Ctx, id: i64, active: bool) -> AppResult<UserView> {
    ctx.require(Permission::ManageUsers)?;
    let existing = load_in_scope(app, ctx, id).await?;
    ensure_may_manage(app, ctx, &existing).await?;
    if ctx.actor.id == Some(id) && !active {
        return Err(AppError::Conflict("error.user.cannot_disable_self".into()));
    }
    if existing.active == active {
        return view_with_unit(app.db.read(), existing).await;
    }
    let tx = app.db.begin_write().await?;
    let before = snapshot(&existing);
    let mut am = existing.into_active_model();
    am.active = Set(active);
    am.updated_at = Set(now());
    let updated = am.update(&tx).await?;
    if !active {
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id))
            .exec(&tx)
            .await?;
    }
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: if active { "enable" } else { "disable" },
            entity: "user",
            entity_id: id.to_string(),
            before: Some(before),
            after: Some(snapshot(&updated)),
        },
    )
    .await?;
    tx.commit().await?;
    view_with_unit(app.db.read(), updated).await
}

/// Gives the user a new temporary password, which they must change at their next sign-in.
/// Their sessions end.
pub async fn reset_password(
    app: &App,
    ctx: &Ctx,
    id: i64,
    temporary_password: &str,
) -> AppResult<()> {
    ctx.require(Permission::ManageUsers)?;
    let existing = load_in_scope(app, ctx, id).await?;
    ensure_may_manage(app, ctx, &existing).await?;
    if let Err(e) = check_password(&existing.username, temporary_password) {
        return Err(AppError::Validation(vec![policy_error("password", e)]));
    }
    let hash = hash_password_async(temporary_password.to_string()).await?;
    let tx = app.db.begin_write().await?;
    let before = snapshot(&existing);
    let mut am = existing.into_active_model();
    am.password_hash = Set(hash);
    am.must_change_password = Set(true);
    am.password_changed_at = Set(now());
    am.updated_at = Set(now());
    let updated = am.update(&tx).await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(id))
        .exec(&tx)
        .await?;
    let mut after = snapshot(&updated);
    after["password_reset"] = json!(true);
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "reset_password",
            entity: "user",
            entity_id: id.to_string(),
            before: Some(before),
            after: Some(after),
        },
    )
    .await?;
    notifications::send(
        &tx,
        id,
        "password_reset",
        "notify.password_reset.title",
        "notify.password_reset.body",
        Some("/account/password"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Generates a readable temporary password (no look-alike characters).
pub fn generate_temporary_password() -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// Number of users the caller's scope covers (for overviews).
pub async fn count_in_scope(app: &App, ctx: &Ctx) -> AppResult<u64> {
    ctx.require(Permission::ViewUsers)?;
    let mut q = app_user::Entity::find();
    if let Some(units) = scope_units(app, ctx).await? {
        q = q.filter(app_user::Column::DepartmentId.is_in(units));
    }
    Ok(q.count(app.db.read()).await?)
}
