//! The columns of a decomposition table: the header the template writes and the other names
//! offices give it.

use crate::columns::{ColumnSpec, ValueKind};

const fn col(
    key: &'static str,
    header: &'static str,
    aliases: &'static [&'static str],
    required: bool,
    help: &'static str,
) -> ColumnSpec {
    ColumnSpec {
        key,
        header,
        aliases,
        kind: ValueKind::Text { max_chars: 2_000 },
        required,
        help,
    }
}

/// The columns of a decomposition table, in the order the template writes them.
pub static DECOMPOSITION_COLUMNS: &[ColumnSpec] = &[
    col(
        "serial",
        "序号",
        &["编号", "序"],
        false,
        "一、 为领域；1、2、3 为任务；1.1 或（1）为子任务",
    ),
    col(
        "area",
        "领域",
        &["板块", "工作板块", "工作领域", "类别", "重点领域"],
        false,
        "可选：领域名称（可向下合并单元格）",
    ),
    col(
        "content",
        "工作任务",
        &[
            "任务内容",
            "重点工作",
            "工作内容",
            "重点任务",
            "主要任务",
            "具体任务",
            "工作任务内容",
            "重点工作任务",
            "任务",
        ],
        true,
        "任务的具体内容",
    ),
    col(
        "leader",
        "牵头领导",
        &[
            "牵头市领导",
            "责任领导",
            "分管领导",
            "责任市领导",
            "联系领导",
            "分管市领导",
        ],
        false,
        "市领导姓名；多位领导时第一位为牵头领导",
    ),
    col(
        "lead_unit",
        "牵头单位",
        &[
            "责任单位",
            "牵头部门",
            "主办单位",
            "责任部门",
            "牵头责任单位",
        ],
        true,
        "多个单位用顿号、逗号或换行分隔，第一个为牵头单位",
    ),
    col(
        "co_units",
        "配合单位",
        &["协同单位", "配合部门", "协办单位", "参与单位", "协同部门"],
        false,
        "多个单位用顿号、逗号或换行分隔",
    ),
    col(
        "deadline",
        "完成时限",
        &[
            "时间节点",
            "完成时间",
            "时限",
            "完成期限",
            "时间要求",
            "时限要求",
            "完成时限要求",
        ],
        false,
        "如 2022年6月底、年底前、三季度、每季度、长期坚持",
    ),
    col(
        "target",
        "量化指标",
        &["目标", "量化目标", "目标任务", "指标", "预期目标"],
        false,
        "可选：如 规上工业增加值增长8%",
    ),
    col("remark", "备注", &["说明"], false, ""),
];
