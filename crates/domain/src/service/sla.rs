//! Time limits of the service loop, in working days (办理时限).
//!
//! Defaults (DESIGN.md §7): assign within 1 working day of receipt (交办), first reply within 3
//! of assignment (首次答复), close within 10 of assignment, or 25 for a complex problem (办结).
//! Each category may set its own limits. While the case waits for the firm the close clock is
//! paused: the working days `d` with `paused_on < d <= resumed_on` do not count.
//!
//! Everything here is computed from the case's dated event log ([`ClockEvent`]), so a change
//! to the working-day calendar recomputes every deadline of the past as well.
//!
//! A date whose year the calendar does not hold yet (next year, before its holiday notice is
//! transcribed) is counted Monday–Friday and the result is marked `provisional`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::problem::{Complexity, ProblemCategory, Satisfaction};
use crate::calendar::WorkingCalendar;

/// Limits one category may override; unset fields take the general value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CategoryLimits {
    pub reply_within_wd: Option<u32>,
    pub close_general_wd: Option<u32>,
    pub close_complex_wd: Option<u32>,
}

/// The service loop's time limits and escalation steps, all in working days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaRules {
    /// 交办: from receipt (or return, or reopening) to assignment. Default 1.
    pub assign_within_wd: u32,
    /// 首次答复: from assignment to the first note, request or answer to the firm. Default 3.
    pub reply_within_wd: u32,
    /// 办结 of a general problem, from assignment. Default 10.
    pub close_general_wd: u32,
    /// 办结 of a complex problem, from assignment. Default 25.
    pub close_complex_wd: u32,
    /// A reminder goes out this many working days before a deadline (and on the day). Default 1.
    pub remind_before_wd: u32,
    /// Overdue by this many working days: the department head is told. Default 3.
    pub escalate_head_after_wd: u32,
    /// Overdue by this many working days: the leader in charge is told. Default 5.
    pub escalate_leader_after_wd: u32,
    /// Overrides per category.
    pub categories: BTreeMap<ProblemCategory, CategoryLimits>,
}

impl Default for SlaRules {
    fn default() -> Self {
        SlaRules {
            assign_within_wd: 1,
            reply_within_wd: 3,
            close_general_wd: 10,
            close_complex_wd: 25,
            remind_before_wd: 1,
            escalate_head_after_wd: 3,
            escalate_leader_after_wd: 5,
            categories: BTreeMap::new(),
        }
    }
}

impl SlaRules {
    /// Working days allowed for the first reply in `category`.
    pub fn reply_within(&self, category: ProblemCategory) -> u32 {
        self.categories
            .get(&category)
            .and_then(|c| c.reply_within_wd)
            .unwrap_or(self.reply_within_wd)
    }

    /// Working days allowed to close a problem of `category` and `complexity`.
    pub fn close_within(&self, category: ProblemCategory, complexity: Complexity) -> u32 {
        let c = self.categories.get(&category);
        match complexity {
            Complexity::General => c
                .and_then(|c| c.close_general_wd)
                .unwrap_or(self.close_general_wd),
            Complexity::Complex => c
                .and_then(|c| c.close_complex_wd)
                .unwrap_or(self.close_complex_wd),
        }
    }

    /// Checks the limits make sense; the first problem found, naming the key.
    pub fn validate(&self) -> Result<(), String> {
        let all = [
            ("assign_within_wd", self.assign_within_wd),
            ("reply_within_wd", self.reply_within_wd),
            ("close_general_wd", self.close_general_wd),
            ("close_complex_wd", self.close_complex_wd),
            ("escalate_head_after_wd", self.escalate_head_after_wd),
            ("escalate_leader_after_wd", self.escalate_leader_after_wd),
        ];
        if let Some((k, _)) = all.iter().find(|(_, v)| *v == 0 || *v > 250) {
            return Err(format!("{k} must be between 1 and 250 working days"));
        }
        if self.escalate_leader_after_wd < self.escalate_head_after_wd {
            return Err("escalate_leader_after_wd must not be below escalate_head_after_wd".into());
        }
        for (cat, l) in &self.categories {
            for v in [l.reply_within_wd, l.close_general_wd, l.close_complex_wd]
                .into_iter()
                .flatten()
            {
                if v == 0 || v > 250 {
                    return Err(format!(
                        "categories.{}: limits must be between 1 and 250 working days",
                        cat.as_str()
                    ));
                }
            }
        }
        Ok(())
    }
}

/// What happened to a case, as far as its clocks care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockEvent {
    /// 受理: the case was registered; the assignment clock starts.
    Received,
    /// 交办 (or 改派): a lead department has it; the reply and close clocks start.
    Assigned,
    /// The lead department's first note, request or answer.
    Replied,
    /// Waiting for the firm from this day.
    Paused,
    /// The firm supplied what was asked.
    Resumed,
    /// 退回: the department gave it back; the assignment clock starts again.
    Returned,
    /// 办结.
    Closed,
    /// 重新办理: a new round starts; the assignment clock starts again.
    Reopened,
    /// The firm rated the last closure (a 不满意 is followed by `Reopened`).
    Rated(Satisfaction),
}

/// How one assignment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentEnd {
    Closed,
    Returned,
    /// The dispatcher gave it to another department before it was closed.
    Reassigned,
}

/// The clocks of one assignment to a lead department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentClock {
    /// 1 for the first handling, +1 per reopening.
    pub round: u32,
    /// When the case started waiting for this assignment (receipt, return or reopening).
    pub waiting_since: NaiveDate,
    pub assign_due: NaiveDate,
    pub assigned_on: NaiveDate,
    pub reply_due: NaiveDate,
    pub replied_on: Option<NaiveDate>,
    /// `None` while the case waits for the firm (the clock is stopped).
    pub close_due: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub end: Option<AssignmentEnd>,
    /// Working days the clock stood still while waiting for the firm.
    pub paused_wd: i64,
    /// Working days from assignment to closure, pauses left out (closed assignments only).
    pub worked_wd: Option<i64>,
    /// The firm's rating of this closure.
    pub satisfaction: Option<Satisfaction>,
    /// The case was reopened after this closure.
    pub reopened: bool,
}

impl AssignmentClock {
    pub fn assigned_on_time(&self) -> bool {
        self.assigned_on <= self.assign_due
    }

    pub fn replied_on_time(&self) -> Option<bool> {
        self.replied_on.map(|r| r <= self.reply_due)
    }

    pub fn closed_on_time(&self) -> Option<bool> {
        match (self.end, self.ended_on, self.close_due) {
            (Some(AssignmentEnd::Closed), Some(on), Some(due)) => Some(on <= due),
            _ => None,
        }
    }
}

/// Which deadline is next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    Assign,
    Reply,
    Close,
}

/// The next deadline of an open case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub due: NaiveDate,
}

/// All clocks of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseClock {
    pub assignments: Vec<AssignmentClock>,
    /// Waiting for assignment: since when, and by when.
    pub pending_assign: Option<(NaiveDate, NaiveDate)>,
    /// Waiting for the firm since this day.
    pub paused_since: Option<NaiveDate>,
    /// Some count ran through a year the calendar does not hold (counted Monday–Friday).
    pub provisional: bool,
}

impl CaseClock {
    /// The deadline that matters now; `None` when closed or paused.
    pub fn next_deadline(&self) -> Option<Deadline> {
        if let Some((_, due)) = self.pending_assign {
            return Some(Deadline {
                kind: DeadlineKind::Assign,
                due,
            });
        }
        let a = self.assignments.last().filter(|a| a.end.is_none())?;
        let close = a.close_due.map(|due| Deadline {
            kind: DeadlineKind::Close,
            due,
        });
        if a.replied_on.is_none() {
            let reply = Deadline {
                kind: DeadlineKind::Reply,
                due: a.reply_due,
            };
            return Some(match close {
                Some(c) if c.due < reply.due => c,
                _ => reply,
            });
        }
        close
    }

    /// The current (last) assignment.
    pub fn current(&self) -> Option<&AssignmentClock> {
        self.assignments.last()
    }
}

/// Working days counted with the calendar, Monday–Friday where it has no table.
struct Counter<'a> {
    cal: &'a WorkingCalendar,
    provisional: bool,
}

impl Counter<'_> {
    fn working(&mut self, d: NaiveDate) -> bool {
        match self.cal.is_working_day(d) {
            Ok(w) => w,
            Err(_) => {
                self.provisional = true;
                !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
            }
        }
    }

    /// The `n`-th counted working day after `start` (n ≥ 1), skipping paused days; `None`
    /// when an open pause stops the count first.
    fn add(&mut self, start: NaiveDate, n: u32, pauses: &[Pause]) -> Option<NaiveDate> {
        let n = n.max(1);
        let mut count = 0;
        let mut d = start;
        // Ten years of days bounds the walk whatever the input.
        for _ in 0..3660 {
            d = d.succ_opt()?;
            match paused(d, pauses) {
                PauseAt::Open => return None,
                PauseAt::Paused => continue,
                PauseAt::No => {}
            }
            if self.working(d) {
                count += 1;
                if count == n {
                    return Some(d);
                }
            }
        }
        None
    }

    /// Working days `d` with `from < d <= to`, paused days left out.
    fn between(&mut self, from: NaiveDate, to: NaiveDate, pauses: &[Pause]) -> i64 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            let Some(next) = d.succ_opt() else { break };
            d = next;
            if paused(d, pauses) == PauseAt::No && self.working(d) {
                n += 1;
            }
        }
        n
    }
}

/// A stretch of waiting for the firm: days after `from` up to and including `to`.
#[derive(Debug, Clone, Copy)]
struct Pause {
    from: NaiveDate,
    to: Option<NaiveDate>,
}

#[derive(Debug, PartialEq, Eq)]
enum PauseAt {
    No,
    Paused,
    Open,
}

fn paused(d: NaiveDate, pauses: &[Pause]) -> PauseAt {
    for p in pauses {
        if d > p.from {
            match p.to {
                None => return PauseAt::Open,
                Some(to) if d <= to => return PauseAt::Paused,
                Some(_) => {}
            }
        }
    }
    PauseAt::No
}

/// The clocks of a case of `category` and `complexity` from its dated events, oldest first.
/// Events that make no sense in their place (a reply before any assignment) are ignored, so
/// any log gives an answer.
pub fn clocks(
    events: &[(NaiveDate, ClockEvent)],
    category: ProblemCategory,
    complexity: Complexity,
    rules: &SlaRules,
    cal: &WorkingCalendar,
) -> CaseClock {
    let mut c = Counter {
        cal,
        provisional: false,
    };
    let reply_n = rules.reply_within(category);
    let close_n = rules.close_within(category, complexity);
    let mut out: Vec<AssignmentClock> = Vec::new();
    let mut round = 1;
    let mut waiting: Option<NaiveDate> = None;
    // Pauses of the current assignment.
    let mut pauses: Vec<Pause> = Vec::new();

    fn open(out: &mut [AssignmentClock]) -> Option<&mut AssignmentClock> {
        out.last_mut().filter(|a| a.end.is_none())
    }

    for &(on, ev) in events {
        match ev {
            ClockEvent::Received => {
                if out.is_empty() && waiting.is_none() {
                    waiting = Some(on);
                }
            }
            ClockEvent::Assigned => {
                let since = match (waiting.take(), open(&mut out)) {
                    (Some(w), _) => w,
                    (None, Some(prev)) => {
                        prev.end = Some(AssignmentEnd::Reassigned);
                        prev.ended_on = Some(on);
                        prev.waiting_since
                    }
                    (None, None) => continue,
                };
                let assign_due = c.add(since, rules.assign_within_wd, &[]).unwrap_or(since);
                pauses.clear();
                let reply_due = c.add(on, reply_n, &[]).unwrap_or(on);
                out.push(AssignmentClock {
                    round,
                    waiting_since: since,
                    assign_due,
                    assigned_on: on,
                    reply_due,
                    replied_on: None,
                    close_due: None,
                    ended_on: None,
                    end: None,
                    paused_wd: 0,
                    worked_wd: None,
                    satisfaction: None,
                    reopened: false,
                });
            }
            ClockEvent::Replied => {
                if let Some(a) = open(&mut out) {
                    a.replied_on.get_or_insert(on);
                }
            }
            ClockEvent::Paused => {
                if open(&mut out).is_some() && pauses.last().is_none_or(|p| p.to.is_some()) {
                    pauses.push(Pause { from: on, to: None });
                }
            }
            ClockEvent::Resumed => {
                if let Some(p) = pauses.last_mut().filter(|p| p.to.is_none()) {
                    p.to = Some(on.max(p.from));
                }
            }
            ClockEvent::Returned | ClockEvent::Closed => {
                if let Some(a) = open(&mut out) {
                    // A pause still open at the end stops at the end.
                    if let Some(p) = pauses.last_mut().filter(|p| p.to.is_none()) {
                        p.to = Some(on.max(p.from));
                    }
                    a.ended_on = Some(on);
                    a.end = Some(if ev == ClockEvent::Closed {
                        AssignmentEnd::Closed
                    } else {
                        AssignmentEnd::Returned
                    });
                    if ev == ClockEvent::Returned {
                        waiting = Some(on);
                    }
                }
            }
            ClockEvent::Reopened => {
                if open(&mut out).is_none() && waiting.is_none() && !out.is_empty() {
                    round += 1;
                    waiting = Some(on);
                    if let Some(a) = out.last_mut() {
                        a.reopened = true;
                    }
                }
            }
            ClockEvent::Rated(s) => {
                if waiting.is_none()
                    && let Some(a) = out
                        .last_mut()
                        .filter(|a| a.end == Some(AssignmentEnd::Closed))
                {
                    a.satisfaction = Some(s);
                }
            }
        }
        // Close deadline and pause totals of the latest assignment, from its pauses so far.
        if let Some(a) = out.last_mut()
            && (matches!(
                ev,
                ClockEvent::Assigned | ClockEvent::Paused | ClockEvent::Resumed
            ) || a.ended_on == Some(on))
        {
            a.close_due = c.add(a.assigned_on, close_n, &pauses);
            let last = a.ended_on.unwrap_or(on);
            a.paused_wd = pauses
                .iter()
                .map(|p| c.between(p.from, p.to.unwrap_or(last).min(last), &[]))
                .sum();
            if a.end == Some(AssignmentEnd::Closed) {
                a.worked_wd = a.ended_on.map(|e| c.between(a.assigned_on, e, &pauses));
            }
        }
    }
    let paused_since = match out.last() {
        Some(a) if a.end.is_none() => pauses.last().filter(|p| p.to.is_none()).map(|p| p.from),
        _ => None,
    };
    let pending_assign = waiting.map(|since| {
        (
            since,
            c.add(since, rules.assign_within_wd, &[]).unwrap_or(since),
        )
    });
    CaseClock {
        assignments: out,
        pending_assign,
        paused_since,
        provisional: c.provisional,
    }
}

/// Where a deadline stands on a day, with the escalation it calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueStatus {
    /// More than `remind_before_wd` working days left.
    OnTime,
    /// Due within `remind_before_wd` working days, or today: remind (提醒).
    DueSoon,
    /// Past the deadline: 催办 to the department.
    Overdue,
    /// Overdue by `escalate_head_after_wd` working days or more: the department head is told.
    EscalatedToHead,
    /// Overdue by `escalate_leader_after_wd` working days or more: the leader in charge is told.
    EscalatedToLeader,
}

/// Where a deadline `due` stands on `today`.
pub fn due_status(
    due: NaiveDate,
    today: NaiveDate,
    rules: &SlaRules,
    cal: &WorkingCalendar,
) -> DueStatus {
    let mut c = Counter {
        cal,
        provisional: false,
    };
    if today <= due {
        let left = c.between(today, due, &[]);
        return if left <= i64::from(rules.remind_before_wd) {
            DueStatus::DueSoon
        } else {
            DueStatus::OnTime
        };
    }
    let over = c.between(due, today, &[]);
    if over >= i64::from(rules.escalate_leader_after_wd) {
        DueStatus::EscalatedToLeader
    } else if over >= i64::from(rules.escalate_head_after_wd) {
        DueStatus::EscalatedToHead
    } else {
        DueStatus::Overdue
    }
}
