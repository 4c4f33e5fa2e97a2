//! Property tests: no input makes reading or mapping panic.

mod common;

use common::{W, code, s, xlsx};
use proptest::prelude::*;
use wujin_xlsx::map::fuzz_row_mapper;
use wujin_xlsx::write::error_workbook;
use wujin_xlsx::{Limits, TableKind, read_workbook};

fn sample_xlsx() -> Vec<u8> {
    xlsx(&[(
        "年度数据",
        vec![
            vec![
                s("统一社会信用代码"),
                s("年度"),
                s("营业收入（万元）"),
                s("用地面积（平方米）"),
            ],
            vec![s(&code(1)), W::N(2024.0), s("1,234.5"), W::N(2000.0)],
            vec![
                s(&code(2)),
                s("2024年"),
                W::F("=1/0", "#DIV/0!"),
                W::D(45000.0),
            ],
        ],
    )])
}

/// Header words and values that steer generated grids into the interesting paths.
const WORDS: &[&str] = &[
    "统一社会信用代码",
    "企业名称",
    "所属镇街",
    "行业分组",
    "年度",
    "营业收入（元）",
    "用电量（万千瓦时）",
    "不动产权证号",
    "地块面积（亩）",
    "用地方式",
    "使用面积（平方米）",
    "成立日期",
    "经营状态",
    "企业标签",
    "安全事故",
    "数据来源",
    "序号",
    "合计",
    "自有",
    "是",
    "2024",
    "-1",
    "1e308",
    "#12.5",
    "?44000",
    "!#REF!",
    "~",
    "913307840000000010",
    "2015年3月1日",
    "１，２３４",
    "",
];

fn grid_text() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        3 => proptest::sample::select(WORDS).prop_map(str::to_string),
        1 => ".{0,12}",
    ];
    let row = proptest::collection::vec(cell, 0..8).prop_map(|r| r.join("|"));
    proptest::collection::vec(row, 0..30).prop_map(|rows| format!("sheet\n{}", rows.join("\n")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn reading_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048), ext in prop_oneof!["xlsx", "csv", "", "xls", "bin"]) {
        let _ = read_workbook(&bytes, &format!("f.{ext}"), &Limits::default());
        let mut zip_like = b"PK\x03\x04".to_vec();
        zip_like.extend(&bytes);
        let _ = read_workbook(&zip_like, "f.xlsx", &Limits::default());
    }

    #[test]
    fn reading_damaged_xlsx(cut in 0usize..100_000, flips in proptest::collection::vec((0usize..100_000, any::<u8>()), 0..8)) {
        let mut bytes = sample_xlsx();
        for (at, b) in flips {
            let n = bytes.len();
            bytes[at % n] ^= b;
        }
        let n = bytes.len();
        bytes.truncate(cut % (n + 1));
        if let Ok(wb) = read_workbook(&bytes, "f.xlsx", &Limits::default()) {
            for kind in TableKind::ALL {
                let _ = wujin_xlsx::map_sheet(&wb, kind, &Default::default(), &mut |_, _| {});
            }
        }
    }

    #[test]
    fn reading_and_mapping_random_csv(text in grid_text(), sep in prop_oneof![Just(','), Just(';'), Just('\t')]) {
        let csv = text.replace('|', &sep.to_string());
        if let Ok(wb) = read_workbook(csv.as_bytes(), "f.csv", &Limits::default()) {
            for kind in TableKind::ALL {
                match wujin_xlsx::map_sheet(&wb, kind, &Default::default(), &mut |_, _| {}) {
                    Ok(m) => {
                        let errors: Vec<_> = m.errors.iter().map(|e| (e.clone(), e.key.to_string())).collect();
                        let bytes = error_workbook(&wb, &m.sheet, m.header_row, &errors).unwrap();
                        prop_assert!(bytes.starts_with(b"PK"));
                    }
                    Err(e) => {
                        let bytes = error_workbook(&wb, &e.sheet, e.row, &[(e.clone(), e.detail.clone())]).unwrap();
                        prop_assert!(bytes.starts_with(b"PK"));
                    }
                }
            }
        }
    }

    #[test]
    fn mapping_arbitrary_grids(text in grid_text()) {
        fuzz_row_mapper(text.as_bytes());
    }

    #[test]
    fn mapping_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        fuzz_row_mapper(&bytes);
    }
}

#[test]
fn the_sample_maps_cleanly() {
    // The damaged-file property starts from a file that does map.
    let wb = read_workbook(&sample_xlsx(), "f.xlsx", &Limits::default()).unwrap();
    let m = wujin_xlsx::map_sheet(&wb, TableKind::Figures, &Default::default(), &mut |_, _| {})
        .unwrap();
    assert_eq!(m.rows.len(), 1);
    assert_eq!(m.errors[0].key, "error.import.formula_error");
}
