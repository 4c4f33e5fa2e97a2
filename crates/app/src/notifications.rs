//! The notification inbox (消息中心). Other modules send reminders with [`send`] inside
//! their own transaction. Titles and bodies are catalogue keys, translated when shown, so a
//! message reads in the recipient's language.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use wujin_storage::entity::notification;

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::page::{Page, PageRequest};
use crate::{App, now};

/// Puts a message in a user's inbox, inside the caller's transaction.
pub async fn send(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: &str,
    title_key: &str,
    body_key: &str,
    link: Option<&str>,
) -> AppResult<()> {
    notification::Entity::insert(notification::ActiveModel {
        user_id: Set(user_id),
        created_at: Set(now()),
        kind: Set(kind.to_string()),
        title: Set(title_key.to_string()),
        body: Set(body_key.to_string()),
        link: Set(link.map(str::to_string)),
        read_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct NotificationView {
    pub id: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub read: bool,
}

fn own_id(ctx: &Ctx) -> AppResult<i64> {
    ctx.actor.id.ok_or(AppError::Forbidden)
}

pub async fn unread_count(app: &App, ctx: &Ctx) -> AppResult<u64> {
    let id = own_id(ctx)?;
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(id))
        .filter(notification::Column::ReadAt.is_null())
        .count(app.db.read())
        .await?)
}

pub async fn list(
    app: &App,
    ctx: &Ctx,
    unread_only: bool,
    page: PageRequest,
) -> AppResult<Page<NotificationView>> {
    let id = own_id(ctx)?;
    let mut q = notification::Entity::find().filter(notification::Column::UserId.eq(id));
    if unread_only {
        q = q.filter(notification::Column::ReadAt.is_null());
    }
    let total = q.clone().count(app.db.read()).await?;
    let rows = q
        .order_by_desc(notification::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(app.db.read())
        .await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                created_at: n.created_at,
                kind: n.kind,
                title: n.title,
                body: n.body,
                link: n.link,
                read: n.read_at.is_some(),
            })
            .collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Marks one of the caller's own messages read. Another user's message id is `NotFound`.
/// Reading a message is not a change of business data, so it is not audited.
pub async fn mark_read(app: &App, ctx: &Ctx, id: i64) -> AppResult<Option<String>> {
    let user = own_id(ctx)?;
    let tx = app.db.begin_write().await?;
    let n = notification::Entity::find_by_id(id)
        .filter(notification::Column::UserId.eq(user))
        .one(&tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let link = n.link.clone();
    if n.read_at.is_none() {
        let mut am = n.into_active_model();
        am.read_at = Set(Some(now()));
        am.update(&tx).await?;
    }
    tx.commit().await?;
    Ok(link)
}

pub async fn mark_all_read(app: &App, ctx: &Ctx) -> AppResult<u64> {
    let user = own_id(ctx)?;
    let tx = app.db.begin_write().await?;
    let res = notification::Entity::update_many()
        .col_expr(
            notification::Column::ReadAt,
            sea_orm::sea_query::Expr::value(now()),
        )
        .filter(notification::Column::UserId.eq(user))
        .filter(notification::Column::ReadAt.is_null())
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(res.rows_affected)
}
