//! Creating and editing units.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::departments::{DepartmentFilter, DepartmentInput};
use wujin_app::{AppError, FieldError};
use wujin_domain::access::Permission;
use wujin_storage::entity::department;

use super::{LIST_PATH, kind_options};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::tr;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::{Opt, indented};
use crate::pages::{FormErrors, render};
use crate::state::AppState;

/// The form as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct UnitForm {
    parent_id: String,
    kind: String,
    code: String,
    name: String,
    short_name: String,
    webhook_url: String,
    sort_order: String,
    head_user_id: String,
    leader_user_id: String,
}

impl UnitForm {
    fn from_model(d: &department::Model) -> UnitForm {
        UnitForm {
            parent_id: d.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            kind: d.kind.clone(),
            code: d.code.clone(),
            name: d.name.clone(),
            short_name: d.short_name.clone().unwrap_or_default(),
            webhook_url: d.webhook_url.clone().unwrap_or_default(),
            sort_order: d.sort_order.to_string(),
            head_user_id: d.head_user_id.map(|u| u.to_string()).unwrap_or_default(),
            leader_user_id: d.leader_user_id.map(|u| u.to_string()).unwrap_or_default(),
        }
    }

    fn input(&self) -> Result<DepartmentInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let parent_id = match self.parent_id.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(FieldError::new(
                        "parent_id",
                        "error.department.parent_missing",
                    ));
                    None
                }
            },
        };
        let sort_order = match self.sort_order.trim() {
            "" => None,
            s => match s.parse::<i32>() {
                Ok(n) if (0..=100_000).contains(&n) => Some(n),
                _ => {
                    errors.push(FieldError::new(
                        "sort_order",
                        "departments_page.sort_order_invalid",
                    ));
                    None
                }
            },
        };
        let mut user = |field: &str, key: &str, v: &str| match v.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(FieldError::with_detail(field, key, s));
                    None
                }
            },
        };
        let head_user_id = user(
            "head_user_id",
            "error.department_escalation.head_invalid",
            &self.head_user_id,
        );
        let leader_user_id = user(
            "leader_user_id",
            "error.department_escalation.leader_invalid",
            &self.leader_user_id,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DepartmentInput {
            parent_id,
            kind: self.kind.clone(),
            code: self.code.clone(),
            name: self.name.clone(),
            short_name: Some(self.short_name.clone()),
            sort_order,
            webhook_url: Some(self.webhook_url.clone()),
            head_user_id,
            leader_user_id,
        })
    }
}

#[derive(Template)]
#[template(path = "admin/departments_form.html")]
struct FormPage {
    page: PageCtx,
    editing: Option<department::Model>,
    action: String,
    form: UnitForm,
    parents: Vec<Opt>,
    kinds: Vec<Opt>,
    /// 负责人: the unit's active users.
    heads: Vec<Opt>,
    /// 分管领导: the active leaders.
    leaders: Vec<Opt>,
    errors: FormErrors,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<department::Model>,
    form: UnitForm,
    errors: FormErrors,
) -> Result<FormPage, PageError> {
    // Only those who may change units see the form.
    if !user.actor().can(Permission::ManageDepartments) {
        return Err(AppError::Forbidden.into());
    }
    let lang = user.lang;
    let units =
        wujin_app::departments::list(&state.app, &user.ctx, &DepartmentFilter::default()).await?;
    let selected = form.parent_id.trim().parse::<i64>().ok();
    let mut parents = vec![Opt {
        value: String::new(),
        label: tr(lang, "departments_page.no_parent"),
        selected: selected.is_none(),
    }];
    parents.extend(
        units
            .iter()
            .filter(|u| editing.as_ref().is_none_or(|e| e.id != u.id))
            .map(|u| Opt {
                value: u.id.to_string(),
                label: indented(&u.name, u.depth),
                selected: selected == Some(u.id),
            }),
    );
    let kinds = kind_options(lang, form.kind.trim(), Some("—".to_string()));
    let (heads, leaders) = wujin_app::departments::escalation_choices(
        &state.app,
        &user.ctx,
        editing.as_ref().map(|d| d.id),
    )
    .await?;
    let heads = person_options(lang, heads, &form.head_user_id);
    let leaders = person_options(lang, leaders, &form.leader_user_id);
    let (title, action) = match &editing {
        Some(d) => (
            "departments_page.edit_title",
            format!("{LIST_PATH}/{}", d.id),
        ),
        None => ("departments_page.new_title", LIST_PATH.to_string()),
    };
    let detail_href = editing.as_ref().map(|d| format!("{LIST_PATH}/{}", d.id));
    let mut crumbs: Vec<(&str, Option<&str>)> = vec![("menu.departments", Some(LIST_PATH))];
    if let (Some(d), Some(h)) = (&editing, &detail_href) {
        crumbs.push((d.name.as_str(), Some(h.as_str())));
    }
    crumbs.push((title, None));
    let page = page_ctx(state, user, title, &crumbs, None).await;
    Ok(FormPage {
        page,
        editing,
        action,
        form,
        parents,
        kinds,
        heads,
        leaders,
        errors,
    })
}

/// A dropdown of people: "none" first, then each by name.
fn person_options(lang: crate::i18n::Lang, people: Vec<(i64, String)>, selected: &str) -> Vec<Opt> {
    let selected = selected.trim();
    let mut out = vec![Opt {
        value: String::new(),
        label: tr(lang, "department_escalation.none"),
        selected: selected.is_empty(),
    }];
    out.extend(people.into_iter().map(|(id, name)| Opt {
        selected: selected == id.to_string(),
        value: id.to_string(),
        label: name,
    }));
    out
}

fn invalid(page: impl Template) -> Result<Response, PageError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

#[derive(Deserialize)]
pub(super) struct NewQuery {
    parent_id: Option<String>,
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<Html<String>, PageError> {
    let form = UnitForm {
        parent_id: q.parent_id.unwrap_or_default(),
        sort_order: "100".into(),
        ..Default::default()
    };
    render(&form_page(&state, &user, None, form, FormErrors::default()).await?)
}

pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<UnitForm>,
) -> Result<Response, PageError> {
    let result = match f.input() {
        Ok(input) => wujin_app::departments::create(&state.app, &user.ctx, &input).await,
        Err(v) => Err(AppError::Validation(v)),
    };
    match result {
        Ok(d) => Ok(Redirect::to(&format!("{LIST_PATH}/{}?msg=created", d.id)).into_response()),
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            invalid(form_page(&state, &user, None, f, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let d = wujin_app::departments::get(&state.app, &user.ctx, id).await?;
    let form = UnitForm::from_model(&d);
    render(&form_page(&state, &user, Some(d), form, FormErrors::default()).await?)
}

pub(super) async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<UnitForm>,
) -> Result<Response, PageError> {
    let result = match f.input() {
        Ok(input) => wujin_app::departments::update(&state.app, &user.ctx, id, &input).await,
        Err(v) => Err(AppError::Validation(v)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{LIST_PATH}/{id}?msg=saved")).into_response()),
        Err(AppError::Validation(v)) => {
            let d = wujin_app::departments::get(&state.app, &user.ctx, id).await?;
            let errors = FormErrors::from_fields(user.lang, &v);
            invalid(form_page(&state, &user, Some(d), f, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}
