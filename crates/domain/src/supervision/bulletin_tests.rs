use super::*;
use crate::supervision::cycle::CyclePeriod;
use TaskColour::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn colours_are_counted_and_compared_with_the_previous_cycle() {
    let this: ColourCounts = [Green, Green, Red, Yellow, Red, Red, Grey]
        .into_iter()
        .collect();
    let previous: ColourCounts = [Green, Green, Green, Yellow, Yellow, Red]
        .into_iter()
        .collect();
    assert_eq!(
        (this.green, this.blue, this.yellow, this.red, this.grey),
        (2, 0, 1, 3, 1)
    );
    assert_eq!(this.total(), 7);
    let changes = colour_changes(&this, &previous);
    let got: Vec<(TaskColour, u32, u32, i64)> = changes
        .iter()
        .map(|c| (c.colour, c.this_cycle, c.previous_cycle, c.change))
        .collect();
    assert_eq!(
        got,
        [
            (Green, 2, 3, -1),
            (Blue, 0, 0, 0),
            (Yellow, 1, 2, -1),
            (Red, 3, 1, 2),
            (Grey, 1, 0, 1),
        ]
    );
}

#[test]
fn counts_by_key() {
    let by = counts_by([
        ("经信局", Red),
        ("古山镇", Green),
        ("经信局", Red),
        ("经信局", Blue),
    ]);
    assert_eq!(by.len(), 2);
    assert_eq!(by["经信局"].red, 2);
    assert_eq!(by["经信局"].blue, 1);
    assert_eq!(by["经信局"].total(), 3);
    assert_eq!(by["古山镇"].green, 1);
}

#[test]
fn movement_follows_severity_not_precedence() {
    assert_eq!(movement(None, Red), Movement::New);
    assert_eq!(movement(Some(Yellow), Red), Movement::Worse);
    assert_eq!(movement(Some(Red), Yellow), Movement::Better);
    assert_eq!(movement(Some(Green), Blue), Movement::Worse);
    // Grey wins every colour's precedence but is the least urgent: done is better.
    assert_eq!(movement(Some(Red), Grey), Movement::Better);
    assert_eq!(movement(Some(Grey), Green), Movement::Worse);
    assert_eq!(movement(Some(Green), Green), Movement::Unchanged);
}

#[test]
fn months_are_read_strictly() {
    assert_eq!(parse_month("2026-03"), Some((2026, 3)));
    assert_eq!(parse_month(" 2026-12 "), Some((2026, 12)));
    for bad in [
        "2026-3",
        "2026-13",
        "2026-00",
        "26-03",
        "2026/03",
        "2026-Q1",
        "",
        "２０２６-03",
    ] {
        assert_eq!(parse_month(bad), None, "{bad}");
    }
}

#[test]
fn a_month_falls_in_the_plans_cycle() {
    let monthly = CycleRules::default();
    let quarterly = CycleRules {
        period: CyclePeriod::Quarterly,
        due_day: 5,
    };
    assert_eq!(
        cycle_of_month(&monthly, 2026, 5).unwrap().label(),
        "2026-05"
    );
    assert_eq!(
        cycle_of_month(&quarterly, 2026, 5).unwrap().label(),
        "2026-Q2"
    );
    assert_eq!(
        cycle_of_month(&quarterly, 2026, 12).unwrap().label(),
        "2026-Q4"
    );
    assert_eq!(cycle_of_month(&quarterly, 2026, 13), None);
}

#[test]
fn a_report_is_owed_from_the_start_until_done() {
    let may = cycle_of_month(&CycleRules::default(), 2026, 5).unwrap();
    assert!(report_owed(d(2026, 1, 1), None, may));
    assert!(report_owed(d(2026, 5, 31), None, may));
    assert!(!report_owed(d(2026, 6, 1), None, may));
    assert!(!report_owed(d(2026, 1, 1), Some(d(2026, 5, 31)), may));
    assert!(report_owed(d(2026, 1, 1), Some(d(2026, 6, 1)), may));
}

#[test]
fn filing_status_keeps_the_late_mark_and_finds_missing_reports() {
    let due = d(2026, 6, 5);
    let filed = |on, late| {
        Some(Filed {
            submitted_on: on,
            late,
        })
    };
    assert_eq!(
        filing_status(due, filed(d(2026, 6, 5), false), d(2026, 7, 1)),
        ReportStatus::OnTime
    );
    assert_eq!(
        filing_status(due, filed(d(2026, 6, 9), true), d(2026, 7, 1)),
        ReportStatus::Late { days_late: 4 }
    );
    // Marked late when filed, whatever the stored time says.
    assert_eq!(
        filing_status(due, filed(d(2026, 6, 1), true), d(2026, 7, 1)),
        ReportStatus::Late { days_late: 1 }
    );
    assert_eq!(
        filing_status(due, None, d(2026, 6, 5)),
        ReportStatus::NotYetDue
    );
    assert_eq!(
        filing_status(due, None, d(2026, 6, 8)),
        ReportStatus::Missing { days_overdue: 3 }
    );
}

#[test]
fn units_are_ranked_by_rate_then_missing_then_late() {
    let on = ReportStatus::OnTime;
    let late = ReportStatus::Late { days_late: 2 };
    let miss = ReportStatus::Missing { days_overdue: 5 };
    let wait = ReportStatus::NotYetDue;
    let rows = vec![
        // a: 2/2 on time.
        ("a", on),
        ("a", on),
        // b: 1/2, one missing.
        ("b", on),
        ("b", miss),
        // c: 1/2, one late: same rate as b, fewer missing, so ahead of b.
        ("c", on),
        ("c", late),
        // d: 2/4, two late: same rate and missing as c, more late.
        ("d", on),
        ("d", on),
        ("d", late),
        ("d", late),
        // e: 4/4 — same as a on every measure; more reports due comes first, same rank.
        ("e", on),
        ("e", on),
        ("e", on),
        ("e", on),
        // f: nothing due yet: not ranked.
        ("f", wait),
        // g: 0/1.
        ("g", miss),
    ];
    let ranked = rank_units(rows);
    let got: Vec<(&str, u32, u32, u32, u32, u32)> = ranked
        .iter()
        .map(|u| (u.unit, u.rank, u.due, u.on_time, u.late, u.missing))
        .collect();
    assert_eq!(
        got,
        [
            ("e", 1, 4, 4, 0, 0),
            ("a", 1, 2, 2, 0, 0),
            ("c", 3, 2, 1, 1, 0),
            ("d", 4, 4, 2, 2, 0),
            ("b", 5, 2, 1, 0, 1),
            ("g", 6, 1, 0, 0, 1),
        ]
    );
    assert_eq!(ranked[0].rate, 100.0);
    assert_eq!(ranked[2].rate, 50.0);
    assert_eq!(ranked[5].rate, 0.0);
}

#[test]
fn rates_are_compared_exactly() {
    // 1/3 and 2/6 are the same rate, though 100/3 and 200/6 may differ in the last bit.
    let on = ReportStatus::OnTime;
    let miss = ReportStatus::Missing { days_overdue: 1 };
    let mut rows = vec![("x", on), ("x", miss), ("x", miss)];
    rows.extend([("y", on), ("y", on)]);
    rows.extend([("y", miss); 4]);
    let ranked = rank_units(rows);
    // Same rate; x has fewer missing.
    assert_eq!(ranked[0].unit, "x");
    assert_eq!((ranked[0].rank, ranked[1].rank), (1, 2));
}
