//! Spreadsheets as officials use them (电子表格): reading xlsx and csv within limits, matching
//! headers by name and alias, reading each cell as people type it, and writing templates,
//! error workbooks and exports.
//!
//! Pure: bytes in, values and errors out. Dictionary lookups that need the database (towns,
//! industry groups, tags) are left to the caller, which reports its own errors through
//! [`CellError`] with the column positions [`MappedSheet::column_of`] gives.

pub mod columns;
pub mod decomposition;
pub mod map;
pub mod read;
pub mod write;

pub use columns::{ColumnSpec, TableKind, ValueKind};
pub use map::{CellError, FieldValue, MapOptions, MappedRow, MappedSheet, map_sheet};
pub use read::{Cell, FileError, FileFormat, Limits, Sheet, Workbook, read_workbook};
