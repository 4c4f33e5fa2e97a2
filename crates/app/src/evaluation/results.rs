//! Runs and their results as people read them: the runs list, one run's summary, the results
//! table (filters, sorting, pages), the 公示 workbook, the class distribution per town and
//! industry group, and the class migration between two runs.
//!
//! Every list and count of firms is narrowed by the caller's data scope: a firm outside it is
//! neither listed nor counted. Draft runs are seen by the evaluation office only; to anyone
//! else they do not exist (404). A run's own summary (its firms per class) is the city's.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, NullOrdering, Order, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationDef, Select,
};
use serde::{Deserialize, Serialize};
use wujin_domain::access::{Permission, Role};
use wujin_domain::credit_code::CreditCode;
use wujin_domain::enterprise::Scale;
use wujin_domain::evaluation::scoring::display_value;
use wujin_domain::evaluation::{EvaluationScheme, Grade, Indicator, ItemScore, display_points};
use wujin_storage::dialect::contains_ci;
use wujin_storage::entity::{
    app_user, enterprise, evaluation_result, evaluation_run, evaluation_scheme, industry_group,
    yearly_figures,
};
use wujin_xlsx::write::{ExportColumn, ExportFormat, ExportValue, export_table};

use super::is_office;
use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::page::{Page, PageRequest, SortDir};
use crate::registry::EnterpriseScope;
use crate::registry::land::land_for_firms;

/// The statuses of a run, in the order of its life.
pub const STATUSES: [&str; 4] = ["draft", "published", "final", "superseded"];

/// The classes of the migration matrix: A–D, and `none` — not graded in that run (listed
/// only) or not in it at all.
pub const MIGRATION_CLASSES: [&str; 5] = ["A", "B", "C", "D", "none"];

/// A run as lists and pages show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RunView {
    pub id: i64,
    pub year: i32,
    pub scheme_id: i64,
    pub scheme_name: String,
    /// draft | published | final | superseded
    pub status: String,
    /// Firms in the run (graded, unrated and listed only).
    pub firms: i64,
    /// Firms per class in the whole run (A–D); unrated firms in the class they are managed as.
    pub by_grade: BTreeMap<String, u64>,
    /// 规下 firms below the land threshold: listed, not graded.
    pub listed_only: u64,
    pub inputs_sha256: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub publicity_ends_at: Option<DateTime<Utc>>,
    pub finalised_at: Option<DateTime<Utc>>,
    pub supersedes_run_id: Option<i64>,
    pub note: Option<String>,
}

/// Filters of the runs list.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct RunFilter {
    pub year: Option<i32>,
    /// draft | published | final | superseded
    pub status: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn invalid(field: &str, key: &str, value: &str) -> AppError {
    AppError::Validation(vec![FieldError::with_detail(field, key, value)])
}

/// The run `id` if the caller may read it: drafts only for the evaluation office.
pub async fn find_run(app: &App, ctx: &Ctx, id: i64) -> AppResult<evaluation_run::Model> {
    ctx.require(Permission::ViewEvaluation)?;
    let run = evaluation_run::Entity::find_by_id(id)
        .one(app.db.read())
        .await?
        .ok_or(AppError::NotFound)?;
    if run.status == "draft" && !is_office(app, ctx).await? {
        return Err(AppError::NotFound);
    }
    Ok(run)
}

/// The scheme a run was computed under.
pub async fn scheme_of(
    db: &impl ConnectionTrait,
    run: &evaluation_run::Model,
) -> AppResult<(evaluation_scheme::Model, EvaluationScheme)> {
    let m = evaluation_scheme::Entity::find_by_id(run.scheme_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Internal(format!("run {} has no scheme", run.id)))?;
    let s = EvaluationScheme::read_toml(&m.toml)
        .map_err(|e| AppError::Internal(format!("scheme {}: {e}", m.id)))?;
    Ok((m, s))
}

async fn views(
    db: &impl ConnectionTrait,
    runs: Vec<evaluation_run::Model>,
) -> AppResult<Vec<RunView>> {
    let ids: Vec<i64> = runs.iter().map(|r| r.id).collect();
    let mut counts: HashMap<i64, (BTreeMap<String, u64>, u64)> = HashMap::new();
    if !ids.is_empty() {
        let rows: Vec<(i64, Option<String>, i64)> = evaluation_result::Entity::find()
            .select_only()
            .column(evaluation_result::Column::RunId)
            .column(evaluation_result::Column::Grade)
            .column_as(evaluation_result::Column::Id.count(), "n")
            .filter(evaluation_result::Column::RunId.is_in(ids))
            .group_by(evaluation_result::Column::RunId)
            .group_by(evaluation_result::Column::Grade)
            .into_tuple()
            .all(db)
            .await?;
        for (run, grade, n) in rows {
            let e = counts.entry(run).or_default();
            match grade {
                Some(g) => *e.0.entry(g).or_default() += n as u64,
                None => e.1 += n as u64,
            }
        }
    }
    let scheme_ids: Vec<i64> = runs.iter().map(|r| r.scheme_id).collect();
    let schemes: HashMap<i64, String> = evaluation_scheme::Entity::find()
        .filter(evaluation_scheme::Column::Id.is_in(scheme_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let user_ids: Vec<i64> = runs.iter().filter_map(|r| r.created_by).collect();
    let users: HashMap<i64, String> = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(runs
        .into_iter()
        .map(|r| {
            let (mut by_grade, listed_only) = counts.remove(&r.id).unwrap_or_default();
            for g in Grade::ALL {
                by_grade.entry(g.as_str().to_string()).or_insert(0);
            }
            RunView {
                id: r.id,
                year: r.year,
                scheme_id: r.scheme_id,
                scheme_name: schemes.get(&r.scheme_id).cloned().unwrap_or_default(),
                status: r.status,
                firms: i64::from(r.firms),
                by_grade,
                listed_only,
                inputs_sha256: r.inputs_sha256,
                created_at: r.created_at,
                created_by: r.created_by,
                created_by_name: r.created_by.and_then(|u| users.get(&u).cloned()),
                published_at: r.published_at,
                publicity_ends_at: r.publicity_ends_at,
                finalised_at: r.finalised_at,
                supersedes_run_id: r.supersedes_run_id,
                note: r.note,
            }
        })
        .collect())
}

/// One run's summary.
pub async fn get_run(app: &App, ctx: &Ctx, id: i64) -> AppResult<RunView> {
    let run = find_run(app, ctx, id).await?;
    Ok(views(app.db.read(), vec![run]).await?.remove(0))
}

/// The runs the caller may read, newest first: every run for the evaluation office, the
/// published, final and superseded ones for everyone else.
pub async fn list_runs(
    app: &App,
    ctx: &Ctx,
    f: &RunFilter,
    page: PageRequest,
) -> AppResult<Page<RunView>> {
    ctx.require(Permission::ViewEvaluation)?;
    let db = app.db.read();
    let mut q = evaluation_run::Entity::find();
    if !is_office(app, ctx).await? {
        q = q.filter(evaluation_run::Column::Status.ne("draft"));
    }
    if let Some(y) = f.year {
        q = q.filter(evaluation_run::Column::Year.eq(y));
    }
    if let Some(s) = non_empty(&f.status) {
        if !STATUSES.contains(&s) {
            return Err(invalid("status", "error.eval_results.status", s));
        }
        q = q.filter(evaluation_run::Column::Status.eq(s));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(evaluation_run::Column::Year)
        .order_by_desc(evaluation_run::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(db)
        .await?;
    Ok(Page {
        items: views(db, rows).await?,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// A run to pick (migration pickers).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RunChoice {
    pub id: i64,
    pub year: i32,
    pub status: String,
}

/// Every run the caller may read, newest first.
pub async fn run_choices(app: &App, ctx: &Ctx) -> AppResult<Vec<RunChoice>> {
    ctx.require(Permission::ViewEvaluation)?;
    let mut q = evaluation_run::Entity::find();
    if !is_office(app, ctx).await? {
        q = q.filter(evaluation_run::Column::Status.ne("draft"));
    }
    Ok(q.order_by_desc(evaluation_run::Column::Year)
        .order_by_desc(evaluation_run::Column::Id)
        .all(app.db.read())
        .await?
        .into_iter()
        .map(|r| RunChoice {
            id: r.id,
            year: r.year,
            status: r.status,
        })
        .collect())
}

/// A scheme the office may run a year under.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SchemeChoice {
    pub id: i64,
    pub name: String,
    pub year: i32,
}

/// The stored schemes, newest year first.
pub async fn scheme_choices(app: &App, ctx: &Ctx) -> AppResult<Vec<SchemeChoice>> {
    ctx.require(Permission::ViewEvaluation)?;
    Ok(evaluation_scheme::Entity::find()
        .order_by_desc(evaluation_scheme::Column::Year)
        .order_by_asc(evaluation_scheme::Column::Name)
        .all(app.db.read())
        .await?
        .into_iter()
        .map(|s| SchemeChoice {
            id: s.id,
            name: s.name,
            year: s.year,
        })
        .collect())
}

/// For an enterprise user: (run, firm) of their firm's result in the latest published or final
/// run, if there is one.
pub async fn own_latest(app: &App, ctx: &Ctx) -> AppResult<Option<(i64, i64)>> {
    ctx.require(Permission::ViewEvaluation)?;
    let (Role::Enterprise, Some(firm)) = (ctx.actor.role, ctx.actor.enterprise_id) else {
        return Ok(None);
    };
    let db = app.db.read();
    let runs: Vec<i64> = evaluation_run::Entity::find()
        .select_only()
        .column(evaluation_run::Column::Id)
        .filter(evaluation_run::Column::Status.is_in(["published", "final"]))
        .order_by_desc(evaluation_run::Column::Year)
        .order_by_desc(evaluation_run::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for run in runs {
        let found = evaluation_result::Entity::find()
            .filter(evaluation_result::Column::RunId.eq(run))
            .filter(evaluation_result::Column::EnterpriseId.eq(firm))
            .count(db)
            .await?;
        if found > 0 {
            return Ok(Some((run, firm)));
        }
    }
    Ok(None)
}

/// The scale and industry group of a group key (`above/12`, `below/3`, or just `above` when
/// a scheme ranks within scales only).
pub fn parse_group_key(key: &str) -> (Option<Scale>, Option<i64>) {
    match key.split_once('/') {
        Some((scale, group)) => (Scale::parse(scale), group.parse().ok()),
        None => (Scale::parse(key), None),
    }
}

/// Filters and sort of a run's results (and of their export).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct ResultFilter {
    /// A | B | C | D | listed (listed only, 不参评) | unrated (managed as a class, 不定级)
    pub grade: Option<String>,
    /// Industry group id.
    pub group: Option<i64>,
    /// Town (unit id).
    pub town: Option<i64>,
    /// above | below
    pub scale: Option<String>,
    /// Part of the name, or the credit code.
    pub q: Option<String>,
    /// score (default) | rank | name
    pub sort: Option<String>,
    /// asc | desc (default: desc for score, asc otherwise)
    pub dir: Option<String>,
}

/// The grade filter values.
pub const GRADE_FILTERS: [&str; 6] = ["A", "B", "C", "D", "listed", "unrated"];
/// The sort keys of the results.
pub const RESULT_SORTS: [&str; 3] = ["score", "rank", "name"];

impl ResultFilter {
    /// Refuses values no list knows, naming the field.
    pub fn validate(&self) -> AppResult<()> {
        let mut errors = Vec::new();
        let mut check = |field: &str, v: &Option<String>, allowed: &[&str]| {
            if let Some(s) = non_empty(v)
                && !allowed.contains(&s)
            {
                errors.push(FieldError::with_detail(
                    field,
                    &format!("error.eval_results.{field}"),
                    s,
                ));
            }
        };
        check("grade", &self.grade, &GRADE_FILTERS);
        check("scale", &self.scale, &["above", "below"]);
        check("sort", &self.sort, &RESULT_SORTS);
        check("dir", &self.dir, &["asc", "desc"]);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }

    /// Whether a filter is on the firms rather than on the results.
    fn needs_firms(&self, scope: &EnterpriseScope, by_group: bool) -> bool {
        !scope.is_all()
            || self.town.is_some()
            || non_empty(&self.q).is_some()
            || (self.group.is_some() && !by_group)
    }
}

fn firm_join() -> RelationDef {
    evaluation_result::Entity::belongs_to(enterprise::Entity)
        .from(evaluation_result::Column::EnterpriseId)
        .to(enterprise::Column::Id)
        .into()
}

/// The conditions of `f` on the results themselves: class, scale, and (when the scheme
/// ranks by industry group) the group, read off the group key.
fn result_condition(f: &ResultFilter, by_group: bool) -> Condition {
    use evaluation_result::Column as R;
    let mut c = Condition::all();
    match non_empty(&f.grade) {
        Some("listed") => c = c.add(R::Grade.is_null()),
        Some("unrated") => c = c.add(R::Grade.is_not_null()).add(R::Rank.is_null()),
        Some(g) => c = c.add(R::Grade.eq(g)),
        None => {}
    }
    if let Some(s) = non_empty(&f.scale) {
        c = c.add(
            Condition::any()
                .add(R::GroupKey.eq(s))
                .add(R::GroupKey.starts_with(format!("{s}/"))),
        );
    }
    if let (Some(g), true) = (f.group, by_group) {
        c = c.add(R::GroupKey.is_in(Scale::ALL.map(|s| format!("{}/{g}", s.as_str()))));
    }
    c
}

/// The conditions of `f` (and the caller's scope) on the firms: town, name or code, and the
/// industry group when the scheme does not rank by it.
fn firm_condition(scope: &EnterpriseScope, f: &ResultFilter, by_group: bool) -> Condition {
    let mut c = Condition::all().add(scope.condition());
    if let (Some(g), false) = (f.group, by_group) {
        c = c.add(enterprise::Column::IndustryGroupId.eq(g));
    }
    if let Some(t) = f.town {
        c = c.add(enterprise::Column::TownId.eq(t));
    }
    if let Some(text) = non_empty(&f.q) {
        let mut any = Condition::any().add(contains_ci(enterprise::Column::Name, text));
        any = match CreditCode::parse(text) {
            Ok(code) => any.add(enterprise::Column::CreditCode.eq(code.as_str())),
            Err(_) => any.add(contains_ci(enterprise::Column::CreditCode, text)),
        };
        c = c.add(any);
    }
    c
}

/// The sort key of `f` and its direction (score: best first unless asked otherwise).
fn sort_of(f: &ResultFilter) -> (&'static str, Order) {
    let mut sort = match non_empty(&f.sort) {
        Some("rank") => "rank",
        Some("name") => "name",
        _ => "score",
    };
    // Firms listed only or unrated have no rank: within them, the rank order is the score's.
    if sort == "rank" && matches!(non_empty(&f.grade), Some("listed" | "unrated")) {
        sort = "score";
    }
    let dir = match non_empty(&f.dir) {
        Some(d) => SortDir::parse(Some(d)),
        None if sort == "score" => SortDir::Desc,
        None => SortDir::Asc,
    }
    .order();
    (sort, dir)
}

/// The results of `run_id` matching `f` within `scope`, unsorted; joined with the firms when
/// a filter needs them or `with_firms`.
fn results_query(
    run_id: i64,
    scope: &EnterpriseScope,
    f: &ResultFilter,
    by_group: bool,
    with_firms: bool,
) -> Select<evaluation_result::Entity> {
    let mut q = evaluation_result::Entity::find()
        .filter(evaluation_result::Column::RunId.eq(run_id))
        .filter(result_condition(f, by_group));
    if with_firms || f.needs_firms(scope, by_group) {
        q = q
            .join(JoinType::InnerJoin, firm_join())
            .filter(firm_condition(scope, f, by_group));
    }
    q
}

/// How many of a run's firms match a filter, and of how many: decides how a name-ordered page
/// is read.
#[derive(Debug, Clone, Copy)]
struct Matches {
    matching: u64,
    in_run: u64,
}

impl Matches {
    /// Counts the results of `run` matching `f` within `scope`.
    async fn count(
        db: &impl ConnectionTrait,
        run: &evaluation_run::Model,
        scope: &EnterpriseScope,
        f: &ResultFilter,
        by_group: bool,
    ) -> AppResult<Matches> {
        Ok(Matches {
            matching: results_query(run.id, scope, f, by_group, false)
                .count(db)
                .await?,
            in_run: u64::try_from(run.firms).unwrap_or(0),
        })
    }

    /// At least one firm in twenty matches: walking the firms in name order finds a page
    /// quickly. Rarer matches are cheaper to sort.
    fn dense(self) -> bool {
        self.matching.saturating_mul(20) >= self.in_run
    }
}

/// (id, total, rank, group key, enterprise id, class) of one result: what ordering it needs.
type SortKeys = (i64, f64, Option<i32>, String, i64, Option<String>);

/// The rows `offset..offset + limit` of the results matching `f` in score or rank order, and
/// how many match: the matches' sort keys are read in one pass (no order asked of the
/// database) and ordered here, as `results_page` orders them.
async fn sorted_here(
    db: &impl ConnectionTrait,
    run_id: i64,
    scope: &EnterpriseScope,
    f: &ResultFilter,
    by_group: bool,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<evaluation_result::Model>, u64)> {
    use evaluation_result::Column as R;
    let (sort, dir) = sort_of(f);
    let mut keys: Vec<SortKeys> = results_query(run_id, scope, f, by_group, false)
        .select_only()
        .column(R::Id)
        .column(R::Total)
        .column(R::Rank)
        .column(R::GroupKey)
        .column(R::EnterpriseId)
        .column(R::Grade)
        .into_tuple()
        .all(db)
        .await?;
    let desc = matches!(dir, Order::Desc);
    keys.sort_by(|a, b| {
        let order = if sort == "rank" {
            // Not ranked last in either direction, as NULLS LAST does.
            match (a.2, b.2) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => return std::cmp::Ordering::Less,
                (None, Some(_)) => return std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then_with(|| a.3.cmp(&b.3))
            .then_with(|| a.4.cmp(&b.4))
        } else {
            // Listed only (no class) after the graded firms either way.
            match (&a.5, &b.5) {
                (Some(_), None) => return std::cmp::Ordering::Less,
                (None, Some(_)) => return std::cmp::Ordering::Greater,
                _ => a.1.total_cmp(&b.1).then_with(|| a.4.cmp(&b.4)),
            }
        };
        if desc { order.reverse() } else { order }
    });
    let ids: Vec<i64> = keys
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|k| k.0)
        .collect();
    let mut by_id: HashMap<i64, evaluation_result::Model> = HashMap::new();
    for chunk in ids.chunks(1_000) {
        for r in evaluation_result::Entity::find()
            .filter(R::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            by_id.insert(r.id, r);
        }
    }
    Ok((
        ids.iter().filter_map(|id| by_id.remove(id)).collect(),
        keys.len() as u64,
    ))
}

/// The results of `run_id` matching `f` within `scope`, rows `offset..offset + limit` in the
/// order `f` asks for. Each order is read off an index (ix_result_run_total,
/// ix_result_run_rank, the firms' (name, id)) rather than by sorting the whole run.
#[allow(clippy::too_many_arguments)]
async fn results_page(
    db: &impl ConnectionTrait,
    run_id: i64,
    scope: &EnterpriseScope,
    f: &ResultFilter,
    by_group: bool,
    matches: Matches,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<evaluation_result::Model>> {
    use evaluation_result::Column as R;
    let (sort, dir) = sort_of(f);
    if offset >= matches.matching {
        return Ok(Vec::new());
    }
    if sort != "name" && !matches.dense() {
        // Few matches: walking the run in score or rank order would pass over most of it
        // before filling a page.
        return Ok(sorted_here(db, run_id, scope, f, by_group, offset, limit)
            .await?
            .0);
    }
    if sort == "name" && !matches.dense() {
        return Ok(results_query(run_id, scope, f, by_group, true)
            .order_by(enterprise::Column::Name, dir.clone())
            .order_by(enterprise::Column::Id, dir)
            .offset(offset)
            .limit(limit)
            .all(db)
            .await?);
    }
    if sort == "name" {
        // Walk the firms in name order and keep those with a matching result: written as
        // EXISTS, so the database scans the name index instead of sorting the run.
        let mut matching = Query::select();
        matching
            .expr(Expr::val(1))
            .from(evaluation_result::Entity)
            .and_where(Expr::col((evaluation_result::Entity, R::RunId)).eq(run_id))
            .and_where(
                Expr::col((evaluation_result::Entity, R::EnterpriseId))
                    .equals((enterprise::Entity, enterprise::Column::Id)),
            )
            .cond_where(result_condition(f, by_group));
        let ids: Vec<i64> = enterprise::Entity::find()
            .select_only()
            .column(enterprise::Column::Id)
            .filter(firm_condition(scope, f, by_group))
            .filter(Expr::exists(matching))
            .order_by(enterprise::Column::Name, dir.clone())
            .order_by(enterprise::Column::Id, dir)
            .offset(offset)
            .limit(limit)
            .into_tuple()
            .all(db)
            .await?;
        let mut by_firm: HashMap<i64, evaluation_result::Model> = HashMap::new();
        for chunk in ids.chunks(1_000) {
            for r in evaluation_result::Entity::find()
                .filter(R::RunId.eq(run_id))
                .filter(R::EnterpriseId.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                by_firm.insert(r.enterprise_id, r);
            }
        }
        return Ok(ids.iter().filter_map(|id| by_firm.remove(id)).collect());
    }
    let q = results_query(run_id, scope, f, by_group, false);
    if sort == "rank" {
        // Firms not ranked (listed only, unrated) come last either way.
        return Ok(q
            .order_by_with_nulls(R::Rank, dir.clone(), NullOrdering::Last)
            .order_by(R::GroupKey, dir.clone())
            .order_by(R::EnterpriseId, dir)
            .offset(offset)
            .limit(limit)
            .all(db)
            .await?);
    }
    // By score, graded firms first and those listed only (不参评, no score shown) after them,
    // each part read off its index in turn.
    let by_score = |q: Select<evaluation_result::Entity>| {
        q.order_by(R::Total, dir.clone())
            .order_by(R::EnterpriseId, dir.clone())
    };
    if non_empty(&f.grade).is_some() {
        // A class filter holds one part only.
        return Ok(by_score(q).offset(offset).limit(limit).all(db).await?);
    }
    let graded = q.clone().filter(R::Grade.is_not_null());
    let graded_count = graded.clone().count(db).await?;
    let mut rows = Vec::new();
    if offset < graded_count {
        rows = by_score(graded).offset(offset).limit(limit).all(db).await?;
    }
    let wanted = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() < wanted {
        let listed_offset = offset.saturating_sub(graded_count);
        rows.extend(
            by_score(q.filter(R::Grade.is_null()))
                .offset(listed_offset)
                .limit((wanted - rows.len()) as u64)
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

/// One firm's result as the table shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ResultRow {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub town_id: i64,
    pub town_name: String,
    /// above | below, as the run ranked the firm.
    pub scale: Option<String>,
    pub industry_group_id: Option<i64>,
    pub industry_group_name: String,
    pub group_key: String,
    /// Full precision; shown with two decimals.
    pub total: f64,
    /// Rank in the group; absent for firms not ranked (listed only, unrated).
    pub rank: Option<i64>,
    /// Ranked firms in the group.
    pub group_size: Option<u64>,
    pub percentile: Option<f64>,
    /// The class by rank, before vetoes.
    pub grade_by_rank: Option<String>,
    /// The class (after vetoes, or the class unrated firms are managed as); absent when listed
    /// only.
    pub grade: Option<String>,
    pub listed_only: bool,
    pub unrated: bool,
}

/// Names of towns and industry groups, loaded once per request.
pub(crate) struct Labels {
    pub towns: HashMap<i64, String>,
    pub groups: HashMap<i64, String>,
    pub town_order: Vec<i64>,
    pub group_order: Vec<i64>,
}

impl Labels {
    pub(crate) async fn load(db: &impl ConnectionTrait) -> AppResult<Labels> {
        let units = crate::departments::all(db).await?;
        let mut groups = industry_group::Entity::find()
            .order_by_asc(industry_group::Column::SortOrder)
            .order_by_asc(industry_group::Column::Id)
            .all(db)
            .await?;
        let group_order = groups.iter().map(|g| g.id).collect();
        Ok(Labels {
            town_order: units.iter().map(|u| u.id).collect(),
            towns: units.into_iter().map(|u| (u.id, u.name)).collect(),
            group_order,
            groups: groups.drain(..).map(|g| (g.id, g.name)).collect(),
        })
    }

    fn town(&self, id: i64) -> String {
        self.towns.get(&id).cloned().unwrap_or_default()
    }

    pub(crate) fn group(&self, id: Option<i64>) -> String {
        id.and_then(|g| self.groups.get(&g).cloned())
            .unwrap_or_default()
    }
}

async fn firms_by_id(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> AppResult<HashMap<i64, enterprise::Model>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        for e in enterprise::Entity::find()
            .filter(enterprise::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(e.id, e);
        }
    }
    Ok(out)
}

/// Ranked firms per group, for the groups given.
async fn group_sizes(
    db: &impl ConnectionTrait,
    run_id: i64,
    keys: Vec<String>,
) -> AppResult<HashMap<String, u64>> {
    let mut keys = keys;
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> = evaluation_result::Entity::find()
        .select_only()
        .column(evaluation_result::Column::GroupKey)
        .column_as(evaluation_result::Column::Id.count(), "n")
        .filter(evaluation_result::Column::RunId.eq(run_id))
        .filter(evaluation_result::Column::GroupKey.is_in(keys))
        .filter(evaluation_result::Column::Rank.is_not_null())
        .group_by(evaluation_result::Column::GroupKey)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(k, n)| (k, n as u64)).collect())
}

fn row(
    r: &evaluation_result::Model,
    e: Option<&enterprise::Model>,
    labels: &Labels,
    sizes: &HashMap<String, u64>,
) -> ResultRow {
    let (scale, group) = parse_group_key(&r.group_key);
    let group = group.or(e.map(|e| e.industry_group_id));
    ResultRow {
        enterprise_id: r.enterprise_id,
        name: e.map(|e| e.name.clone()).unwrap_or_default(),
        credit_code: e.map(|e| e.credit_code.clone()).unwrap_or_default(),
        town_id: e.map_or(0, |e| e.town_id),
        town_name: e.map(|e| labels.town(e.town_id)).unwrap_or_default(),
        scale: scale.map(|s| s.as_str().to_string()),
        industry_group_id: group,
        industry_group_name: labels.group(group),
        group_key: r.group_key.clone(),
        total: r.total,
        rank: r.rank.map(i64::from),
        group_size: r.rank.and_then(|_| sizes.get(&r.group_key).copied()),
        percentile: r.percentile,
        grade_by_rank: r.grade_by_rank.clone(),
        grade: r.grade.clone(),
        listed_only: r.grade.is_none(),
        unrated: r.grade.is_some() && r.rank.is_none(),
    }
}

/// One page of a run's results within the caller's scope.
pub async fn results(
    app: &App,
    ctx: &Ctx,
    run_id: i64,
    f: &ResultFilter,
    page: PageRequest,
) -> AppResult<Page<ResultRow>> {
    f.validate()?;
    let run = find_run(app, ctx, run_id).await?;
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let (_, scheme) = scheme_of(db, &run).await?;
    let by_group = scheme.rank_by_industry_group;
    // A text search is one pass over the firms whatever the order: read the matches once,
    // for the count and the page alike.
    let (rows, total) = if non_empty(&f.q).is_some() && sort_of(f).0 != "name" {
        sorted_here(
            db,
            run.id,
            &scope,
            f,
            by_group,
            page.offset(),
            page.per_page,
        )
        .await?
    } else {
        let matches = Matches::count(db, &run, &scope, f, by_group).await?;
        let total = matches.matching;
        let rows = results_page(
            db,
            run.id,
            &scope,
            f,
            by_group,
            matches,
            page.offset(),
            page.per_page,
        )
        .await?;
        (rows, total)
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.enterprise_id).collect();
    let firms = firms_by_id(db, &ids).await?;
    let sizes = group_sizes(
        db,
        run.id,
        rows.iter().map(|r| r.group_key.clone()).collect(),
    )
    .await?;
    let labels = Labels::load(db).await?;
    Ok(Page {
        items: rows
            .iter()
            .map(|r| row(r, firms.get(&r.enterprise_id), &labels, &sizes))
            .collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// The indicators of a scheme as the 公示 list shows them: the 规上 items, then the 规下 ones
/// not already there.
pub fn indicator_columns(scheme: &EvaluationScheme) -> Vec<Indicator> {
    let mut out: Vec<Indicator> = Vec::new();
    for item in scheme.above.items.iter().chain(&scheme.below.items) {
        if !out.contains(&item.indicator) {
            out.push(item.indicator);
        }
    }
    out
}

fn column(header: &str, format: ExportFormat, width: f64) -> ExportColumn {
    ExportColumn {
        header: header.to_string(),
        format,
        width,
    }
}

/// The headers of the 公示 workbook before the indicators, and after them.
pub const EXPORT_HEAD: [&str; 7] = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "行业",
    "规模",
    "用地面积(亩)",
];
pub const EXPORT_TAIL: [&str; 3] = ["得分", "排名", "类别"];

/// An indicator's column header: 亩均税收(万元/亩).
pub fn indicator_header(i: Indicator) -> String {
    if i.unit().is_empty() {
        i.label().to_string()
    } else {
        format!("{}({})", i.label(), i.unit())
    }
}

/// The class as the 公示 list writes it: A–D, 不参评 for firms listed only, and the class an
/// unrated firm is managed as, marked.
pub fn export_class(r: &ResultRow) -> String {
    match (&r.grade, r.unrated) {
        (None, _) => "不参评".to_string(),
        (Some(g), true) => format!("{g}（不定级）"),
        (Some(g), false) => g.clone(),
    }
}

/// Rows per round trip of an export.
const EXPORT_CHUNK: u64 = 2_000;

/// The run's results matching `f` (every page) as the 公示 workbook: 序号, 企业名称,
/// 统一社会信用代码, 所属镇街, 行业, 规模, 用地面积, each indicator's value, 得分 (two
/// decimals), 排名 (rank / firms ranked in the group), 类别. `progress` hears (rows done, rows
/// in all) after each chunk. Returns the workbook and its number of rows.
pub async fn export_xlsx(
    app: &App,
    ctx: &Ctx,
    run_id: i64,
    f: &ResultFilter,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> AppResult<(Vec<u8>, u64)> {
    f.validate()?;
    let run = find_run(app, ctx, run_id).await?;
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let (scheme_row, scheme) = scheme_of(db, &run).await?;
    let indicators = indicator_columns(&scheme);
    let mut columns = vec![
        column(EXPORT_HEAD[0], ExportFormat::PlainInteger, 7.0),
        column(EXPORT_HEAD[1], ExportFormat::Text, 32.0),
        column(EXPORT_HEAD[2], ExportFormat::Text, 22.0),
        column(EXPORT_HEAD[3], ExportFormat::Text, 12.0),
        column(EXPORT_HEAD[4], ExportFormat::Text, 20.0),
        column(EXPORT_HEAD[5], ExportFormat::Text, 7.0),
        column(EXPORT_HEAD[6], ExportFormat::Decimal2, 11.0),
    ];
    for i in &indicators {
        // Values are written rounded as the page shows them (two decimals, four below 1).
        columns.push(column(&indicator_header(*i), ExportFormat::Text, 14.0));
    }
    columns.push(column(EXPORT_TAIL[0], ExportFormat::Decimal2, 9.0));
    columns.push(column(EXPORT_TAIL[1], ExportFormat::Text, 10.0));
    columns.push(column(EXPORT_TAIL[2], ExportFormat::Text, 12.0));
    let by_group = scheme.rank_by_industry_group;
    let matches = Matches::count(db, &run, &scope, f, by_group).await?;
    let total = matches.matching;
    let labels = Labels::load(db).await?;
    let mut sizes: HashMap<String, u64> = HashMap::new();
    let mut out: Vec<Vec<ExportValue>> = Vec::with_capacity(total as usize);
    let mut offset = 0;
    progress(0, total);
    loop {
        let chunk = results_page(
            db,
            run.id,
            &scope,
            f,
            by_group,
            matches,
            offset,
            EXPORT_CHUNK,
        )
        .await?;
        if chunk.is_empty() {
            break;
        }
        offset += chunk.len() as u64;
        let ids: Vec<i64> = chunk.iter().map(|r| r.enterprise_id).collect();
        let firms = firms_by_id(db, &ids).await?;
        let land = land_of(db, &ids, run.year).await?;
        let missing: Vec<String> = chunk
            .iter()
            .filter(|r| !sizes.contains_key(&r.group_key))
            .map(|r| r.group_key.clone())
            .collect();
        sizes.extend(group_sizes(db, run.id, missing).await?);
        for r in &chunk {
            let view = row(r, firms.get(&r.enterprise_id), &labels, &sizes);
            let items: Vec<ItemScore> = serde_json::from_str(&r.items_json).unwrap_or_default();
            let mut line = vec![
                ExportValue::Int(out.len() as i64 + 1),
                ExportValue::Text(view.name.clone()),
                ExportValue::Text(view.credit_code.clone()),
                ExportValue::Text(view.town_name.clone()),
                ExportValue::Text(view.industry_group_name.clone()),
                view.scale
                    .as_deref()
                    .and_then(Scale::parse)
                    .map_or(ExportValue::Empty, |s| ExportValue::Text(s.label().into())),
                land.get(&r.enterprise_id)
                    .map_or(ExportValue::Empty, |m| ExportValue::Real(*m)),
            ];
            for i in &indicators {
                let v = items
                    .iter()
                    .find(|it| it.rule.indicator == *i)
                    .and_then(|it| it.value);
                line.push(v.map_or(ExportValue::Empty, |v| {
                    ExportValue::Real(display_value(v).parse().unwrap_or(v))
                }));
            }
            line.push(if view.listed_only {
                ExportValue::Empty
            } else {
                ExportValue::Real(display_points(view.total).parse().unwrap_or(view.total))
            });
            line.push(match (view.rank, view.group_size) {
                (Some(r), Some(n)) => ExportValue::Text(format!("{r}/{n}")),
                _ => ExportValue::Empty,
            });
            line.push(ExportValue::Text(export_class(&view)));
            out.push(line);
        }
        progress(offset, total);
        if offset >= total {
            break;
        }
    }
    let n = out.len() as u64;
    let title = format!("{}（{}）", scheme_row.name, status_label(&run.status));
    let bytes = tokio::task::spawn_blocking(move || {
        export_table("评价结果", Some(&title), &columns, out.into_iter())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((bytes, n))
}

/// A run's status as the workbook title names it.
fn status_label(status: &str) -> &'static str {
    match status {
        "draft" => "草稿",
        "published" => "公示中",
        "final" => "最终结果",
        "superseded" => "已被更正",
        _ => "",
    }
}

/// The land each firm was evaluated on in `year`: its yearly figure, else its parcels in use.
async fn land_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
    year: i32,
) -> AppResult<HashMap<i64, f64>> {
    let mut out: HashMap<i64, f64> = HashMap::new();
    for chunk in ids.chunks(1_000) {
        let rows: Vec<(i64, Option<f64>)> = yearly_figures::Entity::find()
            .select_only()
            .column(yearly_figures::Column::EnterpriseId)
            .column(yearly_figures::Column::LandMu)
            .filter(yearly_figures::Column::Year.eq(year))
            .filter(yearly_figures::Column::EnterpriseId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        for (id, land) in rows {
            if let Some(m) = land {
                out.insert(id, m);
            }
        }
    }
    let rest: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|i| !out.contains_key(i))
        .collect();
    for (id, m) in land_for_firms(db, &rest, year).await? {
        if m > 0.0 {
            out.insert(id, m);
        }
    }
    Ok(out)
}

/// Firms per class (A–D) and listed only, in one row of the distribution.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct DistributionRow {
    /// Town or industry group id; absent for the city total.
    pub id: Option<i64>,
    pub name: String,
    /// A, B, C, D.
    pub counts: [u64; 4],
    pub listed_only: u64,
}

impl DistributionRow {
    /// Graded firms (A–D).
    pub fn graded(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The share of class `i` (0 = A) among the graded firms, 0 when none is graded.
    pub fn share(&self, i: usize) -> f64 {
        let n = self.graded();
        if n == 0 {
            0.0
        } else {
            self.counts[i] as f64 / n as f64
        }
    }

    fn add(&mut self, grade: Option<&str>, n: u64) {
        match grade.and_then(Grade::parse) {
            Some(g) => self.counts[g as usize] += n,
            None => self.listed_only += n,
        }
    }
}

/// A run's classes per town and per industry group, and the total, within the caller's scope.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Distribution {
    pub run: RunView,
    pub by_town: Vec<DistributionRow>,
    pub by_group: Vec<DistributionRow>,
    pub total: DistributionRow,
}

pub async fn distribution(app: &App, ctx: &Ctx, run_id: i64) -> AppResult<Distribution> {
    let run = find_run(app, ctx, run_id).await?;
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let rows: Vec<(i64, i64, String, Option<String>, i64)> = evaluation_result::Entity::find()
        .join(JoinType::InnerJoin, firm_join())
        .select_only()
        .column(enterprise::Column::TownId)
        .column(enterprise::Column::IndustryGroupId)
        .column(evaluation_result::Column::GroupKey)
        .column(evaluation_result::Column::Grade)
        .column_as(evaluation_result::Column::Id.count(), "n")
        .filter(evaluation_result::Column::RunId.eq(run.id))
        .filter(scope.condition())
        .group_by(enterprise::Column::TownId)
        .group_by(enterprise::Column::IndustryGroupId)
        .group_by(evaluation_result::Column::GroupKey)
        .group_by(evaluation_result::Column::Grade)
        .into_tuple()
        .all(db)
        .await?;
    let labels = Labels::load(db).await?;
    let mut towns: HashMap<i64, DistributionRow> = HashMap::new();
    let mut groups: HashMap<i64, DistributionRow> = HashMap::new();
    let mut total = DistributionRow::default();
    for (town, firm_group, key, grade, n) in rows {
        let n = n as u64;
        let group = parse_group_key(&key).1.unwrap_or(firm_group);
        towns
            .entry(town)
            .or_insert_with(|| DistributionRow {
                id: Some(town),
                name: labels.town(town),
                ..Default::default()
            })
            .add(grade.as_deref(), n);
        groups
            .entry(group)
            .or_insert_with(|| DistributionRow {
                id: Some(group),
                name: labels.group(Some(group)),
                ..Default::default()
            })
            .add(grade.as_deref(), n);
        total.add(grade.as_deref(), n);
    }
    let ordered = |mut m: HashMap<i64, DistributionRow>, order: &[i64]| {
        let mut out: Vec<DistributionRow> = order.iter().filter_map(|id| m.remove(id)).collect();
        let mut rest: Vec<DistributionRow> = m.into_values().collect();
        rest.sort_by_key(|r| r.id);
        out.extend(rest);
        out
    };
    Ok(Distribution {
        run: views(db, vec![run]).await?.remove(0),
        by_town: ordered(towns, &labels.town_order),
        by_group: ordered(groups, &labels.group_order),
        total,
    })
}

/// The distribution as a workbook: one table, the towns, then the industry groups, then the
/// total, with counts and shares.
pub async fn distribution_xlsx(app: &App, ctx: &Ctx, run_id: i64) -> AppResult<Vec<u8>> {
    let d = distribution(app, ctx, run_id).await?;
    let mut columns = vec![
        column("分组", ExportFormat::Text, 8.0),
        column("名称", ExportFormat::Text, 24.0),
    ];
    for g in Grade::ALL {
        columns.push(column(
            &format!("{}类(家)", g.as_str()),
            ExportFormat::Integer,
            9.0,
        ));
        columns.push(column(
            &format!("{}类占比(%)", g.as_str()),
            ExportFormat::Decimal2,
            10.0,
        ));
    }
    columns.push(column("参评(家)", ExportFormat::Integer, 9.0));
    columns.push(column("不参评(家)", ExportFormat::Integer, 10.0));
    let line = |kind: &str, r: &DistributionRow| {
        let mut v = vec![
            ExportValue::Text(kind.to_string()),
            ExportValue::Text(r.name.clone()),
        ];
        for i in 0..4 {
            v.push(ExportValue::Int(r.counts[i] as i64));
            v.push(ExportValue::Real((r.share(i) * 10_000.0).round() / 100.0));
        }
        v.push(ExportValue::Int(r.graded() as i64));
        v.push(ExportValue::Int(r.listed_only as i64));
        v
    };
    let mut rows: Vec<Vec<ExportValue>> = Vec::new();
    rows.extend(d.by_town.iter().map(|r| line("镇街", r)));
    rows.extend(d.by_group.iter().map(|r| line("行业", r)));
    let total = DistributionRow {
        name: "合计".into(),
        ..d.total.clone()
    };
    rows.push(line("合计", &total));
    let title = format!("{}年度亩均效益综合评价分类分布", d.run.year);
    tokio::task::spawn_blocking(move || {
        export_table("分类分布", Some(&title), &columns, rows.into_iter())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))
}

/// (class, total) of every firm of a run within the scope, by firm.
async fn classes_of(
    db: &impl ConnectionTrait,
    scope: &EnterpriseScope,
    run_id: i64,
) -> AppResult<HashMap<i64, (Option<String>, f64)>> {
    let mut q = evaluation_result::Entity::find()
        .select_only()
        .column(evaluation_result::Column::EnterpriseId)
        .column(evaluation_result::Column::Grade)
        .column(evaluation_result::Column::Total)
        .filter(evaluation_result::Column::RunId.eq(run_id));
    if !scope.is_all() {
        q = q
            .join(JoinType::InnerJoin, firm_join())
            .filter(scope.condition());
    }
    let rows: Vec<(i64, Option<String>, f64)> = q.into_tuple().all(db).await?;
    Ok(rows.into_iter().map(|(id, g, t)| (id, (g, t))).collect())
}

fn class_index(c: Option<&(Option<String>, f64)>) -> usize {
    c.and_then(|(g, _)| g.as_deref())
        .and_then(Grade::parse)
        .map_or(4, |g| g as usize)
}

/// How the firms' classes moved from one run to another: `cells[from][to]` counts the firms
/// (within the caller's scope) in class `MIGRATION_CLASSES[from]` in the first run and
/// `MIGRATION_CLASSES[to]` in the second. Every firm in either run is counted once.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Migration {
    pub from: RunView,
    pub to: RunView,
    pub cells: [[u64; 5]; 5],
    pub total: u64,
}

pub async fn migration(app: &App, ctx: &Ctx, from: i64, to: i64) -> AppResult<Migration> {
    let from_run = find_run(app, ctx, from).await?;
    let to_run = find_run(app, ctx, to).await?;
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let a = classes_of(db, &scope, from).await?;
    let b = classes_of(db, &scope, to).await?;
    let mut cells = [[0u64; 5]; 5];
    for (id, c) in &a {
        cells[class_index(Some(c))][class_index(b.get(id))] += 1;
    }
    for (id, c) in &b {
        if !a.contains_key(id) {
            cells[4][class_index(Some(c))] += 1;
        }
    }
    let total = cells.iter().flatten().sum();
    let mut runs = views(db, vec![from_run, to_run]).await?;
    let to_view = runs.pop().ok_or(AppError::NotFound)?;
    let from_view = runs.pop().ok_or(AppError::NotFound)?;
    Ok(Migration {
        from: from_view,
        to: to_view,
        cells,
        total,
    })
}

/// A firm in a cell of the migration matrix.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MigrationFirm {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub town_name: String,
    /// Its class in each run: A–D, or `none` (listed only, or not in the run).
    pub from_grade: String,
    pub to_grade: String,
    /// Its total in each run (absent when it is not in the run).
    pub from_total: Option<f64>,
    pub to_total: Option<f64>,
}

/// The firms of one cell of the migration matrix, best total in the second run first.
pub async fn migration_firms(
    app: &App,
    ctx: &Ctx,
    from: i64,
    to: i64,
    from_grade: &str,
    to_grade: &str,
    page: PageRequest,
) -> AppResult<Page<MigrationFirm>> {
    let fi = MIGRATION_CLASSES
        .iter()
        .position(|c| *c == from_grade)
        .ok_or_else(|| {
            invalid(
                "from_grade",
                "error.eval_results.migration_grade",
                from_grade,
            )
        })?;
    let ti = MIGRATION_CLASSES
        .iter()
        .position(|c| *c == to_grade)
        .ok_or_else(|| invalid("to_grade", "error.eval_results.migration_grade", to_grade))?;
    find_run(app, ctx, from).await?;
    find_run(app, ctx, to).await?;
    let db = app.db.read();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let a = classes_of(db, &scope, from).await?;
    let b = classes_of(db, &scope, to).await?;
    let mut ids: Vec<i64> = a
        .keys()
        .chain(b.keys().filter(|k| !a.contains_key(k)))
        .copied()
        .collect();
    ids.retain(|id| class_index(a.get(id)) == fi && class_index(b.get(id)) == ti);
    let key = |id: &i64| {
        (
            b.get(id).map_or(f64::NEG_INFINITY, |c| c.1),
            a.get(id).map_or(f64::NEG_INFINITY, |c| c.1),
        )
    };
    ids.sort_by(|x, y| {
        let (kx, ky) = (key(x), key(y));
        ky.0.total_cmp(&kx.0)
            .then(ky.1.total_cmp(&kx.1))
            .then(x.cmp(y))
    });
    let total = ids.len() as u64;
    let start = usize::try_from(page.offset())
        .unwrap_or(usize::MAX)
        .min(ids.len());
    let end = start
        .saturating_add(usize::try_from(page.per_page).unwrap_or(usize::MAX))
        .min(ids.len());
    let slice = &ids[start..end];
    let firms = firms_by_id(db, slice).await?;
    let labels = Labels::load(db).await?;
    let class = |c: Option<&(Option<String>, f64)>| MIGRATION_CLASSES[class_index(c)].to_string();
    Ok(Page {
        items: slice
            .iter()
            .map(|id| {
                let e = firms.get(id);
                MigrationFirm {
                    enterprise_id: *id,
                    name: e.map(|e| e.name.clone()).unwrap_or_default(),
                    credit_code: e.map(|e| e.credit_code.clone()).unwrap_or_default(),
                    town_name: e.map(|e| labels.town(e.town_id)).unwrap_or_default(),
                    from_grade: class(a.get(id)),
                    to_grade: class(b.get(id)),
                    from_total: a.get(id).map(|c| c.1),
                    to_total: b.get(id).map(|c| c.1),
                }
            })
            .collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// The runs a migration compares when none are given: the latest non-draft run of the latest
/// year that has one, and the latest non-draft run of the year before (a run that was
/// superseded only when its year has no other).
pub async fn default_migration(app: &App, ctx: &Ctx) -> AppResult<Option<(i64, i64)>> {
    ctx.require(Permission::ViewEvaluation)?;
    let runs = evaluation_run::Entity::find()
        .filter(evaluation_run::Column::Status.ne("draft"))
        .order_by_desc(evaluation_run::Column::Year)
        .order_by_desc(evaluation_run::Column::Id)
        .all(app.db.read())
        .await?;
    let mut best: BTreeMap<i32, (bool, i64)> = BTreeMap::new();
    for r in runs {
        let current = r.status != "superseded";
        let e = best.entry(r.year).or_insert((current, r.id));
        if current && !e.0 {
            *e = (current, r.id);
        }
    }
    Ok(best
        .iter()
        .rev()
        .find_map(|(year, (_, to))| best.get(&(year - 1)).map(|(_, from)| (*from, *to))))
}
