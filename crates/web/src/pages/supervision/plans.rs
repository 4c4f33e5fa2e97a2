//! The plans (`/supervision`): every plan with the number of tasks the caller sees, and the
//! office's form to start a plan with its reporting cycle and colour rules.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::AppError;
use wujin_app::supervision::plans::{NewPlan, PlanView};
use wujin_domain::access::Permission;
use wujin_domain::supervision::colour::ColourRules;

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::tr;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::options::opts;
use crate::pages::enterprises::{invalid, this_year};
use crate::pages::{FormErrors, render};
use crate::state::AppState;

/// One plan as the list shows it.
pub(super) struct PlanRow {
    p: PlanView,
    period: String,
}

/// The office's new-plan form as typed.
#[derive(Deserialize, Default, Clone)]
pub(super) struct PlanForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    report_period: String,
    #[serde(default)]
    report_due_day: String,
    #[serde(default)]
    yellow_behind: String,
    #[serde(default)]
    red_behind: String,
    #[serde(default)]
    blue_within: String,
}

#[derive(Template)]
#[template(path = "supervision/plans.html")]
struct PlansPage {
    page: PageCtx,
    plans: Vec<PlanRow>,
    office: bool,
    reports: bool,
    form: PlanForm,
    periods: Vec<Opt>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    msg: Option<String>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    form: PlanForm,
    errors: FormErrors,
    msg: Option<&str>,
) -> Result<PlansPage, PageError> {
    let lang = user.lang;
    let plans = wujin_app::supervision::plans::list(&state.app, &user.ctx).await?;
    let office = wujin_app::supervision::is_office(&state.app, &user.ctx).await?;
    let page = page_ctx(
        state,
        user,
        "supervision.title",
        &[("supervision.title", None)],
        msg,
    )
    .await;
    let rules = ColourRules::default();
    let form = PlanForm {
        year: if form.year.is_empty() {
            this_year().to_string()
        } else {
            form.year
        },
        report_due_day: if form.report_due_day.is_empty() {
            "5".into()
        } else {
            form.report_due_day
        },
        yellow_behind: if form.yellow_behind.is_empty() {
            rules.yellow_behind.to_string()
        } else {
            form.yellow_behind
        },
        red_behind: if form.red_behind.is_empty() {
            rules.red_behind.to_string()
        } else {
            form.red_behind
        },
        blue_within: if form.blue_within.is_empty() {
            rules.blue_within_working_days.to_string()
        } else {
            form.blue_within
        },
        ..form
    };
    Ok(PlansPage {
        periods: opts(
            None,
            ["monthly", "quarterly"]
                .map(|p| (p.to_string(), tr(lang, &format!("supervision.period.{p}")))),
            if form.report_period.is_empty() {
                "monthly"
            } else {
                &form.report_period
            },
        ),
        plans: plans
            .into_iter()
            .map(|p| PlanRow {
                period: tr(
                    lang,
                    &format!(
                        "supervision.period.{}",
                        serde_json::json!(p.report_period)
                            .as_str()
                            .unwrap_or("monthly")
                    ),
                ),
                p,
            })
            .collect(),
        page,
        office,
        reports: user.actor().can(Permission::ReportProgress),
        form,
        errors,
    })
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    user.ctx.require(Permission::ViewSupervision)?;
    render(
        &page(
            &state,
            &user,
            PlanForm::default(),
            FormErrors::default(),
            q.msg.as_deref(),
        )
        .await?,
    )
}

fn number<T: std::str::FromStr>(
    field: &str,
    v: &str,
    errors: &mut Vec<wujin_app::FieldError>,
) -> Option<T> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(wujin_app::FieldError::new(
                field,
                "error.plan.number_invalid",
            ));
            None
        }
    }
}

/// Starts a plan (the office) and opens its board.
pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<PlanForm>,
) -> Result<Response, PageError> {
    let mut errors = Vec::new();
    let year: Option<i32> = number("year", &f.year, &mut errors);
    let due_day: Option<u32> = number("report_due_day", &f.report_due_day, &mut errors);
    let defaults = ColourRules::default();
    let rules = ColourRules {
        yellow_behind: number("yellow_behind", &f.yellow_behind, &mut errors)
            .unwrap_or(defaults.yellow_behind),
        red_behind: number("red_behind", &f.red_behind, &mut errors).unwrap_or(defaults.red_behind),
        blue_within_working_days: number("blue_within", &f.blue_within, &mut errors)
            .unwrap_or(defaults.blue_within_working_days),
        ..defaults
    };
    let result = if errors.is_empty() {
        wujin_app::supervision::plans::create(
            &state.app,
            &user.ctx,
            NewPlan {
                name: f.name.clone(),
                year: year.unwrap_or(0),
                description: Some(f.description.clone()),
                report_period: Some(f.report_period.clone()).filter(|p| !p.is_empty()),
                report_due_day: due_day,
                colour_rules: Some(rules),
            },
        )
        .await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(p) => {
            Ok(Redirect::to(&format!("/supervision/plans/{}?msg=created", p.id)).into_response())
        }
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            invalid(page(&state, &user, f, errors, None).await?)
        }
        Err(e) => Err(e.into()),
    }
}
