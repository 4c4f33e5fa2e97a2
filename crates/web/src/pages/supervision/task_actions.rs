//! The forms posted from a task's page — report, 督办单 and its steps, extension and
//! completion requests and their decisions, target and milestones — and the office's new-task
//! form. Each calls one use-case; success returns to the task with a message, a refusal shows
//! the task page again with the errors and what was typed (422).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use wujin_app::attachments::NewFile;
use wujin_app::supervision::notices::NoticeView;
use wujin_app::supervision::plans::PlanView;
use wujin_app::supervision::reports::NewReport;
use wujin_app::supervision::targets::{NewMilestone, TargetInput};
use wujin_app::supervision::tasks::NewTask;
use wujin_app::{AppError, FieldError};
use wujin_domain::supervision::escalation::NoticeAction;

use super::task::{Typed, task_page};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::invalid;
use crate::pages::enterprises::options::opts;
use crate::pages::{FormErrors, render};
use crate::state::AppState;

type Fields = HashMap<String, String>;

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.get(name).map(|s| s.trim()).unwrap_or("")
}

fn opt_text(f: &Fields, name: &str) -> Option<String> {
    Some(field(f, name).to_string()).filter(|s| !s.is_empty())
}

/// An optional number; `Err` names the field when it is not one.
fn opt_number(f: &Fields, name: &str, errors: &mut Vec<FieldError>) -> Option<f64> {
    let v = field(f, name);
    if v.is_empty() {
        return None;
    }
    match v.trim_end_matches('%').parse::<f64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(FieldError::new(name, "error.plan.number_invalid"));
            None
        }
    }
}

fn opt_date(f: &Fields, name: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let v = field(f, name);
    if v.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new(name, "error.supervision.date_invalid"));
            None
        }
    }
}

/// Back to the task after `result`: a validation refusal shows the page again with what was
/// typed into `form`; a conflict (an illegal step) shows its message.
async fn finish<T>(
    state: &AppState,
    user: &CurrentUser,
    task_id: i64,
    form: &'static str,
    fields: Fields,
    result: Result<T, AppError>,
    msg: &str,
) -> Result<Response, PageError> {
    let typed = Typed { form, fields };
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("/supervision/tasks/{task_id}?msg={msg}")).into_response())
        }
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            invalid(task_page(state, user, task_id, errors, typed, None).await?)
        }
        Err(AppError::Conflict(key)) => {
            let errors = FormErrors::general(user.lang, &key);
            invalid(task_page(state, user, task_id, errors, typed, None).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// The text fields and the files of a multipart form.
async fn read_multipart(mp: Multipart) -> Result<(Fields, Vec<NewFile>), FieldError> {
    let (pairs, files) = crate::pages::read_multipart(mp).await?;
    Ok((pairs.into_iter().collect(), files))
}

pub(super) async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let (f, files) = match read_multipart(mp).await {
        Ok(x) => x,
        Err(e) => {
            errors.push(e);
            (Fields::new(), Vec::new())
        }
    };
    let percent = opt_number(&f, "percent_complete", &mut errors);
    let value = opt_number(&f, "target_value", &mut errors);
    let result = if errors.is_empty() {
        wujin_app::supervision::reports::file(
            &state.app,
            &user.ctx,
            NewReport {
                task_id: id,
                cycle: opt_text(&f, "cycle"),
                progress: field(&f, "progress").to_string(),
                percent_complete: percent,
                target_value: value,
                problems: opt_text(&f, "problems"),
                next_steps: opt_text(&f, "next_steps"),
                files,
            },
            wujin_app::china_today(),
        )
        .await
    } else {
        Err(AppError::Validation(errors))
    };
    finish(&state, &user, id, "report", f, result, "reported").await
}

pub(super) async fn issue_notice(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let by = opt_date(&f, "answer_by", &mut errors);
    let result = match (by, errors.is_empty()) {
        (Some(by), true) => wujin_app::supervision::notices::issue(
            &state.app,
            &user.ctx,
            id,
            field(&f, "content"),
            by,
            wujin_app::china_today(),
        )
        .await
        .map(|_| ()),
        (None, true) => Err(AppError::field(
            "answer_by",
            "error.notice.answer_by_required",
        )),
        _ => Err(AppError::Validation(errors)),
    };
    finish(&state, &user, id, "issue", f, result, "notice_issued").await
}

pub(super) async fn notice_act(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(notice_id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let action: Option<NoticeAction> =
        serde_json::from_value(serde_json::json!(field(&f, "action"))).ok();
    let Some(action) = action else {
        return Err(AppError::field("action", "error.notice.transition").into());
    };
    let mut errors = Vec::new();
    let by = opt_date(&f, "answer_by", &mut errors);
    let result: Result<NoticeView, AppError> = if errors.is_empty() {
        wujin_app::supervision::notices::act(
            &state.app,
            &user.ctx,
            notice_id,
            action,
            field(&f, "text"),
            by,
        )
        .await
    } else {
        Err(AppError::Validation(errors))
    };
    let task_id = match &result {
        Ok(n) => n.task_id,
        Err(_) => {
            wujin_app::supervision::notices::task_of(&state.app, &user.ctx, notice_id).await?
        }
    };
    finish(&state, &user, task_id, "notice", f, result, "saved").await
}

pub(super) async fn request_extension(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let proposed = opt_date(&f, "proposed_deadline", &mut errors);
    let result = match (proposed, errors.is_empty()) {
        (Some(p), true) => wujin_app::supervision::requests::request_extension(
            &state.app,
            &user.ctx,
            id,
            p,
            field(&f, "reason"),
            wujin_app::china_today(),
        )
        .await
        .map(|_| ()),
        (None, true) => Err(AppError::field(
            "proposed_deadline",
            "error.request.date_required",
        )),
        _ => Err(AppError::Validation(errors)),
    };
    finish(&state, &user, id, "extension", f, result, "requested").await
}

pub(super) async fn request_completion(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let result = wujin_app::supervision::requests::request_completion(
        &state.app,
        &user.ctx,
        id,
        field(&f, "reason"),
    )
    .await;
    finish(&state, &user, id, "completion", f, result, "requested").await
}

pub(super) async fn decide_request(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(request_id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let accept = field(&f, "accept") == "1";
    let (task_id, kind) =
        wujin_app::supervision::requests::task_of(&state.app, &user.ctx, request_id).await?;
    let result = if kind == "extension" {
        wujin_app::supervision::requests::decide_extension(
            &state.app,
            &user.ctx,
            request_id,
            accept,
            None,
            field(&f, "reason"),
        )
        .await
    } else {
        wujin_app::supervision::requests::review_completion(
            &state.app,
            &user.ctx,
            request_id,
            accept,
            field(&f, "reason"),
        )
        .await
    };
    finish(&state, &user, task_id, "decide", f, result, "saved").await
}

pub(super) async fn set_target(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let baseline = opt_number(&f, "baseline", &mut errors);
    let target = opt_number(&f, "target", &mut errors);
    let result = if errors.is_empty() {
        wujin_app::supervision::targets::set_target(
            &state.app,
            &user.ctx,
            id,
            TargetInput {
                metric: opt_text(&f, "metric"),
                baseline,
                target,
                target_unit: opt_text(&f, "target_unit"),
                tags: opt_text(&f, "tags").into_iter().collect(),
            },
        )
        .await
    } else {
        Err(AppError::Validation(errors))
    };
    finish(&state, &user, id, "target", f, result, "saved").await
}

pub(super) async fn add_milestone(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let due = opt_date(&f, "due_on", &mut errors);
    let result = match (due, errors.is_empty()) {
        (Some(d), true) => wujin_app::supervision::targets::add_milestone(
            &state.app,
            &user.ctx,
            id,
            NewMilestone {
                kind: field(&f, "kind").to_string(),
                title: field(&f, "title").to_string(),
                due_on: d,
            },
        )
        .await
        .map(|_| ()),
        (None, true) => Err(AppError::field("due_on", "error.milestone.due_required")),
        _ => Err(AppError::Validation(errors)),
    };
    finish(&state, &user, id, "milestone", f, result, "saved").await
}

pub(super) async fn milestone_done(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(milestone_id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let m = wujin_app::supervision::targets::set_milestone_done(
        &state.app,
        &user.ctx,
        milestone_id,
        field(&f, "done") != "0",
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/supervision/tasks/{}?msg=saved#milestones",
        m.task_id
    ))
    .into_response())
}

pub(super) async fn remove_milestone(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(milestone_id): Path<i64>,
) -> Result<Response, PageError> {
    let task_id =
        wujin_app::supervision::targets::remove_milestone(&state.app, &user.ctx, milestone_id)
            .await?;
    Ok(Redirect::to(&format!(
        "/supervision/tasks/{task_id}?msg=milestone_removed#milestones"
    ))
    .into_response())
}

#[derive(Template)]
#[template(path = "supervision/task_form.html")]
struct TaskFormPage {
    page: PageCtx,
    plan: PlanView,
    parents: Vec<Opt>,
    leaders: Vec<Opt>,
    units: Vec<Opt>,
    co_units: Vec<Opt>,
    typed: Fields,
    errors: FormErrors,
}

impl TaskFormPage {
    fn get(&self, name: &str) -> &str {
        field(&self.typed, name)
    }
}

async fn task_form(
    state: &AppState,
    user: &CurrentUser,
    plan_id: i64,
    typed: Fields,
    co_selected: Vec<String>,
    errors: FormErrors,
) -> Result<TaskFormPage, PageError> {
    wujin_app::supervision::require_office(&state.app, &user.ctx).await?;
    let lang = user.lang;
    let plan = wujin_app::supervision::plans::get(&state.app, &user.ctx, plan_id).await?;
    let choices = wujin_app::supervision::tasks::choices(&state.app, &user.ctx, plan_id).await?;
    let page = page_ctx(
        state,
        user,
        "supervision.task.new",
        &[
            ("supervision.title", Some("/supervision")),
            (&plan.name, Some(&format!("/supervision/plans/{plan_id}"))),
            ("supervision.task.new", None),
        ],
        None,
    )
    .await;
    let none = || Some(crate::i18n::tr(lang, "supervision.task.none"));
    Ok(TaskFormPage {
        parents: opts(
            Some(crate::i18n::tr(lang, "supervision.task.as_area")),
            choices
                .parents
                .iter()
                .map(|p| (p.id.to_string(), p.name.clone())),
            field(&typed, "parent_id"),
        ),
        leaders: opts(
            none(),
            choices
                .leaders
                .iter()
                .map(|p| (p.id.to_string(), p.name.clone())),
            field(&typed, "lead_leader_id"),
        ),
        units: opts(
            none(),
            choices
                .units
                .iter()
                .map(|p| (p.id.to_string(), p.name.clone())),
            field(&typed, "lead_unit_id"),
        ),
        co_units: choices
            .units
            .iter()
            .map(|u| Opt {
                selected: co_selected.contains(&u.id.to_string()),
                value: u.id.to_string(),
                label: u.name.clone(),
            })
            .collect(),
        page,
        plan,
        typed,
        errors,
    })
}

pub(super) async fn new_task(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(plan_id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(render(
        &task_form(
            &state,
            &user,
            plan_id,
            Fields::new(),
            Vec::new(),
            FormErrors::default(),
        )
        .await?,
    )?
    .into_response())
}

pub(super) async fn create_task(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(plan_id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let co: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "co_unit_ids")
        .map(|(_, v)| v.clone())
        .collect();
    let f: Fields = pairs
        .into_iter()
        .filter(|(k, _)| k != "co_unit_ids")
        .collect();
    let id = |name: &str| field(&f, name).parse::<i64>().ok();
    let result = wujin_app::supervision::tasks::add(
        &state.app,
        &user.ctx,
        NewTask {
            plan_id,
            parent_id: id("parent_id"),
            serial: field(&f, "serial").to_string(),
            content: field(&f, "content").to_string(),
            lead_leader_id: id("lead_leader_id"),
            lead_unit_id: id("lead_unit_id"),
            co_unit_ids: co.iter().filter_map(|c| c.parse().ok()).collect(),
            deadline_text: opt_text(&f, "deadline_text"),
            start_on: None,
        },
    )
    .await;
    match result {
        Ok(t) => {
            Ok(Redirect::to(&format!("/supervision/tasks/{}?msg=created", t.id)).into_response())
        }
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            invalid(task_form(&state, &user, plan_id, f, co, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}
