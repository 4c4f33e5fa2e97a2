//! 序号: the numbering of a decomposition table's rows.

use serde::{Deserialize, Serialize};

use crate::supervision::text::{chinese_number, half_width, is_chinese_numeral, is_space};

/// How a 序号 is written. Full-width forms (`（一）`, `１．`) count as their half-width ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SerialStyle {
    /// `一、` (also `一.` or a bare `一`).
    ChineseComma,
    /// `（一）` / `(一)`.
    ChineseParen,
    /// `1.`
    ArabicDot,
    /// `1、`
    ArabicComma,
    /// `1` alone in the cell.
    ArabicPlain,
    /// `(1)` / `（1）` / `1)`.
    ArabicParen,
    /// `1.1`, `1.1.1`: one ordinal per segment.
    Dotted,
}

/// A parsed 序号.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Serial {
    pub style: SerialStyle,
    /// The ordinals, outermost first: one, except for [`SerialStyle::Dotted`] (`1.2` → [1, 2]).
    pub path: Vec<u32>,
}

impl Serial {
    /// The row's own number (the last ordinal).
    pub fn ordinal(&self) -> u32 {
        self.path.last().copied().unwrap_or(0)
    }

    /// Level in the order of official documents (GB/T 9704): `一、` 1, `（一）` 2, `1.` / `1、`
    /// / `1` 3, `(1)` 4; a dotted number is one level below its parent (`1.1` 4, `1.1.1` 5).
    pub fn level(&self) -> u8 {
        match self.style {
            SerialStyle::ChineseComma => 1,
            SerialStyle::ChineseParen => 2,
            SerialStyle::ArabicDot | SerialStyle::ArabicComma | SerialStyle::ArabicPlain => 3,
            SerialStyle::ArabicParen => 4,
            SerialStyle::Dotted => {
                let below = u8::try_from(self.path.len().saturating_sub(1)).unwrap_or(u8::MAX);
                3u8.saturating_add(below)
            }
        }
    }
}

/// Depth of each level within one table: the distinct levels present, ranked from 0. A table
/// numbered `一、` / `1.` / `(1)` gives 0 (area), 1 (task), 2 (sub-task); one numbered `1` /
/// `1.1` gives 0 (task), 1 (sub-task).
pub fn rank_levels(levels: &[u8]) -> Vec<usize> {
    let mut distinct: Vec<u8> = levels.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    levels
        .iter()
        .map(|l| distinct.partition_point(|d| d < l))
        .collect()
}

/// Reads a cell holding only a 序号 (surrounding spaces allowed).
pub fn parse_serial(cell: &str) -> Option<Serial> {
    let chars: Vec<(usize, char)> = folded(cell);
    let (serial, used, _) = prefix(&chars)?;
    chars[used..]
        .iter()
        .all(|(_, c)| is_space(*c))
        .then_some(serial)
}

/// Reads a 序号 at the start of a text such as `一、实施产业升级行动` and returns it with the
/// rest, trimmed. Only numbers closed by punctuation count here (not a bare `1` or `一`).
pub fn split_serial_prefix(text: &str) -> Option<(Serial, &str)> {
    let chars = folded(text);
    let (serial, used, closed) = prefix(&chars)?;
    if !closed {
        return None;
    }
    let at = chars.get(used).map_or(text.len(), |(i, _)| *i);
    Some((serial, text[at..].trim()))
}

fn folded(text: &str) -> Vec<(usize, char)> {
    text.char_indices()
        .map(|(i, c)| (i, half_width(c)))
        .collect()
}

/// A number at `i`: Arabic digits or Chinese numerals, with the index after it.
fn number(chars: &[(usize, char)], i: usize, chinese: bool) -> Option<(u32, usize)> {
    let fits = |c: char| {
        if chinese {
            is_chinese_numeral(c)
        } else {
            c.is_ascii_digit()
        }
    };
    let end = (i..chars.len())
        .find(|&k| !fits(chars[k].1))
        .unwrap_or(chars.len());
    if end == i {
        return None;
    }
    let value = if chinese {
        let run: Vec<char> = chars[i..end].iter().map(|(_, c)| *c).collect();
        chinese_number(&run)?.0
    } else {
        let mut v = 0u32;
        for (_, c) in &chars[i..end] {
            v = v.checked_mul(10)?.checked_add(c.to_digit(10)?)?;
        }
        v
    };
    (value > 0).then_some((value, end))
}

/// The serial at the start, how many chars it used, and whether punctuation closed it.
fn prefix(chars: &[(usize, char)]) -> Option<(Serial, usize, bool)> {
    let start = chars.iter().position(|(_, c)| !is_space(*c))?;
    let at = |k: usize| chars.get(k).map(|(_, c)| *c);
    let one = |style, n| Serial {
        style,
        path: vec![n],
    };
    if at(start) == Some('(') {
        let (style, (n, end)) = match number(chars, start + 1, true) {
            Some(found) => (SerialStyle::ChineseParen, found),
            None => (SerialStyle::ArabicParen, number(chars, start + 1, false)?),
        };
        return (at(end) == Some(')')).then(|| (one(style, n), end + 1, true));
    }
    if let Some((n, end)) = number(chars, start, true) {
        return match at(end) {
            Some('、' | '.') => Some((one(SerialStyle::ChineseComma, n), end + 1, true)),
            _ => Some((one(SerialStyle::ChineseComma, n), end, false)),
        };
    }
    let (n, end) = number(chars, start, false)?;
    match at(end) {
        Some('.') => {
            let mut path = vec![n];
            let mut k = end;
            while at(k) == Some('.') {
                match number(chars, k + 1, false) {
                    Some((m, next)) => {
                        path.push(m);
                        k = next;
                    }
                    None => break,
                }
            }
            if path.len() == 1 {
                return Some((one(SerialStyle::ArabicDot, n), end + 1, true));
            }
            if at(k) == Some('.') {
                k += 1; // "1.1."
            }
            Some((
                Serial {
                    style: SerialStyle::Dotted,
                    path,
                },
                k,
                true,
            ))
        }
        Some('、') => Some((one(SerialStyle::ArabicComma, n), end + 1, true)),
        Some(')') => Some((one(SerialStyle::ArabicParen, n), end + 1, true)),
        _ => Some((one(SerialStyle::ArabicPlain, n), end, false)),
    }
}
