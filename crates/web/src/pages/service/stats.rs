//! Statistics (`/service/stats`): per department and per town — received, on-time assignment,
//! reply and closure, closure rate, satisfaction with the 85% floor marked, average working
//! days — by category and by month, for a period; with the xlsx.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use wujin_app::service::stats::{MonthLine, ServiceStats, StatsFilter, StatsLine};
use wujin_domain::service::problem::ProblemCategory;

use super::problems::{date, text};
use super::{Tab, label, pct, tabs};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::fmt::day;
use crate::pages::enterprises::options::opts;
use crate::pages::enterprises::xlsx_response;
use crate::pages::{query_string, render};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub(super) struct StatsQuery {
    from: Option<String>,
    to: Option<String>,
    category: Option<String>,
}

impl StatsQuery {
    fn filter(&self) -> StatsFilter {
        StatsFilter {
            from: date(&self.from),
            to: date(&self.to),
            category: text(&self.category),
        }
    }
}

/// One line in words.
pub(super) struct Line {
    pub name: String,
    pub received: u64,
    pub assign: String,
    pub reply: String,
    pub close: String,
    pub closed: u64,
    pub closure: String,
    pub returned: u64,
    pub reopened: u64,
    pub rated: u64,
    pub satisfaction: String,
    pub below: bool,
    pub avg: String,
}

fn line(name: String, l: &StatsLine) -> Line {
    let r = &l.rates;
    Line {
        name,
        received: l.counts.received,
        assign: pct(r.assign_on_time),
        reply: pct(r.reply_on_time),
        close: pct(r.close_on_time),
        closed: l.counts.closed,
        closure: pct(r.closure),
        returned: l.counts.returned,
        reopened: l.counts.reopened,
        rated: l.counts.rated,
        satisfaction: pct(r.satisfaction),
        below: r.below_floor,
        avg: r
            .avg_worked_wd
            .map(|a| format!("{a:.1}"))
            .unwrap_or_else(|| "—".into()),
    }
}

pub(super) struct Month {
    m: MonthLine,
    close: String,
    satisfaction: String,
    /// Bar width in percent of the busiest month.
    width: u64,
}

/// One table of the page.
pub(super) struct Section {
    id: &'static str,
    title: String,
    head: String,
    rows: Vec<Line>,
    footer: Option<Line>,
}

#[derive(Template)]
#[template(path = "service/stats.html")]
struct StatsPage {
    page: PageCtx,
    tabs: Vec<Tab>,
    from: String,
    to: String,
    period: String,
    floor: String,
    categories: Vec<Opt>,
    sections: Vec<Section>,
    months: Vec<Month>,
    export_href: String,
}

fn lines(lang: Lang, s: &ServiceStats) -> (Vec<Line>, Vec<Line>, Vec<Line>, Line) {
    (
        s.by_department
            .iter()
            .map(|l| line(l.unit.name.clone(), l))
            .collect(),
        s.by_town
            .iter()
            .map(|l| line(l.unit.name.clone(), l))
            .collect(),
        s.by_category
            .iter()
            .map(|l| line(label(lang, "category", &l.unit.name), l))
            .collect(),
        line(tr(lang, "service.stats.total"), &s.total),
    )
}

pub(super) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<StatsQuery>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let today = wujin_app::china_today();
    let f = q.filter();
    let s = wujin_app::service::stats::stats(&state.app, &user.ctx, &f, today).await?;
    let (departments, towns, by_category, total) = lines(lang, &s);
    let busiest = s
        .by_month
        .iter()
        .map(|m| m.counts.received)
        .max()
        .unwrap_or(0)
        .max(1);
    let months = s
        .by_month
        .iter()
        .cloned()
        .map(|m| Month {
            close: pct(m.rates.close_on_time),
            satisfaction: pct(m.rates.satisfaction),
            width: m.counts.received * 100 / busiest,
            m,
        })
        .collect();
    let query = query_string(&[
        ("from", Some(s.from.to_string())),
        ("to", Some(s.to.to_string())),
        ("category", f.category.clone()),
    ]);
    let page = page_ctx(
        &state,
        &user,
        "service.stats_title",
        &[("service.stats_title", None)],
        None,
    )
    .await;
    render(&StatsPage {
        tabs: tabs(&user, "/service/stats"),
        from: s.from.to_string(),
        to: s.to.to_string(),
        period: format!("{} — {}", day(lang, &s.from), day(lang, &s.to)),
        floor: format!("{:.0}%", s.floor * 100.0),
        categories: opts(
            Some(tr(lang, "action.all")),
            ProblemCategory::ALL
                .iter()
                .map(|c| (c.as_str().to_string(), label(lang, "category", c.as_str()))),
            &f.category.clone().unwrap_or_default(),
        ),
        export_href: format!("/service/stats.xlsx?{query}"),
        sections: vec![
            Section {
                id: "by-department",
                title: tr(lang, "service.stats.by_department"),
                head: tr(lang, "service.stats.department"),
                rows: departments,
                footer: Some(total),
            },
            Section {
                id: "by-town",
                title: tr(lang, "service.stats.by_town"),
                head: tr(lang, "service.stats.town"),
                rows: towns,
                footer: None,
            },
            Section {
                id: "by-category",
                title: tr(lang, "service.stats.by_category"),
                head: tr(lang, "service.col.category"),
                rows: by_category,
                footer: None,
            },
        ],
        months,
        page,
    })
}

pub(super) async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<StatsQuery>,
) -> Result<Response, PageError> {
    let today = wujin_app::china_today();
    let bytes =
        wujin_app::service::export::stats_xlsx(&state.app, &user.ctx, &q.filter(), today).await?;
    Ok(xlsx_response(
        &format!("{}-{today}.xlsx", tr(user.lang, "service.file.stats")),
        &format!("service-stats-{today}.xlsx"),
        bytes,
    ))
}
