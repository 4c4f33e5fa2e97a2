//! Explaining a firm's class (分类说明): where its rank stands against the class cuts of its
//! group, the boundary of the next class up, and — for each single indicator, every other
//! figure and every other firm's total held as they are — the smallest value that reaches
//! that boundary.
//!
//! The boundary of a class in a group is the lowest total in the group that still got that
//! class by rank. A firm whose total reaches it shares (at least) that firm's rank, so it gets
//! the class; a firm below it ranks behind every firm that holds the class, so it does not.
//!
//! Values are shown rounded; a lift is shown rounded *up* to the shown precision (two decimals,
//! four below 1, as [`display_value`](super::scoring::display_value)), so the value on the page
//! is the smallest shown value that really reaches the boundary.

use serde::{Deserialize, Serialize};

use super::grading::{ClassCuts, Grade, Veto, apply_veto};
use super::scoring::{FirmScore, ScoringRules, value_to_reach};

/// A firm's place in its group against the class cuts ("组内排名前 18.2%，A 类线为前 20%").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub rank: usize,
    pub group_size: usize,
    /// rank ÷ group size (0.182 = the top 18.2 %).
    pub share: f64,
    /// The class by rank (before vetoes).
    pub grade: Grade,
    /// The cut of the class above, in basis points (`None` for A): the firm ranks behind it.
    pub cut_above: Option<u32>,
    /// The class's own cut in basis points (`None` for D, which takes the rest).
    pub cut: Option<u32>,
}

fn cut_of(cuts: &ClassCuts, g: Grade) -> Option<u32> {
    match g {
        Grade::A => Some(cuts.a),
        Grade::B => Some(cuts.b),
        Grade::C => Some(cuts.c),
        Grade::D => None,
    }
}

/// Where rank `rank` (1-based) of a group of `group_size` stands against `cuts`.
pub fn standing(cuts: &ClassCuts, rank: usize, group_size: usize) -> Standing {
    let n = group_size.max(1);
    let grade = cuts.grade(rank, n);
    Standing {
        rank,
        group_size,
        share: rank as f64 / n as f64,
        grade,
        cut_above: grade.better().and_then(|b| cut_of(cuts, b)),
        cut: cut_of(cuts, grade),
    }
}

/// The class a firm could move up to, and what its total must reach.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// Already A.
    Top,
    /// Not ranked (listed only, or unrated and managed as a class): a score does not move it.
    NotRanked,
    /// A veto keeps the class where it is whatever the score.
    Vetoed { veto: Veto },
    /// Nobody in the group holds a better class by rank (the group is too small for the
    /// cuts), so no score moves the firm up.
    NoneInGroup { better: Grade },
    /// Reaching `boundary` (a total) gives `better` (after vetoes); `gap` is how far the total
    /// is from it.
    Boundary {
        better: Grade,
        boundary: f64,
        gap: f64,
    },
}

/// The next boundary up in a group for a firm of class `grade` (by rank): among the group's
/// firms (total, class by rank) holding a better class, the nearest such class and the lowest
/// total that got it. Usually the class just above; when that class is empty in the group
/// (a small group), the one above it.
pub fn next_boundary(
    group: impl IntoIterator<Item = (f64, Option<Grade>)>,
    grade: Grade,
) -> Option<(Grade, f64)> {
    let mut best: Option<(Grade, f64)> = None;
    for (t, g) in group {
        let Some(g) = g.filter(|g| *g < grade) else {
            continue;
        };
        if t.is_nan() {
            continue;
        }
        best = match best {
            None => Some((g, t)),
            Some((bg, bt)) if g > bg || (g == bg && t < bt) => Some((g, t)),
            keep => keep,
        };
    }
    best
}

/// The next class up for a firm whose class is `grade` by rank (before vetoes) with `total`;
/// `next` gives the next boundary of its group (see [`next_boundary`]). `ranked` is false for
/// firms that are listed only or unrated.
pub fn target(
    ranked: bool,
    grade: Option<Grade>,
    vetoes: &[Veto],
    total: f64,
    next: impl FnOnce(Grade) -> Option<(Grade, f64)>,
) -> Target {
    let Some(grade) = grade.filter(|_| ranked) else {
        return Target::NotRanked;
    };
    let after_vetoes = |g: Grade| vetoes.iter().fold(g, |g, v| apply_veto(g, Some(*v)));
    let Some(better) = after_vetoes(grade).better() else {
        return Target::Top;
    };
    // A veto that keeps the better class out of reach decides (forcing D before holding at C).
    let blocking: Vec<Veto> = vetoes
        .iter()
        .copied()
        .filter(|v| apply_veto(better, Some(*v)) != better)
        .collect();
    if let Some(&veto) = blocking
        .iter()
        .find(|v| **v == Veto::ForceD)
        .or(blocking.first())
    {
        return Target::Vetoed { veto };
    }
    match next(grade) {
        Some((class, boundary)) => Target::Boundary {
            better: after_vetoes(class),
            boundary,
            gap: (boundary - total).max(0.0),
        },
        None => Target::NoneInGroup { better },
    }
}

/// What one indicator would need for the firm to reach a boundary, all else equal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Lift {
    /// Raise the value from `from` to `to`: `to` is the smallest value at the shown precision
    /// that reaches the boundary (`exact` is the unrounded one).
    Reach { from: f64, to: f64, exact: f64 },
    /// The item is capped at `max_points`: even there the total stays short of the boundary.
    Capped { max_points: f64 },
    /// The value is missing (the item has the group's average points); the figure has to be
    /// reported first.
    Missing,
}

/// The shown precision of a value: hundredths, or ten-thousandths below 1.
pub fn display_unit(v: f64) -> f64 {
    if v.abs() < 1.0 { 1e-4 } else { 1e-2 }
}

/// The firm's total with item `index` at `value` (the other items as they are), summed in the
/// same order as [`FirmScore::total`], plus `adjustment` (the bonus and penalty points of the
/// scheme, which no indicator changes).
pub fn total_with(
    rules: &ScoringRules,
    score: &FirmScore,
    adjustment: f64,
    index: usize,
    value: f64,
) -> f64 {
    let items: f64 = score
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| {
            if i == index {
                Some(rules.points(&it.rule, value).0)
            } else {
                it.points
            }
        })
        .sum();
    items + adjustment
}

/// The smallest value of item `index` (all else equal) whose total — the items' points plus
/// `adjustment` — reaches `boundary`.
pub fn lift(
    rules: &ScoringRules,
    score: &FirmScore,
    adjustment: f64,
    index: usize,
    boundary: f64,
) -> Lift {
    let Some(item) = score.items.get(index) else {
        return Lift::Missing;
    };
    let (Some(from), Some(current)) = (item.value, item.points) else {
        return Lift::Missing;
    };
    if item.filled_from_group_average {
        return Lift::Missing;
    }
    let reaches = |v: f64| total_with(rules, score, adjustment, index, v) >= boundary;
    if reaches(from) {
        return Lift::Reach {
            from,
            to: from,
            exact: from,
        };
    }
    if let Some(m) = rules.cap_multiple {
        let max_points = m * item.rule.weight;
        if score.total() - current + max_points + adjustment < boundary {
            return Lift::Capped { max_points };
        }
    }
    let Some(mut exact) = value_to_reach(rules, score, index, boundary - adjustment) else {
        return Lift::Capped {
            max_points: rules.cap_multiple.unwrap_or(f64::INFINITY) * item.rule.weight,
        };
    };
    // Division and summation round: step up until the total really reaches the boundary.
    let mut step = (exact.abs() * f64::EPSILON).max(f64::MIN_POSITIVE);
    for _ in 0..1100 {
        if reaches(exact) {
            break;
        }
        exact += step;
        step *= 2.0;
    }
    if !reaches(exact) {
        return Lift::Capped {
            max_points: rules.cap_multiple.unwrap_or(f64::INFINITY) * item.rule.weight,
        };
    }
    // Shown rounded up to its precision: the smallest shown value that reaches.
    let unit = display_unit(exact);
    let scale = 1.0 / unit;
    let mut to = (exact * scale).ceil() / scale;
    for _ in 0..4 {
        if reaches(to - unit) {
            to -= unit;
        } else {
            break;
        }
    }
    for _ in 0..4 {
        if reaches(to) {
            break;
        }
        to += unit;
    }
    if !reaches(to) {
        to = exact;
    }
    Lift::Reach { from, to, exact }
}

/// Every item's lift towards `boundary`.
pub fn lifts(rules: &ScoringRules, score: &FirmScore, adjustment: f64, boundary: f64) -> Vec<Lift> {
    (0..score.items.len())
        .map(|i| lift(rules, score, adjustment, i, boundary))
        .collect()
}

/// A share in basis points as a percentage for people: `2000` → `20`, `2050` → `20.5`.
pub fn cut_percent(bp: u32) -> String {
    let whole = bp / 100;
    let frac = bp % 100;
    if frac == 0 {
        whole.to_string()
    } else if frac.is_multiple_of(10) {
        format!("{whole}.{}", frac / 10)
    } else {
        format!("{whole}.{frac:02}")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::evaluation::grading::grade_group;
    use crate::evaluation::indicator::FirmFigures;
    use crate::evaluation::scoring::score_firm;

    fn firm(tax_wan: i64, va_wan: i64, land: f64) -> FirmFigures {
        FirmFigures {
            main_revenue_yuan: Some(200_000_000),
            value_added_yuan: Some(va_wan * 10_000),
            evaluation_tax_yuan: Some(tax_wan * 10_000),
            rnd_expense_yuan: Some(5_000_000),
            energy_tce: Some(1_500.0),
            power_kwh: Some(3_000_000),
            emissions_t: Some(1.0),
            avg_staff: Some(250),
            land_mu: Some(land),
        }
    }

    #[test]
    fn standing_names_the_cuts_around_the_rank() {
        let cuts = ClassCuts::default();
        let s = standing(&cuts, 2, 11);
        assert_eq!(s.grade, Grade::A);
        assert!((s.share - 2.0 / 11.0).abs() < 1e-12);
        assert_eq!((s.cut_above, s.cut), (None, Some(2_000)));
        let s = standing(&cuts, 5, 10);
        assert_eq!(
            (s.grade, s.cut_above, s.cut),
            (Grade::B, Some(2_000), Some(7_000))
        );
        let s = standing(&cuts, 10, 10);
        assert_eq!((s.grade, s.cut_above, s.cut), (Grade::D, Some(9_500), None));
        assert_eq!(cut_percent(2_000), "20");
        assert_eq!(cut_percent(2_050), "20.5");
        assert_eq!(cut_percent(2_055), "20.55");
        assert_eq!(cut_percent(205), "2.05");
    }

    #[test]
    fn the_boundary_is_the_lowest_total_of_the_nearest_better_class() {
        let g = [
            (90.0, Some(Grade::A)),
            (80.0, Some(Grade::A)),
            (79.0, Some(Grade::B)),
            (70.0, Some(Grade::B)),
            (10.0, None),
            (5.0, Some(Grade::D)),
        ];
        assert_eq!(next_boundary(g, Grade::B), Some((Grade::A, 80.0)));
        assert_eq!(next_boundary(g, Grade::C), Some((Grade::B, 70.0)));
        // No C in the group: a D firm has to reach B.
        assert_eq!(next_boundary(g, Grade::D), Some((Grade::B, 70.0)));
        assert_eq!(next_boundary(g, Grade::A), None);
    }

    #[test]
    fn targets_respect_top_vetoes_and_empty_classes() {
        let b = |g: Grade| g.better().map(|b| (b, 50.0));
        assert_eq!(target(true, Some(Grade::A), &[], 60.0, b), Target::Top);
        assert_eq!(
            target(false, Some(Grade::B), &[], 60.0, b),
            Target::NotRanked
        );
        assert_eq!(target(true, None, &[], 60.0, b), Target::NotRanked);
        assert_eq!(
            target(true, Some(Grade::C), &[Veto::AtBestC], 40.0, b),
            Target::Vetoed {
                veto: Veto::AtBestC
            }
        );
        // At best C does not stop a D from becoming C.
        assert_eq!(
            target(true, Some(Grade::D), &[Veto::AtBestC], 40.0, b),
            Target::Boundary {
                better: Grade::C,
                boundary: 50.0,
                gap: 10.0
            }
        );
        assert_eq!(
            target(
                true,
                Some(Grade::D),
                &[Veto::AtBestC, Veto::ForceD],
                40.0,
                b
            ),
            Target::Vetoed { veto: Veto::ForceD }
        );
        assert_eq!(
            target(true, Some(Grade::D), &[Veto::AtBestC], 40.0, |_| Some((
                Grade::B,
                50.0
            ))),
            Target::Boundary {
                better: Grade::C,
                boundary: 50.0,
                gap: 10.0
            }
        );
        assert_eq!(
            target(true, Some(Grade::B), &[], 40.0, |_| None),
            Target::NoneInGroup { better: Grade::A }
        );
    }

    #[test]
    fn a_capped_item_cannot_get_there_and_a_missing_one_must_be_reported() {
        let rules = ScoringRules::huangyan_2022_above(Some(2.0));
        let mut s = score_firm(&rules, &firm(300, 4_500, 30.0));
        let total = s.total();
        // R&D is 10 points at most 20: 30 more points are out of its reach.
        assert_eq!(
            lift(&rules, &s, 0.0, 5, total + 30.0),
            Lift::Capped { max_points: 20.0 }
        );
        // 亩均税收 (30 points, at most 60) can add 30 from 12.45.
        match lift(&rules, &s, 0.0, 0, total + 30.0) {
            Lift::Reach { from, to, .. } => {
                assert!((from - 10.0).abs() < 1e-12);
                assert!(to > from);
                assert!(total_with(&rules, &s, 0.0, 0, to) >= total + 30.0);
                assert!(total_with(&rules, &s, 0.0, 0, to - 0.01) < total + 30.0);
            }
            other => panic!("{other:?}"),
        }
        // A bonus counts towards the boundary: 5 bonus points leave 25 to find.
        match lift(&rules, &s, 5.0, 0, total + 30.0) {
            Lift::Reach { to, .. } => {
                assert!(total_with(&rules, &s, 5.0, 0, to) >= total + 30.0);
                assert!(total_with(&rules, &s, 5.0, 0, to - 0.01) < total + 30.0);
                assert!((to - (10.0 + 25.0 / 30.0 * 24.097)).abs() < 0.011, "{to}");
            }
            other => panic!("{other:?}"),
        }
        s.items[3].value = None;
        s.items[3].filled_from_group_average = true;
        assert_eq!(lift(&rules, &s, 0.0, 3, total + 1.0), Lift::Missing);
        // Already there: nothing to change.
        assert_eq!(
            lift(&rules, &s, 0.0, 0, total - 1.0),
            Lift::Reach {
                from: 10.0,
                to: 10.0,
                exact: 10.0
            }
        );
    }

    fn figures() -> impl Strategy<Value = FirmFigures> {
        (
            1u32..100_000,
            1u32..100_000,
            0u32..10_000,
            0u32..5_000,
            1u32..100_000,
            1u32..1_000,
            1u32..5_000,
            1u32..500,
        )
            .prop_map(|(rev, va, tax, rnd, tce, em, staff, land)| FirmFigures {
                main_revenue_yuan: Some(i64::from(rev) * 10_000),
                value_added_yuan: Some(i64::from(va) * 10_000),
                evaluation_tax_yuan: Some(i64::from(tax) * 10_000),
                rnd_expense_yuan: Some(i64::from(rnd) * 10_000),
                energy_tce: Some(f64::from(tce)),
                power_kwh: Some(i64::from(tce) * 3_000),
                emissions_t: Some(f64::from(em) / 10.0),
                avg_staff: Some(i64::from(staff)),
                land_mu: Some(f64::from(land)),
            })
    }

    proptest! {
        /// In a re-graded group (every other total as it was), the firm lifted to the shown
        /// value gets the better class, and one shown unit less does not; an item reported as
        /// capped really cannot get there.
        #[test]
        fn a_lift_reaches_the_next_class_and_one_unit_less_does_not(
            group in prop::collection::vec(figures(), 2..40),
            pick in 0usize..40,
            cap in prop::option::of(1.5f64..3.0),
            adjustment in prop::option::of(-10.0f64..5.0),
        ) {
            let rules = ScoringRules::huangyan_2022_above(cap);
            let cuts = ClassCuts::default();
            let scores: Vec<FirmScore> = group.iter().map(|f| score_firm(&rules, f)).collect();
            let me = pick % group.len();
            // The picked firm may carry bonus or penalty points.
            let adj = adjustment.unwrap_or(0.0);
            let mut totals: Vec<f64> = scores.iter().map(FirmScore::total).collect();
            totals[me] += adj;
            let placements = grade_group(&totals, &cuts);
            let grade = placements[me].grade;
            let members = totals.iter().zip(&placements).map(|(t, p)| (*t, Some(p.grade)));
            let t = target(true, Some(grade), &[], totals[me], |g| next_boundary(members, g));
            let regrade = |index: usize, value: f64| {
                let mut ts = totals.clone();
                ts[me] = total_with(&rules, &scores[me], adj, index, value);
                grade_group(&ts, &cuts)[me].grade
            };
            match t {
                Target::Top => prop_assert_eq!(grade, Grade::A),
                Target::NoneInGroup { better } => {
                    // Even first place does not give the better class in this group.
                    prop_assert!(cuts.grade(1, group.len()) > better);
                    prop_assert_eq!(cuts.grade(1, group.len()), grade);
                }
                Target::Boundary { better, boundary, .. } => {
                    for (i, l) in lifts(&rules, &scores[me], adj, boundary).into_iter().enumerate() {
                        match l {
                            Lift::Reach { from, to, exact } => {
                                prop_assert!(to >= from);
                                prop_assert!(to >= exact - display_unit(exact));
                                prop_assert!(total_with(&rules, &scores[me], adj, i, to) >= boundary);
                                prop_assert!(regrade(i, to) <= better, "lifted to {} still {:?}", to, regrade(i, to));
                                let less = to - display_unit(to);
                                if less >= from {
                                    prop_assert!(total_with(&rules, &scores[me], adj, i, less) < boundary);
                                    prop_assert!(regrade(i, less) > better);
                                }
                            }
                            Lift::Capped { max_points } => {
                                let m = cap.expect("only a capped scheme caps");
                                prop_assert!((max_points - m * scores[me].items[i].rule.weight).abs() < 1e-9);
                                // The item at any height stays short.
                                prop_assert!(regrade(i, 1e12) > better);
                            }
                            Lift::Missing => prop_assert!(false, "no value is missing here"),
                        }
                    }
                }
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }
}
