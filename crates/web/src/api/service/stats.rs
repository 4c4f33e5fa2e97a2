//! The statistics, the assignable units and the daily check: `/api/v1/service/…`.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use wujin_app::AppError;
use wujin_app::service::stats::{MonthLine, ServiceStats, StatsFilter, StatsLine};
use wujin_app::service::{export, reminders, view};
use wujin_domain::access::Role;
use wujin_domain::service::problem::ProblemCategory;
use wujin_domain::service::stats::{UnitCounts, UnitRates};

use super::dto::NamedDto;
use super::{Checks, xlsx};
use crate::api::{ApiQuery, ErrorBody};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/service/stats", get(stats))
        .route("/service/stats.xlsx", get(stats_xlsx))
        .route("/service/departments", get(departments))
        .route("/service/check", post(check))
}

#[derive(OpenApi)]
#[openapi(
    paths(stats, stats_xlsx, departments, check),
    components(schemas(
        NamedDto,
        ServiceStatsDto,
        StatsLineDto,
        MonthLineDto,
        UnitCountsDto,
        UnitRatesDto,
        CheckSummaryDto
    ))
)]
pub struct Doc;

/// The counts of a unit over the period, one per hand-over (交办) assigned in it.
#[derive(Serialize, ToSchema)]
pub struct UnitCountsDto {
    pub received: u64,
    pub assigned_on_time: u64,
    pub replied: u64,
    pub replied_on_time: u64,
    pub closed: u64,
    pub closed_on_time: u64,
    /// Returned to the dispatcher (退回).
    pub returned: u64,
    /// Reopened after closure (重新办理).
    pub reopened: u64,
    /// Rated, and of those 满意 or 基本满意.
    pub rated: u64,
    pub satisfied: u64,
    /// Working days from assignment to closure, summed over closed hand-overs.
    pub worked_wd_sum: i64,
}

impl From<UnitCounts> for UnitCountsDto {
    fn from(c: UnitCounts) -> Self {
        UnitCountsDto {
            received: c.received,
            assigned_on_time: c.assigned_on_time,
            replied: c.replied,
            replied_on_time: c.replied_on_time,
            closed: c.closed,
            closed_on_time: c.closed_on_time,
            returned: c.returned,
            reopened: c.reopened,
            rated: c.rated,
            satisfied: c.satisfied,
            worked_wd_sum: c.worked_wd_sum,
        }
    }
}

/// The rates of a unit, as shares 0–1; none when there is nothing to measure.
#[derive(Serialize, ToSchema)]
pub struct UnitRatesDto {
    /// 按时交办率
    pub assign_on_time: Option<f64>,
    /// 按时答复率
    pub reply_on_time: Option<f64>,
    /// 按时办结率 (of those closed)
    pub close_on_time: Option<f64>,
    /// 办结率
    pub closure: Option<f64>,
    /// 满意率
    pub satisfaction: Option<f64>,
    /// The satisfaction rate is below the floor (`floor`).
    pub below_floor: bool,
    /// Average working days to close.
    pub avg_worked_wd: Option<f64>,
}

impl From<UnitRates> for UnitRatesDto {
    fn from(r: UnitRates) -> Self {
        UnitRatesDto {
            assign_on_time: r.assign_on_time,
            reply_on_time: r.reply_on_time,
            close_on_time: r.close_on_time,
            closure: r.closure,
            satisfaction: r.satisfaction,
            below_floor: r.below_floor,
            avg_worked_wd: r.avg_worked_wd,
        }
    }
}

/// One line of the statistics.
#[derive(Serialize, ToSchema)]
pub struct StatsLineDto {
    /// The unit; for a category line the stored category as `name`; for the total id 0.
    pub unit: NamedDto,
    pub counts: UnitCountsDto,
    pub rates: UnitRatesDto,
}

impl From<StatsLine> for StatsLineDto {
    fn from(l: StatsLine) -> Self {
        StatsLineDto {
            unit: l.unit.into(),
            counts: l.counts.into(),
            rates: l.rates.into(),
        }
    }
}

/// One month of the trend.
#[derive(Serialize, ToSchema)]
pub struct MonthLineDto {
    /// `2026-03`
    pub month: String,
    pub counts: UnitCountsDto,
    pub rates: UnitRatesDto,
}

impl From<MonthLine> for MonthLineDto {
    fn from(m: MonthLine) -> Self {
        MonthLineDto {
            month: m.month,
            counts: m.counts.into(),
            rates: m.rates.into(),
        }
    }
}

/// The statistics of a period (部门/镇街办理情况统计).
#[derive(Serialize, ToSchema)]
pub struct ServiceStatsDto {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The satisfaction floor (满意率底线), as a share.
    pub floor: f64,
    pub by_department: Vec<StatsLineDto>,
    pub by_town: Vec<StatsLineDto>,
    pub by_category: Vec<StatsLineDto>,
    pub by_month: Vec<MonthLineDto>,
    /// Every department's hand-overs together.
    pub total: StatsLineDto,
}

impl From<ServiceStats> for ServiceStatsDto {
    fn from(s: ServiceStats) -> Self {
        let lines = |v: Vec<StatsLine>| v.into_iter().map(Into::into).collect();
        ServiceStatsDto {
            from: s.from,
            to: s.to,
            floor: s.floor,
            by_department: lines(s.by_department),
            by_town: lines(s.by_town),
            by_category: lines(s.by_category),
            by_month: s.by_month.into_iter().map(Into::into).collect(),
            total: s.total.into(),
        }
    }
}

/// The period and narrowing of the statistics.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// First day (YYYY-MM-DD; default 1 January of this year).
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD; default today).
    pub to: Option<String>,
    /// Only this category.
    pub category: Option<String>,
}

impl StatsQuery {
    fn filter(&self) -> Result<StatsFilter, ApiError> {
        let mut c = Checks::default();
        let f = StatsFilter {
            from: c.date("from", &self.from),
            to: c.date("to", &self.to),
            category: c.one_of("category", &self.category, |s| {
                ProblemCategory::parse(s).is_some()
            }),
        };
        c.done()?;
        Ok(f)
    }
}

/// The statistics per department, per town, per category and per month, counted per
/// hand-over assigned in the period; units below the satisfaction floor are flagged. For
/// officials: cadres and firms are refused (403).
#[utoipa::path(get, path = "/api/v1/service/stats", tag = "service", operation_id = "service_stats",
    params(StatsQuery),
    responses((status = 200, body = ServiceStatsDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn stats(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<Json<ServiceStatsDto>, ApiError> {
    let s = wujin_app::service::stats::stats(
        &state.app,
        &user.ctx,
        &q.filter()?,
        wujin_app::china_today(),
    )
    .await?;
    Ok(Json(s.into()))
}

/// The statistics as a workbook: one sheet each for departments (with the total), towns,
/// categories and months; satisfaction below the floor in red.
#[utoipa::path(get, path = "/api/v1/service/stats.xlsx", tag = "service", operation_id = "service_stats_xlsx",
    params(StatsQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn stats_xlsx(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> Result<axum::response::Response, ApiError> {
    let bytes = export::stats_xlsx(
        &state.app,
        &user.ctx,
        &q.filter()?,
        wujin_app::china_today(),
    )
    .await?;
    Ok(xlsx("service-stats", bytes))
}

/// The units a case may be assigned to: the active units below the city, in tree order, by
/// short name. Firms are refused (403).
#[utoipa::path(get, path = "/api/v1/service/departments", tag = "service", operation_id = "service_departments",
    responses((status = 200, body = Vec<NamedDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn departments(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<NamedDto>>, ApiError> {
    if user.ctx.actor.role == Role::Enterprise {
        return Err(AppError::Forbidden.into());
    }
    let units = view::department_choices(&state.app).await?;
    Ok(Json(units.into_iter().map(Into::into).collect()))
}

/// What one run of the daily check did.
#[derive(Serialize, ToSchema)]
pub struct CheckSummaryDto {
    /// The China date it ran for.
    pub date: NaiveDate,
    /// Cases acted on, by kind: due_soon (reminded) | urged (催办) | escalated_head (负责人) |
    /// escalated_leader (分管领导).
    pub cases: BTreeMap<String, usize>,
    /// Messages sent.
    pub messages: usize,
}

/// Runs the daily check for today now (administrators): reminds before a deadline, urges
/// (催办) once it has passed, then tells the lead department's head and its leader in charge
/// as the delay grows. Each step happens once per deadline, however often the check runs.
#[utoipa::path(post, path = "/api/v1/service/check", tag = "service", operation_id = "service_check",
    responses((status = 200, body = CheckSummaryDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn check(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<CheckSummaryDto>, ApiError> {
    if user.ctx.actor.role != Role::Admin {
        return Err(AppError::Forbidden.into());
    }
    let today = wujin_app::china_today();
    let instance = format!("api-{}", user.ctx.actor.id.unwrap_or_default());
    let s = reminders::run(&state.app, today, &instance).await?;
    Ok(Json(CheckSummaryDto {
        date: today,
        cases: s.cases,
        messages: s.messages,
    }))
}
