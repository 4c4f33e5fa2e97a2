//! The departments tree (组织架构) over JSON: city, departments, streets, towns, the zone.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wujin_app::departments::{DepartmentFilter, DepartmentInput, DepartmentView};
use wujin_storage::entity::department;

use crate::api::{ApiJson, ApiQuery, ErrorBody, created};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/departments", get(list).post(create))
        .route("/departments/{id}", get(show).put(update))
        .route("/departments/{id}/disable", post(disable))
        .route("/departments/{id}/enable", post(enable))
}

/// A unit in the tree, as lists show it.
#[derive(Serialize, ToSchema)]
pub struct DepartmentListItem {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub parent_name: Option<String>,
    /// city | department | street | town | zone
    pub kind: String,
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub sort_order: i32,
    pub active: bool,
    /// Depth in the tree (0 for the city).
    pub depth: usize,
    /// Active users of the unit.
    pub user_count: u64,
}

impl From<DepartmentView> for DepartmentListItem {
    fn from(d: DepartmentView) -> Self {
        DepartmentListItem {
            id: d.id,
            parent_id: d.parent_id,
            parent_name: d.parent_name,
            kind: d.kind,
            code: d.code,
            name: d.name,
            short_name: d.short_name,
            sort_order: d.sort_order,
            active: d.active,
            depth: d.depth,
            user_count: d.user_count,
        }
    }
}

/// One unit.
#[derive(Serialize, ToSchema)]
pub struct DepartmentDto {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// city | department | street | town | zone
    pub kind: String,
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub sort_order: i32,
    pub active: bool,
    /// Outgoing webhook for the unit's supervision reminders.
    pub webhook_url: Option<String>,
    /// 负责人: the user told when the unit's service cases run late.
    pub head_user_id: Option<i64>,
    /// 分管领导: the leader told when they run later still.
    pub leader_user_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<department::Model> for DepartmentDto {
    fn from(d: department::Model) -> Self {
        DepartmentDto {
            id: d.id,
            parent_id: d.parent_id,
            kind: d.kind,
            code: d.code,
            name: d.name,
            short_name: d.short_name,
            sort_order: d.sort_order,
            active: d.active,
            webhook_url: d.webhook_url,
            head_user_id: d.head_user_id,
            leader_user_id: d.leader_user_id,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DepartmentListQuery {
    /// Part of the name, short name or code.
    pub q: Option<String>,
    /// city | department | street | town | zone
    pub kind: Option<String>,
    /// `true` active units only, `false` disabled ones only.
    pub active: Option<bool>,
}

/// A unit as it should be (create, or replace every field).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DepartmentRequest {
    /// Required except for the city itself.
    pub parent_id: Option<i64>,
    /// city | department | street | town | zone
    #[schema(required = true)]
    pub kind: String,
    /// 2–32 lower-case letters, digits, `_` or `-`; unique.
    #[schema(required = true)]
    pub code: String,
    #[schema(required = true)]
    pub name: String,
    pub short_name: Option<String>,
    /// Order among siblings (default 100).
    pub sort_order: Option<i32>,
    /// Outgoing webhook (`http://…` on the city network) to which the unit's supervision
    /// reminders are also POSTed as JSON; absent or empty for none.
    pub webhook_url: Option<String>,
    /// 负责人: an active user of this unit (so none when creating it), told when a service
    /// case the unit leads is overdue past the head threshold; absent for none.
    pub head_user_id: Option<i64>,
    /// 分管领导: an active user with the role leader, told when such a case is overdue past
    /// the leader threshold; absent for none.
    pub leader_user_id: Option<i64>,
}

impl From<DepartmentRequest> for DepartmentInput {
    fn from(r: DepartmentRequest) -> Self {
        DepartmentInput {
            parent_id: r.parent_id,
            kind: r.kind,
            code: r.code,
            name: r.name,
            short_name: r.short_name,
            sort_order: r.sort_order,
            webhook_url: r.webhook_url,
            head_user_id: r.head_user_id,
            leader_user_id: r.leader_user_id,
        }
    }
}

/// The tree in display order (parents before children), filtered.
#[utoipa::path(get, path = "/api/v1/departments", tag = "departments", params(DepartmentListQuery),
    responses((status = 200, body = Vec<DepartmentListItem>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<DepartmentListQuery>,
) -> Result<Json<Vec<DepartmentListItem>>, ApiError> {
    let f = DepartmentFilter {
        q: q.q,
        kind: q.kind,
        active: q.active,
    };
    let items = wujin_app::departments::list(&state.app, &user.ctx, &f).await?;
    Ok(Json(items.into_iter().map(Into::into).collect()))
}

/// Create a unit (administrators).
#[utoipa::path(post, path = "/api/v1/departments", tag = "departments", request_body = DepartmentRequest,
    responses((status = 201, body = DepartmentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "invalid input; nothing was created", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<DepartmentRequest>,
) -> Result<(StatusCode, Json<DepartmentDto>), ApiError> {
    let d = wujin_app::departments::create(&state.app, &user.ctx, &req.into()).await?;
    Ok(created(d.into()))
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/departments/{id}", tag = "departments", params(("id" = i64, Path, description = "unit id")),
    responses((status = 200, body = DepartmentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<DepartmentDto>, ApiError> {
    Ok(Json(
        wujin_app::departments::get(&state.app, &user.ctx, id)
            .await?
            .into(),
    ))
}

/// Change a unit (administrators). A unit cannot be moved below itself.
#[utoipa::path(put, path = "/api/v1/departments/{id}", tag = "departments", params(("id" = i64, Path, description = "unit id")), request_body = DepartmentRequest,
    responses((status = 200, body = DepartmentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, description = "invalid input; nothing was changed", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<DepartmentRequest>,
) -> Result<Json<DepartmentDto>, ApiError> {
    Ok(Json(
        wujin_app::departments::update(&state.app, &user.ctx, id, &req.into())
            .await?
            .into(),
    ))
}

/// Disable a unit (administrators). Refused while it has active users or active sub-units.
#[utoipa::path(post, path = "/api/v1/departments/{id}/disable", tag = "departments", params(("id" = i64, Path, description = "unit id")),
    responses((status = 200, body = DepartmentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "the unit still has active users or sub-units", body = ErrorBody)))]
pub async fn disable(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<DepartmentDto>, ApiError> {
    Ok(Json(
        wujin_app::departments::set_active(&state.app, &user.ctx, id, false)
            .await?
            .into(),
    ))
}

/// Re-enable a unit (administrators).
#[utoipa::path(post, path = "/api/v1/departments/{id}/enable", tag = "departments", params(("id" = i64, Path, description = "unit id")),
    responses((status = 200, body = DepartmentDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn enable(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<DepartmentDto>, ApiError> {
    Ok(Json(
        wujin_app::departments::set_active(&state.app, &user.ctx, id, true)
            .await?
            .into(),
    ))
}
