//! Header matching and cell reading.

mod common;

use chrono::NaiveDate;
use common::{W, code, read, s, text_rows, xlsx, xlsx_with};
use wujin_xlsx::{FieldValue, MapOptions, MappedSheet, TableKind, Workbook, map_sheet};

fn map(wb: &Workbook, kind: TableKind, opts: &MapOptions) -> MappedSheet {
    map_sheet(wb, kind, opts, &mut |_, _| {}).unwrap_or_else(|e| panic!("{e:?}"))
}

fn text(t: &str) -> FieldValue {
    FieldValue::Text(t.to_string())
}

#[test]
fn enterprises_with_aliases_title_row_merges_and_blank_rows() {
    let (c1, c2, c3) = (code(1), code(2), code(3));
    let rows = vec![
        vec![s("2024年永康市五金企业名录")],
        vec![],
        vec![
            s("镇（街道、区）"),
            s("单位名称 "),
            s("*社会信用代码"),
            s("行业\n类别"),
            s("备注"),
            s("成立时间"),
            s("标签"),
        ],
        vec![
            s("东城街道"),
            s("永康甲五金有限公司  "),
            s(&c1),
            s("电动工具"),
            s("x"),
            W::D(42064.0),
            s("高新技术企业、专精特新、高新技术企业"),
        ],
        vec![
            W::Blank,
            s(" 永康乙  工贸有限公司"),
            s(&c2.to_lowercase()),
            s("门业"),
            W::Blank,
            s("2015年3月1日"),
            W::Blank,
        ],
        vec![],
        vec![W::Blank, W::Blank, W::Blank, W::Blank, s("只有备注")],
        vec![
            s("象珠镇"),
            s("丙"),
            s(&c3),
            s("其他"),
            W::Blank,
            s("2015.3.1"),
            s("上市企业; 未来工厂"),
        ],
    ];
    let bytes = xlsx_with(
        &[("说明", text_rows(&[&["请按模板填写"]])), ("名录", rows)],
        &[(1, 3, 0, 4, 0, "东城街道")],
    );
    let wb = read(&bytes, "名录.xlsx");
    let m = map(&wb, TableKind::Enterprises, &MapOptions::default());
    assert_eq!(m.sheet, "名录");
    assert_eq!(m.header_row, 3);
    assert_eq!(m.column_of("credit_code"), Some(2));
    assert_eq!(m.header_of("credit_code"), Some("*社会信用代码"));
    assert_eq!(m.header_of("industry_group"), Some("行业\n类别"));
    assert_eq!(m.unmatched_headers, vec!["备注".to_string()]);
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(m.blank_rows, 2);
    assert_eq!(m.rows.len(), 3);
    let r = &m.rows[0];
    assert_eq!(r.row, 4);
    assert_eq!(r.values["name"], text("永康甲五金有限公司"));
    assert_eq!(r.values["credit_code"], text(&c1));
    assert_eq!(
        r.values["founded_on"],
        FieldValue::Date(NaiveDate::from_ymd_opt(2015, 3, 1).unwrap())
    );
    assert_eq!(
        r.values["tags"],
        FieldValue::List(vec!["高新技术企业".into(), "专精特新".into()])
    );
    let r = &m.rows[1];
    assert_eq!(
        r.values["town"],
        text("东城街道"),
        "the merged 镇街 reaches the second row"
    );
    assert_eq!(r.values["name"], text("永康乙 工贸有限公司"));
    assert_eq!(r.values["credit_code"], text(&c2), "upper-cased");
    assert_eq!(
        r.values["founded_on"],
        FieldValue::Date(NaiveDate::from_ymd_opt(2015, 3, 1).unwrap())
    );
    assert!(!r.values.contains_key("tags"), "blank means not given");
    assert!(!r.values.contains_key("status"));
    let r = &m.rows[2];
    assert_eq!(r.row, 8);
    assert_eq!(
        r.values["tags"],
        FieldValue::List(vec!["上市企业".into(), "未来工厂".into()])
    );
}

#[test]
fn figures_units_text_numbers_and_given_year() {
    let rows = text_rows(&[
        &[
            "统一社会信用代码",
            "主营业务收入（元）",
            "税收（亿元）",
            "产值",
            "用电量（万千瓦时）",
            "用水量（立方米）",
            "综合能耗（万吨标煤）",
            "用地面积（平方米）",
            "安全事故",
            "数据来源",
        ],
        &[
            &code(1),
            "1,234,567.8",
            "0.5",
            "１２３４．５",
            "12.3456",
            "1 000",
            "0.25",
            "2000",
            "是",
            "税务",
        ],
        &[
            &code(2),
            "-",
            "",
            "0",
            "0",
            "0",
            "0",
            "666.6667",
            "否",
            "statistics",
        ],
    ]);
    let wb = read(&xlsx(&[("年度数据", rows)]), "f.xlsx");
    let m = map(
        &wb,
        TableKind::Figures,
        &MapOptions {
            year: Some(2024),
            sheet: None,
        },
    );
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let v = &m.rows[0].values;
    assert_eq!(v["year"], FieldValue::Int(2024));
    assert_eq!(v["main_revenue_yuan"], FieldValue::Int(1_234_568));
    assert_eq!(v["evaluation_tax_yuan"], FieldValue::Int(50_000_000));
    assert_eq!(
        v["output_value_yuan"],
        FieldValue::Int(12_345_000),
        "no unit means 万元"
    );
    assert_eq!(v["power_kwh"], FieldValue::Int(123_456));
    assert_eq!(v["water_m3"], FieldValue::Int(1000));
    assert_eq!(v["energy_tce"], FieldValue::Real(2500.0));
    assert_eq!(v["land_mu"], FieldValue::Real(3.0));
    assert_eq!(v["safety_accident"], FieldValue::Flag(true));
    assert_eq!(v["source"], text("tax"));
    let v = &m.rows[1].values;
    assert!(!v.contains_key("main_revenue_yuan"), "a dash is blank");
    assert!(!v.contains_key("evaluation_tax_yuan"));
    assert_eq!(v["output_value_yuan"], FieldValue::Int(0));
    assert_eq!(v["land_mu"], FieldValue::Real(1.0));
    assert_eq!(v["safety_accident"], FieldValue::Flag(false));
    assert_eq!(v["source"], text("statistics"));
}

#[test]
fn year_column_and_year_option() {
    let rows = text_rows(&[
        &["年份", "统一社会信用代码", "营业收入"],
        &["2023年", &code(1), "1"],
        &["2024", &code(2), "2"],
        &["", &code(3), "3"],
    ]);
    let wb = read(&xlsx(&[("s", rows)]), "f.xlsx");
    let m = map(&wb, TableKind::Figures, &MapOptions::default());
    assert_eq!(m.rows.len(), 2);
    assert_eq!(m.rows[0].values["year"], FieldValue::Int(2023));
    assert_eq!(m.errors.len(), 1);
    assert_eq!(
        (m.errors[0].key, m.errors[0].cell_ref().as_str()),
        ("error.import.required", "A4")
    );

    let m = map(
        &wb,
        TableKind::Figures,
        &MapOptions {
            year: Some(2024),
            sheet: None,
        },
    );
    assert_eq!(m.rows.iter().map(|r| r.row).collect::<Vec<_>>(), vec![3, 4]);
    assert_eq!(m.rows[1].values["year"], FieldValue::Int(2024));
    assert_eq!(m.errors.len(), 1);
    assert_eq!(m.errors[0].key, "error.import.year_mismatch");
    assert_eq!(m.errors[0].detail, "2023/2024");
    assert_eq!(m.errors[0].cell_ref(), "A2");

    let no_year = text_rows(&[&["统一社会信用代码", "营业收入"], &[&code(1), "1"]]);
    let wb = read(&xlsx(&[("s", no_year)]), "f.xlsx");
    let e = map_sheet(
        &wb,
        TableKind::Figures,
        &MapOptions::default(),
        &mut |_, _| {},
    )
    .unwrap_err();
    assert_eq!(
        (e.key, e.detail.as_str(), e.row),
        ("error.import.missing_column", "年度", 1)
    );
    let m = map(
        &wb,
        TableKind::Figures,
        &MapOptions {
            year: Some(2022),
            sheet: None,
        },
    );
    assert_eq!(m.rows[0].values["year"], FieldValue::Int(2022));
}

#[test]
fn dates_as_serials_and_text() {
    let mut rows = vec![vec![
        s("统一社会信用代码"),
        s("企业名称"),
        s("所属镇街"),
        s("行业分组"),
        s("成立日期"),
    ]];
    let dates = [
        W::D(42064.0),
        W::N(42064.0),
        s("2015年3月1日"),
        s("2015/3/1"),
        s("2015.3.1"),
        s("20150301"),
        s("2015-03-01 08:00"),
    ];
    for (i, d) in dates.iter().enumerate() {
        rows.push(vec![
            s(&code(i as u32)),
            s("甲"),
            s("东城"),
            s("其他"),
            d.clone(),
        ]);
    }
    rows.push(vec![
        s(&code(99)),
        s("甲"),
        s("东城"),
        s("其他"),
        s("2015年13月1日"),
    ]);
    let wb = read(&xlsx(&[("s", rows)]), "d.xlsx");
    let m = map(&wb, TableKind::Enterprises, &MapOptions::default());
    let want = FieldValue::Date(NaiveDate::from_ymd_opt(2015, 3, 1).unwrap());
    assert_eq!(m.rows.len(), dates.len());
    assert!(m.rows.iter().all(|r| r.values["founded_on"] == want));
    assert_eq!(m.errors.len(), 1);
    assert_eq!(
        (m.errors[0].key, m.errors[0].cell_ref().as_str()),
        ("error.value.not_a_date", "E9")
    );
}

#[test]
fn csv_maps_like_xlsx_and_reports_progress() {
    let mut text = String::from("统一社会信用代码,年度,用电量（千瓦时）\n");
    for i in 0..2500 {
        text.push_str(&format!(
            "{},2024,\"{},{:03}\"\n",
            code(i),
            i / 1000 + 1,
            i % 1000
        ));
    }
    let wb = read(text.as_bytes(), "figures.csv");
    let mut calls = Vec::new();
    let m = map_sheet(
        &wb,
        TableKind::Figures,
        &MapOptions::default(),
        &mut |d, t| calls.push((d, t)),
    )
    .unwrap();
    assert_eq!(m.rows.len(), 2500);
    assert_eq!(m.rows[2499].values["power_kwh"], FieldValue::Int(3_499));
    assert_eq!(calls, vec![(1000, 2500), (2000, 2500), (2500, 2500)]);
}

#[test]
fn totals_row_and_seq_only_rows_are_blank() {
    let rows = text_rows(&[
        &["序号", "统一社会信用代码", "年度", "营业收入"],
        &["1", &code(1), "2024", "5"],
        &["2", "", "", ""],
        &["合计", "", "", "5"],
    ]);
    let wb = read(&xlsx(&[("s", rows)]), "f.xlsx");
    let m = map(&wb, TableKind::Figures, &MapOptions::default());
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!((m.rows.len(), m.blank_rows), (1, 2));
}

#[test]
fn error_at_uses_the_column_positions() {
    let rows = text_rows(&[
        &["企业名称", "统一社会信用代码", "所属镇街", "行业分组"],
        &["甲", &code(1), "火星", "其他"],
    ]);
    let wb = read(&xlsx(&[("s", rows)]), "e.xlsx");
    let m = map(&wb, TableKind::Enterprises, &MapOptions::default());
    let e = m.error_at(2, "town", "error.import.unknown_town", "火星");
    assert_eq!(
        (e.cell_ref(), e.column.as_deref()),
        ("C2".to_string(), Some("所属镇街"))
    );
    assert_eq!(m.error_at(2, "tags", "k", "").cell_ref(), "2");
}
