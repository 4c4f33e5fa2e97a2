//! Working-day calendar for mainland China (工作日历).
//!
//! Which dates are working days is set each year by the State Council General Office notice on
//! public holidays (国务院办公厅关于YYYY年部分节假日安排的通知). Those notices are transcribed into
//! `data/cn-holidays.toml`, embedded here, one table per notice year:
//!
//! ```toml
//! [2024]
//! source = "国办发明电〔2023〕7号 (2023-10-25) — https://www.gov.cn/..."
//! off = ["2024-01-01", "2024-02-10", ...]    # holidays (放假), every day listed
//! work = ["2024-02-04", "2024-02-18", ...]   # weekend days that are working days (调休上班)
//! names = { "2024-01-01" = "元旦", "2024-02-10" = "春节", ... }  # first day of each block
//! ```
//!
//! # Rule
//!
//! A date is a working day if it is in some table's `work`, or it is Monday–Friday and in no
//! table's `off`. A table may list dates just outside its own year (the 2023 notice's 元旦 block
//! starts on 2022-12-31), so every table takes part in every lookup.
//!
//! # Unknown years
//!
//! A date whose calendar year has no table is *unknown*: every query about it fails with
//! [`CalendarError::UnknownYear`] instead of falling back to "Monday–Friday". A missing year
//! means its notice has not been transcribed (or not yet published), not that it has no
//! holidays.
//!
//! Caveat: a notice can reach back into the previous December (the 2019 notice made Saturday
//! 2018-12-29 a working day and Monday 2018-12-31 a holiday). Dates late in the last covered
//! year are therefore answered from the tables present now and may change once the next year's
//! table is added with [`WorkingCalendar::with_year`].

mod format;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::{Excluded, Included};
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// The shipped holiday data, `crates/domain/data/cn-holidays.toml`.
pub const SHIPPED_TOML: &str = include_str!("../../data/cn-holidays.toml");

/// Smallest year a table may have (the holiday system of the People's Republic starts in 1949).
pub const MIN_YEAR: i32 = 1949;
/// Largest year a table may have.
pub const MAX_YEAR: i32 = 9999;

/// Errors of the working-day calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The calendar has no table for this year, so nothing about its dates is known.
    #[error(
        "the working-day calendar has no table for {0}: add the State Council holiday notice for {0} before using its dates"
    )]
    UnknownYear(i32),
    /// The text is not TOML, or not shaped as a set of `[YYYY]` tables.
    #[error("cannot read the working-day calendar: {0}")]
    Parse(String),
    /// A year table is readable but its content breaks a rule.
    #[error("invalid working-day calendar table [{year}]: {reason}")]
    Invalid {
        /// The year of the offending table.
        year: i32,
        /// What is wrong, naming the offending date or key.
        reason: String,
    },
}

/// One year's table: what that year's State Council notice sets.
///
/// Values built with [`WorkingCalendar::parse_year`] are validated and normalised (`off` and
/// `work` sorted and deduplicated). A value built by hand or deserialised is checked again by
/// [`WorkingCalendar::with_year`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarYear {
    /// The notice year, e.g. 2024 for the notice on the 2024 holidays.
    pub year: i32,
    /// Where the dates come from (notice number, date, URL).
    pub source: String,
    /// Holidays (放假): every day of every holiday block, including weekend days inside a block.
    pub off: Vec<NaiveDate>,
    /// Weekend days that are working days (调休上班).
    pub work: Vec<NaiveDate>,
    /// Holiday names, keyed by the first day of each block.
    pub names: BTreeMap<NaiveDate, String>,
}

/// The working-day calendar: a set of validated year tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    years: BTreeMap<i32, CalendarYear>,
    /// Every `off` date of every table, with the year of the table listing it.
    off: BTreeMap<NaiveDate, i32>,
    /// Every `work` date of every table.
    work: BTreeSet<NaiveDate>,
}

static SHIPPED: LazyLock<WorkingCalendar> = LazyLock::new(|| {
    WorkingCalendar::from_toml(SHIPPED_TOML).unwrap_or_else(|e| {
        panic!("the shipped holiday data crates/domain/data/cn-holidays.toml is invalid: {e}")
    })
});

impl WorkingCalendar {
    /// The calendar from the embedded `data/cn-holidays.toml`, parsed once per process.
    ///
    /// # Panics
    ///
    /// Only if the shipped file is broken; a test guards against that.
    pub fn shipped() -> WorkingCalendar {
        SHIPPED.clone()
    }

    /// Reads a whole calendar file: one or more `[YYYY]` tables, each validated as in
    /// [`parse_year`](Self::parse_year), and no date listed by two tables.
    pub fn from_toml(text: &str) -> Result<WorkingCalendar, CalendarError> {
        let tables = format::parse_tables(text)?;
        if tables.is_empty() {
            return Err(CalendarError::Parse(
                "no [YYYY] year tables found".to_string(),
            ));
        }
        Self::build(tables.into_iter().map(|y| (y.year, y)).collect())
    }

    /// Reads exactly one year's table, as an administrator pastes it from a new notice:
    ///
    /// ```toml
    /// [2027]
    /// source = "国办发明电〔2026〕… — https://www.gov.cn/…"
    /// off = ["2027-01-01", …]
    /// work = ["2027-02-06", …]            # required; write `work = []` if there is none
    /// names = { "2027-01-01" = "元旦" }    # optional
    /// ```
    ///
    /// Dates are `"YYYY-MM-DD"` strings (TOML local dates are accepted too). Checks: every date
    /// is real and lies between December 1 of the previous year and January 31 of the next;
    /// `off` is not empty; every `work` date is a Saturday or Sunday; no date is both `off` and
    /// `work`; every `names` key is an `off` date. `off` and `work` come back sorted and
    /// deduplicated. Errors name the year and the offending date or key.
    pub fn parse_year(text: &str) -> Result<CalendarYear, CalendarError> {
        let mut tables = format::parse_tables(text)?;
        if tables.len() != 1 {
            let found: Vec<String> = tables.iter().map(|y| format!("[{}]", y.year)).collect();
            return Err(CalendarError::Parse(format!(
                "expected exactly one [YYYY] year table, found {}{}{}",
                tables.len(),
                if found.is_empty() { "" } else { ": " },
                found.join(", ")
            )));
        }
        Ok(tables.remove(0))
    }

    /// A copy of this calendar with `year` added, or replacing the table of the same year.
    ///
    /// `year` is validated and normalised as in [`parse_year`](Self::parse_year), and must not
    /// list a date that another table already lists.
    pub fn with_year(&self, year: CalendarYear) -> Result<WorkingCalendar, CalendarError> {
        let year = format::validate(year)?;
        let mut years = self.years.clone();
        years.insert(year.year, year);
        Self::build(years)
    }

    /// The years that have a table, ascending.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// The table of year `y`, if any.
    pub fn year(&self, y: i32) -> Option<&CalendarYear> {
        self.years.get(&y)
    }

    /// Whether the calendar year of `d` has a table, i.e. whether queries about `d` are answered.
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.years.contains_key(&d.year())
    }

    /// Whether `d` is a working day. Fails with [`CalendarError::UnknownYear`] if the year of `d`
    /// has no table.
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        self.ensure_covered(d)?;
        Ok(self.working(d))
    }

    /// The name of the holiday block containing `d` (e.g. "春节"), or `None` if `d` is not a listed
    /// holiday or its block has no name.
    ///
    /// `d` belongs to the latest named date at or before it in the table that lists `d` in
    /// `off`, provided every day from that named date up to `d` is in the same table's `off`
    /// (so an unnamed block never borrows the name of an earlier one). Ordinary weekends next
    /// to a holiday are not part of it and have no name. The answer comes from the data alone,
    /// so it does not require the year of `d` to be covered.
    pub fn holiday_name(&self, d: NaiveDate) -> Option<&str> {
        let table = self.years.get(self.off.get(&d)?)?;
        let (&start, name) = table.names.range(..=d).next_back()?;
        let mut day = start;
        while day < d {
            day = day.succ_opt()?;
            if table.off.binary_search(&day).is_err() {
                return None;
            }
        }
        Some(name)
    }

    /// Counts `n` working days forward from `start`.
    ///
    /// - `n >= 1`: the `n`-th working day strictly after `start`, whether or not `start` itself
    ///   is a working day. `add_working_days(d, 1)` is the next working day after `d`.
    /// - `n == 0`: `start` itself if it is a working day, otherwise the first working day after
    ///   it (the same as `n == 1` in that case).
    ///
    /// So for `n >= 1`, `working_days_between(start, result) == n` and `result` is a working day.
    ///
    /// Fails with [`CalendarError::UnknownYear`] if the year of `start` has no table, or if the
    /// count runs into a year without a table before reaching the answer (for instance past the
    /// last covered year); the error carries that year.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        self.ensure_covered(start)?;
        if n == 0 && self.working(start) {
            return Ok(start);
        }
        let target = n.max(1);
        let mut found = 0u32;
        let mut day = start;
        loop {
            day = day
                .succ_opt()
                .ok_or(CalendarError::UnknownYear(day.year().saturating_add(1)))?;
            self.ensure_covered(day)?;
            if self.working(day) {
                found += 1;
                if found == target {
                    return Ok(day);
                }
            }
        }
    }

    /// The number of working days `d` with `from < d <= to`.
    ///
    /// If `to < from` the result is the negated count for the swapped pair,
    /// `-working_days_between(to, from)`; it is 0 when `from == to`. Hence
    /// `between(a, b) + between(b, c) == between(a, c)` for any covered `a`, `b`, `c`.
    ///
    /// Fails with [`CalendarError::UnknownYear`] (carrying the smallest such year) unless every
    /// year from the earlier to the later date, both included, has a table.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, CalendarError> {
        let (lo, hi, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        if let Some(missing) = (lo.year()..=hi.year()).find(|y| !self.years.contains_key(y)) {
            return Err(CalendarError::UnknownYear(missing));
        }
        let span = (Excluded(lo), Included(hi));
        let weekdays = weekdays_through(hi) - weekdays_through(lo);
        let holidays_on_weekdays = self
            .off
            .range(span)
            .filter(|(d, _)| !is_weekend(**d))
            .count() as i64;
        let make_up_days = self.work.range(span).count() as i64;
        Ok(sign * (weekdays - holidays_on_weekdays + make_up_days))
    }

    /// The calendar as TOML in the file format; [`from_toml`](Self::from_toml) reads it back to
    /// an equal calendar. Comments of the original file are not kept.
    pub fn to_toml(&self) -> String {
        format::write(self.years.values())
    }

    fn build(years: BTreeMap<i32, CalendarYear>) -> Result<WorkingCalendar, CalendarError> {
        let mut off = BTreeMap::new();
        let mut work = BTreeSet::new();
        let mut listed_by: BTreeMap<NaiveDate, i32> = BTreeMap::new();
        for (&y, table) in &years {
            for &d in table.off.iter().chain(&table.work) {
                if let Some(other) = listed_by.insert(d, y) {
                    return Err(CalendarError::Invalid {
                        year: y,
                        reason: format!(
                            "{d} is also listed by the [{other}] table; a date may be set by one table only"
                        ),
                    });
                }
            }
            off.extend(table.off.iter().map(|&d| (d, y)));
            work.extend(table.work.iter().copied());
        }
        Ok(WorkingCalendar { years, off, work })
    }

    fn ensure_covered(&self, d: NaiveDate) -> Result<(), CalendarError> {
        if self.covers(d) {
            Ok(())
        } else {
            Err(CalendarError::UnknownYear(d.year()))
        }
    }

    /// The working-day rule, without the coverage check.
    fn working(&self, d: NaiveDate) -> bool {
        self.work.contains(&d) || (!is_weekend(d) && !self.off.contains_key(&d))
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The number of Monday–Friday dates from 0001-01-01 (a Monday) through `d`; differences of
/// this are weekday counts over half-open spans.
fn weekdays_through(d: NaiveDate) -> i64 {
    let days = i64::from(d.num_days_from_ce()); // 0001-01-01 is day 1
    days.div_euclid(7) * 5 + days.rem_euclid(7).min(5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn day_one_of_the_common_era_is_a_monday() {
        assert_eq!(date("0001-01-01").weekday(), Weekday::Mon);
        assert_eq!(weekdays_through(date("0001-01-01")), 1);
        assert_eq!(weekdays_through(date("0001-01-05")), 5);
        assert_eq!(weekdays_through(date("0001-01-07")), 5);
        assert_eq!(weekdays_through(date("0001-01-08")), 6);
    }

    #[test]
    fn weekday_count_matches_walking_day_by_day() {
        let start = date("2019-12-01");
        let mut expected = 0i64;
        let mut day = start;
        for _ in 0..3000 {
            day = day.succ_opt().unwrap();
            if !is_weekend(day) {
                expected += 1;
            }
            assert_eq!(
                weekdays_through(day) - weekdays_through(start),
                expected,
                "{day}"
            );
        }
    }

    #[test]
    fn holiday_name_needs_an_unbroken_block() {
        // The second block (2027-05-01..03) has no name: it must not borrow 元旦.
        let y = WorkingCalendar::parse_year(
            "[2027]\nsource = \"test\"\noff = [\"2027-01-01\", \"2027-05-01\", \"2027-05-02\", \"2027-05-03\"]\nwork = []\nnames = { \"2027-01-01\" = \"元旦\" }\n",
        )
        .unwrap();
        let cal = WorkingCalendar::shipped().with_year(y).unwrap();
        assert_eq!(cal.holiday_name(date("2027-01-01")), Some("元旦"));
        assert_eq!(cal.holiday_name(date("2027-05-02")), None);
    }

    #[test]
    fn index_holds_every_listed_date() {
        let cal = WorkingCalendar::shipped();
        let off: usize = cal.years.values().map(|y| y.off.len()).sum();
        let work: usize = cal.years.values().map(|y| y.work.len()).sum();
        assert_eq!(cal.off.len(), off);
        assert_eq!(cal.work.len(), work);
        assert_eq!(cal.off[&date("2022-12-31")], 2023);
    }
}
