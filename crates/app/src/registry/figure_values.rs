//! The stored yearly figures as values: which figures exist and how each is kept, reading
//! and writing them by key, and the source stamp each carries.

use std::collections::BTreeMap;

use sea_orm::Set;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wujin_domain::enterprise::FigureSource;
use wujin_storage::entity::yearly_figures;

use crate::context::Actor;
use crate::now;

/// How a figure is stored and entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    /// 元 stored, 万元 entered and shown.
    Money,
    /// A whole count (kWh, m³, persons).
    Count,
    /// A decimal quantity (tce, t, 亩).
    Quantity,
    /// 是/否.
    Flag,
}

/// The stored figures in display order: (key, kind).
pub const FIGURES: &[(&str, FigureKind)] = &[
    ("main_revenue_yuan", FigureKind::Money),
    ("sales_revenue_yuan", FigureKind::Money),
    ("output_value_yuan", FigureKind::Money),
    ("value_added_yuan", FigureKind::Money),
    ("evaluation_tax_yuan", FigureKind::Money),
    ("rnd_expense_yuan", FigureKind::Money),
    ("energy_tce", FigureKind::Quantity),
    ("power_kwh", FigureKind::Count),
    ("water_m3", FigureKind::Count),
    ("emissions_t", FigureKind::Quantity),
    ("avg_staff", FigureKind::Count),
    ("land_mu", FigureKind::Quantity),
    ("safety_accident", FigureKind::Flag),
    ("environmental_accident", FigureKind::Flag),
    ("energy_task_unmet", FigureKind::Flag),
    ("falsified_data", FigureKind::Flag),
];

pub fn kind_of(key: &str) -> Option<FigureKind> {
    FIGURES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, kind)| *kind)
}

/// One stored value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FigureValue {
    Int(i64),
    Real(f64),
    Flag(bool),
}

impl FigureValue {
    pub fn to_json(self) -> Value {
        match self {
            FigureValue::Int(i) => json!(i),
            FigureValue::Real(r) => json!(r),
            FigureValue::Flag(b) => json!(b),
        }
    }
}

/// The value of `key` in a stored row (`None` when blank).
pub fn read_value(m: &yearly_figures::Model, key: &str) -> Option<FigureValue> {
    use FigureValue::*;
    match key {
        "main_revenue_yuan" => m.main_revenue_yuan.map(Int),
        "sales_revenue_yuan" => m.sales_revenue_yuan.map(Int),
        "output_value_yuan" => m.output_value_yuan.map(Int),
        "value_added_yuan" => m.value_added_yuan.map(Int),
        "evaluation_tax_yuan" => m.evaluation_tax_yuan.map(Int),
        "rnd_expense_yuan" => m.rnd_expense_yuan.map(Int),
        "energy_tce" => m.energy_tce.map(Real),
        "power_kwh" => m.power_kwh.map(Int),
        "water_m3" => m.water_m3.map(Int),
        "emissions_t" => m.emissions_t.map(Real),
        "avg_staff" => m.avg_staff.map(Int),
        "land_mu" => m.land_mu.map(Real),
        "safety_accident" => Some(Flag(m.safety_accident)),
        "environmental_accident" => Some(Flag(m.environmental_accident)),
        "energy_task_unmet" => Some(Flag(m.energy_task_unmet)),
        "falsified_data" => Some(Flag(m.falsified_data)),
        _ => None,
    }
}

fn int(v: Option<FigureValue>) -> Option<i64> {
    match v {
        Some(FigureValue::Int(i)) => Some(i),
        Some(FigureValue::Real(r)) => Some(r.round() as i64),
        _ => None,
    }
}

fn real(v: Option<FigureValue>) -> Option<f64> {
    match v {
        Some(FigureValue::Real(r)) => Some(r),
        Some(FigureValue::Int(i)) => Some(i as f64),
        _ => None,
    }
}

fn flag(v: Option<FigureValue>) -> bool {
    matches!(v, Some(FigureValue::Flag(true)))
}

/// Sets `key` on a row being written (a blank flag is "no").
pub fn write_value(m: &mut yearly_figures::ActiveModel, key: &str, v: Option<FigureValue>) {
    match key {
        "main_revenue_yuan" => m.main_revenue_yuan = Set(int(v)),
        "sales_revenue_yuan" => m.sales_revenue_yuan = Set(int(v)),
        "output_value_yuan" => m.output_value_yuan = Set(int(v)),
        "value_added_yuan" => m.value_added_yuan = Set(int(v)),
        "evaluation_tax_yuan" => m.evaluation_tax_yuan = Set(int(v)),
        "rnd_expense_yuan" => m.rnd_expense_yuan = Set(int(v)),
        "energy_tce" => m.energy_tce = Set(real(v)),
        "power_kwh" => m.power_kwh = Set(int(v)),
        "water_m3" => m.water_m3 = Set(int(v)),
        "emissions_t" => m.emissions_t = Set(real(v)),
        "avg_staff" => m.avg_staff = Set(int(v)),
        "land_mu" => m.land_mu = Set(real(v)),
        "safety_accident" => m.safety_accident = Set(flag(v)),
        "environmental_accident" => m.environmental_accident = Set(flag(v)),
        "energy_task_unmet" => m.energy_task_unmet = Set(flag(v)),
        "falsified_data" => m.falsified_data = Set(flag(v)),
        _ => {}
    }
}

/// Who loaded a figure, from where, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceStamp {
    /// `FigureSource::as_str`.
    pub source: String,
    pub by: String,
    pub at: String,
}

pub fn parse_sources(json: &str) -> BTreeMap<String, SourceStamp> {
    serde_json::from_str(json).unwrap_or_default()
}

pub fn stamp(actor: &Actor, source: FigureSource) -> SourceStamp {
    SourceStamp {
        source: source.as_str().to_string(),
        by: actor.username.clone(),
        at: crate::audit::format_at(now()),
    }
}

/// A new, empty row for `enterprise_id` and `year`.
pub fn blank_row(enterprise_id: i64, year: i32) -> yearly_figures::ActiveModel {
    let t = now();
    let mut m = yearly_figures::ActiveModel {
        enterprise_id: Set(enterprise_id),
        year: Set(year),
        sources_json: Set("{}".into()),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    };
    for (k, _) in FIGURES {
        write_value(&mut m, k, None);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::IntoActiveModel;

    #[test]
    fn every_figure_reads_back_what_was_written() {
        let t = now();
        let mut m = yearly_figures::Model {
            id: 1,
            enterprise_id: 1,
            year: 2024,
            main_revenue_yuan: None,
            sales_revenue_yuan: None,
            output_value_yuan: None,
            value_added_yuan: None,
            evaluation_tax_yuan: None,
            rnd_expense_yuan: None,
            energy_tce: None,
            power_kwh: None,
            water_m3: None,
            emissions_t: None,
            avg_staff: None,
            land_mu: None,
            safety_accident: false,
            environmental_accident: false,
            energy_task_unmet: false,
            falsified_data: false,
            sources_json: "{}".into(),
            created_at: t,
            updated_at: t,
        };
        for (i, (k, kind)) in FIGURES.iter().enumerate() {
            let v = match kind {
                FigureKind::Money | FigureKind::Count => FigureValue::Int(i as i64 + 7),
                FigureKind::Quantity => FigureValue::Real(i as f64 + 0.5),
                FigureKind::Flag => FigureValue::Flag(true),
            };
            let mut am = m.clone().into_active_model();
            write_value(&mut am, k, Some(v));
            m = yearly_figures::Model {
                main_revenue_yuan: am.main_revenue_yuan.clone().unwrap(),
                sales_revenue_yuan: am.sales_revenue_yuan.clone().unwrap(),
                output_value_yuan: am.output_value_yuan.clone().unwrap(),
                value_added_yuan: am.value_added_yuan.clone().unwrap(),
                evaluation_tax_yuan: am.evaluation_tax_yuan.clone().unwrap(),
                rnd_expense_yuan: am.rnd_expense_yuan.clone().unwrap(),
                energy_tce: am.energy_tce.clone().unwrap(),
                power_kwh: am.power_kwh.clone().unwrap(),
                water_m3: am.water_m3.clone().unwrap(),
                emissions_t: am.emissions_t.clone().unwrap(),
                avg_staff: am.avg_staff.clone().unwrap(),
                land_mu: am.land_mu.clone().unwrap(),
                safety_accident: am.safety_accident.clone().unwrap(),
                environmental_accident: am.environmental_accident.clone().unwrap(),
                energy_task_unmet: am.energy_task_unmet.clone().unwrap(),
                falsified_data: am.falsified_data.clone().unwrap(),
                ..m
            };
            assert_eq!(read_value(&m, k), Some(v), "{k}");
        }
    }
}
