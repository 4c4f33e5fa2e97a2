//! Evaluation schemes (评价方案): listing and reading them, creating one from a year's
//! defaults, editing, copying, TOML import and export, and benchmarks from the county's
//! averages of a chosen year.
//!
//! Everyone who reads the evaluation may read its schemes; only the evaluation office changes
//! them. A scheme used by a run that was published (published, final or superseded) is frozen:
//! it is never changed again, so every published result can be reproduced — the office copies
//! it and edits the copy. Every write is audited with the scheme's TOML before and after.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;
use wujin_domain::access::Permission;
use wujin_domain::enterprise::Scale;
use wujin_domain::evaluation::scheme::BenchmarkChange;
use wujin_domain::evaluation::{
    EvaluationScheme, FirmFigures, Indicator, SchemeError, county_benchmarks, published_benchmark,
};
use wujin_storage::entity::{enterprise_tag, evaluation_run, evaluation_scheme, tag};

use super::require_office;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

/// The longest scheme name.
pub const MAX_NAME_CHARS: usize = 60;
/// The largest TOML text an import accepts.
pub const MAX_TOML_BYTES: usize = 256 * 1024;

/// A scheme in the list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SchemeSummary {
    pub id: i64,
    pub name: String,
    pub year: i32,
    /// Marked frozen when a run under it was published.
    pub frozen: bool,
    /// Runs computed under the scheme.
    pub runs: u64,
    /// Of which published, final or superseded.
    pub published_runs: u64,
    /// Whether it may no longer be changed (frozen, or used by a published run).
    pub locked: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One scheme with its rules.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SchemeDetail {
    #[serde(flatten)]
    pub summary: SchemeSummary,
    pub scheme: EvaluationScheme,
}

/// The tag codes each firm holds, by enterprise id, each list sorted.
pub(crate) async fn tag_codes(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, Vec<String>>> {
    let codes: HashMap<i64, String> = tag::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.code))
        .collect();
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for link in enterprise_tag::Entity::find().all(db).await? {
        if let Some(code) = codes.get(&link.tag_id) {
            out.entry(link.enterprise_id)
                .or_default()
                .push(code.clone());
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    Ok(out)
}

/// (runs, published runs) per scheme id.
async fn run_counts(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, (u64, u64)>> {
    let mut out: HashMap<i64, (u64, u64)> = HashMap::new();
    for r in evaluation_run::Entity::find().all(db).await? {
        let e = out.entry(r.scheme_id).or_default();
        e.0 += 1;
        if r.status != "draft" {
            e.1 += 1;
        }
    }
    Ok(out)
}

fn summary(m: &evaluation_scheme::Model, counts: (u64, u64)) -> SchemeSummary {
    SchemeSummary {
        id: m.id,
        name: m.name.clone(),
        year: m.year,
        frozen: m.frozen,
        runs: counts.0,
        published_runs: counts.1,
        locked: m.frozen || counts.1 > 0,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// A stored scheme's rules; a stored text that no longer reads is an internal error.
fn parse_stored(m: &evaluation_scheme::Model) -> AppResult<EvaluationScheme> {
    EvaluationScheme::read_toml(&m.toml)
        .map_err(|e| AppError::Internal(format!("scheme {}: {e}", m.id)))
}

async fn detail(
    db: &impl ConnectionTrait,
    m: &evaluation_scheme::Model,
) -> AppResult<SchemeDetail> {
    let counts = run_counts(db)
        .await?
        .get(&m.id)
        .copied()
        .unwrap_or_default();
    Ok(SchemeDetail {
        summary: summary(m, counts),
        scheme: parse_stored(m)?,
    })
}

/// Every scheme, newest year first.
pub async fn list(app: &App, ctx: &Ctx) -> AppResult<Vec<SchemeSummary>> {
    ctx.require(Permission::ViewEvaluation)?;
    let db = app.db.read();
    let counts = run_counts(db).await?;
    Ok(evaluation_scheme::Entity::find()
        .order_by_desc(evaluation_scheme::Column::Year)
        .order_by_desc(evaluation_scheme::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(|m| summary(m, counts.get(&m.id).copied().unwrap_or_default()))
        .collect())
}

/// One scheme.
pub async fn get(app: &App, ctx: &Ctx, id: i64) -> AppResult<SchemeDetail> {
    ctx.require(Permission::ViewEvaluation)?;
    let db = app.db.read();
    let m = evaluation_scheme::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    detail(db, &m).await
}

/// The scheme's TOML and a file name for it.
pub async fn export_toml(app: &App, ctx: &Ctx, id: i64) -> AppResult<(String, String)> {
    let d = get(app, ctx, id).await?;
    Ok((format!("{}.toml", d.summary.name), d.scheme.to_toml()))
}

/// The problems of a scheme as field errors (field = the path in the scheme), with the
/// checks that need the database: a name that is free, tags that exist.
async fn check(
    db: &impl ConnectionTrait,
    s: &EvaluationScheme,
    except: Option<i64>,
) -> AppResult<Vec<FieldError>> {
    let mut errors: Vec<FieldError> = s
        .problems()
        .into_iter()
        .map(|p| FieldError::new(&p.field, p.error.key()))
        .collect();
    let name = s.name.trim();
    if !name.is_empty() && !errors.iter().any(|e| e.field == "name") {
        let taken = evaluation_scheme::Entity::find()
            .filter(evaluation_scheme::Column::Name.eq(name))
            .one(db)
            .await?
            .is_some_and(|m| Some(m.id) != except);
        if taken {
            errors.push(FieldError::with_detail(
                "name",
                "error.scheme.name_taken",
                name,
            ));
        }
    }
    let known: HashSet<String> = tag::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();
    for (i, item) in s.adjustments.items.iter().enumerate() {
        let field = format!("adjustments.items.{i}.tag");
        let t = item.tag.trim();
        if !t.is_empty() && !known.contains(t) && !errors.iter().any(|e| e.field == field) {
            errors.push(FieldError::with_detail(
                &field,
                "error.scheme.unknown_tag",
                t,
            ));
        }
    }
    Ok(errors)
}

/// Tidies what people type: names and labels trimmed.
fn tidy(mut s: EvaluationScheme) -> EvaluationScheme {
    s.name = s.name.trim().to_string();
    for item in &mut s.adjustments.items {
        item.tag = item.tag.trim().to_string();
        item.label = item.label.trim().to_string();
    }
    s
}

fn audit_view(m: &evaluation_scheme::Model) -> serde_json::Value {
    json!({"name": m.name, "year": m.year, "frozen": m.frozen, "toml": m.toml})
}

async fn insert(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    s: &EvaluationScheme,
    action: &str,
    extra: serde_json::Value,
) -> AppResult<evaluation_scheme::Model> {
    let t = now();
    let m = evaluation_scheme::ActiveModel {
        name: Set(s.name.clone()),
        year: Set(s.year),
        toml: Set(s.to_toml()),
        frozen: Set(false),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let mut after = audit_view(&m);
    if let (Some(a), serde_json::Value::Object(x)) = (after.as_object_mut(), extra) {
        a.extend(x);
    }
    audit::record(
        tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action,
            entity: "evaluation_scheme",
            entity_id: m.id.to_string(),
            before: None,
            after: Some(after),
        },
    )
    .await?;
    Ok(m)
}

/// The scheme row if it may still be changed; a frozen one (or one used by a published run)
/// is refused with a message that says to copy it.
async fn editable(db: &impl ConnectionTrait, id: i64) -> AppResult<evaluation_scheme::Model> {
    let m = evaluation_scheme::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let published = evaluation_run::Entity::find()
        .filter(evaluation_run::Column::SchemeId.eq(id))
        .filter(evaluation_run::Column::Status.ne("draft"))
        .one(db)
        .await?
        .is_some();
    if m.frozen || published {
        return Err(AppError::Conflict("error.scheme.frozen".into()));
    }
    Ok(m)
}

async fn replace(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    m: evaluation_scheme::Model,
    s: &EvaluationScheme,
    action: &str,
) -> AppResult<evaluation_scheme::Model> {
    let before = audit_view(&m);
    let mut am = m.into_active_model();
    am.name = Set(s.name.clone());
    am.year = Set(s.year);
    am.toml = Set(s.to_toml());
    am.updated_at = Set(now());
    let m = am.update(tx).await?;
    audit::record(
        tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action,
            entity: "evaluation_scheme",
            entity_id: m.id.to_string(),
            before: Some(before),
            after: Some(audit_view(&m)),
        },
    )
    .await?;
    Ok(m)
}

/// `base`, or `base（2）`, `base（3）` … whichever is free.
async fn free_name(db: &impl ConnectionTrait, base: &str) -> AppResult<String> {
    let taken: HashSet<String> = evaluation_scheme::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.name)
        .collect();
    if !taken.contains(base) {
        return Ok(base.to_string());
    }
    Ok((2..)
        .map(|n| format!("{base}（{n}）"))
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| base.to_string()))
}

fn invalid(errors: Vec<FieldError>) -> AppResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// A new scheme from the year's defaults (DESIGN.md §7): named `name`, or the default name
/// (made unique). With `benchmarks_from`, the benchmarks are the county's averages of that
/// year; otherwise the defaults' published ones.
pub async fn create(
    app: &App,
    ctx: &Ctx,
    year: i32,
    name: Option<&str>,
    benchmarks_from: Option<i32>,
) -> AppResult<SchemeDetail> {
    require_office(app, ctx).await?;
    if !(1990..=2100).contains(&year) {
        return Err(AppError::field("year", "error.scheme.year"));
    }
    let mut s = EvaluationScheme::default_for(year);
    if let Some(from) = benchmarks_from {
        let firms = firms_of(app, from, "benchmarks_from").await?;
        s.set_county_benchmarks(&firms);
    }
    let db = app.db.read();
    s.name = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_string(),
        None => free_name(db, &s.name).await?,
    };
    let tx = app.db.begin_write().await?;
    invalid(check(&tx, &s, None).await?)?;
    let m = insert(
        &tx,
        ctx,
        &s,
        "create",
        json!({"benchmarks_from": benchmarks_from}),
    )
    .await?;
    tx.commit().await?;
    detail(app.db.read(), &m).await
}

/// Replaces a scheme's rules (the office; refused once the scheme is frozen).
pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: i64,
    scheme: EvaluationScheme,
) -> AppResult<SchemeDetail> {
    require_office(app, ctx).await?;
    let s = tidy(scheme);
    let tx = app.db.begin_write().await?;
    let m = editable(&tx, id).await?;
    invalid(check(&tx, &s, Some(id)).await?)?;
    let m = replace(&tx, ctx, m, &s, "update").await?;
    tx.commit().await?;
    detail(app.db.read(), &m).await
}

/// A new, unfrozen scheme with the rules of scheme `id`, named `name` or `名称（副本）`.
pub async fn copy(app: &App, ctx: &Ctx, id: i64, name: Option<&str>) -> AppResult<SchemeDetail> {
    require_office(app, ctx).await?;
    let db = app.db.read();
    let from = evaluation_scheme::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut s = parse_stored(&from)?;
    s.name = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => n.to_string(),
        None => free_name(db, &format!("{}（副本）", from.name)).await?,
    };
    let tx = app.db.begin_write().await?;
    invalid(check(&tx, &s, None).await?)?;
    let m = insert(&tx, ctx, &s, "copy", json!({"copied_from": id})).await?;
    tx.commit().await?;
    detail(app.db.read(), &m).await
}

/// Reads a scheme from TOML; every problem is a field error (`toml` when the text itself is
/// malformed).
pub fn parse_toml(text: &str) -> AppResult<EvaluationScheme> {
    if text.len() > MAX_TOML_BYTES {
        return Err(AppError::field("toml", "error.scheme.too_large"));
    }
    if text.trim().is_empty() {
        return Err(AppError::field("toml", "error.scheme.empty"));
    }
    let s = EvaluationScheme::read_toml(text).map_err(|e| {
        let detail = match &e {
            SchemeError::Syntax(d) => d.clone(),
            other => other.to_string(),
        };
        AppError::Validation(vec![FieldError::with_detail(
            "toml",
            "error.scheme.syntax",
            detail,
        )])
    })?;
    Ok(tidy(s))
}

/// Imports a scheme from TOML: a new scheme, or — with `replace` — the rules of an unfrozen
/// scheme replaced.
pub async fn import_toml(
    app: &App,
    ctx: &Ctx,
    text: &str,
    replace_id: Option<i64>,
) -> AppResult<SchemeDetail> {
    require_office(app, ctx).await?;
    let s = parse_toml(text)?;
    let tx = app.db.begin_write().await?;
    let m = match replace_id {
        Some(id) => {
            let m = editable(&tx, id).await?;
            invalid(check(&tx, &s, Some(id)).await?)?;
            replace(&tx, ctx, m, &s, "import").await?
        }
        None => {
            invalid(check(&tx, &s, None).await?)?;
            insert(&tx, ctx, &s, "import", json!({})).await?
        }
    };
    tx.commit().await?;
    detail(app.db.read(), &m).await
}

/// The firms of `year` as a run sees them; none is an error on `field`.
async fn firms_of(
    app: &App,
    year: i32,
    field: &str,
) -> AppResult<Vec<wujin_domain::evaluation::FirmInput>> {
    if !(1990..=2100).contains(&year) {
        return Err(AppError::field(field, "error.scheme.year"));
    }
    let firms = super::run::inputs(app, year).await?;
    if firms.is_empty() {
        return Err(AppError::Validation(vec![FieldError::with_detail(
            field,
            "error.evaluation.no_figures",
            year.to_string(),
        )]));
    }
    Ok(firms)
}

/// The county's averages of a year for every indicator, per scale (what the edit form fills
/// benchmarks from).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CountyAverages {
    pub year: i32,
    /// Firms with figures that year, per scale.
    pub above_firms: usize,
    pub below_firms: usize,
    /// Indicator → aggregate ratio; indicators nobody reports are absent.
    pub above: BTreeMap<Indicator, f64>,
    pub below: BTreeMap<Indicator, f64>,
}

impl CountyAverages {
    pub fn get(&self, scale: Scale, indicator: Indicator) -> Option<f64> {
        match scale {
            Scale::Above => self.above.get(&indicator).copied(),
            Scale::Below => self.below.get(&indicator).copied(),
        }
    }
}

/// The county's averages of `year` (the office, for editing benchmarks).
pub async fn county_averages(app: &App, ctx: &Ctx, year: i32) -> AppResult<CountyAverages> {
    require_office(app, ctx).await?;
    let firms = firms_of(app, year, "year").await?;
    let of = |scale: Scale| {
        let figures: Vec<&FirmFigures> = firms
            .iter()
            .filter(|f| f.scale == scale)
            .map(|f| &f.figures)
            .collect();
        let map: BTreeMap<Indicator, f64> = Indicator::ALL
            .into_iter()
            .zip(county_benchmarks(&Indicator::ALL, &figures))
            .filter_map(|(i, b)| {
                b.filter(|b| b.is_finite() && *b > 0.0)
                    .map(|b| (i, published_benchmark(b)))
            })
            .collect();
        (figures.len(), map)
    };
    let (above_firms, above) = of(Scale::Above);
    let (below_firms, below) = of(Scale::Below);
    Ok(CountyAverages {
        year,
        above_firms,
        below_firms,
        above,
        below,
    })
}

/// Sets the benchmarks of scheme `id` to the county's averages of `year` and saves it
/// (refused once frozen). Items nobody reports keep their benchmark.
pub async fn fill_benchmarks(
    app: &App,
    ctx: &Ctx,
    id: i64,
    year: i32,
) -> AppResult<(SchemeDetail, Vec<BenchmarkChange>)> {
    require_office(app, ctx).await?;
    editable(app.db.read(), id).await?;
    let firms = firms_of(app, year, "year").await?;
    let tx = app.db.begin_write().await?;
    let m = editable(&tx, id).await?;
    let mut s = parse_stored(&m)?;
    let changes = s.set_county_benchmarks(&firms);
    invalid(check(&tx, &s, Some(id)).await?)?;
    let m = replace(&tx, ctx, m, &s, "fill_benchmarks").await?;
    tx.commit().await?;
    Ok((detail(app.db.read(), &m).await?, changes))
}
