//! `/evaluation/runs/{id}/publication`: a run's status and publicity period, its classes and
//! objections, and the office's buttons (recompute a draft, publish it, finalise it);
//! `/evaluation/runs/{id}/diff`: the firms that changed against the run it supersedes.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::AppResult;
use wujin_app::evaluation::objections::ObjectionView;
use wujin_app::evaluation::publication::{self, DiffRow, PublicationView, RunDiff};

use super::{
    done_message, filed_as_label, objection_status_label, refusal, run_status_label, score,
};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::render;
use crate::state::AppState;

pub(super) struct ObjectionRow {
    pub o: ObjectionView,
    pub status: String,
    pub filed_as: String,
}

impl ObjectionRow {
    pub fn of(lang: Lang, o: ObjectionView) -> ObjectionRow {
        ObjectionRow {
            status: objection_status_label(lang, &o.status),
            filed_as: filed_as_label(lang, &o.filed_as),
            o,
        }
    }
}

pub(super) struct ClassCount {
    pub grade: String,
    pub label: String,
    pub n: u64,
}

#[derive(Template)]
#[template(path = "evaluation/publication.html")]
struct PublicationPage {
    page: PageCtx,
    v: PublicationView,
    heading: String,
    status: String,
    period: String,
    classes: Vec<ClassCount>,
    /// Why publishing, finalising is not possible, when it is not.
    notes: Vec<String>,
    hint: String,
    publish_confirm: String,
    objections: Vec<ObjectionRow>,
    file_href: Option<String>,
    error: Option<String>,
}

/// "2024年12月1日 10:00 至 2024年12月8日 10:00" in China time, or "—".
fn period(page: &PageCtx, v: &PublicationView) -> String {
    match (v.run.published_at, v.run.publicity_ends_at) {
        (Some(from), Some(to)) => trf(
            page.lang,
            "eval.publish.period_value",
            &[("from", &page.datetime(&from)), ("to", &page.datetime(&to))],
        ),
        _ => "—".to_string(),
    }
}

fn heading(lang: Lang, year: i32, id: i64) -> String {
    trf(
        lang,
        "eval.publish.heading",
        &[("year", &year.to_string()), ("id", &id.to_string())],
    )
}

async fn page_of(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    done: Option<&str>,
    error: Option<String>,
) -> Result<PublicationPage, PageError> {
    let lang = user.lang;
    let v = publication::view(&state.app, &user.ctx, id).await?;
    let run_href = format!("/evaluation/runs/{id}");
    let heading = heading(lang, v.run.year, id);
    let mut page = page_ctx(
        state,
        user,
        "eval.publish.title",
        &[
            ("menu.evaluation.results", Some("/evaluation")),
            (heading.as_str(), Some(run_href.as_str())),
            ("eval.publish.title", None),
        ],
        None,
    )
    .await;
    if let Some(m) = done_message(lang, "eval.publish.done", done) {
        page.flash = Some(("success".into(), m));
    }
    // A to D, then the firms listed only.
    let classes = v
        .by_grade
        .iter()
        .filter(|(g, _)| *g != "-")
        .chain(v.by_grade.iter().filter(|(g, _)| *g == "-"))
        .map(|(g, n)| ClassCount {
            grade: g.clone(),
            label: if g == "-" {
                tr(lang, "eval.publish.listed_only")
            } else {
                g.clone()
            },
            n: *n,
        })
        .collect();
    let mut notes = Vec::new();
    if v.office {
        if let Some(b) = &v.blocking_run
            && v.run.status == "draft"
        {
            notes.push(trf(
                lang,
                "eval.publish.blocked",
                &[
                    ("id", &b.id.to_string()),
                    ("status", &run_status_label(lang, &b.status)),
                ],
            ));
        }
        if v.run.status == "published" {
            if !v.publicity_over
                && let Some(end) = v.run.publicity_ends_at
            {
                notes.push(trf(
                    lang,
                    "eval.publish.not_over",
                    &[("date", &page.datetime(&end))],
                ));
            }
            if v.pending_objections > 0 {
                notes.push(trf(
                    lang,
                    "eval.publish.pending_note",
                    &[("n", &v.pending_objections.to_string())],
                ));
            }
        }
    }
    let hint = match v.run.status.as_str() {
        "draft" => tr(lang, "eval.publish.draft_hint"),
        "published" => tr(lang, "eval.publish.published_hint"),
        "final" => tr(lang, "eval.publish.final_hint"),
        _ => match v.run.superseded_by_run_id {
            Some(n) => trf(
                lang,
                "eval.publish.superseded_hint",
                &[("id", &n.to_string())],
            ),
            None => tr(lang, "eval.publish.superseded_hint_plain"),
        },
    };
    let publish_confirm = trf(
        lang,
        "eval.publish.publish_confirm",
        &[("n", &v.run.publicity_days.unwrap_or_default().to_string())],
    );
    // An enterprise user objects for their firm from here; towns and the office object from
    // a firm's explanation page, which names the firm.
    let file_href = user
        .actor()
        .enterprise_id
        .map(|e| format!("/evaluation/objections/new?run={id}&enterprise={e}"));
    Ok(PublicationPage {
        period: period(&page, &v),
        status: run_status_label(lang, &v.run.status),
        objections: v
            .objections
            .iter()
            .cloned()
            .map(|o| ObjectionRow::of(lang, o))
            .collect(),
        page,
        heading,
        classes,
        notes,
        hint,
        publish_confirm,
        file_href,
        error,
        v,
    })
}

#[derive(Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let page = page_of(&state, &user, id, q.done.as_deref(), None).await?;
    Ok(render(&page)?.into_response())
}

/// After an office action: back to the page with its message, or the page again with the
/// reason it was refused.
async fn after<T>(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    done: &str,
    result: AppResult<T>,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(
            Redirect::to(&format!("/evaluation/runs/{id}/publication?done={done}")).into_response(),
        ),
        Err(e) => match refusal(user.lang, &e) {
            Some((status, message)) => {
                let page = page_of(state, user, id, None, Some(message)).await?;
                Ok((status, render(&page)?).into_response())
            }
            None => Err(e.into()),
        },
    }
}

pub(super) async fn recompute(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = publication::recompute(&state.app, &user.ctx, id).await;
    after(&state, &user, id, "recomputed", r).await
}

pub(super) async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = publication::publish(&state.app, &user.ctx, id).await;
    after(&state, &user, id, "published", r).await
}

pub(super) async fn finalise(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = publication::finalise(&state.app, &user.ctx, id).await;
    after(&state, &user, id, "finalised", r).await
}

pub(super) struct DiffLine {
    pub r: DiffRow,
    pub old_total: String,
    pub new_total: String,
    pub old_rank: String,
    pub new_rank: String,
    pub old_grade: String,
    pub new_grade: String,
    pub old_grade_class: String,
    pub new_grade_class: String,
}

fn grade_label(lang: Lang, g: &Option<String>) -> (String, String) {
    match g {
        Some(g) => (g.clone(), format!("grade grade-{g}")),
        None => (tr(lang, "eval.publish.listed_only"), "tag".to_string()),
    }
}

fn rank(r: Option<i32>) -> String {
    r.map_or_else(|| "—".to_string(), |r| r.to_string())
}

impl DiffLine {
    fn of(lang: Lang, r: DiffRow) -> DiffLine {
        let (old_grade, old_grade_class) = grade_label(lang, &r.old_grade);
        let (new_grade, new_grade_class) = grade_label(lang, &r.new_grade);
        DiffLine {
            old_total: score(r.old_total),
            new_total: score(r.new_total),
            old_rank: rank(r.old_rank),
            new_rank: rank(r.new_rank),
            old_grade,
            new_grade,
            old_grade_class,
            new_grade_class,
            r,
        }
    }
}

#[derive(Template)]
#[template(path = "evaluation/publication_diff.html")]
struct DiffPage {
    page: PageCtx,
    d: RunDiff,
    heading: String,
    count: String,
    rows: Vec<DiffLine>,
}

pub(super) async fn diff(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let lang = user.lang;
    let mut d = publication::diff(&state.app, &user.ctx, id).await?;
    let run_heading = heading(lang, d.run.year, id);
    let run_href = format!("/evaluation/runs/{id}");
    let page = page_ctx(
        &state,
        &user,
        "eval.diff.title",
        &[
            ("menu.evaluation.results", Some("/evaluation")),
            (run_heading.as_str(), Some(run_href.as_str())),
            ("eval.diff.title", None),
        ],
        None,
    )
    .await;
    let heading = match &d.previous {
        Some(p) => trf(
            lang,
            "eval.diff.heading",
            &[("new", &id.to_string()), ("old", &p.id.to_string())],
        ),
        None => tr(lang, "eval.diff.title"),
    };
    let count = trf(lang, "eval.diff.count", &[("n", &d.rows.len().to_string())]);
    let rows = std::mem::take(&mut d.rows)
        .into_iter()
        .map(|r| DiffLine::of(lang, r))
        .collect();
    Ok(render(&DiffPage {
        page,
        d,
        heading,
        count,
        rows,
    })?
    .into_response())
}
