//! Evaluation benchmarks on SQLite, one step per process:
//!
//! ```text
//! cargo bench -p wujin-app --bench evaluation -- score         # scoring + ranking alone, in memory
//! cargo bench -p wujin-app --bench evaluation -- prepare DIR   # 100,000 firms with 2024 figures
//! cargo bench -p wujin-app --bench evaluation -- run DIR       # evaluate 2024 end to end, twice
//! cargo bench -p wujin-app --bench evaluation -- results DIR   # the results page of that run, p50/p99
//! ```
//! `scripts/bench-evaluation` runs them in order.

use std::path::{Path, PathBuf};
use std::time::Instant;

use wujin_app::{App, AppConfig, Ctx};
use wujin_domain::demo_city::{DemoCityParams, generate};
use wujin_domain::enterprise::Scale;
use wujin_domain::evaluation::{EvaluationScheme, FirmFigures, FirmFlags, FirmInput, evaluate};
use wujin_storage::Db;

const FIRMS: usize = 100_000;

fn params() -> DemoCityParams {
    DemoCityParams {
        above_scale_firms: FIRMS / 4,
        below_scale_firms: FIRMS - FIRMS / 4,
        years: 2024..=2024,
        ..Default::default()
    }
}

async fn open(dir: &Path) -> App {
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let db = Db::connect(&url).await.expect("open database");
    db.migrate().await.expect("migrate");
    App::new(db, AppConfig::default())
}

/// Scoring, filling, ranking and grading 100,000 firms held in memory: the best of five.
fn score() {
    let firms: Vec<FirmInput> = generate(&params())
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let f = d.latest()?;
            Some(FirmInput {
                id: i as i64 + 1,
                scale: if d.is_above_scale() {
                    Scale::Above
                } else {
                    Scale::Below
                },
                industry_group: d.industry_group.to_string(),
                figures: FirmFigures {
                    main_revenue_yuan: f.main_revenue_yuan,
                    value_added_yuan: f.value_added_yuan,
                    evaluation_tax_yuan: f.evaluation_tax_yuan,
                    rnd_expense_yuan: f.rnd_expense_yuan,
                    energy_tce: f.energy_tce,
                    power_kwh: f.power_kwh,
                    emissions_t: f.emissions_t,
                    avg_staff: f.avg_staff,
                    land_mu: f.land_mu.or(Some(d.parcels_mu())),
                },
                flags: FirmFlags {
                    safety_accident: f.safety_accident,
                    environmental_accident: f.environmental_accident,
                    energy_task_unmet: f.energy_task_unmet,
                    falsified_data: f.falsified_data,
                },
                unrated: false,
                tags: d.tags.iter().map(|t| t.to_string()).collect(),
            })
        })
        .collect();
    let scheme = EvaluationScheme::default_for(2024);
    let mut best = f64::MAX;
    let mut graded = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let results = evaluate(&scheme, &firms);
        best = best.min(t.elapsed().as_secs_f64());
        graded = results.iter().filter(|r| r.grade.is_some()).count();
    }
    println!(
        "score: {} firms ({graded} graded) scored, ranked and graded in {:.1} ms (best of 5)",
        firms.len(),
        best * 1000.0
    );
}

async fn prepare(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create dir");
    let _ = std::fs::remove_file(dir.join("bench.db"));
    let app = open(dir).await;
    wujin_app::seed::seed_reference_data(&app, &Ctx::cli())
        .await
        .expect("seed");
    let t = Instant::now();
    let n = wujin_app::demo_registry::fill_registry(&app, &params(), &mut |_, _| {})
        .await
        .expect("fill");
    println!(
        "prepare: {n} firms with 2024 figures written in {:.2} s",
        t.elapsed().as_secs_f64()
    );
}

/// Evaluates 2024 end to end (read the inputs, score, rank, write one result per firm) twice:
/// the first run also creates the year's default scheme from the county's averages.
async fn run(dir: &Path) {
    let app = open(dir).await;
    let ctx = Ctx::cli();
    for attempt in ["first (creates the scheme)", "second"] {
        let t = Instant::now();
        let s = wujin_app::evaluation::run(&app, &ctx, 2024, None)
            .await
            .expect("run");
        println!(
            "run: {attempt}: run {} of {} firms in {:.2} s, classes {:?}",
            s.run_id,
            s.firms,
            t.elapsed().as_secs_f64(),
            s.by_grade
        );
    }
}

/// The results page of the latest run, as the page asks for it: the run's header (its counts
/// per class) and one page of results, under the page's filters and sorts. 400 requests.
async fn results(dir: &Path) {
    use wujin_app::PageRequest;
    use wujin_app::evaluation::results::{ResultFilter, get_run, list_runs, results};
    let app = open(dir).await;
    let ctx = Ctx::cli();
    let run_id = list_runs(&app, &ctx, &Default::default(), PageRequest::default())
        .await
        .expect("runs")
        .items
        .first()
        .expect("a run: run the `run` step first")
        .id;
    let towns: Vec<i64> = wujin_app::departments::all(app.db.read())
        .await
        .expect("towns")
        .iter()
        .filter(|d| matches!(d.kind.as_str(), "town" | "street" | "zone"))
        .map(|d| d.id)
        .collect();
    let groups: Vec<i64> = wujin_app::registry::dictionaries::entries(
        app.db.read(),
        wujin_app::registry::dictionaries::Dictionary::IndustryGroup,
    )
    .await
    .expect("groups")
    .iter()
    .map(|g| g.id)
    .collect();
    let grades = ["A", "B", "C", "D", "listed", "unrated"];
    let sorts = ["score", "rank", "name"];
    let mut times = Vec::new();
    let mut total = 0;
    for i in 0..400usize {
        // Every fifth request unfiltered; the others with one to four filters.
        let f = ResultFilter {
            grade: (i % 5 == 1 || i % 5 == 4).then(|| grades[i % grades.len()].to_string()),
            group: (i % 5 >= 2).then(|| groups[i % groups.len()]),
            town: (i % 5 >= 3).then(|| towns[i % towns.len()]),
            scale: (i % 5 == 4).then(|| if i % 2 == 0 { "above" } else { "below" }.into()),
            q: (i % 20 == 7).then(|| "五金".to_string()),
            sort: Some(sorts[i % sorts.len()].to_string()),
            dir: None,
        };
        let page = PageRequest {
            page: if i % 10 == 9 { 50 } else { 1 + (i as u64 % 3) },
            per_page: 50,
        };
        let t = Instant::now();
        let run = get_run(&app, &ctx, run_id).await.expect("run");
        let p = results(&app, &ctx, run_id, &f, page)
            .await
            .expect("results");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        total += p.total;
        assert_eq!(run.id, run_id);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let pct = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "results: 400 pages of run {run_id} (header + 50 rows; none to four filters, three sorts, every 10th page 50) over {FIRMS} firms: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (avg {} matches)",
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
    let step = args.first().map(String::as_str).unwrap_or("score");
    let dir = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("wujin-bench-evaluation"));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    match step {
        "score" => score(),
        "prepare" => rt.block_on(prepare(&dir)),
        "run" => rt.block_on(run(&dir)),
        "results" => rt.block_on(results(&dir)),
        other => {
            eprintln!("unknown step {other}: score | prepare DIR | run DIR | results DIR");
            std::process::exit(2);
        }
    }
}
