//! 组织架构: the departments tree as an indented table (filters, CSV export), creating and
//! editing units, disabling and enabling them, and each unit's change history.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use wujin_app::departments::{DepartmentFilter, DepartmentInput, DepartmentView};
use wujin_app::{AppError, FieldError};
use wujin_domain::access::Permission;
use wujin_domain::org::DepartmentKind;
use wujin_storage::entity::department;

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr};
use crate::layout::{PageCtx, china_tz, page_ctx};
use crate::pages::admin_users::{HistoryRow, Opt, history_rows, indented};
use crate::pages::{FormErrors, csv_response, query_string, render};
use crate::state::AppState;

const LIST_PATH: &str = "/admin/departments";
const HISTORY_LIMIT: u64 = 50;
/// Indentation classes exist for depths 1 to this (deeper units are indented as this).
const MAX_DEPTH_CLASS: usize = 6;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/departments", get(list).post(create))
        .route("/admin/departments/export.csv", get(export))
        .route("/admin/departments/new", get(new_form))
        .route("/admin/departments/{id}", get(detail).post(update))
        .route("/admin/departments/{id}/edit", get(edit_form))
        .route("/admin/departments/{id}/disable", post(disable))
        .route("/admin/departments/{id}/enable", post(enable))
}

fn kind_label(lang: Lang, kind: &str) -> String {
    let key = format!("departments_page.kind.{kind}");
    if crate::i18n::has(lang, &key) {
        tr(lang, &key)
    } else {
        kind.to_string()
    }
}

fn kind_options(lang: Lang, selected: &str, first: Option<String>) -> Vec<Opt> {
    let mut out = Vec::new();
    if let Some(label) = first {
        out.push(Opt {
            value: String::new(),
            label,
            selected: selected.is_empty(),
        });
    }
    for k in DepartmentKind::ALL {
        out.push(Opt {
            value: k.as_str().to_string(),
            label: kind_label(lang, k.as_str()),
            selected: selected == k.as_str(),
        });
    }
    out
}

// ---------- list and export ----------

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    msg: Option<String>,
}

impl ListQuery {
    fn active(&self) -> Option<bool> {
        match self.status.as_deref() {
            Some("active") => Some(true),
            Some("disabled") => Some(false),
            _ => None,
        }
    }

    fn kind(&self) -> Option<String> {
        self.kind
            .clone()
            .filter(|k| DepartmentKind::parse(k).is_some())
    }

    fn filter(&self) -> DepartmentFilter {
        DepartmentFilter {
            q: self.q.clone().filter(|s| !s.trim().is_empty()),
            kind: self.kind(),
            active: self.active(),
        }
    }

    fn query(&self) -> String {
        let status = self
            .active()
            .map(|a| if a { "active" } else { "disabled" }.to_string());
        query_string(&[
            ("q", self.q.clone().map(|s| s.trim().to_string())),
            ("kind", self.kind()),
            ("status", status),
        ])
    }
}

/// A row of the tree table.
struct Row {
    d: DepartmentView,
    /// Indentation class level (0 for the root).
    depth: usize,
}

#[derive(Template)]
#[template(path = "admin/departments_list.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<Row>,
    q: String,
    kinds: Vec<Opt>,
    statuses: Vec<Opt>,
    export_href: String,
    can_manage: bool,
    filtered: bool,
}

fn status_options(lang: Lang, status: Option<bool>) -> Vec<Opt> {
    vec![
        Opt {
            value: String::new(),
            label: tr(lang, "action.all"),
            selected: status.is_none(),
        },
        Opt {
            value: "active".into(),
            label: tr(lang, "departments_page.active"),
            selected: status == Some(true),
        },
        Opt {
            value: "disabled".into(),
            label: tr(lang, "departments_page.disabled"),
            selected: status == Some(false),
        },
    ]
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let items = wujin_app::departments::list(&state.app, &user.ctx, &q.filter()).await?;
    let query = q.query();
    let page = page_ctx(
        &state,
        &user,
        "menu.departments",
        &[("menu.departments", None)],
        q.msg.as_deref(),
    )
    .await;
    render(&ListPage {
        page,
        rows: items
            .into_iter()
            .map(|d| Row {
                depth: d.depth.min(MAX_DEPTH_CLASS),
                d,
            })
            .collect(),
        q: q.q.clone().unwrap_or_default(),
        kinds: kind_options(
            lang,
            q.kind().as_deref().unwrap_or(""),
            Some(tr(lang, "action.all")),
        ),
        statuses: status_options(lang, q.active()),
        export_href: if query.is_empty() {
            format!("{LIST_PATH}/export.csv")
        } else {
            format!("{LIST_PATH}/export.csv?{query}")
        },
        can_manage: user.actor().can(Permission::ManageDepartments),
        filtered: !query.is_empty(),
    })
}

async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let lang = user.lang;
    let items = wujin_app::departments::list(&state.app, &user.ctx, &q.filter()).await?;
    let header: Vec<String> = [
        "departments_page.name",
        "departments_page.short_name",
        "departments_page.code",
        "departments_page.kind_label",
        "departments_page.parent",
        "departments_page.user_count",
        "departments_page.status",
    ]
    .iter()
    .map(|k| tr(lang, k))
    .collect();
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|d| {
            vec![
                d.name.clone(),
                d.short_name.clone().unwrap_or_default(),
                d.code.clone(),
                kind_label(lang, &d.kind),
                d.parent_name.clone().unwrap_or_default(),
                d.user_count.to_string(),
                tr(
                    lang,
                    if d.active {
                        "departments_page.active"
                    } else {
                        "departments_page.disabled"
                    },
                ),
            ]
        })
        .collect();
    let name = format!(
        "{}-{}.csv",
        tr(lang, "departments_page.export_name"),
        chrono::Utc::now()
            .with_timezone(&china_tz())
            .format("%Y%m%d")
    );
    Ok(csv_response(&name, &header, &rows))
}

// ---------- create and edit ----------

/// The form as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct UnitForm {
    parent_id: String,
    kind: String,
    code: String,
    name: String,
    short_name: String,
    sort_order: String,
}

impl UnitForm {
    fn from_model(d: &department::Model) -> UnitForm {
        UnitForm {
            parent_id: d.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            kind: d.kind.clone(),
            code: d.code.clone(),
            name: d.name.clone(),
            short_name: d.short_name.clone().unwrap_or_default(),
            sort_order: d.sort_order.to_string(),
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
        errors,
    })
}

fn invalid(page: impl Template) -> Result<Response, PageError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

#[derive(Deserialize)]
struct NewQuery {
    parent_id: Option<String>,
}

async fn new_form(
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

async fn create(
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

async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let d = wujin_app::departments::get(&state.app, &user.ctx, id).await?;
    let form = UnitForm::from_model(&d);
    render(&form_page(&state, &user, Some(d), form, FormErrors::default()).await?)
}

async fn update(
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

// ---------- detail and actions ----------

#[derive(Template)]
#[template(path = "admin/departments_detail.html")]
struct DetailPage {
    page: PageCtx,
    d: department::Model,
    parent_name: Option<String>,
    user_count: u64,
    children: Vec<DepartmentView>,
    can_manage: bool,
    can_view_users: bool,
    history: Vec<HistoryRow>,
    error: Option<String>,
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    flash: Option<&str>,
    error: Option<String>,
) -> Result<DetailPage, PageError> {
    let d = wujin_app::departments::get(&state.app, &user.ctx, id).await?;
    let all =
        wujin_app::departments::list(&state.app, &user.ctx, &DepartmentFilter::default()).await?;
    let parent_name = d
        .parent_id
        .and_then(|p| all.iter().find(|u| u.id == p))
        .map(|p| p.name.clone());
    let user_count = all
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.user_count)
        .unwrap_or(0);
    let children: Vec<DepartmentView> = all
        .iter()
        .filter(|u| u.parent_id == Some(id))
        .cloned()
        .collect();
    let names: Vec<(i64, String)> = all.into_iter().map(|u| (u.id, u.name)).collect();
    let events =
        wujin_app::audit::history_of(&state.app, "department", &id.to_string(), HISTORY_LIMIT)
            .await?;
    let history = history_rows(user.lang, events, "departments_page.field", &names);
    let page = page_ctx(
        state,
        user,
        "departments_page.detail_title",
        &[
            ("menu.departments", Some(LIST_PATH)),
            (d.name.as_str(), None),
        ],
        flash,
    )
    .await;
    let a = user.actor();
    Ok(DetailPage {
        page,
        parent_name,
        user_count,
        children,
        can_manage: a.can(Permission::ManageDepartments),
        can_view_users: a.can(Permission::ViewUsers),
        history,
        error,
        d,
    })
}

#[derive(Deserialize)]
struct Flash {
    msg: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<Flash>,
) -> Result<Html<String>, PageError> {
    render(&detail_page(&state, &user, id, q.msg.as_deref(), None).await?)
}

async fn set_active(
    state: AppState,
    user: CurrentUser,
    id: i64,
    active: bool,
) -> Result<Response, PageError> {
    match wujin_app::departments::set_active(&state.app, &user.ctx, id, active).await {
        Ok(_) => {
            let msg = if active { "enabled" } else { "disabled" };
            Ok(Redirect::to(&format!("{LIST_PATH}/{id}?msg={msg}")).into_response())
        }
        Err(AppError::Conflict(key)) => {
            let page = detail_page(&state, &user, id, None, Some(tr(user.lang, &key))).await?;
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn disable(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    set_active(state, user, id, false).await
}

async fn enable(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    set_active(state, user, id, true).await
}
