//! Personal API tokens (个人访问令牌): created and revoked by their owner, stored as sha256
//! hashes, sent as `Authorization: Bearer …`.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use wujin_storage::entity::api_token;

use crate::audit::{self, Change};
use crate::context::{Actor, Ctx};
use crate::error::{AppError, AppResult};
use crate::{App, now};

/// Every token starts with this, so a leaked one is easy to recognise.
pub const TOKEN_PREFIX: &str = "wjt_";

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, Serialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<api_token::Model> for TokenView {
    fn from(t: api_token::Model) -> Self {
        TokenView {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

pub async fn list_own(app: &App, ctx: &Ctx) -> AppResult<Vec<TokenView>> {
    let user = ctx.actor.id.ok_or(AppError::Forbidden)?;
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user))
        .order_by_desc(api_token::Column::Id)
        .all(app.db.read())
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Creates a token and returns it in clear text, the only time it is ever shown.
pub async fn create(
    app: &App,
    ctx: &Ctx,
    name: &str,
    valid_days: Option<i64>,
) -> AppResult<(TokenView, String)> {
    let user = ctx.actor.id.ok_or(AppError::Forbidden)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(AppError::field("name", "error.token.name_invalid"));
    }
    if valid_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err(AppError::field("valid_days", "error.token.days_invalid"));
    }
    let secret: [u8; 32] = rand::random();
    let token = format!("{TOKEN_PREFIX}{}", hex::encode(secret));
    let tx = app.db.begin_write().await?;
    let created = api_token::ActiveModel {
        user_id: Set(user),
        name: Set(name.to_string()),
        prefix: Set(token[..TOKEN_PREFIX.len() + 8].to_string()),
        token_hash: Set(token_hash(&token)),
        created_at: Set(now()),
        last_used_at: Set(None),
        expires_at: Set(valid_days.map(|d| now() + chrono::Duration::days(d))),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "create",
            entity: "api_token",
            entity_id: created.id.to_string(),
            before: None,
            after: Some(json!({"name": created.name, "prefix": created.prefix, "expires_at": created.expires_at})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((created.into(), token))
}

/// Revokes one of the caller's own tokens; another user's token id is `NotFound`.
pub async fn revoke(app: &App, ctx: &Ctx, id: i64) -> AppResult<()> {
    let user = ctx.actor.id.ok_or(AppError::Forbidden)?;
    let tx = app.db.begin_write().await?;
    let t = api_token::Entity::find_by_id(id)
        .filter(api_token::Column::UserId.eq(user))
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if t.revoked_at.is_some() {
        return Ok(());
    }
    let mut am = t.into_active_model();
    am.revoked_at = Set(Some(now()));
    let t = am.update(&tx).await?;
    audit::record(
        &tx,
        &ctx.actor,
        &ctx.meta,
        Change {
            action: "revoke",
            entity: "api_token",
            entity_id: id.to_string(),
            before: Some(json!({"revoked": false})),
            after: Some(json!({"revoked": true, "prefix": t.prefix})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The actor a bearer token stands for, if the token is known, live and its user active.
/// `last_used_at` is refreshed at most once a minute.
pub async fn authenticate(app: &App, token: &str) -> AppResult<Option<Actor>> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 128 {
        return Ok(None);
    }
    let Some(t) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash(token)))
        .one(app.db.read())
        .await?
    else {
        return Ok(None);
    };
    let n = now();
    if t.revoked_at.is_some() || t.expires_at.is_some_and(|e| e <= n) {
        return Ok(None);
    }
    let Some(actor) = crate::auth::load_actor(app, t.user_id).await? else {
        return Ok(None);
    };
    if t.last_used_at
        .is_none_or(|u| n - u > chrono::Duration::minutes(1))
    {
        let tx = app.db.begin_write().await?;
        api_token::Entity::update_many()
            .col_expr(
                api_token::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(n),
            )
            .filter(api_token::Column::Id.eq(t.id))
            .exec(&tx)
            .await?;
        tx.commit().await?;
    }
    Ok(Some(actor))
}
