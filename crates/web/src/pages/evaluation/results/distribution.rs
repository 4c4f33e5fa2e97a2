//! 分类分布: a run's classes per town and per industry group, and the city total, within the
//! caller's scope — as tables, as stacked bars (inline SVG), and as a workbook.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};
use wujin_app::evaluation::results::{Distribution, DistributionRow};

use super::fmt::{percent1, stacked_bars};
use super::run_label;
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::enterprises::{today, xlsx_response};
use crate::pages::render;
use crate::state::AppState;

/// One line of a distribution table.
pub(super) struct Line {
    name: String,
    /// (count, share in %) of A–D.
    cells: Vec<(u64, String)>,
    graded: u64,
    listed_only: u64,
}

fn line(r: &DistributionRow) -> Line {
    Line {
        name: r.name.clone(),
        cells: (0..4)
            .map(|i| (r.counts[i], percent1(r.share(i))))
            .collect(),
        graded: r.graded(),
        listed_only: r.listed_only,
    }
}

fn chart(lang: Lang, title: &str, rows: &[DistributionRow]) -> String {
    let data: Vec<(String, [u64; 4])> = rows.iter().map(|r| (r.name.clone(), r.counts)).collect();
    stacked_bars(lang, title, &data)
}

#[derive(Template)]
#[template(path = "evaluation/results_distribution.html")]
struct DistributionPage {
    page: PageCtx,
    d: Distribution,
    label: String,
    towns: Vec<Line>,
    groups: Vec<Line>,
    total: Line,
    town_chart: String,
    group_chart: String,
}

pub(super) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let d = wujin_app::evaluation::results::distribution(&state.app, &user.ctx, id).await?;
    let label = run_label(lang, &d.run);
    let run_href = format!("/evaluation/runs/{id}");
    let page = page_ctx(
        &state,
        &user,
        "eval.dist.title",
        &[
            ("eval.run.list_title", Some("/evaluation")),
            (&label, Some(&run_href)),
            ("eval.dist.title", None),
        ],
        None,
    )
    .await;
    let mut total = line(&d.total);
    total.name = tr(lang, "eval.dist.total");
    render(&DistributionPage {
        towns: d.by_town.iter().map(line).collect(),
        groups: d.by_group.iter().map(line).collect(),
        total,
        town_chart: chart(lang, &tr(lang, "eval.dist.by_town"), &d.by_town),
        group_chart: chart(lang, &tr(lang, "eval.dist.by_group"), &d.by_group),
        label,
        d,
        page,
    })
}

/// The distribution as a workbook.
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let run = wujin_app::evaluation::results::get_run(&state.app, &user.ctx, id).await?;
    let bytes =
        wujin_app::evaluation::results::distribution_xlsx(&state.app, &user.ctx, id).await?;
    let name = trf(
        user.lang,
        "eval.dist.export_name",
        &[("year", &run.year.to_string()), ("id", &id.to_string())],
    );
    Ok(xlsx_response(
        &format!("{name}-{}.xlsx", today()),
        &format!("distribution-{}-run{id}-{}.xlsx", run.year, today()),
        bytes,
    ))
}
