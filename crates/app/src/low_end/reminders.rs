//! Overdue reminders (逾期提醒): a confirmed case past its deadline and not closed puts a
//! message in the inbox of every active user of its responsible unit and of its town, at most
//! once a day per case. Safe from several instances at once: each case is claimed with a
//! conditional update of `last_reminded_on`, so exactly one caller sends a day's reminder.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use wujin_domain::access::Role;
use wujin_domain::evaluation::low_end::CaseStatus;
use wujin_storage::entity::{app_user, low_end_case};

use super::ENTITY;
use crate::audit::{self, Change};
use crate::context::{Actor, Ctx, RequestMeta};
use crate::error::AppResult;
use crate::{App, notifications};

/// Notification kind and catalogue keys of the reminder.
pub const KIND: &str = "low_end_overdue";
pub const TITLE_KEY: &str = "low_end.notify.overdue_title";
pub const BODY_KEY: &str = "low_end.notify.overdue_body";

/// Overdue cases not yet reminded on `today`.
fn due(today: NaiveDate) -> Condition {
    Condition::all()
        .add(low_end_case::Column::Status.eq(CaseStatus::Confirmed.as_str()))
        .add(low_end_case::Column::Deadline.lt(today))
        .add(
            Condition::any()
                .add(low_end_case::Column::LastRemindedOn.is_null())
                .add(low_end_case::Column::LastRemindedOn.lt(today)),
        )
}

/// Sends `today`'s reminders of every overdue case not yet reminded today; returns how many
/// cases were reminded. `today` is the China date.
pub async fn remind_overdue(app: &App, today: NaiveDate) -> AppResult<usize> {
    let ctx = Ctx::new(
        Actor::system("reminder"),
        RequestMeta {
            request_id: format!("job-low-end-overdue-{today}"),
            ip: "local".to_string(),
            user_agent: "wujin-scheduler".to_string(),
        },
    );
    let ids: Vec<i64> = low_end_case::Entity::find()
        .select_only()
        .column(low_end_case::Column::Id)
        .filter(due(today))
        .into_tuple()
        .all(app.db.read())
        .await?;
    let mut reminded = 0;
    for id in ids {
        let tx = app.db.begin_write().await?;
        // The claim: only one caller moves `last_reminded_on` to today.
        let claimed = low_end_case::Entity::update_many()
            .col_expr(low_end_case::Column::LastRemindedOn, Expr::value(today))
            .filter(low_end_case::Column::Id.eq(id))
            .filter(due(today))
            .exec(&tx)
            .await?
            .rows_affected;
        if claimed != 1 {
            tx.rollback().await?;
            continue;
        }
        let Some(c) = low_end_case::Entity::find_by_id(id).one(&tx).await? else {
            tx.rollback().await?;
            continue;
        };
        let mut who = Condition::any();
        if let Some(unit) = c.responsible_unit_id {
            who = who.add(app_user::Column::DepartmentId.eq(unit));
        }
        if let Some(town) = c.town_id {
            who = who.add(
                Condition::all()
                    .add(app_user::Column::DepartmentId.eq(town))
                    .add(app_user::Column::Role.eq(Role::Town.as_str())),
            );
        }
        let recipients: BTreeSet<i64> = if c.responsible_unit_id.is_none() && c.town_id.is_none() {
            BTreeSet::new()
        } else {
            app_user::Entity::find()
                .select_only()
                .column(app_user::Column::Id)
                .filter(app_user::Column::Active.eq(true))
                .filter(who)
                .into_tuple::<i64>()
                .all(&tx)
                .await?
                .into_iter()
                .collect()
        };
        let link = format!("/low-end/{id}");
        for user in &recipients {
            notifications::send(&tx, *user, KIND, TITLE_KEY, BODY_KEY, Some(&link)).await?;
        }
        audit::record(
            &tx,
            &ctx.actor,
            &ctx.meta,
            Change {
                action: "remind",
                entity: ENTITY,
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({
                    "date": today,
                    "deadline": c.deadline,
                    "recipients": recipients,
                })),
            },
        )
        .await?;
        tx.commit().await?;
        reminded += 1;
    }
    Ok(reminded)
}
