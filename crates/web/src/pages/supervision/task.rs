//! One task (`/supervision/tasks/{id}`): what it is and who answers for it, its milestones,
//! the timeline of reports, its colour in every cycle with the reasons, notices and requests
//! with the forms the caller may use, and its change history. A refused form comes back on
//! this page with its errors (422).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use wujin_app::supervision::detail::{CycleColour, TaskDetail, TimelineReport};
use wujin_app::supervision::notices::NoticeView;
use wujin_app::supervision::requests::RequestView;
use wujin_domain::supervision::colour::{ColourReason, TaskColour};
use wujin_domain::supervision::escalation::{NoticeLevel, NoticeState};

use super::{colour_key, colour_label, level_label, percent, report_label};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::enterprises::fmt::day;
use crate::pages::history::{HistoryRow, history_rows};
use crate::pages::{FormErrors, render};
use crate::state::AppState;

/// Which form a refusal belongs to, and what was typed.
#[derive(Default, Clone)]
pub(super) struct Typed {
    pub form: &'static str,
    pub fields: std::collections::HashMap<String, String>,
}

impl Typed {
    pub fn get(&self, form: &str, field: &str) -> String {
        if self.form == form {
            self.fields.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
}

pub(super) struct ReportLine {
    r: TimelineReport,
    percent: String,
}

pub(super) struct ColourLine {
    c: CycleColour,
    label: String,
    key: String,
    percent: String,
    elapsed: String,
    reasons: Vec<String>,
}

pub(super) struct NoticeLine {
    n: NoticeView,
    level: String,
    state: String,
    answer_by: String,
    /// The lead unit may answer it.
    answerable: bool,
    /// The office may return or close it (answered).
    reviewable: bool,
    /// The office may escalate or withdraw it.
    open: bool,
    next_level: Option<String>,
}

pub(super) struct RequestLine {
    r: RequestView,
    kind: String,
    status: String,
    dates: String,
    pending: bool,
}

#[derive(Template)]
#[template(path = "supervision/task.html")]
pub(super) struct TaskPage {
    page: PageCtx,
    d: TaskDetail,
    colour: String,
    colour_class: String,
    deadline: String,
    report: String,
    report_class: &'static str,
    target: String,
    percent_now: String,
    elapsed_now: String,
    reports: Vec<ReportLine>,
    colours: Vec<ColourLine>,
    notices: Vec<NoticeLine>,
    requests: Vec<RequestLine>,
    history: Vec<HistoryRow>,
    suggested: Option<String>,
    errors: FormErrors,
    typed: Typed,
    today: String,
    cycles: Vec<String>,
}

pub(super) fn reason_text(lang: Lang, r: &ColourReason) -> String {
    let n = |v: f64| format!("{}", (v * 10.0).round() / 10.0);
    match r {
        ColourReason::Done => tr(lang, "supervision.reason.done"),
        ColourReason::Overdue {
            deadline,
            days_overdue,
        } => trf(
            lang,
            "supervision.reason.overdue",
            &[
                ("deadline", &day(lang, deadline)),
                ("n", &days_overdue.to_string()),
            ],
        ),
        ColourReason::Behind {
            elapsed_progress,
            percent_complete,
            behind,
        } => trf(
            lang,
            "supervision.reason.behind",
            &[
                ("elapsed", &n(*elapsed_progress)),
                ("percent", &n(*percent_complete)),
                ("behind", &n(*behind)),
            ],
        ),
        ColourReason::NodeMissed { node } => tr(
            lang,
            &format!(
                "supervision.reason.node_missed_{}",
                serde_json::json!(node).as_str().unwrap_or("monthly")
            ),
        ),
        ColourReason::DueSoon {
            deadline,
            working_days_left,
        } => trf(
            lang,
            "supervision.reason.due_soon",
            &[
                ("deadline", &day(lang, deadline)),
                ("n", &working_days_left.to_string()),
            ],
        ),
        ColourReason::OnTrack => tr(lang, "supervision.reason.on_track"),
    }
}

fn state_label(lang: Lang, s: NoticeState) -> String {
    tr(
        lang,
        &format!(
            "supervision.notice_state.{}",
            serde_json::json!(s).as_str().unwrap_or_default()
        ),
    )
}

/// Builds the task page; `errors` and `typed` show a refused form again.
pub(super) async fn task_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    errors: FormErrors,
    typed: Typed,
    msg: Option<&str>,
) -> Result<TaskPage, PageError> {
    let lang = user.lang;
    let today = wujin_app::china_today();
    let d = wujin_app::supervision::detail::detail(&state.app, &user.ctx, id, today).await?;
    let suggested = if d.office {
        wujin_app::supervision::notices::suggested_for(&state.app, &user.ctx, d.task.id)
            .await?
            .map(|l| level_label(lang, l))
    } else {
        None
    };
    let page = page_ctx(
        state,
        user,
        "supervision.task.title",
        &[
            ("supervision.title", Some("/supervision")),
            (
                &d.plan.name,
                Some(&format!("/supervision/plans/{}", d.plan.id)),
            ),
            (&d.task.serial, None),
        ],
        msg,
    )
    .await;
    let current: Option<TaskColour> = d.colours.first().and_then(|c| c.colour);
    let (report, report_class) = report_label(lang, &d.report);
    let target = match (&d.task.metric, d.task.target) {
        (Some(m), Some(t)) => {
            let unit = d.task.target_unit.clone().unwrap_or_default();
            match d.task.baseline {
                Some(b) => trf(
                    lang,
                    "supervision.target_with_baseline",
                    &[
                        ("metric", m),
                        ("baseline", &format!("{b}{unit}")),
                        ("target", &format!("{t}{unit}")),
                    ],
                ),
                None => format!("{m} {t}{unit}"),
            }
        }
        _ => String::new(),
    };
    let deadline = match (&d.task.deadline_text, d.task.deadline_on) {
        (Some(t), Some(on)) => format!("{t}（{}）", day(lang, &on)),
        (None, Some(on)) => day(lang, &on),
        (Some(t), None) => t.clone(),
        (None, None) => "—".into(),
    };
    let leads = d.leads;
    let office = d.office;
    let notices = d
        .notices
        .iter()
        .cloned()
        .map(|n| NoticeLine {
            level: level_label(lang, n.level),
            state: state_label(lang, n.state),
            answer_by: day(lang, &n.answer_by),
            answerable: leads && n.state == NoticeState::Issued,
            reviewable: office && n.state == NoticeState::Answered,
            open: office && !n.state.is_final(),
            next_level: n.level.next().map(|l: NoticeLevel| level_label(lang, l)),
            n,
        })
        .collect();
    let requests = d
        .requests
        .iter()
        .cloned()
        .map(|r| RequestLine {
            kind: tr(lang, &format!("supervision.request.kind_{}", r.kind)),
            status: tr(lang, &format!("supervision.request.status_{}", r.status)),
            dates: match (r.previous_deadline, r.proposed_deadline) {
                (Some(a), Some(b)) => format!("{} → {}", day(lang, &a), day(lang, &b)),
                _ => String::new(),
            },
            pending: r.status == "requested",
            r,
        })
        .collect();
    let history = history_rows(lang, d.history.clone(), "supervision.field", &[]);
    let mut cycles = vec![d.report_cycle.clone()];
    for c in d.colours.iter().map(|c| c.cycle.clone()) {
        if !cycles.contains(&c) && cycles.len() < 3 {
            cycles.push(c);
        }
    }
    Ok(TaskPage {
        colour: colour_label(lang, current),
        colour_class: colour_key(current),
        percent_now: percent(d.colours.first().and_then(|c| c.percent_complete)),
        elapsed_now: percent(d.colours.first().map(|c| c.elapsed_progress.round())),
        reports: d
            .reports
            .iter()
            .cloned()
            .map(|r| ReportLine {
                percent: percent(r.percent_complete),
                r,
            })
            .collect(),
        colours: d
            .colours
            .iter()
            .cloned()
            .map(|c| ColourLine {
                label: colour_label(lang, c.colour),
                key: colour_key(c.colour),
                percent: percent(c.percent_complete),
                elapsed: percent(Some(c.elapsed_progress.round())),
                reasons: c
                    .findings
                    .iter()
                    .map(|f| reason_text(lang, &f.reason))
                    .collect(),
                c,
            })
            .collect(),
        today: today.to_string(),
        notices,
        requests,
        history,
        suggested,
        report,
        report_class,
        target,
        deadline,
        errors,
        typed,
        cycles,
        page,
        d,
    })
}

/// A file of a report on a task the caller sees.
pub(super) async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((task_id, report_id, attachment_id)): Path<(i64, i64, i64)>,
) -> Result<axum::response::Response, PageError> {
    let (info, bytes) = wujin_app::supervision::reports::attachment(
        &state.app,
        &user.ctx,
        task_id,
        report_id,
        attachment_id,
    )
    .await?;
    Ok(crate::pages::evaluation::low_end::file_response(
        &info, bytes,
    ))
}

#[derive(Deserialize, Default)]
pub(super) struct ShowQuery {
    msg: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Html<String>, PageError> {
    render(
        &task_page(
            &state,
            &user,
            id,
            FormErrors::default(),
            Typed::default(),
            q.msg.as_deref(),
        )
        .await?,
    )
}
