//! The caller's own account: password and language.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{post, put};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::{ApiJson, ErrorBody};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/password", post(change_password))
        .route("/me/locale", put(set_locale))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PasswordChange {
    #[schema(required = true)]
    pub current_password: String,
    /// At least 8 characters, not the username.
    #[schema(required = true)]
    pub new_password: String,
    /// Must equal `new_password`.
    #[schema(required = true)]
    pub confirm_password: String,
}

/// Change the caller's password.
///
/// Also how a temporary password is replaced (until then every other call answers 403
/// `password_change_required`). Every other session of the user ends; the calling session
/// stays signed in.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "me", request_body = PasswordChange,
    responses((status = 204, description = "changed"), (status = 401, body = ErrorBody),
        (status = 422, description = "wrong current password or unacceptable new one", body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let keep = user
        .session
        .as_ref()
        .and_then(|s| s.id())
        .map(|id| crate::session_store::id_hash(&id));
    wujin_app::auth::change_own_password(
        &state.app,
        &user.ctx,
        &req.current_password,
        &req.new_password,
        &req.confirm_password,
        keep.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct LocaleRequest {
    /// `zh-CN` or `en`.
    #[schema(required = true)]
    pub locale: String,
}

/// Set the caller's interface language (also the language of translated notification texts).
#[utoipa::path(put, path = "/api/v1/me/locale", tag = "me", request_body = LocaleRequest,
    responses((status = 204, description = "saved"), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_locale(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<LocaleRequest>,
) -> Result<StatusCode, ApiError> {
    wujin_app::auth::set_own_locale(&state.app, &user.ctx, req.locale.trim()).await?;
    Ok(StatusCode::NO_CONTENT)
}
