//! Evaluating a year (评价运行): every firm scored under a scheme, missing items filled from
//! its group, ranked and classed within its group, vetoes and unrated firms applied — the
//! same inputs always give bit-identical results.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::adjustments::{Adjustments, adjust};
use super::grading::{Grade, Placement, Veto, apply_veto, grade_group};
use super::indicator::{FirmFigures, Indicator};
use super::scheme::EvaluationScheme;
use super::scoring::{FirmScore, ScoringRules, fill_missing_with_group_average, score_firm};
use crate::enterprise::Scale;

/// The flags of a firm's year that can veto its class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmFlags {
    pub safety_accident: bool,
    pub environmental_accident: bool,
    pub energy_task_unmet: bool,
    pub falsified_data: bool,
}

/// One firm as a run sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirmInput {
    pub id: i64,
    pub scale: Scale,
    /// Industry group code (ranking group together with the scale).
    pub industry_group: String,
    pub figures: FirmFigures,
    pub flags: FirmFlags,
    /// Not graded this year (new firm, utility, project under construction): managed as the
    /// scheme's `unrated_as`.
    pub unrated: bool,
    /// The registry tags the firm holds (codes), for the scheme's bonus and penalty items.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Why a firm's result is what it is, beyond its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// A flag vetoed the class (the flag's name, and what it did).
    Veto { flag: String, veto: Veto },
    /// The item's value was missing; it has the group's average points.
    FilledFromGroupAverage { indicator: Indicator },
    /// Unrated this year; managed as this class.
    Unrated { managed_as: Grade },
    /// 规下 on less land than the scheme grades: listed only.
    BelowLandThreshold,
    /// A bonus (`points > 0`) or penalty item of the scheme applied: the points it added to
    /// the total after its side's cap (so the items' points add up to the adjustment).
    Adjustment { label: String, points: f64 },
}

/// One firm's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirmResult {
    pub id: i64,
    /// `above/power_tools`, `below/other`, or just the scale when not ranking by group.
    pub group: String,
    pub score: FirmScore,
    /// Bonus minus penalty points (after the caps) included in `total`; 0 for firms that
    /// are not ranked.
    #[serde(default)]
    pub adjustment: f64,
    /// Full precision: the items' points plus `adjustment`.
    pub total: f64,
    /// Rank in the group; `None` for firms that are not ranked.
    pub placement: Option<Placement>,
    /// The class by rank before vetoes.
    pub grade_by_rank: Option<Grade>,
    /// The class after vetoes (or the class unrated firms are managed as); `None` when listed
    /// only.
    pub grade: Option<Grade>,
    pub reasons: Vec<Reason>,
}

fn rules(scheme: &EvaluationScheme, scale: Scale) -> &ScoringRules {
    match scale {
        Scale::Above => &scheme.above,
        Scale::Below => &scheme.below,
    }
}

fn group_key(scheme: &EvaluationScheme, f: &FirmInput) -> String {
    if scheme.rank_by_industry_group {
        format!("{}/{}", f.scale.as_str(), f.industry_group)
    } else {
        f.scale.as_str().to_string()
    }
}

fn vetoes(scheme: &EvaluationScheme, flags: &FirmFlags) -> Vec<(&'static str, Veto)> {
    let v = &scheme.vetoes;
    [
        ("safety_accident", flags.safety_accident, v.safety_accident),
        (
            "environmental_accident",
            flags.environmental_accident,
            v.environmental_accident,
        ),
        (
            "energy_task_unmet",
            flags.energy_task_unmet,
            v.energy_task_unmet,
        ),
        ("falsified_data", flags.falsified_data, v.falsified_data),
    ]
    .into_iter()
    .filter_map(|(name, set, veto)| if set { veto.map(|v| (name, v)) } else { None })
    .collect()
}

/// Evaluates every firm. Results are in the order of `firms`.
pub fn evaluate(scheme: &EvaluationScheme, firms: &[FirmInput]) -> Vec<FirmResult> {
    let mut results: Vec<FirmResult> = firms
        .iter()
        .map(|f| {
            let score = score_firm(rules(scheme, f.scale), &f.figures);
            FirmResult {
                id: f.id,
                group: group_key(scheme, f),
                adjustment: 0.0,
                total: 0.0,
                score,
                placement: None,
                grade_by_rank: None,
                grade: None,
                reasons: Vec::new(),
            }
        })
        .collect();
    // Which firms are ranked: graded ones; 规下 below the land threshold and unrated firms are
    // not.
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, f) in firms.iter().enumerate() {
        let land = f.figures.land_mu.unwrap_or(0.0);
        if f.scale == Scale::Below && land < scheme.below_min_land_mu {
            results[i].reasons.push(Reason::BelowLandThreshold);
        } else if f.unrated {
            results[i].reasons.push(Reason::Unrated {
                managed_as: scheme.unrated_as,
            });
            results[i].grade = Some(scheme.unrated_as);
        } else {
            groups.entry(results[i].group.clone()).or_default().push(i);
        }
    }
    for members in groups.values() {
        let mut scores: Vec<FirmScore> =
            members.iter().map(|&i| results[i].score.clone()).collect();
        fill_missing_with_group_average(&mut scores);
        let adjustments: Vec<Adjustments> = members
            .iter()
            .map(|&i| adjust(&scheme.adjustments, &firms[i].tags))
            .collect();
        let totals: Vec<f64> = scores
            .iter()
            .zip(&adjustments)
            .map(|(s, a)| s.total() + a.net())
            .collect();
        let placements = grade_group(&totals, &scheme.cuts);
        for (((&i, score), placement), adj) in
            members.iter().zip(scores).zip(placements).zip(adjustments)
        {
            let r = &mut results[i];
            for item in &score.items {
                if item.filled_from_group_average {
                    r.reasons.push(Reason::FilledFromGroupAverage {
                        indicator: item.rule.indicator,
                    });
                }
            }
            r.adjustment = adj.net();
            for a in adj.items {
                r.reasons.push(Reason::Adjustment {
                    label: a.label,
                    points: a.applied,
                });
            }
            r.score = score;
            r.placement = Some(placement);
            r.grade_by_rank = Some(placement.grade);
            let mut grade = placement.grade;
            for (flag, veto) in vetoes(scheme, &firms[i].flags) {
                grade = apply_veto(grade, Some(veto));
                r.reasons.push(Reason::Veto {
                    flag: flag.to_string(),
                    veto,
                });
            }
            r.grade = Some(grade);
        }
    }
    for r in &mut results {
        r.total = r.score.total() + r.adjustment;
    }
    results
}

/// County benchmarks (基准值) for a scale: each indicator's aggregate ratio over the firms
/// that have both figures (Σ numerator ÷ Σ denominator, e.g. total tax ÷ total land).
pub fn county_benchmarks(indicators: &[Indicator], firms: &[&FirmFigures]) -> Vec<Option<f64>> {
    indicators
        .iter()
        .map(|ind| {
            let (mut num, mut den) = (0.0, 0.0);
            for f in firms {
                if let Some((n, d)) = ind.parts(f)
                    && d > 0.0
                {
                    num += n;
                    den += d;
                }
            }
            (den > 0.0).then_some(num / den)
        })
        .collect()
}
