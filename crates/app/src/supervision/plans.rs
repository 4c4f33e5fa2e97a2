//! Plans (计划): created by the supervision office with their reporting cycle and colour
//! rules; read by everyone who reads supervision, each with the number of tasks they see.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wujin_domain::supervision::colour::ColourRules;
use wujin_domain::supervision::cycle::CyclePeriod;
use wujin_storage::entity::{supervision_plan, supervision_task};

use super::{require_office, visible_units};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

/// Longest plan name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A plan as sent by the office.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewPlan {
    pub name: String,
    pub year: i32,
    pub description: Option<String>,
    /// monthly (default) | quarterly
    pub report_period: Option<String>,
    /// Day of the month after the cycle when reports are due (default 5).
    pub report_due_day: Option<u32>,
    /// Default: the rules of DESIGN.md §7.
    pub colour_rules: Option<ColourRules>,
}

/// A plan as lists and pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub id: i64,
    pub name: String,
    pub year: i32,
    pub description: Option<String>,
    pub report_period: CyclePeriod,
    pub report_due_day: u32,
    pub colour_rules: ColourRules,
    pub status: String,
    /// Tasks (areas excluded) the caller sees.
    pub tasks: u64,
}

fn period_of(s: &str) -> Option<CyclePeriod> {
    match s {
        "monthly" => Some(CyclePeriod::Monthly),
        "quarterly" => Some(CyclePeriod::Quarterly),
        _ => None,
    }
}

fn period_str(p: CyclePeriod) -> &'static str {
    match p {
        CyclePeriod::Monthly => "monthly",
        CyclePeriod::Quarterly => "quarterly",
    }
}

pub(crate) fn view(m: supervision_plan::Model, tasks: u64) -> PlanView {
    PlanView {
        report_period: period_of(&m.report_period).unwrap_or(CyclePeriod::Monthly),
        report_due_day: u32::try_from(m.report_due_day).unwrap_or(5),
        colour_rules: serde_json::from_str(&m.colour_rules_json).unwrap_or_default(),
        id: m.id,
        name: m.name,
        year: m.year,
        description: m.description,
        status: m.status,
        tasks,
    }
}

/// What is wrong with a new plan, field by field.
fn problems(p: &NewPlan) -> Vec<FieldError> {
    let mut out = Vec::new();
    let name = p.name.trim();
    if name.is_empty() {
        out.push(FieldError::new("name", "error.plan.name_required"));
    } else if name.chars().count() > MAX_NAME_CHARS {
        out.push(FieldError::new("name", "error.plan.name_too_long"));
    }
    if !(2000..=2100).contains(&p.year) {
        out.push(FieldError::new("year", "error.plan.year_invalid"));
    }
    if let Some(s) = &p.report_period
        && period_of(s).is_none()
    {
        out.push(FieldError::with_detail(
            "report_period",
            "error.plan.period_invalid",
            s.as_str(),
        ));
    }
    if p.report_due_day.is_some_and(|d| !(1..=28).contains(&d)) {
        out.push(FieldError::new(
            "report_due_day",
            "error.plan.due_day_invalid",
        ));
    }
    if let Some(r) = &p.colour_rules
        && r.validate().is_err()
    {
        out.push(FieldError::new(
            "colour_rules",
            "error.plan.colour_rules_invalid",
        ));
    }
    out
}

/// Creates a plan; the supervision office only; audited.
pub async fn create(app: &App, ctx: &Ctx, input: NewPlan) -> AppResult<PlanView> {
    require_office(app, ctx).await?;
    let errors = problems(&input);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let name = input.name.trim().to_string();
    let tx = app.db.begin_write().await?;
    if supervision_plan::Entity::find()
        .filter(supervision_plan::Column::Name.eq(&name))
        .one(&tx)
        .await?
        .is_some()
    {
        return Err(AppError::field("name", "error.plan.name_taken"));
    }
    let rules = input.colour_rules.unwrap_or_default();
    let period = input
        .report_period
        .as_deref()
        .and_then(period_of)
        .unwrap_or(CyclePeriod::Monthly);
    let t = now();
    let m = supervision_plan::ActiveModel {
        name: Set(name),
        year: Set(input.year),
        description: Set(input
            .description
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())),
        report_period: Set(period_str(period).to_string()),
        report_due_day: Set(input.report_due_day.unwrap_or(5) as i32),
        colour_rules_json: Set(serde_json::to_string(&rules).unwrap_or_else(|_| "{}".into())),
        status: Set("active".into()),
        created_by: Set(ctx.actor.id),
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
            entity: "supervision_plan",
            entity_id: m.id.to_string(),
            before: None,
            after: Some(json!({
                "name": m.name,
                "year": m.year,
                "report_period": m.report_period,
                "report_due_day": m.report_due_day,
                "colour_rules": rules,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(view(m, 0))
}

/// Task ids of `plan_ids` the units `units` lead or co-operate on (every task for `None`),
/// counted per plan; areas are not counted.
async fn task_counts(
    db: &impl ConnectionTrait,
    plan_ids: &[i64],
    units: &Option<Vec<i64>>,
) -> AppResult<HashMap<i64, u64>> {
    let mut q = supervision_task::Entity::find()
        .select_only()
        .column(supervision_task::Column::PlanId)
        .filter(supervision_task::Column::PlanId.is_in(plan_ids.to_vec()))
        .filter(supervision_task::Column::Level.gt(0));
    if let Some(units) = units {
        q = q.filter(super::tasks::of_units(units));
    }
    let rows: Vec<i64> = q.into_tuple().all(db).await?;
    let mut out: HashMap<i64, u64> = HashMap::new();
    for p in rows {
        *out.entry(p).or_default() += 1;
    }
    Ok(out)
}

/// Every plan, newest year first, with the number of tasks the caller sees in it.
pub async fn list(app: &App, ctx: &Ctx) -> AppResult<Vec<PlanView>> {
    let units = visible_units(app, ctx).await?;
    let db = app.db.read();
    let plans = supervision_plan::Entity::find()
        .order_by_desc(supervision_plan::Column::Year)
        .order_by_asc(supervision_plan::Column::Name)
        .all(db)
        .await?;
    let ids: Vec<i64> = plans.iter().map(|p| p.id).collect();
    let counts = task_counts(db, &ids, &units).await?;
    Ok(plans
        .into_iter()
        .map(|p| {
            let n = counts.get(&p.id).copied().unwrap_or(0);
            view(p, n)
        })
        .collect())
}

/// One plan.
pub async fn get(app: &App, ctx: &Ctx, id: i64) -> AppResult<PlanView> {
    let units = visible_units(app, ctx).await?;
    let db = app.db.read();
    let p = supervision_plan::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let n = task_counts(db, &[id], &units)
        .await?
        .get(&id)
        .copied()
        .unwrap_or(0);
    Ok(view(p, n))
}
