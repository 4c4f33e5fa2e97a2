//! The login log (登录日志): every sign-in attempt; each user may see their own.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wujin_app::login_log::{LoginAttemptView, LoginFilter};

use crate::api::{ApiQuery, ErrorBody, ListBody, collect, page_request, parse_time};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login-log", get(list))
        .route("/me/logins", get(own))
}

/// One sign-in attempt.
#[derive(Serialize, ToSchema)]
pub struct LoginAttemptDto {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The username as typed.
    pub username: String,
    /// The account, when the username exists.
    pub user_id: Option<i64>,
    pub success: bool,
    /// ok | bad_credentials | disabled | rate_limited_ip | rate_limited_account
    pub outcome: String,
    pub ip: String,
    pub user_agent: String,
}

impl From<LoginAttemptView> for LoginAttemptDto {
    fn from(l: LoginAttemptView) -> Self {
        LoginAttemptDto {
            id: l.id,
            at: l.at,
            username: l.username,
            user_id: l.user_id,
            success: l.success,
            outcome: l.outcome,
            ip: l.ip,
            user_agent: l.user_agent,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoginLogQuery {
    /// The username as typed (exact).
    pub username: Option<String>,
    /// The client address (exact).
    pub ip: Option<String>,
    /// `true` successes only, `false` failures only.
    pub success: Option<bool>,
    /// From this time (inclusive): RFC 3339, or YYYY-MM-DD for the start of that day in China time.
    pub from: Option<String>,
    /// Before this time (exclusive): RFC 3339, or YYYY-MM-DD.
    pub to: Option<String>,
    /// 1-based page number (default 1).
    pub page: Option<u64>,
    /// Items per page (default 20, at most 200).
    pub page_size: Option<u64>,
    /// Older name of `page_size`, still accepted.
    pub per_page: Option<u64>,
}

fn filter(q: &LoginLogQuery) -> Result<LoginFilter, ApiError> {
    let times = collect(vec![parse_time("from", &q.from), parse_time("to", &q.to)])?;
    Ok(LoginFilter {
        username: q.username.clone(),
        ip: q.ip.clone(),
        success: q.success,
        from: times[0],
        to: times[1],
    })
}

/// Browse every sign-in attempt, newest first (administrators and city leaders).
#[utoipa::path(get, path = "/api/v1/login-log", tag = "login_log", params(LoginLogQuery),
    responses((status = 200, body = ListBody<LoginAttemptDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<LoginLogQuery>,
) -> Result<Json<ListBody<LoginAttemptDto>>, ApiError> {
    let f = filter(&q)?;
    let page = wujin_app::login_log::list(
        &state.app,
        &user.ctx,
        &f,
        page_request(q.page, q.page_size, q.per_page),
        false,
    )
    .await?;
    Ok(Json(page.into()))
}

/// The caller's own sign-in attempts, newest first.
#[utoipa::path(get, path = "/api/v1/me/logins", tag = "me", operation_id = "me_logins", params(LoginLogQuery),
    responses((status = 200, body = ListBody<LoginAttemptDto>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn own(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<LoginLogQuery>,
) -> Result<Json<ListBody<LoginAttemptDto>>, ApiError> {
    let f = filter(&q)?;
    let page = wujin_app::login_log::list(
        &state.app,
        &user.ctx,
        &f,
        page_request(q.page, q.page_size, q.per_page),
        true,
    )
    .await?;
    Ok(Json(page.into()))
}
