//! Property tests of the working-day calendar over the shipped years 2020..=2026.
//!
//! Definitions under test: `add_working_days(d, n)` is, for n >= 1, the n-th working day strictly
//! after `d`, and for n == 0 `d` itself if it works, else the next working day;
//! `working_days_between(a, b)` counts working days in (a, b], negated when b < a.

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use wujin_domain::calendar::{CalendarError, WorkingCalendar};

fn cal() -> WorkingCalendar {
    WorkingCalendar::shipped()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn first() -> NaiveDate {
    ymd(2020, 1, 1)
}

fn last() -> NaiveDate {
    ymd(2026, 12, 31)
}

/// Any date in 2020..=2026.
fn covered_date() -> impl Strategy<Value = NaiveDate> {
    let span = (last() - first()).num_days() as u64;
    (0..=span).prop_map(|k| first() + Days::new(k))
}

/// Any date from 1949 through 2019 or from 2027 through 2200.
fn uncovered_date() -> impl Strategy<Value = NaiveDate> {
    let before = (ymd(2019, 12, 31) - ymd(1949, 1, 1)).num_days() as u64;
    let after = (ymd(2200, 12, 31) - ymd(2027, 1, 1)).num_days() as u64;
    prop_oneof![
        (0..=before).prop_map(|k| ymd(1949, 1, 1) + Days::new(k)),
        (0..=after).prop_map(|k| ymd(2027, 1, 1) + Days::new(k)),
    ]
}

/// Any date chrono can represent.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
        .prop_map(|k| NaiveDate::from_num_days_from_ce_opt(k).unwrap())
}

/// The working-day rule evaluated directly on the raw tables.
fn reference_is_working(cal: &WorkingCalendar, d: NaiveDate) -> bool {
    let tables: Vec<_> = cal
        .years()
        .into_iter()
        .map(|y| cal.year(y).unwrap())
        .collect();
    if tables.iter().any(|t| t.work.contains(&d)) {
        return true;
    }
    d.weekday().num_days_from_monday() < 5 && !tables.iter().any(|t| t.off.contains(&d))
}

/// Working days in (a, b] by walking day by day, for a <= b.
fn reference_count(cal: &WorkingCalendar, a: NaiveDate, b: NaiveDate) -> i64 {
    a.iter_days()
        .skip(1)
        .take_while(|d| *d <= b)
        .filter(|d| reference_is_working(cal, *d))
        .count() as i64
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn is_working_day_follows_the_rule(d in covered_date()) {
        let cal = cal();
        prop_assert_eq!(cal.is_working_day(d), Ok(reference_is_working(&cal, d)));
        // A holiday name is only ever given to a non-working day.
        if cal.holiday_name(d).is_some() {
            prop_assert_eq!(cal.is_working_day(d), Ok(false));
        }
    }

    #[test]
    fn add_working_days_lands_on_a_working_day_n_working_days_later(
        d in covered_date(),
        n in 0u32..400,
    ) {
        let cal = cal();
        match cal.add_working_days(d, n) {
            Ok(r) => {
                prop_assert!(r >= d);
                prop_assert!(r <= last());
                prop_assert_eq!(cal.is_working_day(r), Ok(true));
                let expected = if n == 0 {
                    // d itself when it works (count 0), else the next working day (count 1).
                    if cal.is_working_day(d).unwrap() { 0 } else { 1 }
                } else {
                    i64::from(n)
                };
                prop_assert_eq!(cal.working_days_between(d, r), Ok(expected));
                // Nothing before r qualifies: r is the first date with that count.
                if n >= 1 {
                    prop_assert_eq!(
                        cal.working_days_between(d, r.pred_opt().unwrap()),
                        Ok(i64::from(n) - 1)
                    );
                }
                if n == 0 && cal.is_working_day(d).unwrap() {
                    prop_assert_eq!(r, d);
                }
            }
            Err(e) => {
                // Only running off the end of 2026 may fail, and only if too few days remain.
                prop_assert_eq!(e, CalendarError::UnknownYear(2027));
                let remaining = cal.working_days_between(d, last()).unwrap();
                prop_assert!(remaining < i64::from(n.max(1)), "{remaining} left, n = {n}");
            }
        }
    }

    #[test]
    fn add_working_days_is_monotonic_in_n(d in covered_date(), n in 0u32..300) {
        let cal = cal();
        let this = cal.add_working_days(d, n);
        let next = cal.add_working_days(d, n + 1);
        match (this, next) {
            (Ok(a), Ok(b)) => {
                if n == 0 && !cal.is_working_day(d).unwrap() {
                    prop_assert_eq!(a, b);
                } else {
                    prop_assert!(a < b);
                }
            }
            (Ok(_), Err(e)) | (Err(e), Err(_)) => {
                prop_assert_eq!(e, CalendarError::UnknownYear(2027));
            }
            (Err(e), Ok(b)) => prop_assert!(false, "n = {n} failed with {e} but n + 1 gave {b}"),
        }
    }

    #[test]
    fn walking_past_2026_is_unknown(d in covered_date(), extra in 1u32..50) {
        let cal = cal();
        let remaining = u32::try_from(cal.working_days_between(d, last()).unwrap()).unwrap();
        if remaining >= 1 {
            prop_assert!(cal.add_working_days(d, remaining).is_ok());
        }
        prop_assert_eq!(
            cal.add_working_days(d, remaining + extra),
            Err(CalendarError::UnknownYear(2027))
        );
    }

    #[test]
    fn working_days_between_counts_the_half_open_span(a in covered_date(), b in covered_date()) {
        let cal = cal();
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let count = reference_count(&cal, lo, hi);
        let expected = if a <= b { count } else { -count };
        prop_assert_eq!(cal.working_days_between(a, b), Ok(expected));
        prop_assert!(count <= (hi - lo).num_days());
    }

    #[test]
    fn working_days_between_is_antisymmetric(a in covered_date(), b in covered_date()) {
        let cal = cal();
        let ab = cal.working_days_between(a, b).unwrap();
        let ba = cal.working_days_between(b, a).unwrap();
        prop_assert_eq!(ab, -ba);
        prop_assert_eq!(cal.working_days_between(a, a), Ok(0));
    }

    #[test]
    fn working_days_between_is_additive(
        a in covered_date(),
        b in covered_date(),
        c in covered_date(),
    ) {
        let cal = cal();
        let ab = cal.working_days_between(a, b).unwrap();
        let bc = cal.working_days_between(b, c).unwrap();
        let ac = cal.working_days_between(a, c).unwrap();
        prop_assert_eq!(ab + bc, ac);
    }

    #[test]
    fn next_day_step_adds_one_exactly_on_working_days(d in covered_date()) {
        let cal = cal();
        let next = d.succ_opt().unwrap();
        if next <= last() {
            let step = cal.working_days_between(d, next).unwrap();
            prop_assert_eq!(step == 1, cal.is_working_day(next).unwrap());
        }
    }

    #[test]
    fn uncovered_dates_are_never_guessed(d in uncovered_date(), c in covered_date(), n in 0u32..50) {
        let cal = cal();
        let y = d.year();
        prop_assert!(!cal.covers(d));
        prop_assert_eq!(cal.is_working_day(d), Err(CalendarError::UnknownYear(y)));
        prop_assert_eq!(cal.add_working_days(d, n), Err(CalendarError::UnknownYear(y)));
        // The smallest missing year between the two dates is named.
        let missing = if y < 2020 { y } else { 2027 };
        prop_assert_eq!(cal.working_days_between(d, c), Err(CalendarError::UnknownYear(missing)));
        prop_assert_eq!(cal.working_days_between(c, d), Err(CalendarError::UnknownYear(missing)));
        prop_assert_eq!(cal.working_days_between(d, d), Err(CalendarError::UnknownYear(y)));
    }

    #[test]
    fn a_missing_year_in_the_middle_is_unknown(a in covered_date(), b in covered_date(), n in 1u32..600) {
        // The shipped tables without [2022] (and without [2023], which lists 2022-12-31).
        let full = cal();
        let gap = WorkingCalendar::from_toml(&without_years(&full.to_toml(), &[2022, 2023])).unwrap();
        prop_assert_eq!(gap.years(), vec![2020, 2021, 2024, 2025, 2026]);
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let first_gap = (lo.year()..=hi.year()).find(|y| *y == 2022 || *y == 2023);
        match first_gap {
            Some(y) => prop_assert_eq!(gap.working_days_between(a, b), Err(CalendarError::UnknownYear(y))),
            None => prop_assert_eq!(gap.working_days_between(a, b), full.working_days_between(a, b)),
        }
        if a.year() < 2022 {
            match full.add_working_days(a, n) {
                Ok(r) if r.year() < 2022 => prop_assert_eq!(gap.add_working_days(a, n), Ok(r)),
                _ => prop_assert_eq!(gap.add_working_days(a, n), Err(CalendarError::UnknownYear(2022))),
            }
        }
    }

    #[test]
    fn nothing_panics(a in any_date(), b in any_date(), n in any::<u32>()) {
        let cal = cal();
        let _ = cal.covers(a);
        let _ = cal.is_working_day(a);
        let _ = cal.holiday_name(a);
        let _ = cal.add_working_days(a, n);
        let _ = cal.working_days_between(a, b);
    }
}

/// The calendar file `text` with the tables of `drop` removed.
fn without_years(text: &str, drop: &[i32]) -> String {
    let mut out = String::new();
    let mut keep = true;
    for line in text.lines() {
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            keep = !drop.iter().any(|y| y.to_string() == header);
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
