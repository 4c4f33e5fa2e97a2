//! A plan's board (`/supervision/plans/{id}`): tasks by colour, the filters (colour, leader,
//! unit, overdue, this cycle's report, words), sorting, pages, and the office's actions.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::PageRequest;
use wujin_app::supervision::board::{Board, BoardFilter, BoardRow, BoardSort, ReportFilter};
use wujin_domain::access::Permission;
use wujin_domain::supervision::colour::TaskColour;

use super::{
    Tab, colour_key, colour_label, level_label, parse_colour, percent, plan_tabs, report_label,
};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::fmt::day;
use crate::pages::enterprises::options::opts;
use crate::pages::{Pager, opt_i64, pager, query_string, render};
use crate::state::AppState;

const PER_PAGE_CHOICES: [u64; 4] = [20, 50, 100, 200];

#[derive(Deserialize, Default)]
pub(super) struct BoardQuery {
    q: Option<String>,
    colour: Option<String>,
    leader: Option<String>,
    unit: Option<String>,
    overdue: Option<String>,
    report: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    msg: Option<String>,
}

fn report_filter(s: &str) -> Option<ReportFilter> {
    match s {
        "unfiled" => Some(ReportFilter::Unfiled),
        "late" => Some(ReportFilter::Late),
        "missing" => Some(ReportFilter::Missing),
        _ => None,
    }
}

fn sort_of(s: &str) -> Option<BoardSort> {
    match s {
        "plan" => Some(BoardSort::Plan),
        "colour" => Some(BoardSort::Colour),
        "deadline" => Some(BoardSort::Deadline),
        "progress" => Some(BoardSort::Progress),
        _ => None,
    }
}

impl BoardQuery {
    fn text(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }

    pub(super) fn filter(&self) -> BoardFilter {
        BoardFilter {
            colour: Self::text(&self.colour).and_then(parse_colour),
            leader_id: opt_i64(&self.leader),
            unit_id: opt_i64(&self.unit),
            overdue: Self::text(&self.overdue) == Some("1"),
            report: Self::text(&self.report).and_then(report_filter),
            q: Self::text(&self.q).map(str::to_string),
            sort: Self::text(&self.sort).and_then(sort_of).unwrap_or_default(),
        }
    }

    fn per_page(&self) -> Option<u64> {
        opt_i64(&self.per_page)
            .and_then(|p| u64::try_from(p).ok())
            .filter(|p| PER_PAGE_CHOICES.contains(p))
    }

    /// The filters as a query string.
    fn query(&self, with_per_page: bool) -> String {
        let f = self.filter();
        let mut pairs = vec![
            ("q", f.q.clone()),
            ("colour", f.colour.map(|c| colour_key(Some(c)))),
            ("leader", f.leader_id.map(|l| l.to_string())),
            ("unit", f.unit_id.map(|u| u.to_string())),
            ("overdue", f.overdue.then(|| "1".to_string())),
            (
                "report",
                Self::text(&self.report)
                    .filter(|r| report_filter(r).is_some())
                    .map(str::to_string),
            ),
            (
                "sort",
                Self::text(&self.sort)
                    .filter(|s| sort_of(s).is_some())
                    .map(str::to_string),
            ),
        ];
        if with_per_page {
            pairs.push(("per_page", self.per_page().map(|p| p.to_string())));
        }
        query_string(&pairs)
    }
}

/// One task row as the board shows it.
pub(super) struct Row {
    pub r: BoardRow,
    pub colour: String,
    pub colour_class: String,
    pub moved_from: Option<String>,
    pub deadline: String,
    /// The date the phrase was read as, when the phrase is shown.
    pub deadline_date: String,
    pub overdue: bool,
    pub percent: String,
    pub elapsed: String,
    pub report: String,
    pub report_class: &'static str,
    pub notice: Option<String>,
}

pub(super) fn row(lang: Lang, r: BoardRow, today: chrono::NaiveDate) -> Row {
    let (report, report_class) = report_label(lang, &r.report);
    Row {
        colour: colour_label(lang, r.colour),
        colour_class: colour_key(r.colour),
        moved_from: r
            .previous_colour
            .filter(|p| Some(*p) != r.colour)
            .map(|p| colour_label(lang, Some(p))),
        deadline: r
            .deadline_text
            .clone()
            .filter(|t| !t.is_empty())
            .or_else(|| r.deadline_on.map(|d| day(lang, &d)))
            .unwrap_or_default(),
        deadline_date: match (&r.deadline_on, &r.deadline_text) {
            (Some(d), Some(t)) if !t.is_empty() => day(lang, d),
            _ => String::new(),
        },
        overdue: r.is_overdue(today),
        percent: percent(r.percent),
        elapsed: percent(r.elapsed_progress.map(|e| e.round())),
        report,
        report_class,
        notice: r.open_notice.map(|l| level_label(lang, l)),
        r,
    }
}

/// A colour count linking to the board filtered by it.
pub(super) struct ColourCount {
    pub key: String,
    pub label: String,
    pub n: usize,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "supervision/board.html")]
struct BoardPage {
    page: PageCtx,
    tabs: Vec<Tab>,
    b: Board,
    items: Vec<Row>,
    counts: Vec<ColourCount>,
    overdue_href: String,
    cycle_note: String,
    q: String,
    colours: Vec<Opt>,
    leaders: Vec<Opt>,
    units: Vec<Opt>,
    overdue: Vec<Opt>,
    reports: Vec<Opt>,
    sorts: Vec<Opt>,
    per_pages: Vec<Opt>,
    pager: Pager,
    filtered: bool,
    office: bool,
    export_href: String,
}

pub(super) async fn board(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<BoardQuery>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let today = wujin_app::china_today();
    let filter = q.filter();
    let b = wujin_app::supervision::board::board(
        &state.app,
        &user.ctx,
        id,
        &filter,
        PageRequest::new(
            opt_i64(&q.page).and_then(|p| u64::try_from(p).ok()),
            q.per_page(),
        ),
        today,
    )
    .await?;
    let office = wujin_app::supervision::is_office(&state.app, &user.ctx).await?;
    let path = format!("/supervision/plans/{id}");
    let with_per_page = q.query(true);
    let pager = pager(lang, &b.rows, &path, &with_per_page);
    let page = page_ctx(
        &state,
        &user,
        "supervision.board_title",
        &[
            ("supervision.title", Some("/supervision")),
            (&b.plan.name, None),
        ],
        q.msg.as_deref(),
    )
    .await;
    let all = || Some(tr(lang, "action.all"));
    let mut keys: Vec<Option<TaskColour>> = vec![
        Some(TaskColour::Red),
        Some(TaskColour::Yellow),
        Some(TaskColour::Blue),
        Some(TaskColour::Green),
        Some(TaskColour::Grey),
    ];
    if b.counts.contains_key("none") {
        keys.push(None);
    }
    let counts = keys
        .into_iter()
        .map(|c| ColourCount {
            key: colour_key(c),
            label: colour_label(lang, c),
            n: b.counts.get(&colour_key(c)).copied().unwrap_or(0),
            href: match c {
                Some(_) => format!("{path}?colour={}", colour_key(c)),
                None => path.clone(),
            },
            current: c.is_some() && filter.colour == c,
        })
        .collect();
    let cycle_note = match &b.colour_cycle {
        Some(c) => trf(
            lang,
            "supervision.cycle_note",
            &[
                ("cycle", c),
                ("report", &b.report_cycle),
                ("due", &day(lang, &b.report_due)),
            ],
        ),
        None => trf(
            lang,
            "supervision.cycle_note_none",
            &[
                ("report", &b.report_cycle),
                ("due", &day(lang, &b.report_due)),
            ],
        ),
    };
    let items = b
        .rows
        .items
        .iter()
        .cloned()
        .map(|r| row(lang, r, today))
        .collect();
    let without = q.query(false);
    let sel = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    render(&BoardPage {
        tabs: plan_tabs(
            lang,
            id,
            &path,
            user.actor().can(Permission::ReportProgress),
        ),
        colours: opts(
            all(),
            TaskColour::ALL
                .into_iter()
                .map(|c| (colour_key(Some(c)), colour_label(lang, Some(c)))),
            &filter
                .colour
                .map(|c| colour_key(Some(c)))
                .unwrap_or_default(),
        ),
        leaders: opts(
            all(),
            b.leaders.iter().map(|l| (l.id.to_string(), l.name.clone())),
            &sel(filter.leader_id),
        ),
        units: opts(
            all(),
            b.units.iter().map(|u| (u.id.to_string(), u.name.clone())),
            &sel(filter.unit_id),
        ),
        overdue: opts(
            all(),
            [("1".to_string(), tr(lang, "supervision.overdue_only"))],
            if filter.overdue { "1" } else { "" },
        ),
        reports: opts(
            all(),
            ["unfiled", "missing", "late"].map(|k| {
                (
                    k.to_string(),
                    tr(lang, &format!("supervision.report_filter.{k}")),
                )
            }),
            BoardQuery::text(&q.report).unwrap_or(""),
        ),
        sorts: opts(
            None,
            ["plan", "colour", "deadline", "progress"]
                .map(|k| (k.to_string(), tr(lang, &format!("supervision.sort.{k}")))),
            BoardQuery::text(&q.sort)
                .filter(|s| sort_of(s).is_some())
                .unwrap_or("plan"),
        ),
        per_pages: opts(
            None,
            PER_PAGE_CHOICES
                .iter()
                .map(|n| (n.to_string(), n.to_string())),
            &b.rows.per_page.to_string(),
        ),
        overdue_href: format!("{path}?overdue=1&sort=deadline"),
        export_href: format!("{path}/export.xlsx"),
        q: filter.q.clone().unwrap_or_default(),
        filtered: !without.is_empty(),
        page,
        items,
        counts,
        cycle_note,
        pager,
        office,
        b,
    })
}

/// Recomputes the plan's colours for today (the office), then shows the board.
pub(super) async fn recompute(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    wujin_app::supervision::colours::recompute(&state.app, &user.ctx, id, wujin_app::china_today())
        .await?;
    Ok(Redirect::to(&format!("/supervision/plans/{id}?msg=recomputed")).into_response())
}
