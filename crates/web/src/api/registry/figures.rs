//! One firm's yearly figures (年度数据) and land (用地) over JSON.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use wujin_app::registry::figures::{FiguresView, SourceStamp};
use wujin_app::registry::land::ParcelUseView;
use wujin_app::{AppError, FieldError};
use wujin_domain::enterprise::FigureSource;

use super::NamedDto;
use crate::api::{ApiJson, ErrorBody};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/enterprises/{id}/figures", get(list))
        .route("/enterprises/{id}/figures/{year}", put(update))
        .route("/enterprises/{id}/land", get(land))
}

/// Reads a figure source: its code (`tax`, `statistics`, `power`, `self_reported`, `town`),
/// a short form (`stats`, `enterprise`) or the Chinese label (税务, 统计, 电力, 企业填报, 镇街).
pub fn parse_source(s: &str) -> Option<FigureSource> {
    let s = s.trim();
    match s.to_ascii_lowercase().as_str() {
        "stats" => Some(FigureSource::Statistics),
        "enterprise" | "self" => Some(FigureSource::SelfReported),
        lower => FigureSource::parse(lower).or_else(|| FigureSource::parse_label(s)),
    }
}

/// Who loaded a figure, from where, when.
#[derive(Serialize, ToSchema)]
pub struct SourceStampDto {
    /// tax | statistics | power | self_reported | town
    pub source: String,
    /// The user who loaded it.
    pub by: String,
    /// When, RFC 3339.
    pub at: String,
}

impl From<SourceStamp> for SourceStampDto {
    fn from(s: SourceStamp) -> Self {
        SourceStampDto {
            source: s.source,
            by: s.by,
            at: s.at,
        }
    }
}

/// One firm's figures for one year.
#[derive(Serialize, ToSchema)]
pub struct FiguresDto {
    pub year: i32,
    /// Every figure by key, `null` when blank, as stored: money (`*_yuan`) in whole 元,
    /// counts whole (kWh, m³, persons), quantities decimal (tce, t, 亩), flags true/false.
    #[schema(value_type = Object)]
    pub values: BTreeMap<String, Option<Value>>,
    /// Where each loaded figure came from, by key.
    pub sources: BTreeMap<String, SourceStampDto>,
    /// Land from the firm's parcels in use that year (owned + leased), 亩.
    pub parcel_land_mu: f64,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<FiguresView> for FiguresDto {
    fn from(f: FiguresView) -> Self {
        FiguresDto {
            year: f.year,
            values: f
                .values
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.map(|v| v.to_json())))
                .collect(),
            sources: f.sources.into_iter().map(|(k, s)| (k, s.into())).collect(),
            parcel_land_mu: f.parcel_land_mu,
            updated_at: f.updated_at,
        }
    }
}

/// Figures to set for one year; figures not named keep their values.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct FiguresRequest {
    /// Figure key → value as a person enters it: money (`*_yuan`) in 万元 (`1,234.5`), counts
    /// and quantities as plain numbers, flags `true`/`false` (or 是/否). Text or JSON numbers;
    /// an empty string or `null` clears the figure.
    #[schema(value_type = Object, required = true)]
    pub values: BTreeMap<String, Value>,
    /// tax | statistics | power | self_reported | town (or 税务 统计 电力 企业填报 镇街)
    #[schema(required = true)]
    pub source: String,
}

/// A parcel the firm uses (or used), with every firm using it.
#[derive(Serialize, ToSchema)]
pub struct ParcelUseDto {
    pub use_id: i64,
    pub parcel_id: i64,
    /// 不动产权证号.
    pub certificate_no: String,
    /// The parcel's certified area, 亩.
    pub parcel_area_mu: f64,
    pub location: Option<String>,
    /// owned | leased
    pub tenure: String,
    pub lessor: Option<String>,
    /// The area this firm uses, 亩.
    pub area_mu: f64,
    pub from_year: Option<i32>,
    pub to_year: Option<i32>,
    /// Every firm using the parcel (this one included).
    pub users: Vec<NamedDto>,
}

impl From<ParcelUseView> for ParcelUseDto {
    fn from(u: ParcelUseView) -> Self {
        ParcelUseDto {
            use_id: u.use_id,
            parcel_id: u.parcel_id,
            certificate_no: u.certificate_no,
            parcel_area_mu: u.parcel_area_mu,
            location: u.location,
            tenure: u.tenure,
            lessor: u.lessor,
            area_mu: u.area_mu,
            from_year: u.from_year,
            to_year: u.to_year,
            users: u.users.into_iter().map(Into::into).collect(),
        }
    }
}

/// A firm's figures, newest year first.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/figures", tag = "enterprises", operation_id = "enterprises_figures", params(("id" = i64, Path, description = "enterprise id")),
    responses((status = 200, body = Vec<FiguresDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no such firm, or outside the caller's scope", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<FiguresDto>>, ApiError> {
    let rows = wujin_app::registry::figures::of_enterprise(&state.app, &user.ctx, id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// The text form of a JSON value as a person would have typed it.
fn as_text(key: &str, v: Value) -> Result<String, FieldError> {
    match v {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Array(_) | Value::Object(_) => {
            Err(FieldError::new(key, "api_docs.error.figure_value"))
        }
    }
}

/// Set some figures of one firm and year, each stamped with the source, the caller and the
/// time (city departments and town staff). The change is audited; the firm's scale follows a
/// changed main revenue unless it was set by hand.
#[utoipa::path(put, path = "/api/v1/enterprises/{id}/figures/{year}", tag = "enterprises", operation_id = "enterprises_update_figures",
    params(("id" = i64, Path, description = "enterprise id"), ("year" = i32, Path, description = "the year, 1990–2100")),
    request_body = FiguresRequest,
    responses((status = 200, body = FiguresDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, description = "a wrong value, key or source (each named); nothing was changed", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, year)): Path<(i64, i32)>,
    ApiJson(req): ApiJson<FiguresRequest>,
) -> Result<Json<FiguresDto>, ApiError> {
    let mut errors = Vec::new();
    let source = parse_source(&req.source);
    if source.is_none() {
        errors.push(FieldError::with_detail(
            "source",
            "api_docs.error.source_invalid",
            req.source.clone(),
        ));
    }
    let mut values = BTreeMap::new();
    for (k, v) in req.values {
        match as_text(&k, v) {
            Ok(t) => {
                values.insert(k, t);
            }
            Err(e) => errors.push(e),
        }
    }
    let Some(source) = source.filter(|_| errors.is_empty()) else {
        return Err(ApiError(AppError::Validation(errors)));
    };
    let view =
        wujin_app::registry::figures::update(&state.app, &user.ctx, id, year, &values, source)
            .await?;
    Ok(Json(view.into()))
}

/// The parcels a firm uses (or used), owned and leased.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/land", tag = "enterprises", operation_id = "enterprises_land", params(("id" = i64, Path, description = "enterprise id")),
    responses((status = 200, body = Vec<ParcelUseDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no such firm, or outside the caller's scope", body = ErrorBody)))]
pub async fn land(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ParcelUseDto>>, ApiError> {
    let uses = wujin_app::registry::land::of_enterprise(&state.app, &user.ctx, id).await?;
    Ok(Json(uses.into_iter().map(Into::into).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_by_code_short_form_and_label() {
        assert_eq!(parse_source("tax"), Some(FigureSource::Tax));
        assert_eq!(parse_source(" Stats "), Some(FigureSource::Statistics));
        assert_eq!(parse_source("enterprise"), Some(FigureSource::SelfReported));
        assert_eq!(
            parse_source("self_reported"),
            Some(FigureSource::SelfReported)
        );
        assert_eq!(parse_source("镇街"), Some(FigureSource::Town));
        assert_eq!(parse_source("电力"), Some(FigureSource::Power));
        assert_eq!(parse_source("gossip"), None);
        assert_eq!(parse_source(""), None);
    }

    #[test]
    fn json_values_become_text() {
        assert_eq!(as_text("k", serde_json::json!(12.5)).unwrap(), "12.5");
        assert_eq!(as_text("k", serde_json::json!("1,234")).unwrap(), "1,234");
        assert_eq!(as_text("k", Value::Null).unwrap(), "");
        assert_eq!(as_text("k", serde_json::json!(true)).unwrap(), "true");
        assert_eq!(as_text("k", serde_json::json!([1])).unwrap_err().field, "k");
    }
}
