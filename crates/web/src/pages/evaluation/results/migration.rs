//! 类别变动: how firms' classes moved between two runs — a matrix of from-class × to-class
//! whose cells open the list of those firms (within the caller's scope).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;
use wujin_app::PageRequest;
use wujin_app::evaluation::results::{MIGRATION_CLASSES, Migration, MigrationFirm, RunChoice};
use wujin_domain::evaluation::display_points;

use super::status_label;
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::options::opts;
use crate::pages::{Pager, opt_i64, pager, query_string, render};
use crate::state::AppState;

const PATH: &str = "/evaluation/migration";

#[derive(Deserialize, Default)]
pub(super) struct MigrationQuery {
    from: Option<String>,
    to: Option<String>,
    from_grade: Option<String>,
    to_grade: Option<String>,
    page: Option<String>,
}

fn class_label(lang: Lang, c: &str) -> String {
    if c == "none" {
        tr(lang, "eval.migration.none")
    } else {
        c.to_string()
    }
}

fn choice_label(lang: Lang, c: &RunChoice) -> String {
    trf(
        lang,
        "eval.migration.choice",
        &[
            ("year", &c.year.to_string()),
            ("id", &c.id.to_string()),
            ("status", &status_label(lang, &c.status)),
        ],
    )
}

pub(super) struct Cell {
    n: u64,
    href: String,
    current: bool,
    /// On the diagonal: the class did not change.
    same: bool,
}

pub(super) struct MatrixRow {
    label: String,
    class: &'static str,
    cells: Vec<Cell>,
    total: u64,
}

pub(super) struct FirmRow {
    f: MigrationFirm,
    from_total: String,
    to_total: String,
}

#[derive(Template)]
#[template(path = "evaluation/results_migration.html")]
struct MigrationPage {
    page: PageCtx,
    from_runs: Vec<Opt>,
    to_runs: Vec<Opt>,
    m: Option<Migration>,
    heads: Vec<(String, &'static str)>,
    rows: Vec<MatrixRow>,
    column_totals: Vec<u64>,
    /// The cell whose firms are listed: (from label, to label).
    cell: Option<(String, String)>,
    firms: Vec<FirmRow>,
    firms_total: u64,
    pager: Option<Pager>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<MigrationQuery>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let app = &state.app;
    let choices = wujin_app::evaluation::results::run_choices(app, &user.ctx).await?;
    let (from, to) = match (opt_i64(&q.from), opt_i64(&q.to)) {
        (Some(f), Some(t)) => (Some(f), Some(t)),
        (f, t) => {
            let default = wujin_app::evaluation::results::default_migration(app, &user.ctx).await?;
            (f.or(default.map(|d| d.0)), t.or(default.map(|d| d.1)))
        }
    };
    let m = match (from, to) {
        (Some(f), Some(t)) => {
            Some(wujin_app::evaluation::results::migration(app, &user.ctx, f, t).await?)
        }
        _ => None,
    };
    let run_opts = |selected: Option<i64>| {
        opts(
            Some(tr(lang, "eval.migration.pick")),
            choices
                .iter()
                .map(|c| (c.id.to_string(), choice_label(lang, c))),
            &selected.map(|s| s.to_string()).unwrap_or_default(),
        )
    };
    let base = |fg: &str, tg: &str| {
        query_string(&[
            ("from", from.map(|f| f.to_string())),
            ("to", to.map(|t| t.to_string())),
            ("from_grade", Some(fg.to_string())),
            ("to_grade", Some(tg.to_string())),
        ])
    };
    let wanted = match (q.from_grade.as_deref(), q.to_grade.as_deref()) {
        (Some(f), Some(t)) if MIGRATION_CLASSES.contains(&f) && MIGRATION_CLASSES.contains(&t) => {
            Some((f.to_string(), t.to_string()))
        }
        _ => None,
    };
    let mut rows = Vec::new();
    let mut column_totals = vec![0u64; MIGRATION_CLASSES.len()];
    if let Some(m) = &m {
        for (i, fc) in MIGRATION_CLASSES.iter().enumerate() {
            let cells: Vec<Cell> = MIGRATION_CLASSES
                .iter()
                .enumerate()
                .map(|(j, tc)| {
                    column_totals[j] += m.cells[i][j];
                    Cell {
                        n: m.cells[i][j],
                        href: format!("{PATH}?{}", base(fc, tc)),
                        current: wanted.as_ref() == Some(&(fc.to_string(), tc.to_string())),
                        same: i == j && i < 4,
                    }
                })
                .collect();
            rows.push(MatrixRow {
                label: class_label(lang, fc),
                class: fc,
                total: m.cells[i].iter().sum(),
                cells,
            });
        }
    }
    let (mut firms, mut firms_total, mut firm_pager, mut cell) = (Vec::new(), 0, None, None);
    if let (Some((fg, tg)), Some(f), Some(t)) = (&wanted, from, to) {
        let p = wujin_app::evaluation::results::migration_firms(
            app,
            &user.ctx,
            f,
            t,
            fg,
            tg,
            PageRequest::new(opt_i64(&q.page).map(|p| p.max(1) as u64), None),
        )
        .await?;
        firm_pager = Some(pager(lang, &p, PATH, &base(fg, tg)));
        firms_total = p.total;
        cell = Some((class_label(lang, fg), class_label(lang, tg)));
        firms = p
            .items
            .into_iter()
            .map(|f| FirmRow {
                from_total: f.from_total.map(display_points).unwrap_or_default(),
                to_total: f.to_total.map(display_points).unwrap_or_default(),
                f,
            })
            .collect();
    }
    let page = page_ctx(
        &state,
        &user,
        "eval.migration.title",
        &[
            ("eval.run.list_title", Some("/evaluation")),
            ("eval.migration.title", None),
        ],
        None,
    )
    .await;
    render(&MigrationPage {
        from_runs: run_opts(from),
        to_runs: run_opts(to),
        heads: MIGRATION_CLASSES
            .iter()
            .map(|c| (class_label(lang, c), *c))
            .collect(),
        rows,
        column_totals,
        cell,
        firms,
        firms_total,
        pager: firm_pager,
        m,
        page,
    })
}
