//! The evaluation's runs and results: the runs list, a run's results table (filters, 公示 export), each firm's explanation, the class distribution per town and group, and the class-migration matrix between two runs.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use wujin_app::evaluation::explain::Explanation;
use wujin_app::evaluation::results::{
    Distribution, DistributionRow, Migration, MigrationFirm, ResultFilter, ResultRow, RunFilter,
    RunView,
};
use wujin_domain::evaluation::{Grade, Lift, Target, display_points};

use crate::api::registry::xlsx_download;
use crate::api::{ApiJson, ApiQuery, ErrorBody, ListBody, PageQuery, created, invalid};
use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::i18n::Lang;
use crate::pages::evaluation::results::fmt::{
    indicator_label, indicator_unit, item_line, reason_text,
};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/evaluation/runs", get(list_runs).post(create_run))
        .route("/evaluation/runs/{id}", get(show_run))
        .route("/evaluation/runs/{id}/results", get(results))
        .route("/evaluation/runs/{id}/results.xlsx", get(results_xlsx))
        .route(
            "/evaluation/runs/{id}/results/{enterprise_id}",
            get(explanation),
        )
        .route("/evaluation/runs/{id}/distribution", get(distribution))
        .route("/evaluation/migration", get(migration))
}

/// An evaluation run.
#[derive(Serialize, ToSchema)]
pub struct RunDto {
    pub id: i64,
    pub year: i32,
    pub scheme_id: i64,
    pub scheme_name: String,
    /// draft | published | final | superseded
    pub status: String,
    /// Firms in the run (graded, unrated and listed only).
    pub firms: i64,
    /// Firms per class in the whole run ("A" … "D"); unrated firms in the class they are
    /// managed as.
    pub by_grade: BTreeMap<String, u64>,
    /// 规下 firms below the land threshold: listed, not graded (不参评).
    pub listed_only: u64,
    /// SHA-256 of the run's inputs and scheme: equal inputs give equal results.
    pub inputs_sha256: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub publicity_ends_at: Option<DateTime<Utc>>,
    pub finalised_at: Option<DateTime<Utc>>,
    /// The run this one corrects.
    pub supersedes_run_id: Option<i64>,
    pub note: Option<String>,
}

impl From<RunView> for RunDto {
    fn from(r: RunView) -> Self {
        RunDto {
            id: r.id,
            year: r.year,
            scheme_id: r.scheme_id,
            scheme_name: r.scheme_name,
            status: r.status,
            firms: r.firms,
            by_grade: r.by_grade,
            listed_only: r.listed_only,
            inputs_sha256: r.inputs_sha256,
            created_at: r.created_at,
            created_by: r.created_by,
            created_by_name: r.created_by_name,
            published_at: r.published_at,
            publicity_ends_at: r.publicity_ends_at,
            finalised_at: r.finalised_at,
            supersedes_run_id: r.supersedes_run_id,
            note: r.note,
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct RunListQuery {
    /// Runs of this year.
    pub year: Option<i32>,
    /// draft (evaluation office only) | published | final | superseded
    pub status: Option<String>,
}

/// List the evaluation runs, newest first. The evaluation office sees drafts too; everyone
/// else the published, final and superseded runs.
#[utoipa::path(get, path = "/api/v1/evaluation/runs", tag = "evaluation", params(RunListQuery, PageQuery),
    responses((status = 200, body = ListBody<RunDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_runs(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<RunListQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<RunDto>>, ApiError> {
    let p = wujin_app::evaluation::results::list_runs(
        &state.app,
        &user.ctx,
        &RunFilter {
            year: q.year,
            status: q.status,
        },
        page.request(),
    )
    .await?;
    Ok(Json(p.into()))
}

/// What to evaluate.
#[derive(Deserialize, ToSchema)]
pub struct RunRequest {
    /// The year of the figures, 1990–2100.
    pub year: i32,
    /// The scheme's name (default: the year's default scheme, created on first use with the
    /// county's averages as benchmarks).
    pub scheme: Option<String>,
}

/// What a new run produced.
#[derive(Serialize, ToSchema)]
pub struct RunSummaryDto {
    pub run_id: i64,
    pub year: i32,
    pub scheme: String,
    pub firms: usize,
    /// Firms per class ("A" … "D"), unrated firms in the class they are managed as.
    pub by_grade: BTreeMap<String, usize>,
    /// 规下 firms below the land threshold: listed, not graded.
    pub listed_only: usize,
    pub inputs_sha256: String,
}

/// Evaluate a year (the evaluation office): every firm with figures scored, ranked and classed
/// under the scheme, stored as a draft run. Audited.
#[utoipa::path(post, path = "/api/v1/evaluation/runs", tag = "evaluation", request_body = RunRequest,
    responses((status = 201, body = RunSummaryDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "a year out of range or without figures, or an unknown scheme; nothing was stored", body = ErrorBody)))]
pub async fn create_run(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(req): ApiJson<RunRequest>,
) -> Result<(StatusCode, Json<RunSummaryDto>), ApiError> {
    let s = wujin_app::evaluation::run(
        &state.app,
        &user.ctx,
        req.year,
        req.scheme
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
    )
    .await?;
    Ok(created(RunSummaryDto {
        run_id: s.run_id,
        year: s.year,
        scheme: s.scheme,
        firms: s.firms,
        by_grade: s.by_grade,
        listed_only: s.listed_only,
        inputs_sha256: s.inputs_sha256,
    }))
}

/// One run's summary (404 for a draft unless the caller is the evaluation office).
#[utoipa::path(get, path = "/api/v1/evaluation/runs/{id}", tag = "evaluation", params(("id" = i64, Path, description = "run id")),
    responses((status = 200, body = RunDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show_run(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RunDto>, ApiError> {
    Ok(Json(
        wujin_app::evaluation::results::get_run(&state.app, &user.ctx, id)
            .await?
            .into(),
    ))
}

/// The filters and sort of a run's results.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ResultQuery {
    /// A | B | C | D | listed (不参评: listed only) | unrated (不定级: managed as a class)
    pub grade: Option<String>,
    /// Industry group id (see `/api/v1/industry-groups`).
    pub group: Option<i64>,
    /// Town (unit id).
    pub town: Option<i64>,
    /// above (规上) | below (规下)
    pub scale: Option<String>,
    /// Part of the firm's name, or its credit code.
    pub q: Option<String>,
    /// score (default) | rank | name
    pub sort: Option<String>,
    /// asc | desc (default: desc for score, asc otherwise)
    pub dir: Option<String>,
}

impl ResultQuery {
    fn filter(self) -> ResultFilter {
        ResultFilter {
            grade: self.grade,
            group: self.group,
            town: self.town,
            scale: self.scale,
            q: self.q,
            sort: self.sort,
            dir: self.dir,
        }
    }
}

/// One firm's result in a run.
#[derive(Serialize, ToSchema)]
pub struct ResultDto {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub town_id: i64,
    pub town_name: String,
    /// above | below, as the run ranked the firm.
    pub scale: Option<String>,
    pub industry_group_id: Option<i64>,
    pub industry_group_name: String,
    /// The ranking group (`above/3`: scale and industry group).
    pub group_key: String,
    /// Full precision.
    pub total: f64,
    /// Two decimals, as shown (ranks and classes use the full precision).
    pub total_display: String,
    pub rank: Option<i64>,
    /// Ranked firms in the group.
    pub group_size: Option<u64>,
    /// rank ÷ group size.
    pub percentile: Option<f64>,
    /// The class by rank, before vetoes.
    pub grade_by_rank: Option<String>,
    /// The class (after vetoes, or the class an unrated firm is managed as); absent when
    /// listed only.
    pub grade: Option<String>,
    pub listed_only: bool,
    pub unrated: bool,
}

impl From<ResultRow> for ResultDto {
    fn from(r: ResultRow) -> Self {
        ResultDto {
            total_display: display_points(r.total),
            enterprise_id: r.enterprise_id,
            name: r.name,
            credit_code: r.credit_code,
            town_id: r.town_id,
            town_name: r.town_name,
            scale: r.scale,
            industry_group_id: r.industry_group_id,
            industry_group_name: r.industry_group_name,
            group_key: r.group_key,
            total: r.total,
            rank: r.rank,
            group_size: r.group_size,
            percentile: r.percentile,
            grade_by_rank: r.grade_by_rank,
            grade: r.grade,
            listed_only: r.listed_only,
            unrated: r.unrated,
        }
    }
}

/// A run's results within the caller's data scope: filtered, sorted, paged.
#[utoipa::path(get, path = "/api/v1/evaluation/runs/{id}/results", tag = "evaluation",
    params(("id" = i64, Path, description = "run id"), ResultQuery, PageQuery),
    responses((status = 200, body = ListBody<ResultDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, description = "an unknown filter or sort value", body = ErrorBody)))]
pub async fn results(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<ResultQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<ListBody<ResultDto>>, ApiError> {
    let p = wujin_app::evaluation::results::results(
        &state.app,
        &user.ctx,
        id,
        &q.filter(),
        page.request(),
    )
    .await?;
    Ok(Json(p.into()))
}

/// A run's results (filtered like `…/results`, every page) as the 公示 workbook: 序号, 企业名称,
/// 统一社会信用代码, 所属镇街, 行业, 规模, 用地面积(亩), each indicator's value, 得分 (two
/// decimals), 排名 (rank / firms ranked in the group), 类别 (A–D, 不参评, or the class an
/// unrated firm is managed as, marked 不定级).
#[utoipa::path(get, path = "/api/v1/evaluation/runs/{id}/results.xlsx", tag = "evaluation",
    params(("id" = i64, Path, description = "run id"), ResultQuery),
    responses((status = 200, description = "the workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn results_xlsx(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<ResultQuery>,
) -> Result<Response, ApiError> {
    let run = wujin_app::evaluation::results::get_run(&state.app, &user.ctx, id).await?;
    let (bytes, _) = wujin_app::evaluation::results::export_xlsx(
        &state.app,
        &user.ctx,
        id,
        &q.filter(),
        &mut |_, _| {},
    )
    .await?;
    Ok(xlsx_download(
        &format!("{}年度亩均效益评价结果-{id}.xlsx", run.year),
        bytes,
    ))
}

/// One scored item.
#[derive(Serialize, ToSchema)]
pub struct ItemDto {
    /// tax_per_mu | va_per_mu | va_per_energy | va_per_emission | labour_productivity |
    /// rd_ratio | tax_per_kwh
    pub indicator: String,
    pub label: String,
    pub label_en: String,
    /// The value's unit (empty for ratios).
    pub unit: String,
    /// The firm's value; absent when a figure was missing.
    pub value: Option<f64>,
    pub benchmark: f64,
    pub weight: f64,
    /// Full-precision points.
    pub points: Option<f64>,
    /// Reached the per-item cap.
    pub capped: bool,
    /// The points are the group's average (the value was missing).
    pub filled: bool,
    /// The arithmetic: `亩均税收 30.00 万元/亩 ÷ 基准 24.097 × 30 = 37.35`.
    pub line: String,
    pub line_en: String,
}

/// The smallest change of one indicator (all else equal) that reaches the next class.
#[derive(Serialize, ToSchema)]
pub struct LiftDto {
    pub indicator: String,
    /// reach (raise the value from `from` to `to`) | capped (the item's cap, `max_points`,
    /// stays short) | missing (no value: the figure has to be reported first)
    pub kind: String,
    pub from: Option<f64>,
    /// The smallest value at the shown precision that reaches the boundary.
    pub to: Option<f64>,
    /// The unrounded value.
    pub exact: Option<f64>,
    pub max_points: Option<f64>,
    pub text: String,
    pub text_en: String,
}

/// The next class up and what it takes.
#[derive(Serialize, ToSchema)]
pub struct TargetDto {
    /// top (already A) | not_ranked (listed only or unrated) | vetoed | none_in_group (the
    /// group is too small for a better class) | boundary
    pub kind: String,
    /// The class it would get.
    pub better: Option<String>,
    /// The total to reach: the lowest total in the group that got that class.
    pub boundary: Option<f64>,
    /// Points short of the boundary.
    pub gap: Option<f64>,
    /// at_best_c | force_d, when a veto blocks.
    pub veto: Option<String>,
    pub text: String,
    pub text_en: String,
}

/// A firm's result explained.
#[derive(Serialize, ToSchema)]
pub struct ExplanationDto {
    pub run_id: i64,
    pub year: i32,
    pub run_status: String,
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    /// above | below
    pub scale: Option<String>,
    pub industry_group_id: Option<i64>,
    pub industry_group_name: String,
    /// The ranking group (scale and industry group).
    pub group: String,
    pub items: Vec<ItemDto>,
    /// Bonus and penalty points included in the total.
    pub adjustment: f64,
    /// Full precision.
    pub total: f64,
    /// Two decimals, as shown; ranks and classes use the full precision.
    pub total_display: String,
    pub rank: Option<i64>,
    pub group_size: u64,
    /// rank ÷ group size.
    pub percentile: Option<f64>,
    /// The cut of the firm's class by rank, as a share of the group (0.2 = the top 20 %);
    /// absent for D (the rest) and for firms not ranked.
    pub cut: Option<f64>,
    /// The cut of the class above, as a share.
    pub cut_above: Option<f64>,
    /// The class by rank, before vetoes.
    pub grade_by_rank: Option<String>,
    /// The class; absent when listed only.
    pub grade: Option<String>,
    pub listed_only: bool,
    pub unrated: bool,
    /// The reasons as recorded (`{"kind": "veto", "flag": …, "veto": …}`, `filled_from_group_average`,
    /// `unrated`, `below_land_threshold`, `adjustment`), each with its text.
    #[schema(value_type = Vec<Object>)]
    pub reasons: Vec<serde_json::Value>,
    pub target: TargetDto,
    pub lifts: Vec<LiftDto>,
}

fn grade_str(g: Option<Grade>) -> Option<String> {
    g.map(|g| g.as_str().to_string())
}

fn explanation_dto(e: Explanation) -> ExplanationDto {
    use crate::pages::evaluation::results::fmt::{lift_text, target_text};
    let share = |bp: u32| f64::from(bp) / 10_000.0;
    let (kind, better, boundary, gap, veto) = match e.target {
        Target::Top => ("top", None, None, None, None),
        Target::NotRanked => ("not_ranked", None, None, None, None),
        Target::Vetoed { veto } => (
            "vetoed",
            None,
            None,
            None,
            serde_json::to_value(veto)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string)),
        ),
        Target::NoneInGroup { better } => ("none_in_group", Some(better), None, None, None),
        Target::Boundary {
            better,
            boundary,
            gap,
        } => ("boundary", Some(better), Some(boundary), Some(gap), None),
    };
    let target = TargetDto {
        kind: kind.to_string(),
        better: grade_str(better),
        boundary,
        gap,
        veto,
        text: target_text(Lang::ZhCn, &e),
        text_en: target_text(Lang::En, &e),
    };
    let lifts = e
        .items
        .iter()
        .filter_map(|it| {
            let l = it.lift?;
            let (kind, from, to, exact, max_points) = match l {
                Lift::Reach { from, to, exact } => {
                    ("reach", Some(from), Some(to), Some(exact), None)
                }
                Lift::Capped { max_points } => ("capped", None, None, None, Some(max_points)),
                Lift::Missing => ("missing", None, None, None, None),
            };
            Some(LiftDto {
                indicator: it.indicator.as_str().to_string(),
                kind: kind.to_string(),
                from,
                to,
                exact,
                max_points,
                text: lift_text(Lang::ZhCn, it).unwrap_or_default(),
                text_en: lift_text(Lang::En, it).unwrap_or_default(),
            })
        })
        .collect();
    let items = e
        .items
        .iter()
        .map(|it| ItemDto {
            indicator: it.indicator.as_str().to_string(),
            label: indicator_label(Lang::ZhCn, it.indicator),
            label_en: indicator_label(Lang::En, it.indicator),
            unit: indicator_unit(Lang::ZhCn, it.indicator),
            value: it.value,
            benchmark: it.benchmark,
            weight: it.weight,
            points: it.points,
            capped: it.capped,
            filled: it.filled,
            line: it.line.clone(),
            line_en: item_line(Lang::En, it),
        })
        .collect();
    let reasons = e
        .reasons
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if let Some(o) = r.as_object_mut() {
                let value = serde_json::Value::Object(o.clone());
                o.insert("text".into(), reason_text(Lang::ZhCn, &value).into());
                o.insert("text_en".into(), reason_text(Lang::En, &value).into());
            }
            r
        })
        .collect();
    ExplanationDto {
        run_id: e.run.id,
        year: e.run.year,
        run_status: e.run.status.clone(),
        enterprise_id: e.enterprise_id,
        name: e.name.clone(),
        credit_code: e.credit_code.clone(),
        scale: e.scale.clone(),
        industry_group_id: e.industry_group_id,
        industry_group_name: e.industry_group_name.clone(),
        group: e.group_key.clone(),
        items,
        adjustment: e.adjustment,
        total: e.total,
        total_display: display_points(e.total),
        rank: e.rank,
        group_size: e.group_size,
        percentile: e.percentile,
        cut: e.standing.and_then(|s| s.cut).map(share),
        cut_above: e.standing.and_then(|s| s.cut_above).map(share),
        grade_by_rank: grade_str(e.grade_by_rank),
        grade: grade_str(e.grade),
        listed_only: e.listed_only,
        unrated: e.unrated,
        reasons,
        target,
        lifts,
    }
}

/// One firm's result explained: every item as arithmetic, the total, the group, the rank,
/// the class against its cut, the reasons, and what would lift it a class (per indicator,
/// all else equal). An enterprise user reaches only their own firm, a town only its firms;
/// anything else is 404.
#[utoipa::path(get, path = "/api/v1/evaluation/runs/{id}/results/{enterprise_id}", tag = "evaluation",
    params(("id" = i64, Path, description = "run id"), ("enterprise_id" = i64, Path, description = "firm id")),
    responses((status = 200, body = ExplanationDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn explanation(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, enterprise_id)): Path<(i64, i64)>,
) -> Result<Json<ExplanationDto>, ApiError> {
    let e =
        wujin_app::evaluation::explain::explain(&state.app, &user.ctx, id, enterprise_id).await?;
    Ok(Json(explanation_dto(e)))
}

/// Firms per class in one town, industry group, or in all.
#[derive(Serialize, ToSchema)]
pub struct DistributionRowDto {
    /// Town or industry group id; absent for the total.
    pub id: Option<i64>,
    pub name: String,
    /// Firms per class, "A" … "D".
    pub counts: BTreeMap<String, u64>,
    /// Shares of the graded firms, "A" … "D" (0–1).
    pub shares: BTreeMap<String, f64>,
    pub graded: u64,
    pub listed_only: u64,
}

impl From<&DistributionRow> for DistributionRowDto {
    fn from(r: &DistributionRow) -> Self {
        DistributionRowDto {
            id: r.id,
            name: r.name.clone(),
            counts: Grade::ALL
                .iter()
                .enumerate()
                .map(|(i, g)| (g.as_str().to_string(), r.counts[i]))
                .collect(),
            shares: Grade::ALL
                .iter()
                .enumerate()
                .map(|(i, g)| (g.as_str().to_string(), r.share(i)))
                .collect(),
            graded: r.graded(),
            listed_only: r.listed_only,
        }
    }
}

/// A run's classes per town and per industry group, within the caller's scope.
#[derive(Serialize, ToSchema)]
pub struct DistributionDto {
    pub run: RunDto,
    pub by_town: Vec<DistributionRowDto>,
    pub by_group: Vec<DistributionRowDto>,
    pub total: DistributionRowDto,
}

impl From<Distribution> for DistributionDto {
    fn from(d: Distribution) -> Self {
        DistributionDto {
            by_town: d.by_town.iter().map(Into::into).collect(),
            by_group: d.by_group.iter().map(Into::into).collect(),
            total: (&d.total).into(),
            run: d.run.into(),
        }
    }
}

/// The class distribution of a run per town and per industry group, and the total (counts
/// and shares), within the caller's data scope.
#[utoipa::path(get, path = "/api/v1/evaluation/runs/{id}/distribution", tag = "evaluation", params(("id" = i64, Path, description = "run id")),
    responses((status = 200, body = DistributionDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn distribution(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<DistributionDto>, ApiError> {
    Ok(Json(
        wujin_app::evaluation::results::distribution(&state.app, &user.ctx, id)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct MigrationQuery {
    /// The earlier run (default: with `to`, the latest non-draft run of the year before the
    /// latest year that has one).
    pub from: Option<i64>,
    /// The later run.
    pub to: Option<i64>,
    /// With `to_grade`: list the firms of that cell. A | B | C | D | none (listed only, or
    /// not in the run).
    pub from_grade: Option<String>,
    pub to_grade: Option<String>,
}

/// A firm of a migration cell.
#[derive(Serialize, ToSchema)]
pub struct MigrationFirmDto {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub town_name: String,
    /// A | B | C | D | none
    pub from_grade: String,
    pub to_grade: String,
    pub from_total: Option<f64>,
    pub to_total: Option<f64>,
}

impl From<MigrationFirm> for MigrationFirmDto {
    fn from(f: MigrationFirm) -> Self {
        MigrationFirmDto {
            enterprise_id: f.enterprise_id,
            name: f.name,
            credit_code: f.credit_code,
            town_name: f.town_name,
            from_grade: f.from_grade,
            to_grade: f.to_grade,
            from_total: f.from_total,
            to_total: f.to_total,
        }
    }
}

/// The class migration between two runs.
#[derive(Serialize, ToSchema)]
pub struct MigrationDto {
    pub from: RunDto,
    pub to: RunDto,
    /// The row and column classes: A, B, C, D, none (listed only, or not in that run).
    pub classes: Vec<String>,
    /// `cells[i][j]`: firms in class `classes[i]` in `from` and `classes[j]` in `to`.
    pub cells: Vec<Vec<u64>>,
    /// Firms in either run (the sum of the cells).
    pub total: u64,
    /// The firms of the cell asked for with `from_grade` and `to_grade`, paged.
    pub firms: Option<ListBody<MigrationFirmDto>>,
}

/// The class-migration matrix between two runs within the caller's scope, and the firms of
/// one cell when `from_grade` and `to_grade` are given. Without `from` and `to`, the two latest
/// non-draft runs of consecutive years (404 when there are none).
#[utoipa::path(get, path = "/api/v1/evaluation/migration", tag = "evaluation", params(MigrationQuery, PageQuery),
    responses((status = 200, body = MigrationDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn migration(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<MigrationQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<MigrationDto>, ApiError> {
    let app = &state.app;
    let (from, to) = match (q.from, q.to) {
        (Some(f), Some(t)) => (f, t),
        (None, None) => wujin_app::evaluation::results::default_migration(app, &user.ctx)
            .await?
            .ok_or(ApiError(wujin_app::AppError::NotFound))?,
        (None, Some(_)) => return Err(invalid("from", "error.eval_results.migration_run", "")),
        (Some(_), None) => return Err(invalid("to", "error.eval_results.migration_run", "")),
    };
    let m: Migration = wujin_app::evaluation::results::migration(app, &user.ctx, from, to).await?;
    let firms = match (q.from_grade.as_deref(), q.to_grade.as_deref()) {
        (None, None) => None,
        (Some(fg), Some(tg)) => Some(
            wujin_app::evaluation::results::migration_firms(
                app,
                &user.ctx,
                from,
                to,
                fg,
                tg,
                page.request(),
            )
            .await?
            .into(),
        ),
        (None, Some(_)) => {
            return Err(invalid(
                "from_grade",
                "error.eval_results.migration_grade",
                "",
            ));
        }
        (Some(_), None) => {
            return Err(invalid(
                "to_grade",
                "error.eval_results.migration_grade",
                "",
            ));
        }
    };
    Ok(Json(MigrationDto {
        classes: wujin_app::evaluation::results::MIGRATION_CLASSES
            .iter()
            .map(|c| c.to_string())
            .collect(),
        cells: m.cells.iter().map(|r| r.to_vec()).collect(),
        total: m.total,
        from: m.from.into(),
        to: m.to.into(),
        firms,
    }))
}

/// This part of the API document.
#[derive(OpenApi)]
#[openapi(
    paths(list_runs, create_run, show_run, results, results_xlsx, explanation, distribution, migration),
    components(schemas(RunDto, RunRequest, RunSummaryDto, ResultDto, ItemDto, LiftDto, TargetDto, ExplanationDto,
        DistributionRowDto, DistributionDto, MigrationDto, MigrationFirmDto)),
    tags((name = "evaluation", description = "The 亩均效益综合评价: runs, results within the caller's data scope, explanations, the class distribution and migration."))
)]
pub struct Doc;
