//! Classes (分类, A/B/C/D) by rank within a group: the top 20 % A, to 70 % B, to 95 % C, the
//! rest D (cuts configurable). Equal scores share a rank and therefore a class. Vetoes
//! (一票否决) can only lower a class.

use serde::{Deserialize, Serialize};

/// 类别.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    /// 优先发展类.
    A,
    /// 鼓励提升类.
    B,
    /// 规范转型类.
    C,
    /// 倒逼整治类.
    D,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::A, Grade::B, Grade::C, Grade::D];

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }

    pub fn parse(s: &str) -> Option<Grade> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// The class one step up (`None` for A).
    pub fn better(self) -> Option<Grade> {
        match self {
            Grade::A => None,
            Grade::B => Some(Grade::A),
            Grade::C => Some(Grade::B),
            Grade::D => Some(Grade::C),
        }
    }
}

/// The class cuts as shares of the group, in basis points (2000 = 20 %): a firm whose rank
/// ÷ group size is at most `a` is A, at most `b` B, at most `c` C, else D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassCuts {
    pub a: u32,
    pub b: u32,
    pub c: u32,
}

impl Default for ClassCuts {
    fn default() -> Self {
        ClassCuts {
            a: 2_000,
            b: 7_000,
            c: 9_500,
        }
    }
}

impl ClassCuts {
    /// The class of rank `rank` (1-based) in a group of `n`; exact integer arithmetic.
    pub fn grade(&self, rank: usize, n: usize) -> Grade {
        let r = rank as u64 * 10_000;
        let n = n as u64;
        if r <= u64::from(self.a) * n {
            Grade::A
        } else if r <= u64::from(self.b) * n {
            Grade::B
        } else if r <= u64::from(self.c) * n {
            Grade::C
        } else {
            Grade::D
        }
    }

    /// The largest rank (1-based) that still gets `grade` in a group of `n` (0 when none does).
    pub fn last_rank(&self, grade: Grade, n: usize) -> usize {
        let cut = match grade {
            Grade::A => self.a,
            Grade::B => self.b,
            Grade::C => self.c,
            Grade::D => return n,
        };
        (u64::from(cut) * n as u64 / 10_000) as usize
    }
}

/// A firm's place in its group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// 1-based; equal scores share the rank of the first of them ("1, 2, 2, 4").
    pub rank: usize,
    /// rank ÷ group size.
    pub percentile: f64,
    pub grade: Grade,
}

/// Ranks and grades one group's totals (in the order given; the result is in the same
/// order). NaN totals rank last.
pub fn grade_group(totals: &[f64], cuts: &ClassCuts) -> Vec<Placement> {
    let n = totals.len();
    let mut order: Vec<usize> = (0..n).collect();
    let key = |i: usize| {
        if totals[i].is_nan() {
            f64::NEG_INFINITY
        } else {
            totals[i]
        }
    };
    order.sort_by(|&x, &y| key(y).total_cmp(&key(x)).then(x.cmp(&y)));
    let mut out = vec![
        Placement {
            rank: 0,
            percentile: 0.0,
            grade: Grade::D,
        };
        n
    ];
    let mut rank = 0;
    for (pos, &i) in order.iter().enumerate() {
        if pos == 0 || key(i) != key(order[pos - 1]) {
            rank = pos + 1;
        }
        out[i] = Placement {
            rank,
            percentile: rank as f64 / n as f64,
            grade: cuts.grade(rank, n),
        };
    }
    out
}

/// 一票否决: what a veto does to a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Veto {
    /// At best C (safety or environmental accident, energy-saving task unmet).
    AtBestC,
    /// D (falsified data).
    ForceD,
}

/// The class after a veto; never better than before.
pub fn apply_veto(grade: Grade, veto: Option<Veto>) -> Grade {
    match veto {
        None => grade,
        Some(Veto::AtBestC) => grade.max(Grade::C),
        Some(Veto::ForceD) => Grade::D,
    }
}

/// Ranks and grades every group separately: `groups[i]` is firm `i`'s group (scale × industry
/// group, say). A firm's placement depends only on the totals of its own group.
pub fn grade_by_group<K: Ord + Clone>(
    groups: &[K],
    totals: &[f64],
    cuts: &ClassCuts,
) -> Vec<Placement> {
    let mut by_group: std::collections::BTreeMap<K, Vec<usize>> = std::collections::BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        by_group.entry(g.clone()).or_default().push(i);
    }
    let mut out = vec![
        Placement {
            rank: 0,
            percentile: 0.0,
            grade: Grade::D,
        };
        totals.len()
    ];
    for members in by_group.values() {
        let t: Vec<f64> = members.iter().map(|&i| totals[i]).collect();
        for (p, &i) in grade_group(&t, cuts).into_iter().zip(members) {
            out[i] = p;
        }
    }
    out
}
