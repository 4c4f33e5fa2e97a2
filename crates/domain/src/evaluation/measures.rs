//! Class measures (差别化措施): what a class means for a firm in money — land-use tax relief
//! for A and B, electricity and water surcharges for C and D (DESIGN.md §7; reference
//! domain.md §1.7). Every rate is configurable.

use serde::{Deserialize, Serialize};

use super::grading::Grade;

/// 1 亩 in square metres.
pub const M2_PER_MU: f64 = 2_000.0 / 3.0;

/// The rates of the class measures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureRules {
    /// 城镇土地使用税 per m² and year, in 元 (depends on the land grade; set per county).
    pub land_tax_yuan_per_m2: f64,
    /// Share of the land-use tax relieved, by class (A 100 %, B 80 %).
    pub land_tax_relief: [f64; 4],
    /// Electricity surcharge in 元/kWh, by class (D 0.30).
    pub power_surcharge: [f64; 4],
    /// The D surcharge after this many consecutive years in D …
    pub power_long_d_years: u32,
    /// … is this, in 元/kWh (0.40).
    pub power_surcharge_long_d: f64,
    /// Water surcharge in 元/m³, by class (C 0.10, D 0.30).
    pub water_surcharge: [f64; 4],
}

impl Default for MeasureRules {
    fn default() -> Self {
        MeasureRules {
            land_tax_yuan_per_m2: 6.0,
            land_tax_relief: [1.0, 0.8, 0.0, 0.0],
            power_surcharge: [0.0, 0.0, 0.0, 0.30],
            power_long_d_years: 3,
            power_surcharge_long_d: 0.40,
            water_surcharge: [0.0, 0.0, 0.10, 0.30],
        }
    }
}

/// Which measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    /// 城镇土地使用税减免 (a saving for the firm).
    LandTaxRelief,
    /// 差别化电价 (a cost).
    PowerSurcharge,
    /// 差别化水价 (a cost).
    WaterSurcharge,
}

/// One measure for one firm, with the arithmetic behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    pub kind: MeasureKind,
    /// Estimated yearly amount in 元 (relief: what the firm saves; surcharge: what it pays).
    pub amount_yuan: f64,
    /// `20.00亩 × 666.67 m²/亩 × 6.00 元/m² × 80% = 64,000.00 元`, for the explanation.
    pub basis: String,
}

fn index(g: Grade) -> usize {
    match g {
        Grade::A => 0,
        Grade::B => 1,
        Grade::C => 2,
        Grade::D => 3,
    }
}

/// The measures that apply to a firm of class `grade`. `years_in_d` counts the consecutive
/// years in D up to and including this one (across runs).
pub fn measures(
    rules: &MeasureRules,
    grade: Grade,
    land_mu: Option<f64>,
    power_kwh: Option<i64>,
    water_m3: Option<i64>,
    years_in_d: u32,
) -> Vec<Measure> {
    let i = index(grade);
    let mut out = Vec::new();
    let share = rules.land_tax_relief[i];
    if share > 0.0
        && let Some(mu) = land_mu.filter(|m| *m > 0.0)
    {
        let amount = mu * M2_PER_MU * rules.land_tax_yuan_per_m2 * share;
        out.push(Measure {
            kind: MeasureKind::LandTaxRelief,
            amount_yuan: amount,
            basis: format!(
                "{mu:.2}亩 × {M2_PER_MU:.2} m²/亩 × {:.2} 元/m² × {:.0}% = {amount:.2} 元",
                rules.land_tax_yuan_per_m2,
                share * 100.0
            ),
        });
    }
    let rate = if grade == Grade::D && years_in_d >= rules.power_long_d_years {
        rules.power_surcharge_long_d
    } else {
        rules.power_surcharge[i]
    };
    if rate > 0.0
        && let Some(kwh) = power_kwh.filter(|k| *k > 0)
    {
        let amount = kwh as f64 * rate;
        out.push(Measure {
            kind: MeasureKind::PowerSurcharge,
            amount_yuan: amount,
            basis: format!("{kwh} kWh × {rate:.2} 元/kWh = {amount:.2} 元"),
        });
    }
    let rate = rules.water_surcharge[i];
    if rate > 0.0
        && let Some(m3) = water_m3.filter(|m| *m > 0)
    {
        let amount = m3 as f64 * rate;
        out.push(Measure {
            kind: MeasureKind::WaterSurcharge,
            amount_yuan: amount,
            basis: format!("{m3} m³ × {rate:.2} 元/m³ = {amount:.2} 元"),
        });
    }
    out
}

/// Consecutive years in D ending with the latest, from a firm's classes oldest first.
pub fn consecutive_years_in_d(history: &[Option<Grade>]) -> u32 {
    history
        .iter()
        .rev()
        .take_while(|g| **g == Some(Grade::D))
        .count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_and_b_save_land_tax_c_and_d_pay_surcharges() {
        let r = MeasureRules::default();
        let a = measures(&r, Grade::A, Some(30.0), Some(1_000_000), Some(5_000), 0);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].kind, MeasureKind::LandTaxRelief);
        assert!((a[0].amount_yuan - 30.0 * M2_PER_MU * 6.0).abs() < 1e-6);
        let b = measures(&r, Grade::B, Some(30.0), Some(1_000_000), Some(5_000), 0);
        assert!((b[0].amount_yuan - 96_000.0).abs() < 1e-6, "{}", b[0].basis);
        assert_eq!(
            b[0].basis,
            "30.00亩 × 666.67 m²/亩 × 6.00 元/m² × 80% = 96000.00 元"
        );
        let c = measures(&r, Grade::C, Some(30.0), Some(1_000_000), Some(5_000), 0);
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].kind, c[0].amount_yuan),
            (MeasureKind::WaterSurcharge, 500.0)
        );
        let d = measures(&r, Grade::D, Some(30.0), Some(1_000_000), Some(5_000), 1);
        let kinds: Vec<_> = d.iter().map(|m| (m.kind, m.amount_yuan)).collect();
        assert_eq!(
            kinds,
            [
                (MeasureKind::PowerSurcharge, 300_000.0),
                (MeasureKind::WaterSurcharge, 1_500.0)
            ]
        );
        // Three years running in D: the higher surcharge.
        let d3 = measures(&r, Grade::D, None, Some(1_000_000), None, 3);
        assert_eq!(d3[0].amount_yuan, 400_000.0);
    }

    #[test]
    fn years_in_d_count_back_from_the_latest() {
        use Grade::*;
        assert_eq!(
            consecutive_years_in_d(&[Some(D), Some(C), Some(D), Some(D)]),
            2
        );
        assert_eq!(consecutive_years_in_d(&[Some(D), None]), 0);
        assert_eq!(consecutive_years_in_d(&[]), 0);
    }
}
