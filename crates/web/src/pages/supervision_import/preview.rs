//! One decomposition import: counts, errors by cell, the rows as they would be written
//! (indented by level), a choice for every unknown name, the confirmation, and the uploaded
//! workbook back with the errors marked.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use wujin_app::AppError;
use wujin_app::supervision::import::{
    self as import, NameChoices, NameKind, NameMapping, NameRef, TaskImportPreview, UnknownName,
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
fn message(lang: Lang, key: &str, detail: &str) -> String {
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

/// One decision of the confirmation page.
pub(super) struct Decision {
    kind: String,
    name: String,
    outcome: String,
}

#[derive(Template)]
#[template(path = "supervision/import_confirm.html")]
struct ConfirmPage {
    page: PageCtx,
    p: TaskImportPreview,
    id: i64,
    decisions: Vec<Decision>,
    /// The form as posted, carried to the final post.
    fields: Vec<(String, String)>,
}

/// The choices posted as `target_{i}` for the `i`-th unknown name: `create`, `unit:{id}` or
/// `leader:{id}`; blanks and values of the wrong kind are no choice.
pub(crate) fn mappings_of(
    unknown: &[UnknownName],
    form: &[(String, String)],
) -> (Vec<NameMapping>, HashMap<usize, String>, Vec<usize>) {
    let chosen: HashMap<usize, String> = form
        .iter()
        .filter_map(|(k, v)| {
            let i = k.strip_prefix("target_")?.parse::<usize>().ok()?;
            (!v.trim().is_empty()).then(|| (i, v.trim().to_string()))
        })
        .collect();
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (i, u) in unknown.iter().enumerate() {
        let value = chosen.get(&i).map(String::as_str).unwrap_or_default();
        let id = |prefix: &str| {
            value
                .strip_prefix(prefix)
                .and_then(|s| s.strip_prefix(':'))
                .and_then(|s| s.parse::<i64>().ok())
        };
        let name = u.name.clone();
        let m = match (u.kind, value) {
            (NameKind::Unit, "create") => Some(NameMapping::CreateUnit { name }),
            (NameKind::Unit, _) => id("unit").map(|department_id| NameMapping::MapUnit {
                name,
                department_id,
            }),
            (NameKind::Leader, _) => {
                id("leader").map(|user_id| NameMapping::MapLeader { name, user_id })
            }
        };
        match m {
            Some(m) => out.push(m),
            None => missing.push(i),
        }
    }
    (out, chosen, missing)
}

/// The preview again with what was refused, the choices kept.
async fn refused(
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

pub(super) async fn commit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    form: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Result<Response, PageError> {
    let lang = user.lang;
    let fields = form.map(|Form(f)| f).unwrap_or_default();
    let p = import::preview(&state.app, &user.ctx, id).await?;
    let (mappings, selected, missing) = mappings_of(&p.unknown, &fields);
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|i| p.unknown[*i].name.clone()).collect();
        let msg = message(lang, "task_import.choose_all", &names.join("、"));
        return refused(
            &state,
            &user,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            &selected,
            vec![msg],
        )
        .await;
    }
    if !fields.iter().any(|(k, v)| k == "confirm" && !v.is_empty()) {
        let choices = import::choices(&state.app, &user.ctx).await?;
        let name_of = |list: &[import::NameChoice], id: i64| {
            list.iter()
                .find(|c| c.id == id)
                .map_or_else(|| id.to_string(), |c| c.name.clone())
        };
        let decisions = mappings
            .iter()
            .map(|m| Decision {
                kind: tr(lang, &format!("task_import.kind.{}", m.kind().as_str())),
                name: m.name().to_string(),
                outcome: match m {
                    NameMapping::CreateUnit { .. } => tr(lang, "task_import.will_create"),
                    NameMapping::MapUnit { department_id, .. } => trf(
                        lang,
                        "task_import.will_map",
                        &[("target", &name_of(&choices.units, *department_id))],
                    ),
                    NameMapping::MapLeader { user_id, .. } => trf(
                        lang,
                        "task_import.will_map",
                        &[("target", &name_of(&choices.leaders, *user_id))],
                    ),
                },
            })
            .collect();
        let href = plan_href(p.plan_id);
        let page = page_ctx(
            &state,
            &user,
            "task_import.confirm_title",
            &[
                (p.plan_name.as_str(), Some(href.as_str())),
                ("task_import.confirm_title", None),
            ],
            None,
        )
        .await;
        let fields = fields
            .into_iter()
            .filter(|(k, _)| k.starts_with("target_"))
            .collect();
        return Ok(render(&ConfirmPage {
            page,
            p,
            id,
            decisions,
            fields,
        })?
        .into_response());
    }
    match import::commit(&state.app, &user.ctx, id, &mappings).await {
        Ok(out) => Ok(
            Redirect::to(&format!("{}?msg=tasks_imported", plan_href(out.plan_id))).into_response(),
        ),
        Err(AppError::Validation(errors)) => {
            let messages = errors
                .iter()
                .map(|e| message(lang, &e.key, e.detail.as_deref().unwrap_or_default()))
                .collect();
            refused(
                &state,
                &user,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                &selected,
                messages,
            )
            .await
        }
        Err(AppError::Conflict(key)) => {
            let messages = vec![tr(lang, &key)];
            refused(&state, &user, id, StatusCode::CONFLICT, &selected, messages).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Drops the batch (its file is deleted) and goes back to the plan.
pub(super) async fn discard(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let p = import::preview(&state.app, &user.ctx, id).await?;
    match import::discard(&state.app, &user.ctx, id).await {
        Ok(()) => Ok(
            Redirect::to(&format!("{}?msg=import_discarded", plan_href(p.plan_id))).into_response(),
        ),
        Err(AppError::Conflict(key)) => {
            let messages = vec![tr(user.lang, &key)];
            refused(
                &state,
                &user,
                id,
                StatusCode::CONFLICT,
                &HashMap::new(),
                messages,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(kind: NameKind, name: &str) -> UnknownName {
        UnknownName {
            kind,
            name: name.into(),
            rows: vec![5],
            cells: vec!["E5".into()],
            ambiguous: false,
            suggestions: vec![],
        }
    }

    #[test]
    fn choices_become_mappings_and_blanks_are_missing() {
        let u = [
            unknown(NameKind::Unit, "市数据局"),
            unknown(NameKind::Unit, "市城管局"),
            unknown(NameKind::Leader, "张副市长"),
            unknown(NameKind::Leader, "赵副市长"),
        ];
        let form = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect()
        };
        let (m, _, missing) = mappings_of(
            &u,
            &form(&[
                ("target_0", "create"),
                ("target_1", "unit:7"),
                ("target_2", "leader:3"),
                ("target_3", "create"),
            ]),
        );
        assert_eq!(
            m,
            vec![
                NameMapping::CreateUnit {
                    name: "市数据局".into()
                },
                NameMapping::MapUnit {
                    name: "市城管局".into(),
                    department_id: 7
                },
                NameMapping::MapLeader {
                    name: "张副市长".into(),
                    user_id: 3
                },
            ]
        );
        // A leader cannot be created; a unit id is no leader.
        assert_eq!(missing, vec![3]);
        let (_, _, missing) = mappings_of(&u, &form(&[("target_1", "leader:3"), ("target_2", "")]));
        assert_eq!(missing, vec![0, 1, 2, 3]);
    }
}
