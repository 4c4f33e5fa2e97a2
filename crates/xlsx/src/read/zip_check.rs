//! Checks on an xlsx archive made from its directory and the first bytes of each sheet,
//! before the spreadsheet parser inflates anything.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::Event;
use zip::ZipArchive;

use super::{FileError, Limits};

/// An entry inflating to more than this many times its compressed size is a bomb, once it is
/// larger than [`BOMB_MIN_BYTES`]. Sheet XML full of repeated empty cells compresses to about
/// 1:100 at worst.
const BOMB_RATIO: u64 = 200;
const BOMB_MIN_BYTES: u64 = 1024 * 1024;
/// How much of a sheet's XML is inflated to find its `<dimension>`.
const DIMENSION_SCAN_BYTES: u64 = 64 * 1024;
/// The workbook part and its relationships are small; more than this is refused.
const PART_CAP_BYTES: u64 = 8 * 1024 * 1024;

/// Verifies sizes, compression ratios and declared sheet dimensions.
pub(super) fn check(bytes: &[u8], limits: &Limits) -> Result<(), FileError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut total: u64 = 0;
    let mut sheets = Vec::new();
    let mut has_workbook = false;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(corrupt)?;
        let name = entry.name().map_err(corrupt)?.into_owned();
        let size = entry.size();
        let packed = entry.compressed_size().max(1);
        total = total.saturating_add(size);
        if size > limits.max_uncompressed_bytes
            || total > limits.max_uncompressed_bytes
            || (size > BOMB_MIN_BYTES && size / packed > BOMB_RATIO)
        {
            return Err(FileError::ZipBomb { entry: name });
        }
        if name.eq_ignore_ascii_case("xl/workbook.xml") {
            has_workbook = true;
        }
        if is_worksheet_part(&name) {
            sheets.push((i, name));
        }
    }
    if !has_workbook {
        return Err(FileError::NotASpreadsheet);
    }
    for (i, name) in sheets {
        let mut head = Vec::new();
        let entry = zip.by_index(i).map_err(corrupt)?;
        // A read error here (a damaged stream) is left for the parser to report.
        let _ = entry.take(DIMENSION_SCAN_BYTES).read_to_end(&mut head);
        let Some((rows, cols)) = declared_extent(&head) else {
            continue;
        };
        if rows > u64::from(limits.max_rows) || cols > u64::from(limits.max_cols) {
            let sheet = sheet_name_of(&mut zip, &name).unwrap_or(name);
            return Err(FileError::SheetTooLarge { sheet, rows, cols });
        }
    }
    Ok(())
}

fn corrupt(e: impl std::fmt::Display) -> FileError {
    FileError::Corrupt(e.to_string())
}

fn is_worksheet_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("xl/worksheets/") && lower.ends_with(".xml") && !lower.contains("_rels")
}

/// The absolute extent (last row, last column, both 1-based) the sheet's `<dimension ref>`
/// declares, read from the start of its XML.
fn declared_extent(head: &[u8]) -> Option<(u64, u64)> {
    let text = String::from_utf8_lossy(head);
    let at = text.find("dimension ")?;
    let rest = &text[at..];
    let end_tag = rest.find('>')?;
    let tag = &rest[..end_tag];
    let start = tag.find("ref=")? + 4;
    let quote = tag[start..].chars().next()?;
    let value = &tag[start + 1..];
    let value = &value[..value.find(quote)?];
    let last = value.rsplit(':').next()?;
    let (row, col) = parse_cell_ref(last)?;
    Some((row + 1, col + 1))
}

/// `XFD1048576` → (1048575, 16383), 0-based; also `$A$1`.
pub(super) fn parse_cell_ref(s: &str) -> Option<(u64, u64)> {
    let s = s.trim();
    let mut col: u64 = 0;
    let mut row: u64 = 0;
    let mut letters = 0;
    let mut digits = 0;
    for b in s.bytes() {
        match b {
            b'$' => {}
            b'A'..=b'Z' | b'a'..=b'z' if digits == 0 => {
                letters += 1;
                if letters > 4 {
                    return None;
                }
                col = col * 26 + u64::from(b.to_ascii_uppercase() - b'A') + 1;
            }
            b'0'..=b'9' if letters > 0 => {
                digits += 1;
                if digits > 8 {
                    return None;
                }
                row = row * 10 + u64::from(b - b'0');
            }
            _ => return None,
        }
    }
    (letters > 0 && digits > 0 && row > 0).then(|| (row - 1, col - 1))
}

/// The sheet name `xl/workbook.xml` gives the worksheet part `part`.
fn sheet_name_of(zip: &mut ZipArchive<Cursor<&[u8]>>, part: &str) -> Option<String> {
    let rels = read_part(zip, "xl/_rels/workbook.xml.rels")?;
    let mut targets: HashMap<String, String> = HashMap::new();
    for attrs in elements(&rels, "Relationship") {
        if let (Some(id), Some(target)) = (attrs.get("Id"), attrs.get("Target")) {
            let target = target.trim_start_matches('/');
            let full = if target.starts_with("xl/") {
                target.to_string()
            } else {
                format!("xl/{target}")
            };
            targets.insert(id.clone(), full);
        }
    }
    let workbook = read_part(zip, "xl/workbook.xml")?;
    elements(&workbook, "sheet").into_iter().find_map(|attrs| {
        let id = attrs.get("id")?;
        let target = targets.get(id)?;
        target
            .eq_ignore_ascii_case(part)
            .then(|| attrs.get("name").cloned())
            .flatten()
    })
}

fn read_part(zip: &mut ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<Vec<u8>> {
    let entry = zip.by_name(name).ok()?;
    let mut out = Vec::new();
    entry.take(PART_CAP_BYTES).read_to_end(&mut out).ok()?;
    Some(out)
}

/// The attributes (by local name) of every element with local name `local`.
fn elements(xml: &[u8], local: &str) -> Vec<HashMap<String, String>> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == local => {
                let mut attrs = HashMap::new();
                for a in e.attributes().flatten() {
                    let key = a.key.local_name().as_ref().to_string();
                    if let Ok(v) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                        attrs.insert(key, v.into_owned());
                    }
                }
                out.push(attrs);
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_refs() {
        assert_eq!(parse_cell_ref("A1"), Some((0, 0)));
        assert_eq!(parse_cell_ref("$C$12"), Some((11, 2)));
        assert_eq!(parse_cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_cell_ref("A0"), None);
        assert_eq!(parse_cell_ref("1A"), None);
        assert_eq!(parse_cell_ref(""), None);
    }

    #[test]
    fn dimensions_found_in_the_head() {
        let xml = br#"<?xml version="1.0"?><worksheet xmlns="x"><dimension ref="A1:XFD1048576"/><sheetData>"#;
        assert_eq!(declared_extent(xml), Some((1_048_576, 16_384)));
        assert_eq!(declared_extent(b"<x:dimension ref='B2'/>"), Some((2, 2)));
        assert_eq!(declared_extent(b"<worksheet><sheetData>"), None);
    }
}
