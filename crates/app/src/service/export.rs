//! The service loop's spreadsheets: the 问题清单 and the 落实清单 in the columns officials
//! circulate, the visit ledger (走访台账) and the statistics. Each covers only what the caller
//! sees; exports write nothing and are not audited.

use chrono::NaiveDate;
use rust_xlsxwriter::{Color, Format, Workbook};
use wujin_xlsx::write::{ExportColumn, ExportFormat, ExportValue, export_table};

use super::labels;
use super::queue::{self, ProblemFilter};
use super::stats::{ServiceStats, StatsFilter, stats};
use super::view::ProblemRow;
use super::visits::{self, VisitFilter};
use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::supervision::export::write_error;

/// Most rows one export writes.
pub const MAX_EXPORT_ROWS: u64 = 100_000;

fn col(header: &str, format: ExportFormat, width: f64) -> ExportColumn {
    ExportColumn {
        header: header.to_string(),
        format,
        width,
    }
}

fn text(s: impl Into<String>) -> ExportValue {
    let s = s.into();
    if s.is_empty() {
        ExportValue::Empty
    } else {
        ExportValue::Text(s)
    }
}

fn date(d: Option<NaiveDate>) -> ExportValue {
    d.map(ExportValue::Date).unwrap_or(ExportValue::Empty)
}

fn xlsx_error(e: wujin_xlsx::write::WriteError) -> AppError {
    AppError::Internal(e.to_string())
}

/// 问题清单.
pub async fn problems_xlsx(
    app: &App,
    ctx: &Ctx,
    f: &ProblemFilter,
    today: NaiveDate,
) -> AppResult<Vec<u8>> {
    let rows = queue::all(app, ctx, f, today, MAX_EXPORT_ROWS).await?;
    let columns = [
        col("序号", ExportFormat::PlainInteger, 6.0),
        col("编号", ExportFormat::PlainInteger, 8.0),
        col("企业名称", ExportFormat::Text, 28.0),
        col("所属镇街", ExportFormat::Text, 10.0),
        col("问题来源", ExportFormat::Text, 12.0),
        col("问题类别", ExportFormat::Text, 10.0),
        col("问题标题", ExportFormat::Text, 36.0),
        col("标签", ExportFormat::Text, 14.0),
        col("紧急程度", ExportFormat::Text, 8.0),
        col("办理层级", ExportFormat::Text, 10.0),
        col("牵头部门", ExportFormat::Text, 14.0),
        col("受理日期", ExportFormat::Date, 12.0),
        col("当前时限", ExportFormat::Date, 12.0),
        col("时限类型", ExportFormat::Text, 10.0),
        col("是否超期", ExportFormat::Flag, 8.0),
        col("办理状态", ExportFormat::Text, 10.0),
        col("办结日期", ExportFormat::Date, 12.0),
        col("办结方式", ExportFormat::Text, 10.0),
        col("满意度", ExportFormat::Text, 10.0),
        col("重新办理次数", ExportFormat::Integer, 8.0),
    ];
    let body = rows.iter().enumerate().map(|(i, r)| {
        vec![
            ExportValue::Int(i as i64 + 1),
            ExportValue::Int(r.id),
            text(r.enterprise.name.clone()),
            text(r.town.as_ref().map(|t| t.name.clone()).unwrap_or_default()),
            text(labels::source(&r.source)),
            text(labels::category(&r.category)),
            text(r.title.clone()),
            text(r.tags.clone()),
            text(labels::urgency(&r.urgency)),
            text(labels::level(&r.level)),
            text(lead(r)),
            ExportValue::Date(r.received_on),
            date(r.due_on),
            text(labels::due(r.due_kind.as_deref())),
            ExportValue::Flag(r.overdue),
            text(labels::state(&r.state)),
            date(r.closed_on),
            text(
                r.outcome
                    .as_deref()
                    .map(labels::outcome)
                    .unwrap_or_default(),
            ),
            text(
                r.satisfaction
                    .as_deref()
                    .map(labels::satisfaction)
                    .unwrap_or_default(),
            ),
            ExportValue::Int(r.reopen_count as i64),
        ]
    });
    export_table("问题清单", Some("企业问题清单"), &columns, body).map_err(xlsx_error)
}

fn lead(r: &ProblemRow) -> String {
    r.lead_department
        .as_ref()
        .map(|d| d.name.clone())
        .unwrap_or_default()
}

/// 落实清单: the problems with a promised measure.
pub async fn commitments_xlsx(
    app: &App,
    ctx: &Ctx,
    f: &ProblemFilter,
    today: NaiveDate,
) -> AppResult<Vec<u8>> {
    let mut f = f.clone();
    f.commitments = true;
    if f.sort.is_none() {
        f.sort = Some("measure_due".into());
    }
    let rows = queue::all(app, ctx, &f, today, MAX_EXPORT_ROWS).await?;
    let columns = [
        col("序号", ExportFormat::PlainInteger, 6.0),
        col("编号", ExportFormat::PlainInteger, 8.0),
        col("企业名称", ExportFormat::Text, 28.0),
        col("问题类别", ExportFormat::Text, 10.0),
        col("问题", ExportFormat::Text, 36.0),
        col("落实措施", ExportFormat::Text, 44.0),
        col("责任单位", ExportFormat::Text, 14.0),
        col("承诺时限", ExportFormat::Date, 12.0),
        col("办理状态", ExportFormat::Text, 10.0),
        col("是否逾期", ExportFormat::Flag, 8.0),
        col("办结日期", ExportFormat::Date, 12.0),
        col("满意度", ExportFormat::Text, 10.0),
    ];
    let body = rows.iter().enumerate().map(|(i, r)| {
        let late = r.closed_on.is_none() && r.measure_due.is_some_and(|d| d < today)
            || matches!((r.closed_on, r.measure_due), (Some(c), Some(d)) if c > d);
        vec![
            ExportValue::Int(i as i64 + 1),
            ExportValue::Int(r.id),
            text(r.enterprise.name.clone()),
            text(labels::category(&r.category)),
            text(r.title.clone()),
            text(r.measure.clone().unwrap_or_default()),
            text(lead(r)),
            date(r.measure_due),
            text(labels::state(&r.state)),
            ExportValue::Flag(late),
            date(r.closed_on),
            text(
                r.satisfaction
                    .as_deref()
                    .map(labels::satisfaction)
                    .unwrap_or_default(),
            ),
        ]
    });
    export_table("落实清单", Some("问题落实清单"), &columns, body).map_err(xlsx_error)
}

/// 走访台账.
pub async fn visits_xlsx(app: &App, ctx: &Ctx, f: &VisitFilter) -> AppResult<Vec<u8>> {
    let rows = visits::all(app, ctx, f, MAX_EXPORT_ROWS).await?;
    let columns = [
        col("序号", ExportFormat::PlainInteger, 6.0),
        col("走访日期", ExportFormat::Date, 12.0),
        col("企业名称", ExportFormat::Text, 28.0),
        col("所属镇街", ExportFormat::Text, 10.0),
        col("走访形式", ExportFormat::Text, 8.0),
        col("走访干部", ExportFormat::Text, 18.0),
        col("企业参加人员", ExportFormat::Text, 18.0),
        col("走访情况", ExportFormat::Text, 48.0),
        col("收集问题数", ExportFormat::Integer, 10.0),
    ];
    let body = rows.iter().enumerate().map(|(i, v)| {
        vec![
            ExportValue::Int(i as i64 + 1),
            ExportValue::Date(v.visited_on),
            text(v.enterprise.name.clone()),
            text(v.town.as_ref().map(|t| t.name.clone()).unwrap_or_default()),
            text(labels::visit_form(&v.form)),
            text(
                v.cadres
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            text(v.attendees.clone().unwrap_or_default()),
            text(v.summary.clone()),
            ExportValue::Int(v.problem_count as i64),
        ]
    });
    export_table("走访台账", Some("三服务走访台账"), &columns, body).map_err(xlsx_error)
}

/// The statistics: one sheet each for departments, towns, categories and months.
pub async fn stats_xlsx(
    app: &App,
    ctx: &Ctx,
    f: &StatsFilter,
    today: NaiveDate,
) -> AppResult<Vec<u8>> {
    let s = stats(app, ctx, f, today).await?;
    stats_book(&s).map_err(write_error)
}

fn stats_book(s: &ServiceStats) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0xDDEBF7));
    let pct = Format::new().set_num_format("0.0%");
    let low = Format::new()
        .set_num_format("0.0%")
        .set_bold()
        .set_font_color(Color::RGB(0xC00000))
        .set_background_color(Color::RGB(0xFDE9E7));
    let title = Format::new().set_bold().set_font_size(14);
    let headers = [
        "单位",
        "受理件数",
        "按时交办率",
        "按时答复率",
        "按时办结率",
        "办结件数",
        "办结率",
        "退回件数",
        "重新办理件数",
        "评价件数",
        "满意率",
        "平均办理工作日",
    ];
    let sheets: [(&str, Vec<(String, &super::stats::StatsLine)>); 3] = [
        (
            "部门",
            s.by_department
                .iter()
                .map(|l| (l.unit.name.clone(), l))
                .chain(std::iter::once(("合计".to_string(), &s.total)))
                .collect(),
        ),
        (
            "镇街",
            s.by_town.iter().map(|l| (l.unit.name.clone(), l)).collect(),
        ),
        (
            "类别",
            s.by_category
                .iter()
                .map(|l| (labels::category(&l.unit.name).to_string(), l))
                .collect(),
        ),
    ];
    let period = format!(
        "统计期间：{} 至 {}（满意率低于{:.0}%标红）",
        s.from,
        s.to,
        s.floor * 100.0
    );
    for (name, lines) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(name)?;
        ws.write_string_with_format(0, 0, format!("三服务问题办理情况统计（按{name}）"), &title)?;
        ws.write_string(1, 0, &period)?;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, *h, &head)?;
            ws.set_column_width(c as u16, if c == 0 { 18.0 } else { 11.0 })?;
        }
        for (i, (label, l)) in lines.iter().enumerate() {
            let r = 3 + i as u32;
            let k = &l.counts;
            let rt = &l.rates;
            ws.write_string(r, 0, label)?;
            ws.write_number(r, 1, k.received as f64)?;
            for (c, v) in [
                (2u16, rt.assign_on_time),
                (3, rt.reply_on_time),
                (4, rt.close_on_time),
                (6, rt.closure),
            ] {
                if let Some(v) = v {
                    ws.write_number_with_format(r, c, v, &pct)?;
                }
            }
            ws.write_number(r, 5, k.closed as f64)?;
            ws.write_number(r, 7, k.returned as f64)?;
            ws.write_number(r, 8, k.reopened as f64)?;
            ws.write_number(r, 9, k.rated as f64)?;
            if let Some(v) = rt.satisfaction {
                ws.write_number_with_format(r, 10, v, if rt.below_floor { &low } else { &pct })?;
            }
            if let Some(v) = rt.avg_worked_wd {
                ws.write_number(r, 11, v)?;
            }
        }
        ws.set_freeze_panes(3, 1)?;
    }
    let ws = book.add_worksheet();
    ws.set_name("月度趋势")?;
    ws.write_string_with_format(0, 0, "三服务问题办理月度趋势", &title)?;
    for (c, h) in ["月份", "交办件数", "办结件数", "按时办结率", "满意率"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(1, c as u16, *h, &head)?;
        ws.set_column_width(c as u16, 12.0)?;
    }
    for (i, m) in s.by_month.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_string(r, 0, &m.month)?;
        ws.write_number(r, 1, m.counts.received as f64)?;
        ws.write_number(r, 2, m.counts.closed as f64)?;
        if let Some(v) = m.rates.close_on_time {
            ws.write_number_with_format(r, 3, v, &pct)?;
        }
        if let Some(v) = m.rates.satisfaction {
            ws.write_number_with_format(r, 4, v, if m.rates.below_floor { &low } else { &pct })?;
        }
    }
    book.save_to_buffer()
}
