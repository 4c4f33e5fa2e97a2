//! The service loop from the command line on the demo city with three cases — one assigned to
//! 供电公司 and never answered, one closed by 自然资源和规划局 and reopened by a dissatisfied firm,
//! one received today: the statistics per unit with the unit below the floor marked, the
//! 落实清单 and the other lists written as xlsx, the problem list and its filters, one case's
//! timeline, the daily check (once per deadline) and the recomputation; wrong requests exit 2
//! with the reason.

use std::path::PathBuf;
use std::process::Command;

use chrono::NaiveDate;
use wujin_app::service::problems::{self, CaseStep, NewProblem};
use wujin_app::service::visits::{self, NewVisit};
use wujin_app::{App, AppConfig};
use wujin_domain::service::case::CaseAction;
use wujin_testkit::{TestDb, ctx_of, unit_id};

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
    let dir = std::env::temp_dir().join(format!("wujin-cli-svc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{}-{name}", uuid_like()));
    let _ = std::fs::remove_file(&p);
    p
}

/// Distinct file names for tests running at once (SQLite and PostgreSQL share the folder).
fn uuid_like() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

/// Every text cell of the first sheet of an xlsx file.
fn texts(p: &PathBuf) -> Vec<String> {
    let bytes = std::fs::read(p).expect("the file was written");
    let book = wujin_xlsx::read_workbook(&bytes, "x.xlsx", &Default::default()).unwrap();
    book.sheets[0]
        .rows
        .iter()
        .flat_map(|r| r.iter())
        .filter_map(|c| match c {
            wujin_xlsx::Cell::Text(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

struct Cases {
    /// 供电公司, never answered.
    late: i64,
    /// 自然资源和规划局, rated 不满意 and reopened.
    reopened: i64,
    /// Received today.
    fresh: i64,
}

async fn cases(app: &App) -> Cases {
    let cadre = ctx_of(app, "cadre").await;
    let office = ctx_of(app, "dept").await;
    let land = ctx_of(app, "zrzy_lou").await;
    let firm = ctx_of(app, "firm").await;
    let firm_id = firm.actor.enterprise_id.unwrap();
    let problem = |category: &str, title: &str| NewProblem {
        category: category.into(),
        title: title.into(),
        description: format!("{title}，需协调解决"),
        ..Default::default()
    };
    let on = d("2026-11-02");
    let (_, raised) = visits::create(
        app,
        &cadre,
        &NewVisit {
            enterprise_id: firm_id,
            visited_on: Some(on),
            form: "on_site".into(),
            summary: "了解用电用地需求".into(),
            problems: vec![
                problem("utilities", "新厂房专变增容"),
                problem("land", "扩产用地指标"),
            ],
            ..Default::default()
        },
        on,
    )
    .await
    .unwrap();
    let step = |action, text: &str| CaseStep::new(action, text);
    let mut a = step(CaseAction::Assign, "");
    a.lead_department_id = Some(unit_id(app, "gdgs").await);
    a.measure = Some("现场勘查后制定增容方案".into());
    a.measure_due = Some(d("2026-11-20"));
    problems::act(app, &office, raised[0], &a, vec![], d("2026-11-03"))
        .await
        .unwrap();
    let mut a = step(CaseAction::Assign, "");
    a.lead_department_id = Some(unit_id(app, "zrzyj").await);
    a.measure = Some("纳入年度用地计划统筹安排".into());
    a.measure_due = Some(d("2026-11-30"));
    problems::act(app, &office, raised[1], &a, vec![], d("2026-11-03"))
        .await
        .unwrap();
    for (who, action, text, on) in [
        (&land, CaseAction::Answer, "今年指标已用完", "2026-11-05"),
        (&land, CaseAction::CloseResolved, "已答复企业", "2026-11-06"),
        (
            &firm,
            CaseAction::RateDissatisfied,
            "没有解决",
            "2026-11-09",
        ),
    ] {
        problems::act(app, who, raised[1], &step(action, text), vec![], d(on))
            .await
            .unwrap();
    }
    let fresh = problems::create(
        app,
        &office,
        &NewProblem {
            enterprise_id: Some(firm_id),
            source: "hotline".into(),
            ..problem("financing", "流动资金贷款续贷")
        },
        vec![],
        wujin_app::china_today(),
    )
    .await
    .unwrap();
    Cases {
        late: raised[0],
        reopened: raised[1],
        fresh,
    }
}

#[tokio::test]
async fn statistics_lists_and_the_daily_check_from_the_command_line() {
    let t = TestDb::new().await;
    let app = App::new(t.db.clone(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    let c = cases(&app).await;
    let url = t.url.as_str();

    // The statistics of November, one line per unit, the unit below the floor marked.
    let book = scratch("stats.xlsx");
    let (code, out) = wujin(
        url,
        &[
            "service",
            "stats",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--out",
            book.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}");
    let line = |unit: &str| {
        out.lines()
            .find(|l| l.starts_with(unit))
            .unwrap_or_else(|| panic!("no line for {unit}: {out}"))
            .to_string()
    };
    let land = line("自然资源和规划局");
    assert!(land.contains("100.0%") && land.contains("0.0%*"), "{land}");
    let power = line("供电公司");
    assert!(!power.contains('*'), "nothing rated: {power}");
    assert!(line("合计").split_whitespace().nth(1) == Some("2"), "{out}");
    assert!(
        out.contains("below the satisfaction floor: 自然资源和规划局"),
        "{out}"
    );
    assert!(
        texts(&book)
            .iter()
            .any(|c| c.contains("三服务问题办理情况统计"))
    );
    let csv = scratch("stats.csv");
    let (code, out) = wujin(url, &["service", "stats", "--out", csv.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not .csv") && !csv.exists(), "{out}");

    // The 落实清单 holds both promised measures.
    let file = scratch("commitments.xlsx");
    let (code, out) = wujin(url, &["export", "commitments", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 promised measure(s)"), "{out}");
    let cells = texts(&file);
    assert!(
        cells.iter().any(|c| c == "现场勘查后制定增容方案"),
        "{cells:?}"
    );
    assert!(cells.iter().any(|c| c == "纳入年度用地计划统筹安排"));
    let file = scratch("problems.xlsx");
    let (code, out) = wujin(
        url,
        &[
            "export",
            "problems",
            file.to_str().unwrap(),
            "--department",
            "gdgs",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 problem(s)"), "{out}");
    assert!(texts(&file).iter().any(|c| c == "新厂房专变增容"));
    let file = scratch("visits.xlsx");
    let (code, out) = wujin(url, &["export", "visits", file.to_str().unwrap()]);
    assert_eq!((code, out.contains("1 visit(s)")), (0, true), "{out}");

    // The problem list and its filters.
    let (code, out) = wujin(url, &["problems", "list"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3 problem(s)"), "{out}");
    let (code, out) = wujin(url, &["problems", "list", "--department", "gdgs"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("1 problem(s)") && out.contains(&format!("\n{:<6} ", c.late)),
        "{out}"
    );
    assert!(
        out.contains("新厂房专变增容") && out.contains("供电公司"),
        "{out}"
    );
    assert!(!out.contains("扩产用地指标"), "{out}");
    let (code, out) = wujin(url, &["problems", "list", "--overdue"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("2 problem(s)") && out.contains("超期"),
        "{out}"
    );
    assert!(!out.contains("流动资金贷款续贷"), "received today: {out}");
    let (code, out) = wujin(url, &["problems", "list", "--state", "awaiting"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("2 problem(s)") && out.contains(&format!("\n{:<6} ", c.fresh)),
        "{out}"
    );
    let (code, out) = wujin(url, &["problems", "list", "--state", "reopened"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("1 problem(s)") && out.contains(&format!("\n{:<6} ", c.reopened)),
        "{out}"
    );
    let (code, out) = wujin(url, &["problems", "list", "--state", "lost"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("unknown state lost") && out.contains("waiting_firm"),
        "{out}"
    );
    let (code, out) = wujin(url, &["problems", "list", "--department", "nowhere"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no unit with code nowhere"), "{out}");

    // One case's timeline.
    let (code, out) = wujin(url, &["problems", "show", &c.reopened.to_string()]);
    assert_eq!(code, 0, "{out}");
    for step in [
        "create",
        "assign",
        "answer",
        "close_resolved",
        "rate_dissatisfied",
    ] {
        assert!(out.contains(step), "{step}: {out}");
    }
    assert!(
        out.contains("重新办理") && out.contains("领导督办"),
        "{out}"
    );
    assert!(out.contains("「没有解决」"), "{out}");
    let (code, out) = wujin(url, &["problems", "show", "999999"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("there is no problem 999999"), "{out}");

    // The daily check of 30 November urges both late cases, once.
    let (code, out) = wujin(url, &["service", "check", "--date", "2026-11-30"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("service check for 2026-11-30"), "{out}");
    assert!(out.contains("    2 urged"), "{out}");
    let (code, out) = wujin(url, &["service", "check", "--date", "2026-11-30"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("    0 urged"), "{out}");
    let (code, out) = wujin(url, &["service", "check", "--date", "30.11.2026"]);
    assert_eq!(code, 2, "{out}");

    let (code, out) = wujin(url, &["service", "recompute"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("3 case(s) recomputed"), "{out}");
}
