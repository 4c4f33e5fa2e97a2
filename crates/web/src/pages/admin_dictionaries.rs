//! 字典管理: the registry's industry groups (行业分组) and enterprise tags (企业标签), with how
//! many firms use each. Administrators add and edit entries; others who read the registry
//! see the lists.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use wujin_app::registry::dictionaries::{Dictionary, Entry, EntryInput};
use wujin_app::{AppError, FieldError};
use wujin_domain::access::Permission;

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::enterprises::invalid;
use crate::pages::{FormErrors, render};
use crate::state::AppState;

const PATH: &str = "/admin/dictionaries";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(index))
        .route("/admin/dictionaries/{dict}", axum::routing::post(create))
        .route(
            "/admin/dictionaries/{dict}/{id}",
            axum::routing::post(update),
        )
        .route("/admin/dictionaries/{dict}/{id}/edit", get(edit_form))
}

fn dictionary(s: &str) -> Result<Dictionary, PageError> {
    Dictionary::parse(s).ok_or_else(|| AppError::NotFound.into())
}

/// Only administrators change the dictionaries.
fn require_manage(user: &CurrentUser) -> Result<(), PageError> {
    if user.actor().can(Permission::ManageDictionaries) {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

/// An entry form as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct EntryForm {
    code: String,
    name: String,
    sort_order: String,
    /// A ticked checkbox sends a value; an unticked one sends nothing.
    active: Option<String>,
}

impl EntryForm {
    fn new_entry() -> EntryForm {
        EntryForm {
            sort_order: "100".into(),
            active: Some("1".into()),
            ..Default::default()
        }
    }

    fn of(e: &Entry) -> EntryForm {
        EntryForm {
            code: e.code.clone(),
            name: e.name.clone(),
            sort_order: e.sort_order.to_string(),
            active: e.active.then(|| "1".into()),
        }
    }

    fn is_active(&self) -> bool {
        self.active.is_some()
    }

    fn input(&self) -> Result<EntryInput, AppError> {
        let sort_order = match self.sort_order.trim() {
            "" => None,
            s => match s.parse::<i32>() {
                Ok(n) if (0..=100_000).contains(&n) => Some(n),
                _ => {
                    return Err(AppError::Validation(vec![FieldError::new(
                        "sort_order",
                        "error.dictionary.sort_order_invalid",
                    )]));
                }
            },
        };
        Ok(EntryInput {
            code: self.code.clone(),
            name: self.name.clone(),
            sort_order,
            active: Some(self.is_active()),
        })
    }
}

/// One dictionary's table and add form.
pub(crate) struct Section {
    dict: &'static str,
    title_key: &'static str,
    entries: Vec<Entry>,
    form: EntryForm,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "admin/dictionaries.html")]
struct IndexPage {
    page: PageCtx,
    sections: Vec<Section>,
    can_manage: bool,
}

/// The page; `failed` is the dictionary whose add form is shown again with its errors.
async fn index_page(
    state: &AppState,
    user: &CurrentUser,
    flash: Option<&str>,
    failed: Option<(Dictionary, EntryForm, FormErrors)>,
) -> Result<IndexPage, PageError> {
    let mut sections = Vec::new();
    for (dict, title_key) in [
        (Dictionary::IndustryGroup, "dictionaries_page.groups"),
        (Dictionary::Tag, "dictionaries_page.tags"),
    ] {
        let entries = wujin_app::registry::dictionaries::list(&state.app, &user.ctx, dict).await?;
        let (form, errors) = match &failed {
            Some((d, f, e)) if *d == dict => (f.clone(), e.clone()),
            _ => (EntryForm::new_entry(), FormErrors::default()),
        };
        sections.push(Section {
            dict: dict.as_str(),
            title_key,
            entries,
            form,
            errors,
        });
    }
    let page = page_ctx(
        state,
        user,
        "menu.dictionaries",
        &[("menu.dictionaries", None)],
        flash,
    )
    .await;
    Ok(IndexPage {
        page,
        sections,
        can_manage: user.actor().can(Permission::ManageDictionaries),
    })
}

#[derive(Deserialize)]
struct Flash {
    msg: Option<String>,
}

async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<Flash>,
) -> Result<Html<String>, PageError> {
    render(&index_page(&state, &user, q.msg.as_deref(), None).await?)
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(dict): Path<String>,
    Form(f): Form<EntryForm>,
) -> Result<Response, PageError> {
    require_manage(&user)?;
    let dict = dictionary(&dict)?;
    let result = match f.input() {
        Ok(input) => {
            wujin_app::registry::dictionaries::create(&state.app, &user.ctx, dict, &input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{PATH}?msg=dictionary_created")).into_response()),
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            invalid(index_page(&state, &user, None, Some((dict, f, errors))).await?)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin/dictionaries_form.html")]
struct EditPage {
    page: PageCtx,
    dict: &'static str,
    id: i64,
    enterprises: u64,
    form: EntryForm,
    errors: FormErrors,
}

async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    dict: Dictionary,
    id: i64,
    form: Option<EntryForm>,
    errors: FormErrors,
) -> Result<EditPage, PageError> {
    require_manage(user)?;
    let entry = wujin_app::registry::dictionaries::list(&state.app, &user.ctx, dict)
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or(AppError::NotFound)?;
    let page = page_ctx(
        state,
        user,
        "dictionaries_page.edit_title",
        &[
            ("menu.dictionaries", Some(PATH)),
            (entry.name.as_str(), None),
        ],
        None,
    )
    .await;
    Ok(EditPage {
        page,
        dict: dict.as_str(),
        id,
        enterprises: entry.enterprises,
        form: form.unwrap_or_else(|| EntryForm::of(&entry)),
        errors,
    })
}

async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((dict, id)): Path<(String, i64)>,
) -> Result<Html<String>, PageError> {
    let dict = dictionary(&dict)?;
    render(&edit_page(&state, &user, dict, id, None, FormErrors::default()).await?)
}

async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((dict, id)): Path<(String, i64)>,
    Form(f): Form<EntryForm>,
) -> Result<Response, PageError> {
    require_manage(&user)?;
    let dict = dictionary(&dict)?;
    let result = match f.input() {
        Ok(input) => {
            wujin_app::registry::dictionaries::update(&state.app, &user.ctx, dict, id, &input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{PATH}?msg=dictionary_saved")).into_response()),
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            invalid(edit_page(&state, &user, dict, id, Some(f), errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}
