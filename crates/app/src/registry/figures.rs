//! Yearly figures (年度数据): one row per firm and year, each value with its source and who
//! loaded it when; the scale (规上/规下) follows the latest main revenue unless set by hand.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::{Value, json};
use wujin_domain::access::Permission;
use wujin_domain::cell_value::{MoneyUnit, parse_number, to_yuan};
use wujin_domain::enterprise::{FigureSource, Scale, derive_scale};
use wujin_storage::entity::{enterprise, yearly_figures};

use super::land::land_by_year;
use super::scope::{EnterpriseScope, find_in_scope};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::page::{Page, PageRequest};
use crate::{App, now};

pub use super::figure_values::*;

/// One firm's figures for one year as pages and the API show them.
#[derive(Debug, Clone, Serialize)]
pub struct FiguresView {
    pub year: i32,
    /// Every figure by key; blank ones are `null`.
    pub values: BTreeMap<&'static str, Option<FigureValue>>,
    pub sources: BTreeMap<String, SourceStamp>,
    /// Land from the firm's parcels in use that year (owned + leased), 亩.
    pub parcel_land_mu: f64,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

pub fn figures_view(m: &yearly_figures::Model, parcel_land_mu: f64) -> FiguresView {
    FiguresView {
        year: m.year,
        values: FIGURES
            .iter()
            .map(|(k, _)| (*k, read_value(m, k)))
            .collect(),
        sources: parse_sources(&m.sources_json),
        parcel_land_mu,
        updated_at: m.updated_at,
    }
}

/// What the audit log keeps of a row: every figure (the sources are bookkeeping).
pub fn figures_snapshot(m: &yearly_figures::Model) -> Value {
    let mut o = serde_json::Map::new();
    o.insert("year".into(), json!(m.year));
    for (k, _) in FIGURES {
        o.insert(
            (*k).into(),
            read_value(m, k).map_or(Value::Null, FigureValue::to_json),
        );
    }
    Value::Object(o)
}

/// The scale derived from the latest year with a known main revenue.
pub async fn derived_scale(
    db: &impl ConnectionTrait,
    enterprise_id: i64,
) -> AppResult<Option<Scale>> {
    let latest = yearly_figures::Entity::find()
        .filter(yearly_figures::Column::EnterpriseId.eq(enterprise_id))
        .filter(yearly_figures::Column::MainRevenueYuan.is_not_null())
        .order_by_desc(yearly_figures::Column::Year)
        .limit(1)
        .one(db)
        .await?;
    Ok(derive_scale(latest.and_then(|f| f.main_revenue_yuan)))
}

/// A firm's figures, newest year first.
pub async fn of_enterprise(app: &App, ctx: &Ctx, id: i64) -> AppResult<Vec<FiguresView>> {
    ctx.require(Permission::ViewEnterprises)?;
    let db = app.db.read();
    find_in_scope(db, ctx, id).await?;
    let rows = yearly_figures::Entity::find()
        .filter(yearly_figures::Column::EnterpriseId.eq(id))
        .order_by_desc(yearly_figures::Column::Year)
        .all(db)
        .await?;
    let land = land_by_year(db, id, rows.iter().map(|r| r.year)).await?;
    Ok(rows
        .iter()
        .map(|r| figures_view(r, land.get(&r.year).copied().unwrap_or(0.0)))
        .collect())
}

/// Reads a value typed into a form: money in 万元, counts whole, quantities decimal, flags
/// `true`/`1`/`是`. Blank is `None`.
pub fn parse_form_value(key: &str, text: &str) -> Result<Option<FigureValue>, FieldError> {
    let kind = kind_of(key).ok_or_else(|| FieldError::new(key, "error.figures.unknown_field"))?;
    if kind == FigureKind::Flag {
        return Ok(Some(FigureValue::Flag(matches!(
            text.trim(),
            "true" | "1" | "on" | "是" | "yes"
        ))));
    }
    let n = parse_number(text).map_err(|e| FieldError::with_detail(key, e.key(), text))?;
    let Some(n) = n else { return Ok(None) };
    if n < 0.0 {
        return Err(FieldError::new(key, "error.figures.negative"));
    }
    Ok(Some(match kind {
        FigureKind::Money => FigureValue::Int(
            to_yuan(n, MoneyUnit::WanYuan).map_err(|e| FieldError::new(key, e.key()))?,
        ),
        FigureKind::Count => {
            if n > 1e13 {
                return Err(FieldError::new(key, "error.figures.out_of_range"));
            }
            FigureValue::Int(n.round() as i64)
        }
        FigureKind::Quantity => {
            let max = if key == "land_mu" {
                super::land::MAX_AREA_MU
            } else {
                1e8
            };
            if n > max || (key == "land_mu" && n == 0.0) {
                return Err(FieldError::new(key, "error.figures.out_of_range"));
            }
            FigureValue::Real(n)
        }
        FigureKind::Flag => unreachable!("handled above"),
    }))
}

/// Sets some figures of one firm and year (creating the row if needed), stamping each
/// changed value with `source`, the caller and the time; audited with the changed values.
pub async fn update(
    app: &App,
    ctx: &Ctx,
    enterprise_id: i64,
    year: i32,
    values: &BTreeMap<String, String>,
    source: FigureSource,
) -> AppResult<FiguresView> {
    ctx.require(Permission::EditFigures)?;
    if !(1990..=2100).contains(&year) {
        return Err(AppError::field("year", "error.figures.year_invalid"));
    }
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for (k, text) in values {
        match parse_form_value(k, text) {
            Ok(v) => parsed.push((k.as_str(), v)),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let tx = app.db.begin_write().await?;
    find_in_scope(&tx, ctx, enterprise_id).await?;
    let existing = yearly_figures::Entity::find()
        .filter(yearly_figures::Column::EnterpriseId.eq(enterprise_id))
        .filter(yearly_figures::Column::Year.eq(year))
        .one(&tx)
        .await?;
    let before = existing.as_ref().map(figures_snapshot);
    let mut sources = existing
        .as_ref()
        .map(|m| parse_sources(&m.sources_json))
        .unwrap_or_default();
    let mut m = match existing.clone() {
        Some(m) => m.into_active_model(),
        None => blank_row(enterprise_id, year),
    };
    let mut changed = false;
    let st = stamp(&ctx.actor, source);
    for (k, v) in parsed {
        let old = existing.as_ref().and_then(|e| read_value(e, k));
        let old = if kind_of(k) == Some(FigureKind::Flag) && existing.is_none() {
            Some(FigureValue::Flag(false))
        } else {
            old
        };
        if old != v {
            write_value(&mut m, k, v);
            sources.insert(k.to_string(), st.clone());
            changed = true;
        }
    }
    if !changed {
        return match existing {
            Some(e) => {
                let land = land_by_year(&tx, enterprise_id, [year]).await?;
                Ok(figures_view(&e, land.get(&year).copied().unwrap_or(0.0)))
            }
            None => Err(AppError::field("values", "error.figures.nothing_entered")),
        };
    }
    m.sources_json = Set(serde_json::to_string(&sources).unwrap_or_else(|_| "{}".into()));
    m.updated_at = Set(now());
    let row = if existing.is_some() {
        m.update(&tx).await?
    } else {
        m.insert(&tx).await?
    };
    let after = figures_snapshot(&row);
    let (b, a) = match &before {
        Some(b) => super::views::diff_objects(b, &after).unwrap_or((json!({}), json!({}))),
        None => (Value::Null, after),
    };
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: if before.is_some() { "update" } else { "create" },
            entity: "yearly_figures",
            entity_id: format!("{enterprise_id}/{year}"),
            before: (!b.is_null()).then_some(b),
            after: Some(json!({"enterprise_id": enterprise_id, "year": year, "source": source.as_str(), "values": a})),
        },
    )
    .await?;
    for (id, old, new) in super::import::rederive_scales(&tx, &[enterprise_id]).await? {
        audit::record(
            &tx,
            &ctx.actor,
            &ctx.meta,
            Change {
                action: "rederive_scale",
                entity: "enterprise",
                entity_id: id.to_string(),
                before: Some(json!({"scale": old})),
                after: Some(json!({"scale": new})),
            },
        )
        .await?;
    }
    let land = land_by_year(&tx, enterprise_id, [year]).await?;
    tx.commit().await?;
    Ok(figures_view(&row, land.get(&year).copied().unwrap_or(0.0)))
}

/// One row of the yearly-figures grid.
#[derive(Debug, Clone, Serialize)]
pub struct GridRow {
    pub enterprise_id: i64,
    pub credit_code: String,
    pub name: String,
    pub scale: Option<String>,
    pub figures: Option<FiguresView>,
}

/// The figures of one year for the firms of one town (or all towns in scope), for review and
/// correction.
pub async fn grid(
    app: &App,
    ctx: &Ctx,
    year: i32,
    town_id: Option<i64>,
    page: PageRequest,
) -> AppResult<Page<GridRow>> {
    ctx.require(Permission::ViewEnterprises)?;
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let mut q = enterprise::Entity::find().filter(scope.condition());
    if let Some(t) = town_id {
        q = q.filter(enterprise::Column::TownId.eq(t));
    }
    let total = q.clone().count(db).await?;
    let firms = q
        .order_by_asc(enterprise::Column::Name)
        .order_by_asc(enterprise::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    let ids: Vec<i64> = firms.iter().map(|e| e.id).collect();
    let rows: HashMap<i64, yearly_figures::Model> = yearly_figures::Entity::find()
        .filter(yearly_figures::Column::Year.eq(year))
        .filter(yearly_figures::Column::EnterpriseId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.enterprise_id, r))
        .collect();
    let land = super::land::land_for_firms(db, &ids, year).await?;
    Ok(Page {
        items: firms
            .into_iter()
            .map(|e| GridRow {
                figures: rows
                    .get(&e.id)
                    .map(|r| figures_view(r, land.get(&e.id).copied().unwrap_or(0.0))),
                enterprise_id: e.id,
                credit_code: e.credit_code,
                name: e.name,
                scale: e.scale,
            })
            .collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Years that have figures, newest first.
pub async fn years(app: &App) -> AppResult<Vec<i32>> {
    let db = app.db.read();
    let rows: Vec<i32> = yearly_figures::Entity::find()
        .select_only()
        .column(yearly_figures::Column::Year)
        .distinct()
        .order_by_desc(yearly_figures::Column::Year)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows)
}

/// The audit events of a firm's yearly figures (every year), newest first.
pub async fn history(
    app: &App,
    ctx: &Ctx,
    enterprise_id: i64,
    limit: u64,
) -> AppResult<Vec<crate::audit::AuditEventView>> {
    use wujin_storage::entity::audit_event;
    ctx.require(Permission::ViewEnterprises)?;
    let db = app.db.read();
    find_in_scope(db, ctx, enterprise_id).await?;
    let rows = audit_event::Entity::find()
        .filter(audit_event::Column::Entity.eq("yearly_figures"))
        .filter(audit_event::Column::EntityId.starts_with(format!("{enterprise_id}/")))
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_read_in_display_units() {
        assert_eq!(
            parse_form_value("evaluation_tax_yuan", "1,234.5").unwrap(),
            Some(FigureValue::Int(12_345_000))
        );
        assert_eq!(
            parse_form_value("power_kwh", "１２００").unwrap(),
            Some(FigureValue::Int(1200))
        );
        assert_eq!(parse_form_value("energy_tce", "").unwrap(), None);
        assert_eq!(
            parse_form_value("safety_accident", "是").unwrap(),
            Some(FigureValue::Flag(true))
        );
        assert_eq!(
            parse_form_value("land_mu", "-3").unwrap_err().key,
            "error.figures.negative"
        );
        assert_eq!(
            parse_form_value("land_mu", "200000").unwrap_err().key,
            "error.figures.out_of_range"
        );
        assert_eq!(
            parse_form_value("water_m3", "many").unwrap_err().key,
            "error.value.not_a_number"
        );
        assert!(parse_form_value("nonsense", "1").is_err());
    }
}
