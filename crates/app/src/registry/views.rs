//! How enterprises are shown: the list row and the profile, with the contact phone masked
//! for roles that do not need it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::{Value, json};
use wujin_domain::access::Permission;
use wujin_domain::enterprise::mask_phone;
use wujin_storage::entity::{department, enterprise, enterprise_tag, industry_group, tag};

use crate::context::Ctx;
use crate::error::AppResult;

/// An id with its display name.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// An enterprise as lists, pages, exports and the API show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EnterpriseView {
    pub id: i64,
    pub credit_code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub town_id: i64,
    pub town_name: String,
    pub park: Option<String>,
    pub industry_group_id: i64,
    pub industry_group_name: String,
    pub industry_code: Option<String>,
    /// `above` | `below`; `None` while no revenue is known.
    pub scale: Option<String>,
    pub scale_overridden: bool,
    pub scale_override_reason: Option<String>,
    pub status: String,
    pub founded_on: Option<NaiveDate>,
    pub address: Option<String>,
    pub legal_rep: Option<String>,
    pub contact_person: Option<String>,
    /// Masked (`139****5678`) unless the caller may see phone numbers.
    pub contact_phone: Option<String>,
    pub tags: Vec<Named>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Names of towns, industry groups and tags, loaded once per request.
#[derive(Debug, Default, Clone)]
pub struct Names {
    pub towns: HashMap<i64, String>,
    pub groups: HashMap<i64, String>,
    pub tags: HashMap<i64, String>,
}

impl Names {
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<Names> {
        Ok(Names {
            towns: department::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
            groups: industry_group::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|g| (g.id, g.name))
                .collect(),
            tags: tag::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect(),
        })
    }
}

/// Tag ids of each of these firms.
pub async fn tags_of(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<HashMap<i64, Vec<i64>>> {
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for t in enterprise_tag::Entity::find()
            .filter(enterprise_tag::Column::EnterpriseId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.entry(t.enterprise_id).or_default().push(t.tag_id);
        }
    }
    Ok(out)
}

/// Whether the caller sees phone numbers in full.
pub fn sees_phone(ctx: &Ctx) -> bool {
    ctx.actor.can(Permission::ViewContactPhone)
}

pub fn view(
    e: enterprise::Model,
    tag_ids: &[i64],
    names: &Names,
    full_phone: bool,
) -> EnterpriseView {
    let mut tags: Vec<Named> = tag_ids
        .iter()
        .map(|id| Named {
            id: *id,
            name: names.tags.get(id).cloned().unwrap_or_default(),
        })
        .collect();
    tags.sort_by_key(|t| t.id);
    EnterpriseView {
        id: e.id,
        town_name: names.towns.get(&e.town_id).cloned().unwrap_or_default(),
        industry_group_name: names
            .groups
            .get(&e.industry_group_id)
            .cloned()
            .unwrap_or_default(),
        contact_phone: e
            .contact_phone
            .map(|p| if full_phone { p } else { mask_phone(&p) }),
        credit_code: e.credit_code,
        name: e.name,
        short_name: e.short_name,
        town_id: e.town_id,
        park: e.park,
        industry_group_id: e.industry_group_id,
        industry_code: e.industry_code,
        scale: e.scale,
        scale_overridden: e.scale_overridden,
        scale_override_reason: e.scale_override_reason,
        status: e.status,
        founded_on: e.founded_on,
        address: e.address,
        legal_rep: e.legal_rep,
        contact_person: e.contact_person,
        tags,
        created_at: e.created_at,
        updated_at: e.updated_at,
    }
}

/// What the audit log keeps of an enterprise's profile.
pub fn snapshot(e: &enterprise::Model, tag_ids: &[i64], cadre_ids: &[i64]) -> Value {
    let mut tags = tag_ids.to_vec();
    tags.sort_unstable();
    let mut cadres = cadre_ids.to_vec();
    cadres.sort_unstable();
    json!({
        "credit_code": e.credit_code,
        "name": e.name,
        "short_name": e.short_name,
        "town_id": e.town_id,
        "park": e.park,
        "industry_group_id": e.industry_group_id,
        "industry_code": e.industry_code,
        "scale": e.scale,
        "scale_overridden": e.scale_overridden,
        "scale_override_reason": e.scale_override_reason,
        "status": e.status,
        "founded_on": e.founded_on,
        "address": e.address,
        "legal_rep": e.legal_rep,
        "contact_person": e.contact_person,
        "contact_phone": e.contact_phone,
        "tag_ids": tags,
        "cadre_ids": cadres,
    })
}

/// The fields of `before` and `after` that differ, as two objects holding only those fields;
/// `None` when nothing differs.
pub fn diff_objects(before: &Value, after: &Value) -> Option<(Value, Value)> {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return (before != after).then(|| (before.clone(), after.clone()));
    };
    let mut bo = serde_json::Map::new();
    let mut ao = serde_json::Map::new();
    for (k, av) in a {
        let bv = b.get(k).unwrap_or(&Value::Null);
        if bv != av {
            bo.insert(k.clone(), bv.clone());
            ao.insert(k.clone(), av.clone());
        }
    }
    (!ao.is_empty()).then_some((Value::Object(bo), Value::Object(ao)))
}
