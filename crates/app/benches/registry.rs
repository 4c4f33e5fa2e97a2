//! Registry benchmarks on SQLite, one step per process so each step's peak memory is its own:
//!
//! ```text
//! cargo bench -p wujin-app --bench registry -- prepare DIR   # 100,000 firms + a 100,000-row figures xlsx
//! cargo bench -p wujin-app --bench registry -- import DIR    # validate + commit the xlsx
//! cargo bench -p wujin-app --bench registry -- export DIR    # export 100,000 rows of figures
//! cargo bench -p wujin-app --bench registry -- list DIR      # enterprise list, 4 filters, p50/p99
//! ```
//! `scripts/bench-registry` runs them in order and prints each step's time and peak memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use wujin_app::registry::EnterpriseFilter;
use wujin_app::registry::import::{self, ImportOptions};
use wujin_app::{App, AppConfig, Ctx, PageRequest};
use wujin_domain::demo_city::DemoCityParams;
use wujin_storage::Db;
use wujin_storage::entity::yearly_figures;
use wujin_storage::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use wujin_xlsx::TableKind;
use wujin_xlsx::write::{ExportColumn, ExportFormat, ExportValue, export_table};

const FIRMS: usize = 100_000;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|k| k.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

async fn open(dir: &Path) -> App {
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let db = Db::connect(&url).await.expect("open database");
    db.migrate().await.expect("migrate");
    App::new(db, AppConfig::default())
}

async fn prepare(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create dir");
    let _ = std::fs::remove_file(dir.join("bench.db"));
    let app = open(dir).await;
    wujin_app::seed::seed_reference_data(&app, &Ctx::cli())
        .await
        .expect("seed");
    let params = DemoCityParams {
        above_scale_firms: FIRMS / 4,
        below_scale_firms: FIRMS - FIRMS / 4,
        years: 2024..=2024,
        ..Default::default()
    };
    let t = Instant::now();
    let n = wujin_app::demo_registry::fill_registry(&app, &params, &mut |_, _| {})
        .await
        .expect("fill");
    println!(
        "prepare: {n} firms with 2024 figures written in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    // A 2025 figures workbook for every firm, as the statistics bureau would send it.
    let mut firms: Vec<(i64, String, String)> = Vec::with_capacity(n);
    wujin_app::registry::enterprises::for_each(
        &app,
        &Ctx::cli(),
        &EnterpriseFilter::default(),
        |v| firms.push((v.id, v.credit_code, v.name)),
    )
    .await
    .expect("firms");
    let fk = TableKind::Figures;
    let keys = [
        "credit_code",
        "name",
        "year",
        "main_revenue_yuan",
        "output_value_yuan",
        "value_added_yuan",
        "evaluation_tax_yuan",
        "rnd_expense_yuan",
        "energy_tce",
        "power_kwh",
        "water_m3",
        "emissions_t",
        "avg_staff",
        "land_mu",
    ];
    let columns: Vec<ExportColumn> = keys
        .iter()
        .map(|k| ExportColumn {
            header: fk.column(k).expect("column").header.to_string(),
            format: match *k {
                "credit_code" | "name" => ExportFormat::Text,
                "year" => ExportFormat::PlainInteger,
                "energy_tce" | "emissions_t" | "land_mu" => ExportFormat::Decimal2,
                k if k.ends_with("_yuan") => ExportFormat::MoneyWanYuan,
                _ => ExportFormat::Integer,
            },
            width: 14.0,
        })
        .collect();
    // 2025 = 2024 with growth between -6 % and +14 %, so that, as in a real year, only firms
    // near the 2,000万元 line change scale.
    let last: HashMap<i64, yearly_figures::Model> = yearly_figures::Entity::find()
        .filter(yearly_figures::Column::Year.eq(2024))
        .all(app.db.read())
        .await
        .expect("2024 figures")
        .into_iter()
        .map(|f| (f.enterprise_id, f))
        .collect();
    let rows = firms.into_iter().enumerate().map(|(i, (id, code, name))| {
        let g = 1.0 + ((i % 21) as f64 - 6.0) / 100.0;
        let f = last.get(&id);
        let money = |v: Option<i64>| {
            v.map_or(ExportValue::Empty, |v| {
                ExportValue::Int((v as f64 * g) as i64)
            })
        };
        let real = |v: Option<f64>| v.map_or(ExportValue::Empty, |v| ExportValue::Real(v * g));
        vec![
            ExportValue::Text(code),
            ExportValue::Text(name),
            ExportValue::Int(2025),
            money(f.and_then(|f| f.main_revenue_yuan)),
            money(f.and_then(|f| f.output_value_yuan)),
            money(f.and_then(|f| f.value_added_yuan)),
            money(f.and_then(|f| f.evaluation_tax_yuan)),
            money(f.and_then(|f| f.rnd_expense_yuan)),
            real(f.and_then(|f| f.energy_tce)),
            money(f.and_then(|f| f.power_kwh)),
            money(f.and_then(|f| f.water_m3)),
            real(f.and_then(|f| f.emissions_t)),
            f.and_then(|f| f.avg_staff)
                .map_or(ExportValue::Empty, ExportValue::Int),
            f.and_then(|f| f.land_mu)
                .map_or(ExportValue::Empty, ExportValue::Real),
        ]
    });
    let bytes = export_table("年度数据", None, &columns, rows).expect("write xlsx");
    std::fs::write(dir.join("figures-2025.xlsx"), &bytes).expect("write file");
    println!(
        "prepare: figures-2025.xlsx, {} rows, {:.1} MiB",
        n,
        bytes.len() as f64 / 1_048_576.0
    );
}

async fn import_step(dir: &Path) {
    let app = open(dir).await;
    let bytes = std::fs::read(dir.join("figures-2025.xlsx")).expect("run prepare first");
    let t = Instant::now();
    let mut last = ("", Instant::now());
    let (p, c) = import::run_file(
        &app,
        &Ctx::cli(),
        import::FileRun {
            kind: TableKind::Figures,
            file_name: "figures-2025.xlsx",
            bytes,
            opts: &ImportOptions::default(),
            dry_run: false,
        },
        &mut |stage, _, _| {
            if stage != last.0 {
                if !last.0.is_empty() {
                    println!("  {:<8} {:>6.2} s", last.0, last.1.elapsed().as_secs_f64());
                }
                last = (stage, Instant::now());
            }
        },
    )
    .await
    .expect("import");
    println!("  {:<8} {:>6.2} s", last.0, last.1.elapsed().as_secs_f64());
    let c = c.unwrap_or_else(|| panic!("import failed: {:?}", &p.errors[..p.errors.len().min(5)]));
    println!(
        "import: {} rows validated and committed ({} created, {} audit events) in {:.2} s; peak memory {:.0} MiB",
        p.rows,
        c.created,
        c.audit_events,
        t.elapsed().as_secs_f64(),
        peak_rss_mib()
    );
}

async fn export_step(dir: &Path) {
    let app = open(dir).await;
    let t = Instant::now();
    let bytes = wujin_app::registry::export::figures_xlsx(
        &app,
        &Ctx::cli(),
        2025,
        &EnterpriseFilter::default(),
    )
    .await
    .expect("export");
    println!(
        "export: {FIRMS} rows of 2025 figures, {:.1} MiB, in {:.2} s; peak memory {:.0} MiB",
        bytes.len() as f64 / 1_048_576.0,
        t.elapsed().as_secs_f64(),
        peak_rss_mib()
    );
}

async fn list_step(dir: &Path) {
    let app = open(dir).await;
    let towns = wujin_app::departments::all(app.db.read())
        .await
        .expect("towns");
    let towns: Vec<i64> = towns
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
    let mut times = Vec::new();
    let mut total = 0;
    for i in 0..400usize {
        let f = EnterpriseFilter {
            town: Some(towns[i % towns.len()]),
            group: Some(groups[i % groups.len()]),
            scale: Some(if i % 2 == 0 { "above" } else { "below" }.into()),
            status: Some("operating".into()),
            q: (i % 4 == 3).then(|| "五金".to_string()),
            ..Default::default()
        };
        let t = Instant::now();
        let p = wujin_app::registry::enterprises::list(
            &app,
            &Ctx::cli(),
            &f,
            PageRequest {
                page: 1 + (i as u64 % 3),
                per_page: 20,
            },
        )
        .await
        .expect("list");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        total += p.total;
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let pct = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "list: 400 queries (town + group + scale + status, every 4th with a name search) over {FIRMS} firms: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (avg {} matches)",
        pct(0.5),
        pct(0.99),
        times[times.len() - 1],
        total / 400
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (step, dir) = match args.as_slice() {
        [step, dir, ..] => (step.as_str(), PathBuf::from(dir)),
        _ => {
            eprintln!("usage: registry (prepare|import|export|list) DIR");
            return;
        }
    };
    match step {
        "prepare" => prepare(&dir).await,
        "import" => import_step(&dir).await,
        "export" => export_step(&dir).await,
        "list" => list_step(&dir).await,
        other => eprintln!("unknown step {other}"),
    }
}
