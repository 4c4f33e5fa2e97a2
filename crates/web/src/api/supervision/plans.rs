//! Plans and their boards: `/api/v1/plans…`.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use wujin_app::supervision::board::{BoardFilter, BoardSort, ReportFilter};
use wujin_app::supervision::plans::NewPlan;
use wujin_domain::supervision::colour::ColourRules;

use super::dto::{BoardRowDto, ColourRulesDto, PlanDto, PortfolioDto};
use crate::api::{ApiJson, ApiQuery, ErrorBody, ListBody, PageQuery, created};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans", get(list).post(create))
        .route("/plans/{id}", get(show))
        .route("/plans/{id}/tasks", get(board))
        .route("/plans/{id}/leaders", get(leaders))
        .route("/plans/{id}/units", get(units))
        .route("/plans/{id}/recompute", post(recompute))
        .route("/plans/{id}/bulletin", get(bulletin))
        .route("/plans/{id}/bulletin.xlsx", get(bulletin_xlsx))
        .route("/plans/{id}/tasks.xlsx", get(tasks_xlsx))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list,
        create,
        show,
        board,
        leaders,
        units,
        recompute,
        bulletin,
        bulletin_xlsx,
        tasks_xlsx
    ),
    components(schemas(
        PlanDto,
        ColourRulesDto,
        PlanRequest,
        BoardDto,
        BoardRowDto,
        PortfolioDto,
        RecomputeDto
    ))
)]
pub struct Doc;

/// A new plan.
#[derive(Deserialize, ToSchema)]
pub struct PlanRequest {
    pub name: String,
    pub year: i32,
    pub description: Option<String>,
    /// monthly (default) | quarterly
    pub report_period: Option<String>,
    /// 1–28 (default 5).
    pub report_due_day: Option<u32>,
    /// Default: 10 / 30 points, 7 working days.
    pub colour_rules: Option<ColourRulesDto>,
}

/// Every plan, newest year first, with the number of tasks the caller sees.
#[utoipa::path(get, path = "/api/v1/plans", tag = "supervision", params(PageQuery),
    responses((status = 200, body = ListBody<PlanDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<PlanDto>>, ApiError> {
    let all = wujin_app::supervision::plans::list(&state.app, &user.ctx).await?;
    Ok(Json(ListBody::from_all(
        all.into_iter().map(Into::into).collect(),
        page.request(),
    )))
}

/// Creates a plan (the supervision office).
#[utoipa::path(post, path = "/api/v1/plans", tag = "supervision", request_body = PlanRequest,
    responses((status = 201, body = PlanDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<PlanRequest>,
) -> Result<(StatusCode, Json<PlanDto>), ApiError> {
    let defaults = ColourRules::default();
    let p = wujin_app::supervision::plans::create(
        &state.app,
        &user.ctx,
        NewPlan {
            name: req.name,
            year: req.year,
            description: req.description,
            report_period: req.report_period,
            report_due_day: req.report_due_day,
            colour_rules: req.colour_rules.map(|r| ColourRules {
                yellow_behind: r.yellow_behind,
                red_behind: r.red_behind,
                blue_within_working_days: r.blue_within_working_days,
                ..defaults
            }),
        },
    )
    .await?;
    Ok(created(p.into()))
}

/// One plan.
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "supervision", params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = PlanDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PlanDto>, ApiError> {
    Ok(Json(
        wujin_app::supervision::plans::get(&state.app, &user.ctx, id)
            .await?
            .into(),
    ))
}

/// Filters of the board.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// green | blue | yellow | red | grey
    pub colour: Option<String>,
    pub leader_id: Option<i64>,
    /// Tasks this unit leads or co-operates on.
    pub unit_id: Option<i64>,
    /// Only tasks past their deadline and not done.
    pub overdue: Option<bool>,
    /// unfiled | late | missing (this cycle's lead report)
    pub report: Option<String>,
    /// Words of the content, 序号, unit or leader.
    pub q: Option<String>,
    /// plan (default) | colour | deadline | progress
    pub sort: Option<String>,
}

/// A query value of an enumerated kind, refused with the value when it is none of them.
fn enumerated<T: serde::de::DeserializeOwned>(
    field: &str,
    v: &Option<String>,
) -> Result<Option<T>, ApiError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => serde_json::from_value(serde_json::json!(s))
            .map(Some)
            .map_err(|_| {
                wujin_app::AppError::Validation(vec![wujin_app::FieldError::with_detail(
                    field,
                    "error.supervision.value_invalid",
                    s,
                )])
                .into()
            }),
    }
}

impl BoardQuery {
    fn filter(&self) -> Result<BoardFilter, ApiError> {
        Ok(BoardFilter {
            colour: enumerated("colour", &self.colour)?,
            leader_id: self.leader_id,
            unit_id: self.unit_id,
            overdue: self.overdue.unwrap_or(false),
            report: enumerated::<ReportFilter>("report", &self.report)?,
            q: self.q.clone(),
            sort: enumerated::<BoardSort>("sort", &self.sort)?.unwrap_or_default(),
        })
    }
}

/// A page of the board with the counts of every task the caller sees.
#[derive(Serialize, ToSchema)]
pub struct BoardDto {
    pub plan: PlanDto,
    /// The cycle whose colours are shown (`2022-06`).
    pub colour_cycle: Option<String>,
    pub previous_cycle: Option<String>,
    pub report_cycle: String,
    pub report_due: chrono::NaiveDate,
    /// Tasks by colour (`none` before any computation).
    pub counts: BTreeMap<String, usize>,
    pub overdue: usize,
    pub tasks: ListBody<BoardRowDto>,
}

/// The board: the plan's tasks the caller sees with their colour, progress, this cycle's
/// report and open notice — filtered, sorted and paged — and the counts by colour.
#[utoipa::path(get, path = "/api/v1/plans/{id}/tasks", tag = "supervision",
    params(("id" = i64, Path, description = "plan id"), BoardQuery, PageQuery),
    responses((status = 200, body = BoardDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn board(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<BoardQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<BoardDto>, ApiError> {
    let b = wujin_app::supervision::board::board(
        &state.app,
        &user.ctx,
        id,
        &q.filter()?,
        page.request(),
        wujin_app::china_today(),
    )
    .await?;
    Ok(Json(BoardDto {
        plan: b.plan.into(),
        colour_cycle: b.colour_cycle,
        previous_cycle: b.previous_cycle,
        report_cycle: b.report_cycle,
        report_due: b.report_due,
        counts: b.counts,
        overdue: b.overdue,
        tasks: b.rows.into(),
    }))
}

/// Each lead leader's portfolio by colour, the caller's own first.
#[utoipa::path(get, path = "/api/v1/plans/{id}/leaders", tag = "supervision", params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Vec<PortfolioDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn leaders(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<PortfolioDto>>, ApiError> {
    let (_, list) = wujin_app::supervision::board::by_leader(
        &state.app,
        &user.ctx,
        id,
        wujin_app::china_today(),
    )
    .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Each unit's tasks (led and co-operated on) by colour with this cycle's reports, the
/// caller's unit first.
#[utoipa::path(get, path = "/api/v1/plans/{id}/units", tag = "supervision", params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Vec<PortfolioDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn units(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<PortfolioDto>>, ApiError> {
    let (_, list) =
        wujin_app::supervision::board::by_unit(&state.app, &user.ctx, id, wujin_app::china_today())
            .await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// What a recomputation found.
#[derive(Serialize, ToSchema)]
pub struct RecomputeDto {
    pub plan_id: i64,
    pub cycle: String,
    pub by_colour: BTreeMap<String, usize>,
}

/// Recomputes every colour of the plan for today (the supervision office).
#[utoipa::path(post, path = "/api/v1/plans/{id}/recompute", tag = "supervision", params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = RecomputeDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn recompute(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RecomputeDto>, ApiError> {
    let s = wujin_app::supervision::colours::recompute(
        &state.app,
        &user.ctx,
        id,
        wujin_app::china_today(),
    )
    .await?;
    Ok(Json(RecomputeDto {
        plan_id: s.plan_id,
        cycle: s.cycle,
        by_colour: s.by_colour,
    }))
}

/// Which month's bulletin.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// `YYYY-MM`; default the month of the latest cycle whose reports have fallen due.
    pub month: Option<String>,
}

impl MonthQuery {
    async fn month(
        &self,
        state: &AppState,
        user: &ApiUser,
        plan_id: i64,
    ) -> Result<String, ApiError> {
        Ok(wujin_app::supervision::bulletin::month_or_default(
            &state.app,
            &user.ctx,
            plan_id,
            self.month.as_deref(),
            wujin_app::china_today(),
        )
        .await?)
    }
}

/// The monthly bulletin (月度通报): counts by colour this cycle and the previous one, by lead
/// unit, the red and yellow tasks with their latest progress and reasons, units ranked by
/// on-time reporting, and the month's notices. A month without computed colours answers 422
/// on `month`.
#[utoipa::path(get, path = "/api/v1/plans/{id}/bulletin", tag = "supervision",
    params(("id" = i64, Path, description = "plan id"), MonthQuery),
    responses((status = 200, description = "the bulletin", body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn bulletin(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> Result<Json<wujin_app::supervision::bulletin::Bulletin>, ApiError> {
    Ok(Json(
        wujin_app::supervision::bulletin::bulletin(
            &state.app,
            &user.ctx,
            id,
            &q.month(&state, &user, id).await?,
            wujin_app::china_today(),
        )
        .await?,
    ))
}

/// The monthly bulletin as a workbook (概况, 红黄任务, 单位报送排名).
#[utoipa::path(get, path = "/api/v1/plans/{id}/bulletin.xlsx", tag = "supervision",
    params(("id" = i64, Path, description = "plan id"), MonthQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn bulletin_xlsx(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> Result<axum::response::Response, ApiError> {
    let month = q.month(&state, &user, id).await?;
    let b = wujin_app::supervision::bulletin::bulletin(
        &state.app,
        &user.ctx,
        id,
        &month,
        wujin_app::china_today(),
    )
    .await?;
    let bytes =
        tokio::task::spawn_blocking(move || wujin_app::supervision::export::bulletin_xlsx(&b))
            .await
            .map_err(|e| wujin_app::AppError::Internal(e.to_string()))??;
    let name = format!("bulletin-{id}-{month}.xlsx");
    Ok(crate::pages::enterprises::xlsx_response(
        &name, &name, bytes,
    ))
}

/// The decomposition table (任务分解表) with each task's current colour and latest progress,
/// in the format officials circulate, within the caller's reach.
#[utoipa::path(get, path = "/api/v1/plans/{id}/tasks.xlsx", tag = "supervision",
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn tasks_xlsx(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    let bytes =
        wujin_app::supervision::export::decomposition_xlsx(&state.app, &user.ctx, id).await?;
    let name = format!("tasks-{id}-{}.xlsx", crate::pages::enterprises::today());
    Ok(crate::pages::enterprises::xlsx_response(
        &name, &name, bytes,
    ))
}
