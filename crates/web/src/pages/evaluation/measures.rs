//! Class measures (差别化措施): each firm's measures and estimated yearly amounts in a run,
//! totals by class and by town, filters, pages and the xlsx export of the firm list.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use axum::routing::get;
use serde::Deserialize;
use wujin_app::PageRequest;
use wujin_app::evaluation::measures::{
    self as app_measures, FirmMeasures, KINDS, MeasureFilter, MeasureTotal, MeasureTotals,
    MeasuresRun,
};
use wujin_domain::evaluation::Grade;

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::options::{opts, town_opts, towns};
use crate::pages::enterprises::{today, xlsx_response};
use crate::pages::{Pager, opt_i64, pager, query_string, render};
use crate::state::AppState;

const PATH: &str = "/evaluation/measures";
const PER_PAGE_CHOICES: [u64; 4] = [20, 50, 100, 200];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(index))
        .route("/evaluation/measures/export.xlsx", get(export))
}

#[derive(Deserialize, Default)]
struct MeasuresQuery {
    run: Option<String>,
    grade: Option<String>,
    town: Option<String>,
    kind: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

impl MeasuresQuery {
    fn grade(&self) -> Option<String> {
        self.grade
            .as_deref()
            .map(str::trim)
            .filter(|g| Grade::parse(g).is_some())
            .map(str::to_string)
    }

    fn kind(&self) -> Option<String> {
        self.kind
            .as_deref()
            .map(str::trim)
            .filter(|k| KINDS.contains(k))
            .map(str::to_string)
    }

    fn filter(&self) -> MeasureFilter {
        MeasureFilter {
            grade: self.grade(),
            town: opt_i64(&self.town),
            kind: self.kind(),
        }
    }

    fn per_page(&self) -> Option<u64> {
        self.per_page
            .as_deref()
            .and_then(|p| p.trim().parse().ok())
            .filter(|p| PER_PAGE_CHOICES.contains(p))
    }

    /// The filters (and the run) as a query string.
    fn query(&self, run: i64, with_per_page: bool) -> String {
        let mut pairs = vec![
            ("run", Some(run.to_string())),
            ("grade", self.grade()),
            ("town", opt_i64(&self.town).map(|t| t.to_string())),
            ("kind", self.kind()),
        ];
        if with_per_page {
            pairs.push(("per_page", self.per_page().map(|p| p.to_string())));
        }
        query_string(&pairs)
    }
}

/// Yuan with thousands separators and two decimals: `96000` → `96,000.00`.
pub(crate) fn yuan(v: f64) -> String {
    let text = format!("{:.2}", v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let n = int.len();
    let mut grouped = String::with_capacity(n + n / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && text != "0.00" { "-" } else { "" };
    format!("{sign}{grouped}.{frac}")
}

fn status_label(lang: Lang, status: &str) -> String {
    let key = format!("eval.measures.status_{status}");
    if crate::i18n::has(lang, &key) {
        tr(lang, &key)
    } else {
        status.to_string()
    }
}

fn kind_label(lang: Lang, kind: &str) -> String {
    tr(lang, &format!("eval.measures.kind.{kind}"))
}

/// A total row, amounts formatted.
struct TotalRow {
    label: String,
    grade: Option<&'static str>,
    firms: u64,
    relief: String,
    power: String,
    water: String,
}

fn total_row(t: &MeasureTotal, label: String, grade: Option<&'static str>) -> TotalRow {
    TotalRow {
        label,
        grade,
        firms: t.firms,
        relief: yuan(t.relief_yuan),
        power: yuan(t.power_yuan),
        water: yuan(t.water_yuan),
    }
}

/// One firm as the list shows it.
struct FirmRow {
    f: FirmMeasures,
    grade: &'static str,
    relief: String,
    power: String,
    water: String,
    measures: Vec<(String, String)>,
}

struct Loaded {
    run: MeasuresRun,
    run_text: String,
    by_class: Vec<TotalRow>,
    by_town: Vec<TotalRow>,
    all: TotalRow,
    rows: Vec<FirmRow>,
    total: u64,
    export_href: String,
}

#[derive(Template)]
#[template(path = "evaluation/measures_index.html")]
struct MeasuresPage {
    page: PageCtx,
    runs: Vec<Opt>,
    grades: Vec<Opt>,
    towns: Vec<Opt>,
    kinds: Vec<Opt>,
    per_pages: Vec<Opt>,
    loaded: Option<Loaded>,
    pager: Option<Pager>,
    filtered: bool,
}

fn totals_rows(lang: Lang, t: &MeasureTotals) -> (Vec<TotalRow>, Vec<TotalRow>, TotalRow) {
    let by_class = t
        .by_class
        .iter()
        .map(|c| {
            let g = Grade::parse(&c.key).map(Grade::as_str);
            total_row(c, c.label.clone(), g)
        })
        .collect();
    let by_town = t
        .by_town
        .iter()
        .map(|c| total_row(c, c.label.clone(), None))
        .collect();
    let all = total_row(&t.all, tr(lang, "eval.measures.total"), None);
    (by_class, by_town, all)
}

async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<MeasuresQuery>,
) -> Result<Html<String>, PageError> {
    let lang = user.lang;
    let choices = wujin_app::evaluation::results::run_choices(&state.app, &user.ctx).await?;
    let run_id = match opt_i64(&q.run) {
        Some(id) => Some(id),
        None => app_measures::default_run(&state.app, &user.ctx).await?,
    };
    let mut pager_out = None;
    let loaded = match run_id {
        Some(id) => {
            let page_no = q.page.as_deref().and_then(|p| p.trim().parse().ok());
            let m = app_measures::list(
                &state.app,
                &user.ctx,
                id,
                &q.filter(),
                PageRequest::new(page_no, q.per_page()),
            )
            .await?;
            let (by_class, by_town, all) = totals_rows(lang, &m.totals);
            pager_out = Some(pager(lang, &m.page, PATH, &q.query(id, true)));
            let rows = m
                .page
                .items
                .into_iter()
                .map(|f| FirmRow {
                    grade: f.grade.as_str(),
                    relief: yuan(f.relief_yuan),
                    power: yuan(f.power_yuan),
                    water: yuan(f.water_yuan),
                    measures: f
                        .measures
                        .iter()
                        .map(|x| {
                            (
                                kind_label(lang, app_measures::kind_str(x.kind)),
                                x.basis.clone(),
                            )
                        })
                        .collect(),
                    f,
                })
                .collect();
            Some(Loaded {
                run_text: trf(
                    lang,
                    "eval.measures.run_label",
                    &[
                        ("year", &m.run.year.to_string()),
                        ("id", &m.run.id.to_string()),
                        ("status", &status_label(lang, &m.run.status)),
                    ],
                ),
                export_href: format!("{PATH}/export.xlsx?{}", q.query(id, false)),
                run: m.run,
                by_class,
                by_town,
                all,
                rows,
                total: m.page.total,
            })
        }
        None => None,
    };
    let selected_run = run_id.map(|i| i.to_string()).unwrap_or_default();
    let runs = opts(
        None,
        choices.iter().map(|r| {
            (
                r.id.to_string(),
                trf(
                    lang,
                    "eval.measures.run_label",
                    &[
                        ("year", &r.year.to_string()),
                        ("id", &r.id.to_string()),
                        ("status", &status_label(lang, &r.status)),
                    ],
                ),
            )
        }),
        &selected_run,
    );
    let all = || Some(tr(lang, "eval.measures.all"));
    let grades = opts(
        all(),
        Grade::ALL
            .iter()
            .map(|g| (g.as_str().to_string(), g.as_str().to_string())),
        q.grade().as_deref().unwrap_or(""),
    );
    let town_list = towns(&state, &user, true).await?;
    let town_sel = opt_i64(&q.town).map(|t| t.to_string()).unwrap_or_default();
    let kinds = opts(
        all(),
        KINDS.iter().map(|k| (k.to_string(), kind_label(lang, k))),
        q.kind().as_deref().unwrap_or(""),
    );
    let per_page = q.per_page().unwrap_or(PER_PAGE_CHOICES[0]).to_string();
    let page = page_ctx(
        &state,
        &user,
        "eval.measures.title",
        &[("eval.measures.title", None)],
        None,
    )
    .await;
    render(&MeasuresPage {
        page,
        runs,
        grades,
        towns: town_opts(all(), &town_list, &town_sel),
        kinds,
        per_pages: opts(
            None,
            PER_PAGE_CHOICES
                .iter()
                .map(|n| (n.to_string(), n.to_string())),
            &per_page,
        ),
        pager: pager_out,
        filtered: q.grade().is_some() || opt_i64(&q.town).is_some() || q.kind().is_some(),
        loaded,
    })
}

async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<MeasuresQuery>,
) -> Result<Response, PageError> {
    let run_id = match opt_i64(&q.run) {
        Some(id) => id,
        None => app_measures::default_run(&state.app, &user.ctx)
            .await?
            .ok_or(wujin_app::AppError::NotFound)?,
    };
    let bytes = app_measures::export_xlsx(&state.app, &user.ctx, run_id, &q.filter()).await?;
    let name = format!(
        "{}-{run_id}-{}.xlsx",
        tr(user.lang, "eval.measures.export_name"),
        today()
    );
    Ok(xlsx_response(
        &name,
        &format!("class-measures-{run_id}-{}.xlsx", today()),
        bytes,
    ))
}

#[cfg(test)]
mod tests {
    use super::yuan;

    #[test]
    fn yuan_is_grouped_with_two_decimals() {
        assert_eq!(yuan(96_000.0), "96,000.00");
        assert_eq!(yuan(1_234_567.891), "1,234,567.89");
        assert_eq!(yuan(0.0), "0.00");
        assert_eq!(yuan(-500.5), "-500.50");
        assert_eq!(yuan(999.999), "1,000.00");
    }
}
