//! `wujin export tasks` and `wujin bulletin`: a supervision plan's decomposition table and its
//! monthly bulletin as xlsx, written by the platform itself (every task of the plan).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use wujin_app::supervision::{bulletin as bulletins, export, plans};
use wujin_app::{App, AppError, Ctx};

use crate::commands::{describe, registry_app};
use crate::config::Config;

/// Exit status of a request the command cannot serve (unknown plan, wrong month or file type).
const EXIT_REFUSED: u8 = 2;

/// The extension of `file`, lower-cased.
fn extension(file: &Path) -> String {
    file.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Refuses any file but `.xlsx`, saying why.
fn xlsx_only(file: &Path) -> Option<ExitCode> {
    match extension(file).as_str() {
        "xlsx" => None,
        "html" | "htm" => {
            eprintln!(
                "{}: the printable bulletin is a page of the web interface (open the plan's \
                 bulletin and print it); from the command line only .xlsx is written",
                file.display()
            );
            Some(ExitCode::from(EXIT_REFUSED))
        }
        other => {
            eprintln!(
                "{}: only .xlsx files are written from the command line{}",
                file.display(),
                if other.is_empty() {
                    " (the file name has no extension)".to_string()
                } else {
                    format!(", not .{other}")
                }
            );
            Some(ExitCode::from(EXIT_REFUSED))
        }
    }
}

/// The id of the plan named `name`, or the refusal listing the plans there are.
async fn plan_id(app: &App, name: &str) -> Result<std::result::Result<i64, ExitCode>> {
    let all = plans::list(app, &Ctx::cli()).await.map_err(describe)?;
    if let Some(p) = all.iter().find(|p| p.name == name.trim()) {
        return Ok(Ok(p.id));
    }
    eprintln!("there is no plan named {name}");
    if !all.is_empty() {
        eprintln!("plans:");
        for p in &all {
            eprintln!("  {}", p.name);
        }
    }
    Ok(Err(ExitCode::from(EXIT_REFUSED)))
}

fn write(file: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(file, bytes).with_context(|| format!("cannot write {}", file.display()))
}

/// `wujin export tasks --plan NAME FILE.xlsx`.
pub async fn export_tasks(app: &App, plan: &str, file: &Path) -> Result<ExitCode> {
    if let Some(code) = xlsx_only(file) {
        return Ok(code);
    }
    let id = match plan_id(app, plan).await? {
        Ok(id) => id,
        Err(code) => return Ok(code),
    };
    let bytes = export::decomposition_xlsx(app, &Ctx::cli(), id)
        .await
        .map_err(describe)?;
    write(file, &bytes)?;
    println!(
        "decomposition table of {} written to {}",
        plan.trim(),
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `wujin bulletin --plan NAME --month YYYY-MM FILE.xlsx`: reporting judged on today (China
/// time). A wrong month, or one whose cycle has no colours yet, exits 2 with the reason.
pub async fn bulletin(cfg: &Config, plan: &str, month: &str, file: &Path) -> Result<ExitCode> {
    if let Some(code) = xlsx_only(file) {
        return Ok(code);
    }
    let app = registry_app(cfg).await?;
    let id = match plan_id(&app, plan).await? {
        Ok(id) => id,
        Err(code) => return Ok(code),
    };
    let today = chrono::Utc::now()
        .with_timezone(&wujin_domain::tz::china_tz())
        .date_naive();
    let b = match bulletins::bulletin(&app, &Ctx::cli(), id, month, today).await {
        Ok(b) => b,
        Err(e @ AppError::Validation(_)) => {
            eprintln!("{}", describe(e));
            return Ok(ExitCode::from(EXIT_REFUSED));
        }
        Err(e) => return Err(describe(e)),
    };
    let bytes = export::bulletin_xlsx(&b).map_err(describe)?;
    write(file, &bytes)?;
    let counts: Vec<String> = b
        .colours
        .iter()
        .map(|c| format!("{} {}", export::colour_label(c.colour), c.this_cycle))
        .collect();
    println!(
        "bulletin of {} for {} (cycle {}): {} — {} red/yellow task(s), {} unit(s) ranked",
        plan.trim(),
        b.month,
        b.cycle,
        counts.join(", "),
        b.flagged.len(),
        b.reporting.len()
    );
    println!("written to {}", file.display());
    Ok(ExitCode::SUCCESS)
}
