//! Planning an import of yearly figures: find each firm by credit code, compare each given
//! value with the stored one.

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use wujin_domain::enterprise::FigureSource;
use wujin_storage::entity::yearly_figures;
use wujin_xlsx::columns::figure_value_keys;
use wujin_xlsx::{CellError, FieldValue, MappedSheet, TableKind};

use super::lookup::{FirmRef, firms_by_code};
use super::types::{ChangeList, FieldChange, RowChange};
use crate::error::AppResult;
use crate::registry::figures::{FigureKind, FigureValue, kind_of, read_value};
use crate::registry::scope::EnterpriseScope;

/// One firm-year to create or change.
#[derive(Debug, Clone)]
pub struct FigureOp {
    pub row: u32,
    pub enterprise_id: i64,
    pub year: i32,
    pub existing: Option<yearly_figures::Model>,
    /// The values that change.
    pub set: Vec<(&'static str, Option<FigureValue>)>,
    pub source: FigureSource,
}

/// A cell's value as the stored kind of `key`.
pub fn figure_value(key: &str, v: &FieldValue) -> Option<FigureValue> {
    match (kind_of(key)?, v) {
        (FigureKind::Flag, FieldValue::Flag(b)) => Some(FigureValue::Flag(*b)),
        (FigureKind::Money | FigureKind::Count, FieldValue::Int(i)) => Some(FigureValue::Int(*i)),
        (FigureKind::Money | FigureKind::Count, FieldValue::Real(r)) => {
            Some(FigureValue::Int(r.round() as i64))
        }
        (FigureKind::Quantity, FieldValue::Real(r)) => Some(FigureValue::Real(*r)),
        (FigureKind::Quantity, FieldValue::Int(i)) => Some(FigureValue::Real(*i as f64)),
        _ => None,
    }
}

/// A value as the preview shows it: money in 万元.
pub fn display(key: &str, v: Option<FigureValue>) -> Option<String> {
    let v = v?;
    Some(match (kind_of(key), v) {
        (Some(FigureKind::Money), FigureValue::Int(i)) => format!("{:.2}", i as f64 / 10_000.0),
        (_, FigureValue::Int(i)) => i.to_string(),
        (_, FigureValue::Real(r)) => format!("{}", (r * 10_000.0).round() / 10_000.0),
        (_, FigureValue::Flag(b)) => if b { "是" } else { "否" }.to_string(),
    })
}

pub async fn plan(
    db: &impl ConnectionTrait,
    scope: &EnterpriseScope,
    m: &MappedSheet,
    year: Option<i32>,
    default_source: FigureSource,
    errors: &mut Vec<CellError>,
) -> AppResult<(Vec<FigureOp>, ChangeList, usize)> {
    let codes: Vec<String> = m
        .rows
        .iter()
        .filter_map(|r| match r.values.get("credit_code") {
            Some(FieldValue::Text(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let firms: HashMap<String, FirmRef> = firms_by_code(db, &codes).await?;
    let years: HashSet<i32> = m
        .rows
        .iter()
        .filter_map(|r| match r.values.get("year") {
            Some(FieldValue::Int(y)) => Some(*y as i32),
            _ => year,
        })
        .collect();
    let ids: Vec<i64> = firms.values().map(|f| f.id).collect();
    let mut stored: HashMap<(i64, i32), yearly_figures::Model> = HashMap::new();
    for chunk in ids.chunks(2_000) {
        for f in yearly_figures::Entity::find()
            .filter(yearly_figures::Column::EnterpriseId.is_in(chunk.to_vec()))
            .filter(yearly_figures::Column::Year.is_in(years.iter().copied().collect::<Vec<_>>()))
            .all(db)
            .await?
        {
            stored.insert((f.enterprise_id, f.year), f);
        }
    }
    let keys: Vec<&'static str> = figure_value_keys().collect();
    let mut ops = Vec::new();
    let mut changes = ChangeList::default();
    let mut unchanged = 0;
    for r in &m.rows {
        let Some(FieldValue::Text(code)) = r.values.get("credit_code") else {
            continue;
        };
        let Some(firm) = firms.get(code) else {
            errors.push(m.error_at(
                r.row,
                "credit_code",
                "error.import.unknown_enterprise",
                code.clone(),
            ));
            continue;
        };
        if !scope.covers_town(firm.town_id) {
            errors.push(m.error_at(
                r.row,
                "credit_code",
                "error.import.enterprise_out_of_scope",
                code.clone(),
            ));
            continue;
        }
        let y = match r.values.get("year") {
            Some(FieldValue::Int(y)) => *y as i32,
            _ => match year {
                Some(y) => y,
                None => {
                    errors.push(m.error_at(r.row, "year", "error.required", ""));
                    continue;
                }
            },
        };
        let source = match r.values.get("source") {
            Some(FieldValue::Text(s)) => FigureSource::parse(s).unwrap_or(default_source),
            _ => default_source,
        };
        let existing = stored.get(&(firm.id, y));
        let mut set = Vec::new();
        let mut fields = Vec::new();
        let detail = changes.wants_detail();
        for key in &keys {
            let Some(v) = r.values.get(key) else { continue };
            let new = figure_value(key, v);
            let old = match existing {
                Some(e) => read_value(e, key),
                None if kind_of(key) == Some(FigureKind::Flag) => Some(FigureValue::Flag(false)),
                None => None,
            };
            if new != old || (existing.is_none() && new.is_some()) {
                if detail {
                    fields.push(FieldChange {
                        field: (*key).to_string(),
                        header: TableKind::Figures
                            .column(key)
                            .map_or(*key, |c| c.header)
                            .to_string(),
                        old: if existing.is_some() {
                            display(key, old)
                        } else {
                            None
                        },
                        new: display(key, new),
                    });
                }
                set.push((*key, new));
            }
        }
        if set.is_empty() {
            unchanged += 1;
            continue;
        }
        changes.push(existing.is_none(), || RowChange {
            row: r.row,
            credit_code: code.clone(),
            name: firm.name.clone(),
            status: if existing.is_some() { "changed" } else { "new" }.into(),
            fields,
        });
        ops.push(FigureOp {
            row: r.row,
            enterprise_id: firm.id,
            year: y,
            existing: existing.cloned(),
            set,
            source,
        });
    }
    Ok((ops, changes, unchanged))
}
