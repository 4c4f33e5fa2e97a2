//! The registry's dictionaries (字典) over JSON: industry groups (行业分组) and enterprise tags
//! (企业标签). Everyone who reads the registry reads them; administrators edit them. Entries
//! are deactivated, never deleted.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wujin_app::registry::dictionaries::{Dictionary, Entry, EntryInput};

use crate::api::{ApiJson, ApiQuery, ErrorBody, ListBody, PageQuery, created};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/industry-groups", get(list_groups).post(create_group))
        .route("/industry-groups/{id}", put(update_group))
        .route("/tags", get(list_tags).post(create_tag))
        .route("/tags/{id}", put(update_tag))
}

/// One entry of a dictionary.
#[derive(Serialize, ToSchema)]
pub struct EntryDto {
    pub id: i64,
    /// Stable code: lower-case letters, digits and `_`.
    pub code: String,
    /// The Chinese name shown and matched on import.
    pub name: String,
    pub sort_order: i32,
    /// Inactive entries stay on the firms that carry them but are not offered for new ones.
    pub active: bool,
    /// Firms using the entry.
    pub enterprises: u64,
}

impl From<Entry> for EntryDto {
    fn from(e: Entry) -> Self {
        EntryDto {
            id: e.id,
            code: e.code,
            name: e.name,
            sort_order: e.sort_order,
            active: e.active,
            enterprises: e.enterprises,
        }
    }
}

/// A new entry, or an entry as it should be.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct EntryRequest {
    /// 1–40 lower-case letters, digits or `_`; unique in the dictionary.
    #[schema(required = true)]
    pub code: String,
    /// 1–40 characters; unique in the dictionary.
    #[schema(required = true)]
    pub name: String,
    /// Display order (default 100 for a new entry; unchanged when left out).
    pub sort_order: Option<i32>,
    /// Default true for a new entry; unchanged when left out.
    pub active: Option<bool>,
}

impl From<EntryRequest> for EntryInput {
    fn from(r: EntryRequest) -> Self {
        EntryInput {
            code: r.code,
            name: r.name,
            sort_order: r.sort_order,
            active: r.active,
        }
    }
}

async fn list(
    state: &AppState,
    user: &ApiUser,
    dict: Dictionary,
    page: &PageQuery,
) -> Result<Json<ListBody<EntryDto>>, ApiError> {
    let entries = wujin_app::registry::dictionaries::list(&state.app, &user.ctx, dict).await?;
    Ok(Json(ListBody::from_all(
        entries.into_iter().map(Into::into).collect(),
        page.request(),
    )))
}

async fn create(
    state: &AppState,
    user: &ApiUser,
    dict: Dictionary,
    req: EntryRequest,
) -> Result<(StatusCode, Json<EntryDto>), ApiError> {
    let e =
        wujin_app::registry::dictionaries::create(&state.app, &user.ctx, dict, &req.into()).await?;
    Ok(created(e.into()))
}

async fn update(
    state: &AppState,
    user: &ApiUser,
    dict: Dictionary,
    id: i64,
    req: EntryRequest,
) -> Result<Json<EntryDto>, ApiError> {
    let e = wujin_app::registry::dictionaries::update(&state.app, &user.ctx, dict, id, &req.into())
        .await?;
    Ok(Json(e.into()))
}

/// The industry groups in display order (inactive ones last), with how many firms use each.
#[utoipa::path(get, path = "/api/v1/industry-groups", tag = "dictionaries", params(PageQuery),
    responses((status = 200, body = ListBody<EntryDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_groups(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<EntryDto>>, ApiError> {
    list(&state, &user, Dictionary::IndustryGroup, &page).await
}

/// Add an industry group (administrators). Audited.
#[utoipa::path(post, path = "/api/v1/industry-groups", tag = "dictionaries", request_body = EntryRequest,
    responses((status = 201, body = EntryDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "invalid or taken code or name; nothing was created", body = ErrorBody)))]
pub async fn create_group(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<EntryRequest>,
) -> Result<(StatusCode, Json<EntryDto>), ApiError> {
    create(&state, &user, Dictionary::IndustryGroup, req).await
}

/// Change an industry group (administrators). Audited.
#[utoipa::path(put, path = "/api/v1/industry-groups/{id}", tag = "dictionaries", params(("id" = i64, Path, description = "industry group id")),
    request_body = EntryRequest,
    responses((status = 200, body = EntryDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, description = "invalid or taken code or name; nothing was changed", body = ErrorBody)))]
pub async fn update_group(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<EntryRequest>,
) -> Result<Json<EntryDto>, ApiError> {
    update(&state, &user, Dictionary::IndustryGroup, id, req).await
}

/// The enterprise tags in display order (inactive ones last), with how many firms carry each.
#[utoipa::path(get, path = "/api/v1/tags", tag = "dictionaries", params(PageQuery),
    responses((status = 200, body = ListBody<EntryDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_tags(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<EntryDto>>, ApiError> {
    list(&state, &user, Dictionary::Tag, &page).await
}

/// Add a tag (administrators). Audited.
#[utoipa::path(post, path = "/api/v1/tags", tag = "dictionaries", request_body = EntryRequest,
    responses((status = 201, body = EntryDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "invalid or taken code or name; nothing was created", body = ErrorBody)))]
pub async fn create_tag(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<EntryRequest>,
) -> Result<(StatusCode, Json<EntryDto>), ApiError> {
    create(&state, &user, Dictionary::Tag, req).await
}

/// Change a tag (administrators). Audited.
#[utoipa::path(put, path = "/api/v1/tags/{id}", tag = "dictionaries", params(("id" = i64, Path, description = "tag id")),
    request_body = EntryRequest,
    responses((status = 200, body = EntryDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, description = "invalid or taken code or name; nothing was changed", body = ErrorBody)))]
pub async fn update_tag(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<EntryRequest>,
) -> Result<Json<EntryDto>, ApiError> {
    update(&state, &user, Dictionary::Tag, id, req).await
}
