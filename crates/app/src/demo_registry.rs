//! The demo registry: a synthetic Yongkang (domain `demo_city`) written into the database —
//! firms with their tags and cadres, land shared between owners and tenants, four years of
//! figures — and the demo enterprise account linked to a firm. Also used by benchmarks to
//! build large registries.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set};
use serde_json::json;
use wujin_domain::demo_city::{DemoCityParams, DemoFirm, DemoYearFigures, generate};
use wujin_domain::enterprise::{FigureSource, derive_scale};
use wujin_storage::entity::{
    app_user, department, enterprise, enterprise_cadre, enterprise_tag, industry_group,
    land_parcel, parcel_use, tag, yearly_figures,
};

use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::registry::figures::{FigureValue, SourceStamp, blank_row, write_value};
use crate::{App, now};

/// Rows per multi-row insert.
const BATCH: usize = 500;

/// Which demo cadre looks after firms of which town (`None`: firms anywhere).
const CADRE_TOWNS: &[(&str, Option<&str>, usize)] = &[
    ("cadre", Some("gushan"), 24),
    ("jxj_ying", None, 40),
    ("gs_cadre1", Some("gushan"), 30),
    ("zy_cadre1", Some("zhiying"), 30),
    ("kfq_cadre1", Some("kfq"), 30),
];

/// Where each figure of the demo came from: tax from the tax bureau, power and energy from
/// the power company, the rest from statistics.
fn source_of(key: &str) -> FigureSource {
    match key {
        "evaluation_tax_yuan" | "sales_revenue_yuan" => FigureSource::Tax,
        "power_kwh" | "energy_tce" => FigureSource::Power,
        "land_mu" => FigureSource::Town,
        _ => FigureSource::Statistics,
    }
}

fn year_values(f: &DemoYearFigures) -> Vec<(&'static str, Option<FigureValue>)> {
    use FigureValue::*;
    vec![
        ("main_revenue_yuan", f.main_revenue_yuan.map(Int)),
        ("sales_revenue_yuan", f.sales_revenue_yuan.map(Int)),
        ("output_value_yuan", f.output_value_yuan.map(Int)),
        ("value_added_yuan", f.value_added_yuan.map(Int)),
        ("evaluation_tax_yuan", f.evaluation_tax_yuan.map(Int)),
        ("rnd_expense_yuan", f.rnd_expense_yuan.map(Int)),
        ("energy_tce", f.energy_tce.map(Real)),
        ("power_kwh", f.power_kwh.map(Int)),
        ("water_m3", f.water_m3.map(Int)),
        ("emissions_t", f.emissions_t.map(Real)),
        ("avg_staff", f.avg_staff.map(Int)),
        ("land_mu", f.land_mu.map(Real)),
        ("safety_accident", Some(Flag(f.safety_accident))),
        (
            "environmental_accident",
            Some(Flag(f.environmental_accident)),
        ),
        ("energy_task_unmet", Some(Flag(f.energy_task_unmet))),
        ("falsified_data", Some(Flag(f.falsified_data))),
    ]
}

/// Writes a generated city into an empty registry. Returns the number of firms. `progress`
/// gets (firms written, total).
pub async fn fill_registry(
    app: &App,
    params: &DemoCityParams,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> AppResult<usize> {
    let ctx = Ctx::cli();
    if enterprise::Entity::find().count(app.db.read()).await? > 0 {
        return Ok(0);
    }
    let firms = generate(params);
    let db = app.db.read();
    let towns: HashMap<String, i64> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.code, d.id))
        .collect();
    let groups: HashMap<String, i64> = industry_group::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.code, g.id))
        .collect();
    let tags: HashMap<String, i64> = tag::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.code, t.id))
        .collect();
    let t = now();
    let tx = app.db.begin_write().await?;
    let total = firms.len();
    let mut rows = Vec::with_capacity(BATCH);
    for (i, f) in firms.iter().enumerate() {
        let town_id = *towns.get(&f.town_code).ok_or_else(|| {
            AppError::Internal(format!("demo town {} is not seeded", f.town_code))
        })?;
        let group_id = *groups.get(f.industry_group).ok_or_else(|| {
            AppError::Internal(format!("demo group {} is not seeded", f.industry_group))
        })?;
        let scale = derive_scale(f.latest().and_then(|l| l.main_revenue_yuan))
            .map(|s| s.as_str().to_string());
        rows.push(enterprise::ActiveModel {
            credit_code: Set(f.credit_code.clone()),
            name: Set(f.name.clone()),
            short_name: Set(Some(f.short_name.clone())),
            town_id: Set(town_id),
            park: Set(f.park.clone()),
            industry_group_id: Set(group_id),
            industry_code: Set(None),
            scale: Set(scale),
            scale_overridden: Set(false),
            scale_override_reason: Set(None),
            status: Set(f.status.to_string()),
            founded_on: Set(Some(f.founded)),
            address: Set(Some(f.address.clone())),
            legal_rep: Set(Some(f.legal_rep.clone())),
            contact_person: Set(Some(f.contact_person.clone())),
            contact_phone: Set(Some(f.contact_phone.clone())),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        });
        if rows.len() == BATCH || i + 1 == total {
            enterprise::Entity::insert_many(std::mem::take(&mut rows))
                .exec_without_returning(&tx)
                .await?;
            progress(i + 1, total);
        }
    }
    let ids: HashMap<String, i64> = enterprise::Entity::find()
        .select_only()
        .column(enterprise::Column::CreditCode)
        .column(enterprise::Column::Id)
        .into_tuple::<(String, i64)>()
        .all(&tx)
        .await?
        .into_iter()
        .collect();
    let id_of = |f: &DemoFirm| ids.get(&f.credit_code).copied().unwrap_or_default();

    // Tags.
    let links: Vec<enterprise_tag::ActiveModel> = firms
        .iter()
        .flat_map(|f| {
            f.tags
                .iter()
                .filter_map(|t| tags.get(*t))
                .map(|tag_id| enterprise_tag::ActiveModel {
                    enterprise_id: Set(id_of(f)),
                    tag_id: Set(*tag_id),
                })
        })
        .collect();
    for chunk in links.chunks(BATCH) {
        enterprise_tag::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&tx)
            .await?;
    }

    // Cadres: each demo cadre looks after the first firms of their town, by name.
    let users: HashMap<String, i64> = app_user::Entity::find()
        .all(&tx)
        .await?
        .into_iter()
        .map(|u| (u.username, u.id))
        .collect();
    let mut cadre_links = Vec::new();
    for (username, town, n) in CADRE_TOWNS {
        let Some(uid) = users.get(*username) else {
            continue;
        };
        let mut mine: Vec<&DemoFirm> = firms
            .iter()
            .filter(|f| town.is_none_or(|t| f.town_code == t) && f.status == "operating")
            .collect();
        mine.sort_by(|a, b| {
            b.latest()
                .and_then(|l| l.main_revenue_yuan)
                .cmp(&a.latest().and_then(|l| l.main_revenue_yuan))
        });
        for f in mine.into_iter().take(*n) {
            cadre_links.push(enterprise_cadre::ActiveModel {
                enterprise_id: Set(id_of(f)),
                user_id: Set(*uid),
                assigned_at: Set(t),
            });
        }
    }
    cadre_links.sort_by_key(|l| (l.enterprise_id.clone().unwrap(), l.user_id.clone().unwrap()));
    cadre_links.dedup_by_key(|l| (l.enterprise_id.clone().unwrap(), l.user_id.clone().unwrap()));
    for chunk in cadre_links.chunks(BATCH) {
        enterprise_cadre::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&tx)
            .await?;
    }

    // Land: one parcel per certificate, as large as its largest use; each firm's use of it.
    let mut parcel_area: HashMap<&str, f64> = HashMap::new();
    for f in &firms {
        for p in &f.parcels {
            let a = parcel_area.entry(p.certificate_no.as_str()).or_default();
            *a = a.max(p.area_mu);
        }
    }
    let mut certs: Vec<(&str, f64)> = parcel_area.into_iter().collect();
    certs.sort_by(|a, b| a.0.cmp(b.0));
    let parcels: Vec<land_parcel::ActiveModel> = certs
        .iter()
        .map(|(c, a)| land_parcel::ActiveModel {
            certificate_no: Set((*c).to_string()),
            area_mu: Set((a * 100.0).round() / 100.0),
            location: Set(None),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        })
        .collect();
    for chunk in parcels.chunks(BATCH) {
        land_parcel::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&tx)
            .await?;
    }
    let parcel_ids: HashMap<String, i64> = land_parcel::Entity::find()
        .select_only()
        .column(land_parcel::Column::CertificateNo)
        .column(land_parcel::Column::Id)
        .into_tuple::<(String, i64)>()
        .all(&tx)
        .await?
        .into_iter()
        .collect();
    let mut uses = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for f in &firms {
        for p in &f.parcels {
            let Some(pid) = parcel_ids.get(&p.certificate_no) else {
                continue;
            };
            if !seen.insert((*pid, id_of(f))) {
                continue;
            }
            uses.push(parcel_use::ActiveModel {
                parcel_id: Set(*pid),
                enterprise_id: Set(id_of(f)),
                tenure: Set(p.tenure.to_string()),
                lessor: Set(p.lessor.clone()),
                area_mu: Set((p.area_mu * 100.0).round() / 100.0),
                from_year: Set(Some(
                    f.founded.format("%Y").to_string().parse().unwrap_or(2000),
                )),
                to_year: Set(None),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            });
        }
    }
    for chunk in uses.chunks(BATCH) {
        parcel_use::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&tx)
            .await?;
    }

    // Figures, stamped with the source each bureau would have loaded them from.
    let mut figure_rows = Vec::with_capacity(BATCH);
    let mut n_figures = 0usize;
    for f in &firms {
        for y in &f.figures {
            let values = year_values(y);
            if values.iter().all(|(k, v)| {
                k.ends_with("accident")
                    || k.ends_with("unmet")
                    || *k == "falsified_data"
                    || v.is_none()
            }) {
                continue;
            }
            let mut m = blank_row(id_of(f), y.year);
            let mut sources = std::collections::BTreeMap::new();
            for (k, v) in values {
                if v.is_some() {
                    sources.insert(
                        k.to_string(),
                        SourceStamp {
                            source: source_of(k).as_str().to_string(),
                            by: "demo".into(),
                            at: crate::audit::format_at(t),
                        },
                    );
                }
                write_value(&mut m, k, v);
            }
            m.sources_json = Set(serde_json::to_string(&sources).unwrap_or_else(|_| "{}".into()));
            figure_rows.push(m);
            n_figures += 1;
            if figure_rows.len() == BATCH {
                yearly_figures::Entity::insert_many(std::mem::take(&mut figure_rows))
                    .exec_without_returning(&tx)
                    .await?;
            }
        }
    }
    if !figure_rows.is_empty() {
        yearly_figures::Entity::insert_many(figure_rows)
            .exec_without_returning(&tx)
            .await?;
    }

    // The demo enterprise account speaks for the largest firm of 古山镇.
    if let (Some(uid), Some(f)) = (
        users.get("firm"),
        firms
            .iter()
            .filter(|f| f.town_code == "gushan" && f.status == "operating")
            .max_by_key(|f| f.latest().and_then(|l| l.main_revenue_yuan)),
    ) {
        app_user::Entity::update_many()
            .col_expr(
                app_user::Column::EnterpriseId,
                sea_orm::sea_query::Expr::value(id_of(f)),
            )
            .filter(app_user::Column::Id.eq(*uid))
            .exec(&tx)
            .await?;
    }
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "demo_fill",
            entity: "registry",
            entity_id: params.seed.to_string(),
            before: None,
            after: Some(json!({"enterprises": total, "parcels": certs.len(), "parcel_uses": uses.len(), "yearly_figures": n_figures, "cadre_links": cadre_links.len()})),
        },
    )
    .await?;
    tx.commit().await?;
    wujin_storage::dialect::refresh_statistics(app.db.write()).await?;
    Ok(total)
}
