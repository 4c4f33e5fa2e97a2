//! A task-decomposition table (任务分解表) as offices lay it out: a merged title row, a header,
//! rows with merged cells; and the blank template of one.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Note, Workbook};

use super::{INSTRUCTIONS_SHEET, WriteError};
use crate::decomposition::DECOMPOSITION_COLUMNS;

/// A table to write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecompositionTable {
    pub sheet: String,
    /// The title row, merged across the table.
    pub title: String,
    /// A line under the title (`填报单位：… 日期：…`), if any.
    pub subtitle: Option<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Regions of `rows` to merge: (first row, first column, last row, last column), 0-based
    /// in `rows`; the region shows its first row's cell.
    pub merges: Vec<(u32, u16, u32, u16)>,
    /// Column widths in characters; missing ones are 14.
    pub widths: Vec<f64>,
}

/// Writes `t` as one sheet, laid out for printing.
pub fn decomposition_table(t: &DecompositionTable) -> Result<Vec<u8>, WriteError> {
    let mut book = Workbook::new();
    write_table(&mut book, t)?;
    Ok(book.save_to_buffer()?)
}

fn write_table(book: &mut Workbook, t: &DecompositionTable) -> Result<(), WriteError> {
    let border = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let head = border
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(0xDDEBF7));
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let ws = book.add_worksheet();
    ws.set_name(&t.sheet)?;
    let last_col = t.headers.len().saturating_sub(1) as u16;
    let mut r = 0u32;
    if last_col > 0 {
        ws.merge_range(r, 0, r, last_col, &t.title, &title)?;
    } else {
        ws.write_string_with_format(r, 0, &t.title, &title)?;
    }
    ws.set_row_height(r, 32)?;
    r += 1;
    if let Some(sub) = &t.subtitle {
        ws.write_string(r, 0, sub)?;
        r += 1;
    }
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, h, &head)?;
        ws.set_column_width(c as u16, t.widths.get(c).copied().unwrap_or(14.0))?;
    }
    ws.set_freeze_panes(r + 1, 0)?;
    let first = r + 1;
    let merged = |row: u32, col: u16| {
        t.merges
            .iter()
            .any(|&(r0, c0, r1, c1)| (r0..=r1).contains(&row) && (c0..=c1).contains(&col))
    };
    for (i, row) in t.rows.iter().enumerate() {
        for c in 0..t.headers.len() {
            if merged(i as u32, c as u16) {
                continue;
            }
            let text = row.get(c).map(String::as_str).unwrap_or_default();
            ws.write_string_with_format(first + i as u32, c as u16, text, &border)?;
        }
    }
    for &(r0, c0, r1, c1) in &t.merges {
        let text = t
            .rows
            .get(r0 as usize)
            .and_then(|row| row.get(c0 as usize))
            .map(String::as_str)
            .unwrap_or_default();
        ws.merge_range(first + r0, c0, first + r1, c1, text, &border)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_repeat_rows(r, r)?;
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The blank template: the title, the header of every column (required ones in red, each
/// with a note) and an instructions sheet with the deadline phrases the import reads.
pub fn decomposition_template(title: &str) -> Result<Vec<u8>, WriteError> {
    let mut book = Workbook::new();
    let table = DecompositionTable {
        sheet: "任务分解表".into(),
        title: title.to_string(),
        subtitle: Some("填报单位：                    日期：".into()),
        headers: DECOMPOSITION_COLUMNS
            .iter()
            .map(|c| c.header.to_string())
            .collect(),
        widths: DECOMPOSITION_COLUMNS
            .iter()
            .map(|c| match c.key {
                "serial" => 7.0,
                "content" => 48.0,
                "lead_unit" | "co_units" => 24.0,
                "target" | "remark" => 20.0,
                _ => 14.0,
            })
            .collect(),
        ..Default::default()
    };
    write_table(&mut book, &table)?;
    let ws = book.worksheet_from_index(0)?;
    let red = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_font_color(Color::RGB(0xC00000))
        .set_background_color(Color::RGB(0xDDEBF7));
    for (c, spec) in DECOMPOSITION_COLUMNS.iter().enumerate() {
        if spec.required {
            ws.write_string_with_format(2, c as u16, spec.header, &red)?;
        }
        let mut note = String::new();
        if spec.required {
            note.push_str("必填。");
        }
        note.push_str(spec.help);
        if !note.is_empty() {
            ws.insert_note(2, c as u16, &Note::new(note).add_author_prefix(false))?;
        }
    }
    let ws = book.add_worksheet();
    ws.set_name(INSTRUCTIONS_SHEET)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for (c, (h, w)) in [
        ("列名", 14.0),
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
    let mut row = 1u32;
    for spec in DECOMPOSITION_COLUMNS {
        ws.write_string(row, 0, spec.header)?;
        ws.write_string(row, 1, if spec.required { "必填" } else { "选填" })?;
        ws.write_string_with_format(row, 2, spec.help, &wrap)?;
        ws.write_string_with_format(row, 3, spec.aliases.join("、"), &wrap)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "填写规则", &bold)?;
    row += 1;
    for rule in [
        "表头可以在标题行、填报单位行之下；列的顺序可以调整，多余的列导入时忽略。",
        "领域（如“一、扩大有效投资”）单独成行，或填在“领域”列并向下合并；其下各行为任务，序号为 1.1 或（1）的行为上一任务的子任务。",
        "牵头领导、牵头单位、领域可以向下合并单元格，合并区域内每一行都按该值导入。",
        "一个单元格填写多个单位时，用顿号、逗号、分号或换行分隔；牵头单位填写多个时，第一个为牵头单位，其余按配合单位导入。",
        "牵头领导填写多位时，第一位为牵头领导。",
        "完成时限可写成：2022年6月底、6月底前、年底前、2022-09-30、三季度、上半年、每月、每季度、长期坚持、持续推进等。",
        "系统中没有的单位名称会在预览中列出，可对应到已有单位或新建单位；没有的领导姓名须对应到已有的领导账号。",
    ] {
        ws.merge_range(row, 0, row, 3, rule, &wrap)?;
        ws.set_row_height(row, 30)?;
        row += 1;
    }
    Ok(book.save_to_buffer()?)
}
