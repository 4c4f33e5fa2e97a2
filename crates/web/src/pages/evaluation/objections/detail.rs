//! `/evaluation/objections/{id}`: one objection — the firm, the reason, the files, the
//! firm's result before and after — and, for the evaluation office, the forms to accept or
//! reject it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::AppError;
use wujin_app::evaluation::objections::{self, MAX_REASON_CHARS, ObjectionDetail};

use super::{done_message, file_response, filed_as_label, objection_status_label, refusal, score};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::trf;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::{FormErrors, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "evaluation/objection_detail.html")]
struct DetailPage {
    page: PageCtx,
    d: ObjectionDetail,
    heading: String,
    status: String,
    filed_as: String,
    total: String,
    corrected_total: String,
    deadline: String,
    /// The office's forms as typed, when refused.
    note: String,
    reject_reason: String,
    errors: FormErrors,
    error: Option<String>,
    max_chars: usize,
}

#[derive(Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn page_of(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    done: Option<&str>,
    note: String,
    reject_reason: String,
    errors: FormErrors,
    error: Option<String>,
) -> Result<DetailPage, PageError> {
    let lang = user.lang;
    let d = objections::get(&state.app, &user.ctx, id).await?;
    let heading = trf(lang, "eval.objection.heading", &[("id", &id.to_string())]);
    let mut page = page_ctx(
        state,
        user,
        "eval.objection.detail_title",
        &[
            ("eval.objection.title", Some("/evaluation/objections")),
            (heading.as_str(), None),
        ],
        None,
    )
    .await;
    if let Some(m) = done_message(lang, "eval.objection.done", done) {
        page.flash = Some(("success".into(), m));
    }
    let deadline = d
        .publicity_ends_at
        .map(|t| page.datetime(&t))
        .unwrap_or_else(|| "—".into());
    Ok(DetailPage {
        status: objection_status_label(lang, &d.objection.status),
        filed_as: filed_as_label(lang, &d.objection.filed_as),
        total: score(d.result.as_ref().map(|r| r.total)),
        corrected_total: score(d.corrected.as_ref().map(|r| r.total)),
        page,
        d,
        heading,
        deadline,
        note,
        reject_reason,
        errors,
        error,
        max_chars: MAX_REASON_CHARS,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let page = page_of(
        &state,
        &user,
        id,
        q.done.as_deref(),
        String::new(),
        String::new(),
        FormErrors::default(),
        None,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

#[derive(Deserialize, Default)]
pub(super) struct DecisionForm {
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
}

/// The page again with the refusal: field errors by the form, conflicts at the top.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    form: DecisionForm,
    e: AppError,
) -> Result<Response, PageError> {
    let Some((status, message)) = refusal(user.lang, &e) else {
        return Err(e.into());
    };
    let errors = match &e {
        AppError::Validation(fields) => FormErrors::from_fields(user.lang, fields),
        _ => FormErrors::default(),
    };
    let error = errors.is_empty().then_some(message);
    let page = page_of(state, user, id, None, form.note, form.reason, errors, error).await?;
    Ok((status, render(&page)?).into_response())
}

pub(super) async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, PageError> {
    match objections::accept(&state.app, &user.ctx, id, Some(&form.note)).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/evaluation/objections/{id}?done=accepted")).into_response())
        }
        Err(e) => refused(&state, &user, id, form, e).await,
    }
}

pub(super) async fn reject(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, PageError> {
    match objections::reject(&state.app, &user.ctx, id, &form.reason).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/evaluation/objections/{id}?done=rejected")).into_response())
        }
        Err(e) => refused(&state, &user, id, form, e).await,
    }
}

pub(super) async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, attachment_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let (info, bytes) = objections::attachment(&state.app, &user.ctx, id, attachment_id).await?;
    Ok(file_response(&info, bytes))
}
