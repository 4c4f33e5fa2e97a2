//! Problems and their handling: `/api/v1/problems…` and the 落实清单 `/api/v1/commitments…`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use wujin_app::service::problems::{CaseStep, NewProblem};
use wujin_app::service::queue::ProblemFilter;
use wujin_app::service::{export, problems, queue, view};
use wujin_app::{AppError, FieldError};
use wujin_domain::service::case::{CaseAction, CaseState};
use wujin_domain::service::problem::{
    CaseLevel, Complexity, ProblemCategory, ProblemSource, Urgency,
};

use super::dto::{
    NamedDto, ProblemAssignmentDto, ProblemDetailDto, ProblemDto, ProblemEventDto, ProblemFileDto,
};
use super::{Checks, xlsx};
use crate::api::{ApiJson, ApiQuery, ErrorBody, ListBody, PageQuery, created};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/problems", get(list).post(create))
        .route("/problems.xlsx", get(list_xlsx))
        .route("/problems/{id}", get(show))
        .route("/problems/{id}/actions", post(act))
        .route("/problems/{id}/attachments/{file_id}", get(attachment))
        .route("/commitments", get(commitments))
        .route("/commitments.xlsx", get(commitments_xlsx))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list,
        create,
        show,
        act,
        attachment,
        list_xlsx,
        commitments,
        commitments_xlsx
    ),
    components(schemas(
        NamedDto,
        ProblemDto,
        ProblemDetailDto,
        ProblemEventDto,
        ProblemAssignmentDto,
        ProblemFileDto,
        ProblemRequest,
        ProblemCreatedDto,
        CaseStepRequest
    ))
)]
pub struct Doc;

/// Filters of the problem list; every one optional.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ProblemQuery {
    /// Words in the title, description or tags.
    pub q: Option<String>,
    /// A state (received | assigned | handling | waiting_firm | answered | closed | rated |
    /// returned | reopened), or open | closed (closed or rated) | awaiting (received, returned
    /// or reopened: waiting for assignment).
    pub state: Option<String>,
    pub category: Option<String>,
    /// visit | enterprise | hotline | town
    pub source: Option<String>,
    /// town | city | leader
    pub level: Option<String>,
    /// normal | urgent
    pub urgency: Option<String>,
    /// The department now leading the case.
    pub department_id: Option<i64>,
    pub town_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// Only cases past their current deadline.
    pub overdue: Option<bool>,
    /// Received on or after (YYYY-MM-DD).
    pub from: Option<String>,
    /// Received on or before (YYYY-MM-DD).
    pub to: Option<String>,
    /// due (nearest deadline first; the default) | received | -received | updated | measure_due
    pub sort: Option<String>,
}

const SORTS: [&str; 5] = ["due", "received", "-received", "updated", "measure_due"];

impl ProblemQuery {
    /// The use-case filter; a wrong value or date is a 422 naming its parameter.
    pub fn filter(&self) -> Result<ProblemFilter, ApiError> {
        let mut c = Checks::default();
        let f = ProblemFilter {
            q: self.q.clone(),
            state: c.one_of("state", &self.state, |s| {
                matches!(s, "open" | "closed" | "awaiting") || CaseState::parse(s).is_some()
            }),
            category: c.one_of("category", &self.category, |s| {
                ProblemCategory::parse(s).is_some()
            }),
            source: c.one_of("source", &self.source, |s| {
                ProblemSource::parse(s).is_some()
            }),
            level: c.one_of("level", &self.level, |s| CaseLevel::parse(s).is_some()),
            urgency: c.one_of("urgency", &self.urgency, |s| Urgency::parse(s).is_some()),
            department_id: self.department_id,
            town_id: self.town_id,
            enterprise_id: self.enterprise_id,
            overdue: self.overdue.unwrap_or(false),
            from: c.date("from", &self.from),
            to: c.date("to", &self.to),
            commitments: false,
            sort: c.one_of("sort", &self.sort, |s| SORTS.contains(&s)),
        };
        c.done()?;
        Ok(f)
    }
}

/// One page of the problems the caller reaches (问题清单), nearest deadline first by default.
#[utoipa::path(get, path = "/api/v1/problems", tag = "service", operation_id = "service_list_problems",
    params(ProblemQuery, PageQuery),
    responses((status = 200, body = ListBody<ProblemDto>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ProblemQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<ProblemDto>>, ApiError> {
    let p = queue::list(
        &state.app,
        &user.ctx,
        &q.filter()?,
        page.request(),
        wujin_app::china_today(),
    )
    .await?;
    Ok(Json(p.into()))
}

/// The problem list as a workbook (问题清单), with the same filters, every matching row.
#[utoipa::path(get, path = "/api/v1/problems.xlsx", tag = "service", operation_id = "service_problems_xlsx",
    params(ProblemQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_xlsx(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ProblemQuery>,
) -> Result<axum::response::Response, ApiError> {
    let bytes = export::problems_xlsx(
        &state.app,
        &user.ctx,
        &q.filter()?,
        wujin_app::china_today(),
    )
    .await?;
    Ok(xlsx("problems", bytes))
}

/// The 落实清单: the problems with a promised measure, the nearest promised date first by
/// default; the same filters as the problem list.
#[utoipa::path(get, path = "/api/v1/commitments", tag = "service", operation_id = "service_list_commitments",
    params(ProblemQuery, PageQuery),
    responses((status = 200, body = ListBody<ProblemDto>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn commitments(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ProblemQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<ProblemDto>>, ApiError> {
    let mut f = q.filter()?;
    f.commitments = true;
    if f.sort.is_none() {
        f.sort = Some("measure_due".into());
    }
    let p = queue::list(
        &state.app,
        &user.ctx,
        &f,
        page.request(),
        wujin_app::china_today(),
    )
    .await?;
    Ok(Json(p.into()))
}

/// The 落实清单 as a workbook: 问题, 落实措施, 责任单位, 承诺时限, 办理状态, 是否逾期 ….
#[utoipa::path(get, path = "/api/v1/commitments.xlsx", tag = "service", operation_id = "service_commitments_xlsx",
    params(ProblemQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn commitments_xlsx(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ProblemQuery>,
) -> Result<axum::response::Response, ApiError> {
    let bytes = export::commitments_xlsx(
        &state.app,
        &user.ctx,
        &q.filter()?,
        wujin_app::china_today(),
    )
    .await?;
    Ok(xlsx("commitments", bytes))
}

/// A problem as registered (问题登记).
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct ProblemRequest {
    /// The firm; ignored for a firm's own report (always its own firm) and within a visit.
    pub enterprise_id: Option<i64>,
    /// visit | hotline | town (the office may register from any of them); a firm's own report
    /// is always `enterprise`; within a visit always `visit`.
    pub source: String,
    /// land | labour | financing | approval | policy_payout | infrastructure | utilities |
    /// logistics | market | technology | other
    #[schema(required = true)]
    pub category: String,
    /// Separated by 、 or commas; 产业链 proposes the industry-chain team as lead.
    pub tags: String,
    /// At most 100 characters.
    #[schema(required = true)]
    pub title: String,
    /// At most 4,000 characters.
    #[schema(required = true)]
    pub description: String,
    /// normal (default) | urgent
    pub urgency: String,
    /// town | city; by default city for visits and the hotline, town otherwise. Firms cannot
    /// choose it.
    pub level: Option<String>,
    /// The visit it was raised on (of the same firm).
    pub visit_id: Option<i64>,
}

impl From<ProblemRequest> for NewProblem {
    fn from(r: ProblemRequest) -> Self {
        NewProblem {
            enterprise_id: r.enterprise_id,
            source: r.source,
            category: r.category,
            tags: r.tags,
            title: r.title,
            description: r.description,
            urgency: r.urgency,
            level: r.level,
            visit_id: r.visit_id,
        }
    }
}

/// The id of what was registered.
#[derive(Serialize, ToSchema)]
pub struct ProblemCreatedDto {
    pub id: i64,
}

/// Registers a problem: the service office from any source, town staff and cadres for the
/// firms they reach, a firm for itself. The dispatchers are told.
#[utoipa::path(post, path = "/api/v1/problems", tag = "service", operation_id = "service_create_problem",
    request_body = ProblemRequest,
    responses((status = 201, body = ProblemCreatedDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<ProblemRequest>,
) -> Result<(StatusCode, Json<ProblemCreatedDto>), ApiError> {
    let id = problems::create(
        &state.app,
        &user.ctx,
        &req.into(),
        Vec::new(),
        wujin_app::china_today(),
    )
    .await?;
    Ok(created(ProblemCreatedDto { id }))
}

/// A case with its timeline, its hand-overs and their clocks, its files, and the actions the
/// caller may take now.
#[utoipa::path(get, path = "/api/v1/problems/{id}", tag = "service", operation_id = "service_show_problem",
    params(("id" = i64, Path, description = "problem id")),
    responses((status = 200, body = ProblemDetailDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ProblemDetailDto>, ApiError> {
    let d = view::detail(&state.app, &user.ctx, id, wujin_app::china_today()).await?;
    Ok(Json(d.into()))
}

/// One step on a case.
#[derive(Deserialize, ToSchema)]
pub struct CaseStepRequest {
    /// assign | return | note | request_info | supply | answer | close_resolved |
    /// close_deferred | close_not_permitted | rate_satisfied | rate_basically_satisfied |
    /// rate_dissatisfied | reopen — see `actions` on the case for those open to the caller.
    pub action: String,
    /// The note, reason, answer, explanation or comment (required where the step needs one).
    #[serde(default)]
    pub text: String,
    /// assign: the lead department (see `GET /api/v1/service/departments`).
    pub lead_department_id: Option<i64>,
    /// assign: the co-departments.
    #[serde(default)]
    pub co_department_ids: Vec<i64>,
    /// assign: general | complex (sets the close limit).
    pub complexity: Option<String>,
    /// 落实清单: the promised measure (the dispatcher or the lead department).
    pub measure: Option<String>,
    /// 落实清单: the promised date, not before the problem was received.
    pub measure_due: Option<NaiveDate>,
}

impl CaseStepRequest {
    fn step(self) -> Result<CaseStep, ApiError> {
        let mut errors = Vec::new();
        let action = CaseAction::parse(self.action.trim());
        if action.is_none() {
            errors.push(FieldError::with_detail(
                "action",
                "error.supervision.value_invalid",
                self.action.trim(),
            ));
        }
        let complexity = match self.complexity.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => {
                let v = Complexity::parse(c);
                if v.is_none() {
                    errors.push(FieldError::with_detail(
                        "complexity",
                        "error.supervision.value_invalid",
                        c,
                    ));
                }
                v
            }
        };
        let Some(action) = action.filter(|_| errors.is_empty()) else {
            return Err(ApiError(AppError::Validation(errors)));
        };
        Ok(CaseStep {
            action,
            text: self.text,
            lead_department_id: self.lead_department_id,
            co_department_ids: self.co_department_ids,
            complexity,
            measure: self.measure,
            measure_due: self.measure_due,
        })
    }
}

/// Takes one step on a case and answers the case as it now stands. A step that is not the
/// caller's answers 403; one the case's state does not allow (or a reopening after the
/// fifteen days, or a rating by someone who handled the case) answers 409 and changes nothing.
#[utoipa::path(post, path = "/api/v1/problems/{id}/actions", tag = "service", operation_id = "service_problem_action",
    params(("id" = i64, Path, description = "problem id")), request_body = CaseStepRequest,
    responses((status = 200, body = ProblemDetailDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<CaseStepRequest>,
) -> Result<Json<ProblemDetailDto>, ApiError> {
    let today = wujin_app::china_today();
    let step = req.step()?;
    problems::act(&state.app, &user.ctx, id, &step, Vec::new(), today).await?;
    let d = view::detail(&state.app, &user.ctx, id, today).await?;
    Ok(Json(d.into()))
}

/// One file of a case the caller reaches, as a download.
#[utoipa::path(get, path = "/api/v1/problems/{id}/attachments/{file_id}", tag = "service", operation_id = "service_problem_attachment",
    params(("id" = i64, Path, description = "problem id"), ("file_id" = i64, Path, description = "attachment id")),
    responses((status = 200, description = "the file, with its type"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn attachment(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, file_id)): Path<(i64, i64)>,
) -> Result<axum::response::Response, ApiError> {
    let (info, bytes) = view::attachment(&state.app, &user.ctx, id, file_id).await?;
    Ok(crate::pages::evaluation::low_end::file_response(
        &info, bytes,
    ))
}
