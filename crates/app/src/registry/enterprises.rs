//! Browsing the registry (企业库): the filtered, sorted, paged list and one firm's profile.

use std::collections::HashMap;

use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Deserialize;
use wujin_domain::access::Permission;
use wujin_domain::credit_code::CreditCode;
use wujin_storage::dialect::contains_ci;
use wujin_storage::entity::{app_user, enterprise, enterprise_cadre, enterprise_tag};

use super::scope::{EnterpriseScope, find_in_scope};
use super::views::{EnterpriseView, Named, Names, sees_phone, tags_of, view};
use crate::App;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::page::{Page, PageRequest, SortDir};

/// Filters and sort of the enterprise list (and of its export).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct EnterpriseFilter {
    /// Matches name, short name or credit code.
    pub q: Option<String>,
    pub town: Option<i64>,
    pub group: Option<i64>,
    /// `above` | `below` | `unknown`
    pub scale: Option<String>,
    pub status: Option<String>,
    pub tag: Option<i64>,
    pub park: Option<String>,
    /// name | credit_code | town | group | scale | status | founded_on | updated_at
    pub sort: Option<String>,
    pub dir: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The query condition for `f` within `scope`.
pub fn condition(scope: &EnterpriseScope, f: &EnterpriseFilter) -> Condition {
    let mut c = scope.condition();
    if let Some(text) = non_empty(&f.q) {
        let mut any = Condition::any()
            .add(contains_ci(enterprise::Column::Name, text))
            .add(contains_ci(enterprise::Column::ShortName, text));
        // Credit codes are stored upper-case; a full valid code matches exactly (indexed).
        match CreditCode::parse(text) {
            Ok(code) => any = any.add(enterprise::Column::CreditCode.eq(code.as_str())),
            Err(_) => {
                any = any.add(contains_ci(enterprise::Column::CreditCode, text));
            }
        }
        c = c.add(any);
    }
    if let Some(t) = f.town {
        c = c.add(enterprise::Column::TownId.eq(t));
    }
    if let Some(g) = f.group {
        c = c.add(enterprise::Column::IndustryGroupId.eq(g));
    }
    match non_empty(&f.scale) {
        Some("unknown") => c = c.add(enterprise::Column::Scale.is_null()),
        Some(s) => c = c.add(enterprise::Column::Scale.eq(s)),
        None => {}
    }
    if let Some(s) = non_empty(&f.status) {
        c = c.add(enterprise::Column::Status.eq(s));
    }
    if let Some(p) = non_empty(&f.park) {
        c = c.add(enterprise::Column::Park.eq(p));
    }
    if let Some(t) = f.tag {
        c = c.add(
            enterprise::Column::Id.in_subquery(
                Query::select()
                    .column(enterprise_tag::Column::EnterpriseId)
                    .from(enterprise_tag::Entity)
                    .and_where(enterprise_tag::Column::TagId.eq(t))
                    .to_owned(),
            ),
        );
    }
    c
}

fn sorted(
    q: sea_orm::Select<enterprise::Entity>,
    f: &EnterpriseFilter,
) -> sea_orm::Select<enterprise::Entity> {
    let dir = SortDir::parse(f.dir.as_deref()).order();
    let col = match f.sort.as_deref() {
        Some("credit_code") => enterprise::Column::CreditCode,
        Some("town") => enterprise::Column::TownId,
        Some("group") => enterprise::Column::IndustryGroupId,
        Some("scale") => enterprise::Column::Scale,
        Some("status") => enterprise::Column::Status,
        Some("founded_on") => enterprise::Column::FoundedOn,
        Some("updated_at") => enterprise::Column::UpdatedAt,
        _ => enterprise::Column::Name,
    };
    q.order_by(col, dir.clone())
        .order_by(enterprise::Column::Id, dir)
}

/// One page of the firms the caller reaches.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    f: &EnterpriseFilter,
    page: PageRequest,
) -> AppResult<Page<EnterpriseView>> {
    ctx.require(Permission::ViewEnterprises)?;
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let q = enterprise::Entity::find().filter(condition(&scope, f));
    let total = q.clone().count(db).await?;
    let rows = sorted(q, f)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|e| e.id).collect();
    let tags = tags_of(db, &ids).await?;
    let names = Names::load(db).await?;
    let full = sees_phone(ctx);
    Ok(Page {
        items: rows
            .into_iter()
            .map(|e| {
                let t = tags.get(&e.id).cloned().unwrap_or_default();
                view(e, &t, &names, full)
            })
            .collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every firm matching `f` in the caller's scope, in list order, handed to `each` (exports).
/// One query for the firms and one for their tags, however many there are.
pub async fn for_each(
    app: &App,
    ctx: &Ctx,
    f: &EnterpriseFilter,
    mut each: impl FnMut(EnterpriseView),
) -> AppResult<u64> {
    ctx.require(Permission::ViewEnterprises)?;
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let names = Names::load(db).await?;
    let full = sees_phone(ctx);
    let rows = sorted(enterprise::Entity::find().filter(condition(&scope, f)), f)
        .all(db)
        .await?;
    let mut tags: HashMap<i64, Vec<i64>> = HashMap::new();
    if rows.len() > 2_000 {
        for t in enterprise_tag::Entity::find().all(db).await? {
            tags.entry(t.enterprise_id).or_default().push(t.tag_id);
        }
    } else {
        let ids: Vec<i64> = rows.iter().map(|e| e.id).collect();
        tags = tags_of(db, &ids).await?;
    }
    let n = rows.len() as u64;
    for e in rows {
        let t = tags.remove(&e.id).unwrap_or_default();
        each(view(e, &t, &names, full));
    }
    Ok(n)
}

/// (id, credit code, name, town id) of every firm matching `f` in the caller's scope, in list
/// order: what exports of figures need, in one light query.
pub async fn keys(
    app: &App,
    ctx: &Ctx,
    f: &EnterpriseFilter,
) -> AppResult<Vec<(i64, String, String, i64)>> {
    ctx.require(Permission::ViewEnterprises)?;
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    Ok(
        sorted(enterprise::Entity::find().filter(condition(&scope, f)), f)
            .select_only()
            .column(enterprise::Column::Id)
            .column(enterprise::Column::CreditCode)
            .column(enterprise::Column::Name)
            .column(enterprise::Column::TownId)
            .into_tuple()
            .all(db)
            .await?,
    )
}

/// One firm's profile with its responsible cadres.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EnterpriseDetail {
    #[serde(flatten)]
    pub enterprise: EnterpriseView,
    pub cadres: Vec<Named>,
}

pub async fn get(app: &App, ctx: &Ctx, id: i64) -> AppResult<EnterpriseDetail> {
    ctx.require(Permission::ViewEnterprises)?;
    let db = app.db.read();
    let e = find_in_scope(db, ctx, id).await?;
    let tags = tags_of(db, &[id]).await?.remove(&id).unwrap_or_default();
    let names = Names::load(db).await?;
    let cadres = cadres_of(db, id).await?;
    Ok(EnterpriseDetail {
        enterprise: view(e, &tags, &names, sees_phone(ctx)),
        cadres,
    })
}

/// The responsible cadres of a firm, by name.
pub async fn cadres_of(db: &impl sea_orm::ConnectionTrait, id: i64) -> AppResult<Vec<Named>> {
    let links = enterprise_cadre::Entity::find()
        .filter(enterprise_cadre::Column::EnterpriseId.eq(id))
        .all(db)
        .await?;
    let ids: Vec<i64> = links.iter().map(|l| l.user_id).collect();
    let mut users: Vec<Named> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| Named {
            id: u.id,
            name: u.display_name,
        })
        .collect();
    users.sort_by_key(|u| u.id);
    Ok(users)
}

/// How many firms the caller reaches (home page).
pub async fn count(app: &App, ctx: &Ctx) -> AppResult<u64> {
    ctx.require(Permission::ViewEnterprises)?;
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    Ok(enterprise::Entity::find()
        .filter(scope.condition())
        .count(db)
        .await?)
}
