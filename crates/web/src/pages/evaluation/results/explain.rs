//! 评价说明: one firm's result explained line by line — each item's arithmetic, the total, the
//! group and rank, why this class, the reasons, and what would lift it a class.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use wujin_app::AppError;
use wujin_app::evaluation::explain::Explanation;
use wujin_domain::access::Role;
use wujin_domain::evaluation::{Grade, display_points};

use super::fmt::{item_line, lift_text, reason_text, target_text, why_class};
use super::{run_label, status_label};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::enterprises::fmt::scale_label;
use crate::pages::render;
use crate::state::AppState;

pub(super) struct ItemRow {
    label: String,
    line: String,
    points: String,
    capped: bool,
    filled: bool,
}

#[derive(Template)]
#[template(path = "evaluation/results_explain.html")]
struct ExplainPage {
    page: PageCtx,
    e: Explanation,
    run_label: String,
    run_status: String,
    group: String,
    items: Vec<ItemRow>,
    adjustment: Option<String>,
    total: String,
    grade: Option<&'static str>,
    rank: String,
    why: Option<String>,
    vetoed: Option<String>,
    reasons: Vec<String>,
    target: String,
    lifts: Vec<String>,
    /// Staff may go back to the run's table; an enterprise user sees only their firm.
    back_to_run: bool,
    /// The objection form for this firm, while the run is in publicity and the caller may
    /// object (the firm itself, its town or the evaluation office).
    object_href: Option<String>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, enterprise_id)): Path<(i64, i64)>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let e =
        wujin_app::evaluation::explain::explain(&state.app, &user.ctx, id, enterprise_id).await?;
    let label = run_label(lang, &e.run);
    let run_href = format!("/evaluation/runs/{id}");
    let back_to_run = user.actor().role != Role::Enterprise;
    // Offered when the form would take it: the run in publicity, a caller who may object for
    // this firm, and no objection of the firm already waiting.
    let object_href = if e.run.status == "published" {
        match wujin_app::evaluation::objections::filing_context(
            &state.app,
            &user.ctx,
            id,
            enterprise_id,
        )
        .await
        {
            Ok(_) => Some(format!(
                "/evaluation/objections/new?run={id}&enterprise={enterprise_id}"
            )),
            Err(
                AppError::Forbidden
                | AppError::NotFound
                | AppError::Conflict(_)
                | AppError::Validation(_),
            ) => None,
            Err(other) => return Err(other.into()),
        }
    } else {
        None
    };
    let crumbs: Vec<(&str, Option<&str>)> = if back_to_run {
        vec![
            ("eval.run.list_title", Some("/evaluation")),
            (&label, Some(&run_href)),
            (&e.name, None),
        ]
    } else {
        vec![(&label, None), (&e.name, None)]
    };
    let page = page_ctx(&state, &user, "eval.explain.title", &crumbs, None).await;
    let group = {
        let scale = scale_label(lang, e.scale.as_deref());
        if e.group_key.contains('/') {
            trf(
                lang,
                "eval.explain.group",
                &[("scale", &scale), ("group", &e.industry_group_name)],
            )
        } else {
            scale
        }
    };
    let items = e
        .items
        .iter()
        .map(|it| ItemRow {
            label: super::fmt::indicator_label(lang, it.indicator),
            line: item_line(lang, it),
            points: it.points.map(display_points).unwrap_or_default(),
            capped: it.capped,
            filled: it.filled,
        })
        .collect();
    let vetoed = match (e.grade_by_rank, e.grade) {
        (Some(by_rank), Some(g)) if by_rank != g => Some(trf(
            lang,
            "eval.explain.vetoed",
            &[("by_rank", by_rank.as_str()), ("grade", g.as_str())],
        )),
        _ => None,
    };
    let rank = match e.rank {
        Some(r) => trf(
            lang,
            "eval.explain.rank_of",
            &[("rank", &r.to_string()), ("n", &e.group_size.to_string())],
        ),
        None => tr(lang, "eval.explain.not_ranked"),
    };
    render(&ExplainPage {
        run_label: label.clone(),
        run_status: status_label(lang, &e.run.status),
        group,
        items,
        adjustment: (e.adjustment != 0.0).then(|| {
            format!(
                "{}{}",
                if e.adjustment > 0.0 { "+" } else { "" },
                display_points(e.adjustment)
            )
        }),
        total: display_points(e.total),
        grade: e.grade.map(Grade::as_str),
        rank,
        why: e.standing.as_ref().map(|s| why_class(lang, s)),
        vetoed,
        reasons: e.reasons.iter().map(|r| reason_text(lang, r)).collect(),
        target: target_text(lang, &e),
        lifts: e
            .items
            .iter()
            .filter_map(|it| lift_text(lang, it))
            .collect(),
        back_to_run,
        object_href,
        e,
        page,
    })
}
