//! The registry's dictionaries (字典): industry groups (行业分组) and enterprise tags
//! (企业标签). Everyone reads them; administrators edit them. Entries are deactivated, never
//! deleted, since firms and statistics refer to them.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wujin_domain::access::Permission;
use wujin_domain::enterprise::{DEFAULT_INDUSTRY_GROUPS, DEFAULT_TAGS};
use wujin_storage::entity::{enterprise, enterprise_tag, industry_group, tag};

use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

/// Which dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dictionary {
    IndustryGroup,
    Tag,
}

impl Dictionary {
    pub fn parse(s: &str) -> Option<Dictionary> {
        match s {
            "industry_group" | "industry_groups" => Some(Dictionary::IndustryGroup),
            "tag" | "tags" => Some(Dictionary::Tag),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Dictionary::IndustryGroup => "industry_group",
            Dictionary::Tag => "tag",
        }
    }
}

/// One entry as lists and forms show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub sort_order: i32,
    pub active: bool,
    /// Firms using the entry.
    pub enterprises: u64,
}

fn from_group(m: industry_group::Model) -> Entry {
    Entry {
        id: m.id,
        code: m.code,
        name: m.name,
        sort_order: m.sort_order,
        active: m.active,
        enterprises: 0,
    }
}

fn from_tag(m: tag::Model) -> Entry {
    Entry {
        id: m.id,
        code: m.code,
        name: m.name,
        sort_order: m.sort_order,
        active: m.active,
        enterprises: 0,
    }
}

/// Every entry of a dictionary in display order (inactive ones included, last).
pub async fn entries(db: &impl ConnectionTrait, dict: Dictionary) -> AppResult<Vec<Entry>> {
    Ok(match dict {
        Dictionary::IndustryGroup => industry_group::Entity::find()
            .order_by_desc(industry_group::Column::Active)
            .order_by_asc(industry_group::Column::SortOrder)
            .order_by_asc(industry_group::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(from_group)
            .collect(),
        Dictionary::Tag => tag::Entity::find()
            .order_by_desc(tag::Column::Active)
            .order_by_asc(tag::Column::SortOrder)
            .order_by_asc(tag::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(from_tag)
            .collect(),
    })
}

/// The entries with how many firms use each (for the dictionary admin page).
pub async fn list(app: &App, ctx: &Ctx, dict: Dictionary) -> AppResult<Vec<Entry>> {
    ctx.require(Permission::ViewEnterprises)?;
    let db = app.db.read();
    let mut out = entries(db, dict).await?;
    for e in &mut out {
        e.enterprises = match dict {
            Dictionary::IndustryGroup => {
                enterprise::Entity::find()
                    .filter(enterprise::Column::IndustryGroupId.eq(e.id))
                    .count(db)
                    .await?
            }
            Dictionary::Tag => {
                enterprise_tag::Entity::find()
                    .filter(enterprise_tag::Column::TagId.eq(e.id))
                    .count(db)
                    .await?
            }
        };
    }
    Ok(out)
}

/// A new or changed entry.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EntryInput {
    pub code: String,
    pub name: String,
    pub sort_order: Option<i32>,
    pub active: Option<bool>,
}

fn validate(input: &EntryInput) -> Result<(String, String), AppError> {
    let mut errors = Vec::new();
    let code = input.code.trim().to_ascii_lowercase();
    if code.is_empty()
        || code.len() > 40
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        errors.push(FieldError::new("code", "error.dictionary.code_invalid"));
    }
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 40 {
        errors.push(FieldError::new("name", "error.dictionary.name_invalid"));
    }
    if errors.is_empty() {
        Ok((code, name))
    } else {
        Err(AppError::Validation(errors))
    }
}

async fn clash(
    db: &impl ConnectionTrait,
    dict: Dictionary,
    code: &str,
    name: &str,
    except: Option<i64>,
) -> AppResult<Vec<FieldError>> {
    let rows: Vec<(i64, String, String)> = match dict {
        Dictionary::IndustryGroup => industry_group::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.id, m.code, m.name))
            .collect(),
        Dictionary::Tag => tag::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.id, m.code, m.name))
            .collect(),
    };
    let mut errors = Vec::new();
    for (id, c, n) in rows {
        if Some(id) == except {
            continue;
        }
        if c == code {
            errors.push(FieldError::new("code", "error.dictionary.code_taken"));
        }
        if n == name {
            errors.push(FieldError::new("name", "error.dictionary.name_taken"));
        }
    }
    Ok(errors)
}

/// Inserts one entry into a dictionary.
async fn insert_entry(
    db: &impl ConnectionTrait,
    dict: Dictionary,
    code: String,
    name: String,
    sort_order: i32,
    active: bool,
) -> AppResult<Entry> {
    let t = now();
    Ok(match dict {
        Dictionary::IndustryGroup => from_group(
            industry_group::ActiveModel {
                code: Set(code),
                name: Set(name),
                sort_order: Set(sort_order),
                active: Set(active),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            }
            .insert(db)
            .await?,
        ),
        Dictionary::Tag => from_tag(
            tag::ActiveModel {
                code: Set(code),
                name: Set(name),
                sort_order: Set(sort_order),
                active: Set(active),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            }
            .insert(db)
            .await?,
        ),
    })
}

/// Adds an entry.
pub async fn create(
    app: &App,
    ctx: &Ctx,
    dict: Dictionary,
    input: &EntryInput,
) -> AppResult<Entry> {
    ctx.require(Permission::ManageDictionaries)?;
    let (code, name) = validate(input)?;
    let tx = app.db.begin_write().await?;
    let errors = clash(&tx, dict, &code, &name, None).await?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let entry = insert_entry(
        &tx,
        dict,
        code,
        name,
        input.sort_order.unwrap_or(100),
        input.active.unwrap_or(true),
    )
    .await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "create",
            entity: dict.as_str(),
            entity_id: entry.id.to_string(),
            before: None,
            after: Some(json!({"code": entry.code, "name": entry.name, "sort_order": entry.sort_order, "active": entry.active})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(entry)
}

/// Changes an entry's code, name, order or activity.
pub async fn update(
    app: &App,
    ctx: &Ctx,
    dict: Dictionary,
    id: i64,
    input: &EntryInput,
) -> AppResult<Entry> {
    ctx.require(Permission::ManageDictionaries)?;
    let (code, name) = validate(input)?;
    let tx = app.db.begin_write().await?;
    let before = entries(&tx, dict)
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or(AppError::NotFound)?;
    let errors = clash(&tx, dict, &code, &name, Some(id)).await?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let t = now();
    let sort_order = input.sort_order.unwrap_or(before.sort_order);
    let active = input.active.unwrap_or(before.active);
    let after = match dict {
        Dictionary::IndustryGroup => {
            let mut m = industry_group::Entity::find_by_id(id)
                .one(&tx)
                .await?
                .ok_or(AppError::NotFound)?
                .into_active_model();
            m.code = Set(code);
            m.name = Set(name);
            m.sort_order = Set(sort_order);
            m.active = Set(active);
            m.updated_at = Set(t);
            from_group(m.update(&tx).await?)
        }
        Dictionary::Tag => {
            let mut m = tag::Entity::find_by_id(id)
                .one(&tx)
                .await?
                .ok_or(AppError::NotFound)?
                .into_active_model();
            m.code = Set(code);
            m.name = Set(name);
            m.sort_order = Set(sort_order);
            m.active = Set(active);
            m.updated_at = Set(t);
            from_tag(m.update(&tx).await?)
        }
    };
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "update",
            entity: dict.as_str(),
            entity_id: id.to_string(),
            before: Some(json!({"code": before.code, "name": before.name, "sort_order": before.sort_order, "active": before.active})),
            after: Some(json!({"code": after.code, "name": after.name, "sort_order": after.sort_order, "active": after.active})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Seeds the default industry groups and tags into empty dictionaries. Returns how many
/// entries were created.
pub async fn seed(app: &App, ctx: &Ctx) -> AppResult<usize> {
    let tx = app.db.begin_write().await?;
    let mut changes = Vec::new();
    for (dict, defaults, empty) in [
        (
            Dictionary::IndustryGroup,
            DEFAULT_INDUSTRY_GROUPS,
            industry_group::Entity::find().count(&tx).await? == 0,
        ),
        (
            Dictionary::Tag,
            DEFAULT_TAGS,
            tag::Entity::find().count(&tx).await? == 0,
        ),
    ] {
        if !empty {
            continue;
        }
        for (i, (code, name)) in defaults.iter().enumerate() {
            let e = insert_entry(
                &tx,
                dict,
                (*code).into(),
                (*name).into(),
                10 * (i as i32 + 1),
                true,
            )
            .await?;
            changes.push(Change {
                action: "create",
                entity: dict.as_str(),
                entity_id: e.id.to_string(),
                before: None,
                after: Some(json!({"code": e.code, "name": e.name})),
            });
        }
    }
    let n = audit::record_many(&tx, &ctx.actor, &ctx.meta, changes).await?;
    tx.commit().await?;
    Ok(n)
}
