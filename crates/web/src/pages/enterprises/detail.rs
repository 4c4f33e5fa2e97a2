//! One firm's page: profile, land, yearly figures (with each value's source), a trend chart
//! and the change history.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use wujin_app::registry::figures::{FIGURES, FiguresView};
use wujin_app::registry::land::ParcelUseView;
use wujin_app::registry::{EnterpriseView, Named};
use wujin_domain::access::Permission;

use super::fmt::{chart_wan, day, figure_heading, figure_text, label, quantity, scale_label};
use super::history::enterprise_history;
use super::{LIST_PATH, this_year};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::history::HistoryRow;
use crate::pages::render;
use crate::state::AppState;

/// The money figures the trend chart draws.
const CHART_FIGURES: [&str; 3] = [
    "main_revenue_yuan",
    "evaluation_tax_yuan",
    "value_added_yuan",
];

pub(super) struct LandRow {
    u: ParcelUseView,
    tenure: String,
    parcel_area: String,
    area: String,
    years: String,
    /// The other firms using the same parcel.
    others: Vec<Named>,
}

impl LandRow {
    /// Whether the caller may open firm `id` (else its name is shown without a link).
    fn reachable(&self, id: &i64) -> bool {
        self.u.users_in_scope.contains(id)
    }
}

pub(super) struct FigureCell {
    text: String,
    /// Where the value came from, who loaded it and when.
    title: String,
}

pub(super) struct FigureLine {
    key: &'static str,
    heading: String,
    cells: Vec<FigureCell>,
}

#[derive(Template)]
#[template(path = "enterprises/detail.html")]
struct DetailPage {
    page: PageCtx,
    e: EnterpriseView,
    cadres: Vec<Named>,
    scale: String,
    /// 人工认定: reason, when the scale was set by hand.
    override_note: Option<String>,
    status: String,
    founded: String,
    land: Vec<LandRow>,
    /// Years with figures, oldest first (the table's columns).
    years: Vec<i32>,
    figure_lines: Vec<FigureLine>,
    parcel_land: Vec<String>,
    chart: Option<String>,
    history: Vec<HistoryRow>,
    can_manage: bool,
    /// Officials see the firm's visits and problems (三服务).
    official: bool,
    can_edit_figures: bool,
    /// The year the "enter figures" button opens: last year.
    entry_year: i32,
    /// The firm's classes in the evaluation runs the caller sees.
    show_grades: bool,
    grades: Vec<GradeRow>,
}

pub(super) struct GradeRow {
    run_id: i64,
    year: i32,
    status: String,
    total: String,
    rank: String,
    grade: String,
}

#[derive(Deserialize)]
pub(super) struct Flash {
    msg: Option<String>,
}

fn land_rows(lang: Lang, id: i64, uses: Vec<ParcelUseView>) -> Vec<LandRow> {
    uses.into_iter()
        .map(|u| {
            let years = match (u.from_year, u.to_year) {
                (None, None) => String::new(),
                (f, t) => format!(
                    "{}–{}",
                    f.map(|y| y.to_string()).unwrap_or_default(),
                    t.map(|y| y.to_string()).unwrap_or_default()
                ),
            };
            LandRow {
                tenure: label(lang, "registry.tenure", &u.tenure),
                parcel_area: quantity(u.parcel_area_mu),
                area: quantity(u.area_mu),
                years,
                others: u.users.iter().filter(|n| n.id != id).cloned().collect(),
                u,
            }
        })
        .collect()
}

/// The figures table: one line per figure, one cell per year (oldest first).
fn figure_lines(page: &PageCtx, years: &[FiguresView]) -> Vec<FigureLine> {
    let lang = page.lang;
    FIGURES
        .iter()
        .map(|(key, _)| FigureLine {
            key,
            heading: figure_heading(lang, key),
            cells: years
                .iter()
                .map(|f| {
                    let v = f.values.get(key).copied().flatten();
                    let title = f
                        .sources
                        .get(*key)
                        .map(|s| {
                            trf(
                                lang,
                                "enterprises_page.source_title",
                                &[
                                    ("source", &label(lang, "registry.source", &s.source)),
                                    ("by", &s.by),
                                    ("at", &page.datetime_str(&s.at)),
                                ],
                            )
                        })
                        .unwrap_or_default();
                    FigureCell {
                        text: figure_text(lang, key, v),
                        title,
                    }
                })
                .collect(),
        })
        .collect()
}

/// ECharts option of the trend of main revenue, tax and value added (万元), or `None` when
/// there is nothing to draw.
fn trend_chart(page: &PageCtx, years: &[FiguresView]) -> Option<String> {
    let series: Vec<(String, Vec<Option<f64>>)> = CHART_FIGURES
        .iter()
        .map(|k| {
            (
                page.t(&format!("registry.figure.{k}")),
                years
                    .iter()
                    .map(|f| chart_wan(f.values.get(k).copied().flatten()))
                    .collect(),
            )
        })
        .collect();
    if series.iter().all(|(_, v)| v.iter().all(Option::is_none)) {
        return None;
    }
    let colors = ["#1d4f91", "#b42318", "#2e7d32"];
    Some(
        serde_json::json!({
            "tooltip": {"trigger": "axis"},
            "legend": {"data": series.iter().map(|(n, _)| n).collect::<Vec<_>>(), "top": 0},
            "grid": {"left": 64, "right": 16, "top": 40, "bottom": 24},
            "xAxis": {"type": "category", "data": years.iter().map(|f| f.year.to_string()).collect::<Vec<_>>()},
            "yAxis": {"type": "value", "name": page.t("registry.unit.main_revenue_yuan")},
            "series": series.iter().zip(colors).map(|((name, data), color)| serde_json::json!({
                "name": name, "type": "line", "data": data, "connectNulls": true,
                "itemStyle": {"color": color}, "lineStyle": {"color": color}
            })).collect::<Vec<_>>()
        })
        .to_string(),
    )
}

pub(super) async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<Flash>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let d = wujin_app::registry::enterprises::get(&state.app, &user.ctx, id).await?;
    let uses = wujin_app::registry::land::of_enterprise(&state.app, &user.ctx, id).await?;
    let mut figures =
        wujin_app::registry::figures::of_enterprise(&state.app, &user.ctx, id).await?;
    figures.sort_by_key(|f| f.year);
    let history = enterprise_history(&state, &user.ctx, lang, id, &d.cadres).await?;
    let show_grades = user.actor().can(Permission::ViewEvaluation);
    let grades = if show_grades {
        wujin_app::evaluation::firm::grades_of_firm(&state.app, &user.ctx, id)
            .await?
            .into_iter()
            .map(|g| GradeRow {
                run_id: g.run_id,
                year: g.year,
                status: g.status,
                total: wujin_domain::evaluation::display_points(g.total),
                rank: g.rank.map(|r| r.to_string()).unwrap_or_default(),
                grade: g.grade.unwrap_or_default(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = page_ctx(
        &state,
        &user,
        "enterprises_page.detail_title",
        &[
            ("menu.enterprises", Some(LIST_PATH)),
            (d.enterprise.name.as_str(), None),
        ],
        q.msg.as_deref(),
    )
    .await;
    let e = d.enterprise;
    let a = user.actor();
    render(&DetailPage {
        scale: scale_label(lang, e.scale.as_deref()),
        override_note: e.scale_overridden.then(|| {
            trf(
                lang,
                "enterprises_page.scale_overridden",
                &[("reason", e.scale_override_reason.as_deref().unwrap_or(""))],
            )
        }),
        status: label(lang, "registry.status", &e.status),
        founded: e.founded_on.map(|f| day(lang, &f)).unwrap_or_default(),
        land: land_rows(lang, id, uses),
        years: figures.iter().map(|f| f.year).collect(),
        figure_lines: figure_lines(&page, &figures),
        parcel_land: figures.iter().map(|f| quantity(f.parcel_land_mu)).collect(),
        chart: trend_chart(&page, &figures),
        history,
        can_manage: a.can(Permission::ManageEnterprises),
        official: a.role != wujin_domain::access::Role::Enterprise,
        can_edit_figures: a.can(Permission::EditFigures),
        entry_year: this_year() - 1,
        show_grades,
        grades,
        page,
        e,
        cadres: d.cadres,
    })
}
