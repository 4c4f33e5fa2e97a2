//! Land (用地): parcels with their certificates, and which firms use them, owned or leased.
//! A firm's land area for a year is the sum of the areas it uses that year, owned + leased.

use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wujin_domain::access::Permission;
use wujin_domain::cell_value::{normalize_text, parse_number};
use wujin_domain::enterprise::LandTenure;
use wujin_storage::entity::{enterprise, land_parcel, parcel_use};

use super::scope::find_in_scope;
use super::views::Named;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::{App, now};

pub use wujin_xlsx::columns::MAX_AREA_MU;

/// Whether a use is in force in `year`.
pub fn in_use(u: &parcel_use::Model, year: i32) -> bool {
    u.from_year.is_none_or(|f| f <= year) && u.to_year.is_none_or(|t| t >= year)
}

/// A firm's land (owned + leased) for each of `years`.
pub async fn land_by_year(
    db: &impl ConnectionTrait,
    enterprise_id: i64,
    years: impl IntoIterator<Item = i32>,
) -> AppResult<HashMap<i32, f64>> {
    let uses = parcel_use::Entity::find()
        .filter(parcel_use::Column::EnterpriseId.eq(enterprise_id))
        .all(db)
        .await?;
    Ok(years
        .into_iter()
        .map(|y| {
            let sum: f64 = uses
                .iter()
                .filter(|u| in_use(u, y))
                .map(|u| u.area_mu)
                .sum();
            (y, sum)
        })
        .collect())
}

/// The land of each of these firms in `year`.
pub async fn land_for_firms(
    db: &impl ConnectionTrait,
    ids: &[i64],
    year: i32,
) -> AppResult<HashMap<i64, f64>> {
    let mut out: HashMap<i64, f64> = HashMap::new();
    for chunk in ids.chunks(500) {
        for u in parcel_use::Entity::find()
            .filter(parcel_use::Column::EnterpriseId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            if in_use(&u, year) {
                *out.entry(u.enterprise_id).or_default() += u.area_mu;
            }
        }
    }
    Ok(out)
}

/// Every firm's land (owned + leased) in `year`, in one query: what an evaluation of the whole
/// county reads (firms without land in force are absent).
pub async fn land_of_all_firms(
    db: &impl ConnectionTrait,
    year: i32,
) -> AppResult<HashMap<i64, f64>> {
    use parcel_use::Column as U;
    let rows: Vec<(i64, f64)> = parcel_use::Entity::find()
        .select_only()
        .column(U::EnterpriseId)
        .column_as(U::AreaMu.sum(), "area_mu")
        .filter(
            sea_orm::Condition::all()
                .add(
                    sea_orm::Condition::any()
                        .add(U::FromYear.is_null())
                        .add(U::FromYear.lte(year)),
                )
                .add(
                    sea_orm::Condition::any()
                        .add(U::ToYear.is_null())
                        .add(U::ToYear.gte(year)),
                ),
        )
        .group_by(U::EnterpriseId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// One parcel a firm uses, with every firm using it.
#[derive(Debug, Clone, Serialize)]
pub struct ParcelUseView {
    pub use_id: i64,
    pub parcel_id: i64,
    pub certificate_no: String,
    pub parcel_area_mu: f64,
    pub location: Option<String>,
    pub tenure: String,
    pub lessor: Option<String>,
    pub area_mu: f64,
    pub from_year: Option<i32>,
    pub to_year: Option<i32>,
    /// Every firm using this parcel (this one included).
    pub users: Vec<Named>,
    /// Those of `users` the caller may open.
    pub users_in_scope: Vec<i64>,
}

/// The parcels a firm uses (or used).
pub async fn of_enterprise(app: &App, ctx: &Ctx, id: i64) -> AppResult<Vec<ParcelUseView>> {
    ctx.require(Permission::ViewEnterprises)?;
    let db = app.db.read();
    find_in_scope(db, ctx, id).await?;
    let uses = parcel_use::Entity::find()
        .filter(parcel_use::Column::EnterpriseId.eq(id))
        .order_by_asc(parcel_use::Column::Id)
        .all(db)
        .await?;
    let parcel_ids: Vec<i64> = uses.iter().map(|u| u.parcel_id).collect();
    let parcels: HashMap<i64, land_parcel::Model> = land_parcel::Entity::find()
        .filter(land_parcel::Column::Id.is_in(parcel_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let all_uses = parcel_use::Entity::find()
        .filter(parcel_use::Column::ParcelId.is_in(parcel_ids))
        .all(db)
        .await?;
    let firm_ids: Vec<i64> = all_uses.iter().map(|u| u.enterprise_id).collect();
    let firm_names: HashMap<i64, String> = enterprise::Entity::find()
        .filter(enterprise::Column::Id.is_in(firm_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let scope = super::scope::EnterpriseScope::of(db, ctx).await?;
    let reachable: Vec<i64> = enterprise::Entity::find()
        .select_only()
        .column(enterprise::Column::Id)
        .filter(enterprise::Column::Id.is_in(firm_ids))
        .filter(scope.condition())
        .into_tuple()
        .all(db)
        .await?;
    Ok(uses
        .into_iter()
        .filter_map(|u| {
            let p = parcels.get(&u.parcel_id)?;
            let mut users: Vec<Named> = all_uses
                .iter()
                .filter(|o| o.parcel_id == u.parcel_id)
                .map(|o| Named {
                    id: o.enterprise_id,
                    name: firm_names
                        .get(&o.enterprise_id)
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect();
            users.sort_by_key(|n| n.id);
            users.dedup_by_key(|n| n.id);
            let users_in_scope = users
                .iter()
                .map(|n| n.id)
                .filter(|id| reachable.contains(id))
                .collect();
            Some(ParcelUseView {
                use_id: u.id,
                parcel_id: p.id,
                certificate_no: p.certificate_no.clone(),
                parcel_area_mu: p.area_mu,
                location: p.location.clone(),
                tenure: u.tenure,
                lessor: u.lessor,
                area_mu: u.area_mu,
                from_year: u.from_year,
                to_year: u.to_year,
                users,
                users_in_scope,
            })
        })
        .collect())
}

/// A parcel use as the land form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ParcelUseInput {
    pub certificate_no: String,
    /// The parcel's certified area; needed when the parcel is new.
    pub parcel_area_mu: Option<String>,
    pub location: Option<String>,
    pub tenure: String,
    pub lessor: Option<String>,
    /// The area this firm uses; blank means the whole parcel.
    pub area_mu: Option<String>,
    pub from_year: Option<String>,
    pub to_year: Option<String>,
}

fn area(field: &str, raw: &Option<String>, errors: &mut Vec<FieldError>) -> Option<f64> {
    match raw.as_deref().map(parse_number) {
        None | Some(Ok(None)) => None,
        Some(Ok(Some(v))) if v > 0.0 && v <= MAX_AREA_MU => Some(v),
        Some(Ok(Some(_))) => {
            errors.push(FieldError::new(field, "error.land.area_out_of_range"));
            None
        }
        Some(Err(e)) => {
            errors.push(FieldError::new(field, e.key()));
            None
        }
    }
}

fn year(field: &str, raw: &Option<String>, errors: &mut Vec<FieldError>) -> Option<i32> {
    let t = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    match t.trim_end_matches('年').parse::<i32>() {
        Ok(y) if (1990..=2100).contains(&y) => Some(y),
        _ => {
            errors.push(FieldError::new(field, "error.figures.year_invalid"));
            None
        }
    }
}

/// Records that a firm uses a parcel (creating the parcel if its certificate is new), or
/// changes how it uses it.
pub async fn save_use(
    app: &App,
    ctx: &Ctx,
    enterprise_id: i64,
    input: &ParcelUseInput,
) -> AppResult<i64> {
    ctx.require(Permission::ManageEnterprises)?;
    let mut errors = Vec::new();
    let cert = normalize_text(&input.certificate_no);
    if cert.as_ref().is_none_or(|c| c.chars().count() > 60) {
        errors.push(FieldError::new(
            "certificate_no",
            "error.land.certificate_invalid",
        ));
    }
    let tenure = LandTenure::parse(input.tenure.trim())
        .or_else(|| LandTenure::parse_label(input.tenure.trim()));
    if tenure.is_none() {
        errors.push(FieldError::new("tenure", "error.land.tenure_invalid"));
    }
    let parcel_area = area("parcel_area_mu", &input.parcel_area_mu, &mut errors);
    let used = area("area_mu", &input.area_mu, &mut errors);
    let from_year = year("from_year", &input.from_year, &mut errors);
    let to_year = year("to_year", &input.to_year, &mut errors);
    if let (Some(f), Some(t)) = (from_year, to_year)
        && f > t
    {
        errors.push(FieldError::new("to_year", "error.land.years_reversed"));
    }
    let lessor = input.lessor.as_deref().and_then(normalize_text);
    if tenure == Some(LandTenure::Leased) && lessor.is_none() {
        errors.push(FieldError::new("lessor", "error.land.lessor_required"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (cert, tenure) = (
        cert.unwrap_or_default(),
        tenure.unwrap_or(LandTenure::Owned),
    );
    let tx = app.db.begin_write().await?;
    find_in_scope(&tx, ctx, enterprise_id).await?;
    let t = now();
    let parcel = match land_parcel::Entity::find()
        .filter(land_parcel::Column::CertificateNo.eq(&cert))
        .one(&tx)
        .await?
    {
        Some(p) => p,
        None => {
            let Some(a) = parcel_area else {
                return Err(AppError::field("parcel_area_mu", "error.required"));
            };
            let p = land_parcel::ActiveModel {
                certificate_no: Set(cert.clone()),
                area_mu: Set(a),
                location: Set(input.location.as_deref().and_then(normalize_text)),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
            audit::record(&tx, &ctx.actor, &ctx.meta, Change {
                action: "create",
                entity: "land_parcel",
                entity_id: p.id.to_string(),
                before: None,
                after: Some(json!({"certificate_no": p.certificate_no, "area_mu": p.area_mu, "location": p.location})),
            })
            .await?;
            p
        }
    };
    let area_mu = used.unwrap_or(parcel.area_mu);
    if area_mu > parcel.area_mu + 1e-9 {
        return Err(AppError::field("area_mu", "error.land.use_exceeds_parcel"));
    }
    let existing = parcel_use::Entity::find()
        .filter(parcel_use::Column::ParcelId.eq(parcel.id))
        .filter(parcel_use::Column::EnterpriseId.eq(enterprise_id))
        .one(&tx)
        .await?;
    let before = existing.as_ref().map(|u| json!({"tenure": u.tenure, "lessor": u.lessor, "area_mu": u.area_mu, "from_year": u.from_year, "to_year": u.to_year}));
    let mut m = match existing {
        Some(u) => u.into_active_model(),
        None => parcel_use::ActiveModel {
            parcel_id: Set(parcel.id),
            enterprise_id: Set(enterprise_id),
            created_at: Set(t),
            ..Default::default()
        },
    };
    m.tenure = Set(tenure.as_str().to_string());
    m.lessor = Set(if tenure == LandTenure::Leased {
        lessor
    } else {
        None
    });
    m.area_mu = Set(area_mu);
    m.from_year = Set(from_year);
    m.to_year = Set(to_year);
    m.updated_at = Set(t);
    let u = if before.is_some() {
        m.update(&tx).await?
    } else {
        m.insert(&tx).await?
    };
    audit::record(&tx, &ctx.actor, &ctx.meta, Change {
        action: if before.is_some() { "update" } else { "create" },
        entity: "parcel_use",
        entity_id: u.id.to_string(),
        before,
        after: Some(json!({"enterprise_id": enterprise_id, "certificate_no": parcel.certificate_no, "tenure": u.tenure, "lessor": u.lessor, "area_mu": u.area_mu, "from_year": u.from_year, "to_year": u.to_year})),
    })
    .await?;
    tx.commit().await?;
    Ok(u.id)
}
