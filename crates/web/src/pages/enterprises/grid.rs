//! 年度数据: the figures of one year for the firms in reach (optionally one town), for review
//! and correction, and its Excel export.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use wujin_app::PageRequest;
use wujin_app::registry::EnterpriseFilter;
use wujin_app::registry::figures::{FIGURES, GridRow};
use wujin_domain::access::Permission;

use super::fmt::{figure_text, quantity, scale_label};
use super::options::{opts, town_opts, towns};
use super::{this_year, xlsx_response};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{has, tr};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::{Pager, opt_i64, pager, query_string, render};
use crate::state::AppState;

const GRID_PATH: &str = "/figures";

#[derive(Deserialize, Default)]
pub(super) struct GridQuery {
    year: Option<String>,
    town: Option<String>,
    page: Option<String>,
    msg: Option<String>,
}

impl GridQuery {
    fn town(&self) -> Option<i64> {
        opt_i64(&self.town)
    }

    fn year(&self) -> Option<i32> {
        self.year
            .as_deref()
            .and_then(|y| y.trim().parse().ok())
            .filter(|y| (1990..=2100).contains(y))
    }
}

pub(super) struct Column {
    heading: String,
    unit: String,
}

pub(super) struct Line {
    id: i64,
    name: String,
    credit_code: String,
    scale: String,
    has_figures: bool,
    cells: Vec<String>,
    land: String,
}

#[derive(Template)]
#[template(path = "enterprises/grid.html")]
struct GridPage {
    page: PageCtx,
    year: i32,
    years: Vec<Opt>,
    towns: Vec<Opt>,
    columns: Vec<Column>,
    lines: Vec<Line>,
    pager: Pager,
    export_href: String,
    can_edit: bool,
    can_import: bool,
}

/// The years with figures (newest first) and the years to offer: those plus this year and
/// last year.
async fn year_choices(state: &AppState) -> Result<(Vec<i32>, Vec<i32>), PageError> {
    let with_data = wujin_app::registry::figures::years(&state.app).await?;
    let mut years = with_data.clone();
    for y in [this_year(), this_year() - 1] {
        if !years.contains(&y) {
            years.push(y);
        }
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    Ok((with_data, years))
}

/// The year shown when none is asked for: the newest with figures up to last year, else
/// last year.
fn default_year(with_data: &[i32]) -> i32 {
    let last = this_year() - 1;
    with_data
        .iter()
        .copied()
        .filter(|y| *y <= last)
        .max()
        .unwrap_or(last)
}

fn line(lang: crate::i18n::Lang, r: GridRow) -> Line {
    let cells = FIGURES
        .iter()
        .map(|(key, _)| {
            let v = r
                .figures
                .as_ref()
                .and_then(|f| f.values.get(key).copied().flatten());
            if r.figures.is_none() {
                String::new()
            } else {
                figure_text(lang, key, v)
            }
        })
        .collect();
    Line {
        id: r.enterprise_id,
        name: r.name,
        credit_code: r.credit_code,
        scale: scale_label(lang, r.scale.as_deref()),
        has_figures: r.figures.is_some(),
        land: r
            .figures
            .as_ref()
            .map(|f| quantity(f.parcel_land_mu))
            .unwrap_or_default(),
        cells,
    }
}

pub(super) async fn grid(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<GridQuery>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let (with_data, years) = year_choices(&state).await?;
    let year = q.year().unwrap_or_else(|| default_year(&with_data));
    let page_no = q.page.as_deref().and_then(|p| p.trim().parse().ok());
    let result = wujin_app::registry::figures::grid(
        &state.app,
        &user.ctx,
        year,
        q.town(),
        PageRequest::new(page_no, None),
    )
    .await?;
    let town_list = towns(&state, &user, true).await?;
    let query = query_string(&[
        ("year", Some(year.to_string())),
        ("town", q.town().map(|t| t.to_string())),
    ]);
    let pager = pager(lang, &result, GRID_PATH, &query);
    let columns = FIGURES
        .iter()
        .map(|(key, _)| {
            let unit_key = format!("registry.unit.{key}");
            Column {
                heading: tr(lang, &format!("registry.short.{key}")),
                unit: if has(lang, &unit_key) {
                    tr(lang, &unit_key)
                } else {
                    String::new()
                },
            }
        })
        .collect();
    let page = page_ctx(
        &state,
        &user,
        "menu.figures",
        &[("menu.figures", None)],
        q.msg.as_deref(),
    )
    .await;
    let a = user.actor();
    render(&GridPage {
        page,
        year,
        years: opts(
            None,
            years.iter().map(|y| (y.to_string(), y.to_string())),
            &year.to_string(),
        ),
        towns: town_opts(
            Some(tr(lang, "action.all")),
            &town_list,
            &q.town().map(|t| t.to_string()).unwrap_or_default(),
        ),
        columns,
        lines: result.items.into_iter().map(|r| line(lang, r)).collect(),
        pager,
        export_href: format!("{GRID_PATH}/export.xlsx?{query}"),
        can_edit: a.can(Permission::EditFigures),
        can_import: a.can(Permission::EditFigures),
    })
}

/// The figures of the year (and town) as an Excel workbook.
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<GridQuery>,
) -> Result<Response, PageError> {
    let year = match q.year() {
        Some(y) => y,
        None => default_year(&year_choices(&state).await?.0),
    };
    let filter = EnterpriseFilter {
        town: q.town(),
        ..Default::default()
    };
    let bytes =
        wujin_app::registry::export::figures_xlsx(&state.app, &user.ctx, year, &filter).await?;
    let name = format!(
        "{}-{year}-{}.xlsx",
        tr(user.lang, "figures_page.export_name"),
        super::today()
    );
    Ok(xlsx_response(&name, &format!("figures-{year}.xlsx"), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_year_is_the_latest_complete_one_with_figures() {
        let last = this_year() - 1;
        assert_eq!(default_year(&[]), last);
        assert_eq!(default_year(&[this_year(), 2021, 2023]), 2023);
        assert_eq!(default_year(&[this_year() + 1]), last);
    }
}
