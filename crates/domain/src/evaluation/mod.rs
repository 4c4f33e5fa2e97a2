//! 亩均效益综合评价: the pure rules of the yearly evaluation — indicators from a firm's
//! figures, item scores against benchmarks with an optional cap, the group-average rule for
//! missing values, ranks and A/B/C/D classes within a group, vetoes, and what would lift a
//! firm one class. No IO: runs, schemes and publication live in the layers above.

pub mod adjustments;
pub mod explain;
pub mod grading;
pub mod indicator;
pub mod low_end;
pub mod measures;
pub mod run;
pub mod scheme;
pub mod scoring;

pub use adjustments::{AdjustmentItem, AdjustmentRules, Adjustments, AppliedAdjustment, adjust};
pub use explain::{Lift, Standing, Target, lift, lifts, next_boundary, standing, target};
pub use grading::{ClassCuts, Grade, Placement, Veto, apply_veto, grade_by_group, grade_group};
pub use indicator::{FirmFigures, Indicator};
pub use run::{FirmFlags, FirmInput, FirmResult, Reason, county_benchmarks, evaluate};
pub use scheme::{EvaluationScheme, SchemeError, VetoRules, published_benchmark};
pub use scoring::{
    FirmScore, ItemRule, ItemScore, ScoringRules, display_points, fill_missing_with_group_average,
    score_firm, value_to_reach,
};

#[cfg(test)]
mod run_tests;
#[cfg(test)]
mod tests;
