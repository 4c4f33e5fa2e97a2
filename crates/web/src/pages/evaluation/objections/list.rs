//! `/evaluation/objections`: the objections within the caller's scope (the office all of
//! them, a town its firms', an enterprise user their own), filtered by status, year and run.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;
use wujin_app::PageRequest;
use wujin_app::evaluation::objections::{self, ObjectionFilter, STATUSES};

use super::objection_status_label;
use super::publication::ObjectionRow;
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::options::opts;
use crate::pages::{Pager, opt_i64, pager, query_string, render};
use crate::state::AppState;

const PATH: &str = "/evaluation/objections";

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    status: Option<String>,
    year: Option<String>,
    run: Option<String>,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "evaluation/objection_list.html")]
struct ListPage {
    page: PageCtx,
    statuses: Vec<Opt>,
    year: String,
    run: String,
    filtered: bool,
    total: String,
    items: Vec<ObjectionRow>,
    pager: Pager,
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let status = q
        .status
        .clone()
        .filter(|s| STATUSES.contains(&s.as_str()))
        .unwrap_or_default();
    let year = opt_i64(&q.year).and_then(|y| i32::try_from(y).ok());
    let run = opt_i64(&q.run);
    let filter = ObjectionFilter {
        status: (!status.is_empty()).then(|| status.clone()),
        year,
        run_id: run,
        enterprise_id: None,
    };
    let result = objections::list(
        &state.app,
        &user.ctx,
        &filter,
        PageRequest::new(q.page, None),
    )
    .await?;
    let page = page_ctx(
        &state,
        &user,
        "eval.objection.title",
        &[("eval.objection.title", None)],
        None,
    )
    .await;
    let query = query_string(&[
        ("status", filter.status.clone()),
        ("year", year.map(|y| y.to_string())),
        ("run", run.map(|r| r.to_string())),
    ]);
    let pager = pager(lang, &result, PATH, &query);
    render(&ListPage {
        statuses: opts(
            Some(crate::i18n::tr(lang, "eval.objection.all_statuses")),
            STATUSES
                .iter()
                .map(|s| (s.to_string(), objection_status_label(lang, s))),
            &status,
        ),
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        run: run.map(|r| r.to_string()).unwrap_or_default(),
        filtered: !query.is_empty(),
        total: page.tf1("eval.objection.total", "n", &result.total),
        items: result
            .items
            .into_iter()
            .map(|o| ObjectionRow::of(lang, o))
            .collect(),
        page,
        pager,
    })
}
