//! The uploaded workbook written back with its errors marked, for people to correct and
//! upload again.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Color, Format, Note, Workbook, Worksheet};

use super::{WriteError, sheet_name};
use crate::map::CellError;
use crate::read::{Cell, Sheet, Workbook as Uploaded};

/// The last row (0-based) a worksheet has.
const MAX_ROW: u32 = 1_048_575;

/// The header of the column listing each row's errors.
pub const ERROR_COLUMN: &str = "错误说明";

/// Every sheet of `wb` with its cells as read; on `sheet`, each cell named by an error is
/// filled light red and carries a note with the messages, and a last column
/// [`ERROR_COLUMN`] (headed in `header_row`, 1-based) lists each row's errors. Errors on no
/// row (the whole sheet) are listed in the header row. `errors` pairs each error with its
/// message already translated.
pub fn error_workbook(
    wb: &Uploaded,
    sheet: &str,
    header_row: u32,
    errors: &[(CellError, String)],
) -> Result<Vec<u8>, WriteError> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut names: Vec<String> = Vec::new();
    for s in &wb.sheets {
        let name = sheet_name(&s.name, &names);
        names.push(name.clone());
        let ws = book.add_worksheet();
        ws.set_name(&name)?;
        write_cells(ws, s, &date)?;
        if s.name == sheet {
            mark_errors(ws, s, header_row, errors, &date)?;
        }
    }
    if wb.sheets.is_empty() {
        book.add_worksheet();
    }
    Ok(book.save_to_buffer()?)
}

fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell,
    date: &Format,
    fill: Option<&Format>,
) -> Result<(), WriteError> {
    match (cell, fill) {
        (Cell::Empty, None) => {}
        (Cell::Empty, Some(f)) => {
            ws.write_blank(r, c, f)?;
        }
        (Cell::Text(t) | Cell::Error(t), None) => {
            ws.write_string(r, c, t)?;
        }
        (Cell::Text(t) | Cell::Error(t), Some(f)) => {
            ws.write_string_with_format(r, c, t, f)?;
        }
        (Cell::Number(n), None) => {
            ws.write_number(r, c, *n)?;
        }
        (Cell::Number(n), Some(f)) => {
            ws.write_number_with_format(r, c, *n, f)?;
        }
        (Cell::Date(n), f) => {
            let f = f.map_or_else(|| date.clone(), |f| f.clone().set_num_format("yyyy-mm-dd"));
            ws.write_number_with_format(r, c, *n, &f)?;
        }
        (Cell::Bool(b), None) => {
            ws.write_boolean(r, c, *b)?;
        }
        (Cell::Bool(b), Some(f)) => {
            ws.write_boolean_with_format(r, c, *b, f)?;
        }
    }
    Ok(())
}

fn write_cells(ws: &mut Worksheet, s: &Sheet, date: &Format) -> Result<(), WriteError> {
    for (i, row) in s.rows.iter().enumerate() {
        let Some(r) = s.first_row.checked_add(i as u32).filter(|&r| r <= MAX_ROW) else {
            break;
        };
        for (j, cell) in row.iter().enumerate() {
            let c = s.first_col.saturating_add(j as u32);
            if c > 16_383 {
                break;
            }
            write_cell(ws, r, c as u16, cell, date, None)?;
        }
    }
    Ok(())
}

fn mark_errors(
    ws: &mut Worksheet,
    s: &Sheet,
    header_row: u32,
    errors: &[(CellError, String)],
    date: &Format,
) -> Result<(), WriteError> {
    let fill = Format::new().set_background_color(Color::RGB(0xFFC7CE));
    let head = Format::new()
        .set_bold()
        .set_font_color(Color::RGB(0xC00000));
    let wrap = Format::new()
        .set_text_wrap()
        .set_font_color(Color::RGB(0xC00000));
    // Messages per row (1-based; the header row for errors on no row) and per cell.
    let mut by_row: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut by_cell: BTreeMap<(u32, u32), Vec<String>> = BTreeMap::new();
    let mut max_col = s.end_col();
    for (e, message) in errors {
        let row = if e.row == 0 { header_row.max(1) } else { e.row };
        let text = match (&e.column, e.col) {
            (Some(h), Some(c)) => format!("{}（{h}）：{message}", crate::map::column_letters(c)),
            (None, Some(c)) => format!("{}：{message}", crate::map::column_letters(c)),
            _ => message.clone(),
        };
        by_row.entry(row).or_default().push(text);
        if let Some(c) = e.col.filter(|&c| c <= 16_382 && row - 1 <= MAX_ROW) {
            by_cell.entry((row, c)).or_default().push(message.clone());
            max_col = max_col.max(c + 1);
        }
    }
    for ((row, col), messages) in &by_cell {
        let (r, c) = (row - 1, *col as u16);
        write_cell(ws, r, c, s.cell(r, *col), date, Some(&fill))?;
        let note = Note::new(messages.join("\n")).add_author_prefix(false);
        ws.insert_note(r, c, &note)?;
    }
    let err_col = max_col.min(16_383) as u16;
    ws.write_string_with_format(header_row.max(1) - 1, err_col, ERROR_COLUMN, &head)?;
    ws.set_column_width(err_col, 60)?;
    for (row, texts) in by_row {
        let r = row - 1;
        if r > MAX_ROW {
            continue;
        }
        if row == header_row.max(1) {
            let text = format!("{ERROR_COLUMN}：{}", texts.join("；"));
            ws.write_string_with_format(r, err_col, text, &head)?;
        } else {
            ws.write_string_with_format(r, err_col, texts.join("；"), &wrap)?;
        }
    }
    Ok(())
}
