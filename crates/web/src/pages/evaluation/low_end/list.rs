//! The ledger page: totals (cases by status, land and energy freed by town and by disposal
//! type), filters, the paged list, its Excel export, and the office's screening form.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::low_end::{CaseFilter, CaseView, LedgerTotals, RunChoice};
use wujin_app::{AppError, PageRequest};
use wujin_domain::evaluation::low_end::{CaseStatus, Disposal, LowEndCriterion};

use super::{LIST_PATH, criterion_label, disposal_label, ledger_xlsx, status_label};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::fmt::{count, day, quantity};
use crate::pages::enterprises::options::{opts, town_opts, towns};
use crate::pages::enterprises::{invalid, this_year, today, xlsx_response};
use crate::pages::{FormErrors, Pager, opt_i64, pager, query_string, render};
use crate::state::AppState;

const PER_PAGE_CHOICES: [u64; 4] = [20, 50, 100, 200];

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    year: Option<String>,
    town: Option<String>,
    status: Option<String>,
    disposal: Option<String>,
    criterion: Option<String>,
    overdue: Option<String>,
    q: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    msg: Option<String>,
    /// After a screening: cases created and already present.
    created: Option<String>,
    present: Option<String>,
}

fn known(v: &Option<String>, ok: impl Fn(&str) -> bool) -> Option<&str> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && ok(s))
}

impl ListQuery {
    fn year(&self) -> Option<i32> {
        opt_i64(&self.year)
            .and_then(|y| i32::try_from(y).ok())
            .filter(|y| (1990..=2100).contains(y))
    }

    fn status(&self) -> Option<&str> {
        known(&self.status, |s| CaseStatus::parse(s).is_some())
    }

    fn disposal(&self) -> Option<&str> {
        known(&self.disposal, |s| Disposal::parse(s).is_some())
    }

    fn criterion(&self) -> Option<&str> {
        known(&self.criterion, |s| LowEndCriterion::parse(s).is_some())
    }

    fn overdue(&self) -> Option<bool> {
        match self.overdue.as_deref() {
            Some("1") | Some("true") => Some(true),
            Some("0") | Some("false") => Some(false),
            _ => None,
        }
    }

    fn q(&self) -> Option<String> {
        known(&self.q, |_| true).map(str::to_string)
    }

    fn per_page(&self) -> Option<u64> {
        opt_i64(&self.per_page)
            .and_then(|p| u64::try_from(p).ok())
            .filter(|p| PER_PAGE_CHOICES.contains(p))
    }

    fn page(&self) -> Option<u64> {
        opt_i64(&self.page).and_then(|p| u64::try_from(p).ok())
    }

    fn filter(&self) -> CaseFilter {
        CaseFilter {
            year: self.year(),
            town: opt_i64(&self.town),
            status: self.status().map(str::to_string),
            disposal: self.disposal().map(str::to_string),
            criterion: self.criterion().map(str::to_string),
            overdue: self.overdue(),
            q: self.q(),
        }
    }

    /// The filters as a query string (with the rows per page when asked).
    fn query(&self, with_per_page: bool) -> String {
        let mut pairs = vec![
            ("year", self.year().map(|y| y.to_string())),
            ("town", opt_i64(&self.town).map(|t| t.to_string())),
            ("status", self.status().map(str::to_string)),
            ("disposal", self.disposal().map(str::to_string)),
            ("criterion", self.criterion().map(str::to_string)),
            (
                "overdue",
                self.overdue()
                    .map(|o| if o { "1" } else { "0" }.to_string()),
            ),
            ("q", self.q()),
        ];
        if with_per_page {
            pairs.push(("per_page", self.per_page().map(|p| p.to_string())));
        }
        query_string(&pairs)
    }
}

/// One row as the list shows it.
pub(super) struct Row {
    c: CaseView,
    status: String,
    criteria: Vec<String>,
    disposal: String,
    deadline: String,
    land: String,
}

/// A line of the totals tables.
pub(super) struct TotalLine {
    label: String,
    cases: String,
    closed: String,
    land: String,
    energy: String,
}

/// The totals as shown.
pub(super) struct TotalsView {
    cases: String,
    by_status: Vec<(String, String, String)>,
    overdue: String,
    land: String,
    energy: String,
    by_town: Vec<TotalLine>,
    by_disposal: Vec<TotalLine>,
}

fn totals_view(lang: Lang, t: LedgerTotals) -> TotalsView {
    let line = |label: String, r: &wujin_app::low_end::FreedRow| TotalLine {
        label,
        cases: count(r.cases as i64),
        closed: count(r.closed as i64),
        land: quantity(round2(r.land_mu_freed)),
        energy: quantity(round2(r.energy_tce_freed)),
    };
    TotalsView {
        cases: count(t.cases as i64),
        by_status: CaseStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    status_label(lang, s.as_str()),
                    count(t.by_status.get(s.as_str()).copied().unwrap_or(0) as i64),
                )
            })
            .collect(),
        overdue: count(t.overdue as i64),
        land: quantity(round2(t.land_mu_freed)),
        energy: quantity(round2(t.energy_tce_freed)),
        by_town: t.by_town.iter().map(|r| line(r.name.clone(), r)).collect(),
        by_disposal: t
            .by_disposal
            .iter()
            .filter(|r| r.cases > 0)
            .map(|r| line(disposal_label(lang, &r.key), r))
            .collect(),
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The office's screening form.
#[derive(Default)]
pub(super) struct GenerateForm {
    year: String,
    run_id: String,
}

#[derive(Template)]
#[template(path = "low_end/list.html")]
struct ListPage {
    page: PageCtx,
    items: Vec<Row>,
    total: u64,
    totals: TotalsView,
    q: String,
    years: Vec<Opt>,
    towns: Vec<Opt>,
    statuses: Vec<Opt>,
    disposals: Vec<Opt>,
    criteria: Vec<Opt>,
    overdue: Vec<Opt>,
    per_pages: Vec<Opt>,
    pager: Pager,
    export_href: String,
    filtered: bool,
    /// The office may screen a year.
    office: bool,
    runs: Vec<Opt>,
    form: GenerateForm,
    errors: FormErrors,
    /// "N new, M already in the ledger" after a screening.
    generated: Option<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    q: &ListQuery,
    form: GenerateForm,
    errors: FormErrors,
) -> Result<ListPage, PageError> {
    let lang = user.lang;
    let filter = q.filter();
    let result = wujin_app::low_end::list(
        &state.app,
        &user.ctx,
        &filter,
        PageRequest::new(q.page(), q.per_page()),
    )
    .await?;
    let totals = wujin_app::low_end::totals(&state.app, &user.ctx, &filter).await?;
    let office = wujin_app::evaluation::is_office(&state.app, &user.ctx).await?;
    let runs: Vec<RunChoice> = if office {
        wujin_app::low_end::runs(&state.app, &user.ctx).await?
    } else {
        Vec::new()
    };
    let all = || Some(tr(lang, "action.all"));
    let with_per_page = q.query(true);
    let pager = pager(lang, &result, LIST_PATH, &with_per_page);
    let export_href = if with_per_page.is_empty() {
        format!("{LIST_PATH}/export.xlsx")
    } else {
        format!("{LIST_PATH}/export.xlsx?{with_per_page}")
    };
    let page = page_ctx(
        state,
        user,
        "low_end.title",
        &[("low_end.title", None)],
        q.msg.as_deref(),
    )
    .await;
    let current = this_year();
    let years = opts(
        all(),
        (2015..=current)
            .rev()
            .map(|y| (y.to_string(), y.to_string())),
        &q.year().map(|y| y.to_string()).unwrap_or_default(),
    );
    let town_list = towns(state, user, true).await?;
    let generated = match (opt_i64(&q.created), opt_i64(&q.present)) {
        (Some(n), Some(m)) => Some(trf(
            lang,
            "low_end.generated",
            &[("created", &count(n)), ("present", &count(m))],
        )),
        _ => None,
    };
    let items = result
        .items
        .into_iter()
        .map(|c| Row {
            status: status_label(lang, &c.status),
            criteria: c
                .criteria
                .iter()
                .map(|k| criterion_label(lang, k))
                .collect(),
            disposal: c
                .disposal_type
                .as_deref()
                .map(|d| disposal_label(lang, d))
                .unwrap_or_default(),
            deadline: c.deadline.map(|d| day(lang, &d)).unwrap_or_default(),
            land: c.land_mu_freed.map(quantity).unwrap_or_default(),
            c,
        })
        .collect();
    let without = q.query(false);
    Ok(ListPage {
        page,
        items,
        total: result.total,
        totals: totals_view(lang, totals),
        q: q.q().unwrap_or_default(),
        years,
        towns: town_opts(
            all(),
            &town_list,
            &opt_i64(&q.town).map(|t| t.to_string()).unwrap_or_default(),
        ),
        statuses: opts(
            all(),
            CaseStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), status_label(lang, s.as_str()))),
            q.status().unwrap_or(""),
        ),
        disposals: opts(
            all(),
            Disposal::ALL
                .iter()
                .map(|d| (d.as_str().to_string(), disposal_label(lang, d.as_str()))),
            q.disposal().unwrap_or(""),
        ),
        criteria: opts(
            all(),
            LowEndCriterion::ALL
                .iter()
                .map(|c| (c.as_str().to_string(), criterion_label(lang, c.as_str()))),
            q.criterion().unwrap_or(""),
        ),
        overdue: opts(
            all(),
            [
                ("1".to_string(), tr(lang, "low_end.overdue_only")),
                ("0".to_string(), tr(lang, "low_end.not_overdue")),
            ],
            match q.overdue() {
                Some(true) => "1",
                Some(false) => "0",
                None => "",
            },
        ),
        per_pages: opts(
            None,
            PER_PAGE_CHOICES
                .iter()
                .map(|n| (n.to_string(), n.to_string())),
            &result.per_page.to_string(),
        ),
        pager,
        export_href,
        filtered: !without.is_empty(),
        office,
        runs: opts(
            Some(tr(lang, "low_end.run_latest")),
            runs.iter().map(|r| {
                (
                    r.id.to_string(),
                    trf(
                        lang,
                        "low_end.run_choice",
                        &[
                            ("id", &r.id.to_string()),
                            ("year", &r.year.to_string()),
                            (
                                "status",
                                &crate::pages::enterprises::fmt::label(
                                    lang,
                                    "low_end.run_status",
                                    &r.status,
                                ),
                            ),
                        ],
                    ),
                )
            }),
            &form.run_id,
        ),
        form: GenerateForm {
            year: if form.year.is_empty() {
                (current - 1).to_string()
            } else {
                form.year
            },
            run_id: form.run_id,
        },
        errors,
        generated,
    })
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    render(
        &page(
            &state,
            &user,
            &q,
            GenerateForm::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

#[derive(Deserialize, Default)]
pub(super) struct GenerateFields {
    #[serde(default)]
    year: String,
    #[serde(default)]
    run_id: String,
}

/// Screens a year (the office), then shows the year's ledger with what was added.
pub(super) async fn generate(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<GenerateFields>,
) -> Result<Response, PageError> {
    let year = f.year.trim().parse::<i32>().ok();
    let run_id = f.run_id.trim();
    let run = if run_id.is_empty() {
        Ok(None)
    } else {
        run_id.parse::<i64>().map(Some)
    };
    let form = GenerateForm {
        year: f.year.clone(),
        run_id: f.run_id.clone(),
    };
    let result = match (year, run) {
        (Some(y), Ok(r)) => wujin_app::low_end::generate(&state.app, &user.ctx, y, r).await,
        (None, _) => Err(AppError::field("year", "error.figures.year_invalid")),
        (_, Err(_)) => Err(AppError::field("run_id", "error.low_end.run_unknown")),
    };
    match result {
        Ok(s) => Ok(Redirect::to(&format!(
            "{LIST_PATH}?year={}&created={}&present={}",
            s.year, s.created, s.already_present
        ))
        .into_response()),
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            invalid(page(&state, &user, &ListQuery::default(), form, errors).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// The current view (filters, every page) as an Excel workbook.
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let rows = wujin_app::low_end::rows(&state.app, &user.ctx, &q.filter()).await?;
    let lang = user.lang;
    let bytes = tokio::task::spawn_blocking(move || ledger_xlsx(lang, rows))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let name = format!("{}-{}.xlsx", tr(lang, "low_end.export_name"), today());
    Ok(xlsx_response(
        &name,
        &format!("low-end-{}.xlsx", today()),
        bytes,
    ))
}
