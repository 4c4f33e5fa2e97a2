//! 亩均效益综合评价 runs: a year's firms scored, ranked and classed under a scheme, stored
//! as an immutable run with one result per firm. The rules are in `domain::evaluation`; this
//! gathers the inputs from the registry, keeps the scheme, and records the run.

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use wujin_domain::enterprise::{EnterpriseStatus, Scale, derive_scale};
use wujin_domain::evaluation::{
    EvaluationScheme, FirmFigures, FirmFlags, FirmInput, FirmResult, Reason, evaluate,
};
use wujin_storage::entity::{
    enterprise, evaluation_result, evaluation_run, evaluation_scheme, yearly_figures,
};

use super::require_office;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::registry::land::land_of_all_firms;
use crate::{App, now};

/// What a run produced.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RunSummary {
    pub run_id: i64,
    pub year: i32,
    pub scheme: String,
    pub firms: usize,
    /// Firms per class (A, B, C, D), unrated firms counted in the class they are managed as.
    pub by_grade: BTreeMap<String, usize>,
    /// 规下 firms below the land threshold: listed, not graded.
    pub listed_only: usize,
    pub inputs_sha256: String,
}

/// Firms a year's evaluation covers: those operating or suspended.
fn evaluated(status: &str) -> bool {
    matches!(
        EnterpriseStatus::parse(status),
        Some(EnterpriseStatus::Operating | EnterpriseStatus::Suspended)
    )
}

/// What the evaluation reads of a firm (not the whole row: the registry's contacts and
/// addresses are not needed, and 100,000 of them cost seconds).
#[derive(Debug, FromQueryResult)]
struct FirmRow {
    id: i64,
    industry_group_id: i64,
    scale: Option<String>,
    status: String,
    founded_on: Option<chrono::NaiveDate>,
}

/// What the evaluation reads of a year's figures (not their source stamps).
#[derive(Debug, FromQueryResult)]
struct FiguresRow {
    enterprise_id: i64,
    main_revenue_yuan: Option<i64>,
    value_added_yuan: Option<i64>,
    evaluation_tax_yuan: Option<i64>,
    rnd_expense_yuan: Option<i64>,
    energy_tce: Option<f64>,
    power_kwh: Option<i64>,
    emissions_t: Option<f64>,
    avg_staff: Option<i64>,
    land_mu: Option<f64>,
    safety_accident: bool,
    environmental_accident: bool,
    energy_task_unmet: bool,
    falsified_data: bool,
}

/// The firms of `year` as the evaluation sees them, in id order.
pub(crate) async fn inputs(app: &App, year: i32) -> AppResult<Vec<FirmInput>> {
    use enterprise::Column as E;
    use yearly_figures::Column as F;
    let db = app.db.read();
    let firms: Vec<FirmRow> = enterprise::Entity::find()
        .select_only()
        .columns([E::Id, E::IndustryGroupId, E::Scale, E::Status, E::FoundedOn])
        .order_by_asc(E::Id)
        .into_model()
        .all(db)
        .await?
        .into_iter()
        .filter(|e: &FirmRow| evaluated(&e.status))
        .collect();
    let figures: HashMap<i64, FiguresRow> = yearly_figures::Entity::find()
        .select_only()
        .columns([
            F::EnterpriseId,
            F::MainRevenueYuan,
            F::ValueAddedYuan,
            F::EvaluationTaxYuan,
            F::RndExpenseYuan,
            F::EnergyTce,
            F::PowerKwh,
            F::EmissionsT,
            F::AvgStaff,
            F::LandMu,
            F::SafetyAccident,
            F::EnvironmentalAccident,
            F::EnergyTaskUnmet,
            F::FalsifiedData,
        ])
        .filter(F::Year.eq(year))
        .into_model::<FiguresRow>()
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.enterprise_id, f))
        .collect();
    let land = land_of_all_firms(db, year).await?;
    let mut tags = super::schemes::tag_codes(db).await?;
    Ok(firms
        .into_iter()
        .filter_map(|e| {
            let f = figures.get(&e.id)?;
            let scale = e
                .scale
                .as_deref()
                .and_then(Scale::parse)
                .or_else(|| derive_scale(f.main_revenue_yuan))
                .unwrap_or(Scale::Below);
            // Firms founded less than two years before the year are unrated (managed as B).
            let unrated = e.founded_on.is_some_and(|d| d.year() > year - 2);
            Some(FirmInput {
                id: e.id,
                scale,
                industry_group: e.industry_group_id.to_string(),
                figures: FirmFigures {
                    main_revenue_yuan: f.main_revenue_yuan,
                    value_added_yuan: f.value_added_yuan,
                    evaluation_tax_yuan: f.evaluation_tax_yuan,
                    rnd_expense_yuan: f.rnd_expense_yuan,
                    energy_tce: f.energy_tce,
                    power_kwh: f.power_kwh,
                    emissions_t: f.emissions_t,
                    avg_staff: f.avg_staff,
                    land_mu: f
                        .land_mu
                        .or_else(|| land.get(&e.id).copied().filter(|m| *m > 0.0)),
                },
                flags: FirmFlags {
                    safety_accident: f.safety_accident,
                    environmental_accident: f.environmental_accident,
                    energy_task_unmet: f.energy_task_unmet,
                    falsified_data: f.falsified_data,
                },
                unrated,
                tags: tags.remove(&e.id).unwrap_or_default(),
            })
        })
        .collect())
}

/// The scheme named `name`, or the year's default scheme — created on first use with the
/// county's averages of the year as benchmarks.
async fn scheme_for(
    app: &App,
    ctx: &Ctx,
    year: i32,
    name: Option<&str>,
    firms: &[FirmInput],
) -> AppResult<(evaluation_scheme::Model, EvaluationScheme)> {
    let db = app.db.read();
    let wanted = name.map_or_else(|| EvaluationScheme::default_for(year).name, str::to_string);
    if let Some(m) = evaluation_scheme::Entity::find()
        .filter(evaluation_scheme::Column::Name.eq(&wanted))
        .one(db)
        .await?
    {
        let s = EvaluationScheme::from_toml(&m.toml).map_err(|e| {
            AppError::Validation(vec![FieldError::with_detail(
                "scheme",
                e.key(),
                e.to_string(),
            )])
        })?;
        return Ok((m, s));
    }
    if name.is_some() {
        return Err(AppError::Validation(vec![FieldError::with_detail(
            "scheme",
            "error.scheme.unknown",
            wanted,
        )]));
    }
    // Benchmarks from the county's own figures of the year; an indicator nobody reports
    // keeps the default's benchmark.
    let mut s = EvaluationScheme::default_for(year);
    s.set_county_benchmarks(firms);
    let tx = app.db.begin_write().await?;
    let t = now();
    let m = evaluation_scheme::ActiveModel {
        name: Set(s.name.clone()),
        year: Set(year),
        toml: Set(s.to_toml()),
        frozen: Set(false),
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
            entity: "evaluation_scheme",
            entity_id: m.id.to_string(),
            before: None,
            after: Some(json!({"name": m.name, "year": year, "toml": m.toml})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((m, s))
}

/// Evaluates `year` under the scheme `scheme` (default: the year's default scheme) and stores
/// the run as a draft with one result per firm.
pub async fn run(app: &App, ctx: &Ctx, year: i32, scheme: Option<&str>) -> AppResult<RunSummary> {
    require_office(app, ctx).await?;
    if !(1990..=2100).contains(&year) {
        return Err(AppError::field("year", "error.figures.year_invalid"));
    }
    let firms = inputs(app, year).await?;
    if firms.is_empty() {
        return Err(AppError::field("year", "error.evaluation.no_figures"));
    }
    let (scheme_row, scheme) = scheme_for(app, ctx, year, scheme, &firms).await?;
    let e = Evaluation::of(scheme_row.id, scheme, &firms)?;
    let tx = app.db.begin_write().await?;
    let run = store(&tx, ctx, year, &e, RunStart::draft()).await?;
    tx.commit().await?;
    results_stored(app).await?;
    Ok(e.summary(run.id, year))
}

/// A year evaluated under a scheme, not stored yet.
pub(crate) struct Evaluation {
    pub scheme_id: i64,
    pub scheme: EvaluationScheme,
    pub results: Vec<FirmResult>,
    /// SHA-256 of the scheme and the inputs: equal digests mean equal results.
    pub digest: String,
    pub by_grade: BTreeMap<String, usize>,
    pub listed_only: usize,
}

impl Evaluation {
    fn of(scheme_id: i64, scheme: EvaluationScheme, firms: &[FirmInput]) -> AppResult<Evaluation> {
        let results = evaluate(&scheme, firms);
        let digest = hex::encode(Sha256::digest(
            serde_json::to_vec(&(&scheme, firms)).map_err(|e| AppError::Internal(e.to_string()))?,
        ));
        let mut by_grade: BTreeMap<String, usize> = ["A", "B", "C", "D"]
            .iter()
            .map(|g| (g.to_string(), 0))
            .collect();
        let mut listed_only = 0;
        for r in &results {
            match r.grade {
                Some(g) => *by_grade.entry(g.as_str().to_string()).or_default() += 1,
                None if r.reasons.contains(&Reason::BelowLandThreshold) => listed_only += 1,
                None => {}
            }
        }
        Ok(Evaluation {
            scheme_id,
            scheme,
            results,
            digest,
            by_grade,
            listed_only,
        })
    }

    pub(crate) fn summary(&self, run_id: i64, year: i32) -> RunSummary {
        RunSummary {
            run_id,
            year,
            scheme: self.scheme.name.clone(),
            firms: self.results.len(),
            by_grade: self.by_grade.clone(),
            listed_only: self.listed_only,
            inputs_sha256: self.digest.clone(),
        }
    }
}

/// Evaluates `year` again under the stored scheme `scheme_row`, with the registry's current
/// data (a draft's recomputation, the run that corrects a published one).
pub(crate) async fn evaluate_under(
    app: &App,
    year: i32,
    scheme_row: &evaluation_scheme::Model,
) -> AppResult<Evaluation> {
    let firms = inputs(app, year).await?;
    if firms.is_empty() {
        return Err(AppError::field("year", "error.evaluation.no_figures"));
    }
    let scheme = EvaluationScheme::from_toml(&scheme_row.toml).map_err(|e| {
        AppError::Validation(vec![FieldError::with_detail(
            "scheme",
            e.key(),
            e.to_string(),
        )])
    })?;
    Evaluation::of(scheme_row.id, scheme, &firms)
}

/// How a stored run starts: a draft, or (correcting a published run) already published.
pub(crate) struct RunStart {
    pub status: &'static str,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub publicity_ends_at: Option<chrono::DateTime<chrono::Utc>>,
    pub supersedes_run_id: Option<i64>,
    pub note: Option<String>,
}

impl RunStart {
    pub(crate) fn draft() -> RunStart {
        RunStart {
            status: "draft",
            published_at: None,
            publicity_ends_at: None,
            supersedes_run_id: None,
            note: None,
        }
    }
}

/// Stores `e` as a new run of `year` with one result per firm, audited, inside `tx`.
pub(crate) async fn store(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    year: i32,
    e: &Evaluation,
    start: RunStart,
) -> AppResult<evaluation_run::Model> {
    let run = evaluation_run::ActiveModel {
        scheme_id: Set(e.scheme_id),
        year: Set(year),
        status: Set(start.status.into()),
        inputs_sha256: Set(e.digest.clone()),
        firms: Set(e.results.len() as i32),
        created_by: Set(ctx.actor.id),
        created_at: Set(now()),
        published_at: Set(start.published_at),
        publicity_ends_at: Set(start.publicity_ends_at),
        supersedes_run_id: Set(start.supersedes_run_id),
        note: Set(start.note),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    insert_results(tx, run.id, &e.results).await?;
    audit::record(tx, &ctx.actor, &ctx.meta, Change {
        action: "evaluate",
        entity: "evaluation_run",
        entity_id: run.id.to_string(),
        before: None,
        after: Some(json!({"year": year, "scheme": e.scheme.name, "firms": e.results.len(), "by_grade": e.by_grade, "listed_only": e.listed_only, "inputs_sha256": e.digest, "status": run.status, "supersedes_run_id": run.supersedes_run_id})),
    })
    .await?;
    Ok(run)
}

/// After a run's results are committed: the planner learns the table's new shape, so the
/// results pages keep reading their indexes.
pub(crate) async fn results_stored(app: &App) -> AppResult<()> {
    wujin_storage::dialect::refresh_table_statistics(app.db.write(), "evaluation_result").await?;
    Ok(())
}

/// Writes the results of run `run_id`, inside `tx`.
pub(crate) async fn insert_results(
    tx: &DatabaseTransaction,
    run_id: i64,
    results: &[FirmResult],
) -> AppResult<()> {
    let rows: Vec<evaluation_result::ActiveModel> = results
        .iter()
        .map(|r| evaluation_result::ActiveModel {
            run_id: Set(run_id),
            enterprise_id: Set(r.id),
            group_key: Set(r.group.clone()),
            total: Set(r.total),
            rank: Set(r.placement.map(|p| p.rank as i32)),
            percentile: Set(r.placement.map(|p| p.percentile)),
            grade_by_rank: Set(r.grade_by_rank.map(|g| g.as_str().to_string())),
            grade: Set(r.grade.map(|g| g.as_str().to_string())),
            items_json: Set(serde_json::to_string(&r.score.items).unwrap_or_else(|_| "[]".into())),
            reasons_json: Set(serde_json::to_string(&r.reasons).unwrap_or_else(|_| "[]".into())),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        evaluation_result::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx)
            .await?;
    }
    Ok(())
}

/// (enterprise id, total, grade) of every result of a run, by enterprise id.
pub async fn results(
    app: &App,
    ctx: &Ctx,
    run_id: i64,
) -> AppResult<Vec<(i64, f64, Option<String>)>> {
    require_office(app, ctx).await?;
    Ok(evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(run_id))
        .order_by_asc(evaluation_result::Column::EnterpriseId)
        .all(app.db.read())
        .await?
        .into_iter()
        .map(|r| (r.enterprise_id, r.total, r.grade))
        .collect())
}
