//! The users list (filters, sorting, pages) and its CSV export.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use wujin_app::PageRequest;
use wujin_app::users::{UserFilter, UserView};
use wujin_domain::access::{Permission, Role};

use super::{LIST_PATH, role_options};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::tr;
use crate::layout::{PageCtx, china_tz, page_ctx};
use crate::pages::choices::{Opt, indented, role_label};
use crate::pages::{
    Pager, SortHeader, csv_response, opt_i64, pager, query_string, render, sort_header,
};
use crate::state::AppState;

/// At most this many rows go into one export.
const EXPORT_LIMIT: u64 = 10_000;

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
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

pub(super) async fn list(
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
fn csv_time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&china_tz())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub(super) async fn export(
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
