//! Exports: one table with an optional title, a frozen header and an autofilter.

use chrono::NaiveDate;
use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook};

use super::{WriteError, excel_serial, sheet_name};

/// How an export column is written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ExportFormat {
    Text,
    /// Whole numbers with thousands separators (`#,##0`).
    Integer,
    /// Whole numbers as they are (`0`): years, codes.
    PlainInteger,
    /// Two decimals (`0.00`): areas, quantities.
    Decimal2,
    /// A value given in 元, written in 万元 with two decimals shown (`#,##0.00`); the
    /// stored number keeps its full precision.
    MoneyWanYuan,
    /// `yyyy-mm-dd`.
    Date,
    /// 是 / 否.
    Flag,
}

/// One column of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportColumn {
    pub header: String,
    pub format: ExportFormat,
    /// Column width in characters.
    pub width: f64,
}

/// One value of an export row.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportValue {
    Empty,
    Text(String),
    Int(i64),
    Real(f64),
    Date(NaiveDate),
    Flag(bool),
}

/// Writes one table. Rows longer than `columns` are cut; a row that would not fit on a sheet
/// (more than 1,048,575 data rows) is an error.
pub fn export_table(
    sheet: &str,
    title: Option<&str>,
    columns: &[ExportColumn],
    rows: impl Iterator<Item = Vec<ExportValue>>,
) -> Result<Vec<u8>, WriteError> {
    let mut book = Workbook::new();
    // Exports are large and downloaded once: faster compression beats a smaller file.
    book.set_zip_compression_level(3);
    let ws = book.add_worksheet();
    ws.set_name(sheet_name(sheet, &[]))?;
    let last_col = columns.len().saturating_sub(1).min(16_383) as u16;
    let mut header_row = 0u32;
    if let Some(t) = title {
        let f = Format::new()
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Center);
        if last_col > 0 {
            ws.merge_range(0, 0, 0, last_col, t, &f)?;
        } else {
            ws.write_string_with_format(0, 0, t, &f)?;
        }
        ws.set_row_height(0, 24)?;
        header_row = 1;
    }
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(0xDDEBF7));
    let formats: Vec<Option<Format>> = columns.iter().map(|c| cell_format(c.format)).collect();
    for (i, c) in columns.iter().enumerate().take(16_384) {
        ws.write_string_with_format(header_row, i as u16, &c.header, &head)?;
        ws.set_column_width(i as u16, c.width)?;
    }
    ws.set_freeze_panes(header_row + 1, 0)?;
    let mut r = header_row;
    for row in rows {
        r += 1;
        for (i, (value, col)) in row.iter().zip(columns).enumerate() {
            let c = i as u16;
            let fmt = formats[i].as_ref();
            let number = |ws: &mut rust_xlsxwriter::Worksheet, n: f64| match fmt {
                Some(f) => ws.write_number_with_format(r, c, n, f).map(|_| ()),
                None => ws.write_number(r, c, n).map(|_| ()),
            };
            match (value, col.format) {
                (ExportValue::Empty, _) => {}
                (ExportValue::Text(t), _) => {
                    ws.write_string(r, c, t)?;
                }
                (ExportValue::Flag(b), _) => {
                    ws.write_string(r, c, if *b { "是" } else { "否" })?;
                }
                (ExportValue::Int(n), ExportFormat::MoneyWanYuan) => {
                    number(ws, *n as f64 / 10_000.0)?
                }
                (ExportValue::Real(n), ExportFormat::MoneyWanYuan) => number(ws, n / 10_000.0)?,
                (ExportValue::Int(n), ExportFormat::Flag) => {
                    ws.write_string(r, c, if *n != 0 { "是" } else { "否" })?;
                }
                (ExportValue::Int(n), _) => number(ws, *n as f64)?,
                (ExportValue::Real(n), _) => number(ws, *n)?,
                (ExportValue::Date(d), _) => {
                    let f = fmt
                        .cloned()
                        .unwrap_or_else(|| Format::new().set_num_format("yyyy-mm-dd"));
                    ws.write_number_with_format(r, c, excel_serial(*d), &f)?;
                }
            }
        }
    }
    if !columns.is_empty() {
        ws.autofilter(header_row, 0, r, last_col)?;
    }
    Ok(book.save_to_buffer()?)
}

fn cell_format(f: ExportFormat) -> Option<Format> {
    let n = |s: &str| Some(Format::new().set_num_format(s));
    match f {
        ExportFormat::Text | ExportFormat::Flag => None,
        ExportFormat::Integer => n("#,##0"),
        ExportFormat::PlainInteger => n("0"),
        ExportFormat::Decimal2 => n("0.00"),
        ExportFormat::MoneyWanYuan => n("#,##0.00"),
        ExportFormat::Date => n("yyyy-mm-dd"),
    }
}
