//! The `wujin` binary's registry spreadsheets end to end: import (with dry runs and files
//! with errors), export and templates, against a fresh SQLite file.

use std::path::{Path, PathBuf};
use std::process::Command;

use wujin_app::{App, AppConfig, Ctx};
use wujin_storage::Db;

/// A scratch directory with a database file, removed when dropped.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("wujin-cli-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn url(&self) -> String {
        format!("sqlite://{}", self.path("wujin.db").display())
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
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

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn code(n: u32) -> String {
    wujin_domain::credit_code::with_check_char(&format!("91330784MA{n:07}")).unwrap()
}

fn bad_code(n: u32) -> String {
    let good = code(n);
    let wrong = if good.ends_with('1') { '2' } else { '1' };
    format!("{}{wrong}", &good[..17])
}

const HEADER: &str = "统一社会信用代码,企业名称,所属镇街,行业分组\n";

async fn firm_total(app: &App) -> u64 {
    wujin_app::registry::enterprises::count(app, &Ctx::cli())
        .await
        .unwrap()
}

/// The credit codes in a workbook's first sheet, below its header.
fn codes_in(file: &Path) -> Vec<String> {
    let bytes = std::fs::read(file).unwrap();
    let book = wujin_xlsx::read_workbook(&bytes, "x.xlsx", &wujin_xlsx::Limits::default())
        .expect("a readable workbook");
    let sheet = &book.sheets[0];
    let (row, col) = sheet
        .rows
        .iter()
        .enumerate()
        .find_map(|(r, cells)| {
            cells
                .iter()
                .position(|c| c.to_text() == "统一社会信用代码")
                .map(|c| (r, c))
        })
        .expect("header");
    let mut codes: Vec<String> = sheet.rows[row + 1..]
        .iter()
        .filter_map(|cells| cells.get(col).map(|c| c.to_text()))
        .filter(|s| !s.is_empty())
        .collect();
    codes.sort();
    codes
}

#[tokio::test]
async fn import_validates_commits_and_exports_from_the_command_line() {
    let s = Scratch::new();
    let url = s.url();
    let (status, out) = wujin(&url, &["migrate"]);
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("schema is current"), "{out}");
    let app = App::new(Db::connect(&url).await.unwrap(), AppConfig::default());

    let firms = s.write(
        "firms.csv",
        &format!(
            "{HEADER}{},永康市古山甲厂,古山镇,电动工具/园林工具\n{},永康市芝英乙厂,芝英镇,门业/锁具/安防\n",
            code(1),
            code(2)
        ),
    );

    // A dry run checks everything and writes nothing.
    let (status, out) = wujin(&url, &["import", "enterprises", arg(&firms), "--dry-run"]);
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("rows 2, new 2, changed 0, unchanged 0"),
        "{out}"
    );
    assert!(
        out.contains("dry run") && out.contains("nothing was written"),
        "{out}"
    );
    assert_eq!(firm_total(&app).await, 0);

    let (status, out) = wujin(&url, &["import", "enterprises", arg(&firms)]);
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("imported: 2 created, 0 updated"), "{out}");
    assert_eq!(firm_total(&app).await, 2);
    // Importing the same file again changes nothing.
    let (status, out) = wujin(&url, &["import", "enterprises", arg(&firms)]);
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("new 0, changed 0, unchanged 2"), "{out}");

    // A file with errors names each cell in Chinese, exits 2 and writes nothing.
    let bad = s.write(
        "bad.csv",
        &format!(
            "{HEADER}{},永康市丙厂,古山镇,电动工具/园林工具\n{},永康市丁厂,无此镇,电动工具/园林工具\n",
            bad_code(3),
            code(4)
        ),
    );
    let (status, out) = wujin(&url, &["import", "enterprises", arg(&bad)]);
    assert_eq!(status, 2, "{out}");
    assert!(
        out.contains("!A2 统一社会信用代码: 统一社会信用代码校验位不正确"),
        "{out}"
    );
    assert!(
        out.contains("!C3 所属镇街: 镇街名称无法识别 (无此镇)"),
        "{out}"
    );
    assert!(
        out.contains("2 error(s)") && out.contains("nothing was imported"),
        "{out}"
    );
    assert_eq!(firm_total(&app).await, 2);
    let (status, _) = wujin(&url, &["import", "enterprises", arg(&bad), "--dry-run"]);
    assert_eq!(status, 2);

    // A file that is no spreadsheet at all.
    let pdf = s.write("report.pdf", "%PDF-1.7 not a table");
    let (status, out) = wujin(&url, &["import", "enterprises", arg(&pdf)]);
    assert_eq!(status, 2, "{out}");
    assert!(out.contains("file: 不是 Excel 或 CSV 文件"), "{out}");

    // Figures of a year, from the tax office.
    let figures = s.write(
        "figures.csv",
        &format!(
            "统一社会信用代码,主营业务收入（万元）,年平均职工人数\n{},2500,120\n{},800,30\n",
            code(1),
            code(2)
        ),
    );
    let (status, out) = wujin(
        &url,
        &[
            "import",
            "figures",
            arg(&figures),
            "--year",
            "2024",
            "--source",
            "tax",
        ],
    );
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("imported: 2 created"), "{out}");
    let page = wujin_app::registry::enterprises::list(
        &app,
        &Ctx::cli(),
        &wujin_app::registry::EnterpriseFilter {
            q: Some(code(1)),
            ..Default::default()
        },
        Default::default(),
    )
    .await
    .unwrap();
    let id = page.items[0].id;
    assert_eq!(page.items[0].scale.as_deref(), Some("above"));
    let years = wujin_app::registry::figures::of_enterprise(&app, &Ctx::cli(), id)
        .await
        .unwrap();
    assert_eq!(years[0].year, 2024);
    let revenue = figure_text(&years[0].values["main_revenue_yuan"]);
    assert_eq!(revenue, "25000000");
    assert_eq!(years[0].sources["main_revenue_yuan"].source, "tax");
    let (status, out) = wujin(
        &url,
        &["import", "figures", arg(&figures), "--source", "gossip"],
    );
    assert_ne!(status, 0);
    assert!(out.contains("unknown source"), "{out}");

    // Exports, filtered, read back.
    let all = s.path("all.xlsx");
    let (status, out) = wujin(&url, &["export", "enterprises", arg(&all)]);
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("2 enterprise(s) written"), "{out}");
    assert_eq!(codes_in(&all), [code(1), code(2)]);
    let gushan = s.path("gushan.xlsx");
    let (status, out) = wujin(
        &url,
        &["export", "enterprises", arg(&gushan), "--town", "gushan"],
    );
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("1 enterprise(s) written"), "{out}");
    assert_eq!(codes_in(&gushan), [code(1)]);
    let above = s.path("above.xlsx");
    let (status, _) = wujin(
        &url,
        &["export", "enterprises", arg(&above), "--scale", "above"],
    );
    assert_eq!(status, 0);
    assert_eq!(codes_in(&above), [code(1)]);
    let fig = s.path("fig.xlsx");
    let (status, out) = wujin(&url, &["export", "figures", "--year", "2024", arg(&fig)]);
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("2 enterprise(s) with their 2024 figures"),
        "{out}"
    );
    assert_eq!(codes_in(&fig), [code(1), code(2)]);
    let (status, out) = wujin(
        &url,
        &["export", "enterprises", arg(&all), "--town", "nowhere"],
    );
    assert_ne!(status, 0);
    assert!(out.contains("no town with code nowhere"), "{out}");

    // A template to fill in offline.
    let tpl = s.path("template.xlsx");
    let (status, out) = wujin(&url, &["import-template", "parcels", arg(&tpl)]);
    assert_eq!(status, 0, "{out}");
    let book = wujin_xlsx::read_workbook(
        &std::fs::read(&tpl).unwrap(),
        "t.xlsx",
        &wujin_xlsx::Limits::default(),
    )
    .unwrap();
    assert!(book.sheet("用地信息").is_some());

    // Every import is audited under the command line's name.
    let events = wujin_app::audit::history_of(&app, "enterprise", &id.to_string(), 10)
        .await
        .unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "import" && e.actor_name == "cli")
    );
}

/// A stored figure as plain text, for comparison.
fn figure_text(v: &Option<wujin_app::registry::figures::FigureValue>) -> String {
    match v {
        Some(wujin_app::registry::figures::FigureValue::Int(i)) => i.to_string(),
        Some(wujin_app::registry::figures::FigureValue::Real(r)) => r.to_string(),
        Some(wujin_app::registry::figures::FigureValue::Flag(b)) => b.to_string(),
        None => String::new(),
    }
}

#[test]
fn help_lists_the_registry_commands() {
    let out = Command::new(env!("CARGO_BIN_EXE_wujin"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in ["import ", "export ", "import-template "] {
        assert!(text.contains(cmd), "{cmd} missing from --help: {text}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_wujin"))
        .args(["import", "people", "x.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "clap refuses an unknown kind");
    assert!(String::from_utf8_lossy(&out.stderr).contains("enterprises, parcels, figures"));
}

#[tokio::test]
async fn evaluate_grades_a_year_and_refuses_a_year_without_figures() {
    let s = Scratch::new();
    let url = s.url();
    let (status, out) = wujin(&url, &["migrate"]);
    assert_eq!(status, 0, "{out}");
    let app = App::new(Db::connect(&url).await.unwrap(), AppConfig::default());
    wujin_app::demo::fill(&app).await.unwrap();
    drop(app);
    let (status, out) = wujin(&url, &["evaluate", "--year", "2024"]);
    assert_eq!(status, 0, "{out}");
    for class in ["A 类", "B 类", "C 类", "D 类"] {
        assert!(out.contains(class), "{class} missing: {out}");
    }
    assert!(out.contains("评价运行 1"), "{out}");
    let (status, out) = wujin(&url, &["evaluate", "--year", "2031"]);
    assert_eq!(status, 2, "{out}");
    assert!(out.contains("year"), "{out}");

    // --publish starts the publicity; a second publication of the year is refused and its
    // run stays a draft.
    let (status, out) = wujin(&url, &["evaluate", "--year", "2024", "--publish"]);
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("评价运行 2") && out.contains("公示期至"),
        "{out}"
    );
    let (status, out) = wujin(&url, &["evaluate", "--year", "2024", "--publish"]);
    assert_eq!(status, 2, "{out}");
    assert!(
        out.contains("run 3 stays a draft") && out.contains("(run 2 is published)"),
        "{out}"
    );

    // The 公示 list of the published run: one row per firm of the run.
    let file = s.dir.join("公示.xlsx");
    let f = file.to_str().unwrap();
    let (status, out) = wujin(&url, &["export", "evaluation", "--run", "2", f]);
    assert_eq!(status, 0, "{out}");
    let app = App::new(Db::connect(&url).await.unwrap(), AppConfig::default());
    let run = wujin_app::evaluation::results::get_run(&app, &Ctx::cli(), 2)
        .await
        .unwrap();
    assert_eq!(codes_in(&file).len() as i64, run.firms, "{out}");
    let (status, out) = wujin(&url, &["export", "evaluation", "--run", "99", f]);
    assert_eq!(status, 2, "{out}");
    assert!(out.contains("no evaluation run 99"), "{out}");
}
