use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn monthly() -> CycleRules {
    CycleRules::default()
}

fn quarterly() -> CycleRules {
    CycleRules {
        period: CyclePeriod::Quarterly,
        due_day: 5,
    }
}

#[test]
fn cycles_of_dates() {
    let cases: &[(CycleRules, NaiveDate, &str, NaiveDate, NaiveDate)] = &[
        (
            monthly(),
            d(2022, 6, 15),
            "2022-06",
            d(2022, 6, 1),
            d(2022, 6, 30),
        ),
        (
            monthly(),
            d(2024, 2, 1),
            "2024-02",
            d(2024, 2, 1),
            d(2024, 2, 29),
        ),
        (
            monthly(),
            d(2022, 12, 31),
            "2022-12",
            d(2022, 12, 1),
            d(2022, 12, 31),
        ),
        (
            quarterly(),
            d(2022, 6, 15),
            "2022-Q2",
            d(2022, 4, 1),
            d(2022, 6, 30),
        ),
        (
            quarterly(),
            d(2022, 1, 1),
            "2022-Q1",
            d(2022, 1, 1),
            d(2022, 3, 31),
        ),
        (
            quarterly(),
            d(2022, 12, 31),
            "2022-Q4",
            d(2022, 10, 1),
            d(2022, 12, 31),
        ),
    ];
    for (rules, date, label, start, end) in cases {
        let c = rules.cycle_of(*date);
        assert_eq!(c.label(), *label);
        assert_eq!((c.start(), c.end()), (*start, *end), "{label}");
        assert!(c.start() <= *date && *date <= c.end());
    }
}

#[test]
fn next_and_previous_cross_the_year() {
    let dec = monthly().cycle_of(d(2022, 12, 1));
    assert_eq!(dec.next().unwrap().label(), "2023-01");
    assert_eq!(dec.next().unwrap().previous(), Some(dec));
    let q1 = quarterly().cycle_of(d(2023, 2, 1));
    assert_eq!(q1.previous().unwrap().label(), "2022-Q4");
    assert_eq!(ReportCycle::new(CyclePeriod::Quarterly, 2022, 5), None);
    assert_eq!(ReportCycle::new(CyclePeriod::Monthly, 2022, 0), None);
    assert_eq!(ReportCycle::new(CyclePeriod::Monthly, 2022, 13), None);
    let last = ReportCycle::new(CyclePeriod::Monthly, NaiveDate::MAX.year(), 12).unwrap();
    assert_eq!(last.next(), None);
    assert_eq!(monthly().due_date(last), NaiveDate::MAX);
}

#[test]
fn due_dates() {
    let c = |rules: CycleRules, date| rules.cycle_of(date);
    let day31 = CycleRules {
        period: CyclePeriod::Monthly,
        due_day: 31,
    };
    let cases: &[(CycleRules, NaiveDate, NaiveDate)] = &[
        (monthly(), d(2022, 6, 1), d(2022, 7, 5)),
        (monthly(), d(2022, 12, 1), d(2023, 1, 5)),
        (quarterly(), d(2022, 5, 1), d(2022, 7, 5)),
        (quarterly(), d(2022, 11, 1), d(2023, 1, 5)),
        (day31, d(2022, 1, 1), d(2022, 2, 28)),
        (day31, d(2024, 1, 1), d(2024, 2, 29)),
        (day31, d(2022, 2, 1), d(2022, 3, 31)),
        (day31, d(2022, 3, 1), d(2022, 4, 30)),
    ];
    for &(rules, date, due) in cases {
        assert_eq!(rules.due_date(c(rules, date)), due, "{date}");
    }
}

#[test]
fn due_date_is_postponed_past_holidays() {
    let cal = WorkingCalendar::shipped();
    let rules = monthly();
    // The September 2024 report is due on 10-05, inside National Day: postponed to 10-08.
    let sep = rules.cycle_of(d(2024, 9, 1));
    assert_eq!(rules.due_date(sep), d(2024, 10, 5));
    assert_eq!(rules.due_date_on_working_day(sep, &cal), Ok(d(2024, 10, 8)));
    // 2026-02-05 is a Thursday and a working day: unchanged.
    let jan = rules.cycle_of(d(2026, 1, 1));
    assert_eq!(rules.due_date_on_working_day(jan, &cal), Ok(d(2026, 2, 5)));
}

#[test]
fn which_cycle_to_report() {
    let cases: &[(CycleRules, NaiveDate, &str)] = &[
        (monthly(), d(2022, 6, 3), "2022-05"),
        (monthly(), d(2022, 6, 5), "2022-05"), // due today
        (monthly(), d(2022, 6, 6), "2022-06"),
        (monthly(), d(2023, 1, 2), "2022-12"),
        (monthly(), d(2022, 6, 30), "2022-06"),
        (quarterly(), d(2022, 7, 3), "2022-Q2"),
        (quarterly(), d(2022, 7, 6), "2022-Q3"),
        (quarterly(), d(2022, 2, 1), "2022-Q1"),
    ];
    for &(rules, today, label) in cases {
        let c = rules.cycle_to_report(today);
        assert_eq!(c.label(), label, "{today}");
        assert!(rules.due_date(c) >= today);
    }
}

#[test]
fn report_statuses() {
    let due = d(2022, 7, 5);
    let cases: &[(Option<NaiveDate>, NaiveDate, ReportStatus)] = &[
        (Some(d(2022, 6, 28)), d(2022, 7, 10), ReportStatus::OnTime),
        (Some(due), d(2022, 7, 10), ReportStatus::OnTime),
        (
            Some(d(2022, 7, 6)),
            d(2022, 7, 10),
            ReportStatus::Late { days_late: 1 },
        ),
        (None, d(2022, 7, 5), ReportStatus::NotYetDue),
        (None, d(2022, 7, 1), ReportStatus::NotYetDue),
        (
            None,
            d(2022, 7, 6),
            ReportStatus::Missing { days_overdue: 1 },
        ),
        (
            None,
            d(2022, 8, 5),
            ReportStatus::Missing { days_overdue: 31 },
        ),
    ];
    for &(submitted, today, expected) in cases {
        assert_eq!(
            report_status(due, submitted, today),
            expected,
            "{submitted:?} {today}"
        );
    }
}

#[test]
fn due_within_working_days_across_national_day() {
    let cal = WorkingCalendar::shipped();
    let today = d(2024, 9, 27); // Friday; then 09-29 (调休), 09-30, 10-08, 10-09 …
    let cases: &[(NaiveDate, bool)] = &[
        (d(2024, 9, 26), false), // already past
        (d(2024, 9, 27), true),  // due today
        (d(2024, 10, 5), true),
        (d(2024, 10, 8), true),  // 3 working days
        (d(2024, 10, 9), false), // 4
    ];
    for &(due, expected) in cases {
        assert_eq!(due_within(today, due, 3, &cal), Ok(expected), "{due}");
    }
}

#[test]
fn reminder_days() {
    let cal = WorkingCalendar::shipped();
    let cases: &[(NaiveDate, u32, NaiveDate)] = &[
        (d(2024, 10, 8), 3, d(2024, 9, 27)), // over National Day and a 调休 Sunday
        (d(2022, 7, 5), 3, d(2022, 6, 30)),
        (d(2022, 7, 5), 0, d(2022, 7, 5)),
        (d(2022, 7, 5), 1, d(2022, 7, 4)),
        (d(2024, 10, 5), 0, d(2024, 9, 30)), // due on a holiday
    ];
    for &(due, n, expected) in cases {
        assert_eq!(remind_on(due, n, &cal), Ok(expected), "{due} {n}");
    }
    // Whatever the due day, the reminder is a working day exactly n working days before.
    let mut due = d(2024, 1, 15);
    while due < d(2025, 12, 20) {
        for n in [1, 3, 7] {
            let r = remind_on(due, n, &cal).unwrap();
            assert_eq!(cal.is_working_day(r), Ok(true), "{due} {n}");
            assert_eq!(cal.working_days_between(r, due), Ok(i64::from(n)));
            assert_eq!(due_within(r, due, n, &cal), Ok(true));
        }
        due = due.succ_opt().unwrap();
    }
}

#[test]
fn rules_validate_and_cycles_serialise() {
    assert!(monthly().validate().is_ok());
    let bad = CycleRules {
        period: CyclePeriod::Monthly,
        due_day: 0,
    };
    assert_eq!(bad.validate(), Err(InvalidDueDay(0)));
    let c = quarterly().cycle_of(d(2022, 8, 1));
    let v = serde_json::to_value(c).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"period": "quarterly", "year": 2022, "number": 3})
    );
    assert_eq!(serde_json::from_value::<ReportCycle>(v).unwrap(), c);
    let wrong = serde_json::json!({"period": "quarterly", "year": 2022, "number": 7});
    assert!(serde_json::from_value::<ReportCycle>(wrong).is_err());
    assert_eq!(
        serde_json::to_value(ReportStatus::Late { days_late: 2 }).unwrap(),
        serde_json::json!({"kind": "late", "days_late": 2})
    );
}

#[test]
fn the_cycle_being_reported_counts_the_postponed_due_date() {
    let cal = WorkingCalendar::shipped();
    let rules = monthly();
    // The September 2024 report is due 5 October, a holiday: postponed to Tuesday 8 October.
    let cases: &[(NaiveDate, &str, Option<&str>)] = &[
        (d(2024, 9, 27), "2024-09", Some("2024-08")),
        (d(2024, 10, 5), "2024-09", Some("2024-08")),
        (d(2024, 10, 7), "2024-09", Some("2024-08")),
        (d(2024, 10, 8), "2024-09", Some("2024-08")),
        (d(2024, 10, 9), "2024-10", Some("2024-09")),
        // A plain month: the August report is due Thursday 5 September.
        (d(2024, 9, 5), "2024-08", Some("2024-07")),
        (d(2024, 9, 6), "2024-09", Some("2024-08")),
    ];
    for &(today, reporting, overdue) in cases {
        let r = rules.cycle_to_report_on_working_days(today, &cal).unwrap();
        assert_eq!(r.label(), reporting, "{today}");
        let o = rules.last_cycle_due_before(today, &cal).unwrap();
        assert_eq!(o.map(|c| c.label()).as_deref(), overdue, "{today}");
        // Without the calendar the September report would have stopped being "the one being
        // reported" on 6 October.
        if today == d(2024, 10, 7) {
            assert_eq!(rules.cycle_to_report(today).label(), "2024-10");
        }
    }
}
