//! Reading files: formats, limits and damaged input.

mod common;

use std::io::{Cursor, Read, Write};
use std::time::{Duration, Instant};

use common::{W, read, s, xlsx, xlsx_with};
use wujin_xlsx::{Cell, FileError, FileFormat, Limits, read_workbook};
use zip::write::SimpleFileOptions;

#[test]
fn xlsx_values_positions_and_formulas() {
    let bytes = xlsx(&[(
        "数据",
        vec![
            vec![],
            vec![W::Blank, s("名称"), W::N(12.5), W::D(42064.0)],
            vec![
                W::Blank,
                W::F("=1+1", "2"),
                W::F("=1/0", "#DIV/0!"),
                W::F("=\"a\"&\"b\"", "ab"),
            ],
        ],
    )]);
    let wb = read(&bytes, "book.xlsx");
    assert_eq!(wb.format, FileFormat::Xlsx);
    let sh = &wb.sheets[0];
    assert_eq!(sh.name, "数据");
    assert_eq!((sh.first_row, sh.first_col), (1, 1));
    assert_eq!(
        sh.rows[0],
        vec![
            Cell::Text("名称".into()),
            Cell::Number(12.5),
            Cell::Date(42064.0)
        ]
    );
    assert_eq!(sh.rows[1][0], Cell::Number(2.0));
    assert_eq!(sh.rows[1][1], Cell::Error("#DIV/0!".into()));
    assert_eq!(sh.rows[1][2], Cell::Text("ab".into()));
    assert_eq!(sh.cell(2, 2), &Cell::Error("#DIV/0!".into()));
    assert_eq!(sh.cell(0, 0), &Cell::Empty);
}

#[test]
fn merged_regions_are_filled_from_their_top_left_cell() {
    let rows = vec![
        vec![],
        vec![s("镇街"), s("企业名称")],
        vec![W::Blank, s("甲")],
        vec![W::Blank, s("乙")],
        vec![W::Blank, s("丙")],
        vec![s("象珠镇"), s("丁")],
    ];
    let bytes = xlsx_with(
        &[("企业", rows)],
        &[
            (0, 0, 0, 0, 5, "2024年企业名录"),
            (0, 2, 0, 4, 0, "东城街道"),
        ],
    );
    let wb = read(&bytes, "merged.xlsx");
    let sh = &wb.sheets[0];
    // The title spans the used columns only (A:B), not the six merged.
    assert_eq!(sh.rows[0], vec![Cell::Text("2024年企业名录".into()); 2]);
    for r in 2..=4 {
        assert_eq!(sh.cell(r, 0), &Cell::Text("东城街道".into()), "row {r}");
    }
    assert_eq!(sh.cell(5, 0), &Cell::Text("象珠镇".into()));
    assert_eq!(sh.end_col(), 2);
}

#[test]
fn non_spreadsheets_are_refused_with_their_reason() {
    let limits = Limits::default();
    let err = |bytes: &[u8], name: &str| read_workbook(bytes, name, &limits).unwrap_err();
    assert_eq!(err(b"", "a.xlsx"), FileError::Empty);
    assert_eq!(err(b" \n", "a.csv"), FileError::Empty);
    assert!(matches!(
        err(b"hello world", "a.xlsx"),
        FileError::Corrupt(_)
    ));
    assert_eq!(err(b"\x00\x01binary", "a.pdf"), FileError::NotASpreadsheet);
    assert_eq!(err(b"\x00\x01\x02", "a.csv"), FileError::NotASpreadsheet);
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend([0u8; 512]);
    assert_eq!(err(&ole, "old.xls"), FileError::UnsupportedXls);
    assert_eq!(
        err(&ole, "old.xls").key(),
        "error.import.file.unsupported_xls"
    );
    let mut encrypted = ole.clone();
    encrypted.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(err(&encrypted, "secret.xlsx"), FileError::Encrypted);
    assert_eq!(
        err(b"<html></html>", "export.xls"),
        FileError::UnsupportedXls
    );
    // A zip that is not a workbook (a .docx, say).
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    z.start_file("word/document.xml", SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"<w/>").unwrap();
    let docx = z.finish().unwrap().into_inner();
    assert_eq!(err(&docx, "a.xlsx"), FileError::NotASpreadsheet);
}

#[test]
fn size_limits() {
    let bytes = xlsx(&[("a", vec![vec![s("x"), s("y")]])]);
    let small = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    let e = read_workbook(&bytes, "a.xlsx", &small).unwrap_err();
    assert_eq!(
        e,
        FileError::TooLarge {
            size: bytes.len() as u64,
            limit: 100
        }
    );
    assert_eq!(e.key(), "error.import.file.too_large");
    assert_eq!(e.detail(), format!("{}/100", bytes.len()));

    let tight = Limits {
        max_uncompressed_bytes: 1_000,
        ..Limits::default()
    };
    let e = read_workbook(&bytes, "a.xlsx", &tight).unwrap_err();
    assert!(matches!(e, FileError::ZipBomb { .. }), "{e:?}");

    let many: Vec<(String, Vec<Vec<W>>)> = (0..4)
        .map(|i| (format!("s{i}"), vec![vec![s("x")]]))
        .collect();
    let many: Vec<(&str, Vec<Vec<W>>)> =
        many.iter().map(|(n, r)| (n.as_str(), r.clone())).collect();
    let e = read_workbook(
        &xlsx(&many),
        "a.xlsx",
        &Limits {
            max_sheets: 3,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert_eq!(e, FileError::TooManySheets { count: 4, limit: 3 });

    let rows: Vec<Vec<W>> = (0..11).map(|i| vec![W::N(f64::from(i))]).collect();
    let e = read_workbook(
        &xlsx(&[("长表", rows)]),
        "a.xlsx",
        &Limits {
            max_rows: 10,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        e,
        FileError::SheetTooLarge {
            sheet: "长表".into(),
            rows: 11,
            cols: 1
        }
    );
    assert_eq!(e.detail(), "长表 11×1");
}

#[test]
fn truncated_archives_are_corrupt_not_panics() {
    let bytes = xlsx(&[(
        "a",
        vec![
            vec![s("统一社会信用代码"), s("企业名称")],
            vec![s("x"), W::N(1.0)],
        ],
    )]);
    for cut in [10, 100, bytes.len() / 2, bytes.len() - 30, bytes.len() - 1] {
        let r = read_workbook(&bytes[..cut], "a.xlsx", &Limits::default());
        assert!(
            matches!(r, Err(FileError::Corrupt(_))),
            "cut at {cut}: {r:?}"
        );
    }
}

#[test]
fn zip_bomb_is_refused_before_inflating() {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(b"<Types/>").unwrap();
    z.start_file("xl/workbook.xml", opts).unwrap();
    z.write_all(b"<workbook/>").unwrap();
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..100 {
        z.write_all(&zeros).unwrap();
    }
    let bomb = z.finish().unwrap().into_inner();
    assert!(bomb.len() < 1 << 20, "the bomb is small: {}", bomb.len());
    let start = Instant::now();
    let e = read_workbook(&bomb, "bomb.xlsx", &Limits::default()).unwrap_err();
    assert_eq!(
        e,
        FileError::ZipBomb {
            entry: "xl/worksheets/sheet1.xml".into()
        }
    );
    assert_eq!(e.key(), "error.import.file.zip_bomb");
    assert!(start.elapsed() < Duration::from_millis(500));
}

fn sparse_sheet() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("稀疏").unwrap();
    ws.write_string(0, 0, "统一社会信用代码").unwrap();
    ws.write_string(1_048_575, 16_383, "far away").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn sparse_sheet_at_xfd1048576_is_refused_fast() {
    let bytes = sparse_sheet();
    let start = Instant::now();
    let e = read_workbook(&bytes, "sparse.xlsx", &Limits::default()).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(
        e,
        FileError::SheetTooLarge {
            sheet: "稀疏".into(),
            rows: 1_048_576,
            cols: 16_384
        }
    );
}

/// Rewrites one entry of a zip archive.
fn rewrite_entry(bytes: &[u8], entry: &str, f: impl Fn(String) -> String) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let mut file = src.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        if name == entry {
            content = f(String::from_utf8(content).unwrap()).into_bytes();
        }
        out.start_file(name, SimpleFileOptions::default()).unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_lying_or_missing_dimension_is_caught_while_streaming() {
    let bytes = sparse_sheet();
    for replacement in [r#"<dimension ref="A1"/>"#, ""] {
        let forged = rewrite_entry(&bytes, "xl/worksheets/sheet1.xml", |xml| {
            assert!(xml.contains(r#"<dimension ref="A1:XFD1048576"/>"#));
            xml.replace(r#"<dimension ref="A1:XFD1048576"/>"#, replacement)
        });
        let start = Instant::now();
        let e = read_workbook(&forged, "forged.xlsx", &Limits::default()).unwrap_err();
        assert!(start.elapsed() < Duration::from_millis(500));
        assert_eq!(
            e,
            FileError::SheetTooLarge {
                sheet: "稀疏".into(),
                rows: 1_048_576,
                cols: 16_384
            }
        );
    }
}

#[test]
fn csv_utf8_with_and_without_bom() {
    let plain = "统一社会信用代码,企业名称\n91330784X,\"永康, 五金\"\n\n,\n";
    for bytes in [
        plain.as_bytes().to_vec(),
        [b"\xEF\xBB\xBF".as_slice(), plain.as_bytes()].concat(),
    ] {
        let wb = read(&bytes, "企业.csv");
        assert_eq!(wb.format, FileFormat::Csv);
        let sh = &wb.sheets[0];
        assert_eq!(sh.name, "企业");
        assert_eq!(
            sh.rows.len(),
            2,
            "trailing blank lines dropped: {:?}",
            sh.rows
        );
        assert_eq!(sh.rows[0][0], Cell::Text("统一社会信用代码".into()));
        assert_eq!(sh.rows[1][1], Cell::Text("永康, 五金".into()));
    }
}

#[test]
fn csv_gb18030_and_other_delimiters() {
    let text = "统一社会信用代码;企业名称;镇街\r\nA;永康市五金有限公司;\r\n";
    let (gbk, _, had_errors) = encoding_rs::GB18030.encode(text);
    assert!(!had_errors);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    let wb = read(&gbk, "gbk.csv");
    let sh = &wb.sheets[0];
    assert_eq!(sh.rows[0].len(), 3);
    assert_eq!(
        sh.rows[1],
        vec![
            Cell::Text("A".into()),
            Cell::Text("永康市五金有限公司".into())
        ]
    );

    let tsv = "年度\t用电量\n2024\t1,234\n";
    let wb = read(tsv.as_bytes(), "data.txt");
    assert_eq!(
        wb.sheets[0].rows[1],
        vec![Cell::Text("2024".into()), Cell::Text("1,234".into())]
    );

    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "名称\t年度\n甲\t2024\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let wb = read(&utf16, "unicode.txt");
    assert_eq!(wb.sheets[0].rows[1][0], Cell::Text("甲".into()));
}

#[test]
fn csv_limits() {
    let text: String = (0..20).map(|i| format!("{i},x\n")).collect();
    let e = read_workbook(
        text.as_bytes(),
        "a.csv",
        &Limits {
            max_rows: 10,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        e,
        FileError::SheetTooLarge {
            sheet: "a".into(),
            rows: 11,
            cols: 2
        }
    );
    let wide = vec!["x"; 300].join(",");
    let e = read_workbook(wide.as_bytes(), "a.csv", &Limits::default()).unwrap_err();
    assert!(matches!(e, FileError::SheetTooLarge { cols: 300, .. }));
}

#[test]
fn every_error_has_a_key() {
    let all = [
        FileError::Empty,
        FileError::TooLarge { size: 2, limit: 1 },
        FileError::NotASpreadsheet,
        FileError::UnsupportedXls,
        FileError::Encrypted,
        FileError::Corrupt("x".into()),
        FileError::ZipBomb { entry: "e".into() },
        FileError::SheetTooLarge {
            sheet: "s".into(),
            rows: 1,
            cols: 2,
        },
        FileError::TooManySheets { count: 3, limit: 2 },
        FileError::Encoding,
    ];
    let keys: std::collections::HashSet<_> = all.iter().map(FileError::key).collect();
    assert_eq!(keys.len(), all.len());
    assert!(keys.iter().all(|k| k.starts_with("error.import.file.")));
}
