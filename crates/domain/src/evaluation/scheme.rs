//! An evaluation scheme (评价方案): the scoring rules of 规上 and 规下 firms, the class cuts,
//! who is graded, the vetoes and the treatment of unrated firms — editable as TOML.

use serde::{Deserialize, Serialize};

use super::grading::{ClassCuts, Grade, Veto};
use super::scoring::ScoringRules;

/// What each flag of a firm's figures does to its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VetoRules {
    pub safety_accident: Option<Veto>,
    pub environmental_accident: Option<Veto>,
    pub energy_task_unmet: Option<Veto>,
    pub falsified_data: Option<Veto>,
}

impl Default for VetoRules {
    fn default() -> Self {
        VetoRules {
            safety_accident: Some(Veto::AtBestC),
            environmental_accident: Some(Veto::AtBestC),
            energy_task_unmet: Some(Veto::AtBestC),
            falsified_data: Some(Veto::ForceD),
        }
    }
}

/// A year's evaluation scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationScheme {
    pub name: String,
    pub year: i32,
    pub above: ScoringRules,
    pub below: ScoringRules,
    pub cuts: ClassCuts,
    /// 规下 firms on less land are listed but not graded.
    pub below_min_land_mu: f64,
    /// Rank within scale × industry group (`true`) or within scale only.
    pub rank_by_industry_group: bool,
    pub vetoes: VetoRules,
    /// The class unrated firms (new firms, utilities, projects under construction) are
    /// managed as.
    pub unrated_as: Grade,
}

/// Why a scheme cannot be used (catalogue keys).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemeError {
    #[error("the scheme text is not valid: {0}")]
    Syntax(String),
    #[error("a scoring rule set has no item")]
    NoItems,
    #[error("an item's weight or benchmark is not positive")]
    NonPositive,
    #[error("the class cuts must rise and stay within 100 %")]
    Cuts,
    #[error("the cap must be at least 1")]
    Cap,
    #[error("the year is out of range")]
    Year,
}

impl SchemeError {
    pub fn key(&self) -> &'static str {
        match self {
            SchemeError::Syntax(_) => "error.scheme.syntax",
            SchemeError::NoItems => "error.scheme.no_items",
            SchemeError::NonPositive => "error.scheme.non_positive",
            SchemeError::Cuts => "error.scheme.cuts",
            SchemeError::Cap => "error.scheme.cap",
            SchemeError::Year => "error.scheme.year",
        }
    }
}

impl EvaluationScheme {
    /// The defaults of DESIGN.md §7 with Huangyan's 2022 benchmarks (for a first year; the
    /// platform recomputes benchmarks from the county's figures).
    pub fn default_for(year: i32) -> EvaluationScheme {
        EvaluationScheme {
            name: format!("{year}年度亩均效益综合评价"),
            year,
            above: ScoringRules::huangyan_2022_above(Some(2.0)),
            below: ScoringRules::huangyan_2022_below(Some(2.0)),
            cuts: ClassCuts::default(),
            below_min_land_mu: 3.0,
            rank_by_industry_group: true,
            vetoes: VetoRules::default(),
            unrated_as: Grade::B,
        }
    }

    pub fn validate(&self) -> Result<(), SchemeError> {
        if !(1990..=2100).contains(&self.year) {
            return Err(SchemeError::Year);
        }
        for rules in [&self.above, &self.below] {
            if rules.items.is_empty() {
                return Err(SchemeError::NoItems);
            }
            let positive = |x: f64| x.is_finite() && x > 0.0;
            if rules
                .items
                .iter()
                .any(|i| !positive(i.weight) || !positive(i.benchmark))
            {
                return Err(SchemeError::NonPositive);
            }
            if rules
                .cap_multiple
                .is_some_and(|m| !(m.is_finite() && m >= 1.0))
            {
                return Err(SchemeError::Cap);
            }
        }
        let c = &self.cuts;
        if !(c.a <= c.b && c.b <= c.c && c.c <= 10_000) {
            return Err(SchemeError::Cuts);
        }
        if !(self.below_min_land_mu.is_finite() && self.below_min_land_mu >= 0.0) {
            return Err(SchemeError::NonPositive);
        }
        Ok(())
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    pub fn from_toml(text: &str) -> Result<EvaluationScheme, SchemeError> {
        let s: EvaluationScheme =
            toml::from_str(text).map_err(|e| SchemeError::Syntax(e.message().to_string()))?;
        s.validate()?;
        Ok(s)
    }
}
