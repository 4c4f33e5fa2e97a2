//! One decomposition import: counts, errors by cell, the rows as they would be written
//! (indented by level), a choice for every unknown name, and the uploaded workbook back with
//! the errors marked.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use wujin_app::supervision::import::{
    self as import, NameChoices, NameKind, NameRef, TaskImportPreview, UnknownName,
};
use wujin_domain::supervision::deadline::Deadline;

use super::plan_href;
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::xlsx_response;
use crate::pages::render;
use crate::state::AppState;

/// A name in a cell: as written, the unit or leader it matched (when its name differs), or
/// marked unknown.
pub(super) struct NameView {
    written: String,
    matched: Option<String>,
    known: bool,
}

fn name_view(n: &NameRef) -> NameView {
    NameView {
        matched: n.name.clone().filter(|m| *m != n.written),
        known: n.id.is_some(),
        written: n.written.clone(),
    }
}

pub(super) struct RowView {
    row: u32,
    level: u8,
    serial: String,
    content: String,
    leader: Option<NameView>,
    other_leaders: String,
    lead_units: Vec<NameView>,
    co_units: Vec<NameView>,
    deadline_text: String,
    deadline: String,
    target: String,
    has_error: bool,
}

pub(super) struct ErrorRow {
    cell: String,
    column: String,
    message: String,
}

pub(super) struct UnknownView {
    index: usize,
    kind: String,
    name: String,
    rows: String,
    ambiguous: bool,
    options: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "supervision/import_preview.html")]
struct PreviewPage {
    page: PageCtx,
    p: TaskImportPreview,
    id: i64,
    status: String,
    plan_href: String,
    errors: Vec<ErrorRow>,
    error_count: usize,
    rows: Vec<RowView>,
    unknown: Vec<UnknownView>,
    unknown_count: usize,
    can_commit: bool,
    open: bool,
    /// Why the last action was refused, translated.
    refusal: Vec<String>,
}

/// A message with its specifics, in the reader's language.
pub(super) fn message(lang: Lang, key: &str, detail: &str) -> String {
    let m = tr(lang, key);
    match (detail.trim().is_empty(), lang) {
        (true, _) => m,
        (false, Lang::ZhCn) => format!("{m}（{detail}）"),
        (false, Lang::En) => format!("{m} ({detail})"),
    }
}

fn deadline_label(page: &PageCtx, d: &Option<Deadline>) -> String {
    match d {
        None => String::new(),
        Some(Deadline::On(d)) => match page.lang {
            Lang::ZhCn => d.format("%Y年%-m月%-d日").to_string(),
            Lang::En => d.format("%Y-%m-%d").to_string(),
        },
        Some(Deadline::Recurring(r)) => {
            let code = serde_json::to_value(r)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            page.t(&format!("task_import.recurrence.{code}"))
        }
        Some(Deadline::Ongoing) => page.t("task_import.ongoing"),
    }
}

/// The dropdown of one unknown name: nothing chosen, create (units), the suggestions, then
/// every unit or leader.
fn options(lang: Lang, u: &UnknownName, choices: &NameChoices, selected: Option<&str>) -> Vec<Opt> {
    let selected = selected.unwrap_or_default();
    let prefix = u.kind.as_str();
    let mut out = vec![(String::new(), tr(lang, "task_import.choose"))];
    if u.kind == NameKind::Unit {
        out.push((
            "create".into(),
            trf(lang, "task_import.create_unit", &[("name", &u.name)]),
        ));
    }
    for s in &u.suggestions {
        out.push((
            format!("{prefix}:{}", s.id),
            trf(lang, "task_import.suggested", &[("name", &s.name)]),
        ));
    }
    let all = match u.kind {
        NameKind::Unit => &choices.units,
        NameKind::Leader => &choices.leaders,
    };
    out.extend(
        all.iter()
            .map(|c| (format!("{prefix}:{}", c.id), c.name.clone())),
    );
    let mut picked = false;
    out.into_iter()
        .map(|(value, label)| {
            let sel = !picked && value == selected;
            picked |= sel;
            Opt {
                selected: sel,
                value,
                label,
            }
        })
        .collect()
}

async fn preview_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    selected: &HashMap<usize, String>,
    refusal: Vec<String>,
) -> Result<PreviewPage, PageError> {
    let lang = user.lang;
    let p = import::preview(&state.app, &user.ctx, id).await?;
    let choices = import::choices(&state.app, &user.ctx).await?;
    let href = plan_href(p.plan_id);
    let title = format!("{} · {}", p.plan_name, p.file_name);
    let page = page_ctx(
        state,
        user,
        "task_import.preview_title",
        &[
            (p.plan_name.as_str(), Some(href.as_str())),
            (title.as_str(), None),
        ],
        None,
    )
    .await;
    let rows = p
        .rows
        .iter()
        .map(|r| RowView {
            row: r.row,
            level: r.level,
            serial: r.serial.clone(),
            content: r.content.clone(),
            leader: r.leader.as_ref().map(name_view),
            other_leaders: r.other_leaders.join("、"),
            lead_units: r.lead_units.iter().map(name_view).collect(),
            co_units: r.co_units.iter().map(name_view).collect(),
            deadline_text: r.deadline_text.clone().unwrap_or_default(),
            deadline: deadline_label(&page, &r.deadline),
            target: r.target.clone().unwrap_or_default(),
            has_error: r.has_error,
        })
        .collect();
    let errors = p
        .errors
        .iter()
        .map(|e| ErrorRow {
            cell: e.cell.clone(),
            column: e.column.clone().unwrap_or_default(),
            message: message(lang, &e.key, &e.detail),
        })
        .collect();
    let unknown = p
        .unknown
        .iter()
        .enumerate()
        .map(|(i, u)| UnknownView {
            index: i,
            kind: tr(lang, &format!("task_import.kind.{}", u.kind.as_str())),
            name: u.name.clone(),
            rows: u
                .rows
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join("、"),
            ambiguous: u.ambiguous,
            options: options(lang, u, &choices, selected.get(&i).map(String::as_str)),
        })
        .collect();
    let (error_count, unknown_count) = (p.errors.len(), p.unknown.len());
    Ok(PreviewPage {
        error_count,
        unknown_count,
        status: tr(lang, &format!("imports.status.{}", p.status)),
        can_commit: p.status == "validated" && p.errors.is_empty(),
        open: matches!(p.status.as_str(), "validated" | "failed"),
        plan_href: href,
        id,
        errors,
        rows,
        unknown,
        refusal,
        page,
        p,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    render(&preview_page(&state, &user, id, &HashMap::new(), Vec::new()).await?)
}

/// The preview again with what was refused, the choices kept.
pub(super) async fn refused(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    status: StatusCode,
    selected: &HashMap<usize, String>,
    messages: Vec<String>,
) -> Result<Response, PageError> {
    let page = preview_page(state, user, id, selected, messages).await?;
    Ok((status, render(&page)?).into_response())
}

/// The uploaded workbook with the errors and unknown names marked.
pub(super) async fn errors_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let lang = user.lang;
    let translate = move |key: &str| tr(lang, key);
    let (name, bytes) = import::error_workbook(&state.app, &user.ctx, id, &translate).await?;
    Ok(xlsx_response(
        &name,
        &format!("task-import-{id}-errors.xlsx"),
        bytes,
    ))
}
