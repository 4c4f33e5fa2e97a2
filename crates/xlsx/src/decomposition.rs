//! 任务分解表: the task-decomposition tables governments circulate (重点工作任务分解表), read
//! into areas, tasks and sub-tasks.
//!
//! Such a table is typed by a person, often in WPS: a merged title row
//! (`2022年政府工作报告重点工作任务分解表`), sometimes a `填报单位：… 日期：…` row, then the
//! header; columns in any order under several names; a leader or an area merged down many rows
//! (the reader has already copied a merged value into every cell of the merge); several units
//! in one cell. [`map_decomposition`] reads it:
//!
//! - **Header**: the row among the first rows that names the most known columns (on a tie the
//!   lower one, so a two-row header is read by its second row). `工作任务` and `牵头单位` (or
//!   their other names) must be present.
//! - **Areas** (level 0): a row holding one text only — its content or serial (`一、扩大有效
//!   投资`), or the same text in every filled cell (a row merged across) — or a row with a
//!   content but no unit, deadline or target whose 序号 is empty or a Chinese numeral (`一、`,
//!   `（一）`); or the value of an area column (`领域`/`板块`), a new area wherever it changes.
//! - **Tasks** (level 1) and **sub-tasks** (level 2): the other rows. Their 序号 styles are
//!   ranked as written (`1` / `1.` / `1、` above `1.1` / `(1)`): the outermost style is a
//!   task, the next a sub-task under the last task; a third style is an error.
//! - Leaders and units are split with [`split_units`]; the first leader is the lead leader,
//!   the first lead unit the lead unit.
//! - Footnote rows (`注：…`, `填报人：…`) are kept aside, blank rows counted.
//!
//! A task without content or lead unit, a sub-task without a task above it, a formula error
//! and a fourth level are [`CellError`]s; the deadline phrases and names are left to the
//! caller, which knows the plan's year and the units.

mod columns;
mod hierarchy;

pub use columns::DECOMPOSITION_COLUMNS;

use wujin_domain::cell_value::{excel_serial_date, normalize_text};
use wujin_domain::supervision::units::split_units;

use crate::map::CellError;
use crate::map::header::normalize_header;
use crate::read::{Cell, Sheet, Workbook, format_number};

/// The header rows are looked for among this many rows from the top of a sheet.
const HEADER_SCAN_ROWS: usize = 15;

/// One area, task or sub-task read from the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRow {
    /// 1-based sheet row.
    pub row: u32,
    /// 0 area, 1 task, 2 sub-task.
    pub level: u8,
    /// 序号 as written (for an area taken from its text, the `一、` part).
    pub serial: String,
    pub content: String,
    /// Every leader named, the lead leader first.
    pub leaders: Vec<String>,
    /// Every lead unit named, the lead unit first.
    pub lead_units: Vec<String>,
    /// 配合单位, without those already named as lead units.
    pub co_units: Vec<String>,
    pub deadline: Option<String>,
    pub target: Option<String>,
    pub remark: Option<String>,
    /// Index in [`DecompositionSheet::rows`] of the area or task above.
    pub parent: Option<usize>,
}

/// A decomposition sheet as read.
#[derive(Debug, Clone, PartialEq)]
pub struct DecompositionSheet {
    pub sheet: String,
    /// 1-based row of the header.
    pub header_row: u32,
    /// The title above the header, if any.
    pub title: Option<String>,
    /// (column key, 0-based absolute column, header as written), in sheet order.
    pub columns: Vec<(&'static str, u32, String)>,
    pub unmatched_headers: Vec<String>,
    /// Areas, tasks and sub-tasks in sheet order.
    pub rows: Vec<TaskRow>,
    pub errors: Vec<CellError>,
    pub blank_rows: usize,
    /// Footnotes below or between the rows: (1-based row, text).
    pub notes: Vec<(u32, String)>,
}

impl DecompositionSheet {
    pub fn column_of(&self, key: &str) -> Option<u32> {
        self.columns.iter().find(|c| c.0 == key).map(|c| c.1)
    }

    pub fn header_of(&self, key: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|c| c.0 == key)
            .map(|c| c.2.as_str())
    }

    /// An error on the cell of column `key` in sheet row `row` (1-based).
    pub fn error_at(
        &self,
        row: u32,
        key: &str,
        err_key: &'static str,
        detail: impl Into<String>,
    ) -> CellError {
        CellError {
            sheet: self.sheet.clone(),
            row,
            col: self.column_of(key),
            column: self.header_of(key).map(str::to_string),
            key: err_key,
            detail: detail.into(),
        }
    }
}

/// A candidate header row.
struct HeaderMatch {
    row_index: usize,
    /// (index into [`DECOMPOSITION_COLUMNS`], absolute column, header as written).
    columns: Vec<(usize, u32, String)>,
    unmatched: Vec<String>,
    missing: Vec<&'static str>,
}

fn find_header(sheet: &Sheet) -> Option<HeaderMatch> {
    let table: Vec<(String, usize)> = DECOMPOSITION_COLUMNS
        .iter()
        .enumerate()
        .flat_map(|(i, spec)| {
            std::iter::once(spec.header)
                .chain(spec.aliases.iter().copied())
                .map(move |n| (normalize_header(n), i))
        })
        .collect();
    let mut best: Option<HeaderMatch> = None;
    for (row_index, row) in sheet.rows.iter().enumerate().take(HEADER_SCAN_ROWS) {
        let mut columns: Vec<(usize, u32, String)> = Vec::new();
        let mut unmatched = Vec::new();
        for (i, cell) in row.iter().enumerate() {
            let raw = cell.to_text().trim().to_string();
            if raw.is_empty() {
                continue;
            }
            let key = normalize_header(&raw);
            match table.iter().find(|(n, _)| *n == key) {
                Some(&(_, idx)) if !columns.iter().any(|c| c.0 == idx) => {
                    columns.push((idx, sheet.first_col.saturating_add(i as u32), raw));
                }
                _ => unmatched.push(raw),
            }
        }
        if columns.len() < 2 {
            continue;
        }
        let missing = DECOMPOSITION_COLUMNS
            .iter()
            .enumerate()
            .filter(|(i, s)| s.required && !columns.iter().any(|c| c.0 == *i))
            .map(|(_, s)| s.header)
            .collect::<Vec<_>>();
        let candidate = HeaderMatch {
            row_index,
            columns,
            unmatched,
            missing,
        };
        let score = |m: &HeaderMatch| (m.missing.is_empty(), m.columns.len());
        if best.as_ref().is_none_or(|b| score(&candidate) >= score(b)) {
            best = Some(candidate);
        }
    }
    best
}

fn sheet_error(sheet: &str, row: u32, key: &'static str, detail: String) -> CellError {
    CellError {
        sheet: sheet.to_string(),
        row,
        col: None,
        column: None,
        key,
        detail,
    }
}

/// Reads the decomposition table of `wb`: the sheet named `sheet`, or the first whose header
/// has every required column. A sheet without such a header is the `Err` (naming the missing
/// column, or listing the required ones when no header was found at all).
pub fn map_decomposition(
    wb: &Workbook,
    sheet: Option<&str>,
) -> Result<DecompositionSheet, CellError> {
    let candidates: Vec<&Sheet> = match sheet {
        Some(name) => vec![wb.sheet(name).ok_or_else(|| {
            sheet_error(name, 0, "error.import.sheet_not_found", name.to_string())
        })?],
        None => wb.sheets.iter().collect(),
    };
    let mut partial: Option<(&Sheet, HeaderMatch)> = None;
    let mut found = None;
    for s in candidates {
        let Some(m) = find_header(s) else { continue };
        if m.missing.is_empty() {
            found = Some((s, m));
            break;
        }
        if partial
            .as_ref()
            .is_none_or(|(_, p)| m.columns.len() > p.columns.len())
        {
            partial = Some((s, m));
        }
    }
    let (s, m) = match (found, partial) {
        (Some(f), _) => f,
        (None, Some((s, m))) => {
            let row = s.first_row.saturating_add(m.row_index as u32 + 1);
            return Err(sheet_error(
                &s.name,
                row,
                "error.import.missing_column",
                m.missing[0].to_string(),
            ));
        }
        (None, None) => {
            let first = wb.sheets.first().map_or("", |s| s.name.as_str());
            let required: Vec<&str> = DECOMPOSITION_COLUMNS
                .iter()
                .filter(|c| c.required)
                .map(|c| c.header)
                .collect();
            return Err(sheet_error(
                first,
                0,
                "error.import.header_not_found",
                required.join("、"),
            ));
        }
    };
    Ok(read_rows(s, m))
}

/// A cell as text for this table: trimmed; a date cell as `YYYY-MM-DD`; `None` when blank or
/// a placeholder (`/`, `—`, `无`).
fn cell_text(cell: &Cell) -> Option<String> {
    let t = match cell {
        Cell::Empty | Cell::Error(_) => return None,
        Cell::Date(n) => {
            let serial = n.floor();
            match (serial >= 1.0)
                .then(|| excel_serial_date(serial as u32))
                .flatten()
            {
                Some(d) => d.format("%Y-%m-%d").to_string(),
                None => format_number(*n),
            }
        }
        Cell::Number(n) => format_number(*n),
        other => other.to_text(),
    };
    let t = t.trim();
    (!t.is_empty() && !PLACEHOLDERS.contains(&t)).then(|| t.to_string())
}

/// What people type into a cell to say "nothing here": read as blank, so `/` is no unit.
const PLACEHOLDERS: [&str; 9] = ["/", "／", "\\", "-", "—", "——", "－", "无", "暂无"];

/// Whether a text is a footnote rather than an area: `注：…`, `说明：…`, `填报人：…`.
fn is_note(text: &str) -> bool {
    let folded: String = text
        .chars()
        .map(crate::map::header::fold_width)
        .filter(|c| !c.is_whitespace())
        .collect();
    const WITH_COLON: [&str; 4] = ["注", "备注", "说明", "填表说明"];
    const PEOPLE: [&str; 7] = [
        "填报人",
        "填表人",
        "制表人",
        "制表",
        "联系人",
        "审核人",
        "联系电话",
    ];
    WITH_COLON.iter().any(|p| {
        folded.strip_prefix(p).is_some_and(|r| {
            r.starts_with(':') || r.starts_with('：') || r.starts_with(['1', '１'])
        })
    }) || PEOPLE.iter().any(|p| folded.starts_with(p))
}

/// One data row's cells by column key.
struct RawRow {
    row: u32,
    values: Vec<(&'static str, String)>,
}

impl RawRow {
    fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn read_rows(s: &Sheet, m: HeaderMatch) -> DecompositionSheet {
    let columns: Vec<(&'static str, u32, String)> = m
        .columns
        .iter()
        .map(|(i, c, h)| (DECOMPOSITION_COLUMNS[*i].key, *c, h.clone()))
        .collect();
    let header_row = s.first_row.saturating_add(m.row_index as u32 + 1);
    let title = s.rows[..m.row_index]
        .iter()
        .flat_map(|r| r.iter())
        .find_map(cell_text);
    let mut out = DecompositionSheet {
        sheet: s.name.clone(),
        header_row,
        title,
        columns,
        unmatched_headers: m.unmatched,
        rows: Vec::new(),
        errors: Vec::new(),
        blank_rows: 0,
        notes: Vec::new(),
    };
    let mut raw_rows = Vec::new();
    for i in (m.row_index + 1)..s.rows.len() {
        let row = s.first_row.saturating_add(i as u32 + 1);
        let mut values = Vec::new();
        for (key, col, _) in &out.columns {
            let cell = s.cell(row - 1, *col);
            if let Cell::Error(e) = cell {
                let e = out.error_at(row, key, "error.import.formula_error", e.clone());
                out.errors.push(e);
            }
            if let Some(t) = cell_text(cell) {
                values.push((*key, t));
            }
        }
        if values.is_empty() {
            out.blank_rows += 1;
            continue;
        }
        raw_rows.push(RawRow { row, values });
    }
    hierarchy::build(&mut out, raw_rows);
    out.errors.sort_by_key(|e| (e.row, e.col));
    out
}

/// Text of a free-text column, whitespace collapsed.
fn free_text(raw: &RawRow, key: &str) -> Option<String> {
    raw.get(key).and_then(normalize_text)
}

/// Names of a leader or unit column, split.
fn names(raw: &RawRow, key: &str) -> Vec<String> {
    raw.get(key).map(split_units).unwrap_or_default()
}

#[cfg(test)]
mod tests;
