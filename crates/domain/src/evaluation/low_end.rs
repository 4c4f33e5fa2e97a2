//! 低散乱污 candidates: the screening rules that put a firm on a town's list for 属地核实
//! (DESIGN.md §7; reference domain.md §2 and §8 `[lslw]`). A candidate is only a candidate:
//! the town confirms or rejects it.

use serde::{Deserialize, Serialize};

use crate::enterprise::Scale;

/// Which screens are on, and their thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LowEndRules {
    pub missing_permits: bool,
    pub outside_park_and_below_size: bool,
    pub no_pollution_control: bool,
    /// 亩均税收 below this many 万元/亩 (1.0); `None` switches the screen off.
    pub tax_per_mu_below_wan: Option<f64>,
    /// Class D this many years running (2); `None` switches the screen off.
    pub d_consecutive_years: Option<u32>,
}

impl Default for LowEndRules {
    fn default() -> Self {
        LowEndRules {
            missing_permits: true,
            outside_park_and_below_size: true,
            no_pollution_control: true,
            tax_per_mu_below_wan: Some(1.0),
            d_consecutive_years: Some(2),
        }
    }
}

/// What is known of a firm for the screens; `None` where the registry does not say.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LowEndFacts {
    pub missing_permits: Option<bool>,
    pub in_park: bool,
    pub scale: Option<Scale>,
    pub no_pollution_control: Option<bool>,
    /// 评价税收 ÷ 用地面积, 万元/亩.
    pub tax_per_mu_wan: Option<f64>,
    pub consecutive_years_in_d: u32,
}

/// One screen a firm meets (乱 / 散 / 污 / 低 / 连续D).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LowEndCriterion {
    /// 乱: operating without the permits it needs.
    MissingPermits,
    /// 散: outside any park and below designated size.
    OutsideParkBelowSize,
    /// 污: no pollution control.
    NoPollutionControl,
    /// 低: tax per 亩 under the threshold.
    LowTaxPerMu,
    /// Class D in consecutive years.
    RepeatedD,
}

/// The screens a firm meets; empty when it is no candidate. Unknown facts meet no screen.
pub fn low_end_criteria(rules: &LowEndRules, f: &LowEndFacts) -> Vec<LowEndCriterion> {
    let mut out = Vec::new();
    if rules.missing_permits && f.missing_permits == Some(true) {
        out.push(LowEndCriterion::MissingPermits);
    }
    if rules.outside_park_and_below_size && !f.in_park && f.scale == Some(Scale::Below) {
        out.push(LowEndCriterion::OutsideParkBelowSize);
    }
    if rules.no_pollution_control && f.no_pollution_control == Some(true) {
        out.push(LowEndCriterion::NoPollutionControl);
    }
    if let (Some(limit), Some(t)) = (rules.tax_per_mu_below_wan, f.tax_per_mu_wan)
        && t < limit
    {
        out.push(LowEndCriterion::LowTaxPerMu);
    }
    if let Some(n) = rules.d_consecutive_years
        && n > 0
        && f.consecutive_years_in_d >= n
    {
        out.push(LowEndCriterion::RepeatedD);
    }
    out
}

/// 两断三清: what closing down (关停取缔) must show before the case is closed (销号).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShutdownChecklist {
    /// 断电.
    pub power_cut: bool,
    /// 断水.
    pub water_cut: bool,
    /// 清原料.
    pub raw_materials_cleared: bool,
    /// 清产品.
    pub products_cleared: bool,
    /// 清设备.
    pub equipment_cleared: bool,
}

impl ShutdownChecklist {
    /// The items still open, by name; empty when the case may be closed.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            ("power_cut", self.power_cut),
            ("water_cut", self.water_cut),
            ("raw_materials_cleared", self.raw_materials_cleared),
            ("products_cleared", self.products_cleared),
            ("equipment_cleared", self.equipment_cleared),
        ]
        .into_iter()
        .filter(|(_, done)| !done)
        .map(|(name, _)| name)
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_screen_and_only_known_facts() {
        let r = LowEndRules::default();
        assert!(low_end_criteria(&r, &LowEndFacts::default()).is_empty());
        let f = LowEndFacts {
            missing_permits: Some(true),
            in_park: false,
            scale: Some(Scale::Below),
            no_pollution_control: Some(true),
            tax_per_mu_wan: Some(0.8),
            consecutive_years_in_d: 2,
        };
        assert_eq!(
            low_end_criteria(&r, &f),
            [
                LowEndCriterion::MissingPermits,
                LowEndCriterion::OutsideParkBelowSize,
                LowEndCriterion::NoPollutionControl,
                LowEndCriterion::LowTaxPerMu,
                LowEndCriterion::RepeatedD
            ]
        );
        let in_park = LowEndFacts {
            in_park: true,
            tax_per_mu_wan: Some(1.0),
            ..f.clone()
        };
        let c = low_end_criteria(&r, &in_park);
        assert!(!c.contains(&LowEndCriterion::OutsideParkBelowSize));
        assert!(
            !c.contains(&LowEndCriterion::LowTaxPerMu),
            "1.0 is not below 1.0"
        );
        let off = LowEndRules {
            tax_per_mu_below_wan: None,
            d_consecutive_years: None,
            ..r
        };
        assert!(!low_end_criteria(&off, &f).contains(&LowEndCriterion::RepeatedD));
    }

    #[test]
    fn closing_down_needs_the_whole_checklist() {
        let mut c = ShutdownChecklist {
            power_cut: true,
            water_cut: true,
            ..Default::default()
        };
        assert_eq!(
            c.missing(),
            [
                "raw_materials_cleared",
                "products_cleared",
                "equipment_cleared"
            ]
        );
        c.raw_materials_cleared = true;
        c.products_cleared = true;
        c.equipment_cleared = true;
        assert!(c.missing().is_empty());
    }
}
