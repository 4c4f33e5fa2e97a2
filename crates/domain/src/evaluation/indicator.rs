//! The indicators of the 亩均效益 evaluation and how each is computed from a firm's yearly
//! figures (DESIGN.md §7, reference domain.md §1.2).

use serde::{Deserialize, Serialize};

/// One evaluation indicator. All are "higher is better".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// 亩均税收: 评价税收 ÷ 用地面积, 万元/亩.
    TaxPerMu,
    /// 亩均增加值: 工业增加值 ÷ 用地面积, 万元/亩.
    ValueAddedPerMu,
    /// 单位能耗增加值: 工业增加值 ÷ 综合能耗, 万元/吨标煤.
    ValueAddedPerEnergy,
    /// 单位排放增加值: 工业增加值 ÷ 主要污染物排放量, 万元/吨.
    ValueAddedPerEmission,
    /// 全员劳动生产率: 工业增加值 ÷ 年平均职工人数, 万元/人.
    LabourProductivity,
    /// R&D经费支出占主营业务收入之比: a ratio (0.035 = 3.5 %).
    RndIntensity,
    /// 单位电耗税收 (规下): 评价税收 ÷ 用电量, 元/千瓦时.
    TaxPerKwh,
}

impl Indicator {
    pub const ALL: [Indicator; 7] = [
        Indicator::TaxPerMu,
        Indicator::ValueAddedPerMu,
        Indicator::ValueAddedPerEnergy,
        Indicator::ValueAddedPerEmission,
        Indicator::LabourProductivity,
        Indicator::RndIntensity,
        Indicator::TaxPerKwh,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::TaxPerMu => "tax_per_mu",
            Indicator::ValueAddedPerMu => "va_per_mu",
            Indicator::ValueAddedPerEnergy => "va_per_energy",
            Indicator::ValueAddedPerEmission => "va_per_emission",
            Indicator::LabourProductivity => "labour_productivity",
            Indicator::RndIntensity => "rd_ratio",
            Indicator::TaxPerKwh => "tax_per_kwh",
        }
    }

    pub fn parse(s: &str) -> Option<Indicator> {
        Self::ALL.into_iter().find(|i| i.as_str() == s)
    }

    /// The Chinese name: 亩均税收, 亩均增加值, …
    pub fn label(self) -> &'static str {
        match self {
            Indicator::TaxPerMu => "亩均税收",
            Indicator::ValueAddedPerMu => "亩均增加值",
            Indicator::ValueAddedPerEnergy => "单位能耗增加值",
            Indicator::ValueAddedPerEmission => "单位排放增加值",
            Indicator::LabourProductivity => "全员劳动生产率",
            Indicator::RndIntensity => "R&D经费支出占主营业务收入之比",
            Indicator::TaxPerKwh => "单位电耗税收",
        }
    }

    /// The unit of the indicator's value.
    pub fn unit(self) -> &'static str {
        match self {
            Indicator::TaxPerMu | Indicator::ValueAddedPerMu => "万元/亩",
            Indicator::ValueAddedPerEnergy => "万元/吨标煤",
            Indicator::ValueAddedPerEmission => "万元/吨",
            Indicator::LabourProductivity => "万元/人",
            Indicator::RndIntensity => "",
            Indicator::TaxPerKwh => "元/千瓦时",
        }
    }

    /// The indicator's value for a firm, or `None` when a figure it needs is missing or its
    /// denominator is not positive.
    pub fn value(self, f: &FirmFigures) -> Option<f64> {
        match self.parts(f) {
            Some((n, d)) if d > 0.0 && n.is_finite() && d.is_finite() => Some(n / d),
            _ => None,
        }
    }

    /// (numerator, denominator) of the indicator in its unit, when both figures are known.
    pub fn parts(self, f: &FirmFigures) -> Option<(f64, f64)> {
        let wan = |yuan: Option<i64>| yuan.map(|y| y as f64 / 10_000.0);
        let both = |n: Option<f64>, d: Option<f64>| Some((n?, d?));
        match self {
            Indicator::TaxPerMu => both(wan(f.evaluation_tax_yuan), f.land_mu),
            Indicator::ValueAddedPerMu => both(wan(f.value_added_yuan), f.land_mu),
            Indicator::ValueAddedPerEnergy => both(wan(f.value_added_yuan), f.energy_tce),
            Indicator::ValueAddedPerEmission => both(wan(f.value_added_yuan), f.emissions_t),
            Indicator::LabourProductivity => {
                both(wan(f.value_added_yuan), f.avg_staff.map(|s| s as f64))
            }
            Indicator::RndIntensity => both(
                f.rnd_expense_yuan.map(|y| y as f64),
                f.main_revenue_yuan.map(|y| y as f64),
            ),
            Indicator::TaxPerKwh => both(
                f.evaluation_tax_yuan.map(|y| y as f64),
                f.power_kwh.map(|k| k as f64),
            ),
        }
    }
}

/// The figures of one firm and year the indicators read, as the registry stores them (money
/// in 元).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FirmFigures {
    pub main_revenue_yuan: Option<i64>,
    pub value_added_yuan: Option<i64>,
    pub evaluation_tax_yuan: Option<i64>,
    pub rnd_expense_yuan: Option<i64>,
    pub energy_tce: Option<f64>,
    pub power_kwh: Option<i64>,
    pub emissions_t: Option<f64>,
    pub avg_staff: Option<i64>,
    pub land_mu: Option<f64>,
}
