//! Tasks and what is done on them: `/api/v1/tasks…`, `/api/v1/notices…`,
//! `/api/v1/requests…`, `/api/v1/milestones…`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};
use wujin_app::AppError;
use wujin_app::supervision::reports::NewReport;
use wujin_app::supervision::targets::{NewMilestone, TargetInput};
use wujin_app::supervision::tasks::NewTask;
use wujin_domain::supervision::escalation::NoticeAction;

use super::dto::{
    CycleColourDto, MilestoneDto, NamedDto, NoticeDto, ReportDto, ReportStatusDto, RequestDto,
    TaskDetailDto, TaskDto, TimelineReportDto,
};
use crate::api::{ApiJson, ErrorBody, created};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tasks", post(create))
        .route("/tasks/{id}", get(show))
        .route("/tasks/{id}/reports", post(report))
        .route("/tasks/{id}/target", put(target))
        .route("/tasks/{id}/milestones", post(add_milestone))
        .route("/tasks/{id}/notices", post(issue_notice))
        .route("/tasks/{id}/extension", post(extension))
        .route("/tasks/{id}/completion", post(completion))
        .route("/notices/{id}/actions", post(notice_action))
        .route("/requests/{id}/decision", post(decide))
        .route("/milestones/{id}/done", post(milestone_done))
        .route(
            "/tasks/{id}/reports/{report_id}/attachments/{attachment_id}",
            get(report_attachment),
        )
}

#[derive(OpenApi)]
#[openapi(
    paths(
        create,
        show,
        report,
        report_attachment,
        target,
        add_milestone,
        milestone_done,
        issue_notice,
        notice_action,
        extension,
        completion,
        decide
    ),
    components(schemas(
        TaskRequest,
        TaskDto,
        TaskDetailDto,
        NamedDto,
        MilestoneDto,
        TimelineReportDto,
        CycleColourDto,
        ReportStatusDto,
        NoticeDto,
        RequestDto,
        ReportDto,
        ReportRequest,
        TargetRequest,
        MilestoneRequest,
        MilestoneDoneRequest,
        NoticeRequest,
        NoticeActionRequest,
        ExtensionRequest,
        CompletionRequest,
        DecisionRequest
    ))
)]
pub struct Doc;

/// A new task (or an area, without parent).
#[derive(Deserialize, ToSchema)]
pub struct TaskRequest {
    pub plan_id: i64,
    /// The area or task above; none for an area.
    pub parent_id: Option<i64>,
    /// 序号 as written.
    #[serde(default)]
    pub serial: String,
    pub content: String,
    /// An active leader account.
    pub lead_leader_id: Option<i64>,
    /// Required below an area.
    pub lead_unit_id: Option<i64>,
    #[serde(default)]
    pub co_unit_ids: Vec<i64>,
    /// 完成时限 as officials write it: 2022年6月底, 6月底前, 三季度, 每季度, 长期坚持 …
    pub deadline_text: Option<String>,
    /// Default: 1 January of the plan's year.
    pub start_on: Option<NaiveDate>,
}

/// Adds a task to a plan (the supervision office).
#[utoipa::path(post, path = "/api/v1/tasks", tag = "supervision", operation_id = "supervision_create_task", request_body = TaskRequest,
    responses((status = 201, body = TaskDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(r): ApiJson<TaskRequest>,
) -> Result<(StatusCode, Json<TaskDto>), ApiError> {
    let t = wujin_app::supervision::tasks::add(
        &state.app,
        &user.ctx,
        NewTask {
            plan_id: r.plan_id,
            parent_id: r.parent_id,
            serial: r.serial,
            content: r.content,
            lead_leader_id: r.lead_leader_id,
            lead_unit_id: r.lead_unit_id,
            co_unit_ids: r.co_unit_ids,
            deadline_text: r.deadline_text,
            start_on: r.start_on,
        },
    )
    .await?;
    Ok(created(t.into()))
}

/// A task with its milestones, reports, colours, notices, requests and what the caller may do.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "supervision", operation_id = "supervision_show_task", params(("id" = i64, Path, description = "task id")),
    responses((status = 200, body = TaskDetailDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<TaskDetailDto>, ApiError> {
    let d =
        wujin_app::supervision::detail::detail(&state.app, &user.ctx, id, wujin_app::china_today())
            .await?;
    Ok(Json(d.into()))
}

/// A progress report.
#[derive(Deserialize, ToSchema)]
pub struct ReportRequest {
    /// `2022-06` or `2022-Q2`; default the cycle being reported.
    pub cycle: Option<String>,
    pub progress: String,
    /// 0–100; required of the lead unit.
    pub percent_complete: Option<f64>,
    /// The target's value so far.
    pub target_value: Option<f64>,
    pub problems: Option<String>,
    pub next_steps: Option<String>,
}

/// Files (or replaces) the caller's unit's report on a task for a cycle: the lead unit's
/// report or a co-unit's contribution.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/reports", tag = "supervision", params(("id" = i64, Path, description = "task id")), request_body = ReportRequest,
    responses((status = 201, body = ReportDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ReportRequest>,
) -> Result<(StatusCode, Json<ReportDto>), ApiError> {
    let v = wujin_app::supervision::reports::file(
        &state.app,
        &user.ctx,
        NewReport {
            task_id: id,
            cycle: r.cycle,
            progress: r.progress,
            percent_complete: r.percent_complete,
            target_value: r.target_value,
            problems: r.problems,
            next_steps: r.next_steps,
            files: Vec::new(),
        },
        wujin_app::china_today(),
    )
    .await?;
    Ok(created(v.into()))
}

/// One file of a report on a task the caller sees, as a download.
#[utoipa::path(get, path = "/api/v1/tasks/{id}/reports/{report_id}/attachments/{attachment_id}", tag = "supervision",
    params(("id" = i64, Path, description = "task id"), ("report_id" = i64, Path, description = "report id"), ("attachment_id" = i64, Path, description = "attachment id")),
    responses((status = 200, description = "the file, with its type"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report_attachment(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, report_id, attachment_id)): Path<(i64, i64, i64)>,
) -> Result<axum::response::Response, ApiError> {
    let (info, bytes) = wujin_app::supervision::reports::attachment(
        &state.app,
        &user.ctx,
        id,
        report_id,
        attachment_id,
    )
    .await?;
    Ok(crate::pages::evaluation::low_end::file_response(
        &info, bytes,
    ))
}

/// A task's quantitative target and tags; empty fields clear them.
#[derive(Deserialize, ToSchema)]
pub struct TargetRequest {
    /// e.g. 规上工业增加值增长
    pub metric: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// e.g. %
    pub target_unit: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// Sets a task's target and tags (the supervision office).
#[utoipa::path(put, path = "/api/v1/tasks/{id}/target", tag = "supervision", params(("id" = i64, Path, description = "task id")), request_body = TargetRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn target(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<TargetRequest>,
) -> Result<StatusCode, ApiError> {
    wujin_app::supervision::targets::set_target(
        &state.app,
        &user.ctx,
        id,
        TargetInput {
            metric: r.metric,
            baseline: r.baseline,
            target: r.target,
            target_unit: r.target_unit,
            tags: r.tags,
        },
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A milestone (节点).
#[derive(Deserialize, ToSchema)]
pub struct MilestoneRequest {
    /// monthly | quarterly
    pub kind: String,
    pub title: String,
    pub due_on: NaiveDate,
}

/// Adds a milestone (the supervision office).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/milestones", tag = "supervision", params(("id" = i64, Path, description = "task id")), request_body = MilestoneRequest,
    responses((status = 201, body = MilestoneDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_milestone(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<MilestoneRequest>,
) -> Result<(StatusCode, Json<MilestoneDto>), ApiError> {
    let m = wujin_app::supervision::targets::add_milestone(
        &state.app,
        &user.ctx,
        id,
        NewMilestone {
            kind: r.kind,
            title: r.title,
            due_on: r.due_on,
        },
    )
    .await?;
    Ok(created(m.into()))
}

/// Reached or not.
#[derive(Deserialize, ToSchema)]
pub struct MilestoneDoneRequest {
    pub done: bool,
}

/// Marks a milestone reached, or undoes it (the lead unit or the office).
#[utoipa::path(post, path = "/api/v1/milestones/{id}/done", tag = "supervision", params(("id" = i64, Path, description = "milestone id")), request_body = MilestoneDoneRequest,
    responses((status = 200, body = MilestoneDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn milestone_done(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<MilestoneDoneRequest>,
) -> Result<Json<MilestoneDto>, ApiError> {
    let m = wujin_app::supervision::targets::set_milestone_done(&state.app, &user.ctx, id, r.done)
        .await?;
    Ok(Json(m.into()))
}

/// A 督办单.
#[derive(Deserialize, ToSchema)]
pub struct NoticeRequest {
    pub content: String,
    /// Not in the past.
    pub answer_by: NaiveDate,
}

/// Issues a 督办单 on a task (the supervision office); the lead unit and the lead leader are
/// told.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/notices", tag = "supervision", params(("id" = i64, Path, description = "task id")), request_body = NoticeRequest,
    responses((status = 201, body = NoticeDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn issue_notice(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<NoticeRequest>,
) -> Result<(StatusCode, Json<NoticeDto>), ApiError> {
    let n = wujin_app::supervision::notices::issue(
        &state.app,
        &user.ctx,
        id,
        &r.content,
        r.answer_by,
        wujin_app::china_today(),
    )
    .await?;
    Ok(created(n.into()))
}

/// One step on a notice.
#[derive(Deserialize, ToSchema)]
pub struct NoticeActionRequest {
    /// answer (lead unit) | return_answer | close | escalate | withdraw (office)
    pub action: String,
    /// The answer, the reason for returning it, or the escalated notice's content.
    #[serde(default)]
    pub text: String,
    /// The escalated notice's answer date.
    pub answer_by: Option<NaiveDate>,
}

/// Answers, returns, closes, escalates (专函督办 → 约谈 → 通报) or withdraws a notice; an
/// illegal step answers 409.
#[utoipa::path(post, path = "/api/v1/notices/{id}/actions", tag = "supervision", params(("id" = i64, Path, description = "notice id")), request_body = NoticeActionRequest,
    responses((status = 200, body = NoticeDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn notice_action(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<NoticeActionRequest>,
) -> Result<Json<NoticeDto>, ApiError> {
    let action: NoticeAction =
        serde_json::from_value(serde_json::json!(r.action)).map_err(|_| {
            AppError::Validation(vec![wujin_app::FieldError::with_detail(
                "action",
                "error.supervision.value_invalid",
                r.action.as_str(),
            )])
        })?;
    let n = wujin_app::supervision::notices::act(
        &state.app,
        &user.ctx,
        id,
        action,
        &r.text,
        r.answer_by,
    )
    .await?;
    Ok(Json(n.into()))
}

/// An extension request.
#[derive(Deserialize, ToSchema)]
pub struct ExtensionRequest {
    pub proposed_deadline: NaiveDate,
    pub reason: String,
}

/// Asks for a later deadline, before the deadline (the lead unit).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/extension", tag = "supervision", params(("id" = i64, Path, description = "task id")), request_body = ExtensionRequest,
    responses((status = 201, body = RequestDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn extension(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<ExtensionRequest>,
) -> Result<(StatusCode, Json<RequestDto>), ApiError> {
    let v = wujin_app::supervision::requests::request_extension(
        &state.app,
        &user.ctx,
        id,
        r.proposed_deadline,
        &r.reason,
        wujin_app::china_today(),
    )
    .await?;
    Ok(created(v.into()))
}

/// A completion request.
#[derive(Deserialize, ToSchema)]
pub struct CompletionRequest {
    /// What was done.
    pub note: String,
}

/// Asks to close the task as completed (the lead unit); the office reviews it (审结).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/completion", tag = "supervision", params(("id" = i64, Path, description = "task id")), request_body = CompletionRequest,
    responses((status = 201, body = RequestDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn completion(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<CompletionRequest>,
) -> Result<(StatusCode, Json<RequestDto>), ApiError> {
    let v =
        wujin_app::supervision::requests::request_completion(&state.app, &user.ctx, id, &r.note)
            .await?;
    Ok(created(v.into()))
}

/// The office's decision on a request.
#[derive(Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// Approve the extension / accept the completion; false refuses or returns it.
    pub accept: bool,
    /// Required when refusing or returning.
    #[serde(default)]
    pub reason: String,
    /// An approved extension's deadline, when it differs from the one asked for.
    pub new_deadline: Option<NaiveDate>,
}

/// Decides an extension (approve with the date, or refuse) or reviews a completion (accept,
/// or return with a reason) — the supervision office.
#[utoipa::path(post, path = "/api/v1/requests/{id}/decision", tag = "supervision", params(("id" = i64, Path, description = "request id")), request_body = DecisionRequest,
    responses((status = 200, body = RequestDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(r): ApiJson<DecisionRequest>,
) -> Result<Json<RequestDto>, ApiError> {
    let (_, kind) = wujin_app::supervision::requests::task_of(&state.app, &user.ctx, id).await?;
    let v = if kind == "extension" {
        wujin_app::supervision::requests::decide_extension(
            &state.app,
            &user.ctx,
            id,
            r.accept,
            r.new_deadline,
            &r.reason,
        )
        .await?
    } else {
        wujin_app::supervision::requests::review_completion(
            &state.app, &user.ctx, id, r.accept, &r.reason,
        )
        .await?
    };
    Ok(Json(v.into()))
}
