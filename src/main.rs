//! `wujin`: the one binary of the platform — server, demo, migrations and administration.

mod commands;
mod config;
mod import_export;
mod service_cli;
mod supervision_outputs;
mod tasks_import;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc: request handling allocates many small, short-lived buffers, which it serves with
/// less contention than the system allocator on a busy server.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 永康五金产业转型升级平台 — the platform of the hardware-industry transformation campaign.
#[derive(Parser, Debug)]
#[command(name = "wujin", version, about, long_about = None)]
pub struct Cli {
    /// Database: a SQLite file path (default wujin.db) or postgres://user@host/db.
    #[arg(long, global = true, env = "WUJIN_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Configuration file (default: wujin.toml in the current directory, if present).
    #[arg(long, global = true, env = "WUJIN_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply migrations and serve the platform.
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080 (default 127.0.0.1:8080).
        #[arg(long, env = "WUJIN_BIND")]
        bind: Option<String>,
    },
    /// Create (or reuse) wujin-demo.db with demo data and accounts, print them, and serve.
    Demo {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "WUJIN_BIND")]
        bind: Option<String>,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent copy of a running SQLite database to FILE.
    Backup {
        /// Destination file (must not exist).
        file: PathBuf,
    },
    /// Audit-log tools.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Import a spreadsheet (xlsx or csv) into the registry, or a decomposition table into a
    /// plan: validated first, then written in one transaction, or not at all when any cell is
    /// wrong or a name is left unmapped (exit status 2).
    Import {
        /// What the file holds.
        #[arg(value_enum)]
        kind: TableArg,
        /// The xlsx or csv file.
        file: PathBuf,
        /// Figures: the year of every row (the file then needs no year column).
        #[arg(long)]
        year: Option<i32>,
        /// Figures: where they come from when the file does not say:
        /// tax | stats | power | enterprise | town (default stats).
        #[arg(long)]
        source: Option<String>,
        /// Validate and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Tasks: the plan to import into, by name (or id).
        #[arg(long)]
        plan: Option<String>,
        /// Tasks: map an unknown unit or leader name to an existing one, as
        /// 名称=部门名称 (a unit's name, short name or code; a leader's name or username).
        /// Repeat for each name.
        #[arg(long = "map", value_name = "NAME=TARGET")]
        map: Vec<String>,
        /// Tasks: create a unit (under the city) for every unknown unit name not mapped.
        #[arg(long)]
        create_units: bool,
    },
    /// Export to an xlsx file: the registry, an evaluation run's results, a plan's tasks, or
    /// the service loop's lists.
    #[command(subcommand)]
    Export(ExportTarget),
    /// Write a blank import template (with the dropdowns of towns, groups and tags) to FILE.
    ImportTemplate {
        #[arg(value_enum)]
        kind: TableArg,
        /// The xlsx file to write.
        file: PathBuf,
        /// Figures: the year to put in the template.
        #[arg(long)]
        year: Option<i32>,
    },
    /// Run the 亩均 evaluation of a year: every firm scored, ranked and classed (A/B/C/D) under
    /// the scheme, stored as a draft run; prints the run id and the count per class.
    Evaluate {
        /// The year of the figures to evaluate.
        #[arg(long)]
        year: i32,
        /// The scheme's name (default: the year's default scheme, created on first use with
        /// the county's averages as benchmarks).
        #[arg(long)]
        scheme: Option<String>,
        /// Publish the run at once: the publicity period (公示) starts, the scheme is frozen,
        /// towns and firms are notified; prints the end of publicity.
        #[arg(long)]
        publish: bool,
    },
    /// Write a supervision plan's monthly bulletin (通报) as an xlsx workbook: counts by colour
    /// and by unit, the red and yellow tasks, units ranked by on-time reporting. The printable
    /// page is on the web; from the command line only .xlsx is written.
    Bulletin {
        /// The plan's name.
        #[arg(long)]
        plan: String,
        /// The month, YYYY-MM (for a quarterly plan, the quarter containing it).
        #[arg(long)]
        month: String,
        /// The .xlsx file to write.
        file: PathBuf,
    },
    /// 三服务: the daily check, the clocks, the statistics.
    #[command(subcommand)]
    Service(ServiceCommand),
    /// 三服务: the firms' problems and their handling.
    #[command(subcommand)]
    Problems(ProblemsCommand),
}

#[derive(Subcommand, Debug)]
pub enum ServiceCommand {
    /// Run the daily check now: remind before a deadline, urge (催办) once it has passed,
    /// escalate to the lead unit's head (负责人) and then its leader in charge (分管领导) as the
    /// delay grows — each step once per deadline, however often it runs. Prints what it did.
    Check {
        /// The China day to check for, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
    /// Rebuild every case's deadlines and clocks from its log (after a change of the
    /// working-day calendar or of the time limits); prints how many.
    Recompute,
    /// Print the statistics per department: received, on-time reply, on-time close, closure,
    /// satisfaction (units below the 85% floor marked *), average working days.
    Stats {
        /// First day, YYYY-MM-DD (default 1 January of this year).
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Last day, YYYY-MM-DD (default today).
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
        /// Also write the statistics workbook (departments, towns, categories, months) here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProblemsCommand {
    /// List the problems, nearest deadline first.
    List {
        /// A state (received, assigned, handling, waiting_firm, answered, closed, rated,
        /// returned, reopened) or open | closed | awaiting.
        #[arg(long)]
        state: Option<String>,
        /// Only those this unit now leads: its code (e.g. gdgs).
        #[arg(long)]
        department: Option<String>,
        /// Only those past their current deadline.
        #[arg(long)]
        overdue: bool,
    },
    /// Show one problem: its facts, its timeline and the clocks of each hand-over.
    Show {
        /// The problem's id.
        id: i64,
    },
}

/// The registry's spreadsheet tables.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableArg {
    /// 企业名录: the firms.
    Enterprises,
    /// 用地信息: the parcels each firm uses.
    Parcels,
    /// 年度数据: yearly figures.
    Figures,
    /// 任务分解表: a supervision plan's decomposition table (with --plan).
    Tasks,
}

/// Which firms an export holds.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Only this town: its id or unit code (e.g. gushan).
    #[arg(long)]
    pub town: Option<String>,
    /// Only this industry group: its id or code (e.g. power_tools).
    #[arg(long)]
    pub group: Option<String>,
    /// Only this status: operating | suspended | closed | moved_out | deregistered
    #[arg(long)]
    pub status: Option<String>,
    /// Only this scale: above | below | unknown
    #[arg(long)]
    pub scale: Option<String>,
}

/// What `wujin export` writes.
#[derive(Subcommand, Debug)]
pub enum ExportTarget {
    #[command(flatten)]
    Registry(ExportCommand),
    /// An evaluation run's results in the 公示 format (序号, 企业名称, 统一社会信用代码,
    /// 所属镇街, 行业, 用地面积, each indicator, 得分, 排名, 类别), every firm of the run.
    Evaluation {
        /// The run's id (printed by `wujin evaluate`, shown on the runs page).
        #[arg(long)]
        run: i64,
        /// The xlsx file to write.
        file: PathBuf,
    },
    /// A supervision plan's decomposition table (任务分解表) as officials circulate it: 序号,
    /// 工作任务, 牵头领导, 牵头单位, 配合单位, 完成时限, the current colour and the latest progress.
    Tasks {
        /// The plan's name, e.g. 2026年政府工作报告重点工作任务分解.
        #[arg(long)]
        plan: String,
        /// The xlsx file to write.
        file: PathBuf,
    },
    /// The problem list (问题清单): 企业, 来源, 类别, 牵头部门, 时限, 状态, 满意度 ….
    Problems {
        /// The xlsx file to write.
        file: PathBuf,
        /// A state, or open | closed | awaiting.
        #[arg(long)]
        state: Option<String>,
        /// Only those this unit now leads: its code (e.g. gdgs).
        #[arg(long)]
        department: Option<String>,
    },
    /// The 落实清单: each promised measure, its unit, its date and whether it is late.
    Commitments {
        /// The xlsx file to write.
        file: PathBuf,
    },
    /// The visit ledger (走访台账).
    Visits {
        /// The xlsx file to write.
        file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// The enterprise list (企业名录).
    Enterprises {
        /// The xlsx file to write.
        file: PathBuf,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// One year's figures (年度数据), one row per firm.
    Figures {
        #[arg(long)]
        year: i32,
        /// The xlsx file to write.
        file: PathBuf,
        #[command(flatten)]
        filter: FilterArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user. Without --password a temporary one is generated and printed; the user
    /// must change it at first sign-in.
    Create {
        #[arg(long)]
        username: String,
        /// Display name (姓名).
        #[arg(long)]
        name: String,
        /// admin | leader | department | town | cadre | enterprise
        #[arg(long)]
        role: String,
        /// Code of the user's unit (e.g. jxj, gushan); see the departments page.
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// Temporary password (at least 8 characters, not the username).
        #[arg(long)]
        password: Option<String>,
    },
    /// List users.
    List {
        /// Only this role.
        #[arg(long)]
        role: Option<String>,
        /// Search username, name or phone.
        #[arg(long)]
        search: Option<String>,
        /// Include disabled users.
        #[arg(long)]
        all: bool,
    },
    /// Disable a user (their sessions end at once).
    Disable { username: String },
    /// Re-enable a disabled user.
    Enable { username: String },
    /// Set a new temporary password (generated unless given) that must be changed at sign-in.
    ResetPassword {
        username: String,
        #[arg(long)]
        password: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Walk the audit chain and report the first broken link (exit status 1 if any).
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
