//! One case (`/service/problems/{id}`): the problem, who holds it and by when, the clocks of
//! every hand-over, the timeline every party sees (the firm included), the files, and the
//! forms of the steps the caller may take now. Every step posts to `/act`; a refused one comes
//! back on this page with its errors (422).

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::service::problems::CaseStep;
use wujin_app::service::view::{AssignmentView, EventView, ProblemDetail};
use wujin_app::{AppError, FieldError};
use wujin_domain::service::case::{CaseAction, CaseActor};
use wujin_domain::service::problem::Complexity;

use super::{label, unprocessable};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::fmt::day;
use crate::pages::enterprises::options::opts;
use crate::pages::{FormErrors, render};
use crate::state::AppState;

/// What was typed into a refused form.
#[derive(Default, Clone)]
pub(super) struct Typed {
    pub form: String,
    pub fields: Vec<(String, String)>,
}

impl Typed {
    pub fn get(&self, form: &str, field: &str) -> String {
        if self.form == form {
            self.fields
                .iter()
                .find(|(k, _)| k == field)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        } else {
            String::new()
        }
    }
}

pub(super) struct EventLine {
    e: EventView,
    action: String,
    state: String,
    date: String,
    /// 催办 and escalations stand out.
    alert: bool,
}

pub(super) struct ClockLine {
    a: AssignmentView,
    assign_due: String,
    assigned_on: String,
    reply_due: String,
    replied_on: String,
    close_due: String,
    ended_on: String,
    end: String,
    satisfaction: String,
}

#[derive(Template)]
#[template(path = "service/problem.html")]
struct CasePage {
    page: PageCtx,
    d: ProblemDetail,
    errors: FormErrors,
    typed: Typed,
    state: String,
    category: String,
    source: String,
    level: String,
    urgency: String,
    complexity: String,
    received: String,
    due: String,
    due_kind: String,
    measure_due: String,
    reopen_until: String,
    outcome: String,
    satisfaction: String,
    events: Vec<EventLine>,
    clocks: Vec<ClockLine>,
    /// Step forms to show.
    may: Vec<String>,
    close_outcomes: Vec<Opt>,
    ratings: Vec<Opt>,
    departments: Vec<Opt>,
    co_departments: Vec<(String, String, bool)>,
    complexities: Vec<Opt>,
    firm: bool,
    lead: bool,
}

impl CasePage {
    fn may(&self, step: &str) -> bool {
        self.may.iter().any(|m| m == step)
    }
}

#[derive(Deserialize, Default)]
pub(super) struct ShowQuery {
    msg: Option<String>,
}

fn date_or_dash(lang: Lang, d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| day(lang, &d)).unwrap_or_else(|| "—".into())
}

async fn case_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    errors: FormErrors,
    typed: Typed,
    msg: Option<&str>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let today = wujin_app::china_today();
    let d = wujin_app::service::view::detail(&state.app, &user.ctx, id, today).await?;
    let events = d
        .events
        .iter()
        .cloned()
        .map(|e| EventLine {
            action: label(lang, "action", &e.action),
            state: label(lang, "state", &e.to_state),
            date: day(lang, &e.on_date),
            alert: e.action.starts_with("urged") || e.action.starts_with("escalated"),
            e,
        })
        .collect();
    let clocks = d
        .assignments
        .iter()
        .cloned()
        .map(|a| ClockLine {
            assign_due: day(lang, &a.assign_due),
            assigned_on: day(lang, &a.assigned_on),
            reply_due: day(lang, &a.reply_due),
            replied_on: date_or_dash(lang, a.replied_on),
            close_due: match a.close_due {
                Some(c) => day(lang, &c),
                None => tr(lang, "service.clock.paused"),
            },
            ended_on: date_or_dash(lang, a.ended_on),
            end: a
                .end_kind
                .as_deref()
                .map(|k| label(lang, "end", k))
                .unwrap_or_else(|| tr(lang, "service.clock.running")),
            satisfaction: a
                .satisfaction
                .as_deref()
                .map(|s| label(lang, "satisfaction", s))
                .unwrap_or_default(),
            a,
        })
        .collect();
    let mut may: Vec<String> = Vec::new();
    for a in &d.actions {
        let key = match a {
            CaseAction::CloseResolved
            | CaseAction::CloseDeferred
            | CaseAction::CloseNotPermitted => "close",
            CaseAction::RateSatisfied
            | CaseAction::RateBasicallySatisfied
            | CaseAction::RateDissatisfied => "rate",
            other => other.as_str(),
        };
        if !may.iter().any(|m| m == key) {
            may.push(key.to_string());
        }
    }
    let close_outcomes = opts(
        None,
        d.actions
            .iter()
            .filter_map(|a| a.outcome())
            .map(|o| (o.as_str().to_string(), label(lang, "outcome", o.as_str()))),
        &typed.get("close", "outcome"),
    );
    let ratings = opts(
        None,
        d.actions.iter().filter_map(|a| a.satisfaction()).map(|s| {
            (
                s.as_str().to_string(),
                label(lang, "satisfaction", s.as_str()),
            )
        }),
        &typed.get("rate", "rating"),
    );
    let units = if may.iter().any(|m| m == "assign") {
        wujin_app::service::view::department_choices(&state.app).await?
    } else {
        Vec::new()
    };
    let chosen_lead = {
        let t = typed.get("assign", "lead_department_id");
        if t.is_empty() {
            d.row
                .lead_department
                .as_ref()
                .map(|l| l.id)
                .or(d.suggested_lead)
                .map(|i| i.to_string())
                .unwrap_or_default()
        } else {
            t
        }
    };
    let typed_co: Vec<String> = typed
        .fields
        .iter()
        .filter(|(k, _)| typed.form == "assign" && k == "co_department_ids")
        .map(|(_, v)| v.clone())
        .collect();
    let departments = opts(
        Some(tr(lang, "service.choose")),
        units.iter().map(|u| (u.id.to_string(), u.name.clone())),
        &chosen_lead,
    );
    let co_departments = units
        .iter()
        .map(|u| {
            let id = u.id.to_string();
            let on = if typed.form == "assign" {
                typed_co.contains(&id)
            } else {
                d.co_departments.iter().any(|c| c.id == u.id)
            };
            (id, u.name.clone(), on)
        })
        .collect();
    let complexities = opts(
        None,
        Complexity::ALL.iter().map(|c| {
            (
                c.as_str().to_string(),
                label(lang, "complexity", c.as_str()),
            )
        }),
        &{
            let t = typed.get("assign", "complexity");
            if t.is_empty() {
                d.row.complexity.clone()
            } else {
                t
            }
        },
    );
    let title = format!("#{} {}", d.row.id, d.row.title);
    let page = page_ctx(
        state,
        user,
        "service.case_title",
        &[("service.problems_title", Some("/service")), (&title, None)],
        msg,
    )
    .await;
    render(&CasePage {
        state: label(lang, "state", &d.row.state),
        category: label(lang, "category", &d.row.category),
        source: label(lang, "source", &d.row.source),
        level: label(lang, "level", &d.row.level),
        urgency: label(lang, "urgency", &d.row.urgency),
        complexity: label(lang, "complexity", &d.row.complexity),
        received: day(lang, &d.row.received_on),
        due: date_or_dash(lang, d.row.due_on),
        due_kind: d
            .row
            .due_kind
            .as_deref()
            .map(|k| label(lang, "due_kind", k))
            .unwrap_or_default(),
        measure_due: date_or_dash(lang, d.row.measure_due),
        reopen_until: d.reopen_until.map(|u| day(lang, &u)).unwrap_or_default(),
        outcome: d
            .row
            .outcome
            .as_deref()
            .map(|o| label(lang, "outcome", o))
            .unwrap_or_default(),
        satisfaction: d
            .row
            .satisfaction
            .as_deref()
            .map(|s| label(lang, "satisfaction", s))
            .unwrap_or_default(),
        firm: d.capacities.contains(&CaseActor::Firm),
        lead: d.capacities.contains(&CaseActor::Lead),
        events,
        clocks,
        may,
        close_outcomes,
        ratings,
        departments,
        co_departments,
        complexities,
        page,
        errors,
        typed,
        d,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Html<String>, PageError> {
    case_page(
        &state,
        &user,
        id,
        FormErrors::default(),
        Typed::default(),
        q.msg.as_deref(),
    )
    .await
}

/// The step a form names: `step` is the form (assign, note, close, rate …), with the outcome
/// or the rating picking the exact action.
fn action_of(fields: &[(String, String)]) -> Option<CaseAction> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    match get("step").as_str() {
        "close" => match get("outcome").as_str() {
            "resolved" => Some(CaseAction::CloseResolved),
            "deferred" => Some(CaseAction::CloseDeferred),
            "not_permitted" => Some(CaseAction::CloseNotPermitted),
            _ => None,
        },
        "rate" => wujin_domain::service::problem::Satisfaction::parse(&get("rating"))
            .map(CaseAction::rate),
        s => CaseAction::parse(s),
    }
}

pub(super) async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let (fields, files) = match crate::pages::read_multipart(mp).await {
        Ok(x) => x,
        Err(e) => {
            let errors = FormErrors::from_fields(user.lang, &[e]);
            return Ok(unprocessable(
                case_page(&state, &user, id, errors, Typed::default(), None).await?,
            ));
        }
    };
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let form = get("step");
    let typed = Typed {
        form: form.clone(),
        fields: fields.clone(),
    };
    let Some(action) = action_of(&fields) else {
        let key = if form == "close" { "outcome" } else { "rating" };
        let errors =
            FormErrors::from_fields(user.lang, &[FieldError::new(key, "error.problem.required")]);
        return Ok(unprocessable(
            case_page(&state, &user, id, errors, typed, None).await?,
        ));
    };
    let mut errors = Vec::new();
    let measure_due = match get("measure_due") {
        s if s.is_empty() => None,
        s => match s.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new("measure_due", "error.problem.date"));
                None
            }
        },
    };
    let step = CaseStep {
        action,
        text: get("text"),
        lead_department_id: get("lead_department_id").parse().ok(),
        co_department_ids: fields
            .iter()
            .filter(|(k, _)| k == "co_department_ids")
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect(),
        complexity: Complexity::parse(&get("complexity")),
        measure: Some(get("measure")).filter(|m| !m.is_empty()),
        measure_due,
    };
    let result = if errors.is_empty() {
        wujin_app::service::problems::act(
            &state.app,
            &user.ctx,
            id,
            &step,
            files,
            wujin_app::china_today(),
        )
        .await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!(
            "/service/problems/{id}?msg=problem_{}",
            action.as_str()
        ))
        .into_response()),
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            Ok(unprocessable(
                case_page(&state, &user, id, errors, typed, None).await?,
            ))
        }
        Err(AppError::Conflict(key)) => {
            let errors = FormErrors::general(user.lang, &key);
            Ok(unprocessable(
                case_page(&state, &user, id, errors, typed, None).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let (info, bytes) =
        wujin_app::service::view::attachment(&state.app, &user.ctx, id, file_id).await?;
    Ok(crate::pages::evaluation::low_end::file_response(
        &info, bytes,
    ))
}
