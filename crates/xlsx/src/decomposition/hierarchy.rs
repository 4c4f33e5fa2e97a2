//! From the rows of a decomposition table to areas, tasks and sub-tasks.

use wujin_domain::cell_value::normalize_text;
use wujin_domain::supervision::units::{
    SerialStyle, normalise_name, parse_serial, rank_levels, split_serial_prefix,
};

use super::{DecompositionSheet, RawRow, TaskRow, free_text, is_note, names};

/// Columns whose text alone makes a row an area (a heading typed in the serial, area or
/// content column).
const HEADING_COLUMNS: [&str; 3] = ["serial", "area", "content"];

/// Columns that make a row a task.
const TASK_COLUMNS: [&str; 4] = ["lead_unit", "co_units", "deadline", "target"];

/// An area heading split into its 序号 and name: `一、扩大有效投资` → (`一、`, `扩大有效投资`).
fn heading(text: &str) -> (String, String) {
    let text = normalize_text(text).unwrap_or_default();
    match split_serial_prefix(&text) {
        Some((_, rest)) if !rest.is_empty() => {
            let serial = text[..text.len() - rest.len()].trim().to_string();
            (serial, rest.to_string())
        }
        _ => (String::new(), text),
    }
}

fn area(row: u32, text: &str, leaders: Vec<String>) -> TaskRow {
    let (serial, content) = heading(text);
    TaskRow {
        row,
        level: 0,
        serial,
        content,
        leaders,
        lead_units: Vec::new(),
        co_units: Vec::new(),
        deadline: None,
        target: None,
        remark: None,
        parent: None,
    }
}

/// Whether a 序号 may head an area: none, or a Chinese numeral (`一、`, `（一）`).
fn heading_serial(serial: Option<&str>) -> bool {
    match serial {
        None => true,
        Some(s) => parse_serial(s).is_some_and(|s| {
            matches!(
                s.style,
                SerialStyle::ChineseComma | SerialStyle::ChineseParen
            )
        }),
    }
}

/// The one text of a row that holds a single text (in one cell, or in every filled cell of a
/// row merged across).
fn single_text(raw: &RawRow) -> Option<&str> {
    let first = raw.values.first()?.1.as_str();
    let key = normalise_name(first);
    raw.values
        .iter()
        .all(|(_, v)| normalise_name(v) == key)
        .then_some(first)
}

/// What one row is.
enum Read {
    Note(String),
    Area(TaskRow),
    /// A task or sub-task, with the level of its 序号 style, if it has one.
    Task(TaskRow, Option<u8>),
}

fn read(raw: &RawRow, has_area_column: bool) -> Read {
    if let Some(text) = single_text(raw) {
        let merged_across = raw.values.len() > 1;
        let in_heading = raw.values.iter().all(|(k, _)| HEADING_COLUMNS.contains(k));
        let bare_number = parse_serial(text).is_some_and(|s| {
            !matches!(
                s.style,
                SerialStyle::ChineseComma | SerialStyle::ChineseParen
            )
        });
        if is_note(text) {
            return Read::Note(normalize_text(text).unwrap_or_default());
        }
        if (merged_across || in_heading) && !bare_number {
            return Read::Area(area(raw.row, text, Vec::new()));
        }
    }
    let serial = raw.get("serial").map(str::trim).filter(|s| !s.is_empty());
    let content = free_text(raw, "content");
    let leaders = names(raw, "leader");
    let task_like = TASK_COLUMNS.iter().any(|k| raw.get(k).is_some());
    if !task_like
        && content.is_some()
        && heading_serial(serial)
        && (!has_area_column || serial.is_some())
    {
        let mut a = area(raw.row, content.as_deref().unwrap_or_default(), leaders);
        if let Some(s) = serial {
            a.serial = s.to_string();
        }
        return Read::Area(a);
    }
    let lead_units = names(raw, "lead_unit");
    let lead_keys: Vec<String> = lead_units.iter().map(|u| normalise_name(u)).collect();
    let co_units = names(raw, "co_units")
        .into_iter()
        .filter(|u| !lead_keys.contains(&normalise_name(u)))
        .collect();
    let level = serial.and_then(parse_serial).map(|s| s.level());
    Read::Task(
        TaskRow {
            row: raw.row,
            level: 1,
            serial: serial.unwrap_or_default().to_string(),
            content: content.unwrap_or_default(),
            leaders,
            lead_units,
            co_units,
            deadline: free_text(raw, "deadline"),
            target: free_text(raw, "target"),
            remark: free_text(raw, "remark"),
            parent: None,
        },
        level,
    )
}

/// Reads every row into `out.rows` (areas from headings and from the area column), ranks the
/// 序号 styles into task and sub-task, links each row to its parent and reports what is
/// missing.
pub(super) fn build(out: &mut DecompositionSheet, raw_rows: Vec<RawRow>) {
    let has_area_column = out.column_of("area").is_some();
    let mut rows: Vec<TaskRow> = Vec::new();
    // Serial levels of the tasks, by index in `rows`.
    let mut serial_levels: Vec<(usize, u8)> = Vec::new();
    let mut current_area: Option<String> = None;
    for raw in &raw_rows {
        match read(raw, has_area_column) {
            Read::Note(t) => out.notes.push((raw.row, t)),
            Read::Area(a) => {
                current_area = Some(normalise_name(&a.content));
                rows.push(a);
            }
            Read::Task(t, level) => {
                if let Some(text) = raw.get("area") {
                    let key = normalise_name(&heading(text).1);
                    if current_area.as_deref() != Some(key.as_str()) {
                        current_area = Some(key);
                        rows.push(area(raw.row, text, Vec::new()));
                    }
                }
                if let Some(l) = level {
                    serial_levels.push((rows.len(), l));
                }
                rows.push(t);
            }
        }
    }
    let levels: Vec<u8> = serial_levels.iter().map(|(_, l)| *l).collect();
    for ((i, _), rank) in serial_levels.iter().zip(rank_levels(&levels)) {
        if rank >= 2 {
            let e = out.error_at(
                rows[*i].row,
                "serial",
                "error.task_import.too_deep",
                rows[*i].serial.clone(),
            );
            out.errors.push(e);
        }
        rows[*i].level = if rank == 0 { 1 } else { 2 };
    }
    link(out, &mut rows);
    out.rows = rows;
}

/// Sets each row's parent (the last area above a task, the last task above a sub-task) and
/// reports rows without content or lead unit and sub-tasks without a task.
fn link(out: &mut DecompositionSheet, rows: &mut [TaskRow]) {
    let required = |out: &DecompositionSheet, row: u32, key: &str| {
        let header = out.header_of(key).unwrap_or_default().to_string();
        out.error_at(row, key, "error.import.required", header)
    };
    let mut area: Option<usize> = None;
    let mut task: Option<usize> = None;
    for (i, r) in rows.iter_mut().enumerate() {
        match r.level {
            0 => {
                area = Some(i);
                task = None;
            }
            1 => {
                r.parent = area;
                task = Some(i);
            }
            _ => {
                r.parent = task;
                if task.is_none() {
                    let e = out.error_at(
                        r.row,
                        "serial",
                        "error.task_import.no_parent_task",
                        r.serial.clone(),
                    );
                    out.errors.push(e);
                }
            }
        }
        if r.content.is_empty() {
            let e = required(out, r.row, "content");
            out.errors.push(e);
        }
        if r.level > 0 && r.lead_units.is_empty() {
            let e = required(out, r.row, "lead_unit");
            out.errors.push(e);
        }
    }
}
