//! A year's run end to end on small groups: who is graded, vetoes, unrated firms, missing
//! values, reproducibility, independence of groups, schemes as TOML, county benchmarks.

use super::*;
use crate::enterprise::Scale;

fn firm(id: i64, scale: Scale, group: &str, tax_wan: i64, land: f64) -> FirmInput {
    FirmInput {
        id,
        scale,
        industry_group: group.to_string(),
        figures: FirmFigures {
            main_revenue_yuan: Some(50_000 * 10_000),
            value_added_yuan: Some(tax_wan * 5 * 10_000),
            evaluation_tax_yuan: Some(tax_wan * 10_000),
            rnd_expense_yuan: Some(tax_wan * 2_000),
            energy_tce: Some(1_000.0),
            power_kwh: Some(tax_wan * 40_000),
            emissions_t: Some(2.0),
            avg_staff: Some(200),
            land_mu: Some(land),
        },
        flags: FirmFlags::default(),
        unrated: false,
        tags: Vec::new(),
    }
}

/// Ten 规上 power-tool firms with rising tax (id 1 lowest … id 10 highest), plus extras.
fn city() -> Vec<FirmInput> {
    let mut firms: Vec<FirmInput> = (1..=10)
        .map(|i| firm(i, Scale::Above, "power_tools", 100 * i, 20.0))
        .collect();
    firms.push(firm(11, Scale::Below, "other", 10, 2.0)); // 规下 on 2亩: listed only
    let mut new_firm = firm(12, Scale::Above, "power_tools", 5, 20.0);
    new_firm.unrated = true;
    firms.push(new_firm);
    firms
}

fn by_id(results: &[FirmResult], id: i64) -> &FirmResult {
    results.iter().find(|r| r.id == id).unwrap()
}

#[test]
fn ranks_classes_vetoes_and_the_firms_that_are_not_graded() {
    let scheme = EvaluationScheme::default_for(2024);
    let mut firms = city();
    firms[9].flags.safety_accident = true; // the best firm had an accident
    firms[8].flags.falsified_data = true; // the second falsified its data
    let r = evaluate(&scheme, &firms);
    let best = by_id(&r, 10);
    assert_eq!(best.placement.unwrap().rank, 1);
    assert_eq!(best.grade_by_rank, Some(Grade::A));
    assert_eq!(best.grade, Some(Grade::C), "a safety accident: at best C");
    assert!(best.reasons.contains(&Reason::Veto {
        flag: "safety_accident".into(),
        veto: Veto::AtBestC
    }));
    assert_eq!(by_id(&r, 9).grade, Some(Grade::D), "falsified data: D");
    assert_eq!(by_id(&r, 8).grade, Some(Grade::B));
    assert_eq!(by_id(&r, 1).grade, Some(Grade::D));
    let small = by_id(&r, 11);
    assert_eq!((small.grade, small.placement), (None, None));
    assert_eq!(small.reasons, [Reason::BelowLandThreshold]);
    let new_firm = by_id(&r, 12);
    assert_eq!(new_firm.grade, Some(Grade::B));
    assert_eq!(new_firm.placement, None, "unrated firms are not ranked");
    assert_eq!(best.group, "above/power_tools");
}

#[test]
fn a_missing_value_is_filled_and_said() {
    let scheme = EvaluationScheme::default_for(2024);
    let mut firms = city();
    firms[4].figures.emissions_t = None;
    let r = evaluate(&scheme, &firms);
    let f = by_id(&r, 5);
    assert!(f.reasons.contains(&Reason::FilledFromGroupAverage {
        indicator: Indicator::ValueAddedPerEmission
    }));
    assert!(f.score.items[3].points.is_some());
}

#[test]
fn the_same_inputs_give_bit_identical_results() {
    let scheme = EvaluationScheme::default_for(2024);
    let a = evaluate(&scheme, &city());
    let b = evaluate(&scheme, &city());
    assert_eq!(a, b);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.total.to_bits(), y.total.to_bits());
    }
}

#[test]
fn a_firm_in_another_group_changes_nothing_here() {
    let scheme = EvaluationScheme::default_for(2024);
    let mut firms = city();
    firms.push(firm(20, Scale::Above, "doors_locks", 300, 10.0));
    firms.push(firm(21, Scale::Above, "doors_locks", 100, 10.0));
    let before = evaluate(&scheme, &firms);
    // 21 overtakes 20 in its own group.
    firms[13] = firm(21, Scale::Above, "doors_locks", 900, 10.0);
    let after = evaluate(&scheme, &firms);
    for id in 1..=10 {
        assert_eq!(by_id(&before, id), by_id(&after, id));
    }
    assert_ne!(by_id(&before, 21).grade, by_id(&after, 21).grade);
}

#[test]
fn schemes_round_trip_through_toml_and_bad_ones_are_refused() {
    let s = EvaluationScheme::default_for(2024);
    let text = s.to_toml();
    assert!(text.contains("benchmark = 24.097"), "{text}");
    assert_eq!(EvaluationScheme::from_toml(&text).unwrap(), s);
    let bad_weight = text.replacen("weight = 30.0", "weight = -30.0", 1);
    assert_eq!(
        EvaluationScheme::from_toml(&bad_weight).unwrap_err(),
        SchemeError::NonPositive
    );
    let bad_cuts = text.replacen("a = 2000", "a = 8000", 1);
    assert_eq!(
        EvaluationScheme::from_toml(&bad_cuts).unwrap_err(),
        SchemeError::Cuts
    );
    assert_eq!(
        EvaluationScheme::from_toml("year = ").unwrap_err().key(),
        "error.scheme.syntax"
    );
}

#[test]
fn county_benchmarks_are_aggregate_ratios() {
    let a = firm(1, Scale::Above, "x", 300, 10.0);
    let b = firm(2, Scale::Above, "x", 100, 30.0);
    let mut c = firm(3, Scale::Above, "x", 100, 30.0);
    c.figures.land_mu = None; // not counted for per-亩 indicators
    let got = county_benchmarks(
        &[Indicator::TaxPerMu, Indicator::ValueAddedPerEnergy],
        &[&a.figures, &b.figures, &c.figures],
    );
    assert_eq!(got[0], Some(400.0 / 40.0));
    assert_eq!(got[1], Some((1500.0 + 500.0 + 500.0) / 3000.0));
    assert_eq!(county_benchmarks(&[Indicator::TaxPerMu], &[]), vec![None]);
}
