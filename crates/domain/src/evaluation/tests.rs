//! Golden figures from the published Huangyan 2022 formula (reference domain.md §1.4, §1.9) and
//! the properties the evaluation must keep.

use proptest::prelude::*;

use super::*;

fn power_tool_maker() -> FirmFigures {
    FirmFigures {
        main_revenue_yuan: Some(200_000_000),
        value_added_yuan: Some(45_000_000),
        evaluation_tax_yuan: Some(9_000_000),
        rnd_expense_yuan: Some(7_000_000),
        energy_tce: Some(1_500.0),
        power_kwh: None,
        emissions_t: Some(1.0),
        avg_staff: Some(250),
        land_mu: Some(30.0),
    }
}

fn star_firm() -> FirmFigures {
    // 80万元/亩 tax, 300万元/亩 value added, 6万元/tce, 9000万元/t, 40万元/人, R&D 6 %.
    FirmFigures {
        main_revenue_yuan: Some(100_000_000),
        value_added_yuan: Some(30_000_000),
        evaluation_tax_yuan: Some(8_000_000),
        rnd_expense_yuan: Some(6_000_000),
        energy_tce: Some(500.0),
        power_kwh: None,
        emissions_t: Some(3_000.0 / 9_000.0),
        avg_staff: Some(75),
        land_mu: Some(10.0),
    }
}

#[test]
fn the_power_tool_maker_scores_112_29() {
    let s = score_firm(
        &ScoringRules::huangyan_2022_above(None),
        &power_tool_maker(),
    );
    assert_eq!(display_points(s.total()), "112.29");
    let shown: Vec<String> = s
        .items
        .iter()
        .map(|i| display_points(i.points.unwrap()))
        .collect();
    assert_eq!(shown, ["37.35", "22.03", "22.27", "9.13", "9.92", "11.59"]);
    assert_eq!(
        s.items[0].explain(),
        "亩均税收 30.00 万元/亩 ÷ 基准 24.097 × 30 = 37.35"
    );
    assert!(s.items.iter().all(|i| !i.capped));
}

#[test]
fn the_star_firm_scores_248_4_uncapped_and_198_1_with_a_2x_cap() {
    let uncapped = score_firm(&ScoringRules::huangyan_2022_above(None), &star_firm());
    assert_eq!(format!("{:.1}", uncapped.total()), "248.4");
    let capped = score_firm(&ScoringRules::huangyan_2022_above(Some(2.0)), &star_firm());
    assert_eq!(format!("{:.1}", capped.total()), "198.1");
    let which: Vec<bool> = capped.items.iter().map(|i| i.capped).collect();
    assert_eq!(which, [true, true, true, false, true, false]);
    assert!(capped.items[0].explain().ends_with("= 60.00（封顶）"));
}

#[test]
fn the_below_scale_example_scores_77_02() {
    let f = FirmFigures {
        evaluation_tax_yuan: Some(400_000),
        power_kwh: Some(2_000_000),
        land_mu: Some(5.0),
        ..Default::default()
    };
    let s = score_firm(&ScoringRules::huangyan_2022_below(None), &f);
    assert_eq!(display_points(s.total()), "77.02");
    let shown: Vec<String> = s
        .items
        .iter()
        .map(|i| display_points(i.points.unwrap()))
        .collect();
    assert_eq!(shown, ["34.50", "42.52"]);
}

#[test]
fn a_missing_value_takes_the_group_average_of_that_item() {
    let rules = ScoringRules::huangyan_2022_above(Some(2.0));
    let mut no_emissions = power_tool_maker();
    no_emissions.emissions_t = None;
    let mut group = vec![
        score_firm(&rules, &power_tool_maker()),
        score_firm(&rules, &star_firm()),
        score_firm(&rules, &no_emissions),
    ];
    assert_eq!(group[2].items[3].points, None);
    fill_missing_with_group_average(&mut group);
    let avg = (group[0].items[3].points.unwrap() + group[1].items[3].points.unwrap()) / 2.0;
    assert_eq!(group[2].items[3].points, Some(avg));
    assert!(group[2].items[3].filled_from_group_average);
    assert!(group[2].items[3].explain().contains("取组内平均分"));
}

#[test]
fn cuts_give_20_50_25_5_per_cent_of_a_hundred_firms() {
    let totals: Vec<f64> = (0..100).map(|i| 200.0 - i as f64).collect();
    let p = grade_group(&totals, &ClassCuts::default());
    let count = |g| p.iter().filter(|x| x.grade == g).count();
    assert_eq!(
        [
            count(Grade::A),
            count(Grade::B),
            count(Grade::C),
            count(Grade::D)
        ],
        [20, 50, 25, 5]
    );
    assert_eq!((p[0].rank, p[0].grade), (1, Grade::A));
    assert_eq!((p[19].rank, p[19].grade), (20, Grade::A));
    assert_eq!(p[20].grade, Grade::B);
    assert_eq!(p[99].grade, Grade::D);
}

#[test]
fn lifting_one_item_reaches_the_next_class_boundary() {
    let rules = ScoringRules::huangyan_2022_above(Some(2.0));
    let s = score_firm(&rules, &power_tool_maker());
    let target = s.total() + 10.0;
    // 亩均税收 must rise from 30 to 30 + 10/30×24.097 万元/亩.
    let v = value_to_reach(&rules, &s, 0, target).unwrap();
    assert!((v - (30.0 + 10.0 / 30.0 * 24.097)).abs() < 1e-9, "{v}");
    // R&D (10 points, capped at 20) cannot add 10 more from 11.59.
    assert_eq!(value_to_reach(&rules, &s, 5, target), None);
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
    #[test]
    fn a_higher_indicator_never_lowers_the_score(
        f in figures(),
        extra_tax in 0u32..10_000,
        extra_va in 0u32..10_000,
        extra_rnd in 0u32..5_000,
        cap in prop::option::of(1.0f64..3.0),
    ) {
        let rules = ScoringRules::huangyan_2022_above(cap);
        let before = score_firm(&rules, &f).total();
        let mut g = f.clone();
        g.evaluation_tax_yuan = g.evaluation_tax_yuan.map(|t| t + i64::from(extra_tax) * 10_000);
        g.value_added_yuan = g.value_added_yuan.map(|t| t + i64::from(extra_va) * 10_000);
        g.rnd_expense_yuan = g.rnd_expense_yuan.map(|t| t + i64::from(extra_rnd) * 10_000);
        prop_assert!(score_firm(&rules, &g).total() >= before);
        for item in &rules.items {
            let (p1, _) = rules.points(item, 1.0);
            let (p2, _) = rules.points(item, 1.5);
            prop_assert!(p2 >= p1);
        }
    }

    #[test]
    fn class_shares_follow_the_cuts_within_one_firm(n in 1usize..300, seed in any::<u64>()) {
        // Distinct totals in a shuffled order.
        let mut totals: Vec<f64> = (0..n).map(|i| i as f64 * 1.5).collect();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            totals.swap(i, (s >> 33) as usize % (i + 1));
        }
        let cuts = ClassCuts::default();
        let p = grade_group(&totals, &cuts);
        let count = |g| p.iter().filter(|x| x.grade == g).count() as f64;
        let nf = n as f64;
        for (g, share) in [(Grade::A, 0.20), (Grade::B, 0.50), (Grade::C, 0.25), (Grade::D, 0.05)] {
            prop_assert!((count(g) - share * nf).abs() <= 1.0, "{:?}: {} of {}", g, count(g), n);
        }
    }

    #[test]
    fn equal_scores_get_the_same_class(values in prop::collection::vec(0u8..20, 1..200)) {
        let totals: Vec<f64> = values.iter().map(|v| f64::from(*v) * 7.25).collect();
        let p = grade_group(&totals, &ClassCuts::default());
        for i in 0..totals.len() {
            for j in 0..totals.len() {
                if totals[i] == totals[j] {
                    prop_assert_eq!(p[i].grade, p[j].grade);
                    prop_assert_eq!(p[i].rank, p[j].rank);
                }
                if totals[i] > totals[j] {
                    prop_assert!(p[i].grade <= p[j].grade);
                }
            }
        }
    }

    #[test]
    fn a_veto_never_raises_a_class(g in 0usize..4, v in 0usize..3) {
        let grade = Grade::ALL[g];
        let veto = [None, Some(Veto::AtBestC), Some(Veto::ForceD)][v];
        let after = apply_veto(grade, veto);
        prop_assert!(after >= grade);
        if veto.is_some() {
            prop_assert!(after >= Grade::C);
        }
    }

    #[test]
    fn a_firm_in_another_group_does_not_move_anyone(
        a in prop::collection::vec(0u32..1000, 1..60),
        b in prop::collection::vec(0u32..1000, 1..60),
        who in any::<prop::sample::Index>(),
        new_total in 0u32..1000,
    ) {
        let groups: Vec<u8> = a.iter().map(|_| 0).chain(b.iter().map(|_| 1)).collect();
        let mut totals: Vec<f64> = a.iter().chain(b.iter()).map(|v| f64::from(*v)).collect();
        let before = grade_by_group(&groups, &totals, &ClassCuts::default());
        // Change one firm of group 1.
        let i = a.len() + who.index(b.len());
        totals[i] = f64::from(new_total);
        let after = grade_by_group(&groups, &totals, &ClassCuts::default());
        prop_assert_eq!(&before[..a.len()], &after[..a.len()]);
    }

    #[test]
    fn the_value_to_reach_a_target_reaches_it(f in figures(), gap in 0.1f64..40.0, item in 0usize..6) {
        let rules = ScoringRules::huangyan_2022_above(None);
        let s = score_firm(&rules, &f);
        let target = s.total() + gap;
        if let Some(v) = value_to_reach(&rules, &s, item, target) {
            let mut lifted = s.clone();
            let (p, _) = rules.points(&s.items[item].rule, v);
            lifted.items[item].points = Some(p);
            prop_assert!(lifted.total() >= target - 1e-9);
        }
    }

    #[test]
    fn scoring_is_reproducible_to_the_bit(f in figures()) {
        let rules = ScoringRules::huangyan_2022_above(Some(2.0));
        let a = score_firm(&rules, &f).total();
        let b = score_firm(&rules, &f).total();
        prop_assert_eq!(a.to_bits(), b.to_bits());
    }
}
