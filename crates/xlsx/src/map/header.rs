//! Finding the header row and reading units from header texts.

use std::collections::HashMap;

use wujin_domain::cell_value::{MoneyUnit, detect_unit};

use crate::columns::{ColumnSpec, TableKind, ValueKind};
use crate::read::{Cell, Sheet};

/// The header row is looked for among this many rows from the top of the sheet.
pub(super) const HEADER_SCAN_ROWS: usize = 15;

/// A header text reduced for comparison: full-width forms folded, letters lower-cased, and
/// whitespace, `*` markers, colons and bracketed parts (`（万元）`, `(元)`, `【必填】`) dropped.
pub(crate) fn normalize_header(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut depth = 0u32;
    for c in raw.chars() {
        let c = fold_width(c);
        match c {
            '(' | '[' | '【' | '〔' | '〖' => depth += 1,
            ')' | ']' | '】' | '〕' | '〗' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '*' | ':' | '※' | '\u{200B}' | '\u{FEFF}' => {}
            c if c.is_whitespace() => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Full-width ASCII forms (`！`–`～`) to ASCII and the ideographic space to a space.
pub(crate) fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    }
}

/// The normalised headers and aliases of a table, to the index of their column.
pub(super) fn lookup(kind: TableKind) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, spec) in kind.columns().iter().enumerate() {
        for name in std::iter::once(&spec.header).chain(spec.aliases) {
            map.entry(normalize_header(name)).or_insert(i);
        }
    }
    map
}

/// A candidate header row.
pub(super) struct HeaderMatch {
    /// Index into `sheet.rows`.
    pub row_index: usize,
    /// (index into the table's columns, absolute column, header as written).
    pub columns: Vec<(usize, u32, String)>,
    pub unmatched: Vec<String>,
    /// Headers of required columns the row lacks.
    pub missing: Vec<&'static str>,
}

impl HeaderMatch {
    fn score(&self) -> (bool, usize) {
        (self.missing.is_empty(), self.columns.len())
    }
}

/// Whether a column must be present in the header (the year may come from the options).
pub(super) fn column_required(spec: &ColumnSpec, year_given: bool) -> bool {
    spec.required && !(spec.key == "year" && year_given)
}

/// The best header row among the first rows: all required columns first, then the most
/// columns recognised, then the earliest. At least two columns must be recognised.
pub(super) fn find_header(
    sheet: &Sheet,
    kind: TableKind,
    table: &HashMap<String, usize>,
    year_given: bool,
) -> Option<HeaderMatch> {
    let specs = kind.columns();
    let mut best: Option<HeaderMatch> = None;
    for (row_index, row) in sheet.rows.iter().enumerate().take(HEADER_SCAN_ROWS) {
        let mut columns: Vec<(usize, u32, String)> = Vec::new();
        let mut unmatched = Vec::new();
        for (i, cell) in row.iter().enumerate() {
            let raw = match cell {
                Cell::Text(s) => s.trim().to_string(),
                Cell::Empty => continue,
                other => other.to_text(),
            };
            if raw.is_empty() {
                continue;
            }
            match table.get(&normalize_header(&raw)) {
                Some(&idx) if !columns.iter().any(|c| c.0 == idx) => {
                    columns.push((idx, sheet.first_col.saturating_add(i as u32), raw));
                }
                _ => unmatched.push(raw),
            }
        }
        if columns.len() < 2 {
            continue;
        }
        let missing = specs
            .iter()
            .enumerate()
            .filter(|(i, s)| column_required(s, year_given) && !columns.iter().any(|c| c.0 == *i))
            .map(|(_, s)| s.header)
            .collect();
        let candidate = HeaderMatch {
            row_index,
            columns,
            unmatched,
            missing,
        };
        if best.as_ref().is_none_or(|b| candidate.score() > b.score()) {
            best = Some(candidate);
        }
    }
    best
}

/// How a column's header scales its numbers.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scale {
    pub money: MoneyUnit,
    /// Multiplier for counts, quantities and areas.
    pub factor: f64,
}

/// Reads the unit of a column from its header; `Err` for a money unit that cannot be
/// expressed (千元, 万美元…), which must not be read at the wrong scale.
pub(super) fn scale_of(kind: ValueKind, raw: &str) -> Result<Scale, ()> {
    let folded: String = raw
        .chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let mut scale = Scale {
        money: MoneyUnit::WanYuan,
        factor: 1.0,
    };
    match kind {
        ValueKind::Money => {
            scale.money = match detect_unit(raw) {
                Some(u) => u,
                None if folded.contains('元') || bracketed_scale_word(&folded) => return Err(()),
                None => MoneyUnit::WanYuan,
            };
        }
        ValueKind::Count | ValueKind::Quantity { .. } => {
            const WAN: &[&str] = &[
                "万千瓦时",
                "万kwh",
                "万度",
                "万吨",
                "万立方米",
                "万方",
                "万m3",
                "万m³",
                "万人",
            ];
            if WAN.iter().any(|w| folded.contains(w)) {
                scale.factor = 10_000.0;
            }
        }
        ValueKind::AreaMu { .. } => {
            if ["平方米", "㎡", "m2", "m²", "平米"]
                .iter()
                .any(|w| folded.contains(w))
            {
                scale.factor = 3.0 / 2000.0;
            } else if folded.contains("公顷") {
                scale.factor = 15.0;
            }
        }
        _ => {}
    }
    Ok(scale)
}

/// `产值（千）`: a bracketed scale word without 元 that is not 万 or 亿.
fn bracketed_scale_word(folded: &str) -> bool {
    ["(千)", "(百万)", "(千万)", "(百)", "(十万)"]
        .iter()
        .any(|w| folded.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_normalised() {
        assert_eq!(normalize_header(" 主营业务收入（万元）"), "主营业务收入");
        assert_eq!(normalize_header("*企业名称【必填】"), "企业名称");
        assert_eq!(normalize_header("统一社会\n信用代码 "), "统一社会信用代码");
        assert_eq!(normalize_header("R&D经费支出(元)"), "r&d经费支出");
        assert_eq!(normalize_header("Ｒ＆Ｄ经费支出"), "r&d经费支出");
        assert_eq!(normalize_header("年度："), "年度");
    }

    #[test]
    fn units() {
        let money = |h| scale_of(ValueKind::Money, h).map(|s| s.money);
        assert_eq!(money("主营业务收入（元）"), Ok(MoneyUnit::Yuan));
        assert_eq!(money("主营业务收入（亿元）"), Ok(MoneyUnit::YiYuan));
        assert_eq!(money("主营业务收入"), Ok(MoneyUnit::WanYuan));
        assert_eq!(money("主营业务收入（千元）"), Err(()));
        assert_eq!(money("出口额（万美元）"), Err(()));
        assert_eq!(money("产值（千）"), Err(()));
        let factor = |k, h| scale_of(k, h).map(|s| s.factor);
        assert_eq!(factor(ValueKind::Count, "用电量（万千瓦时）"), Ok(10_000.0));
        assert_eq!(factor(ValueKind::Count, "用电量（万ｋＷｈ）"), Ok(10_000.0));
        assert_eq!(factor(ValueKind::Count, "用电量（千瓦时）"), Ok(1.0));
        let area = ValueKind::AreaMu { max: 1.0 };
        assert_eq!(factor(area, "用地面积（平方米）"), Ok(0.0015));
        assert_eq!(factor(area, "用地面积(㎡)"), Ok(0.0015));
        assert_eq!(factor(area, "用地面积（亩）"), Ok(1.0));
    }
}
