//! Evaluation schemes (评价方案): the list (the office creates, imports and copies schemes
//! there), each scheme's settings in readable form, the edit form with benchmarks filled from
//! the county's averages of a chosen year, and the TOML download. Everyone who reads the
//! evaluation may read its schemes; only the evaluation office changes them.

mod form;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use wujin_app::evaluation::schemes::{self as app_schemes, SchemeDetail, SchemeSummary};
use wujin_app::registry::dictionaries::{Dictionary, entries};
use wujin_app::{AppError, FieldError};
use wujin_domain::evaluation::scheme::scale_prefix;
use wujin_domain::evaluation::{EvaluationScheme, Grade};

use self::form::{
    FormView, LOW_END_FLAGS, Raw, SCALES, VETOES, bp_percent, indicator_label, indicator_unit,
    low_end_flag, num, percent, veto_of, veto_str,
};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::Opt;
use crate::pages::enterprises::invalid;
use crate::pages::{FormErrors, render};
use crate::state::AppState;

const LIST: &str = "/evaluation/schemes";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(LIST, get(index).post(create))
        .route("/evaluation/schemes/import", post(import))
        .route("/evaluation/schemes/{id}", get(show).post(save))
        .route("/evaluation/schemes/{id}/edit", get(edit))
        .route("/evaluation/schemes/{id}/copy", post(copy))
        .route("/evaluation/schemes/{id}/scheme.toml", get(download))
}

async fn office(state: &AppState, user: &CurrentUser) -> Result<bool, PageError> {
    Ok(wujin_app::evaluation::is_office(&state.app, &user.ctx).await?)
}

/// A success notice from `?done=…`.
fn notice(page: &mut PageCtx, done: Option<&str>) {
    let key = match done {
        Some("saved") => "eval.scheme.saved",
        Some("created") => "eval.scheme.created",
        Some("copied") => "eval.scheme.copied",
        Some("imported") => "eval.scheme.imported",
        _ => return,
    };
    page.flash = Some(("success".into(), tr(page.lang, key)));
}

#[derive(Deserialize, Default)]
struct Done {
    done: Option<String>,
}

fn runs_text(lang: Lang, s: &SchemeSummary) -> String {
    trf(
        lang,
        "eval.scheme.runs",
        &[
            ("n", &s.runs.to_string()),
            ("p", &s.published_runs.to_string()),
        ],
    )
}

/// One row of the list.
struct Row {
    s: SchemeSummary,
    runs: String,
    updated: String,
    /// Its copy failed: the name typed is shown again.
    copy_failed: bool,
}

/// The list's forms as typed (shown again with their errors).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct NewForm {
    year: String,
    name: String,
    benchmarks_from: String,
}

#[derive(Template)]
#[template(path = "evaluation/scheme_list.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<Row>,
    office: bool,
    new_form: NewForm,
    new_errors: FormErrors,
    import_text: String,
    import_targets: Vec<Opt>,
    import_errors: FormErrors,
    /// Problems of an imported scheme's fields: (field path, message).
    import_problems: Vec<(String, String)>,
    copy_name: String,
    copy_errors: FormErrors,
}

#[derive(Default)]
struct ListState {
    new_form: Option<NewForm>,
    new_errors: FormErrors,
    import_text: String,
    import_replace: String,
    import_errors: FormErrors,
    import_problems: Vec<(String, String)>,
    copy_failed: Option<i64>,
    copy_name: String,
    copy_errors: FormErrors,
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    done: Option<&str>,
    st: ListState,
) -> Result<ListPage, PageError> {
    let lang = user.lang;
    let schemes = app_schemes::list(&state.app, &user.ctx).await?;
    let office = office(state, user).await?;
    let mut page = page_ctx(
        state,
        user,
        "eval.scheme.title",
        &[("eval.scheme.title", None)],
        None,
    )
    .await;
    notice(&mut page, done);
    let mut import_targets = vec![Opt {
        value: String::new(),
        label: tr(lang, "eval.scheme.import_as_new"),
        selected: st.import_replace.is_empty(),
    }];
    import_targets.extend(schemes.iter().filter(|s| !s.locked).map(|s| Opt {
        value: s.id.to_string(),
        label: trf(lang, "eval.scheme.import_replace_one", &[("name", &s.name)]),
        selected: st.import_replace == s.id.to_string(),
    }));
    let rows = schemes
        .into_iter()
        .map(|s| Row {
            runs: runs_text(lang, &s),
            updated: page.datetime(&s.updated_at),
            copy_failed: st.copy_failed == Some(s.id),
            s,
        })
        .collect();
    let new_form = st.new_form.unwrap_or_else(|| NewForm {
        year: crate::pages::enterprises::this_year().to_string(),
        ..Default::default()
    });
    Ok(ListPage {
        page,
        rows,
        office,
        new_form,
        new_errors: st.new_errors,
        import_text: st.import_text,
        import_targets,
        import_errors: st.import_errors,
        import_problems: st.import_problems,
        copy_name: st.copy_name,
        copy_errors: st.copy_errors,
    })
}

async fn index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<Done>,
) -> Result<Html<String>, PageError> {
    render(&list_page(&state, &user, q.done.as_deref(), ListState::default()).await?)
}

fn opt_year(field: &str, text: &str) -> Result<Option<i32>, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i32>() {
        Ok(y) if (1990..=2100).contains(&y) => Ok(Some(y)),
        _ => Err(FieldError::with_detail(field, "error.scheme_form.year", t)),
    }
}

async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<NewForm>,
) -> Result<Response, PageError> {
    if !office(&state, &user).await? {
        return Err(AppError::Forbidden.into());
    }
    let year = match opt_year("year", &f.year) {
        Ok(Some(y)) => Ok(y),
        Ok(None) => Err(FieldError::new("year", "error.scheme_form.year")),
        Err(e) => Err(e),
    };
    let from = opt_year("benchmarks_from", &f.benchmarks_from);
    let result = match (year, from) {
        (Ok(y), Ok(from)) => {
            app_schemes::create(&state.app, &user.ctx, y, Some(f.name.as_str()), from).await
        }
        (y, from) => Err(AppError::Validation(
            [y.err(), from.err()].into_iter().flatten().collect(),
        )),
    };
    match result {
        Ok(d) => {
            Ok(Redirect::to(&format!("{LIST}/{}/edit?done=created", d.summary.id)).into_response())
        }
        Err(AppError::Validation(v)) => {
            let st = ListState {
                new_errors: FormErrors::from_fields(user.lang, &v),
                new_form: Some(f),
                ..Default::default()
            };
            invalid(list_page(&state, &user, None, st).await?)
        }
        Err(e) => Err(e.into()),
    }
}

/// What the import form sent.
#[derive(Default)]
struct Upload {
    text: String,
    replace: String,
}

async fn read_upload(mut mp: Multipart) -> Result<Upload, FieldError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        FieldError::with_detail("toml", "error.scheme_form.file", e.body_text())
    };
    let mut u = Upload::default();
    let mut file: Vec<u8> = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(broken)? {
        match field.name().unwrap_or_default() {
            "file" => file = field.bytes().await.map_err(broken)?.to_vec(),
            "text" => u.text = field.text().await.map_err(broken)?,
            "replace" => u.replace = field.text().await.map_err(broken)?,
            _ => {}
        }
    }
    if !file.is_empty() {
        let bytes = file.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&file);
        u.text = String::from_utf8(bytes.to_vec())
            .map_err(|_| FieldError::new("toml", "error.scheme_form.encoding"))?;
    }
    Ok(u)
}

async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> Result<Response, PageError> {
    if !office(&state, &user).await? {
        return Err(AppError::Forbidden.into());
    }
    let (u, result) = match read_upload(mp).await {
        Ok(u) => {
            let replace = u.replace.trim().parse::<i64>().ok();
            let r = app_schemes::import_toml(&state.app, &user.ctx, &u.text, replace).await;
            (u, r)
        }
        Err(e) => (Upload::default(), Err(AppError::Validation(vec![e]))),
    };
    match result {
        Ok(d) => {
            Ok(Redirect::to(&format!("{LIST}/{}?done=imported", d.summary.id)).into_response())
        }
        Err(AppError::Validation(v)) => {
            let problems = v
                .iter()
                .filter(|e| e.field != "toml")
                .map(|e| {
                    let mut msg = tr(user.lang, &e.key);
                    if let Some(d) = &e.detail {
                        msg = format!("{msg}: {d}");
                    }
                    (e.field.clone(), msg)
                })
                .collect();
            let st = ListState {
                import_errors: FormErrors::from_fields(user.lang, &v),
                import_problems: problems,
                import_text: u.text,
                import_replace: u.replace,
                ..Default::default()
            };
            invalid(list_page(&state, &user, None, st).await?)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CopyForm {
    name: String,
}

async fn copy(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<CopyForm>,
) -> Result<Response, PageError> {
    match app_schemes::copy(&state.app, &user.ctx, id, Some(f.name.as_str())).await {
        Ok(d) => {
            Ok(Redirect::to(&format!("{LIST}/{}/edit?done=copied", d.summary.id)).into_response())
        }
        Err(AppError::Validation(v)) => {
            let st = ListState {
                copy_failed: Some(id),
                copy_name: f.name,
                copy_errors: FormErrors::from_fields(user.lang, &v),
                ..Default::default()
            };
            invalid(list_page(&state, &user, None, st).await?)
        }
        Err(e) => Err(e.into()),
    }
}

async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (name, text) = app_schemes::export_toml(&state.app, &user.ctx, id).await?;
    Ok(toml_response(&name, text))
}

/// A TOML download, the name RFC 5987-encoded.
pub(crate) fn toml_response(name: &str, text: String) -> Response {
    let mut res = text.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/toml; charset=utf-8"),
    );
    let disposition = format!(
        "attachment; filename=\"scheme.toml\"; filename*=UTF-8''{}",
        crate::extract::urlencode(name)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The tag dictionary as (code, name), active entries first.
async fn tags(state: &AppState) -> Result<Vec<(String, String)>, PageError> {
    Ok(entries(state.app.db.read(), Dictionary::Tag)
        .await?
        .into_iter()
        .map(|e| (e.code, e.name))
        .collect())
}

// ---- the read view ----

struct ItemLine {
    label: String,
    unit: String,
    weight: String,
    benchmark: String,
}

struct ScaleView {
    title_key: &'static str,
    items: Vec<ItemLine>,
    cap: String,
    floor: String,
}

struct RateLine {
    grade: &'static str,
    relief: String,
    power: String,
    water: String,
}

struct AdjustmentLine {
    tag: String,
    label: String,
    points: String,
}

struct KeyValue {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "evaluation/scheme_detail.html")]
struct DetailPage {
    page: PageCtx,
    s: SchemeSummary,
    runs: String,
    drafts: u64,
    office: bool,
    scales: Vec<ScaleView>,
    grading: Vec<KeyValue>,
    vetoes: Vec<KeyValue>,
    land_tax: String,
    rates: Vec<RateLine>,
    long_d: String,
    low_end: Vec<KeyValue>,
    adjustments: Vec<AdjustmentLine>,
    caps: String,
}

fn yes_no(lang: Lang, b: bool) -> String {
    tr(
        lang,
        if b {
            "eval.scheme.yes"
        } else {
            "eval.scheme.no"
        },
    )
}

fn detail_page(
    page: PageCtx,
    d: SchemeDetail,
    office: bool,
    tag_names: &[(String, String)],
) -> DetailPage {
    let lang = page.lang;
    let s: &EvaluationScheme = &d.scheme;
    let scales = SCALES
        .iter()
        .map(|scale| {
            let rules = s.rules(*scale);
            ScaleView {
                title_key: match scale_prefix(*scale) {
                    "above" => "eval.scheme.section_above",
                    _ => "eval.scheme.section_below",
                },
                items: rules
                    .items
                    .iter()
                    .map(|i| ItemLine {
                        label: indicator_label(lang, i.indicator),
                        unit: indicator_unit(lang, i.indicator),
                        weight: num(i.weight),
                        benchmark: num(i.benchmark),
                    })
                    .collect(),
                cap: match rules.cap_multiple {
                    Some(m) => trf(lang, "eval.scheme.cap_value", &[("m", &num(m))]),
                    None => tr(lang, "eval.scheme.cap_none"),
                },
                floor: num(rules.floor),
            }
        })
        .collect();
    let kv = |label_key: &str, value: String| KeyValue {
        label: tr(lang, label_key),
        value,
    };
    let grade = |g: Grade| trf(lang, "eval.scheme.grade_value", &[("g", g.as_str())]);
    let grading = vec![
        kv(
            "eval.scheme.cuts",
            trf(
                lang,
                "eval.scheme.cuts_value",
                &[
                    ("a", &bp_percent(s.cuts.a)),
                    ("b", &bp_percent(s.cuts.b)),
                    ("c", &bp_percent(s.cuts.c)),
                ],
            ),
        ),
        kv(
            "eval.scheme.ranking",
            tr(
                lang,
                if s.rank_by_industry_group {
                    "eval.scheme.rank_by_group"
                } else {
                    "eval.scheme.rank_by_scale"
                },
            ),
        ),
        kv("eval.scheme.below_min_land_mu", num(s.below_min_land_mu)),
        kv("eval.scheme.unrated_as", grade(s.unrated_as)),
        kv("eval.scheme.publicity_days", s.publicity_days.to_string()),
    ];
    let vetoes = VETOES
        .iter()
        .map(|v| KeyValue {
            label: tr(lang, &format!("eval.scheme.veto.{v}")),
            value: tr(
                lang,
                &format!("eval.scheme.veto_value.{}", veto_str(veto_of(&s.vetoes, v))),
            ),
        })
        .collect();
    let m = &s.measures;
    let rates = Grade::ALL
        .iter()
        .enumerate()
        .map(|(g, grade)| RateLine {
            grade: grade.as_str(),
            relief: format!("{}%", percent(m.land_tax_relief[g])),
            power: num(m.power_surcharge[g]),
            water: num(m.water_surcharge[g]),
        })
        .collect();
    let off = || tr(lang, "eval.scheme.off");
    let mut low_end: Vec<KeyValue> = LOW_END_FLAGS
        .iter()
        .map(|f| KeyValue {
            label: tr(lang, &format!("eval.scheme.low_end.{f}")),
            value: yes_no(lang, low_end_flag(&s.low_end, f)),
        })
        .collect();
    low_end.push(kv(
        "eval.scheme.low_end.tax_per_mu_below_wan",
        s.low_end.tax_per_mu_below_wan.map(num).unwrap_or_else(off),
    ));
    low_end.push(kv(
        "eval.scheme.low_end.d_consecutive_years",
        s.low_end
            .d_consecutive_years
            .map(|n| n.to_string())
            .unwrap_or_else(off),
    ));
    let adjustments = s
        .adjustments
        .items
        .iter()
        .map(|a| AdjustmentLine {
            tag: tag_names
                .iter()
                .find(|(c, _)| *c == a.tag)
                .map_or_else(|| a.tag.clone(), |(c, n)| format!("{n}（{c}）")),
            label: a.label.clone(),
            points: if a.points > 0.0 {
                format!("+{}", num(a.points))
            } else {
                num(a.points)
            },
        })
        .collect();
    DetailPage {
        runs: runs_text(lang, &d.summary),
        drafts: d.summary.runs - d.summary.published_runs,
        office,
        scales,
        grading,
        vetoes,
        land_tax: num(m.land_tax_yuan_per_m2),
        rates,
        long_d: trf(
            lang,
            "eval.scheme.measure.power_long_d_value",
            &[
                ("n", &m.power_long_d_years.to_string()),
                ("rate", &num(m.power_surcharge_long_d)),
            ],
        ),
        low_end,
        adjustments,
        caps: trf(
            lang,
            "eval.adjust.caps_value",
            &[
                ("b", &num(s.adjustments.bonus_cap)),
                ("p", &num(s.adjustments.penalty_cap)),
            ],
        ),
        s: d.summary,
        page,
    }
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> Result<Html<String>, PageError> {
    let d = app_schemes::get(&state.app, &user.ctx, id).await?;
    let office = office(&state, &user).await?;
    let mut page = page_ctx(
        &state,
        &user,
        "eval.scheme.title",
        &[
            ("eval.scheme.title", Some(LIST)),
            (d.summary.name.as_str(), None),
        ],
        None,
    )
    .await;
    notice(&mut page, q.done.as_deref());
    let tags = tags(&state).await?;
    render(&detail_page(page, d, office, &tags))
}

// ---- the edit form ----

#[derive(Template)]
#[template(path = "evaluation/scheme_form.html")]
struct EditPage {
    page: PageCtx,
    s: SchemeSummary,
    drafts: u64,
    f: FormView,
    errors: FormErrors,
    /// Benchmarks were just filled from this year's averages (not saved).
    filled: Option<String>,
    missing: Option<String>,
}

/// What the edit page shows besides the form.
#[derive(Default)]
struct EditExtras<'a> {
    /// The year offered for county averages.
    benchmark_year: &'a str,
    /// Benchmarks were just filled from this year's averages; the indicators without one.
    filled: Option<(i32, Vec<String>)>,
    done: Option<&'a str>,
}

async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    d: &SchemeDetail,
    raw: &Raw,
    errors: FormErrors,
    extras: EditExtras<'_>,
) -> Result<EditPage, PageError> {
    let EditExtras {
        benchmark_year,
        filled,
        done,
    } = extras;
    let lang = user.lang;
    let edit_href = format!("{LIST}/{}", d.summary.id);
    let mut page = page_ctx(
        state,
        user,
        "eval.scheme.edit",
        &[
            ("eval.scheme.title", Some(LIST)),
            (d.summary.name.as_str(), Some(edit_href.as_str())),
            ("eval.scheme.edit", None),
        ],
        None,
    )
    .await;
    notice(&mut page, done);
    let tags = tags(state).await?;
    let f = form::view(raw, &errors, lang, &tags, benchmark_year);
    let (filled, missing) = match filled {
        Some((year, missing)) => (
            Some(trf(
                lang,
                "eval.scheme.benchmarks_filled",
                &[("year", &year.to_string())],
            )),
            (!missing.is_empty()).then(|| {
                trf(
                    lang,
                    "eval.scheme.benchmarks_missing",
                    &[("list", &missing.join("、"))],
                )
            }),
        ),
        None => (None, None),
    };
    Ok(EditPage {
        page,
        drafts: d.summary.runs - d.summary.published_runs,
        s: d.summary.clone(),
        f,
        errors,
        filled,
        missing,
    })
}

/// The form may be opened by the office, for a scheme that is not frozen (a frozen one shows
/// its read view, which says to copy it).
async fn editable(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<Result<SchemeDetail, Response>, PageError> {
    if !office(state, user).await? {
        return Err(AppError::Forbidden.into());
    }
    let d = app_schemes::get(&state.app, &user.ctx, id).await?;
    if d.summary.locked {
        return Ok(Err(Redirect::to(&format!("{LIST}/{id}")).into_response()));
    }
    Ok(Ok(d))
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    let d = match editable(&state, &user, id).await? {
        Ok(d) => d,
        Err(redirect) => return Ok(redirect),
    };
    let raw = form::to_raw(&d.scheme);
    let year = (d.scheme.year - 1).to_string();
    let extras = EditExtras {
        benchmark_year: &year,
        filled: None,
        done: q.done.as_deref(),
    };
    let page = edit_page(&state, &user, &d, &raw, FormErrors::default(), extras).await?;
    Ok(render(&page)?.into_response())
}

/// Saves the form, or (`intent=benchmarks`) fills the benchmarks from the county's averages
/// of `benchmark_year` and shows the form again, unsaved.
async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let d = match editable(&state, &user, id).await? {
        Ok(d) => d,
        Err(_) => return Err(AppError::Conflict("error.scheme.frozen".into()).into()),
    };
    let mut raw = form::from_pairs(pairs);
    let intent = raw.remove("intent").unwrap_or_default();
    let year_text = raw.remove("benchmark_year").unwrap_or_default();
    let lang = user.lang;
    if intent == "benchmarks" {
        let result = match opt_year("benchmark_year", &year_text) {
            Ok(Some(y)) => app_schemes::county_averages(&state.app, &user.ctx, y)
                .await
                .map_err(|e| match e {
                    AppError::Validation(v) => AppError::Validation(
                        v.into_iter()
                            .map(|mut f| {
                                f.field = "benchmark_year".into();
                                f
                            })
                            .collect(),
                    ),
                    other => other,
                }),
            Ok(None) => Err(AppError::field("benchmark_year", "error.scheme_form.year")),
            Err(e) => Err(AppError::Validation(vec![e])),
        };
        return match result {
            Ok(avg) => {
                let missing = form::fill_benchmarks(&mut raw, &avg, lang);
                let extras = EditExtras {
                    benchmark_year: &year_text,
                    filled: Some((avg.year, missing)),
                    done: None,
                };
                let page =
                    edit_page(&state, &user, &d, &raw, FormErrors::default(), extras).await?;
                Ok(render(&page)?.into_response())
            }
            Err(AppError::Validation(v)) => {
                let errors = FormErrors::from_fields(lang, &v);
                let extras = EditExtras {
                    benchmark_year: &year_text,
                    ..Default::default()
                };
                invalid(edit_page(&state, &user, &d, &raw, errors, extras).await?)
            }
            Err(e) => Err(e.into()),
        };
    }
    let (scheme, mut errors) = form::to_scheme(&raw, &d.scheme);
    let result = if errors.is_empty() {
        app_schemes::update(&state.app, &user.ctx, id, scheme).await
    } else {
        // Also name what the scheme's own checks find in the fields that did read.
        for p in scheme.problems() {
            if !errors.iter().any(|e| e.field == p.field) {
                errors.push(FieldError::new(&p.field, p.error.key()));
            }
        }
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{LIST}/{id}?done=saved")).into_response()),
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(lang, &v);
            let extras = EditExtras {
                benchmark_year: &year_text,
                ..Default::default()
            };
            invalid(edit_page(&state, &user, &d, &raw, errors, extras).await?)
        }
        Err(e) => Err(e.into()),
    }
}
