//! From a [`Workbook`] to typed rows: finding the sheet and its header row, matching headers
//! to columns by name and alias, and reading every cell as its column says.
//!
//! Keys of the errors reported per cell (`CellError::key`) and what `detail` holds:
//!
//! | key | detail |
//! |-----|--------|
//! | `error.import.header_not_found` | the required headers, joined by 、 |
//! | `error.import.sheet_not_found` | the sheet asked for |
//! | `error.import.missing_column` | the missing header |
//! | `error.import.unsupported_unit` | the header naming a unit that cannot be read (千元) |
//! | `error.import.required` | the header of the blank column |
//! | `error.import.year_mismatch` | `found/expected` |
//! | `error.import.duplicate_in_file` | the 1-based row first holding the same key |
//! | `error.import.too_many_errors` | the error limit |
//! | `error.import.formula_error` | the formula's error value (`#DIV/0!`) |
//! | `error.import.text_too_long` | `length/limit` in characters |
//! | `error.import.negative`, `error.import.not_positive`, `error.import.out_of_range` | the value |
//! | `error.import.not_a_year`, `error.import.not_a_flag`, `error.import.number_too_long` | the value |
//! | `error.import.unknown_choice` | the accepted labels, joined by 、 |
//! | `error.value.*`, `error.credit_code.*` (keys of the domain parsers) | the value |

mod cell;
mod fuzz;
pub(crate) mod header;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::columns::TableKind;
use crate::read::{Sheet, Workbook};

pub(crate) use cell::choice_labels;
#[doc(hidden)]
pub use fuzz::fuzz_row_mapper;

/// One value read from a cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum FieldValue {
    Text(String),
    Int(i64),
    Real(f64),
    Flag(bool),
    Date(chrono::NaiveDate),
    List(Vec<String>),
}

/// Choices made when the import was started.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapOptions {
    /// The year of every row of a figures sheet; the sheet then needs no year column.
    pub year: Option<i32>,
    /// The sheet to read; by default the first whose header matches.
    pub sheet: Option<String>,
}

/// A problem with one cell, one row or the whole sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellError {
    pub sheet: String,
    /// 1-based sheet row; 0 when the error concerns no row.
    pub row: u32,
    /// 0-based absolute column.
    pub col: Option<u32>,
    /// The column's header as written in the file.
    pub column: Option<String>,
    /// Message-catalogue key.
    pub key: &'static str,
    /// The value or bound the message names (see the module documentation).
    pub detail: String,
}

impl CellError {
    /// `C12` for a cell, `12` for a row, empty when there is neither.
    pub fn cell_ref(&self) -> String {
        match (self.row, self.col) {
            (0, _) => String::new(),
            (r, Some(c)) => format!("{}{r}", column_letters(c)),
            (r, None) => r.to_string(),
        }
    }
}

/// `0` → `A`, `27` → `AB`, `16383` → `XFD`.
pub fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// One row read without error. A key absent from `values` was left blank: "not given".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MappedRow {
    /// 1-based sheet row.
    pub row: u32,
    pub values: BTreeMap<&'static str, FieldValue>,
}

/// A sheet read as one table.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedSheet {
    pub kind: TableKind,
    pub sheet: String,
    /// 1-based sheet row of the header.
    pub header_row: u32,
    /// (column key, 0-based absolute column, header as written), in sheet order.
    pub columns: Vec<(&'static str, u32, String)>,
    /// Header texts of the header row that match no column.
    pub unmatched_headers: Vec<String>,
    pub rows: Vec<MappedRow>,
    pub errors: Vec<CellError>,
    /// Rows after the header with nothing in the recognised columns.
    pub blank_rows: usize,
}

impl MappedSheet {
    pub fn column_of(&self, key: &str) -> Option<u32> {
        self.columns.iter().find(|c| c.0 == key).map(|c| c.1)
    }

    pub fn header_of(&self, key: &str) -> Option<&str> {
        self.columns
            .iter()
            .find(|c| c.0 == key)
            .map(|c| c.2.as_str())
    }

    /// An error on the cell of column `key` in sheet row `row` (1-based), for callers that
    /// check values against the database (dictionaries, existing enterprises).
    pub fn error_at(
        &self,
        row: u32,
        key: &'static str,
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

/// Errors collected before mapping stops.
pub const MAX_ERRORS: usize = 1_000;
const PROGRESS_EVERY: usize = 1_000;

/// Reads the sheet of `wb` holding a `kind` table. `progress(done, total)` is called every
/// thousand rows and at the end. Problems with the sheet as a whole (no header, a required
/// column missing) are the `Err`; problems with cells are in [`MappedSheet::errors`], and a
/// row with any is left out of [`MappedSheet::rows`].
pub fn map_sheet(
    wb: &Workbook,
    kind: TableKind,
    opts: &MapOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<MappedSheet, CellError> {
    let table = header::lookup(kind);
    let year_given = opts.year.is_some();
    let sheet_error = |sheet: &str, key: &'static str, detail: String| CellError {
        sheet: sheet.to_string(),
        row: 0,
        col: None,
        column: None,
        key,
        detail,
    };
    let candidates: Vec<&Sheet> = match &opts.sheet {
        Some(name) => vec![
            wb.sheet(name)
                .ok_or_else(|| sheet_error(name, "error.import.sheet_not_found", name.clone()))?,
        ],
        None => wb.sheets.iter().collect(),
    };
    let mut partial: Option<(&Sheet, header::HeaderMatch)> = None;
    let mut found = None;
    for sheet in candidates {
        let Some(m) = header::find_header(sheet, kind, &table, year_given) else {
            continue;
        };
        if m.missing.is_empty() {
            found = Some((sheet, m));
            break;
        }
        if partial
            .as_ref()
            .is_none_or(|(_, p)| m.columns.len() > p.columns.len())
        {
            partial = Some((sheet, m));
        }
    }
    let (sheet, m) = match (found, partial) {
        (Some(f), _) => f,
        (None, Some((sheet, m))) => {
            return Err(CellError {
                sheet: sheet.name.clone(),
                row: sheet.first_row.saturating_add(m.row_index as u32 + 1),
                col: None,
                column: None,
                key: "error.import.missing_column",
                detail: m.missing[0].to_string(),
            });
        }
        (None, None) => {
            let first = wb.sheets.first().map_or("", |s| s.name.as_str());
            let required: Vec<&str> = kind
                .columns()
                .iter()
                .filter(|c| header::column_required(c, year_given))
                .map(|c| c.header)
                .collect();
            return Err(sheet_error(
                first,
                "error.import.header_not_found",
                required.join("、"),
            ));
        }
    };
    rows::map_rows(sheet, kind, opts, m, progress)
}

mod rows;
