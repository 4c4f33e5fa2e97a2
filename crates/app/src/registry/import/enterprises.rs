//! Planning an import of enterprises: resolve names, overlay the given values on the stored
//! profile, and list what would change, field by field.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use wujin_domain::enterprise::{EnterpriseStatus, Scale};
use wujin_storage::entity::{enterprise, enterprise_cadre, enterprise_tag};
use wujin_xlsx::{CellError, FieldValue, MappedRow, MappedSheet, TableKind};

use super::lookup::Lookup;
use super::types::{ChangeList, FieldChange, RowChange};
use crate::error::AppResult;
use crate::registry::edit::{Profile, valid_industry_code, valid_phone};
use crate::registry::scope::EnterpriseScope;

/// One firm to create or change.
#[derive(Debug, Clone)]
pub struct EnterpriseOp {
    pub row: u32,
    pub existing: Option<enterprise::Model>,
    pub old_tags: Vec<i64>,
    pub old_cadres: Vec<i64>,
    pub profile: Profile,
}

fn text(r: &MappedRow, key: &str) -> Option<String> {
    match r.values.get(key) {
        Some(FieldValue::Text(s)) => Some(s.clone()),
        Some(FieldValue::Int(i)) => Some(i.to_string()),
        Some(FieldValue::Real(f)) => Some(f.to_string()),
        _ => None,
    }
}

fn list(r: &MappedRow, key: &str) -> Option<Vec<String>> {
    match r.values.get(key) {
        Some(FieldValue::List(v)) => Some(v.clone()),
        Some(FieldValue::Text(s)) => Some(vec![s.clone()]),
        _ => None,
    }
}

/// Existing firms with these codes, and their tag and cadre links.
async fn existing_firms(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> AppResult<(
    HashMap<String, enterprise::Model>,
    HashMap<i64, Vec<i64>>,
    HashMap<i64, Vec<i64>>,
)> {
    let mut firms = HashMap::new();
    for chunk in codes.chunks(1_000) {
        for e in enterprise::Entity::find()
            .filter(enterprise::Column::CreditCode.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            firms.insert(e.credit_code.clone(), e);
        }
    }
    let ids: Vec<i64> = firms.values().map(|e| e.id).collect();
    let mut tags: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut cadres: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(1_000) {
        for t in enterprise_tag::Entity::find()
            .filter(enterprise_tag::Column::EnterpriseId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            tags.entry(t.enterprise_id).or_default().push(t.tag_id);
        }
        for c in enterprise_cadre::Entity::find()
            .filter(enterprise_cadre::Column::EnterpriseId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            cadres.entry(c.enterprise_id).or_default().push(c.user_id);
        }
    }
    for v in tags.values_mut().chain(cadres.values_mut()) {
        v.sort_unstable();
    }
    Ok((firms, tags, cadres))
}

fn profile_of(e: &enterprise::Model, tags: Vec<i64>, cadres: Vec<i64>) -> Profile {
    Profile {
        credit_code: e.credit_code.clone(),
        name: e.name.clone(),
        short_name: e.short_name.clone(),
        town_id: e.town_id,
        park: e.park.clone(),
        industry_group_id: e.industry_group_id,
        industry_code: e.industry_code.clone(),
        status: EnterpriseStatus::parse(&e.status).unwrap_or(EnterpriseStatus::Operating),
        founded_on: e.founded_on,
        address: e.address.clone(),
        legal_rep: e.legal_rep.clone(),
        contact_person: e.contact_person.clone(),
        contact_phone: e.contact_phone.clone(),
        tag_ids: tags,
        cadre_ids: cadres,
        scale_override: match (
            e.scale_overridden,
            e.scale.as_deref().and_then(Scale::parse),
        ) {
            (true, Some(s)) => Some((s, e.scale_override_reason.clone().unwrap_or_default())),
            _ => None,
        },
    }
}

/// The profile's fields as display text, for the field-by-field preview.
fn display(p: &Profile, l: &Lookup) -> Vec<(&'static str, Option<String>)> {
    let names = |ids: &[i64], f: &dyn Fn(i64) -> String| {
        (!ids.is_empty()).then(|| ids.iter().map(|i| f(*i)).collect::<Vec<_>>().join("、"))
    };
    vec![
        ("name", Some(p.name.clone())),
        ("short_name", p.short_name.clone()),
        ("town", Some(l.towns.name(p.town_id))),
        ("park", p.park.clone()),
        ("industry_group", Some(l.groups.name(p.industry_group_id))),
        ("industry_code", p.industry_code.clone()),
        ("status", Some(p.status.label().to_string())),
        ("founded_on", p.founded_on.map(|d| d.to_string())),
        ("address", p.address.clone()),
        ("legal_rep", p.legal_rep.clone()),
        ("contact_person", p.contact_person.clone()),
        ("contact_phone", p.contact_phone.clone()),
        ("tags", names(&p.tag_ids, &|i| l.tags.name(i))),
        (
            "cadres",
            names(&p.cadre_ids, &|i| {
                l.cadre_names.get(&i).cloned().unwrap_or_default()
            }),
        ),
        (
            "scale_override",
            p.scale_override
                .as_ref()
                .map(|(s, _)| s.label().to_string()),
        ),
        (
            "scale_override_reason",
            p.scale_override.as_ref().map(|(_, r)| r.clone()),
        ),
    ]
}

/// Resolves every row. Rows with an error add to `errors` and are left out.
pub async fn plan(
    db: &impl ConnectionTrait,
    scope: &EnterpriseScope,
    l: &Lookup,
    m: &MappedSheet,
    errors: &mut Vec<CellError>,
) -> AppResult<(Vec<EnterpriseOp>, ChangeList, usize)> {
    let codes: Vec<String> = m
        .rows
        .iter()
        .filter_map(|r| text(r, "credit_code"))
        .collect();
    let (firms, tags, cadres) = existing_firms(db, &codes).await?;
    let mut ops = Vec::new();
    let mut changes = ChangeList::default();
    let mut unchanged = 0;
    for r in &m.rows {
        let Some(code) = text(r, "credit_code") else {
            continue;
        };
        let before = firms.get(&code);
        let n_errors = errors.len();
        if let Some(e) = before
            && !scope.covers_town(e.town_id)
        {
            errors.push(m.error_at(
                r.row,
                "credit_code",
                "error.import.enterprise_out_of_scope",
                code.clone(),
            ));
            continue;
        }
        let old = before.map(|e| {
            profile_of(
                e,
                tags.get(&e.id).cloned().unwrap_or_default(),
                cadres.get(&e.id).cloned().unwrap_or_default(),
            )
        });
        let mut p = old.clone().unwrap_or(Profile {
            credit_code: code.clone(),
            name: String::new(),
            short_name: None,
            town_id: 0,
            park: None,
            industry_group_id: 0,
            industry_code: None,
            status: EnterpriseStatus::Operating,
            founded_on: None,
            address: None,
            legal_rep: None,
            contact_person: None,
            contact_phone: None,
            tag_ids: Vec::new(),
            cadre_ids: Vec::new(),
            scale_override: None,
        });
        if let Some(v) = text(r, "name") {
            p.name = v;
        }
        if let Some(v) = text(r, "short_name") {
            p.short_name = Some(v);
        }
        if let Some(v) = text(r, "town") {
            match l.towns.find(&v) {
                Some(id) if scope.covers_town(id) => p.town_id = id,
                Some(_) => {
                    errors.push(m.error_at(r.row, "town", "error.import.town_out_of_scope", v))
                }
                None => errors.push(m.error_at(r.row, "town", "error.import.unknown_town", v)),
            }
        }
        if let Some(v) = text(r, "park") {
            p.park = Some(v);
        }
        if let Some(v) = text(r, "industry_group") {
            match l.groups.find(&v) {
                Some(id) => p.industry_group_id = id,
                None => errors.push(m.error_at(
                    r.row,
                    "industry_group",
                    "error.import.unknown_group",
                    v,
                )),
            }
        }
        if let Some(v) = text(r, "industry_code") {
            let v = v.to_ascii_uppercase();
            if valid_industry_code(&v) {
                p.industry_code = Some(v);
            } else {
                errors.push(m.error_at(
                    r.row,
                    "industry_code",
                    "error.enterprise.industry_code_invalid",
                    v,
                ));
            }
        }
        if let Some(v) = text(r, "status") {
            match EnterpriseStatus::parse(&v) {
                Some(s) => p.status = s,
                None => {
                    errors.push(m.error_at(r.row, "status", "error.enterprise.status_invalid", v))
                }
            }
        }
        if let Some(FieldValue::Date(d)) = r.values.get("founded_on") {
            if *d > chrono::Utc::now().date_naive() {
                errors.push(m.error_at(
                    r.row,
                    "founded_on",
                    "error.enterprise.founded_in_future",
                    d.to_string(),
                ));
            } else {
                p.founded_on = Some(*d);
            }
        }
        for (key, slot) in [
            ("address", &mut p.address),
            ("legal_rep", &mut p.legal_rep),
            ("contact_person", &mut p.contact_person),
        ] {
            if let Some(v) = text(r, key) {
                *slot = Some(v);
            }
        }
        if let Some(v) = text(r, "contact_phone") {
            if valid_phone(&v) {
                p.contact_phone = Some(v);
            } else {
                errors.push(m.error_at(
                    r.row,
                    "contact_phone",
                    "error.enterprise.phone_invalid",
                    v,
                ));
            }
        }
        if let Some(names) = list(r, "tags") {
            let mut ids = Vec::new();
            for n in names {
                match l.tags.find(&n) {
                    Some(id) => ids.push(id),
                    None => errors.push(m.error_at(r.row, "tags", "error.import.unknown_tag", n)),
                }
            }
            ids.sort_unstable();
            ids.dedup();
            p.tag_ids = ids;
        }
        if let Some(names) = list(r, "cadres") {
            let mut ids = Vec::new();
            for n in names {
                match l.cadres.get(&n.to_lowercase()) {
                    Some((id, _)) => ids.push(*id),
                    None => {
                        errors.push(m.error_at(r.row, "cadres", "error.import.unknown_cadre", n))
                    }
                }
            }
            ids.sort_unstable();
            ids.dedup();
            p.cadre_ids = ids;
        }
        let reason = text(r, "scale_override_reason")
            .or_else(|| p.scale_override.as_ref().map(|(_, r)| r.clone()));
        if let Some(v) = text(r, "scale_override") {
            match (Scale::parse(&v), reason) {
                (Some(s), Some(reason)) => p.scale_override = Some((s, reason)),
                (Some(_), None) => errors.push(m.error_at(
                    r.row,
                    "scale_override_reason",
                    "error.enterprise.override_reason_required",
                    "",
                )),
                (None, _) => errors.push(m.error_at(
                    r.row,
                    "scale_override",
                    "error.enterprise.scale_invalid",
                    v,
                )),
            }
        }
        if before.is_none() {
            // A new firm needs its town and group; the columns are required, so only a cell
            // that failed to resolve leaves them unset, and that is already reported.
            if p.town_id == 0 || p.industry_group_id == 0 || p.name.is_empty() {
                if errors.len() == n_errors {
                    errors.push(m.error_at(r.row, "name", "error.required", ""));
                }
                continue;
            }
        }
        if errors.len() > n_errors {
            continue;
        }
        let new_fields = display(&p, l);
        let fields: Vec<FieldChange> = match &old {
            Some(o) => display(o, l)
                .into_iter()
                .zip(new_fields)
                .filter(|(a, b)| a.1 != b.1)
                .map(|((k, a), (_, b))| field_change(k, a, b))
                .collect(),
            None => new_fields
                .into_iter()
                .filter(|(_, v)| v.is_some())
                .map(|(k, v)| field_change(k, None, v))
                .collect(),
        };
        if before.is_some() && fields.is_empty() {
            unchanged += 1;
            continue;
        }
        let is_new = before.is_none();
        changes.push(is_new, || RowChange {
            row: r.row,
            credit_code: code.clone(),
            name: p.name.clone(),
            status: if before.is_some() { "changed" } else { "new" }.into(),
            fields,
        });
        ops.push(EnterpriseOp {
            row: r.row,
            existing: before.cloned(),
            old_tags: old.as_ref().map(|o| o.tag_ids.clone()).unwrap_or_default(),
            old_cadres: old
                .as_ref()
                .map(|o| o.cadre_ids.clone())
                .unwrap_or_default(),
            profile: p,
        });
    }
    Ok((ops, changes, unchanged))
}

fn field_change(key: &str, old: Option<String>, new: Option<String>) -> FieldChange {
    FieldChange {
        field: key.to_string(),
        header: TableKind::Enterprises
            .column(key)
            .map_or(key, |c| c.header)
            .to_string(),
        old,
        new,
    }
}
