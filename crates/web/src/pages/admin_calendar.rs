//! 工作日历: the covered years, a working-day calculator, one year in full, and (for
//! administrators) adding a year from a new State Council notice.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use wujin_app::calendar::{Calculation, YearSummary};
use wujin_app::{AppError, FieldError};
use wujin_domain::access::Permission;
use wujin_domain::calendar::{CalendarError, SHIPPED_TOML};

use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::{FormErrors, render};
use crate::state::AppState;

/// The largest count the calculator accepts.
const MAX_DAYS: u32 = 3650;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/calendar", get(index))
        .route("/admin/calendar/years", post(put_year))
        .route("/admin/calendar/{year}", get(year_page))
}

/// A date as people read it, with its weekday: 2024年2月9日（星期五） / 2024-02-09 (Fri).
fn fmt_date(lang: Lang, d: NaiveDate) -> String {
    let wd = match d.weekday() {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    };
    let wd = tr(lang, &format!("calendar_page.weekday.{wd}"));
    match lang {
        Lang::ZhCn => format!("{}（{wd}）", d.format("%Y年%-m月%-d日")),
        Lang::En => format!("{} ({wd})", d.format("%Y-%m-%d")),
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[derive(Debug, Default, Deserialize)]
struct IndexQuery {
    from: Option<String>,
    days: Option<String>,
    to: Option<String>,
    msg: Option<String>,
}

/// The calculator's question, checked: the start date, the count and the end date.
struct Question {
    from: NaiveDate,
    days: Option<u32>,
    to: Option<NaiveDate>,
}

/// Reads the calculator's query; `Ok(None)` when nothing was asked.
fn question(q: &IndexQuery) -> Result<Option<Question>, Vec<FieldError>> {
    let (from, days, to) = (trimmed(&q.from), trimmed(&q.days), trimmed(&q.to));
    if from.is_none() && days.is_none() && to.is_none() {
        return Ok(None);
    }
    let mut errors = Vec::new();
    let from_date = match from.as_deref() {
        None => {
            errors.push(FieldError::new("from", "calendar_page.error.from_required"));
            None
        }
        Some(s) => {
            let d = parse_date(s);
            if d.is_none() {
                errors.push(FieldError::new("from", "calendar_page.error.date_invalid"));
            }
            d
        }
    };
    let days = match days.as_deref() {
        None => None,
        Some(s) => match s.parse::<u32>() {
            Ok(n) if n <= MAX_DAYS => Some(n),
            _ => {
                errors.push(FieldError::new("days", "calendar_page.error.days_invalid"));
                None
            }
        },
    };
    let to = match to.as_deref() {
        None => None,
        Some(s) => {
            let d = parse_date(s);
            if d.is_none() {
                errors.push(FieldError::new("to", "calendar_page.error.date_invalid"));
            }
            d
        }
    };
    match (errors.is_empty(), from_date) {
        (true, Some(from)) => Ok(Some(Question { from, days, to })),
        _ => Err(errors),
    }
}

/// One answer of the calculator. `unknown` is set when the answer depends on a year the
/// calendar has no table for; `note` then says which.
struct Answer {
    question: String,
    answer: String,
    unknown: bool,
    note: String,
}

/// What the calculator shows.
struct CalcView {
    from: Answer,
    holiday: Option<String>,
    after: Option<Answer>,
    between: Option<Answer>,
}

fn unknown_answer(lang: Lang, question: String, e: &CalendarError) -> Answer {
    let note = match e {
        CalendarError::UnknownYear(y) => trf(
            lang,
            "calendar_page.unknown_note",
            &[
                ("reason", &tr(lang, "error.calendar.unknown_year")),
                ("year", &y.to_string()),
            ],
        ),
        other => other.to_string(),
    };
    Answer {
        question,
        answer: tr(lang, "calendar_page.unknown"),
        unknown: true,
        note,
    }
}

fn calc_view(lang: Lang, c: &Calculation) -> CalcView {
    let from = fmt_date(lang, c.from);
    let from_q = trf(lang, "calendar_page.calc.is_working_q", &[("date", &from)]);
    let from_answer = match &c.from_working {
        Ok(w) => Answer {
            question: from_q,
            answer: tr(
                lang,
                if *w {
                    "calendar_page.calc.working"
                } else {
                    "calendar_page.calc.rest"
                },
            ),
            unknown: false,
            note: String::new(),
        },
        Err(e) => unknown_answer(lang, from_q, e),
    };
    let after = c.after.as_ref().map(|(n, r)| {
        let q = if *n == 0 {
            trf(lang, "calendar_page.calc.after_zero_q", &[("date", &from)])
        } else {
            trf(
                lang,
                "calendar_page.calc.after_q",
                &[("date", &from), ("n", &n.to_string())],
            )
        };
        match r {
            Ok(d) => Answer {
                question: q,
                answer: fmt_date(lang, *d),
                unknown: false,
                note: String::new(),
            },
            Err(e) => unknown_answer(lang, q, e),
        }
    });
    let between = c.between.as_ref().map(|(to, r)| {
        let q = trf(
            lang,
            "calendar_page.calc.between_q",
            &[("from", &from), ("to", &fmt_date(lang, *to))],
        );
        match r {
            Ok(n) => Answer {
                question: q,
                answer: trf(lang, "calendar_page.calc.days", &[("n", &n.to_string())]),
                unknown: false,
                note: String::new(),
            },
            Err(e) => unknown_answer(lang, q, e),
        }
    });
    CalcView {
        from: from_answer,
        holiday: c.holiday_name.clone(),
        after,
        between,
    }
}

/// The last year table of the shipped file, shown as an example of the format.
fn example_table() -> &'static str {
    let text = SHIPPED_TOML.trim_end();
    match text.rfind("\n[") {
        Some(i) => &text[i + 1..],
        None => text,
    }
}

#[derive(Template)]
#[template(path = "admin/calendar.html")]
struct IndexPage {
    page: PageCtx,
    years: Vec<YearSummary>,
    from: String,
    days: String,
    to: String,
    calc: Option<CalcView>,
    calc_errors: FormErrors,
    can_manage: bool,
    toml: String,
    toml_errors: FormErrors,
    example: &'static str,
}

struct IndexInput<'a> {
    query: &'a IndexQuery,
    calc: Option<CalcView>,
    calc_errors: FormErrors,
    toml: String,
    toml_errors: FormErrors,
}

async fn render_index(
    state: &AppState,
    user: &CurrentUser,
    input: IndexInput<'_>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let years = wujin_app::calendar::summary(&state.app, &user.ctx).await?;
    let page = page_ctx(
        state,
        user,
        "menu.calendar",
        &[("menu.calendar", None)],
        input.query.msg.as_deref(),
    )
    .await;
    let p = IndexPage {
        page,
        years,
        from: trimmed(&input.query.from).unwrap_or_default(),
        days: trimmed(&input.query.days).unwrap_or_default(),
        to: trimmed(&input.query.to).unwrap_or_default(),
        calc: input.calc,
        calc_errors: input.calc_errors,
        can_manage: user.actor().can(Permission::ManageCalendar),
        toml: input.toml,
        toml_errors: input.toml_errors,
        example: example_table(),
    };
    Ok((status, render(&p)?).into_response())
}

async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<IndexQuery>,
) -> Result<Response, PageError> {
    let (calc, calc_errors) = match question(&q) {
        Ok(None) => (None, FormErrors::default()),
        Ok(Some(qn)) => {
            let c = wujin_app::calendar::calculate(&state.app, &user.ctx, qn.from, qn.days, qn.to)
                .await?;
            (Some(calc_view(user.lang, &c)), FormErrors::default())
        }
        Err(errors) => (None, FormErrors::from_fields(user.lang, &errors)),
    };
    let status = if calc_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let input = IndexInput {
        query: &q,
        calc,
        calc_errors,
        toml: String::new(),
        toml_errors: FormErrors::default(),
    };
    render_index(&state, &user, input, status).await
}

#[derive(Deserialize)]
struct YearForm {
    toml: String,
}

async fn put_year(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<YearForm>,
) -> Result<Response, PageError> {
    match wujin_app::calendar::put_year(&state.app, &user.ctx, &f.toml).await {
        Ok(_) => Ok(Redirect::to("/admin/calendar?msg=calendar_saved").into_response()),
        Err(AppError::Validation(v)) => {
            let q = IndexQuery::default();
            let input = IndexInput {
                query: &q,
                calc: None,
                calc_errors: FormErrors::default(),
                toml: f.toml,
                toml_errors: FormErrors::from_fields(user.lang, &v),
            };
            render_index(&state, &user, input, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// One holiday block name of a year, with its dates.
struct HolidayRow {
    name: String,
    named: bool,
    dates: String,
    count: usize,
}

#[derive(Template)]
#[template(path = "admin/calendar_year.html")]
struct YearPage {
    page: PageCtx,
    year: i32,
    source: String,
    added_by_admin: bool,
    working_days: i64,
    holiday_count: usize,
    holidays: Vec<HolidayRow>,
    makeup: Vec<String>,
}

async fn year_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<String>,
) -> Result<Html<String>, PageError> {
    let year: i32 = year.parse().map_err(|_| AppError::NotFound)?;
    let y = wujin_app::calendar::year_detail(&state.app, &user.ctx, year).await?;
    let lang = user.lang;
    let sep = match lang {
        Lang::ZhCn => "、",
        Lang::En => ", ",
    };
    let holidays: Vec<HolidayRow> = y
        .holidays
        .iter()
        .map(|g| HolidayRow {
            named: g.name.is_some(),
            name: g
                .name
                .clone()
                .unwrap_or_else(|| tr(lang, "calendar_page.unnamed")),
            dates: g
                .dates
                .iter()
                .map(|d| fmt_date(lang, *d))
                .collect::<Vec<_>>()
                .join(sep),
            count: g.dates.len(),
        })
        .collect();
    let year_label = year.to_string();
    let mut page = page_ctx(
        &state,
        &user,
        "menu.calendar",
        &[
            ("menu.calendar", Some("/admin/calendar")),
            (&year_label, None),
        ],
        None,
    )
    .await;
    page.title = trf(lang, "calendar_page.year_title", &[("year", &year_label)]);
    render(&YearPage {
        page,
        year,
        source: y.source,
        added_by_admin: y.added_by_admin,
        working_days: y.working_days,
        holiday_count: holidays.iter().map(|h| h.count).sum(),
        holidays,
        makeup: y
            .makeup_workdays
            .iter()
            .map(|d| fmt_date(lang, *d))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(from: &str, days: &str, to: &str) -> IndexQuery {
        let s = |v: &str| (!v.is_empty()).then(|| v.to_string());
        IndexQuery {
            from: s(from),
            days: s(days),
            to: s(to),
            msg: None,
        }
    }

    #[test]
    fn calculator_input_is_checked() {
        assert!(question(&q("", "", "")).unwrap().is_none());
        let ok = question(&q("2024-02-08", "1", "2024-02-18"))
            .unwrap()
            .unwrap();
        assert_eq!(ok.days, Some(1));
        assert_eq!(ok.to, parse_date("2024-02-18"));
        let fields = |r: Result<Option<Question>, Vec<FieldError>>| match r {
            Err(v) => v.into_iter().map(|e| e.field).collect::<Vec<_>>(),
            Ok(_) => panic!("expected errors"),
        };
        assert_eq!(fields(question(&q("", "3", ""))), vec!["from"]);
        assert_eq!(
            fields(question(&q("2024-13-01", "x", "2024-02-30"))),
            vec!["from", "days", "to"]
        );
        assert_eq!(fields(question(&q("2024-02-08", "3651", ""))), vec!["days"]);
    }

    #[test]
    fn example_is_one_year_table() {
        let ex = example_table();
        assert!(ex.starts_with('['), "{ex}");
        assert!(wujin_domain::calendar::WorkingCalendar::parse_year(ex).is_ok());
    }

    #[test]
    fn dates_show_their_weekday() {
        let d = parse_date("2024-02-09").unwrap();
        assert_eq!(
            fmt_date(Lang::En, d),
            format!("2024-02-09 ({})", tr(Lang::En, "calendar_page.weekday.fri"))
        );
        assert!(fmt_date(Lang::ZhCn, d).starts_with("2024年2月9日"));
    }
}
