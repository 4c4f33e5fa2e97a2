//! What the import endpoints answer: the preview of a batch, its errors and changes, the
//! outcome of a commit, the list of batches.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wujin_app::registry::import::{
    BatchView, CommitReport, FieldChange, ImportError, ImportPreview, RowChange,
};

use crate::i18n::{Lang, tr};

/// One problem of an import, pointing at its cell.
#[derive(Serialize, ToSchema)]
pub struct ImportErrorDto {
    pub sheet: String,
    /// 1-based row of the sheet; 0 for the file as a whole.
    pub row: u32,
    /// The cell (`C12`), the row (`12`) when the whole row is wrong, or empty.
    pub cell: String,
    /// The column's header as written in the file.
    pub column: Option<String>,
    /// Catalogue key of the problem, e.g. `error.import.unknown_town`.
    pub code: String,
    /// The problem, in English.
    pub message: String,
    /// The problem, in Simplified Chinese.
    pub message_zh: String,
    /// The value or bound the message is about.
    pub detail: String,
}

impl From<ImportError> for ImportErrorDto {
    fn from(e: ImportError) -> Self {
        ImportErrorDto {
            message: tr(Lang::En, &e.key),
            message_zh: tr(Lang::ZhCn, &e.key),
            sheet: e.sheet,
            row: e.row,
            cell: e.cell,
            column: e.column,
            code: e.key,
            detail: e.detail,
        }
    }
}

/// One field a row would change, as display text.
#[derive(Serialize, ToSchema)]
pub struct FieldChangeDto {
    /// The field's key, e.g. `contact_phone` or `main_revenue_yuan`.
    pub field: String,
    /// The column header (Chinese).
    pub header: String,
    /// The value now (absent when blank).
    pub old: Option<String>,
    /// The value after the import (absent when blank).
    pub new: Option<String>,
}

impl From<FieldChange> for FieldChangeDto {
    fn from(c: FieldChange) -> Self {
        FieldChangeDto {
            field: c.field,
            header: c.header,
            old: c.old,
            new: c.new,
        }
    }
}

/// One row that would create or change a record.
#[derive(Serialize, ToSchema)]
pub struct RowChangeDto {
    /// 1-based sheet row.
    pub row: u32,
    pub credit_code: String,
    pub name: String,
    /// new | changed
    pub status: String,
    pub fields: Vec<FieldChangeDto>,
}

impl From<RowChange> for RowChangeDto {
    fn from(c: RowChange) -> Self {
        RowChangeDto {
            row: c.row,
            credit_code: c.credit_code,
            name: c.name,
            status: c.status,
            fields: c.fields.into_iter().map(Into::into).collect(),
        }
    }
}

/// The result of validating a file: nothing has been written to the registry.
#[derive(Serialize, ToSchema)]
pub struct ImportPreviewDto {
    /// The import batch to commit or discard.
    pub batch_id: Option<i64>,
    /// enterprises | parcels | figures
    pub kind: String,
    pub file_name: String,
    /// validated (ready to commit) | failed (has errors) | committed | discarded
    pub status: String,
    /// The sheet read.
    pub sheet: String,
    /// 1-based row of the header.
    pub header_row: u32,
    /// Figures: the year given for every row.
    pub year: Option<i32>,
    /// Rows read (blank rows not counted).
    pub rows: usize,
    /// Rows that would create a record.
    pub new: usize,
    /// Rows that would change a record.
    pub changed: usize,
    /// Rows equal to what the registry holds.
    pub unchanged: usize,
    pub blank_rows: usize,
    /// Every problem; a batch with any cannot be committed.
    pub errors: Vec<ImportErrorDto>,
    /// The first changes, field by field; the counts above cover every row.
    pub changes: Vec<RowChangeDto>,
    /// Changes beyond those listed.
    pub changes_omitted: usize,
    /// Headers of the file that match no column (ignored).
    pub unmatched_headers: Vec<String>,
    pub created_at: DateTime<Utc>,
}

impl ImportPreviewDto {
    pub fn new(p: ImportPreview) -> ImportPreviewDto {
        ImportPreviewDto {
            batch_id: p.batch_id,
            kind: p.kind,
            file_name: p.file_name,
            status: p.status,
            sheet: p.sheet,
            header_row: p.header_row,
            year: p.year,
            rows: p.rows,
            new: p.new,
            changed: p.changed,
            unchanged: p.unchanged,
            blank_rows: p.blank_rows,
            errors: p.errors.into_iter().map(Into::into).collect(),
            changes: p.changes.into_iter().map(Into::into).collect(),
            changes_omitted: p.changes_omitted,
            unmatched_headers: p.unmatched_headers,
            created_at: p.created_at,
        }
    }
}

/// What a commit wrote.
#[derive(Serialize, ToSchema)]
pub struct CommitReportDto {
    pub batch_id: Option<i64>,
    /// Records created.
    pub created: usize,
    /// Records changed.
    pub updated: usize,
    /// Rows that changed nothing.
    pub unchanged: usize,
    /// Audit events recorded (one per created or changed record, and the commit itself).
    pub audit_events: usize,
}

impl From<CommitReport> for CommitReportDto {
    fn from(r: CommitReport) -> Self {
        CommitReportDto {
            batch_id: r.batch_id,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            audit_events: r.audit_events,
        }
    }
}

/// An import batch in the history.
#[derive(Serialize, ToSchema)]
pub struct BatchDto {
    pub id: i64,
    /// enterprises | parcels | figures
    pub kind: String,
    pub file_name: String,
    /// validated | failed | committed | discarded
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

impl From<BatchView> for BatchDto {
    fn from(b: BatchView) -> Self {
        BatchDto {
            id: b.id,
            kind: b.kind,
            file_name: b.file_name,
            status: b.status,
            year: b.year,
            rows: b.rows,
            new: b.new,
            changed: b.changed,
            errors: b.errors,
            created_by_name: b.created_by_name,
            created_at: b.created_at,
            committed_at: b.committed_at,
        }
    }
}
