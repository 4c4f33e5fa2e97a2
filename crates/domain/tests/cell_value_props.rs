//! Property tests of the spreadsheet cell readers.

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use wujin_domain::cell_value::{
    MAX_EXCEL_SERIAL, MoneyUnit, ValueError, normalize_text, parse_date, parse_number,
    parse_percent, to_yuan,
};

/// `n` with its digits grouped by three, separated by `sep`.
fn grouped(n: i64, sep: &str) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | '-' | '.' | ',' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            c => c,
        })
        .collect()
}

fn blank_char(c: char) -> bool {
    c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}'
}

const SANE: i64 = 1_000_000_000_000_000;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_number_never_panics(s in any::<String>()) {
        let _ = parse_number(&s);
        let _ = parse_percent(&s);
    }

    #[test]
    fn parse_number_never_panics_on_numberish(s in "[-+0-9.,eE% \u{3000}０-９，．－]{0,16}") {
        if let Ok(Some(v)) = parse_number(&s) {
            prop_assert!(v.is_finite());
        }
        let _ = parse_percent(&s);
    }

    #[test]
    fn grouped_integers_round_trip(n in -SANE..=SANE) {
        let want = Some(n as f64);
        prop_assert_eq!(parse_number(&n.to_string()), Ok(want));
        prop_assert_eq!(parse_number(&grouped(n, ",")), Ok(want));
        prop_assert_eq!(parse_number(&grouped(n, " ")), Ok(want));
        prop_assert_eq!(parse_number(&grouped(n, "\u{a0}")), Ok(want));
        prop_assert_eq!(parse_number(&full_width(&grouped(n, ","))), Ok(want));
        prop_assert_eq!(parse_number(&format!(" {} ", grouped(n, ","))), Ok(want));
    }

    #[test]
    fn grouped_decimals_round_trip(n in -SANE..=SANE, frac in 0u32..100) {
        let text = format!("{}.{frac:02}", grouped(n, ","));
        let plain = format!("{n}.{frac:02}");
        let want: f64 = plain.parse().unwrap();
        prop_assert_eq!(parse_number(&text), Ok(Some(want)));
    }

    #[test]
    fn displayed_floats_round_trip(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
        prop_assert_eq!(parse_number(&x.to_string()), Ok(Some(x)));
    }

    #[test]
    fn percent_is_number_over_hundred(n in -1_000_000i64..=1_000_000) {
        let v = n as f64 / 10.0;
        let text = format!("{v}%");
        prop_assert_eq!(parse_percent(&text), Ok(Some(v / 100.0)));
    }

    #[test]
    fn to_yuan_of_whole_wan(n in -100_000_000_000i64..=100_000_000_000) {
        prop_assert_eq!(to_yuan(n as f64, MoneyUnit::WanYuan), Ok(n * 10_000));
        prop_assert_eq!(to_yuan(n as f64, MoneyUnit::Yuan), Ok(n));
    }

    #[test]
    fn to_yuan_never_panics(v in any::<f64>()) {
        for u in [MoneyUnit::Yuan, MoneyUnit::WanYuan, MoneyUnit::YiYuan] {
            match to_yuan(v, u) {
                Ok(y) => prop_assert!(y.unsigned_abs() <= SANE as u64),
                Err(e) => prop_assert!(matches!(e, ValueError::AmountOutOfRange(_))),
            }
        }
    }

    #[test]
    fn excel_serials_match_chrono(serial in 61u32..=MAX_EXCEL_SERIAL) {
        prop_assume!(!(1900..=2099).contains(&serial));
        let want = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap() + Days::new(serial.into());
        prop_assert_eq!(parse_date(&serial.to_string()), Ok(Some(want)));
        prop_assert_eq!(parse_date(&format!("{serial}.5")), Ok(Some(want)));
    }

    #[test]
    fn written_dates_round_trip(days in 0u64..=3_000_000) {
        let d = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap() + Days::new(days);
        prop_assume!(d.year() <= 9999);
        let (y, m, dd) = (d.year(), d.month(), d.day());
        for text in [
            format!("{y:04}-{m:02}-{dd:02}"),
            format!("{y}/{m}/{dd}"),
            format!("{y}.{m}.{dd}"),
            format!("{y}年{m}月{dd}日"),
            format!("{y:04}{m:02}{dd:02}"),
            format!("{y:04}-{m:02}-{dd:02} 12:00:00"),
        ] {
            prop_assert_eq!(parse_date(&text), Ok(Some(d)), "{}", text);
        }
    }

    #[test]
    fn parse_date_never_panics(s in any::<String>()) {
        let _ = parse_date(&s);
    }

    #[test]
    fn parse_date_never_panics_on_dateish(s in "[0-9年月日号 :.T/\\-]{0,20}") {
        let _ = parse_date(&s);
    }

    #[test]
    fn normalize_text_is_idempotent(s in any::<String>()) {
        match normalize_text(&s) {
            None => prop_assert!(s.chars().all(blank_char)),
            Some(t) => {
                prop_assert!(!t.is_empty());
                prop_assert!(!t.starts_with(' ') && !t.ends_with(' ') && !t.contains("  "));
                prop_assert!(!t.chars().any(|c| c.is_whitespace() && c != ' '));
                prop_assert_eq!(normalize_text(&t), Some(t.clone()));
            }
        }
    }
}
