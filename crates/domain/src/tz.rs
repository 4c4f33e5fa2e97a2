//! The platform's time zone: China Standard Time (UTC+8, no daylight saving). Days, months
//! and "today" are always counted in it.

use chrono::FixedOffset;

pub fn china_tz() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    #[test]
    fn late_utc_evening_is_the_next_day_in_china() {
        let t = Utc.with_ymd_and_hms(2026, 1, 31, 17, 0, 0).unwrap();
        assert_eq!(
            t.with_timezone(&super::china_tz()).date_naive().to_string(),
            "2026-02-01"
        );
    }
}
