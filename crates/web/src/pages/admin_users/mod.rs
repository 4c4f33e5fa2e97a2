//! 用户管理: the users list (filters, sorting, pages, CSV export), creating and editing users,
//! disabling and enabling them, resetting their password, and each user's change history.

mod detail;
mod form;
mod list;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use wujin_app::users::UserView;
use wujin_domain::access::Role;

use crate::error::PageError;
use crate::i18n::{Lang, tr};
use crate::layout::PageCtx;
use crate::pages::choices::Opt;
use crate::pages::render;
use crate::state::AppState;

use self::detail::{detail, disable, enable, reset_password};
use self::form::{create, edit_form, new_form, update};
use self::list::{export, list};

const LIST_PATH: &str = "/admin/users";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/users/export.csv", get(export))
        .route("/admin/users/new", get(new_form))
        .route("/admin/users/{id}", get(detail).post(update))
        .route("/admin/users/{id}/edit", get(edit_form))
        .route("/admin/users/{id}/disable", post(disable))
        .route("/admin/users/{id}/enable", post(enable))
        .route("/admin/users/{id}/reset-password", post(reset_password))
}

fn role_options(lang: Lang, roles: &[Role], selected: &str, with_all: bool) -> Vec<Opt> {
    let mut out = Vec::new();
    if with_all {
        out.push(Opt {
            value: String::new(),
            label: tr(lang, "action.all"),
            selected: selected.is_empty(),
        });
    }
    for r in roles {
        out.push(Opt {
            value: r.as_str().to_string(),
            label: tr(lang, &format!("role.{}", r.as_str())),
            selected: selected == r.as_str(),
        });
    }
    out
}

fn invalid(page: impl Template) -> Result<Response, PageError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

/// The page that shows a new temporary password, once.
#[derive(Template)]
#[template(path = "admin/users_password.html")]
struct PasswordPage {
    page: PageCtx,
    u: UserView,
    password: String,
    created: bool,
}

/// A page holding a password must not stay in any cache.
fn no_store(html: Html<String>) -> Response {
    let mut res = html.into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The temporary password typed in the form, or a generated one when the field is empty.
fn temporary_password(typed: &str) -> String {
    if typed.trim().is_empty() {
        wujin_app::users::generate_temporary_password()
    } else {
        typed.to_string()
    }
}
