//! The names supervision pages print for the ids they hold: leaders and report authors by
//! display name, units by name (or short name on the crowded board).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use wujin_storage::entity::{app_user, department};

use crate::error::AppResult;

/// An id with the name pages show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

impl Named {
    /// `id` with its name from `names`, or `#id` when it has none.
    pub(crate) fn of(id: i64, names: &HashMap<i64, String>) -> Named {
        Named {
            id,
            name: names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
        }
    }
}

/// Display names of these users.
pub(crate) async fn users(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, String>> {
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids.into_iter().collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// These units, by id.
pub(crate) async fn units(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, department::Model>> {
    Ok(department::Entity::find()
        .filter(department::Column::Id.is_in(ids.into_iter().collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect())
}

/// Names of these units; `short` prefers the short name (经信局 for 市经济和信息化局).
pub(crate) async fn unit_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
    short: bool,
) -> AppResult<HashMap<i64, String>> {
    Ok(units(db, ids)
        .await?
        .into_values()
        .map(|d| {
            let name = match d.short_name {
                Some(s) if short => s,
                _ => d.name,
            };
            (d.id, name)
        })
        .collect())
}
