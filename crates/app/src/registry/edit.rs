//! Creating and editing enterprise profiles, with inline validation of every field.

use std::collections::HashSet;

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde::Deserialize;
use wujin_domain::access::{Permission, Role};
use wujin_domain::enterprise::{EnterpriseStatus, Scale};
use wujin_domain::org::DepartmentKind;
use wujin_storage::entity::{
    app_user, department, enterprise, enterprise_cadre, enterprise_tag, industry_group, tag,
};

use super::edit_rules::check_fields;
pub use super::edit_rules::{valid_industry_code, valid_phone};
use super::enterprises::{EnterpriseDetail, get};
use super::figures::derived_scale;
use super::scope::{EnterpriseScope, find_in_scope};
use super::views::{diff_objects, snapshot};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

/// A new or edited enterprise as a form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnterpriseInput {
    pub credit_code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub town_id: Option<i64>,
    pub park: Option<String>,
    pub industry_group_id: Option<i64>,
    pub industry_code: Option<String>,
    /// `EnterpriseStatus::as_str`; blank means 在营.
    pub status: Option<String>,
    /// `2015-03-01`, `2015年3月1日`, …
    pub founded_on: Option<String>,
    pub address: Option<String>,
    pub legal_rep: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub tag_ids: Vec<i64>,
    #[serde(default)]
    pub cadre_ids: Vec<i64>,
    /// `above` | `below` to set the scale by hand; blank to derive it from revenue.
    pub scale_override: Option<String>,
    pub scale_override_reason: Option<String>,
}

/// The validated profile, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub credit_code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub town_id: i64,
    pub park: Option<String>,
    pub industry_group_id: i64,
    pub industry_code: Option<String>,
    pub status: EnterpriseStatus,
    pub founded_on: Option<NaiveDate>,
    pub address: Option<String>,
    pub legal_rep: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub tag_ids: Vec<i64>,
    pub cadre_ids: Vec<i64>,
    pub scale_override: Option<(Scale, String)>,
}

/// Checks the references (town, group, tags, cadres, uniqueness of the credit code) and
/// that the town lies in the caller's scope.
async fn check_references(
    db: &impl ConnectionTrait,
    scope: &EnterpriseScope,
    p: &Profile,
    except: Option<i64>,
) -> AppResult<Vec<FieldError>> {
    let mut errors = Vec::new();
    match department::Entity::find_by_id(p.town_id).one(db).await? {
        Some(d) if DepartmentKind::parse(&d.kind).is_some_and(|k| k.is_town()) && d.active => {
            if !scope.covers_town(d.id) {
                errors.push(FieldError::new(
                    "town_id",
                    "error.enterprise.town_out_of_scope",
                ));
            }
        }
        _ => errors.push(FieldError::new("town_id", "error.enterprise.town_invalid")),
    }
    if industry_group::Entity::find_by_id(p.industry_group_id)
        .one(db)
        .await?
        .is_none()
    {
        errors.push(FieldError::new(
            "industry_group_id",
            "error.enterprise.group_invalid",
        ));
    }
    let known_tags: HashSet<i64> = tag::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    if p.tag_ids.iter().any(|t| !known_tags.contains(t)) {
        errors.push(FieldError::new("tag_ids", "error.enterprise.tag_invalid"));
    }
    if !p.cadre_ids.is_empty() {
        let ok = app_user::Entity::find()
            .filter(app_user::Column::Id.is_in(p.cadre_ids.clone()))
            .filter(app_user::Column::Active.eq(true))
            .all(db)
            .await?
            .into_iter()
            .filter(|u| {
                Role::parse(&u.role)
                    .is_some_and(|r| matches!(r, Role::Cadre | Role::Town | Role::Department))
            })
            .count();
        if ok != p.cadre_ids.len() {
            errors.push(FieldError::new(
                "cadre_ids",
                "error.enterprise.cadre_invalid",
            ));
        }
    }
    if let Some(other) = enterprise::Entity::find()
        .filter(enterprise::Column::CreditCode.eq(&p.credit_code))
        .one(db)
        .await?
        && Some(other.id) != except
    {
        errors.push(FieldError::new(
            "credit_code",
            "error.enterprise.credit_code_taken",
        ));
    }
    Ok(errors)
}

/// Replaces a firm's tags and cadres with these.
pub async fn set_links(
    tx: &DatabaseTransaction,
    id: i64,
    tag_ids: &[i64],
    cadre_ids: &[i64],
) -> AppResult<()> {
    enterprise_tag::Entity::delete_many()
        .filter(enterprise_tag::Column::EnterpriseId.eq(id))
        .exec(tx)
        .await?;
    if !tag_ids.is_empty() {
        enterprise_tag::Entity::insert_many(tag_ids.iter().map(|t| enterprise_tag::ActiveModel {
            enterprise_id: Set(id),
            tag_id: Set(*t),
        }))
        .exec_without_returning(tx)
        .await?;
    }
    let existing: Vec<enterprise_cadre::Model> = enterprise_cadre::Entity::find()
        .filter(enterprise_cadre::Column::EnterpriseId.eq(id))
        .all(tx)
        .await?;
    let keep: HashSet<i64> = cadre_ids.iter().copied().collect();
    let had: HashSet<i64> = existing.iter().map(|c| c.user_id).collect();
    let gone: Vec<i64> = had.difference(&keep).copied().collect();
    if !gone.is_empty() {
        enterprise_cadre::Entity::delete_many()
            .filter(enterprise_cadre::Column::EnterpriseId.eq(id))
            .filter(enterprise_cadre::Column::UserId.is_in(gone))
            .exec(tx)
            .await?;
    }
    let t = now();
    let new: Vec<_> = keep
        .difference(&had)
        .map(|u| enterprise_cadre::ActiveModel {
            enterprise_id: Set(id),
            user_id: Set(*u),
            assigned_at: Set(t),
        })
        .collect();
    if !new.is_empty() {
        enterprise_cadre::Entity::insert_many(new)
            .exec_without_returning(tx)
            .await?;
    }
    Ok(())
}

/// Current tag and cadre ids of a firm.
pub async fn links_of(db: &impl ConnectionTrait, id: i64) -> AppResult<(Vec<i64>, Vec<i64>)> {
    let tags = enterprise_tag::Entity::find()
        .filter(enterprise_tag::Column::EnterpriseId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.tag_id)
        .collect();
    let cadres = enterprise_cadre::Entity::find()
        .filter(enterprise_cadre::Column::EnterpriseId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.user_id)
        .collect();
    Ok((tags, cadres))
}

/// Writes a profile onto a (new or existing) model; the scale follows the override, or else
/// `derived`.
pub fn apply_profile(m: &mut enterprise::ActiveModel, p: &Profile, derived: Option<Scale>) {
    m.credit_code = Set(p.credit_code.clone());
    m.name = Set(p.name.clone());
    m.short_name = Set(p.short_name.clone());
    m.town_id = Set(p.town_id);
    m.park = Set(p.park.clone());
    m.industry_group_id = Set(p.industry_group_id);
    m.industry_code = Set(p.industry_code.clone());
    m.status = Set(p.status.as_str().to_string());
    m.founded_on = Set(p.founded_on);
    m.address = Set(p.address.clone());
    m.legal_rep = Set(p.legal_rep.clone());
    m.contact_person = Set(p.contact_person.clone());
    m.contact_phone = Set(p.contact_phone.clone());
    match &p.scale_override {
        Some((s, reason)) => {
            m.scale = Set(Some(s.as_str().to_string()));
            m.scale_overridden = Set(true);
            m.scale_override_reason = Set(Some(reason.clone()));
        }
        None => {
            m.scale = Set(derived.map(|s| s.as_str().to_string()));
            m.scale_overridden = Set(false);
            m.scale_override_reason = Set(None);
        }
    }
}

async fn validated(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    input: &EnterpriseInput,
    except: Option<i64>,
) -> AppResult<Profile> {
    let scope = EnterpriseScope::of(db, ctx).await?;
    let (profile, mut errors) = check_fields(input);
    match profile {
        Some(p) => {
            errors.extend(check_references(db, &scope, &p, except).await?);
            if errors.is_empty() {
                Ok(p)
            } else {
                Err(AppError::Validation(errors))
            }
        }
        None => Err(AppError::Validation(errors)),
    }
}

/// Registers a firm.
pub async fn create(app: &App, ctx: &Ctx, input: &EnterpriseInput) -> AppResult<EnterpriseDetail> {
    ctx.require(Permission::ManageEnterprises)?;
    let tx = app.db.begin_write().await?;
    let p = validated(&tx, ctx, input, None).await?;
    let t = now();
    let mut m = enterprise::ActiveModel {
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    };
    apply_profile(&mut m, &p, None);
    let e = m.insert(&tx).await?;
    set_links(&tx, e.id, &p.tag_ids, &p.cadre_ids).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "create",
            entity: "enterprise",
            entity_id: e.id.to_string(),
            before: None,
            after: Some(snapshot(&e, &p.tag_ids, &p.cadre_ids)),
        },
    )
    .await?;
    tx.commit().await?;
    get(app, ctx, e.id).await
}

/// Changes a firm's profile.
pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: i64,
    input: &EnterpriseInput,
) -> AppResult<EnterpriseDetail> {
    ctx.require(Permission::ManageEnterprises)?;
    let tx = app.db.begin_write().await?;
    let old = find_in_scope(&tx, ctx, id).await?;
    let (old_tags, old_cadres) = links_of(&tx, id).await?;
    let p = validated(&tx, ctx, input, Some(id)).await?;
    let derived = derived_scale(&tx, id).await?;
    let before = snapshot(&old, &old_tags, &old_cadres);
    let mut m = old.into_active_model();
    apply_profile(&mut m, &p, derived);
    m.updated_at = Set(now());
    let e = m.update(&tx).await?;
    set_links(&tx, id, &p.tag_ids, &p.cadre_ids).await?;
    let after = snapshot(&e, &p.tag_ids, &p.cadre_ids);
    if let Some((b, a)) = diff_objects(&before, &after) {
        audit::record(
            &tx,
            &ctx.actor,
            &ctx.meta,
            Change {
                action: "update",
                entity: "enterprise",
                entity_id: id.to_string(),
                before: Some(b),
                after: Some(a),
            },
        )
        .await?;
        tx.commit().await?;
    }
    get(app, ctx, id).await
}

/// The form's starting values for an existing firm.
pub async fn input_of(app: &App, ctx: &Ctx, id: i64) -> AppResult<EnterpriseInput> {
    ctx.require(Permission::ManageEnterprises)?;
    let db = app.db.read();
    let e = find_in_scope(db, ctx, id).await?;
    let (tag_ids, cadre_ids) = links_of(db, id).await?;
    Ok(EnterpriseInput {
        credit_code: e.credit_code,
        name: e.name,
        short_name: e.short_name,
        town_id: Some(e.town_id),
        park: e.park,
        industry_group_id: Some(e.industry_group_id),
        industry_code: e.industry_code,
        status: Some(e.status),
        founded_on: e.founded_on.map(|d| d.to_string()),
        address: e.address,
        legal_rep: e.legal_rep,
        contact_person: e.contact_person,
        contact_phone: e.contact_phone,
        tag_ids,
        cadre_ids,
        scale_override: e.scale_overridden.then_some(e.scale).flatten(),
        scale_override_reason: e.scale_override_reason,
    })
}

/// The people who may be named as a firm's responsible cadres (驻企干部, and town or
/// department staff who look after firms), labelled with their unit, for the form.
pub async fn assignable_cadres(app: &App, ctx: &Ctx) -> AppResult<Vec<super::views::Named>> {
    ctx.require(Permission::ManageEnterprises)?;
    let db = app.db.read();
    let units: std::collections::HashMap<i64, String> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.short_name.unwrap_or(d.name)))
        .collect();
    let mut users: Vec<app_user::Model> = app_user::Entity::find()
        .filter(app_user::Column::Active.eq(true))
        .filter(app_user::Column::Role.is_in([
            Role::Cadre.as_str(),
            Role::Town.as_str(),
            Role::Department.as_str(),
        ]))
        .all(db)
        .await?;
    // Cadres first, then by unit and name.
    users.sort_by_key(|u| {
        (
            u.role != Role::Cadre.as_str(),
            u.department_id,
            u.display_name.clone(),
        )
    });
    Ok(users
        .into_iter()
        .map(|u| super::views::Named {
            id: u.id,
            name: match u.department_id.and_then(|d| units.get(&d)) {
                Some(unit) => format!("{}（{unit}）", u.display_name),
                None => u.display_name,
            },
        })
        .collect())
}
