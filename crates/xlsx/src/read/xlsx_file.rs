//! xlsx: cells streamed from each worksheet, merged regions filled from their top-left cell.

use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, Xlsx, XlsxError};

use super::{Cell, FileError, Limits, Sheet, grid, zip_check};

/// Days between the 1904 and the 1900 date systems.
const EPOCH_1904_OFFSET: f64 = 1462.0;

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, FileError> {
    zip_check::check(bytes, limits)?;
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let names: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    if names.len() > limits.max_sheets {
        return Err(FileError::TooManySheets {
            count: names.len(),
            limit: limits.max_sheets,
        });
    }
    let offset = if book.has_1904_epoch() {
        EPOCH_1904_OFFSET
    } else {
        0.0
    };
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let cells = read_cells(&mut book, &name, limits, offset)?;
        let mut sheet = grid(name, cells);
        // Merged regions are a nicety: a sheet whose merge list cannot be read keeps its cells.
        if let Ok(merges) = book.merge_cells_by_sheet_name(&sheet.name) {
            fill_merges(&mut sheet, merges.iter().map(|d| (d.start, d.end)));
        }
        sheets.push(sheet);
    }
    Ok(sheets)
}

fn xlsx_error(e: XlsxError) -> FileError {
    match e {
        XlsxError::Password => FileError::Encrypted,
        other => FileError::Corrupt(other.to_string()),
    }
}

fn too_large(sheet: &str, row: u32, col: u32) -> FileError {
    FileError::SheetTooLarge {
        sheet: sheet.to_string(),
        rows: u64::from(row) + 1,
        cols: u64::from(col) + 1,
    }
}

fn read_cells(
    book: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    limits: &Limits,
    date_offset: f64,
) -> Result<Vec<(u32, u32, Cell)>, FileError> {
    let mut reader = book.worksheet_cells_reader(name).map_err(xlsx_error)?;
    let declared = reader.dimensions();
    if declared.end.0 >= limits.max_rows || declared.end.1 >= limits.max_cols {
        return Err(too_large(name, declared.end.0, declared.end.1));
    }
    let mut cells = Vec::new();
    while let Some(c) = reader.next_cell().map_err(xlsx_error)? {
        let (row, col) = c.get_position();
        let cell = convert(c.get_value(), date_offset);
        if cell.is_empty() {
            continue;
        }
        if row >= limits.max_rows || col >= limits.max_cols {
            return Err(too_large(name, row, col));
        }
        cells.push((row, col, cell));
    }
    Ok(cells)
}

fn convert(v: &DataRef<'_>, date_offset: f64) -> Cell {
    match v {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(d) if d.is_datetime() => Cell::Date(d.as_f64() + date_offset),
        DataRef::DateTime(d) => Cell::Number(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text(s),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn text(s: &str) -> Cell {
    if s.trim().is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

/// Copies each merged region's top-left value into the region's other cells, within the used
/// range of the sheet (a merge reaching past the data does not grow the sheet).
pub(crate) fn fill_merges(
    sheet: &mut Sheet,
    merges: impl Iterator<Item = ((u32, u32), (u32, u32))>,
) {
    let Some(last_row) = (sheet.rows.len() as u32).checked_sub(1) else {
        return;
    };
    let last_row = sheet.first_row + last_row;
    let end_col = sheet.end_col();
    for ((r0, c0), (r1, c1)) in merges {
        let value = sheet.cell(r0, c0).clone();
        if value.is_empty() {
            continue;
        }
        let r1 = r1.min(last_row);
        let c1 = c1.min(end_col.saturating_sub(1));
        for r in r0.max(sheet.first_row)..=r1 {
            let row = &mut sheet.rows[(r - sheet.first_row) as usize];
            for c in c0.max(sheet.first_col)..=c1 {
                if (r, c) == (r0, c0) {
                    continue;
                }
                let ci = (c - sheet.first_col) as usize;
                if row.len() <= ci {
                    row.resize(ci + 1, Cell::Empty);
                }
                if row[ci].is_empty() {
                    row[ci] = value.clone();
                }
            }
        }
    }
}
