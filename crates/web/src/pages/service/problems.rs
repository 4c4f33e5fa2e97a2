//! The problem list (`/service`, 问题清单) with its filters, sorts, pages and export, and the
//! form to register a problem (a firm reports its own; officials register for a firm).

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use wujin_app::PageRequest;
use wujin_app::service::problems::NewProblem;
use wujin_app::service::queue::{self, ProblemFilter};
use wujin_app::service::view::ProblemRow;
use wujin_app::{AppError, FieldError};
use wujin_domain::access::Role;
use wujin_domain::service::case::CaseState;
use wujin_domain::service::problem::{CaseLevel, ProblemCategory, ProblemSource, Urgency};

use super::{Tab, label, tabs, unprocessable};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::fmt::day;
use crate::pages::enterprises::options::opts;
use crate::pages::enterprises::xlsx_response;
use crate::pages::{FormErrors, Pager, opt_i64, pager, query_string, render};
use crate::state::AppState;

const PER_PAGE_CHOICES: [u64; 4] = [20, 50, 100, 200];

#[derive(Deserialize, Default, Clone)]
pub(super) struct ListQuery {
    pub(super) q: Option<String>,
    pub(super) state: Option<String>,
    pub(super) category: Option<String>,
    pub(super) source: Option<String>,
    pub(super) level: Option<String>,
    pub(super) urgency: Option<String>,
    pub(super) department: Option<String>,
    pub(super) town: Option<String>,
    pub(super) enterprise: Option<String>,
    pub(super) overdue: Option<String>,
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
    pub(super) sort: Option<String>,
    pub(super) page: Option<String>,
    pub(super) per_page: Option<String>,
    pub(super) msg: Option<String>,
}

pub(super) fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

pub(super) fn date(v: &Option<String>) -> Option<chrono::NaiveDate> {
    text(v).and_then(|s| s.parse().ok())
}

impl ListQuery {
    pub(super) fn filter(&self, commitments: bool) -> ProblemFilter {
        ProblemFilter {
            q: text(&self.q),
            state: text(&self.state),
            category: text(&self.category),
            source: text(&self.source),
            level: text(&self.level),
            urgency: text(&self.urgency),
            department_id: opt_i64(&self.department),
            town_id: opt_i64(&self.town),
            enterprise_id: opt_i64(&self.enterprise),
            overdue: text(&self.overdue).as_deref() == Some("1"),
            from: date(&self.from),
            to: date(&self.to),
            commitments,
            sort: text(&self.sort),
        }
    }

    pub(super) fn sort_value(&self) -> Option<String> {
        self.sort.clone()
    }

    pub(super) fn set_sort(&mut self, sort: &str) {
        self.sort = Some(sort.to_string());
    }

    pub(super) fn per_page(&self) -> Option<u64> {
        opt_i64(&self.per_page)
            .and_then(|p| u64::try_from(p).ok())
            .filter(|p| PER_PAGE_CHOICES.contains(p))
    }

    pub(super) fn page_request(&self) -> PageRequest {
        PageRequest::new(
            opt_i64(&self.page).and_then(|p| u64::try_from(p).ok()),
            self.per_page(),
        )
    }

    /// The filters as a query string (without the page).
    pub(super) fn query(&self, with_per_page: bool) -> String {
        let mut pairs = vec![
            ("q", text(&self.q)),
            ("state", text(&self.state)),
            ("category", text(&self.category)),
            ("source", text(&self.source)),
            ("level", text(&self.level)),
            ("urgency", text(&self.urgency)),
            (
                "department",
                opt_i64(&self.department).map(|v| v.to_string()),
            ),
            ("town", opt_i64(&self.town).map(|v| v.to_string())),
            (
                "enterprise",
                opt_i64(&self.enterprise).map(|v| v.to_string()),
            ),
            (
                "overdue",
                (text(&self.overdue).as_deref() == Some("1")).then(|| "1".into()),
            ),
            ("from", date(&self.from).map(|d| d.to_string())),
            ("to", date(&self.to).map(|d| d.to_string())),
            ("sort", text(&self.sort)),
        ];
        if with_per_page {
            pairs.push(("per_page", self.per_page().map(|p| p.to_string())));
        }
        query_string(&pairs)
    }
}

/// One problem as the lists show it.
pub(super) struct Row {
    pub r: ProblemRow,
    pub state: String,
    pub category: String,
    pub source: String,
    pub level: String,
    pub received: String,
    pub due: String,
    pub due_kind: String,
    pub measure_due: String,
    pub satisfaction: String,
}

pub(super) fn row(lang: Lang, r: ProblemRow) -> Row {
    Row {
        state: label(lang, "state", &r.state),
        category: label(lang, "category", &r.category),
        source: label(lang, "source", &r.source),
        level: label(lang, "level", &r.level),
        received: day(lang, &r.received_on),
        due: r.due_on.map(|d| day(lang, &d)).unwrap_or_default(),
        due_kind: r
            .due_kind
            .as_deref()
            .map(|k| label(lang, "due_kind", k))
            .unwrap_or_default(),
        measure_due: r.measure_due.map(|d| day(lang, &d)).unwrap_or_default(),
        satisfaction: r
            .satisfaction
            .as_deref()
            .map(|s| label(lang, "satisfaction", s))
            .unwrap_or_default(),
        r,
    }
}

/// A state count linking to the list filtered by it.
pub(super) struct StateCount {
    pub key: String,
    pub label: String,
    pub n: i64,
    pub current: bool,
}

/// The choices every problem filter offers.
pub(super) struct Filters {
    pub states: Vec<Opt>,
    pub categories: Vec<Opt>,
    pub sources: Vec<Opt>,
    pub levels: Vec<Opt>,
    pub urgencies: Vec<Opt>,
    pub departments: Vec<Opt>,
    pub towns: Vec<Opt>,
    pub overdue: Vec<Opt>,
    pub sorts: Vec<Opt>,
    pub per_pages: Vec<Opt>,
}

pub(super) async fn filters(
    state: &AppState,
    lang: Lang,
    q: &ListQuery,
    per_page: u64,
    sorts: &[&str],
) -> Result<Filters, PageError> {
    let all = || Some(tr(lang, "action.all"));
    let sel = |v: &Option<String>| text(v).unwrap_or_default();
    let units = wujin_app::service::view::department_choices(&state.app).await?;
    let towns = wujin_app::departments::all(state.app.db.read())
        .await?
        .into_iter()
        .filter(|d| wujin_domain::org::DepartmentKind::parse(&d.kind).is_some_and(|k| k.is_town()))
        .map(|d| (d.id.to_string(), d.short_name.unwrap_or(d.name)));
    let mut states: Vec<(String, String)> = ["open", "awaiting", "closed"]
        .iter()
        .map(|k| (k.to_string(), tr(lang, &format!("service.state_group.{k}"))))
        .collect();
    states.extend(
        CaseState::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), label(lang, "state", s.as_str()))),
    );
    Ok(Filters {
        states: opts(all(), states, &sel(&q.state)),
        categories: opts(
            all(),
            ProblemCategory::ALL
                .iter()
                .map(|c| (c.as_str().to_string(), label(lang, "category", c.as_str()))),
            &sel(&q.category),
        ),
        sources: opts(
            all(),
            ProblemSource::ALL
                .iter()
                .map(|c| (c.as_str().to_string(), label(lang, "source", c.as_str()))),
            &sel(&q.source),
        ),
        levels: opts(
            all(),
            CaseLevel::ALL
                .iter()
                .map(|c| (c.as_str().to_string(), label(lang, "level", c.as_str()))),
            &sel(&q.level),
        ),
        urgencies: opts(
            all(),
            Urgency::ALL
                .iter()
                .map(|c| (c.as_str().to_string(), label(lang, "urgency", c.as_str()))),
            &sel(&q.urgency),
        ),
        departments: opts(
            all(),
            units.into_iter().map(|u| (u.id.to_string(), u.name)),
            &sel(&q.department),
        ),
        towns: opts(all(), towns, &sel(&q.town)),
        overdue: opts(
            all(),
            [("1".to_string(), tr(lang, "service.overdue_only"))],
            if text(&q.overdue).as_deref() == Some("1") {
                "1"
            } else {
                ""
            },
        ),
        sorts: opts(
            None,
            sorts
                .iter()
                .map(|k| (k.to_string(), tr(lang, &format!("service.sort.{k}")))),
            &text(&q.sort).unwrap_or_else(|| sorts[0].to_string()),
        ),
        per_pages: opts(
            None,
            PER_PAGE_CHOICES
                .iter()
                .map(|n| (n.to_string(), n.to_string())),
            &per_page.to_string(),
        ),
    })
}

#[derive(Template)]
#[template(path = "service/problems.html")]
struct ListPage {
    page: PageCtx,
    tabs: Vec<Tab>,
    counts: Vec<StateCount>,
    items: Vec<Row>,
    total: u64,
    f: Filters,
    q: ListQuery,
    pager: Pager,
    filtered: bool,
    firm: bool,
    may_register: bool,
    export_href: String,
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let today = wujin_app::china_today();
    let filter = q.filter(false);
    let items = queue::list(&state.app, &user.ctx, &filter, q.page_request(), today).await?;
    let counts = queue::counts_by_state(&state.app, &user.ctx, today).await?;
    let current = text(&q.state).unwrap_or_default();
    let n = |keys: &[&str]| -> i64 {
        counts
            .iter()
            .filter(|(s, _)| keys.contains(&s.as_str()))
            .map(|(_, n)| *n)
            .sum()
    };
    let counts = vec![
        (
            "open",
            n(&[
                "received",
                "assigned",
                "handling",
                "waiting_firm",
                "answered",
                "returned",
                "reopened",
            ]),
        ),
        ("awaiting", n(&["received", "returned", "reopened"])),
        ("waiting_firm", n(&["waiting_firm"])),
        ("answered", n(&["answered"])),
        ("closed", n(&["closed", "rated"])),
    ]
    .into_iter()
    .map(|(key, n)| StateCount {
        label: if key == "waiting_firm" || key == "answered" {
            label(lang, "state", key)
        } else {
            tr(lang, &format!("service.state_group.{key}"))
        },
        current: current == key,
        key: key.to_string(),
        n,
    })
    .collect();
    let with_per_page = q.query(true);
    let pager = pager(lang, &items, "/service", &with_per_page);
    let firm = user.actor().role == Role::Enterprise;
    let may_register = may_register(&state, &user).await?;
    let title = if firm {
        "service.mine_title"
    } else {
        "service.problems_title"
    };
    let page = page_ctx(&state, &user, title, &[(title, None)], q.msg.as_deref()).await;
    let f = filters(
        &state,
        lang,
        &q,
        items.per_page,
        &["due", "-received", "received", "updated"],
    )
    .await?;
    let query = q.query(false);
    render(&ListPage {
        tabs: tabs(&user, "/service"),
        total: items.total,
        items: items.items.into_iter().map(|r| row(lang, r)).collect(),
        export_href: format!(
            "/service/problems.xlsx{}",
            if query.is_empty() {
                String::new()
            } else {
                format!("?{query}")
            }
        ),
        filtered: !query.is_empty(),
        page,
        counts,
        f,
        q,
        pager,
        firm,
        may_register,
    })
}

pub(super) async fn xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let today = wujin_app::china_today();
    let bytes =
        wujin_app::service::export::problems_xlsx(&state.app, &user.ctx, &q.filter(false), today)
            .await?;
    Ok(xlsx_response(
        &format!("{}-{today}.xlsx", tr(user.lang, "service.file.problems")),
        &format!("problems-{today}.xlsx"),
        bytes,
    ))
}

#[derive(Template)]
#[template(path = "service/problem_form.html")]
struct FormPage {
    page: PageCtx,
    errors: FormErrors,
    firm: bool,
    typed: std::collections::HashMap<String, String>,
    enterprise_name: String,
    /// A drop-down of the caller's firms when they are few; else a text field.
    enterprises: Option<Vec<Opt>>,
    categories: Vec<Opt>,
    sources: Vec<Opt>,
    urgencies: Vec<Opt>,
    levels: Vec<Opt>,
}

impl FormPage {
    fn get(&self, k: &str) -> String {
        self.typed.get(k).cloned().unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
pub(super) struct NewQuery {
    enterprise: Option<String>,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    typed: std::collections::HashMap<String, String>,
    errors: FormErrors,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let firm = user.actor().role == Role::Enterprise;
    let office = wujin_app::service::is_office(&state.app, &user.ctx).await?;
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let enterprise_name = if firm {
        match user.actor().enterprise_id {
            Some(id) => wujin_app::registry::enterprises::get(&state.app, &user.ctx, id)
                .await
                .map(|e| e.enterprise.name)
                .unwrap_or_default(),
            None => String::new(),
        }
    } else {
        wujin_app::service::problems::resolve_enterprise(&state.app, &user.ctx, &get("enterprise"))
            .await?
            .map(|e| e.name)
            .unwrap_or_default()
    };
    let enterprises = if firm {
        None
    } else {
        let chosen = wujin_app::service::problems::resolve_enterprise(
            &state.app,
            &user.ctx,
            &get("enterprise"),
        )
        .await?
        .map(|e| e.id.to_string())
        .unwrap_or_default();
        wujin_app::service::problems::enterprise_choices(&state.app, &user.ctx, 300)
            .await?
            .map(|list| {
                opts(
                    Some(tr(lang, "service.choose")),
                    list.into_iter().map(|(id, n)| (id.to_string(), n)),
                    &chosen,
                )
            })
    };
    let mut sources: Vec<ProblemSource> = vec![ProblemSource::Visit];
    if office || user.actor().role == Role::Town {
        sources.push(ProblemSource::Town);
    }
    if office {
        sources.push(ProblemSource::Hotline);
    }
    let page = page_ctx(
        state,
        user,
        "service.new_title",
        &[
            ("service.problems_title", Some("/service")),
            ("service.new_title", None),
        ],
        None,
    )
    .await;
    render(&FormPage {
        categories: opts(
            Some(tr(lang, "service.choose")),
            ProblemCategory::ALL
                .iter()
                .map(|c| (c.as_str().to_string(), label(lang, "category", c.as_str()))),
            &get("category"),
        ),
        sources: opts(
            None,
            sources
                .iter()
                .map(|c| (c.as_str().to_string(), label(lang, "source", c.as_str()))),
            &get("source"),
        ),
        urgencies: opts(
            None,
            Urgency::ALL
                .iter()
                .map(|c| (c.as_str().to_string(), label(lang, "urgency", c.as_str()))),
            &get("urgency"),
        ),
        levels: opts(
            Some(tr(lang, "service.level.default")),
            [CaseLevel::Town, CaseLevel::City]
                .iter()
                .map(|c| (c.as_str().to_string(), label(lang, "level", c.as_str()))),
            &get("level"),
        ),
        page,
        errors,
        firm,
        typed,
        enterprise_name,
        enterprises,
    })
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<Html<String>, PageError> {
    if !may_register(&state, &user).await? {
        return Err(AppError::Forbidden.into());
    }
    let mut typed = std::collections::HashMap::new();
    if let Some(e) = text(&q.enterprise) {
        typed.insert("enterprise".to_string(), e);
    }
    form_page(&state, &user, typed, FormErrors::default()).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> Result<Response, PageError> {
    let (f, files) = match crate::pages::read_multipart(mp).await {
        Ok((pairs, files)) => (
            pairs
                .into_iter()
                .collect::<std::collections::HashMap<_, _>>(),
            files,
        ),
        Err(e) => {
            let errors = FormErrors::from_fields(user.lang, &[e]);
            return Ok(unprocessable(
                form_page(&state, &user, Default::default(), errors).await?,
            ));
        }
    };
    let get = |k: &str| f.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    // A firm always files for itself; an official names the firm, which the use-case then
    // requires (an unknown name leaves it unset, and every field is checked at once).
    let enterprise_id = if user.actor().role == Role::Enterprise {
        None
    } else {
        wujin_app::service::problems::resolve_enterprise(&state.app, &user.ctx, &get("enterprise"))
            .await?
            .map(|e| e.id)
    };
    let unknown_firm = !get("enterprise").is_empty();
    let input = NewProblem {
        enterprise_id,
        source: get("source"),
        category: get("category"),
        tags: get("tags"),
        title: get("title"),
        description: get("description"),
        urgency: get("urgency"),
        level: Some(get("level")).filter(|l| !l.is_empty()),
        visit_id: None,
    };
    match wujin_app::service::problems::create(
        &state.app,
        &user.ctx,
        &input,
        files,
        wujin_app::china_today(),
    )
    .await
    {
        Ok(id) => Ok(
            Redirect::to(&format!("/service/problems/{id}?msg=problem_created")).into_response(),
        ),
        Err(AppError::Validation(v)) => {
            let v: Vec<FieldError> = v
                .into_iter()
                .map(|e| match e.field.as_str() {
                    "enterprise_id" if unknown_firm && e.key == "error.problem.required" => {
                        FieldError::new("enterprise", "error.problem.enterprise")
                    }
                    "enterprise_id" => FieldError {
                        field: "enterprise".into(),
                        ..e
                    },
                    _ => e,
                })
                .collect();
            let errors = FormErrors::from_fields(user.lang, &v);
            Ok(unprocessable(form_page(&state, &user, f, errors).await?))
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether the user registers problems: firms, cadres, town staff and the service office.
async fn may_register(state: &AppState, user: &CurrentUser) -> Result<bool, PageError> {
    Ok(matches!(
        user.actor().role,
        Role::Enterprise | Role::Town | Role::Cadre
    ) || wujin_app::service::is_office(&state.app, &user.ctx).await?)
}
