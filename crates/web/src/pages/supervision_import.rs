//! 任务分解表导入: the supervision office uploads a decomposition table into a plan, sees every
//! area, task and sub-task it would create with the matched leaders, units and deadlines, every
//! error by cell and every name nobody knows; maps each unknown name to an existing unit or
//! leader (or has a unit created), confirms, and the tasks are written.

mod commit;
mod preview;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use wujin_app::supervision::plans::PlanView;
use wujin_app::{AppError, FieldError};

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::tr;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::enterprises::{invalid, xlsx_response};
use crate::pages::{FormErrors, render};
use crate::state::AppState;

/// The plan's page, where the import leads back to.
pub(crate) fn plan_href(plan_id: i64) -> String {
    format!("/supervision/plans/{plan_id}")
}

/// The import pages. The upload accepts the file (`max_upload` bytes) plus the form's
/// framing (the router lets `POST /supervision/plans/{id}/import` through its general limit,
/// see [`crate::is_upload`]).
pub fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/supervision/plans/{id}/import",
            get(upload_form).post(upload).layer(DefaultBodyLimit::max(
                max_upload.saturating_add(crate::UPLOAD_OVERHEAD_BYTES),
            )),
        )
        .route("/supervision/imports/{batch}", get(preview::show))
        .route("/supervision/imports/{batch}/commit", post(commit::commit))
        .route(
            "/supervision/imports/{batch}/discard",
            post(commit::discard),
        )
        .route(
            "/supervision/imports/{batch}/errors.xlsx",
            get(preview::errors_xlsx),
        )
        .route("/supervision/import-template.xlsx", get(template))
}

#[derive(Template)]
#[template(path = "supervision/import_upload.html")]
struct UploadPage {
    page: PageCtx,
    plan: PlanView,
    errors: FormErrors,
    max_mb: usize,
}

async fn upload_page(
    state: &AppState,
    user: &CurrentUser,
    plan_id: i64,
    errors: FormErrors,
) -> Result<UploadPage, PageError> {
    wujin_app::supervision::require_office(&state.app, &user.ctx).await?;
    let plan = wujin_app::supervision::plans::get(&state.app, &user.ctx, plan_id).await?;
    let href = plan_href(plan.id);
    let page = page_ctx(
        state,
        user,
        "task_import.upload_title",
        &[
            (plan.name.as_str(), Some(href.as_str())),
            ("task_import.upload_title", None),
        ],
        None,
    )
    .await;
    Ok(UploadPage {
        page,
        plan,
        errors,
        max_mb: state.app.config.import_max_file_mb as usize,
    })
}

async fn upload_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(plan_id): Path<i64>,
) -> Result<Html<String>, PageError> {
    render(&upload_page(&state, &user, plan_id, FormErrors::default()).await?)
}

/// Reads the file out of the multipart body; a body that cannot be read is an error on the
/// file.
async fn read_file(mut mp: Multipart) -> Result<(String, Vec<u8>), FieldError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            FieldError::new("file", "error.import.file.too_large")
        } else {
            FieldError::with_detail("file", "imports_page.upload_broken", e.body_text())
        }
    };
    let mut file = (String::new(), Vec::new());
    while let Some(field) = mp.next_field().await.map_err(broken)? {
        if matches!(field.name(), Some("file" | "files")) {
            file.0 = field.file_name().unwrap_or_default().to_string();
            file.1 = field.bytes().await.map_err(broken)?.to_vec();
        }
    }
    if file.0.trim().is_empty() && file.1.is_empty() {
        return Err(FieldError::new("file", "imports_page.file_required"));
    }
    Ok(file)
}

async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(plan_id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let refused = |errors: Vec<FieldError>| {
        let state = state.clone();
        let user = &user;
        async move {
            let errors = FormErrors::from_fields(user.lang, &errors);
            invalid(upload_page(&state, user, plan_id, errors).await?)
        }
    };
    let (file_name, bytes) = match read_file(mp).await {
        Ok(f) => f,
        Err(e) => return refused(vec![e]).await,
    };
    if bytes.len() > crate::max_upload_bytes(&state.app.config) {
        return refused(vec![FieldError::new("file", "error.import.file.too_large")]).await;
    }
    match wujin_app::supervision::import::validate(
        &state.app, &user.ctx, plan_id, &file_name, bytes,
    )
    .await
    {
        Ok(p) => match p.batch_id {
            Some(id) => Ok(Redirect::to(&format!("/supervision/imports/{id}")).into_response()),
            None => Err(AppError::Internal("validated import without a batch".into()).into()),
        },
        Err(AppError::Validation(v)) => refused(v).await,
        Err(e) => Err(e.into()),
    }
}

/// The blank template.
async fn template(
    State(_state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, PageError> {
    let bytes = wujin_app::supervision::import::template(&user.ctx)?;
    let name = format!("{}.xlsx", tr(user.lang, "task_import.template_name"));
    Ok(xlsx_response(
        &name,
        "task-decomposition-template.xlsx",
        bytes,
    ))
}
