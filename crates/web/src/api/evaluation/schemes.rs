//! Evaluation schemes (评价方案) over JSON: list, read, create from a year's defaults, replace
//! (the office; refused with 409 once frozen), copy, TOML import and export, and benchmarks
//! from the county's averages of a year.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use wujin_app::evaluation::schemes::{self as app_schemes, SchemeDetail, SchemeSummary};
use wujin_app::{AppError, FieldError};
use wujin_domain::evaluation::EvaluationScheme;
use wujin_domain::evaluation::scheme::{BenchmarkChange, scale_prefix};

use crate::api::{ApiJson, ApiQuery, ErrorBody, ListBody, PageQuery, created, invalid};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/evaluation/schemes", get(list).post(create))
        .route("/evaluation/schemes/import", post(import))
        .route("/evaluation/schemes/{id}", get(show).put(update))
        .route("/evaluation/schemes/{id}/copy", post(copy))
        .route("/evaluation/schemes/{id}/toml", get(toml))
        .route("/evaluation/schemes/{id}/benchmarks", post(benchmarks))
}

/// A scheme in the list.
#[derive(Serialize, ToSchema)]
pub struct SchemeSummaryDto {
    pub id: i64,
    pub name: String,
    pub year: i32,
    /// Marked frozen when a run under it was published.
    pub frozen: bool,
    /// Runs computed under the scheme.
    pub runs: u64,
    /// Of which published, final or superseded.
    pub published_runs: u64,
    /// May no longer be changed (frozen, or used by a published run): copy it instead.
    pub locked: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<SchemeSummary> for SchemeSummaryDto {
    fn from(s: SchemeSummary) -> Self {
        SchemeSummaryDto {
            id: s.id,
            name: s.name,
            year: s.year,
            frozen: s.frozen,
            runs: s.runs,
            published_runs: s.published_runs,
            locked: s.locked,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A scheme with its rules.
#[derive(Serialize, ToSchema)]
pub struct SchemeDto {
    #[serde(flatten)]
    pub summary: SchemeSummaryDto,
    /// Every setting, as in the TOML: `name`, `year`, `above` and `below` (`items` of
    /// `{indicator, weight, benchmark}`, `cap_multiple` (absent: no cap), `floor`), `cuts`
    /// (`a`, `b`, `c` in basis points of the group, 2000 = 20 %), `below_min_land_mu`,
    /// `rank_by_industry_group`, `vetoes` (each `at_best_c` | `force_d` | absent),
    /// `unrated_as`, `publicity_days`, `measures`, `low_end`, `adjustments` (`items` of `{tag,
    /// label, points}`, `bonus_cap`, `penalty_cap`).
    #[schema(value_type = Object)]
    pub scheme: serde_json::Value,
}

impl From<SchemeDetail> for SchemeDto {
    fn from(d: SchemeDetail) -> Self {
        SchemeDto {
            scheme: serde_json::to_value(&d.scheme).unwrap_or_default(),
            summary: d.summary.into(),
        }
    }
}

/// Every scheme, newest year first (everyone who reads the evaluation).
#[utoipa::path(get, path = "/api/v1/evaluation/schemes", tag = "evaluation_schemes", params(PageQuery),
    responses((status = 200, body = ListBody<SchemeSummaryDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<SchemeSummaryDto>>, ApiError> {
    let all = app_schemes::list(&state.app, &user.ctx).await?;
    Ok(Json(ListBody::from_all(
        all.into_iter().map(Into::into).collect(),
        page.request(),
    )))
}

/// A new scheme.
#[derive(Deserialize, ToSchema)]
pub struct CreateSchemeRequest {
    /// The evaluation year; the scheme starts from that year's defaults.
    pub year: i32,
    /// Default: the year's default name (made unique).
    pub name: Option<String>,
    /// Benchmarks from the county's averages of this year; default: the default benchmarks.
    pub benchmarks_from: Option<i32>,
}

/// Create a scheme from a year's defaults (the evaluation office). Audited.
#[utoipa::path(post, path = "/api/v1/evaluation/schemes", tag = "evaluation_schemes", request_body = CreateSchemeRequest,
    responses((status = 201, body = SchemeDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "a bad year, a taken name, or no figures for `benchmarks_from`", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<CreateSchemeRequest>,
) -> Result<(StatusCode, Json<SchemeDto>), ApiError> {
    let d = app_schemes::create(
        &state.app,
        &user.ctx,
        req.year,
        req.name.as_deref(),
        req.benchmarks_from,
    )
    .await?;
    Ok(created(d.into()))
}

/// One scheme with every setting.
#[utoipa::path(get, path = "/api/v1/evaluation/schemes/{id}", tag = "evaluation_schemes", params(("id" = i64, Path, description = "scheme id")),
    responses((status = 200, body = SchemeDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<SchemeDto>, ApiError> {
    Ok(Json(
        app_schemes::get(&state.app, &user.ctx, id).await?.into(),
    ))
}

/// A scheme's new settings.
#[derive(Deserialize, ToSchema)]
pub struct UpdateSchemeRequest {
    /// Every setting, shaped as `scheme` in the answer of `GET /api/v1/evaluation/schemes/{id}`.
    #[schema(value_type = Object)]
    pub scheme: serde_json::Value,
}

/// Reads a scheme from JSON; a wrong shape is a 422 on `scheme`.
fn scheme_from_json(v: serde_json::Value) -> Result<EvaluationScheme, ApiError> {
    serde_json::from_value(v).map_err(|e| invalid("scheme", "error.scheme.syntax", e.to_string()))
}

/// Replace a scheme's settings (the evaluation office). A frozen scheme — used by a published
/// run — answers 409: copy it and change the copy. Audited with the TOML before and after.
#[utoipa::path(put, path = "/api/v1/evaluation/schemes/{id}", tag = "evaluation_schemes", params(("id" = i64, Path, description = "scheme id")),
    request_body = UpdateSchemeRequest,
    responses((status = 200, body = SchemeDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the scheme is frozen (`error.scheme.frozen`): copy it", body = ErrorBody),
        (status = 422, description = "invalid settings: `fields` names each by its path, e.g. `above.items.0.weight`", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<UpdateSchemeRequest>,
) -> Result<Json<SchemeDto>, ApiError> {
    let scheme = scheme_from_json(req.scheme)?;
    Ok(Json(
        app_schemes::update(&state.app, &user.ctx, id, scheme)
            .await?
            .into(),
    ))
}

/// The copy's name.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CopySchemeRequest {
    /// Default: "name（副本）" (made unique).
    pub name: Option<String>,
}

/// Copy a scheme into a new, unfrozen one (the evaluation office). Audited.
#[utoipa::path(post, path = "/api/v1/evaluation/schemes/{id}/copy", tag = "evaluation_schemes", params(("id" = i64, Path, description = "scheme id")),
    request_body(content = CopySchemeRequest, description = "optional"),
    responses((status = 201, body = SchemeDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, description = "the name is taken or too long", body = ErrorBody)))]
pub async fn copy(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<(StatusCode, Json<SchemeDto>), ApiError> {
    let req: CopySchemeRequest = if body.iter().all(u8::is_ascii_whitespace) {
        CopySchemeRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| invalid("body", "api_docs.error.body", e.to_string()))?
    };
    let d = app_schemes::copy(&state.app, &user.ctx, id, req.name.as_deref()).await?;
    Ok(created(d.into()))
}

/// The scheme as TOML (the format of the import).
#[utoipa::path(get, path = "/api/v1/evaluation/schemes/{id}/toml", tag = "evaluation_schemes", params(("id" = i64, Path, description = "scheme id")),
    responses((status = 200, description = "the TOML text", content_type = "application/toml"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn toml(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (name, text) = app_schemes::export_toml(&state.app, &user.ctx, id).await?;
    Ok(crate::pages::evaluation::schemes::toml_response(
        &name, text,
    ))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Replace this (unfrozen) scheme instead of creating a new one.
    pub replace: Option<i64>,
}

/// A scheme's TOML text as the request body.
#[derive(ToSchema)]
#[schema(value_type = String)]
pub struct SchemeToml(pub String);

/// Import a scheme from TOML (the request body, UTF-8, at most 256 KB): a new scheme, or with
/// `replace` the settings of an unfrozen scheme replaced (the evaluation office). Audited.
#[utoipa::path(post, path = "/api/v1/evaluation/schemes/import", tag = "evaluation_schemes", params(ImportQuery),
    request_body(content = SchemeToml, content_type = "application/toml"),
    responses((status = 201, body = SchemeDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no scheme `replace`", body = ErrorBody),
        (status = 409, description = "the scheme to replace is frozen", body = ErrorBody),
        (status = 422, description = "malformed TOML (`toml`, with the parser's message and line) or invalid settings (by path)", body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<SchemeDto>), ApiError> {
    let bytes = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&body);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        ApiError(AppError::Validation(vec![FieldError::new(
            "toml",
            "error.scheme_form.encoding",
        )]))
    })?;
    let d = app_schemes::import_toml(&state.app, &user.ctx, text, q.replace).await?;
    Ok(created(d.into()))
}

/// The year whose county averages become the benchmarks.
#[derive(Deserialize, ToSchema)]
pub struct BenchmarksRequest {
    pub year: i32,
}

/// One item's benchmark before and after.
#[derive(Serialize, ToSchema)]
pub struct BenchmarkChangeDto {
    /// above | below
    pub scale: String,
    /// tax_per_mu | value_added_per_mu | … (as in the scheme)
    #[schema(value_type = String)]
    pub indicator: serde_json::Value,
    pub before: f64,
    /// The county's average; absent when nobody reported it (the benchmark is unchanged).
    pub county: Option<f64>,
}

impl From<BenchmarkChange> for BenchmarkChangeDto {
    fn from(c: BenchmarkChange) -> Self {
        BenchmarkChangeDto {
            scale: scale_prefix(c.scale).to_string(),
            indicator: serde_json::to_value(c.indicator).unwrap_or_default(),
            before: c.before,
            county: c.county,
        }
    }
}

/// The scheme with its new benchmarks, and what changed.
#[derive(Serialize, ToSchema)]
pub struct BenchmarksDto {
    pub scheme: SchemeDto,
    pub changes: Vec<BenchmarkChangeDto>,
}

/// Set every benchmark to the county's average of `year` (Σ numerator ÷ Σ denominator over
/// the firms reporting both) and save the scheme (the evaluation office; 409 once frozen).
/// Audited.
#[utoipa::path(post, path = "/api/v1/evaluation/schemes/{id}/benchmarks", tag = "evaluation_schemes", params(("id" = i64, Path, description = "scheme id")),
    request_body = BenchmarksRequest,
    responses((status = 200, body = BenchmarksDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the scheme is frozen", body = ErrorBody),
        (status = 422, description = "a bad year, or no figures that year", body = ErrorBody)))]
pub async fn benchmarks(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<BenchmarksRequest>,
) -> Result<Json<BenchmarksDto>, ApiError> {
    let (d, changes) = app_schemes::fill_benchmarks(&state.app, &user.ctx, id, req.year).await?;
    Ok(Json(BenchmarksDto {
        scheme: d.into(),
        changes: changes.into_iter().map(Into::into).collect(),
    }))
}

/// This part of the API document.
#[derive(OpenApi)]
#[openapi(
    paths(list, create, show, update, copy, toml, import, benchmarks),
    components(schemas(
        SchemeSummaryDto,
        SchemeDto,
        CreateSchemeRequest,
        UpdateSchemeRequest,
        CopySchemeRequest,
        SchemeToml,
        BenchmarksRequest,
        BenchmarkChangeDto,
        BenchmarksDto
    )),
    tags((name = "evaluation_schemes", description = "Evaluation schemes (评价方案): indicators, weights, benchmarks, cuts, vetoes, bonus and penalty items, class-measure rates; TOML import and export. Frozen once a published run used them."))
)]
pub struct Doc;
