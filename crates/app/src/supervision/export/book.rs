//! The bulletin workbook: 概况 (counts by colour against the previous cycle, by lead unit, and
//! the month's 督办单), 红黄任务 and 单位报送排名, each printable on A4 landscape.

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use wujin_domain::supervision::bulletin::Movement;
use wujin_domain::supervision::colour::TaskColour;

use super::{
    Styles, colour_label, cycle_text, notice_level_label, notice_state_label, print_setup,
    reason_text, write_error,
};
use crate::error::AppResult;
use crate::supervision::bulletin::Bulletin;

fn movement_label(m: Movement) -> &'static str {
    match m {
        Movement::New => "新增",
        Movement::Unchanged => "持平",
        Movement::Better => "好转",
        Movement::Worse => "恶化",
    }
}

/// The bulletin as a workbook of three sheets: 概况, 红黄任务, 单位报送排名.
pub fn bulletin_xlsx(b: &Bulletin) -> AppResult<Vec<u8>> {
    write(b).map_err(write_error)
}

fn title(b: &Bulletin) -> String {
    let (year, month) = b.month.split_once('-').unwrap_or((&b.month, ""));
    format!(
        "{}{}年{}月工作通报",
        b.plan.name,
        year,
        month.trim_start_matches('0')
    )
}

fn header(ws: &mut Worksheet, s: &Styles, row: u32, cols: &[(&str, f64)]) -> Result<(), XlsxError> {
    for (i, (h, w)) in cols.iter().enumerate() {
        ws.write_string_with_format(row, i as u16, *h, &s.header)?;
        ws.set_column_width(i as u16, *w)?;
    }
    Ok(())
}

fn write(b: &Bulletin) -> Result<Vec<u8>, XlsxError> {
    let s = Styles::new();
    let mut book = Workbook::new();
    overview(book.add_worksheet(), &s, b)?;
    flagged(book.add_worksheet(), &s, b)?;
    ranking(book.add_worksheet(), &s, b)?;
    book.save_to_buffer()
}

fn overview(ws: &mut Worksheet, s: &Styles, b: &Bulletin) -> Result<(), XlsxError> {
    ws.set_name("概况")?;
    let cols = [
        ("牵头单位", 22.0),
        ("绿", 8.0),
        ("蓝", 8.0),
        ("黄", 8.0),
        ("红", 8.0),
        ("灰", 8.0),
        ("合计", 8.0),
    ];
    let last = (cols.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last, &title(b), &s.title)?;
    ws.set_row_height(0, 32)?;
    let previous = b
        .previous_cycle
        .as_deref()
        .map(|p| format!("，上期 {}", cycle_text(p)))
        .unwrap_or_default();
    ws.merge_range(
        1,
        0,
        1,
        last,
        &format!(
            "统计周期：{}{previous}；报送截止 {}；统计日期 {}",
            cycle_text(&b.cycle),
            b.report_due_on,
            b.as_of
        ),
        &s.subtitle,
    )?;
    for (i, (_, w)) in cols.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }

    // Colours this cycle against the previous one.
    let mut r = 3u32;
    for (i, h) in ["亮灯状态", "本期", "上期", "增减"].iter().enumerate() {
        ws.write_string_with_format(r, i as u16, *h, &s.header)?;
    }
    for c in &b.colours {
        r += 1;
        ws.write_string_with_format(r, 0, colour_label(c.colour), &s.colour(c.colour))?;
        ws.write_number_with_format(r, 1, f64::from(c.this_cycle), &s.centre)?;
        ws.write_number_with_format(r, 2, f64::from(c.previous_cycle), &s.centre)?;
        ws.write_string_with_format(r, 3, signed(c.change), &s.centre)?;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "合计", &s.header)?;
    ws.write_number_with_format(r, 1, f64::from(b.total), &s.centre)?;
    ws.write_number_with_format(r, 2, f64::from(b.previous_total), &s.centre)?;
    ws.write_string_with_format(
        r,
        3,
        signed(i64::from(b.total) - i64::from(b.previous_total)),
        &s.centre,
    )?;

    // By lead unit.
    r += 2;
    ws.write_string_with_format(r, 0, "各牵头单位亮灯情况", &s.subtitle)?;
    r += 1;
    header(ws, s, r, &cols)?;
    for u in &b.by_unit {
        r += 1;
        ws.write_string_with_format(r, 0, &u.unit.name, &s.text)?;
        for (i, c) in TaskColour::ALL.iter().enumerate() {
            ws.write_number_with_format(r, i as u16 + 1, f64::from(u.counts.get(*c)), &s.centre)?;
        }
        ws.write_number_with_format(r, last, f64::from(u.counts.total()), &s.centre)?;
    }

    // 督办单 of the month.
    r += 2;
    ws.write_string_with_format(r, 0, "本月督办情况", &s.subtitle)?;
    r += 1;
    for (i, h) in [
        "任务",
        "牵头单位",
        "督办类型",
        "状态",
        "下发日期",
        "答复期限",
        "督办内容",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(r, i as u16, *h, &s.header)?;
    }
    if b.notices.is_empty() {
        r += 1;
        ws.merge_range(r, 0, r, last, "本月未下发督办单。", &s.text)?;
    }
    for n in &b.notices {
        r += 1;
        ws.write_string_with_format(
            r,
            0,
            format!("{} {}", n.task_serial, n.task_content),
            &s.text,
        )?;
        ws.write_string_with_format(r, 1, n.lead_unit.clone().unwrap_or_default(), &s.text)?;
        ws.write_string_with_format(r, 2, notice_level_label(n.level), &s.centre)?;
        ws.write_string_with_format(r, 3, notice_state_label(n.state), &s.centre)?;
        ws.write_string_with_format(r, 4, n.issued_on.to_string(), &s.centre)?;
        ws.write_string_with_format(r, 5, n.answer_by.to_string(), &s.centre)?;
        ws.write_string_with_format(r, 6, &n.content, &s.text)?;
    }
    print_setup(ws, 1)?;
    Ok(())
}

/// Rounded to one decimal, as shown.
fn tenths(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

/// The columns of the 红黄任务 sheet.
pub const FLAGGED_COLUMNS: [(&str, f64); 12] = [
    ("序号", 7.0),
    ("工作任务", 40.0),
    ("牵头领导", 10.0),
    ("牵头单位", 16.0),
    ("完成时限", 11.0),
    ("当前状态", 8.0),
    ("上期状态", 8.0),
    ("变化", 7.0),
    ("完成进度(%)", 9.0),
    ("序时进度(%)", 9.0),
    ("最新进展", 36.0),
    ("亮灯原因", 30.0),
];

fn flagged(ws: &mut Worksheet, s: &Styles, b: &Bulletin) -> Result<(), XlsxError> {
    ws.set_name("红黄任务")?;
    let last = (FLAGGED_COLUMNS.len() - 1) as u16;
    ws.merge_range(
        0,
        0,
        0,
        last,
        &format!("{}（红黄灯任务）", title(b)),
        &s.title,
    )?;
    ws.set_row_height(0, 32)?;
    header(ws, s, 1, &FLAGGED_COLUMNS)?;
    ws.set_freeze_panes(2, 0)?;
    let mut r = 1u32;
    for t in &b.flagged {
        r += 1;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        ws.write_string_with_format(r, 0, &t.serial, &s.centre)?;
        ws.write_string_with_format(r, 1, &t.content, &s.text)?;
        ws.write_string_with_format(r, 2, opt(&t.lead_leader), &s.centre)?;
        ws.write_string_with_format(r, 3, opt(&t.lead_unit), &s.text)?;
        ws.write_string_with_format(r, 4, opt(&t.deadline_text), &s.centre)?;
        ws.write_string_with_format(r, 5, colour_label(t.colour), &s.colour(t.colour))?;
        match t.previous_colour {
            Some(c) => ws.write_string_with_format(r, 6, colour_label(c), &s.colour(c))?,
            None => ws.write_blank(r, 6, &s.centre)?,
        };
        ws.write_string_with_format(r, 7, movement_label(t.movement), &s.centre)?;
        match t.percent {
            Some(p) => ws.write_number_with_format(r, 8, p, &s.number)?,
            None => ws.write_blank(r, 8, &s.number)?,
        };
        ws.write_number_with_format(r, 9, tenths(t.elapsed_progress), &s.number)?;
        let progress = match (&t.latest_progress, &t.latest_cycle) {
            (Some(p), Some(c)) => format!("【{}】{p}", cycle_text(c)),
            (Some(p), None) => p.clone(),
            _ => "未报送".to_string(),
        };
        ws.write_string_with_format(r, 10, progress, &s.text)?;
        let reasons: Vec<String> = t.reasons.iter().map(|f| reason_text(&f.reason)).collect();
        ws.write_string_with_format(r, 11, reasons.join("；"), &s.text)?;
    }
    if b.flagged.is_empty() {
        ws.merge_range(2, 0, 2, last, "本期无红灯、黄灯任务。", &s.text)?;
    }
    print_setup(ws, 1)?;
    Ok(())
}

/// The columns of the 单位报送排名 sheet.
pub const RANKING_COLUMNS: [(&str, f64); 7] = [
    ("排名", 7.0),
    ("单位", 24.0),
    ("应报", 8.0),
    ("按时报送", 10.0),
    ("迟报", 8.0),
    ("未报", 8.0),
    ("按时率(%)", 10.0),
];

fn ranking(ws: &mut Worksheet, s: &Styles, b: &Bulletin) -> Result<(), XlsxError> {
    ws.set_name("单位报送排名")?;
    let last = (RANKING_COLUMNS.len() - 1) as u16;
    ws.merge_range(
        0,
        0,
        0,
        last,
        &format!("{}报送情况排名", cycle_text(&b.cycle)),
        &s.title,
    )?;
    ws.set_row_height(0, 32)?;
    header(ws, s, 1, &RANKING_COLUMNS)?;
    ws.set_freeze_panes(2, 0)?;
    let mut r = 1u32;
    for u in &b.reporting {
        r += 1;
        ws.write_number_with_format(r, 0, f64::from(u.rank), &s.centre)?;
        ws.write_string_with_format(r, 1, &u.unit.name, &s.text)?;
        ws.write_number_with_format(r, 2, f64::from(u.due), &s.centre)?;
        ws.write_number_with_format(r, 3, f64::from(u.on_time), &s.centre)?;
        ws.write_number_with_format(r, 4, f64::from(u.late), &s.centre)?;
        ws.write_number_with_format(r, 5, f64::from(u.missing), &s.centre)?;
        ws.write_number_with_format(r, 6, tenths(u.rate), &s.number)?;
    }
    if b.reporting.is_empty() {
        ws.merge_range(
            2,
            0,
            2,
            last,
            &format!("{} 前尚无到期报送。", b.report_due_on),
            &s.text,
        )?;
    }
    print_setup(ws, 1)?;
    Ok(())
}
