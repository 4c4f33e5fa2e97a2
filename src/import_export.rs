//! `wujin import`, `wujin export` and `wujin import-template`: the registry's spreadsheets
//! from the command line, for officers loading a department's file on the server itself.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wujin_app::registry::EnterpriseFilter;
use wujin_app::registry::dictionaries::{Dictionary, entries};
use wujin_app::registry::import::{CommitReport, ImportError, ImportOptions, ImportPreview};
use wujin_app::{App, AppError, Ctx};
use wujin_web::api::registry::figures::parse_source;
use wujin_web::i18n::{Lang, tr};

use crate::{ExportCommand, FilterArgs, TableArg};

/// Exit status of an import that found errors (nothing was written).
pub(crate) const EXIT_IMPORT_ERRORS: u8 = 2;

impl TableArg {
    /// The registry table; `None` for a decomposition table (see `tasks_import`).
    fn kind(self) -> Option<wujin_xlsx::TableKind> {
        match self {
            TableArg::Enterprises => Some(wujin_xlsx::TableKind::Enterprises),
            TableArg::Parcels => Some(wujin_xlsx::TableKind::Parcels),
            TableArg::Figures => Some(wujin_xlsx::TableKind::Figures),
            TableArg::Tasks => None,
        }
    }
}

/// What a stage of the import is called on the progress bar.
fn stage_label(stage: &str) -> &'static str {
    match stage {
        "read" => "读取文件",
        "map" => "识别表头与单元格",
        "resolve" => "核对企业库",
        "write" => "写入",
        _ => "处理中",
    }
}

/// A progress bar on stderr, hidden when stderr is not a terminal (logs, pipes, tests).
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{msg:<18} [{bar:32}] {pos}/{len} ({elapsed})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// One error as a line: `sheet!C12 列名: message (detail)`, the message in Chinese.
pub fn error_line(e: &ImportError) -> String {
    let place = match (e.sheet.is_empty(), e.cell.is_empty()) {
        (false, false) => format!("{}!{}", e.sheet, e.cell),
        (false, true) => e.sheet.clone(),
        (true, false) => e.cell.clone(),
        (true, true) => "文件".to_string(),
    };
    let column = e
        .column
        .as_deref()
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    let message = tr(Lang::ZhCn, &e.key);
    if e.detail.is_empty() {
        format!("{place}{column}: {message}")
    } else {
        format!("{place}{column}: {message} ({})", e.detail)
    }
}

/// Field errors on stderr, one a line, the messages in Chinese.
pub(crate) fn print_field_errors(fields: &[wujin_app::FieldError]) {
    for f in fields {
        let message = tr(Lang::ZhCn, &f.key);
        match &f.detail {
            Some(d) if !d.is_empty() => eprintln!("{}: {message} ({d})", f.field),
            _ => eprintln!("{}: {message}", f.field),
        }
    }
}

fn print_summary(preview: &ImportPreview) {
    println!(
        "{}: sheet {}, header row {}",
        preview.file_name, preview.sheet, preview.header_row
    );
    println!(
        "rows {}, new {}, changed {}, unchanged {}, blank {}",
        preview.rows, preview.new, preview.changed, preview.unchanged, preview.blank_rows
    );
    if !preview.unmatched_headers.is_empty() {
        println!("ignored columns: {}", preview.unmatched_headers.join("、"));
    }
}

/// `wujin import KIND FILE`.
pub async fn import(
    app: &App,
    table: TableArg,
    file: &Path,
    year: Option<i32>,
    source: Option<&str>,
    dry_run: bool,
) -> Result<ExitCode> {
    let kind = table.kind().context("not a registry table")?;
    let source = match source {
        None => None,
        Some(s) => Some(parse_source(s).with_context(|| {
            format!("unknown source {s:?}; use tax, stats, power, enterprise or town")
        })?),
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let opts = ImportOptions {
        year,
        source,
        sheet: None,
    };
    let bar = progress_bar();
    let mut current = "";
    let mut progress = |stage: &'static str, done: u64, total: u64| {
        if stage != current {
            current = stage;
            bar.set_message(stage_label(stage));
            bar.set_position(0);
        }
        bar.set_length(total.max(1));
        bar.set_position(done.min(total.max(1)));
    };
    let outcome = wujin_app::registry::import::run_file(
        app,
        &Ctx::cli(),
        wujin_app::registry::import::FileRun {
            kind,
            file_name: &file_name,
            bytes,
            opts: &opts,
            dry_run,
        },
        &mut progress,
    )
    .await;
    bar.finish_and_clear();
    let (preview, report) = match outcome {
        Ok(r) => r,
        Err(AppError::Validation(fields)) => {
            print_field_errors(&fields);
            eprintln!("nothing was imported");
            return Ok(ExitCode::from(EXIT_IMPORT_ERRORS));
        }
        Err(e) => return Err(crate::commands::describe(e)),
    };
    print_summary(&preview);
    if !preview.errors.is_empty() {
        println!("{} error(s):", preview.errors.len());
        for e in &preview.errors {
            println!("  {}", error_line(e));
        }
        println!("nothing was imported; correct the file and run the import again");
        return Ok(ExitCode::from(EXIT_IMPORT_ERRORS));
    }
    match report {
        Some(CommitReport {
            created,
            updated,
            unchanged,
            audit_events,
            ..
        }) => println!(
            "imported: {created} created, {updated} updated, {unchanged} unchanged ({audit_events} audit events)"
        ),
        None if dry_run => println!("dry run: the file is valid; nothing was written"),
        None => bail!("the import wrote nothing although the file is valid"),
    }
    Ok(ExitCode::SUCCESS)
}

/// An id, or the code or name of an entry (a town's unit code, an industry group's code).
async fn resolve_town(app: &App, s: &str) -> Result<i64> {
    if let Ok(id) = s.trim().parse::<i64>() {
        return Ok(id);
    }
    wujin_app::seed::unit_id(app, s.trim())
        .await?
        .with_context(|| format!("no town with code {s}"))
}

async fn resolve_group(app: &App, s: &str) -> Result<i64> {
    if let Ok(id) = s.trim().parse::<i64>() {
        return Ok(id);
    }
    entries(app.db.read(), Dictionary::IndustryGroup)
        .await?
        .into_iter()
        .find(|e| e.code == s.trim() || e.name == s.trim())
        .map(|e| e.id)
        .with_context(|| format!("no industry group {s}"))
}

async fn filter_of(app: &App, f: &FilterArgs) -> Result<EnterpriseFilter> {
    Ok(EnterpriseFilter {
        town: match &f.town {
            Some(t) => Some(resolve_town(app, t).await?),
            None => None,
        },
        group: match &f.group {
            Some(g) => Some(resolve_group(app, g).await?),
            None => None,
        },
        status: f.status.clone(),
        scale: f.scale.clone(),
        ..Default::default()
    })
}

pub(crate) fn write_file(file: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(file, bytes).with_context(|| format!("cannot write {}", file.display()))
}

/// `wujin export …`.
pub async fn export(app: &App, cmd: ExportCommand) -> Result<ExitCode> {
    let ctx = Ctx::cli();
    let (file, filter, bytes, what) = match cmd {
        ExportCommand::Enterprises { file, filter } => {
            let f = filter_of(app, &filter).await?;
            let bytes = wujin_app::registry::export::enterprises_xlsx(app, &ctx, &f)
                .await
                .map_err(crate::commands::describe)?;
            (file, f, bytes, "enterprise(s)".to_string())
        }
        ExportCommand::Figures { year, file, filter } => {
            if !(1990..=2100).contains(&year) {
                bail!("the year must be between 1990 and 2100");
            }
            let f = filter_of(app, &filter).await?;
            let bytes = wujin_app::registry::export::figures_xlsx(app, &ctx, year, &f)
                .await
                .map_err(crate::commands::describe)?;
            (
                file,
                f,
                bytes,
                format!("enterprise(s) with their {year} figures"),
            )
        }
    };
    let rows = wujin_app::registry::enterprises::for_each(app, &ctx, &filter, |_| {}).await?;
    write_file(&file, &bytes)?;
    println!("{rows} {what} written to {}", file.display());
    Ok(ExitCode::SUCCESS)
}

/// `wujin import-template KIND FILE`.
pub async fn template(
    app: &App,
    table: TableArg,
    file: &Path,
    year: Option<i32>,
) -> Result<ExitCode> {
    let Some(kind) = table.kind() else {
        return crate::tasks_import::template(file);
    };
    let bytes = wujin_app::registry::import::template(app, &Ctx::cli(), kind, year)
        .await
        .map_err(crate::commands::describe)?;
    write_file(file, &bytes)?;
    println!(
        "{} template written to {}",
        kind.sheet_name(),
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(sheet: &str, cell: &str, column: Option<&str>, detail: &str) -> ImportError {
        ImportError {
            sheet: sheet.into(),
            row: 12,
            cell: cell.into(),
            column: column.map(Into::into),
            key: "error.invalid".into(),
            detail: detail.into(),
            col: Some(2),
        }
    }

    #[test]
    fn error_lines_name_the_cell_column_and_detail() {
        let msg = tr(Lang::ZhCn, "error.invalid");
        assert_eq!(
            error_line(&err("企业名录", "C12", Some("企业名称"), "")),
            format!("企业名录!C12 企业名称: {msg}")
        );
        assert_eq!(
            error_line(&err("企业名录", "12", None, "x")),
            format!("企业名录!12: {msg} (x)")
        );
        assert_eq!(error_line(&err("", "", None, "")), format!("文件: {msg}"));
    }
}
