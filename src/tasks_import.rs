//! `wujin import tasks FILE --plan NAME`: a decomposition table (任务分解表) into a supervision
//! plan from the command line. A dry run prints the preview, the errors and the unknown names;
//! otherwise the table is written in one transaction once every unknown name is mapped
//! (`--map 名称=部门名称`) or its unit created (`--create-units`), and the reason is printed
//! when it cannot be.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use wujin_app::supervision::import::{
    self as import, FileRun, NameKind, TaskImportOutcome, TaskImportPreview,
};
use wujin_app::{App, AppError, Ctx};

use crate::import_export::{EXIT_IMPORT_ERRORS, error_line, print_field_errors, write_file};

/// What `wujin import tasks` was asked.
pub struct Run<'a> {
    pub file: &'a Path,
    pub plan: Option<&'a str>,
    pub map: &'a [String],
    pub create_units: bool,
    pub dry_run: bool,
}

/// `名称=部门名称` (either width of `=`) as a pair.
fn parse_map(s: &str) -> Result<(String, String)> {
    let (name, target) = s
        .split_once(['=', '＝'])
        .with_context(|| format!("--map {s:?}: write it as 名称=部门名称"))?;
    let (name, target) = (name.trim(), target.trim());
    if name.is_empty() || target.is_empty() {
        bail!("--map {s:?}: both the name and what it means are needed (名称=部门名称)");
    }
    Ok((name.to_string(), target.to_string()))
}

/// The plan named `s` (or with id `s`).
async fn plan_id(app: &App, ctx: &Ctx, s: &str) -> Result<i64> {
    let plans = wujin_app::supervision::plans::list(app, ctx)
        .await
        .map_err(crate::commands::describe)?;
    let s = s.trim();
    if let Some(p) = plans.iter().find(|p| p.name == s || p.id.to_string() == s) {
        return Ok(p.id);
    }
    let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
    if names.is_empty() {
        bail!("no plan named {s:?}; no plan exists yet");
    }
    bail!("no plan named {s:?}; the plans are: {}", names.join("、"))
}

fn print_preview(p: &TaskImportPreview) {
    println!(
        "{}: sheet {}, header row {}",
        p.file_name, p.sheet, p.header_row
    );
    println!("plan {} ({})", p.plan_name, p.plan_year);
    println!(
        "areas {}, tasks {}, sub-tasks {}, blank rows {}",
        p.areas, p.tasks, p.sub_tasks, p.blank_rows
    );
    if p.existing_tasks > 0 {
        println!(
            "the plan already has {} task(s); the import adds to them",
            p.existing_tasks
        );
    }
    if !p.unmatched_headers.is_empty() {
        println!("ignored columns: {}", p.unmatched_headers.join("、"));
    }
    if !p.errors.is_empty() {
        println!("{} error(s):", p.errors.len());
        for e in &p.errors {
            println!("  {}", error_line(e));
        }
    }
    if !p.unknown.is_empty() {
        println!("{} unknown name(s):", p.unknown.len());
        for u in &p.unknown {
            let kind = match u.kind {
                NameKind::Unit => "unit",
                NameKind::Leader => "leader",
            };
            let rows: Vec<String> = u.rows.iter().map(u32::to_string).collect();
            let close: Vec<&str> = u.suggestions.iter().map(|s| s.name.as_str()).collect();
            let close = if close.is_empty() {
                String::new()
            } else {
                format!("; close: {}", close.join("、"))
            };
            println!("  {kind} {} (rows {}){close}", u.name, rows.join(", "));
        }
    }
}

fn print_outcome(o: &TaskImportOutcome) {
    println!(
        "imported: {} area(s), {} task(s), {} sub-task(s) ({} audit events)",
        o.areas, o.tasks, o.sub_tasks, o.audit_events
    );
    if !o.units_created.is_empty() {
        let names: Vec<&str> = o.units_created.iter().map(|u| u.name.as_str()).collect();
        println!("units created: {}", names.join("、"));
    }
}

/// `wujin import tasks FILE --plan NAME [--dry-run] [--map 名称=部门名称 …] [--create-units]`.
pub async fn import(app: &App, run: Run<'_>) -> Result<ExitCode> {
    let ctx = Ctx::cli();
    let plan = run
        .plan
        .context("name the plan to import into with --plan NAME")?;
    let plan_id = plan_id(app, &ctx, plan).await?;
    let map = run
        .map
        .iter()
        .map(|s| parse_map(s))
        .collect::<Result<Vec<_>>>()?;
    let bytes =
        std::fs::read(run.file).with_context(|| format!("cannot read {}", run.file.display()))?;
    let file_name = run
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| run.file.display().to_string());
    let file = |bytes: Vec<u8>, dry_run: bool| FileRun {
        plan_id,
        file_name: &file_name,
        bytes,
        map: &map,
        create_units: run.create_units,
        dry_run,
    };
    let refused = |fields: &[wujin_app::FieldError]| {
        print_field_errors(fields);
        eprintln!("nothing was imported");
        Ok(ExitCode::from(EXIT_IMPORT_ERRORS))
    };
    // First the preview, printed whatever follows.
    let preview = match import::run_file(app, &ctx, file(bytes.clone(), true)).await {
        Ok((p, _)) => p,
        Err(AppError::Validation(fields)) => return refused(&fields),
        Err(e) => return Err(crate::commands::describe(e)),
    };
    print_preview(&preview);
    if !preview.errors.is_empty() {
        println!("nothing was imported; correct the file and run the import again");
        return Ok(ExitCode::from(EXIT_IMPORT_ERRORS));
    }
    if run.dry_run {
        println!("dry run: nothing was written");
        return Ok(ExitCode::SUCCESS);
    }
    match import::run_file(app, &ctx, file(bytes, false)).await {
        Ok((_, Some(outcome))) => {
            print_outcome(&outcome);
            Ok(ExitCode::SUCCESS)
        }
        Ok((_, None)) => bail!("the import wrote nothing although the file is valid"),
        Err(AppError::Validation(fields)) => {
            print_field_errors(&fields);
            if !preview.unknown.is_empty() {
                eprintln!(
                    "map each unknown name with --map 名称=部门名称 (a leader: --map 姓名=领导姓名), or create the units with --create-units"
                );
            }
            eprintln!("nothing was imported");
            Ok(ExitCode::from(EXIT_IMPORT_ERRORS))
        }
        Err(e) => Err(crate::commands::describe(e)),
    }
}

/// `wujin import-template tasks FILE`: the blank decomposition template.
pub fn template(file: &Path) -> Result<ExitCode> {
    let bytes = import::template(&Ctx::cli()).map_err(crate::commands::describe)?;
    write_file(file, &bytes)?;
    println!("decomposition template written to {}", file.display());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_are_name_equals_target() {
        assert_eq!(
            parse_map(" 市数据局 = 市发改局 ").unwrap(),
            ("市数据局".to_string(), "市发改局".to_string())
        );
        assert_eq!(
            parse_map("甲＝乙").unwrap(),
            ("甲".to_string(), "乙".to_string())
        );
        assert!(parse_map("市数据局").is_err());
        assert!(parse_map("=市发改局").is_err());
    }
}
