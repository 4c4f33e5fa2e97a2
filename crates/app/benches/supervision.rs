//! Supervision benchmarks on SQLite, one step per process:
//!
//! ```text
//! cargo bench -p wujin-app --bench supervision -- prepare DIR    # 2,000 tasks, 24 months of reports and colours
//! cargo bench -p wujin-app --bench supervision -- recompute DIR  # every colour of the plan, best of 5
//! cargo bench -p wujin-app --bench supervision -- board DIR      # the board, 400 requests, p50/p99
//! ```
//! `scripts/bench-supervision` runs them in order.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use wujin_app::supervision::board::{BoardFilter, BoardSort, ReportFilter};
use wujin_app::supervision::plans::{self, NewPlan};
use wujin_app::supervision::tasks::{self, NewTask};
use wujin_app::{App, AppConfig, Ctx, PageRequest};
use wujin_domain::access::Role;
use wujin_domain::supervision::colour::TaskColour;
use wujin_storage::Db;
use wujin_storage::entity::{app_user, department, progress_report, task_co_unit};
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

const TASKS: usize = 2_000;
const AREAS: usize = 20;
const MONTHS: u32 = 24;
const PLAN: &str = "基准测试：2025—2026年重点工作任务分解";

/// The day the plan is looked at: its 24th month.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 15).unwrap()
}

async fn open(dir: &Path) -> App {
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let db = Db::connect(&url).await.expect("open database");
    db.migrate().await.expect("migrate");
    App::new(db, AppConfig::default())
}

async fn plan_id(app: &App) -> i64 {
    plans::list(app, &Ctx::cli())
        .await
        .expect("plans")
        .into_iter()
        .find(|p| p.name == PLAN)
        .expect("the plan: run the `prepare` step first")
        .id
}

/// The demo city's units and leaders, a plan of 2,000 tasks under 20 areas (each with a
/// lead leader, a lead unit, one or two co-units and a deadline phrase), 24 months of lead
/// reports (one in twelve missing) and co-unit contributions, and the colours of every month.
async fn prepare(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create dir");
    let _ = std::fs::remove_file(dir.join("bench.db"));
    let app = open(dir).await;
    let ctx = Ctx::cli();
    wujin_app::demo::fill(&app).await.expect("demo city");
    let t0 = Instant::now();
    let units: Vec<i64> = department::Entity::find()
        .filter(department::Column::ParentId.is_not_null())
        .all(app.db.read())
        .await
        .expect("units")
        .into_iter()
        .map(|d| d.id)
        .collect();
    let leaders: Vec<i64> = app_user::Entity::find()
        .filter(app_user::Column::Role.eq(Role::Leader.as_str()))
        .all(app.db.read())
        .await
        .expect("leaders")
        .into_iter()
        .map(|u| u.id)
        .collect();
    let p = plans::create(
        &app,
        &ctx,
        NewPlan {
            name: PLAN.into(),
            year: 2025,
            ..Default::default()
        },
    )
    .await
    .expect("plan");
    let phrases = [
        "2026年底前",
        "2026年6月底前",
        "2025年底前",
        "每季度",
        "长期坚持",
        "2026年三季度",
        "持续推进",
        "2026-09-30",
    ];
    let mut areas = Vec::new();
    for a in 0..AREAS {
        let area = tasks::add(
            &app,
            &ctx,
            NewTask {
                plan_id: p.id,
                serial: format!("{}", a + 1),
                content: format!("第{}个领域", a + 1),
                ..Default::default()
            },
        )
        .await
        .expect("area");
        areas.push(area.id);
    }
    let mut ids = Vec::with_capacity(TASKS);
    for i in 0..TASKS {
        let lead = units[i % units.len()];
        let co: Vec<i64> = (1..=(1 + i % 2))
            .map(|k| units[(i * 7 + k * 3) % units.len()])
            .filter(|u| *u != lead)
            .collect();
        let t = tasks::add(
            &app,
            &ctx,
            NewTask {
                plan_id: p.id,
                parent_id: Some(areas[i % AREAS]),
                serial: format!("{}.{}", i % AREAS + 1, i / AREAS + 1),
                content: format!("重点任务{i}：推进五金产业数字化改造和企业培育"),
                lead_leader_id: Some(leaders[i % leaders.len()]),
                lead_unit_id: Some(lead),
                co_unit_ids: co,
                deadline_text: Some(phrases[i % phrases.len()].into()),
                ..Default::default()
            },
        )
        .await
        .expect("task");
        ids.push((t.id, lead));
    }
    println!(
        "prepare: {AREAS} areas and {TASKS} tasks added in {:.2} s",
        t0.elapsed().as_secs_f64()
    );
    let t1 = Instant::now();
    let co: Vec<task_co_unit::Model> = task_co_unit::Entity::find()
        .all(app.db.read())
        .await
        .expect("co-units");
    let mut reports = 0usize;
    for m in 0..MONTHS {
        let month = NaiveDate::from_ymd_opt(2025, 1, 1)
            .unwrap()
            .checked_add_months(chrono::Months::new(m))
            .unwrap();
        let cycle = month.format("%Y-%m").to_string();
        let due = month
            .checked_add_months(chrono::Months::new(1))
            .unwrap()
            .with_day0(4)
            .unwrap();
        let submitted = due.and_hms_opt(9, 0, 0).unwrap().and_utc();
        let mut rows = Vec::new();
        for (k, (task, lead)) in ids.iter().enumerate() {
            if (k + m as usize).is_multiple_of(12) {
                continue; // one in twelve missing
            }
            let progress =
                ((m + 1) as f64 / MONTHS as f64 * 100.0 - (k % 40) as f64).clamp(0.0, 100.0);
            rows.push(progress_report::ActiveModel {
                task_id: Set(*task),
                cycle: Set(cycle.clone()),
                unit_id: Set(*lead),
                is_lead: Set(true),
                author_id: Set(None),
                progress: Set("按计划推进，本月完成阶段性目标。".into()),
                percent_complete: Set(Some(progress)),
                target_value: Set(None),
                problems: Set(None),
                next_steps: Set(None),
                due_on: Set(due),
                submitted_at: Set(submitted),
                late: Set(k % 17 == 0),
                ..Default::default()
            });
        }
        for c in co
            .iter()
            .filter(|c| (c.task_id as u32 + m).is_multiple_of(3))
        {
            rows.push(progress_report::ActiveModel {
                task_id: Set(c.task_id),
                cycle: Set(cycle.clone()),
                unit_id: Set(c.unit_id),
                is_lead: Set(false),
                author_id: Set(None),
                progress: Set("配合做好相关工作。".into()),
                percent_complete: Set(None),
                target_value: Set(None),
                problems: Set(None),
                next_steps: Set(None),
                due_on: Set(due),
                submitted_at: Set(submitted),
                late: Set(false),
                ..Default::default()
            });
        }
        reports += rows.len();
        for chunk in rows.chunks(1_000) {
            progress_report::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(app.db.write())
                .await
                .expect("reports");
        }
        wujin_app::supervision::colours::recompute(&app, &ctx, p.id, month.with_day(15).unwrap())
            .await
            .expect("colours");
    }
    println!(
        "prepare: {reports} reports over {MONTHS} months and the colours of every month in {:.2} s",
        t1.elapsed().as_secs_f64()
    );
}

use chrono::Datelike;

/// Recomputes every colour of the plan for today: best of five.
async fn recompute(dir: &Path) {
    let app = open(dir).await;
    let ctx = Ctx::cli();
    let id = plan_id(&app).await;
    let mut best = f64::MAX;
    let mut summary = None;
    for _ in 0..5 {
        let t = Instant::now();
        let s = wujin_app::supervision::colours::recompute(&app, &ctx, id, today())
            .await
            .expect("recompute");
        best = best.min(t.elapsed().as_secs_f64());
        summary = Some(s);
    }
    let s = summary.unwrap();
    println!(
        "recompute: {TASKS} tasks' colours for {} in {:.0} ms (best of 5): {:?}",
        s.cycle,
        best * 1000.0,
        s.by_colour
    );
}

/// The board as the office, a leader and a unit open it: 400 requests, one page of 50 rows,
/// none to three filters, four sorts.
async fn board(dir: &Path) {
    let app = open(dir).await;
    let id = plan_id(&app).await;
    let office = Ctx::cli();
    let ctx_of = |u: app_user::Model| {
        Ctx::new(
            wujin_app::Actor::from_user(&u).expect("actor"),
            wujin_app::RequestMeta::cli(),
        )
    };
    let leader = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("leader"))
        .one(app.db.read())
        .await
        .expect("leader")
        .map(ctx_of)
        .expect("leader account");
    let unit = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("dept"))
        .one(app.db.read())
        .await
        .expect("dept")
        .map(ctx_of)
        .expect("department account");
    let sorts = [
        BoardSort::Plan,
        BoardSort::Colour,
        BoardSort::Deadline,
        BoardSort::Progress,
    ];
    let colours = [TaskColour::Red, TaskColour::Yellow, TaskColour::Green];
    let mut times = Vec::new();
    let mut total = 0;
    for i in 0..400usize {
        let ctx = match i % 4 {
            0 | 1 => &office,
            2 => &leader,
            _ => &unit,
        };
        let f = BoardFilter {
            colour: (i % 3 == 1).then(|| colours[i % colours.len()]),
            overdue: i % 7 == 3,
            report: (i % 5 == 2).then_some(ReportFilter::Unfiled),
            q: (i % 11 == 5).then(|| "数字化".to_string()),
            sort: sorts[i % sorts.len()],
            ..Default::default()
        };
        let page = PageRequest {
            page: 1 + (i as u64 % 3),
            per_page: 50,
        };
        let t = Instant::now();
        let b = wujin_app::supervision::board::board(&app, ctx, id, &f, page, today())
            .await
            .expect("board");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        total += b.rows.total;
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let pct = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "board: 400 pages of a {TASKS}-task plan with {MONTHS} months of reports (office, leader, unit; none to three filters, four sorts): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (avg {} matches)",
        pct(0.5),
        pct(0.99),
        times[times.len() - 1],
        total / 400
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let step = args.first().map(String::as_str).unwrap_or("board");
    let dir = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("wujin-bench-supervision"));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    match step {
        "prepare" => rt.block_on(prepare(&dir)),
        "recompute" => rt.block_on(recompute(&dir)),
        "board" => rt.block_on(board(&dir)),
        other => {
            eprintln!("unknown step {other}: prepare DIR | recompute DIR | board DIR");
            std::process::exit(2);
        }
    }
}
