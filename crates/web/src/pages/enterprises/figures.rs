//! Entering or correcting one firm's figures for one year: every figure in its display unit
//! (money in 万元), flags as checkboxes, and where the values come from.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use wujin_app::registry::figures::{FIGURES, FigureKind, FiguresView};
use wujin_app::{AppError, FieldError};
use wujin_domain::access::Permission;
use wujin_domain::enterprise::FigureSource;

use super::fmt::{figure_heading, figure_input, label};
use super::options::{default_source, source_opts};
use super::{LIST_PATH, invalid, this_year};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::trf;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::{FormErrors, render};
use crate::state::AppState;

/// One figure's field.
pub(super) struct Field {
    key: &'static str,
    heading: String,
    flag: bool,
    value: String,
    /// Where the stored value came from (empty when none is stored).
    source: String,
}

#[derive(Template)]
#[template(path = "enterprises/figures_form.html")]
struct FiguresPage {
    page: PageCtx,
    id: i64,
    name: String,
    year: i32,
    /// Other years to switch to.
    years: Vec<i32>,
    fields: Vec<Field>,
    sources: Vec<Opt>,
    errors: FormErrors,
}

/// Years the form accepts (the use-case's own bounds).
fn valid_year(year: i32) -> Result<i32, PageError> {
    if (1990..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::NotFound.into())
    }
}

async fn figures_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    year: i32,
    typed: Option<(&BTreeMap<String, String>, &str)>,
    errors: FormErrors,
) -> Result<FiguresPage, PageError> {
    if !user.actor().can(Permission::EditFigures) {
        return Err(AppError::Forbidden.into());
    }
    let lang = user.lang;
    let d = wujin_app::registry::enterprises::get(&state.app, &user.ctx, id).await?;
    let all = wujin_app::registry::figures::of_enterprise(&state.app, &user.ctx, id).await?;
    let stored: Option<&FiguresView> = all.iter().find(|f| f.year == year);
    let fields = FIGURES
        .iter()
        .map(|(key, kind)| {
            let v = stored.and_then(|f| f.values.get(key).copied().flatten());
            let value = match typed {
                Some((t, _)) => t.get(*key).cloned().unwrap_or_default(),
                None => figure_input(key, v),
            };
            let source = stored
                .and_then(|f| f.sources.get(*key))
                .map(|s| {
                    trf(
                        lang,
                        "enterprises_page.source_short",
                        &[
                            ("source", &label(lang, "registry.source", &s.source)),
                            ("by", &s.by),
                        ],
                    )
                })
                .unwrap_or_default();
            Field {
                key,
                heading: figure_heading(lang, key),
                flag: *kind == FigureKind::Flag,
                value: if *kind == FigureKind::Flag && value == "false" {
                    String::new()
                } else {
                    value
                },
                source,
            }
        })
        .collect();
    let mut years: Vec<i32> = all.iter().map(|f| f.year).collect();
    for y in [this_year() - 1, this_year()] {
        if !years.contains(&y) {
            years.push(y);
        }
    }
    years.retain(|y| *y != year);
    years.sort_unstable_by(|a, b| b.cmp(a));
    let source = match typed {
        Some((_, s)) => s.to_string(),
        None => default_source(user).as_str().to_string(),
    };
    let href = format!("{LIST_PATH}/{id}");
    let title = trf(
        lang,
        "enterprises_page.figures_title",
        &[("year", &year.to_string())],
    );
    let page = page_ctx(
        state,
        user,
        "enterprises_page.figures",
        &[
            ("menu.enterprises", Some(LIST_PATH)),
            (d.enterprise.name.as_str(), Some(href.as_str())),
            (title.as_str(), None),
        ],
        None,
    )
    .await;
    Ok(FiguresPage {
        page,
        id,
        name: d.enterprise.name,
        year,
        years,
        fields,
        sources: source_opts(lang, &source),
        errors,
    })
}

pub(super) async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, year)): Path<(i64, i32)>,
) -> Result<Html<String>, PageError> {
    let year = valid_year(year)?;
    render(&figures_page(&state, &user, id, year, None, FormErrors::default()).await?)
}

/// The posted values by figure key (an unticked flag is "false") and the source.
fn read_form(pairs: Vec<(String, String)>) -> (BTreeMap<String, String>, String) {
    let mut values: BTreeMap<String, String> = FIGURES
        .iter()
        .filter(|(_, k)| *k == FigureKind::Flag)
        .map(|(key, _)| (key.to_string(), "false".to_string()))
        .collect();
    let mut source = String::new();
    for (k, v) in pairs {
        if k == "source" {
            source = v;
        } else if FIGURES.iter().any(|(key, _)| *key == k) {
            values.insert(k, v);
        }
    }
    (values, source)
}

pub(super) async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, year)): Path<(i64, i32)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let year = valid_year(year)?;
    let (values, source_text) = read_form(pairs);
    let result = match FigureSource::parse(source_text.trim()) {
        Some(source) => {
            wujin_app::registry::figures::update(&state.app, &user.ctx, id, year, &values, source)
                .await
        }
        None => Err(AppError::Validation(vec![FieldError::new(
            "source",
            "error.figures.source_invalid",
        )])),
    };
    match result {
        Ok(_) => Ok(
            Redirect::to(&format!("{LIST_PATH}/{id}?msg=figures_saved#figures")).into_response(),
        ),
        Err(AppError::Validation(v)) => {
            let mut errors = FormErrors::from_fields(user.lang, &v);
            // Errors about the form as a whole ("nothing entered") are shown on top.
            if errors.has("values") {
                errors.general.push(errors.get("values"));
            }
            let typed = Some((&values, source_text.as_str()));
            invalid(figures_page(&state, &user, id, year, typed, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unticked_flags_read_as_no() {
        let (values, source) = read_form(vec![
            ("main_revenue_yuan".into(), "2,500".into()),
            ("safety_accident".into(), "true".into()),
            ("source".into(), "tax".into()),
            ("nonsense".into(), "1".into()),
        ]);
        assert_eq!(source, "tax");
        assert_eq!(values["main_revenue_yuan"], "2,500");
        assert_eq!(values["safety_accident"], "true");
        assert_eq!(values["falsified_data"], "false");
        assert!(!values.contains_key("nonsense"));
    }
}
