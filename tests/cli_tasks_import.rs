//! `wujin import tasks` end to end against a fresh SQLite file: a dry run prints the preview
//! and the unknown names; without mappings nothing is written and the reason is printed; with
//! `--map` and `--create-units` the table is written.

use std::path::PathBuf;
use std::process::Command;

use wujin_app::supervision::plans::{self, NewPlan};
use wujin_app::{App, AppConfig, Ctx};
use wujin_storage::Db;

fn scratch() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("wujin-cli-tasks-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn wujin(url: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wujin"))
        .args(args)
        .env("WUJIN_DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .env_remove("WUJIN_CONFIG")
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run wujin");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

async fn tasks(app: &App, plan_id: i64) -> usize {
    wujin_app::supervision::tasks::of_plan(app, &Ctx::cli(), plan_id)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_decomposition_table_is_imported_from_the_command_line() {
    let dir = scratch();
    let url = format!("sqlite://{}", dir.join("wujin.db").display());
    let (status, out) = wujin(&url, &["migrate"]);
    assert_eq!(status, 0, "{out}");
    let app = App::new(Db::connect(&url).await.unwrap(), AppConfig::default());
    let cli = Ctx::cli();
    wujin_app::seed::seed_reference_data(&app, &cli)
        .await
        .unwrap();
    wujin_testkit::create_leaders(&app).await;
    let name = "2022年政府工作报告重点工作任务分解";
    let plan = plans::create(
        &app,
        &cli,
        NewPlan {
            name: name.into(),
            year: 2022,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let file = dir.join("分解表.xlsx");
    let bytes = wujin_app::supervision::import::sample_decomposition_xlsx(
        40,
        &["市数据局", "市城市大脑运营中心"],
    );
    std::fs::write(&file, bytes).unwrap();
    let file = file.to_str().unwrap();

    let (status, out) = wujin(
        &url,
        &["import", "tasks", file, "--plan", name, "--dry-run"],
    );
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("2 unknown name(s)"), "{out}");
    assert!(out.contains("unit 市数据局 (rows"), "{out}");
    assert!(out.contains("dry run: nothing was written"), "{out}");

    let (status, out) = wujin(&url, &["import", "tasks", file, "--plan", "没有这个计划"]);
    assert_ne!(status, 0);
    assert!(out.contains(name), "the plans are listed: {out}");

    // Unmapped: refused with the names, nothing written.
    let (status, out) = wujin(&url, &["import", "tasks", file, "--plan", name]);
    assert_eq!(status, 2, "{out}");
    assert!(
        out.contains("市城市大脑运营中心") && out.contains("--create-units"),
        "{out}"
    );
    assert_eq!(tasks(&app, plan.id).await, 0);

    // A mapping to a unit that does not exist is refused too.
    let (status, out) = wujin(
        &url,
        &[
            "import",
            "tasks",
            file,
            "--plan",
            name,
            "--map",
            "市数据局=市数据管理局",
            "--create-units",
        ],
    );
    assert_eq!(status, 2, "{out}");
    assert!(out.contains("市数据局=市数据管理局"), "{out}");
    assert_eq!(tasks(&app, plan.id).await, 0);

    let (status, out) = wujin(
        &url,
        &[
            "import",
            "tasks",
            file,
            "--plan",
            name,
            "--map",
            "市数据局=发改局",
            "--create-units",
        ],
    );
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("imported:"), "{out}");
    assert!(out.contains("units created: 市城市大脑运营中心"), "{out}");
    assert!(tasks(&app, plan.id).await > 40);

    let template = dir.join("模板.xlsx");
    let (status, out) = wujin(
        &url,
        &["import-template", "tasks", template.to_str().unwrap()],
    );
    assert_eq!(status, 0, "{out}");
    assert!(std::fs::read(&template).unwrap().starts_with(b"PK"));
    let _ = std::fs::remove_dir_all(&dir);
}
