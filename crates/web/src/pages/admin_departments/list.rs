//! The departments tree as an indented table (filters) and its CSV export.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use wujin_app::departments::{DepartmentFilter, DepartmentView};
use wujin_domain::access::Permission;
use wujin_domain::org::DepartmentKind;

use super::{LIST_PATH, kind_options};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr};
use crate::layout::{PageCtx, china_tz, page_ctx};
use crate::pages::choices::{Opt, kind_label};
use crate::pages::{csv_response, query_string, render};
use crate::state::AppState;

/// Indentation classes exist for depths 1 to this (deeper units are indented as this).
const MAX_DEPTH_CLASS: usize = 6;

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
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

pub(super) async fn list(
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

pub(super) async fn export(
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
