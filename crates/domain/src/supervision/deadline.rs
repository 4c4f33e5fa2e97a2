//! Deadlines (完成时限) as officials write them, parsed with the plan's year as context.
//!
//! A decomposition table's 完成时限 column holds phrases such as `2022年6月底`, `6月底前`,
//! `年底前`, `2022-09-30`, `三季度`, `上半年`, `每季度` or `长期坚持`. [`parse_deadline`] turns
//! one into a [`Deadline`]: a date, a recurrence or "ongoing".
//!
//! # Rules
//!
//! - The text is folded first: full-width digits and punctuation become half-width, spaces are
//!   dropped, Chinese numerals become numbers (`十二月` = `12月`, `二〇二二年` = `2022年`).
//! - A phrase without a year uses the plan year. An explicit year (`2023年`, `2023-03-31`) or a
//!   relative one (`次年`/`明年`/`翌年` = plan year + 1; `今年`/`当年`/`本年` = plan year) wins,
//!   and carries on to later yearless phrases in the same text (`2023年3月—6月` is 2023-06-30).
//! - Month end = the last day of the month: `6月`, `6月底`, `6月末`, `6月份`, `6月底前` and
//!   also `6月前` (read as "by June", the supervision office's reading, so a task does not turn
//!   overdue a month early). `6月上旬`/`月初` = the 10th, `中旬` = the 20th, `下旬` = month end.
//! - `9月30日`, `9月30号`, `2022年9月30日`, `2022-09-30`, `2022/9/30`, `2022.9.30`, `20220930`
//!   are that day; `2022-09`, `2022.9` the month end. A day that does not exist is an error.
//! - Quarters: `三季度`, `第三季度`, `3季度`, `三季度末` = the quarter's last day (Sep 30).
//!   `上半年`/`年中` = Jun 30, `下半年` = Dec 31. `年底`, `年末`, `年内`, `全年`, `2022年底`,
//!   `2022年内`, `2022年度` = Dec 31; a bare `2022年` (or `次年`) is Dec 31 of that year
//!   when the text names no other date (`2022-2023年` is 2023-12-31, `2022年6-9月` Sep 30).
//! - A text naming several dates (a range `2022年3月—6月`, or a staged phrase
//!   `分阶段推进，2022年底前完成`) gives the **latest** of them, which is the range's end.
//! - Without any date: `每月`/`按月`/`逐月` → monthly, `每季度`/`每季`/`按季` → quarterly,
//!   `每半年` → half-yearly, `每年`/`按年` → yearly (the shortest period wins when several are
//!   named); then `长期坚持`, `持续推进`, `常态化`, `长期`, `持续`, `常年`, `长效` → ongoing.
//!   A date always wins over a recurrence or "ongoing": `持续推进，年底前完成` is Dec 31.
//! - The date must lie in the plan year or the following one; a date outside that window (a
//!   likely typo such as `2002年底` in a 2022 plan) is an error, as is a text with no deadline.

mod parse;
#[cfg(test)]
mod tests;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// How often a recurring task falls due. Each period is due on its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    /// 每月: due on the last day of every month.
    Monthly,
    /// 每季度: due on Mar 31, Jun 30, Sep 30 and Dec 31.
    Quarterly,
    /// 每半年: due on Jun 30 and Dec 31.
    HalfYearly,
    /// 每年: due on Dec 31.
    Yearly,
}

impl Recurrence {
    pub const ALL: [Recurrence; 4] = [
        Recurrence::Monthly,
        Recurrence::Quarterly,
        Recurrence::HalfYearly,
        Recurrence::Yearly,
    ];

    /// Length of one period in months.
    pub fn months(self) -> u32 {
        match self {
            Recurrence::Monthly => 1,
            Recurrence::Quarterly => 3,
            Recurrence::HalfYearly => 6,
            Recurrence::Yearly => 12,
        }
    }

    /// The due date of the period containing `d`: its last day. `None` only at the end of the
    /// representable calendar.
    pub fn period_end(self, d: NaiveDate) -> Option<NaiveDate> {
        let len = self.months();
        let last_month = (d.month0() / len + 1) * len; // 1-based month ending the period
        month_end(d.year(), last_month)
    }

    /// Every due date of `year`, ascending.
    pub fn due_dates_in(self, year: i32) -> Vec<NaiveDate> {
        let len = self.months();
        (1..=12 / len)
            .filter_map(|i| month_end(year, i * len))
            .collect()
    }
}

/// A parsed deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Deadline {
    /// Due on this date (inclusive: the task is overdue from the next day).
    On(NaiveDate),
    /// Due at the end of every period.
    Recurring(Recurrence),
    /// 长期坚持 / 持续推进 / 常态化: no due date.
    Ongoing,
}

impl Deadline {
    /// The next due date strictly after `after`: for a recurrence the end of the first period
    /// ending after `after`; for a date, that date if it is later than `after`; for
    /// [`Deadline::Ongoing`], `None`.
    pub fn next_due(&self, after: NaiveDate) -> Option<NaiveDate> {
        match *self {
            Deadline::On(d) => (d > after).then_some(d),
            Deadline::Recurring(r) => {
                let end = r.period_end(after)?;
                if end > after {
                    Some(end)
                } else {
                    r.period_end(after.succ_opt()?)
                }
            }
            Deadline::Ongoing => None,
        }
    }

    /// The date by which the whole task is due within a plan of `plan_year`: the date itself,
    /// Dec 31 of the plan year for a recurrence (every period ends by then), `None` for
    /// [`Deadline::Ongoing`].
    pub fn final_date(&self, plan_year: i32) -> Option<NaiveDate> {
        match *self {
            Deadline::On(d) => Some(d),
            Deadline::Recurring(_) => NaiveDate::from_ymd_opt(plan_year, 12, 31),
            Deadline::Ongoing => None,
        }
    }
}

/// Why a deadline text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DeadlineProblem {
    /// No date, recurrence or "ongoing" phrase was recognised.
    Unrecognised,
    /// A date was named that does not exist (`2月30日`, `13月`).
    InvalidDate,
    /// The date lies before the plan year or more than [`MAX_YEARS_AHEAD`] years after it.
    OutOfRange { date: NaiveDate },
}

/// A deadline text that could not be read, with the text as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("cannot read the deadline 「{text}」 ({problem:?})")]
pub struct DeadlineError {
    /// The cell text exactly as given.
    pub text: String,
    pub problem: DeadlineProblem,
}

/// How many years after the plan year a deadline may lie: a three-year 行动方案 written in 2022
/// names 2025 (到2025年底); anything further, or before the plan year, is a typo to report.
pub const MAX_YEARS_AHEAD: i32 = 5;

/// Parses a 完成时限 phrase with `plan_year` as context; see the module documentation for the
/// rules. Errors carry the original text.
pub fn parse_deadline(text: &str, plan_year: i32) -> Result<Deadline, DeadlineError> {
    let fail = |problem| DeadlineError {
        text: text.to_string(),
        problem,
    };
    let tokens = parse::tokenize(text);
    let dates =
        parse::scan_dates(&tokens, plan_year).map_err(|()| fail(DeadlineProblem::InvalidDate))?;
    if let Some(date) = dates.into_iter().max() {
        let in_window =
            (plan_year..=plan_year.saturating_add(MAX_YEARS_AHEAD)).contains(&date.year());
        return if in_window {
            Ok(Deadline::On(date))
        } else {
            Err(fail(DeadlineProblem::OutOfRange { date }))
        };
    }
    let folded: String = parse::fold(text);
    if let Some(r) = parse::recurrence(&folded) {
        return Ok(Deadline::Recurring(r));
    }
    if parse::is_ongoing(&folded) {
        return Ok(Deadline::Ongoing);
    }
    Err(fail(DeadlineProblem::Unrecognised))
}

/// The last day of `month` (1–12) of `year`.
pub(crate) fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}
