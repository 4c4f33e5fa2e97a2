//! 用户管理: the users list (filters, sorting, pages, CSV export), creating and editing users,
//! disabling and enabling them, resetting their password, and each user's change history.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::Value;
use wujin_app::audit::AuditEventView;
use wujin_app::users::{UserFilter, UserInput, UserView};
use wujin_app::{AppError, FieldError, PageRequest};
use wujin_domain::access::{Permission, Role};

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, has, tr};
use crate::layout::{PageCtx, china_tz, page_ctx};
use crate::pages::{
    FormErrors, Pager, SortHeader, csv_response, opt_i64, pager, query_string, render, sort_header,
};
use crate::state::AppState;

const LIST_PATH: &str = "/admin/users";
/// At most this many rows go into one export.
const EXPORT_LIMIT: u64 = 10_000;
/// How many history entries a detail page shows.
const HISTORY_LIMIT: u64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(list).post(create))
        .route("/admin/users/export.csv", get(export))
        .route("/admin/users/new", get(new_form))
        .route("/admin/users/{id}", get(detail).post(update))
        .route("/admin/users/{id}/edit", get(edit_form))
        .route("/admin/users/{id}/disable", post(disable))
        .route("/admin/users/{id}/enable", post(enable))
        .route("/admin/users/{id}/reset-password", post(reset_password))
}

/// One option of a dropdown.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

// ---------- list and export ----------

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    role: Option<String>,
    department_id: Option<String>,
    status: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<u64>,
    msg: Option<String>,
}

const SORT_COLUMNS: [&str; 6] = [
    "username",
    "display_name",
    "role",
    "department",
    "last_login_at",
    "created_at",
];

impl ListQuery {
    fn sort(&self) -> Option<&str> {
        self.sort.as_deref().filter(|s| SORT_COLUMNS.contains(s))
    }

    fn dir(&self) -> Option<&str> {
        self.dir.as_deref().filter(|d| *d == "desc" || *d == "asc")
    }

    fn active(&self) -> Option<bool> {
        match self.status.as_deref() {
            Some("active") => Some(true),
            Some("disabled") => Some(false),
            _ => None,
        }
    }

    fn filter(&self) -> UserFilter {
        UserFilter {
            q: self.q.clone().filter(|s| !s.trim().is_empty()),
            role: self.role.clone().filter(|s| !s.is_empty()),
            department_id: opt_i64(&self.department_id),
            active: self.active(),
            sort: self.sort().map(str::to_string),
            dir: self.dir().map(str::to_string),
        }
    }

    /// The filters as a query string, with or without the sort.
    fn query(&self, with_sort: bool) -> String {
        let status = self
            .active()
            .map(|a| if a { "active" } else { "disabled" }.to_string());
        let mut pairs = vec![
            ("q", self.q.clone().map(|s| s.trim().to_string())),
            ("role", self.role.clone()),
            (
                "department_id",
                opt_i64(&self.department_id).map(|d| d.to_string()),
            ),
            ("status", status),
        ];
        if with_sort {
            pairs.push(("sort", self.sort().map(str::to_string)));
            pairs.push(("dir", self.dir().map(str::to_string)));
        }
        query_string(&pairs)
    }
}

#[derive(Template)]
#[template(path = "admin/users_list.html")]
struct ListPage {
    page: PageCtx,
    items: Vec<UserView>,
    q: String,
    roles: Vec<Opt>,
    units: Vec<Opt>,
    statuses: Vec<Opt>,
    headers: Vec<SortHeader>,
    pager: Pager,
    export_href: String,
    can_manage: bool,
    filtered: bool,
}

fn role_options(lang: Lang, roles: &[Role], selected: &str, with_all: bool) -> Vec<Opt> {
    let mut out = Vec::new();
    if with_all {
        out.push(Opt {
            value: String::new(),
            label: tr(lang, "action.all"),
            selected: selected.is_empty(),
        });
    }
    for r in roles {
        out.push(Opt {
            value: r.as_str().to_string(),
            label: tr(lang, &format!("role.{}", r.as_str())),
            selected: selected == r.as_str(),
        });
    }
    out
}

/// Indents a unit's name by its depth in the tree (for dropdowns).
pub(crate) fn indented(name: &str, depth: usize) -> String {
    format!("{}{}", "\u{3000}".repeat(depth.min(8)), name)
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let result = wujin_app::users::list(
        &state.app,
        &user.ctx,
        &q.filter(),
        PageRequest::new(q.page, None),
    )
    .await?;
    let units = wujin_app::users::filter_units(&state.app, &user.ctx).await?;
    let selected_unit = opt_i64(&q.department_id);
    let mut unit_opts = vec![Opt {
        value: String::new(),
        label: tr(lang, "action.all"),
        selected: selected_unit.is_none(),
    }];
    unit_opts.extend(units.iter().map(|u| Opt {
        value: u.id.to_string(),
        label: indented(&u.name, u.depth),
        selected: selected_unit == Some(u.id),
    }));
    let status = q.active();
    let statuses = vec![
        Opt {
            value: String::new(),
            label: tr(lang, "action.all"),
            selected: status.is_none(),
        },
        Opt {
            value: "active".into(),
            label: tr(lang, "user.active"),
            selected: status == Some(true),
        },
        Opt {
            value: "disabled".into(),
            label: tr(lang, "user.disabled"),
            selected: status == Some(false),
        },
    ];
    let without_sort = q.query(false);
    let headers = [
        ("user.username", "username"),
        ("user.display_name", "display_name"),
        ("user.role", "role"),
        ("user.department", "department"),
        ("user.last_login", "last_login_at"),
        ("user.created_at", "created_at"),
    ]
    .into_iter()
    .map(|(key, col)| sort_header(lang, key, col, LIST_PATH, &without_sort, q.sort(), q.dir()))
    .collect();
    let with_sort = q.query(true);
    let pager = pager(lang, &result, LIST_PATH, &with_sort);
    let export_href = if with_sort.is_empty() {
        format!("{LIST_PATH}/export.csv")
    } else {
        format!("{LIST_PATH}/export.csv?{with_sort}")
    };
    let page = page_ctx(
        &state,
        &user,
        "menu.users",
        &[("menu.users", None)],
        q.msg.as_deref(),
    )
    .await;
    render(&ListPage {
        page,
        items: result.items,
        q: q.q.clone().unwrap_or_default(),
        roles: role_options(lang, &Role::ALL, q.role.as_deref().unwrap_or(""), true),
        units: unit_opts,
        statuses,
        headers,
        pager,
        export_href,
        can_manage: user.actor().can(Permission::ManageUsers),
        filtered: !without_sort.is_empty(),
    })
}

/// A time as the exports show it: China time, `YYYY-MM-DD HH:MM`.
pub(crate) fn csv_time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&china_tz())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let lang = user.lang;
    let all = PageRequest {
        page: 1,
        per_page: EXPORT_LIMIT,
    };
    let result = wujin_app::users::list(&state.app, &user.ctx, &q.filter(), all).await?;
    let header: Vec<String> = [
        "user.username",
        "user.display_name",
        "user.role",
        "user.department",
        "user.phone",
        "user.status",
        "user.last_login",
        "user.created_at",
    ]
    .iter()
    .map(|k| tr(lang, k))
    .collect();
    let rows: Vec<Vec<String>> = result
        .items
        .iter()
        .map(|u| {
            vec![
                u.username.clone(),
                u.display_name.clone(),
                role_label(lang, &u.role),
                u.department_name.clone().unwrap_or_default(),
                u.phone.clone().unwrap_or_default(),
                tr(
                    lang,
                    if u.active {
                        "user.active"
                    } else {
                        "user.disabled"
                    },
                ),
                u.last_login_at.as_ref().map(csv_time).unwrap_or_default(),
                csv_time(&u.created_at),
            ]
        })
        .collect();
    let name = format!(
        "{}-{}.csv",
        tr(lang, "users_page.export_name"),
        chrono::Utc::now()
            .with_timezone(&china_tz())
            .format("%Y%m%d")
    );
    Ok(csv_response(&name, &header, &rows))
}

fn role_label(lang: Lang, role: &str) -> String {
    let key = format!("role.{role}");
    if has(lang, &key) {
        tr(lang, &key)
    } else {
        role.to_string()
    }
}

// ---------- create and edit ----------

/// The form as typed (re-shown as typed when something is wrong).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct UserForm {
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

fn invalid(page: impl Template) -> Result<Response, PageError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

async fn new_form(
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

/// The page that shows a new temporary password, once.
#[derive(Template)]
#[template(path = "admin/users_password.html")]
struct PasswordPage {
    page: PageCtx,
    u: UserView,
    password: String,
    created: bool,
}

/// A page holding a password must not stay in any cache.
fn no_store(html: Html<String>) -> Response {
    let mut res = html.into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The temporary password typed in the form, or a generated one when the field is empty.
fn temporary_password(typed: &str) -> String {
    if typed.trim().is_empty() {
        wujin_app::users::generate_temporary_password()
    } else {
        typed.to_string()
    }
}

async fn create(
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

async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let u = manageable(&state, &user, id).await?;
    let form = UserForm::from_view(&u);
    render(&form_page(&state, &user, Some(u), form, FormErrors::default()).await?)
}

async fn update(
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

// ---------- detail, history and actions ----------

/// One changed field of a history entry.
pub struct FieldChange {
    pub label: String,
    pub old: String,
    pub new: String,
}

/// One entry of a record's change history.
pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub changes: Vec<FieldChange>,
}

/// Turns audit events into history rows: field labels from `{field_prefix}.{field}`, unit ids
/// (`department_id`, `parent_id`) as unit names, roles and unit kinds as their labels.
pub(crate) fn history_rows(
    lang: Lang,
    events: Vec<AuditEventView>,
    field_prefix: &str,
    units: &[(i64, String)],
) -> Vec<HistoryRow> {
    let value = |field: &str, v: Option<&Value>| -> String {
        match v {
            None | Some(Value::Null) => "—".to_string(),
            Some(Value::Bool(b)) => tr(lang, if *b { "action.yes" } else { "action.no" }),
            Some(Value::Number(n)) if field == "department_id" || field == "parent_id" => n
                .as_i64()
                .and_then(|id| units.iter().find(|(u, _)| *u == id))
                .map(|(_, name)| name.clone())
                .unwrap_or_else(|| format!("#{n}")),
            Some(Value::String(s)) if field == "role" => role_label(lang, s),
            Some(Value::String(s)) if field == "kind" => {
                let key = format!("departments_page.kind.{s}");
                if has(lang, &key) {
                    tr(lang, &key)
                } else {
                    s.clone()
                }
            }
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }
    };
    events
        .into_iter()
        .map(|e| {
            let changes = e
                .changed_fields
                .iter()
                .map(|f| {
                    let key = format!("{field_prefix}.{f}");
                    FieldChange {
                        label: if has(lang, &key) {
                            tr(lang, &key)
                        } else {
                            f.clone()
                        },
                        old: value(f, e.before.as_ref().and_then(|b| b.get(f))),
                        new: value(f, e.after.as_ref().and_then(|a| a.get(f))),
                    }
                })
                .collect();
            HistoryRow {
                at: e.at,
                actor: e.actor_name,
                action: e.action,
                changes,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/users_detail.html")]
struct DetailPage {
    page: PageCtx,
    u: UserView,
    can_manage: bool,
    is_self: bool,
    history: Vec<HistoryRow>,
    /// A refused action, translated (shown as an error message).
    error: Option<String>,
    reset_errors: FormErrors,
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    flash: Option<&str>,
    error: Option<String>,
    reset_errors: FormErrors,
) -> Result<DetailPage, PageError> {
    // This is an administration page: reading one's own account goes through /account.
    if !user.actor().can(Permission::ViewUsers) {
        return Err(AppError::Forbidden.into());
    }
    let u = wujin_app::users::get(&state.app, &user.ctx, id).await?;
    let can_manage = wujin_app::users::may_manage(&state.app, &user.ctx, &u).await?;
    let units: Vec<(i64, String)> =
        wujin_app::departments::list(&state.app, &user.ctx, &Default::default())
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
    let events =
        wujin_app::audit::history_of(&state.app, "user", &id.to_string(), HISTORY_LIMIT).await?;
    let history = history_rows(user.lang, events, "users_page.field", &units);
    let page = page_ctx(
        state,
        user,
        "users_page.detail_title",
        &[
            ("menu.users", Some(LIST_PATH)),
            (u.display_name.as_str(), None),
        ],
        flash,
    )
    .await;
    Ok(DetailPage {
        page,
        is_self: user.actor().id == Some(u.id),
        u,
        can_manage,
        history,
        error,
        reset_errors,
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
    render(
        &detail_page(
            &state,
            &user,
            id,
            q.msg.as_deref(),
            None,
            FormErrors::default(),
        )
        .await?,
    )
}

/// Shows a refused action (a conflict) on the detail page, with status 409.
async fn conflict(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    key: &str,
) -> Result<Response, PageError> {
    let page = detail_page(
        state,
        user,
        id,
        None,
        Some(tr(user.lang, key)),
        FormErrors::default(),
    )
    .await?;
    Ok((StatusCode::CONFLICT, render(&page)?).into_response())
}

async fn set_active(
    state: AppState,
    user: CurrentUser,
    id: i64,
    active: bool,
) -> Result<Response, PageError> {
    match wujin_app::users::set_active(&state.app, &user.ctx, id, active).await {
        Ok(_) => {
            let msg = if active { "enabled" } else { "disabled" };
            Ok(Redirect::to(&format!("/admin/users/{id}?msg={msg}")).into_response())
        }
        Err(AppError::Conflict(key)) => conflict(&state, &user, id, &key).await,
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

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResetForm {
    password: String,
}

async fn reset_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ResetForm>,
) -> Result<Response, PageError> {
    let password = temporary_password(&f.password);
    match wujin_app::users::reset_password(&state.app, &user.ctx, id, &password).await {
        Ok(()) => {
            let u = wujin_app::users::get(&state.app, &user.ctx, id).await?;
            let href = format!("/admin/users/{id}");
            let crumbs = [
                ("menu.users", Some(LIST_PATH)),
                (u.display_name.as_str(), Some(href.as_str())),
                ("users_page.reset_title", None),
            ];
            let page = page_ctx(&state, &user, "users_page.reset_title", &crumbs, None).await;
            Ok(no_store(render(&PasswordPage {
                page,
                u,
                password,
                created: false,
            })?))
        }
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            let page = detail_page(&state, &user, id, None, None, errors).await?;
            invalid(page)
        }
        Err(AppError::Conflict(key)) => conflict(&state, &user, id, &key).await,
        Err(e) => Err(e.into()),
    }
}
