//! Creating and editing users.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::users::{UserInput, UserView};
use wujin_app::{AppError, FieldError};

use super::{LIST_PATH, PasswordPage, invalid, no_store, role_options, temporary_password};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::{Opt, indented};
use crate::pages::{FormErrors, render};
use crate::state::AppState;

/// The form as typed (re-shown as typed when something is wrong).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct UserForm {
    username: String,
    display_name: String,
    role: String,
    department_id: String,
    enterprise_id: String,
    phone: String,
    email: String,
    password: String,
}

impl UserForm {
    fn from_view(u: &UserView) -> UserForm {
        UserForm {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.clone(),
            department_id: u.department_id.map(|d| d.to_string()).unwrap_or_default(),
            enterprise_id: u.enterprise_id.map(|d| d.to_string()).unwrap_or_default(),
            phone: u.phone.clone().unwrap_or_default(),
            email: u.email.clone().unwrap_or_default(),
            password: String::new(),
        }
    }

    /// The use-case's input; numbers that do not parse are field errors.
    fn input(&self) -> Result<UserInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let number =
            |s: &str, field: &str, key: &str, errors: &mut Vec<FieldError>| -> Option<i64> {
                let s = s.trim();
                if s.is_empty() {
                    return None;
                }
                match s.parse::<i64>() {
                    Ok(n) if n > 0 => Some(n),
                    _ => {
                        errors.push(FieldError::new(field, key));
                        None
                    }
                }
            };
        let department_id = number(
            &self.department_id,
            "department_id",
            "error.user.department_missing",
            &mut errors,
        );
        let enterprise_id = number(
            &self.enterprise_id,
            "enterprise_id",
            "users_page.enterprise_id_invalid",
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(UserInput {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role.clone(),
            department_id,
            enterprise_id,
            phone: opt(&self.phone),
            email: opt(&self.email),
        })
    }
}

#[derive(Template)]
#[template(path = "admin/users_form.html")]
struct FormPage {
    page: PageCtx,
    /// The user being edited; `None` on the create form.
    editing: Option<UserView>,
    action: String,
    form: UserForm,
    roles: Vec<Opt>,
    units: Vec<Opt>,
    errors: FormErrors,
}

/// Builds the create or edit form. The dropdowns offer only what the caller may grant (plus,
/// when editing, the user's current unit, so that it is not silently changed).
async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    editing: Option<UserView>,
    form: UserForm,
    errors: FormErrors,
) -> Result<FormPage, PageError> {
    let lang = user.lang;
    let (roles, grant_units) = wujin_app::users::grantable(&state.app, &user.ctx).await?;
    let units = wujin_app::users::filter_units(&state.app, &user.ctx).await?;
    let selected_unit = form.department_id.trim().parse::<i64>().ok();
    let mut unit_opts = vec![Opt {
        value: String::new(),
        label: "—".into(),
        selected: selected_unit.is_none(),
    }];
    for u in &units {
        let current = editing
            .as_ref()
            .is_some_and(|e| e.department_id == Some(u.id));
        if grant_units.iter().any(|g| g.id == u.id) || current {
            unit_opts.push(Opt {
                value: u.id.to_string(),
                label: indented(&u.name, u.depth),
                selected: selected_unit == Some(u.id),
            });
        }
    }
    let role_opts = {
        let mut v = vec![Opt {
            value: String::new(),
            label: "—".into(),
            selected: form.role.is_empty(),
        }];
        v.extend(role_options(lang, &roles, &form.role, false));
        v
    };
    let (title, action, crumbs): (&str, String, Vec<(String, Option<String>)>) = match &editing {
        Some(u) => (
            "users_page.edit_title",
            format!("/admin/users/{}", u.id),
            vec![
                ("menu.users".into(), Some(LIST_PATH.into())),
                (
                    u.display_name.clone(),
                    Some(format!("/admin/users/{}", u.id)),
                ),
                ("users_page.edit_title".into(), None),
            ],
        ),
        None => (
            "users_page.new_title",
            LIST_PATH.to_string(),
            vec![
                ("menu.users".into(), Some(LIST_PATH.into())),
                ("users_page.new_title".into(), None),
            ],
        ),
    };
    let crumbs: Vec<(&str, Option<&str>)> = crumbs
        .iter()
        .map(|(l, h)| (l.as_str(), h.as_deref()))
        .collect();
    let page = page_ctx(state, user, title, &crumbs, None).await;
    Ok(FormPage {
        page,
        editing,
        action,
        form,
        roles: role_opts,
        units: unit_opts,
        errors,
    })
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, PageError> {
    render(
        &form_page(
            &state,
            &user,
            None,
            UserForm::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<UserForm>,
) -> Result<Response, PageError> {
    let input = match f.input() {
        Ok(i) => i,
        Err(v) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            return invalid(form_page(&state, &user, None, f, errors).await?);
        }
    };
    let password = temporary_password(&f.password);
    match wujin_app::users::create(&state.app, &user.ctx, &input, &password).await {
        Ok(u) => {
            let href = format!("/admin/users/{}", u.id);
            let crumbs = [
                ("menu.users", Some(LIST_PATH)),
                (u.display_name.as_str(), Some(href.as_str())),
                ("users_page.created_title", None),
            ];
            let page = page_ctx(&state, &user, "users_page.created_title", &crumbs, None).await;
            Ok(no_store(render(&PasswordPage {
                page,
                u,
                password,
                created: true,
            })?))
        }
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            let mut form = f;
            form.password.clear();
            invalid(form_page(&state, &user, None, form, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// The user, if the caller may manage them; otherwise 403 (or 404 outside their scope).
async fn manageable(state: &AppState, user: &CurrentUser, id: i64) -> Result<UserView, PageError> {
    let u = wujin_app::users::get(&state.app, &user.ctx, id).await?;
    if !wujin_app::users::may_manage(&state.app, &user.ctx, &u).await? {
        return Err(AppError::Forbidden.into());
    }
    Ok(u)
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let u = manageable(&state, &user, id).await?;
    let form = UserForm::from_view(&u);
    render(&form_page(&state, &user, Some(u), form, FormErrors::default()).await?)
}

pub(super) async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<UserForm>,
) -> Result<Response, PageError> {
    let result = match f.input() {
        Ok(input) => wujin_app::users::update(&state.app, &user.ctx, id, &input).await,
        Err(v) => Err(AppError::Validation(v)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/admin/users/{id}?msg=saved")).into_response()),
        Err(AppError::Validation(v)) => {
            let current = manageable(&state, &user, id).await?;
            let errors = FormErrors::from_fields(user.lang, &v);
            invalid(form_page(&state, &user, Some(current), f, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}
