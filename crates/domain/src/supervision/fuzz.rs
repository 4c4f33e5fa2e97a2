//! The harness shared by the `deadline_phrase` fuzz target and the property test below.

use chrono::Datelike;

use super::deadline::{Deadline, parse_deadline};

/// Reads `data` as a plan year (first two bytes, 1990–2089) and a deadline phrase (the rest,
/// lossy UTF-8), parses it, and checks that parsing never panics, that a parsed date lies in
/// the plan year or the following one, and that an error carries the text unchanged.
#[doc(hidden)]
pub fn fuzz_deadline_phrase(data: &[u8]) {
    let (head, rest) = data.split_at(data.len().min(2));
    let seed = head.iter().fold(0u32, |acc, b| acc * 256 + u32::from(*b));
    let plan_year = 1990 + (seed % 100) as i32;
    let text = String::from_utf8_lossy(rest);
    check_phrase(&text, plan_year);
}

fn check_phrase(text: &str, plan_year: i32) {
    match parse_deadline(text, plan_year) {
        Ok(Deadline::On(d)) => assert!(
            (plan_year..=plan_year + super::deadline::MAX_YEARS_AHEAD).contains(&d.year()),
            "{text:?} in {plan_year} gave {d}"
        ),
        Ok(deadline @ Deadline::Recurring(_)) => {
            let last = deadline.final_date(plan_year);
            assert!(last.is_some_and(|d| d.year() == plan_year));
        }
        Ok(Deadline::Ongoing) => {}
        Err(e) => assert_eq!(e.text, text),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Pieces officials write, so random strings reach the interesting branches.
    const PIECES: &[&str] = &[
        "2022",
        "2023",
        "年",
        "月",
        "日",
        "号",
        "底",
        "末",
        "前",
        "份",
        "上旬",
        "中旬",
        "下旬",
        "季度",
        "第",
        "三",
        "十二",
        "十",
        "〇",
        "两",
        "上半年",
        "下半年",
        "年内",
        "次年",
        "今年",
        "每",
        "长期坚持",
        "持续推进",
        "-",
        "/",
        ".",
        "—",
        "，",
        "、",
        "６",
        "９",
        "3",
        "30",
        "13",
        "0",
        "99999999999",
        "20220931",
        " ",
        "\u{3000}",
        "初",
        "至",
    ];

    proptest! {
        #[test]
        fn any_text_never_panics_and_dates_stay_in_the_window(
            text in ".{0,40}",
            plan_year in 1990i32..2090,
        ) {
            check_phrase(&text, plan_year);
        }

        #[test]
        fn official_pieces_in_any_order_stay_in_the_window(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 0..12),
            plan_year in 1990i32..2090,
        ) {
            check_phrase(&pieces.concat(), plan_year);
        }

        #[test]
        fn the_fuzz_harness_accepts_any_bytes(data in prop::collection::vec(any::<u8>(), 0..64)) {
            fuzz_deadline_phrase(&data);
        }
    }

    #[test]
    fn extreme_plan_years_do_not_panic() {
        for year in [i32::MIN, -1, 0, 262_143, i32::MAX] {
            for text in [
                "2022年6月底",
                "6月底",
                "次年底",
                "三季度",
                "每季度",
                "年底前",
            ] {
                let _ = parse_deadline(text, year);
            }
        }
    }
}
