//! Mapping errors: bad cells, duplicates, missing columns and units, the error limit.

mod common;

use common::{W, code, read, s, text_rows, xlsx};
use wujin_xlsx::{FieldValue, MapOptions, MappedSheet, TableKind, Workbook, map_sheet};

fn map(wb: &Workbook, kind: TableKind, opts: &MapOptions) -> MappedSheet {
    map_sheet(wb, kind, opts, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e:?}"))
}

fn text(t: &str) -> FieldValue {
    FieldValue::Text(t.to_string())
}

#[test]
fn bad_credit_code_names_sheet_row_column_and_reason() {
    let good = code(7);
    let mut bad = good.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '0' { '1' } else { '0' });
    let rows = text_rows(&[
        &[
            "序号",
            "企业名称",
            "统一社会信用代码",
            "所属镇街",
            "行业分组",
        ],
        &["1", "甲", &good, "东城", "其他"],
        &["2", "乙", &bad, "东城", "其他"],
    ]);
    let wb = read(&xlsx(&[("企业名录", rows)]), "e.xlsx");
    let m = map(&wb, TableKind::Enterprises, &MapOptions::default());
    assert_eq!(m.rows.len(), 1);
    let e = &m.errors[0];
    assert_eq!(e.sheet, "企业名录");
    assert_eq!(e.row, 3);
    assert_eq!(e.cell_ref(), "C3");
    assert_eq!(e.column.as_deref(), Some("统一社会信用代码"));
    assert_eq!(e.key, "error.credit_code.bad_check_char");
    assert_eq!(e.detail, bad);
}

#[test]
fn duplicates_in_file() {
    let rows = text_rows(&[
        &["统一社会信用代码", "企业名称", "所属镇街", "行业分组"],
        &[&code(1), "甲", "东城", "其他"],
        &[&code(2), "乙", "东城", "其他"],
        &[&code(1).to_lowercase(), "甲2", "东城", "其他"],
    ]);
    let wb = read(&xlsx(&[("s", rows)]), "e.xlsx");
    let m = map(&wb, TableKind::Enterprises, &MapOptions::default());
    assert_eq!(m.rows.len(), 2);
    assert_eq!(m.errors.len(), 1);
    let e = &m.errors[0];
    assert_eq!(
        (e.key, e.row, e.detail.as_str(), e.col),
        ("error.import.duplicate_in_file", 4, "2", Some(0))
    );

    // Parcels: the same certificate for two firms is fine, twice for one firm is not.
    let rows = text_rows(&[
        &[
            "不动产权证号",
            "统一社会信用代码",
            "地块面积（亩）",
            "用地方式",
        ],
        &["浙(2020)永康市不动产权第001号", &code(1), "10", "自有"],
        &["浙(2020)永康市不动产权第001号", &code(2), "10", "租赁"],
        &["浙(2020)永康市不动产权第001号", &code(1), "10", "owned"],
    ]);
    let wb = read(&xlsx(&[("s", rows)]), "p.xlsx");
    let m = map(&wb, TableKind::Parcels, &MapOptions::default());
    assert_eq!(m.rows.len(), 2);
    assert_eq!(m.rows[1].values["tenure"], text("leased"));
    assert_eq!(
        m.errors.iter().map(|e| (e.key, e.row)).collect::<Vec<_>>(),
        vec![("error.import.duplicate_in_file", 4)]
    );
}

#[test]
fn cell_level_errors() {
    let rows = vec![
        text_rows(&[&[
            "不动产权证号",
            "统一社会信用代码",
            "地块面积（亩）",
            "使用面积（亩）",
            "用地方式",
            "起始年份",
        ]])
        .remove(0),
        vec![
            s("A1"),
            s(&code(1)),
            W::N(-5.0),
            W::Blank,
            s("自有"),
            W::Blank,
        ],
        vec![
            s("A2"),
            s(&code(1)),
            W::N(1e9),
            W::Blank,
            s("自有"),
            W::Blank,
        ],
        vec![
            s("A3"),
            s(&code(1)),
            W::N(0.0),
            W::Blank,
            s("借用"),
            W::N(1980.0),
        ],
        vec![
            s("A4"),
            s(&code(1)),
            W::F("=1/0", "#DIV/0!"),
            s("约10亩"),
            s("自有"),
            s("二〇二〇"),
        ],
        vec![
            s("A5"),
            W::Blank,
            W::N(3.0),
            W::Blank,
            s("自有"),
            W::N(2020.0),
        ],
        vec![
            s("A6"),
            s(&code(1)),
            W::N(3.0),
            W::N(2.5),
            s("自有"),
            W::N(2020.0),
        ],
    ];
    let wb = read(&xlsx(&[("用地", rows)]), "p.xlsx");
    let m = map(&wb, TableKind::Parcels, &MapOptions::default());
    let got: Vec<(String, &str)> = m.errors.iter().map(|e| (e.cell_ref(), e.key)).collect();
    let want = vec![
        ("C2", "error.import.not_positive"),
        ("C3", "error.import.out_of_range"),
        ("C4", "error.import.not_positive"),
        ("E4", "error.import.unknown_choice"),
        ("F4", "error.import.out_of_range"),
        ("C5", "error.import.formula_error"),
        ("D5", "error.value.not_a_number"),
        ("F5", "error.import.not_a_year"),
        ("B6", "error.import.required"),
    ];
    let want: Vec<(String, &str)> = want.into_iter().map(|(a, b)| (a.to_string(), b)).collect();
    assert_eq!(got, want);
    assert_eq!(m.errors[3].detail, "自有、租赁");
    assert_eq!(m.errors[5].detail, "#DIV/0!");
    assert_eq!(m.rows.len(), 1);
    assert_eq!(m.rows[0].values["area_mu"], FieldValue::Real(2.5));
    assert_eq!(m.rows[0].values["from_year"], FieldValue::Int(2020));
}

#[test]
fn money_units_negative_and_unsupported() {
    let rows = text_rows(&[
        &[
            "统一社会信用代码",
            "年度",
            "营业收入（万元）",
            "销售收入（亿元）",
        ],
        &[&code(1), "2024", "-1", "1.5"],
    ]);
    let wb = read(&xlsx(&[("s", rows)]), "f.xlsx");
    let m = map(&wb, TableKind::Figures, &MapOptions::default());
    assert_eq!(m.errors.len(), 1);
    assert_eq!(
        (m.errors[0].key, m.errors[0].detail.as_str()),
        ("error.import.negative", "-1")
    );

    let rows = text_rows(&[
        &["统一社会信用代码", "年度", "营业收入（千元）"],
        &[&code(1), "2024", "1"],
    ]);
    let wb = read(&xlsx(&[("s", rows)]), "f.xlsx");
    let e = map_sheet(
        &wb,
        TableKind::Figures,
        &MapOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert_eq!(
        (e.key, e.col, e.row),
        ("error.import.unsupported_unit", Some(2), 1)
    );
}

#[test]
fn sheet_choice_and_missing_headers() {
    let rows = text_rows(&[
        &["统一社会信用代码", "企业名称", "所属镇街"],
        &[&code(1), "甲", "东城"],
    ]);
    let wb = read(
        &xlsx(&[("a", text_rows(&[&["随便", "什么"]])), ("b", rows)]),
        "e.xlsx",
    );
    let e = map_sheet(
        &wb,
        TableKind::Enterprises,
        &MapOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert_eq!(
        (e.sheet.as_str(), e.key, e.detail.as_str(), e.row),
        ("b", "error.import.missing_column", "行业分组", 1)
    );
    let e = map_sheet(
        &wb,
        TableKind::Enterprises,
        &MapOptions {
            sheet: Some("zz".into()),
            year: None,
        },
        &mut |_, _| {},
    )
    .unwrap_err();
    assert_eq!(e.key, "error.import.sheet_not_found");
    let e = map_sheet(
        &wb,
        TableKind::Parcels,
        &MapOptions {
            sheet: Some("a".into()),
            year: None,
        },
        &mut |_, _| {},
    )
    .unwrap_err();
    assert_eq!(
        (e.key, e.cell_ref().as_str()),
        ("error.import.header_not_found", "")
    );
}

#[test]
fn error_limit_stops_mapping() {
    let mut text = String::from("统一社会信用代码,年度\n");
    for _ in 0..1500 {
        text.push_str("bad,2024\n");
    }
    let wb = read(text.as_bytes(), "f.csv");
    let m = map_sheet(
        &wb,
        TableKind::Figures,
        &MapOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(m.errors.len(), 1001);
    assert_eq!(m.errors[1000].key, "error.import.too_many_errors");
    assert_eq!(m.errors[999].key, "error.credit_code.wrong_length");
}
