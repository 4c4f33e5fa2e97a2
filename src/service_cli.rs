//! `wujin service …`, `wujin problems …` and `wujin export problems|commitments|visits`: the
//! service loop from the command line, acting as administrator (every case). A request the
//! command cannot serve (an unknown case, unit or state; a file that is not .xlsx) exits 2 with
//! the reason; an error of the platform exits 1.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use chrono::NaiveDate;
use wujin_app::service::queue::{self, ProblemFilter};
use wujin_app::service::stats::{StatsFilter, StatsLine};
use wujin_app::service::{clock, export, labels, reminders, view, visits};
use wujin_app::{App, AppError, Ctx, PageRequest};
use wujin_domain::service::case::CaseState;
use wujin_domain::service::stats::percent;

use crate::commands::describe;
use crate::import_export::write_file;

/// Exit status of a request the command cannot serve.
const EXIT_REFUSED: u8 = 2;

fn refused(msg: impl std::fmt::Display) -> Result<ExitCode> {
    eprintln!("{msg}");
    Ok(ExitCode::from(EXIT_REFUSED))
}

/// The columns a terminal gives a string: CJK and full-width characters take two.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF => 2,
            0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// `s` cut to `cols` columns and padded to them.
fn cell(s: &str, cols: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if width(&out) + width(&c.to_string()) > cols {
            break;
        }
        out.push(c);
    }
    let pad = cols.saturating_sub(width(&out));
    format!("{out}{}", " ".repeat(pad))
}

/// `s` right-aligned in `cols` columns.
fn right(s: &str, cols: usize) -> String {
    format!("{}{s}", " ".repeat(cols.saturating_sub(width(s))))
}

/// A share as `66.7%`, or `-` when there is nothing to measure.
fn pct(r: Option<f64>) -> String {
    percent(r)
        .map(|p| format!("{p:.1}%"))
        .unwrap_or_else(|| "-".into())
}

/// The one file type written here; anything else is refused with the reason.
fn xlsx_only(file: &Path) -> Option<ExitCode> {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if ext == "xlsx" {
        return None;
    }
    eprintln!(
        "{}: only .xlsx files are written{}",
        file.display(),
        if ext.is_empty() {
            " (the file name has no extension)".to_string()
        } else {
            format!(", not .{ext}")
        }
    );
    Some(ExitCode::from(EXIT_REFUSED))
}

/// `wujin service check [--date D]`: the daily check for that China day (today by default).
pub async fn check(app: &App, date: Option<NaiveDate>) -> Result<ExitCode> {
    let day = date.unwrap_or_else(wujin_app::china_today);
    let s = reminders::run(app, day, "cli").await.map_err(describe)?;
    let n = |k: &str| s.cases.get(k).copied().unwrap_or(0);
    println!("service check for {day}:");
    println!(
        "  {:>5} case(s) reminded before their deadline",
        n("due_soon")
    );
    println!("  {:>5} urged (催办) past their deadline", n("urged"));
    println!(
        "  {:>5} escalated to the unit's head (负责人)",
        n("escalated_head")
    );
    println!(
        "  {:>5} escalated to the leader in charge (分管领导)",
        n("escalated_leader")
    );
    println!("  {:>5} message(s) sent", s.messages);
    Ok(ExitCode::SUCCESS)
}

/// `wujin service recompute`: every case's deadlines and clocks rebuilt from its log.
pub async fn recompute(app: &App) -> Result<ExitCode> {
    eprintln!("rebuilding the clocks of every case …");
    let n = clock::rebuild_all(app, |done| eprintln!("  … {done} case(s) rebuilt"))
        .await
        .map_err(describe)?;
    println!("{n} case(s) recomputed");
    Ok(ExitCode::SUCCESS)
}

/// `wujin service stats [--from D] [--to D] [--out FILE.xlsx]`: one line per department.
pub async fn stats(
    app: &App,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    out: Option<&Path>,
) -> Result<ExitCode> {
    if let Some(code) = out.and_then(xlsx_only) {
        return Ok(code);
    }
    let today = wujin_app::china_today();
    let f = StatsFilter {
        from,
        to,
        category: None,
    };
    let s = wujin_app::service::stats::stats(app, &Ctx::cli(), &f, today)
        .await
        .map_err(describe)?;
    println!(
        "三服务问题办理情况 {} 至 {} (satisfaction floor {:.0}%; * below it)",
        s.from,
        s.to,
        s.floor * 100.0
    );
    println!(
        "{} {} {} {} {} {}  {}",
        cell("单位", 20),
        right("受理", 6),
        right("按时答复", 10),
        right("按时办结", 10),
        right("办结率", 8),
        right("满意率", 9),
        right("平均工作日", 10)
    );
    let row = |name: &str, l: &StatsLine| {
        let r = &l.rates;
        let avg = r
            .avg_worked_wd
            .map(|d| format!("{d:.1}"))
            .unwrap_or_else(|| "-".into());
        println!(
            "{} {} {} {} {} {}{} {}",
            cell(name, 20),
            right(&l.counts.received.to_string(), 6),
            right(&pct(r.reply_on_time), 10),
            right(&pct(r.close_on_time), 10),
            right(&pct(r.closure), 8),
            right(&pct(r.satisfaction), 9),
            if r.below_floor { "*" } else { " " },
            right(&avg, 10),
        );
    };
    for l in &s.by_department {
        row(&l.unit.name, l);
    }
    row("合计", &s.total);
    let below: Vec<&str> = s
        .by_department
        .iter()
        .filter(|l| l.rates.below_floor)
        .map(|l| l.unit.name.as_str())
        .collect();
    if below.is_empty() {
        println!("no unit below the satisfaction floor");
    } else {
        println!("below the satisfaction floor: {}", below.join("、"));
    }
    if let Some(file) = out {
        let bytes = export::stats_xlsx(app, &Ctx::cli(), &f, today)
            .await
            .map_err(describe)?;
        write_file(file, &bytes)?;
        println!("written to {}", file.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The filter of `--state S --department CODE --overdue`, or the refusal saying why.
async fn filter(
    app: &App,
    state: Option<&str>,
    department: Option<&str>,
    overdue: bool,
) -> Result<std::result::Result<ProblemFilter, ExitCode>> {
    let mut f = ProblemFilter {
        overdue,
        ..Default::default()
    };
    if let Some(s) = state.map(str::trim).filter(|s| !s.is_empty()) {
        if !matches!(s, "open" | "closed" | "awaiting") && CaseState::parse(s).is_none() {
            let names: Vec<&str> = CaseState::ALL.iter().map(|s| s.as_str()).collect();
            return Ok(Err(refused(format!(
                "unknown state {s}; use open, closed, awaiting or one of {}",
                names.join(", ")
            ))?));
        }
        f.state = Some(s.to_string());
    }
    if let Some(code) = department.map(str::trim).filter(|s| !s.is_empty()) {
        match wujin_app::seed::unit_id(app, code).await? {
            Some(id) => f.department_id = Some(id),
            None => {
                return Ok(Err(refused(format!(
                    "no unit with code {code} (see the departments page or GET /api/v1/departments)"
                ))?));
            }
        }
    }
    Ok(Ok(f))
}

/// What `wujin export` writes of the service loop.
pub enum ServiceExport {
    Problems {
        state: Option<String>,
        department: Option<String>,
    },
    Commitments,
    Visits,
}

/// `wujin export problems|commitments|visits FILE.xlsx`: every row, as the office sees it.
pub async fn export(app: &App, what: ServiceExport, file: &Path) -> Result<ExitCode> {
    if let Some(code) = xlsx_only(file) {
        return Ok(code);
    }
    let ctx = Ctx::cli();
    let today = wujin_app::china_today();
    let one = PageRequest::new(Some(1), Some(1));
    let (bytes, rows, what) = match what {
        ServiceExport::Problems { state, department } => {
            let f = match filter(app, state.as_deref(), department.as_deref(), false).await? {
                Ok(f) => f,
                Err(code) => return Ok(code),
            };
            let n = queue::list(app, &ctx, &f, one, today).await?.total;
            let bytes = export::problems_xlsx(app, &ctx, &f, today).await;
            (bytes, n, "problem(s) (问题清单)")
        }
        ServiceExport::Commitments => {
            let f = ProblemFilter {
                commitments: true,
                ..Default::default()
            };
            let n = queue::list(app, &ctx, &f, one, today).await?.total;
            let bytes = export::commitments_xlsx(app, &ctx, &f, today).await;
            (bytes, n, "promised measure(s) (落实清单)")
        }
        ServiceExport::Visits => {
            let f = Default::default();
            let n = visits::list(app, &ctx, &f, one).await?.total;
            let bytes = export::visits_xlsx(app, &ctx, &f).await;
            (bytes, n, "visit(s) (走访台账)")
        }
    };
    let bytes = bytes.map_err(describe)?;
    write_file(file, &bytes)?;
    println!("{rows} {what} written to {}", file.display());
    Ok(ExitCode::SUCCESS)
}

/// `wujin problems list [--state S] [--department CODE] [--overdue]`: nearest deadline first.
pub async fn list(
    app: &App,
    state: Option<&str>,
    department: Option<&str>,
    overdue: bool,
) -> Result<ExitCode> {
    let f = match filter(app, state, department, overdue).await? {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    let today = wujin_app::china_today();
    println!(
        "id     {} {} {} {} {} 问题",
        cell("受理日期", 10),
        cell("状态", 10),
        cell("企业", 24),
        cell("牵头部门", 14),
        cell("当前时限", 25),
    );
    let mut page_no = 1;
    loop {
        let page = queue::list(
            app,
            &Ctx::cli(),
            &f,
            PageRequest::new(Some(page_no), Some(200)),
            today,
        )
        .await
        .map_err(describe)?;
        for r in &page.items {
            let due = match r.due_on {
                Some(d) => format!(
                    "{d} {}{}",
                    labels::due(r.due_kind.as_deref()),
                    if r.overdue { " 超期" } else { "" }
                ),
                None => "-".into(),
            };
            println!(
                "{:<6} {} {} {} {} {} {}",
                r.id,
                cell(&r.received_on.to_string(), 10),
                cell(labels::state(&r.state), 10),
                cell(&r.enterprise.name, 24),
                cell(
                    r.lead_department
                        .as_ref()
                        .map(|d| d.name.as_str())
                        .unwrap_or("-"),
                    14
                ),
                cell(&due, 25),
                r.title
            );
        }
        if page_no >= page.pages() {
            println!("{} problem(s)", page.total);
            break;
        }
        page_no += 1;
    }
    Ok(ExitCode::SUCCESS)
}

/// `wujin problems show ID`: the case, its timeline and the clocks of each hand-over.
pub async fn show(app: &App, id: i64) -> Result<ExitCode> {
    let today = wujin_app::china_today();
    let d = match view::detail(app, &Ctx::cli(), id, today).await {
        Ok(d) => d,
        Err(AppError::NotFound) => return refused(format!("there is no problem {id}")),
        Err(e) => return Err(describe(e)),
    };
    let r = &d.row;
    println!("#{} {}", r.id, r.title);
    println!(
        "  企业 {}{}",
        r.enterprise.name,
        r.town
            .as_ref()
            .map(|t| format!("（{}）", t.name))
            .unwrap_or_default()
    );
    println!(
        "  {} · {} · {} · 紧急程度{} · 复杂程度{}",
        labels::source(&r.source),
        labels::category(&r.category),
        labels::level(&r.level),
        labels::urgency(&r.urgency),
        labels::complexity(&r.complexity)
    );
    println!("  状态 {}（第 {} 轮）", labels::state(&r.state), r.round);
    if let Some(l) = &r.lead_department {
        let co: Vec<&str> = d.co_departments.iter().map(|c| c.name.as_str()).collect();
        println!(
            "  牵头部门 {}{}",
            l.name,
            if co.is_empty() {
                String::new()
            } else {
                format!("，配合 {}", co.join("、"))
            }
        );
    }
    if let Some(due) = r.due_on {
        println!(
            "  当前时限 {due}（{}）{}",
            labels::due(r.due_kind.as_deref()),
            if r.overdue { " 已超期" } else { "" }
        );
    }
    if let Some(m) = &r.measure {
        let by = r
            .measure_due
            .map(|d| format!("，{d} 前"))
            .unwrap_or_default();
        println!("  落实措施 {m}{by}");
    }
    println!("  {}", d.description);
    println!();
    println!("timeline:");
    for e in &d.events {
        let who = match &e.actor_unit {
            Some(u) => format!("{}（{u}）", e.actor_name),
            None => e.actor_name.clone(),
        };
        let mut line = format!(
            "  {} {:<20} {} → {}  {who}",
            e.on_date,
            e.action,
            e.from_state.as_deref().map(labels::state).unwrap_or("-"),
            labels::state(&e.to_state)
        );
        if let Some(l) = &e.lead_department {
            line.push_str(&format!("  交办 {l}"));
            if !e.co_departments.is_empty() {
                line.push_str(&format!("，配合 {}", e.co_departments.join("、")));
            }
        }
        if let Some(n) = &e.note {
            line.push_str(&format!("  「{n}」"));
        }
        println!("{line}");
    }
    if !d.assignments.is_empty() {
        println!();
        println!("hand-overs (working days):");
        let yes_no = |v: Option<bool>| match v {
            Some(true) => "on time",
            Some(false) => "late",
            None => "-",
        };
        for a in &d.assignments {
            println!(
                "  {}. {} assigned {} ({}); reply due {} — {} {}; close due {} — {} {}{}",
                a.seq,
                a.department.name,
                a.assigned_on,
                if a.assigned_on_time {
                    "on time"
                } else {
                    "late"
                },
                a.reply_due,
                a.replied_on.map(|d| d.to_string()).unwrap_or("-".into()),
                yes_no(a.replied_on_time),
                a.close_due.map(|d| d.to_string()).unwrap_or("-".into()),
                a.ended_on.map(|d| d.to_string()).unwrap_or("-".into()),
                yes_no(a.closed_on_time),
                a.worked_wd
                    .map(|w| format!("; {w} working day(s)"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
