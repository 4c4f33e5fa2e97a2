//! Sign-in and sign-out pages.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use tower_sessions::Session;
use wujin_app::AppError;

use crate::error::PageError;
use crate::extract::{ClientMeta, safe_next, start_session};
use crate::i18n::{Lang, tr};
use crate::pages::render;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: Lang,
    username: String,
    next: String,
    error: Option<String>,
    info: Option<String>,
}

impl LoginPage {
    fn t(&self, key: &str) -> String {
        tr(self.lang, key)
    }
    fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
    fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::ZhCn => "en",
            Lang::En => "zh-CN",
        }
    }
    fn other_lang_label(&self) -> String {
        match self.lang {
            Lang::ZhCn => tr(Lang::En, "lang.self"),
            Lang::En => tr(Lang::ZhCn, "lang.self"),
        }
    }
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    msg: Option<String>,
}

async fn login_page(
    client: ClientMeta,
    session: Session,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    if session
        .get::<i64>(crate::extract::SESSION_USER_KEY)
        .await
        .ok()
        .flatten()
        .is_some()
    {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let info = if q.expired.is_some() {
        Some(tr(client.lang, "auth.session_expired"))
    } else if q.msg.as_deref() == Some("logged_out") {
        Some(tr(client.lang, "auth.logged_out"))
    } else {
        None
    };
    Ok(render(&LoginPage {
        lang: client.lang,
        username: String::new(),
        next: safe_next(q.next.as_deref()),
        error: None,
        info,
    })?
    .into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
    lang: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    client: ClientMeta,
    session: Session,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    let lang = f
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or(client.lang);
    let next = safe_next(f.next.as_deref());
    match wujin_app::auth::login(&state.app, &client.meta, &f.username, &f.password).await {
        Ok(actor) => {
            start_session(&session, actor.id.unwrap_or_default()).await?;
            let to = if actor.must_change_password {
                "/account/password".to_string()
            } else {
                next
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (AppError::Unauthenticated | AppError::RateLimited { .. })) => {
            let (status, key) = match &e {
                AppError::RateLimited { key, .. } => (StatusCode::TOO_MANY_REQUESTS, key.clone()),
                _ => (StatusCode::UNAUTHORIZED, "auth.bad_credentials".to_string()),
            };
            let page = LoginPage {
                lang,
                username: f.username.trim().to_string(),
                next,
                error: Some(tr(lang, &key)),
                info: None,
            };
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn logout(session: Session) -> Result<Redirect, PageError> {
    session
        .flush()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to("/login?msg=logged_out"))
}
