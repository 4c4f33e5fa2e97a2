//! `/evaluation/objections/new?run=&enterprise=`: the objection form (reason and files) for
//! one firm in a run in publicity; `POST /evaluation/objections` files it (multipart).

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::attachments::NewFile;
use wujin_app::evaluation::objections::{self, FilingContext, MAX_REASON_CHARS, NewObjection};
use wujin_app::{AppError, FieldError};

use super::{refusal, score};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::{FormErrors, opt_i64, render};
use crate::state::AppState;

#[derive(Deserialize)]
pub(super) struct NewQuery {
    run: Option<String>,
    enterprise: Option<String>,
}

#[derive(Template)]
#[template(path = "evaluation/objection_form.html")]
struct FormPage {
    page: PageCtx,
    /// The firm and run objected to; `None` when they are not known or not open.
    c: Option<FilingContext>,
    total: String,
    deadline: String,
    reason: String,
    errors: FormErrors,
    /// Why the form cannot be used, translated.
    refused: Option<String>,
    max_chars: usize,
    files_hint: String,
    back: String,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    run: Option<i64>,
    enterprise: Option<i64>,
    reason: String,
    errors: FormErrors,
) -> Result<(StatusCode, FormPage), PageError> {
    let lang = user.lang;
    let mut page = page_ctx(
        state,
        user,
        "eval.objection.new_title",
        &[
            ("eval.objection.title", Some("/evaluation/objections")),
            ("eval.objection.new_title", None),
        ],
        None,
    )
    .await;
    page.title = tr(lang, "eval.objection.new_title");
    let back = run.map_or_else(
        || "/evaluation/objections".to_string(),
        |r| format!("/evaluation/runs/{r}/publication"),
    );
    let mut status = StatusCode::OK;
    let (c, refused) = match (run, enterprise.or(user.actor().enterprise_id)) {
        (Some(run), Some(firm)) => {
            match objections::filing_context(&state.app, &user.ctx, run, firm).await {
                Ok(c) => (Some(c), None),
                Err(e) => match refusal(lang, &e) {
                    Some((s, m)) => {
                        status = s;
                        (None, Some(m))
                    }
                    None => return Err(e.into()),
                },
            }
        }
        _ => {
            if !objections::may_file(&state.app, &user.ctx).await? {
                return Err(AppError::Forbidden.into());
            }
            (None, Some(tr(lang, "eval.objection.choose_firm")))
        }
    };
    if !errors.is_empty() {
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    let deadline = c
        .as_ref()
        .and_then(|c| c.publicity_ends_at)
        .map(|d| {
            trf(
                lang,
                "eval.objection.deadline",
                &[("date", &page.datetime(&d))],
            )
        })
        .unwrap_or_default();
    Ok((
        status,
        FormPage {
            total: score(c.as_ref().map(|c| c.result.total)),
            files_hint: trf(
                lang,
                "eval.objection.files_hint",
                &[("mb", &state.app.config.attachment_max_mb.to_string())],
            ),
            page,
            c,
            deadline,
            reason,
            errors,
            refused,
            max_chars: MAX_REASON_CHARS,
            back,
        },
    ))
}

pub(super) async fn new(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let (status, page) = form_page(
        &state,
        &user,
        opt_i64(&q.run),
        opt_i64(&q.enterprise),
        String::new(),
        FormErrors::default(),
    )
    .await?;
    Ok((status, render(&page)?).into_response())
}

/// What the form sent.
#[derive(Default)]
struct Upload {
    run: String,
    enterprise: String,
    reason: String,
    files: Vec<NewFile>,
}

/// Reads the multipart body; a body that cannot be read is a field error on the files.
async fn read(mut mp: Multipart) -> Result<Upload, FieldError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            FieldError::new("files", "error.objection.upload_too_large")
        } else {
            FieldError::with_detail("files", "error.objection.upload_broken", e.body_text())
        }
    };
    let mut u = Upload::default();
    while let Some(field) = mp.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "files" | "file" => {
                let filename = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(broken)?.to_vec();
                // An empty file input sends one nameless, empty part.
                if !(filename.is_empty() && bytes.is_empty()) {
                    u.files.push(NewFile { filename, bytes });
                }
            }
            "run_id" | "run" => u.run = field.text().await.map_err(broken)?,
            "enterprise_id" | "enterprise" => u.enterprise = field.text().await.map_err(broken)?,
            "reason" => u.reason = field.text().await.map_err(broken)?,
            _ => {}
        }
    }
    Ok(u)
}

pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> Result<Response, PageError> {
    let lang = user.lang;
    let u = match read(mp).await {
        Ok(u) => u,
        Err(e) => {
            let (_, page) = form_page(
                &state,
                &user,
                None,
                None,
                String::new(),
                FormErrors::from_fields(lang, &[e]),
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    let run = opt_i64(&Some(u.run.clone()));
    let enterprise = opt_i64(&Some(u.enterprise.clone()));
    let (Some(run_id), Some(enterprise_id)) = (run, enterprise) else {
        let mut errors = Vec::new();
        if run.is_none() {
            errors.push(FieldError::new("run_id", "error.objection.run_required"));
        }
        if enterprise.is_none() {
            errors.push(FieldError::new(
                "enterprise_id",
                "error.objection.enterprise_required",
            ));
        }
        let (_, page) = form_page(
            &state,
            &user,
            run,
            enterprise,
            u.reason,
            FormErrors::from_fields(lang, &errors),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    };
    let input = NewObjection {
        run_id,
        enterprise_id,
        reason: u.reason.clone(),
        files: u.files,
    };
    match objections::file(&state.app, &user.ctx, input).await {
        Ok(o) => Ok(
            Redirect::to(&format!("/evaluation/objections/{}?done=filed", o.id)).into_response(),
        ),
        Err(AppError::Validation(fields)) => {
            let (_, page) = form_page(
                &state,
                &user,
                run,
                enterprise,
                u.reason,
                FormErrors::from_fields(lang, &fields),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(AppError::Conflict(key)) => {
            let (_, mut page) = form_page(
                &state,
                &user,
                run,
                enterprise,
                u.reason,
                FormErrors::default(),
            )
            .await?;
            if page.refused.is_none() {
                page.errors = FormErrors::general(lang, &key);
            }
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
