//! The monthly bulletin (通报) of a plan: tasks counted by colour in a cycle and the cycle
//! before, how each task moved, and units ranked by on-time reporting.
//!
//! # Rules
//!
//! - The bulletin of month `YYYY-MM` covers the plan's cycle containing that month: the month
//!   itself for monthly reporting, the quarter for quarterly reporting.
//! - A task's **movement** compares its colour with the previous cycle's by severity, from
//!   least to most urgent: grey (done), green, blue, yellow, red. A task without a colour in
//!   the previous cycle is new.
//! - A task **owes** a report for a cycle when it had started by the cycle's last day and was
//!   not done by then.
//! - A report owed is **on time** or **late** as the report itself was marked when filed; one
//!   not filed is **missing** once its due date has passed, and not yet counted before that.
//! - Units are ranked by their on-time rate (on time ÷ due), then fewer missing, then fewer
//!   late, then more reports due; units equal on rate, missing and late share a rank (1, 1, 3).
//!   A unit that owed nothing yet is not ranked.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::colour::TaskColour;
use super::cycle::{CycleRules, ReportCycle, ReportStatus, report_status};

/// Tasks per colour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct ColourCounts {
    pub green: u32,
    pub blue: u32,
    pub yellow: u32,
    pub red: u32,
    pub grey: u32,
}

impl ColourCounts {
    pub fn add(&mut self, colour: TaskColour) {
        *self.slot(colour) += 1;
    }

    pub fn get(&self, colour: TaskColour) -> u32 {
        match colour {
            TaskColour::Green => self.green,
            TaskColour::Blue => self.blue,
            TaskColour::Yellow => self.yellow,
            TaskColour::Red => self.red,
            TaskColour::Grey => self.grey,
        }
    }

    fn slot(&mut self, colour: TaskColour) -> &mut u32 {
        match colour {
            TaskColour::Green => &mut self.green,
            TaskColour::Blue => &mut self.blue,
            TaskColour::Yellow => &mut self.yellow,
            TaskColour::Red => &mut self.red,
            TaskColour::Grey => &mut self.grey,
        }
    }

    /// Every task counted.
    pub fn total(&self) -> u32 {
        TaskColour::ALL.iter().map(|c| self.get(*c)).sum()
    }
}

impl FromIterator<TaskColour> for ColourCounts {
    fn from_iter<I: IntoIterator<Item = TaskColour>>(iter: I) -> Self {
        let mut out = ColourCounts::default();
        for c in iter {
            out.add(c);
        }
        out
    }
}

/// One colour's count in the bulletin's cycle and the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct ColourChange {
    pub colour: TaskColour,
    pub this_cycle: u32,
    pub previous_cycle: u32,
    /// `this_cycle − previous_cycle`.
    pub change: i64,
}

/// The change of every colour, in the order green, blue, yellow, red, grey.
pub fn colour_changes(this: &ColourCounts, previous: &ColourCounts) -> Vec<ColourChange> {
    TaskColour::ALL
        .iter()
        .map(|&colour| ColourChange {
            colour,
            this_cycle: this.get(colour),
            previous_cycle: previous.get(colour),
            change: i64::from(this.get(colour)) - i64::from(previous.get(colour)),
        })
        .collect()
}

/// Colour counts per key (a lead unit, a leader …), keys in ascending order.
pub fn counts_by<K: Ord>(
    rows: impl IntoIterator<Item = (K, TaskColour)>,
) -> BTreeMap<K, ColourCounts> {
    let mut out: BTreeMap<K, ColourCounts> = BTreeMap::new();
    for (k, c) in rows {
        out.entry(k).or_default().add(c);
    }
    out
}

/// How urgent a colour is: grey (done) 0, green 1, blue 2, yellow 3, red 4.
pub fn severity(colour: TaskColour) -> u8 {
    match colour {
        TaskColour::Grey => 0,
        TaskColour::Green => 1,
        TaskColour::Blue => 2,
        TaskColour::Yellow => 3,
        TaskColour::Red => 4,
    }
}

/// How a task's colour moved since the previous cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// No colour in the previous cycle.
    New,
    Unchanged,
    /// Less urgent than before (red → yellow, anything → grey).
    Better,
    /// More urgent than before (yellow → red).
    Worse,
}

pub fn movement(previous: Option<TaskColour>, current: TaskColour) -> Movement {
    match previous {
        None => Movement::New,
        Some(p) => match severity(current).cmp(&severity(p)) {
            Ordering::Less => Movement::Better,
            Ordering::Equal => Movement::Unchanged,
            Ordering::Greater => Movement::Worse,
        },
    }
}

/// Reads a month written `YYYY-MM` (`2026-03`) into (year, month).
pub fn parse_month(text: &str) -> Option<(i32, u32)> {
    let (y, m) = text.trim().split_once('-')?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if y.len() != 4 || m.len() != 2 || !all_digits(y) || !all_digits(m) {
        return None;
    }
    let (year, month) = (y.parse().ok()?, m.parse().ok()?);
    NaiveDate::from_ymd_opt(year, month, 1).map(|_| (year, month))
}

/// The plan's cycle a month's bulletin covers: the month, or the quarter containing it.
pub fn cycle_of_month(rules: &CycleRules, year: i32, month: u32) -> Option<ReportCycle> {
    NaiveDate::from_ymd_opt(year, month, 1).map(|d| rules.cycle_of(d))
}

/// Whether a task started on `start` and done on `done` (if it is) owes a report for `cycle`.
pub fn report_owed(start: NaiveDate, done: Option<NaiveDate>, cycle: ReportCycle) -> bool {
    start <= cycle.end() && done.is_none_or(|d| d > cycle.end())
}

/// A report as filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filed {
    pub submitted_on: NaiveDate,
    /// Marked late when it was filed.
    pub late: bool,
}

/// Where a report owed, due on `due`, stands on `today`: as it was marked when filed, else
/// missing once `due` has passed ([`report_status`]).
pub fn filing_status(due: NaiveDate, filed: Option<Filed>, today: NaiveDate) -> ReportStatus {
    match filed {
        None => report_status(due, None, today),
        Some(f) if f.late => ReportStatus::Late {
            days_late: (f.submitted_on - due).num_days().max(1),
        },
        Some(_) => ReportStatus::OnTime,
    }
}

/// One unit's reporting in a cycle, with its place in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct UnitReporting<K> {
    pub unit: K,
    /// 1 for the best; units equal on rate, missing and late share a rank.
    pub rank: u32,
    /// Reports owed and due: on time + late + missing.
    pub due: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    /// On-time rate in percent (0–100).
    pub rate: f64,
}

impl<K> UnitReporting<K> {
    /// Better-first order on the rate (compared exactly, as fractions), missing and late.
    fn standing(&self, other: &Self) -> Ordering {
        let mine = u64::from(self.on_time) * u64::from(other.due);
        let theirs = u64::from(other.on_time) * u64::from(self.due);
        theirs
            .cmp(&mine)
            .then(self.missing.cmp(&other.missing))
            .then(self.late.cmp(&other.late))
    }
}

/// Ranks units by on-time reporting from the status of each report they owe.
pub fn rank_units<K: Ord + Clone>(
    rows: impl IntoIterator<Item = (K, ReportStatus)>,
) -> Vec<UnitReporting<K>> {
    let mut by_unit: BTreeMap<K, (u32, u32, u32)> = BTreeMap::new();
    for (unit, status) in rows {
        let e = by_unit.entry(unit).or_default();
        match status {
            ReportStatus::OnTime => e.0 += 1,
            ReportStatus::Late { .. } => e.1 += 1,
            ReportStatus::Missing { .. } => e.2 += 1,
            ReportStatus::NotYetDue => {}
        }
    }
    let mut out: Vec<UnitReporting<K>> = by_unit
        .into_iter()
        .filter(|(_, (o, l, m))| o + l + m > 0)
        .map(|(unit, (on_time, late, missing))| {
            let due = on_time + late + missing;
            UnitReporting {
                unit,
                rank: 0,
                due,
                on_time,
                late,
                missing,
                rate: f64::from(on_time) * 100.0 / f64::from(due),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.standing(b)
            .then(b.due.cmp(&a.due))
            .then_with(|| a.unit.cmp(&b.unit))
    });
    for i in 0..out.len() {
        out[i].rank = if i > 0 && out[i].standing(&out[i - 1]) == Ordering::Equal {
            out[i - 1].rank
        } else {
            i as u32 + 1
        };
    }
    out
}

#[cfg(test)]
#[path = "bulletin_tests.rs"]
mod tests;
