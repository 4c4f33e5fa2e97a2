//! 三服务 service loop: cadres' visits (走访) to firms, the problems firms raise (问题清单), their
//! handling by departments from 受理 to 评价, the promised measures (落实清单), the working-day
//! time limits and the statistics that judge departments by them.
//!
//! - [`problem`]: the dictionaries — sources, categories, urgency, complexity, levels, ratings.
//! - [`case`]: the case state machine as an explicit transition table.
//! - [`sla`]: deadlines in working days, computed from a case's event log with pauses.
//! - [`stats`]: rates and the satisfaction floor.

pub mod case;
pub mod problem;
pub mod sla;
pub mod stats;

#[cfg(test)]
mod case_tests;
#[cfg(test)]
mod sla_tests;
