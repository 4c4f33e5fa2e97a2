//! Visit coverage (`/service/coverage`): per cadre and per town over a window of months, and
//! the firms nobody visited in that window with their responsible cadres.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;
use wujin_app::service::coverage::{self, CadreCoverage, TownCoverage, UnvisitedFirm};
use wujin_app::{AppError, PageRequest};

use super::problems::text;
use super::{Tab, official, pct, tabs};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::tr;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::fmt::day;
use crate::pages::enterprises::options::opts;
use crate::pages::{Pager, opt_i64, pager, query_string, render};
use crate::state::AppState;

const MONTH_CHOICES: [u32; 5] = [1, 3, 6, 12, 24];

#[derive(Deserialize, Default)]
pub(super) struct CoverageQuery {
    months: Option<String>,
    town: Option<String>,
    page: Option<String>,
}

pub(super) struct CadreLine {
    c: CadreCoverage,
    coverage: String,
    last: String,
    low: bool,
}

pub(super) struct TownLine {
    t: TownCoverage,
    coverage: String,
}

pub(super) struct FirmLine {
    f: UnvisitedFirm,
    last: String,
}

#[derive(Template)]
#[template(path = "service/coverage.html")]
struct CoveragePage {
    page: PageCtx,
    tabs: Vec<Tab>,
    months: u32,
    month_opts: Vec<Opt>,
    towns: Vec<Opt>,
    cadres: Vec<CadreLine>,
    town_lines: Vec<TownLine>,
    firms: Vec<FirmLine>,
    unvisited_total: u64,
    pager: Pager,
}

pub(super) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CoverageQuery>,
) -> Result<Html<String>, PageError> {
    if !official(&user) {
        return Err(AppError::Forbidden.into());
    }
    let lang = user.lang;
    let today = wujin_app::china_today();
    let months = opt_i64(&q.months)
        .and_then(|m| u32::try_from(m).ok())
        .filter(|m| MONTH_CHOICES.contains(m))
        .unwrap_or(6);
    let town = opt_i64(&q.town);
    let cadres = coverage::by_cadre(&state.app, &user.ctx, months, today).await?;
    let towns = coverage::by_town(&state.app, &user.ctx, months, today).await?;
    let unvisited = coverage::unvisited(
        &state.app,
        &user.ctx,
        months,
        town,
        today,
        PageRequest::new(
            opt_i64(&q.page).and_then(|p| u64::try_from(p).ok()),
            Some(50),
        ),
    )
    .await?;
    let query = query_string(&[
        ("months", Some(months.to_string())),
        ("town", town.map(|t| t.to_string())),
    ]);
    let pager = pager(lang, &unvisited, "/service/coverage", &query);
    let page = page_ctx(
        &state,
        &user,
        "service.coverage_title",
        &[("service.coverage_title", None)],
        None,
    )
    .await;
    let town_opts = opts(
        Some(tr(lang, "action.all")),
        towns
            .iter()
            .map(|t| (t.town.id.to_string(), t.town.name.clone())),
        &text(&q.town).unwrap_or_default(),
    );
    render(&CoveragePage {
        tabs: tabs(&user, "/service/coverage"),
        month_opts: opts(
            None,
            MONTH_CHOICES.iter().map(|m| {
                (
                    m.to_string(),
                    crate::i18n::trf(lang, "service.months_n", &[("n", &m.to_string())]),
                )
            }),
            &months.to_string(),
        ),
        towns: town_opts,
        cadres: cadres
            .into_iter()
            .map(|c| CadreLine {
                coverage: pct(c.coverage),
                last: c
                    .last_visit
                    .map(|d| day(lang, &d))
                    .unwrap_or_else(|| "—".into()),
                low: c.coverage.is_some_and(|r| r < 0.5),
                c,
            })
            .collect(),
        town_lines: towns
            .into_iter()
            .map(|t| TownLine {
                coverage: pct(t.coverage),
                t,
            })
            .collect(),
        unvisited_total: unvisited.total,
        firms: unvisited
            .items
            .into_iter()
            .map(|f| FirmLine {
                last: f
                    .last_visit
                    .map(|d| day(lang, &d))
                    .unwrap_or_else(|| tr(lang, "service.never_visited")),
                f,
            })
            .collect(),
        months,
        page,
        pager,
    })
}
