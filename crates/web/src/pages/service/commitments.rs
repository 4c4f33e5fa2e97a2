//! The 落实清单 (`/service/commitments`): the problems with a promised measure, the unit that
//! answers for it, the promised date and where it stands; filters, pages and the xlsx.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use wujin_app::AppError;
use wujin_app::service::queue;

use super::problems::{Filters, ListQuery, Row, filters, row};
use super::{Tab, official, tabs};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::tr;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::enterprises::xlsx_response;
use crate::pages::{Pager, pager, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "service/commitments.html")]
struct CommitmentsPage {
    page: PageCtx,
    tabs: Vec<Tab>,
    items: Vec<(Row, bool)>,
    total: u64,
    f: Filters,
    q: ListQuery,
    pager: Pager,
    filtered: bool,
    export_href: String,
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(mut q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    if !official(&user) {
        return Err(AppError::Forbidden.into());
    }
    let lang = user.lang;
    let today = wujin_app::china_today();
    if super::problems::text(&q.sort_value()).is_none() {
        q.set_sort("measure_due");
    }
    let items = queue::list(
        &state.app,
        &user.ctx,
        &q.filter(true),
        q.page_request(),
        today,
    )
    .await?;
    let query = q.query(true);
    let pager = pager(lang, &items, "/service/commitments", &query);
    let page = page_ctx(
        &state,
        &user,
        "service.commitments_title",
        &[("service.commitments_title", None)],
        None,
    )
    .await;
    let f = filters(
        &state,
        lang,
        &q,
        items.per_page,
        &["measure_due", "due", "-received"],
    )
    .await?;
    let plain = q.query(false);
    render(&CommitmentsPage {
        tabs: tabs(&user, "/service/commitments"),
        total: items.total,
        items: items
            .items
            .into_iter()
            .map(|r| {
                let late = match (r.closed_on, r.measure_due) {
                    (None, Some(d)) => d < today,
                    (Some(c), Some(d)) => c > d,
                    _ => false,
                };
                (row(lang, r), late)
            })
            .collect(),
        export_href: format!("/service/commitments.xlsx?{plain}"),
        filtered: plain != "sort=measure_due",
        page,
        f,
        q,
        pager,
    })
}

pub(super) async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    if !official(&user) {
        return Err(AppError::Forbidden.into());
    }
    let today = wujin_app::china_today();
    let bytes =
        wujin_app::service::export::commitments_xlsx(&state.app, &user.ctx, &q.filter(true), today)
            .await?;
    Ok(xlsx_response(
        &format!("{}-{today}.xlsx", tr(user.lang, "service.file.commitments")),
        &format!("commitments-{today}.xlsx"),
        bytes,
    ))
}
