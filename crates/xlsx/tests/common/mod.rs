//! Builders shared by the integration tests.
#![allow(dead_code)]

use rust_xlsxwriter::{Format, Formula, Workbook as XlsxBook};
use wujin_domain::credit_code::with_check_char;
use wujin_xlsx::{Limits, Workbook, read_workbook};

/// A valid credit code numbered `n` (a Yongkang enterprise, 9 1 330784 …).
pub fn code(n: u32) -> String {
    with_check_char(&format!("91330784{n:09}")).expect("17 valid characters")
}

/// A cell to write into a test workbook.
#[derive(Debug, Clone)]
pub enum W {
    S(String),
    N(f64),
    /// An Excel date serial formatted as a date.
    D(f64),
    Blank,
    /// A formula and its cached result.
    F(&'static str, &'static str),
}

pub fn s(t: &str) -> W {
    W::S(t.to_string())
}

/// An xlsx file with the given sheets; `merges` are (sheet index, first row, first col, last
/// row, last col, text).
pub fn xlsx_with(
    sheets: &[(&str, Vec<Vec<W>>)],
    merges: &[(usize, u32, u16, u32, u16, &str)],
) -> Vec<u8> {
    let mut book = XlsxBook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (i, (name, rows)) in sheets.iter().enumerate() {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    W::S(t) => {
                        ws.write_string(r, c, t).unwrap();
                    }
                    W::N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    W::D(n) => {
                        ws.write_number_with_format(r, c, *n, &date).unwrap();
                    }
                    W::F(f, v) => {
                        ws.write_formula(r, c, Formula::new(*f).set_result(*v))
                            .unwrap();
                    }
                    W::Blank => {}
                }
            }
        }
        for (_, r0, c0, r1, c1, text) in merges.iter().filter(|m| m.0 == i) {
            ws.merge_range(*r0, *c0, *r1, *c1, text, &Format::new())
                .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

pub fn xlsx(sheets: &[(&str, Vec<Vec<W>>)]) -> Vec<u8> {
    xlsx_with(sheets, &[])
}

pub fn read(bytes: &[u8], name: &str) -> Workbook {
    read_workbook(bytes, name, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Rows of text cells.
pub fn text_rows(rows: &[&[&str]]) -> Vec<Vec<W>> {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|t| if t.is_empty() { W::Blank } else { s(t) })
                .collect()
        })
        .collect()
}
