//! One firm's classes across the evaluation runs it reaches (shown on its registry page).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use wujin_domain::access::Permission;
use wujin_storage::entity::{evaluation_result, evaluation_run};

use super::is_office;
use crate::App;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::registry::scope::find_in_scope;

/// A firm's result in one run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FirmGrade {
    pub run_id: i64,
    pub year: i32,
    /// draft | published | final | superseded
    pub status: String,
    pub total: f64,
    pub rank: Option<i32>,
    pub grade: Option<String>,
}

/// The firm's results in every run the caller may see (drafts only for the evaluation
/// office), newest year first and, within a year, newest run first. A firm outside the
/// caller's scope is `NotFound`.
pub async fn grades_of_firm(app: &App, ctx: &Ctx, enterprise_id: i64) -> AppResult<Vec<FirmGrade>> {
    ctx.require(Permission::ViewEvaluation)?;
    let db = app.db.read();
    find_in_scope(db, ctx, enterprise_id).await?;
    let office = is_office(app, ctx).await?;
    let rows = evaluation_result::Entity::find()
        .filter(evaluation_result::Column::EnterpriseId.eq(enterprise_id))
        .all(db)
        .await?;
    let run_ids: Vec<i64> = rows.iter().map(|r| r.run_id).collect();
    let runs: std::collections::HashMap<i64, evaluation_run::Model> =
        evaluation_run::Entity::find()
            .filter(evaluation_run::Column::Id.is_in(run_ids))
            .order_by_desc(evaluation_run::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
    let mut out: Vec<FirmGrade> = rows
        .into_iter()
        .filter_map(|r| {
            let run = runs.get(&r.run_id)?;
            (office || run.status != "draft").then(|| FirmGrade {
                run_id: run.id,
                year: run.year,
                status: run.status.clone(),
                total: r.total,
                rank: r.rank,
                grade: r.grade,
            })
        })
        .collect();
    out.sort_by(|a, b| b.year.cmp(&a.year).then(b.run_id.cmp(&a.run_id)));
    Ok(out)
}
