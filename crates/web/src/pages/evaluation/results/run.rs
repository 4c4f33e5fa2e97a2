//! 评价结果: one run's summary and its results table within the caller's data scope
//! (filters, sorting, pages), and "导出 Excel" of the filtered view in the 公示 format.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use wujin_app::PageRequest;
use wujin_app::evaluation::results::{GRADE_FILTERS, ResultFilter, ResultRow, RunView};
use wujin_app::registry::dictionaries::Dictionary;
use wujin_domain::evaluation::{Grade, display_points};

use super::{run_label, status_label, with_query};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::fmt::scale_label;
use crate::pages::enterprises::options::{dictionary, entry_opts, opts, town_opts, towns};
use crate::pages::enterprises::{today, xlsx_response};
use crate::pages::{Pager, SortHeader, opt_i64, pager, query_string, render, sort_header};
use crate::state::AppState;

/// Rows per page the table offers.
const PER_PAGE_CHOICES: [u64; 4] = [20, 50, 100, 200];

#[derive(Deserialize, Default)]
pub(super) struct ResultsQuery {
    grade: Option<String>,
    group: Option<String>,
    town: Option<String>,
    scale: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    started: Option<String>,
}

impl ResultsQuery {
    fn grade(&self) -> Option<&str> {
        self.grade.as_deref().filter(|g| GRADE_FILTERS.contains(g))
    }

    fn scale(&self) -> Option<&str> {
        self.scale
            .as_deref()
            .filter(|s| matches!(*s, "above" | "below"))
    }

    fn sort(&self) -> Option<&str> {
        self.sort
            .as_deref()
            .filter(|s| wujin_app::evaluation::results::RESULT_SORTS.contains(s))
    }

    fn dir(&self) -> Option<&str> {
        self.dir.as_deref().filter(|d| matches!(*d, "asc" | "desc"))
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

    pub(super) fn filter(&self) -> ResultFilter {
        ResultFilter {
            grade: self.grade().map(str::to_string),
            group: opt_i64(&self.group),
            town: opt_i64(&self.town),
            scale: self.scale().map(str::to_string),
            q: self.q(),
            sort: self.sort().map(str::to_string),
            dir: self.dir().map(str::to_string),
        }
    }

    fn query(&self, with_sort: bool) -> String {
        let mut pairs = vec![
            ("grade", self.grade().map(str::to_string)),
            ("group", opt_i64(&self.group).map(|d| d.to_string())),
            ("town", opt_i64(&self.town).map(|d| d.to_string())),
            ("scale", self.scale().map(str::to_string)),
            ("q", self.q()),
        ];
        if with_sort {
            pairs.push(("sort", self.sort().map(str::to_string)));
            pairs.push(("dir", self.dir().map(str::to_string)));
            pairs.push(("per_page", self.per_page().map(|p| p.to_string())));
        }
        query_string(&pairs)
    }
}

/// A result's class as the table shows it: the badge's class and its text.
pub(crate) fn class_cell(lang: Lang, r: &ResultRow) -> (String, String) {
    match (&r.grade, r.unrated) {
        (None, _) => (String::new(), tr(lang, "eval.results.listed_only")),
        (Some(g), true) => (
            g.clone(),
            trf(lang, "eval.results.unrated_as", &[("grade", g)]),
        ),
        (Some(g), false) => (g.clone(), g.clone()),
    }
}

pub(super) struct Row {
    r: ResultRow,
    scale: String,
    total: String,
    rank: String,
    grade_class: String,
    grade_text: String,
    /// The class by rank differs (a veto moved it).
    vetoed_from: Option<String>,
}

#[derive(Template)]
#[template(path = "evaluation/results_run.html")]
struct RunPage {
    page: PageCtx,
    run: RunView,
    label: String,
    status: String,
    counts: Vec<(&'static str, u64)>,
    started: bool,
    items: Vec<Row>,
    total: u64,
    q: String,
    grades: Vec<Opt>,
    groups: Vec<Opt>,
    towns: Vec<Opt>,
    scales: Vec<Opt>,
    per_pages: Vec<Opt>,
    headers: Vec<SortHeader>,
    pager: Pager,
    export_href: String,
    filtered: bool,
}

pub(super) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let app = &state.app;
    let run = wujin_app::evaluation::results::get_run(app, &user.ctx, id).await?;
    let result = wujin_app::evaluation::results::results(
        app,
        &user.ctx,
        id,
        &q.filter(),
        PageRequest::new(opt_i64(&q.page).map(|p| p.max(1) as u64), q.per_page()),
    )
    .await?;
    let path = format!("/evaluation/runs/{id}");
    let all = || Some(tr(lang, "action.all"));
    let selected = |v: &Option<String>| opt_i64(v).map(|i| i.to_string()).unwrap_or_default();
    let town_list = towns(&state, &user, true).await?;
    let groups = dictionary(&state, Dictionary::IndustryGroup, &[]).await?;
    let without_sort = q.query(false);
    let headers = [
        ("eval.results.name", "name"),
        ("eval.results.total", "score"),
        ("eval.results.rank", "rank"),
    ]
    .into_iter()
    .map(|(key, col)| sort_header(lang, key, col, &path, &without_sort, q.sort(), q.dir()))
    .collect();
    let with_sort = q.query(true);
    let pager = pager(lang, &result, &path, &with_sort);
    let label = run_label(lang, &run);
    let page = page_ctx(
        &state,
        &user,
        "eval.results.title",
        &[("eval.run.list_title", Some("/evaluation")), (&label, None)],
        None,
    )
    .await;
    let per_page = result.per_page.to_string();
    let grades = opts(
        all(),
        GRADE_FILTERS.iter().map(|g| {
            let text = match *g {
                "listed" => tr(lang, "eval.results.listed_only"),
                "unrated" => tr(lang, "eval.results.unrated"),
                g => g.to_string(),
            };
            (g.to_string(), text)
        }),
        q.grade().unwrap_or(""),
    );
    let scales = opts(
        all(),
        ["above", "below"]
            .iter()
            .map(|s| (s.to_string(), scale_label(lang, Some(s)))),
        q.scale().unwrap_or(""),
    );
    let items = result
        .items
        .into_iter()
        .map(|r| {
            let (grade_class, grade_text) = class_cell(lang, &r);
            Row {
                scale: scale_label(lang, r.scale.as_deref()),
                total: if r.listed_only {
                    String::new()
                } else {
                    display_points(r.total)
                },
                rank: match (r.rank, r.group_size) {
                    (Some(k), Some(n)) => format!("{k}/{n}"),
                    _ => String::new(),
                },
                vetoed_from: r
                    .grade_by_rank
                    .clone()
                    .filter(|g| Some(g) != r.grade.as_ref()),
                grade_class,
                grade_text,
                r,
            }
        })
        .collect();
    render(&RunPage {
        status: status_label(lang, &run.status),
        counts: Grade::ALL
            .iter()
            .map(|g| {
                (
                    g.as_str(),
                    run.by_grade.get(g.as_str()).copied().unwrap_or(0),
                )
            })
            .collect(),
        started: q.started.is_some(),
        label,
        items,
        total: result.total,
        q: q.q().unwrap_or_default(),
        grades,
        groups: entry_opts(all(), &groups, &selected(&q.group)),
        towns: town_opts(all(), &town_list, &selected(&q.town)),
        scales,
        per_pages: opts(
            None,
            PER_PAGE_CHOICES
                .iter()
                .map(|n| (n.to_string(), n.to_string())),
            &per_page,
        ),
        headers,
        pager,
        export_href: with_query(&format!("{path}/export.xlsx"), &with_sort),
        filtered: !without_sort.is_empty(),
        run,
        page,
    })
}

/// The filtered view (every page) as the 公示 workbook.
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ResultsQuery>,
) -> Result<Response, PageError> {
    let run = wujin_app::evaluation::results::get_run(&state.app, &user.ctx, id).await?;
    let (bytes, _) = wujin_app::evaluation::results::export_xlsx(
        &state.app,
        &user.ctx,
        id,
        &q.filter(),
        &mut |_, _| {},
    )
    .await?;
    let name = trf(
        user.lang,
        "eval.results.export_name",
        &[("year", &run.year.to_string()), ("id", &id.to_string())],
    );
    Ok(xlsx_response(
        &format!("{name}-{}.xlsx", today()),
        &format!("evaluation-{}-run{id}-{}.xlsx", run.year, today()),
        bytes,
    ))
}
