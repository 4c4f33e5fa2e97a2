use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::*;
use crate::credit_code::CreditCode;
use crate::enterprise::{DEFAULT_INDUSTRY_GROUPS, DEFAULT_TAGS};

fn city() -> &'static [DemoFirm] {
    static CITY: OnceLock<Vec<DemoFirm>> = OnceLock::new();
    CITY.get_or_init(|| generate(&DemoCityParams::default()))
}

fn above(firms: &[DemoFirm]) -> impl Iterator<Item = &DemoFirm> {
    firms.iter().filter(|f| f.is_above_scale())
}

fn median(mut xs: Vec<f64>) -> f64 {
    assert!(!xs.is_empty(), "median of nothing");
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn within(x: f64, target: f64, tolerance: f64) -> bool {
    (x - target).abs() <= target * tolerance
}

fn digest(firms: &[DemoFirm]) -> String {
    let json = serde_json::to_string(firms).expect("firms serialise");
    hex::encode(Sha256::digest(json.as_bytes()))
}

#[test]
fn default_params() {
    let p = DemoCityParams::default();
    assert_eq!(p.above_scale_firms, 1_100);
    assert_eq!(p.below_scale_firms, 3_000);
    assert_eq!(p.years, 2021..=2024);
}

#[test]
fn counts_of_above_and_below_scale_firms() {
    let firms = city();
    assert_eq!(firms.len(), 4_100);
    let n_above = above(firms).count();
    let n_below = firms.len() - n_above;
    assert!(
        within(n_above as f64, 1_100.0, 0.02),
        "{n_above} 规上 firms"
    );
    assert!(
        within(n_below as f64, 3_000.0, 0.02),
        "{n_below} 规下 firms"
    );
}

#[test]
fn above_scale_output_of_the_latest_year_is_about_1000_yi() {
    let total: i64 = above(city())
        .map(|f| {
            f.figures_for(2024)
                .and_then(|y| y.output_value_yuan)
                .unwrap_or(0)
        })
        .sum();
    assert!(
        within(total as f64, 1.0e11, 0.10),
        "规上 output 2024: {total} yuan"
    );
}

#[test]
fn credit_codes_are_valid_yongkang_enterprise_codes_and_unique() {
    let mut seen = HashSet::new();
    for f in city() {
        let code = CreditCode::parse(&f.credit_code)
            .unwrap_or_else(|e| panic!("{} is not valid: {e:?}", f.credit_code));
        assert_eq!(code.as_str(), f.credit_code, "already canonical");
        assert!(f.credit_code.starts_with("91330784"), "{}", f.credit_code);
        assert!(
            seen.insert(f.credit_code.as_str()),
            "duplicate {}",
            f.credit_code
        );
    }
}

#[test]
fn names_and_short_names_are_unique_and_plausible() {
    let mut names = HashSet::new();
    let mut shorts = HashSet::new();
    for f in city() {
        assert!(names.insert(f.name.as_str()), "duplicate name {}", f.name);
        assert!(
            shorts.insert(f.short_name.as_str()),
            "duplicate short name {}",
            f.short_name
        );
        assert!(
            f.name.contains(&f.short_name),
            "{} / {}",
            f.name,
            f.short_name
        );
        assert!(
            f.name.ends_with("有限公司") || f.name.ends_with('厂'),
            "{}",
            f.name
        );
        assert!(
            f.name.starts_with("永康市") || f.name.starts_with("浙江"),
            "{}",
            f.name
        );
        assert!(!f.legal_rep.is_empty() && !f.contact_person.is_empty());
        assert!(f.address.starts_with("浙江省永康市"), "{}", f.address);
    }
}

#[test]
fn phones_are_eleven_digit_fictional_mobiles() {
    let mut seen = HashSet::new();
    for f in city() {
        let p = &f.contact_phone;
        assert_eq!(p.len(), 11, "{p}");
        assert!(p.chars().all(|c| c.is_ascii_digit()), "{p}");
        assert!(p.starts_with("139579"), "{p}");
        assert!(seen.insert(p.as_str()), "duplicate phone {p}");
    }
}

#[test]
fn towns_come_from_the_department_list_and_the_zone_and_streets_are_biggest() {
    let codes: HashSet<&str> = TOWNS.iter().map(|t| t.0).collect();
    assert_eq!(codes.len(), 15);
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for f in city() {
        assert!(codes.contains(f.town_code.as_str()), "{}", f.town_code);
        *counts.entry(f.town_code.as_str()).or_default() += 1;
    }
    assert_eq!(counts.len(), 15, "every town has firms");
    let biggest_town = TOWNS
        .iter()
        .filter(|t| t.1.ends_with('镇'))
        .map(|t| counts[t.0])
        .max()
        .unwrap();
    for code in ["kfq", "dongcheng", "xicheng", "jiangnan"] {
        assert!(counts[code] > biggest_town, "{code}: {counts:?}");
    }
}

#[test]
fn parks_belong_to_the_firms_town_and_micro_park_tags_match() {
    let mut in_park = 0;
    for f in city() {
        if let Some(park) = &f.park {
            in_park += 1;
            assert!(
                PARKS.iter().any(|p| p.0 == f.town_code && p.1 == park),
                "{park} in {}",
                f.town_code
            );
        }
        let micro = f.park.as_deref().is_some_and(names::is_micro_park);
        assert_eq!(f.tags.contains(&"micro_park"), micro, "{}", f.name);
    }
    let share = in_park as f64 / city().len() as f64;
    assert!((0.3..0.8).contains(&share), "share in parks {share}");
}

#[test]
fn the_three_largest_groups_are_doors_cups_and_power_tools() {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for f in city() {
        assert!(INDUSTRY_GROUP_CODES.contains(&f.industry_group));
        *counts.entry(f.industry_group).or_default() += 1;
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by_key(|g| std::cmp::Reverse(g.1));
    assert_eq!(ranked.len(), 7);
    let top: HashSet<&str> = ranked[..3].iter().map(|g| g.0).collect();
    assert_eq!(
        top,
        HashSet::from(["doors_locks", "cups_cookware", "power_tools"]),
        "{ranked:?}"
    );
}

#[test]
fn codes_agree_with_the_enterprise_vocabulary() {
    for g in INDUSTRY_GROUP_CODES {
        assert!(DEFAULT_INDUSTRY_GROUPS.iter().any(|d| d.0 == g), "{g}");
    }
    let mut operating = 0;
    for f in city() {
        assert!(EnterpriseStatus::parse(f.status).is_some(), "{}", f.status);
        if f.status == "operating" {
            operating += 1;
        }
        for t in &f.tags {
            assert!(DEFAULT_TAGS.iter().any(|d| d.0 == *t), "{t}");
        }
        let mut sorted = f.tags.clone();
        sorted.sort_by_key(|t| DEFAULT_TAGS.iter().position(|d| d.0 == *t));
        sorted.dedup();
        assert_eq!(sorted, f.tags, "tags in the default order, once each");
        for p in &f.parcels {
            assert!(LandTenure::parse(p.tenure).is_some(), "{}", p.tenure);
        }
    }
    let share = operating as f64 / city().len() as f64;
    assert!((0.93..1.0).contains(&share), "operating share {share}");
    assert!(city().iter().any(|f| f.tags.contains(&"listed")));
    assert!(city().iter().any(|f| f.tags.contains(&"hi_tech")));
}

#[test]
fn about_two_percent_are_low_end_candidates_and_their_figures_say_so() {
    let firms = city();
    let flagged: Vec<&DemoFirm> = firms.iter().filter(|f| f.low_end_candidate).collect();
    let share = flagged.len() as f64 / firms.len() as f64;
    assert!((0.01..=0.03).contains(&share), "low-end share {share}");
    for f in firms {
        assert_eq!(
            f.low_end_candidate,
            f.meets_low_end_criteria(),
            "{}",
            f.name
        );
    }
    for f in flagged {
        assert!(f.park.is_none());
        assert!(!f.is_above_scale());
        let y = f.latest().unwrap();
        let tax = y.evaluation_tax_yuan.unwrap() as f64;
        let land = y.land_mu.unwrap();
        assert!(tax / land < 10_000.0, "{}: {tax} yuan on {land} 亩", f.name);
    }
}

#[test]
fn every_firm_has_every_year_oldest_first() {
    for f in city() {
        let years: Vec<i32> = f.figures.iter().map(|y| y.year).collect();
        assert_eq!(years, vec![2021, 2022, 2023, 2024], "{}", f.name);
        assert!(f.founded.year() <= 2024);
        assert!(f.latest().unwrap().main_revenue_yuan.is_some());
        for y in &f.figures {
            if y.year < f.founded.year() {
                assert_eq!(*y, DemoYearFigures::empty(y.year), "before founding");
            }
        }
    }
    assert!(
        city().iter().any(|f| f.founded.year() > 2021),
        "some firms are younger than the period"
    );
}

#[test]
fn above_scale_output_grows_moderately_year_on_year() {
    let mut growth = Vec::new();
    for f in above(city()) {
        for w in f.figures.windows(2) {
            if let (Some(a), Some(b)) = (w[0].output_value_yuan, w[1].output_value_yuan)
                && a > 0
            {
                growth.push(b as f64 / a as f64 - 1.0);
            }
        }
    }
    let m = median(growth);
    assert!((0.0..=0.15).contains(&m), "median growth {m}");
    let total = |year| -> i64 {
        above(city())
            .filter_map(|f| f.figures_for(year).and_then(|y| y.output_value_yuan))
            .sum()
    };
    assert!(total(2024) > total(2021), "the city grows");
}

#[test]
fn some_firms_cross_the_threshold_between_years() {
    let threshold = ABOVE_SCALE_MAIN_REVENUE_YUAN;
    let first = |f: &DemoFirm| f.figures_for(2021).and_then(|y| y.main_revenue_yuan);
    let risers = above(city())
        .filter(|f| first(f).is_some_and(|r| r < threshold))
        .count();
    let decliners = city()
        .iter()
        .filter(|f| !f.is_above_scale() && first(f).is_some_and(|r| r >= threshold))
        .count();
    assert!((5..300).contains(&risers), "{risers} 小升规");
    assert!((5..100).contains(&decliners), "{decliners} fell below");
}

#[test]
fn ratios_are_plausible() {
    let mut va_share = Vec::new();
    let mut tax_share = Vec::new();
    let mut kwh_per_yuan = Vec::new();
    let mut va_per_tce = Vec::new();
    let mut va_per_staff = Vec::new();
    for f in above(city()) {
        let y = f.latest().unwrap();
        let (Some(out), Some(rev)) = (y.output_value_yuan, y.main_revenue_yuan) else {
            continue;
        };
        if let Some(va) = y.value_added_yuan {
            va_share.push(va as f64 / out as f64);
            if let Some(e) = y.energy_tce {
                va_per_tce.push(va as f64 / e);
            }
            if let Some(s) = y.avg_staff {
                va_per_staff.push(va as f64 / s as f64);
            }
        }
        if let Some(t) = y.evaluation_tax_yuan {
            tax_share.push(t as f64 / rev as f64);
        }
        if let Some(k) = y.power_kwh {
            kwh_per_yuan.push(k as f64 / out as f64);
        }
        assert!(y.sales_revenue_yuan.is_none_or(|s| s >= rev), "{}", f.name);
    }
    let m = median(va_share);
    assert!((0.20..=0.28).contains(&m), "value added / output {m}");
    let m = median(tax_share);
    assert!((0.03..=0.06).contains(&m), "tax / revenue {m}");
    let m = median(kwh_per_yuan);
    assert!((0.02..=0.15).contains(&m), "kWh / yuan {m}");
    let m = median(va_per_tce);
    assert!((10_000.0..=60_000.0).contains(&m), "value added / tce {m}");
    let m = median(va_per_staff);
    assert!(
        (100_000.0..=300_000.0).contains(&m),
        "value added / staff {m}"
    );
}

#[test]
fn land_is_sized_by_scale_and_some_is_leased() {
    let firms = city();
    let land_above: Vec<f64> = above(firms).map(DemoFirm::parcels_mu).collect();
    let land_below: Vec<f64> = firms
        .iter()
        .filter(|f| !f.is_above_scale())
        .map(DemoFirm::parcels_mu)
        .collect();
    let m = median(land_above.clone());
    assert!((10.0..=150.0).contains(&m), "规上 median land {m}");
    let typical = land_above
        .iter()
        .filter(|a| (10.0..=150.0).contains(*a))
        .count();
    assert!(typical as f64 > 0.7 * land_above.len() as f64);
    let m = median(land_below.clone());
    assert!((1.0..=15.0).contains(&m), "规下 median land {m}");
    let small = land_below.iter().filter(|a| **a < 3.0).count();
    assert!(small > 100, "{small} 规下 firms under 3 亩");
    assert!(land_below.iter().all(|a| *a <= 16.0));

    let by_name: HashMap<&str, &DemoFirm> = firms.iter().map(|f| (f.name.as_str(), f)).collect();
    let (mut from_firm, mut from_collective) = (0, 0);
    let mut owned_certs = HashSet::new();
    for f in firms {
        for p in &f.parcels {
            assert!(p.area_mu > 0.0);
            assert!(p.certificate_no.starts_with("浙("), "{}", p.certificate_no);
            match (p.tenure, &p.lessor) {
                ("owned", None) => {
                    assert!(owned_certs.insert(p.certificate_no.as_str()), "owned twice");
                }
                ("leased", Some(lessor)) if lessor.ends_with("股份经济合作社") => {
                    from_collective += 1;
                }
                ("leased", Some(lessor)) => {
                    from_firm += 1;
                    let owner = by_name
                        .get(lessor.as_str())
                        .unwrap_or_else(|| panic!("lessor {lessor} is no firm"));
                    assert_ne!(owner.name, f.name);
                    assert!(
                        owner
                            .parcels
                            .iter()
                            .any(|o| o.tenure == "owned" && o.certificate_no == p.certificate_no),
                        "a tenant shares a parcel its lessor owns"
                    );
                }
                other => panic!("bad tenure / lessor {other:?}"),
            }
        }
        if let Some(l) = f.latest().and_then(|y| y.land_mu) {
            assert!((l - f.parcels_mu()).abs() < 0.011, "{}", f.name);
        }
    }
    assert!(from_firm > 100, "{from_firm} parcels leased from firms");
    assert!(
        from_collective > 100,
        "{from_collective} parcels leased from collectives"
    );
}

#[test]
fn some_figures_are_missing_but_few() {
    let (mut none, mut all) = (0usize, 0usize);
    let (mut em_above, mut em_below) = ((0, 0), (0, 0));
    for f in city() {
        let is_above = f.is_above_scale();
        for y in f.figures.iter().filter(|y| y.year >= f.founded.year()) {
            let present = [
                y.main_revenue_yuan.is_some(),
                y.sales_revenue_yuan.is_some(),
                y.output_value_yuan.is_some(),
                y.value_added_yuan.is_some(),
                y.evaluation_tax_yuan.is_some(),
                y.energy_tce.is_some(),
                y.power_kwh.is_some(),
                y.water_m3.is_some(),
                y.avg_staff.is_some(),
                y.land_mu.is_some(),
            ];
            all += present.len();
            none += present.iter().filter(|p| !**p).count();
            let e = if is_above {
                &mut em_above
            } else {
                &mut em_below
            };
            e.0 += usize::from(y.emissions_t.is_none());
            e.1 += 1;
        }
    }
    let share = none as f64 / all as f64;
    assert!((0.01..=0.08).contains(&share), "missing share {share}");
    let above_gap = em_above.0 as f64 / em_above.1 as f64;
    let below_gap = em_below.0 as f64 / em_below.1 as f64;
    assert!(above_gap < 0.1, "规上 emissions missing {above_gap}");
    assert!(below_gap > 0.3, "规下 emissions missing {below_gap}");
}

#[test]
fn accidents_and_vetoes_are_rare_but_present() {
    let years: Vec<&DemoYearFigures> = city()
        .iter()
        .flat_map(|f| f.figures.iter().filter(move |y| y.year >= f.founded.year()))
        .collect();
    let n = years.len() as f64;
    let rate = |pick: fn(&DemoYearFigures) -> bool| years.iter().filter(|y| pick(y)).count();
    for (name, count) in [
        ("safety", rate(|y| y.safety_accident)),
        ("environment", rate(|y| y.environmental_accident)),
        ("energy task", rate(|y| y.energy_task_unmet)),
        ("falsified", rate(|y| y.falsified_data)),
    ] {
        assert!(count > 0, "no {name} flag at all");
        assert!((count as f64) < 0.01 * n, "{count} {name} flags");
    }
}

#[test]
fn a_few_figures_are_outliers() {
    // A ×3 or ÷3 jump against both neighbours in power use, revenue, output, tax, staff.
    let mut jumps = 0;
    for f in city() {
        let series: [Vec<Option<f64>>; 5] = [
            f.figures
                .iter()
                .map(|y| y.power_kwh.map(|x| x as f64))
                .collect(),
            f.figures
                .iter()
                .map(|y| y.main_revenue_yuan.map(|x| x as f64))
                .collect(),
            f.figures
                .iter()
                .map(|y| y.output_value_yuan.map(|x| x as f64))
                .collect(),
            f.figures
                .iter()
                .map(|y| y.evaluation_tax_yuan.map(|x| x as f64))
                .collect(),
            f.figures
                .iter()
                .map(|y| y.avg_staff.map(|x| x as f64))
                .collect(),
        ];
        for s in &series {
            for w in s.windows(2) {
                if let (Some(a), Some(b)) = (w[0], w[1])
                    && a > 0.0
                    && b > 0.0
                    && (b / a > 2.5 || a / b > 2.5)
                {
                    jumps += 1;
                }
            }
        }
    }
    assert!((3..200).contains(&jumps), "{jumps} jumps");
}

#[test]
fn the_same_params_give_the_same_city() {
    let params = DemoCityParams::default();
    let a = generate(&params);
    let b = generate(&params);
    assert_eq!(a, b);
    assert_eq!(digest(&a), digest(&b));
    assert_eq!(digest(&a), digest(city()));
}

#[test]
fn another_seed_gives_another_city_with_the_same_shape() {
    let params = DemoCityParams {
        seed: 7,
        ..DemoCityParams::default()
    };
    let other = generate(&params);
    assert_ne!(digest(&other), digest(city()));
    let n_above = above(&other).count();
    assert!(within(n_above as f64, 1_100.0, 0.02));
    let total: i64 = above(&other)
        .filter_map(|f| f.latest().and_then(|y| y.output_value_yuan))
        .sum();
    assert!(within(total as f64, 1.0e11, 0.10), "{total}");
}

#[test]
fn small_and_odd_params_work() {
    let small = generate(&DemoCityParams {
        seed: 1,
        above_scale_firms: 10,
        below_scale_firms: 40,
        years: 2023..=2024,
    });
    assert_eq!(small.len(), 50);
    assert_eq!(above(&small).count(), 10);
    assert!(small.iter().all(|f| f.figures.len() == 2));
    let total: i64 = above(&small)
        .filter_map(|f| f.latest().and_then(|y| y.output_value_yuan))
        .sum();
    assert!(within(total as f64, 1.0e11 / 110.0, 0.10), "{total}");

    let none = generate(&DemoCityParams {
        seed: 1,
        above_scale_firms: 0,
        below_scale_firms: 0,
        years: 2021..=2024,
    });
    assert!(none.is_empty());

    #[allow(clippy::reversed_empty_ranges)]
    let no_years = generate(&DemoCityParams {
        seed: 1,
        above_scale_firms: 3,
        below_scale_firms: 3,
        years: 2024..=2023,
    });
    assert_eq!(no_years.len(), 6);
    assert!(
        no_years
            .iter()
            .all(|f| f.figures.is_empty() && !f.low_end_candidate)
    );
}
