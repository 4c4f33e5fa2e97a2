//! Visits (走访) and their coverage: `/api/v1/visits…`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use wujin_app::service::coverage::{self, MAX_MONTHS};
use wujin_app::service::export;
use wujin_app::service::visits::{self, NewVisit, VisitFilter};
use wujin_domain::service::problem::VisitForm;

use super::dto::{
    CadreCoverageDto, NamedDto, ProblemDto, TownCoverageDto, UnvisitedFirmDto, VisitDetailDto,
    VisitDto,
};
use super::problems::ProblemRequest;
use super::{Checks, xlsx};
use crate::api::{ApiJson, ApiQuery, ErrorBody, ListBody, PageQuery, created};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/visits", get(list).post(create))
        .route("/visits.xlsx", get(list_xlsx))
        .route("/visits/coverage", get(coverage))
        .route("/visits/unvisited", get(unvisited))
        .route("/visits/{id}", get(show))
}

#[derive(OpenApi)]
#[openapi(
    paths(list, create, show, list_xlsx, coverage, unvisited),
    components(schemas(
        NamedDto,
        ProblemDto,
        VisitDto,
        VisitDetailDto,
        VisitRequest,
        VisitCreatedDto,
        CoverageDto,
        CadreCoverageDto,
        TownCoverageDto,
        UnvisitedFirmDto
    ))
)]
pub struct Doc;

/// Filters of the visit list; every one optional.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    /// Words in the firm's name or the summary.
    pub q: Option<String>,
    pub town_id: Option<i64>,
    /// Visits this person took part in.
    pub cadre_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    /// on_site | meeting | survey | phone
    pub form: Option<String>,
    /// Visited on or after (YYYY-MM-DD).
    pub from: Option<String>,
    /// Visited on or before (YYYY-MM-DD).
    pub to: Option<String>,
}

impl VisitQuery {
    fn filter(&self) -> Result<VisitFilter, ApiError> {
        let mut c = Checks::default();
        let f = VisitFilter {
            q: self.q.clone(),
            town_id: self.town_id,
            cadre_id: self.cadre_id,
            enterprise_id: self.enterprise_id,
            form: c.one_of("form", &self.form, |s| VisitForm::parse(s).is_some()),
            from: c.date("from", &self.from),
            to: c.date("to", &self.to),
        };
        c.done()?;
        Ok(f)
    }
}

/// One page of the visits the caller reaches, newest first: those of the firms in their scope,
/// and for a cadre the visits they took part in.
#[utoipa::path(get, path = "/api/v1/visits", tag = "service", operation_id = "service_list_visits",
    params(VisitQuery, PageQuery),
    responses((status = 200, body = ListBody<VisitDto>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<VisitQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<VisitDto>>, ApiError> {
    let p = visits::list(&state.app, &user.ctx, &q.filter()?, page.request()).await?;
    Ok(Json(p.into()))
}

/// The visit ledger as a workbook (走访台账), with the same filters, every matching visit.
#[utoipa::path(get, path = "/api/v1/visits.xlsx", tag = "service", operation_id = "service_visits_xlsx",
    params(VisitQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_xlsx(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<VisitQuery>,
) -> Result<axum::response::Response, ApiError> {
    let bytes = export::visits_xlsx(&state.app, &user.ctx, &q.filter()?).await?;
    Ok(xlsx("visits", bytes))
}

/// A visit as recorded, with the problems raised on it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct VisitRequest {
    /// The firm visited, within the caller's reach.
    #[schema(required = true)]
    pub enterprise_id: Option<i64>,
    /// Not in the future, at most a year ago.
    #[schema(required = true)]
    pub visited_on: Option<NaiveDate>,
    /// on_site | meeting | survey | phone
    #[schema(required = true)]
    pub form: String,
    /// The firm's people present.
    pub attendees: String,
    /// What was seen and said (at most 4,000 characters).
    #[schema(required = true)]
    pub summary: String,
    /// The cadres on the visit (cadres, town or department staff); a cadre recording it is
    /// always among them.
    pub cadre_ids: Vec<i64>,
    /// Problems raised (at most 20), registered with the visit: the firm, the source (visit)
    /// and the visit are the visit's.
    pub problems: Vec<ProblemRequest>,
}

/// What a visit registered.
#[derive(Serialize, ToSchema)]
pub struct VisitCreatedDto {
    pub id: i64,
    /// The problems registered with it, in the order sent.
    pub problem_ids: Vec<i64>,
}

/// Records a visit and its problems in one go (cadres, town staff, the service office); a
/// wrong problem is named as `problems[i].field` and nothing is written.
#[utoipa::path(post, path = "/api/v1/visits", tag = "service", operation_id = "service_create_visit",
    request_body = VisitRequest,
    responses((status = 201, body = VisitCreatedDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(r): ApiJson<VisitRequest>,
) -> Result<(StatusCode, Json<VisitCreatedDto>), ApiError> {
    let input = NewVisit {
        enterprise_id: r.enterprise_id.unwrap_or(0),
        visited_on: r.visited_on,
        form: r.form,
        attendees: r.attendees,
        summary: r.summary,
        cadre_ids: r.cadre_ids,
        problems: r.problems.into_iter().map(Into::into).collect(),
    };
    let (id, problem_ids) =
        visits::create(&state.app, &user.ctx, &input, wujin_app::china_today()).await?;
    Ok(created(VisitCreatedDto { id, problem_ids }))
}

/// A visit the caller reaches, with the problems raised on it that they reach.
#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "service", operation_id = "service_show_visit",
    params(("id" = i64, Path, description = "visit id")),
    responses((status = 200, body = VisitDetailDto), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<VisitDetailDto>, ApiError> {
    let d = visits::get(&state.app, &user.ctx, id, wujin_app::china_today()).await?;
    Ok(Json(d.into()))
}

/// The window of the coverage.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct MonthsQuery {
    /// Months back from today, 1–36 (default 12).
    pub months: Option<u32>,
}

/// The default window, in months.
const DEFAULT_MONTHS: u32 = 12;

fn months(v: Option<u32>) -> Result<u32, ApiError> {
    let mut c = Checks::default();
    let m = c.within("months", v, 1..=MAX_MONTHS);
    c.done()?;
    Ok(m.unwrap_or(DEFAULT_MONTHS))
}

/// Visit coverage over a window.
#[derive(Serialize, ToSchema)]
pub struct CoverageDto {
    pub months: u32,
    /// The window: from this day to today.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Per cadre: every cadre for the office and leaders, the unit's for staff, one's own for
    /// a cadre.
    pub by_cadre: Vec<CadreCoverageDto>,
    /// Per town, over the operating firms the caller reaches.
    pub by_town: Vec<TownCoverageDto>,
}

/// Visit coverage (走访覆盖) by cadre and by town over the last `months` months. Firms are
/// refused (403).
#[utoipa::path(get, path = "/api/v1/visits/coverage", tag = "service", operation_id = "service_visit_coverage",
    params(MonthsQuery),
    responses((status = 200, body = CoverageDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn coverage(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<MonthsQuery>,
) -> Result<Json<CoverageDto>, ApiError> {
    let months = months(q.months)?;
    let today = wujin_app::china_today();
    let by_cadre = coverage::by_cadre(&state.app, &user.ctx, months, today).await?;
    let by_town = coverage::by_town(&state.app, &user.ctx, months, today).await?;
    Ok(Json(CoverageDto {
        months,
        from: coverage::since(today, months),
        to: today,
        by_cadre: by_cadre.into_iter().map(Into::into).collect(),
        by_town: by_town.into_iter().map(Into::into).collect(),
    }))
}

/// Which firms to list as unvisited.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct UnvisitedQuery {
    /// Months back from today, 1–36 (default 12).
    pub months: Option<u32>,
    /// Only this town's firms.
    pub town_id: Option<i64>,
}

/// The operating firms the caller reaches that nobody visited within the window, never
/// visited first, with their cadres. Firms are refused (403).
#[utoipa::path(get, path = "/api/v1/visits/unvisited", tag = "service", operation_id = "service_unvisited_firms",
    params(UnvisitedQuery, PageQuery),
    responses((status = 200, body = ListBody<UnvisitedFirmDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn unvisited(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<UnvisitedQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<UnvisitedFirmDto>>, ApiError> {
    let months = months(q.months)?;
    let p = coverage::unvisited(
        &state.app,
        &user.ctx,
        months,
        q.town_id,
        wujin_app::china_today(),
        page.request(),
    )
    .await?;
    Ok(Json(p.into()))
}
