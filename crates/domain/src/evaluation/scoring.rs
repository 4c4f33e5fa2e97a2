//! Scoring (计分): each item is `value ÷ benchmark × weight`, optionally capped at a multiple
//! of its weight and floored; the total is their sum. Points are kept at full precision;
//! they are rounded only for display ([`display_points`]: two decimals).

use serde::{Deserialize, Serialize};

use super::indicator::{FirmFigures, Indicator};

/// One item of a scheme: its indicator, weight and benchmark (基准值, in the indicator's unit).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ItemRule {
    pub indicator: Indicator,
    pub weight: f64,
    pub benchmark: f64,
}

/// How a set of firms (规上 or 规下) is scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoringRules {
    pub items: Vec<ItemRule>,
    /// An item scores at most this multiple of its weight (`None`: no cap).
    pub cap_multiple: Option<f64>,
    /// An item scores at least this (0 by default: a negative tax does not take points away
    /// from other items).
    pub floor: f64,
}

impl ScoringRules {
    /// Huangyan 2022's 规上 weights and benchmarks (reference domain.md §1.4), with `cap`.
    pub fn huangyan_2022_above(cap_multiple: Option<f64>) -> ScoringRules {
        use Indicator::*;
        ScoringRules {
            items: vec![
                item(TaxPerMu, 30.0, 24.097),
                item(ValueAddedPerMu, 20.0, 136.16),
                item(ValueAddedPerEnergy, 20.0, 2.694),
                item(ValueAddedPerEmission, 10.0, 4929.81),
                item(LabourProductivity, 10.0, 18.14),
                item(RndIntensity, 10.0, 0.0302),
            ],
            cap_multiple,
            floor: 0.0,
        }
    }

    /// Huangyan 2022's 规下 weights and benchmarks.
    pub fn huangyan_2022_below(cap_multiple: Option<f64>) -> ScoringRules {
        ScoringRules {
            items: vec![
                item(Indicator::TaxPerMu, 50.0, 11.5932),
                item(Indicator::TaxPerKwh, 50.0, 0.2352),
            ],
            cap_multiple,
            floor: 0.0,
        }
    }

    /// The points of one item for `value`, and whether the cap applied.
    pub fn points(&self, rule: &ItemRule, value: f64) -> (f64, bool) {
        let raw = value / rule.benchmark * rule.weight;
        let raw = raw.max(self.floor);
        match self.cap_multiple {
            Some(m) if raw > m * rule.weight => (m * rule.weight, true),
            _ => (raw, false),
        }
    }
}

fn item(indicator: Indicator, weight: f64, benchmark: f64) -> ItemRule {
    ItemRule {
        indicator,
        weight,
        benchmark,
    }
}

/// One item of a firm's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemScore {
    pub rule: ItemRule,
    /// The firm's value; `None` when a figure was missing.
    pub value: Option<f64>,
    /// Full-precision points; `None` until a missing value is filled.
    pub points: Option<f64>,
    pub capped: bool,
    /// The points are the group's average for the item (the firm's value was missing).
    pub filled_from_group_average: bool,
}

impl ItemScore {
    /// The item as arithmetic: `亩均税收 30.00 万元/亩 ÷ 基准 24.097 × 30 = 37.35`.
    pub fn explain(&self) -> String {
        let i = self.rule.indicator;
        let unit = if i.unit().is_empty() {
            String::new()
        } else {
            format!(" {}", i.unit())
        };
        match (self.value, self.points) {
            (Some(v), Some(p)) => {
                let cap = if self.capped { "（封顶）" } else { "" };
                format!(
                    "{} {}{unit} ÷ 基准 {} × {} = {}{cap}",
                    i.label(),
                    display_value(v),
                    self.rule.benchmark,
                    self.rule.weight,
                    display_points(p)
                )
            }
            (None, Some(p)) => format!("{} 缺数据，取组内平均分 {}", i.label(), display_points(p)),
            (_, None) => format!("{} 缺数据", i.label()),
        }
    }
}

/// A firm's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirmScore {
    pub items: Vec<ItemScore>,
}

impl FirmScore {
    /// The sum of the items' points (missing items count 0 until filled).
    pub fn total(&self) -> f64 {
        self.items.iter().filter_map(|i| i.points).sum()
    }
}

/// Scores one firm. Items whose value is missing have no points yet (see
/// [`fill_missing_with_group_average`]).
pub fn score_firm(rules: &ScoringRules, figures: &FirmFigures) -> FirmScore {
    FirmScore {
        items: rules
            .items
            .iter()
            .map(|rule| {
                let value = rule.indicator.value(figures);
                let (points, capped) = match value {
                    Some(v) => {
                        let (p, c) = rules.points(rule, v);
                        (Some(p), c)
                    }
                    None => (None, false),
                };
                ItemScore {
                    rule: *rule,
                    value,
                    points,
                    capped,
                    filled_from_group_average: false,
                }
            })
            .collect(),
    }
}

/// Gives every missing item the average points of the firms in the group that have it (0 when
/// none has). The average is taken over the firms in slice order, so a run is reproducible.
pub fn fill_missing_with_group_average(group: &mut [FirmScore]) {
    let Some(n_items) = group.first().map(|f| f.items.len()) else {
        return;
    };
    for i in 0..n_items {
        let known: Vec<f64> = group
            .iter()
            .filter(|f| !f.items[i].filled_from_group_average)
            .filter_map(|f| f.items[i].points)
            .collect();
        let avg = if known.is_empty() {
            0.0
        } else {
            known.iter().sum::<f64>() / known.len() as f64
        };
        for f in group.iter_mut() {
            let it = &mut f.items[i];
            if it.points.is_none() {
                it.points = Some(avg);
                it.filled_from_group_average = true;
            }
        }
    }
}

/// The smallest value of item `index`, all else equal, that lifts the total to `target`;
/// `None` when the item cannot get there (its cap, or a missing value).
pub fn value_to_reach(
    rules: &ScoringRules,
    score: &FirmScore,
    index: usize,
    target: f64,
) -> Option<f64> {
    let item = score.items.get(index)?;
    let value = item.value?;
    let current = item.points?;
    let needed = target - score.total();
    if needed <= 0.0 {
        return Some(value);
    }
    let points = current + needed;
    if let Some(m) = rules.cap_multiple
        && points > m * item.rule.weight + 1e-12
    {
        return None;
    }
    Some(points / item.rule.weight * item.rule.benchmark)
}

/// Points as shown: two decimals (the nearest, as Rust formats floats). Stored points keep
/// their full precision; only display rounds.
pub fn display_points(p: f64) -> String {
    format!("{p:.2}")
}

/// An indicator value as shown: two decimals, or four below 1 (ratios, 元/kWh).
pub fn display_value(v: f64) -> String {
    if v.abs() < 1.0 {
        format!("{v:.4}")
    } else {
        format!("{v:.2}")
    }
}
