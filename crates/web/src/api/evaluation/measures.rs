//! Class measures (差别化措施) over JSON: each firm's measures and estimated yearly amounts in
//! a run, totals by class and by town, and the xlsx export — within the caller's data scope.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use wujin_app::evaluation::measures::{
    self as app_measures, FirmMeasures, MeasureFilter, MeasureTotal, MeasureTotals,
};

use crate::api::registry::xlsx_download;
use crate::api::{ApiQuery, ErrorBody, PageQuery};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/evaluation/runs/{id}/measures", get(list))
        .route("/evaluation/runs/{id}/measures.xlsx", get(export))
}

/// Which firms.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct MeasuresQuery {
    /// A | B | C | D
    pub grade: Option<String>,
    /// Firms of this town (unit id).
    pub town: Option<i64>,
    /// land_tax_relief | power_surcharge | water_surcharge: firms with that measure.
    pub kind: Option<String>,
}

impl MeasuresQuery {
    fn filter(&self) -> MeasureFilter {
        MeasureFilter {
            grade: self.grade.clone(),
            town: self.town,
            kind: self.kind.clone(),
        }
    }
}

/// One measure with its arithmetic.
#[derive(Serialize, ToSchema)]
pub struct MeasureDto {
    /// land_tax_relief | power_surcharge | water_surcharge
    pub kind: String,
    /// Estimated yearly amount, 元 (relief: saved by the firm; surcharge: paid).
    pub amount_yuan: f64,
    /// `20.00亩 × 666.67 m²/亩 × 6.00 元/m² × 80% = 64000.00 元`
    pub basis: String,
}

/// One firm's measures.
#[derive(Serialize, ToSchema)]
pub struct FirmMeasuresDto {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub town_id: i64,
    pub town_name: String,
    /// A | B | C | D
    pub grade: String,
    /// Consecutive years in D up to the run's year (across runs; 0 unless D).
    pub years_in_d: u32,
    pub land_mu: Option<f64>,
    pub power_kwh: Option<i64>,
    pub water_m3: Option<i64>,
    pub measures: Vec<MeasureDto>,
    pub relief_yuan: f64,
    pub power_yuan: f64,
    pub water_yuan: f64,
}

impl From<FirmMeasures> for FirmMeasuresDto {
    fn from(f: FirmMeasures) -> Self {
        FirmMeasuresDto {
            enterprise_id: f.enterprise_id,
            name: f.name,
            credit_code: f.credit_code,
            town_id: f.town_id,
            town_name: f.town_name,
            grade: f.grade.as_str().to_string(),
            years_in_d: f.years_in_d,
            land_mu: f.land_mu,
            power_kwh: f.power_kwh,
            water_m3: f.water_m3,
            measures: f
                .measures
                .into_iter()
                .map(|m| MeasureDto {
                    kind: app_measures::kind_str(m.kind).to_string(),
                    amount_yuan: m.amount_yuan,
                    basis: m.basis,
                })
                .collect(),
            relief_yuan: f.relief_yuan,
            power_yuan: f.power_yuan,
            water_yuan: f.water_yuan,
        }
    }
}

/// A total over some firms.
#[derive(Serialize, ToSchema)]
pub struct MeasureTotalDto {
    /// A | B | C | D, the town's unit id, or `all`.
    pub key: String,
    pub label: String,
    pub firms: u64,
    pub relief_yuan: f64,
    pub power_yuan: f64,
    pub water_yuan: f64,
}

impl From<MeasureTotal> for MeasureTotalDto {
    fn from(t: MeasureTotal) -> Self {
        MeasureTotalDto {
            key: t.key,
            label: t.label,
            firms: t.firms,
            relief_yuan: t.relief_yuan,
            power_yuan: t.power_yuan,
            water_yuan: t.water_yuan,
        }
    }
}

/// Totals of every matching firm (all pages).
#[derive(Serialize, ToSchema)]
pub struct MeasureTotalsDto {
    /// A, B, C, D in that order.
    pub by_class: Vec<MeasureTotalDto>,
    /// Towns with firms, by name.
    pub by_town: Vec<MeasureTotalDto>,
    pub all: MeasureTotalDto,
}

impl From<MeasureTotals> for MeasureTotalsDto {
    fn from(t: MeasureTotals) -> Self {
        MeasureTotalsDto {
            by_class: t.by_class.into_iter().map(Into::into).collect(),
            by_town: t.by_town.into_iter().map(Into::into).collect(),
            all: t.all.into(),
        }
    }
}

/// The run and its scheme's rates.
#[derive(Serialize, ToSchema)]
pub struct MeasuresRunDto {
    pub id: i64,
    pub year: i32,
    /// draft | published | final | superseded
    pub status: String,
    pub scheme_id: i64,
    pub scheme_name: String,
    /// The scheme's `measures` rates.
    #[schema(value_type = Object)]
    pub rules: serde_json::Value,
}

/// A page of firms (the list convention) with the run and the totals.
#[derive(Serialize, ToSchema)]
pub struct MeasuresBody {
    pub items: Vec<FirmMeasuresDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
    pub run: MeasuresRunDto,
    pub totals: MeasureTotalsDto,
}

/// The class measures of a run: every graded firm in the caller's scope with at least one
/// measure (and matching the filters), by class then amount; totals cover all pages.
#[utoipa::path(get, path = "/api/v1/evaluation/runs/{id}/measures", tag = "evaluation_measures",
    params(("id" = i64, Path, description = "run id"), MeasuresQuery, PageQuery),
    responses((status = 200, body = MeasuresBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no such run (drafts only for the evaluation office)", body = ErrorBody),
        (status = 422, description = "a wrong grade or kind", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<MeasuresQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<MeasuresBody>, ApiError> {
    let m = app_measures::list(&state.app, &user.ctx, id, &q.filter(), page.request()).await?;
    Ok(Json(MeasuresBody {
        items: m.page.items.into_iter().map(Into::into).collect(),
        total: m.page.total,
        page: m.page.page,
        page_size: m.page.per_page,
        run: MeasuresRunDto {
            id: m.run.id,
            year: m.run.year,
            status: m.run.status,
            scheme_id: m.run.scheme_id,
            scheme_name: m.run.scheme_name,
            rules: serde_json::to_value(&m.run.rules).unwrap_or_default(),
        },
        totals: m.totals.into(),
    }))
}

/// The class measures of a run as an xlsx workbook (every matching firm; amounts in 元 with
/// the basis of each measure).
#[utoipa::path(get, path = "/api/v1/evaluation/runs/{id}/measures.xlsx", tag = "evaluation_measures",
    params(("id" = i64, Path, description = "run id"), MeasuresQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<MeasuresQuery>,
) -> Result<Response, ApiError> {
    let bytes = app_measures::export_xlsx(&state.app, &user.ctx, id, &q.filter()).await?;
    Ok(xlsx_download(&format!("差别化措施-{id}.xlsx"), bytes))
}

/// This part of the API document.
#[derive(OpenApi)]
#[openapi(
    paths(list, export),
    components(schemas(
        MeasureDto,
        FirmMeasuresDto,
        MeasureTotalDto,
        MeasureTotalsDto,
        MeasuresRunDto,
        MeasuresBody
    )),
    tags((name = "evaluation_measures", description = "Class measures (差别化措施): land-use tax relief, electricity and water surcharges per firm of a run, with totals by class and town."))
)]
pub struct Doc;
