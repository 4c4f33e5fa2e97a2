//! Writing a planned import, inside the caller's transaction: every created or changed record
//! gets an audit event with the values that changed.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use serde_json::{Value, json};
use wujin_domain::enterprise::{Scale, derive_scale};
use wujin_storage::entity::{enterprise, land_parcel, parcel_use, yearly_figures};

use super::enterprises::EnterpriseOp;
use super::figures::FigureOp;
use super::parcels::ParcelOp;
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::AppResult;
use crate::now;
use crate::registry::edit::{apply_profile, set_links};
use crate::registry::figures::{
    FigureValue, blank_row, parse_sources, read_value, stamp, write_value,
};
use crate::registry::views::{diff_objects, snapshot};

/// (created, updated, audit events)
pub type Applied = (usize, usize, usize);

/// Audit events are written every this many changes, so a large import never holds them all.
const AUDIT_FLUSH: usize = 10_000;

/// Writes the collected audit events once there are enough of them (or `all` is set).
async fn flush(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    changes: &mut Vec<Change<'_>>,
    events: &mut usize,
    all: bool,
) -> AppResult<()> {
    if changes.len() >= AUDIT_FLUSH || (all && !changes.is_empty()) {
        *events += audit::record_many(tx, &ctx.actor, &ctx.meta, std::mem::take(changes)).await?;
    }
    Ok(())
}

pub async fn enterprises(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    ops: Vec<EnterpriseOp>,
) -> AppResult<Applied> {
    let (mut created, mut updated) = (0, 0);
    let mut changes = Vec::with_capacity(ops.len());
    let t = now();
    for op in ops {
        let p = &op.profile;
        match op.existing {
            None => {
                let mut m = enterprise::ActiveModel {
                    created_at: Set(t),
                    updated_at: Set(t),
                    ..Default::default()
                };
                apply_profile(&mut m, p, None);
                let e = m.insert(tx).await?;
                if !p.tag_ids.is_empty() || !p.cadre_ids.is_empty() {
                    set_links(tx, e.id, &p.tag_ids, &p.cadre_ids).await?;
                }
                changes.push(Change {
                    action: "import",
                    entity: "enterprise",
                    entity_id: e.id.to_string(),
                    before: None,
                    after: Some(snapshot(&e, &p.tag_ids, &p.cadre_ids)),
                });
                created += 1;
            }
            Some(e) => {
                let before = snapshot(&e, &op.old_tags, &op.old_cadres);
                let derived = e.scale.as_deref().and_then(Scale::parse);
                let id = e.id;
                let mut m = e.into_active_model();
                apply_profile(&mut m, p, derived);
                m.updated_at = Set(t);
                let e = m.update(tx).await?;
                if p.tag_ids != op.old_tags || p.cadre_ids != op.old_cadres {
                    set_links(tx, id, &p.tag_ids, &p.cadre_ids).await?;
                }
                let after = snapshot(&e, &p.tag_ids, &p.cadre_ids);
                if let Some((b, a)) = diff_objects(&before, &after) {
                    changes.push(Change {
                        action: "import",
                        entity: "enterprise",
                        entity_id: id.to_string(),
                        before: Some(b),
                        after: Some(a),
                    });
                }
                updated += 1;
            }
        }
    }
    let events = audit::record_many(tx, &ctx.actor, &ctx.meta, changes).await?;
    Ok((created, updated, events))
}

fn values_json(set: &[(&'static str, Option<FigureValue>)]) -> Value {
    Value::Object(
        set.iter()
            .map(|(k, v)| {
                (
                    (*k).to_string(),
                    v.map_or(Value::Null, FigureValue::to_json),
                )
            })
            .collect(),
    )
}

/// Rows per multi-row insert of figures (24 columns).
const FIGURES_BATCH: usize = 500;

pub async fn figures(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    ops: Vec<FigureOp>,
) -> AppResult<Applied> {
    let (mut created, mut updated) = (0, 0);
    let mut changes = Vec::with_capacity(AUDIT_FLUSH);
    let mut events = 0;
    let mut revenue_touched = Vec::new();
    let mut batch = Vec::with_capacity(FIGURES_BATCH);
    let t = now();
    for op in ops {
        let st = stamp(&ctx.actor, op.source);
        if op.set.iter().any(|(k, _)| *k == "main_revenue_yuan") {
            revenue_touched.push(op.enterprise_id);
        }
        let entity_id = format!("{}/{}", op.enterprise_id, op.year);
        match op.existing {
            None => {
                let mut m = blank_row(op.enterprise_id, op.year);
                let mut sources = std::collections::BTreeMap::new();
                for (k, v) in &op.set {
                    write_value(&mut m, k, *v);
                    sources.insert((*k).to_string(), st.clone());
                }
                m.sources_json =
                    Set(serde_json::to_string(&sources).unwrap_or_else(|_| "{}".into()));
                m.created_at = Set(t);
                m.updated_at = Set(t);
                batch.push(m);
                if batch.len() == FIGURES_BATCH {
                    yearly_figures::Entity::insert_many(std::mem::take(&mut batch))
                        .exec_without_returning(tx)
                        .await?;
                }
                changes.push(Change {
                    action: "import",
                    entity: "yearly_figures",
                    entity_id,
                    before: None,
                    after: Some(json!({"enterprise_id": op.enterprise_id, "year": op.year, "source": op.source.as_str(), "values": values_json(&op.set)})),
                });
                created += 1;
            }
            Some(e) => {
                let before: Vec<(&'static str, Option<FigureValue>)> = op
                    .set
                    .iter()
                    .map(|(k, _)| (*k, read_value(&e, k)))
                    .collect();
                let mut sources = parse_sources(&e.sources_json);
                let mut m = e.into_active_model();
                for (k, v) in &op.set {
                    write_value(&mut m, k, *v);
                    sources.insert((*k).to_string(), st.clone());
                }
                m.sources_json =
                    Set(serde_json::to_string(&sources).unwrap_or_else(|_| "{}".into()));
                m.updated_at = Set(t);
                m.update(tx).await?;
                changes.push(Change {
                    action: "import",
                    entity: "yearly_figures",
                    entity_id,
                    before: Some(json!({"values": values_json(&before)})),
                    after: Some(json!({"enterprise_id": op.enterprise_id, "year": op.year, "source": op.source.as_str(), "values": values_json(&op.set)})),
                });
                updated += 1;
            }
        }
        flush(tx, ctx, &mut changes, &mut events, false).await?;
    }
    if !batch.is_empty() {
        yearly_figures::Entity::insert_many(batch)
            .exec_without_returning(tx)
            .await?;
    }
    for (id, old, new) in rederive_scales(tx, &revenue_touched).await? {
        changes.push(Change {
            action: "rederive_scale",
            entity: "enterprise",
            entity_id: id.to_string(),
            before: Some(json!({"scale": old})),
            after: Some(json!({"scale": new})),
        });
        flush(tx, ctx, &mut changes, &mut events, false).await?;
    }
    flush(tx, ctx, &mut changes, &mut events, true).await?;
    Ok((created, updated, events))
}

/// Re-derives the scale of these firms (those not set by hand) from their latest main
/// revenue, in bulk: a few queries per thousand firms. Returns (id, old, new) of each firm
/// whose scale changed.
pub async fn rederive_scales(
    tx: &DatabaseTransaction,
    ids: &[i64],
) -> AppResult<Vec<(i64, Option<String>, Option<String>)>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::new();
    for chunk in ids.chunks(1_000) {
        let firms: Vec<(i64, Option<String>)> = enterprise::Entity::find()
            .select_only()
            .column(enterprise::Column::Id)
            .column(enterprise::Column::Scale)
            .filter(enterprise::Column::Id.is_in(chunk.to_vec()))
            .filter(enterprise::Column::ScaleOverridden.eq(false))
            .into_tuple()
            .all(tx)
            .await?;
        let revenue: Vec<(i64, i32, Option<i64>)> = yearly_figures::Entity::find()
            .select_only()
            .column(yearly_figures::Column::EnterpriseId)
            .column(yearly_figures::Column::Year)
            .column(yearly_figures::Column::MainRevenueYuan)
            .filter(yearly_figures::Column::EnterpriseId.is_in(chunk.to_vec()))
            .filter(yearly_figures::Column::MainRevenueYuan.is_not_null())
            .into_tuple()
            .all(tx)
            .await?;
        let mut latest: HashMap<i64, (i32, i64)> = HashMap::new();
        for (id, year, rev) in revenue {
            let Some(rev) = rev else { continue };
            let e = latest.entry(id).or_insert((year, rev));
            if year > e.0 {
                *e = (year, rev);
            }
        }
        let mut by_scale: HashMap<Option<String>, Vec<i64>> = HashMap::new();
        for (id, old) in firms {
            let new = derive_scale(latest.get(&id).map(|l| l.1)).map(|s| s.as_str().to_string());
            if new != old {
                by_scale.entry(new.clone()).or_default().push(id);
                out.push((id, old, new));
            }
        }
        let t = now();
        for (scale, ids) in by_scale {
            enterprise::Entity::update_many()
                .col_expr(enterprise::Column::Scale, Expr::value(scale))
                .col_expr(enterprise::Column::UpdatedAt, Expr::value(t))
                .filter(enterprise::Column::Id.is_in(ids))
                .exec(tx)
                .await?;
        }
    }
    Ok(out)
}

pub async fn parcels(
    tx: &DatabaseTransaction,
    ctx: &Ctx,
    ops: Vec<ParcelOp>,
) -> AppResult<Applied> {
    let (mut created, mut updated) = (0, 0);
    let mut changes = Vec::new();
    let mut parcel_ids: HashMap<String, i64> = HashMap::new();
    let mut parcels_done: HashSet<String> = HashSet::new();
    let t = now();
    for op in ops {
        let parcel_id = match (&op.parcel, parcel_ids.get(&op.certificate_no)) {
            (_, Some(id)) => *id,
            (Some(p), None) => {
                if !parcels_done.contains(&op.certificate_no)
                    && ((p.area_mu - op.parcel_area_mu).abs() > 1e-9 || p.location != op.location)
                {
                    let before = json!({"area_mu": p.area_mu, "location": p.location});
                    let mut m = p.clone().into_active_model();
                    m.area_mu = Set(op.parcel_area_mu);
                    m.location = Set(op.location.clone());
                    m.updated_at = Set(t);
                    m.update(tx).await?;
                    changes.push(Change {
                        action: "import",
                        entity: "land_parcel",
                        entity_id: p.id.to_string(),
                        before: Some(before),
                        after: Some(json!({"area_mu": op.parcel_area_mu, "location": op.location})),
                    });
                }
                parcels_done.insert(op.certificate_no.clone());
                parcel_ids.insert(op.certificate_no.clone(), p.id);
                p.id
            }
            (None, None) => {
                let p = land_parcel::ActiveModel {
                    certificate_no: Set(op.certificate_no.clone()),
                    area_mu: Set(op.parcel_area_mu),
                    location: Set(op.location.clone()),
                    created_at: Set(t),
                    updated_at: Set(t),
                    ..Default::default()
                }
                .insert(tx)
                .await?;
                changes.push(Change {
                    action: "import",
                    entity: "land_parcel",
                    entity_id: p.id.to_string(),
                    before: None,
                    after: Some(json!({"certificate_no": p.certificate_no, "area_mu": p.area_mu, "location": p.location})),
                });
                parcel_ids.insert(op.certificate_no.clone(), p.id);
                p.id
            }
        };
        let after = json!({"enterprise_id": op.enterprise_id, "certificate_no": op.certificate_no, "tenure": op.tenure.as_str(), "lessor": op.lessor, "area_mu": op.area_mu, "from_year": op.from_year, "to_year": op.to_year});
        let (before, mut m) = match op.existing_use {
            Some(u) => (
                Some(
                    json!({"tenure": u.tenure, "lessor": u.lessor, "area_mu": u.area_mu, "from_year": u.from_year, "to_year": u.to_year}),
                ),
                u.into_active_model(),
            ),
            None => (
                None,
                parcel_use::ActiveModel {
                    parcel_id: Set(parcel_id),
                    enterprise_id: Set(op.enterprise_id),
                    created_at: Set(t),
                    ..Default::default()
                },
            ),
        };
        m.tenure = Set(op.tenure.as_str().to_string());
        m.lessor = Set(op.lessor.clone());
        m.area_mu = Set(op.area_mu);
        m.from_year = Set(op.from_year);
        m.to_year = Set(op.to_year);
        m.updated_at = Set(t);
        let u = if before.is_some() {
            updated += 1;
            m.update(tx).await?
        } else {
            created += 1;
            m.insert(tx).await?
        };
        changes.push(Change {
            action: "import",
            entity: "parcel_use",
            entity_id: u.id.to_string(),
            before,
            after: Some(after),
        });
    }
    let events = audit::record_many(tx, &ctx.actor, &ctx.meta, changes).await?;
    Ok((created, updated, events))
}
