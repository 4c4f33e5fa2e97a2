//! A unit's detail page with its change history, and disabling and enabling it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::AppError;
use wujin_app::departments::{DepartmentFilter, DepartmentView};
use wujin_domain::access::Permission;
use wujin_storage::entity::department;

use super::LIST_PATH;
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::tr;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::history::{HistoryRow, history_rows};
use crate::pages::render;
use crate::state::AppState;

const HISTORY_LIMIT: u64 = 50;

#[derive(Template)]
#[template(path = "admin/departments_detail.html")]
struct DetailPage {
    page: PageCtx,
    d: department::Model,
    parent_name: Option<String>,
    user_count: u64,
    children: Vec<DepartmentView>,
    can_manage: bool,
    can_view_users: bool,
    history: Vec<HistoryRow>,
    error: Option<String>,
    /// 负责人 and 分管领导 by name.
    head_name: Option<String>,
    leader_name: Option<String>,
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    flash: Option<&str>,
    error: Option<String>,
) -> Result<DetailPage, PageError> {
    let d = wujin_app::departments::get(&state.app, &user.ctx, id).await?;
    let all =
        wujin_app::departments::list(&state.app, &user.ctx, &DepartmentFilter::default()).await?;
    let parent_name = d
        .parent_id
        .and_then(|p| all.iter().find(|u| u.id == p))
        .map(|p| p.name.clone());
    let user_count = all
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.user_count)
        .unwrap_or(0);
    let children: Vec<DepartmentView> = all
        .iter()
        .filter(|u| u.parent_id == Some(id))
        .cloned()
        .collect();
    let names: Vec<(i64, String)> = all.into_iter().map(|u| (u.id, u.name)).collect();
    let events =
        wujin_app::audit::history_of(&state.app, "department", &id.to_string(), HISTORY_LIMIT)
            .await?;
    let history = history_rows(user.lang, events, "departments_page.field", &names);
    let page = page_ctx(
        state,
        user,
        "departments_page.detail_title",
        &[
            ("menu.departments", Some(LIST_PATH)),
            (d.name.as_str(), None),
        ],
        flash,
    )
    .await;
    let (head_name, leader_name) =
        wujin_app::departments::escalation_names(&state.app, &user.ctx, &d).await?;
    let a = user.actor();
    Ok(DetailPage {
        head_name,
        leader_name,
        page,
        parent_name,
        user_count,
        children,
        can_manage: a.can(Permission::ManageDepartments),
        can_view_users: a.can(Permission::ViewUsers),
        history,
        error,
        d,
    })
}

#[derive(Deserialize)]
pub(super) struct Flash {
    msg: Option<String>,
}

pub(super) async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<Flash>,
) -> Result<Html<String>, PageError> {
    render(&detail_page(&state, &user, id, q.msg.as_deref(), None).await?)
}

async fn set_active(
    state: AppState,
    user: CurrentUser,
    id: i64,
    active: bool,
) -> Result<Response, PageError> {
    match wujin_app::departments::set_active(&state.app, &user.ctx, id, active).await {
        Ok(_) => {
            let msg = if active { "enabled" } else { "disabled" };
            Ok(Redirect::to(&format!("{LIST_PATH}/{id}?msg={msg}")).into_response())
        }
        Err(AppError::Conflict(key)) => {
            let page = detail_page(&state, &user, id, None, Some(tr(user.lang, &key))).await?;
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn disable(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    set_active(state, user, id, false).await
}

pub(super) async fn enable(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    set_active(state, user, id, true).await
}
