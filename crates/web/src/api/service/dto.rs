//! What the service-loop API sends: problems with their timeline and clocks, visits, coverage
//! and statistics. Coded values are the stored names (`land`, `assigned`, `on_site` …).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wujin_app::attachments::AttachmentInfo;
use wujin_app::service::coverage::{CadreCoverage, TownCoverage, UnvisitedFirm};
use wujin_app::service::view::{AssignmentView, EventView, ProblemDetail, ProblemRow};
use wujin_app::service::visits::{VisitDetail, VisitRow};
use wujin_app::supervision::names::Named;

/// The stored name of a value that serialises as one.
fn text<T: Serialize>(v: T) -> String {
    serde_json::json!(v)
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// An id with its name.
#[derive(Serialize, ToSchema)]
pub struct NamedDto {
    pub id: i64,
    pub name: String,
}

impl From<Named> for NamedDto {
    fn from(n: Named) -> Self {
        NamedDto {
            id: n.id,
            name: n.name,
        }
    }
}

pub(super) fn named(v: Vec<Named>) -> Vec<NamedDto> {
    v.into_iter().map(Into::into).collect()
}

/// A problem as lists show it.
#[derive(Serialize, ToSchema)]
pub struct ProblemDto {
    pub id: i64,
    pub title: String,
    pub enterprise: NamedDto,
    pub town: Option<NamedDto>,
    /// visit | enterprise | hotline | town
    pub source: String,
    /// land | labour | financing | approval | policy_payout | infrastructure | utilities |
    /// logistics | market | technology | other
    pub category: String,
    /// Separated by 、
    pub tags: String,
    /// normal | urgent
    pub urgency: String,
    /// general | complex
    pub complexity: String,
    /// town | city | leader
    pub level: String,
    /// received | assigned | handling | waiting_firm | answered | closed | rated | returned |
    /// reopened
    pub state: String,
    /// 1, then one more at each reopening.
    pub round: i32,
    /// The department now leading the case.
    pub lead_department: Option<NamedDto>,
    pub received_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    /// The current deadline, and what is due by it (assign | reply | close).
    pub due_on: Option<NaiveDate>,
    pub due_kind: Option<String>,
    /// The current deadline has passed.
    pub overdue: bool,
    /// Waiting for the firm's material: the clock stands still.
    pub paused: bool,
    pub provisional: bool,
    /// 落实清单: the promised measure and its date.
    pub measure: Option<String>,
    pub measure_due: Option<NaiveDate>,
    /// resolved | deferred | not_permitted
    pub outcome: Option<String>,
    /// satisfied | basically_satisfied | dissatisfied
    pub satisfaction: Option<String>,
    pub reopen_count: i32,
}

impl From<ProblemRow> for ProblemDto {
    fn from(r: ProblemRow) -> Self {
        ProblemDto {
            id: r.id,
            title: r.title,
            enterprise: r.enterprise.into(),
            town: r.town.map(Into::into),
            source: r.source,
            category: r.category,
            tags: r.tags,
            urgency: r.urgency,
            complexity: r.complexity,
            level: r.level,
            state: r.state,
            round: r.round,
            lead_department: r.lead_department.map(Into::into),
            received_on: r.received_on,
            closed_on: r.closed_on,
            due_on: r.due_on,
            due_kind: r.due_kind,
            overdue: r.overdue,
            paused: r.paused,
            provisional: r.provisional,
            measure: r.measure,
            measure_due: r.measure_due,
            outcome: r.outcome,
            satisfaction: r.satisfaction,
            reopen_count: r.reopen_count,
        }
    }
}

/// One step of a case's timeline.
#[derive(Serialize, ToSchema)]
pub struct ProblemEventDto {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The China date the step counts on.
    pub on_date: NaiveDate,
    pub actor_name: String,
    pub actor_unit: Option<String>,
    /// create | assign | note | request_info | supply | answer | return | close_resolved |
    /// close_deferred | close_not_permitted | rate_satisfied | rate_basically_satisfied |
    /// rate_dissatisfied | reopen; and from the daily check urged | escalated_head |
    /// escalated_leader.
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: Option<String>,
    /// For an assignment: the lead and co-departments named.
    pub lead_department: Option<String>,
    pub co_departments: Vec<String>,
    pub measure: Option<String>,
    pub measure_due: Option<NaiveDate>,
}

impl From<EventView> for ProblemEventDto {
    fn from(e: EventView) -> Self {
        ProblemEventDto {
            id: e.id,
            at: e.at,
            on_date: e.on_date,
            actor_name: e.actor_name,
            actor_unit: e.actor_unit,
            action: e.action,
            from_state: e.from_state,
            to_state: e.to_state,
            note: e.note,
            lead_department: e.lead_department,
            co_departments: e.co_departments,
            measure: e.measure,
            measure_due: e.measure_due,
        }
    }
}

/// One hand-over to a lead department with its clocks (working days, China calendar).
#[derive(Serialize, ToSchema)]
pub struct ProblemAssignmentDto {
    pub seq: i32,
    pub round: i32,
    pub department: NamedDto,
    pub assign_due: NaiveDate,
    pub assigned_on: NaiveDate,
    pub assigned_on_time: bool,
    pub reply_due: NaiveDate,
    pub replied_on: Option<NaiveDate>,
    pub replied_on_time: Option<bool>,
    pub close_due: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    /// closed | returned | reassigned
    pub end_kind: Option<String>,
    pub closed_on_time: Option<bool>,
    /// Working days the clock stood still waiting for the firm.
    pub paused_wd: i32,
    /// Working days from assignment to the end.
    pub worked_wd: Option<i32>,
    pub satisfaction: Option<String>,
}

impl From<AssignmentView> for ProblemAssignmentDto {
    fn from(a: AssignmentView) -> Self {
        ProblemAssignmentDto {
            seq: a.seq,
            round: a.round,
            department: a.department.into(),
            assign_due: a.assign_due,
            assigned_on: a.assigned_on,
            assigned_on_time: a.assigned_on_time,
            reply_due: a.reply_due,
            replied_on: a.replied_on,
            replied_on_time: a.replied_on_time,
            close_due: a.close_due,
            ended_on: a.ended_on,
            end_kind: a.end_kind,
            closed_on_time: a.closed_on_time,
            paused_wd: a.paused_wd,
            worked_wd: a.worked_wd,
            satisfaction: a.satisfaction,
        }
    }
}

/// A file of a problem.
#[derive(Serialize, ToSchema)]
pub struct ProblemFileDto {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

impl From<AttachmentInfo> for ProblemFileDto {
    fn from(a: AttachmentInfo) -> Self {
        ProblemFileDto {
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            created_at: a.created_at,
        }
    }
}

/// A case with everything its page shows, and what the caller may do on it.
#[derive(Serialize, ToSchema)]
pub struct ProblemDetailDto {
    pub problem: ProblemDto,
    pub description: String,
    pub visit_id: Option<i64>,
    pub answer: Option<String>,
    pub outcome_note: Option<String>,
    pub rating_comment: Option<String>,
    pub co_departments: Vec<NamedDto>,
    /// Oldest first.
    pub events: Vec<ProblemEventDto>,
    pub assignments: Vec<ProblemAssignmentDto>,
    pub attachments: Vec<ProblemFileDto>,
    /// The actions the caller may take now (for `POST …/actions`).
    pub actions: Vec<String>,
    /// dispatcher | lead | co_department | firm
    pub capacities: Vec<String>,
    /// The last day the firm may reopen the closed case.
    pub reopen_until: Option<NaiveDate>,
    /// The industry-chain team, proposed as lead for a 产业链 problem.
    pub suggested_lead: Option<i64>,
}

impl From<ProblemDetail> for ProblemDetailDto {
    fn from(d: ProblemDetail) -> Self {
        ProblemDetailDto {
            problem: d.row.into(),
            description: d.description,
            visit_id: d.visit_id,
            answer: d.answer,
            outcome_note: d.outcome_note,
            rating_comment: d.rating_comment,
            co_departments: named(d.co_departments),
            events: d.events.into_iter().map(Into::into).collect(),
            assignments: d.assignments.into_iter().map(Into::into).collect(),
            attachments: d.attachments.into_iter().map(Into::into).collect(),
            actions: d.actions.into_iter().map(text).collect(),
            capacities: d.capacities.into_iter().map(text).collect(),
            reopen_until: d.reopen_until,
            suggested_lead: d.suggested_lead,
        }
    }
}

/// A visit as lists show it.
#[derive(Serialize, ToSchema)]
pub struct VisitDto {
    pub id: i64,
    pub enterprise: NamedDto,
    pub town: Option<NamedDto>,
    pub visited_on: NaiveDate,
    /// on_site | meeting | survey | phone
    pub form: String,
    pub cadres: Vec<NamedDto>,
    /// The firm's people present.
    pub attendees: Option<String>,
    pub summary: String,
    /// Problems raised on the visit.
    pub problem_count: u64,
}

impl From<VisitRow> for VisitDto {
    fn from(v: VisitRow) -> Self {
        VisitDto {
            id: v.id,
            enterprise: v.enterprise.into(),
            town: v.town.map(Into::into),
            visited_on: v.visited_on,
            form: v.form,
            cadres: named(v.cadres),
            attendees: v.attendees,
            summary: v.summary,
            problem_count: v.problem_count,
        }
    }
}

/// A visit with the problems raised on it that the caller reaches.
#[derive(Serialize, ToSchema)]
pub struct VisitDetailDto {
    pub visit: VisitDto,
    pub problems: Vec<ProblemDto>,
}

impl From<VisitDetail> for VisitDetailDto {
    fn from(d: VisitDetail) -> Self {
        VisitDetailDto {
            visit: d.visit.into(),
            problems: d.problems.into_iter().map(Into::into).collect(),
        }
    }
}

/// One cadre's visit coverage over the window.
#[derive(Serialize, ToSchema)]
pub struct CadreCoverageDto {
    pub cadre: NamedDto,
    pub unit: Option<String>,
    /// Firms in the cadre's care.
    pub assigned: u64,
    /// Of those, visited by the cadre within the window.
    pub visited: u64,
    /// visited / assigned, 0–1; none without assigned firms.
    pub coverage: Option<f64>,
    pub visits: u64,
    pub last_visit: Option<NaiveDate>,
}

impl From<CadreCoverage> for CadreCoverageDto {
    fn from(c: CadreCoverage) -> Self {
        CadreCoverageDto {
            cadre: c.cadre.into(),
            unit: c.unit,
            assigned: c.assigned,
            visited: c.visited,
            coverage: c.coverage,
            visits: c.visits,
            last_visit: c.last_visit,
        }
    }
}

/// One town's visit coverage over the window.
#[derive(Serialize, ToSchema)]
pub struct TownCoverageDto {
    pub town: NamedDto,
    /// Operating firms the caller reaches.
    pub firms: u64,
    pub visited: u64,
    /// visited / firms, 0–1.
    pub coverage: Option<f64>,
    pub visits: u64,
}

impl From<TownCoverage> for TownCoverageDto {
    fn from(t: TownCoverage) -> Self {
        TownCoverageDto {
            town: t.town.into(),
            firms: t.firms,
            visited: t.visited,
            coverage: t.coverage,
            visits: t.visits,
        }
    }
}

/// A firm nobody visited within the window, with the cadres in charge of it.
#[derive(Serialize, ToSchema)]
pub struct UnvisitedFirmDto {
    pub enterprise: NamedDto,
    pub town: NamedDto,
    /// Its last visit ever, if any.
    pub last_visit: Option<NaiveDate>,
    pub cadres: Vec<NamedDto>,
}

impl From<UnvisitedFirm> for UnvisitedFirmDto {
    fn from(u: UnvisitedFirm) -> Self {
        UnvisitedFirmDto {
            enterprise: u.enterprise.into(),
            town: u.town.into(),
            last_visit: u.last_visit,
            cadres: named(u.cadres),
        }
    }
}
