//! Service-loop benchmarks on SQLite, one step per process:
//!
//! ```text
//! cargo bench -p wujin-app --bench service -- prepare DIR  # 100,000 cases over two years
//! cargo bench -p wujin-app --bench service -- queue DIR    # department queues, 400 requests, p50/p99
//! cargo bench -p wujin-app --bench service -- stats DIR    # the statistics, this year and two years
//! ```
//! `scripts/bench-service` runs them in order.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate};
use wujin_app::service::queue::{self, ProblemFilter};
use wujin_app::service::stats::{self, StatsFilter};
use wujin_app::{App, AppConfig, Ctx, PageRequest};
use wujin_domain::calendar::WorkingCalendar;
use wujin_domain::service::problem::{Complexity, ProblemCategory, Satisfaction};
use wujin_domain::service::sla::{self, ClockEvent, SlaRules};
use wujin_storage::entity::{
    app_user, department, enterprise, problem, problem_assignment, problem_co_department,
    problem_reach,
};
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use wujin_storage::{Db, dialect};

const CASES: usize = 100_000;

/// The day the queues are looked at.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 15).unwrap()
}

async fn open(dir: &Path) -> App {
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let db = Db::connect(&url).await.expect("open database");
    db.migrate().await.expect("migrate");
    App::new(db, AppConfig::default())
}

fn mix(i: u64, salt: u64) -> u64 {
    wujin_domain::demo_city::rng::mix64(i.wrapping_mul(0x9E37_79B9) ^ salt)
}

/// The demo city, then 100,000 cases received over two years, each with the event history of
/// its fate (most closed and rated, some open at every stage), their derived assignments and
/// co-departments, written in batches.
async fn prepare(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create dir");
    let _ = std::fs::remove_file(dir.join("bench.db"));
    let app = open(dir).await;
    wujin_app::demo::fill(&app).await.expect("demo city");
    let t0 = Instant::now();
    let db = app.db.read();
    let units = department::Entity::find().all(db).await.expect("units");
    let departments: Vec<i64> = [
        "zrzyj", "rsj", "czj", "sthjj", "scjgj", "swj", "fgj", "gdgs", "jxj",
    ]
    .iter()
    .filter_map(|c| units.iter().find(|u| u.code == *c).map(|u| u.id))
    .collect();
    let firms: Vec<(i64, i64)> = enterprise::Entity::find()
        .all(db)
        .await
        .expect("firms")
        .into_iter()
        .map(|e| (e.id, e.town_id))
        .collect();
    let cal = WorkingCalendar::shipped();
    let rules = SlaRules::default();
    let start = NaiveDate::from_ymd_opt(2025, 1, 2).unwrap();
    let span = (today() - start).num_days();
    let created = wujin_app::now();
    let mut problems = Vec::new();
    let mut assignments = Vec::new();
    let mut co = Vec::new();
    let mut reach = Vec::new();
    let mut written = 0usize;
    for i in 0..CASES {
        let h = |salt: u64| mix(i as u64, salt);
        let received = start + Duration::days(i as i64 * span / CASES as i64);
        let category = ProblemCategory::ALL[(h(1) % 11) as usize];
        let complexity = if h(2).is_multiple_of(7) {
            Complexity::Complex
        } else {
            Complexity::General
        };
        let (firm, town) = firms[(h(3) % firms.len() as u64) as usize];
        let town_level = h(4).is_multiple_of(4);
        let lead = if town_level {
            town
        } else {
            departments[(h(5) % departments.len() as u64) as usize]
        };
        let wd = |d: NaiveDate, n: u64| cal.add_working_days(d, n as u32).unwrap_or(d);
        // The story up to today: how far it got depends on its age and its luck.
        let mut ev = vec![(received, ClockEvent::Received)];
        let assigned = wd(received, h(6) % 3);
        let replied = wd(assigned, 1 + h(7) % 4);
        let closed = wd(replied, 1 + h(8) % 10);
        let stage = if closed < today() && !h(9).is_multiple_of(20) {
            5
        } else {
            h(10) % 5
        };
        let mut state = "received";
        if stage >= 1 && assigned <= today() {
            ev.push((assigned, ClockEvent::Assigned));
            state = "assigned";
        }
        if stage >= 2 && replied <= today() && state == "assigned" {
            ev.push((replied, ClockEvent::Replied));
            state = "handling";
        }
        if stage >= 3 && state == "handling" && h(11).is_multiple_of(10) {
            ev.push((replied, ClockEvent::Paused));
            state = "waiting_firm";
        }
        if stage >= 4 && closed <= today() && state == "handling" {
            ev.push((closed, ClockEvent::Closed));
            state = "closed";
            let rated = wd(closed, 2);
            if stage >= 5 && rated <= today() {
                let s = match h(12) % 20 {
                    0 => Satisfaction::Dissatisfied,
                    1..=3 => Satisfaction::BasicallySatisfied,
                    _ => Satisfaction::Satisfied,
                };
                ev.push((rated, ClockEvent::Rated(s)));
                state = if s.is_satisfied() {
                    "rated"
                } else {
                    "reopened"
                };
                if !s.is_satisfied() {
                    ev.push((rated, ClockEvent::Reopened));
                }
            }
        }
        let c = sla::clocks(&ev, category, complexity, &rules, &cal);
        let id = i as i64 + 1;
        let next = c.next_deadline();
        let co_unit = (!town_level && h(13).is_multiple_of(5))
            .then(|| departments[(h(14) % departments.len() as u64) as usize])
            .filter(|d| *d != lead);
        if let Some(d) = co_unit {
            co.push(problem_co_department::ActiveModel {
                problem_id: Set(id),
                department_id: Set(d),
                active: Set(!matches!(state, "reopened")),
            });
        }
        for (k, a) in c.assignments.iter().enumerate() {
            assignments.push(wujin_app::service::clock::assignment_row(
                id,
                k as i32 + 1,
                lead,
                Some(town),
                category.as_str(),
                a,
            ));
        }
        let in_department = matches!(
            state,
            "assigned" | "handling" | "waiting_firm" | "closed" | "rated"
        );
        let mut units = vec![town];
        if !c.assignments.is_empty() {
            units.push(lead);
        }
        units.extend(co_unit);
        units.sort_unstable();
        units.dedup();
        for u in units {
            reach.push(problem_reach::ActiveModel {
                problem_id: Set(id),
                unit_id: Set(u),
                state: Set(state.into()),
                due_key: Set(next
                    .map(|d| d.due)
                    .unwrap_or(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap())),
                received_on: Set(received),
                updated_at: Set(created),
                category: Set(category.as_str().into()),
            });
        }
        problems.push(problem::ActiveModel {
            id: Set(id),
            enterprise_id: Set(firm),
            town_id: Set(Some(town)),
            visit_id: Set(None),
            source: Set(["visit", "enterprise", "hotline", "town"][(h(15) % 4) as usize].into()),
            category: Set(category.as_str().into()),
            tags: Set(String::new()),
            title: Set(format!("{}问题 {id}", category.as_str())),
            description: Set("企业反映的困难和诉求".into()),
            urgency: Set(if h(16).is_multiple_of(8) {
                "urgent"
            } else {
                "normal"
            }
            .into()),
            complexity: Set(complexity.as_str().into()),
            level: Set(if town_level { "town" } else { "city" }.into()),
            state: Set(state.into()),
            round: Set(if state == "reopened" { 2 } else { 1 }),
            lead_department_id: Set(in_department.then_some(lead)),
            measure: Set((!h(17).is_multiple_of(3)).then(|| "明确落实措施".to_string())),
            measure_due: Set(Some(received + Duration::days(30))),
            answer: Set(None),
            outcome: Set(matches!(state, "closed" | "rated").then(|| "resolved".to_string())),
            outcome_note: Set(None),
            satisfaction: Set(c
                .assignments
                .last()
                .and_then(|a| a.satisfaction)
                .map(|s| s.as_str().to_string())),
            rating_comment: Set(None),
            received_on: Set(received),
            closed_on: Set(matches!(state, "closed" | "rated").then_some(closed)),
            due_on: Set(next.map(|d| d.due)),
            due_kind: Set(next.map(|d| format!("{:?}", d.kind).to_lowercase())),
            paused: Set(c.paused_since.is_some()),
            provisional: Set(c.provisional),
            reopen_count: Set(if state == "reopened" { 1 } else { 0 }),
            created_by: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
        });
        if problems.len() == 2_000 || i + 1 == CASES {
            let tx = app.db.write().begin().await.expect("tx");
            for chunk in problems.chunks(200) {
                problem::Entity::insert_many(chunk.to_vec())
                    .exec_without_returning(&tx)
                    .await
                    .expect("problems");
            }
            for chunk in assignments.chunks(200) {
                problem_assignment::Entity::insert_many(chunk.to_vec())
                    .exec_without_returning(&tx)
                    .await
                    .expect("assignments");
            }
            for chunk in reach.chunks(200) {
                problem_reach::Entity::insert_many(chunk.to_vec())
                    .exec_without_returning(&tx)
                    .await
                    .expect("reach");
            }
            for chunk in co.chunks(200) {
                problem_co_department::Entity::insert_many(chunk.to_vec())
                    .exec_without_returning(&tx)
                    .await
                    .expect("co");
            }
            tx.commit().await.expect("commit");
            written += problems.len();
            problems.clear();
            assignments.clear();
            co.clear();
            reach.clear();
            if written.is_multiple_of(20_000) {
                eprintln!("  {written} cases …");
            }
        }
    }
    dialect::refresh_statistics(app.db.write())
        .await
        .expect("analyze");
    println!(
        "prepare: {CASES} cases written in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
}

async fn ctx(app: &App, username: &str) -> Ctx {
    let u = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(app.db.read())
        .await
        .expect("user")
        .expect("demo account");
    Ctx::new(
        wujin_app::Actor::from_user(&u).expect("actor"),
        wujin_app::RequestMeta::cli(),
    )
}

fn report(name: &str, mut times: Vec<f64>, extra: &str) {
    times.sort_by(|a, b| a.total_cmp(b));
    let pct = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "{name}: {} requests: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms{extra}",
        times.len(),
        pct(0.5),
        pct(0.99),
        times[times.len() - 1]
    );
}

/// Department queues: three departments' staff open their list — all their cases, the open
/// ones, the overdue ones, a category, a word — sorted by deadline or date, pages 1 to 3.
async fn queue_bench(dir: &Path) {
    let app = open(dir).await;
    let staff = [
        ctx(&app, "zrzy_lou").await,
        ctx(&app, "gd_yu").await,
        ctx(&app, "rsj_ni").await,
    ];
    let mut times = Vec::new();
    let mut total = 0;
    for i in 0..400usize {
        let f = ProblemFilter {
            state: match i % 4 {
                1 => Some("open".into()),
                2 => Some("closed".into()),
                _ => None,
            },
            overdue: i % 5 == 3,
            category: (i % 6 == 4).then(|| "land".into()),
            q: (i % 13 == 7).then(|| "问题 12".into()),
            sort: Some(["due", "-received", "received", "updated"][i % 4].into()),
            ..Default::default()
        };
        let page = PageRequest {
            page: 1 + (i as u64 % 3),
            per_page: 20,
        };
        let t = Instant::now();
        let p = queue::list(&app, &staff[i % 3], &f, page, today())
            .await
            .expect("queue");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        total += p.total;
    }
    report(
        &format!("queue ({CASES} cases; department staff; none to three filters, four sorts)"),
        times,
        &format!(" (avg {} matches)", total / 400),
    );
}

/// The statistics as a leader sees them: this year, and both years.
async fn stats_bench(dir: &Path) {
    let app = open(dir).await;
    let leader = ctx(&app, "leader").await;
    for (name, f) in [
        ("stats, this year", StatsFilter::default()),
        (
            "stats, two years",
            StatsFilter {
                from: NaiveDate::from_ymd_opt(today().year() - 1, 1, 1),
                ..Default::default()
            },
        ),
    ] {
        let mut times = Vec::new();
        let mut lines = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let s = stats::stats(&app, &leader, &f, today())
                .await
                .expect("stats");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            lines = s.by_department.len() + s.by_town.len();
        }
        report(name, times, &format!(" ({lines} unit lines)"));
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let step = args.first().map(String::as_str).unwrap_or("queue");
    let dir = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("wujin-bench-service"));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    match step {
        "prepare" => rt.block_on(prepare(&dir)),
        "queue" => rt.block_on(queue_bench(&dir)),
        "stats" => rt.block_on(stats_bench(&dir)),
        other => {
            eprintln!("unknown step {other}: prepare DIR | queue DIR | stats DIR");
            std::process::exit(2);
        }
    }
}
