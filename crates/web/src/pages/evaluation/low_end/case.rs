//! One case (`/low-end/{id}`): the firm and why it is listed, the verification, the disposal
//! plan and its steps, progress, evidence and closure — with a form for each action the caller
//! may take now. A refused form comes back with its errors (422).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use wujin_app::attachments::NewFile;
use wujin_app::low_end::{CaseDetail, CloseInput, PlanInput, StepInput, StepView};
use wujin_app::registry::EnterpriseScope;
use wujin_app::{AppError, FieldError};
use wujin_domain::access::Permission;
use wujin_domain::evaluation::low_end::{Disposal, ShutdownChecklist};
use wujin_domain::org::DepartmentKind;

use super::{LIST_PATH, criterion_label, disposal_label, file_response, status_label};
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::{Lang, tr, trf};
use crate::layout::{PageCtx, page_ctx};
use crate::pages::choices::{Opt, indented};
use crate::pages::enterprises::fmt::{day, label, money_wan, plain_decimal, quantity};
use crate::pages::enterprises::invalid;
use crate::pages::enterprises::options::opts;
use crate::pages::{FormErrors, render};
use crate::state::AppState;

/// Blank step rows the plan form offers beyond the open steps.
const BLANK_STEPS: usize = 3;
/// The 两断三清 items, in the order the form lists them.
const CHECKLIST: [&str; 5] = [
    "power_cut",
    "water_cut",
    "raw_materials_cleared",
    "products_cleared",
    "equipment_cleared",
];

/// Which form a refusal belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Failed {
    #[default]
    None,
    Verify,
    Plan,
    Progress,
    Close,
}

/// A row of the plan form.
#[derive(Default)]
pub(super) struct StepRow {
    index: usize,
    id: String,
    content: String,
    due_on: String,
    content_error: String,
    due_error: String,
    id_error: String,
}

impl StepRow {
    fn errors(&self) -> Vec<&str> {
        [&self.content_error, &self.due_error, &self.id_error]
            .into_iter()
            .filter(|e| !e.is_empty())
            .map(String::as_str)
            .collect()
    }
}

/// An evidence file as listed.
pub(super) struct FileLine {
    id: i64,
    name: String,
    size: String,
    created_at: chrono::DateTime<chrono::Utc>,
}

/// What the forms hold (as typed, after a refusal).
#[derive(Default)]
pub(super) struct Forms {
    reason: String,
    disposal_type: String,
    responsible_unit_id: String,
    deadline: String,
    steps: Vec<StepRow>,
    progress: String,
    note: String,
    checklist: Vec<String>,
    land_mu_freed: String,
    energy_tce_freed: String,
}

/// A step or progress report as shown.
pub(super) struct StepLine {
    s: StepView,
    due: String,
}

/// A readable screen: its label and the facts behind it.
pub(super) struct CriterionLine {
    label: String,
    detail: String,
}

/// A 两断三清 item: its field name, label and whether it is ticked.
pub(super) struct CheckItem {
    name: &'static str,
    label: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "low_end/case.html")]
struct CasePage {
    page: PageCtx,
    d: CaseDetail,
    status: String,
    criteria: Vec<CriterionLine>,
    facts: Vec<(String, String)>,
    disposal: String,
    deadline: String,
    can_open_firm: bool,
    steps: Vec<StepLine>,
    progress: Vec<StepLine>,
    closed_checklist: Vec<CheckItem>,
    files: Vec<FileLine>,
    land_freed: String,
    energy_freed: String,
    disposals: Vec<Opt>,
    units: Vec<Opt>,
    form_checklist: Vec<CheckItem>,
    is_shutdown: bool,
    forms: Forms,
    failed: Failed,
    errors: FormErrors,
    max_files: usize,
    max_mb: u64,
}

impl CasePage {
    fn failed_is(&self, which: &str) -> bool {
        matches!(
            (self.failed, which),
            (Failed::Verify, "verify")
                | (Failed::Plan, "plan")
                | (Failed::Progress, "progress")
                | (Failed::Close, "close")
        )
    }
}

fn fmt2(v: f64) -> String {
    quantity((v * 100.0).round() / 100.0)
}

fn criterion_lines(lang: Lang, d: &CaseDetail) -> Vec<CriterionLine> {
    let f = &d.facts;
    let scale = label(
        lang,
        "registry.scale",
        f.scale.as_deref().unwrap_or("unknown"),
    );
    d.case
        .criteria
        .iter()
        .map(|k| CriterionLine {
            label: criterion_label(lang, k),
            detail: match k.as_str() {
                "outside_park_below_size" => trf(
                    lang,
                    "low_end.why.outside_park_below_size",
                    &[
                        (
                            "park",
                            &f.park
                                .clone()
                                .unwrap_or_else(|| tr(lang, "low_end.no_park")),
                        ),
                        ("scale", &scale),
                    ],
                ),
                "low_tax_per_mu" => match f.tax_per_mu_wan {
                    Some(t) => trf(
                        lang,
                        "low_end.why.low_tax_per_mu",
                        &[("value", &format!("{t:.2}"))],
                    ),
                    None => String::new(),
                },
                other => tr(lang, &format!("low_end.why.{other}")),
            },
        })
        .collect()
}

fn fact_lines(lang: Lang, d: &CaseDetail) -> Vec<(String, String)> {
    let f = &d.facts;
    let dash = || "—".to_string();
    vec![
        (
            tr(lang, "low_end.fact.enterprise_status"),
            label(lang, "registry.status", &f.enterprise_status),
        ),
        (
            tr(lang, "low_end.fact.park"),
            f.park
                .clone()
                .unwrap_or_else(|| tr(lang, "low_end.no_park")),
        ),
        (
            tr(lang, "low_end.fact.scale"),
            label(
                lang,
                "registry.scale",
                f.scale.as_deref().unwrap_or("unknown"),
            ),
        ),
        (
            tr(lang, "low_end.fact.tags"),
            if f.tags.is_empty() {
                dash()
            } else {
                f.tags.join("、")
            },
        ),
        (
            tr(lang, "low_end.fact.land_mu"),
            f.land_mu.map(fmt2).unwrap_or_else(dash),
        ),
        (
            tr(lang, "low_end.fact.evaluation_tax"),
            f.evaluation_tax_yuan.map(money_wan).unwrap_or_else(dash),
        ),
        (
            tr(lang, "low_end.fact.tax_per_mu"),
            f.tax_per_mu_wan
                .map(|t| format!("{t:.2}"))
                .unwrap_or_else(dash),
        ),
        (
            tr(lang, "low_end.fact.energy_tce"),
            f.energy_tce.map(fmt2).unwrap_or_else(dash),
        ),
    ]
}

fn step_lines(lang: Lang, steps: &[StepView]) -> Vec<StepLine> {
    steps
        .iter()
        .map(|s| StepLine {
            due: s.due_on.map(|d| day(lang, &d)).unwrap_or_default(),
            s: s.clone(),
        })
        .collect()
}

fn checklist_items(lang: Lang, ticked: &[String]) -> Vec<CheckItem> {
    CHECKLIST
        .iter()
        .map(|name| CheckItem {
            name,
            label: tr(lang, &format!("low_end.checklist.{name}")),
            checked: ticked.iter().any(|t| t == name),
        })
        .collect()
}

/// The plan form's rows: the open steps, then blank rows.
fn plan_rows(d: &CaseDetail) -> Vec<StepRow> {
    let mut rows: Vec<StepRow> = d
        .steps
        .iter()
        .filter(|s| s.done_at.is_none())
        .enumerate()
        .map(|(index, s)| StepRow {
            index,
            id: s.id.to_string(),
            content: s.content.clone(),
            due_on: s.due_on.map(|d| d.to_string()).unwrap_or_default(),
            ..Default::default()
        })
        .collect();
    let n = rows.len();
    rows.extend((n..n + BLANK_STEPS).map(|index| StepRow {
        index,
        ..Default::default()
    }));
    rows
}

/// The forms filled from the case (no refusal).
fn forms_of(d: &CaseDetail) -> Forms {
    Forms {
        disposal_type: d.case.disposal_type.clone().unwrap_or_default(),
        responsible_unit_id: d
            .case
            .responsible_unit
            .as_ref()
            .map(|u| u.id.to_string())
            .unwrap_or_default(),
        deadline: d.case.deadline.map(|d| d.to_string()).unwrap_or_default(),
        steps: plan_rows(d),
        land_mu_freed: plain_decimal(d.default_land_mu_freed),
        energy_tce_freed: plain_decimal(d.default_energy_tce_freed),
        ..Default::default()
    }
}

async fn case_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    forms: Option<Forms>,
    failed: Failed,
    errors: FormErrors,
    flash: Option<&str>,
) -> Result<CasePage, PageError> {
    let lang = user.lang;
    let d = wujin_app::low_end::get(&state.app, &user.ctx, id).await?;
    let mut forms = forms.unwrap_or_else(|| forms_of(&d));
    if failed == Failed::Plan {
        for r in &mut forms.steps {
            let e = |f: &str| errors.get(&format!("step_{}_{f}", r.index));
            r.content_error = e("content");
            r.due_error = e("due_on");
            r.id_error = e("id");
        }
    }
    let units = if d.actions.plan {
        wujin_app::departments::list_for_choice(
            &state.app,
            &wujin_app::departments::DepartmentFilter {
                active: Some(true),
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .filter(|u| DepartmentKind::parse(&u.kind) != Some(DepartmentKind::City))
        .map(|u| {
            (
                u.id.to_string(),
                indented(&u.name, u.depth.saturating_sub(1)),
            )
        })
        .collect()
    } else {
        Vec::new()
    };
    let title = d.case.enterprise.name.clone();
    let page = page_ctx(
        state,
        user,
        "low_end.case_title",
        &[("low_end.title", Some(LIST_PATH)), (&title, None)],
        flash,
    )
    .await;
    let closed_checklist = d
        .checklist
        .map(|c| {
            let ticked: Vec<String> = CHECKLIST
                .iter()
                .zip([
                    c.power_cut,
                    c.water_cut,
                    c.raw_materials_cleared,
                    c.products_cleared,
                    c.equipment_cleared,
                ])
                .filter(|(_, on)| *on)
                .map(|(n, _)| n.to_string())
                .collect();
            checklist_items(lang, &ticked)
        })
        .unwrap_or_default();
    // The firm's profile is linked for those whose registry scope holds it (town staff
    // reading a case their unit is responsible for may not reach the firm).
    let scope = EnterpriseScope::of(state.app.db.read(), &user.ctx).await?;
    let can_open_firm = user.actor().can(Permission::ViewEnterprises)
        && d.case
            .town
            .as_ref()
            .is_some_and(|t| scope.covers_town(t.id));
    Ok(CasePage {
        page,
        status: status_label(lang, &d.case.status),
        criteria: criterion_lines(lang, &d),
        facts: fact_lines(lang, &d),
        disposal: d
            .case
            .disposal_type
            .as_deref()
            .map(|t| disposal_label(lang, t))
            .unwrap_or_default(),
        deadline: d.case.deadline.map(|x| day(lang, &x)).unwrap_or_default(),
        can_open_firm,
        steps: step_lines(lang, &d.steps),
        progress: step_lines(lang, &d.progress),
        closed_checklist,
        files: d
            .attachments
            .iter()
            .map(|a| FileLine {
                id: a.id,
                name: a.filename.clone(),
                size: trf(
                    lang,
                    "low_end.file_size",
                    &[("kb", &((a.size_bytes + 1023) / 1024).to_string())],
                ),
                created_at: a.created_at,
            })
            .collect(),
        land_freed: d.case.land_mu_freed.map(fmt2).unwrap_or_default(),
        energy_freed: d.case.energy_tce_freed.map(fmt2).unwrap_or_default(),
        disposals: opts(
            Some(tr(lang, "low_end.choose")),
            Disposal::ALL
                .iter()
                .map(|x| (x.as_str().to_string(), disposal_label(lang, x.as_str()))),
            &forms.disposal_type,
        ),
        units: opts(
            Some(tr(lang, "low_end.choose")),
            units,
            &forms.responsible_unit_id,
        ),
        form_checklist: checklist_items(lang, &forms.checklist),
        is_shutdown: d.case.disposal_type.as_deref() == Some(Disposal::Shutdown.as_str()),
        forms,
        failed,
        errors,
        max_files: wujin_app::attachments::MAX_FILES_PER_OWNER,
        max_mb: state.app.config.attachment_max_mb,
        d,
    })
}

#[derive(Deserialize)]
pub(super) struct ShowQuery {
    msg: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<ShowQuery>,
) -> Result<Html<String>, PageError> {
    render(
        &case_page(
            &state,
            &user,
            id,
            None,
            Failed::None,
            FormErrors::default(),
            q.msg.as_deref(),
        )
        .await?,
    )
}

/// Back to the case with a flash, or the case again with the form's errors.
async fn answer<T>(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    result: Result<T, AppError>,
    flash: &str,
    failed: Failed,
    forms: impl FnOnce(&CaseDetail) -> Forms,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{LIST_PATH}/{id}?msg={flash}")).into_response()),
        Err(AppError::Validation(v)) => {
            let errors = FormErrors::from_fields(user.lang, &v);
            let d = wujin_app::low_end::get(&state.app, &user.ctx, id).await?;
            let forms = forms(&d);
            invalid(case_page(state, user, id, Some(forms), failed, errors, None).await?)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct VerifyForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn verify(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<VerifyForm>,
) -> Result<Response, PageError> {
    let confirm = match f.decision.as_str() {
        "confirm" => true,
        "reject" => false,
        _ => {
            return Err(AppError::field("decision", "error.low_end.decision").into());
        }
    };
    let result = wujin_app::low_end::verify(&state.app, &user.ctx, id, confirm, &f.reason).await;
    let reason = f.reason.clone();
    answer(
        &state,
        &user,
        id,
        result,
        if confirm {
            "low_end_confirmed"
        } else {
            "low_end_rejected"
        },
        Failed::Verify,
        move |d| Forms {
            reason,
            ..forms_of(d)
        },
    )
    .await
}

fn parse_day(s: &str) -> Result<Option<NaiveDate>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ())
}

/// The plan form's fields: `disposal_type`, `responsible_unit_id`, `deadline` and rows
/// `step_{i}_id`, `step_{i}_content`, `step_{i}_due`.
pub(super) async fn plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let mut errors: Vec<FieldError> = Vec::new();
    let deadline = parse_day(&get("deadline")).unwrap_or_else(|_| {
        errors.push(FieldError::new("deadline", "error.low_end.date_invalid"));
        None
    });
    let mut rows: Vec<StepRow> = Vec::new();
    let mut steps: Vec<StepInput> = Vec::new();
    let mut i = 0;
    while f.contains_key(&format!("step_{i}_content")) || f.contains_key(&format!("step_{i}_id")) {
        let row = StepRow {
            index: i,
            id: get(&format!("step_{i}_id")),
            content: get(&format!("step_{i}_content")),
            due_on: get(&format!("step_{i}_due")),
            ..Default::default()
        };
        i += 1;
        if row.id.trim().is_empty() && row.content.trim().is_empty() && row.due_on.trim().is_empty()
        {
            rows.push(row);
            continue;
        }
        let n = steps.len();
        let due_on = parse_day(&row.due_on).unwrap_or_else(|_| {
            errors.push(FieldError::new(
                &format!("steps[{n}].due_on"),
                "error.low_end.date_invalid",
            ));
            None
        });
        steps.push(StepInput {
            id: row.id.trim().parse().ok(),
            content: row.content.clone(),
            due_on,
        });
        rows.push(row);
    }
    let input = PlanInput {
        disposal_type: get("disposal_type"),
        responsible_unit_id: get("responsible_unit_id").trim().parse().ok(),
        deadline,
        steps,
    };
    let result = if errors.is_empty() {
        wujin_app::low_end::plan(&state.app, &user.ctx, id, &input).await
    } else {
        Err(AppError::Validation(errors))
    };
    // Errors of steps are named by their place among the filled rows; show them on the rows.
    let result = result.map_err(|e| match e {
        AppError::Validation(v) => AppError::Validation(
            v.into_iter()
                .map(|mut fe| {
                    if let Some(rest) = fe.field.strip_prefix("steps[")
                        && let Some((n, tail)) = rest.split_once(']')
                        && let Ok(n) = n.parse::<usize>()
                    {
                        let row = rows
                            .iter()
                            .filter(|r| {
                                !(r.id.trim().is_empty()
                                    && r.content.trim().is_empty()
                                    && r.due_on.trim().is_empty())
                            })
                            .nth(n)
                            .map_or(n, |r| r.index);
                        fe.field = format!("step_{row}{}", tail.replace('.', "_"));
                    }
                    fe
                })
                .collect(),
        ),
        other => other,
    });
    let form = Forms {
        disposal_type: get("disposal_type"),
        responsible_unit_id: get("responsible_unit_id"),
        deadline: get("deadline"),
        steps: rows,
        ..Default::default()
    };
    answer(
        &state,
        &user,
        id,
        result,
        "low_end_planned",
        Failed::Plan,
        move |d| Forms {
            land_mu_freed: plain_decimal(d.default_land_mu_freed),
            energy_tce_freed: plain_decimal(d.default_energy_tce_freed),
            ..form
        },
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct ProgressForm {
    #[serde(default)]
    content: String,
}

pub(super) async fn progress(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ProgressForm>,
) -> Result<Response, PageError> {
    let result = wujin_app::low_end::progress(&state.app, &user.ctx, id, &f.content).await;
    let content = f.content.clone();
    answer(
        &state,
        &user,
        id,
        result,
        "low_end_progress",
        Failed::Progress,
        move |d| Forms {
            progress: content,
            ..forms_of(d)
        },
    )
    .await
}

pub(super) async fn step_done(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, step_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    wujin_app::low_end::complete_step(&state.app, &user.ctx, id, step_id).await?;
    Ok(Redirect::to(&format!("{LIST_PATH}/{id}?msg=low_end_step_done")).into_response())
}

/// The closure form as sent.
#[derive(Default)]
struct CloseFields {
    note: String,
    checklist: Vec<String>,
    land: String,
    energy: String,
    files: Vec<NewFile>,
}

async fn read_close(mut mp: Multipart) -> Result<CloseFields, FieldError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            FieldError::new("files", "error.attachment.too_large")
        } else {
            FieldError::with_detail("files", "error.low_end.upload_broken", e.body_text())
        }
    };
    let mut out = CloseFields::default();
    while let Some(field) = mp.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "files" => {
                let filename = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(broken)?.to_vec();
                // A file input left empty still sends a nameless, empty part.
                if !(filename.is_empty() && bytes.is_empty()) {
                    out.files.push(NewFile { filename, bytes });
                }
            }
            "note" => out.note = field.text().await.map_err(broken)?,
            "land_mu_freed" => out.land = field.text().await.map_err(broken)?,
            "energy_tce_freed" => out.energy = field.text().await.map_err(broken)?,
            n if CHECKLIST.contains(&n) => {
                let v = field.text().await.map_err(broken)?;
                if matches!(v.as_str(), "1" | "on" | "true") {
                    out.checklist.push(n.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// A number field: blank is `None` (the default applies), anything else must be a number.
fn parse_number(field: &str, key: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<f64> {
    let s = s.trim().replace(',', "");
    if s.is_empty() {
        return None;
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errors.push(FieldError::new(field, key));
            None
        }
    }
}

pub(super) async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let (fields, mut errors) = match read_close(mp).await {
        Ok(f) => (f, Vec::new()),
        Err(e) => (CloseFields::default(), vec![e]),
    };
    let land = parse_number(
        "land_mu_freed",
        "error.low_end.land_invalid",
        &fields.land,
        &mut errors,
    );
    let energy = parse_number(
        "energy_tce_freed",
        "error.low_end.energy_invalid",
        &fields.energy,
        &mut errors,
    );
    let ticked = |n: &str| fields.checklist.iter().any(|c| c == n);
    let input = CloseInput {
        note: fields.note.clone(),
        checklist: ShutdownChecklist {
            power_cut: ticked("power_cut"),
            water_cut: ticked("water_cut"),
            raw_materials_cleared: ticked("raw_materials_cleared"),
            products_cleared: ticked("products_cleared"),
            equipment_cleared: ticked("equipment_cleared"),
        },
        land_mu_freed: land,
        energy_tce_freed: energy,
        files: fields.files,
    };
    let result = if errors.is_empty() {
        wujin_app::low_end::close(&state.app, &user.ctx, id, input).await
    } else {
        Err(AppError::Validation(errors))
    };
    let form = Forms {
        note: fields.note,
        checklist: fields.checklist,
        land_mu_freed: fields.land,
        energy_tce_freed: fields.energy,
        ..Default::default()
    };
    answer(
        &state,
        &user,
        id,
        result,
        "low_end_closed",
        Failed::Close,
        move |d| Forms {
            steps: plan_rows(d),
            ..form
        },
    )
    .await
}

pub(super) async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, attachment_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let (info, bytes) =
        wujin_app::low_end::attachment(&state.app, &user.ctx, id, attachment_id).await?;
    Ok(file_response(&info, bytes))
}
