use chrono::NaiveDate;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const PLAN: i32 = 2022;

#[test]
fn dates_in_the_plan_year() {
    let cases: &[(&str, NaiveDate)] = &[
        ("到2025年底", d(2025, 12, 31)),
        ("2027年底前", d(2027, 12, 31)),
        ("2022年6月底", d(2022, 6, 30)),
        ("2022年6月底前", d(2022, 6, 30)),
        ("6月底前", d(2022, 6, 30)),
        ("6月底", d(2022, 6, 30)),
        ("6月末", d(2022, 6, 30)),
        ("6月前", d(2022, 6, 30)),
        ("6月份", d(2022, 6, 30)),
        ("6月", d(2022, 6, 30)),
        ("2月底", d(2022, 2, 28)),
        ("6月上旬", d(2022, 6, 10)),
        ("6月初", d(2022, 6, 10)),
        ("6月中旬", d(2022, 6, 20)),
        ("6月下旬", d(2022, 6, 30)),
        ("2月下旬", d(2022, 2, 28)),
        ("年底前", d(2022, 12, 31)),
        ("年底", d(2022, 12, 31)),
        ("年末", d(2022, 12, 31)),
        ("年内", d(2022, 12, 31)),
        ("全年", d(2022, 12, 31)),
        ("2022年底", d(2022, 12, 31)),
        ("2022年底前", d(2022, 12, 31)),
        ("2022年年底", d(2022, 12, 31)),
        ("2022年内", d(2022, 12, 31)),
        ("2022年度", d(2022, 12, 31)),
        ("2022-09-30", d(2022, 9, 30)),
        ("2022/9/30", d(2022, 9, 30)),
        ("2022.9.30", d(2022, 9, 30)),
        ("20220930", d(2022, 9, 30)),
        ("2022-09-30 00:00:00", d(2022, 9, 30)),
        ("2022-09", d(2022, 9, 30)),
        ("2022.9", d(2022, 9, 30)),
        ("2022年9月30日", d(2022, 9, 30)),
        ("2022年9月30日前", d(2022, 9, 30)),
        ("2022年9月", d(2022, 9, 30)),
        ("9月30日前", d(2022, 9, 30)),
        ("9月30日", d(2022, 9, 30)),
        ("9月30号", d(2022, 9, 30)),
        ("九月三十日", d(2022, 9, 30)),
        ("三季度", d(2022, 9, 30)),
        ("第三季度", d(2022, 9, 30)),
        ("三季度末", d(2022, 9, 30)),
        ("三季度底前", d(2022, 9, 30)),
        ("3季度", d(2022, 9, 30)),
        ("第3季度", d(2022, 9, 30)),
        ("一季度", d(2022, 3, 31)),
        ("二季度", d(2022, 6, 30)),
        ("四季度", d(2022, 12, 31)),
        ("2022年第二季度", d(2022, 6, 30)),
        ("上半年", d(2022, 6, 30)),
        ("2022年上半年", d(2022, 6, 30)),
        ("下半年", d(2022, 12, 31)),
        ("年中", d(2022, 6, 30)),
        ("十二月底", d(2022, 12, 31)),
        ("六月底", d(2022, 6, 30)),
        ("十月底前", d(2022, 10, 31)),
        ("二〇二二年十一月", d(2022, 11, 30)),
        ("今年底", d(2022, 12, 31)),
        ("今年6月底", d(2022, 6, 30)),
        // Full-width digits and punctuation, stray spaces.
        ("２０２２年６月底", d(2022, 6, 30)),
        ("６月底前", d(2022, 6, 30)),
        ("２０２２－０９－３０", d(2022, 9, 30)),
        ("２０２２／９／３０", d(2022, 9, 30)),
        ("２０２２．９．３０", d(2022, 9, 30)),
        (" 2022年 6月 底 ", d(2022, 6, 30)),
        ("2022年\u{3000}6月底", d(2022, 6, 30)),
        // Ranges and staged phrases: the latest date.
        ("2022年3月—6月", d(2022, 6, 30)),
        ("2022年3月-6月", d(2022, 6, 30)),
        ("3月至6月", d(2022, 6, 30)),
        ("2022年3月—2022年6月", d(2022, 6, 30)),
        ("分阶段推进，2022年底前完成", d(2022, 12, 31)),
        ("6月底前完成方案，年底前全面完成", d(2022, 12, 31)),
        ("年底前全面完成（6月底前出台方案）", d(2022, 12, 31)),
        ("持续推进，9月底前完成", d(2022, 9, 30)),
        ("长期坚持，2022年底前取得阶段成效", d(2022, 12, 31)),
        ("每季度报送进展，年底前完成", d(2022, 12, 31)),
        ("2022-2023年", d(2023, 12, 31)),
        ("2022年", d(2022, 12, 31)),
        ("2022年，持续推进", d(2022, 12, 31)),
        ("2022年6-9月", d(2022, 9, 30)),
        ("2022年6月—9月", d(2022, 9, 30)),
        ("2022年底前完成，2023年持续巩固", d(2022, 12, 31)),
        ("2022年12月31日前", d(2022, 12, 31)),
        ("2022年12月31号", d(2022, 12, 31)),
    ];
    for (text, expected) in cases {
        assert_eq!(
            parse_deadline(text, PLAN),
            Ok(Deadline::On(*expected)),
            "{text}"
        );
    }
}

#[test]
fn an_explicit_or_relative_year_wins_over_the_plan_year() {
    let cases: &[(&str, NaiveDate)] = &[
        ("2023年6月底", d(2023, 6, 30)),
        ("2023年底前", d(2023, 12, 31)),
        ("2023-03-31", d(2023, 3, 31)),
        ("次年6月底", d(2023, 6, 30)),
        ("次年底", d(2023, 12, 31)),
        ("次年", d(2023, 12, 31)),
        ("明年一季度", d(2023, 3, 31)),
        ("翌年上半年", d(2023, 6, 30)),
        // The year carries on to a later yearless date.
        ("2023年3月—6月", d(2023, 6, 30)),
        ("次年3月至6月", d(2023, 6, 30)),
        // The latest of the two, across years.
        ("2022年12月—次年3月", d(2023, 3, 31)),
    ];
    for (text, expected) in cases {
        assert_eq!(
            parse_deadline(text, PLAN),
            Ok(Deadline::On(*expected)),
            "{text}"
        );
    }
    // The same yearless phrase follows the plan year.
    assert_eq!(
        parse_deadline("6月底前", 2024),
        Ok(Deadline::On(d(2024, 6, 30)))
    );
    assert_eq!(
        parse_deadline("2月底", 2024),
        Ok(Deadline::On(d(2024, 2, 29)))
    );
}

#[test]
fn recurrences_and_ongoing() {
    let cases: &[(&str, Deadline)] = &[
        ("每季度", Deadline::Recurring(Recurrence::Quarterly)),
        ("每季", Deadline::Recurring(Recurrence::Quarterly)),
        ("按季度报送", Deadline::Recurring(Recurrence::Quarterly)),
        ("每月", Deadline::Recurring(Recurrence::Monthly)),
        ("每月5日前", Deadline::Recurring(Recurrence::Monthly)),
        ("按月推进", Deadline::Recurring(Recurrence::Monthly)),
        ("每半年", Deadline::Recurring(Recurrence::HalfYearly)),
        ("每年", Deadline::Recurring(Recurrence::Yearly)),
        ("每年度", Deadline::Recurring(Recurrence::Yearly)),
        (
            "每月调度，每季度通报",
            Deadline::Recurring(Recurrence::Monthly),
        ),
        ("长期坚持", Deadline::Ongoing),
        ("持续推进", Deadline::Ongoing),
        ("常态化", Deadline::Ongoing),
        ("常态化推进", Deadline::Ongoing),
        ("长期", Deadline::Ongoing),
        ("  长期坚持 ", Deadline::Ongoing),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_deadline(text, PLAN), Ok(*expected), "{text}");
    }
}

#[test]
fn unreadable_text_is_an_error_carrying_the_text() {
    let cases: &[(&str, DeadlineProblem)] = &[
        ("", DeadlineProblem::Unrecognised),
        ("   ", DeadlineProblem::Unrecognised),
        ("尽快", DeadlineProblem::Unrecognised),
        ("按要求完成", DeadlineProblem::Unrecognised),
        ("两年内", DeadlineProblem::Unrecognised),
        ("月底前", DeadlineProblem::Unrecognised),
        ("2022", DeadlineProblem::Unrecognised),
        ("13月底", DeadlineProblem::InvalidDate),
        ("2月30日", DeadlineProblem::InvalidDate),
        ("2022-02-30", DeadlineProblem::InvalidDate),
        ("五季度", DeadlineProblem::InvalidDate),
        (
            "2002年底",
            DeadlineProblem::OutOfRange {
                date: d(2002, 12, 31),
            },
        ),
        (
            "2021年6月底",
            DeadlineProblem::OutOfRange {
                date: d(2021, 6, 30),
            },
        ),
        (
            "2028年底",
            DeadlineProblem::OutOfRange {
                date: d(2028, 12, 31),
            },
        ),
    ];
    for (text, problem) in cases {
        let err = parse_deadline(text, PLAN).unwrap_err();
        assert_eq!(err.text, *text);
        assert_eq!(err.problem, *problem, "{text}");
    }
}

#[test]
fn recurrence_period_ends() {
    let cases: &[(Recurrence, NaiveDate, NaiveDate)] = &[
        (Recurrence::Monthly, d(2024, 2, 10), d(2024, 2, 29)),
        (Recurrence::Monthly, d(2022, 12, 31), d(2022, 12, 31)),
        (Recurrence::Quarterly, d(2022, 1, 1), d(2022, 3, 31)),
        (Recurrence::Quarterly, d(2022, 8, 15), d(2022, 9, 30)),
        (Recurrence::Quarterly, d(2022, 12, 1), d(2022, 12, 31)),
        (Recurrence::HalfYearly, d(2022, 6, 30), d(2022, 6, 30)),
        (Recurrence::HalfYearly, d(2022, 7, 1), d(2022, 12, 31)),
        (Recurrence::Yearly, d(2022, 3, 3), d(2022, 12, 31)),
    ];
    for (r, day, end) in cases {
        assert_eq!(r.period_end(*day), Some(*end), "{r:?} {day}");
    }
    assert_eq!(
        Recurrence::Quarterly.due_dates_in(2022),
        vec![
            d(2022, 3, 31),
            d(2022, 6, 30),
            d(2022, 9, 30),
            d(2022, 12, 31)
        ]
    );
    assert_eq!(Recurrence::Monthly.due_dates_in(2024).len(), 12);
    assert_eq!(Recurrence::Monthly.due_dates_in(2024)[1], d(2024, 2, 29));
    assert_eq!(
        Recurrence::HalfYearly.due_dates_in(2022),
        vec![d(2022, 6, 30), d(2022, 12, 31)]
    );
    assert_eq!(Recurrence::Yearly.due_dates_in(2022), vec![d(2022, 12, 31)]);
}

#[test]
fn next_due_is_strictly_after() {
    let q = Deadline::Recurring(Recurrence::Quarterly);
    assert_eq!(q.next_due(d(2022, 5, 1)), Some(d(2022, 6, 30)));
    assert_eq!(q.next_due(d(2022, 6, 30)), Some(d(2022, 9, 30)));
    assert_eq!(q.next_due(d(2022, 12, 31)), Some(d(2023, 3, 31)));
    let m = Deadline::Recurring(Recurrence::Monthly);
    assert_eq!(m.next_due(d(2022, 1, 31)), Some(d(2022, 2, 28)));
    let y = Deadline::Recurring(Recurrence::Yearly);
    assert_eq!(y.next_due(d(2022, 12, 31)), Some(d(2023, 12, 31)));
    let on = Deadline::On(d(2022, 6, 30));
    assert_eq!(on.next_due(d(2022, 6, 29)), Some(d(2022, 6, 30)));
    assert_eq!(on.next_due(d(2022, 6, 30)), None);
    assert_eq!(Deadline::Ongoing.next_due(d(2022, 1, 1)), None);
}

#[test]
fn final_date_within_the_plan_year() {
    assert_eq!(
        Deadline::On(d(2023, 3, 31)).final_date(2022),
        Some(d(2023, 3, 31))
    );
    for r in Recurrence::ALL {
        assert_eq!(
            Deadline::Recurring(r).final_date(2022),
            Some(d(2022, 12, 31))
        );
    }
    assert_eq!(Deadline::Ongoing.final_date(2022), None);
}

#[test]
fn serialises_with_kind_and_value() {
    let on = serde_json::to_value(Deadline::On(d(2022, 6, 30))).unwrap();
    assert_eq!(on, serde_json::json!({"kind": "on", "value": "2022-06-30"}));
    let rec = serde_json::to_value(Deadline::Recurring(Recurrence::HalfYearly)).unwrap();
    assert_eq!(
        rec,
        serde_json::json!({"kind": "recurring", "value": "half_yearly"})
    );
    let ongoing = serde_json::to_value(Deadline::Ongoing).unwrap();
    assert_eq!(ongoing, serde_json::json!({"kind": "ongoing"}));
    for v in [on, rec, ongoing] {
        let back: Deadline = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(back).unwrap(), v);
    }
}
