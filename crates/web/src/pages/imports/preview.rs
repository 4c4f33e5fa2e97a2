//! One import batch: counts, unrecognised headers, every error by cell (and the uploaded
//! workbook back with the errors marked), the changes field by field, and the commit or
//! discard buttons.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::AppError;
use wujin_app::registry::import::{ImportPreview, RowChange};

use super::{IMPORTS_PATH, kind_label};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::enterprises::fmt::label;
use crate::pages::enterprises::xlsx_response;
use crate::pages::render;
use crate::state::AppState;

pub(super) struct ErrorRow {
    sheet: String,
    cell: String,
    column: String,
    message: String,
}

pub(super) struct ChangeRow {
    c: RowChange,
    status: String,
    field_count: usize,
}

#[derive(Template)]
#[template(path = "imports/preview.html")]
struct PreviewPage {
    page: PageCtx,
    p: ImportPreview,
    id: i64,
    kind: String,
    status: String,
    errors: Vec<ErrorRow>,
    error_count: usize,
    changes: Vec<ChangeRow>,
    /// Records the commit would write.
    to_write: usize,
    /// Commit is possible: validated, without errors.
    can_commit: bool,
    /// Validated or failed: the file is still kept (error workbook, discard).
    open: bool,
    /// Where the imported records are listed.
    result_href: &'static str,
    /// A refused action, translated.
    error: Option<String>,
}

/// An error's message in the reader's language: the catalogue text and the specifics.
fn message(lang: Lang, key: &str, detail: &str) -> String {
    let m = tr(lang, key);
    if detail.trim().is_empty() {
        m
    } else {
        match lang {
            Lang::ZhCn => format!("{m}（{detail}）"),
            Lang::En => format!("{m} ({detail})"),
        }
    }
}

/// What a commit wrote, carried to the page it redirects to.
#[derive(Deserialize, Default)]
pub(super) struct Flash {
    msg: Option<String>,
    created: Option<usize>,
    updated: Option<usize>,
}

async fn preview_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    flash: Flash,
    error: Option<String>,
) -> Result<PreviewPage, PageError> {
    let lang = user.lang;
    let p = wujin_app::registry::import::preview(&state.app, &user.ctx, id).await?;
    let title = format!("{} · {}", kind_label(lang, &p.kind), p.file_name);
    let mut page = page_ctx(
        state,
        user,
        "imports_page.preview_title",
        &[("menu.imports", Some(IMPORTS_PATH)), (title.as_str(), None)],
        flash.msg.as_deref(),
    )
    .await;
    if let (Some("import_committed"), Some(created), Some(updated)) =
        (flash.msg.as_deref(), flash.created, flash.updated)
    {
        let text = trf(
            lang,
            "imports_page.committed_flash",
            &[
                ("created", &created.to_string()),
                ("updated", &updated.to_string()),
            ],
        );
        page.flash = Some(("success".into(), text));
    }
    let errors = p
        .errors
        .iter()
        .map(|e| ErrorRow {
            sheet: e.sheet.clone(),
            cell: e.cell.clone(),
            column: e.column.clone().unwrap_or_default(),
            message: message(lang, &e.key, &e.detail),
        })
        .collect();
    let changes = p
        .changes
        .iter()
        .map(|c| ChangeRow {
            status: label(lang, "imports.change", &c.status),
            field_count: c.fields.len(),
            c: c.clone(),
        })
        .collect();
    let error_count = p.errors.len();
    let to_write = p.new + p.changed;
    let open = matches!(p.status.as_str(), "validated" | "failed");
    Ok(PreviewPage {
        can_commit: p.status == "validated" && p.errors.is_empty(),
        open,
        kind: kind_label(lang, &p.kind),
        status: label(lang, "imports.status", &p.status),
        result_href: if p.kind == "figures" {
            "/figures"
        } else {
            "/enterprises"
        },
        page,
        p,
        id,
        errors,
        error_count,
        changes,
        to_write,
        error,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<Flash>,
) -> Result<Html<String>, PageError> {
    render(&preview_page(&state, &user, id, q, None).await?)
}

/// The preview again with a refused action explained.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    status: StatusCode,
    key: &str,
) -> Result<Response, PageError> {
    let error = Some(tr(user.lang, key));
    let page = preview_page(state, user, id, Flash::default(), error).await?;
    Ok((status, render(&page)?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CommitForm {
    confirm: String,
}

pub(super) async fn commit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    form: Result<Form<CommitForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    // A post without the ticked box (or without any form) is not a confirmation.
    let confirmed = form.is_ok_and(|Form(f)| !f.confirm.is_empty());
    if !confirmed {
        let key = "imports_page.confirm_required";
        return refused(&state, &user, id, StatusCode::UNPROCESSABLE_ENTITY, key).await;
    }
    match wujin_app::registry::import::commit(&state.app, &user.ctx, id).await {
        Ok(r) => Ok(Redirect::to(&format!(
            "/imports/{id}?msg=import_committed&created={}&updated={}",
            r.created, r.updated
        ))
        .into_response()),
        Err(AppError::Conflict(key)) => {
            refused(&state, &user, id, StatusCode::CONFLICT, &key).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn discard(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    match wujin_app::registry::import::discard(&state.app, &user.ctx, id).await {
        Ok(()) => Ok(Redirect::to("/imports?msg=import_discarded").into_response()),
        Err(AppError::Conflict(key)) => {
            refused(&state, &user, id, StatusCode::CONFLICT, &key).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The uploaded workbook with the errors marked, messages in the reader's language.
pub(super) async fn errors_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let lang = user.lang;
    let translate = move |key: &str| tr(lang, key);
    let (name, bytes) =
        wujin_app::registry::import::error_workbook(&state.app, &user.ctx, id, &translate).await?;
    Ok(xlsx_response(
        &name,
        &format!("import-{id}-errors.xlsx"),
        bytes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_their_specifics() {
        assert_eq!(
            message(Lang::ZhCn, "error.required", ""),
            tr(Lang::ZhCn, "error.required")
        );
        assert_eq!(
            message(Lang::ZhCn, "error.value.not_a_number", "abc"),
            format!("{}（abc）", tr(Lang::ZhCn, "error.value.not_a_number"))
        );
        assert_eq!(
            message(Lang::En, "error.value.not_a_number", "abc"),
            format!("{} (abc)", tr(Lang::En, "error.value.not_a_number"))
        );
    }
}
