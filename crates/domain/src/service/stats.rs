//! Rates of the service-loop statistics (按时交办率, 按时答复率, 按时办结率, 办结率, 满意率).

use serde::{Deserialize, Serialize};

/// The satisfaction floor a department must reach (满意率底线), as a share. Default 0.85.
pub const SATISFACTION_FLOOR: f64 = 0.85;

/// A share of `part` in `whole`: `None` when there is nothing to measure.
pub fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part.min(whole) as f64 / whole as f64)
}

/// A rate as a percentage with one decimal, e.g. 66.7; `None` stays `None`.
pub fn percent(r: Option<f64>) -> Option<f64> {
    r.map(|r| (r * 1000.0).round() / 10.0)
}

/// The counts of one unit (department or town) over a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitCounts {
    /// Cases (assignments for a department, firms' cases for a town) received.
    pub received: u64,
    pub assigned_on_time: u64,
    /// Cases that had a first reply, and those within the limit.
    pub replied: u64,
    pub replied_on_time: u64,
    pub closed: u64,
    pub closed_on_time: u64,
    /// Returned to the dispatcher (退回).
    pub returned: u64,
    /// Reopened after closure (重新办理).
    pub reopened: u64,
    /// Ratings given, and those 满意 or 基本满意.
    pub rated: u64,
    pub satisfied: u64,
    /// Sum of working days from assignment to closure over closed cases.
    pub worked_wd_sum: i64,
}

/// The rates of one unit, derived from its counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRates {
    pub assign_on_time: Option<f64>,
    pub reply_on_time: Option<f64>,
    pub close_on_time: Option<f64>,
    pub closure: Option<f64>,
    pub satisfaction: Option<f64>,
    /// Below [`SATISFACTION_FLOOR`] (only when something was rated).
    pub below_floor: bool,
    /// Average working days to close, one decimal.
    pub avg_worked_wd: Option<f64>,
}

impl UnitCounts {
    pub fn rates(&self, floor: f64) -> UnitRates {
        let satisfaction = rate(self.satisfied, self.rated);
        UnitRates {
            assign_on_time: rate(self.assigned_on_time, self.received),
            reply_on_time: rate(self.replied_on_time, self.received),
            close_on_time: rate(self.closed_on_time, self.closed),
            closure: rate(self.closed, self.received),
            satisfaction,
            below_floor: satisfaction.is_some_and(|s| s + 1e-9 < floor),
            avg_worked_wd: (self.closed > 0)
                .then(|| (self.worked_wd_sum as f64 / self.closed as f64 * 10.0).round() / 10.0),
        }
    }

    /// Adds another unit's counts (totals row).
    pub fn add(&mut self, o: &UnitCounts) {
        self.received += o.received;
        self.assigned_on_time += o.assigned_on_time;
        self.replied += o.replied;
        self.replied_on_time += o.replied_on_time;
        self.closed += o.closed;
        self.closed_on_time += o.closed_on_time;
        self.returned += o.returned;
        self.reopened += o.reopened;
        self.rated += o.rated;
        self.satisfied += o.satisfied;
        self.worked_wd_sum += o.worked_wd_sum;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_the_floor() {
        let c = UnitCounts {
            received: 2,
            assigned_on_time: 2,
            replied: 2,
            replied_on_time: 1,
            closed: 2,
            closed_on_time: 1,
            rated: 3,
            satisfied: 2,
            worked_wd_sum: 13,
            ..Default::default()
        };
        let r = c.rates(SATISFACTION_FLOOR);
        assert_eq!(r.assign_on_time, Some(1.0));
        assert_eq!(r.reply_on_time, Some(0.5));
        assert_eq!(percent(r.satisfaction), Some(66.7));
        assert!(r.below_floor);
        assert_eq!(r.avg_worked_wd, Some(6.5));
        let none = UnitCounts::default().rates(SATISFACTION_FLOOR);
        assert_eq!(none.satisfaction, None);
        assert!(!none.below_floor, "nothing rated is not below the floor");
    }

    #[test]
    fn exactly_the_floor_is_not_below_it() {
        let c = UnitCounts {
            rated: 20,
            satisfied: 17,
            ..Default::default()
        };
        assert!(!c.rates(SATISFACTION_FLOOR).below_floor);
        let c = UnitCounts {
            rated: 20,
            satisfied: 16,
            ..Default::default()
        };
        assert!(c.rates(SATISFACTION_FLOOR).below_floor);
    }
}
