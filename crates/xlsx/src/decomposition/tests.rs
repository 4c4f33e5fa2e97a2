use super::*;
use crate::read::FileFormat;

fn sheet(rows: &[&[&str]]) -> Workbook {
    let rows = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    if c.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text((*c).to_string())
                    }
                })
                .collect()
        })
        .collect();
    Workbook {
        format: FileFormat::Xlsx,
        sheets: vec![Sheet {
            name: "Sheet1".into(),
            rows,
            first_row: 0,
            first_col: 0,
        }],
    }
}

/// (level, serial, content, parent's content) of each row.
fn outline(m: &DecompositionSheet) -> Vec<(u8, String, String, Option<String>)> {
    m.rows
        .iter()
        .map(|r| {
            (
                r.level,
                r.serial.clone(),
                r.content.clone(),
                r.parent.map(|p| m.rows[p].content.clone()),
            )
        })
        .collect()
}

fn keys(m: &DecompositionSheet) -> Vec<(String, &'static str)> {
    m.errors.iter().map(|e| (e.cell_ref(), e.key)).collect()
}

#[test]
fn title_rows_headings_tasks_and_subtasks() {
    const T: &str = "2022年政府工作报告重点工作任务分解表";
    let wb = sheet(&[
        // A title merged across (the reader copies it into every cell).
        &[T, T, T, T, T, T],
        &["填报单位：市政府督查室", "", "", "", "日期：2022年2月", ""],
        &[
            "完成时限",
            "序号",
            "重点工作",
            "牵头市领导",
            "责任单位",
            "配合单位",
        ],
        &["", "一、扩大有效投资", "", "", "", ""],
        &[
            "6月底前",
            "1",
            "新开工项目50个",
            "王市长",
            "市发改局",
            "市经信局、市财政局\n市发改局",
        ],
        &[
            "年底前",
            "1.1",
            "完成投资100亿元",
            "王市长 李副市长",
            "市发改局，市经信局",
            "",
        ],
        &[
            "每季度",
            "2",
            "规上工业增加值增长8%",
            "王市长",
            "市经信局",
            "—",
        ],
        // A heading merged across the whole row.
        &[
            "二、优化营商环境",
            "二、优化营商环境",
            "二、优化营商环境",
            "二、优化营商环境",
            "二、优化营商环境",
            "二、优化营商环境",
        ],
        &[
            "长期坚持",
            "3",
            "深化最多跑一次改革",
            "",
            "市市场监管局",
            "",
        ],
        &["", "", "", "", "", ""],
        &["注：本表由市政府督查室负责解释。", "", "", "", "", ""],
    ]);
    let m = map_decomposition(&wb, None).unwrap();
    assert_eq!(m.header_row, 3);
    assert_eq!(m.title.as_deref(), Some(T));
    assert_eq!(m.blank_rows, 1);
    assert_eq!(
        m.notes,
        vec![(11, "注：本表由市政府督查室负责解释。".to_string())]
    );
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    let area1 = Some("扩大有效投资".to_string());
    assert_eq!(
        outline(&m),
        vec![
            (0, "一、".into(), "扩大有效投资".into(), None),
            (1, "1".into(), "新开工项目50个".into(), area1.clone()),
            (
                2,
                "1.1".into(),
                "完成投资100亿元".into(),
                Some("新开工项目50个".into())
            ),
            (1, "2".into(), "规上工业增加值增长8%".into(), area1),
            (0, "二、".into(), "优化营商环境".into(), None),
            (
                1,
                "3".into(),
                "深化最多跑一次改革".into(),
                Some("优化营商环境".into())
            ),
        ]
    );
    let t = &m.rows[1];
    assert_eq!(t.row, 5);
    assert_eq!(t.leaders, ["王市长"]);
    assert_eq!(t.lead_units, ["市发改局"]);
    // The lead unit is not repeated among the co-units.
    assert_eq!(t.co_units, ["市经信局", "市财政局"]);
    assert_eq!(t.deadline.as_deref(), Some("6月底前"));
    let sub = &m.rows[2];
    assert_eq!(sub.leaders, ["王市长", "李副市长"]);
    assert_eq!(sub.lead_units, ["市发改局", "市经信局"]);
    // A dash says "no co-unit"; it names none.
    assert!(m.rows[3].co_units.is_empty());
}

#[test]
fn an_area_column_opens_an_area_wherever_it_changes() {
    let wb = sheet(&[
        &["领域", "序号", "工作任务", "牵头单位", "完成时限"],
        &["一、工业经济", "1", "甲", "市经信局", "年底前"],
        &["一、工业经济", "2", "乙", "市经信局", "年底前"],
        &["招商引资", "3", "丙", "市商务局", "三季度"],
        &["招商引资", "（1）", "丙之一", "市商务局", "三季度"],
    ]);
    let m = map_decomposition(&wb, None).unwrap();
    assert!(m.errors.is_empty(), "{:?}", m.errors);
    assert_eq!(
        outline(&m)
            .into_iter()
            .map(|(l, s, c, _)| (l, s, c))
            .collect::<Vec<_>>(),
        vec![
            (0, "一、".into(), "工业经济".into()),
            (1, "1".into(), "甲".into()),
            (1, "2".into(), "乙".into()),
            (0, "".into(), "招商引资".into()),
            (1, "3".into(), "丙".into()),
            (2, "（1）".into(), "丙之一".into()),
        ]
    );
    assert_eq!(m.rows[0].row, 2, "the area takes the row of its first task");
    assert_eq!(m.rows[1].row, 2);
}

#[test]
fn missing_cells_a_fourth_level_and_orphans_are_errors() {
    let wb = sheet(&[
        &["序号", "工作任务", "牵头单位", "完成时限"],
        &["（1）", "没有上级任务的子任务", "市经信局", "年底前"],
        &["1", "", "市经信局", "年底前"],
        &["2", "没有牵头单位", "", "年底前"],
        &["2.1", "子任务", "市经信局", ""],
        &["2.1.1", "第四级", "市经信局", ""],
        &["3", "", "", ""],
    ]);
    let m = map_decomposition(&wb, None).unwrap();
    assert_eq!(
        keys(&m),
        vec![
            ("A2".to_string(), "error.task_import.no_parent_task"),
            ("B3".to_string(), "error.import.required"),
            ("C4".to_string(), "error.import.required"),
            ("A6".to_string(), "error.task_import.too_deep"),
            // A bare number is a task missing everything, never an area.
            ("B7".to_string(), "error.import.required"),
            ("C7".to_string(), "error.import.required"),
        ]
    );
    assert_eq!(m.errors[1].detail, "工作任务");
}

#[test]
fn headers_are_found_or_refused_by_name() {
    let none = sheet(&[&["企业名称", "地址"], &["甲", "乙"]]);
    let e = map_decomposition(&none, None).unwrap_err();
    assert_eq!(e.key, "error.import.header_not_found");
    assert_eq!(e.detail, "工作任务、牵头单位");
    let partial = sheet(&[&["序号", "工作任务", "完成时限"], &["1", "甲", "年底前"]]);
    let e = map_decomposition(&partial, None).unwrap_err();
    assert_eq!(
        (e.key, e.detail.as_str(), e.row),
        ("error.import.missing_column", "牵头单位", 1)
    );
    let e = map_decomposition(&partial, Some("其他")).unwrap_err();
    assert_eq!(e.key, "error.import.sheet_not_found");
}

#[test]
fn footnotes_are_told_from_headings() {
    assert!(is_note("注：本表由督查室负责解释"));
    assert!(is_note("注:1.完成时限"));
    assert!(is_note("填报人：张三  联系电话：123"));
    assert!(is_note("说明：…"));
    assert!(!is_note("注重实效"));
    assert!(!is_note("一、扩大有效投资"));
}
