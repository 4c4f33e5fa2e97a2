//! Reading an uploaded file into a [`Workbook`] of plain cells, within [`Limits`].
//!
//! xlsx files are checked before they are parsed: the archive's declared sizes (a zip bomb is
//! refused before anything is inflated) and each sheet's declared dimension. The cells are
//! then streamed, and a cell beyond the limits stops the read at once, so a sparse sheet with
//! one cell at `XFD1048576` costs neither time nor memory. csv files are decoded from UTF-8
//! (with or without BOM), UTF-16 (with BOM) or GB18030.

mod csv_file;
mod xlsx_file;
mod zip_check;

/// Bounds on what an upload may hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// The file itself, in bytes.
    pub max_file_bytes: u64,
    /// The last used row of a sheet (absolute, 1-based), and the rows of a csv file.
    pub max_rows: u32,
    /// The last used column of a sheet (absolute, 1-based), and the fields of a csv line.
    pub max_cols: u32,
    /// The sum of the declared uncompressed sizes of an xlsx archive's entries.
    pub max_uncompressed_bytes: u64,
    /// Worksheets in one workbook.
    pub max_sheets: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 50 * 1024 * 1024,
            max_rows: 200_000,
            max_cols: 200,
            max_uncompressed_bytes: 512 * 1024 * 1024,
            max_sheets: 20,
        }
    }
}

/// The kind of file an upload turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Xlsx,
    Csv,
}

/// One cell as read, before any interpretation.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Cell {
    #[default]
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A cell formatted as a date: its Excel serial number (1900 date system).
    Date(f64),
    /// A formula whose cached value is an error, such as `#DIV/0!`.
    Error(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, as a person would read it (`12` for the number 12.0).
    pub fn to_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::Error(s) => s.clone(),
            Cell::Number(n) | Cell::Date(n) => format_number(*n),
            Cell::Bool(true) => "TRUE".to_string(),
            Cell::Bool(false) => "FALSE".to_string(),
        }
    }
}

/// A number written without a needless `.0`, and integers up to 2^53 in full.
pub(crate) fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

static EMPTY: Cell = Cell::Empty;

/// One worksheet (or the single table of a csv file).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    /// The used rows, from `first_row` on. Rows may be of different lengths (a row ends at its
    /// last non-empty cell) and may be empty.
    pub rows: Vec<Vec<Cell>>,
    /// 0-based absolute row of `rows[0]`.
    pub first_row: u32,
    /// 0-based absolute column of `rows[_][0]`.
    pub first_col: u32,
}

impl Sheet {
    /// The cell at a 0-based absolute position; [`Cell::Empty`] outside the used range.
    pub fn cell(&self, row: u32, col: u32) -> &Cell {
        if row < self.first_row || col < self.first_col {
            return &EMPTY;
        }
        self.rows
            .get((row - self.first_row) as usize)
            .and_then(|r| r.get((col - self.first_col) as usize))
            .unwrap_or(&EMPTY)
    }

    /// One past the last used column, absolute (0 for an empty sheet).
    pub fn end_col(&self) -> u32 {
        let width = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        if width == 0 {
            0
        } else {
            self.first_col.saturating_add(width as u32)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    pub format: FileFormat,
    pub sheets: Vec<Sheet>,
}

impl Workbook {
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }
}

/// Why an upload cannot be read at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("the file has {size} bytes, more than the {limit} allowed")]
    TooLarge { size: u64, limit: u64 },
    #[error("the file is not an xlsx or csv spreadsheet")]
    NotASpreadsheet,
    #[error("old binary .xls files are not supported; save the file as .xlsx")]
    UnsupportedXls,
    #[error("the workbook is password-protected")]
    Encrypted,
    #[error("the file is damaged: {0}")]
    Corrupt(String),
    #[error("the archive would inflate to an unreasonable size ({entry})")]
    ZipBomb { entry: String },
    #[error("sheet {sheet:?} reaches row {rows} and column {cols}, beyond the limits")]
    SheetTooLarge { sheet: String, rows: u64, cols: u64 },
    #[error("the workbook has {count} sheets, more than the {limit} allowed")]
    TooManySheets { count: usize, limit: usize },
    #[error("the text file is neither UTF-8 nor GB18030")]
    Encoding,
}

impl FileError {
    /// Message-catalogue key: `error.import.file.<variant>`.
    pub fn key(&self) -> &'static str {
        match self {
            FileError::Empty => "error.import.file.empty",
            FileError::TooLarge { .. } => "error.import.file.too_large",
            FileError::NotASpreadsheet => "error.import.file.not_a_spreadsheet",
            FileError::UnsupportedXls => "error.import.file.unsupported_xls",
            FileError::Encrypted => "error.import.file.encrypted",
            FileError::Corrupt(_) => "error.import.file.corrupt",
            FileError::ZipBomb { .. } => "error.import.file.zip_bomb",
            FileError::SheetTooLarge { .. } => "error.import.file.sheet_too_large",
            FileError::TooManySheets { .. } => "error.import.file.too_many_sheets",
            FileError::Encoding => "error.import.file.encoding",
        }
    }

    /// The numbers and names behind the error, for the message: `size/limit` in bytes,
    /// `sheet rows×cols`, `count/limit`, the damaged part, the suspicious entry.
    pub fn detail(&self) -> String {
        match self {
            FileError::TooLarge { size, limit } => format!("{size}/{limit}"),
            FileError::Corrupt(why) => why.clone(),
            FileError::ZipBomb { entry } => entry.clone(),
            FileError::SheetTooLarge { sheet, rows, cols } => format!("{sheet} {rows}×{cols}"),
            FileError::TooManySheets { count, limit } => format!("{count}/{limit}"),
            FileError::Empty
            | FileError::NotASpreadsheet
            | FileError::UnsupportedXls
            | FileError::Encrypted
            | FileError::Encoding => String::new(),
        }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads an uploaded file. The format comes from the content (zip or OLE signature), then
/// from the name's extension; text files without an extension are read as csv.
pub fn read_workbook(
    bytes: &[u8],
    file_name: &str,
    limits: &Limits,
) -> Result<Workbook, FileError> {
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Err(FileError::TooLarge {
            size,
            limit: limits.max_file_bytes,
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty);
    }
    let sheets = if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(EMPTY_ZIP_MAGIC) {
        let sheets = xlsx_file::read(bytes, limits)?;
        return finish(FileFormat::Xlsx, sheets);
    } else if bytes.starts_with(OLE_MAGIC) {
        // Encrypted xlsx files are OLE containers holding an `EncryptionInfo` stream.
        return Err(if contains_utf16(bytes, "EncryptionInfo") {
            FileError::Encrypted
        } else {
            FileError::UnsupportedXls
        });
    } else {
        let ext = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "xlsx" | "xlsm" => return Err(FileError::Corrupt("not a zip archive".into())),
            "xls" | "et" => return Err(FileError::UnsupportedXls),
            "csv" | "txt" | "tsv" | "" => csv_file::read(bytes, file_name, limits)?,
            _ => return Err(FileError::NotASpreadsheet),
        }
    };
    finish(FileFormat::Csv, sheets)
}

fn finish(format: FileFormat, sheets: Vec<Sheet>) -> Result<Workbook, FileError> {
    if sheets.iter().all(|s| s.rows.iter().all(Vec::is_empty)) {
        return Err(FileError::Empty);
    }
    Ok(Workbook { format, sheets })
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes
        .windows(pattern.len())
        .any(|w| w == pattern.as_slice())
}

/// Builds ragged rows from `(row, col, cell)` triples of non-empty cells.
pub(crate) fn grid(name: String, mut cells: Vec<(u32, u32, Cell)>) -> Sheet {
    if !cells.is_sorted_by_key(|c| (c.0, c.1)) {
        cells.sort_by_key(|c| (c.0, c.1));
    }
    let first_row = cells.iter().map(|c| c.0).min().unwrap_or(0);
    let first_col = cells.iter().map(|c| c.1).min().unwrap_or(0);
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for (r, c, cell) in cells {
        let ri = (r - first_row) as usize;
        if rows.len() <= ri {
            rows.resize_with(ri + 1, Vec::new);
        }
        let row = &mut rows[ri];
        let ci = (c - first_col) as usize;
        if row.len() <= ci {
            row.resize(ci + 1, Cell::Empty);
        }
        row[ci] = cell;
    }
    Sheet {
        name,
        rows,
        first_row,
        first_col,
    }
}
