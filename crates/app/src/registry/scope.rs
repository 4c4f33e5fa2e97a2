//! Which enterprises a caller reaches (数据范围 of the registry), as one typed query filter.
//!
//! Admins, leaders and city departments read every firm (departments load their own figures
//! for all of them); a town reaches the firms of its units; a cadre the firms assigned to
//! them; an enterprise user only their own firm.

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use wujin_domain::access::DataScope;
use wujin_storage::entity::{enterprise, enterprise_cadre};

use crate::context::Ctx;
use crate::departments::subtree;
use crate::error::{AppError, AppResult};

/// The enterprises a caller reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnterpriseScope {
    All,
    /// Firms whose town is one of these units.
    Towns(Vec<i64>),
    /// Firms assigned to this cadre.
    Cadre(i64),
    /// One firm.
    Own(i64),
    Nothing,
}

impl EnterpriseScope {
    pub async fn of(db: &impl ConnectionTrait, ctx: &Ctx) -> AppResult<EnterpriseScope> {
        Ok(match ctx.actor.scope() {
            DataScope::All | DataScope::DepartmentTree { .. } => EnterpriseScope::All,
            DataScope::Town { town_id } => EnterpriseScope::Towns(subtree(db, town_id).await?),
            DataScope::AssignedEnterprises { user_id } => EnterpriseScope::Cadre(user_id),
            DataScope::OwnEnterprise {
                enterprise_id: Some(id),
            } => EnterpriseScope::Own(id),
            DataScope::OwnEnterprise {
                enterprise_id: None,
            }
            | DataScope::Nothing => EnterpriseScope::Nothing,
        })
    }

    /// The filter on `enterprise` rows.
    pub fn condition(&self) -> Condition {
        match self {
            EnterpriseScope::All => Condition::all(),
            EnterpriseScope::Towns(units) => {
                Condition::all().add(enterprise::Column::TownId.is_in(units.clone()))
            }
            EnterpriseScope::Cadre(user_id) => Condition::all().add(
                enterprise::Column::Id.in_subquery(
                    Query::select()
                        .column(enterprise_cadre::Column::EnterpriseId)
                        .from(enterprise_cadre::Entity)
                        .and_where(enterprise_cadre::Column::UserId.eq(*user_id))
                        .to_owned(),
                ),
            ),
            EnterpriseScope::Own(id) => Condition::all().add(enterprise::Column::Id.eq(*id)),
            EnterpriseScope::Nothing => Condition::all().add(enterprise::Column::Id.eq(-1)),
        }
    }

    /// Whether a firm in `town_id` lies in a town-based scope (used before a firm exists).
    pub fn covers_town(&self, town_id: i64) -> bool {
        match self {
            EnterpriseScope::All => true,
            EnterpriseScope::Towns(units) => units.contains(&town_id),
            _ => false,
        }
    }

    pub fn is_all(&self) -> bool {
        matches!(self, EnterpriseScope::All)
    }
}

/// The firm `id` if the caller reaches it; `NotFound` otherwise (a firm out of scope looks
/// the same as one that does not exist).
pub async fn find_in_scope(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    id: i64,
) -> AppResult<enterprise::Model> {
    let scope = EnterpriseScope::of(db, ctx).await?;
    enterprise::Entity::find_by_id(id)
        .filter(scope.condition())
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}
