//! Persistence of browser sessions (the HTTP layer's session store calls these).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue, ColumnTrait, DbErr, EntityTrait, QueryFilter, Set};

use crate::Db;
use crate::entity::{app_user, session};

/// A stored session row, with its signed-in user read in the same query.
pub struct StoredSession {
    pub data_json: String,
    pub expires_at: DateTime<Utc>,
    pub user: Option<app_user::Model>,
}

/// Writes a session. With `insert_only`, an existing row is left alone and `false` returned
/// (the caller then picks another id).
pub async fn write(
    db: &Db,
    id_hash: String,
    data_json: String,
    user_id: Option<i64>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
    insert_only: bool,
) -> Result<bool, DbErr> {
    let model = session::ActiveModel {
        id_hash: Set(id_hash.clone()),
        data_json: Set(data_json),
        user_id: Set(user_id),
        expires_at: Set(expires_at),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let tx = db.begin_write().await?;
    let exists = session::Entity::find_by_id(id_hash).one(&tx).await?;
    match exists {
        Some(_) if insert_only => return Ok(false),
        Some(_) => {
            let mut m = model;
            m.created_at = ActiveValue::NotSet;
            session::Entity::update(m).exec(&tx).await?;
        }
        None => {
            session::Entity::insert(model)
                .exec_without_returning(&tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// The session, if it exists and has not expired.
pub async fn load_live(
    db: &Db,
    id_hash: String,
    now: DateTime<Utc>,
) -> Result<Option<StoredSession>, DbErr> {
    Ok(session::Entity::find_by_id(id_hash)
        .filter(session::Column::ExpiresAt.gt(now))
        .find_also_related(app_user::Entity)
        .one(db.read())
        .await?
        .map(|(r, user)| StoredSession {
            data_json: r.data_json,
            expires_at: r.expires_at,
            user,
        }))
}

pub async fn delete(db: &Db, id_hash: String) -> Result<(), DbErr> {
    let tx = db.begin_write().await?;
    session::Entity::delete_by_id(id_hash).exec(&tx).await?;
    tx.commit().await
}

/// Removes every expired session; safe to run from several instances at once.
pub async fn purge_expired(db: &Db, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let tx = db.begin_write().await?;
    let res = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(res.rows_affected)
}
