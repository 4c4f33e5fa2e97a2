//! Visits (`/service/visits`, 走访记录): the list with filters and the xlsx ledger, one visit
//! with the problems raised, and the form a cadre fills in after a visit — the firm, when and
//! how, who was there, what was said, and up to three problems registered with it.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::service::problems::NewProblem;
use wujin_app::service::visits::{self, NewVisit, VisitDetail, VisitFilter, VisitRow};
use wujin_app::{AppError, FieldError, PageRequest};
use wujin_domain::service::problem::{ProblemCategory, Urgency, VisitForm};

use super::problems::{Row, date, row, text};
use super::{Tab, label, official, tabs, unprocessable};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::tr;
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::fmt::day;
use crate::pages::enterprises::options::opts;
use crate::pages::enterprises::xlsx_response;
use crate::pages::{FormErrors, Pager, opt_i64, pager, query_string, render};
use crate::state::AppState;

/// Problem blocks on the visit form.
pub const PROBLEM_BLOCKS: usize = 3;

#[derive(Deserialize, Default)]
pub(super) struct VisitQuery {
    q: Option<String>,
    town: Option<String>,
    cadre: Option<String>,
    enterprise: Option<String>,
    form: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
    msg: Option<String>,
}

impl VisitQuery {
    fn filter(&self) -> VisitFilter {
        VisitFilter {
            q: text(&self.q),
            town_id: opt_i64(&self.town),
            cadre_id: opt_i64(&self.cadre),
            enterprise_id: opt_i64(&self.enterprise),
            form: text(&self.form),
            from: date(&self.from),
            to: date(&self.to),
        }
    }

    fn query(&self) -> String {
        let f = self.filter();
        query_string(&[
            ("q", f.q),
            ("town", f.town_id.map(|v| v.to_string())),
            ("cadre", f.cadre_id.map(|v| v.to_string())),
            ("enterprise", f.enterprise_id.map(|v| v.to_string())),
            ("form", f.form),
            ("from", f.from.map(|d| d.to_string())),
            ("to", f.to.map(|d| d.to_string())),
        ])
    }
}

pub(super) struct VisitLine {
    v: VisitRow,
    date: String,
    form: String,
}

#[derive(Template)]
#[template(path = "service/visits.html")]
struct ListPage {
    page: PageCtx,
    tabs: Vec<Tab>,
    items: Vec<VisitLine>,
    total: u64,
    q: VisitQuery,
    towns: Vec<Opt>,
    cadres: Vec<Opt>,
    forms: Vec<Opt>,
    pager: Pager,
    filtered: bool,
    may_record: bool,
    export_href: String,
}

fn check(user: &CurrentUser) -> Result<(), PageError> {
    if official(user) {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<VisitQuery>,
) -> Result<Html<String>, PageError> {
    check(&user)?;
    let lang = user.lang;
    let per_page = opt_i64(&q.per_page).and_then(|p| u64::try_from(p).ok());
    let items = visits::list(
        &state.app,
        &user.ctx,
        &q.filter(),
        PageRequest::new(
            opt_i64(&q.page).and_then(|p| u64::try_from(p).ok()),
            per_page,
        ),
    )
    .await?;
    let query = q.query();
    let pager = pager(lang, &items, "/service/visits", &query);
    let all = || Some(tr(lang, "action.all"));
    let towns = wujin_app::departments::all(state.app.db.read())
        .await?
        .into_iter()
        .filter(|d| wujin_domain::org::DepartmentKind::parse(&d.kind).is_some_and(|k| k.is_town()))
        .map(|d| (d.id.to_string(), d.short_name.unwrap_or(d.name)));
    let cadres = visits::cadre_choices(&state.app, &user.ctx).await?;
    let page = page_ctx(
        &state,
        &user,
        "service.visits_title",
        &[("service.visits_title", None)],
        q.msg.as_deref(),
    )
    .await;
    render(&ListPage {
        tabs: tabs(&user, "/service/visits"),
        total: items.total,
        items: items
            .items
            .into_iter()
            .map(|v| VisitLine {
                date: day(lang, &v.visited_on),
                form: label(lang, "visit_form", &v.form),
                v,
            })
            .collect(),
        towns: opts(all(), towns, &text(&q.town).unwrap_or_default()),
        cadres: opts(
            all(),
            cadres.into_iter().map(|c| (c.id.to_string(), c.name)),
            &text(&q.cadre).unwrap_or_default(),
        ),
        forms: opts(
            all(),
            VisitForm::ALL.iter().map(|f| {
                (
                    f.as_str().to_string(),
                    label(lang, "visit_form", f.as_str()),
                )
            }),
            &text(&q.form).unwrap_or_default(),
        ),
        may_record: visits::may_record(&state.app, &user.ctx).await?,
        export_href: format!("/service/visits.xlsx?{query}"),
        filtered: !query.is_empty(),
        page,
        q,
        pager,
    })
}

pub(super) async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<VisitQuery>,
) -> Result<Response, PageError> {
    check(&user)?;
    let bytes = wujin_app::service::export::visits_xlsx(&state.app, &user.ctx, &q.filter()).await?;
    let today = wujin_app::china_today();
    Ok(xlsx_response(
        &format!("{}-{today}.xlsx", tr(user.lang, "service.file.visits")),
        &format!("visits-{today}.xlsx"),
        bytes,
    ))
}

#[derive(Template)]
#[template(path = "service/visit.html")]
struct VisitPage {
    page: PageCtx,
    d: VisitDetail,
    date: String,
    form: String,
    items: Vec<Row>,
    firm: bool,
}

#[derive(Deserialize, Default)]
pub(super) struct ShowQuery {
    msg: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Html<String>, PageError> {
    check(&user)?;
    let lang = user.lang;
    let d = visits::get(&state.app, &user.ctx, id, wujin_app::china_today()).await?;
    let title = format!(
        "{} · {}",
        d.visit.enterprise.name,
        day(lang, &d.visit.visited_on)
    );
    let page = page_ctx(
        &state,
        &user,
        "service.visit_title",
        &[
            ("service.visits_title", Some("/service/visits")),
            (&title, None),
        ],
        q.msg.as_deref(),
    )
    .await;
    render(&VisitPage {
        date: day(lang, &d.visit.visited_on),
        form: label(lang, "visit_form", &d.visit.form),
        items: d.problems.iter().cloned().map(|r| row(lang, r)).collect(),
        firm: false,
        page,
        d,
    })
}

#[derive(Template)]
#[template(path = "service/visit_form.html")]
struct FormPage {
    page: PageCtx,
    errors: FormErrors,
    typed: HashMap<String, String>,
    enterprises: Option<Vec<Opt>>,
    enterprise_name: String,
    forms: Vec<Opt>,
    cadres: Vec<(String, String, bool)>,
    blocks: Vec<usize>,
    block_titles: Vec<String>,
    categories: Vec<Vec<Opt>>,
    urgencies: Vec<Vec<Opt>>,
    today: String,
}

impl FormPage {
    fn get(&self, k: &str) -> String {
        self.typed.get(k).cloned().unwrap_or_default()
    }

    fn pget(&self, i: &usize, k: &str) -> String {
        self.get(&format!("p{i}_{k}"))
    }

    fn perr(&self, i: &usize, k: &str) -> String {
        self.errors.get(&format!("problems[{i}].{k}"))
    }
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    typed: HashMap<String, String>,
    cadre_ids: Vec<String>,
    errors: FormErrors,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let chosen =
        wujin_app::service::problems::resolve_enterprise(&state.app, &user.ctx, &get("enterprise"))
            .await?;
    let enterprise_name = chosen.as_ref().map(|e| e.name.clone()).unwrap_or_default();
    let enterprises = wujin_app::service::problems::enterprise_choices(&state.app, &user.ctx, 300)
        .await?
        .map(|list| {
            opts(
                Some(tr(lang, "service.choose")),
                list.into_iter().map(|(id, n)| (id.to_string(), n)),
                &chosen
                    .as_ref()
                    .map(|e| e.id.to_string())
                    .unwrap_or_default(),
            )
        });
    let me = user.actor().id.map(|i| i.to_string()).unwrap_or_default();
    let cadres = visits::cadre_choices(&state.app, &user.ctx)
        .await?
        .into_iter()
        .map(|c| {
            let id = c.id.to_string();
            let on = cadre_ids.contains(&id) || (cadre_ids.is_empty() && id == me);
            (id, c.name, on)
        })
        .collect();
    let blocks: Vec<usize> = (0..PROBLEM_BLOCKS).collect();
    let page = page_ctx(
        state,
        user,
        "service.visit_new",
        &[
            ("service.visits_title", Some("/service/visits")),
            ("service.visit_new", None),
        ],
        None,
    )
    .await;
    render(&FormPage {
        forms: opts(
            None,
            VisitForm::ALL.iter().map(|f| {
                (
                    f.as_str().to_string(),
                    label(lang, "visit_form", f.as_str()),
                )
            }),
            &get("form"),
        ),
        categories: blocks
            .iter()
            .map(|i| {
                opts(
                    Some(tr(lang, "service.choose")),
                    ProblemCategory::ALL
                        .iter()
                        .map(|c| (c.as_str().to_string(), label(lang, "category", c.as_str()))),
                    &get(&format!("p{i}_category")),
                )
            })
            .collect(),
        urgencies: blocks
            .iter()
            .map(|i| {
                opts(
                    None,
                    Urgency::ALL
                        .iter()
                        .map(|c| (c.as_str().to_string(), label(lang, "urgency", c.as_str()))),
                    &get(&format!("p{i}_urgency")),
                )
            })
            .collect(),
        today: wujin_app::china_today().to_string(),
        block_titles: blocks
            .iter()
            .map(|i| crate::i18n::trf(lang, "service.problem_n", &[("n", &(i + 1).to_string())]))
            .collect(),
        page,
        errors,
        typed,
        enterprises,
        enterprise_name,
        cadres,
        blocks,
    })
}

#[derive(Deserialize, Default)]
pub(super) struct NewQuery {
    enterprise: Option<String>,
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<Html<String>, PageError> {
    if !visits::may_record(&state.app, &user.ctx).await? {
        return Err(AppError::Forbidden.into());
    }
    let mut typed = HashMap::new();
    if let Some(e) = text(&q.enterprise) {
        typed.insert("enterprise".to_string(), e);
    }
    form_page(&state, &user, typed, Vec::new(), FormErrors::default()).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let cadre_ids: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "cadre_ids")
        .map(|(_, v)| v.clone())
        .collect();
    let typed: HashMap<String, String> = pairs.into_iter().collect();
    let get = |k: &str| {
        typed
            .get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let today = wujin_app::china_today();
    let mut errors: Vec<FieldError> = Vec::new();
    let firm =
        wujin_app::service::problems::resolve_enterprise(&state.app, &user.ctx, &get("enterprise"))
            .await?;
    if firm.is_none() {
        errors.push(FieldError::new(
            "enterprise",
            if get("enterprise").is_empty() {
                "error.problem.required"
            } else {
                "error.problem.enterprise"
            },
        ));
    }
    let visited_on = match get("visited_on") {
        s if s.is_empty() => None,
        s => match s.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new("visited_on", "error.problem.date"));
                None
            }
        },
    };
    let problems: Vec<NewProblem> = (0..PROBLEM_BLOCKS)
        .filter_map(|i| {
            let p = |k: &str| get(&format!("p{i}_{k}"));
            let any = !p("title").is_empty() || !p("description").is_empty();
            any.then(|| NewProblem {
                category: p("category"),
                title: p("title"),
                description: p("description"),
                urgency: p("urgency"),
                tags: p("tags"),
                ..Default::default()
            })
        })
        .collect();
    let input = NewVisit {
        enterprise_id: firm.as_ref().map(|f| f.id).unwrap_or(-1),
        visited_on,
        form: get("form"),
        attendees: get("attendees"),
        summary: get("summary"),
        cadre_ids: cadre_ids.iter().filter_map(|c| c.parse().ok()).collect(),
        problems,
    };
    let result = visits::create(&state.app, &user.ctx, &input, today).await;
    match result {
        Ok((id, _)) if errors.is_empty() => {
            Ok(Redirect::to(&format!("/service/visits/{id}?msg=visit_created")).into_response())
        }
        Ok(_) => unreachable_visit(),
        Err(AppError::Validation(v)) => {
            errors.extend(
                v.into_iter()
                    .filter(|e| e.field != "enterprise_id" || firm.is_some()),
            );
            // Problem blocks are numbered by their place among the filled ones; map back.
            let filled: Vec<usize> = (0..PROBLEM_BLOCKS)
                .filter(|i| {
                    !get(&format!("p{i}_title")).is_empty()
                        || !get(&format!("p{i}_description")).is_empty()
                })
                .collect();
            let errors: Vec<FieldError> = errors.into_iter().map(|e| remap(e, &filled)).collect();
            let errors = FormErrors::from_fields(user.lang, &errors);
            Ok(unprocessable(
                form_page(&state, &user, typed, cadre_ids, errors).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// A visit is only written when every field passed; the web layer's own checks ran first.
fn unreachable_visit() -> Result<Response, PageError> {
    Err(AppError::Internal("a visit was written despite a field error".into()).into())
}

/// `problems[k].field` of the k-th filled block → the block's own number.
fn remap(e: FieldError, filled: &[usize]) -> FieldError {
    if e.field == "enterprise_id" {
        return FieldError {
            field: "enterprise".into(),
            ..e
        };
    }
    let Some(rest) = e.field.strip_prefix("problems[") else {
        return e;
    };
    let Some((k, field)) = rest.split_once("].") else {
        return e;
    };
    let Some(block) = k.parse::<usize>().ok().and_then(|k| filled.get(k)) else {
        return e;
    };
    FieldError {
        field: format!("problems[{block}].{field}"),
        ..e
    }
}
