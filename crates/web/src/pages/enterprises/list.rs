//! 企业名录: the enterprise list (search, filters, sorting, pages) and its Excel export of
//! the same view.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use wujin_app::PageRequest;
use wujin_app::registry::dictionaries::Dictionary;
use wujin_app::registry::{EnterpriseFilter, EnterpriseView};
use wujin_domain::access::Permission;
use wujin_domain::enterprise::EnterpriseStatus;

use super::fmt::{day, label, scale_label};
use super::options::{
    dictionary, entry_opts, opts, scale_filter_opts, status_opts, town_opts, towns,
};
use super::{LIST_PATH, today, xlsx_response};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::tr;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::{Pager, SortHeader, opt_i64, pager, query_string, render, sort_header};
use crate::state::AppState;

/// Rows per page the list offers.
const PER_PAGE_CHOICES: [u64; 4] = [20, 50, 100, 200];

const SORT_COLUMNS: [&str; 7] = [
    "name",
    "credit_code",
    "town",
    "group",
    "scale",
    "status",
    "founded_on",
];

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    q: Option<String>,
    town: Option<String>,
    group: Option<String>,
    scale: Option<String>,
    status: Option<String>,
    tag: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    msg: Option<String>,
}

impl ListQuery {
    fn sort(&self) -> Option<&str> {
        self.sort.as_deref().filter(|s| SORT_COLUMNS.contains(s))
    }

    fn dir(&self) -> Option<&str> {
        self.dir.as_deref().filter(|d| *d == "desc" || *d == "asc")
    }

    fn scale(&self) -> Option<&str> {
        self.scale
            .as_deref()
            .filter(|s| matches!(*s, "above" | "below" | "unknown"))
    }

    fn status(&self) -> Option<&str> {
        self.status
            .as_deref()
            .filter(|s| EnterpriseStatus::parse(s).is_some())
    }

    fn q(&self) -> Option<String> {
        self.q
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    fn per_page(&self) -> Option<u64> {
        self.per_page
            .as_deref()
            .and_then(|p| p.trim().parse().ok())
            .filter(|p| PER_PAGE_CHOICES.contains(p))
    }

    fn page(&self) -> Option<u64> {
        self.page.as_deref().and_then(|p| p.trim().parse().ok())
    }

    fn filter(&self) -> EnterpriseFilter {
        EnterpriseFilter {
            q: self.q(),
            town: opt_i64(&self.town),
            group: opt_i64(&self.group),
            scale: self.scale().map(str::to_string),
            status: self.status().map(str::to_string),
            tag: opt_i64(&self.tag),
            park: None,
            sort: self.sort().map(str::to_string),
            dir: self.dir().map(str::to_string),
        }
    }

    /// The filters as a query string, with or without the sort (and the rows per page).
    fn query(&self, with_sort: bool) -> String {
        let mut pairs = vec![
            ("q", self.q()),
            ("town", opt_i64(&self.town).map(|d| d.to_string())),
            ("group", opt_i64(&self.group).map(|d| d.to_string())),
            ("scale", self.scale().map(str::to_string)),
            ("status", self.status().map(str::to_string)),
            ("tag", opt_i64(&self.tag).map(|d| d.to_string())),
        ];
        if with_sort {
            pairs.push(("sort", self.sort().map(str::to_string)));
            pairs.push(("dir", self.dir().map(str::to_string)));
            pairs.push(("per_page", self.per_page().map(|p| p.to_string())));
        }
        query_string(&pairs)
    }
}

/// One row as the list shows it.
pub(super) struct Row {
    e: EnterpriseView,
    scale: String,
    status: String,
    founded: String,
}

#[derive(Template)]
#[template(path = "enterprises/list.html")]
struct ListPage {
    page: PageCtx,
    items: Vec<Row>,
    total: u64,
    q: String,
    towns: Vec<Opt>,
    groups: Vec<Opt>,
    scales: Vec<Opt>,
    statuses: Vec<Opt>,
    tags: Vec<Opt>,
    per_pages: Vec<Opt>,
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
    let result = wujin_app::registry::enterprises::list(
        &state.app,
        &user.ctx,
        &q.filter(),
        PageRequest::new(q.page(), q.per_page()),
    )
    .await?;
    let all = || Some(tr(lang, "action.all"));
    let selected = |v: &Option<String>| opt_i64(v).map(|i| i.to_string()).unwrap_or_default();
    let town_list = towns(&state, &user, true).await?;
    let groups = dictionary(&state, Dictionary::IndustryGroup, &[]).await?;
    let tags = dictionary(&state, Dictionary::Tag, &[]).await?;
    let without_sort = q.query(false);
    let headers = [
        ("enterprise.field.name", "name"),
        ("enterprise.field.credit_code", "credit_code"),
        ("enterprise.field.town_id", "town"),
        ("enterprise.field.industry_group_id", "group"),
        ("enterprise.field.scale", "scale"),
        ("enterprise.field.status", "status"),
        ("enterprise.field.founded_on", "founded_on"),
    ]
    .into_iter()
    .map(|(key, col)| sort_header(lang, key, col, LIST_PATH, &without_sort, q.sort(), q.dir()))
    .collect();
    let with_sort = q.query(true);
    let pager = pager(lang, &result, LIST_PATH, &with_sort);
    let export_href = if with_sort.is_empty() {
        format!("{LIST_PATH}/export.xlsx")
    } else {
        format!("{LIST_PATH}/export.xlsx?{with_sort}")
    };
    let per_page = result.per_page.to_string();
    let page = page_ctx(
        &state,
        &user,
        "menu.enterprises",
        &[("menu.enterprises", None)],
        q.msg.as_deref(),
    )
    .await;
    let items = result
        .items
        .into_iter()
        .map(|e| Row {
            scale: scale_label(lang, e.scale.as_deref()),
            status: label(lang, "registry.status", &e.status),
            founded: e.founded_on.map(|d| day(lang, &d)).unwrap_or_default(),
            e,
        })
        .collect();
    render(&ListPage {
        page,
        items,
        total: result.total,
        q: q.q.clone().unwrap_or_default(),
        towns: town_opts(all(), &town_list, &selected(&q.town)),
        groups: entry_opts(all(), &groups, &selected(&q.group)),
        scales: scale_filter_opts(lang, q.scale().unwrap_or("")),
        statuses: status_opts(lang, all(), q.status().unwrap_or("")),
        tags: entry_opts(all(), &tags, &selected(&q.tag)),
        per_pages: opts(
            None,
            PER_PAGE_CHOICES
                .iter()
                .map(|n| (n.to_string(), n.to_string())),
            &per_page,
        ),
        headers,
        pager,
        export_href,
        can_manage: user.actor().can(Permission::ManageEnterprises),
        filtered: !without_sort.is_empty(),
    })
}

/// The current view (filters and sort, every page) as an Excel workbook.
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let bytes =
        wujin_app::registry::export::enterprises_xlsx(&state.app, &user.ctx, &q.filter()).await?;
    let name = format!(
        "{}-{}.xlsx",
        tr(user.lang, "enterprises_page.export_name"),
        today()
    );
    Ok(xlsx_response(
        &name,
        &format!("enterprises-{}.xlsx", today()),
        bytes,
    ))
}
