//! Spreadsheet imports (数据导入) over JSON, in two phases: upload the file as the request body
//! to validate it (nothing is written to the registry; the preview lists new, changed and
//! unchanged rows and every error by cell), then commit the batch (all or nothing, audited)
//! or discard it.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use wujin_app::registry::import::ImportOptions;
use wujin_app::{AppError, FieldError};
use wujin_xlsx::TableKind;

use super::figures::parse_source;
use super::import_dto::{BatchDto, CommitReportDto, ImportPreviewDto};
use super::xlsx_download;
use crate::api::{ApiQuery, ErrorBody, ListBody, PageQuery, created, invalid};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::i18n::{Lang, tr};
use crate::state::AppState;

pub fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route("/imports", get(list))
        .route(
            "/imports/{id}",
            post(validate)
                .layer(DefaultBodyLimit::max(max_upload))
                .get(preview),
        )
        .route("/imports/{id}/commit", post(commit))
        .route("/imports/{id}/discard", post(discard))
        .route("/imports/{id}/errors.xlsx", get(errors_xlsx))
        .route("/imports/templates/{file}", get(template))
}

/// Media types an upload may declare; the content itself decides how it is read.
const ACCEPTED_TYPES: &[&str] = &[
    super::XLSX,
    "text/csv",
    "text/plain",
    "application/csv",
    "application/vnd.ms-excel",
    "application/octet-stream",
];

fn table_kind(s: &str) -> Result<TableKind, ApiError> {
    TableKind::parse(s.trim().trim_end_matches(".xlsx"))
        .ok_or_else(|| invalid("kind", "api_docs.error.kind_invalid", s))
}

/// The caller's language for messages inside files.
fn lang_of(user: &ApiUser) -> Lang {
    Lang::parse(&user.ctx.actor.locale).unwrap_or(Lang::ZhCn)
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name, shown in the import history and used to tell csv from xlsx when the
    /// content does not (default `upload.xlsx` or `upload.csv` by the Content-Type).
    pub file_name: Option<String>,
    /// Figures: the year of every row (the file then needs no year column).
    pub year: Option<i32>,
    /// Figures: the source where the file does not say: tax | statistics | power |
    /// self_reported | town (default by the caller's role).
    pub source: Option<String>,
    /// The sheet to read (default: the first whose header matches).
    pub sheet: Option<String>,
}

/// An uploaded spreadsheet: the raw bytes of an xlsx or csv file.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct SpreadsheetFile(pub Vec<u8>);

/// The 413 of an upload beyond the limit.
fn too_large(detail: String) -> Response {
    let key = "error.import.file.too_large";
    let body = serde_json::json!({
        "error": "too_large",
        "message": tr(Lang::En, key),
        "message_zh": tr(Lang::ZhCn, key),
        "fields": [{"field": "file", "code": key, "message": tr(Lang::En, key), "detail": detail}],
    });
    (StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response()
}

/// Upload a spreadsheet and validate it. The raw file is the request body
/// (`Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet` or
/// `text/csv`), at most 50 MB. Nothing is written to the registry: the answer is the preview
/// of a new import batch (status `validated`, or `failed` with every error by cell), which
/// `POST /api/v1/imports/{id}/commit` writes. Enterprises and parcels need the right to
/// manage firms; figures the right to load figures.
#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "imports",
    params(("kind" = String, Path, description = "enterprises | parcels | figures"), UploadQuery),
    request_body(description = "the xlsx or csv file itself",
        content((SpreadsheetFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (SpreadsheetFile = "text/csv"))),
    responses((status = 201, description = "validated; see `status` and `errors`", body = ImportPreviewDto),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, description = "the file is larger than 50 MB (`error.import.file.too_large`)", body = ErrorBody),
        (status = 422, description = "the file cannot be read at all (field `file`, code `error.import.file.*`), or a wrong kind, year or source", body = ErrorBody)))]
pub async fn validate(
    State(state): State<AppState>,
    user: ApiUser,
    Path(kind): Path<String>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = match body {
        Ok(b) => b,
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Ok(too_large(format!(
                ">{}",
                crate::max_upload_bytes(&state.app.config)
            )));
        }
        Err(r) => return Err(invalid("body", "api_docs.error.body", r.body_text())),
    };
    let kind = table_kind(&kind)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    if let Some(ct) = &content_type
        && !ACCEPTED_TYPES.contains(&ct.as_str())
    {
        return Err(invalid("body", "api_docs.error.upload_type", ct.clone()));
    }
    let mut errors = Vec::new();
    let source = match q.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let parsed = parse_source(s);
            if parsed.is_none() {
                errors.push(FieldError::with_detail(
                    "source",
                    "api_docs.error.source_invalid",
                    s,
                ));
            }
            parsed
        }
    };
    if !errors.is_empty() {
        return Err(ApiError(AppError::Validation(errors)));
    }
    let file_name = q
        .file_name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| {
            let csv = content_type
                .as_deref()
                .is_some_and(|ct| ct.contains("csv") || ct == "text/plain");
            if csv { "upload.csv" } else { "upload.xlsx" }.to_string()
        });
    let opts = ImportOptions {
        year: q.year,
        source,
        sheet: q.sheet.filter(|s| !s.trim().is_empty()),
    };
    let preview = wujin_app::registry::import::validate(
        &state.app,
        &user.ctx,
        kind,
        &file_name,
        body.to_vec(),
        &opts,
    )
    .await?;
    Ok(created(ImportPreviewDto::new(preview)).into_response())
}

/// The caller's import batches, newest first (every batch for administrators).
#[utoipa::path(get, path = "/api/v1/imports", tag = "imports", params(PageQuery),
    responses((status = 200, body = ListBody<BatchDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<BatchDto>>, ApiError> {
    let p = wujin_app::registry::import::batches(&state.app, &user.ctx, page.request()).await?;
    Ok(Json(p.into()))
}

/// The preview of one of the caller's batches, as validation left it (with its current status).
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", params(("id" = i64, Path, description = "import batch id")),
    responses((status = 200, body = ImportPreviewDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no such batch of the caller's", body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ImportPreviewDto>, ApiError> {
    let p = wujin_app::registry::import::preview(&state.app, &user.ctx, id).await?;
    Ok(Json(ImportPreviewDto::new(p)))
}

/// Write a validated batch to the registry: the file is checked again against the registry as
/// it is now, and written in one transaction with every change audited, or not at all.
#[utoipa::path(post, path = "/api/v1/imports/{id}/commit", tag = "imports", params(("id" = i64, Path, description = "import batch id")),
    responses((status = 200, body = CommitReportDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no such batch of the caller's", body = ErrorBody),
        (status = 409, description = "the batch has errors (`error.import.has_errors`), or was already committed or discarded; nothing was written", body = ErrorBody)))]
pub async fn commit(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<CommitReportDto>, ApiError> {
    let r = wujin_app::registry::import::commit(&state.app, &user.ctx, id).await?;
    Ok(Json(r.into()))
}

/// Drop a batch that will not be committed; its file is deleted.
#[utoipa::path(post, path = "/api/v1/imports/{id}/discard", tag = "imports", params(("id" = i64, Path, description = "import batch id")),
    responses((status = 204, description = "discarded"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no such batch of the caller's", body = ErrorBody),
        (status = 409, description = "already committed or discarded", body = ErrorBody)))]
pub async fn discard(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    wujin_app::registry::import::discard(&state.app, &user.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The uploaded workbook back with an error column and the wrong cells highlighted, the
/// messages in the caller's language.
#[utoipa::path(get, path = "/api/v1/imports/{id}/errors.xlsx", tag = "imports", params(("id" = i64, Path, description = "import batch id")),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no such batch of the caller's", body = ErrorBody),
        (status = 409, description = "the file is no longer kept (the batch was committed or discarded)", body = ErrorBody)))]
pub async fn errors_xlsx(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let lang = lang_of(&user);
    let translate = move |key: &str| tr(lang, key);
    let (name, bytes) =
        wujin_app::registry::import::error_workbook(&state.app, &user.ctx, id, &translate).await?;
    Ok(xlsx_download(&name, bytes))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// Figures: the year to write into the template.
    pub year: Option<i32>,
}

/// A blank template to fill in: the headers the import reads, an instructions sheet, and
/// dropdowns of the caller's towns, industry groups and tags.
#[utoipa::path(get, path = "/api/v1/imports/templates/{kind}.xlsx", tag = "imports",
    params(("kind" = String, Path, description = "enterprises | parcels | figures"), TemplateQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn template(
    State(state): State<AppState>,
    user: ApiUser,
    Path(file): Path<String>,
    ApiQuery(q): ApiQuery<TemplateQuery>,
) -> Result<Response, ApiError> {
    let kind = table_kind(&file)?;
    let bytes = wujin_app::registry::import::template(&state.app, &user.ctx, kind, q.year).await?;
    let name = match q.year {
        Some(y) if kind == TableKind::Figures => format!("{}导入模板-{y}.xlsx", kind.sheet_name()),
        _ => format!("{}导入模板.xlsx", kind.sheet_name()),
    };
    Ok(xlsx_download(&name, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_with_or_without_the_extension() {
        assert_eq!(table_kind("figures").unwrap(), TableKind::Figures);
        assert_eq!(table_kind("parcels.xlsx").unwrap(), TableKind::Parcels);
        let e = table_kind("people").unwrap_err();
        assert!(matches!(&e.0, AppError::Validation(f) if f[0].field == "kind"));
    }
}
