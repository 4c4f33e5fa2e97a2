//! What an import shows: the preview (counts, errors, field-by-field changes) and the
//! outcome of a commit.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use wujin_domain::enterprise::FigureSource;
use wujin_xlsx::CellError;

/// Choices made when starting an import.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct ImportOptions {
    /// The year of every row of a figures file (the file then needs no year column).
    pub year: Option<i32>,
    /// The source of the figures where the file does not say (税务/统计/电力/企业填报/镇街).
    pub source: Option<FigureSource>,
    /// The sheet to read; by default the first whose header matches.
    pub sheet: Option<String>,
}

/// One problem, pointing at its cell.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImportError {
    pub sheet: String,
    /// 1-based sheet row; 0 for the file as a whole.
    pub row: u32,
    /// `C12`, `12`, or empty.
    pub cell: String,
    /// The column's header as written in the file.
    pub column: Option<String>,
    /// Catalogue key of the message.
    pub key: String,
    /// The value or bound the message names.
    pub detail: String,
    /// 0-based column, for highlighting.
    #[serde(default)]
    pub col: Option<u32>,
}

impl From<&CellError> for ImportError {
    fn from(e: &CellError) -> Self {
        ImportError {
            sheet: e.sheet.clone(),
            row: e.row,
            cell: e.cell_ref(),
            column: e.column.clone(),
            key: e.key.to_string(),
            detail: e.detail.clone(),
            col: e.col,
        }
    }
}

/// One field's change, as display text.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    /// The column header (Chinese).
    pub header: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One row that would create or change a record.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RowChange {
    pub row: u32,
    pub credit_code: String,
    pub name: String,
    /// `new` | `changed`
    pub status: String,
    pub fields: Vec<FieldChange>,
}

/// The validation result: nothing has been written to the registry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImportPreview {
    pub batch_id: Option<i64>,
    /// `enterprises` | `parcels` | `figures`
    pub kind: String,
    pub file_name: String,
    /// `validated` | `failed` | `committed` | `discarded`
    pub status: String,
    pub sheet: String,
    pub header_row: u32,
    pub year: Option<i32>,
    /// Rows read (blank rows not counted).
    pub rows: usize,
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub blank_rows: usize,
    pub errors: Vec<ImportError>,
    /// The first [`MAX_CHANGES_SHOWN`] changes.
    pub changes: Vec<RowChange>,
    /// Changes beyond those listed.
    pub changes_omitted: usize,
    pub unmatched_headers: Vec<String>,
    pub created_at: DateTime<Utc>,
}

/// Changes listed in a preview; the counts always cover every row.
pub const MAX_CHANGES_SHOWN: usize = 2_000;

/// What a commit wrote.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitReport {
    pub batch_id: Option<i64>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub audit_events: usize,
}

/// A batch in the list of recent imports.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BatchView {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub status: String,
    pub year: Option<i32>,
    pub rows: usize,
    pub new: usize,
    pub changed: usize,
    pub errors: usize,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub committed_at: Option<DateTime<Utc>>,
}

/// The changes of an import as the preview lists them: the first [`MAX_CHANGES_SHOWN`] in
/// full, the rest only counted (so a 100,000-row file does not hold 100,000 descriptions).
#[derive(Debug, Default)]
pub struct ChangeList {
    pub shown: Vec<RowChange>,
    pub new: usize,
    pub changed: usize,
}

impl ChangeList {
    /// Whether the next change would still be listed in full.
    pub fn wants_detail(&self) -> bool {
        self.shown.len() < MAX_CHANGES_SHOWN
    }

    /// Counts a change, and lists it while there is room.
    pub fn push(&mut self, is_new: bool, change: impl FnOnce() -> RowChange) {
        if is_new {
            self.new += 1;
        } else {
            self.changed += 1;
        }
        if self.wants_detail() {
            self.shown.push(change());
        }
    }

    pub fn omitted(&self) -> usize {
        self.new + self.changed - self.shown.len()
    }
}
