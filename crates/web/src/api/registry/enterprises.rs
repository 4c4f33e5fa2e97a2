//! 企业库 over JSON: the filtered, sorted, paged list of firms, one firm's profile, and
//! registering or changing a firm.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wujin_app::registry::edit::EnterpriseInput;
use wujin_app::registry::{EnterpriseDetail, EnterpriseView};

use super::{EnterpriseFilterQuery, NamedDto};
use crate::api::{ApiJson, ApiQuery, ErrorBody, ListBody, PageQuery, created};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/enterprises", get(list).post(create))
        .route("/enterprises/{id}", get(show).put(update))
}

/// A firm of the registry.
#[derive(Serialize, ToSchema)]
pub struct EnterpriseDto {
    pub id: i64,
    /// 统一社会信用代码 (18 characters, upper-case).
    pub credit_code: String,
    pub name: String,
    pub short_name: Option<String>,
    /// The town (镇街) the firm belongs to.
    pub town_id: i64,
    pub town_name: String,
    pub park: Option<String>,
    pub industry_group_id: i64,
    pub industry_group_name: String,
    /// 国民经济行业代码 (GB/T 4754), e.g. C3324.
    pub industry_code: Option<String>,
    /// above (规上) | below (规下); absent while no revenue is known.
    pub scale: Option<String>,
    /// The scale was set by hand instead of derived from the latest main revenue.
    pub scale_overridden: bool,
    pub scale_override_reason: Option<String>,
    /// operating | suspended | closed | moved_out | deregistered
    pub status: String,
    pub founded_on: Option<NaiveDate>,
    pub address: Option<String>,
    pub legal_rep: Option<String>,
    pub contact_person: Option<String>,
    /// Masked (`139****5678`) unless the caller may see phone numbers.
    pub contact_phone: Option<String>,
    pub tags: Vec<NamedDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<EnterpriseView> for EnterpriseDto {
    fn from(e: EnterpriseView) -> Self {
        EnterpriseDto {
            id: e.id,
            credit_code: e.credit_code,
            name: e.name,
            short_name: e.short_name,
            town_id: e.town_id,
            town_name: e.town_name,
            park: e.park,
            industry_group_id: e.industry_group_id,
            industry_group_name: e.industry_group_name,
            industry_code: e.industry_code,
            scale: e.scale,
            scale_overridden: e.scale_overridden,
            scale_override_reason: e.scale_override_reason,
            status: e.status,
            founded_on: e.founded_on,
            address: e.address,
            legal_rep: e.legal_rep,
            contact_person: e.contact_person,
            contact_phone: e.contact_phone,
            tags: e.tags.into_iter().map(Into::into).collect(),
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A firm's profile with its responsible cadres (包联干部).
#[derive(Serialize, ToSchema)]
pub struct EnterpriseDetailDto {
    #[serde(flatten)]
    pub enterprise: EnterpriseDto,
    pub cadres: Vec<NamedDto>,
}

impl From<EnterpriseDetail> for EnterpriseDetailDto {
    fn from(d: EnterpriseDetail) -> Self {
        EnterpriseDetailDto {
            enterprise: d.enterprise.into(),
            cadres: d.cadres.into_iter().map(Into::into).collect(),
        }
    }
}

/// A firm as it should be (create, or replace every field).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct EnterpriseRequest {
    /// 统一社会信用代码, checked digit included (GB 32100-2015); unique.
    #[schema(required = true)]
    pub credit_code: String,
    #[schema(required = true)]
    pub name: String,
    pub short_name: Option<String>,
    /// The town (unit id); town staff may only use their own.
    #[schema(required = true)]
    pub town_id: Option<i64>,
    pub park: Option<String>,
    /// See `/api/v1/industry-groups`.
    #[schema(required = true)]
    pub industry_group_id: Option<i64>,
    /// 国民经济行业代码 (GB/T 4754), e.g. C3324.
    pub industry_code: Option<String>,
    /// operating (default) | suspended | closed | moved_out | deregistered, or the Chinese label.
    pub status: Option<String>,
    /// `2015-03-01`, `2015年3月1日`, …
    pub founded_on: Option<String>,
    pub address: Option<String>,
    pub legal_rep: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    /// See `/api/v1/tags`.
    pub tag_ids: Vec<i64>,
    /// User ids of the responsible cadres.
    pub cadre_ids: Vec<i64>,
    /// above | below to set the scale by hand; absent to derive it from the latest main revenue.
    pub scale_override: Option<String>,
    /// Required with `scale_override`.
    pub scale_override_reason: Option<String>,
}

impl From<EnterpriseRequest> for EnterpriseInput {
    fn from(r: EnterpriseRequest) -> Self {
        EnterpriseInput {
            credit_code: r.credit_code,
            name: r.name,
            short_name: r.short_name,
            town_id: r.town_id,
            park: r.park,
            industry_group_id: r.industry_group_id,
            industry_code: r.industry_code,
            status: r.status,
            founded_on: r.founded_on,
            address: r.address,
            legal_rep: r.legal_rep,
            contact_person: r.contact_person,
            contact_phone: r.contact_phone,
            tag_ids: r.tag_ids,
            cadre_ids: r.cadre_ids,
            scale_override: r.scale_override,
            scale_override_reason: r.scale_override_reason,
        }
    }
}

/// List the firms within the caller's data scope: every firm for the city, a town's firms
/// for its staff, the assigned firms for a cadre, the own firm for an enterprise user.
#[utoipa::path(get, path = "/api/v1/enterprises", tag = "enterprises", params(EnterpriseFilterQuery, PageQuery),
    responses((status = 200, body = ListBody<EnterpriseDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(filter): ApiQuery<EnterpriseFilterQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<EnterpriseDto>>, ApiError> {
    let p = wujin_app::registry::enterprises::list(
        &state.app,
        &user.ctx,
        &filter.filter(),
        page.request(),
    )
    .await?;
    Ok(Json(p.into()))
}

/// Register a firm (administrators; town staff in their own town). Audited.
#[utoipa::path(post, path = "/api/v1/enterprises", tag = "enterprises", request_body = EnterpriseRequest,
    responses((status = 201, body = EnterpriseDetailDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "invalid input (a taken credit code included); nothing was created", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<EnterpriseRequest>,
) -> Result<(StatusCode, Json<EnterpriseDetailDto>), ApiError> {
    let d = wujin_app::registry::edit::create(&state.app, &user.ctx, &req.into()).await?;
    Ok(created(d.into()))
}

/// One firm's profile with its cadres.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "enterprises", params(("id" = i64, Path, description = "enterprise id")),
    responses((status = 200, body = EnterpriseDetailDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no such firm, or outside the caller's scope", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<EnterpriseDetailDto>, ApiError> {
    Ok(Json(
        wujin_app::registry::enterprises::get(&state.app, &user.ctx, id)
            .await?
            .into(),
    ))
}

/// Change a firm's profile (every field is replaced). The change is audited.
#[utoipa::path(put, path = "/api/v1/enterprises/{id}", tag = "enterprises", params(("id" = i64, Path, description = "enterprise id")),
    request_body = EnterpriseRequest,
    responses((status = 200, body = EnterpriseDetailDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, description = "invalid input; nothing was changed", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<EnterpriseRequest>,
) -> Result<Json<EnterpriseDetailDto>, ApiError> {
    Ok(Json(
        wujin_app::registry::edit::update(&state.app, &user.ctx, id, &req.into())
            .await?
            .into(),
    ))
}
