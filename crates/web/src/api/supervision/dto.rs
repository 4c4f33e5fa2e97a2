//! What the supervision API sends and receives.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wujin_app::supervision::board::{BoardRow, Named, Portfolio};
use wujin_app::supervision::detail::{CycleColour, MilestoneView, TaskDetail, TimelineReport};
use wujin_app::supervision::notices::NoticeView;
use wujin_app::supervision::plans::PlanView;
use wujin_app::supervision::reports::ReportView;
use wujin_app::supervision::requests::RequestView;
use wujin_app::supervision::tasks::TaskView;
use wujin_domain::supervision::cycle::ReportStatus;

fn text<T: Serialize>(v: T) -> String {
    serde_json::json!(v)
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn opt_text<T: Serialize>(v: Option<T>) -> Option<String> {
    v.map(text)
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

/// The colour rules of a plan (DESIGN.md §7).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ColourRulesDto {
    /// Points behind time-elapsed progress from which a task is yellow (default 10).
    pub yellow_behind: f64,
    /// Points behind beyond which it is red (default 30).
    pub red_behind: f64,
    /// Blue when at most this many working days are left (default 7).
    pub blue_within_working_days: u32,
}

/// A plan.
#[derive(Serialize, ToSchema)]
pub struct PlanDto {
    pub id: i64,
    pub name: String,
    pub year: i32,
    pub description: Option<String>,
    /// monthly | quarterly
    pub report_period: String,
    /// Day of the month after the cycle when reports are due.
    pub report_due_day: u32,
    pub colour_rules: ColourRulesDto,
    pub status: String,
    /// Tasks the caller sees.
    pub tasks: u64,
}

impl From<PlanView> for PlanDto {
    fn from(p: PlanView) -> Self {
        PlanDto {
            id: p.id,
            name: p.name,
            year: p.year,
            description: p.description,
            report_period: text(p.report_period),
            report_due_day: p.report_due_day,
            colour_rules: ColourRulesDto {
                yellow_behind: p.colour_rules.yellow_behind,
                red_behind: p.colour_rules.red_behind,
                blue_within_working_days: p.colour_rules.blue_within_working_days,
            },
            status: p.status,
            tasks: p.tasks,
        }
    }
}

/// Where a cycle's report stands.
#[derive(Serialize, ToSchema)]
pub struct ReportStatusDto {
    /// on_time | late | missing | not_yet_due
    pub kind: String,
    /// Days late (late) or overdue (missing).
    pub days: Option<i64>,
}

impl From<ReportStatus> for ReportStatusDto {
    fn from(s: ReportStatus) -> Self {
        let (kind, days) = match s {
            ReportStatus::OnTime => ("on_time", None),
            ReportStatus::Late { days_late } => ("late", Some(days_late)),
            ReportStatus::Missing { days_overdue } => ("missing", Some(days_overdue)),
            ReportStatus::NotYetDue => ("not_yet_due", None),
        };
        ReportStatusDto {
            kind: kind.into(),
            days,
        }
    }
}

/// A task on the board.
#[derive(Serialize, ToSchema)]
pub struct BoardRowDto {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// 1 task, 2 sub-task.
    pub level: i32,
    pub serial: String,
    pub content: String,
    pub area: Option<String>,
    pub lead_leader: Option<NamedDto>,
    pub lead_unit: Option<NamedDto>,
    pub co_units: Vec<NamedDto>,
    pub deadline_text: Option<String>,
    pub deadline_on: Option<NaiveDate>,
    /// open | done
    pub status: String,
    /// green | blue | yellow | red | grey; none before the first computation.
    pub colour: Option<String>,
    pub previous_colour: Option<String>,
    pub percent: Option<f64>,
    pub elapsed_progress: Option<f64>,
    /// The lead unit's report of the cycle being reported.
    pub report: ReportStatusDto,
    /// notice | letter | interview | public_notice
    pub open_notice: Option<String>,
}

impl From<BoardRow> for BoardRowDto {
    fn from(r: BoardRow) -> Self {
        BoardRowDto {
            id: r.id,
            parent_id: r.parent_id,
            level: r.level,
            serial: r.serial,
            content: r.content,
            area: r.area,
            lead_leader: r.lead_leader.map(Into::into),
            lead_unit: r.lead_unit.map(Into::into),
            co_units: r.co_units.into_iter().map(Into::into).collect(),
            deadline_text: r.deadline_text,
            deadline_on: r.deadline_on,
            status: r.status,
            colour: opt_text(r.colour),
            previous_colour: opt_text(r.previous_colour),
            percent: r.percent,
            elapsed_progress: r.elapsed_progress,
            report: r.report.into(),
            open_notice: opt_text(r.open_notice),
        }
    }
}

/// A leader's or a unit's tasks by colour.
#[derive(Serialize, ToSchema)]
pub struct PortfolioDto {
    pub who: NamedDto,
    pub leads: usize,
    pub co_operates: usize,
    pub by_colour: BTreeMap<String, usize>,
    pub overdue: usize,
    pub filed: usize,
    pub late: usize,
    pub missing: usize,
}

impl From<Portfolio> for PortfolioDto {
    fn from(p: Portfolio) -> Self {
        PortfolioDto {
            who: p.who.into(),
            leads: p.leads,
            co_operates: p.co_operates,
            by_colour: p.by_colour,
            overdue: p.overdue,
            filed: p.filed,
            late: p.late,
            missing: p.missing,
        }
    }
}

/// A task as stored.
#[derive(Serialize, ToSchema)]
pub struct TaskDto {
    pub id: i64,
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    /// 0 area, 1 task, 2 sub-task.
    pub level: i32,
    pub serial: String,
    pub content: String,
    pub lead_leader_id: Option<i64>,
    pub lead_unit_id: Option<i64>,
    pub co_unit_ids: Vec<i64>,
    /// 完成时限 as written.
    pub deadline_text: Option<String>,
    /// The date it was read as, when it is one.
    pub deadline_on: Option<NaiveDate>,
    /// monthly | quarterly | half_yearly | yearly, when it recurs.
    pub recurrence: Option<String>,
    pub ongoing: bool,
    pub start_on: NaiveDate,
    pub status: String,
    pub metric: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub target_unit: Option<String>,
    pub tags: Vec<String>,
}

impl From<TaskView> for TaskDto {
    fn from(t: TaskView) -> Self {
        use wujin_domain::supervision::deadline::Deadline;
        TaskDto {
            recurrence: match t.deadline {
                Some(Deadline::Recurring(r)) => Some(text(r)),
                _ => None,
            },
            ongoing: t.deadline == Some(Deadline::Ongoing),
            id: t.id,
            plan_id: t.plan_id,
            parent_id: t.parent_id,
            level: t.level,
            serial: t.serial,
            content: t.content,
            lead_leader_id: t.lead_leader_id,
            lead_unit_id: t.lead_unit_id,
            co_unit_ids: t.co_unit_ids,
            deadline_text: t.deadline_text,
            deadline_on: t.deadline_on,
            start_on: t.start_on,
            status: t.status,
            metric: t.metric,
            baseline: t.baseline,
            target: t.target,
            target_unit: t.target_unit,
            tags: t.tags,
        }
    }
}

/// A milestone (节点).
#[derive(Serialize, ToSchema)]
pub struct MilestoneDto {
    pub id: i64,
    pub task_id: i64,
    /// monthly | quarterly
    pub kind: String,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
}

impl From<MilestoneView> for MilestoneDto {
    fn from(m: MilestoneView) -> Self {
        MilestoneDto {
            id: m.id,
            task_id: m.task_id,
            kind: m.kind,
            title: m.title,
            due_on: m.due_on,
            done_at: m.done_at,
        }
    }
}

/// A progress report on the timeline.
#[derive(Serialize, ToSchema)]
pub struct TimelineReportDto {
    pub id: i64,
    pub cycle: String,
    pub unit: NamedDto,
    pub is_lead: bool,
    pub author: Option<String>,
    pub progress: String,
    pub percent_complete: Option<f64>,
    pub target_value: Option<f64>,
    pub problems: Option<String>,
    pub next_steps: Option<String>,
    pub due_on: NaiveDate,
    pub submitted_at: DateTime<Utc>,
    pub late: bool,
}

impl From<TimelineReport> for TimelineReportDto {
    fn from(r: TimelineReport) -> Self {
        TimelineReportDto {
            id: r.id,
            cycle: r.cycle,
            unit: r.unit.into(),
            is_lead: r.is_lead,
            author: r.author,
            progress: r.progress,
            percent_complete: r.percent_complete,
            target_value: r.target_value,
            problems: r.problems,
            next_steps: r.next_steps,
            due_on: r.due_on,
            submitted_at: r.submitted_at,
            late: r.late,
        }
    }
}

/// A report as filed.
#[derive(Serialize, ToSchema)]
pub struct ReportDto {
    pub id: i64,
    pub task_id: i64,
    pub cycle: String,
    pub unit_id: i64,
    pub is_lead: bool,
    pub progress: String,
    pub percent_complete: Option<f64>,
    pub target_value: Option<f64>,
    pub problems: Option<String>,
    pub next_steps: Option<String>,
    pub due_on: NaiveDate,
    pub late: bool,
}

impl From<ReportView> for ReportDto {
    fn from(r: ReportView) -> Self {
        ReportDto {
            id: r.id,
            task_id: r.task_id,
            cycle: r.cycle,
            unit_id: r.unit_id,
            is_lead: r.is_lead,
            progress: r.progress,
            percent_complete: r.percent_complete,
            target_value: r.target_value,
            problems: r.problems,
            next_steps: r.next_steps,
            due_on: r.due_on,
            late: r.late,
        }
    }
}

/// The colour of one cycle with the rules that fired.
#[derive(Serialize, ToSchema)]
pub struct CycleColourDto {
    pub cycle: String,
    pub colour: Option<String>,
    /// The findings, deciding one first, as `{colour, reason: {kind, …}}`.
    #[schema(value_type = Vec<Object>)]
    pub findings: serde_json::Value,
    pub percent_complete: Option<f64>,
    pub elapsed_progress: f64,
    pub computed_at: DateTime<Utc>,
}

impl From<CycleColour> for CycleColourDto {
    fn from(c: CycleColour) -> Self {
        CycleColourDto {
            cycle: c.cycle,
            colour: opt_text(c.colour),
            findings: serde_json::json!(c.findings),
            percent_complete: c.percent_complete,
            elapsed_progress: c.elapsed_progress,
            computed_at: c.computed_at,
        }
    }
}

/// A 督办单.
#[derive(Serialize, ToSchema)]
pub struct NoticeDto {
    pub id: i64,
    pub task_id: i64,
    /// notice | letter | interview | public_notice
    pub level: String,
    /// issued | answered | closed | escalated | withdrawn
    pub state: String,
    pub content: String,
    pub answer_by: NaiveDate,
    pub answer: Option<String>,
    /// The notice this one escalated.
    pub previous_id: Option<i64>,
}

impl From<NoticeView> for NoticeDto {
    fn from(n: NoticeView) -> Self {
        NoticeDto {
            id: n.id,
            task_id: n.task_id,
            level: text(n.level),
            state: text(n.state),
            content: n.content,
            answer_by: n.answer_by,
            answer: n.answer,
            previous_id: n.previous_id,
        }
    }
}

/// An extension or completion request.
#[derive(Serialize, ToSchema)]
pub struct RequestDto {
    pub id: i64,
    pub task_id: i64,
    /// extension | completion
    pub kind: String,
    /// requested | approved | refused | accepted | returned
    pub status: String,
    pub reason: String,
    pub previous_deadline: Option<NaiveDate>,
    pub proposed_deadline: Option<NaiveDate>,
    pub decision_reason: Option<String>,
}

impl From<RequestView> for RequestDto {
    fn from(r: RequestView) -> Self {
        RequestDto {
            id: r.id,
            task_id: r.task_id,
            kind: r.kind,
            status: r.status,
            reason: r.reason,
            previous_deadline: r.previous_deadline,
            proposed_deadline: r.proposed_deadline,
            decision_reason: r.decision_reason,
        }
    }
}

/// A task with everything its page shows.
#[derive(Serialize, ToSchema)]
pub struct TaskDetailDto {
    pub task: TaskDto,
    pub plan: PlanDto,
    pub area: Option<String>,
    pub parent: Option<NamedDto>,
    pub children: Vec<NamedDto>,
    pub lead_leader: Option<NamedDto>,
    pub lead_unit: Option<NamedDto>,
    pub co_units: Vec<NamedDto>,
    pub milestones: Vec<MilestoneDto>,
    /// Newest cycle first.
    pub reports: Vec<TimelineReportDto>,
    /// Newest cycle first.
    pub colours: Vec<CycleColourDto>,
    pub notices: Vec<NoticeDto>,
    pub requests: Vec<RequestDto>,
    pub report_cycle: String,
    pub report_due: NaiveDate,
    pub report: ReportStatusDto,
    /// The caller acts for the supervision office.
    pub office: bool,
    /// The caller's unit leads the task.
    pub leads: bool,
    /// The caller's unit may report on it.
    pub may_report: bool,
}

impl From<TaskDetail> for TaskDetailDto {
    fn from(d: TaskDetail) -> Self {
        TaskDetailDto {
            task: d.task.into(),
            plan: d.plan.into(),
            area: d.area,
            parent: d.parent.map(Into::into),
            children: d.children.into_iter().map(Into::into).collect(),
            lead_leader: d.lead_leader.map(Into::into),
            lead_unit: d.lead_unit.map(Into::into),
            co_units: d.co_units.into_iter().map(Into::into).collect(),
            milestones: d.milestones.into_iter().map(Into::into).collect(),
            reports: d.reports.into_iter().map(Into::into).collect(),
            colours: d.colours.into_iter().map(Into::into).collect(),
            notices: d.notices.into_iter().map(Into::into).collect(),
            requests: d.requests.into_iter().map(Into::into).collect(),
            report_cycle: d.report_cycle,
            report_due: d.report_due,
            report: d.report.into(),
            office: d.office,
            leads: d.leads,
            may_report: d.may_report,
        }
    }
}
