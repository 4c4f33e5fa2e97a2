//! Personal access tokens (个人访问令牌) of the caller: the way programs call this API.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wujin_app::tokens::TokenView;

use crate::api::{ApiJson, ApiQuery, ErrorBody, ListBody, PageQuery, created};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tokens", get(list).post(create))
        .route("/tokens/{id}", delete(revoke))
}

/// A token as listed (never the secret itself).
#[derive(Serialize, ToSchema)]
pub struct TokenDto {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    /// No expiry when absent.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Set once the token is revoked; it no longer works.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<TokenView> for TokenDto {
    fn from(t: TokenView) -> Self {
        TokenDto {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TokenRequest {
    /// What the token is for (1–64 characters).
    #[schema(required = true)]
    pub name: String,
    /// Days until it expires (1–3650); never when left out.
    pub valid_days: Option<i64>,
}

/// The new token. `token` is shown only this once; store it safely.
#[derive(Serialize, ToSchema)]
pub struct TokenCreated {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    #[serde(flatten)]
    pub info: TokenDto,
}

/// The caller's tokens, newest first (revoked ones included).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", params(PageQuery),
    responses((status = 200, body = ListBody<TokenDto>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<TokenDto>>, ApiError> {
    let tokens = wujin_app::tokens::list_own(&state.app, &user.ctx).await?;
    Ok(Json(ListBody::from_all(
        tokens.into_iter().map(Into::into).collect(),
        q.request(),
    )))
}

/// Create a token that acts as the caller.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = TokenRequest,
    responses((status = 201, body = TokenCreated), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<(StatusCode, Json<TokenCreated>), ApiError> {
    let (view, token) =
        wujin_app::tokens::create(&state.app, &user.ctx, &req.name, req.valid_days).await?;
    Ok(created(TokenCreated {
        token,
        info: view.into(),
    }))
}

/// Revoke one of the caller's tokens; programs using it lose access at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = i64, Path, description = "token id")),
    responses((status = 204, description = "revoked"), (status = 401, body = ErrorBody),
        (status = 404, description = "no such token of the caller's", body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    wujin_app::tokens::revoke(&state.app, &user.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
