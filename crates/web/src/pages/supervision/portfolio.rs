//! A plan by lead leader (each 市领导's portfolio, the caller's first), by unit (what each
//! unit leads and co-operates on, and how it reported this cycle), and the caller's own
//! unit's page: what it must report now and everything it takes part in.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use wujin_app::supervision::board::{BoardFilter, BoardSort, Portfolio};
use wujin_app::supervision::plans::PlanView;
use wujin_domain::access::Permission;
use wujin_domain::supervision::colour::TaskColour;
use wujin_domain::supervision::cycle::ReportStatus;

use super::board::{Row, row};
use super::{Tab, colour_key, colour_label, plan_tabs};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::trf;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::enterprises::fmt::day;
use crate::pages::render;
use crate::state::AppState;

/// The colours in the order the tables show them.
const ORDER: [TaskColour; 5] = [
    TaskColour::Red,
    TaskColour::Yellow,
    TaskColour::Blue,
    TaskColour::Green,
    TaskColour::Grey,
];

pub(super) struct Head {
    key: String,
    label: String,
}

pub(super) struct Line {
    p: Portfolio,
    counts: Vec<(String, usize)>,
    href: String,
    mine: bool,
}

#[derive(Template)]
#[template(path = "supervision/portfolio.html")]
struct PortfolioPage {
    page: PageCtx,
    tabs: Vec<Tab>,
    plan: PlanView,
    heads: Vec<Head>,
    lines: Vec<Line>,
    /// Leaders' view (no co-operation or report columns).
    leaders: bool,
}

fn heads(lang: crate::i18n::Lang) -> Vec<Head> {
    ORDER
        .iter()
        .map(|c| Head {
            key: colour_key(Some(*c)),
            label: colour_label(lang, Some(*c)),
        })
        .collect()
}

async fn show(
    state: &AppState,
    user: &CurrentUser,
    plan: PlanView,
    list: Vec<Portfolio>,
    leaders: bool,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let id = plan.id;
    let (path, title, param, me) = if leaders {
        (
            format!("/supervision/plans/{id}/leaders"),
            "supervision.tab.leaders",
            "leader",
            user.actor().id,
        )
    } else {
        (
            format!("/supervision/plans/{id}/units"),
            "supervision.tab.units",
            "unit",
            user.actor().department_id,
        )
    };
    let page = page_ctx(
        state,
        user,
        title,
        &[
            ("supervision.title", Some("/supervision")),
            (&plan.name, Some(&format!("/supervision/plans/{id}"))),
            (title, None),
        ],
        None,
    )
    .await;
    let lines = list
        .into_iter()
        .map(|p| Line {
            counts: ORDER
                .iter()
                .map(|c| {
                    let k = colour_key(Some(*c));
                    let n = p.by_colour.get(&k).copied().unwrap_or(0);
                    (k, n)
                })
                .collect(),
            href: format!("/supervision/plans/{id}?{param}={}", p.who.id),
            mine: Some(p.who.id) == me,
            p,
        })
        .collect();
    render(&PortfolioPage {
        tabs: plan_tabs(
            lang,
            id,
            &path,
            user.actor().can(Permission::ReportProgress),
        ),
        heads: heads(lang),
        page,
        plan,
        lines,
        leaders,
    })
}

pub(super) async fn leaders(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let (plan, list) = wujin_app::supervision::board::by_leader(
        &state.app,
        &user.ctx,
        id,
        wujin_app::china_today(),
    )
    .await?;
    show(&state, &user, plan, list, true).await
}

pub(super) async fn units(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let (plan, list) =
        wujin_app::supervision::board::by_unit(&state.app, &user.ctx, id, wujin_app::china_today())
            .await?;
    show(&state, &user, plan, list, false).await
}

#[derive(Template)]
#[template(path = "supervision/mine.html")]
struct MinePage {
    page: PageCtx,
    tabs: Vec<Tab>,
    plan: PlanView,
    note: String,
    to_report: Vec<Row>,
    leads: Vec<Row>,
    co_operates: Vec<Row>,
    /// The caller has no unit of their own (office staff, leaders).
    no_unit: bool,
}

/// The caller's unit's tasks in a plan: to report this cycle, led, co-operated on.
pub(super) async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let today = wujin_app::china_today();
    let unit = user.actor().department_id;
    let filter = BoardFilter {
        unit_id: Some(unit.unwrap_or(-1)),
        sort: BoardSort::Colour,
        ..Default::default()
    };
    let (plan, cycle, due, rows) =
        wujin_app::supervision::board::rows(&state.app, &user.ctx, id, &filter, today).await?;
    let path = format!("/supervision/plans/{id}/mine");
    let page = page_ctx(
        &state,
        &user,
        "supervision.tab.mine",
        &[
            ("supervision.title", Some("/supervision")),
            (&plan.name, Some(&format!("/supervision/plans/{id}"))),
            ("supervision.tab.mine", None),
        ],
        None,
    )
    .await;
    let mut to_report = Vec::new();
    let mut leads = Vec::new();
    let mut co_operates = Vec::new();
    for r in rows {
        let led = r.lead_unit.as_ref().map(|u| u.id) == unit;
        let open = led
            && matches!(
                r.report,
                ReportStatus::NotYetDue | ReportStatus::Missing { .. }
            );
        if open {
            to_report.push(row(lang, r.clone(), today));
        }
        if led {
            leads.push(row(lang, r, today));
        } else {
            co_operates.push(row(lang, r, today));
        }
    }
    render(&MinePage {
        tabs: plan_tabs(
            lang,
            id,
            &path,
            user.actor().can(Permission::ReportProgress),
        ),
        note: trf(
            lang,
            "supervision.mine_note",
            &[
                ("cycle", &cycle),
                ("due", &day(lang, &due)),
                ("n", &to_report.len().to_string()),
            ],
        ),
        no_unit: unit.is_none(),
        page,
        plan,
        to_report,
        leads,
        co_operates,
    })
}
