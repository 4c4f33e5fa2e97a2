//! Visit coverage (走访覆盖): per cadre, the share of their assigned firms they visited within
//! a window; per town, the share of its active firms visited; and the firms nobody visited for
//! that long, with their responsible cadres.

use std::collections::{HashMap, HashSet};

use chrono::{Months, NaiveDate};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use wujin_domain::access::Role;
use wujin_domain::service::stats::rate;
use wujin_storage::entity::{
    app_user, department, enterprise, enterprise_cadre, service_visit, visit_cadre,
};

use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::registry::scope::EnterpriseScope;
use crate::supervision::names::{Named, unit_names, users};

/// Longest window, in months.
pub const MAX_MONTHS: u32 = 36;

/// The first day of the window of `months` months ending `today`.
pub fn since(today: NaiveDate, months: u32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(months.clamp(1, MAX_MONTHS)))
        .unwrap_or(today)
}

/// One cadre's coverage.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CadreCoverage {
    pub cadre: Named,
    pub unit: Option<String>,
    pub assigned: u64,
    /// Assigned firms the cadre visited within the window.
    pub visited: u64,
    pub coverage: Option<f64>,
    pub visits: u64,
    pub last_visit: Option<NaiveDate>,
}

/// One town's coverage.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TownCoverage {
    pub town: Named,
    pub firms: u64,
    pub visited: u64,
    pub coverage: Option<f64>,
    pub visits: u64,
}

fn check(ctx: &Ctx) -> AppResult<()> {
    if ctx.actor.role == Role::Enterprise {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Coverage per cadre: every cadre for the office and leaders, the town's cadres for town
/// staff, one's own line for a cadre.
pub async fn by_cadre(
    app: &App,
    ctx: &Ctx,
    months: u32,
    today: NaiveDate,
) -> AppResult<Vec<CadreCoverage>> {
    check(ctx)?;
    let db = app.db.read();
    let from = since(today, months);
    let mut q = app_user::Entity::find()
        .filter(app_user::Column::Role.eq("cadre"))
        .filter(app_user::Column::Active.eq(true));
    match ctx.actor.role {
        Role::Cadre => q = q.filter(app_user::Column::Id.eq(ctx.actor.id.unwrap_or(-1))),
        Role::Admin | Role::Leader => {}
        _ if super::is_office(app, ctx).await? => {}
        _ => {
            let units = crate::departments::scope_units(app, ctx)
                .await?
                .unwrap_or_default();
            q = q.filter(app_user::Column::DepartmentId.is_in(units));
        }
    }
    let cadres = q
        .order_by_asc(app_user::Column::DisplayName)
        .all(db)
        .await?;
    let ids: Vec<i64> = cadres.iter().map(|c| c.id).collect();
    let assigned = enterprise_cadre::Entity::find()
        .filter(enterprise_cadre::Column::UserId.is_in(ids.clone()))
        .all(db)
        .await?;
    let visits: Vec<(i64, i64, NaiveDate)> = visit_cadre::Entity::find()
        .select_only()
        .column(visit_cadre::Column::UserId)
        .column(service_visit::Column::EnterpriseId)
        .column(service_visit::Column::VisitedOn)
        .join(
            sea_orm::JoinType::InnerJoin,
            visit_cadre::Entity::belongs_to(service_visit::Entity)
                .from(visit_cadre::Column::VisitId)
                .to(service_visit::Column::Id)
                .into(),
        )
        .filter(visit_cadre::Column::UserId.is_in(ids))
        .filter(service_visit::Column::VisitedOn.gte(from))
        .filter(service_visit::Column::VisitedOn.lte(today))
        .into_tuple()
        .all(db)
        .await?;
    let units = unit_names(
        db,
        cadres
            .iter()
            .filter_map(|c| c.department_id)
            .collect::<Vec<_>>(),
        true,
    )
    .await?;
    Ok(cadres
        .into_iter()
        .map(|c| {
            let mine: HashSet<i64> = assigned
                .iter()
                .filter(|a| a.user_id == c.id)
                .map(|a| a.enterprise_id)
                .collect();
            let own_visits: Vec<&(i64, i64, NaiveDate)> =
                visits.iter().filter(|v| v.0 == c.id).collect();
            let visited: HashSet<i64> = own_visits
                .iter()
                .map(|v| v.1)
                .filter(|e| mine.contains(e))
                .collect();
            CadreCoverage {
                unit: c.department_id.and_then(|d| units.get(&d).cloned()),
                assigned: mine.len() as u64,
                visited: visited.len() as u64,
                coverage: rate(visited.len() as u64, mine.len() as u64),
                visits: own_visits.len() as u64,
                last_visit: own_visits.iter().map(|v| v.2).max(),
                cadre: Named {
                    id: c.id,
                    name: c.display_name,
                },
            }
        })
        .collect())
}

/// Coverage per town over the active firms the caller reaches.
pub async fn by_town(
    app: &App,
    ctx: &Ctx,
    months: u32,
    today: NaiveDate,
) -> AppResult<Vec<TownCoverage>> {
    check(ctx)?;
    let db = app.db.read();
    let from = since(today, months);
    let scope = EnterpriseScope::of(db, ctx).await?;
    let firms: Vec<(i64, i64)> = enterprise::Entity::find()
        .select_only()
        .column(enterprise::Column::TownId)
        .column_as(enterprise::Column::Id.count(), "n")
        .filter(scope.condition())
        .filter(
            enterprise::Column::Status
                .eq(wujin_domain::enterprise::EnterpriseStatus::Operating.as_str()),
        )
        .group_by(enterprise::Column::TownId)
        .into_tuple()
        .all(db)
        .await?;
    let in_scope = Query::select()
        .column(enterprise::Column::Id)
        .from(enterprise::Entity)
        .cond_where(scope.condition())
        .to_owned();
    let visits: Vec<(Option<i64>, i64)> = service_visit::Entity::find()
        .select_only()
        .column(service_visit::Column::TownId)
        .column(service_visit::Column::EnterpriseId)
        .filter(service_visit::Column::VisitedOn.gte(from))
        .filter(service_visit::Column::VisitedOn.lte(today))
        .filter(service_visit::Column::EnterpriseId.in_subquery(in_scope))
        .into_tuple()
        .all(db)
        .await?;
    let mut visited: HashMap<i64, HashSet<i64>> = HashMap::new();
    let mut counts: HashMap<i64, u64> = HashMap::new();
    for (town, firm) in visits {
        let Some(t) = town else { continue };
        visited.entry(t).or_default().insert(firm);
        *counts.entry(t).or_default() += 1;
    }
    let order: Vec<i64> = crate::departments::all(db)
        .await?
        .into_iter()
        .map(|d: department::Model| d.id)
        .collect();
    let names = unit_names(db, firms.iter().map(|f| f.0).collect::<Vec<_>>(), false).await?;
    let mut out: Vec<TownCoverage> = firms
        .into_iter()
        .map(|(t, n)| {
            let v = visited.get(&t).map(HashSet::len).unwrap_or(0) as u64;
            TownCoverage {
                town: Named::of(t, &names),
                firms: n as u64,
                visited: v.min(n as u64),
                coverage: rate(v, n as u64),
                visits: counts.get(&t).copied().unwrap_or(0),
            }
        })
        .collect();
    out.sort_by_key(|t| order.iter().position(|o| *o == t.town.id));
    Ok(out)
}

/// A firm not visited within the window.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnvisitedFirm {
    pub enterprise: Named,
    pub town: Named,
    pub last_visit: Option<NaiveDate>,
    pub cadres: Vec<Named>,
}

/// The active firms the caller reaches that nobody visited within `months` months, those never
/// visited first, then the longest unvisited. `town_id` narrows to one town.
pub async fn unvisited(
    app: &App,
    ctx: &Ctx,
    months: u32,
    town_id: Option<i64>,
    today: NaiveDate,
    page: PageRequest,
) -> AppResult<Page<UnvisitedFirm>> {
    check(ctx)?;
    let db = app.db.read();
    let from = since(today, months);
    let scope = EnterpriseScope::of(db, ctx).await?;
    let recent = Query::select()
        .column(service_visit::Column::EnterpriseId)
        .from(service_visit::Entity)
        .and_where(service_visit::Column::VisitedOn.gte(from))
        .to_owned();
    let mut cond = Condition::all()
        .add(scope.condition())
        .add(
            enterprise::Column::Status
                .eq(wujin_domain::enterprise::EnterpriseStatus::Operating.as_str()),
        )
        .add(enterprise::Column::Id.not_in_subquery(recent));
    if let Some(t) = town_id {
        cond = cond.add(enterprise::Column::TownId.eq(t));
    }
    let q = enterprise::Entity::find().filter(cond);
    let total = q.clone().count(db).await?;
    // Order by the last visit needs it per firm; firms are few per page, so page by name and
    // sort the page. The never-visited come first within the page.
    let firms = q
        .order_by_asc(enterprise::Column::TownId)
        .order_by_asc(enterprise::Column::Name)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    let ids: Vec<i64> = firms.iter().map(|f| f.id).collect();
    let last: HashMap<i64, NaiveDate> = service_visit::Entity::find()
        .select_only()
        .column(service_visit::Column::EnterpriseId)
        .column_as(service_visit::Column::VisitedOn.max(), "last")
        .filter(service_visit::Column::EnterpriseId.is_in(ids.clone()))
        .group_by(service_visit::Column::EnterpriseId)
        .into_tuple::<(i64, NaiveDate)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let links = enterprise_cadre::Entity::find()
        .filter(enterprise_cadre::Column::EnterpriseId.is_in(ids))
        .all(db)
        .await?;
    let people = users(db, links.iter().map(|l| l.user_id)).await?;
    let towns = unit_names(
        db,
        firms.iter().map(|f| f.town_id).collect::<Vec<_>>(),
        true,
    )
    .await?;
    let mut items: Vec<UnvisitedFirm> = firms
        .into_iter()
        .map(|f| UnvisitedFirm {
            last_visit: last.get(&f.id).copied(),
            cadres: links
                .iter()
                .filter(|l| l.enterprise_id == f.id)
                .map(|l| Named::of(l.user_id, &people))
                .collect(),
            town: Named::of(f.town_id, &towns),
            enterprise: Named {
                id: f.id,
                name: f.name,
            },
        })
        .collect();
    items.sort_by_key(|u| u.last_visit);
    Ok(Page {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}
