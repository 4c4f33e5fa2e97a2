//! Supervision outputs as xlsx: the decomposition table (任务分解表) in the format officials
//! circulate, with each task's current colour and latest progress, and the monthly bulletin
//! (通报). Both cover only what the caller sees; like the registry's exports they write
//! nothing and are not audited.

mod book;

use std::collections::HashMap;

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use wujin_domain::supervision::colour::{ColourReason, NodeKind, TaskColour};
use wujin_domain::supervision::cycle::CyclePeriod;
use wujin_domain::supervision::escalation::{NoticeLevel, NoticeState};
use wujin_storage::entity::{app_user, department, progress_report, supervision_task, task_colour};

pub use book::bulletin_xlsx;

use super::plans;
use super::tasks::{self, TaskView};
use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};

/// 绿 / 蓝 / 黄 / 红 / 灰.
pub fn colour_label(c: TaskColour) -> &'static str {
    match c {
        TaskColour::Green => "绿",
        TaskColour::Blue => "蓝",
        TaskColour::Yellow => "黄",
        TaskColour::Red => "红",
        TaskColour::Grey => "灰",
    }
}

/// The fill of a colour's cell, and whether its text is white.
fn colour_fill(c: TaskColour) -> (u32, bool) {
    match c {
        TaskColour::Green => (0x92D050, false),
        TaskColour::Blue => (0x00B0F0, false),
        TaskColour::Yellow => (0xFFFF00, false),
        TaskColour::Red => (0xFF0000, true),
        TaskColour::Grey => (0xBFBFBF, false),
    }
}

pub(crate) fn notice_level_label(l: NoticeLevel) -> &'static str {
    match l {
        NoticeLevel::Notice => "督办单",
        NoticeLevel::Letter => "专函督办",
        NoticeLevel::Interview => "约谈",
        NoticeLevel::PublicNotice => "通报",
    }
}

pub(crate) fn notice_state_label(s: NoticeState) -> &'static str {
    match s {
        NoticeState::Issued => "待答复",
        NoticeState::Answered => "已答复",
        NoticeState::Closed => "已办结",
        NoticeState::Escalated => "已升级",
        NoticeState::Withdrawn => "已撤回",
    }
}

/// One reason for a colour, as a bulletin prints it.
pub fn reason_text(r: &ColourReason) -> String {
    match r {
        ColourReason::Done => "已完成".into(),
        ColourReason::Overdue {
            deadline,
            days_overdue,
        } => format!("超期{days_overdue}天（时限{deadline}）"),
        ColourReason::Behind {
            elapsed_progress,
            percent_complete,
            behind,
        } => format!(
            "落后序时进度{behind:.1}个百分点（序时{elapsed_progress:.1}%，完成{percent_complete:.1}%）"
        ),
        ColourReason::NodeMissed {
            node: NodeKind::Monthly,
        } => "月度节点未完成".into(),
        ColourReason::NodeMissed {
            node: NodeKind::Quarterly,
        } => "季度节点未完成".into(),
        ColourReason::DueSoon {
            working_days_left, ..
        } => format!("距完成时限{working_days_left}个工作日"),
        ColourReason::OnTrack => "正常推进".into(),
    }
}

/// `2026年11月` for a monthly cycle label, `2026年第4季度` for a quarterly one.
pub fn cycle_text(label: &str) -> String {
    match label.split_once('-') {
        Some((y, q)) if q.starts_with('Q') => format!("{y}年第{}季度", &q[1..]),
        Some((y, m)) => format!("{y}年{}月", m.trim_start_matches('0')),
        None => label.to_string(),
    }
}

/// The cell formats the outputs share.
pub(crate) struct Styles {
    pub title: Format,
    pub subtitle: Format,
    pub header: Format,
    pub text: Format,
    pub centre: Format,
    pub number: Format,
    pub area: Format,
    pub indented: Format,
}

impl Styles {
    pub fn new() -> Styles {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter)
            .set_font_size(10);
        Styles {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: Format::new().set_font_size(10),
            header: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xDDEBF7)),
            text: cell.clone(),
            centre: cell.clone().set_align(FormatAlign::Center),
            number: cell.clone().set_num_format("0.0"),
            area: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xF2F2F2)),
            indented: cell.clone().set_indent(2),
        }
    }

    /// The centred cell of a colour, filled in it.
    pub fn colour(&self, c: TaskColour) -> Format {
        let (fill, white) = colour_fill(c);
        let f = self
            .centre
            .clone()
            .set_bold()
            .set_background_color(Color::RGB(fill));
        if white {
            f.set_font_color(Color::White)
        } else {
            f
        }
    }
}

/// A4 landscape, one page wide, the rows up to `header_row` repeated on every page.
pub(crate) fn print_setup(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_footer("&C第 &P 页，共 &N 页");
    ws.set_repeat_rows(0, header_row)?;
    Ok(())
}

pub(crate) fn write_error(e: XlsxError) -> AppError {
    AppError::Internal(format!("the spreadsheet could not be written: {e}"))
}

/// One row of the decomposition table.
struct DecompositionRow {
    task: TaskView,
    leader: Option<String>,
    lead_unit: Option<String>,
    co_units: Vec<String>,
    colour: Option<TaskColour>,
    percent: Option<f64>,
    progress: Option<String>,
    problems: Option<String>,
    cycle: Option<String>,
}

/// The headers of the decomposition table and their widths.
pub const DECOMPOSITION_COLUMNS: [(&str, f64); 11] = [
    ("序号", 7.0),
    ("工作任务", 46.0),
    ("牵头领导", 10.0),
    ("牵头单位", 16.0),
    ("配合单位", 22.0),
    ("完成时限", 12.0),
    ("当前状态", 9.0),
    ("完成进度(%)", 10.0),
    ("最新进展", 40.0),
    ("存在问题", 26.0),
    ("报送周期", 11.0),
];

/// The title of a plan's decomposition table: `…任务分解表`.
pub fn decomposition_title(plan: &str) -> String {
    if plan.ends_with('表') {
        plan.to_string()
    } else if plan.ends_with("任务分解") {
        format!("{plan}表")
    } else {
        format!("{plan}任务分解表")
    }
}

/// The plan's decomposition table as the caller sees it (a unit: its tasks with the areas
/// above them): each task's latest computed colour and the lead unit's latest report.
pub async fn decomposition_xlsx(app: &App, ctx: &Ctx, plan_id: i64) -> AppResult<Vec<u8>> {
    let plan = plans::get(app, ctx, plan_id).await?;
    let shown = tasks::of_plan(app, ctx, plan_id).await?;
    let db = app.db.read();
    let in_plan = Query::select()
        .column(supervision_task::Column::Id)
        .from(supervision_task::Entity)
        .and_where(supervision_task::Column::PlanId.eq(plan_id))
        .to_owned();
    let mut colours: HashMap<i64, (String, TaskColour)> = HashMap::new();
    for c in task_colour::Entity::find()
        .filter(task_colour::Column::TaskId.in_subquery(in_plan.clone()))
        .all(db)
        .await?
    {
        let Ok(colour) = serde_json::from_value::<TaskColour>(json!(c.colour)) else {
            continue;
        };
        match colours.get(&c.task_id) {
            Some((cycle, _)) if *cycle >= c.cycle => {}
            _ => {
                colours.insert(c.task_id, (c.cycle, colour));
            }
        }
    }
    let mut reports: HashMap<i64, progress_report::Model> = HashMap::new();
    for r in progress_report::Entity::find()
        .filter(progress_report::Column::TaskId.in_subquery(in_plan))
        .filter(progress_report::Column::IsLead.eq(true))
        .all(db)
        .await?
    {
        match reports.get(&r.task_id) {
            Some(l) if l.cycle >= r.cycle => {}
            _ => {
                reports.insert(r.task_id, r);
            }
        }
    }
    let leaders: HashMap<i64, String> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(shown.iter().filter_map(|t| t.lead_leader_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let unit_ids: Vec<i64> = shown
        .iter()
        .flat_map(|t| {
            t.lead_unit_id
                .into_iter()
                .chain(t.co_unit_ids.iter().copied())
        })
        .collect();
    let units: HashMap<i64, (i32, String)> = department::Entity::find()
        .filter(department::Column::Id.is_in(unit_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, (d.sort_order, d.name)))
        .collect();
    let name = |id: i64| {
        units
            .get(&id)
            .map_or_else(|| format!("#{id}"), |u| u.1.clone())
    };
    let rows: Vec<DecompositionRow> = shown
        .into_iter()
        .map(|t| {
            let report = reports.remove(&t.id);
            let mut co = t.co_unit_ids.clone();
            co.sort_by_key(|u| (units.get(u).map_or(i32::MAX, |d| d.0), *u));
            DecompositionRow {
                leader: t.lead_leader_id.and_then(|l| leaders.get(&l).cloned()),
                lead_unit: t.lead_unit_id.map(name),
                co_units: co.into_iter().map(name).collect(),
                colour: colours.get(&t.id).map(|c| c.1),
                percent: report.as_ref().and_then(|r| r.percent_complete),
                progress: report.as_ref().map(|r| r.progress.clone()),
                problems: report.as_ref().and_then(|r| r.problems.clone()),
                cycle: report.as_ref().map(|r| cycle_text(&r.cycle)),
                task: t,
            }
        })
        .collect();
    let title = decomposition_title(&plan.name);
    let period = match plan.report_period {
        CyclePeriod::Monthly => "按月报送",
        CyclePeriod::Quarterly => "按季报送",
    };
    tokio::task::spawn_blocking(move || write_decomposition(&title, period, &rows))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(write_error)
}

fn write_decomposition(
    title: &str,
    period: &str,
    rows: &[DecompositionRow],
) -> Result<Vec<u8>, XlsxError> {
    let s = Styles::new();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("任务分解表")?;
    let last = (DECOMPOSITION_COLUMNS.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last, title, &s.title)?;
    ws.set_row_height(0, 32)?;
    for (i, (h, w)) in DECOMPOSITION_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(1, i as u16, *h, &s.header)?;
        ws.set_column_width(i as u16, *w)?;
    }
    ws.set_row_height(1, 22)?;
    ws.set_freeze_panes(2, 0)?;
    let mut r = 1u32;
    for row in rows {
        r += 1;
        let t = &row.task;
        if t.level == 0 {
            ws.write_string_with_format(r, 0, &t.serial, &s.area)?;
            ws.merge_range(r, 1, r, last, &t.content, &s.area)?;
            continue;
        }
        let content_format = if t.level > 1 { &s.indented } else { &s.text };
        ws.write_string_with_format(r, 0, &t.serial, &s.centre)?;
        ws.write_string_with_format(r, 1, &t.content, content_format)?;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        ws.write_string_with_format(r, 2, opt(&row.leader), &s.centre)?;
        ws.write_string_with_format(r, 3, opt(&row.lead_unit), &s.text)?;
        ws.write_string_with_format(r, 4, row.co_units.join("、"), &s.text)?;
        ws.write_string_with_format(r, 5, opt(&t.deadline_text), &s.centre)?;
        match row.colour {
            Some(c) => ws.write_string_with_format(r, 6, colour_label(c), &s.colour(c))?,
            None => ws.write_blank(r, 6, &s.centre)?,
        };
        match row.percent {
            Some(p) => ws.write_number_with_format(r, 7, p, &s.number)?,
            None => ws.write_blank(r, 7, &s.number)?,
        };
        ws.write_string_with_format(r, 8, opt(&row.progress), &s.text)?;
        ws.write_string_with_format(r, 9, opt(&row.problems), &s.text)?;
        ws.write_string_with_format(r, 10, opt(&row.cycle), &s.centre)?;
    }
    r += 2;
    ws.write_string_with_format(
        r,
        0,
        format!(
            "说明：当前状态为最近一次亮灯结果（绿：正常推进；蓝：临近时限；黄：进度滞后或月度节点未完成；\
             红：严重滞后、季度节点未完成或超期；灰：已完成）；最新进展为牵头单位最近一期报送（{period}）。"
        ),
        &s.subtitle,
    )?;
    print_setup(ws, 1)?;
    book.save_to_buffer()
}
