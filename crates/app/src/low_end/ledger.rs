//! The ledger (台账): cases within the caller's scope, filtered by year, town, status,
//! disposal type, screen and overdue, one page at a time or all of them (exports), and the
//! totals — cases by status and the land and energy freed by town and by disposal type.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use wujin_domain::evaluation::low_end::{CaseStatus, Disposal, LowEndCriterion, is_overdue};
use wujin_storage::dialect::contains_ci;
use wujin_storage::entity::{enterprise, low_end_case};

use super::{CaseScope, named, today, unit_names};
use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::page::{Page, PageRequest};
use crate::registry::Named;

/// Filters of the ledger (and of its export and totals).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct CaseFilter {
    pub year: Option<i32>,
    /// A town (unit id): its cases.
    pub town: Option<i64>,
    /// candidate | confirmed | rejected | closed
    pub status: Option<String>,
    /// shutdown | relocate | upgrade | merge | revitalise
    pub disposal: Option<String>,
    /// missing_permits | outside_park_below_size | no_pollution_control | low_tax_per_mu |
    /// repeated_d
    pub criterion: Option<String>,
    /// Only overdue cases (`true`) or only those not overdue (`false`).
    pub overdue: Option<bool>,
    /// Firm name or credit code contains.
    pub q: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl CaseFilter {
    /// Refuses unknown values, naming the field.
    pub fn check(&self) -> AppResult<()> {
        let mut errors = Vec::new();
        if non_empty(&self.status).is_some_and(|s| CaseStatus::parse(s).is_none()) {
            errors.push(FieldError::new("status", "error.low_end.status_unknown"));
        }
        if non_empty(&self.disposal).is_some_and(|s| Disposal::parse(s).is_none()) {
            errors.push(FieldError::new("disposal", "error.low_end.disposal_type"));
        }
        if non_empty(&self.criterion).is_some_and(|s| LowEndCriterion::parse(s).is_none()) {
            errors.push(FieldError::new(
                "criterion",
                "error.low_end.criterion_unknown",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }

    fn condition(&self, today: NaiveDate) -> Condition {
        let mut c = Condition::all();
        if let Some(y) = self.year {
            c = c.add(low_end_case::Column::Year.eq(y));
        }
        if let Some(t) = self.town {
            c = c.add(low_end_case::Column::TownId.eq(t));
        }
        if let Some(s) = non_empty(&self.status) {
            c = c.add(low_end_case::Column::Status.eq(s));
        }
        if let Some(d) = non_empty(&self.disposal) {
            c = c.add(low_end_case::Column::DisposalType.eq(d));
        }
        if let Some(k) = non_empty(&self.criterion).and_then(LowEndCriterion::parse) {
            c = c.add(contains_ci(
                low_end_case::Column::CriteriaJson,
                &format!("\"{}\"", k.as_str()),
            ));
        }
        let overdue = Condition::all()
            .add(low_end_case::Column::Status.eq(CaseStatus::Confirmed.as_str()))
            .add(low_end_case::Column::Deadline.lt(today));
        match self.overdue {
            Some(true) => c = c.add(overdue),
            Some(false) => c = c.add(overdue.not()),
            None => {}
        }
        if let Some(text) = non_empty(&self.q) {
            c = c.add(
                low_end_case::Column::EnterpriseId.in_subquery(
                    Query::select()
                        .column(enterprise::Column::Id)
                        .from(enterprise::Entity)
                        .cond_where(
                            Condition::any()
                                .add(contains_ci(enterprise::Column::Name, text))
                                .add(contains_ci(enterprise::Column::CreditCode, text)),
                        )
                        .to_owned(),
                ),
            );
        }
        c
    }
}

/// A case as the ledger shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseView {
    pub id: i64,
    pub year: i32,
    pub enterprise: Named,
    pub credit_code: String,
    pub town: Option<Named>,
    /// candidate | confirmed | rejected | closed
    pub status: String,
    /// The screens met (`LowEndCriterion::as_str`).
    pub criteria: Vec<String>,
    pub source_run_id: Option<i64>,
    pub disposal_type: Option<String>,
    pub responsible_unit: Option<Named>,
    pub deadline: Option<NaiveDate>,
    pub overdue: bool,
    pub verified_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub land_mu_freed: Option<f64>,
    pub energy_tce_freed: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Firm names and credit codes, by id.
async fn firms_of(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, (String, String)>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        for (id, name, code) in enterprise::Entity::find()
            .select_only()
            .column(enterprise::Column::Id)
            .column(enterprise::Column::Name)
            .column(enterprise::Column::CreditCode)
            .filter(enterprise::Column::Id.is_in(chunk.to_vec()))
            .into_tuple::<(i64, String, String)>()
            .all(db)
            .await?
        {
            out.insert(id, (name, code));
        }
    }
    Ok(out)
}

/// Views of `cases`, with the names they refer to.
pub(crate) async fn views(
    db: &impl sea_orm::ConnectionTrait,
    cases: Vec<low_end_case::Model>,
    today: NaiveDate,
) -> AppResult<Vec<CaseView>> {
    let ids: Vec<i64> = cases.iter().map(|c| c.enterprise_id).collect();
    let firms = firms_of(db, &ids).await?;
    let units = unit_names(db).await?;
    Ok(cases
        .into_iter()
        .map(|c| {
            let (name, code) = firms.get(&c.enterprise_id).cloned().unwrap_or_default();
            view(c, name, code, &units, today)
        })
        .collect())
}

pub(crate) fn view(
    c: low_end_case::Model,
    name: String,
    credit_code: String,
    units: &HashMap<i64, String>,
    today: NaiveDate,
) -> CaseView {
    let status = CaseStatus::parse(&c.status);
    CaseView {
        id: c.id,
        year: c.year,
        enterprise: Named {
            id: c.enterprise_id,
            name,
        },
        credit_code,
        town: named(units, c.town_id),
        criteria: serde_json::from_str::<Vec<LowEndCriterion>>(&c.criteria_json)
            .unwrap_or_default()
            .into_iter()
            .map(|k| k.as_str().to_string())
            .collect(),
        source_run_id: c.source_run_id,
        disposal_type: c.disposal_type,
        responsible_unit: named(units, c.responsible_unit_id),
        deadline: c.deadline,
        overdue: status.is_some_and(|s| is_overdue(s, c.deadline, today)),
        verified_at: c.verified_at,
        closed_at: c.closed_at,
        land_mu_freed: c.land_mu_freed,
        energy_tce_freed: c.energy_tce_freed,
        created_at: c.created_at,
        updated_at: c.updated_at,
        status: c.status,
    }
}

fn ordered(q: sea_orm::Select<low_end_case::Entity>) -> sea_orm::Select<low_end_case::Entity> {
    q.order_by_desc(low_end_case::Column::Year)
        .order_by_asc(low_end_case::Column::TownId)
        .order_by_asc(low_end_case::Column::Id)
}

/// One page of the ledger within the caller's scope.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    f: &CaseFilter,
    page: PageRequest,
) -> AppResult<Page<CaseView>> {
    let db = app.db.read();
    let scope = CaseScope::of(db, ctx).await?;
    f.check()?;
    let today = today();
    let q = low_end_case::Entity::find()
        .filter(scope.condition())
        .filter(f.condition(today));
    let total = q.clone().count(db).await?;
    let rows = ordered(q)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok(Page {
        items: views(db, rows, today).await?,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every case matching `f` within the caller's scope, in ledger order (exports).
pub async fn rows(app: &App, ctx: &Ctx, f: &CaseFilter) -> AppResult<Vec<CaseView>> {
    let db = app.db.read();
    let scope = CaseScope::of(db, ctx).await?;
    f.check()?;
    let today = today();
    let rows = ordered(
        low_end_case::Entity::find()
            .filter(scope.condition())
            .filter(f.condition(today)),
    )
    .all(db)
    .await?;
    views(db, rows, today).await
}

/// Closed cases and what they freed, for one town or one disposal type.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FreedRow {
    /// The town's unit id, or the disposal type.
    pub key: String,
    /// The town's name; for a disposal type, its code again (labels are the reader's).
    pub name: String,
    /// Cases in the ledger (any status).
    pub cases: u64,
    /// Cases closed (销号).
    pub closed: u64,
    pub land_mu_freed: f64,
    pub energy_tce_freed: f64,
}

/// The ledger's totals.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LedgerTotals {
    pub cases: u64,
    /// Cases per status; every status is present.
    pub by_status: BTreeMap<String, u64>,
    /// Confirmed cases past their deadline.
    pub overdue: u64,
    pub land_mu_freed: f64,
    pub energy_tce_freed: f64,
    /// Per town, by unit id.
    pub by_town: Vec<FreedRow>,
    /// Per disposal type, every type present in `Disposal::ALL` order.
    pub by_disposal: Vec<FreedRow>,
}

/// Totals of the cases matching `f` within the caller's scope.
pub async fn totals(app: &App, ctx: &Ctx, f: &CaseFilter) -> AppResult<LedgerTotals> {
    let db = app.db.read();
    let scope = CaseScope::of(db, ctx).await?;
    f.check()?;
    let today = today();
    type Row = (
        String,
        Option<i64>,
        Option<String>,
        Option<NaiveDate>,
        Option<f64>,
        Option<f64>,
    );
    let rows: Vec<Row> = low_end_case::Entity::find()
        .select_only()
        .column(low_end_case::Column::Status)
        .column(low_end_case::Column::TownId)
        .column(low_end_case::Column::DisposalType)
        .column(low_end_case::Column::Deadline)
        .column(low_end_case::Column::LandMuFreed)
        .column(low_end_case::Column::EnergyTceFreed)
        .filter(scope.condition())
        .filter(f.condition(today))
        .into_tuple()
        .all(db)
        .await?;
    let units = unit_names(db).await?;
    let mut by_status: BTreeMap<String, u64> = CaseStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), 0))
        .collect();
    let mut by_town: BTreeMap<i64, FreedRow> = BTreeMap::new();
    let mut by_disposal: Vec<FreedRow> = Disposal::ALL
        .iter()
        .map(|d| FreedRow {
            key: d.as_str().to_string(),
            name: d.as_str().to_string(),
            cases: 0,
            closed: 0,
            land_mu_freed: 0.0,
            energy_tce_freed: 0.0,
        })
        .collect();
    let mut out = LedgerTotals {
        cases: rows.len() as u64,
        by_status: BTreeMap::new(),
        overdue: 0,
        land_mu_freed: 0.0,
        energy_tce_freed: 0.0,
        by_town: Vec::new(),
        by_disposal: Vec::new(),
    };
    for (status, town, disposal, deadline, land, energy) in rows {
        *by_status.entry(status.clone()).or_default() += 1;
        let parsed = CaseStatus::parse(&status);
        if parsed.is_some_and(|s| is_overdue(s, deadline, today)) {
            out.overdue += 1;
        }
        let closed = parsed == Some(CaseStatus::Closed);
        let (land, energy) = if closed {
            (land.unwrap_or(0.0), energy.unwrap_or(0.0))
        } else {
            (0.0, 0.0)
        };
        out.land_mu_freed += land;
        out.energy_tce_freed += energy;
        let add = |r: &mut FreedRow| {
            r.cases += 1;
            r.closed += u64::from(closed);
            r.land_mu_freed += land;
            r.energy_tce_freed += energy;
        };
        let town_key = town.unwrap_or(0);
        add(by_town.entry(town_key).or_insert_with(|| FreedRow {
            key: town.map(|t| t.to_string()).unwrap_or_default(),
            name: town
                .and_then(|t| units.get(&t).cloned())
                .unwrap_or_default(),
            cases: 0,
            closed: 0,
            land_mu_freed: 0.0,
            energy_tce_freed: 0.0,
        }));
        if let Some(r) = disposal
            .as_deref()
            .and_then(|d| by_disposal.iter_mut().find(|r| r.key == d))
        {
            add(r);
        }
    }
    out.by_status = by_status;
    out.by_town = by_town.into_values().collect();
    out.by_disposal = by_disposal;
    Ok(out)
}
