//! An evaluation scheme (评价方案): the scoring rules of 规上 and 规下 firms, the class cuts,
//! who is graded, the vetoes and the treatment of unrated firms, the bonus and penalty items,
//! the class measures' rates and the 低散乱污 screens — editable as TOML.

use serde::{Deserialize, Serialize};

use super::adjustments::AdjustmentRules;
use super::grading::{ClassCuts, Grade, Veto};
use super::indicator::{FirmFigures, Indicator};
use super::low_end::LowEndRules;
use super::measures::MeasureRules;
use super::run::{FirmInput, county_benchmarks};
use super::scoring::ScoringRules;
use crate::enterprise::Scale;

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
    /// Days of publicity (公示) after a run is published, during which objections are filed.
    #[serde(default = "default_publicity_days")]
    pub publicity_days: u32,
    /// The class measures' rates (差别化措施).
    #[serde(default)]
    pub measures: MeasureRules,
    /// The 低散乱污 screens.
    #[serde(default)]
    pub low_end: LowEndRules,
    /// Bonus and penalty items (加分/减分项) with their caps.
    #[serde(default = "AdjustmentRules::none")]
    pub adjustments: AdjustmentRules,
}

fn default_publicity_days() -> u32 {
    7
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
    #[error("an indicator appears twice in one rule set")]
    DuplicateIndicator,
    #[error("the floor must be a finite number")]
    Floor,
    #[error("the publicity period must be 1 to 60 days")]
    PublicityDays,
    #[error("a rate or threshold must be a non-negative number")]
    Negative,
    #[error("a relief share must lie between 0 and 100 %")]
    Share,
    #[error("a number of years must be at least 1")]
    Years,
    #[error("a bonus or penalty item needs a tag code")]
    AdjustmentTag,
    #[error("a bonus or penalty item needs a label")]
    AdjustmentLabel,
    #[error("a bonus or penalty item's points must be non-zero and at most 100")]
    AdjustmentPoints,
    #[error("a tag has two bonus or penalty items")]
    DuplicateTag,
    #[error("the scheme needs a name of at most 60 characters")]
    Name,
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
            SchemeError::DuplicateIndicator => "error.scheme.duplicate_indicator",
            SchemeError::Floor => "error.scheme.floor",
            SchemeError::PublicityDays => "error.scheme.publicity_days",
            SchemeError::Negative => "error.scheme.negative",
            SchemeError::Share => "error.scheme.share",
            SchemeError::Years => "error.scheme.years",
            SchemeError::AdjustmentTag => "error.scheme.adjustment_tag",
            SchemeError::AdjustmentLabel => "error.scheme.adjustment_label",
            SchemeError::AdjustmentPoints => "error.scheme.adjustment_points",
            SchemeError::DuplicateTag => "error.scheme.duplicate_tag",
            SchemeError::Name => "error.scheme.name",
        }
    }
}

/// One problem of a scheme and where it is: a dotted path of the field (`above.items.2.weight`,
/// `measures.water_surcharge.3`, `adjustments.items.0.points` …), which forms use as field
/// names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeProblem {
    pub field: String,
    pub error: SchemeError,
}

/// The scoring rules' prefix in field paths.
pub fn scale_prefix(scale: Scale) -> &'static str {
    match scale {
        Scale::Above => "above",
        Scale::Below => "below",
    }
}

/// What [`EvaluationScheme::set_county_benchmarks`] did to one item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BenchmarkChange {
    pub scale: Scale,
    pub indicator: Indicator,
    pub before: f64,
    /// The county's value, or `None` when no firm reported both figures (the item keeps its
    /// benchmark).
    pub county: Option<f64>,
}

/// Benchmarks (基准值) from the county's own figures: each item's indicator as the aggregate
/// ratio over `firms` (see [`county_benchmarks`]). Items nobody reports keep their benchmark.
/// A county average as a benchmark is published: three decimals from 1 up (24.097, 136.160),
/// four significant digits below 1 (0.03021). The rounded figure is the benchmark, so the
/// arithmetic shown to a firm uses exactly the number it reads.
pub fn published_benchmark(b: f64) -> f64 {
    if b >= 1.0 {
        (b * 1_000.0).round() / 1_000.0
    } else if b > 0.0 {
        let scale = 10f64.powi(3 - b.log10().floor() as i32);
        (b * scale).round() / scale
    } else {
        b
    }
}

pub fn with_county_benchmarks(
    rules: &mut ScoringRules,
    firms: &[&FirmFigures],
) -> Vec<Option<f64>> {
    let indicators: Vec<Indicator> = rules.items.iter().map(|i| i.indicator).collect();
    let county: Vec<Option<f64>> = county_benchmarks(&indicators, firms)
        .into_iter()
        .map(|b| {
            b.filter(|b| b.is_finite() && *b > 0.0)
                .map(published_benchmark)
        })
        .collect();
    for (item, b) in rules.items.iter_mut().zip(&county) {
        if let Some(b) = b {
            item.benchmark = *b;
        }
    }
    county
}

fn finite_non_negative(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

impl EvaluationScheme {
    /// The defaults of DESIGN.md §7 with Huangyan's 2022 benchmarks (for a first year; the
    /// platform recomputes benchmarks from the county's figures), and the default bonus items
    /// (see [`AdjustmentRules`]).
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
            publicity_days: default_publicity_days(),
            measures: MeasureRules::default(),
            low_end: LowEndRules::default(),
            adjustments: AdjustmentRules::default(),
        }
    }

    /// The scoring rules of a scale.
    pub fn rules(&self, scale: Scale) -> &ScoringRules {
        match scale {
            Scale::Above => &self.above,
            Scale::Below => &self.below,
        }
    }

    /// Sets every benchmark to the county's value over `firms` (规上 items over 规上 firms,
    /// 规下 over 规下), and says what changed.
    pub fn set_county_benchmarks(&mut self, firms: &[FirmInput]) -> Vec<BenchmarkChange> {
        let mut out = Vec::new();
        for scale in [Scale::Above, Scale::Below] {
            let figures: Vec<&FirmFigures> = firms
                .iter()
                .filter(|f| f.scale == scale)
                .map(|f| &f.figures)
                .collect();
            let rules = match scale {
                Scale::Above => &mut self.above,
                Scale::Below => &mut self.below,
            };
            let before: Vec<f64> = rules.items.iter().map(|i| i.benchmark).collect();
            let county = with_county_benchmarks(rules, &figures);
            for ((item, before), county) in rules.items.iter().zip(before).zip(county) {
                out.push(BenchmarkChange {
                    scale,
                    indicator: item.indicator,
                    before,
                    county,
                });
            }
        }
        out
    }

    /// The first problem of the scheme, if any.
    pub fn validate(&self) -> Result<(), SchemeError> {
        match self.problems().into_iter().next() {
            Some(p) => Err(p.error),
            None => Ok(()),
        }
    }

    /// Every problem of the scheme, each with its field path, in the order of the fields.
    pub fn problems(&self) -> Vec<SchemeProblem> {
        let mut out = Vec::new();
        let mut bad = |field: String, error: SchemeError| out.push(SchemeProblem { field, error });
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            bad("name".into(), SchemeError::Name);
        }
        if !(1990..=2100).contains(&self.year) {
            bad("year".into(), SchemeError::Year);
        }
        for scale in [Scale::Above, Scale::Below] {
            let rules = self.rules(scale);
            let p = scale_prefix(scale);
            if rules.items.is_empty() {
                bad(format!("{p}.items"), SchemeError::NoItems);
            }
            let positive = |x: f64| x.is_finite() && x > 0.0;
            for (i, item) in rules.items.iter().enumerate() {
                if rules.items[..i]
                    .iter()
                    .any(|o| o.indicator == item.indicator)
                {
                    bad(
                        format!("{p}.items.{i}.indicator"),
                        SchemeError::DuplicateIndicator,
                    );
                }
                if !positive(item.weight) {
                    bad(format!("{p}.items.{i}.weight"), SchemeError::NonPositive);
                }
                if !positive(item.benchmark) {
                    bad(format!("{p}.items.{i}.benchmark"), SchemeError::NonPositive);
                }
            }
            if rules
                .cap_multiple
                .is_some_and(|m| !(m.is_finite() && m >= 1.0))
            {
                bad(format!("{p}.cap_multiple"), SchemeError::Cap);
            }
            if !rules.floor.is_finite() {
                bad(format!("{p}.floor"), SchemeError::Floor);
            }
        }
        let c = &self.cuts;
        if !(c.a <= c.b && c.b <= c.c && c.c <= 10_000) {
            bad("cuts".into(), SchemeError::Cuts);
        }
        if !finite_non_negative(self.below_min_land_mu) {
            bad("below_min_land_mu".into(), SchemeError::Negative);
        }
        if !(1..=60).contains(&self.publicity_days) {
            bad("publicity_days".into(), SchemeError::PublicityDays);
        }
        let m = &self.measures;
        if !finite_non_negative(m.land_tax_yuan_per_m2) {
            bad(
                "measures.land_tax_yuan_per_m2".into(),
                SchemeError::Negative,
            );
        }
        for (g, share) in m.land_tax_relief.iter().enumerate() {
            if !(share.is_finite() && (0.0..=1.0).contains(share)) {
                bad(format!("measures.land_tax_relief.{g}"), SchemeError::Share);
            }
        }
        for (g, rate) in m.power_surcharge.iter().enumerate() {
            if !finite_non_negative(*rate) {
                bad(
                    format!("measures.power_surcharge.{g}"),
                    SchemeError::Negative,
                );
            }
        }
        if m.power_long_d_years < 1 {
            bad("measures.power_long_d_years".into(), SchemeError::Years);
        }
        if !finite_non_negative(m.power_surcharge_long_d) {
            bad(
                "measures.power_surcharge_long_d".into(),
                SchemeError::Negative,
            );
        }
        for (g, rate) in m.water_surcharge.iter().enumerate() {
            if !finite_non_negative(*rate) {
                bad(
                    format!("measures.water_surcharge.{g}"),
                    SchemeError::Negative,
                );
            }
        }
        let l = &self.low_end;
        if l.tax_per_mu_below_wan
            .is_some_and(|t| !finite_non_negative(t))
        {
            bad("low_end.tax_per_mu_below_wan".into(), SchemeError::Negative);
        }
        if l.d_consecutive_years == Some(0) {
            bad("low_end.d_consecutive_years".into(), SchemeError::Years);
        }
        let a = &self.adjustments;
        for (i, item) in a.items.iter().enumerate() {
            let tag = item.tag.trim();
            if tag.is_empty()
                || tag.len() > 40
                || !tag
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                bad(
                    format!("adjustments.items.{i}.tag"),
                    SchemeError::AdjustmentTag,
                );
            } else if a.items[..i].iter().any(|o| o.tag.trim() == tag) {
                bad(
                    format!("adjustments.items.{i}.tag"),
                    SchemeError::DuplicateTag,
                );
            }
            if item.label.trim().is_empty() || item.label.chars().count() > 40 {
                bad(
                    format!("adjustments.items.{i}.label"),
                    SchemeError::AdjustmentLabel,
                );
            }
            if !(item.points.is_finite() && item.points != 0.0 && item.points.abs() <= 100.0) {
                bad(
                    format!("adjustments.items.{i}.points"),
                    SchemeError::AdjustmentPoints,
                );
            }
        }
        if !finite_non_negative(a.bonus_cap) {
            bad("adjustments.bonus_cap".into(), SchemeError::Negative);
        }
        if !finite_non_negative(a.penalty_cap) {
            bad("adjustments.penalty_cap".into(), SchemeError::Negative);
        }
        out
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a scheme from TOML and checks it.
    pub fn from_toml(text: &str) -> Result<EvaluationScheme, SchemeError> {
        let s = Self::read_toml(text)?;
        s.validate()?;
        Ok(s)
    }

    /// Reads a scheme from TOML without checking it; a malformed text is a `Syntax` error
    /// with the parser's message and the line it stopped at.
    pub fn read_toml(text: &str) -> Result<EvaluationScheme, SchemeError> {
        toml::from_str(text).map_err(|e| {
            let message = e.message().trim();
            SchemeError::Syntax(match e.span() {
                Some(r) => {
                    let line = text.as_bytes()[..r.start.min(text.len())]
                        .iter()
                        .filter(|b| **b == b'\n')
                        .count()
                        + 1;
                    format!("{message} (line {line})")
                }
                None => message.to_string(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::adjustments::AdjustmentItem;

    #[test]
    fn every_problem_is_found_with_its_field() {
        let mut s = EvaluationScheme::default_for(2024);
        assert_eq!(s.problems(), []);
        s.above.items[1].weight = 0.0;
        s.above.items[2].indicator = s.above.items[0].indicator;
        s.below.cap_multiple = Some(0.5);
        s.publicity_days = 0;
        s.measures.land_tax_relief[1] = 1.5;
        s.measures.water_surcharge[3] = -0.3;
        s.measures.power_long_d_years = 0;
        s.low_end.tax_per_mu_below_wan = Some(f64::NAN);
        s.low_end.d_consecutive_years = Some(0);
        s.adjustments.bonus_cap = -1.0;
        s.adjustments.penalty_cap = f64::INFINITY;
        s.adjustments.items.push(AdjustmentItem {
            tag: "hi_tech".into(),
            label: " ".into(),
            points: 0.0,
        });
        let got: Vec<(String, &str)> = s
            .problems()
            .into_iter()
            .map(|p| (p.field, p.error.key()))
            .collect();
        let want = [
            ("above.items.1.weight", "error.scheme.non_positive"),
            (
                "above.items.2.indicator",
                "error.scheme.duplicate_indicator",
            ),
            ("below.cap_multiple", "error.scheme.cap"),
            ("publicity_days", "error.scheme.publicity_days"),
            ("measures.land_tax_relief.1", "error.scheme.share"),
            ("measures.power_long_d_years", "error.scheme.years"),
            ("measures.water_surcharge.3", "error.scheme.negative"),
            ("low_end.tax_per_mu_below_wan", "error.scheme.negative"),
            ("low_end.d_consecutive_years", "error.scheme.years"),
            ("adjustments.items.3.tag", "error.scheme.duplicate_tag"),
            ("adjustments.items.3.label", "error.scheme.adjustment_label"),
            (
                "adjustments.items.3.points",
                "error.scheme.adjustment_points",
            ),
            ("adjustments.bonus_cap", "error.scheme.negative"),
            ("adjustments.penalty_cap", "error.scheme.negative"),
        ];
        assert_eq!(
            got,
            want.iter()
                .map(|(f, k)| (f.to_string(), *k))
                .collect::<Vec<_>>()
        );
        assert_eq!(s.validate(), Err(SchemeError::NonPositive));
        s.publicity_days = 61;
        assert!(
            s.problems()
                .iter()
                .any(|p| p.error == SchemeError::PublicityDays)
        );
    }

    #[test]
    fn adjustments_and_publicity_survive_toml_and_default_when_absent() {
        let s = EvaluationScheme::default_for(2024);
        let text = s.to_toml();
        assert!(text.contains("[adjustments]"), "{text}");
        assert!(text.contains("tag = \"future_factory\""), "{text}");
        assert_eq!(EvaluationScheme::from_toml(&text).unwrap(), s);
        // A scheme written before adjustments existed has none.
        let mut older: toml::Table = toml::from_str(&text).unwrap();
        older.remove("adjustments");
        let older = EvaluationScheme::from_toml(&toml::to_string(&older).unwrap()).unwrap();
        assert_eq!(older.adjustments, AdjustmentRules::none());
        let bad = text.replacen("publicity_days = 7", "publicity_days = 90", 1);
        assert_eq!(
            EvaluationScheme::from_toml(&bad).unwrap_err(),
            SchemeError::PublicityDays
        );
    }

    #[test]
    fn county_benchmarks_replace_the_reported_items_only() {
        use crate::evaluation::run::{FirmFlags, FirmInput};
        let firm = |scale, tax: i64, land: f64| FirmInput {
            id: 1,
            scale,
            industry_group: "x".into(),
            figures: FirmFigures {
                evaluation_tax_yuan: Some(tax),
                land_mu: Some(land),
                ..Default::default()
            },
            flags: FirmFlags::default(),
            unrated: false,
            tags: Vec::new(),
        };
        let mut s = EvaluationScheme::default_for(2024);
        let changes = s.set_county_benchmarks(&[
            firm(Scale::Above, 3_000_000, 10.0),
            firm(Scale::Above, 1_000_000, 30.0),
            firm(Scale::Below, 200_000, 5.0),
        ]);
        assert_eq!(s.above.items[0].benchmark, 10.0, "400万 ÷ 40亩");
        assert_eq!(s.below.items[0].benchmark, 4.0);
        assert_eq!(
            s.above.items[1].benchmark, 136.16,
            "nobody reports value added"
        );
        assert_eq!(changes.len(), 8);
        assert_eq!(changes[0].county, Some(10.0));
        assert_eq!(changes[0].before, 24.097);
        assert_eq!(changes[1].county, None);
        let mut s = EvaluationScheme::default_for(2024);
        s.set_county_benchmarks(&[firm(Scale::Above, 4_000_000, 30.0)]);
        assert_eq!(
            s.above.items[0].benchmark, 13.333,
            "400万 ÷ 30亩, as published"
        );
    }

    #[test]
    fn benchmarks_are_published_rounded() {
        assert_eq!(published_benchmark(24.09712), 24.097);
        assert_eq!(published_benchmark(4929.8149), 4929.815);
        assert_eq!(published_benchmark(0.030213), 0.03021);
        assert_eq!(published_benchmark(0.00012345), 0.0001235);
        assert_eq!(published_benchmark(1.0), 1.0);
    }
}
