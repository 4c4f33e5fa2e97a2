//! Tokenizer and scanner behind [`super::parse_deadline`].

use chrono::NaiveDate;

use super::{Recurrence, month_end};
use crate::supervision::text::{chinese_number, half_width, is_chinese_numeral, is_space};

/// A token of a folded deadline text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token {
    /// A number, from Arabic digits or Chinese numerals; `len` is its digit count (2 for a
    /// numeral written with 十), so only a 4-digit number can be a year.
    Num { value: u32, len: usize },
    /// Any other character.
    Ch(char),
}

/// Full-width → half-width, spaces removed.
pub(super) fn fold(text: &str) -> String {
    text.chars()
        .map(half_width)
        .filter(|c| !is_space(*c))
        .collect()
}

/// Folds `text` and splits it into numbers and other characters. Spaces yield no token but
/// end a number (`2022-09-30 00:00` is not `…3000…`).
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().map(half_width).collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            let mut value = 0u32;
            while i < chars.len() && chars[i].is_ascii_digit() {
                let digit = chars[i].to_digit(10).unwrap_or(0);
                value = value.saturating_mul(10).saturating_add(digit);
                i += 1;
            }
            out.push(Token::Num {
                value,
                len: i - start,
            });
        } else if is_chinese_numeral(c) {
            let start = i;
            while i < chars.len() && is_chinese_numeral(chars[i]) {
                i += 1;
            }
            let run = &chars[start..i];
            match chinese_number(run) {
                Some((value, len)) => out.push(Token::Num { value, len }),
                None => out.extend(run.iter().map(|&c| Token::Ch(c))),
            }
        } else {
            if !is_space(c) {
                out.push(Token::Ch(c));
            }
            i += 1;
        }
    }
    out
}

fn ch_at(t: &[Token], i: usize) -> Option<char> {
    match t.get(i)? {
        Token::Ch(c) => Some(*c),
        Token::Num { .. } => None,
    }
}

fn num_at(t: &[Token], i: usize) -> Option<(u32, usize)> {
    match t.get(i)? {
        Token::Num { value, len } => Some((*value, *len)),
        Token::Ch(_) => None,
    }
}

/// The index after `word` if the tokens at `i` spell it.
fn word_at(t: &[Token], i: usize, word: &str) -> Option<usize> {
    let mut k = i;
    for c in word.chars() {
        if ch_at(t, k)? != c {
            return None;
        }
        k += 1;
    }
    Some(k)
}

fn year_end(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

/// A found date and the index after it; `Err(())` when a named date does not exist.
type Found = Result<Option<(NaiveDate, usize)>, ()>;

fn exists(d: Option<NaiveDate>, end: usize) -> Found {
    d.map(|d| Some((d, end))).ok_or(())
}

/// A date phrase inside one year, starting at `j`. `after_year` is set right after a year
/// (`2022年` / `次年`), where a bare `底`, `末`, `内` or `度` means the year's end.
fn in_year(t: &[Token], j: usize, year: i32, after_year: bool) -> Found {
    // M月 …
    if let (Some((m, _)), Some('月')) = (num_at(t, j), ch_at(t, j + 1)) {
        if !(1..=12).contains(&m) {
            return Err(());
        }
        let k = j + 2;
        if let Some((d, _)) = num_at(t, k)
            && !matches!(ch_at(t, k + 1), Some('月' | '季' | '年'))
        {
            let end = if matches!(ch_at(t, k + 1), Some('日' | '号')) {
                k + 2
            } else {
                k + 1
            };
            return exists(NaiveDate::from_ymd_opt(year, m, d), end);
        }
        for (word, day) in [
            ("上旬", Some(10)),
            ("初", Some(10)),
            ("中旬", Some(20)),
            ("下旬", None),
        ] {
            if let Some(end) = word_at(t, k, word) {
                let d = match day {
                    Some(d) => NaiveDate::from_ymd_opt(year, m, d),
                    None => month_end(year, m),
                };
                return exists(d, end);
            }
        }
        let end = if matches!(ch_at(t, k), Some('底' | '末' | '份')) {
            k + 1
        } else {
            k
        };
        return exists(month_end(year, m), end);
    }
    // (第)Q季(度)(末|底)
    let k = if ch_at(t, j) == Some('第') { j + 1 } else { j };
    if let (Some((q, _)), Some('季')) = (num_at(t, k), ch_at(t, k + 1)) {
        if !(1..=4).contains(&q) {
            return Err(());
        }
        let mut end = k + 2;
        if ch_at(t, end) == Some('度') {
            end += 1;
        }
        if matches!(ch_at(t, end), Some('末' | '底')) {
            end += 1;
        }
        return exists(month_end(year, q * 3), end);
    }
    for (word, month) in [("上半年", 6), ("年中", 6), ("下半年", 12)] {
        if let Some(end) = word_at(t, j, word) {
            return exists(month_end(year, month), end);
        }
    }
    if after_year {
        if let Some(end) = word_at(t, j, "年底").or_else(|| word_at(t, j, "年末")) {
            return exists(year_end(year), end);
        }
        if matches!(ch_at(t, j), Some('底' | '末' | '内' | '度')) {
            return exists(year_end(year), j + 1);
        }
    } else {
        let standalone = j == 0
            || !matches!(
                t.get(j - 1),
                Some(Token::Num { .. } | Token::Ch('半' | '每'))
            );
        if standalone {
            for word in ["年底", "年末", "年内", "全年"] {
                if let Some(end) = word_at(t, j, word) {
                    return exists(year_end(year), end);
                }
            }
        }
    }
    Ok(None)
}

/// Every date named in the text, in text order; when there is none, the ends of the bare years
/// named (`2022年`, `次年`), so that `2022年6-9月` is Sep 30 but `2022-2023年` is 2023-12-31.
/// `Err(())` if a named date does not exist.
pub(super) fn scan_dates(t: &[Token], plan_year: i32) -> Result<Vec<NaiveDate>, ()> {
    let mut out = Vec::new();
    let mut bare = Vec::new();
    let mut year_ctx: Option<i32> = None;
    let mut i = 0;
    'scan: while i < t.len() {
        if let Some((v, len)) = num_at(t, i) {
            if len == 8 {
                // yyyymmdd, only when it is a real date.
                let d = i32::try_from(v / 10_000)
                    .ok()
                    .and_then(|y| NaiveDate::from_ymd_opt(y, v / 100 % 100, v % 100));
                if let Some(d) = d {
                    year_ctx = i32::try_from(v / 10_000).ok();
                    out.push(d);
                }
                i += 1;
                continue;
            }
            if len == 4 {
                let y = i32::try_from(v).map_err(|_| ())?;
                if let (Some(sep @ ('-' | '/' | '.')), Some((m @ 1..=12, _))) =
                    (ch_at(t, i + 1), num_at(t, i + 2))
                {
                    year_ctx = Some(y);
                    if ch_at(t, i + 3) == Some(sep)
                        && let Some((d, _)) = num_at(t, i + 4)
                    {
                        out.push(NaiveDate::from_ymd_opt(y, m, d).ok_or(())?);
                        i += 5;
                    } else {
                        out.push(month_end(y, m).ok_or(())?);
                        i += 3;
                    }
                    continue;
                }
                if ch_at(t, i + 1) == Some('年') {
                    year_ctx = Some(y);
                    i += 2;
                    match in_year(t, i, y, true)? {
                        Some((d, end)) => {
                            out.push(d);
                            i = end;
                        }
                        // A bare year ("2022—2023年") is due at its end.
                        None => bare.push(year_end(y).ok_or(())?),
                    }
                    continue;
                }
            } else if ch_at(t, i + 1) == Some('年') {
                // "两年内", "3年": a duration, not a year.
                i += 2;
                continue;
            }
        }
        for (word, offset) in [
            ("次年", 1),
            ("明年", 1),
            ("翌年", 1),
            ("今年", 0),
            ("当年", 0),
            ("本年", 0),
        ] {
            if let Some(end) = word_at(t, i, word) {
                let y = plan_year.checked_add(offset).ok_or(())?;
                year_ctx = Some(y);
                i = end;
                match in_year(t, i, y, true)? {
                    Some((d, end)) => {
                        out.push(d);
                        i = end;
                    }
                    None => bare.push(year_end(y).ok_or(())?),
                }
                continue 'scan;
            }
        }
        if let Some((d, end)) = in_year(t, i, year_ctx.unwrap_or(plan_year), false)? {
            out.push(d);
            i = end;
            continue;
        }
        i += 1;
    }
    Ok(if out.is_empty() { bare } else { out })
}

/// The recurrence named in a folded text, the shortest period first.
pub(super) fn recurrence(folded: &str) -> Option<Recurrence> {
    const WORDS: [(Recurrence, &[&str]); 4] = [
        (Recurrence::Monthly, &["每月", "按月", "逐月", "每个月"]),
        (Recurrence::Quarterly, &["每季", "按季", "逐季", "每个季度"]),
        (Recurrence::HalfYearly, &["每半年", "按半年"]),
        (Recurrence::Yearly, &["每年", "按年", "逐年"]),
    ];
    WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| folded.contains(w)))
        .map(|(r, _)| *r)
}

/// Whether a folded text says the task has no end (长期坚持, 持续推进, 常态化 …).
pub(super) fn is_ongoing(folded: &str) -> bool {
    ["长期", "持续", "常态化", "常年", "长效"]
        .iter()
        .any(|w| folded.contains(w))
}
