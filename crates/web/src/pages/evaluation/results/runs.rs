//! 评价运行: the runs list, newest first (drafts for the evaluation office only), and the
//! office's form to evaluate a year. An enterprise user lands on their own firm's explanation
//! in the latest published or final run.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::evaluation::results::{RunFilter, RunView};
use wujin_app::{AppError, PageRequest};
use wujin_domain::access::Role;
use wujin_domain::evaluation::Grade;

use super::{run_label, status_label, status_opts};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::tr;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::options::opts;
use crate::pages::enterprises::this_year;
use crate::pages::{FormErrors, Pager, opt_i64, pager, query_string, render};
use crate::state::AppState;

const PATH: &str = "/evaluation";

#[derive(Deserialize, Default)]
pub(super) struct RunsQuery {
    year: Option<String>,
    status: Option<String>,
    page: Option<String>,
}

impl RunsQuery {
    fn year(&self) -> Option<i32> {
        opt_i64(&self.year).and_then(|y| i32::try_from(y).ok())
    }

    fn status(&self) -> Option<&str> {
        self.status
            .as_deref()
            .filter(|s| wujin_app::evaluation::results::STATUSES.contains(s))
    }

    fn query(&self) -> String {
        query_string(&[
            ("year", self.year().map(|y| y.to_string())),
            ("status", self.status().map(str::to_string)),
        ])
    }
}

/// The start form as typed.
#[derive(Deserialize, Default, Clone)]
pub(super) struct StartForm {
    year: String,
    #[serde(default)]
    scheme: String,
}

pub(super) struct RunRow {
    r: RunView,
    label: String,
    status: String,
    counts: Vec<(&'static str, u64)>,
}

#[derive(Template)]
#[template(path = "evaluation/results_runs.html")]
struct RunsPage {
    page: PageCtx,
    items: Vec<RunRow>,
    total: u64,
    years: Vec<Opt>,
    statuses: Vec<Opt>,
    pager: Pager,
    filtered: bool,
    office: bool,
    form: StartForm,
    schemes: Vec<Opt>,
    errors: FormErrors,
    /// An enterprise user whose firm has no published result yet.
    none_yet: bool,
}

async fn runs_page(
    state: &AppState,
    user: &CurrentUser,
    q: &RunsQuery,
    form: StartForm,
    errors: FormErrors,
) -> Result<RunsPage, PageError> {
    let lang = user.lang;
    let app = &state.app;
    let office = wujin_app::evaluation::is_office(app, &user.ctx).await?;
    let result = wujin_app::evaluation::results::list_runs(
        app,
        &user.ctx,
        &RunFilter {
            year: q.year(),
            status: q.status().map(str::to_string),
        },
        PageRequest::new(opt_i64(&q.page).map(|p| p.max(1) as u64), None),
    )
    .await?;
    let choices = wujin_app::evaluation::results::run_choices(app, &user.ctx).await?;
    let mut years: Vec<i32> = choices.iter().map(|c| c.year).collect();
    years.dedup();
    let selected_year = q.year().map(|y| y.to_string()).unwrap_or_default();
    let schemes = if office {
        wujin_app::evaluation::results::scheme_choices(app, &user.ctx)
            .await?
            .into_iter()
            .map(|s| (s.name.clone(), format!("{}（{}）", s.name, s.year)))
            .collect()
    } else {
        Vec::new()
    };
    let query = q.query();
    let pager = pager(lang, &result, PATH, &query);
    let none_yet = user.actor().role == Role::Enterprise;
    let page = page_ctx(
        state,
        user,
        "eval.run.list_title",
        &[("eval.run.list_title", None)],
        None,
    )
    .await;
    Ok(RunsPage {
        items: result
            .items
            .into_iter()
            .map(|r| RunRow {
                label: run_label(lang, &r),
                status: status_label(lang, &r.status),
                counts: Grade::ALL
                    .iter()
                    .map(|g| (g.as_str(), r.by_grade.get(g.as_str()).copied().unwrap_or(0)))
                    .collect(),
                r,
            })
            .collect(),
        total: result.total,
        years: opts(
            Some(tr(lang, "action.all")),
            years.iter().map(|y| (y.to_string(), y.to_string())),
            &selected_year,
        ),
        statuses: status_opts(lang, tr(lang, "action.all"), q.status().unwrap_or("")),
        pager,
        filtered: !query.is_empty(),
        office,
        schemes: opts(
            Some(tr(lang, "eval.run.default_scheme")),
            schemes,
            &form.scheme,
        ),
        form,
        errors,
        none_yet,
        page,
    })
}

/// `/evaluation`: the runs, or an enterprise user's own explanation.
pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RunsQuery>,
) -> Result<Response, PageError> {
    if user.actor().role == Role::Enterprise
        && let Some((run, firm)) =
            wujin_app::evaluation::results::own_latest(&state.app, &user.ctx).await?
    {
        return Ok(Redirect::to(&format!("/evaluation/runs/{run}/firms/{firm}")).into_response());
    }
    let form = StartForm {
        year: (this_year() - 1).to_string(),
        scheme: String::new(),
    };
    let p = runs_page(&state, &user, &q, form, FormErrors::default()).await?;
    Ok(render(&p)?.into_response())
}

/// Evaluates a year (the evaluation office): the new draft run's page, or the form again with
/// what is wrong.
pub(super) async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<StartForm>,
) -> Result<Response, PageError> {
    let lang = user.lang;
    let year = form.year.trim().parse::<i32>().ok();
    let scheme = Some(form.scheme.trim()).filter(|s| !s.is_empty());
    let outcome = match year {
        Some(y) => wujin_app::evaluation::run(&state.app, &user.ctx, y, scheme).await,
        None => Err(AppError::field("year", "error.eval_results.year")),
    };
    match outcome {
        Ok(summary) => Ok(
            Redirect::to(&format!("/evaluation/runs/{}?started=1", summary.run_id)).into_response(),
        ),
        Err(AppError::Validation(errors)) => {
            let p = runs_page(
                &state,
                &user,
                &RunsQuery::default(),
                form,
                FormErrors::from_fields(lang, &errors),
            )
            .await?;
            crate::pages::enterprises::invalid(p)
        }
        Err(e) => Err(e.into()),
    }
}
