//! What a decomposition import shows and is told: the preview (rows with their matched names
//! and deadlines, errors by cell, the names nobody knows), the user's mappings of those names,
//! and what a commit wrote.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use wujin_domain::supervision::deadline::Deadline;

use crate::registry::import::ImportError;

/// The `import_batch.kind` of a decomposition import.
pub const KIND: &str = "supervision_tasks";

/// The most areas, tasks and sub-tasks one file may hold.
pub const MAX_ROWS: usize = 5_000;

/// Whether a name is a unit's or a leader's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    Unit,
    Leader,
}

impl NameKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Unit => "unit",
            NameKind::Leader => "leader",
        }
    }
}

/// A name as written and, when it matched, the unit or leader it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameRef {
    pub written: String,
    pub id: Option<i64>,
    /// The matched unit's or leader's own name.
    pub name: Option<String>,
}

/// One area, task or sub-task the import would create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRowPreview {
    /// 1-based sheet row.
    pub row: u32,
    /// 0 area, 1 task, 2 sub-task.
    pub level: u8,
    pub serial: String,
    pub content: String,
    /// The lead leader (the first leader named).
    pub leader: Option<NameRef>,
    /// Further leaders named in the cell: shown, not stored (a task has one lead leader).
    pub other_leaders: Vec<String>,
    /// The lead units named: the first is the lead unit, the others are stored as co-units.
    pub lead_units: Vec<NameRef>,
    pub co_units: Vec<NameRef>,
    pub deadline_text: Option<String>,
    /// The deadline read in the plan's year; `None` when blank or unreadable (an error).
    pub deadline: Option<Deadline>,
    /// 量化指标 as written.
    pub target: Option<String>,
    /// The 量化指标 read as what is measured, the target value and its unit. A text without a
    /// value is not a target: it is added to the content instead, as `（量化指标：…）`.
    pub metric: Option<String>,
    pub target_value: Option<f64>,
    pub target_unit: Option<String>,
    /// 备注 as written (shown, not stored: a task has no remark).
    pub remark: Option<String>,
    /// Whether an error points at this row.
    pub has_error: bool,
}

/// A unit or leader an unknown name might mean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameChoice {
    pub id: i64,
    pub name: String,
}

/// The active units and leaders, by name: what an unknown name may be mapped to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameChoices {
    pub units: Vec<NameChoice>,
    pub leaders: Vec<NameChoice>,
}

/// A name that matches no unit or leader (or several equally well): the user maps it to an
/// existing one, or (a unit) has it created, before the import can be committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownName {
    pub kind: NameKind,
    /// As first written.
    pub name: String,
    /// The sheet rows it appears on (1-based).
    pub rows: Vec<u32>,
    /// The cells it appears in (`E12`).
    pub cells: Vec<String>,
    /// It fits several units or leaders equally well (they are the suggestions).
    pub ambiguous: bool,
    /// Close existing names, the closest first.
    pub suggestions: Vec<NameChoice>,
}

/// The validation of a decomposition table: nothing is written but the import batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskImportPreview {
    pub batch_id: Option<i64>,
    pub plan_id: i64,
    pub plan_name: String,
    pub plan_year: i32,
    pub file_name: String,
    /// `validated` | `failed` | `committed` | `discarded`
    pub status: String,
    pub sheet: String,
    pub header_row: u32,
    /// The title above the header, if any.
    pub title: Option<String>,
    /// (column key, header as written) of the columns read.
    pub columns: Vec<(String, String)>,
    pub unmatched_headers: Vec<String>,
    pub areas: usize,
    pub tasks: usize,
    pub sub_tasks: usize,
    pub blank_rows: usize,
    /// Footnote rows, not imported: (row, text).
    pub notes: Vec<(u32, String)>,
    /// Tasks the plan already has (the import adds to them).
    pub existing_tasks: u64,
    pub rows: Vec<TaskRowPreview>,
    pub errors: Vec<ImportError>,
    pub unknown: Vec<UnknownName>,
    pub created_at: DateTime<Utc>,
}

impl TaskImportPreview {
    /// Unknown names of one kind.
    pub fn unknown_of(&self, kind: NameKind) -> impl Iterator<Item = &UnknownName> {
        self.unknown.iter().filter(move |u| u.kind == kind)
    }
}

/// What to do with one unknown name at commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum NameMapping {
    /// The unit name means this existing department.
    MapUnit { name: String, department_id: i64 },
    /// Create a department of this name under the city.
    CreateUnit { name: String },
    /// The leader name means this existing leader account.
    MapLeader { name: String, user_id: i64 },
}

impl NameMapping {
    pub fn name(&self) -> &str {
        match self {
            NameMapping::MapUnit { name, .. }
            | NameMapping::CreateUnit { name }
            | NameMapping::MapLeader { name, .. } => name,
        }
    }

    pub fn kind(&self) -> NameKind {
        match self {
            NameMapping::MapUnit { .. } | NameMapping::CreateUnit { .. } => NameKind::Unit,
            NameMapping::MapLeader { .. } => NameKind::Leader,
        }
    }
}

/// What a commit wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskImportOutcome {
    pub batch_id: Option<i64>,
    pub plan_id: i64,
    pub areas: usize,
    pub tasks: usize,
    pub sub_tasks: usize,
    /// Units created from unknown names.
    pub units_created: Vec<NameChoice>,
    pub audit_events: usize,
}
