//! The working-day calendar in force: the shipped file plus the years an administrator has
//! added (or corrected) when a new State Council notice was published.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use serde::Serialize;
use serde_json::json;
use wujin_domain::access::Permission;
use wujin_domain::calendar::{CalendarError, WorkingCalendar};
use wujin_storage::entity::calendar_year;

use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

/// The calendar in force: shipped years, overridden or extended by stored ones.
pub async fn current(db: &impl ConnectionTrait) -> AppResult<WorkingCalendar> {
    let mut cal = WorkingCalendar::shipped();
    for row in calendar_year::Entity::find().all(db).await? {
        let year = WorkingCalendar::parse_year(&row.toml).map_err(|e| {
            AppError::Internal(format!("stored calendar year {} is invalid: {e}", row.year))
        })?;
        cal = cal.with_year(year).map_err(|e| {
            AppError::Internal(format!("stored calendar year {} conflicts: {e}", row.year))
        })?;
    }
    Ok(cal)
}

#[derive(Debug, Clone, Serialize)]
pub struct YearSummary {
    pub year: i32,
    pub source: String,
    pub holidays: usize,
    pub makeup_workdays: usize,
    /// Working days in the year, by the calendar's own rule.
    pub working_days: i64,
    /// Added by an administrator (rather than shipped).
    pub added_by_admin: bool,
}

pub async fn summary(app: &App, ctx: &Ctx) -> AppResult<Vec<YearSummary>> {
    ctx.require(Permission::ViewCalendar)?;
    let cal = current(app.db.read()).await?;
    let stored: Vec<i32> = calendar_year::Entity::find()
        .all(app.db.read())
        .await?
        .into_iter()
        .map(|r| r.year)
        .collect();
    let mut out = Vec::new();
    for y in cal.years() {
        let Some(t) = cal.year(y) else { continue };
        let start = chrono::NaiveDate::from_ymd_opt(y - 1, 12, 31).unwrap_or_default();
        let end = chrono::NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or_default();
        // Counting from Dec 31 of the previous year needs that year to be covered; count
        // from Jan 1 instead and add Jan 1 itself.
        let jan1 = chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
        let working_days = match cal.working_days_between(start, end) {
            Ok(n) => n,
            Err(_) => {
                cal.working_days_between(jan1, end).unwrap_or(0)
                    + i64::from(cal.is_working_day(jan1).unwrap_or(false))
            }
        };
        out.push(YearSummary {
            year: y,
            source: t.source.clone(),
            holidays: t.off.len(),
            makeup_workdays: t.work.len(),
            working_days,
            added_by_admin: stored.contains(&y),
        });
    }
    Ok(out)
}

fn calendar_error_key(e: &CalendarError) -> &'static str {
    match e {
        CalendarError::Parse(_) => "error.calendar.parse",
        CalendarError::Invalid { .. } => "error.calendar.invalid",
        CalendarError::UnknownYear(_) => "error.calendar.unknown_year",
    }
}

/// Adds or replaces one year from its TOML table (as published in the notice). The text is
/// validated in full first; on any error nothing is written and the error says why.
pub async fn put_year(app: &App, ctx: &Ctx, text: &str) -> AppResult<(i32, String)> {
    ctx.require(Permission::ManageCalendar)?;
    let year = WorkingCalendar::parse_year(text).map_err(|e| {
        AppError::Validation(vec![FieldError::with_detail(
            "toml",
            calendar_error_key(&e),
            e.to_string(),
        )])
    })?;
    let tx = app.db.begin_write().await?;
    let cal = current(&tx).await?;
    let before = cal
        .year(year.year)
        .map(|y| json!({"off": y.off.len(), "work": y.work.len(), "source": y.source}));
    let new_cal = cal.with_year(year.clone()).map_err(|e| {
        AppError::Validation(vec![FieldError::with_detail(
            "toml",
            calendar_error_key(&e),
            e.to_string(),
        )])
    })?;
    let existing = calendar_year::Entity::find_by_id(year.year)
        .one(&tx)
        .await?;
    let model = calendar_year::ActiveModel {
        year: Set(year.year),
        toml: Set(text.trim().to_string()),
        updated_by: Set(ctx.actor.id),
        updated_at: Set(now()),
    };
    if existing.is_some() {
        calendar_year::Entity::update(model).exec(&tx).await?;
    } else {
        calendar_year::Entity::insert(model)
            .exec_without_returning(&tx)
            .await?;
    }
    // The service loop's deadlines are derived from the calendar: recompute those it moves.
    let recomputed =
        crate::service::clock::rebuild_for_year(&tx, year.year, &app.config.service_sla, &new_cal)
            .await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: if before.is_some() { "update" } else { "create" },
            entity: "calendar_year",
            entity_id: year.year.to_string(),
            before,
            after: Some(json!({"off": year.off.len(), "work": year.work.len(),
                "source": year.source, "service_cases_recomputed": recomputed})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((year.year, year.source))
}

/// The calendar in force, for someone allowed to read it.
pub async fn view(app: &App, ctx: &Ctx) -> AppResult<WorkingCalendar> {
    ctx.require(Permission::ViewCalendar)?;
    current(app.db.read()).await
}

/// Answers of the working-day calculator about one start date. A date in a year without a
/// table gives `CalendarError::UnknownYear`, never a guess.
#[derive(Debug, Clone)]
pub struct Calculation {
    pub from: NaiveDate,
    pub from_working: Result<bool, CalendarError>,
    /// The holiday block `from` falls in, if any.
    pub holiday_name: Option<String>,
    /// `(n, the n-th working day after from)`, when `n` was asked.
    pub after: Option<(u32, Result<NaiveDate, CalendarError>)>,
    /// `(to, working days d with from < d <= to)`, when `to` was asked.
    pub between: Option<(NaiveDate, Result<i64, CalendarError>)>,
}

pub async fn calculate(
    app: &App,
    ctx: &Ctx,
    from: NaiveDate,
    days: Option<u32>,
    to: Option<NaiveDate>,
) -> AppResult<Calculation> {
    let cal = view(app, ctx).await?;
    Ok(Calculation {
        from,
        from_working: cal.is_working_day(from),
        holiday_name: cal.holiday_name(from).map(str::to_string),
        after: days.map(|n| (n, cal.add_working_days(from, n))),
        between: to.map(|t| (t, cal.working_days_between(from, t))),
    })
}

/// The holidays of one block name within a year's table.
#[derive(Debug, Clone, Serialize)]
pub struct HolidayGroup {
    /// `None` for dates whose block has no name.
    pub name: Option<String>,
    pub dates: Vec<NaiveDate>,
}

/// One covered year in full.
#[derive(Debug, Clone, Serialize)]
pub struct YearDetail {
    pub year: i32,
    pub source: String,
    pub added_by_admin: bool,
    /// Holidays grouped by block name, in date order of each group's first day.
    pub holidays: Vec<HolidayGroup>,
    pub makeup_workdays: Vec<NaiveDate>,
    pub working_days: i64,
}

/// One year's table; `NotFound` if the calendar has no table for `year`.
pub async fn year_detail(app: &App, ctx: &Ctx, year: i32) -> AppResult<YearDetail> {
    let cal = view(app, ctx).await?;
    let t = cal.year(year).ok_or(AppError::NotFound)?;
    let added_by_admin = calendar_year::Entity::find_by_id(year)
        .one(app.db.read())
        .await?
        .is_some();
    let mut holidays: Vec<HolidayGroup> = Vec::new();
    for &d in &t.off {
        let name = cal.holiday_name(d).map(str::to_string);
        match holidays.iter_mut().find(|g| g.name == name) {
            Some(g) => g.dates.push(d),
            None => holidays.push(HolidayGroup {
                name,
                dates: vec![d],
            }),
        }
    }
    let working_days = match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(jan1), Some(dec31)) => {
            cal.working_days_between(jan1, dec31).unwrap_or(0)
                + i64::from(cal.is_working_day(jan1).unwrap_or(false))
        }
        _ => 0,
    };
    Ok(YearDetail {
        year,
        source: t.source.clone(),
        added_by_admin,
        holidays,
        makeup_workdays: t.work.clone(),
        working_days,
    })
}
