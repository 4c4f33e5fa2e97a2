//! Bonus and penalty items (加分项 / 减分项): points added to or taken from a graded firm's
//! total for a registry tag it holds (高新技术企业, 专精特新, 未来工厂 …), each side capped.
//!
//! The adjusted total is `Σ item points + min(Σ bonuses, bonus cap) − min(Σ penalties,
//! penalty cap)`, computed before ranking. Items apply in the scheme's order; once a cap is
//! reached, later items of that side add nothing (their applied points are shown as such), so
//! the applied points of the items always add up to the adjustment.
//!
//! Defaults (reference domain.md §1.4 names green-factory and similar bonuses capped at 5 in
//! one scheme; this county's scheme uses its own tag dictionary): 未来工厂 +5, 高新技术企业 +3,
//! 专精特新 +3, bonuses capped at 10; no penalty item by default, penalties capped at 10 (the
//! −10 of an accident year, reference §1.4).

use serde::{Deserialize, Serialize};

/// One bonus (`points > 0`) or penalty (`points < 0`) for firms holding a tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdjustmentItem {
    /// The registry tag's code (`hi_tech`, `specialised`, `future_factory` …).
    pub tag: String,
    /// What the firm reads in its explanation: 高新技术企业加分.
    pub label: String,
    pub points: f64,
}

/// The bonus and penalty items of a scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdjustmentRules {
    pub items: Vec<AdjustmentItem>,
    /// Bonuses add at most this many points in all (≥ 0).
    pub bonus_cap: f64,
    /// Penalties take at most this many points in all (≥ 0).
    pub penalty_cap: f64,
}

impl Default for AdjustmentRules {
    fn default() -> Self {
        let item = |tag: &str, label: &str, points: f64| AdjustmentItem {
            tag: tag.to_string(),
            label: label.to_string(),
            points,
        };
        AdjustmentRules {
            items: vec![
                item("future_factory", "未来工厂", 5.0),
                item("hi_tech", "高新技术企业", 3.0),
                item("specialised", "专精特新", 3.0),
            ],
            bonus_cap: 10.0,
            penalty_cap: 10.0,
        }
    }
}

impl AdjustmentRules {
    /// No bonus and no penalty.
    pub fn none() -> AdjustmentRules {
        AdjustmentRules {
            items: Vec::new(),
            bonus_cap: 0.0,
            penalty_cap: 0.0,
        }
    }
}

/// One item as applied to a firm: its label and the points it actually added (negative for a
/// penalty), after the cap of its side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedAdjustment {
    pub label: String,
    /// The item's points in the scheme.
    pub points: f64,
    /// What it added to the total (equal to `points` unless the cap was reached).
    pub applied: f64,
}

/// What the items do to one firm.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Adjustments {
    pub items: Vec<AppliedAdjustment>,
    /// Points added, at most the bonus cap.
    pub bonus: f64,
    /// Points taken (a non-negative number), at most the penalty cap.
    pub penalty: f64,
}

impl Adjustments {
    /// Bonus minus penalty: what the total gains (or loses).
    pub fn net(&self) -> f64 {
        self.bonus - self.penalty
    }
}

/// The items matching `tags` (tag codes a firm holds), applied in the scheme's order.
pub fn adjust(rules: &AdjustmentRules, tags: &[String]) -> Adjustments {
    let mut out = Adjustments::default();
    // Uncapped running sums per side; each item adds the growth of the capped sum.
    let (mut bonus_sum, mut penalty_sum) = (0.0_f64, 0.0_f64);
    let bonus_cap = rules.bonus_cap.max(0.0);
    let penalty_cap = rules.penalty_cap.max(0.0);
    for item in &rules.items {
        if !item.points.is_finite() || item.points == 0.0 || !tags.contains(&item.tag) {
            continue;
        }
        let applied = if item.points > 0.0 {
            let before = bonus_sum.min(bonus_cap);
            bonus_sum += item.points;
            bonus_sum.min(bonus_cap) - before
        } else {
            let before = penalty_sum.min(penalty_cap);
            penalty_sum -= item.points;
            -(penalty_sum.min(penalty_cap) - before)
        };
        out.items.push(AppliedAdjustment {
            label: item.label.clone(),
            points: item.points,
            applied,
        });
    }
    out.bonus = bonus_sum.min(bonus_cap);
    out.penalty = penalty_sum.min(penalty_cap);
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::enterprise::Scale;
    use crate::evaluation::{
        EvaluationScheme, FirmFigures, FirmFlags, FirmInput, Reason, evaluate,
    };

    fn tags(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_default_items_add_up_to_the_cap() {
        let r = AdjustmentRules::default();
        let a = adjust(&r, &tags(&["hi_tech", "listed"]));
        assert_eq!((a.bonus, a.penalty, a.net()), (3.0, 0.0, 3.0));
        assert_eq!(a.items.len(), 1);
        assert_eq!(a.items[0].label, "高新技术企业");
        // 5 + 3 + 3 = 11, capped at 10: the last item adds 2.
        let all = adjust(&r, &tags(&["specialised", "hi_tech", "future_factory"]));
        assert_eq!(all.bonus, 10.0);
        let applied: Vec<f64> = all.items.iter().map(|i| i.applied).collect();
        assert_eq!(applied, [5.0, 3.0, 2.0]);
        assert_eq!(adjust(&r, &[]), Adjustments::default());
    }

    #[test]
    fn penalties_are_capped_on_their_own_side() {
        let r = AdjustmentRules {
            items: vec![
                AdjustmentItem {
                    tag: "a".into(),
                    label: "安全事故".into(),
                    points: -10.0,
                },
                AdjustmentItem {
                    tag: "b".into(),
                    label: "出租厂房".into(),
                    points: -5.0,
                },
                AdjustmentItem {
                    tag: "c".into(),
                    label: "绿色工厂".into(),
                    points: 4.0,
                },
            ],
            bonus_cap: 5.0,
            penalty_cap: 12.0,
        };
        let a = adjust(&r, &tags(&["a", "b", "c"]));
        assert_eq!((a.bonus, a.penalty, a.net()), (4.0, 12.0, -8.0));
        let applied: Vec<f64> = a.items.iter().map(|i| i.applied).collect();
        assert_eq!(applied, [-10.0, -2.0, 4.0]);
    }

    fn rules() -> impl Strategy<Value = AdjustmentRules> {
        (
            prop::collection::vec((0usize..6, -20.0f64..20.0), 0..8),
            0.0f64..30.0,
            0.0f64..30.0,
        )
            .prop_map(|(items, bonus_cap, penalty_cap)| AdjustmentRules {
                items: items
                    .into_iter()
                    .map(|(t, points)| AdjustmentItem {
                        tag: format!("t{t}"),
                        label: format!("项目{t}"),
                        points,
                    })
                    .collect(),
                bonus_cap,
                penalty_cap,
            })
    }

    fn held() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(0usize..6, 0..6)
            .prop_map(|v| v.into_iter().map(|t| format!("t{t}")).collect())
    }

    /// Firms of two groups with random tax and random tags.
    fn firms() -> impl Strategy<Value = Vec<FirmInput>> {
        prop::collection::vec(
            (0u8..2, 1u32..2_000, prop::collection::vec(0usize..6, 0..3)),
            2..40,
        )
        .prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (group, tax, t))| FirmInput {
                    id: i as i64 + 1,
                    scale: Scale::Above,
                    industry_group: format!("g{group}"),
                    figures: FirmFigures {
                        main_revenue_yuan: Some(300_000_000),
                        value_added_yuan: Some(50_000_000),
                        evaluation_tax_yuan: Some(i64::from(tax) * 10_000),
                        rnd_expense_yuan: Some(5_000_000),
                        energy_tce: Some(1_000.0),
                        power_kwh: Some(3_000_000),
                        emissions_t: Some(2.0),
                        avg_staff: Some(100),
                        land_mu: Some(20.0),
                    },
                    flags: FirmFlags::default(),
                    unrated: false,
                    tags: t.into_iter().map(|t| format!("t{t}")).collect(),
                })
                .collect()
        })
    }

    fn scheme(r: AdjustmentRules) -> EvaluationScheme {
        let mut s = EvaluationScheme::default_for(2024);
        s.adjustments = r;
        s
    }

    #[test]
    fn a_run_adds_the_adjustment_before_ranking_and_says_why() {
        let s = EvaluationScheme::default_for(2024);
        let mut two = firms_of(&[100, 100]);
        two[1].tags = vec!["hi_tech".into(), "listed".into()];
        let r = evaluate(&s, &two);
        assert_eq!(r[0].adjustment, 0.0);
        assert_eq!(r[1].adjustment, 3.0);
        assert_eq!(r[1].total, r[0].total + 3.0);
        assert_eq!(
            r[1].placement.unwrap().rank,
            1,
            "the bonus decides the rank"
        );
        assert!(r[1].reasons.contains(&Reason::Adjustment {
            label: "高新技术企业".into(),
            points: 3.0
        }));
        // Firms that are not ranked get no adjustment.
        two[0].unrated = true;
        two[0].tags = vec!["hi_tech".into()];
        let r = evaluate(&s, &two);
        assert_eq!(r[0].adjustment, 0.0);
        assert!(
            !r[0]
                .reasons
                .iter()
                .any(|x| matches!(x, Reason::Adjustment { .. }))
        );
    }

    fn firms_of(tax_wan: &[i64]) -> Vec<FirmInput> {
        tax_wan
            .iter()
            .enumerate()
            .map(|(i, t)| FirmInput {
                id: i as i64 + 1,
                scale: Scale::Above,
                industry_group: "g".into(),
                figures: FirmFigures {
                    evaluation_tax_yuan: Some(t * 10_000),
                    land_mu: Some(10.0),
                    ..Default::default()
                },
                flags: FirmFlags::default(),
                unrated: false,
                tags: Vec::new(),
            })
            .collect()
    }

    proptest! {
        #[test]
        fn in_a_run_a_bonus_never_lowers_a_total_and_other_groups_do_not_matter(
            r in rules(),
            fs in firms(),
            who in any::<prop::sample::Index>(),
            extra in 0.1f64..20.0,
        ) {
            let s = scheme(r.clone());
            let before = evaluate(&s, &fs);
            for (res, f) in before.iter().zip(&fs) {
                let a = adjust(&r, &f.tags);
                prop_assert!(a.bonus <= r.bonus_cap && a.penalty <= r.penalty_cap);
                prop_assert_eq!(res.adjustment, a.net());
                let shown: f64 = res.reasons.iter().filter_map(|x| match x {
                    Reason::Adjustment { points, .. } => Some(*points),
                    _ => None,
                }).sum();
                prop_assert!((shown - res.adjustment).abs() < 1e-9);
            }
            // One firm earns one more bonus: its total does not fall …
            let i = who.index(fs.len());
            let mut more = r.clone();
            more.items.push(AdjustmentItem { tag: "extra".into(), label: "加分".into(), points: extra });
            let mut lifted = fs.clone();
            lifted[i].tags.push("extra".into());
            let after = evaluate(&scheme(more), &lifted);
            prop_assert!(after[i].total >= before[i].total);
            // … and nobody of another group moves.
            for (j, f) in fs.iter().enumerate() {
                if f.industry_group != fs[i].industry_group {
                    prop_assert_eq!(&before[j], &after[j]);
                }
            }
        }

        #[test]
        fn adjustments_never_exceed_their_caps(r in rules(), t in held()) {
            let a = adjust(&r, &t);
            prop_assert!(a.bonus >= 0.0 && a.bonus <= r.bonus_cap);
            prop_assert!(a.penalty >= 0.0 && a.penalty <= r.penalty_cap);
            let sum: f64 = a.items.iter().map(|i| i.applied).sum();
            prop_assert!((sum - a.net()).abs() < 1e-9);
            for i in &a.items {
                prop_assert!(i.applied.abs() <= i.points.abs() + 1e-12);
                prop_assert!(i.applied * i.points >= 0.0);
            }
        }

        #[test]
        fn another_bonus_never_lowers_the_adjustment(r in rules(), t in held(), extra in 0.0f64..20.0) {
            let before = adjust(&r, &t).net();
            let mut more = r.clone();
            more.items.push(AdjustmentItem { tag: "bonus".into(), label: "加分".into(), points: extra });
            let mut held = t.clone();
            held.push("bonus".into());
            prop_assert!(adjust(&more, &held).net() >= before);
        }
    }
}
