//! Sessions kept in the database, so they survive a restart and are shared by every instance
//! on one PostgreSQL. The table holds only a hash of each session id.

use std::collections::HashMap;

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use wujin_storage::{Db, sessions};

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        DbSessionStore { db }
    }

    async fn write(&self, record: &Record, insert_only: bool) -> Result<bool> {
        // The signed-in user is read fresh with every load; it is never stored.
        let mut stored = record.data.clone();
        stored.remove(SESSION_ACTOR_KEY);
        let data = serde_json::to_string(&stored).map_err(|e| Error::Encode(e.to_string()))?;
        let user = record
            .data
            .get(crate::extract::SESSION_USER_KEY)
            .and_then(|v| v.as_i64());
        sessions::write(
            &self.db,
            id_hash(&record.id),
            data,
            user,
            to_chrono(record.expiry_date),
            wujin_app::now(),
            insert_only,
        )
        .await
        .map_err(backend)
    }
}

/// Where a loaded session carries its (active) user for the current request only.
pub const SESSION_ACTOR_KEY: &str = "__actor";

/// The stored key of a session id.
pub fn id_hash(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

fn to_chrono(t: time::OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.unix_timestamp(), 0).unwrap_or_default()
}

fn to_time(t: chrono::DateTime<chrono::Utc>) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A fresh id that collides with a live one is replaced, never merged.
        while !self.write(record, true).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.write(record, false).await.map(|_| ())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let Some(row) = sessions::load_live(&self.db, id_hash(id), wujin_app::now())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let mut data: HashMap<String, serde_json::Value> =
            serde_json::from_str(&row.data_json).map_err(|e| Error::Decode(e.to_string()))?;
        // The user row came with the session in one query: hand it to the request as the
        // actor, so resolving the caller costs no second query.
        if let Some(user) = row.user.filter(|u| u.active)
            && let Ok(actor) = wujin_app::Actor::from_user(&user)
            && let Ok(v) = serde_json::to_value(&actor)
        {
            data.insert(SESSION_ACTOR_KEY.to_string(), v);
        }
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: to_time(row.expires_at),
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        sessions::delete(&self.db, id_hash(id))
            .await
            .map_err(backend)
    }
}

/// Removes expired sessions; safe to run from every instance at once.
pub async fn purge_expired(db: &Db) -> std::result::Result<u64, wujin_storage::sea_orm::DbErr> {
    sessions::purge_expired(db, wujin_app::now()).await
}
