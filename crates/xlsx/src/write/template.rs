//! The import template of a table: headers, dropdowns, number formats and instructions.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, Formula, Note, Workbook,
    Worksheet,
};

use super::WriteError;
use crate::columns::{ColumnSpec, TableKind, ValueKind};
use crate::map::choice_labels;

/// The instructions sheet every template carries.
pub const INSTRUCTIONS_SHEET: &str = "填写说明";
/// The hidden sheet holding dropdown lists too long to be written into a validation.
pub const LISTS_SHEET: &str = "_lists";
/// Rows below the header that get dropdowns.
const TEMPLATE_ROWS: u32 = 1_000;
/// Excel's limit on a list written directly into a validation, separators included.
const INLINE_LIST_LIMIT: usize = 255;

/// The dictionary entries the dropdowns offer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateChoices {
    pub towns: Vec<String>,
    pub industry_groups: Vec<String>,
    pub tags: Vec<String>,
}

/// The template of `kind`: the data sheet, then [`INSTRUCTIONS_SHEET`]. A `year` is named in
/// the instructions of a figures template and becomes the year column's default hint.
pub fn template(
    kind: TableKind,
    choices: &TemplateChoices,
    year: Option<i32>,
) -> Result<Vec<u8>, WriteError> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color(Color::RGB(0xDDEBF7));
    let required_header = header.clone().set_font_color(Color::RGB(0xC00000));
    let mut lists: Vec<Vec<String>> = Vec::new();
    {
        let ws = book.add_worksheet();
        ws.set_name(kind.sheet_name())?;
        ws.set_freeze_panes(1, 0)?;
        ws.set_row_height(0, 32)?;
        for (i, spec) in kind.columns().iter().enumerate() {
            let col = i as u16;
            let fmt = if spec.required {
                &required_header
            } else {
                &header
            };
            ws.write_string_with_format(0, col, spec.header, fmt)?;
            ws.set_column_width(col, width(spec))?;
            if let Some(f) = column_format(spec.kind) {
                ws.set_column_format(col, &f)?;
            }
            let mut note = String::new();
            if spec.required {
                note.push_str("必填。");
            }
            note.push_str(spec.help);
            if !note.is_empty() {
                ws.insert_note(0, col, &Note::new(note).add_author_prefix(false))?;
            }
            if let Some(list) = dropdown(spec, choices) {
                add_list_validation(ws, col, list, &mut lists)?;
            } else if let ValueKind::Year = spec.kind {
                let v = DataValidation::new()
                    .allow_whole_number(DataValidationRule::Between(1990, 2100));
                ws.add_data_validation(1, col, TEMPLATE_ROWS, col, &v)?;
            }
        }
    }
    instructions(book.add_worksheet(), kind, choices, year)?;
    if !lists.is_empty() {
        let ws = book.add_worksheet();
        ws.set_name(LISTS_SHEET)?;
        for (c, list) in lists.iter().enumerate() {
            for (r, v) in list.iter().enumerate() {
                ws.write_string(r as u32, c as u16, v)?;
            }
        }
        ws.set_hidden(true);
    }
    Ok(book.save_to_buffer()?)
}

fn width(spec: &ColumnSpec) -> f64 {
    match spec.kind {
        ValueKind::CreditCode => 22.0,
        ValueKind::Text { max_chars } if max_chars >= 100 => 30.0,
        ValueKind::NameList { .. } => 24.0,
        _ => (spec.header.chars().count() as f64 * 2.2).clamp(10.0, 24.0),
    }
}

/// The cell format a column is pre-formatted with.
pub(crate) fn column_format(kind: ValueKind) -> Option<Format> {
    let f = Format::new();
    Some(match kind {
        ValueKind::CreditCode => f.set_num_format("@"),
        ValueKind::Money => f.set_num_format("#,##0.00"),
        ValueKind::Count => f.set_num_format("#,##0"),
        ValueKind::Quantity { .. } | ValueKind::AreaMu { .. } => f.set_num_format("0.00"),
        ValueKind::Date => f.set_num_format("yyyy-mm-dd"),
        ValueKind::Year => f.set_num_format("0"),
        _ => return None,
    })
}

/// The dropdown entries of a column, if it has a closed list.
fn dropdown(spec: &ColumnSpec, choices: &TemplateChoices) -> Option<Vec<String>> {
    let list: Vec<String> = match spec.kind {
        ValueKind::DictionaryName { dictionary: "town" } => choices.towns.clone(),
        ValueKind::DictionaryName {
            dictionary: "industry_group",
        } => choices.industry_groups.clone(),
        ValueKind::Choice { choice } => choice_labels(choice)
            .into_iter()
            .map(str::to_string)
            .collect(),
        ValueKind::Flag => vec!["是".into(), "否".into()],
        _ => return None,
    };
    (!list.is_empty()).then_some(list)
}

fn add_list_validation(
    ws: &mut Worksheet,
    col: u16,
    list: Vec<String>,
    lists: &mut Vec<Vec<String>>,
) -> Result<(), WriteError> {
    let inline_len: usize = list.iter().map(|s| s.encode_utf16().count() + 1).sum();
    let needs_sheet = inline_len > INLINE_LIST_LIMIT || list.iter().any(|s| s.contains(','));
    let v = if needs_sheet {
        let c = lists.len() as u32;
        let letters = crate::map::column_letters(c);
        let formula = format!("='{LISTS_SHEET}'!${letters}$1:${letters}${}", list.len());
        lists.push(list);
        DataValidation::new().allow_list_formula(Formula::new(formula))
    } else {
        DataValidation::new().allow_list_strings(&list)?
    };
    ws.add_data_validation(1, col, TEMPLATE_ROWS, col, &v)?;
    Ok(())
}

fn instructions(
    ws: &mut Worksheet,
    kind: TableKind,
    choices: &TemplateChoices,
    year: Option<i32>,
) -> Result<(), WriteError> {
    ws.set_name(INSTRUCTIONS_SHEET)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for (c, (h, w)) in [
        ("列名", 26.0),
        ("是否必填", 10.0),
        ("填写说明", 50.0),
        ("可识别的其他列名", 50.0),
    ]
    .into_iter()
    .enumerate()
    {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
        ws.set_column_width(c as u16, w)?;
    }
    let year_given = year.is_some();
    let mut row = 1u32;
    for spec in kind.columns() {
        let required = spec.required && !(spec.key == "year" && year_given);
        let mut help = spec.help.to_string();
        if let ValueKind::Choice { choice } = spec.kind {
            help = join_help(
                &help,
                &format!("可填：{}", choice_labels(choice).join("、")),
            );
        }
        if let ValueKind::NameList { dictionary: "tag" } = spec.kind
            && !choices.tags.is_empty()
        {
            help = join_help(&help, &format!("可用标签：{}", choices.tags.join("、")));
        }
        ws.write_string(row, 0, spec.header)?;
        ws.write_string(row, 1, if required { "必填" } else { "选填" })?;
        ws.write_string_with_format(row, 2, &help, &wrap)?;
        ws.write_string_with_format(row, 3, spec.aliases.join("、"), &wrap)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "填写规则", &bold)?;
    row += 1;
    let mut rules = vec![
        "每行填写一家企业（用地信息每行一个地块与企业的对应关系），不要合并单元格。".to_string(),
        "第一行为表头，请勿修改或删除必填列；列的顺序可以调整，多余的列导入时忽略。".to_string(),
        "金额的单位写在表头括号中，如“（万元）”“（元）”“（亿元）”；未写单位按万元读取。".to_string(),
        "用电量等表头写“万千瓦时”“万吨”“万立方米”时按万为单位读取；面积表头写“平方米”时自动换算为亩。".to_string(),
        "已在系统中的企业，留空的单元格保留系统中原有的值，不会被清空。".to_string(),
        "统一社会信用代码列请保持文本格式，以免末位被改成0。".to_string(),
        "日期可写成 2015-03-01、2015/3/1、2015.3.1 或 2015年3月1日。".to_string(),
    ];
    if let (TableKind::Figures, Some(y)) = (kind, year) {
        rules.insert(0, format!("本表为 {y} 年度数据；“年度”列可以不填。"));
    }
    for rule in rules {
        ws.merge_range(row, 0, row, 3, &rule, &wrap)?;
        ws.set_row_height(row, 30)?;
        row += 1;
    }
    Ok(())
}

fn join_help(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}；{b}")
    }
}
