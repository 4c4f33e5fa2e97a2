//! Exports of the registry to xlsx, within the caller's data scope and with phone numbers
//! masked as on screen. The headers are the import headers, so an exported file can be
//! corrected and imported back.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{EnterpriseFilterQuery, xlsx_download};
use crate::api::{ApiQuery, ErrorBody, invalid};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/enterprises/export.xlsx", get(enterprises))
        .route("/figures/export.xlsx", get(figures))
}

/// Today in China time, for file names.
fn today() -> String {
    chrono::Utc::now()
        .with_timezone(&wujin_domain::tz::china_tz())
        .format("%Y-%m-%d")
        .to_string()
}

/// The enterprise list as an xlsx workbook, filtered and sorted like
/// `GET /api/v1/enterprises`, every matching firm in the caller's scope (no paging).
#[utoipa::path(get, path = "/api/v1/enterprises/export.xlsx", tag = "exports", params(EnterpriseFilterQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn enterprises(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<EnterpriseFilterQuery>,
) -> Result<Response, ApiError> {
    let bytes =
        wujin_app::registry::export::enterprises_xlsx(&state.app, &user.ctx, &q.filter()).await?;
    Ok(xlsx_download(&format!("企业名录-{}.xlsx", today()), bytes))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresExportQuery {
    /// The year, 1990–2100 (required).
    pub year: i32,
}

/// One year's figures as an xlsx workbook: one row per firm matching the filters (blank where
/// none are loaded), money in 万元.
#[utoipa::path(get, path = "/api/v1/figures/export.xlsx", tag = "exports", params(FiguresExportQuery, EnterpriseFilterQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "no year, or a wrong filter", body = ErrorBody)))]
pub async fn figures(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(y): ApiQuery<FiguresExportQuery>,
    ApiQuery(q): ApiQuery<EnterpriseFilterQuery>,
) -> Result<Response, ApiError> {
    if !(1990..=2100).contains(&y.year) {
        return Err(invalid(
            "year",
            "error.figures.year_invalid",
            y.year.to_string(),
        ));
    }
    let bytes =
        wujin_app::registry::export::figures_xlsx(&state.app, &user.ctx, y.year, &q.filter())
            .await?;
    Ok(xlsx_download(&format!("年度数据-{}.xlsx", y.year), bytes))
}
