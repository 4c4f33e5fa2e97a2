//! The body of the row-mapper fuzz target, shared with the property tests.

use super::{MapOptions, map_sheet};
use crate::columns::TableKind;
use crate::read::{Cell, FileFormat, Sheet, Workbook};

/// Reads `data` as a small grid (lines split on `\n`, cells on `|`; a cell starting with `#`
/// is a number, `!` a formula error, `?` a date serial, `~` a boolean) and maps it as each
/// table kind, with and without a given year. Checks that mapping neither panics nor breaks
/// its own invariants.
#[doc(hidden)]
pub fn fuzz_row_mapper(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let sheet_name = lines
        .next()
        .unwrap_or("")
        .chars()
        .take(31)
        .collect::<String>();
    let rows: Vec<Vec<Cell>> = lines
        .take(2_000)
        .map(|line| line.split('|').take(64).map(cell_of).collect())
        .collect();
    let first_row = u32::from(data.first().copied().unwrap_or(0) % 4);
    let first_col = u32::from(data.last().copied().unwrap_or(0) % 3);
    let wb = Workbook {
        format: FileFormat::Csv,
        sheets: vec![Sheet {
            name: sheet_name,
            rows,
            first_row,
            first_col,
        }],
    };
    for kind in TableKind::ALL {
        for year in [None, Some(2024)] {
            let opts = MapOptions { year, sheet: None };
            let mut calls = 0usize;
            if let Ok(m) = map_sheet(&wb, kind, &opts, &mut |done, total| {
                assert!(done <= total);
                calls += 1;
            }) {
                assert!(m.header_row > first_row);
                assert!(m.errors.len() <= super::MAX_ERRORS + 1);
                for r in &m.rows {
                    assert!(r.row > m.header_row);
                    for spec in kind.columns().iter().filter(|c| c.required) {
                        assert!(
                            r.values.contains_key(spec.key),
                            "{kind:?} row without {}",
                            spec.key
                        );
                    }
                }
                for e in &m.errors {
                    assert!(e.key.starts_with("error."));
                    assert!(e.row > m.header_row);
                }
                assert!(calls >= 1);
            }
        }
    }
}

fn cell_of(s: &str) -> Cell {
    let mut chars = s.chars();
    let rest = || s.get(1..).unwrap_or("");
    match chars.next() {
        None => Cell::Empty,
        Some('#') => rest().parse().map_or(Cell::Empty, Cell::Number),
        Some('?') => rest().parse().map_or(Cell::Empty, Cell::Date),
        Some('!') => Cell::Error(rest().to_string()),
        Some('~') => Cell::Bool(rest().is_empty()),
        Some(_) => Cell::Text(s.to_string()),
    }
}
