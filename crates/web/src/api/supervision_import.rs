//! Decomposition tables (任务分解表) imported into a plan over JSON: upload the table to
//! validate it (nothing is written but the batch; the preview lists every area, task and
//! sub-task with its matched leader, units and deadline, every error by cell, and every unknown
//! name), then commit the batch with a mapping for each unknown name. The supervision office
//! only.

pub mod dto;

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use utoipa::{OpenApi, ToSchema};

use self::dto::{
    CommitRequest, NameChoiceDto, NameMappingDto, NameRefDto, TaskImportOutcomeDto,
    TaskImportPreviewDto, TaskRowDto, UnknownNameDto,
};
use crate::api::registry::import_dto::ImportErrorDto;
use crate::api::{ApiJson, ErrorBody, created, invalid};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::i18n::{Lang, tr};
use crate::state::AppState;

const TAG: &str = "task_imports";

pub fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/plans/{id}/imports",
            post(validate).layer(DefaultBodyLimit::max(
                max_upload.saturating_add(crate::UPLOAD_OVERHEAD_BYTES),
            )),
        )
        .route("/task-imports/{batch}", get(preview))
        .route("/task-imports/{batch}/commit", post(commit))
}

/// The multipart form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct TableUpload {
    /// The xlsx (or csv) file of the decomposition table.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The 413 of an upload beyond the limit.
fn too_large() -> Response {
    let key = "error.import.file.too_large";
    let body = serde_json::json!({
        "error": "too_large",
        "message": tr(Lang::En, key),
        "message_zh": tr(Lang::ZhCn, key),
        "fields": [{"field": "file", "code": key, "message": tr(Lang::En, key), "detail": null}],
    });
    (StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response()
}

/// Upload a decomposition table into plan `id` and validate it: `multipart/form-data` with
/// the file as part `file`. Nothing is written but the import batch: the answer lists every
/// area, task and sub-task with its matched leader, units and deadline (read in the plan's
/// year), every error by cell (status `failed`), and every name that matches no unit or
/// leader with its rows and close existing names, to be mapped at commit.
#[utoipa::path(post, path = "/api/v1/plans/{id}/imports", tag = TAG, operation_id = "validate_task_import",
    params(("id" = i64, Path, description = "plan id")),
    request_body(content = TableUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "validated; see `status`, `errors` and `unknown`", body = TaskImportPreviewDto),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not the supervision office", body = ErrorBody),
        (status = 404, description = "no such plan", body = ErrorBody),
        (status = 413, description = "the file is too large (`error.import.file.too_large`)", body = ErrorBody),
        (status = 422, description = "no file, a file that cannot be read (`error.import.file.*`), or no decomposition header (`error.import.header_not_found`, `error.import.missing_column`); nothing was written", body = ErrorBody)))]
pub async fn validate(
    State(state): State<AppState>,
    user: ApiUser,
    Path(plan_id): Path<i64>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut mp = mp.map_err(|r| invalid("body", "api_docs.error.body", r.body_text()))?;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(too_large()),
            Err(e) => return Err(invalid("file", "imports_page.upload_broken", e.body_text())),
        };
        if !matches!(field.name(), Some("file" | "files")) {
            continue;
        }
        let name = field.file_name().unwrap_or("upload.xlsx").to_string();
        match field.bytes().await {
            Ok(b) => file = Some((name, b.to_vec())),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(too_large()),
            Err(e) => return Err(invalid("file", "imports_page.upload_broken", e.body_text())),
        }
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(invalid("file", "imports_page.file_required", ""));
    };
    if bytes.len() > crate::max_upload_bytes(&state.app.config) {
        return Ok(too_large());
    }
    let p =
        wujin_app::supervision::import::validate(&state.app, &user.ctx, plan_id, &file_name, bytes)
            .await?;
    Ok(created(TaskImportPreviewDto::from(p)).into_response())
}

/// The preview of one of the caller's decomposition batches, as validation left it (with its
/// current status).
#[utoipa::path(get, path = "/api/v1/task-imports/{batch}", tag = TAG, operation_id = "show_task_import",
    params(("batch" = i64, Path, description = "import batch id")),
    responses((status = 200, body = TaskImportPreviewDto), (status = 401, body = ErrorBody),
        (status = 403, description = "not the supervision office", body = ErrorBody),
        (status = 404, description = "no such decomposition batch of the caller's", body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    user: ApiUser,
    Path(batch): Path<i64>,
) -> Result<Json<TaskImportPreviewDto>, ApiError> {
    let p = wujin_app::supervision::import::preview(&state.app, &user.ctx, batch).await?;
    Ok(Json(p.into()))
}

/// Commit a validated batch with one mapping for every unknown name of its preview
/// (`map_unit` to an existing department, `create_unit` under the city, `map_leader` to an
/// existing leader account). The file is checked again; units are created and every area,
/// task and sub-task written in one transaction, each audited — or nothing at all.
#[utoipa::path(post, path = "/api/v1/task-imports/{batch}/commit", tag = TAG, operation_id = "commit_task_import",
    params(("batch" = i64, Path, description = "import batch id")),
    request_body = CommitRequest,
    responses((status = 200, body = TaskImportOutcomeDto), (status = 401, body = ErrorBody),
        (status = 403, description = "not the supervision office", body = ErrorBody),
        (status = 404, description = "no such decomposition batch of the caller's", body = ErrorBody),
        (status = 409, description = "the table has errors (`error.import.has_errors`), or the batch was already committed or discarded; nothing was written", body = ErrorBody),
        (status = 422, description = "an unknown name left unmapped (`error.task_import.unit_unmapped`, `error.task_import.leader_unmapped`) or a wrong mapping (`error.task_import.mapping_*`), each naming the name in `detail`; nothing was written", body = ErrorBody)))]
pub async fn commit(
    State(state): State<AppState>,
    user: ApiUser,
    Path(batch): Path<i64>,
    ApiJson(req): ApiJson<CommitRequest>,
) -> Result<Json<TaskImportOutcomeDto>, ApiError> {
    let mappings: Vec<_> = req.mappings.into_iter().map(Into::into).collect();
    let out =
        wujin_app::supervision::import::commit(&state.app, &user.ctx, batch, &mappings).await?;
    Ok(Json(out.into()))
}

/// This part of the API document.
#[derive(OpenApi)]
#[openapi(
    paths(validate, preview, commit),
    components(schemas(
        TableUpload, TaskImportPreviewDto, TaskRowDto, NameRefDto, UnknownNameDto, NameChoiceDto,
        ImportErrorDto, CommitRequest, NameMappingDto, TaskImportOutcomeDto
    )),
    tags((name = "task_imports", description = "Decomposition tables (任务分解表) imported into a supervision plan: validate, map the unknown names, commit."))
)]
pub struct Doc;
