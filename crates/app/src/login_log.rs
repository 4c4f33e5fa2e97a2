//! The login log (登录日志): browse every sign-in attempt.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use wujin_domain::access::Permission;
use wujin_storage::entity::login_attempt;

use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};

#[derive(Debug, Clone, Default)]
pub struct LoginFilter {
    pub username: Option<String>,
    pub ip: Option<String>,
    /// `Some(true)` successes only, `Some(false)` failures only.
    pub success: Option<bool>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LoginAttemptView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub username: String,
    pub user_id: Option<i64>,
    pub success: bool,
    pub outcome: String,
    pub ip: String,
    pub user_agent: String,
}

/// The whole log for those allowed; every user may see their own attempts.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    f: &LoginFilter,
    page: PageRequest,
    own_only: bool,
) -> AppResult<Page<LoginAttemptView>> {
    let mut q = login_attempt::Entity::find();
    if own_only {
        let id = ctx.actor.id.ok_or(AppError::Forbidden)?;
        q = q.filter(login_attempt::Column::UserId.eq(id));
    } else {
        ctx.require(Permission::ViewLoginLog)?;
    }
    if let Some(u) = f
        .username
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        q = q.filter(login_attempt::Column::Username.eq(u));
    }
    if let Some(ip) = f.ip.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(login_attempt::Column::Ip.eq(ip));
    }
    if let Some(s) = f.success {
        q = q.filter(login_attempt::Column::Success.eq(s));
    }
    if let Some(from) = f.from {
        q = q.filter(login_attempt::Column::At.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(login_attempt::Column::At.lt(to));
    }
    let total = q.clone().count(app.db.read()).await?;
    let rows = q
        .order_by_desc(login_attempt::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(app.db.read())
        .await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| LoginAttemptView {
                id: r.id,
                at: r.at,
                username: r.username,
                user_id: r.user_id,
                success: r.success,
                outcome: r.outcome,
                ip: r.ip,
                user_agent: r.user_agent,
            })
            .collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Sign-ins on one day (China time): successes and failures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailySignIns {
    pub day: chrono::NaiveDate,
    pub ok: u64,
    pub failed: u64,
}

/// Sign-ins per day over the last `days` days up to today (China time), oldest first; days
/// without any sign-in are included with zeros.
pub async fn daily_counts(app: &App, ctx: &Ctx, days: u32) -> AppResult<Vec<DailySignIns>> {
    ctx.require(Permission::ViewLoginLog)?;
    let tz = wujin_domain::tz::china_tz();
    let today = crate::now().with_timezone(&tz).date_naive();
    let first = today - chrono::Duration::days(i64::from(days.max(1)) - 1);
    let start = first
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(tz).single())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| AppError::Internal("invalid date".into()))?;
    let rows: Vec<(DateTime<Utc>, bool)> = login_attempt::Entity::find()
        .select_only()
        .column(login_attempt::Column::At)
        .column(login_attempt::Column::Success)
        .filter(login_attempt::Column::At.gte(start))
        .into_tuple()
        .all(app.db.read())
        .await?;
    let mut out: Vec<DailySignIns> = first
        .iter_days()
        .take_while(|d| *d <= today)
        .map(|day| DailySignIns {
            day,
            ok: 0,
            failed: 0,
        })
        .collect();
    for (at, success) in rows {
        let day = at.with_timezone(&tz).date_naive();
        if let Some(slot) = out.iter_mut().find(|s| s.day == day) {
            if success {
                slot.ok += 1;
            } else {
                slot.failed += 1;
            }
        }
    }
    Ok(out)
}
