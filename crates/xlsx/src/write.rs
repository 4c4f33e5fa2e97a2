//! Writing xlsx files: import templates, error workbooks and exports.

mod decomposition;
mod error_book;
mod export;
mod template;

use chrono::NaiveDate;
use rust_xlsxwriter::XlsxError;

pub use decomposition::{DecompositionTable, decomposition_table, decomposition_template};
pub use error_book::{ERROR_COLUMN, error_workbook};
pub use export::{ExportColumn, ExportFormat, ExportValue, export_table};
pub use template::{INSTRUCTIONS_SHEET, LISTS_SHEET, TemplateChoices, template};

/// A workbook could not be built.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the spreadsheet could not be written: {0}")]
    Xlsx(#[from] XlsxError),
}

impl WriteError {
    /// Message-catalogue key.
    pub fn key(&self) -> &'static str {
        "error.export.write_failed"
    }
}

/// The Excel serial number (1900 date system) of a date.
pub(crate) fn excel_serial(d: NaiveDate) -> f64 {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    (d - base).num_days() as f64
}

/// A name Excel accepts for a sheet: no `[]:*?/\`, no leading or trailing `'`, at most 31
/// characters, not blank, and not one of `taken` (compared case-insensitively).
pub(crate) fn sheet_name(raw: &str, taken: &[String]) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim();
    let base: String = if cleaned.is_empty() {
        "Sheet".to_string()
    } else {
        cleaned.chars().take(31).collect()
    };
    let free = |n: &str| !taken.iter().any(|t| t.to_lowercase() == n.to_lowercase());
    if free(&base) {
        return base;
    }
    (2..)
        .map(|i| {
            let suffix = format!("({i})");
            let keep = 31 - suffix.chars().count();
            format!("{}{suffix}", base.chars().take(keep).collect::<String>())
        })
        .find(|n| free(n))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_made_valid_and_unique() {
        assert_eq!(sheet_name("a/b:c", &[]), "a_b_c");
        assert_eq!(sheet_name("'x'", &[]), "x");
        assert_eq!(sheet_name("  ", &[]), "Sheet");
        assert_eq!(sheet_name(&"长".repeat(40), &[]).chars().count(), 31);
        let taken = vec!["Data".to_string(), "data(2)".to_string()];
        assert_eq!(sheet_name("data", &taken), "data(3)");
    }

    #[test]
    fn serials() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(excel_serial(d(2015, 3, 1)), 42064.0);
        assert_eq!(excel_serial(d(1900, 3, 1)), 61.0);
    }
}
