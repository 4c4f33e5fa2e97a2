//! The working-day calendar (工作日历) over JSON. A date whose year has no table is never
//! guessed: the answer is 422 `error.calendar.unknown_year`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wujin_app::calendar::{HolidayGroup, YearDetail, YearSummary};
use wujin_app::{AppError, FieldError};
use wujin_domain::calendar::{CalendarError, WorkingCalendar};

use crate::api::{ApiQuery, ErrorBody, invalid};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/calendar/years", get(years).post(put_year))
        .route("/calendar/years/{year}", get(year))
        .route("/calendar/working-day", get(working_day))
        .route("/calendar/add", get(add))
        .route("/calendar/between", get(between))
}

/// One year of the calendar in force.
#[derive(Serialize, ToSchema)]
pub struct YearSummaryDto {
    pub year: i32,
    /// The State Council notice the dates come from.
    pub source: String,
    /// Holidays (放假 days) listed.
    pub holidays: usize,
    /// Weekend days that are working days (调休上班).
    pub makeup_workdays: usize,
    /// Working days in the year.
    pub working_days: i64,
    /// Added or corrected by an administrator (rather than shipped).
    pub added_by_admin: bool,
}

impl From<YearSummary> for YearSummaryDto {
    fn from(y: YearSummary) -> Self {
        YearSummaryDto {
            year: y.year,
            source: y.source,
            holidays: y.holidays,
            makeup_workdays: y.makeup_workdays,
            working_days: y.working_days,
            added_by_admin: y.added_by_admin,
        }
    }
}

/// The holidays of one named block (e.g. 春节) in a year.
#[derive(Serialize, ToSchema)]
pub struct HolidayBlock {
    /// Absent for dates whose block has no name.
    pub name: Option<String>,
    pub dates: Vec<NaiveDate>,
}

/// One covered year in full.
#[derive(Serialize, ToSchema)]
pub struct YearDetailDto {
    pub year: i32,
    pub source: String,
    pub added_by_admin: bool,
    /// Holidays grouped by block, in date order.
    pub holidays: Vec<HolidayBlock>,
    /// Weekend days that are working days (调休上班).
    pub makeup_workdays: Vec<NaiveDate>,
    pub working_days: i64,
}

impl From<YearDetail> for YearDetailDto {
    fn from(y: YearDetail) -> Self {
        YearDetailDto {
            year: y.year,
            source: y.source,
            added_by_admin: y.added_by_admin,
            holidays: y
                .holidays
                .into_iter()
                .map(|HolidayGroup { name, dates }| HolidayBlock { name, dates })
                .collect(),
            makeup_workdays: y.makeup_workdays,
            working_days: y.working_days,
        }
    }
}

/// One year's table as JSON (the same TOML text as the plain-text body).
#[derive(Deserialize, ToSchema)]
pub struct CalendarYearJson {
    /// The `[YYYY]` table: `source`, `off`, `work` and optional `names`.
    pub toml: String,
}

/// The year added or replaced.
#[derive(Serialize, ToSchema)]
pub struct YearSaved {
    pub year: i32,
    pub source: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkingDayQuery {
    /// YYYY-MM-DD
    #[param(example = "2024-02-09")]
    pub date: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkingDay {
    /// YYYY-MM-DD
    pub date: String,
    pub working: bool,
    /// The holiday's name (e.g. 春节) when the date is a named holiday.
    pub holiday: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AddQuery {
    /// Start date, YYYY-MM-DD.
    #[param(example = "2024-02-08")]
    pub from: Option<String>,
    /// Working days to count forward (0: `from` itself if it is a working day, else the next one).
    #[param(example = 1)]
    pub days: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AddResult {
    pub from: String,
    pub days: u32,
    /// The `days`-th working day after `from`, YYYY-MM-DD.
    pub date: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BetweenQuery {
    /// YYYY-MM-DD
    #[param(example = "2024-02-01")]
    pub from: Option<String>,
    /// YYYY-MM-DD
    #[param(example = "2024-02-29")]
    pub to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BetweenResult {
    pub from: String,
    pub to: String,
    /// Working days d with from < d <= to (negative when to is before from).
    pub working_days: i64,
}

fn date_param(field: &str, value: &Option<String>) -> Result<NaiveDate, FieldError> {
    let s = value.as_deref().map(str::trim).unwrap_or("");
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| FieldError::with_detail(field, "api_docs.error.date_invalid", s.to_string()))
}

/// Unknown years and bad tables become a 422 on `field`.
fn calendar_error(field: &str, e: CalendarError) -> ApiError {
    let key = match e {
        CalendarError::UnknownYear(_) => "error.calendar.unknown_year",
        CalendarError::Parse(_) => "error.calendar.parse",
        CalendarError::Invalid { .. } => "error.calendar.invalid",
    };
    invalid(field, key, e.to_string())
}

/// The calendar in force, for a caller who may view it.
async fn calendar_for(state: &AppState, user: &ApiUser) -> Result<WorkingCalendar, ApiError> {
    Ok(wujin_app::calendar::view(&state.app, &user.ctx).await?)
}

fn fields(errors: Vec<FieldError>) -> ApiError {
    ApiError(AppError::Validation(errors))
}

/// The years the calendar covers.
#[utoipa::path(get, path = "/api/v1/calendar/years", tag = "calendar",
    responses((status = 200, body = Vec<YearSummaryDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn years(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<YearSummaryDto>>, ApiError> {
    let years = wujin_app::calendar::summary(&state.app, &user.ctx).await?;
    Ok(Json(years.into_iter().map(Into::into).collect()))
}

/// One covered year: its holidays by block and its make-up working days.
#[utoipa::path(get, path = "/api/v1/calendar/years/{year}", tag = "calendar", params(("year" = i32, Path, description = "e.g. 2024")),
    responses((status = 200, body = YearDetailDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "the calendar has no table for this year", body = ErrorBody)))]
pub async fn year(
    State(state): State<AppState>,
    user: ApiUser,
    Path(year): Path<i32>,
) -> Result<Json<YearDetailDto>, ApiError> {
    Ok(Json(
        wujin_app::calendar::year_detail(&state.app, &user.ctx, year)
            .await?
            .into(),
    ))
}

/// Add or replace one year (administrators), from the State Council notice.
///
/// The body is the year's TOML table, either as `text/plain` or as JSON `{"toml": "…"}`:
///
/// ```toml
/// [2027]
/// source = "国办发明电〔2026〕… — https://www.gov.cn/…"
/// off = ["2027-01-01", …]
/// work = ["2027-02-06", …]
/// names = { "2027-01-01" = "元旦" }
/// ```
///
/// The table is checked in full first; on any error nothing is written and the 422 says why
/// (field `toml`).
#[utoipa::path(post, path = "/api/v1/calendar/years", tag = "calendar",
    request_body(description = "the year's TOML table", content((String = "text/plain"), (CalendarYearJson = "application/json"))),
    responses((status = 200, description = "added or replaced", body = YearSaved), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "the table is unreadable or breaks a rule; nothing was written", body = ErrorBody)))]
pub async fn put_year(
    State(state): State<AppState>,
    user: ApiUser,
    headers: HeaderMap,
    body: String,
) -> Result<Json<YearSaved>, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    let text = if is_json {
        serde_json::from_str::<CalendarYearJson>(&body)
            .map_err(|e| invalid("body", "api_docs.error.body", e.to_string()))?
            .toml
    } else {
        body
    };
    let (year, source) = wujin_app::calendar::put_year(&state.app, &user.ctx, &text).await?;
    Ok(Json(YearSaved { year, source }))
}

/// Whether a date is a working day.
#[utoipa::path(get, path = "/api/v1/calendar/working-day", tag = "calendar", params(WorkingDayQuery),
    responses((status = 200, body = WorkingDay), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "bad date, or its year is not in the calendar (`error.calendar.unknown_year`)", body = ErrorBody)))]
pub async fn working_day(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<WorkingDayQuery>,
) -> Result<Json<WorkingDay>, ApiError> {
    let cal = calendar_for(&state, &user).await?;
    let date = date_param("date", &q.date).map_err(|e| fields(vec![e]))?;
    let working = cal
        .is_working_day(date)
        .map_err(|e| calendar_error("date", e))?;
    Ok(Json(WorkingDay {
        date: date.to_string(),
        working,
        holiday: cal.holiday_name(date).map(str::to_string),
    }))
}

/// The date `days` working days after `from`.
#[utoipa::path(get, path = "/api/v1/calendar/add", tag = "calendar", params(AddQuery),
    responses((status = 200, body = AddResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "bad input, or the count reaches a year not in the calendar (`error.calendar.unknown_year`)", body = ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AddQuery>,
) -> Result<Json<AddResult>, ApiError> {
    let cal = calendar_for(&state, &user).await?;
    let from = date_param("from", &q.from);
    let days = q
        .days
        .as_deref()
        .map(str::trim)
        .unwrap_or("")
        .parse::<u32>()
        .ok()
        .filter(|d| *d <= 3660)
        .ok_or_else(|| {
            FieldError::with_detail(
                "days",
                "api_docs.error.days_invalid",
                q.days.clone().unwrap_or_default(),
            )
        });
    let (from, days) = match (from, days) {
        (Ok(f), Ok(d)) => (f, d),
        (f, d) => return Err(fields([f.err(), d.err()].into_iter().flatten().collect())),
    };
    let date = cal
        .add_working_days(from, days)
        .map_err(|e| calendar_error(if cal.covers(from) { "days" } else { "from" }, e))?;
    Ok(Json(AddResult {
        from: from.to_string(),
        days,
        date: date.to_string(),
    }))
}

/// The number of working days after `from` up to and including `to`.
#[utoipa::path(get, path = "/api/v1/calendar/between", tag = "calendar", params(BetweenQuery),
    responses((status = 200, body = BetweenResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "bad dates, or a year between them is not in the calendar (`error.calendar.unknown_year`)", body = ErrorBody)))]
pub async fn between(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<BetweenQuery>,
) -> Result<Json<BetweenResult>, ApiError> {
    let cal = calendar_for(&state, &user).await?;
    let (from, to) = match (date_param("from", &q.from), date_param("to", &q.to)) {
        (Ok(f), Ok(t)) => (f, t),
        (f, t) => return Err(fields([f.err(), t.err()].into_iter().flatten().collect())),
    };
    let n = cal.working_days_between(from, to).map_err(|e| {
        let field = match &e {
            CalendarError::UnknownYear(y) if *y == to.year() && *y != from.year() => "to",
            _ => "from",
        };
        calendar_error(field, e)
    })?;
    Ok(Json(BetweenResult {
        from: from.to_string(),
        to: to.to_string(),
        working_days: n,
    }))
}
