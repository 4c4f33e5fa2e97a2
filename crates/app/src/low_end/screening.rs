//! Screening (大数据筛选): a year's candidates from the registry and the evaluation runs, under
//! the 低散乱污 rules of the year's scheme. Each firm meeting a screen and not yet in the
//! ledger for that year becomes a case waiting for its town's verification.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::Serialize;
use serde_json::json;
use wujin_domain::enterprise::{EnterpriseStatus, Scale, derive_scale};
use wujin_domain::evaluation::EvaluationScheme;
use wujin_domain::evaluation::low_end::{
    CaseStatus, LowEndCriterion, LowEndFacts, LowEndRules, low_end_criteria,
};
use wujin_storage::entity::{
    enterprise, enterprise_tag, evaluation_result, evaluation_run, evaluation_scheme, low_end_case,
    tag, yearly_figures,
};

use super::ENTITY;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::evaluation::require_office;
use crate::registry::land::land_for_firms;
use crate::{App, now};

/// Tag codes of the screens the registry has no field for.
pub const TAG_NO_PERMIT: &str = "no_permit";
pub const TAG_NO_POLLUTION_CONTROL: &str = "no_pollution_control";

/// What a screening did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GenerateSummary {
    pub year: i32,
    /// The run whose scheme and classes were used; `None` when the year has no published
    /// run (the default rules apply, and the class-D screen finds nobody).
    pub run_id: Option<i64>,
    /// Firms looked at (operating or suspended).
    pub screened: usize,
    /// Firms meeting at least one screen.
    pub matched: usize,
    /// Cases created now.
    pub created: usize,
    /// Firms meeting a screen that were already in the year's ledger.
    pub already_present: usize,
    /// Firms meeting each screen (a firm may meet several).
    pub by_criterion: BTreeMap<String, usize>,
}

/// Statuses of a run that count as the year's result.
const PUBLISHED: [&str; 2] = ["published", "final"];

/// The latest published or final run of each year in `years` (superseded runs are ignored).
async fn published_runs(
    db: &impl sea_orm::ConnectionTrait,
    years: std::ops::RangeInclusive<i32>,
) -> AppResult<HashMap<i32, evaluation_run::Model>> {
    let mut out: HashMap<i32, evaluation_run::Model> = HashMap::new();
    for r in evaluation_run::Entity::find()
        .filter(evaluation_run::Column::Year.between(*years.start(), *years.end()))
        .filter(evaluation_run::Column::Status.is_in(PUBLISHED))
        .order_by_asc(evaluation_run::Column::Id)
        .all(db)
        .await?
    {
        out.insert(r.year, r);
    }
    Ok(out)
}

fn scheme_error(e: wujin_domain::evaluation::SchemeError) -> AppError {
    AppError::Validation(vec![FieldError::with_detail(
        "scheme",
        e.key(),
        e.to_string(),
    )])
}

/// The 低散乱污 rules: those of the run's scheme, else of the year's default scheme if it is
/// stored, else the defaults.
async fn rules_for(
    db: &impl sea_orm::ConnectionTrait,
    year: i32,
    run: Option<&evaluation_run::Model>,
) -> AppResult<LowEndRules> {
    let stored = match run {
        Some(r) => evaluation_scheme::Entity::find_by_id(r.scheme_id)
            .one(db)
            .await?
            .ok_or_else(|| AppError::Internal(format!("run {} has no scheme", r.id)))
            .map(Some)?,
        None => {
            evaluation_scheme::Entity::find()
                .filter(
                    evaluation_scheme::Column::Name.eq(EvaluationScheme::default_for(year).name),
                )
                .one(db)
                .await?
        }
    };
    match stored {
        Some(s) => Ok(EvaluationScheme::from_toml(&s.toml)
            .map_err(scheme_error)?
            .low_end),
        None => Ok(LowEndRules::default()),
    }
}

/// Grades of a run, by firm.
async fn grades(
    db: &impl sea_orm::ConnectionTrait,
    run_id: i64,
) -> AppResult<HashMap<i64, Option<String>>> {
    Ok(evaluation_result::Entity::find()
        .select_only()
        .column(evaluation_result::Column::EnterpriseId)
        .column(evaluation_result::Column::Grade)
        .filter(evaluation_result::Column::RunId.eq(run_id))
        .into_tuple::<(i64, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Screens `year` and adds every firm meeting a screen that is not yet in that year's ledger.
/// The rules and classes are those of `run_id` (a run of that year, not superseded), else of
/// the year's latest published or final run. Office only; audited per case created.
pub async fn generate(
    app: &App,
    ctx: &Ctx,
    year: i32,
    run_id: Option<i64>,
) -> AppResult<GenerateSummary> {
    require_office(app, ctx).await?;
    if !(1990..=2100).contains(&year) {
        return Err(AppError::field("year", "error.figures.year_invalid"));
    }
    let db = app.db.read();
    let run = match run_id {
        Some(id) => {
            let r = evaluation_run::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(|| AppError::field("run_id", "error.low_end.run_unknown"))?;
            if r.year != year {
                return Err(AppError::field("run_id", "error.low_end.run_other_year"));
            }
            if r.status == "superseded" {
                return Err(AppError::field("run_id", "error.low_end.run_superseded"));
            }
            Some(r)
        }
        None => published_runs(db, year..=year).await?.remove(&year),
    };
    let rules = rules_for(db, year, run.as_ref()).await?;

    // Years in D, counted back from the screened year through each year's published run.
    let mut d_years: HashMap<i64, u32> = HashMap::new();
    if let (Some(n), Some(run)) = (rules.d_consecutive_years.filter(|n| *n > 0), &run) {
        let first = year - (n as i32 - 1);
        let mut earlier = published_runs(db, first..=year - 1).await?;
        let mut still: Option<HashSet<i64>> = None;
        for y in (first..=year).rev() {
            let r = if y == year {
                Some(run.clone())
            } else {
                earlier.remove(&y)
            };
            let Some(r) = r else { break };
            let in_d: HashSet<i64> = grades(db, r.id)
                .await?
                .into_iter()
                .filter(|(_, g)| g.as_deref() == Some("D"))
                .map(|(id, _)| id)
                .filter(|id| still.as_ref().is_none_or(|s| s.contains(id)))
                .collect();
            for id in &in_d {
                *d_years.entry(*id).or_default() += 1;
            }
            if in_d.is_empty() {
                break;
            }
            still = Some(in_d);
        }
    }

    let firms: Vec<enterprise::Model> = enterprise::Entity::find()
        .order_by_asc(enterprise::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|e| {
            matches!(
                EnterpriseStatus::parse(&e.status),
                Some(EnterpriseStatus::Operating | EnterpriseStatus::Suspended)
            )
        })
        .collect();
    let figures: HashMap<i64, yearly_figures::Model> = yearly_figures::Entity::find()
        .filter(yearly_figures::Column::Year.eq(year))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.enterprise_id, f))
        .collect();
    let ids: Vec<i64> = firms.iter().map(|e| e.id).collect();
    let land = land_for_firms(db, &ids, year).await?;
    let tag_ids: HashMap<i64, String> = tag::Entity::find()
        .filter(tag::Column::Code.is_in([TAG_NO_PERMIT, TAG_NO_POLLUTION_CONTROL]))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.code))
        .collect();
    let mut tagged: HashMap<i64, HashSet<String>> = HashMap::new();
    for t in enterprise_tag::Entity::find()
        .filter(enterprise_tag::Column::TagId.is_in(tag_ids.keys().copied()))
        .all(db)
        .await?
    {
        if let Some(code) = tag_ids.get(&t.tag_id) {
            tagged
                .entry(t.enterprise_id)
                .or_default()
                .insert(code.clone());
        }
    }
    let present: HashSet<i64> = low_end_case::Entity::find()
        .select_only()
        .column(low_end_case::Column::EnterpriseId)
        .filter(low_end_case::Column::Year.eq(year))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();

    let mut summary = GenerateSummary {
        year,
        run_id: run.as_ref().map(|r| r.id),
        screened: firms.len(),
        matched: 0,
        created: 0,
        already_present: 0,
        by_criterion: LowEndCriterion::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), 0))
            .collect(),
    };
    let mut new_cases: Vec<(i64, i64, Vec<LowEndCriterion>)> = Vec::new();
    for e in &firms {
        let f = figures.get(&e.id);
        let tags = tagged.get(&e.id);
        let land_mu = f
            .and_then(|f| f.land_mu)
            .or_else(|| land.get(&e.id).copied())
            .filter(|m| *m > 0.0);
        let facts = LowEndFacts {
            missing_permits: Some(tags.is_some_and(|t| t.contains(TAG_NO_PERMIT))),
            in_park: e.park.as_deref().is_some_and(|p| !p.trim().is_empty()),
            scale: e
                .scale
                .as_deref()
                .and_then(Scale::parse)
                .or_else(|| derive_scale(f.and_then(|f| f.main_revenue_yuan))),
            no_pollution_control: Some(tags.is_some_and(|t| t.contains(TAG_NO_POLLUTION_CONTROL))),
            tax_per_mu_wan: match (f.and_then(|f| f.evaluation_tax_yuan), land_mu) {
                (Some(tax), Some(mu)) => Some(tax as f64 / 10_000.0 / mu),
                _ => None,
            },
            consecutive_years_in_d: d_years.get(&e.id).copied().unwrap_or(0),
        };
        let criteria = low_end_criteria(&rules, &facts);
        if criteria.is_empty() {
            continue;
        }
        summary.matched += 1;
        for c in &criteria {
            *summary
                .by_criterion
                .entry(c.as_str().to_string())
                .or_default() += 1;
        }
        if present.contains(&e.id) {
            summary.already_present += 1;
        } else {
            new_cases.push((e.id, e.town_id, criteria));
        }
    }

    let tx = app.db.begin_write().await?;
    let t = now();
    let rows: Vec<low_end_case::ActiveModel> = new_cases
        .iter()
        .map(|(firm, town, criteria)| low_end_case::ActiveModel {
            enterprise_id: Set(*firm),
            town_id: Set(Some(*town)),
            year: Set(year),
            criteria_json: Set(serde_json::to_string(criteria).unwrap_or_else(|_| "[]".into())),
            source_run_id: Set(summary.run_id),
            status: Set(CaseStatus::Candidate.as_str().to_string()),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        if let Err(e) = low_end_case::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&tx)
            .await
        {
            // Another screening of the same year got there first.
            return Err(
                if matches!(
                    e.sql_err(),
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                ) {
                    AppError::Conflict("error.low_end.generate_busy".into())
                } else {
                    e.into()
                },
            );
        }
    }
    let created_ids: HashMap<i64, i64> = if new_cases.is_empty() {
        HashMap::new()
    } else {
        let firms: HashSet<i64> = new_cases.iter().map(|c| c.0).collect();
        low_end_case::Entity::find()
            .select_only()
            .column(low_end_case::Column::EnterpriseId)
            .column(low_end_case::Column::Id)
            .filter(low_end_case::Column::Year.eq(year))
            .into_tuple::<(i64, i64)>()
            .all(&tx)
            .await?
            .into_iter()
            .filter(|(firm, _)| firms.contains(firm))
            .collect()
    };
    let changes = new_cases
        .iter()
        .filter_map(|(firm, town, criteria)| {
            created_ids.get(firm).map(|id| Change {
                action: "generate",
                entity: ENTITY,
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({
                    "enterprise_id": firm,
                    "town_id": town,
                    "year": year,
                    "criteria": criteria,
                    "source_run_id": summary.run_id,
                    "status": CaseStatus::Candidate.as_str(),
                })),
            })
        })
        .collect();
    audit::record_many(&tx, &ctx.actor, &ctx.meta, changes).await?;
    tx.commit().await?;
    summary.created = new_cases.len();
    Ok(summary)
}

/// A run the office may screen with.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RunChoice {
    pub id: i64,
    pub year: i32,
    /// draft | published | final
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The runs a screening may use (any not superseded), newest first. Office only.
pub async fn runs(app: &App, ctx: &Ctx) -> AppResult<Vec<RunChoice>> {
    require_office(app, ctx).await?;
    Ok(evaluation_run::Entity::find()
        .filter(evaluation_run::Column::Status.ne("superseded"))
        .order_by_desc(evaluation_run::Column::Id)
        .limit(200)
        .all(app.db.read())
        .await?
        .into_iter()
        .map(|r| RunChoice {
            id: r.id,
            year: r.year,
            status: r.status,
            created_at: r.created_at,
        })
        .collect())
}
