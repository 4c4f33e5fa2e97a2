//! The rows under the header, read cell by cell.

use std::collections::{BTreeMap, HashMap};

use super::header::{self, HeaderMatch, Scale};
use super::{
    CellError, FieldValue, MAX_ERRORS, MapOptions, MappedRow, MappedSheet, PROGRESS_EVERY, cell,
};
use crate::columns::{ColumnSpec, TableKind};
use crate::read::{Cell, Sheet};

/// A recognised column.
pub(super) struct Column {
    pub spec: &'static ColumnSpec,
    /// 0-based absolute column.
    pub abs: u32,
    /// Index of the column within a row of `sheet.rows`.
    pub index: usize,
    pub raw: String,
    pub scale: Scale,
}

/// Texts that mark a totals row at the foot of a table.
const TOTAL_WORDS: &[&str] = &["合计", "总计", "小计", "汇总"];

pub(super) fn map_rows(
    sheet: &Sheet,
    kind: TableKind,
    opts: &MapOptions,
    m: HeaderMatch,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<MappedSheet, CellError> {
    let specs = kind.columns();
    let header_row = sheet.first_row.saturating_add(m.row_index as u32 + 1);
    let mut cols = Vec::with_capacity(m.columns.len());
    for (idx, abs, raw) in &m.columns {
        let spec = &specs[*idx];
        let scale = header::scale_of(spec.kind, raw).map_err(|()| CellError {
            sheet: sheet.name.clone(),
            row: header_row,
            col: Some(*abs),
            column: Some(raw.clone()),
            key: "error.import.unsupported_unit",
            detail: raw.clone(),
        })?;
        cols.push(Column {
            spec,
            abs: *abs,
            index: abs.saturating_sub(sheet.first_col) as usize,
            raw: raw.clone(),
            scale,
        });
    }
    cols.sort_by_key(|c| c.abs);
    let year_col = cols.iter().position(|c| c.spec.key == "year");
    let credit_col = cols.iter().position(|c| c.spec.key == "credit_code");

    let mut out = MappedSheet {
        kind,
        sheet: sheet.name.clone(),
        header_row,
        columns: cols
            .iter()
            .map(|c| (c.spec.key, c.abs, c.raw.clone()))
            .collect(),
        unmatched_headers: m.unmatched,
        rows: Vec::new(),
        errors: Vec::new(),
        blank_rows: 0,
    };
    let body = &sheet.rows[m.row_index + 1..];
    let total = body.len();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut key_buf = String::new();
    for (i, row) in body.iter().enumerate() {
        if i % PROGRESS_EVERY == 0 && i > 0 {
            progress(i, total);
        }
        if is_blank(row, &cols) || is_totals(row, &cols, credit_col) {
            out.blank_rows += 1;
            continue;
        }
        let row_no = header_row.saturating_add(1 + i as u32);
        let errors_before = out.errors.len();
        let mut values = BTreeMap::new();
        let fail = |c: &Column, key: &'static str, detail: String, errors: &mut Vec<CellError>| {
            errors.push(CellError {
                sheet: sheet.name.clone(),
                row: row_no,
                col: Some(c.abs),
                column: Some(c.raw.clone()),
                key,
                detail,
            });
        };
        for c in &cols {
            let value = row.get(c.index).unwrap_or(&Cell::Empty);
            match cell::read(c.spec.kind, value, c.scale) {
                Ok(Some(v)) => {
                    values.insert(c.spec.key, v);
                }
                Ok(None) if c.spec.required && !(c.spec.key == "year" && opts.year.is_some()) => {
                    fail(c, "error.import.required", c.raw.clone(), &mut out.errors);
                }
                Ok(None) => {}
                Err((key, detail)) => fail(c, key, detail, &mut out.errors),
            }
        }
        if let Some(y) = opts.year {
            let y = i64::from(y);
            match values.get("year") {
                Some(FieldValue::Int(found)) if *found != y => {
                    let c = &cols[year_col.unwrap_or_default()];
                    fail(
                        c,
                        "error.import.year_mismatch",
                        format!("{found}/{y}"),
                        &mut out.errors,
                    );
                }
                _ => {
                    if kind.column("year").is_some() {
                        values.insert("year", FieldValue::Int(y));
                    }
                }
            }
        }
        if out.errors.len() == errors_before {
            row_key(kind, &values, &mut key_buf);
            if !key_buf.is_empty() {
                if let Some(first) = seen.get(key_buf.as_str()) {
                    let key_col = kind.row_key()[0];
                    let c = cols
                        .iter()
                        .find(|c| c.spec.key == key_col)
                        .unwrap_or(&cols[0]);
                    fail(
                        c,
                        "error.import.duplicate_in_file",
                        first.to_string(),
                        &mut out.errors,
                    );
                } else {
                    seen.insert(key_buf.clone(), row_no);
                }
            }
        }
        if out.errors.len() == errors_before {
            out.rows.push(MappedRow {
                row: row_no,
                values,
            });
        } else if out.errors.len() >= MAX_ERRORS {
            out.errors.push(CellError {
                sheet: sheet.name.clone(),
                row: row_no,
                col: None,
                column: None,
                key: "error.import.too_many_errors",
                detail: MAX_ERRORS.to_string(),
            });
            break;
        }
    }
    progress(total, total);
    Ok(out)
}

/// Whether every recognised column but `seq` is blank.
fn is_blank(row: &[Cell], cols: &[Column]) -> bool {
    cols.iter()
        .filter(|c| c.spec.key != "seq")
        .all(|c| row.get(c.index).is_none_or(Cell::is_empty))
}

/// A totals row (合计) without a credit code.
fn is_totals(row: &[Cell], cols: &[Column], credit_col: Option<usize>) -> bool {
    let Some(cc) = credit_col else { return false };
    if !row.get(cols[cc].index).is_none_or(Cell::is_empty) {
        return false;
    }
    row.iter()
        .take(cols.last().map_or(0, |c| c.index + 1))
        .any(|c| match c {
            Cell::Text(t) => {
                let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                TOTAL_WORDS.contains(&t.as_str())
            }
            _ => false,
        })
}

/// The row's identity as one string (empty when part of it is missing).
fn row_key(kind: TableKind, values: &BTreeMap<&'static str, FieldValue>, buf: &mut String) {
    use std::fmt::Write;
    buf.clear();
    for k in kind.row_key() {
        match values.get(k) {
            Some(FieldValue::Text(t)) => buf.push_str(t),
            Some(FieldValue::Int(i)) => {
                let _ = write!(buf, "{i}");
            }
            _ => {
                buf.clear();
                return;
            }
        }
        buf.push('\u{1F}');
    }
}
