//! What becomes of each demo task by the demo's today, and the percent it reports on the way.

use chrono::{Datelike, Duration, NaiveDate};
use wujin_domain::supervision::colour::elapsed_progress;
use wujin_domain::supervision::cycle::{CycleRules, ReportCycle};

/// A small deterministic generator (SplitMix64): the same demo on every machine.
pub(super) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// In `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// What becomes of a task by the demo's today. Past their deadline, four in five tasks are
/// done and the rest overdue; of the others about one in twelve is far behind (red), one in
/// six behind (yellow), a few finished early, three brought due within days (blue) and the
/// rest on track; two ongoing tasks miss a monthly node and one a quarterly node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Fate {
    /// On track (reports at or ahead of 序时进度).
    Green,
    /// Deadline within days of today, nearly done.
    Blue,
    /// 13–25 points behind.
    Yellow,
    /// More than 35 points behind.
    Red,
    /// Deadline passed, not done.
    Overdue,
    /// Done in this past cycle (index) and accepted just after.
    Done(usize),
    /// On track, but the latest monthly node was missed.
    NodeYellow,
    /// On track, but the latest quarterly node was missed.
    NodeRed,
}

/// A task as the history needs it.
pub(super) struct Planned {
    pub id: i64,
    pub content: String,
    pub lead_unit: i64,
    pub co_unit: Option<i64>,
    pub start: NaiveDate,
    /// The final date judged against; none for an ongoing task.
    pub deadline: Option<NaiveDate>,
    /// Baseline, target and unit of a quantitative target.
    pub target: Option<(f64, f64, String)>,
    pub fate: Fate,
}

/// The cycles of `year` up to the one containing `today`: the past ones, then the current.
pub(super) fn cycles(rules: &CycleRules, year: i32, today: NaiveDate) -> Vec<ReportCycle> {
    let mut out = Vec::new();
    let mut c = NaiveDate::from_ymd_opt(year, 1, 1).map(|d| rules.cycle_of(d));
    while let Some(cycle) = c {
        if cycle.start() > today {
            break;
        }
        out.push(cycle);
        c = cycle.next();
    }
    out
}

/// Decides each task's fate. `deadlines` are the final dates (none when ongoing), `dated`
/// whether that date was written as one (rather than a recurrence). `past` is the number of
/// past cycles.
pub(super) fn fates(
    deadlines: &[(Option<NaiveDate>, bool)],
    start: NaiveDate,
    today: NaiveDate,
    past: usize,
    cycle_index: &dyn Fn(NaiveDate) -> usize,
    rng: &mut Rng,
) -> Vec<Fate> {
    let n = deadlines.len();
    let mut out = vec![Fate::Green; n];
    let mut fixed = vec![false; n];
    // Past their deadline: mostly done in time, some overdue.
    for (i, (d, _)) in deadlines.iter().enumerate() {
        if let Some(d) = d
            && *d < today
        {
            out[i] = if past > 0 && rng.unit() < 0.8 {
                Fate::Done(cycle_index(*d).min(past - 1))
            } else {
                Fate::Overdue
            };
            fixed[i] = true;
        }
    }
    // A few dated tasks brought due within days (blue), spread over the plan.
    let mut blue = 0;
    for k in 0..n {
        let i = (k * 37 + 5) % n;
        if blue == 3 {
            break;
        }
        if let (Some(d), true) = deadlines[i]
            && !fixed[i]
            && d > today + Duration::days(10)
        {
            out[i] = Fate::Blue;
            fixed[i] = true;
            blue += 1;
        }
    }
    // Ongoing tasks carry the missed milestones: two monthly, one quarterly.
    let month_end_passed = past >= 1;
    let quarter_end_passed =
        NaiveDate::from_ymd_opt(start.year(), 3, 31).is_some_and(|q1| today > q1);
    let mut nodes = 0;
    for i in 0..n {
        if fixed[i] || deadlines[i].0.is_some() {
            continue;
        }
        let fate = match nodes {
            0 | 1 if month_end_passed => Fate::NodeYellow,
            2 if quarter_end_passed => Fate::NodeRed,
            _ => continue,
        };
        out[i] = fate;
        fixed[i] = true;
        nodes += 1;
    }
    for i in 0..n {
        if fixed[i] {
            continue;
        }
        let Some(d) = deadlines[i].0 else {
            continue;
        };
        let e = elapsed_progress(start, d, today);
        let r = rng.unit();
        out[i] = if r < 0.04 && past >= 2 {
            Fate::Done(past - 1)
        } else if r < 0.12 && e >= 40.0 {
            Fate::Red
        } else if r < 0.28 && e >= 16.0 {
            Fate::Yellow
        } else {
            Fate::Green
        };
    }
    out
}

/// Percent complete reported for past cycle `i` (of `past`).
pub(super) fn percent(
    t: &Planned,
    i: usize,
    past: usize,
    today: NaiveDate,
    year_start: NaiveDate,
    rng: &mut Rng,
) -> f64 {
    let e = match t.deadline {
        Some(d) => elapsed_progress(t.start, d, today),
        // Ongoing: the share of the year passed.
        None => elapsed_progress(year_start, year_start + Duration::days(364), today),
    };
    let last = match t.fate {
        Fate::Green | Fate::NodeYellow | Fate::NodeRed => (e + rng.range(1, 6) as f64).min(98.0),
        Fate::Blue => (e - 2.0).max(0.0),
        Fate::Yellow => (e - rng.range(13, 25) as f64).max(0.0),
        Fate::Red => (e - rng.range(36, 48) as f64).max(0.0),
        Fate::Overdue => rng.range(55, 88) as f64,
        Fate::Done(c) => return (100.0 * (i + 1) as f64 / (c + 1) as f64).round(),
    };
    (last * (i + 1) as f64 / past as f64).round()
}
