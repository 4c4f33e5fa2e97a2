//! `wujin export tasks` and `wujin bulletin` end to end on the demo's plans: workbooks written,
//! and an unknown plan, a wrong month or a file that is not .xlsx refused with the reason
//! (exit status 2) and nothing written.

use std::path::PathBuf;
use std::process::Command;

use chrono::NaiveDate;
use wujin_app::{App, AppConfig};
use wujin_testkit::TestDb;

const PLAN: &str = "2026年政府工作报告重点工作任务分解";

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

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wujin-cli-sup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    let _ = std::fs::remove_file(&p);
    p
}

fn is_xlsx(p: &PathBuf) -> bool {
    std::fs::read(p).is_ok_and(|b| b.len() > 2_000 && b.starts_with(b"PK"))
}

#[tokio::test]
async fn exports_and_bulletins_from_the_command_line() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    wujin_app::demo_supervision::fill_supervision_on(
        &app,
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    )
    .await
    .unwrap();

    let tasks = scratch("tasks.xlsx");
    let (code, out) = wujin(
        &t.url,
        &["export", "tasks", "--plan", PLAN, tasks.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("written to"), "{out}");
    assert!(is_xlsx(&tasks));

    let book = scratch("bulletin.xlsx");
    let (code, out) = wujin(
        &t.url,
        &[
            "bulletin",
            "--plan",
            PLAN,
            "--month",
            "2026-10",
            book.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("cycle 2026-10"), "{out}");
    assert!(is_xlsx(&book));

    // Refused, with the reason, writing nothing.
    let page = scratch("bulletin.html");
    let (code, out) = wujin(
        &t.url,
        &[
            "bulletin",
            "--plan",
            PLAN,
            "--month",
            "2026-10",
            page.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("only .xlsx"), "{out}");
    assert!(!page.exists());
    let csv = scratch("tasks.csv");
    let (code, out) = wujin(
        &t.url,
        &["export", "tasks", "--plan", PLAN, csv.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not .csv"), "{out}");
    assert!(!csv.exists());
    let other = scratch("other.xlsx");
    let (code, out) = wujin(
        &t.url,
        &[
            "bulletin",
            "--plan",
            "某计划",
            "--month",
            "2026-10",
            other.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("no plan named 某计划") && out.contains(PLAN),
        "{out}"
    );
    let (code, out) = wujin(
        &t.url,
        &[
            "bulletin",
            "--plan",
            PLAN,
            "--month",
            "2026-13",
            other.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("month"), "{out}");
    let (code, out) = wujin(
        &t.url,
        &[
            "bulletin",
            "--plan",
            PLAN,
            "--month",
            "2025-10",
            other.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("No colours have been computed"), "{out}");
    assert!(!other.exists());
}
