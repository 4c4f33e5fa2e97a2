//! One firm's result explained (评价说明): every item as arithmetic with its numbers, the
//! total, the group, the rank, why this class (its place against the cuts), the reasons
//! (vetoes, filled items, unrated, listed only, bonus and penalty items), and what would lift
//! it a class — for each single indicator, all else equal (the other figures and every other
//! firm's total as they are), the smallest value that reaches the next class's boundary.
//!
//! The caller must reach the firm (a firm outside the data scope is 404, like a missing one),
//! and drafts are for the evaluation office only.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use serde_json::Value;
use wujin_domain::enterprise::Scale;
use wujin_domain::evaluation::{
    ClassCuts, FirmScore, Grade, Indicator, ItemScore, Lift, Standing, Target, Veto, lifts,
    next_boundary, standing, target,
};
use wujin_storage::entity::{evaluation_result, industry_group};

use super::results::{RunView, find_run, get_run, parse_group_key, scheme_of};
use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::registry::scope::find_in_scope;

/// One item of the score, with what would lift the firm through it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ItemExplained {
    pub indicator: Indicator,
    /// The firm's value in the indicator's unit; absent when a figure was missing.
    pub value: Option<f64>,
    pub benchmark: f64,
    pub weight: f64,
    /// Full-precision points.
    pub points: Option<f64>,
    /// The item reached its cap.
    pub capped: bool,
    /// The points are the group's average (the value was missing).
    pub filled: bool,
    /// The arithmetic, as the domain writes it: `亩均税收 30.00 万元/亩 ÷ 基准 24.097 × 30 = 37.35`.
    pub line: String,
    /// What this indicator alone would need to reach the next boundary (absent when there is
    /// no boundary to reach).
    pub lift: Option<Lift>,
}

/// A firm's result, explained.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    pub run: RunView,
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub town_id: i64,
    /// above | below, as the run ranked the firm.
    pub scale: Option<String>,
    pub industry_group_id: Option<i64>,
    pub industry_group_name: String,
    pub group_key: String,
    pub items: Vec<ItemExplained>,
    /// The bonus and penalty points in the total (0 when none applied).
    pub adjustment: f64,
    /// Full precision.
    pub total: f64,
    pub rank: Option<i64>,
    /// Ranked firms in the group.
    pub group_size: u64,
    pub percentile: Option<f64>,
    /// The rank against the class cuts; absent for firms not ranked.
    pub standing: Option<Standing>,
    pub cuts: ClassCuts,
    /// The scheme's per-item cap (a multiple of the weight).
    pub cap_multiple: Option<f64>,
    /// The land below which 规下 firms are listed only.
    pub below_min_land_mu: f64,
    pub grade_by_rank: Option<Grade>,
    pub grade: Option<Grade>,
    pub listed_only: bool,
    pub unrated: bool,
    /// The reasons as the run recorded them (`{"kind": "veto", …}`, …).
    pub reasons: Vec<Value>,
    pub vetoes: Vec<Veto>,
    /// The next class up and its boundary, or why there is none.
    pub target: Target,
}

/// The explanation of `enterprise_id`'s result in run `run_id`.
pub async fn explain(
    app: &App,
    ctx: &Ctx,
    run_id: i64,
    enterprise_id: i64,
) -> AppResult<Explanation> {
    let run = find_run(app, ctx, run_id).await?;
    let db = app.db.read();
    let firm = find_in_scope(db, ctx, enterprise_id).await?;
    let r = evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(run.id))
        .filter(evaluation_result::Column::EnterpriseId.eq(firm.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, scheme) = scheme_of(db, &run).await?;
    let (scale, group) = parse_group_key(&r.group_key);
    let group = group.unwrap_or(firm.industry_group_id);
    let group_name = industry_group::Entity::find_by_id(group)
        .one(db)
        .await?
        .map(|g| g.name)
        .unwrap_or_default();
    let rules = match scale.unwrap_or(Scale::Below) {
        Scale::Above => &scheme.above,
        Scale::Below => &scheme.below,
    };
    let items: Vec<ItemScore> = serde_json::from_str(&r.items_json)
        .map_err(|e| AppError::Internal(format!("result {}: items: {e}", r.id)))?;
    let reasons: Vec<Value> = serde_json::from_str(&r.reasons_json)
        .map_err(|e| AppError::Internal(format!("result {}: reasons: {e}", r.id)))?;
    let vetoes: Vec<Veto> = reasons
        .iter()
        .filter(|v| v["kind"] == "veto")
        .filter_map(|v| serde_json::from_value(v["veto"].clone()).ok())
        .collect();
    let score = FirmScore { items };
    let adjustment = if r.rank.is_some() {
        r.total - score.total()
    } else {
        0.0
    };
    let group_size = evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(run.id))
        .filter(evaluation_result::Column::GroupKey.eq(&r.group_key))
        .filter(evaluation_result::Column::Rank.is_not_null())
        .count(db)
        .await?;
    let grade_by_rank = r.grade_by_rank.as_deref().and_then(Grade::parse);
    let grade = r.grade.as_deref().and_then(Grade::parse);
    let ranked = r.rank.is_some();
    let boundaries: Vec<(Option<String>, f64)> = if ranked {
        evaluation_result::Entity::find()
            .select_only()
            .column(evaluation_result::Column::GradeByRank)
            .column_as(evaluation_result::Column::Total.min(), "boundary")
            .filter(evaluation_result::Column::RunId.eq(run.id))
            .filter(evaluation_result::Column::GroupKey.eq(&r.group_key))
            .filter(evaluation_result::Column::Rank.is_not_null())
            .group_by(evaluation_result::Column::GradeByRank)
            .into_tuple()
            .all(db)
            .await?
    } else {
        Vec::new()
    };
    let target = target(ranked, grade_by_rank, &vetoes, r.total, |g| {
        next_boundary(
            boundaries
                .iter()
                .map(|(grade, t)| (*t, grade.as_deref().and_then(Grade::parse))),
            g,
        )
    });
    let item_lifts = match target {
        Target::Boundary { boundary, .. } => lifts(rules, &score, adjustment, boundary)
            .into_iter()
            .map(Some)
            .collect(),
        _ => vec![None; score.items.len()],
    };
    let items = score
        .items
        .iter()
        .zip(item_lifts)
        .map(|(it, lift)| ItemExplained {
            indicator: it.rule.indicator,
            value: it.value,
            benchmark: it.rule.benchmark,
            weight: it.rule.weight,
            points: it.points,
            capped: it.capped,
            filled: it.filled_from_group_average,
            line: it.explain(),
            lift,
        })
        .collect();
    Ok(Explanation {
        run: get_run(app, ctx, run.id).await?,
        enterprise_id: firm.id,
        name: firm.name,
        credit_code: firm.credit_code,
        town_id: firm.town_id,
        scale: scale.map(|s| s.as_str().to_string()),
        industry_group_id: Some(group),
        industry_group_name: group_name,
        group_key: r.group_key.clone(),
        items,
        adjustment,
        total: r.total,
        rank: r.rank.map(i64::from),
        group_size,
        percentile: r.percentile,
        standing: r
            .rank
            .map(|rank| standing(&scheme.cuts, rank as usize, group_size as usize)),
        cuts: scheme.cuts,
        cap_multiple: rules.cap_multiple,
        below_min_land_mu: scheme.below_min_land_mu,
        grade_by_rank,
        grade,
        listed_only: r.grade.is_none(),
        unrated: r.grade.is_some() && !ranked,
        reasons,
        vetoes,
        target,
    })
}
