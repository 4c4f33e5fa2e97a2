//! The monthly bulletin (月度通报) of a plan (`/supervision/plans/{id}/bulletin?month=…`):
//! counts by colour and their change, counts by unit, the red and yellow tasks, units ranked
//! by on-time reporting and the notices of the month — a page that prints on A4 — with its
//! workbook, and the plan's decomposition table as a workbook.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use wujin_app::AppError;
use wujin_app::supervision::bulletin::Bulletin;
use wujin_app::supervision::plans::PlanView;
use wujin_domain::access::Permission;
use wujin_domain::supervision::bulletin::Movement;

use super::{Tab, colour_key, colour_label, level_label, percent, plan_tabs};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::enterprises::fmt::day;
use crate::pages::enterprises::{invalid, xlsx_response};
use crate::pages::{FormErrors, render};
use crate::state::AppState;

#[derive(Deserialize, Default)]
pub(super) struct MonthQuery {
    month: Option<String>,
}

impl MonthQuery {
    /// The month asked for, or the one whose reports fell due last.
    async fn month(
        &self,
        state: &AppState,
        user: &CurrentUser,
        plan_id: i64,
    ) -> Result<String, PageError> {
        Ok(wujin_app::supervision::bulletin::month_or_default(
            &state.app,
            &user.ctx,
            plan_id,
            self.month.as_deref(),
            wujin_app::china_today(),
        )
        .await?)
    }
}

pub(super) struct CountLine {
    key: String,
    label: String,
    this: u32,
    previous: u32,
    change: String,
    change_class: &'static str,
}

pub(super) struct UnitLine {
    name: String,
    counts: Vec<u32>,
    total: u32,
}

pub(super) struct FlaggedLine {
    id: i64,
    serial: String,
    content: String,
    colour_key: String,
    colour: String,
    moved: String,
    leader: String,
    unit: String,
    deadline: String,
    percent: String,
    elapsed: String,
    progress: String,
    problems: String,
    reasons: String,
}

pub(super) struct RankLine {
    rank: u32,
    unit: String,
    due: u32,
    on_time: u32,
    late: u32,
    missing: u32,
    rate: String,
}

pub(super) struct NoticeLine {
    task_id: i64,
    task: String,
    unit: String,
    level: String,
    issued: String,
    answer_by: String,
    answered: bool,
}

#[derive(Template)]
#[template(path = "supervision/bulletin.html")]
struct BulletinPage {
    page: PageCtx,
    tabs: Vec<Tab>,
    plan_id: i64,
    plan_name: String,
    month: String,
    /// The bulletin, when the month has colours.
    b: Option<BulletinView>,
    errors: FormErrors,
}

struct BulletinView {
    heading: String,
    lede: String,
    counts: Vec<CountLine>,
    heads: Vec<(String, String)>,
    units: Vec<UnitLine>,
    red: Vec<FlaggedLine>,
    yellow: Vec<FlaggedLine>,
    ranking: Vec<RankLine>,
    notices: Vec<NoticeLine>,
    xlsx_href: String,
}

fn view(lang: Lang, b: Bulletin) -> BulletinView {
    let (y, m) = b.month.split_once('-').unwrap_or((&b.month, ""));
    let heading = trf(
        lang,
        "supervision.bulletin.heading",
        &[
            ("plan", &b.plan.name),
            ("year", y),
            ("month", m.trim_start_matches('0')),
        ],
    );
    let red_n = b
        .flagged
        .iter()
        .filter(|f| colour_key(Some(f.colour)) == "red")
        .count();
    let yellow_n = b.flagged.len() - red_n;
    let lede = trf(
        lang,
        "supervision.bulletin.lede",
        &[
            ("total", &b.total.to_string()),
            ("cycle", &b.cycle),
            ("red", &red_n.to_string()),
            ("yellow", &yellow_n.to_string()),
            ("as_of", &day(lang, &b.as_of)),
        ],
    );
    let counts = b
        .colours
        .iter()
        .map(|c| CountLine {
            key: colour_key(Some(c.colour)),
            label: colour_label(lang, Some(c.colour)),
            this: c.this_cycle,
            previous: c.previous_cycle,
            change: match c.change {
                0 => "—".into(),
                n if n > 0 => format!("+{n}"),
                n => n.to_string(),
            },
            change_class: match (colour_key(Some(c.colour)).as_str(), c.change.signum()) {
                ("red" | "yellow", 1) | ("green" | "grey", -1) => "change-up",
                ("red" | "yellow", -1) | ("green" | "grey", 1) => "change-down",
                _ => "",
            },
        })
        .collect();
    let order = wujin_domain::supervision::colour::TaskColour::ALL;
    let heads = order
        .iter()
        .map(|c| (colour_key(Some(*c)), colour_label(lang, Some(*c))))
        .collect();
    let units = b
        .by_unit
        .iter()
        .map(|u| UnitLine {
            name: u.unit.name.clone(),
            counts: order.iter().map(|c| u.counts.get(*c)).collect(),
            total: u.counts.total(),
        })
        .collect();
    let flagged = |f: &wujin_app::supervision::bulletin::FlaggedTask| FlaggedLine {
        id: f.id,
        serial: f.serial.clone(),
        content: f.content.clone(),
        colour_key: colour_key(Some(f.colour)),
        colour: colour_label(lang, Some(f.colour)),
        moved: match (f.movement, f.previous_colour) {
            (Movement::New, _) | (_, None) => tr(lang, "supervision.bulletin.new"),
            (Movement::Unchanged, _) => tr(lang, "supervision.bulletin.unchanged"),
            (_, Some(p)) => trf(
                lang,
                "supervision.moved_from",
                &[("c", &colour_label(lang, Some(p)))],
            ),
        },
        leader: f.lead_leader.clone().unwrap_or_default(),
        unit: f.lead_unit.clone().unwrap_or_default(),
        deadline: f.deadline_text.clone().unwrap_or_default(),
        percent: percent(f.percent),
        elapsed: percent(Some(f.elapsed_progress.round())),
        progress: f.latest_progress.clone().unwrap_or_default(),
        problems: f.latest_problems.clone().unwrap_or_default(),
        reasons: f
            .reasons
            .iter()
            .map(|r| super::task::reason_text(lang, &r.reason))
            .collect::<Vec<_>>()
            .join("；"),
    };
    BulletinView {
        red: b
            .flagged
            .iter()
            .filter(|f| colour_key(Some(f.colour)) == "red")
            .map(flagged)
            .collect(),
        yellow: b
            .flagged
            .iter()
            .filter(|f| colour_key(Some(f.colour)) == "yellow")
            .map(flagged)
            .collect(),
        ranking: b
            .reporting
            .iter()
            .map(|r| RankLine {
                rank: r.rank,
                unit: r.unit.name.clone(),
                due: r.due,
                on_time: r.on_time,
                late: r.late,
                missing: r.missing,
                rate: format!("{:.1}%", r.rate),
            })
            .collect(),
        notices: b
            .notices
            .iter()
            .map(|n| NoticeLine {
                task_id: n.task_id,
                task: format!("{} {}", n.task_serial, n.task_content),
                unit: n.lead_unit.clone().unwrap_or_default(),
                level: level_label(lang, n.level),
                issued: day(lang, &n.issued_on),
                answer_by: day(lang, &n.answer_by),
                answered: n.answered,
            })
            .collect(),
        xlsx_href: format!(
            "/supervision/plans/{}/bulletin.xlsx?month={}",
            b.plan.id, b.month
        ),
        heading,
        lede,
        counts,
        heads,
        units,
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PageError> {
    let lang = user.lang;
    let month = q.month(&state, &user, id).await?;
    let plan: PlanView = wujin_app::supervision::plans::get(&state.app, &user.ctx, id).await?;
    let result = wujin_app::supervision::bulletin::bulletin(
        &state.app,
        &user.ctx,
        id,
        &month,
        wujin_app::china_today(),
    )
    .await;
    let (b, errors) = match result {
        Ok(b) => (Some(view(lang, b)), FormErrors::default()),
        Err(AppError::Validation(v)) => (None, FormErrors::from_fields(lang, &v)),
        Err(e) => return Err(e.into()),
    };
    let path = format!("/supervision/plans/{id}/bulletin");
    let page = page_ctx(
        &state,
        &user,
        "supervision.tab.bulletin",
        &[
            ("supervision.title", Some("/supervision")),
            (&plan.name, Some(&format!("/supervision/plans/{id}"))),
            ("supervision.tab.bulletin", None),
        ],
        None,
    )
    .await;
    let refused = b.is_none();
    let p = BulletinPage {
        tabs: plan_tabs(
            lang,
            id,
            &path,
            user.actor().can(Permission::ReportProgress),
        ),
        plan_id: id,
        plan_name: plan.name,
        month,
        b,
        errors,
        page,
    };
    if refused {
        invalid(p)
    } else {
        Ok(render(&p)?.into_response())
    }
}

pub(super) async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PageError> {
    let month = q.month(&state, &user, id).await?;
    let b = wujin_app::supervision::bulletin::bulletin(
        &state.app,
        &user.ctx,
        id,
        &month,
        wujin_app::china_today(),
    )
    .await?;
    let name = format!(
        "{}-{month}.xlsx",
        tr(user.lang, "supervision.bulletin.file")
    );
    let bytes =
        tokio::task::spawn_blocking(move || wujin_app::supervision::export::bulletin_xlsx(&b))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(xlsx_response(
        &name,
        &format!("bulletin-{month}.xlsx"),
        bytes,
    ))
}

pub(super) async fn decomposition(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let bytes =
        wujin_app::supervision::export::decomposition_xlsx(&state.app, &user.ctx, id).await?;
    let plan = wujin_app::supervision::plans::get(&state.app, &user.ctx, id).await?;
    let today = crate::pages::enterprises::today();
    Ok(xlsx_response(
        &format!("{}-{today}.xlsx", plan.name),
        &format!("tasks-{id}-{today}.xlsx"),
        bytes,
    ))
}
