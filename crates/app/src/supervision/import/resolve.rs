//! A read table checked against the platform: names matched to units and leaders, deadlines
//! read in the plan's year, content lengths; unknown names gathered with their rows and close
//! existing names.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use wujin_domain::access::Role;
use wujin_domain::supervision::deadline::parse_deadline;
use wujin_domain::supervision::target::{QuantTarget, parse_target};
use wujin_domain::supervision::units::{KnownName, match_names, normalise_name, suggest_names};
use wujin_storage::entity::{app_user, department, supervision_plan};
use wujin_xlsx::CellError;
use wujin_xlsx::decomposition::{DecompositionSheet, TaskRow};

use super::types::{NameChoice, NameKind, NameRef, TaskImportPreview, TaskRowPreview, UnknownName};
use crate::AppResult;
use crate::registry::import::ImportError;
use crate::supervision::targets::{MAX_METRIC_CHARS, MAX_UNIT_CHARS};
use crate::supervision::tasks::MAX_CONTENT_CHARS;

/// Suggestions offered for one unknown name.
const SUGGESTIONS: usize = 3;

/// The units and leaders names are matched to: active departments (by name, short name and
/// code) and active leader accounts (by display name and username).
pub(super) struct Known {
    pub units: Vec<KnownName<i64>>,
    pub leaders: Vec<KnownName<i64>>,
}

impl Known {
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<Known> {
        let units = department::Entity::find()
            .filter(department::Column::Active.eq(true))
            .all(db)
            .await?
            .into_iter()
            .map(|d| {
                let mut aliases: Vec<String> = d.short_name.into_iter().collect();
                aliases.push(d.code);
                KnownName {
                    id: d.id,
                    name: d.name,
                    aliases,
                }
            })
            .collect();
        let leaders = app_user::Entity::find()
            .filter(app_user::Column::Active.eq(true))
            .filter(app_user::Column::Role.eq(Role::Leader.as_str()))
            .all(db)
            .await?
            .into_iter()
            .map(|u| KnownName {
                id: u.id,
                name: u.display_name,
                aliases: vec![u.username],
            })
            .collect();
        Ok(Known { units, leaders })
    }

    fn of(&self, kind: NameKind) -> &[KnownName<i64>] {
        match kind {
            NameKind::Unit => &self.units,
            NameKind::Leader => &self.leaders,
        }
    }

    pub fn name_of(&self, kind: NameKind, id: i64) -> Option<&str> {
        self.of(kind)
            .iter()
            .find(|k| k.id == id)
            .map(|k| k.name.as_str())
    }
}

/// Names the user has mapped: (kind, normalised name) → id.
pub(super) type Overrides = HashMap<(NameKind, String), i64>;

/// A table resolved: the preview (without batch), the errors, and one entry per cell naming
/// an unknown name (for the error workbook).
pub(super) struct Resolved {
    pub preview: TaskImportPreview,
    pub errors: Vec<CellError>,
    pub unknown_cells: Vec<CellError>,
}

/// Matches names once each, remembering where every unknown one was written.
struct Matcher<'a> {
    known: &'a Known,
    overrides: &'a Overrides,
    cache: HashMap<(NameKind, String), Result<i64, Vec<i64>>>,
    unknown: Vec<UnknownName>,
    unknown_cells: Vec<CellError>,
}

impl Matcher<'_> {
    fn name(
        &mut self,
        sheet: &DecompositionSheet,
        kind: NameKind,
        written: &str,
        row: u32,
        column: &str,
    ) -> NameRef {
        let key = (kind, normalise_name(written));
        let known = self.known;
        let overrides = self.overrides;
        let found = self
            .cache
            .entry(key.clone())
            .or_insert_with(|| {
                if let Some(id) = overrides.get(&key) {
                    return Ok(*id);
                }
                let m = match_names(&[written], known.of(kind));
                match (m.matched.first(), m.ambiguous.first()) {
                    (Some(hit), _) => Ok(hit.id),
                    (None, Some(a)) => Err(a.candidates.clone()),
                    (None, None) => Err(Vec::new()),
                }
            })
            .clone();
        match found {
            Ok(id) => NameRef {
                written: written.to_string(),
                id: Some(id),
                name: known.name_of(kind, id).map(str::to_string),
            },
            Err(candidates) => {
                self.note_unknown(sheet, kind, written, row, column, candidates);
                NameRef {
                    written: written.to_string(),
                    id: None,
                    name: None,
                }
            }
        }
    }

    fn note_unknown(
        &mut self,
        sheet: &DecompositionSheet,
        kind: NameKind,
        written: &str,
        row: u32,
        column: &str,
        candidates: Vec<i64>,
    ) {
        let key = normalise_name(written);
        let cell = sheet.error_at(
            row,
            column,
            match kind {
                NameKind::Unit => "error.task_import.unit_unknown",
                NameKind::Leader => "error.task_import.leader_unknown",
            },
            written,
        );
        let cell_ref = cell.cell_ref();
        self.unknown_cells.push(cell);
        if let Some(u) = self
            .unknown
            .iter_mut()
            .find(|u| u.kind == kind && normalise_name(&u.name) == key)
        {
            if u.rows.last() != Some(&row) {
                u.rows.push(row);
            }
            u.cells.push(cell_ref);
            return;
        }
        let ambiguous = !candidates.is_empty();
        let ids = if ambiguous {
            candidates
        } else {
            suggest_names(written, self.known.of(kind), SUGGESTIONS)
        };
        let suggestions = ids
            .into_iter()
            .filter_map(|id| {
                self.known.name_of(kind, id).map(|n| NameChoice {
                    id,
                    name: n.to_string(),
                })
            })
            .collect();
        self.unknown.push(UnknownName {
            kind,
            name: written.to_string(),
            rows: vec![row],
            cells: vec![cell_ref],
            ambiguous,
            suggestions,
        });
    }
}

/// Resolves every row of `sheet` for `plan` against `known`, with the user's `overrides`.
pub(super) fn resolve(
    sheet: &DecompositionSheet,
    plan: &supervision_plan::Model,
    known: &Known,
    overrides: &Overrides,
) -> Resolved {
    let mut errors = sheet.errors.clone();
    let mut m = Matcher {
        known,
        overrides,
        cache: HashMap::new(),
        unknown: Vec::new(),
        unknown_cells: Vec::new(),
    };
    let mut rows = Vec::with_capacity(sheet.rows.len());
    for r in &sheet.rows {
        rows.push(row_preview(sheet, plan, r, &mut m, &mut errors));
    }
    errors.sort_by_key(|e| (e.row, e.col));
    for p in &mut rows {
        p.has_error = errors.iter().any(|e| e.row == p.row);
    }
    let count = |level: u8| sheet.rows.iter().filter(|r| r.level == level).count();
    let preview = TaskImportPreview {
        batch_id: None,
        plan_id: plan.id,
        plan_name: plan.name.clone(),
        plan_year: plan.year,
        file_name: String::new(),
        status: if errors.is_empty() {
            "validated"
        } else {
            "failed"
        }
        .into(),
        sheet: sheet.sheet.clone(),
        header_row: sheet.header_row,
        title: sheet.title.clone(),
        columns: sheet
            .columns
            .iter()
            .map(|(k, _, h)| ((*k).to_string(), h.clone()))
            .collect(),
        unmatched_headers: sheet.unmatched_headers.clone(),
        areas: count(0),
        tasks: count(1),
        sub_tasks: count(2),
        blank_rows: sheet.blank_rows,
        notes: sheet.notes.clone(),
        existing_tasks: 0,
        rows,
        errors: errors.iter().map(ImportError::from).collect(),
        unknown: m.unknown,
        created_at: crate::now(),
    };
    Resolved {
        preview,
        errors,
        unknown_cells: m.unknown_cells,
    }
}

fn row_preview(
    sheet: &DecompositionSheet,
    plan: &supervision_plan::Model,
    r: &TaskRow,
    m: &mut Matcher<'_>,
    errors: &mut Vec<CellError>,
) -> TaskRowPreview {
    let leader = r
        .leaders
        .first()
        .map(|l| m.name(sheet, NameKind::Leader, l, r.row, "leader"));
    let lead_units = r
        .lead_units
        .iter()
        .map(|u| m.name(sheet, NameKind::Unit, u, r.row, "lead_unit"))
        .collect();
    let co_units = r
        .co_units
        .iter()
        .map(|u| m.name(sheet, NameKind::Unit, u, r.row, "co_units"))
        .collect();
    let deadline = match r.deadline.as_deref().map(|t| parse_deadline(t, plan.year)) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            errors.push(sheet.error_at(
                r.row,
                "deadline",
                "error.task.deadline_unreadable",
                e.text,
            ));
            None
        }
    };
    let (content, metric, target_value, target_unit) = read_target(&r.content, r.target.as_deref());
    let chars = content.chars().count();
    if chars > MAX_CONTENT_CHARS {
        errors.push(sheet.error_at(
            r.row,
            "content",
            "error.import.text_too_long",
            format!("{chars}/{MAX_CONTENT_CHARS}"),
        ));
    }
    TaskRowPreview {
        row: r.row,
        level: r.level,
        serial: r.serial.clone(),
        content,
        leader,
        other_leaders: r.leaders.iter().skip(1).cloned().collect(),
        lead_units,
        co_units,
        deadline_text: r.deadline.clone(),
        deadline,
        target: r.target.clone(),
        metric,
        target_value,
        target_unit,
        remark: r.remark.clone(),
        has_error: false,
    }
}

/// The content and quantitative target of a row: a 量化指标 with a value (and a metric and
/// unit within the lengths a target allows) is the target; any other text is kept by adding
/// it to the content.
fn read_target(
    content: &str,
    text: Option<&str>,
) -> (String, Option<String>, Option<f64>, Option<String>) {
    let Some(text) = text else {
        return (content.to_string(), None, None, None);
    };
    match parse_target(text) {
        Some(QuantTarget {
            metric,
            target: Some(value),
            unit,
        }) if metric.chars().count() <= MAX_METRIC_CHARS
            && unit
                .as_ref()
                .is_none_or(|u| u.chars().count() <= MAX_UNIT_CHARS) =>
        {
            (content.to_string(), Some(metric), Some(value), unit)
        }
        _ => (format!("{content}（量化指标：{text}）"), None, None, None),
    }
}
