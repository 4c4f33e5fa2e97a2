//! 数据导入: upload a spreadsheet (企业名录, 用地信息 or 年度数据), see what it would change
//! and every error by cell, then commit it as a whole or discard it. Templates to fill in and
//! the recent batches are on the upload page.

mod preview;
mod upload;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::response::{Html, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use wujin_app::registry::import::BatchView;
use wujin_app::{AppError, PageRequest};
use wujin_domain::access::Permission;
use wujin_xlsx::TableKind;

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::options::{opts, source_opts};
use crate::pages::enterprises::{this_year, xlsx_response};
use crate::pages::{FormErrors, Pager, pager, render};
use crate::state::AppState;

const IMPORTS_PATH: &str = "/imports";

/// The import pages. The upload accepts the file (`max_upload` bytes) plus the form fields
/// and multipart framing (the router lets `POST /imports` through its general limit, see
/// [`crate::is_upload`]).
pub fn routes(max_upload: usize) -> Router<AppState> {
    Router::new()
        .route(
            IMPORTS_PATH,
            get(index).post(upload::upload).layer(DefaultBodyLimit::max(
                max_upload.saturating_add(crate::UPLOAD_OVERHEAD_BYTES),
            )),
        )
        .route("/imports/template/{file}", get(template))
        .route("/imports/{id}", get(preview::show))
        .route("/imports/{id}/errors.xlsx", get(preview::errors_xlsx))
        .route("/imports/{id}/commit", post(preview::commit))
        .route("/imports/{id}/discard", post(preview::discard))
}

/// The kinds of table this caller may import.
fn importable(user: &CurrentUser) -> Vec<TableKind> {
    let a = user.actor();
    TableKind::ALL
        .into_iter()
        .filter(|k| match k {
            TableKind::Enterprises | TableKind::Parcels => a.can(Permission::ManageEnterprises),
            TableKind::Figures => a.can(Permission::EditFigures),
        })
        .collect()
}

fn kind_label(lang: Lang, kind: &str) -> String {
    crate::pages::enterprises::fmt::label(lang, "imports.kind", kind)
}

/// The upload form as typed.
#[derive(Default, Clone)]
pub(super) struct UploadForm {
    kind: String,
    year: String,
    source: String,
}

pub(super) struct TemplateLink {
    label: String,
    href: String,
}

pub(super) struct BatchRow {
    b: BatchView,
    kind: String,
    status: String,
}

#[derive(Template)]
#[template(path = "imports/index.html")]
pub(super) struct IndexPage {
    page: PageCtx,
    kinds: Vec<Opt>,
    sources: Vec<Opt>,
    form: UploadForm,
    errors: FormErrors,
    templates: Vec<TemplateLink>,
    batches: Vec<BatchRow>,
    pager: Pager,
    max_mb: usize,
}

#[derive(Deserialize)]
pub(super) struct IndexQuery {
    page: Option<String>,
    msg: Option<String>,
}

/// The upload page, with `form` and `errors` when an upload was refused.
pub(super) async fn index_page(
    state: &AppState,
    user: &CurrentUser,
    form: UploadForm,
    errors: FormErrors,
    page_no: Option<u64>,
    flash: Option<&str>,
) -> Result<IndexPage, PageError> {
    let lang = user.lang;
    let kinds = importable(user);
    if kinds.is_empty() {
        return Err(AppError::Forbidden.into());
    }
    let result = wujin_app::registry::import::batches(
        &state.app,
        &user.ctx,
        PageRequest::new(page_no, None),
    )
    .await?;
    let year = this_year() - 1;
    let templates = kinds
        .iter()
        .map(|k| TemplateLink {
            label: kind_label(lang, k.as_str()),
            href: match k {
                TableKind::Figures => format!("/imports/template/{}.xlsx?year={year}", k.as_str()),
                _ => format!("/imports/template/{}.xlsx", k.as_str()),
            },
        })
        .collect();
    let selected_kind = if form.kind.is_empty() {
        kinds[0].as_str().to_string()
    } else {
        form.kind.clone()
    };
    let source = if form.source.is_empty() {
        crate::pages::enterprises::options::default_source(user)
            .as_str()
            .to_string()
    } else {
        form.source.clone()
    };
    let page = page_ctx(
        state,
        user,
        "menu.imports",
        &[("menu.imports", None)],
        flash,
    )
    .await;
    Ok(IndexPage {
        page,
        kinds: opts(
            None,
            kinds
                .iter()
                .map(|k| (k.as_str().to_string(), kind_label(lang, k.as_str()))),
            &selected_kind,
        ),
        sources: source_opts(lang, &source),
        form: UploadForm {
            year: if form.year.is_empty() {
                year.to_string()
            } else {
                form.year.clone()
            },
            ..form
        },
        errors,
        templates,
        pager: pager(lang, &result, IMPORTS_PATH, ""),
        batches: result
            .items
            .into_iter()
            .map(|b| BatchRow {
                kind: kind_label(lang, &b.kind),
                status: crate::pages::enterprises::fmt::label(lang, "imports.status", &b.status),
                b,
            })
            .collect(),
        max_mb: state.app.config.import_max_file_mb as usize,
    })
}

async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<IndexQuery>,
) -> Result<Html<String>, PageError> {
    let page_no = q.page.as_deref().and_then(|p| p.trim().parse().ok());
    let page = index_page(
        &state,
        &user,
        UploadForm::default(),
        FormErrors::default(),
        page_no,
        q.msg.as_deref(),
    );
    render(&page.await?)
}

#[derive(Deserialize)]
struct TemplateQuery {
    year: Option<String>,
}

/// `/imports/template/{kind}.xlsx`: a blank template to fill in.
async fn template(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(file): Path<String>,
    Query(q): Query<TemplateQuery>,
) -> Result<Response, PageError> {
    let kind = file
        .strip_suffix(".xlsx")
        .and_then(TableKind::parse)
        .ok_or(AppError::NotFound)?;
    let year = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (1990..=2100).contains(y));
    let bytes = wujin_app::registry::import::template(&state.app, &user.ctx, kind, year).await?;
    let name = format!(
        "{}-{}.xlsx",
        kind_label(user.lang, kind.as_str()),
        tr(user.lang, "imports_page.template_suffix")
    );
    Ok(xlsx_response(
        &name,
        &format!("{}-template.xlsx", kind.as_str()),
        bytes,
    ))
}
