//! The audit log (审计日志) over JSON: every change, who made it, before and after.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wujin_app::audit::{AuditEventDetail, AuditEventView, AuditFilter};

use crate::api::{ApiQuery, ErrorBody, ListBody, collect, page_request, parse_time};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(list))
        .route("/audit/entities", get(entities))
        .route("/audit/{id}", get(show))
}

/// One recorded change.
#[derive(Serialize, ToSchema)]
pub struct AuditEventDto {
    /// Position in the tamper-evident chain.
    pub id: i64,
    /// When, RFC 3339 in UTC.
    pub at: String,
    /// The acting user; absent for the platform itself (seeding, command line).
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    /// create | update | disable | enable | reset_password | change_password | revoke | …
    pub action: String,
    /// user | department | api_token | calendar_year | …
    pub entity: String,
    pub entity_id: String,
    /// The record before the change (absent for a creation).
    pub before: Option<serde_json::Value>,
    /// The record after the change.
    pub after: Option<serde_json::Value>,
    /// Top-level fields whose value differs between before and after.
    pub changed_fields: Vec<String>,
    pub request_id: String,
    pub ip: String,
}

impl From<AuditEventView> for AuditEventDto {
    fn from(e: AuditEventView) -> Self {
        AuditEventDto {
            id: e.id,
            at: e.at,
            actor_user_id: e.actor_user_id,
            actor_name: e.actor_name,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            before: e.before,
            after: e.after,
            changed_fields: e.changed_fields,
            request_id: e.request_id,
            ip: e.ip,
        }
    }
}

/// One event with its links in the hash chain.
#[derive(Serialize, ToSchema)]
pub struct AuditEventDetailDto {
    #[serde(flatten)]
    pub event: AuditEventDto,
    /// Hash of the previous event (the chain link).
    pub prev_hash: String,
    /// sha256 over this event's fields and `prev_hash`.
    pub hash: String,
}

impl From<AuditEventDetail> for AuditEventDetailDto {
    fn from(d: AuditEventDetail) -> Self {
        AuditEventDetailDto {
            event: d.event.into(),
            prev_hash: d.prev_hash,
            hash: d.hash,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Changes made by this user id.
    pub actor_user_id: Option<i64>,
    /// Changes made by this username (exact).
    pub actor: Option<String>,
    /// user | department | api_token | calendar_year | …
    pub entity: Option<String>,
    /// The record's id (with `entity`).
    pub entity_id: Option<String>,
    /// create | update | disable | …
    pub action: Option<String>,
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

/// Browse the audit log, newest first (administrators and city leaders).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = ListBody<AuditEventDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<ListBody<AuditEventDto>>, ApiError> {
    let times = collect(vec![parse_time("from", &q.from), parse_time("to", &q.to)])?;
    let filter = AuditFilter {
        actor_user_id: q.actor_user_id,
        actor_name: q.actor.map(|s| s.trim().to_string()),
        entity: q.entity,
        entity_id: q.entity_id,
        action: q.action,
        from: times[0],
        to: times[1],
    };
    let page = wujin_app::audit::list(
        &state.app,
        &user.ctx,
        &filter,
        page_request(q.page, q.page_size, q.per_page),
    )
    .await?;
    Ok(Json(page.into()))
}

/// The entity names present in the log (for a filter).
#[utoipa::path(get, path = "/api/v1/audit/entities", tag = "audit",
    responses((status = 200, body = Vec<String>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn entities(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(
        wujin_app::audit::entities(&state.app, &user.ctx).await?,
    ))
}

/// One event, with its chain links (administrators and city leaders).
#[utoipa::path(get, path = "/api/v1/audit/{id}", tag = "audit", params(("id" = i64, Path, description = "event id")),
    responses((status = 200, body = AuditEventDetailDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<AuditEventDetailDto>, ApiError> {
    Ok(Json(
        wujin_app::audit::get(&state.app, &user.ctx, id)
            .await?
            .into(),
    ))
}
