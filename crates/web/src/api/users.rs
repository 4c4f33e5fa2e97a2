//! 用户管理 over JSON: always inside the caller's data scope. A user outside it answers 404,
//! exactly like one that does not exist.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wujin_app::users::{UserFilter, UserInput, UserView};

use crate::api::audit::AuditEventDto;
use crate::api::{ApiJson, ApiQuery, ErrorBody, ListBody, created, page_request};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{id}", get(show).put(update))
        .route("/users/{id}/disable", post(disable))
        .route("/users/{id}/enable", post(enable))
        .route("/users/{id}/reset-password", post(reset_password))
        .route("/users/{id}/history", get(history))
}

/// A user account (never the password).
#[derive(Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// admin | leader | department | town | cadre | enterprise
    pub role: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub enterprise_id: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// zh-CN | en
    pub locale: String,
    pub active: bool,
    /// The user still has a temporary password.
    pub must_change_password: bool,
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<UserView> for UserDto {
    fn from(u: UserView) -> Self {
        UserDto {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            department_id: u.department_id,
            department_name: u.department_name,
            enterprise_id: u.enterprise_id,
            phone: u.phone,
            email: u.email,
            locale: u.locale,
            active: u.active,
            must_change_password: u.must_change_password,
            last_login_at: u.last_login_at,
            created_at: u.created_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// Part of the username, display name or phone number.
    pub q: Option<String>,
    /// admin | leader | department | town | cadre | enterprise
    pub role: Option<String>,
    /// Users of this unit only.
    pub department_id: Option<i64>,
    /// `true` active users only, `false` disabled ones only.
    pub active: Option<bool>,
    /// username (default) | display_name | role | department | last_login_at | created_at
    pub sort: Option<String>,
    /// asc (default) | desc
    pub dir: Option<String>,
    /// 1-based page number (default 1).
    pub page: Option<u64>,
    /// Items per page (default 20, at most 200).
    pub page_size: Option<u64>,
    /// Older name of `page_size`, still accepted.
    pub per_page: Option<u64>,
}

/// A new user.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct UserCreate {
    /// 2–32 letters, digits or `_ - .`; unique.
    #[schema(required = true)]
    pub username: String,
    #[schema(required = true)]
    pub display_name: String,
    /// A role the caller may grant: admin | leader | department | town | cadre | enterprise
    #[schema(required = true)]
    pub role: String,
    /// The unit; department staff need a city department, town staff a town.
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The temporary password; generated (and returned) when left out. The user must change
    /// it at the first sign-in.
    pub password: Option<String>,
}

/// The user as they should be after the change (every field is replaced).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct UserUpdate {
    #[schema(required = true)]
    pub username: String,
    #[schema(required = true)]
    pub display_name: String,
    #[schema(required = true)]
    pub role: String,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl From<UserUpdate> for UserInput {
    fn from(u: UserUpdate) -> Self {
        UserInput {
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            department_id: u.department_id,
            enterprise_id: u.enterprise_id,
            phone: u.phone,
            email: u.email,
        }
    }
}

/// The user just created.
#[derive(Serialize, ToSchema)]
pub struct UserCreated {
    #[serde(flatten)]
    pub user: UserDto,
    /// The generated temporary password, shown this once; absent when the request gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temporary_password: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PasswordReset {
    /// The new temporary password; generated when left out.
    pub password: Option<String>,
}

/// The new temporary password, which the user must change at the next sign-in.
#[derive(Serialize, ToSchema)]
pub struct TemporaryPassword {
    pub temporary_password: String,
}

/// List users within the caller's data scope.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserListQuery),
    responses((status = 200, body = ListBody<UserDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<UserListQuery>,
) -> Result<Json<ListBody<UserDto>>, ApiError> {
    let filter = UserFilter {
        q: q.q,
        role: q.role,
        department_id: q.department_id,
        active: q.active,
        sort: q.sort,
        dir: q.dir,
    };
    let page = wujin_app::users::list(
        &state.app,
        &user.ctx,
        &filter,
        page_request(q.page, q.page_size, q.per_page),
    )
    .await?;
    Ok(Json(page.into()))
}

/// Create a user with a temporary password.
///
/// The caller may grant only roles and units within their own scope: an administrator
/// anything, department and town staff their own kind of role (or cadre) in their own unit
/// tree. A refused role or unit is a 422 naming the field.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserCreate,
    responses((status = 201, body = UserCreated), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "invalid input; nothing was created", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<UserCreate>,
) -> Result<(StatusCode, Json<UserCreated>), ApiError> {
    let given = req.password.clone().filter(|p| !p.is_empty());
    let password = given
        .clone()
        .unwrap_or_else(wujin_app::users::generate_temporary_password);
    let input = UserInput {
        username: req.username,
        display_name: req.display_name,
        role: req.role,
        department_id: req.department_id,
        enterprise_id: req.enterprise_id,
        phone: req.phone,
        email: req.email,
    };
    let created_user = wujin_app::users::create(&state.app, &user.ctx, &input, &password).await?;
    Ok(created(UserCreated {
        user: created_user.into(),
        temporary_password: given.is_none().then_some(password),
    }))
}

/// One user (the caller's own account, or one within their scope).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = UserDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no such user, or outside the caller's scope", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(
        wujin_app::users::get(&state.app, &user.ctx, id)
            .await?
            .into(),
    ))
}

/// Change a user. The change is audited (see the history).
///
/// A change of role or unit ends the user's sessions.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path, description = "user id")), request_body = UserUpdate,
    responses((status = 200, body = UserDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, description = "invalid input; nothing was changed", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<UserUpdate>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(
        wujin_app::users::update(&state.app, &user.ctx, id, &req.into())
            .await?
            .into(),
    ))
}

/// Disable a user: their sessions end and their tokens stop working.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "users", params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = UserDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "one cannot disable oneself", body = ErrorBody)))]
pub async fn disable(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(
        wujin_app::users::set_active(&state.app, &user.ctx, id, false)
            .await?
            .into(),
    ))
}

/// Re-enable a disabled user.
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "users", params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = UserDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn enable(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<UserDto>, ApiError> {
    Ok(Json(
        wujin_app::users::set_active(&state.app, &user.ctx, id, true)
            .await?
            .into(),
    ))
}

/// Give a user a new temporary password; their sessions end.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "users", params(("id" = i64, Path, description = "user id")),
    request_body(content = PasswordReset, description = "optional; an empty body generates a password"),
    responses((status = 200, body = TemporaryPassword), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<TemporaryPassword>, ApiError> {
    let req: PasswordReset = if body.iter().all(u8::is_ascii_whitespace) {
        PasswordReset::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| crate::api::invalid("body", "api_docs.error.body", e.to_string()))?
    };
    let password = req
        .password
        .filter(|p| !p.is_empty())
        .unwrap_or_else(wujin_app::users::generate_temporary_password);
    wujin_app::users::reset_password(&state.app, &user.ctx, id, &password).await?;
    Ok(Json(TemporaryPassword {
        temporary_password: password,
    }))
}

/// The audit history of a user, newest first (at most 200 events).
#[utoipa::path(get, path = "/api/v1/users/{id}/history", tag = "users", params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = Vec<AuditEventDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AuditEventDto>>, ApiError> {
    // Seeing the user is what entitles the caller to their history.
    let u = wujin_app::users::get(&state.app, &user.ctx, id).await?;
    let events = wujin_app::audit::history_of(&state.app, "user", &u.id.to_string(), 200).await?;
    Ok(Json(events.into_iter().map(Into::into).collect()))
}
