//! Planning an import of land: each row is one firm's use of one parcel (by certificate).
//! A parcel used by several firms has one row per firm, with the same parcel area.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use wujin_domain::enterprise::LandTenure;
use wujin_storage::entity::{land_parcel, parcel_use};
use wujin_xlsx::{CellError, FieldValue, MappedRow, MappedSheet, TableKind};

use super::lookup::{FirmRef, firms_by_code};
use super::types::{ChangeList, FieldChange, RowChange};
use crate::error::AppResult;
use crate::registry::scope::EnterpriseScope;

/// One firm's use of one parcel to create or change.
#[derive(Debug, Clone)]
pub struct ParcelOp {
    pub row: u32,
    pub enterprise_id: i64,
    pub certificate_no: String,
    pub parcel: Option<land_parcel::Model>,
    pub parcel_area_mu: f64,
    pub location: Option<String>,
    pub existing_use: Option<parcel_use::Model>,
    pub tenure: LandTenure,
    pub lessor: Option<String>,
    pub area_mu: f64,
    pub from_year: Option<i32>,
    pub to_year: Option<i32>,
}

fn text(r: &MappedRow, key: &str) -> Option<String> {
    match r.values.get(key) {
        Some(FieldValue::Text(s)) => Some(s.clone()),
        _ => None,
    }
}

fn real(r: &MappedRow, key: &str) -> Option<f64> {
    match r.values.get(key) {
        Some(FieldValue::Real(v)) => Some(*v),
        Some(FieldValue::Int(v)) => Some(*v as f64),
        _ => None,
    }
}

fn year(r: &MappedRow, key: &str) -> Option<i32> {
    match r.values.get(key) {
        Some(FieldValue::Int(v)) => Some(*v as i32),
        _ => None,
    }
}

fn mu(v: f64) -> String {
    format!("{}", (v * 100.0).round() / 100.0)
}

type Fields = Vec<(&'static str, Option<String>)>;

fn display(op: &ParcelOp) -> Fields {
    vec![
        ("parcel_area_mu", Some(mu(op.parcel_area_mu))),
        ("location", op.location.clone()),
        ("tenure", Some(op.tenure.label().to_string())),
        ("lessor", op.lessor.clone()),
        ("area_mu", Some(mu(op.area_mu))),
        ("from_year", op.from_year.map(|y| y.to_string())),
        ("to_year", op.to_year.map(|y| y.to_string())),
    ]
}

fn display_stored(p: &land_parcel::Model, u: &parcel_use::Model) -> Fields {
    vec![
        ("parcel_area_mu", Some(mu(p.area_mu))),
        ("location", p.location.clone()),
        (
            "tenure",
            LandTenure::parse(&u.tenure).map(|t| t.label().to_string()),
        ),
        ("lessor", u.lessor.clone()),
        ("area_mu", Some(mu(u.area_mu))),
        ("from_year", u.from_year.map(|y| y.to_string())),
        ("to_year", u.to_year.map(|y| y.to_string())),
    ]
}

pub async fn plan(
    db: &impl ConnectionTrait,
    scope: &EnterpriseScope,
    m: &MappedSheet,
    errors: &mut Vec<CellError>,
) -> AppResult<(Vec<ParcelOp>, ChangeList, usize)> {
    let codes: Vec<String> = m
        .rows
        .iter()
        .filter_map(|r| text(r, "credit_code"))
        .collect();
    let firms: HashMap<String, FirmRef> = firms_by_code(db, &codes).await?;
    let certs: Vec<String> = m
        .rows
        .iter()
        .filter_map(|r| text(r, "certificate_no"))
        .collect();
    let mut parcels: HashMap<String, land_parcel::Model> = HashMap::new();
    for chunk in certs.chunks(1_000) {
        for p in land_parcel::Entity::find()
            .filter(land_parcel::Column::CertificateNo.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            parcels.insert(p.certificate_no.clone(), p);
        }
    }
    let parcel_ids: Vec<i64> = parcels.values().map(|p| p.id).collect();
    let mut uses: HashMap<(i64, i64), parcel_use::Model> = HashMap::new();
    for chunk in parcel_ids.chunks(1_000) {
        for u in parcel_use::Entity::find()
            .filter(parcel_use::Column::ParcelId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            uses.insert((u.parcel_id, u.enterprise_id), u);
        }
    }
    // The parcel area each certificate has in this file, and the row that gave it first.
    let mut area_in_file: HashMap<String, (f64, u32)> = HashMap::new();
    let mut ops = Vec::new();
    let mut changes = ChangeList::default();
    let mut unchanged = 0;
    for r in &m.rows {
        let (Some(cert), Some(code)) = (text(r, "certificate_no"), text(r, "credit_code")) else {
            continue;
        };
        let n_errors = errors.len();
        let Some(firm) = firms.get(&code) else {
            errors.push(m.error_at(
                r.row,
                "credit_code",
                "error.import.unknown_enterprise",
                code,
            ));
            continue;
        };
        if !scope.covers_town(firm.town_id) {
            errors.push(m.error_at(
                r.row,
                "credit_code",
                "error.import.enterprise_out_of_scope",
                code,
            ));
            continue;
        }
        let parcel = parcels.get(&cert);
        let parcel_area = real(r, "parcel_area_mu").or(parcel.map(|p| p.area_mu));
        let Some(parcel_area) = parcel_area else {
            errors.push(m.error_at(r.row, "parcel_area_mu", "error.required", ""));
            continue;
        };
        match area_in_file.get(&cert) {
            Some((a, first)) if (a - parcel_area).abs() > 1e-6 => {
                errors.push(m.error_at(
                    r.row,
                    "parcel_area_mu",
                    "error.import.parcel_area_conflict",
                    first.to_string(),
                ));
            }
            Some(_) => {}
            None => {
                area_in_file.insert(cert.clone(), (parcel_area, r.row));
            }
        }
        let tenure = text(r, "tenure")
            .and_then(|t| LandTenure::parse(&t))
            .unwrap_or(LandTenure::Owned);
        let lessor = text(r, "lessor");
        if tenure == LandTenure::Leased && lessor.is_none() {
            errors.push(m.error_at(r.row, "lessor", "error.land.lessor_required", ""));
        }
        let area = real(r, "area_mu").unwrap_or(parcel_area);
        if area > parcel_area + 1e-9 {
            errors.push(m.error_at(
                r.row,
                "area_mu",
                "error.land.use_exceeds_parcel",
                mu(parcel_area),
            ));
        }
        let (from_year, to_year) = (year(r, "from_year"), year(r, "to_year"));
        if let (Some(f), Some(t)) = (from_year, to_year)
            && f > t
        {
            errors.push(m.error_at(r.row, "to_year", "error.land.years_reversed", f.to_string()));
        }
        if errors.len() > n_errors {
            continue;
        }
        let existing_use = parcel.and_then(|p| uses.get(&(p.id, firm.id))).cloned();
        let op = ParcelOp {
            row: r.row,
            enterprise_id: firm.id,
            certificate_no: cert.clone(),
            parcel: parcel.cloned(),
            parcel_area_mu: parcel_area,
            location: text(r, "location").or_else(|| parcel.and_then(|p| p.location.clone())),
            tenure,
            lessor: if tenure == LandTenure::Leased {
                lessor
            } else {
                None
            },
            area_mu: area,
            from_year,
            to_year,
            existing_use,
        };
        let new_fields = display(&op);
        let fields: Vec<FieldChange> = match (&op.parcel, &op.existing_use) {
            (Some(p), Some(u)) => display_stored(p, u)
                .into_iter()
                .zip(new_fields)
                .filter(|(a, b)| a.1 != b.1)
                .map(|((k, a), (_, b))| change(k, a, b))
                .collect(),
            _ => new_fields
                .into_iter()
                .filter(|(_, v)| v.is_some())
                .map(|(k, v)| change(k, None, v))
                .collect(),
        };
        if op.existing_use.is_some() && fields.is_empty() {
            unchanged += 1;
            continue;
        }
        let is_new = op.existing_use.is_none();
        changes.push(is_new, || RowChange {
            row: r.row,
            credit_code: code,
            name: firm.name.clone(),
            status: if op.existing_use.is_some() {
                "changed"
            } else {
                "new"
            }
            .into(),
            fields,
        });
        ops.push(op);
    }
    Ok((ops, changes, unchanged))
}

fn change(key: &str, old: Option<String>, new: Option<String>) -> FieldChange {
    FieldChange {
        field: key.to_string(),
        header: TableKind::Parcels
            .column(key)
            .map_or(key, |c| c.header)
            .to_string(),
        old,
        new,
    }
}
