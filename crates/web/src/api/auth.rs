//! Sign-in, sign-out and "who am I" for API clients.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use utoipa::ToSchema;
use wujin_app::AppError;

use crate::error::ApiError;
use crate::extract::{ApiUser, ClientMeta, start_session};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The signed-in user.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// admin | leader | department | town | cadre | enterprise
    pub role: String,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub locale: String,
    /// all | department_tree | town | assigned_enterprises | own_enterprise | nothing
    pub scope: String,
    pub must_change_password: bool,
}

fn me_of(a: &wujin_app::Actor) -> Me {
    Me {
        id: a.id.unwrap_or_default(),
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role: a.role.as_str().to_string(),
        department_id: a.department_id,
        enterprise_id: a.enterprise_id,
        locale: a.locale.clone(),
        scope: a.scope().as_str().to_string(),
        must_change_password: a.must_change_password,
    }
}

/// Sign in with username and password; the response sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = Me), (status = 401, description = "wrong username or password"), (status = 429, description = "too many attempts")))]
pub async fn login(
    State(state): State<AppState>,
    client: ClientMeta,
    session: Session,
    Json(req): Json<LoginRequest>,
) -> Result<Json<Me>, ApiError> {
    let actor =
        wujin_app::auth::login(&state.app, &client.meta, &req.username, &req.password).await?;
    start_session(&session, actor.id.unwrap_or_default()).await?;
    Ok(Json(me_of(&actor)))
}

/// End the session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(session: Session) -> Result<StatusCode, ApiError> {
    session
        .flush()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = Me), (status = 401)))]
pub async fn me(user: ApiUser) -> Json<Me> {
    Json(me_of(&user.ctx.actor))
}
