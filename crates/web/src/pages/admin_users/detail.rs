//! A user's detail page with their change history, and the actions on it: disabling,
//! enabling and resetting the password.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::AppError;
use wujin_app::users::UserView;
use wujin_domain::access::Permission;

use super::{LIST_PATH, PasswordPage, invalid, no_store, temporary_password};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::tr;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::history::{HistoryRow, history_rows};
use crate::pages::{FormErrors, render};
use crate::state::AppState;

/// How many history entries a detail page shows.
const HISTORY_LIMIT: u64 = 50;

#[derive(Template)]
#[template(path = "admin/users_detail.html")]
struct DetailPage {
    page: PageCtx,
    u: UserView,
    can_manage: bool,
    is_self: bool,
    history: Vec<HistoryRow>,
    /// A refused action, translated (shown as an error message).
    error: Option<String>,
    reset_errors: FormErrors,
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    flash: Option<&str>,
    error: Option<String>,
    reset_errors: FormErrors,
) -> Result<DetailPage, PageError> {
    // This is an administration page: reading one's own account goes through /account.
    if !user.actor().can(Permission::ViewUsers) {
        return Err(AppError::Forbidden.into());
    }
    let u = wujin_app::users::get(&state.app, &user.ctx, id).await?;
    let can_manage = wujin_app::users::may_manage(&state.app, &user.ctx, &u).await?;
    let units: Vec<(i64, String)> =
        wujin_app::departments::list(&state.app, &user.ctx, &Default::default())
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
    let events =
        wujin_app::audit::history_of(&state.app, "user", &id.to_string(), HISTORY_LIMIT).await?;
    let history = history_rows(user.lang, events, "users_page.field", &units);
    let page = page_ctx(
        state,
        user,
        "users_page.detail_title",
        &[
            ("menu.users", Some(LIST_PATH)),
            (u.display_name.as_str(), None),
        ],
        flash,
    )
    .await;
    Ok(DetailPage {
        page,
        is_self: user.actor().id == Some(u.id),
        u,
        can_manage,
        history,
        error,
        reset_errors,
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
    render(
        &detail_page(
            &state,
            &user,
            id,
            q.msg.as_deref(),
            None,
            FormErrors::default(),
        )
        .await?,
    )
}

/// Shows a refused action (a conflict) on the detail page, with status 409.
async fn conflict(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    key: &str,
) -> Result<Response, PageError> {
    let page = detail_page(
        state,
        user,
        id,
        None,
        Some(tr(user.lang, key)),
        FormErrors::default(),
    )
    .await?;
    Ok((StatusCode::CONFLICT, render(&page)?).into_response())
}

async fn set_active(
    state: AppState,
    user: CurrentUser,
    id: i64,
    active: bool,
) -> Result<Response, PageError> {
    match wujin_app::users::set_active(&state.app, &user.ctx, id, active).await {
        Ok(_) => {
            let msg = if active { "enabled" } else { "disabled" };
            Ok(Redirect::to(&format!("/admin/users/{id}?msg={msg}")).into_response())
        }
        Err(AppError::Conflict(key)) => conflict(&state, &user, id, &key).await,
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ResetForm {
    password: String,
}

pub(super) async fn reset_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ResetForm>,
) -> Result<Response, PageError> {
    let password = temporary_password(&f.password);
    match wujin_app::users::reset_password(&state.app, &user.ctx, id, &password).await {
        Ok(()) => {
            let u = wujin_app::users::get(&state.app, &user.ctx, id).await?;
            let href = format!("/admin/users/{id}");
            let crumbs = [
                ("menu.users", Some(LIST_PATH)),
                (u.display_name.as_str(), Some(href.as_str())),
                ("users_page.reset_title", None),
            ];
            let page = page_ctx(&state, &user, "users_page.reset_title", &crumbs, None).await;
            Ok(no_store(render(&PasswordPage {
                page,
                u,
                password,
                created: false,
            })?))
        }
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            let page = detail_page(&state, &user, id, None, None, errors).await?;
            invalid(page)
        }
        Err(AppError::Conflict(key)) => conflict(&state, &user, id, &key).await,
        Err(e) => Err(e.into()),
    }
}
