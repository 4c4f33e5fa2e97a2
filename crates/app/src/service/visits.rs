//! Visits (走访): which cadres visited which firm, when and how, who was there, what was said,
//! and the problems raised — registered with the visit in one transaction.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wujin_domain::access::Role;
use wujin_domain::service::problem::{ProblemSource, VisitForm};
use wujin_storage::entity::{app_user, enterprise, problem, service_visit, visit_cadre};

use super::problems::{self, NewProblem};
use super::view::{ProblemRow, rows};
use super::{MAX_TEXT_CHARS, is_office};
use crate::audit::{self, Change};
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::page::{Page, PageRequest};
use crate::registry::scope::EnterpriseScope;
use crate::supervision::names::{Named, unit_names, users};
use crate::{App, now};
use wujin_storage::dialect::contains_ci;

/// Most problems one visit registers at once.
pub const MAX_PROBLEMS_PER_VISIT: usize = 20;

/// A visit as recorded.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct NewVisit {
    pub enterprise_id: i64,
    pub visited_on: Option<NaiveDate>,
    /// `VisitForm`.
    pub form: String,
    /// The firm's people present.
    #[serde(default)]
    pub attendees: String,
    pub summary: String,
    /// The cadres on the visit; a cadre recording it is always among them.
    #[serde(default)]
    pub cadre_ids: Vec<i64>,
    /// Problems raised, registered with the visit (source: visit).
    #[serde(default)]
    pub problems: Vec<NewProblem>,
}

/// Whether the caller may record visits: cadres, town staff and the service office.
pub async fn may_record(app: &App, ctx: &Ctx) -> AppResult<bool> {
    Ok(matches!(ctx.actor.role, Role::Cadre | Role::Town) || is_office(app, ctx).await?)
}

/// Records a visit and its problems. Returns the visit's id and the problems' ids.
pub async fn create(
    app: &App,
    ctx: &Ctx,
    input: &NewVisit,
    today: NaiveDate,
) -> AppResult<(i64, Vec<i64>)> {
    if !may_record(app, ctx).await? {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let form = VisitForm::parse(input.form.trim());
    if form.is_none() {
        errors.push(FieldError::with_detail(
            "form",
            "error.problem.choice",
            input.form.trim(),
        ));
    }
    match input.visited_on {
        None => errors.push(FieldError::new("visited_on", "error.problem.required")),
        Some(d) if d > today => errors.push(FieldError::new("visited_on", "error.visit.future")),
        Some(d) if d < today - chrono::Days::new(366) => {
            errors.push(FieldError::new("visited_on", "error.visit.too_old"))
        }
        _ => {}
    }
    let summary = input.summary.trim().to_string();
    if summary.is_empty() {
        errors.push(FieldError::new("summary", "error.problem.required"));
    } else if summary.chars().count() > MAX_TEXT_CHARS {
        errors.push(FieldError::with_detail(
            "summary",
            "error.problem.too_long",
            MAX_TEXT_CHARS.to_string(),
        ));
    }
    let attendees = input.attendees.trim().to_string();
    if attendees.chars().count() > 500 {
        errors.push(FieldError::with_detail(
            "attendees",
            "error.problem.too_long",
            "500",
        ));
    }
    if input.problems.len() > MAX_PROBLEMS_PER_VISIT {
        errors.push(FieldError::with_detail(
            "problems",
            "error.visit.too_many_problems",
            MAX_PROBLEMS_PER_VISIT.to_string(),
        ));
    }
    let mut cadres = input.cadre_ids.clone();
    if ctx.actor.role == Role::Cadre {
        cadres.extend(ctx.actor.id);
    }
    cadres.sort_unstable();
    cadres.dedup();
    let tx = app.db.begin_write().await?;
    if cadres.is_empty() {
        errors.push(FieldError::new("cadre_ids", "error.visit.no_cadre"));
    } else {
        let found = app_user::Entity::find()
            .filter(app_user::Column::Id.is_in(cadres.clone()))
            .filter(app_user::Column::Active.eq(true))
            .filter(app_user::Column::Role.is_in(["cadre", "town", "department"]))
            .count(&tx)
            .await?;
        if found != cadres.len() as u64 {
            errors.push(FieldError::new("cadre_ids", "error.visit.cadre"));
        }
    }
    let scope = EnterpriseScope::of(&tx, ctx).await?;
    let firm = enterprise::Entity::find_by_id(input.enterprise_id)
        .filter(scope.condition())
        .one(&tx)
        .await?;
    if firm.is_none() {
        errors.push(FieldError::new("enterprise_id", "error.problem.enterprise"));
    }
    let (Some(form), Some(firm), Some(on), true) =
        (form, firm, input.visited_on, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
    let v = service_visit::ActiveModel {
        enterprise_id: Set(firm.id),
        town_id: Set(Some(firm.town_id)),
        visited_on: Set(on),
        form: Set(form.as_str().into()),
        attendees: Set((!attendees.is_empty()).then_some(attendees)),
        summary: Set(summary),
        recorded_by: Set(ctx.actor.id),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    visit_cadre::Entity::insert_many(cadres.iter().map(|u| visit_cadre::ActiveModel {
        visit_id: Set(v.id),
        user_id: Set(*u),
    }))
    .exec_without_returning(&tx)
    .await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "create",
            entity: "service_visit",
            entity_id: v.id.to_string(),
            before: None,
            after: Some(json!({"visit": v, "cadre_ids": cadres})),
        },
    )
    .await?;
    let mut ids = Vec::new();
    for (i, p) in input.problems.iter().enumerate() {
        let mut p = p.clone();
        p.enterprise_id = Some(firm.id);
        p.visit_id = Some(v.id);
        p.source = ProblemSource::Visit.as_str().into();
        match problems::insert(&tx, app, ctx, &p, Vec::new(), on).await {
            Ok(id) => ids.push(id),
            Err(AppError::Validation(errs)) => {
                return Err(AppError::Validation(
                    errs.into_iter()
                        .map(|e| FieldError {
                            field: format!("problems[{i}].{}", e.field),
                            ..e
                        })
                        .collect(),
                ));
            }
            Err(e) => return Err(e),
        }
    }
    tx.commit().await?;
    Ok((v.id, ids))
}

/// Filters of the visit list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct VisitFilter {
    /// Words in the firm's name or the summary.
    pub q: Option<String>,
    pub town_id: Option<i64>,
    pub cadre_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub form: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One visit in a list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VisitRow {
    pub id: i64,
    pub enterprise: Named,
    pub town: Option<Named>,
    pub visited_on: NaiveDate,
    pub form: String,
    pub cadres: Vec<Named>,
    pub attendees: Option<String>,
    pub summary: String,
    pub problem_count: u64,
}

/// The condition on visits the caller reaches: the firms of their scope, and for a cadre the
/// visits they took part in too.
async fn scope_condition(db: &impl ConnectionTrait, ctx: &Ctx) -> AppResult<Condition> {
    let scope = EnterpriseScope::of(db, ctx).await?;
    let firms = service_visit::Column::EnterpriseId.in_subquery(
        Query::select()
            .column(enterprise::Column::Id)
            .from(enterprise::Entity)
            .cond_where(scope.condition())
            .to_owned(),
    );
    Ok(match (scope.is_all(), ctx.actor.role, ctx.actor.id) {
        (true, _, _) => Condition::all(),
        (false, Role::Cadre, Some(me)) => Condition::any().add(firms).add(
            service_visit::Column::Id.in_subquery(
                Query::select()
                    .column(visit_cadre::Column::VisitId)
                    .from(visit_cadre::Entity)
                    .and_where(visit_cadre::Column::UserId.eq(me))
                    .to_owned(),
            ),
        ),
        _ => Condition::all().add(firms),
    })
}

fn filter_condition(f: &VisitFilter) -> Condition {
    let mut c = Condition::all();
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        c = c.add(
            Condition::any()
                .add(contains_ci(service_visit::Column::Summary, q))
                .add(
                    service_visit::Column::EnterpriseId.in_subquery(
                        Query::select()
                            .column(enterprise::Column::Id)
                            .from(enterprise::Entity)
                            .and_where(contains_ci(enterprise::Column::Name, q))
                            .to_owned(),
                    ),
                ),
        );
    }
    if let Some(t) = f.town_id {
        c = c.add(service_visit::Column::TownId.eq(t));
    }
    if let Some(e) = f.enterprise_id {
        c = c.add(service_visit::Column::EnterpriseId.eq(e));
    }
    if let Some(u) = f.cadre_id {
        c = c.add(
            service_visit::Column::Id.in_subquery(
                Query::select()
                    .column(visit_cadre::Column::VisitId)
                    .from(visit_cadre::Entity)
                    .and_where(visit_cadre::Column::UserId.eq(u))
                    .to_owned(),
            ),
        );
    }
    if let Some(form) = f.form.as_deref().filter(|x| !x.is_empty()) {
        c = c.add(service_visit::Column::Form.eq(form));
    }
    if let Some(d) = f.from {
        c = c.add(service_visit::Column::VisitedOn.gte(d));
    }
    if let Some(d) = f.to {
        c = c.add(service_visit::Column::VisitedOn.lte(d));
    }
    c
}

async fn visit_rows(
    db: &impl ConnectionTrait,
    visits: Vec<service_visit::Model>,
) -> AppResult<Vec<VisitRow>> {
    let ids: Vec<i64> = visits.iter().map(|v| v.id).collect();
    let links = visit_cadre::Entity::find()
        .filter(visit_cadre::Column::VisitId.is_in(ids.clone()))
        .all(db)
        .await?;
    let names = users(db, links.iter().map(|l| l.user_id)).await?;
    let counts: HashMap<i64, i64> = problem::Entity::find()
        .select_only()
        .column(problem::Column::VisitId)
        .column_as(problem::Column::Id.count(), "n")
        .filter(problem::Column::VisitId.is_in(ids))
        .group_by(problem::Column::VisitId)
        .into_tuple::<(Option<i64>, i64)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(v, n)| Some((v?, n)))
        .collect();
    let firm_ids: Vec<i64> = visits.iter().map(|v| v.enterprise_id).collect();
    let firms: HashMap<i64, String> = enterprise::Entity::find()
        .filter(enterprise::Column::Id.is_in(firm_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let towns = unit_names(
        db,
        visits.iter().filter_map(|v| v.town_id).collect::<Vec<_>>(),
        true,
    )
    .await?;
    Ok(visits
        .into_iter()
        .map(|v| VisitRow {
            cadres: links
                .iter()
                .filter(|l| l.visit_id == v.id)
                .map(|l| Named::of(l.user_id, &names))
                .collect(),
            problem_count: counts.get(&v.id).copied().unwrap_or(0) as u64,
            enterprise: Named::of(v.enterprise_id, &firms),
            town: v.town_id.map(|t| Named::of(t, &towns)),
            id: v.id,
            visited_on: v.visited_on,
            form: v.form,
            attendees: v.attendees,
            summary: v.summary,
        })
        .collect())
}

/// One page of the visits the caller reaches, newest first.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    f: &VisitFilter,
    page: PageRequest,
) -> AppResult<Page<VisitRow>> {
    let db = app.db.read();
    let q = service_visit::Entity::find()
        .filter(scope_condition(db, ctx).await?)
        .filter(filter_condition(f));
    let total = q.clone().count(db).await?;
    let visits = q
        .order_by_desc(service_visit::Column::VisitedOn)
        .order_by_desc(service_visit::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok(Page {
        items: visit_rows(db, visits).await?,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every visit the caller reaches under `f`, newest first, up to `max` (exports).
pub async fn all(app: &App, ctx: &Ctx, f: &VisitFilter, max: u64) -> AppResult<Vec<VisitRow>> {
    let db = app.db.read();
    let visits = service_visit::Entity::find()
        .filter(scope_condition(db, ctx).await?)
        .filter(filter_condition(f))
        .order_by_desc(service_visit::Column::VisitedOn)
        .order_by_desc(service_visit::Column::Id)
        .limit(max)
        .all(db)
        .await?;
    visit_rows(db, visits).await
}

/// A visit with the problems raised on it.
#[derive(Debug, Clone, Serialize)]
pub struct VisitDetail {
    pub visit: VisitRow,
    pub problems: Vec<ProblemRow>,
}

/// Visit `id`, if the caller reaches it; its problems as far as the caller reaches them.
pub async fn get(app: &App, ctx: &Ctx, id: i64, today: NaiveDate) -> AppResult<VisitDetail> {
    let db = app.db.read();
    let v = service_visit::Entity::find_by_id(id)
        .filter(scope_condition(db, ctx).await?)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = super::scope::ProblemScope::of(app, ctx).await?;
    let problems = problem::Entity::find()
        .filter(problem::Column::VisitId.eq(id))
        .filter(scope.condition())
        .order_by_asc(problem::Column::Id)
        .all(db)
        .await?;
    Ok(VisitDetail {
        visit: visit_rows(db, vec![v]).await?.remove(0),
        problems: rows(db, problems, today).await?,
    })
}

/// The people who may be named as visiting cadres: active cadres, town and department staff
/// in the caller's reach (all for the office), by name.
pub async fn cadre_choices(app: &App, ctx: &Ctx) -> AppResult<Vec<Named>> {
    let db = app.db.read();
    let mut q = app_user::Entity::find()
        .filter(app_user::Column::Active.eq(true))
        .filter(app_user::Column::Role.is_in(["cadre", "town", "department"]));
    if !is_office(app, ctx).await? {
        match crate::departments::scope_units(app, ctx).await? {
            Some(units) if ctx.actor.role == Role::Town => {
                q = q.filter(
                    Condition::any()
                        .add(app_user::Column::DepartmentId.is_in(units))
                        .add(app_user::Column::Role.eq("cadre")),
                );
            }
            _ => q = q.filter(app_user::Column::Role.eq("cadre")),
        }
    }
    Ok(q.order_by_asc(app_user::Column::DisplayName)
        .all(db)
        .await?
        .into_iter()
        .map(|u| Named {
            id: u.id,
            name: u.display_name,
        })
        .collect())
}
