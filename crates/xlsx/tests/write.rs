//! Templates, error workbooks and exports, read back.

mod common;

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use chrono::NaiveDate;
use common::{W, code, read, s, xlsx};
use wujin_xlsx::write::{
    ERROR_COLUMN, ExportColumn, ExportFormat, ExportValue, TemplateChoices, error_workbook,
    export_table, template,
};
use wujin_xlsx::{Cell, ColumnSpec, FieldValue, MapOptions, TableKind, ValueKind, map_sheet};

/// The text of one part of an xlsx archive.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut out).unwrap();
    out
}

fn choices(towns: usize) -> TemplateChoices {
    TemplateChoices {
        towns: (0..towns).map(|i| format!("测试镇街{i}")).collect(),
        industry_groups: vec!["电动工具/园林工具".into(), "门业/锁具/安防".into()],
        tags: vec!["高新技术企业".into(), "专精特新".into()],
    }
}

#[test]
fn templates_read_back_as_empty_tables() {
    for kind in TableKind::ALL {
        let bytes = template(kind, &choices(3), Some(2024)).unwrap();
        let wb = read(&bytes, "t.xlsx");
        assert_eq!(wb.sheets[0].name, kind.sheet_name());
        assert_eq!(wb.sheets[1].name, "填写说明");
        let headers: Vec<Cell> = kind
            .columns()
            .iter()
            .map(|c| Cell::Text(c.header.into()))
            .collect();
        assert_eq!(wb.sheets[0].rows[0], headers);
        let m = map_sheet(&wb, kind, &MapOptions::default(), &mut |_, _| {}).unwrap();
        assert_eq!(
            (m.sheet.as_str(), m.header_row, m.rows.len()),
            (kind.sheet_name(), 1, 0)
        );
        assert!(m.errors.is_empty() && m.unmatched_headers.is_empty());
        // The instructions name every column and whether it is required.
        let help = &wb.sheets[1];
        for spec in kind.columns() {
            let row = help
                .rows
                .iter()
                .find(|r| r.first() == Some(&Cell::Text(spec.header.into())))
                .unwrap();
            let required = spec.required && spec.key != "year";
            assert_eq!(
                row[1],
                Cell::Text(if required { "必填" } else { "选填" }.into()),
                "{}",
                spec.header
            );
        }
        let xml = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(xml.contains(r#"ySplit="1""#), "frozen header");
        assert!(xml.contains("<dataValidation"), "{kind:?} has dropdowns");
    }
    let xml = part(
        &template(TableKind::Enterprises, &choices(3), None).unwrap(),
        "xl/worksheets/sheet1.xml",
    );
    assert!(
        xml.contains("测试镇街0,测试镇街1,测试镇街2"),
        "a short list is inline"
    );
    assert!(xml.contains("在营,停产,关停,迁出,注销"));
    let styles = part(
        &template(TableKind::Enterprises, &choices(3), None).unwrap(),
        "xl/styles.xml",
    );
    assert!(styles.contains("yyyy-mm-dd"));
}

#[test]
fn long_lists_go_to_a_hidden_sheet() {
    let bytes = template(TableKind::Enterprises, &choices(40), None).unwrap();
    let wb = read(&bytes, "t.xlsx");
    let lists = wb.sheet("_lists").expect("the lists sheet");
    assert_eq!(lists.rows.len(), 40);
    assert_eq!(lists.rows[39][0], Cell::Text("测试镇街39".into()));
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("'_lists'!$A$1:$A$40"), "{xml}");
    let workbook = part(&bytes, "xl/workbook.xml");
    assert!(
        workbook.contains(r#"name="_lists" sheetId="3" state="hidden""#),
        "{workbook}"
    );
    // Names with commas cannot be listed inline either.
    let bytes = template(
        TableKind::Enterprises,
        &TemplateChoices {
            towns: vec!["甲,乙".into()],
            ..choices(0)
        },
        None,
    )
    .unwrap();
    assert!(part(&bytes, "xl/worksheets/sheet1.xml").contains("'_lists'!$A$1:$A$1"));
}

#[test]
fn error_workbook_marks_cells_and_lists_row_errors() {
    let upload = xlsx(&[
        ("说明", vec![vec![s("随便写写")]]),
        (
            "企业",
            vec![
                vec![
                    s("统一社会信用代码"),
                    s("企业名称"),
                    s("所属镇街"),
                    s("行业分组"),
                    s("成立日期"),
                    s("备注"),
                ],
                vec![
                    s(&code(1)),
                    s("甲"),
                    s("东城"),
                    s("其他"),
                    W::D(42064.0),
                    W::N(3.5),
                ],
                vec![s("BAD"), W::Blank, s("东城"), s("其他"), s("昨天")],
            ],
        ),
    ]);
    let wb = read(&upload, "up.xlsx");
    let m = map_sheet(
        &wb,
        TableKind::Enterprises,
        &MapOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(m.errors.len(), 3);
    let mut errors: Vec<_> = m
        .errors
        .iter()
        .map(|e| (e.clone(), format!("错误：{}", e.key)))
        .collect();
    errors.push((
        m.error_at(2, "town", "error.import.unknown_town", "东城"),
        "未知镇街".into(),
    ));
    let bytes = error_workbook(&wb, &m.sheet, m.header_row, &errors).unwrap();
    let back = read(&bytes, "errors.xlsx");
    assert_eq!(back.sheets.len(), 2);
    assert_eq!(back.sheets[0].rows[0][0], Cell::Text("随便写写".into()));
    let sh = &back.sheets[1];
    assert_eq!(sh.cell(0, 6), &Cell::Text(ERROR_COLUMN.into()));
    assert_eq!(sh.cell(1, 4), &Cell::Date(42064.0));
    assert_eq!(sh.cell(1, 5), &Cell::Number(3.5));
    let Cell::Text(row2) = sh.cell(1, 6) else {
        panic!("row 2 has its error")
    };
    assert_eq!(row2, "C（所属镇街）：未知镇街");
    let Cell::Text(row3) = sh.cell(2, 6) else {
        panic!("row 3 has its errors")
    };
    assert!(
        row3.contains("A（统一社会信用代码）：错误：error.credit_code.wrong_length"),
        "{row3}"
    );
    assert!(
        row3.contains("B（企业名称）：错误：error.import.required"),
        "{row3}"
    );
    assert!(
        row3.contains("E（成立日期）：错误：error.value.not_a_date"),
        "{row3}"
    );
    let comments = part(&bytes, "xl/comments1.xml");
    assert!(comments.contains("未知镇街") && comments.contains("error.import.required"));
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains("FFFFC7CE"), "light red fill");
}

#[test]
fn error_workbook_from_csv_and_sheet_errors() {
    let wb = read("统一社会信用代码,年度\nX,2024\n".as_bytes(), "a/b.csv");
    let m = map_sheet(
        &wb,
        TableKind::Figures,
        &MapOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    let mut errors: Vec<_> = m
        .errors
        .iter()
        .map(|e| (e.clone(), "代码有误".to_string()))
        .collect();
    let sheet_level = wujin_xlsx::CellError {
        sheet: "b".into(),
        row: 0,
        col: None,
        column: None,
        key: "error.import.x",
        detail: String::new(),
    };
    errors.push((sheet_level, "整表问题".into()));
    let bytes = error_workbook(&wb, "b", 1, &errors).unwrap();
    let back = read(&bytes, "e.xlsx");
    let sh = &back.sheets[0];
    assert_eq!(sh.name, "b");
    assert_eq!(
        sh.cell(0, 2),
        &Cell::Text(format!("{ERROR_COLUMN}：整表问题"))
    );
    assert_eq!(
        sh.cell(1, 2),
        &Cell::Text("A（统一社会信用代码）：代码有误".into())
    );
}

fn export_format(kind: ValueKind) -> ExportFormat {
    match kind {
        ValueKind::Money => ExportFormat::MoneyWanYuan,
        ValueKind::Count => ExportFormat::Integer,
        ValueKind::Quantity { .. } | ValueKind::AreaMu { .. } => ExportFormat::Decimal2,
        ValueKind::Date => ExportFormat::Date,
        ValueKind::Year => ExportFormat::PlainInteger,
        ValueKind::Flag => ExportFormat::Flag,
        _ => ExportFormat::Text,
    }
}

/// A value for row `i` of column `spec`, as the export takes it and as mapping gives it back.
fn sample(spec: &ColumnSpec, i: u32) -> (ExportValue, FieldValue) {
    let t = |v: String| (ExportValue::Text(v.clone()), FieldValue::Text(v));
    match spec.kind {
        ValueKind::CreditCode => t(code(i)),
        ValueKind::Text { .. } | ValueKind::DictionaryName { .. } => {
            t(format!("{}{i}", spec.key.len()))
        }
        ValueKind::Money => {
            let y = i64::from(i) * 123_457 + 1;
            (ExportValue::Int(y), FieldValue::Int(y))
        }
        ValueKind::Count => (
            ExportValue::Int(i64::from(i) * 1000),
            FieldValue::Int(i64::from(i) * 1000),
        ),
        ValueKind::Quantity { .. } => {
            let q: f64 = format!("{i}.37").parse().unwrap();
            (ExportValue::Real(q), FieldValue::Real(q))
        }
        ValueKind::AreaMu { .. } => (
            ExportValue::Real(f64::from(i) + 1.25),
            FieldValue::Real(f64::from(i) + 1.25),
        ),
        ValueKind::Date => {
            let d = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(u64::from(i));
            (ExportValue::Date(d), FieldValue::Date(d))
        }
        ValueKind::Year => (
            ExportValue::Int(2000 + i64::from(i % 50)),
            FieldValue::Int(2000 + i64::from(i % 50)),
        ),
        ValueKind::Flag => (
            ExportValue::Flag(i.is_multiple_of(2)),
            FieldValue::Flag(i.is_multiple_of(2)),
        ),
        ValueKind::Choice { choice } => {
            let (label, code) = match choice {
                "status" => ("停产", "suspended"),
                "tenure" => ("租赁", "leased"),
                "scale" => ("规上", "above"),
                _ => ("电力", "power"),
            };
            (
                ExportValue::Text(label.into()),
                FieldValue::Text(code.into()),
            )
        }
        ValueKind::NameList { .. } => (
            ExportValue::Text(format!("甲{i}、乙")),
            FieldValue::List(vec![format!("甲{i}"), "乙".into()]),
        ),
    }
}

#[test]
fn exports_round_trip_through_read_and_map() {
    for kind in TableKind::ALL {
        let specs = kind.columns();
        let columns: Vec<ExportColumn> = specs
            .iter()
            .map(|c| ExportColumn {
                header: c.header.to_string(),
                format: export_format(c.kind),
                width: 12.0,
            })
            .collect();
        let n = 50u32;
        let mut want: Vec<BTreeMap<&str, FieldValue>> = Vec::new();
        let rows: Vec<Vec<ExportValue>> = (1..=n)
            .map(|i| {
                let (out, back): (Vec<_>, BTreeMap<_, _>) = specs
                    .iter()
                    .map(|c| {
                        let (e, f) = sample(c, i);
                        (e, (c.key, f))
                    })
                    .unzip();
                want.push(back);
                out
            })
            .collect();
        let bytes = export_table(
            kind.sheet_name(),
            Some("永康市 2024 年导出"),
            &columns,
            rows.into_iter(),
        )
        .unwrap();
        let xml = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(
            xml.contains(&format!(
                r#"<autoFilter ref="A2:{}{}"/>"#,
                wujin_xlsx::map::column_letters(specs.len() as u32 - 1),
                n + 2
            )),
            "{kind:?}"
        );
        let wb = read(&bytes, "export.xlsx");
        let m = map_sheet(&wb, kind, &MapOptions::default(), &mut |_, _| {}).unwrap();
        assert_eq!(m.header_row, 2, "under the title");
        assert!(
            m.errors.is_empty(),
            "{kind:?}: {:?}",
            &m.errors[..m.errors.len().min(3)]
        );
        assert_eq!(m.rows.len(), want.len());
        for (got, want) in m.rows.iter().zip(&want) {
            assert_eq!(&got.values, want, "{kind:?} row {}", got.row);
        }
    }
}

#[test]
fn export_writes_money_in_wan_yuan_and_flags_as_words() {
    let columns = [
        ExportColumn {
            header: "税收（万元）".into(),
            format: ExportFormat::MoneyWanYuan,
            width: 12.0,
        },
        ExportColumn {
            header: "事故".into(),
            format: ExportFormat::Flag,
            width: 8.0,
        },
        ExportColumn {
            header: "日期".into(),
            format: ExportFormat::Date,
            width: 8.0,
        },
    ];
    let rows = vec![
        vec![
            ExportValue::Int(123_456),
            ExportValue::Flag(true),
            ExportValue::Date(NaiveDate::from_ymd_opt(2015, 3, 1).unwrap()),
        ],
        vec![
            ExportValue::Empty,
            ExportValue::Flag(false),
            ExportValue::Empty,
        ],
    ];
    let bytes = export_table("导出", None, &columns, rows.into_iter()).unwrap();
    let wb = read(&bytes, "x.xlsx");
    let sh = &wb.sheets[0];
    assert_eq!(
        sh.rows[1],
        vec![
            Cell::Number(12.3456),
            Cell::Text("是".into()),
            Cell::Date(42064.0)
        ]
    );
    assert_eq!(sh.rows[2], vec![Cell::Empty, Cell::Text("否".into())]);
}
