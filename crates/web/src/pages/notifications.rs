//! 消息中心: the user's inbox.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use wujin_app::PageRequest;
use wujin_app::notifications::NotificationView;

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::{Pager, pager, render};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/{id}/read", post(read))
        .route("/notifications/read-all", post(read_all))
        .route("/notifications/badge", get(badge))
}

#[derive(Deserialize)]
struct ListQuery {
    unread: Option<String>,
    page: Option<u64>,
    msg: Option<String>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct ListPage {
    page: PageCtx,
    items: Vec<NotificationView>,
    unread_only: bool,
    pager: Pager,
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let unread_only = q.unread.as_deref() == Some("1");
    let result = wujin_app::notifications::list(
        &state.app,
        &user.ctx,
        unread_only,
        PageRequest::new(q.page, None),
    )
    .await?;
    let page = page_ctx(
        &state,
        &user,
        "notifications.title",
        &[("notifications.title", None)],
        q.msg.as_deref(),
    )
    .await;
    let pager = pager(
        user.lang,
        &result,
        "/notifications",
        if unread_only { "unread=1" } else { "" },
    );
    render(&ListPage {
        page,
        items: result.items,
        unread_only,
        pager,
    })
}

async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Redirect, PageError> {
    let link = wujin_app::notifications::mark_read(&state.app, &user.ctx, id).await?;
    let to = link
        .filter(|l| l.starts_with('/') && !l.starts_with("//"))
        .unwrap_or_else(|| "/notifications".into());
    Ok(Redirect::to(&to))
}

async fn read_all(State(state): State<AppState>, user: CurrentUser) -> Result<Redirect, PageError> {
    wujin_app::notifications::mark_all_read(&state.app, &user.ctx).await?;
    Ok(Redirect::to("/notifications?msg=all_read"))
}

/// The unread badge of the header, refreshed by htmx every minute.
async fn badge(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, PageError> {
    let n = wujin_app::notifications::unread_count(&state.app, &user.ctx).await?;
    let inner = if n > 0 {
        format!("<span class=\"badge\">{n}</span>")
    } else {
        String::new()
    };
    Ok(Html(format!(
        "<span id=\"unread-count\" hx-get=\"/notifications/badge\" hx-trigger=\"every 60s\" hx-swap=\"outerHTML\">{inner}</span>"
    )))
}
