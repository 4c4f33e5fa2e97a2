//! Periodic checks that must run once per period however many instances serve the platform:
//! an instance claims (name, period) by inserting it; the primary key lets exactly one insert
//! succeed, on SQLite and PostgreSQL alike.

use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, SqlErr};
use wujin_storage::entity::job_run;

use crate::error::AppResult;
use crate::{App, now};

/// Claims the run of `name` for `period` (say `2022-07-05` for a daily check) for `instance`.
/// `true` when this caller won and should run the check; `false` when another instance (or an
/// earlier run of this one) already claimed it.
pub async fn claim(app: &App, name: &str, period: &str, instance: &str) -> AppResult<bool> {
    let inserted = job_run::ActiveModel {
        name: Set(name.to_string()),
        period: Set(period.to_string()),
        instance: Set(instance.to_string()),
        started_at: Set(now()),
        finished_at: Set(None),
    }
    .insert(app.db.write())
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Marks a claimed run finished.
pub async fn finish(app: &App, name: &str, period: &str) -> AppResult<()> {
    job_run::Entity::update_many()
        .col_expr(
            job_run::Column::FinishedAt,
            sea_orm::sea_query::Expr::value(now()),
        )
        .filter(job_run::Column::Name.eq(name))
        .filter(job_run::Column::Period.eq(period))
        .exec(app.db.write())
        .await?;
    Ok(())
}
