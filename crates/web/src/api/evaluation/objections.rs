//! Publication (公示) and objections (异议) over JSON: recompute a draft, publish it, finalise
//! it; the difference between a corrected run and the run it supersedes; objections listed
//! within the caller's scope, filed (multipart, with files), accepted or rejected by the
//! evaluation office; their files downloaded.

use std::collections::BTreeMap;

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use wujin_app::attachments::NewFile;

use super::AttachmentDto;
use wujin_app::evaluation::RunSummary;
use wujin_app::evaluation::objections::{
    self, Accepted, NewObjection, ObjectionDetail, ObjectionFilter, ObjectionView, ResultLine,
};
use wujin_app::evaluation::publication::{self, DiffRow, RunDiff, RunInfo};
use wujin_app::{AppError, FieldError};

use crate::api::{ApiJson, ApiQuery, ErrorBody, ListBody, PageQuery, created, invalid};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::i18n::{Lang, tr};
use crate::state::AppState;

const TAG: &str = "evaluation_publication";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/evaluation/runs/{id}/recompute", post(recompute))
        .route("/evaluation/runs/{id}/publish", post(publish))
        .route("/evaluation/runs/{id}/finalise", post(finalise))
        .route("/evaluation/runs/{id}/diff", get(diff))
        .route(
            "/evaluation/objections",
            get(list).post(file).layer(DefaultBodyLimit::max(
                crate::pages::evaluation::objections::upload_body_limit(),
            )),
        )
        .route("/evaluation/objections/{id}", get(show))
        .route("/evaluation/objections/{id}/accept", post(accept))
        .route("/evaluation/objections/{id}/reject", post(reject))
        .route(
            "/evaluation/objections/{id}/attachments/{attachment_id}",
            get(attachment),
        )
}

/// A run's publication facts.
#[derive(Serialize, ToSchema)]
pub struct RunPublicationDto {
    pub id: i64,
    pub year: i32,
    /// draft | published | final | superseded
    pub status: String,
    pub scheme_id: i64,
    pub scheme_name: String,
    /// A scheme used by a published run is frozen: never edited again.
    pub scheme_frozen: bool,
    /// Days of publicity the scheme gives.
    pub publicity_days: Option<u32>,
    pub firms: i32,
    /// SHA-256 of the scheme and the inputs: equal digests, equal results.
    pub inputs_sha256: String,
    pub created_at: DateTime<Utc>,
    /// Start of the publicity period (公示).
    pub published_at: Option<DateTime<Utc>>,
    /// End of the publicity period: objections are filed before it; finalising after it.
    pub publicity_ends_at: Option<DateTime<Utc>>,
    pub finalised_at: Option<DateTime<Utc>>,
    /// The run this one corrects (after an accepted objection).
    pub supersedes_run_id: Option<i64>,
    /// The run that corrected this one.
    pub superseded_by_run_id: Option<i64>,
    pub note: Option<String>,
}

impl From<RunInfo> for RunPublicationDto {
    fn from(r: RunInfo) -> Self {
        RunPublicationDto {
            id: r.id,
            year: r.year,
            status: r.status,
            scheme_id: r.scheme_id,
            scheme_name: r.scheme_name,
            scheme_frozen: r.scheme_frozen,
            publicity_days: r.publicity_days,
            firms: r.firms,
            inputs_sha256: r.inputs_sha256,
            created_at: r.created_at,
            published_at: r.published_at,
            publicity_ends_at: r.publicity_ends_at,
            finalised_at: r.finalised_at,
            supersedes_run_id: r.supersedes_run_id,
            superseded_by_run_id: r.superseded_by_run_id,
            note: r.note,
        }
    }
}

/// What an evaluation computed.
#[derive(Serialize, ToSchema)]
pub struct RunSummaryDto {
    pub run_id: i64,
    pub year: i32,
    pub scheme: String,
    pub firms: usize,
    /// Firms per class A, B, C, D (unrated firms in the class they are managed as).
    pub by_grade: BTreeMap<String, usize>,
    /// 规下 firms below the land threshold: listed, not graded.
    pub listed_only: usize,
    pub inputs_sha256: String,
}

impl From<RunSummary> for RunSummaryDto {
    fn from(r: RunSummary) -> Self {
        RunSummaryDto {
            run_id: r.run_id,
            year: r.year,
            scheme: r.scheme,
            firms: r.firms,
            by_grade: r.by_grade,
            listed_only: r.listed_only,
            inputs_sha256: r.inputs_sha256,
        }
    }
}

/// A firm whose total, rank or class changed.
#[derive(Serialize, ToSchema)]
pub struct DiffRowDto {
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub town_name: String,
    /// The firm's objection was accepted into this run.
    pub objecting: bool,
    pub old_group: Option<String>,
    pub new_group: Option<String>,
    /// Full precision; absent when the firm is not in that run.
    pub old_total: Option<f64>,
    pub new_total: Option<f64>,
    pub old_rank: Option<i32>,
    pub new_rank: Option<i32>,
    /// A, B, C, D; absent when listed only.
    pub old_grade: Option<String>,
    pub new_grade: Option<String>,
}

impl From<DiffRow> for DiffRowDto {
    fn from(r: DiffRow) -> Self {
        DiffRowDto {
            enterprise_id: r.enterprise_id,
            enterprise_name: r.enterprise_name,
            credit_code: r.credit_code,
            town_name: r.town_name,
            objecting: r.objecting,
            old_group: r.old_group,
            new_group: r.new_group,
            old_total: r.old_total,
            new_total: r.new_total,
            old_rank: r.old_rank,
            new_rank: r.new_rank,
            old_grade: r.old_grade,
            new_grade: r.new_grade,
        }
    }
}

/// A run against the run it supersedes.
#[derive(Serialize, ToSchema)]
pub struct RunDiffDto {
    pub run: RunPublicationDto,
    /// The superseded run; null when this run corrects no other.
    pub previous: Option<RunPublicationDto>,
    /// Firms whose total, rank or class changed, within the caller's scope: objecting firms
    /// first, then class changes, then the largest change of total.
    pub rows: Vec<DiffRowDto>,
}

impl From<RunDiff> for RunDiffDto {
    fn from(d: RunDiff) -> Self {
        RunDiffDto {
            run: d.run.into(),
            previous: d.previous.map(Into::into),
            rows: d.rows.into_iter().map(Into::into).collect(),
        }
    }
}

/// An objection (异议).
#[derive(Serialize, ToSchema)]
pub struct ObjectionDto {
    pub id: i64,
    /// The run objected to (a pending objection follows the run that supersedes it).
    pub run_id: i64,
    pub year: i32,
    pub run_status: String,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub town_id: i64,
    pub town_name: String,
    pub filed_by: Option<i64>,
    pub filed_by_name: String,
    /// enterprise | town | office
    pub filed_as: String,
    pub reason: String,
    /// pending | accepted | rejected
    pub status: String,
    /// The office's reasons (rejected) or note (accepted).
    pub decision: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The run with the corrected data, when accepted.
    pub corrected_run_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Number of attached files.
    pub attachments: u64,
}

impl From<ObjectionView> for ObjectionDto {
    fn from(o: ObjectionView) -> Self {
        ObjectionDto {
            id: o.id,
            run_id: o.run_id,
            year: o.year,
            run_status: o.run_status,
            enterprise_id: o.enterprise_id,
            enterprise_name: o.enterprise_name,
            credit_code: o.credit_code,
            town_id: o.town_id,
            town_name: o.town_name,
            filed_by: o.filed_by,
            filed_by_name: o.filed_by_name,
            filed_as: o.filed_as,
            reason: o.reason,
            status: o.status,
            decision: o.decision,
            decided_by: o.decided_by,
            decided_by_name: o.decided_by_name,
            decided_at: o.decided_at,
            corrected_run_id: o.corrected_run_id,
            created_at: o.created_at,
            attachments: o.attachments,
        }
    }
}

/// A firm's result in one run.
#[derive(Serialize, ToSchema)]
pub struct ResultLineDto {
    pub run_id: i64,
    pub group_key: String,
    pub total: f64,
    pub rank: Option<i32>,
    pub grade: Option<String>,
}

impl From<ResultLine> for ResultLineDto {
    fn from(r: ResultLine) -> Self {
        ResultLineDto {
            run_id: r.run_id,
            group_key: r.group_key,
            total: r.total,
            rank: r.rank,
            grade: r.grade,
        }
    }
}

/// One objection with its files and the firm's result before and after.
#[derive(Serialize, ToSchema)]
pub struct ObjectionDetailDto {
    #[serde(flatten)]
    pub objection: ObjectionDto,
    pub files: Vec<AttachmentDto>,
    /// The firm's result in the run objected to.
    pub result: Option<ResultLineDto>,
    /// The firm's result in the corrected run, when accepted.
    pub corrected: Option<ResultLineDto>,
    pub publicity_ends_at: Option<DateTime<Utc>>,
    /// The caller may accept or reject it now.
    pub can_decide: bool,
}

impl From<ObjectionDetail> for ObjectionDetailDto {
    fn from(d: ObjectionDetail) -> Self {
        ObjectionDetailDto {
            objection: d.objection.into(),
            files: d.attachments.into_iter().map(Into::into).collect(),
            result: d.result.map(Into::into),
            corrected: d.corrected.map(Into::into),
            publicity_ends_at: d.publicity_ends_at,
            can_decide: d.can_decide,
        }
    }
}

/// What accepting an objection produced.
#[derive(Serialize, ToSchema)]
pub struct AcceptedDto {
    pub objection: ObjectionDto,
    /// The new run (published, same end of publicity) that supersedes the old one.
    pub run: RunSummaryDto,
    pub superseded_run_id: i64,
    /// Pending objections moved from the old run to the new one.
    pub moved_objections: Vec<i64>,
}

impl From<Accepted> for AcceptedDto {
    fn from(a: Accepted) -> Self {
        AcceptedDto {
            objection: a.objection.into(),
            run: a.run.into(),
            superseded_run_id: a.superseded_run_id,
            moved_objections: a.moved_objections,
        }
    }
}

/// Which objections to list.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ObjectionQuery {
    /// pending | accepted | rejected
    pub status: Option<String>,
    /// Objections to runs of this year.
    pub year: Option<i32>,
    /// Objections of this run (objected to, or corrected into it).
    pub run_id: Option<i64>,
    /// Objections of this firm.
    pub enterprise_id: Option<i64>,
}

/// The multipart form of a new objection.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ObjectionUpload {
    /// The run in publicity.
    run_id: i64,
    /// The firm objected for: the caller's own firm (enterprise users), a firm of the
    /// caller's town (town staff), any firm (the evaluation office).
    enterprise_id: i64,
    /// Required, at most 2,000 characters.
    reason: String,
    /// Optional supporting documents (repeat the part): pdf, jpg, png, doc(x), xls(x), txt,
    /// zip; each within the attachment size limit, at most 10.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Accepting an objection.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AcceptRequest {
    /// Optional note on the decision (at most 2,000 characters), kept as the new run's note.
    pub note: Option<String>,
}

/// Rejecting an objection.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RejectRequest {
    /// The reasons, required (at most 2,000 characters); the filer reads them.
    #[schema(required = true)]
    pub reason: String,
}

/// Recompute a draft run: evaluate its year again under its scheme with the current data,
/// replacing its results in place (and its inputs digest). Evaluation office only; audited.
#[utoipa::path(post, path = "/api/v1/evaluation/runs/{id}/recompute", tag = TAG, operation_id = "recompute_run",
    params(("id" = i64, Path, description = "run id")),
    responses((status = 200, body = RunSummaryDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the run is not a draft (`error.publication.recompute_not_draft`)", body = ErrorBody)))]
pub async fn recompute(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RunSummaryDto>, ApiError> {
    let r = publication::recompute(&state.app, &user.ctx, id).await?;
    Ok(Json(r.into()))
}

/// The 409 of a publication refused because another run of the year is published or final:
/// the message, and that run's id and status in `fields`.
async fn year_taken(state: &AppState, user: &ApiUser, id: i64, key: &str) -> Response {
    let other = publication::view(&state.app, &user.ctx, id)
        .await
        .ok()
        .and_then(|v| v.blocking_run);
    let mut body = serde_json::json!({
        "error": "conflict",
        "message": tr(Lang::En, key),
        "message_zh": tr(Lang::ZhCn, key),
    });
    if let Some(b) = other {
        body["fields"] = serde_json::json!([{
            "field": "run_id",
            "code": key,
            "message": tr(Lang::En, key),
            "detail": format!("run {} ({})", b.id, b.status),
        }]);
        body["blocking_run_id"] = serde_json::json!(b.id);
    }
    (StatusCode::CONFLICT, Json(body)).into_response()
}

/// Publish a draft run: the publicity period (公示) starts now and lasts the scheme's
/// `publicity_days`; the scheme is frozen; every town user and the enterprise users of the
/// firms in the run are notified. Evaluation office only; audited.
#[utoipa::path(post, path = "/api/v1/evaluation/runs/{id}/publish", tag = TAG, operation_id = "publish_run",
    params(("id" = i64, Path, description = "run id")),
    responses((status = 200, body = RunPublicationDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "not a draft (`error.publication.publish_not_draft`), or another run of the year is published or final (`error.publication.year_published` / `year_final`; `blocking_run_id` and `fields[0].detail` name it)", body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    match publication::publish(&state.app, &user.ctx, id).await {
        Ok(r) => Ok(Json(RunPublicationDto::from(r)).into_response()),
        Err(AppError::Conflict(key)) if key.starts_with("error.publication.year_") => {
            Ok(year_taken(&state, &user, id, &key).await)
        }
        Err(e) => Err(e.into()),
    }
}

/// Finalise a published run: only after its publicity period and with no objection pending.
/// Evaluation office only; audited.
#[utoipa::path(post, path = "/api/v1/evaluation/runs/{id}/finalise", tag = TAG, operation_id = "finalise_run",
    params(("id" = i64, Path, description = "run id")),
    responses((status = 200, body = RunPublicationDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "not published (`error.publication.finalise_not_published`), publicity not over (`error.publication.publicity_not_over`) or objections pending (`error.publication.pending_objections`)", body = ErrorBody)))]
pub async fn finalise(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RunPublicationDto>, ApiError> {
    let r = publication::finalise(&state.app, &user.ctx, id).await?;
    Ok(Json(r.into()))
}

/// The firms whose total, rank or class changed between a run and the run it supersedes,
/// within the caller's scope (an enterprise user sees their own firm only).
#[utoipa::path(get, path = "/api/v1/evaluation/runs/{id}/diff", tag = TAG, operation_id = "run_diff",
    params(("id" = i64, Path, description = "run id")),
    responses((status = 200, body = RunDiffDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "no such run, or a draft and the caller is not the evaluation office", body = ErrorBody)))]
pub async fn diff(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RunDiffDto>, ApiError> {
    let d = publication::diff(&state.app, &user.ctx, id).await?;
    Ok(Json(d.into()))
}

/// List the objections within the caller's scope, newest first: all of them for the
/// evaluation office, a town's firms for its staff, the own firm for an enterprise user.
#[utoipa::path(get, path = "/api/v1/evaluation/objections", tag = TAG, operation_id = "list_objections",
    params(ObjectionQuery, PageQuery),
    responses((status = 200, body = ListBody<ObjectionDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<ObjectionQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<ObjectionDto>>, ApiError> {
    let filter = ObjectionFilter {
        status: q.status,
        year: q.year,
        run_id: q.run_id,
        enterprise_id: q.enterprise_id,
    };
    let p = objections::list(&state.app, &user.ctx, &filter, page.request()).await?;
    Ok(Json(p.into()))
}

/// The 413 of an upload beyond the limit.
fn too_large() -> Response {
    let key = "error.objection.upload_too_large";
    let body = serde_json::json!({
        "error": "too_large",
        "message": tr(Lang::En, key),
        "message_zh": tr(Lang::ZhCn, key),
        "fields": [{"field": "files", "code": key, "message": tr(Lang::En, key), "detail": null}],
    });
    (StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response()
}

/// File an objection while the run is in publicity: `multipart/form-data` with `run_id`,
/// `enterprise_id`, `reason` and any number of `files` parts. An enterprise user for their
/// own firm, town staff for the firms of their town, the evaluation office for any; one
/// pending objection per firm and run. Audited; the evaluation office is notified.
#[utoipa::path(post, path = "/api/v1/evaluation/objections", tag = TAG, operation_id = "file_objection",
    request_body(content = ObjectionUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = ObjectionDto), (status = 401, body = ErrorBody),
        (status = 403, description = "the caller may not file objections (leaders, cadres, other departments)", body = ErrorBody),
        (status = 404, description = "no such run or firm, or the firm is outside the caller's scope", body = ErrorBody),
        (status = 409, description = "the run is not in publicity (`error.objection.run_not_published`), publicity is over (`error.objection.publicity_over`), or the firm already has a pending objection to this run (`error.objection.pending_exists`)", body = ErrorBody),
        (status = 413, description = "the upload is too large", body = ErrorBody),
        (status = 422, description = "a missing run_id, enterprise_id or reason, a reason over 2,000 characters, a firm not in the run, or a refused file (`error.attachment.*`)", body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    user: ApiUser,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut mp = mp.map_err(|r| invalid("body", "api_docs.error.body", r.body_text()))?;
    let broken = |e: axum::extract::multipart::MultipartError| -> Result<Response, ApiError> {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Ok(too_large())
        } else {
            Err(invalid(
                "files",
                "error.objection.upload_broken",
                e.body_text(),
            ))
        }
    };
    let (mut run, mut enterprise, mut reason, mut files) =
        (String::new(), String::new(), String::new(), Vec::new());
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return broken(e),
        };
        let name = field.name().unwrap_or_default().to_string();
        let filename = field.file_name().map(str::to_string);
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => return broken(e),
        };
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            // A form's empty file input sends one nameless, empty part: no file.
            "files" | "file"
                if !(filename.as_deref().unwrap_or("").is_empty() && bytes.is_empty()) =>
            {
                files.push(NewFile {
                    filename: filename.unwrap_or_default(),
                    bytes: bytes.to_vec(),
                })
            }
            "run_id" => run = text(),
            "enterprise_id" => enterprise = text(),
            "reason" => reason = text(),
            _ => {}
        }
    }
    let mut errors = Vec::new();
    let run_id = run.trim().parse::<i64>().ok();
    if run_id.is_none() {
        errors.push(FieldError::new("run_id", "error.objection.run_required"));
    }
    let enterprise_id = enterprise.trim().parse::<i64>().ok();
    if enterprise_id.is_none() {
        errors.push(FieldError::new(
            "enterprise_id",
            "error.objection.enterprise_required",
        ));
    }
    let (Some(run_id), Some(enterprise_id)) = (run_id, enterprise_id) else {
        return Err(ApiError(AppError::Validation(errors)));
    };
    let o = objections::file(
        &state.app,
        &user.ctx,
        NewObjection {
            run_id,
            enterprise_id,
            reason,
            files,
        },
    )
    .await?;
    Ok(created(ObjectionDto::from(o)).into_response())
}

/// One objection with its files (without content) and the firm's result before and after.
#[utoipa::path(get, path = "/api/v1/evaluation/objections/{id}", tag = TAG, operation_id = "show_objection",
    params(("id" = i64, Path, description = "objection id")),
    responses((status = 200, body = ObjectionDetailDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ObjectionDetailDto>, ApiError> {
    Ok(Json(
        objections::get(&state.app, &user.ctx, id).await?.into(),
    ))
}

/// Accept a pending objection. Correct the firm's data in the registry first (figures form
/// or import): accepting evaluates the year again under the same scheme and stores a new
/// published run (same end of publicity) that supersedes the old one; the old run's pending
/// objections move to it; the filer is notified. Evaluation office only; audited.
#[utoipa::path(post, path = "/api/v1/evaluation/objections/{id}/accept", tag = TAG, operation_id = "accept_objection",
    params(("id" = i64, Path, description = "objection id")), request_body(content = AcceptRequest, description = "optional"),
    responses((status = 200, body = AcceptedDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "already decided (`error.objection.not_pending`), the run is not in publicity, or the data is unchanged (`error.objection.data_unchanged`: correct the data first)", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<AcceptedDto>, ApiError> {
    // The body is optional: none (or `null`) accepts without a note.
    let req: AcceptRequest = if body.iter().all(u8::is_ascii_whitespace) {
        AcceptRequest::default()
    } else {
        serde_json::from_slice::<Option<AcceptRequest>>(&body)
            .map_err(|e| invalid("body", "api_docs.error.body", e.to_string()))?
            .unwrap_or_default()
    };
    let a = objections::accept(&state.app, &user.ctx, id, req.note.as_deref()).await?;
    Ok(Json(a.into()))
}

/// Reject a pending objection with the reasons (required); the filer is notified.
/// Evaluation office only; audited.
#[utoipa::path(post, path = "/api/v1/evaluation/objections/{id}/reject", tag = TAG, operation_id = "reject_objection",
    params(("id" = i64, Path, description = "objection id")), request_body = RejectRequest,
    responses((status = 200, body = ObjectionDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "already decided (`error.objection.not_pending`)", body = ErrorBody),
        (status = 422, description = "no reason (`error.objection.decision_required`) or too long", body = ErrorBody)))]
pub async fn reject(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<RejectRequest>,
) -> Result<Json<ObjectionDto>, ApiError> {
    let o = objections::reject(&state.app, &user.ctx, id, &req.reason).await?;
    Ok(Json(o.into()))
}

/// Download a file of an objection (as an attachment, with its stored media type).
#[utoipa::path(get, path = "/api/v1/evaluation/objections/{id}/attachments/{attachment_id}", tag = TAG, operation_id = "objection_attachment",
    params(("id" = i64, Path, description = "objection id"), ("attachment_id" = i64, Path, description = "file id")),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn attachment(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, attachment_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (info, bytes) = objections::attachment(&state.app, &user.ctx, id, attachment_id).await?;
    Ok(crate::pages::evaluation::objections::file_response(
        &info, bytes,
    ))
}

/// This part of the API document.
#[derive(OpenApi)]
#[openapi(
    paths(recompute, publish, finalise, diff, list, file, show, accept, reject, attachment),
    components(schemas(
        RunPublicationDto, RunSummaryDto, DiffRowDto, RunDiffDto, ObjectionDto, AttachmentDto,
        ResultLineDto, ObjectionDetailDto, AcceptedDto, ObjectionUpload, AcceptRequest,
        RejectRequest, ListBody<ObjectionDto>
    )),
    tags((name = "evaluation_publication", description = "Publication (公示) of evaluation runs, objections (异议) and their decisions, the difference between a corrected run and the one it supersedes, finalising."))
)]
pub struct Doc;
