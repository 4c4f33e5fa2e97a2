//! What each subcommand does.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use wujin_app::{App, Ctx, PageRequest};
use wujin_storage::{DatabaseTarget, Db};
use wujin_web::AppState;

use crate::config::{self, Config};
use crate::service_cli::{self, ServiceExport};
use crate::{
    AuditCommand, Cli, Command, ExportTarget, ProblemsCommand, ServiceCommand, UserCommand,
    import_export, supervision_outputs,
};

fn init_logging(filter: &str) {
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| filter.to_string());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&filter).unwrap_or_else(|_| "info".into()),
        )
        .with_target(false)
        .try_init();
}

async fn open(url: &str) -> Result<Db> {
    let db = Db::connect(url).await.with_context(|| {
        format!(
            "cannot open the database {}",
            wujin_storage::db::redact(url)
        )
    })?;
    let applied = db.migrate().await.context("cannot apply migrations")?;
    if applied > 0 {
        tracing::info!(applied, "migrations applied");
    }
    Ok(db)
}

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let mut cfg: Config = config::load(cli.config.as_ref()).context("invalid configuration")?;
    let explicit_db = cli.database_url.clone();
    if let Some(url) = &explicit_db {
        cfg.database_url = url.clone();
    }
    init_logging(&cfg.log);
    match cli.command {
        Command::Serve { bind } => {
            let db = open(&cfg.database_url).await?;
            let app = App::new(db, cfg.app.clone());
            wujin_app::seed::seed_reference_data(&app, &Ctx::cli()).await?;
            if !wujin_app::auth::admin_exists(&app).await? {
                tracing::warn!(
                    "no administrator account exists yet; create one with: wujin user create --username admin --name 管理员 --role admin"
                );
            }
            serve(app, cfg.web.clone(), bind.unwrap_or(cfg.bind.clone())).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { bind } => {
            let url = explicit_db.unwrap_or_else(|| "wujin-demo.db".to_string());
            let db = open(&url).await?;
            let app = App::new(db, cfg.app.clone());
            eprintln!(
                "Preparing the demo database {} …",
                wujin_storage::db::redact(&url)
            );
            let filled = wujin_app::demo::fill_with_history(&app).await?;
            eprintln!(
                "{}",
                if filled {
                    "Demo data created."
                } else {
                    "Reusing the existing demo data."
                }
            );
            let bind = bind.unwrap_or(cfg.bind.clone());
            println!();
            println!("  wujin demo — open http://{bind}/ in a browser");
            println!();
            println!(
                "  Demo accounts (password {}):",
                wujin_app::demo::DEMO_PASSWORD
            );
            for (user, name, role, _) in wujin_app::demo::DEMO_ACCOUNTS {
                let note = match *user {
                    "dept" => " (经信局, 三服务 service office)",
                    "cadre" => " (驻企干部 / visits 24 firms of 古山镇)",
                    _ => "",
                };
                println!("    {user:<8} {role:<11} {name}{note}");
            }
            println!("    dcs_jin  department  金晓东 (督查室 / supervision office)");
            println!("    zrzy_lou department  楼国庆 (自然资源和规划局 / handles land problems)");
            println!();
            serve(app, cfg.web.clone(), bind).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let db = Db::connect(&cfg.database_url)
                .await
                .context("cannot open the database")?;
            let n = db.migrate().await?;
            println!("{n} migration(s) applied; the schema is current.");
            Ok(ExitCode::SUCCESS)
        }
        Command::User(cmd) => {
            let app = App::new(open(&cfg.database_url).await?, cfg.app.clone());
            wujin_app::seed::seed_reference_data(&app, &Ctx::cli()).await?;
            user_command(&app, cmd).await
        }
        Command::Backup { file } => backup(&cfg.database_url, &file).await,
        Command::Import {
            kind: crate::TableArg::Tasks,
            file,
            dry_run,
            plan,
            map,
            create_units,
            ..
        } => {
            let app = registry_app(&cfg).await?;
            let run = crate::tasks_import::Run {
                file: &file,
                plan: plan.as_deref(),
                map: &map,
                create_units,
                dry_run,
            };
            crate::tasks_import::import(&app, run).await
        }
        Command::Import {
            kind,
            file,
            year,
            source,
            dry_run,
            plan,
            map,
            create_units,
        } => {
            if plan.is_some() || !map.is_empty() || create_units {
                bail!("--plan, --map and --create-units belong to `wujin import tasks`");
            }
            let app = registry_app(&cfg).await?;
            import_export::import(&app, kind, &file, year, source.as_deref(), dry_run).await
        }
        Command::Export(ExportTarget::Registry(cmd)) => {
            let app = registry_app(&cfg).await?;
            import_export::export(&app, cmd).await
        }
        Command::Export(ExportTarget::Evaluation { run, file }) => {
            let app = registry_app(&cfg).await?;
            export_evaluation(&app, run, &file).await
        }
        Command::Export(ExportTarget::Tasks { plan, file }) => {
            let app = registry_app(&cfg).await?;
            supervision_outputs::export_tasks(&app, &plan, &file).await
        }
        Command::Export(ExportTarget::Problems {
            file,
            state,
            department,
        }) => {
            let app = registry_app(&cfg).await?;
            let what = ServiceExport::Problems { state, department };
            service_cli::export(&app, what, &file).await
        }
        Command::Export(ExportTarget::Commitments { file }) => {
            let app = registry_app(&cfg).await?;
            service_cli::export(&app, ServiceExport::Commitments, &file).await
        }
        Command::Export(ExportTarget::Visits { file }) => {
            let app = registry_app(&cfg).await?;
            service_cli::export(&app, ServiceExport::Visits, &file).await
        }
        Command::Service(cmd) => {
            let app = registry_app(&cfg).await?;
            match cmd {
                ServiceCommand::Check { date } => service_cli::check(&app, date).await,
                ServiceCommand::Recompute => service_cli::recompute(&app).await,
                ServiceCommand::Stats { from, to, out } => {
                    service_cli::stats(&app, from, to, out.as_deref()).await
                }
            }
        }
        Command::Problems(cmd) => {
            let app = registry_app(&cfg).await?;
            match cmd {
                ProblemsCommand::List {
                    state,
                    department,
                    overdue,
                } => {
                    service_cli::list(&app, state.as_deref(), department.as_deref(), overdue).await
                }
                ProblemsCommand::Show { id } => service_cli::show(&app, id).await,
            }
        }
        Command::Bulletin { plan, month, file } => {
            supervision_outputs::bulletin(&cfg, &plan, &month, &file).await
        }
        Command::ImportTemplate { kind, file, year } => {
            let app = registry_app(&cfg).await?;
            import_export::template(&app, kind, &file, year).await
        }
        Command::Evaluate {
            year,
            scheme,
            publish,
        } => {
            let app = registry_app(&cfg).await?;
            evaluate(&app, year, scheme.as_deref(), publish).await
        }
        Command::Audit(AuditCommand::Verify) => {
            let db = Db::connect(&cfg.database_url)
                .await
                .context("cannot open the database")?;
            let report =
                wujin_app::audit::verify(db.read(), |n| eprintln!("  … {n} events checked"))
                    .await?;
            match report.first_break {
                None => {
                    println!("audit chain intact: {} events verified", report.checked);
                    Ok(ExitCode::SUCCESS)
                }
                Some(b) => {
                    println!("audit chain BROKEN after {} good events", report.checked);
                    println!("first broken link: {b}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}

/// The platform with its reference data (towns, industry groups, tags), for the registry's
/// commands.
pub(crate) async fn registry_app(cfg: &Config) -> Result<App> {
    let app = App::new(open(&cfg.database_url).await?, cfg.app.clone());
    wujin_app::seed::seed_reference_data(&app, &Ctx::cli()).await?;
    Ok(app)
}

async fn serve(app: App, web: wujin_web::WebConfig, bind: String) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(&bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    tracing::info!(address = %bind, "serving");
    let state = AppState { app, web };
    wujin_web::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn find_user(app: &App, username: &str) -> Result<wujin_app::users::UserView> {
    let filter = wujin_app::users::UserFilter {
        q: Some(username.to_string()),
        ..Default::default()
    };
    let page = wujin_app::users::list(
        app,
        &Ctx::cli(),
        &filter,
        PageRequest::new(Some(1), Some(200)),
    )
    .await?;
    page.items
        .into_iter()
        .find(|u| u.username == username)
        .with_context(|| format!("no user named {username}"))
}

pub(crate) fn describe(e: wujin_app::AppError) -> anyhow::Error {
    match e {
        wujin_app::AppError::Validation(fields) => {
            let lines: Vec<String> = fields
                .iter()
                .map(|f| {
                    let msg = wujin_web::i18n::tr(wujin_web::i18n::Lang::En, &f.key);
                    match &f.detail {
                        Some(d) => format!("{}: {msg} ({d})", f.field),
                        None => format!("{}: {msg}", f.field),
                    }
                })
                .collect();
            anyhow::anyhow!("invalid input:\n  {}", lines.join("\n  "))
        }
        wujin_app::AppError::Conflict(key) => {
            anyhow::anyhow!("{}", wujin_web::i18n::tr(wujin_web::i18n::Lang::En, &key))
        }
        other => other.into(),
    }
}

async fn user_command(app: &App, cmd: UserCommand) -> Result<ExitCode> {
    let ctx = Ctx::cli();
    match cmd {
        UserCommand::Create {
            username,
            name,
            role,
            unit,
            phone,
            password,
        } => {
            let department_id = match &unit {
                Some(code) => Some(
                    wujin_app::seed::unit_id(app, code)
                        .await?
                        .with_context(|| format!("no unit with code {code}"))?,
                ),
                None => None,
            };
            let generated = password.is_none();
            let password = password.unwrap_or_else(wujin_app::users::generate_temporary_password);
            let input = wujin_app::users::UserInput {
                username,
                display_name: name,
                role,
                department_id,
                phone,
                ..Default::default()
            };
            let u = wujin_app::users::create(app, &ctx, &input, &password)
                .await
                .map_err(describe)?;
            println!("created user {} (id {}, role {})", u.username, u.id, u.role);
            if generated {
                println!("temporary password: {password}");
            }
            println!("the user must change this password at first sign-in");
        }
        UserCommand::List { role, search, all } => {
            let filter = wujin_app::users::UserFilter {
                q: search,
                role,
                active: if all { None } else { Some(true) },
                ..Default::default()
            };
            let mut page_no = 1;
            println!(
                "id     username         name         role        unit                 status"
            );
            loop {
                let page = wujin_app::users::list(
                    app,
                    &ctx,
                    &filter,
                    PageRequest::new(Some(page_no), Some(200)),
                )
                .await?;
                for u in &page.items {
                    println!(
                        "{:<6} {:<16} {:<12} {:<11} {:<20} {}",
                        u.id,
                        u.username,
                        u.display_name,
                        u.role,
                        u.department_name.clone().unwrap_or_else(|| "-".into()),
                        if u.active { "active" } else { "disabled" }
                    );
                }
                if page_no >= page.pages() {
                    println!("{} user(s)", page.total);
                    break;
                }
                page_no += 1;
            }
        }
        UserCommand::Disable { username } => {
            let u = find_user(app, &username).await?;
            wujin_app::users::set_active(app, &ctx, u.id, false)
                .await
                .map_err(describe)?;
            println!("disabled {username}; their sessions have ended");
        }
        UserCommand::Enable { username } => {
            let u = find_user(app, &username).await?;
            wujin_app::users::set_active(app, &ctx, u.id, true)
                .await
                .map_err(describe)?;
            println!("enabled {username}");
        }
        UserCommand::ResetPassword { username, password } => {
            let u = find_user(app, &username).await?;
            let generated = password.is_none();
            let password = password.unwrap_or_else(wujin_app::users::generate_temporary_password);
            wujin_app::users::reset_password(app, &ctx, u.id, &password)
                .await
                .map_err(describe)?;
            if generated {
                println!("temporary password for {username}: {password}");
            } else {
                println!("password of {username} reset");
            }
            println!("the user must change it at the next sign-in");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn backup(url: &str, file: &std::path::Path) -> Result<ExitCode> {
    match DatabaseTarget::parse(url)? {
        DatabaseTarget::Postgres { .. } => {
            println!(
                "PostgreSQL databases are backed up with PostgreSQL's own tools, for example:"
            );
            println!(
                "  pg_dump --format=custom --file=wujin-$(date +%F).dump '{}'",
                wujin_storage::db::redact(url)
            );
            println!("and restored with pg_restore --clean --dbname=… wujin-YYYY-MM-DD.dump");
            Ok(ExitCode::from(2))
        }
        DatabaseTarget::Sqlite { path } => {
            if !path.exists() {
                bail!("the database file {} does not exist", path.display());
            }
            if file.exists() {
                bail!("{} already exists; choose a new file name", file.display());
            }
            let db = Db::connect(url).await.context("cannot open the database")?;
            let n = wujin_storage::backup::sqlite_online_copy(&db, file).await?;
            println!(
                "backup written to {} ({} bytes); it is a complete SQLite database",
                file.display(),
                n
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `wujin export evaluation --run ID FILE`: the run's results in the 公示 format, every firm
/// of the run, with progress on stderr for large runs; an unknown run exits 2.
async fn export_evaluation(app: &App, run: i64, file: &std::path::Path) -> Result<ExitCode> {
    let mut report = |done: u64, total: u64| {
        if total > 5_000 && done > 0 {
            eprintln!("  … {done} / {total} results");
        }
    };
    let filter = wujin_app::evaluation::results::ResultFilter::default();
    match wujin_app::evaluation::results::export_xlsx(app, &Ctx::cli(), run, &filter, &mut report)
        .await
    {
        Ok((bytes, rows)) => {
            std::fs::write(file, &bytes)
                .with_context(|| format!("cannot write {}", file.display()))?;
            println!(
                "{rows} result(s) of evaluation run {run} written to {}",
                file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(wujin_app::AppError::NotFound) => {
            eprintln!("there is no evaluation run {run}");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(describe(e)),
    }
}

/// `wujin evaluate`: runs the year's evaluation and prints the run and its classes; with
/// `--publish` it publishes the run and prints the end of publicity. A wrong year or scheme,
/// or a publication refused (another run of the year published or final), exits 2 with the
/// reason.
async fn evaluate(
    app: &App,
    year: i32,
    scheme: Option<&str>,
    publish: bool,
) -> anyhow::Result<ExitCode> {
    match wujin_app::evaluation::run(app, &Ctx::cli(), year, scheme).await {
        Ok(r) => {
            println!("评价运行 {}（{}，{} 家企业）", r.run_id, r.scheme, r.firms);
            for (grade, n) in &r.by_grade {
                println!("  {grade} 类 {n:>6}");
            }
            println!("  仅列示（规下，用地不足） {:>6}", r.listed_only);
            println!("run {} · inputs sha256 {}", r.run_id, r.inputs_sha256);
            if !publish {
                return Ok(ExitCode::SUCCESS);
            }
            match wujin_app::evaluation::publication::publish(app, &Ctx::cli(), r.run_id).await {
                Ok(p) => {
                    let end = p
                        .publicity_ends_at
                        .map(|t| {
                            t.with_timezone(&wujin_domain::tz::china_tz())
                                .format("%Y-%m-%d %H:%M")
                                .to_string()
                        })
                        .unwrap_or_default();
                    println!("已公示，公示期至 {end}（北京时间）");
                    println!("published · publicity ends {end} (China time)");
                    Ok(ExitCode::SUCCESS)
                }
                Err(
                    e @ (wujin_app::AppError::Conflict(_) | wujin_app::AppError::Validation(_)),
                ) => {
                    let other =
                        wujin_app::evaluation::publication::view(app, &Ctx::cli(), r.run_id)
                            .await
                            .ok()
                            .and_then(|v| v.blocking_run)
                            .map(|b| format!(" (run {} is {})", b.id, b.status))
                            .unwrap_or_default();
                    eprintln!("run {} stays a draft: {}{other}", r.run_id, describe(e));
                    Ok(ExitCode::from(2))
                }
                Err(e) => Err(e.into()),
            }
        }
        Err(e @ wujin_app::AppError::Validation(_)) => {
            eprintln!("{}", describe(e));
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}
