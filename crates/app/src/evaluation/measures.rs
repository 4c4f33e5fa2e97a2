//! Class measures (差别化措施) of a run: for each graded firm the measures its class brings
//! and their estimated yearly amounts in 元 — land-use tax relief (land 亩 → m² × rate × the
//! class's relief share), the electricity surcharge (kWh × the class's surcharge; the higher D
//! rate after the scheme's number of consecutive years in D) and the water surcharge (m³ × the
//! class's surcharge) — with totals by class and by town, and the list as xlsx.
//!
//! Rates come from the run's scheme, quantities from the year's figures (land as the run saw
//! it: the figures' land area, else the firm's parcels). Years in D are counted across runs:
//! this run, then for each earlier year its latest published or final run (superseded and
//! draft runs are ignored), as long as the firm was D without a gap. Everything stays inside
//! the caller's data scope.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use wujin_domain::evaluation::Grade;
use wujin_domain::evaluation::measures::{
    Measure, MeasureKind, MeasureRules, consecutive_years_in_d, measures,
};
use wujin_storage::entity::{enterprise, evaluation_result, evaluation_run, yearly_figures};
use wujin_xlsx::write::{ExportColumn, ExportFormat, ExportValue, export_table};

use super::results::{find_run, scheme_of};
use crate::App;
use crate::context::Ctx;
use crate::error::{AppError, AppResult, FieldError};
use crate::page::{Page, PageRequest};
use crate::registry::land::land_for_firms;
use crate::registry::scope::EnterpriseScope;
use crate::registry::views::Names;

/// The measure kinds as filters and API values.
pub const KINDS: [&str; 3] = ["land_tax_relief", "power_surcharge", "water_surcharge"];

/// Which firms of a run's measures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeasureFilter {
    /// A | B | C | D
    pub grade: Option<String>,
    /// Town (unit id).
    pub town: Option<i64>,
    /// land_tax_relief | power_surcharge | water_surcharge: firms with that measure.
    pub kind: Option<String>,
}

pub fn kind_str(k: MeasureKind) -> &'static str {
    match k {
        MeasureKind::LandTaxRelief => KINDS[0],
        MeasureKind::PowerSurcharge => KINDS[1],
        MeasureKind::WaterSurcharge => KINDS[2],
    }
}

fn parse_kind(s: &str) -> Option<MeasureKind> {
    [
        MeasureKind::LandTaxRelief,
        MeasureKind::PowerSurcharge,
        MeasureKind::WaterSurcharge,
    ]
    .into_iter()
    .find(|k| kind_str(*k) == s)
}

/// A firm's year: land (亩), electricity (kWh), water (m³).
type Quantities = (Option<f64>, Option<i64>, Option<i64>);

/// The filter checked: (grade, town, kind).
type Checked = (Option<Grade>, Option<i64>, Option<MeasureKind>);

fn check(f: &MeasureFilter) -> AppResult<Checked> {
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut errors = Vec::new();
    let grade = match text(&f.grade) {
        None => None,
        Some(g) => match Grade::parse(&g) {
            Some(g) => Some(g),
            None => {
                errors.push(FieldError::with_detail(
                    "grade",
                    "eval.measures.invalid_grade",
                    g,
                ));
                None
            }
        },
    };
    let kind = match text(&f.kind) {
        None => None,
        Some(k) => match parse_kind(&k) {
            Some(k) => Some(k),
            None => {
                errors.push(FieldError::with_detail(
                    "kind",
                    "eval.measures.invalid_kind",
                    k,
                ));
                None
            }
        },
    };
    if errors.is_empty() {
        Ok((grade, f.town, kind))
    } else {
        Err(AppError::Validation(errors))
    }
}

/// One firm's measures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FirmMeasures {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub town_id: i64,
    pub town_name: String,
    pub grade: Grade,
    /// Consecutive years in D up to this run's year (0 unless D).
    pub years_in_d: u32,
    pub land_mu: Option<f64>,
    pub power_kwh: Option<i64>,
    pub water_m3: Option<i64>,
    pub measures: Vec<Measure>,
    /// Land-use tax relieved, 元 (a saving for the firm).
    pub relief_yuan: f64,
    /// Electricity surcharge, 元 (a cost).
    pub power_yuan: f64,
    /// Water surcharge, 元 (a cost).
    pub water_yuan: f64,
}

impl FirmMeasures {
    /// The basis of each measure, one per line.
    pub fn basis(&self) -> String {
        self.measures
            .iter()
            .map(|m| m.basis.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn amount(&self, kind: MeasureKind) -> f64 {
        self.measures
            .iter()
            .filter(|m| m.kind == kind)
            .map(|m| m.amount_yuan)
            .sum()
    }
}

/// A total over some firms.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct MeasureTotal {
    /// A | B | C | D, the town's unit id, or `all`.
    pub key: String,
    /// The town's name (or the class, or empty for all).
    pub label: String,
    pub firms: u64,
    pub relief_yuan: f64,
    pub power_yuan: f64,
    pub water_yuan: f64,
}

impl MeasureTotal {
    fn add(&mut self, f: &FirmMeasures) {
        self.firms += 1;
        self.relief_yuan += f.relief_yuan;
        self.power_yuan += f.power_yuan;
        self.water_yuan += f.water_yuan;
    }

    /// Surcharges minus relief: what the measures bring in for the county (元).
    pub fn net_yuan(&self) -> f64 {
        self.power_yuan + self.water_yuan - self.relief_yuan
    }
}

/// Totals by class (A to D, every class listed), by town (towns with firms), and overall.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct MeasureTotals {
    pub by_class: Vec<MeasureTotal>,
    pub by_town: Vec<MeasureTotal>,
    pub all: MeasureTotal,
}

fn totals(firms: &[FirmMeasures]) -> MeasureTotals {
    let mut by_class: Vec<MeasureTotal> = Grade::ALL
        .iter()
        .map(|g| MeasureTotal {
            key: g.as_str().to_string(),
            label: g.as_str().to_string(),
            ..Default::default()
        })
        .collect();
    let mut by_town: BTreeMap<(String, i64), MeasureTotal> = BTreeMap::new();
    let mut all = MeasureTotal {
        key: "all".into(),
        ..Default::default()
    };
    for f in firms {
        let i = Grade::ALL.iter().position(|g| *g == f.grade).unwrap_or(0);
        by_class[i].add(f);
        by_town
            .entry((f.town_name.clone(), f.town_id))
            .or_insert_with(|| MeasureTotal {
                key: f.town_id.to_string(),
                label: f.town_name.clone(),
                ..Default::default()
            })
            .add(f);
        all.add(f);
    }
    MeasureTotals {
        by_class,
        by_town: by_town.into_values().collect(),
        all,
    }
}

/// The run the measures are of.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MeasuresRun {
    pub id: i64,
    pub year: i32,
    pub status: String,
    pub scheme_id: i64,
    pub scheme_name: String,
    pub rules: MeasureRules,
}

/// A page of a run's firm measures with the totals of every matching firm.
#[derive(Debug, Clone, Serialize)]
pub struct RunMeasures {
    pub run: MeasuresRun,
    pub page: Page<FirmMeasures>,
    pub totals: MeasureTotals,
}

/// Consecutive years in D ending with `run`, for the firms `d_firms` (D in `run`).
async fn years_in_d(
    db: &impl ConnectionTrait,
    run: &evaluation_run::Model,
    d_firms: &[i64],
) -> AppResult<HashMap<i64, u32>> {
    // The latest published or final run of each earlier year.
    let mut per_year: BTreeMap<i32, i64> = BTreeMap::new();
    for r in evaluation_run::Entity::find()
        .filter(evaluation_run::Column::Year.lt(run.year))
        .filter(evaluation_run::Column::Status.is_in(["published", "final"]))
        .order_by_asc(evaluation_run::Column::Id)
        .all(db)
        .await?
    {
        per_year.insert(r.year, r.id);
    }
    // Each firm's classes, oldest first, back to its first gap.
    let mut history: HashMap<i64, Vec<Option<Grade>>> = d_firms
        .iter()
        .map(|id| (*id, vec![Some(Grade::D)]))
        .collect();
    let mut alive: HashSet<i64> = d_firms.iter().copied().collect();
    let mut year = run.year - 1;
    while !alive.is_empty() {
        let Some(rid) = per_year.get(&year) else {
            break;
        };
        let d: HashSet<i64> = evaluation_result::Entity::find()
            .select_only()
            .column(evaluation_result::Column::EnterpriseId)
            .filter(evaluation_result::Column::RunId.eq(*rid))
            .filter(evaluation_result::Column::Grade.eq("D"))
            .into_tuple::<i64>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        alive.retain(|id| d.contains(id));
        for (id, h) in history.iter_mut() {
            h.insert(
                0,
                if alive.contains(id) {
                    Some(Grade::D)
                } else {
                    None
                },
            );
        }
        year -= 1;
    }
    Ok(history
        .into_iter()
        .map(|(id, h)| (id, consecutive_years_in_d(&h)))
        .collect())
}

/// Every firm of run `run_id` within the caller's scope that has at least one measure and
/// matches `f`: ordered by class, then the larger amount first, then name.
async fn compute(
    app: &App,
    ctx: &Ctx,
    run_id: i64,
    f: &MeasureFilter,
) -> AppResult<(MeasuresRun, Vec<FirmMeasures>)> {
    let (grade, town, kind) = check(f)?;
    let run = find_run(app, ctx, run_id).await?;
    let db = app.db.read();
    let (scheme_row, scheme) = scheme_of(db, &run).await?;
    let rules = scheme.measures.clone();
    let scope = EnterpriseScope::of(db, ctx).await?;
    let mut cond = scope.condition();
    if let Some(t) = town {
        cond = cond.add(enterprise::Column::TownId.eq(t));
    }
    let firms: HashMap<i64, (String, String, i64)> = enterprise::Entity::find()
        .select_only()
        .column(enterprise::Column::Id)
        .column(enterprise::Column::Name)
        .column(enterprise::Column::CreditCode)
        .column(enterprise::Column::TownId)
        .filter(cond)
        .into_tuple::<(i64, String, String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name, code, town)| (id, (name, code, town)))
        .collect();
    let mut q = evaluation_result::Entity::find()
        .select_only()
        .column(evaluation_result::Column::EnterpriseId)
        .column(evaluation_result::Column::Grade)
        .filter(evaluation_result::Column::RunId.eq(run.id))
        .filter(evaluation_result::Column::Grade.is_not_null());
    if let Some(g) = grade {
        q = q.filter(evaluation_result::Column::Grade.eq(g.as_str()));
    }
    let graded: Vec<(i64, Grade)> = q
        .into_tuple::<(i64, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .filter(|(id, _)| firms.contains_key(id))
        .filter_map(|(id, g)| g.as_deref().and_then(Grade::parse).map(|g| (id, g)))
        .collect();
    let ids: Vec<i64> = graded.iter().map(|(id, _)| *id).collect();
    let mut figures: HashMap<i64, Quantities> = HashMap::new();
    for chunk in ids.chunks(5_000) {
        for (id, land, power, water) in yearly_figures::Entity::find()
            .select_only()
            .column(yearly_figures::Column::EnterpriseId)
            .column(yearly_figures::Column::LandMu)
            .column(yearly_figures::Column::PowerKwh)
            .column(yearly_figures::Column::WaterM3)
            .filter(yearly_figures::Column::Year.eq(run.year))
            .filter(yearly_figures::Column::EnterpriseId.is_in(chunk.to_vec()))
            .into_tuple::<(i64, Option<f64>, Option<i64>, Option<i64>)>()
            .all(db)
            .await?
        {
            figures.insert(id, (land, power, water));
        }
    }
    let parcels = land_for_firms(db, &ids, run.year).await?;
    let d_firms: Vec<i64> = graded
        .iter()
        .filter(|(_, g)| *g == Grade::D)
        .map(|(id, _)| *id)
        .collect();
    let in_d = years_in_d(db, &run, &d_firms).await?;
    let names = Names::load(db).await?;
    let mut out: Vec<FirmMeasures> = Vec::new();
    for (id, g) in graded {
        let (name, credit_code, town_id) = firms[&id].clone();
        let (land, power, water) = figures.get(&id).copied().unwrap_or_default();
        let land = land.or_else(|| parcels.get(&id).copied().filter(|m| *m > 0.0));
        let years = in_d.get(&id).copied().unwrap_or(0);
        let ms = measures(&rules, g, land, power, water, years);
        if ms.is_empty() || kind.is_some_and(|k| !ms.iter().any(|m| m.kind == k)) {
            continue;
        }
        let mut fm = FirmMeasures {
            enterprise_id: id,
            name,
            credit_code,
            town_id,
            town_name: names.towns.get(&town_id).cloned().unwrap_or_default(),
            grade: g,
            years_in_d: years,
            land_mu: land,
            power_kwh: power,
            water_m3: water,
            measures: ms,
            relief_yuan: 0.0,
            power_yuan: 0.0,
            water_yuan: 0.0,
        };
        fm.relief_yuan = fm.amount(MeasureKind::LandTaxRelief);
        fm.power_yuan = fm.amount(MeasureKind::PowerSurcharge);
        fm.water_yuan = fm.amount(MeasureKind::WaterSurcharge);
        out.push(fm);
    }
    let amount = |f: &FirmMeasures| f.relief_yuan + f.power_yuan + f.water_yuan;
    out.sort_by(|a, b| {
        a.grade
            .cmp(&b.grade)
            .then(amount(b).total_cmp(&amount(a)))
            .then_with(|| a.name.cmp(&b.name))
            .then(a.enterprise_id.cmp(&b.enterprise_id))
    });
    Ok((
        MeasuresRun {
            id: run.id,
            year: run.year,
            status: run.status,
            scheme_id: scheme_row.id,
            scheme_name: scheme_row.name,
            rules,
        },
        out,
    ))
}

/// One page of a run's firm measures, with the totals of every firm matching `f`.
pub async fn list(
    app: &App,
    ctx: &Ctx,
    run_id: i64,
    f: &MeasureFilter,
    page: PageRequest,
) -> AppResult<RunMeasures> {
    let (run, all) = compute(app, ctx, run_id, f).await?;
    let totals = totals(&all);
    let total = all.len() as u64;
    let items = all
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(page.per_page).unwrap_or(usize::MAX))
        .collect();
    Ok(RunMeasures {
        run,
        page: Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        },
        totals,
    })
}

/// The run the measures page opens with: the latest run that is not a draft (by year, then
/// the newest).
pub async fn default_run(app: &App, ctx: &Ctx) -> AppResult<Option<i64>> {
    let choices = super::results::run_choices(app, ctx).await?;
    Ok(choices
        .into_iter()
        .find(|r| r.status != "draft")
        .map(|r| r.id))
}

fn column(header: &str, format: ExportFormat, width: f64) -> ExportColumn {
    ExportColumn {
        header: header.to_string(),
        format,
        width,
    }
}

/// The export's headers.
pub const EXPORT_HEADERS: [&str; 13] = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "类别",
    "连续D类年数",
    "用地面积（亩）",
    "用电量（千瓦时）",
    "用水量（立方米）",
    "城镇土地使用税减免（元）",
    "差别化电价加价（元）",
    "差别化水价加价（元）",
    "测算依据",
];

/// Every firm matching `f` as an xlsx workbook, amounts in 元 with the basis of each.
pub async fn export_xlsx(
    app: &App,
    ctx: &Ctx,
    run_id: i64,
    f: &MeasureFilter,
) -> AppResult<Vec<u8>> {
    let (run, all) = compute(app, ctx, run_id, f).await?;
    let formats = [
        (ExportFormat::PlainInteger, 6.0),
        (ExportFormat::Text, 32.0),
        (ExportFormat::Text, 22.0),
        (ExportFormat::Text, 12.0),
        (ExportFormat::Text, 6.0),
        (ExportFormat::PlainInteger, 8.0),
        (ExportFormat::Decimal2, 12.0),
        (ExportFormat::Integer, 14.0),
        (ExportFormat::Integer, 12.0),
        (ExportFormat::Decimal2, 16.0),
        (ExportFormat::Decimal2, 16.0),
        (ExportFormat::Decimal2, 16.0),
        (ExportFormat::Text, 60.0),
    ];
    let columns: Vec<ExportColumn> = EXPORT_HEADERS
        .iter()
        .zip(formats)
        .map(|(h, (fmt, w))| column(h, fmt, w))
        .collect();
    let opt_real = |v: Option<f64>| v.map_or(ExportValue::Empty, ExportValue::Real);
    let opt_int = |v: Option<i64>| v.map_or(ExportValue::Empty, ExportValue::Int);
    let money = |v: f64| {
        if v == 0.0 {
            ExportValue::Empty
        } else {
            ExportValue::Real(v)
        }
    };
    let rows: Vec<Vec<ExportValue>> = all
        .iter()
        .enumerate()
        .map(|(i, f)| {
            vec![
                ExportValue::Int(i as i64 + 1),
                ExportValue::Text(f.name.clone()),
                ExportValue::Text(f.credit_code.clone()),
                ExportValue::Text(f.town_name.clone()),
                ExportValue::Text(f.grade.as_str().to_string()),
                ExportValue::Int(i64::from(f.years_in_d)),
                opt_real(f.land_mu),
                opt_int(f.power_kwh),
                opt_int(f.water_m3),
                money(f.relief_yuan),
                money(f.power_yuan),
                money(f.water_yuan),
                ExportValue::Text(f.basis().replace('\n', "；")),
            ]
        })
        .collect();
    let title = format!(
        "{}年度亩均效益综合评价差别化措施测算（{}）",
        run.year, run.scheme_name
    );
    tokio::task::spawn_blocking(move || {
        export_table("差别化措施", Some(&title), &columns, rows.into_iter())
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))
}
