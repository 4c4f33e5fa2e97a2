//! Committing a decomposition import from its preview: the choice made for each unknown name,
//! the confirmation page listing them, then the commit (or the batch discarded).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use wujin_app::AppError;
use wujin_app::supervision::import::{
    self as import, NameKind, NameMapping, TaskImportPreview, UnknownName,
};

use super::plan_href;
use super::preview::{message, refused};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::render;
use crate::state::AppState;

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
