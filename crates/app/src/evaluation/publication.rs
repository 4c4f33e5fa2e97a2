//! 公示: a run's life after it is computed. A draft may be recomputed with the current data;
//! publishing it starts the publicity period (the scheme's `publicity_days`), freezes its
//! scheme and tells the towns and the firms; objections are filed until the period ends
//! (see [`super::objections`]); an accepted objection produces a run that supersedes the old
//! one, whose difference is shown; after the period, with no objection pending, the office
//! finalises the run.
//!
//! Only one run of a year is published or final at a time. Drafts are seen by the evaluation
//! office only; other runs by everyone who may view evaluations, narrowed to their firms.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::json;
use wujin_domain::access::{Permission, Role};
use wujin_domain::evaluation::EvaluationScheme;
use wujin_storage::entity::{
    app_user, department, enterprise, evaluation_objection, evaluation_result, evaluation_run,
    evaluation_scheme,
};

use super::objections::{self, ObjectionView};
use super::run::{RunSummary, evaluate_under, insert_results};
use super::{is_office, require_office};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::registry::scope::EnterpriseScope;
use crate::{App, notifications, now};

/// A run's publication facts.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RunInfo {
    pub id: i64,
    pub year: i32,
    /// draft | published | final | superseded
    pub status: String,
    pub scheme_id: i64,
    pub scheme_name: String,
    pub scheme_frozen: bool,
    /// Days of publicity the scheme gives (absent when its text cannot be read).
    pub publicity_days: Option<u32>,
    pub firms: i32,
    pub inputs_sha256: String,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub publicity_ends_at: Option<DateTime<Utc>>,
    pub finalised_at: Option<DateTime<Utc>>,
    /// The run this one corrects.
    pub supersedes_run_id: Option<i64>,
    /// The run that corrected this one.
    pub superseded_by_run_id: Option<i64>,
    pub note: Option<String>,
}

/// Another run of the same year that stops this one from being published.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BlockingRun {
    pub id: i64,
    /// published | final
    pub status: String,
}

/// The publication page: the run, its classes, its objections and what may be done next.
#[derive(Debug, Clone, Serialize)]
pub struct PublicationView {
    pub run: RunInfo,
    /// Firms per class (A, B, C, D) and listed only (`-`).
    pub by_grade: BTreeMap<String, u64>,
    pub office: bool,
    /// Another published or final run of the year, if any.
    pub blocking_run: Option<BlockingRun>,
    /// The publicity period has ended.
    pub publicity_over: bool,
    /// Pending objections of the run within the caller's scope (all of them for the office).
    pub pending_objections: u64,
    /// The run's objections within the caller's scope.
    pub objections: Vec<ObjectionView>,
    pub can_recompute: bool,
    pub can_publish: bool,
    pub can_finalise: bool,
    /// Objections may be filed now, and the caller may file them.
    pub can_file: bool,
}

/// One firm whose total, rank or class differs between a run and the run it supersedes.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DiffRow {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub town_name: String,
    /// The firm objected and the objection was accepted into this run.
    pub objecting: bool,
    pub old_group: Option<String>,
    pub new_group: Option<String>,
    pub old_total: Option<f64>,
    pub new_total: Option<f64>,
    pub old_rank: Option<i32>,
    pub new_rank: Option<i32>,
    pub old_grade: Option<String>,
    pub new_grade: Option<String>,
}

impl DiffRow {
    pub fn grade_changed(&self) -> bool {
        self.old_grade != self.new_grade
    }

    pub fn rank_changed(&self) -> bool {
        self.old_rank != self.new_rank
    }

    pub fn total_changed(&self) -> bool {
        !totals_equal(self.old_total, self.new_total)
    }
}

/// A run against the run it supersedes.
#[derive(Debug, Clone, Serialize)]
pub struct RunDiff {
    pub run: RunInfo,
    /// The superseded run; `None` when this run corrects no other.
    pub previous: Option<RunInfo>,
    /// Objecting firms first, then class changes, then the largest change of total.
    pub rows: Vec<DiffRow>,
}

/// Totals differ beyond the last bits of floating-point noise.
fn totals_equal(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9,
        (None, None) => true,
        _ => false,
    }
}

/// The stored scheme of a run.
pub(crate) async fn scheme_of(
    db: &impl ConnectionTrait,
    run: &evaluation_run::Model,
) -> AppResult<evaluation_scheme::Model> {
    evaluation_scheme::Entity::find_by_id(run.scheme_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(format!("run {} has no scheme", run.id)))
}

fn parse_scheme(m: &evaluation_scheme::Model) -> AppResult<EvaluationScheme> {
    EvaluationScheme::from_toml(&m.toml).map_err(|e| {
        AppError::Validation(vec![FieldError::with_detail(
            "scheme",
            e.key(),
            e.to_string(),
        )])
    })
}

/// Run `id` if the caller may see it: drafts only the office; `NotFound` otherwise.
pub(crate) async fn visible_run(app: &App, ctx: &Ctx, id: i64) -> AppResult<evaluation_run::Model> {
    ctx.require(Permission::ViewEvaluation)?;
    let run = evaluation_run::Entity::find_by_id(id)
        .one(app.db.read())
        .await?
        .ok_or(AppError::NotFound)?;
    if run.status == "draft" && !is_office(app, ctx).await? {
        return Err(AppError::NotFound);
    }
    Ok(run)
}

async fn info(db: &impl ConnectionTrait, run: evaluation_run::Model) -> AppResult<RunInfo> {
    let scheme = scheme_of(db, &run).await?;
    let superseded_by = evaluation_run::Entity::find()
        .filter(evaluation_run::Column::SupersedesRunId.eq(run.id))
        .select_only()
        .column(evaluation_run::Column::Id)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(RunInfo {
        id: run.id,
        year: run.year,
        status: run.status,
        scheme_id: scheme.id,
        scheme_name: scheme.name.clone(),
        scheme_frozen: scheme.frozen,
        publicity_days: EvaluationScheme::from_toml(&scheme.toml)
            .ok()
            .map(|s| s.publicity_days),
        firms: run.firms,
        inputs_sha256: run.inputs_sha256,
        created_at: run.created_at,
        published_at: run.published_at,
        publicity_ends_at: run.publicity_ends_at,
        finalised_at: run.finalised_at,
        supersedes_run_id: run.supersedes_run_id,
        superseded_by_run_id: superseded_by,
        note: run.note,
    })
}

/// A run's publication facts, if the caller may see the run.
pub async fn run_info(app: &App, ctx: &Ctx, id: i64) -> AppResult<RunInfo> {
    let run = visible_run(app, ctx, id).await?;
    info(app.db.read(), run).await
}

/// Another published or final run of `year` than `except`.
async fn blocking(
    db: &impl ConnectionTrait,
    year: i32,
    except: i64,
) -> AppResult<Option<BlockingRun>> {
    Ok(evaluation_run::Entity::find()
        .filter(evaluation_run::Column::Year.eq(year))
        .filter(evaluation_run::Column::Id.ne(except))
        .filter(evaluation_run::Column::Status.is_in(["published", "final"]))
        .order_by_desc(evaluation_run::Column::Id)
        .one(db)
        .await?
        .map(|r| BlockingRun {
            id: r.id,
            status: r.status,
        }))
}

/// The run `id` on its publication page.
pub async fn view(app: &App, ctx: &Ctx, id: i64) -> AppResult<PublicationView> {
    let run = visible_run(app, ctx, id).await?;
    let db = app.db.read();
    let office = is_office(app, ctx).await?;
    let mut by_grade: BTreeMap<String, u64> = ["A", "B", "C", "D", "-"]
        .iter()
        .map(|g| (g.to_string(), 0))
        .collect();
    for (grade, n) in evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(run.id))
        .select_only()
        .column(evaluation_result::Column::Grade)
        .column_as(evaluation_result::Column::Id.count(), "n")
        .group_by(evaluation_result::Column::Grade)
        .into_tuple::<(Option<String>, i64)>()
        .all(db)
        .await?
    {
        *by_grade
            .entry(grade.unwrap_or_else(|| "-".into()))
            .or_default() += n.max(0) as u64;
    }
    let blocking_run = blocking(db, run.year, run.id).await?;
    let publicity_over = run.publicity_ends_at.is_some_and(|end| now() >= end);
    let objections = objections::of_run(db, ctx, run.id).await?;
    let pending_objections = objections
        .iter()
        .filter(|o| o.status == "pending" && o.run_id == run.id)
        .count() as u64;
    let published = run.status == "published";
    let can_file = published && !publicity_over && objections::may_file(app, ctx).await?;
    Ok(PublicationView {
        can_recompute: office && run.status == "draft",
        can_publish: office && run.status == "draft" && blocking_run.is_none(),
        can_finalise: office && published && publicity_over && pending_objections == 0,
        can_file,
        by_grade,
        office,
        blocking_run,
        publicity_over,
        pending_objections,
        objections,
        run: info(db, run).await?,
    })
}

/// Evaluates a draft's year again under its scheme with the current data, replacing its
/// results in place (and its inputs digest). Only drafts; audited.
pub async fn recompute(app: &App, ctx: &Ctx, id: i64) -> AppResult<RunSummary> {
    require_office(app, ctx).await?;
    let db = app.db.read();
    let run = evaluation_run::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if run.status != "draft" {
        return Err(AppError::Conflict(
            "error.publication.recompute_not_draft".into(),
        ));
    }
    let scheme = scheme_of(db, &run).await?;
    let e = evaluate_under(app, run.year, &scheme).await?;
    let tx = app.db.begin_write().await?;
    let run = evaluation_run::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if run.status != "draft" {
        return Err(AppError::Conflict(
            "error.publication.recompute_not_draft".into(),
        ));
    }
    evaluation_result::Entity::delete_many()
        .filter(evaluation_result::Column::RunId.eq(run.id))
        .exec(&tx)
        .await?;
    insert_results(&tx, run.id, &e.results).await?;
    let before = json!({"inputs_sha256": run.inputs_sha256, "firms": run.firms});
    let mut am = run.into_active_model();
    am.inputs_sha256 = Set(e.digest.clone());
    am.firms = Set(e.results.len() as i32);
    am.created_at = Set(now());
    am.created_by = Set(ctx.actor.id);
    let run = am.update(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "recompute",
            entity: "evaluation_run",
            entity_id: run.id.to_string(),
            before: Some(before),
            after: Some(json!({
                "inputs_sha256": e.digest,
                "firms": e.results.len(),
                "by_grade": e.by_grade,
                "listed_only": e.listed_only,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    super::run::results_stored(app).await?;
    Ok(e.summary(run.id, run.year))
}

/// Publishes a draft: the publicity period starts now and lasts the scheme's
/// `publicity_days`; the scheme is frozen; every town user and every enterprise user of a firm
/// in the run is told. Refused while another run of the year is published or final.
pub async fn publish(app: &App, ctx: &Ctx, id: i64) -> AppResult<RunInfo> {
    publish_at(app, ctx, id, now()).await
}

/// [`publish`] with the publicity starting at `published_at` (the demo's past years).
pub(crate) async fn publish_at(
    app: &App,
    ctx: &Ctx,
    id: i64,
    published_at: DateTime<Utc>,
) -> AppResult<RunInfo> {
    require_office(app, ctx).await?;
    let tx = app.db.begin_write().await?;
    let run = evaluation_run::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if run.status != "draft" {
        return Err(AppError::Conflict(
            "error.publication.publish_not_draft".into(),
        ));
    }
    if let Some(b) = blocking(&tx, run.year, run.id).await? {
        return Err(AppError::Conflict(
            if b.status == "final" {
                "error.publication.year_final"
            } else {
                "error.publication.year_published"
            }
            .into(),
        ));
    }
    let scheme_row = scheme_of(&tx, &run).await?;
    let scheme = parse_scheme(&scheme_row)?;
    let ends_at = published_at + chrono::Duration::days(i64::from(scheme.publicity_days));
    let mut am = run.clone().into_active_model();
    am.status = Set("published".into());
    am.published_at = Set(Some(published_at));
    am.publicity_ends_at = Set(Some(ends_at));
    let run = am.update(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "publish",
            entity: "evaluation_run",
            entity_id: run.id.to_string(),
            before: Some(json!({"status": "draft"})),
            after: Some(json!({
                "status": "published",
                "published_at": published_at,
                "publicity_ends_at": ends_at,
                "publicity_days": scheme.publicity_days,
            })),
        },
    )
    .await?;
    if !scheme_row.frozen {
        let mut am = scheme_row.clone().into_active_model();
        am.frozen = Set(true);
        am.updated_at = Set(now());
        am.update(&tx).await?;
        audit::record(
            &tx,
            &ctx.actor,
            &ctx.meta,
            Change {
                action: "freeze",
                entity: "evaluation_scheme",
                entity_id: scheme_row.id.to_string(),
                before: Some(json!({"frozen": false})),
                after: Some(json!({"frozen": true, "run_id": run.id})),
            },
        )
        .await?;
    }
    notify_publicity(&tx, &run).await?;
    tx.commit().await?;
    info(app.db.read(), run).await
}

/// Tells every active town user, and every active enterprise user of a firm in the run, that
/// the year's results are in publicity.
async fn notify_publicity(db: &impl ConnectionTrait, run: &evaluation_run::Model) -> AppResult<()> {
    let towns: Vec<i64> = app_user::Entity::find()
        .filter(app_user::Column::Role.eq(Role::Town.as_str()))
        .filter(app_user::Column::Active.eq(true))
        .select_only()
        .column(app_user::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let page = format!("/evaluation/runs/{}/publication", run.id);
    for user in towns {
        notifications::send(
            db,
            user,
            "evaluation_publicity",
            "eval.publish.notify.title",
            "eval.publish.notify.town_body",
            Some(&page),
        )
        .await?;
    }
    let firms: Vec<(i64, Option<i64>)> = app_user::Entity::find()
        .filter(app_user::Column::Role.eq(Role::Enterprise.as_str()))
        .filter(app_user::Column::Active.eq(true))
        .filter(
            app_user::Column::EnterpriseId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(evaluation_result::Column::EnterpriseId)
                    .from(evaluation_result::Entity)
                    .and_where(evaluation_result::Column::RunId.eq(run.id))
                    .to_owned(),
            ),
        )
        .select_only()
        .column(app_user::Column::Id)
        .column(app_user::Column::EnterpriseId)
        .into_tuple()
        .all(db)
        .await?;
    for (user, firm) in firms {
        let link = match firm {
            Some(f) => format!("/evaluation/runs/{}/firms/{f}", run.id),
            None => page.clone(),
        };
        notifications::send(
            db,
            user,
            "evaluation_publicity",
            "eval.publish.notify.title",
            "eval.publish.notify.enterprise_body",
            Some(&link),
        )
        .await?;
    }
    Ok(())
}

/// Finalises a published run once its publicity period is over and no objection is pending.
pub async fn finalise(app: &App, ctx: &Ctx, id: i64) -> AppResult<RunInfo> {
    require_office(app, ctx).await?;
    let tx = app.db.begin_write().await?;
    let run = evaluation_run::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if run.status != "published" {
        return Err(AppError::Conflict(
            "error.publication.finalise_not_published".into(),
        ));
    }
    if run.publicity_ends_at.is_none_or(|end| now() < end) {
        return Err(AppError::Conflict(
            "error.publication.publicity_not_over".into(),
        ));
    }
    let pending = evaluation_objection::Entity::find()
        .filter(evaluation_objection::Column::RunId.eq(run.id))
        .filter(evaluation_objection::Column::Status.eq("pending"))
        .count(&tx)
        .await?;
    if pending > 0 {
        return Err(AppError::Conflict(
            "error.publication.pending_objections".into(),
        ));
    }
    let t = now();
    let mut am = run.into_active_model();
    am.status = Set("final".into());
    am.finalised_at = Set(Some(t));
    let run = am.update(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "finalise",
            entity: "evaluation_run",
            entity_id: run.id.to_string(),
            before: Some(json!({"status": "published"})),
            after: Some(json!({"status": "final", "finalised_at": t})),
        },
    )
    .await?;
    tx.commit().await?;
    info(app.db.read(), run).await
}

/// The firms whose total, rank or class changed between run `id` and the run it supersedes,
/// within the caller's scope.
pub async fn diff(app: &App, ctx: &Ctx, id: i64) -> AppResult<RunDiff> {
    let run = visible_run(app, ctx, id).await?;
    let db = app.db.read();
    let Some(prev_id) = run.supersedes_run_id else {
        return Ok(RunDiff {
            run: info(db, run).await?,
            previous: None,
            rows: vec![],
        });
    };
    let prev = evaluation_run::Entity::find_by_id(prev_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = EnterpriseScope::of(db, ctx).await?;
    let reachable: Option<std::collections::HashSet<i64>> = if scope.is_all() {
        None
    } else {
        Some(
            enterprise::Entity::find()
                .filter(scope.condition())
                .select_only()
                .column(enterprise::Column::Id)
                .into_tuple::<i64>()
                .all(db)
                .await?
                .into_iter()
                .collect(),
        )
    };
    let results = |run_id: i64| {
        evaluation_result::Entity::find()
            .filter(evaluation_result::Column::RunId.eq(run_id))
            .all(db)
    };
    let old: HashMap<i64, evaluation_result::Model> = results(prev.id)
        .await?
        .into_iter()
        .map(|r| (r.enterprise_id, r))
        .collect();
    let new: HashMap<i64, evaluation_result::Model> = results(run.id)
        .await?
        .into_iter()
        .map(|r| (r.enterprise_id, r))
        .collect();
    let objecting: std::collections::HashSet<i64> = evaluation_objection::Entity::find()
        .filter(evaluation_objection::Column::CorrectedRunId.eq(run.id))
        .select_only()
        .column(evaluation_objection::Column::EnterpriseId)
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut ids: Vec<i64> = old.keys().chain(new.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut rows: Vec<DiffRow> = ids
        .into_iter()
        .filter(|id| reachable.as_ref().is_none_or(|r| r.contains(id)))
        .filter_map(|id| {
            let (o, n) = (old.get(&id), new.get(&id));
            let row = DiffRow {
                enterprise_id: id,
                enterprise_name: String::new(),
                credit_code: String::new(),
                town_name: String::new(),
                objecting: objecting.contains(&id),
                old_group: o.map(|r| r.group_key.clone()),
                new_group: n.map(|r| r.group_key.clone()),
                old_total: o.map(|r| r.total),
                new_total: n.map(|r| r.total),
                old_rank: o.and_then(|r| r.rank),
                new_rank: n.and_then(|r| r.rank),
                old_grade: o.and_then(|r| r.grade.clone()),
                new_grade: n.and_then(|r| r.grade.clone()),
            };
            (row.objecting || row.grade_changed() || row.rank_changed() || row.total_changed())
                .then_some(row)
        })
        .collect();
    let firm_ids: Vec<i64> = rows.iter().map(|r| r.enterprise_id).collect();
    let mut firms: HashMap<i64, enterprise::Model> = HashMap::new();
    for chunk in firm_ids.chunks(500) {
        for e in enterprise::Entity::find()
            .filter(enterprise::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            firms.insert(e.id, e);
        }
    }
    let towns: HashMap<i64, String> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    for r in &mut rows {
        if let Some(e) = firms.get(&r.enterprise_id) {
            r.enterprise_name = e.name.clone();
            r.credit_code = e.credit_code.clone();
            r.town_name = towns.get(&e.town_id).cloned().unwrap_or_default();
        }
    }
    let delta = |r: &DiffRow| match (r.old_total, r.new_total) {
        (Some(a), Some(b)) => (b - a).abs(),
        _ => f64::INFINITY,
    };
    rows.sort_by(|a, b| {
        b.objecting
            .cmp(&a.objecting)
            .then(b.grade_changed().cmp(&a.grade_changed()))
            .then(delta(b).total_cmp(&delta(a)))
            .then(a.enterprise_id.cmp(&b.enterprise_id))
    });
    Ok(RunDiff {
        previous: Some(info(db, prev).await?),
        run: info(db, run).await?,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(old: (f64, i32, &str), new: (f64, i32, &str)) -> DiffRow {
        DiffRow {
            enterprise_id: 1,
            enterprise_name: String::new(),
            credit_code: String::new(),
            town_name: String::new(),
            objecting: false,
            old_group: None,
            new_group: None,
            old_total: Some(old.0),
            new_total: Some(new.0),
            old_rank: Some(old.1),
            new_rank: Some(new.1),
            old_grade: Some(old.2.into()),
            new_grade: Some(new.2.into()),
        }
    }

    #[test]
    fn what_counts_as_a_change() {
        let same = row((81.5, 3, "A"), (81.5 + 1e-12, 3, "A"));
        assert!(!same.total_changed() && !same.rank_changed() && !same.grade_changed());
        let r = row((81.5, 3, "A"), (60.0, 9, "B"));
        assert!(r.total_changed() && r.rank_changed() && r.grade_changed());
        assert!(!totals_equal(Some(1.0), None));
        assert!(totals_equal(None, None));
    }
}
