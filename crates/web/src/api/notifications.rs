//! The caller's inbox (消息中心). Titles and bodies are stored as catalogue keys; each message
//! carries the key and the text in the caller's language.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wujin_app::notifications::NotificationView;

use crate::api::{ApiQuery, ErrorBody, ListBody, page_request};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::i18n::{Lang, tr};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/unread-count", get(unread_count))
        .route("/notifications/{id}/read", post(read))
        .route("/notifications/read-all", post(read_all))
}

/// One message.
#[derive(Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// welcome | password_reset | …
    pub kind: String,
    /// Catalogue key of the title.
    pub title_key: String,
    /// The title in the caller's language.
    pub title: String,
    /// Catalogue key of the body.
    pub body_key: String,
    /// The body in the caller's language.
    pub body: String,
    /// Where the message leads in the web interface.
    pub link: Option<String>,
    pub read: bool,
}

fn dto(lang: Lang, n: NotificationView) -> NotificationDto {
    NotificationDto {
        id: n.id,
        created_at: n.created_at,
        kind: n.kind,
        title: tr(lang, &n.title),
        title_key: n.title,
        body: tr(lang, &n.body),
        body_key: n.body,
        link: n.link,
        read: n.read,
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// `true`: unread messages only.
    pub unread: Option<bool>,
    /// 1-based page number (default 1).
    pub page: Option<u64>,
    /// Items per page (default 20, at most 200).
    pub page_size: Option<u64>,
    /// Older name of `page_size`, still accepted.
    pub per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread: u64,
}

#[derive(Serialize, ToSchema)]
pub struct MarkedRead {
    /// How many messages were unread and are now read.
    pub marked: u64,
}

/// The caller's messages, newest first, with titles and bodies in the caller's language.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(NotificationQuery),
    responses((status = 200, body = ListBody<NotificationDto>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<NotificationQuery>,
) -> Result<Json<ListBody<NotificationDto>>, ApiError> {
    let lang = Lang::parse(&user.ctx.actor.locale).unwrap_or(Lang::ZhCn);
    let p = wujin_app::notifications::list(
        &state.app,
        &user.ctx,
        q.unread.unwrap_or(false),
        page_request(q.page, q.page_size, q.per_page),
    )
    .await?;
    Ok(Json(ListBody::from_page(p, |n| dto(lang, n))))
}

/// How many of the caller's messages are unread.
#[utoipa::path(get, path = "/api/v1/notifications/unread-count", tag = "notifications",
    responses((status = 200, body = UnreadCount), (status = 401, body = ErrorBody)))]
pub async fn unread_count(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<UnreadCount>, ApiError> {
    Ok(Json(UnreadCount {
        unread: wujin_app::notifications::unread_count(&state.app, &user.ctx).await?,
    }))
}

/// Mark one of the caller's messages read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", params(("id" = i64, Path, description = "message id")),
    responses((status = 204, description = "marked read"), (status = 401, body = ErrorBody),
        (status = 404, description = "no such message of the caller's", body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    wujin_app::notifications::mark_read(&state.app, &user.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Mark every message of the caller's read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications",
    responses((status = 200, body = MarkedRead), (status = 401, body = ErrorBody)))]
pub async fn read_all(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<MarkedRead>, ApiError> {
    Ok(Json(MarkedRead {
        marked: wujin_app::notifications::mark_all_read(&state.app, &user.ctx).await?,
    }))
}
