//! Decomposition tables written as offices lay them out (merged title, leader and area merged
//! down) read back into areas, tasks and sub-tasks; the blank template reads as an empty table.

use wujin_xlsx::decomposition::map_decomposition;
use wujin_xlsx::write::{DecompositionTable, decomposition_table, decomposition_template};
use wujin_xlsx::{Limits, read_workbook};

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_string()).collect()
}

#[test]
fn merged_leaders_and_areas_apply_to_every_row_of_the_merge() {
    let t = DecompositionTable {
        sheet: "分解表".into(),
        title: "2022年政府工作报告重点工作任务分解表".into(),
        subtitle: Some("填报单位：市政府督查室".into()),
        headers: row(&[
            "领域",
            "序号",
            "工作任务",
            "牵头领导",
            "牵头单位",
            "完成时限",
        ]),
        rows: vec![
            row(&["工业经济", "1", "甲", "王市长", "市经信局", "年底前"]),
            row(&["", "2", "乙", "", "市经信局", "三季度"]),
            row(&["", "（1）", "乙之一", "", "市经信局", "6月底"]),
            row(&["招商引资", "3", "丙", "", "市发改局", "每季度"]),
            row(&["", "4", "丁", "李副市长", "市发改局", "长期坚持"]),
        ],
        // The first area over three rows, the leader over four.
        merges: vec![(0, 0, 2, 0), (0, 3, 3, 3), (3, 0, 4, 0)],
        widths: vec![],
    };
    let bytes = decomposition_table(&t).unwrap();
    let wb = read_workbook(&bytes, "分解表.xlsx", &Limits::default()).unwrap();
    let m = map_decomposition(&wb, None).unwrap();
    assert_eq!(m.header_row, 3);
    assert_eq!(
        m.title.as_deref(),
        Some("2022年政府工作报告重点工作任务分解表")
    );
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let got: Vec<(u8, &str, Vec<String>)> = m
        .rows
        .iter()
        .map(|r| (r.level, r.content.as_str(), r.leaders.clone()))
        .collect();
    let wang = vec!["王市长".to_string()];
    assert_eq!(
        got,
        vec![
            (0, "工业经济", vec![]),
            (1, "甲", wang.clone()),
            (1, "乙", wang.clone()),
            (2, "乙之一", wang.clone()),
            (0, "招商引资", vec![]),
            (1, "丙", wang),
            (1, "丁", vec!["李副市长".to_string()]),
        ]
    );
    assert_eq!(m.rows[3].parent, Some(2));
    assert_eq!(m.rows[5].parent, Some(4));
}

#[test]
fn the_template_reads_as_an_empty_table() {
    let bytes = decomposition_template("重点工作任务分解表").unwrap();
    let wb = read_workbook(&bytes, "模板.xlsx", &Limits::default()).unwrap();
    assert_eq!(wb.sheets.len(), 2);
    let m = map_decomposition(&wb, None).unwrap();
    assert_eq!(m.header_row, 3);
    assert_eq!(m.columns.len(), 9);
    assert!(m.rows.is_empty() && m.errors.is_empty());
}
