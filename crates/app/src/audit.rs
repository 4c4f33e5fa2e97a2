//! The audit log: recording (always inside the caller's transaction), browsing, verifying.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::Value;
use wujin_domain::access::Permission;
use wujin_domain::audit::{
    AuditFields, ChainBreak, ChainVerifier, GENESIS_HASH, StoredEvent, event_hash,
};
use wujin_storage::dialect;
use wujin_storage::entity::audit_event;

use crate::App;
use crate::context::{Actor, Ctx, RequestMeta};
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends one event to the chain, inside `tx`. The chain lock is held until `tx` ends, so
/// appends from concurrent transactions (or other instances) cannot fork the chain.
pub async fn record(
    tx: &DatabaseTransaction,
    actor: &Actor,
    meta: &RequestMeta,
    change: Change<'_>,
) -> AppResult<i64> {
    dialect::lock_audit_chain(tx).await?;
    let last = audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .limit(1)
        .one(tx)
        .await?;
    let (id, prev_hash) = match last {
        Some(e) => (e.id + 1, e.hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    let at = format_at(crate::now());
    let before_json = change.before.map(|v| v.to_string());
    let after_json = change.after.map(|v| v.to_string());
    let actor_name = actor.username.clone();
    let hash = event_hash(
        &prev_hash,
        &AuditFields {
            id,
            at: &at,
            actor_user_id: actor.id,
            actor_name: &actor_name,
            action: change.action,
            entity: change.entity,
            entity_id: &change.entity_id,
            before_json: before_json.as_deref(),
            after_json: after_json.as_deref(),
            request_id: &meta.request_id,
            ip: &meta.ip,
        },
    );
    audit_event::Entity::insert(audit_event::ActiveModel {
        id: Set(id),
        at: Set(at),
        actor_user_id: Set(actor.id),
        actor_name: Set(actor_name),
        action: Set(change.action.to_string()),
        entity: Set(change.entity.to_string()),
        entity_id: Set(change.entity_id),
        before_json: Set(before_json),
        after_json: Set(after_json),
        request_id: Set(meta.request_id.clone()),
        ip: Set(meta.ip.clone()),
        prev_hash: Set(prev_hash),
        hash: Set(hash),
    })
    .exec_without_returning(tx)
    .await?;
    Ok(id)
}

/// Appends many events in one go, inside `tx`: the chain lock is taken and the chain's end read
/// once, and rows are inserted in batches. Imports use this so that thousands of audited
/// changes cost little more than the changes themselves.
pub async fn record_many(
    tx: &DatabaseTransaction,
    actor: &Actor,
    meta: &RequestMeta,
    changes: Vec<Change<'_>>,
) -> AppResult<usize> {
    if changes.is_empty() {
        return Ok(0);
    }
    dialect::lock_audit_chain(tx).await?;
    let last = audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .limit(1)
        .one(tx)
        .await?;
    let (mut id, mut prev_hash) = match last {
        Some(e) => (e.id + 1, e.hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    let at = format_at(crate::now());
    let n = changes.len();
    let mut batch = Vec::with_capacity(RECORD_BATCH);
    for change in changes {
        let before_json = change.before.map(|v| v.to_string());
        let after_json = change.after.map(|v| v.to_string());
        let hash = event_hash(
            &prev_hash,
            &AuditFields {
                id,
                at: &at,
                actor_user_id: actor.id,
                actor_name: &actor.username,
                action: change.action,
                entity: change.entity,
                entity_id: &change.entity_id,
                before_json: before_json.as_deref(),
                after_json: after_json.as_deref(),
                request_id: &meta.request_id,
                ip: &meta.ip,
            },
        );
        batch.push(audit_event::ActiveModel {
            id: Set(id),
            at: Set(at.clone()),
            actor_user_id: Set(actor.id),
            actor_name: Set(actor.username.clone()),
            action: Set(change.action.to_string()),
            entity: Set(change.entity.to_string()),
            entity_id: Set(change.entity_id),
            before_json: Set(before_json),
            after_json: Set(after_json),
            request_id: Set(meta.request_id.clone()),
            ip: Set(meta.ip.clone()),
            prev_hash: Set(std::mem::replace(&mut prev_hash, hash.clone())),
            hash: Set(hash),
        });
        id += 1;
        if batch.len() == RECORD_BATCH {
            audit_event::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(tx)
                .await?;
        }
    }
    if !batch.is_empty() {
        audit_event::Entity::insert_many(batch)
            .exec_without_returning(tx)
            .await?;
    }
    Ok(n)
}

/// Rows per multi-row insert: 13 columns, well inside SQLite's 32,766 bound parameters.
const RECORD_BATCH: usize = 1_000;

/// The time format stored and hashed: RFC 3339, UTC, microseconds.
pub fn format_at(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Filters of the audit page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_user_id: Option<i64>,
    pub actor_name: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEventView {
    pub id: i64,
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// The fields whose value differs between before and after (top-level keys).
    pub changed_fields: Vec<String>,
    pub request_id: String,
    pub ip: String,
}

impl From<audit_event::Model> for AuditEventView {
    fn from(m: audit_event::Model) -> Self {
        let before = m
            .before_json
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok());
        let after = m
            .after_json
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok());
        let changed_fields = changed_fields(before.as_ref(), after.as_ref());
        AuditEventView {
            id: m.id,
            at: m.at,
            actor_user_id: m.actor_user_id,
            actor_name: m.actor_name,
            action: m.action,
            entity: m.entity,
            entity_id: m.entity_id,
            before,
            after,
            changed_fields,
            request_id: m.request_id,
            ip: m.ip,
        }
    }
}

fn changed_fields(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<String> = b.keys().chain(a.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().filter(|k| b.get(k) != a.get(k)).collect()
}

/// Browses the audit log (admin and leader).
pub async fn list(
    app: &App,
    ctx: &Ctx,
    f: &AuditFilter,
    page: PageRequest,
) -> AppResult<Page<AuditEventView>> {
    ctx.require(Permission::ViewAudit)?;
    let mut q = audit_event::Entity::find();
    if let Some(u) = f.actor_user_id {
        q = q.filter(audit_event::Column::ActorUserId.eq(u));
    }
    if let Some(n) = f.actor_name.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_event::Column::ActorName.eq(n));
    }
    if let Some(e) = f.entity.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_event::Column::Entity.eq(e));
    }
    if let Some(e) = f.entity_id.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_event::Column::EntityId.eq(e));
    }
    if let Some(a) = f.action.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(audit_event::Column::Action.eq(a));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_event::Column::At.gte(format_at(from)));
    }
    if let Some(to) = f.to {
        q = q.filter(audit_event::Column::At.lt(format_at(to)));
    }
    let total = q.clone().count(app.db.read()).await?;
    let items = q
        .order_by_desc(audit_event::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(app.db.read())
        .await?;
    Ok(Page {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// One event with its chain links, for the detail page.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEventDetail {
    #[serde(flatten)]
    pub event: AuditEventView,
    pub prev_hash: String,
    pub hash: String,
}

/// One event of the log (admin and leader); `NotFound` if there is no such event.
pub async fn get(app: &App, ctx: &Ctx, id: i64) -> AppResult<AuditEventDetail> {
    ctx.require(Permission::ViewAudit)?;
    let m = audit_event::Entity::find_by_id(id)
        .one(app.db.read())
        .await?
        .ok_or(AppError::NotFound)?;
    let prev_hash = m.prev_hash.clone();
    let hash = m.hash.clone();
    Ok(AuditEventDetail {
        event: m.into(),
        prev_hash,
        hash,
    })
}

/// The history of one record, newest first. The caller must already have checked that `ctx`
/// may see the record itself.
pub async fn history_of(
    app: &App,
    entity: &str,
    entity_id: &str,
    limit: u64,
) -> AppResult<Vec<AuditEventView>> {
    let items = audit_event::Entity::find()
        .filter(audit_event::Column::Entity.eq(entity))
        .filter(audit_event::Column::EntityId.eq(entity_id))
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(app.db.read())
        .await?;
    Ok(items.into_iter().map(Into::into).collect())
}

/// Distinct entity names present in the log (for the filter dropdown).
pub async fn entities(app: &App, ctx: &Ctx) -> AppResult<Vec<String>> {
    distinct(app, ctx, audit_event::Column::Entity).await
}

/// The distinct actions in the log, for the action filter.
pub async fn actions(app: &App, ctx: &Ctx) -> AppResult<Vec<String>> {
    distinct(app, ctx, audit_event::Column::Action).await
}

async fn distinct(app: &App, ctx: &Ctx, column: audit_event::Column) -> AppResult<Vec<String>> {
    ctx.require(Permission::ViewAudit)?;
    Ok(audit_event::Entity::find()
        .select_only()
        .column(column)
        .distinct()
        .order_by_asc(column)
        .into_tuple()
        .all(app.db.read())
        .await?)
}

/// Result of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub checked: u64,
    pub first_break: Option<ChainBreak>,
}

/// Walks the chain from the first event, in pages, and stops at the first broken link.
pub async fn verify(
    db: &impl ConnectionTrait,
    mut progress: impl FnMut(u64),
) -> AppResult<VerifyReport> {
    const BATCH: u64 = 5_000;
    let mut v = ChainVerifier::default();
    let mut after_id = 0i64;
    loop {
        let rows = audit_event::Entity::find()
            .filter(audit_event::Column::Id.gt(after_id))
            .order_by_asc(audit_event::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(VerifyReport {
                checked: v.checked,
                first_break: None,
            });
        }
        for r in &rows {
            let e = StoredEvent {
                id: r.id,
                at: r.at.clone(),
                actor_user_id: r.actor_user_id,
                actor_name: r.actor_name.clone(),
                action: r.action.clone(),
                entity: r.entity.clone(),
                entity_id: r.entity_id.clone(),
                before_json: r.before_json.clone(),
                after_json: r.after_json.clone(),
                request_id: r.request_id.clone(),
                ip: r.ip.clone(),
                prev_hash: r.prev_hash.clone(),
                hash: r.hash.clone(),
            };
            if let Err(b) = v.check(&e) {
                return Ok(VerifyReport {
                    checked: v.checked,
                    first_break: Some(b),
                });
            }
        }
        after_id = rows.last().map(|r| r.id).unwrap_or(after_id);
        progress(v.checked);
    }
}

/// The latest events, newest first, without counting the whole log (for overviews).
pub async fn recent(app: &App, ctx: &Ctx, n: u64) -> AppResult<Vec<AuditEventView>> {
    ctx.require(Permission::ViewAudit)?;
    let rows = audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .limit(n)
        .all(app.db.read())
        .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}
