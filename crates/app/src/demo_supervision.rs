//! The demo's 督查督办: the year's government work report decomposed into 120 key tasks (and
//! some sub-tasks) across eight areas, led by the city's leaders, with months of reports up to
//! today — on time, late and missing — milestones reached and missed, tasks done, colours in
//! every shade, three 督办单 (one answered) and an extension request waiting for the office;
//! and the smaller, quarterly-reported hardware campaign plan.
//!
//! Made through the use-cases where they exist (plans, tasks, completions, notices, extension
//! requests, colour recomputation), so those steps are audited as an official's would be. The
//! reports, targets and milestones of the past months are written directly with their audit
//! events, dated on the days they fell; so are the dates of the past completions and notices.
//! Deterministic: the same day gives the same demo.

mod build;
mod content;
mod fates;
mod history;

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use wujin_domain::calendar::WorkingCalendar;
use wujin_domain::supervision::cycle::CyclePeriod;
use wujin_storage::entity::{app_user, department, supervision_plan};

use self::build::World;
use self::content::{CAMPAIGN, WORK_REPORT};
use crate::audit::{self, Change};
use crate::context::{Actor, Ctx, RequestMeta};
use crate::error::{AppError, AppResult};
use crate::{App, now};

/// The campaign plan's name.
pub const CAMPAIGN_PLAN: &str = "五金产业转型升级攻坚行动方案";

/// The work report plan's name for `year`.
pub fn work_report_plan(year: i32) -> String {
    format!("{year}年政府工作报告重点工作任务分解")
}

/// (username, display name) of the leaders who lead the demo's areas; the first is the demo's
/// leader account, the others are added with the demo password when missing.
pub const LEADERS: &[(&str, &str)] = &[
    ("leader", "王市长"),
    ("leader_chen", "陈副市长"),
    ("leader_hu", "胡副市长"),
    ("leader_li", "李副市长"),
    ("leader_ying", "应副市长"),
];

/// What the demo's supervision holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSupervision {
    /// The day the demo's history runs up to.
    pub today: NaiveDate,
    pub work_report: i64,
    pub campaign: i64,
}

/// The day the demo runs up to: today in China, unless the working calendar cannot judge the
/// weeks ahead (a year without a holiday table yet), then 1 December of its last year.
pub fn demo_day(calendar: &WorkingCalendar, today: NaiveDate) -> NaiveDate {
    if calendar.covers(today + Duration::days(21)) {
        return today;
    }
    calendar
        .years()
        .into_iter()
        .max()
        .and_then(|y| NaiveDate::from_ymd_opt(y, 12, 1))
        .filter(|d| *d < today)
        .unwrap_or(today)
}

/// [`fill_supervision_on`] today.
pub async fn fill_supervision(app: &App) -> AppResult<Option<DemoSupervision>> {
    let calendar = crate::calendar::current(app.db.read()).await?;
    let today = now()
        .with_timezone(&wujin_domain::tz::china_tz())
        .date_naive();
    fill_supervision_on(app, demo_day(&calendar, today)).await
}

/// Adds the demo's plans, their history running up to `today`, to a demo database (with its
/// accounts) that has no plan yet. Returns `None` when there is nothing to do.
pub async fn fill_supervision_on(
    app: &App,
    today: NaiveDate,
) -> AppResult<Option<DemoSupervision>> {
    if supervision_plan::Entity::find()
        .count(app.db.read())
        .await?
        > 0
    {
        return Ok(None);
    }
    let leaders = ensure_leaders(app).await?;
    let office = ctx_of(app, "dcs_jin").await?;
    let (units, staff) = units_and_staff(app).await?;
    let world = World {
        app,
        office: &office,
        units: &units,
        staff: &staff,
        leaders: &leaders,
        today,
    };
    let work_report = world
        .plan(
            &work_report_plan(today.year()),
            "永康市政府工作报告确定的年度重点工作任务，牵头单位每月5日前报送上月进展。",
            CyclePeriod::Monthly,
            WORK_REPORT,
            2026,
        )
        .await?;
    let campaign = world
        .plan(
            CAMPAIGN_PLAN,
            "五金产业转型升级攻坚行动，牵头单位每季度结束后次月5日前报送进展。",
            CyclePeriod::Quarterly,
            CAMPAIGN,
            1_988,
        )
        .await?;
    world.supervise(&work_report.1).await?;
    Ok(Some(DemoSupervision {
        today,
        work_report: work_report.0,
        campaign: campaign.0,
    }))
}

async fn ctx_of(app: &App, username: &str) -> AppResult<Ctx> {
    let u = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(app.db.read())
        .await?
        .ok_or_else(|| AppError::Internal(format!("demo user {username} is missing")))?;
    Ok(Ctx::new(Actor::from_user(&u)?, RequestMeta::cli()))
}

/// The leader accounts of [`LEADERS`], added (with the demo leader's password) when missing.
async fn ensure_leaders(app: &App) -> AppResult<Vec<i64>> {
    let ctx = Ctx::cli();
    let first = app_user::Entity::find()
        .filter(app_user::Column::Username.eq(LEADERS[0].0))
        .one(app.db.read())
        .await?
        .ok_or_else(|| AppError::Internal("the demo leader account is missing".into()))?;
    let tx = app.db.begin_write().await?;
    let mut ids = Vec::new();
    for (i, (username, name)) in LEADERS.iter().enumerate() {
        if let Some(u) = app_user::Entity::find()
            .filter(app_user::Column::Username.eq(*username))
            .one(&tx)
            .await?
        {
            ids.push(u.id);
            continue;
        }
        let t = now();
        let u = app_user::ActiveModel {
            username: Set(username.to_string()),
            display_name: Set(name.to_string()),
            password_hash: Set(first.password_hash.clone()),
            role: Set("leader".into()),
            department_id: Set(first.department_id),
            phone: Set(Some(format!("1395791{:04}", 2000 + i * 41))),
            locale: Set("zh-CN".into()),
            active: Set(true),
            must_change_password: Set(false),
            password_changed_at: Set(t),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        audit::record(
            &tx,
            &ctx.actor,
            &ctx.meta,
            Change {
                action: "create",
                entity: "user",
                entity_id: u.id.to_string(),
                before: None,
                after: Some(json!({"username": u.username, "display_name": u.display_name, "role": u.role, "department_id": u.department_id})),
            },
        )
        .await?;
        ids.push(u.id);
    }
    tx.commit().await?;
    Ok(ids)
}

/// Every unit by code, and for each unit the first of its staff who reports for it.
async fn units_and_staff(app: &App) -> AppResult<(HashMap<String, i64>, HashMap<i64, Ctx>)> {
    let db = app.db.read();
    let units: HashMap<String, i64> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.code, d.id))
        .collect();
    let mut staff: HashMap<i64, Ctx> = HashMap::new();
    for u in app_user::Entity::find()
        .filter(app_user::Column::Role.is_in(["department", "town"]))
        .filter(app_user::Column::Active.eq(true))
        .order_by_asc(app_user::Column::Id)
        .all(db)
        .await?
    {
        if let Some(unit) = u.department_id
            && !staff.contains_key(&unit)
        {
            staff.insert(unit, Ctx::new(Actor::from_user(&u)?, RequestMeta::cli()));
        }
    }
    Ok((units, staff))
}
