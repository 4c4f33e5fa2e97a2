//! 督查督办 (supervision): the pure rules behind plans, tasks, progress reports and notices.
//!
//! - [`deadline`]: reads the 完成时限 phrases officials write (`2022年6月底`, `三季度`, `每季度`,
//!   `长期坚持` …) into a date, a recurrence or "ongoing", with the plan year as context.
//! - [`colour`]: the task colour (green, blue, yellow, red, grey) from reported progress against
//!   time-elapsed progress (序时进度), missed milestones and the deadline, with the reasons.
//! - [`escalation`]: when to suggest a 督办单, the ladder 督办单 → 专函督办 → 约谈 → 通报, and the
//!   state machines of a notice, an extension request and the completion review (审结).
//! - [`cycle`]: reporting cycles (monthly by default, due on the 5th of the next month), late and
//!   missing reports, and reminder dates in working days.
//! - [`bulletin`]: the monthly bulletin's counts by colour, how tasks moved, and units ranked
//!   by on-time reporting.
//! - [`target`]: a quantitative target as written (`规上工业增加值增长8%`) read into metric,
//!   value and unit.
//! - [`units`]: splitting a cell of unit names, matching them to known departments without ever
//!   dropping one, and reading a 序号 into its level in the area → task → sub-task hierarchy.
//!
//! Every rule is a function of plain values; working days come from
//! [`WorkingCalendar`](crate::calendar::WorkingCalendar).

pub mod bulletin;
pub mod colour;
pub mod cycle;
pub mod deadline;
pub mod escalation;
mod fuzz;
pub mod target;
mod text;
pub mod units;

#[doc(hidden)]
pub use fuzz::fuzz_deadline_phrase;
