//! Known facts from the shipped holiday data, and the TOML format.

use chrono::{Datelike, NaiveDate, Weekday};
use wujin_domain::calendar::{CalendarError, CalendarYear, WorkingCalendar};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cal() -> WorkingCalendar {
    WorkingCalendar::shipped()
}

fn working(s: &str) -> bool {
    cal().is_working_day(d(s)).unwrap()
}

const YEAR_2027: &str = r#"
[2027]
source = "made-up test notice"
off = ["2027-01-01", "2027-01-02", "2027-01-03", "2027-02-06", "2027-02-07", "2027-02-08"]
work = ["2027-02-13"]
names = { "2027-01-01" = "元旦", "2027-02-06" = "春节" }
"#;

fn invalid_reason(result: Result<CalendarYear, CalendarError>) -> (i32, String) {
    match result {
        Err(CalendarError::Invalid { year, reason }) => (year, reason),
        other => panic!("expected CalendarError::Invalid, got {other:?}"),
    }
}

// ---- shipped data -------------------------------------------------------------------------

#[test]
fn shipped_file_parses_and_covers_exactly_2020_to_2026() {
    let cal = cal();
    assert_eq!(cal.years(), (2020..=2026).collect::<Vec<_>>());
    assert!(cal.covers(d("2020-01-01")));
    assert!(cal.covers(d("2026-12-31")));
    assert!(!cal.covers(d("2019-12-31")));
    assert!(!cal.covers(d("2027-01-01")));
    assert!(cal.year(2019).is_none());
    assert!(cal.year(2027).is_none());
    let y2024 = cal.year(2024).unwrap();
    assert_eq!(y2024.year, 2024);
    assert!(y2024.source.contains("国办发明电〔2023〕7号"));
    assert_eq!(y2024.off.len(), 28);
    assert_eq!(y2024.work.len(), 8);
    assert_eq!(y2024.names.len(), 7);
}

#[test]
fn make_up_weekend_days_are_working_days() {
    assert_eq!(d("2024-02-04").weekday(), Weekday::Sun);
    assert!(working("2024-02-04"));
    assert!(working("2024-02-18")); // Sunday after 春节
    assert!(working("2020-01-19")); // Sunday, kept by the 2020 amendment
    assert!(working("2023-01-28")); // Saturday
    assert!(working("2026-01-04")); // Sunday after 元旦
    assert!(working("2026-02-14")); // Saturday before 春节
    assert!(working("2026-02-28")); // Saturday after 春节
    assert!(working("2026-10-10")); // Saturday after 国庆节
}

#[test]
fn holidays_are_not_working_days() {
    assert!(!working("2024-10-01"));
    assert!(!working("2024-02-12")); // Monday in 春节
    assert!(!working("2024-06-10")); // Monday, 端午节
    assert!(!working("2025-01-01"));
    assert!(!working("2025-10-08")); // Wednesday, last day of 国庆节、中秋节
    assert!(!working("2026-02-23")); // Monday, last day of 春节
    assert!(!working("2026-09-25")); // Friday, 中秋节
    assert!(!working("2021-09-21")); // Tuesday, 中秋节
}

#[test]
fn ordinary_days() {
    // 2024-06-08/09 are the weekend "与周末连休" with 端午节: ordinary, not listed, not working.
    assert!(!working("2024-06-08"));
    assert!(!working("2024-06-09"));
    // 2023-12-31 is a Sunday; the 2024 元旦 holiday is 2024-01-01 alone.
    assert_eq!(d("2023-12-31").weekday(), Weekday::Sun);
    assert!(!working("2023-12-31"));
    assert!(!working("2023-12-30"));
    assert_eq!(cal().holiday_name(d("2023-12-31")), None);
    // 除夕 2024-02-09 (Friday) was officially a working day.
    assert!(working("2024-02-09"));
    // 2026 国庆节 ends on 10-07; 10-08 is an ordinary Thursday.
    assert!(working("2026-10-08"));
    assert!(working("2026-12-31"));
    assert!(working("2020-02-03")); // work resumed after the extended 2020 春节
}

#[test]
fn cancelled_2020_make_up_saturday_is_not_a_working_day() {
    assert_eq!(d("2020-02-01").weekday(), Weekday::Sat);
    assert!(!working("2020-02-01"));
    assert!(!working("2020-01-31"));
    assert!(!working("2020-02-02"));
    assert_eq!(cal().holiday_name(d("2020-02-01")), Some("春节"));
}

#[test]
fn date_listed_under_the_next_years_table() {
    // 2022-12-31 (Saturday) starts the 2023 元旦 block and is listed under [2023].
    let cal = cal();
    assert!(cal.year(2022).unwrap().off.iter().all(|x| x.year() == 2022));
    assert!(cal.year(2023).unwrap().off.contains(&d("2022-12-31")));
    assert_eq!(cal.is_working_day(d("2022-12-31")), Ok(false));
    assert_eq!(cal.holiday_name(d("2022-12-31")), Some("元旦"));
    assert_eq!(cal.holiday_name(d("2023-01-02")), Some("元旦"));
    assert_eq!(cal.is_working_day(d("2023-01-02")), Ok(false)); // Monday
    assert_eq!(cal.is_working_day(d("2023-01-03")), Ok(true));
}

#[test]
fn holiday_names() {
    let cal = cal();
    assert_eq!(cal.holiday_name(d("2024-02-10")), Some("春节"));
    assert_eq!(cal.holiday_name(d("2024-02-17")), Some("春节"));
    assert_eq!(cal.holiday_name(d("2024-10-07")), Some("国庆节"));
    assert_eq!(cal.holiday_name(d("2023-10-06")), Some("中秋节、国庆节"));
    assert_eq!(cal.holiday_name(d("2025-06-02")), Some("端午节"));
    assert_eq!(cal.holiday_name(d("2026-09-27")), Some("中秋节"));
    assert_eq!(cal.holiday_name(d("2024-02-04")), None); // make-up working day
    assert_eq!(cal.holiday_name(d("2024-03-01")), None); // ordinary Friday
    assert_eq!(cal.holiday_name(d("2019-10-01")), None); // unknown year: no name
}

#[test]
fn every_shipped_holiday_has_the_name_of_the_latest_named_date_before_it() {
    let cal = cal();
    for y in cal.years() {
        let table = cal.year(y).unwrap();
        for &day in &table.off {
            let expected = table
                .names
                .range(..=day)
                .next_back()
                .map(|(_, n)| n.as_str());
            assert!(expected.is_some(), "{day} has no named block");
            assert_eq!(cal.holiday_name(day), expected, "{day}");
        }
    }
}

#[test]
fn dates_outside_covered_years_are_unknown() {
    let cal = cal();
    for s in [
        "2019-12-31",
        "2019-06-03",
        "2027-01-01",
        "2027-01-04",
        "1999-10-01",
    ] {
        let day = d(s);
        assert_eq!(
            cal.is_working_day(day),
            Err(CalendarError::UnknownYear(day.year()))
        );
        assert_eq!(
            cal.add_working_days(day, 1),
            Err(CalendarError::UnknownYear(day.year()))
        );
    }
    assert_eq!(
        cal.working_days_between(d("2019-12-31"), d("2020-01-10")),
        Err(CalendarError::UnknownYear(2019))
    );
    assert_eq!(
        cal.working_days_between(d("2026-12-01"), d("2027-01-10")),
        Err(CalendarError::UnknownYear(2027))
    );
    assert_eq!(
        cal.working_days_between(d("2027-01-10"), d("2027-01-10")),
        Err(CalendarError::UnknownYear(2027))
    );
    let msg = CalendarError::UnknownYear(2027).to_string();
    assert!(msg.contains("2027"), "{msg}");
}

// ---- counting -------------------------------------------------------------------------

#[test]
fn add_working_days_across_spring_festival_2024() {
    let cal = cal();
    let start = d("2024-02-08"); // Thursday
    assert_eq!(cal.add_working_days(start, 0), Ok(start));
    // 除夕 2024-02-09 (Friday) is a working day; the break is 02-10..02-17; 02-18 (Sunday) is worked.
    assert_eq!(cal.add_working_days(start, 1), Ok(d("2024-02-09")));
    assert_eq!(cal.add_working_days(start, 2), Ok(d("2024-02-18")));
    assert_eq!(cal.add_working_days(start, 3), Ok(d("2024-02-19")));
    assert_eq!(
        cal.add_working_days(d("2024-02-09"), 1),
        Ok(d("2024-02-18"))
    );
    // Starting inside the break.
    assert_eq!(
        cal.add_working_days(d("2024-02-12"), 0),
        Ok(d("2024-02-18"))
    );
    assert_eq!(
        cal.add_working_days(d("2024-02-12"), 1),
        Ok(d("2024-02-18"))
    );
    assert_eq!(
        cal.add_working_days(d("2024-02-12"), 2),
        Ok(d("2024-02-19"))
    );
}

#[test]
fn add_working_days_across_the_2020_extension_and_national_day() {
    let cal = cal();
    // 2020-01-23 (Thursday) + 1: the break, extended to 02-02, and no make-up on 02-01.
    assert_eq!(
        cal.add_working_days(d("2020-01-23"), 1),
        Ok(d("2020-02-03"))
    );
    // 2025-09-30 (Tuesday) + 1: 国庆节 10-01..10-08, then 10-09 (Thursday).
    assert_eq!(
        cal.add_working_days(d("2025-09-30"), 1),
        Ok(d("2025-10-09"))
    );
    assert_eq!(
        cal.add_working_days(d("2025-09-30"), 3),
        Ok(d("2025-10-11"))
    ); // make-up Saturday
    // Across the year boundary into [2023]'s listing of 2022-12-31.
    assert_eq!(
        cal.add_working_days(d("2022-12-30"), 1),
        Ok(d("2023-01-03"))
    );
}

#[test]
fn walking_past_the_last_covered_year_is_unknown() {
    let cal = cal();
    assert_eq!(
        cal.add_working_days(d("2026-12-30"), 1),
        Ok(d("2026-12-31"))
    );
    assert_eq!(
        cal.add_working_days(d("2026-12-30"), 2),
        Err(CalendarError::UnknownYear(2027))
    );
    assert_eq!(
        cal.add_working_days(d("2026-12-31"), 0),
        Ok(d("2026-12-31"))
    );
    assert_eq!(
        cal.add_working_days(d("2026-01-01"), u32::MAX),
        Err(CalendarError::UnknownYear(2027))
    );
}

// 2024 is a leap year starting on a Monday: 52 full weeks (260 weekdays) to Sunday 12-29, then
// Monday 12-30 and Tuesday 12-31, so 262 weekdays. Holidays on weekdays: 01-01; 02-12..16 (5);
// 04-04, 04-05; 05-01..03 (3); 06-10; 09-16, 09-17; 10-01..04 and 10-07 (5) = 19. Make-up
// weekend days: 02-04, 02-18, 04-07, 04-28, 05-11, 09-14, 09-29, 10-12 = 8.
// 262 - 19 + 8 = 251.
#[test]
fn working_days_in_2024_is_251() {
    let cal = cal();
    assert_eq!(
        cal.working_days_between(d("2023-12-31"), d("2024-12-31")),
        Ok(251)
    );
    assert_eq!(
        cal.working_days_between(d("2024-12-31"), d("2023-12-31")),
        Ok(-251)
    );
}

// 2025 starts on a Wednesday and has 365 days: 52 weeks plus Wednesday 12-31, so 261 weekdays.
// Holidays on weekdays: 01-01; 01-28..31, 02-03, 02-04 (6); 04-04; 05-01, 05-02, 05-05 (3);
// 06-02; 10-01..03, 10-06..08 (6) = 18. Make-up days: 01-26, 02-08, 04-27, 09-28, 10-11 = 5.
// 261 - 18 + 5 = 248.
#[test]
fn working_days_in_2025_is_248() {
    assert_eq!(
        cal().working_days_between(d("2024-12-31"), d("2025-12-31")),
        Ok(248)
    );
}

#[test]
fn working_days_between_small_spans() {
    let cal = cal();
    let day = d("2024-02-08");
    assert_eq!(cal.working_days_between(day, day), Ok(0));
    // (02-08, 02-18]: 02-09 and 02-18.
    assert_eq!(cal.working_days_between(day, d("2024-02-18")), Ok(2));
    assert_eq!(cal.working_days_between(d("2024-02-18"), day), Ok(-2));
    // (02-09, 02-17]: all holiday.
    assert_eq!(
        cal.working_days_between(d("2024-02-09"), d("2024-02-17")),
        Ok(0)
    );
    // (2022-12-30, 2023-01-03]: 12-31, 01-01, 01-02 are off; 01-03 works.
    assert_eq!(
        cal.working_days_between(d("2022-12-30"), d("2023-01-03")),
        Ok(1)
    );
}

// ---- TOML format and administration -------------------------------------------------

#[test]
fn to_toml_round_trips() {
    let cal = cal();
    let text = cal.to_toml();
    let back = WorkingCalendar::from_toml(&text).unwrap();
    assert_eq!(back, cal);
    assert_eq!(back.to_toml(), text);
    for y in cal.years() {
        assert_eq!(back.year(y), cal.year(y));
    }
}

#[test]
fn round_trip_keeps_awkward_strings_and_empty_lists() {
    let y = WorkingCalendar::parse_year(
        "[2027]\nsource = 'quote \" and backslash \\ and\ttab'\noff = [\"2027-01-01\"]\nwork = []\n",
    )
    .unwrap();
    assert!(y.work.is_empty() && y.names.is_empty());
    let cal = cal().with_year(y.clone()).unwrap();
    let back = WorkingCalendar::from_toml(&cal.to_toml()).unwrap();
    assert_eq!(back.year(2027), Some(&y));
    assert_eq!(back, cal);
}

#[test]
fn with_year_makes_a_new_year_known() {
    let base = cal();
    let y = WorkingCalendar::parse_year(YEAR_2027).unwrap();
    assert_eq!(y.year, 2027);
    let cal = base.with_year(y).unwrap();
    assert_eq!(cal.years(), (2020..=2027).collect::<Vec<_>>());
    assert!(cal.covers(d("2027-06-01")));
    assert_eq!(cal.is_working_day(d("2027-01-01")), Ok(false)); // Friday, 元旦
    assert_eq!(cal.is_working_day(d("2027-01-04")), Ok(true)); // Monday
    assert_eq!(cal.is_working_day(d("2027-02-08")), Ok(false)); // Monday, 春节
    assert_eq!(cal.is_working_day(d("2027-02-13")), Ok(true)); // make-up Saturday
    assert_eq!(cal.holiday_name(d("2027-02-08")), Some("春节"));
    assert_eq!(
        cal.add_working_days(d("2026-12-30"), 2),
        Ok(d("2027-01-04"))
    );
    // The original calendar is unchanged.
    assert!(!base.covers(d("2027-06-01")));
}

#[test]
fn with_year_replaces_an_existing_year() {
    let base = cal();
    let mut y = base.year(2026).unwrap().clone();
    y.work.retain(|x| *x != d("2026-10-10"));
    y.source = "corrected".to_string();
    let cal = base.with_year(y).unwrap();
    assert_eq!(cal.years(), base.years());
    assert_eq!(cal.is_working_day(d("2026-10-10")), Ok(false));
    assert_eq!(base.is_working_day(d("2026-10-10")), Ok(true));
    assert_eq!(cal.year(2026).unwrap().source, "corrected");
}

#[test]
fn with_year_validates_hand_built_tables() {
    let base = cal();
    let mut y = WorkingCalendar::parse_year(YEAR_2027).unwrap();
    y.work.push(d("2027-02-10")); // Wednesday
    assert!(matches!(
        base.with_year(y),
        Err(CalendarError::Invalid { year: 2027, .. })
    ));
    // Unsorted and duplicated dates are normalised.
    let mut y = WorkingCalendar::parse_year(YEAR_2027).unwrap();
    y.off.reverse();
    y.off.push(d("2027-01-01"));
    let cal = base.with_year(y).unwrap();
    let off = &cal.year(2027).unwrap().off;
    assert!(off.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(off.len(), 6);
}

#[test]
fn with_year_rejects_a_date_already_set_by_another_table() {
    // 2026-12-31 listed by [2027] is fine; 2022-12-31 is already set by [2023].
    let spill = "[2027]\nsource = \"x\"\noff = [\"2026-12-31\", \"2027-01-01\"]\nwork = []\n";
    let cal = cal()
        .with_year(WorkingCalendar::parse_year(spill).unwrap())
        .unwrap();
    assert_eq!(cal.is_working_day(d("2026-12-31")), Ok(false));

    let mut y = cal.year(2022).unwrap().clone();
    y.off.push(d("2022-12-31"));
    match cal.with_year(y) {
        Err(CalendarError::Invalid { year, reason }) => {
            assert_eq!(year, 2023);
            assert!(reason.contains("2022-12-31"), "{reason}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn parse_year_accepts_toml_local_dates() {
    let y = WorkingCalendar::parse_year(
        "[2027]\nsource = \"x\"\noff = [2027-01-01, \"2027-01-02\"]\nwork = [2027-02-13]\n",
    )
    .unwrap();
    assert_eq!(y.off, vec![d("2027-01-01"), d("2027-01-02")]);
    assert_eq!(y.work, vec![d("2027-02-13")]);
}

#[test]
fn parse_year_rejects_a_work_date_on_a_weekday() {
    let text = "[2027]\nsource = \"x\"\noff = [\"2027-01-01\"]\nwork = [\"2027-02-10\"]\n";
    let (year, reason) = invalid_reason(WorkingCalendar::parse_year(text));
    assert_eq!(year, 2027);
    assert!(reason.contains("2027-02-10"), "{reason}");
    assert!(reason.contains("Saturday or Sunday"), "{reason}");
}

#[test]
fn parse_year_rejects_malformed_dates() {
    for bad in [
        "2027-02-30",
        "2027-2-3",
        "27-02-03",
        "2027/02/03",
        "2027-02-03T00:00:00",
        "",
    ] {
        let text =
            format!("[2027]\nsource = \"x\"\noff = [\"2027-01-01\", \"{bad}\"]\nwork = []\n");
        let (year, reason) = invalid_reason(WorkingCalendar::parse_year(&text));
        assert_eq!(year, 2027);
        assert!(reason.contains(&format!("\"{bad}\"")), "{reason}");
        assert!(reason.contains("off[1]"), "{reason}");
    }
    let text = "[2027]\nsource = \"x\"\noff = [\"2027-01-01\"]\nwork = []\nnames = { \"2027-1-1\" = \"元旦\" }\n";
    let (_, reason) = invalid_reason(WorkingCalendar::parse_year(text));
    assert!(reason.contains("2027-1-1"), "{reason}");
    // A TOML date-time is not a date.
    let text = "[2027]\nsource = \"x\"\noff = [2027-01-01T08:00:00]\nwork = []\n";
    invalid_reason(WorkingCalendar::parse_year(text));
    let text = "[2027]\nsource = \"x\"\noff = [20270101]\nwork = []\n";
    invalid_reason(WorkingCalendar::parse_year(text));
}

#[test]
fn parse_year_rejects_anything_but_exactly_one_table() {
    let two = format!("{YEAR_2027}\n[2028]\nsource = \"x\"\noff = [\"2028-01-01\"]\nwork = []\n");
    match WorkingCalendar::parse_year(&two) {
        Err(CalendarError::Parse(msg)) => assert!(msg.contains("[2027], [2028]"), "{msg}"),
        other => panic!("expected Parse, got {other:?}"),
    }
    assert!(matches!(
        WorkingCalendar::parse_year(""),
        Err(CalendarError::Parse(_))
    ));
    // The same header twice is not valid TOML.
    let twice = format!("{YEAR_2027}\n[2027]\nsource = \"y\"\n");
    assert!(matches!(
        WorkingCalendar::parse_year(&twice),
        Err(CalendarError::Parse(_))
    ));
    // Keys before any header.
    assert!(matches!(
        WorkingCalendar::parse_year("source = \"x\"\noff = [\"2027-01-01\"]\nwork = []\n"),
        Err(CalendarError::Parse(_))
    ));
    assert!(matches!(
        WorkingCalendar::parse_year("[2027\nsource = \"x\"\n"),
        Err(CalendarError::Parse(_))
    ));
    assert!(matches!(
        WorkingCalendar::parse_year("[27]\nsource = \"x\"\noff = [\"2027-01-01\"]\nwork = []\n"),
        Err(CalendarError::Parse(_))
    ));
}

#[test]
fn parse_year_rejects_broken_content() {
    let cases: &[(&str, &str)] = &[
        // date both off and work
        (
            "source = \"x\"\noff = [\"2027-02-13\"]\nwork = [\"2027-02-13\"]\n",
            "2027-02-13",
        ),
        // date too far from the table's year
        (
            "source = \"x\"\noff = [\"2027-01-01\", \"2028-03-01\"]\nwork = []\n",
            "2028-03-01",
        ),
        (
            "source = \"x\"\noff = [\"2026-11-30\"]\nwork = []\n",
            "2026-11-30",
        ),
        // name for a date that is not off
        (
            "source = \"x\"\noff = [\"2027-01-01\"]\nwork = []\nnames = { \"2027-01-02\" = \"元旦\" }\n",
            "2027-01-02",
        ),
        (
            "source = \"x\"\noff = [\"2027-01-01\"]\nwork = []\nnames = { \"2027-01-01\" = \" \" }\n",
            "empty",
        ),
        (
            "source = \"x\"\noff = [\"2027-01-01\"]\nwrok = []\n",
            "wrok",
        ),
        ("source = \"x\"\noff = [\"2027-01-01\"]\n", "work = []"),
        ("off = [\"2027-01-01\"]\nwork = []\n", "source"),
        (
            "source = \" \"\noff = [\"2027-01-01\"]\nwork = []\n",
            "source",
        ),
        ("source = \"x\"\noff = []\nwork = []\n", "off"),
        ("source = \"x\"\noff = \"2027-01-01\"\nwork = []\n", "array"),
        ("source = 1\noff = [\"2027-01-01\"]\nwork = []\n", "source"),
    ];
    for (body, needle) in cases {
        let text = format!("[2027]\n{body}");
        let (year, reason) = invalid_reason(WorkingCalendar::parse_year(&text));
        assert_eq!(year, 2027, "{text}");
        assert!(reason.contains(needle), "{text}: {reason}");
        let msg = WorkingCalendar::parse_year(&text).unwrap_err().to_string();
        assert!(msg.contains("[2027]"), "{msg}");
    }
}

#[test]
fn from_toml_validates_every_table_and_the_whole() {
    assert!(matches!(
        WorkingCalendar::from_toml(""),
        Err(CalendarError::Parse(_))
    ));
    assert!(matches!(
        WorkingCalendar::from_toml("# only a comment\n"),
        Err(CalendarError::Parse(_))
    ));
    let bad_year = format!(
        "{}\n[2027]\nsource = \"x\"\noff = [\"2027-01-01\"]\nwork = [\"2027-01-04\"]\n",
        cal().to_toml()
    );
    assert!(matches!(
        WorkingCalendar::from_toml(&bad_year),
        Err(CalendarError::Invalid { year: 2027, .. })
    ));
    let clash = "[2026]\nsource = \"x\"\noff = [\"2026-12-31\"]\nwork = []\n\
                 [2027]\nsource = \"y\"\noff = [\"2026-12-31\", \"2027-01-01\"]\nwork = []\n";
    assert!(matches!(
        WorkingCalendar::from_toml(clash),
        Err(CalendarError::Invalid { year: 2027, .. })
    ));
    // A single table, with a gap before it, is a valid calendar.
    let one = WorkingCalendar::from_toml(YEAR_2027).unwrap();
    assert_eq!(one.years(), vec![2027]);
    assert_eq!(
        one.is_working_day(d("2026-12-31")),
        Err(CalendarError::UnknownYear(2026))
    );
}

#[test]
fn year_tables_serialize_with_serde() {
    let y = cal().year(2024).unwrap().clone();
    let json = serde_json::to_string(&y).unwrap();
    assert!(json.contains("\"2024-02-10\":\"春节\""), "{json}");
    let back: CalendarYear = serde_json::from_str(&json).unwrap();
    assert_eq!(back, y);
}
