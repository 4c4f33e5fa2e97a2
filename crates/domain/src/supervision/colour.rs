//! Task colour status (红黄蓝绿灰): reported progress against time-elapsed progress (序时进度),
//! missed milestones and the deadline, configurable per plan through [`ColourRules`].
//!
//! # Rules (defaults)
//!
//! - **Elapsed progress** (序时进度, `elapsed_progress`) = calendar days from the task's start to
//!   today ÷ calendar days from start to deadline × 100, clamped to 0–100. Calendar days, not
//!   working days: the figure officials compare is the share of the period passed, and it must
//!   not jump at holidays. A task whose deadline is its start day is 100% elapsed from that day.
//!   Without a deadline there is no elapsed progress and no behind rule.
//! - **Behind** = elapsed progress − reported percent complete, in points (rounded to 6
//!   decimals before comparing, so a figure computed from days lands exactly on a boundary).
//!   behind < 10 → green; 10 ≤ behind ≤ 30 → yellow; behind > 30 → red.
//! - A missed monthly milestone → yellow; a missed quarterly milestone → red.
//! - **Overdue** (today later than the deadline, not done) → red, whatever the percent.
//!   A task due today is not overdue.
//! - **Blue**: not done, not overdue and the deadline within the next 7 working days: at most
//!   7 working days `d` with today < d ≤ deadline. Due today counts (0 working days left).
//! - **Done** → grey, and nothing else is considered.
//!
//! Every rule that fires gives a [`ColourFinding`]; the task's colour is the highest by the
//! precedence grey > red > yellow > blue > green (the order of [`TaskColour`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarError, WorkingCalendar};

/// A task's colour. The declaration order is the precedence: a later colour wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskColour {
    /// 绿: on track.
    Green,
    /// 蓝: deadline near, not done.
    Blue,
    /// 黄: behind elapsed progress, or a monthly milestone missed.
    Yellow,
    /// 红: far behind, a quarterly milestone missed, or overdue.
    Red,
    /// 灰: done.
    Grey,
}

impl TaskColour {
    pub const ALL: [TaskColour; 5] = [
        TaskColour::Green,
        TaskColour::Blue,
        TaskColour::Yellow,
        TaskColour::Red,
        TaskColour::Grey,
    ];
}

/// The kind of a milestone (节点).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// 月度节点.
    Monthly,
    /// 季度节点.
    Quarterly,
}

/// The colour rules of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct ColourRules {
    /// Points behind elapsed progress from which a task is yellow (inclusive). Default 10.
    pub yellow_behind: f64,
    /// Points behind elapsed progress beyond which a task is red (exclusive). Default 30.
    pub red_behind: f64,
    /// A task is blue when at most this many working days are left. Default 7.
    pub blue_within_working_days: u32,
    /// Colour of a missed monthly milestone. Default yellow.
    pub monthly_node_missed: TaskColour,
    /// Colour of a missed quarterly milestone. Default red.
    pub quarterly_node_missed: TaskColour,
}

impl Default for ColourRules {
    fn default() -> Self {
        ColourRules {
            yellow_behind: 10.0,
            red_behind: 30.0,
            blue_within_working_days: 7,
            monthly_node_missed: TaskColour::Yellow,
            quarterly_node_missed: TaskColour::Red,
        }
    }
}

/// A plan's colour rules that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColourRulesError {
    #[error("colour thresholds must satisfy 0 ≤ yellow_behind ≤ red_behind (finite numbers)")]
    Thresholds,
    #[error("a missed milestone cannot make a task grey (grey means done)")]
    GreyForMissedNode,
}

impl ColourRules {
    /// Checks the thresholds are finite with `0 ≤ yellow_behind ≤ red_behind`, and that no
    /// milestone rule gives grey.
    pub fn validate(&self) -> Result<(), ColourRulesError> {
        let ok = self.yellow_behind.is_finite()
            && self.red_behind.is_finite()
            && 0.0 <= self.yellow_behind
            && self.yellow_behind <= self.red_behind;
        if !ok {
            return Err(ColourRulesError::Thresholds);
        }
        if [self.monthly_node_missed, self.quarterly_node_missed].contains(&TaskColour::Grey) {
            return Err(ColourRulesError::GreyForMissedNode);
        }
        Ok(())
    }

    fn node_colour(&self, kind: NodeKind) -> TaskColour {
        match kind {
            NodeKind::Monthly => self.monthly_node_missed,
            NodeKind::Quarterly => self.quarterly_node_missed,
        }
    }
}

/// What the colour rules need to know about a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct TaskProgress {
    pub start: NaiveDate,
    /// The final due date; `None` for an ongoing task.
    pub deadline: Option<NaiveDate>,
    /// Reported percent complete, 0–100 (values outside are clamped; NaN counts as 0).
    pub percent_complete: f64,
    pub done: bool,
    /// Milestones due by today and not met.
    pub missed_nodes: Vec<NodeKind>,
}

/// Why a rule fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ColourReason {
    /// The task is done.
    Done,
    /// Today is later than the deadline.
    Overdue {
        deadline: NaiveDate,
        days_overdue: i64,
    },
    /// Reported progress trails elapsed progress by `behind` points.
    Behind {
        elapsed_progress: f64,
        percent_complete: f64,
        behind: f64,
    },
    /// A milestone of this kind was missed.
    NodeMissed { node: NodeKind },
    /// The deadline is near: `working_days_left` working days after today up to it.
    DueSoon {
        deadline: NaiveDate,
        working_days_left: i64,
    },
    /// No rule fired.
    OnTrack,
}

/// One rule that fired and the colour it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct ColourFinding {
    pub colour: TaskColour,
    pub reason: ColourReason,
}

/// A task's colour with every finding, the deciding one first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct ColourAssessment {
    pub colour: TaskColour,
    /// Findings sorted by colour, highest precedence first; never empty
    /// ([`ColourReason::OnTrack`] when green).
    pub findings: Vec<ColourFinding>,
    /// 序时进度 in percent, when the task has a deadline.
    pub elapsed_progress: Option<f64>,
}

impl ColourAssessment {
    /// The reasons alone, deciding one first.
    pub fn reasons(&self) -> Vec<&ColourReason> {
        self.findings.iter().map(|f| &f.reason).collect()
    }
}

/// 序时进度: share of the period from `start` to `deadline` passed by `today`, in percent
/// (calendar days, clamped to 0–100).
pub fn elapsed_progress(start: NaiveDate, deadline: NaiveDate, today: NaiveDate) -> f64 {
    let total = (deadline - start).num_days();
    let passed = (today - start).num_days();
    if total <= 0 {
        return if passed >= 0 { 100.0 } else { 0.0 };
    }
    (passed as f64 * 100.0 / total as f64).clamp(0.0, 100.0)
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The colour of a task on `today`. Fails only when the blue rule needs working days of a year
/// the calendar has no table for.
pub fn assess(
    task: &TaskProgress,
    today: NaiveDate,
    rules: &ColourRules,
    calendar: &WorkingCalendar,
) -> Result<ColourAssessment, CalendarError> {
    let elapsed = task
        .deadline
        .map(|deadline| elapsed_progress(task.start, deadline, today));
    if task.done {
        return Ok(ColourAssessment {
            colour: TaskColour::Grey,
            findings: vec![ColourFinding {
                colour: TaskColour::Grey,
                reason: ColourReason::Done,
            }],
            elapsed_progress: elapsed,
        });
    }
    let mut findings = Vec::new();
    if let Some(deadline) = task.deadline {
        if today > deadline {
            findings.push(ColourFinding {
                colour: TaskColour::Red,
                reason: ColourReason::Overdue {
                    deadline,
                    days_overdue: (today - deadline).num_days(),
                },
            });
        } else if let Some(left) =
            working_days_left_within(today, deadline, rules.blue_within_working_days, calendar)?
        {
            findings.push(ColourFinding {
                colour: TaskColour::Blue,
                reason: ColourReason::DueSoon {
                    deadline,
                    working_days_left: left,
                },
            });
        }
    }
    if let Some(elapsed) = elapsed {
        let percent = if task.percent_complete.is_nan() {
            0.0
        } else {
            task.percent_complete.clamp(0.0, 100.0)
        };
        let behind = round6(elapsed - percent);
        let colour = if behind > rules.red_behind {
            Some(TaskColour::Red)
        } else if behind >= rules.yellow_behind {
            Some(TaskColour::Yellow)
        } else {
            None
        };
        if let Some(colour) = colour {
            findings.push(ColourFinding {
                colour,
                reason: ColourReason::Behind {
                    elapsed_progress: elapsed,
                    percent_complete: percent,
                    behind,
                },
            });
        }
    }
    for &node in &task.missed_nodes {
        findings.push(ColourFinding {
            colour: rules.node_colour(node),
            reason: ColourReason::NodeMissed { node },
        });
    }
    // Stable: equal colours keep the order above (overdue, due soon, behind, nodes).
    findings.sort_by_key(|f| std::cmp::Reverse(f.colour));
    let colour = findings.first().map_or(TaskColour::Green, |f| f.colour);
    if findings.is_empty() {
        findings.push(ColourFinding {
            colour: TaskColour::Green,
            reason: ColourReason::OnTrack,
        });
    }
    Ok(ColourAssessment {
        colour,
        findings,
        elapsed_progress: elapsed,
    })
}

/// The number of working days `d` with `today < d ≤ deadline` when it is at most `within`,
/// else `None`. Needs `today ≤ deadline`.
fn working_days_left_within(
    today: NaiveDate,
    deadline: NaiveDate,
    within: u32,
    calendar: &WorkingCalendar,
) -> Result<Option<i64>, CalendarError> {
    // Far enough that no calendar can fit `within` working days in between (weekends take 2
    // days in 7; no holiday block is longer than 9 days), so the calendar is not asked and a
    // distant deadline in a year without a table is fine.
    let bound = 2 * i64::from(within) + 23;
    if (deadline - today).num_days() > bound {
        return Ok(None);
    }
    // Counted up to the deadline only: a year-end deadline is judged before the next year's
    // holidays are in the calendar.
    let left = calendar.working_days_between(today, deadline)?;
    Ok((left <= i64::from(within)).then_some(left))
}

#[cfg(test)]
#[path = "colour_tests.rs"]
mod tests;
