//! 账户设置: profile, language, password, personal API tokens, own sign-in history.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use wujin_app::login_log::{LoginAttemptView, LoginFilter};
use wujin_app::tokens::TokenView;
use wujin_app::users::UserView;
use wujin_app::{AppError, PageRequest};

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::{FormErrors, render};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(account))
        .route("/account/locale", post(set_locale))
        .route(
            "/account/password",
            get(password_page).post(password_submit),
        )
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: PageCtx,
    me: UserView,
    tokens: Vec<TokenView>,
    logins: Vec<LoginAttemptView>,
    new_token: Option<String>,
    token_errors: FormErrors,
    token_name: String,
}

#[derive(Deserialize)]
struct Flash {
    msg: Option<String>,
}

async fn load_account(
    state: &AppState,
    user: &CurrentUser,
    flash: Option<&str>,
    new_token: Option<String>,
    token_errors: FormErrors,
    token_name: String,
) -> Result<AccountPage, PageError> {
    let page = page_ctx(
        state,
        user,
        "account.title",
        &[("account.title", None)],
        flash,
    )
    .await;
    let me =
        wujin_app::users::get(&state.app, &user.ctx, user.actor().id.unwrap_or_default()).await?;
    let tokens = wujin_app::tokens::list_own(&state.app, &user.ctx).await?;
    let logins = wujin_app::login_log::list(
        &state.app,
        &user.ctx,
        &LoginFilter::default(),
        PageRequest::new(Some(1), Some(10)),
        true,
    )
    .await?
    .items;
    Ok(AccountPage {
        page,
        me,
        tokens,
        logins,
        new_token,
        token_errors,
        token_name,
    })
}

async fn account(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<Flash>,
) -> Result<Html<String>, PageError> {
    render(
        &load_account(
            &state,
            &user,
            q.msg.as_deref(),
            None,
            FormErrors::default(),
            String::new(),
        )
        .await?,
    )
}

#[derive(Deserialize)]
struct LocaleForm {
    locale: String,
    /// The page the switch was made on (the header's switcher); the account page otherwise.
    back: Option<String>,
}

async fn set_locale(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<LocaleForm>,
) -> Result<Redirect, PageError> {
    wujin_app::auth::set_own_locale(&state.app, &user.ctx, &f.locale).await?;
    match f.back.as_deref() {
        Some(back) => Ok(Redirect::to(&crate::extract::safe_next(Some(back)))),
        None => Ok(Redirect::to("/account?msg=saved")),
    }
}

#[derive(Deserialize)]
struct TokenForm {
    name: String,
    valid_days: Option<String>,
}

async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TokenForm>,
) -> Result<Response, PageError> {
    let days = crate::pages::opt_i64(&f.valid_days);
    match wujin_app::tokens::create(&state.app, &user.ctx, &f.name, days).await {
        Ok((_, token)) => Ok(render(
            &load_account(
                &state,
                &user,
                Some("token_created"),
                Some(token),
                FormErrors::default(),
                String::new(),
            )
            .await?,
        )?
        .into_response()),
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            let page = load_account(&state, &user, None, None, errors, f.name).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Redirect, PageError> {
    wujin_app::tokens::revoke(&state.app, &user.ctx, id).await?;
    Ok(Redirect::to("/account?msg=token_revoked"))
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    page: PageCtx,
    forced: bool,
    errors: FormErrors,
}

async fn password_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, PageError> {
    let page = page_ctx(
        &state,
        &user,
        "password.title",
        &[
            ("account.title", Some("/account")),
            ("password.title", None),
        ],
        None,
    )
    .await;
    render(&PasswordPage {
        page,
        forced: user.actor().must_change_password,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

async fn password_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let keep = user.session_hash();
    match wujin_app::auth::change_own_password(
        &state.app,
        &user.ctx,
        &f.current_password,
        &f.new_password,
        &f.confirm_password,
        keep.as_deref(),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/account?msg=password_changed").into_response()),
        Err(AppError::Validation(v)) => {
            let page = page_ctx(
                &state,
                &user,
                "password.title",
                &[
                    ("account.title", Some("/account")),
                    ("password.title", None),
                ],
                None,
            )
            .await;
            let p = PasswordPage {
                page,
                forced: user.actor().must_change_password,
                errors: FormErrors::from_fields(user.lang, &v),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
