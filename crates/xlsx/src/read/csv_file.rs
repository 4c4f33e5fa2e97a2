//! csv (and tab- or semicolon-separated text) in UTF-8, UTF-16 or GB18030.

use std::borrow::Cow;

use super::{Cell, FileError, Limits, Sheet};

pub(super) fn read(
    bytes: &[u8],
    file_name: &str,
    limits: &Limits,
) -> Result<Vec<Sheet>, FileError> {
    let text = decode(bytes)?;
    let delimiter = detect_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(FileError::Corrupt(e.to_string())),
        }
        let (n_rows, n_cols) = (rows.len() as u64 + 1, record.len() as u64);
        if n_rows > u64::from(limits.max_rows) || n_cols > u64::from(limits.max_cols) {
            return Err(FileError::SheetTooLarge {
                sheet: sheet_name(file_name),
                rows: n_rows,
                cols: n_cols,
            });
        }
        let mut row: Vec<Cell> = record
            .iter()
            .map(|f| {
                if f.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(f.to_string())
                }
            })
            .collect();
        while row.last().is_some_and(Cell::is_empty) {
            row.pop();
        }
        rows.push(row);
    }
    while rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    Ok(vec![Sheet {
        name: sheet_name(file_name),
        rows,
        first_row: 0,
        first_col: 0,
    }])
}

/// The file name without directory and extension, `Sheet1` when there is none.
fn sheet_name(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    if stem.trim().is_empty() {
        "Sheet1".to_string()
    } else {
        stem.to_string()
    }
}

fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, FileError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|_| FileError::Encoding);
    }
    for (bom, encoding) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return encoding
                .decode_without_bom_handling_and_without_replacement(rest)
                .ok_or(FileError::Encoding);
        }
    }
    // A NUL byte does not occur in text in these encodings.
    if bytes.iter().take(64 * 1024).any(|&b| b == 0) {
        return Err(FileError::NotASpreadsheet);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(s));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or(FileError::Encoding)
}

/// The most frequent of `,` `\t` `;` on the first line; `,` when none occurs.
fn detect_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.chars().filter(|&x| x == c).count();
    let mut best = (b',', count(','));
    for d in [b'\t', b';'] {
        let n = count(d as char);
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("a,b,c\n"), b',');
        assert_eq!(detect_delimiter("a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter("a;b;c,d"), b';');
        assert_eq!(detect_delimiter("abc"), b',');
    }

    #[test]
    fn sheet_names() {
        assert_eq!(sheet_name("dir/企业名录.csv"), "企业名录");
        assert_eq!(sheet_name("C:\\x\\a.b.csv"), "a.b");
        assert_eq!(sheet_name(".csv"), "Sheet1");
        assert_eq!(sheet_name(""), "Sheet1");
    }
}
