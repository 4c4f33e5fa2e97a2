//! The JSON shapes of a decomposition import.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wujin_app::supervision::import::{
    NameChoice, NameMapping, NameRef, TaskImportOutcome, TaskImportPreview, TaskRowPreview,
    UnknownName,
};
use wujin_domain::supervision::deadline::Deadline;

use crate::api::registry::import_dto::ImportErrorDto;

/// A name in a cell and what it matched.
#[derive(Serialize, ToSchema)]
pub struct NameRefDto {
    /// As written in the cell.
    pub written: String,
    /// The unit's or leader's id; null when nothing matched (see `unknown`).
    pub id: Option<i64>,
    /// The matched unit's or leader's own name.
    pub name: Option<String>,
}

impl From<NameRef> for NameRefDto {
    fn from(n: NameRef) -> Self {
        NameRefDto {
            written: n.written,
            id: n.id,
            name: n.name,
        }
    }
}

/// One area, task or sub-task the import would create.
#[derive(Serialize, ToSchema)]
pub struct TaskRowDto {
    /// 1-based sheet row.
    pub row: u32,
    /// 0 area, 1 task, 2 sub-task.
    pub level: u8,
    pub serial: String,
    pub content: String,
    /// The lead leader: the first leader named.
    pub leader: Option<NameRefDto>,
    /// Further leaders named in the cell (shown, not stored).
    pub other_leaders: Vec<String>,
    /// Lead units named: the first is the lead unit, the others are stored as co-units.
    pub lead_units: Vec<NameRefDto>,
    pub co_units: Vec<NameRefDto>,
    /// 完成时限 as written.
    pub deadline_text: Option<String>,
    /// How the deadline was read: on | recurring | ongoing; null when blank or unreadable.
    pub deadline_kind: Option<String>,
    /// The due date of a deadline of kind `on`.
    pub deadline_on: Option<NaiveDate>,
    /// monthly | quarterly | half_yearly | yearly, for a recurring deadline.
    pub recurrence: Option<String>,
    /// 量化指标 as written.
    pub target: Option<String>,
    /// The 量化指标 read as what is measured, the target value and its unit (a text without a
    /// value is added to `content` instead).
    pub metric: Option<String>,
    pub target_value: Option<f64>,
    pub target_unit: Option<String>,
    /// 备注 as written (shown, not stored).
    pub remark: Option<String>,
    pub has_error: bool,
}

impl From<TaskRowPreview> for TaskRowDto {
    fn from(r: TaskRowPreview) -> Self {
        let (kind, on, recurrence) = match r.deadline {
            None => (None, None, None),
            Some(Deadline::On(d)) => (Some("on"), Some(d), None),
            Some(Deadline::Recurring(rec)) => (
                Some("recurring"),
                None,
                serde_json::to_value(rec)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string)),
            ),
            Some(Deadline::Ongoing) => (Some("ongoing"), None, None),
        };
        TaskRowDto {
            row: r.row,
            level: r.level,
            serial: r.serial,
            content: r.content,
            leader: r.leader.map(Into::into),
            other_leaders: r.other_leaders,
            lead_units: r.lead_units.into_iter().map(Into::into).collect(),
            co_units: r.co_units.into_iter().map(Into::into).collect(),
            deadline_text: r.deadline_text,
            deadline_kind: kind.map(str::to_string),
            deadline_on: on,
            recurrence,
            target: r.target,
            metric: r.metric,
            target_value: r.target_value,
            target_unit: r.target_unit,
            remark: r.remark,
            has_error: r.has_error,
        }
    }
}

/// A unit or leader.
#[derive(Serialize, ToSchema)]
pub struct NameChoiceDto {
    pub id: i64,
    pub name: String,
}

impl From<NameChoice> for NameChoiceDto {
    fn from(c: NameChoice) -> Self {
        NameChoiceDto {
            id: c.id,
            name: c.name,
        }
    }
}

/// A name that matches no unit or leader (or several): to be mapped at commit.
#[derive(Serialize, ToSchema)]
pub struct UnknownNameDto {
    /// unit | leader
    pub kind: String,
    /// As first written.
    pub name: String,
    /// The sheet rows it appears on.
    pub rows: Vec<u32>,
    /// The cells it appears in (`E12`).
    pub cells: Vec<String>,
    /// It fits several units or leaders equally well (listed as suggestions).
    pub ambiguous: bool,
    /// Close existing units or leaders, the closest first.
    pub suggestions: Vec<NameChoiceDto>,
}

impl From<UnknownName> for UnknownNameDto {
    fn from(u: UnknownName) -> Self {
        UnknownNameDto {
            kind: u.kind.as_str().to_string(),
            name: u.name,
            rows: u.rows,
            cells: u.cells,
            ambiguous: u.ambiguous,
            suggestions: u.suggestions.into_iter().map(Into::into).collect(),
        }
    }
}

/// The validation of a decomposition table: nothing is written but the import batch.
#[derive(Serialize, ToSchema)]
pub struct TaskImportPreviewDto {
    pub batch_id: Option<i64>,
    pub plan_id: i64,
    pub plan_name: String,
    pub plan_year: i32,
    pub file_name: String,
    /// validated | failed | committed | discarded
    pub status: String,
    pub sheet: String,
    /// 1-based row of the header.
    pub header_row: u32,
    pub title: Option<String>,
    /// Headers that were not recognised (ignored).
    pub unmatched_headers: Vec<String>,
    pub areas: usize,
    pub tasks: usize,
    pub sub_tasks: usize,
    pub blank_rows: usize,
    /// Tasks the plan already has; the import adds to them.
    pub existing_tasks: u64,
    pub rows: Vec<TaskRowDto>,
    /// Every error by cell; the batch cannot be committed while there is one.
    pub errors: Vec<ImportErrorDto>,
    /// Names to map at commit.
    pub unknown: Vec<UnknownNameDto>,
    pub created_at: DateTime<Utc>,
}

impl From<TaskImportPreview> for TaskImportPreviewDto {
    fn from(p: TaskImportPreview) -> Self {
        TaskImportPreviewDto {
            batch_id: p.batch_id,
            plan_id: p.plan_id,
            plan_name: p.plan_name,
            plan_year: p.plan_year,
            file_name: p.file_name,
            status: p.status,
            sheet: p.sheet,
            header_row: p.header_row,
            title: p.title,
            unmatched_headers: p.unmatched_headers,
            areas: p.areas,
            tasks: p.tasks,
            sub_tasks: p.sub_tasks,
            blank_rows: p.blank_rows,
            existing_tasks: p.existing_tasks,
            rows: p.rows.into_iter().map(Into::into).collect(),
            errors: p.errors.into_iter().map(ImportErrorDto::from).collect(),
            unknown: p.unknown.into_iter().map(Into::into).collect(),
            created_at: p.created_at,
        }
    }
}

/// What to do with one unknown name.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum NameMappingDto {
    /// The unit name means this existing department.
    MapUnit { name: String, department_id: i64 },
    /// Create a department of this name under the city.
    CreateUnit { name: String },
    /// The leader name means this existing leader account (no account is created).
    MapLeader { name: String, user_id: i64 },
}

impl From<NameMappingDto> for NameMapping {
    fn from(m: NameMappingDto) -> Self {
        match m {
            NameMappingDto::MapUnit {
                name,
                department_id,
            } => NameMapping::MapUnit {
                name,
                department_id,
            },
            NameMappingDto::CreateUnit { name } => NameMapping::CreateUnit { name },
            NameMappingDto::MapLeader { name, user_id } => NameMapping::MapLeader { name, user_id },
        }
    }
}

/// The commit of a batch: one mapping for every unknown name of its preview.
#[derive(Deserialize, ToSchema, Default)]
pub struct CommitRequest {
    #[serde(default)]
    pub mappings: Vec<NameMappingDto>,
}

/// What a commit wrote.
#[derive(Serialize, ToSchema)]
pub struct TaskImportOutcomeDto {
    pub batch_id: Option<i64>,
    pub plan_id: i64,
    pub areas: usize,
    pub tasks: usize,
    pub sub_tasks: usize,
    /// Units created from unknown names.
    pub units_created: Vec<NameChoiceDto>,
    pub audit_events: usize,
}

impl From<TaskImportOutcome> for TaskImportOutcomeDto {
    fn from(o: TaskImportOutcome) -> Self {
        TaskImportOutcomeDto {
            batch_id: o.batch_id,
            plan_id: o.plan_id,
            areas: o.areas,
            tasks: o.tasks,
            sub_tasks: o.sub_tasks,
            units_created: o.units_created.into_iter().map(Into::into).collect(),
            audit_events: o.audit_events,
        }
    }
}
