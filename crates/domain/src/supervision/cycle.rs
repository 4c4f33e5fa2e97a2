//! Reporting cycles (报送周期): which period a progress report covers, when it is due, whether
//! it came in late or not at all, and when to remind the unit in working days.
//!
//! By default a report is monthly and due on the 5th of the following month (the June report by
//! July 5); a plan may choose quarterly reports and another due day. A due day past the end of
//! a short month falls on that month's last day (due day 31 → Feb 28). A report submitted on
//! the due date is on time.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::deadline::month_end;
use crate::calendar::{CalendarError, WorkingCalendar};

/// How long one reporting cycle is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CyclePeriod {
    Monthly,
    Quarterly,
}

impl CyclePeriod {
    fn months(self) -> u32 {
        match self {
            CyclePeriod::Monthly => 1,
            CyclePeriod::Quarterly => 3,
        }
    }

    /// Cycles in a year: 12 or 4.
    pub fn per_year(self) -> u32 {
        12 / self.months()
    }
}

/// One reporting cycle: a month (`number` 1–12) or a quarter (1–4) of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", try_from = "RawCycle")]
pub struct ReportCycle {
    period: CyclePeriod,
    year: i32,
    number: u32,
}

#[derive(Deserialize)]
struct RawCycle {
    period: CyclePeriod,
    year: i32,
    number: u32,
}

impl TryFrom<RawCycle> for ReportCycle {
    type Error = String;
    fn try_from(r: RawCycle) -> Result<Self, String> {
        ReportCycle::new(r.period, r.year, r.number)
            .ok_or_else(|| format!("no cycle {} of {} for {:?}", r.number, r.year, r.period))
    }
}

impl ReportCycle {
    /// The cycle, if `number` is within the year and the year is a representable date.
    pub fn new(period: CyclePeriod, year: i32, number: u32) -> Option<ReportCycle> {
        let ok = (1..=period.per_year()).contains(&number)
            && NaiveDate::from_ymd_opt(year, 12, 31).is_some();
        ok.then_some(ReportCycle {
            period,
            year,
            number,
        })
    }

    pub fn period(&self) -> CyclePeriod {
        self.period
    }
    pub fn year(&self) -> i32 {
        self.year
    }
    /// Month (1–12) or quarter (1–4).
    pub fn number(&self) -> u32 {
        self.number
    }

    /// First day of the cycle.
    pub fn start(&self) -> NaiveDate {
        let month = (self.number - 1) * self.period.months() + 1;
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Last day of the cycle.
    pub fn end(&self) -> NaiveDate {
        month_end(self.year, self.number * self.period.months()).unwrap_or(NaiveDate::MAX)
    }

    /// The following cycle, `None` past the last representable year.
    pub fn next(&self) -> Option<ReportCycle> {
        if self.number == self.period.per_year() {
            ReportCycle::new(self.period, self.year.checked_add(1)?, 1)
        } else {
            ReportCycle::new(self.period, self.year, self.number + 1)
        }
    }

    /// The preceding cycle, `None` before the first representable year.
    pub fn previous(&self) -> Option<ReportCycle> {
        if self.number == 1 {
            ReportCycle::new(
                self.period,
                self.year.checked_sub(1)?,
                self.period.per_year(),
            )
        } else {
            ReportCycle::new(self.period, self.year, self.number - 1)
        }
    }

    /// `2022-06` for a month, `2022-Q2` for a quarter.
    pub fn label(&self) -> String {
        match self.period {
            CyclePeriod::Monthly => format!("{}-{:02}", self.year, self.number),
            CyclePeriod::Quarterly => format!("{}-Q{}", self.year, self.number),
        }
    }
}

/// A plan's reporting rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct CycleRules {
    pub period: CyclePeriod,
    /// Day of the month after the cycle on which the report is due (1–31). Default 5.
    pub due_day: u32,
}

impl Default for CycleRules {
    fn default() -> Self {
        CycleRules {
            period: CyclePeriod::Monthly,
            due_day: 5,
        }
    }
}

/// A due day outside 1–31.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the report due day must be between 1 and 31, not {0}")]
pub struct InvalidDueDay(pub u32);

impl CycleRules {
    pub fn validate(&self) -> Result<(), InvalidDueDay> {
        if (1..=31).contains(&self.due_day) {
            Ok(())
        } else {
            Err(InvalidDueDay(self.due_day))
        }
    }

    /// The cycle containing `date`.
    pub fn cycle_of(&self, date: NaiveDate) -> ReportCycle {
        ReportCycle {
            period: self.period,
            year: date.year(),
            number: date.month0() / self.period.months() + 1,
        }
    }

    /// The day the report of `cycle` is due: `due_day` of the month after the cycle, or that
    /// month's last day when it is shorter.
    pub fn due_date(&self, cycle: ReportCycle) -> NaiveDate {
        let Some(next_month) = cycle.end().checked_add_months(Months::new(1)) else {
            return NaiveDate::MAX;
        };
        let last = month_end(next_month.year(), next_month.month()).unwrap_or(NaiveDate::MAX);
        let day = self.due_day.clamp(1, last.day());
        NaiveDate::from_ymd_opt(next_month.year(), next_month.month(), day).unwrap_or(last)
    }

    /// [`due_date`](Self::due_date) postponed to the next working day when it falls on a
    /// weekend or holiday (遇节假日顺延).
    pub fn due_date_on_working_day(
        &self,
        cycle: ReportCycle,
        calendar: &WorkingCalendar,
    ) -> Result<NaiveDate, CalendarError> {
        calendar.add_working_days(self.due_date(cycle), 0)
    }

    /// The cycle whose report is due next on or after `today`: the previous cycle while its
    /// due date has not passed (on June 3 the May report, due June 5), else the current one.
    pub fn cycle_to_report(&self, today: NaiveDate) -> ReportCycle {
        let current = self.cycle_of(today);
        match current.previous() {
            Some(prev) if self.due_date(prev) >= today => prev,
            _ => current,
        }
    }
}

impl CycleRules {
    /// The cycle being reported on `today`, counting the due date as postponed to a working
    /// day: the previous cycle while its (postponed) due date has not passed — the September
    /// report due Saturday 5 October 2024 is still the one being reported on 7 October, as it
    /// is due on the 8th — else the current one.
    pub fn cycle_to_report_on_working_days(
        &self,
        today: NaiveDate,
        calendar: &WorkingCalendar,
    ) -> Result<ReportCycle, CalendarError> {
        let current = self.cycle_of(today);
        match current.previous() {
            Some(prev) if self.due_date_on_working_day(prev, calendar)? >= today => Ok(prev),
            _ => Ok(current),
        }
    }

    /// The latest cycle whose (postponed) due date is before `today`: the one whose missing
    /// reports are overdue.
    pub fn last_cycle_due_before(
        &self,
        today: NaiveDate,
        calendar: &WorkingCalendar,
    ) -> Result<Option<ReportCycle>, CalendarError> {
        let reporting = self.cycle_to_report_on_working_days(today, calendar)?;
        let mut c = reporting.previous();
        if self.due_date_on_working_day(reporting, calendar)? < today {
            c = Some(reporting);
        }
        Ok(c)
    }
}

/// Where a cycle's report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ReportStatus {
    /// Submitted by the due date.
    OnTime,
    /// Submitted after the due date.
    Late { days_late: i64 },
    /// Not submitted, and the due date has passed.
    Missing { days_overdue: i64 },
    /// Not submitted, not yet due.
    NotYetDue,
}

/// The status of a report due on `due`, submitted on `submitted` (if at all), seen on `today`.
pub fn report_status(
    due: NaiveDate,
    submitted: Option<NaiveDate>,
    today: NaiveDate,
) -> ReportStatus {
    match submitted {
        Some(on) if on <= due => ReportStatus::OnTime,
        Some(on) => ReportStatus::Late {
            days_late: (on - due).num_days(),
        },
        None if today > due => ReportStatus::Missing {
            days_overdue: (today - due).num_days(),
        },
        None => ReportStatus::NotYetDue,
    }
}

/// Whether a report due on `due` falls due within `working_days` working days of `today`:
/// not past, and at most that many working days `d` with `today < d ≤ due`. "Report due in 3
/// working days" is `due_within(today, due, 3, cal)`.
pub fn due_within(
    today: NaiveDate,
    due: NaiveDate,
    working_days: u32,
    calendar: &WorkingCalendar,
) -> Result<bool, CalendarError> {
    if due < today {
        return Ok(false);
    }
    Ok(calendar.working_days_between(today, due)? <= i64::from(working_days))
}

/// The day to send the "due in `working_days` working days" reminder for a report due on
/// `due`: the latest working day `d` with exactly `working_days` working days in `(d, due]`.
/// A periodic check sends it once, on the first run on or after this day.
pub fn remind_on(
    due: NaiveDate,
    working_days: u32,
    calendar: &WorkingCalendar,
) -> Result<NaiveDate, CalendarError> {
    let mut counted = 0u32;
    let mut day = due;
    loop {
        let working = calendar.is_working_day(day)?;
        if working && counted == working_days {
            return Ok(day);
        }
        if working {
            counted += 1;
        }
        day = day
            .pred_opt()
            .ok_or(CalendarError::UnknownYear(day.year()))?;
    }
}

#[cfg(test)]
#[path = "cycle_tests.rs"]
mod tests;
