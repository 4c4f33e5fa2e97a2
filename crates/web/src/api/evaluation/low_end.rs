//! The 低散乱污 ledger: candidates per town, verification (属地核实), disposal plans, progress, closure (销号) with evidence, freed land and energy.

use std::collections::BTreeMap;

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use wujin_app::attachments::NewFile;

use super::AttachmentDto;
use wujin_app::low_end::{
    CaseActions, CaseDetail, CaseFacts, CaseFilter, CaseView, CloseInput, FreedRow,
    GenerateSummary, LedgerTotals, PlanInput, StepInput, StepView,
};
use wujin_app::registry::Named;
use wujin_app::{AppError, FieldError};
use wujin_domain::evaluation::low_end::ShutdownChecklist;

use crate::api::{ApiJson, ApiQuery, ErrorBody, ListBody, PageQuery, created};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::i18n::Lang;
use crate::pages::enterprises::{today, xlsx_response};
use crate::pages::evaluation::low_end::{evidence_body_limit, file_response, ledger_xlsx};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/evaluation/low-end/generate", post(generate))
        .route("/evaluation/low-end", get(list))
        .route("/evaluation/low-end.xlsx", get(export))
        .route("/evaluation/low-end/totals", get(totals))
        .route("/evaluation/low-end/{id}", get(show))
        .route("/evaluation/low-end/{id}/verify", post(verify))
        .route("/evaluation/low-end/{id}/plan", put(plan))
        .route("/evaluation/low-end/{id}/progress", post(progress))
        .route(
            "/evaluation/low-end/{id}/steps/{step_id}/done",
            post(step_done),
        )
        .route(
            "/evaluation/low-end/{id}/close",
            post(close).layer(DefaultBodyLimit::max(evidence_body_limit())),
        )
        .route(
            "/evaluation/low-end/{id}/attachments/{attachment_id}",
            get(attachment),
        )
}

/// This part of the API document.
#[derive(OpenApi)]
#[openapi(
    paths(generate, list, export, totals, show, verify, plan, progress, step_done, close, attachment),
    components(schemas(
        GenerateRequest, GenerateDto, CaseDto, CaseDetailDto, CaseFactsDto, StepDto,
        CaseActionsDto, AttachmentDto, ChecklistDto, TotalsDto, FreedDto, VerifyRequest,
        PlanRequest, StepRequest, ProgressRequest, CloseForm, RefDto
    )),
    tags((name = "low_end", description = "The 低散乱污 ledger: screening a year into candidates, the town's verification (属地核实), disposal plans with steps and progress, closure (销号) with evidence, and the land and energy freed."))
)]
pub struct Doc;

/// An id with its name.
#[derive(Serialize, ToSchema)]
pub struct RefDto {
    pub id: i64,
    pub name: String,
}

impl From<Named> for RefDto {
    fn from(n: Named) -> Self {
        RefDto {
            id: n.id,
            name: n.name,
        }
    }
}

/// What to screen.
#[derive(Deserialize, ToSchema)]
pub struct GenerateRequest {
    /// The year whose figures and classes are screened.
    pub year: i32,
    /// A run of that year (not superseded) whose scheme and classes to use; default: the
    /// year's latest published or final run.
    pub run_id: Option<i64>,
}

/// What a screening did.
#[derive(Serialize, ToSchema)]
pub struct GenerateDto {
    pub year: i32,
    /// The run used; absent when the year has no published run (default rules, no class-D
    /// screen).
    pub run_id: Option<i64>,
    /// Firms looked at (operating or suspended).
    pub screened: usize,
    /// Firms meeting at least one screen.
    pub matched: usize,
    /// Cases created now.
    pub created: usize,
    /// Firms meeting a screen that were already in the year's ledger.
    pub already_present: usize,
    /// Firms per screen.
    pub by_criterion: BTreeMap<String, usize>,
}

impl From<GenerateSummary> for GenerateDto {
    fn from(s: GenerateSummary) -> Self {
        GenerateDto {
            year: s.year,
            run_id: s.run_id,
            screened: s.screened,
            matched: s.matched,
            created: s.created,
            already_present: s.already_present,
            by_criterion: s.by_criterion,
        }
    }
}

/// Filters of the ledger.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct CaseFilterQuery {
    pub year: Option<i32>,
    /// A town's unit id.
    pub town: Option<i64>,
    /// candidate | confirmed | rejected | closed
    pub status: Option<String>,
    /// shutdown | relocate | upgrade | merge | revitalise
    pub disposal: Option<String>,
    /// missing_permits | outside_park_below_size | no_pollution_control | low_tax_per_mu |
    /// repeated_d
    pub criterion: Option<String>,
    /// true: only confirmed cases past their deadline; false: all others.
    pub overdue: Option<bool>,
    /// The firm's name or credit code contains this.
    pub q: Option<String>,
}

impl CaseFilterQuery {
    fn filter(&self) -> CaseFilter {
        CaseFilter {
            year: self.year,
            town: self.town,
            status: self.status.clone(),
            disposal: self.disposal.clone(),
            criterion: self.criterion.clone(),
            overdue: self.overdue,
            q: self.q.clone(),
        }
    }
}

/// A case of the ledger.
#[derive(Serialize, ToSchema)]
pub struct CaseDto {
    pub id: i64,
    /// The year screened.
    pub year: i32,
    pub enterprise: RefDto,
    pub credit_code: String,
    pub town: Option<RefDto>,
    /// candidate | confirmed | rejected | closed
    pub status: String,
    /// The screens met.
    pub criteria: Vec<String>,
    /// The run whose scheme and classes were used.
    pub source_run_id: Option<i64>,
    /// shutdown | relocate | upgrade | merge | revitalise (once planned)
    pub disposal_type: Option<String>,
    pub responsible_unit: Option<RefDto>,
    pub deadline: Option<NaiveDate>,
    /// Confirmed and past the deadline (China time).
    pub overdue: bool,
    pub verified_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// 亩 freed at closure.
    pub land_mu_freed: Option<f64>,
    /// tce a year freed at closure.
    pub energy_tce_freed: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CaseView> for CaseDto {
    fn from(c: CaseView) -> Self {
        CaseDto {
            id: c.id,
            year: c.year,
            enterprise: c.enterprise.into(),
            credit_code: c.credit_code,
            town: c.town.map(Into::into),
            status: c.status,
            criteria: c.criteria,
            source_run_id: c.source_run_id,
            disposal_type: c.disposal_type,
            responsible_unit: c.responsible_unit.map(Into::into),
            deadline: c.deadline,
            overdue: c.overdue,
            verified_at: c.verified_at,
            closed_at: c.closed_at,
            land_mu_freed: c.land_mu_freed,
            energy_tce_freed: c.energy_tce_freed,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// What the registry says of the firm in the case's year.
#[derive(Serialize, ToSchema)]
pub struct CaseFactsDto {
    /// operating | suspended | closed | moved_out | deregistered
    pub enterprise_status: String,
    pub park: Option<String>,
    /// above | below
    pub scale: Option<String>,
    /// The firm's tags, by name.
    pub tags: Vec<String>,
    pub land_mu: Option<f64>,
    pub energy_tce: Option<f64>,
    pub evaluation_tax_yuan: Option<i64>,
    /// 万元 per 亩.
    pub tax_per_mu_wan: Option<f64>,
}

impl From<CaseFacts> for CaseFactsDto {
    fn from(f: CaseFacts) -> Self {
        CaseFactsDto {
            enterprise_status: f.enterprise_status,
            park: f.park,
            scale: f.scale,
            tags: f.tags,
            land_mu: f.land_mu,
            energy_tce: f.energy_tce,
            evaluation_tax_yuan: f.evaluation_tax_yuan,
            tax_per_mu_wan: f.tax_per_mu_wan,
        }
    }
}

/// A planned step or a progress report.
#[derive(Serialize, ToSchema)]
pub struct StepDto {
    pub id: i64,
    /// step | progress
    pub kind: String,
    pub content: String,
    pub due_on: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
    pub created_by: Option<RefDto>,
    pub created_at: DateTime<Utc>,
    /// A step not done after its due day.
    pub overdue: bool,
}

impl From<StepView> for StepDto {
    fn from(s: StepView) -> Self {
        StepDto {
            id: s.id,
            kind: s.kind,
            content: s.content,
            due_on: s.due_on,
            done_at: s.done_at,
            created_by: s.created_by.map(Into::into),
            created_at: s.created_at,
            overdue: s.overdue,
        }
    }
}

/// What the caller may do to the case now.
#[derive(Serialize, ToSchema)]
pub struct CaseActionsDto {
    pub verify: bool,
    pub plan: bool,
    pub progress: bool,
    pub complete_step: bool,
    pub close: bool,
}

impl From<CaseActions> for CaseActionsDto {
    fn from(a: CaseActions) -> Self {
        CaseActionsDto {
            verify: a.verify,
            plan: a.plan,
            progress: a.progress,
            complete_step: a.complete_step,
            close: a.close,
        }
    }
}

/// 两断三清.
#[derive(Serialize, ToSchema)]
pub struct ChecklistDto {
    /// 断电.
    pub power_cut: bool,
    /// 断水.
    pub water_cut: bool,
    /// 清原料.
    pub raw_materials_cleared: bool,
    /// 清产品.
    pub products_cleared: bool,
    /// 清设备.
    pub equipment_cleared: bool,
}

impl From<ShutdownChecklist> for ChecklistDto {
    fn from(c: ShutdownChecklist) -> Self {
        ChecklistDto {
            power_cut: c.power_cut,
            water_cut: c.water_cut,
            raw_materials_cleared: c.raw_materials_cleared,
            products_cleared: c.products_cleared,
            equipment_cleared: c.equipment_cleared,
        }
    }
}

/// One case with its verification, plan, steps, progress, evidence and closure.
#[derive(Serialize, ToSchema)]
pub struct CaseDetailDto {
    #[serde(flatten)]
    pub case: CaseDto,
    pub facts: CaseFactsDto,
    pub verification_note: Option<String>,
    pub verified_by: Option<RefDto>,
    /// Planned steps, by due date.
    pub steps: Vec<StepDto>,
    /// Progress reports, newest first.
    pub progress: Vec<StepDto>,
    pub attachments: Vec<AttachmentDto>,
    /// Recorded at the closure of a shutdown.
    pub checklist: Option<ChecklistDto>,
    pub closure_note: Option<String>,
    pub closed_by: Option<RefDto>,
    /// What closure assumes when no figure is sent: the firm's land of the year (0 for an
    /// upgrade in place).
    pub default_land_mu_freed: f64,
    /// … and its energy use of the year.
    pub default_energy_tce_freed: f64,
    pub actions: CaseActionsDto,
}

impl From<CaseDetail> for CaseDetailDto {
    fn from(d: CaseDetail) -> Self {
        CaseDetailDto {
            case: d.case.into(),
            facts: d.facts.into(),
            verification_note: d.verification_note,
            verified_by: d.verified_by.map(Into::into),
            steps: d.steps.into_iter().map(Into::into).collect(),
            progress: d.progress.into_iter().map(Into::into).collect(),
            attachments: d.attachments.into_iter().map(Into::into).collect(),
            checklist: d.checklist.map(Into::into),
            closure_note: d.closure_note,
            closed_by: d.closed_by.map(Into::into),
            default_land_mu_freed: d.default_land_mu_freed,
            default_energy_tce_freed: d.default_energy_tce_freed,
            actions: d.actions.into(),
        }
    }
}

/// Cases and what the closed ones freed, for one town or one disposal type.
#[derive(Serialize, ToSchema)]
pub struct FreedDto {
    /// The town's unit id, or the disposal type.
    pub key: String,
    /// The town's name (the disposal type's code for disposal rows).
    pub name: String,
    pub cases: u64,
    pub closed: u64,
    pub land_mu_freed: f64,
    pub energy_tce_freed: f64,
}

impl From<FreedRow> for FreedDto {
    fn from(r: FreedRow) -> Self {
        FreedDto {
            key: r.key,
            name: r.name,
            cases: r.cases,
            closed: r.closed,
            land_mu_freed: r.land_mu_freed,
            energy_tce_freed: r.energy_tce_freed,
        }
    }
}

/// The ledger's totals.
#[derive(Serialize, ToSchema)]
pub struct TotalsDto {
    pub cases: u64,
    /// Cases per status (every status present).
    pub by_status: BTreeMap<String, u64>,
    /// Confirmed cases past their deadline.
    pub overdue: u64,
    pub land_mu_freed: f64,
    pub energy_tce_freed: f64,
    pub by_town: Vec<FreedDto>,
    pub by_disposal: Vec<FreedDto>,
}

impl From<LedgerTotals> for TotalsDto {
    fn from(t: LedgerTotals) -> Self {
        TotalsDto {
            cases: t.cases,
            by_status: t.by_status,
            overdue: t.overdue,
            land_mu_freed: t.land_mu_freed,
            energy_tce_freed: t.energy_tce_freed,
            by_town: t.by_town.into_iter().map(Into::into).collect(),
            by_disposal: t.by_disposal.into_iter().map(Into::into).collect(),
        }
    }
}

/// 属地核实.
#[derive(Deserialize, ToSchema)]
pub struct VerifyRequest {
    /// true confirms the firm is one (认定); false rejects it (排除).
    pub confirm: bool,
    /// Required when rejecting; an optional note when confirming.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A step of the plan.
#[derive(Deserialize, ToSchema)]
pub struct StepRequest {
    /// An open step of the case to keep or change; absent for a new step.
    pub id: Option<i64>,
    pub content: String,
    /// On or before the plan's deadline.
    pub due_on: Option<NaiveDate>,
}

/// The disposal plan (一企一方案).
#[derive(Deserialize, ToSchema)]
pub struct PlanRequest {
    /// shutdown | relocate | upgrade | merge | revitalise
    pub disposal_type: String,
    /// A unit of the departments tree (not the city itself).
    pub responsible_unit_id: Option<i64>,
    /// Not in the past when it changes.
    pub deadline: Option<NaiveDate>,
    /// The open steps; steps already done stay as they are, open steps not listed are
    /// dropped.
    #[serde(default)]
    pub steps: Vec<StepRequest>,
}

/// A progress report.
#[derive(Deserialize, ToSchema)]
pub struct ProgressRequest {
    pub content: String,
}

/// The closure form (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CloseForm {
    /// 销号 note (required).
    note: String,
    /// 两断三清 items, `1`/`true`/`on` when done (all five required for a shutdown).
    power_cut: Option<String>,
    water_cut: Option<String>,
    raw_materials_cleared: Option<String>,
    products_cleared: Option<String>,
    equipment_cleared: Option<String>,
    /// 亩 freed; default the firm's land of the year (0 for an upgrade in place).
    land_mu_freed: Option<f64>,
    /// tce freed; default the firm's energy use of the year (0 for an upgrade in place).
    energy_tce_freed: Option<f64>,
    /// Evidence files (PDF, images, Word, Excel, text, ZIP); at least one unless the case
    /// already holds evidence.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

fn lang_of(user: &ApiUser) -> Lang {
    Lang::parse(&user.ctx.actor.locale).unwrap_or(Lang::ZhCn)
}

/// Screen a year (evaluation office): every operating or suspended firm meeting a screen of
/// the year's scheme (missing permits, outside parks and below size, no pollution control, tax
/// per 亩 under the threshold, class D years running) that is not yet in that year's ledger
/// becomes a candidate for its town to verify. Running it again adds only new firms.
#[utoipa::path(post, path = "/api/v1/evaluation/low-end/generate", tag = "low_end", request_body = GenerateRequest,
    responses((status = 200, body = GenerateDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "another screening of the year is running", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn generate(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<GenerateRequest>,
) -> Result<Json<GenerateDto>, ApiError> {
    let s = wujin_app::low_end::generate(&state.app, &user.ctx, req.year, req.run_id).await?;
    Ok(Json(s.into()))
}

/// The ledger within the caller's scope: every case for the city, a town's cases for its
/// staff; cadres and enterprise users have no access (403).
#[utoipa::path(get, path = "/api/v1/evaluation/low-end", tag = "low_end", params(CaseFilterQuery, PageQuery),
    responses((status = 200, body = ListBody<CaseDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(filter): ApiQuery<CaseFilterQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<CaseDto>>, ApiError> {
    let p =
        wujin_app::low_end::list(&state.app, &user.ctx, &filter.filter(), page.request()).await?;
    Ok(Json(p.into()))
}

/// The ledger (same filters, every page) as an xlsx workbook, headers in the caller's
/// language.
#[utoipa::path(get, path = "/api/v1/evaluation/low-end.xlsx", tag = "low_end", params(CaseFilterQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(filter): ApiQuery<CaseFilterQuery>,
) -> Result<Response, ApiError> {
    let rows = wujin_app::low_end::rows(&state.app, &user.ctx, &filter.filter()).await?;
    let lang = lang_of(&user);
    let bytes = tokio::task::spawn_blocking(move || ledger_xlsx(lang, rows))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let name = format!("low-end-{}.xlsx", today());
    Ok(xlsx_response(&name, &name, bytes))
}

/// Totals of the cases matching the filters: cases by status, overdue cases, and the land
/// (亩) and energy (tce) the closed cases freed, by town and by disposal type.
#[utoipa::path(get, path = "/api/v1/evaluation/low-end/totals", tag = "low_end", params(CaseFilterQuery),
    responses((status = 200, body = TotalsDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn totals(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(filter): ApiQuery<CaseFilterQuery>,
) -> Result<Json<TotalsDto>, ApiError> {
    let t = wujin_app::low_end::totals(&state.app, &user.ctx, &filter.filter()).await?;
    Ok(Json(t.into()))
}

/// One case with its facts, verification, plan, steps, progress, evidence, closure and the
/// actions the caller may take now.
#[utoipa::path(get, path = "/api/v1/evaluation/low-end/{id}", tag = "low_end", params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = CaseDetailDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<CaseDetailDto>, ApiError> {
    Ok(Json(
        wujin_app::low_end::get(&state.app, &user.ctx, id)
            .await?
            .into(),
    ))
}

/// 属地核实: the case's town (or the evaluation office) confirms a candidate or rejects it
/// with a reason. Audited.
#[utoipa::path(post, path = "/api/v1/evaluation/low-end/{id}/verify", tag = "low_end", params(("id" = i64, Path, description = "case id")), request_body = VerifyRequest,
    responses((status = 200, body = CaseDetailDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the case is no longer a candidate", body = ErrorBody), (status = 422, description = "a rejection without a reason", body = ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<VerifyRequest>,
) -> Result<Json<CaseDetailDto>, ApiError> {
    let d = wujin_app::low_end::verify(
        &state.app,
        &user.ctx,
        id,
        req.confirm,
        req.reason.as_deref().unwrap_or(""),
    )
    .await?;
    Ok(Json(d.into()))
}

/// Set or revise the disposal plan of a confirmed case (its town or the evaluation office).
/// Audited with the plan before and after.
#[utoipa::path(put, path = "/api/v1/evaluation/low-end/{id}/plan", tag = "low_end", params(("id" = i64, Path, description = "case id")), request_body = PlanRequest,
    responses((status = 200, body = CaseDetailDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the case is not confirmed (or already closed)", body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<PlanRequest>,
) -> Result<Json<CaseDetailDto>, ApiError> {
    let input = PlanInput {
        disposal_type: req.disposal_type,
        responsible_unit_id: req.responsible_unit_id,
        deadline: req.deadline,
        steps: req
            .steps
            .into_iter()
            .map(|s| StepInput {
                id: s.id,
                content: s.content,
                due_on: s.due_on,
            })
            .collect(),
    };
    let d = wujin_app::low_end::plan(&state.app, &user.ctx, id, &input).await?;
    Ok(Json(d.into()))
}

/// Report progress on a confirmed case: its town, the evaluation office or staff of the
/// responsible unit. Audited.
#[utoipa::path(post, path = "/api/v1/evaluation/low-end/{id}/progress", tag = "low_end", params(("id" = i64, Path, description = "case id")), request_body = ProgressRequest,
    responses((status = 201, body = StepDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<ProgressRequest>,
) -> Result<(StatusCode, Json<StepDto>), ApiError> {
    let s = wujin_app::low_end::progress(&state.app, &user.ctx, id, &req.content).await?;
    Ok(created(s.into()))
}

/// Mark a planned step done (its town, the evaluation office or the responsible unit).
#[utoipa::path(post, path = "/api/v1/evaluation/low-end/{id}/steps/{step_id}/done", tag = "low_end",
    params(("id" = i64, Path, description = "case id"), ("step_id" = i64, Path, description = "step id")),
    responses((status = 200, body = StepDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the step is already done, or the case is not open", body = ErrorBody)))]
pub async fn step_done(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, step_id)): Path<(i64, i64)>,
) -> Result<Json<StepDto>, ApiError> {
    let s = wujin_app::low_end::complete_step(&state.app, &user.ctx, id, step_id).await?;
    Ok(Json(s.into()))
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError(AppError::field("files", "error.attachment.too_large"))
    } else {
        ApiError(AppError::Validation(vec![FieldError::with_detail(
            "files",
            "error.low_end.upload_broken",
            e.body_text(),
        )]))
    }
}

fn number(field: &str, key: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errors.push(FieldError::with_detail(field, key, s));
            None
        }
    }
}

/// 销号: close a confirmed case with a note and evidence (`multipart/form-data`; files in
/// `files`); a shutdown needs every item of the 两断三清 checklist — the missing items are named
/// in the 422. Records the land and energy freed. The case's town or the evaluation office;
/// the case is read-only afterwards.
#[utoipa::path(post, path = "/api/v1/evaluation/low-end/{id}/close", tag = "low_end", params(("id" = i64, Path, description = "case id")),
    request_body(content = CloseForm, content_type = "multipart/form-data"),
    responses((status = 200, body = CaseDetailDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the case is not confirmed (or already closed)", body = ErrorBody),
        (status = 422, description = "no note, no evidence, an incomplete checklist (`checklist` and one field per missing item), a bad file or figure", body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    mut mp: Multipart,
) -> Result<Json<CaseDetailDto>, ApiError> {
    let mut note = String::new();
    let mut land = String::new();
    let mut energy = String::new();
    let mut checklist = ShutdownChecklist::default();
    let mut files = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" {
            let filename = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(multipart_error)?.to_vec();
            if !(filename.is_empty() && bytes.is_empty()) {
                files.push(NewFile { filename, bytes });
            }
            continue;
        }
        let value = field.text().await.map_err(multipart_error)?;
        let on = matches!(value.trim(), "1" | "true" | "on");
        match name.as_str() {
            "note" => note = value,
            "land_mu_freed" => land = value,
            "energy_tce_freed" => energy = value,
            "power_cut" => checklist.power_cut = on,
            "water_cut" => checklist.water_cut = on,
            "raw_materials_cleared" => checklist.raw_materials_cleared = on,
            "products_cleared" => checklist.products_cleared = on,
            "equipment_cleared" => checklist.equipment_cleared = on,
            _ => {}
        }
    }
    let mut errors = Vec::new();
    let land = number(
        "land_mu_freed",
        "error.low_end.land_invalid",
        &land,
        &mut errors,
    );
    let energy = number(
        "energy_tce_freed",
        "error.low_end.energy_invalid",
        &energy,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError(AppError::Validation(errors)));
    }
    let d = wujin_app::low_end::close(
        &state.app,
        &user.ctx,
        id,
        CloseInput {
            note,
            checklist,
            land_mu_freed: land,
            energy_tce_freed: energy,
            files,
        },
    )
    .await?;
    Ok(Json(d.into()))
}

/// One evidence file of a case the caller reaches, as a download.
#[utoipa::path(get, path = "/api/v1/evaluation/low-end/{id}/attachments/{attachment_id}", tag = "low_end",
    params(("id" = i64, Path, description = "case id"), ("attachment_id" = i64, Path, description = "attachment id")),
    responses((status = 200, description = "the file, with its type"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn attachment(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, attachment_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (info, bytes) =
        wujin_app::low_end::attachment(&state.app, &user.ctx, id, attachment_id).await?;
    Ok(file_response(&info, bytes))
}
