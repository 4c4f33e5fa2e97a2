//! The scheme edit form: every field of a scheme as form fields named by their path in the
//! scheme (`above.items.0.weight`, `measures.water_surcharge.3`, `adjustments.bonus_cap` …),
//! so the scheme's own checks name the field they concern. Percentages are typed as percents
//! (cuts, relief shares); an empty cap, screen threshold or count switches it off. Rows left
//! empty are dropped, and a few empty rows are always offered for new items.

use std::collections::{BTreeMap, BTreeSet};

use wujin_app::FieldError;
use wujin_app::evaluation::schemes::CountyAverages;
use wujin_domain::enterprise::Scale;
use wujin_domain::evaluation::adjustments::{AdjustmentItem, AdjustmentRules};
use wujin_domain::evaluation::low_end::LowEndRules;
use wujin_domain::evaluation::measures::MeasureRules;
use wujin_domain::evaluation::scheme::scale_prefix;
use wujin_domain::evaluation::{
    ClassCuts, EvaluationScheme, Grade, Indicator, ItemRule, ScoringRules, Veto, VetoRules,
};

use crate::i18n::{Lang, tr};
use crate::pages::FormErrors;
use crate::pages::choices::Opt;

/// The form as typed: field path → text.
pub(super) type Raw = BTreeMap<String, String>;

/// Empty rows offered below the items of each scale and below the bonus and penalty items.
const SPARE_ITEM_ROWS: usize = 2;
const SPARE_ADJUSTMENT_ROWS: usize = 3;
/// Rows beyond this index are ignored (a form never has that many).
const MAX_ROWS: usize = 50;

pub(super) const SCALES: [Scale; 2] = [Scale::Above, Scale::Below];
pub(super) const VETOES: [&str; 4] = [
    "safety_accident",
    "environmental_accident",
    "energy_task_unmet",
    "falsified_data",
];
pub(super) const LOW_END_FLAGS: [&str; 3] = [
    "missing_permits",
    "outside_park_and_below_size",
    "no_pollution_control",
];
const ITEM_FIELDS: [&str; 3] = ["indicator", "weight", "benchmark"];
const ADJUSTMENT_FIELDS: [&str; 3] = ["tag", "label", "points"];

/// A number as typed back into a form: the shortest text that reads back to the same value.
pub(super) fn num(v: f64) -> String {
    format!("{v}")
}

/// A share (0.8) as a percent (80), without float noise.
pub(super) fn percent(share: f64) -> String {
    let s = format!("{:.8}", share * 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// Basis points (2000) as a percent (20).
pub(super) fn bp_percent(bp: u32) -> String {
    percent(f64::from(bp) / 10_000.0)
}

pub(super) fn veto_str(v: Option<Veto>) -> &'static str {
    match v {
        None => "none",
        Some(Veto::AtBestC) => "at_best_c",
        Some(Veto::ForceD) => "force_d",
    }
}

pub(super) fn veto_of(v: &VetoRules, name: &str) -> Option<Veto> {
    match name {
        "safety_accident" => v.safety_accident,
        "environmental_accident" => v.environmental_accident,
        "energy_task_unmet" => v.energy_task_unmet,
        _ => v.falsified_data,
    }
}

pub(super) fn low_end_flag(l: &LowEndRules, name: &str) -> bool {
    match name {
        "missing_permits" => l.missing_permits,
        "outside_park_and_below_size" => l.outside_park_and_below_size,
        _ => l.no_pollution_control,
    }
}

fn rules_of(s: &EvaluationScheme, scale: Scale) -> &ScoringRules {
    s.rules(scale)
}

/// The form of a stored scheme.
pub(super) fn to_raw(s: &EvaluationScheme) -> Raw {
    let mut r = Raw::new();
    let mut entry = |k: String, v: String| {
        r.insert(k, v);
    };
    entry("name".into(), s.name.clone());
    entry("year".into(), s.year.to_string());
    for scale in SCALES {
        let p = scale_prefix(scale);
        let rules = rules_of(s, scale);
        for (i, item) in rules.items.iter().enumerate() {
            entry(
                format!("{p}.items.{i}.indicator"),
                item.indicator.as_str().into(),
            );
            entry(format!("{p}.items.{i}.weight"), num(item.weight));
            entry(format!("{p}.items.{i}.benchmark"), num(item.benchmark));
        }
        entry(
            format!("{p}.cap_multiple"),
            rules.cap_multiple.map(num).unwrap_or_default(),
        );
        entry(format!("{p}.floor"), num(rules.floor));
    }
    entry("cuts.a".into(), bp_percent(s.cuts.a));
    entry("cuts.b".into(), bp_percent(s.cuts.b));
    entry("cuts.c".into(), bp_percent(s.cuts.c));
    entry("below_min_land_mu".into(), num(s.below_min_land_mu));
    if s.rank_by_industry_group {
        entry("rank_by_industry_group".into(), "1".into());
    }
    for v in VETOES {
        entry(
            format!("vetoes.{v}"),
            veto_str(veto_of(&s.vetoes, v)).into(),
        );
    }
    entry("unrated_as".into(), s.unrated_as.as_str().into());
    entry("publicity_days".into(), s.publicity_days.to_string());
    let m = &s.measures;
    entry(
        "measures.land_tax_yuan_per_m2".into(),
        num(m.land_tax_yuan_per_m2),
    );
    for g in 0..4 {
        entry(
            format!("measures.land_tax_relief.{g}"),
            percent(m.land_tax_relief[g]),
        );
        entry(
            format!("measures.power_surcharge.{g}"),
            num(m.power_surcharge[g]),
        );
        entry(
            format!("measures.water_surcharge.{g}"),
            num(m.water_surcharge[g]),
        );
    }
    entry(
        "measures.power_long_d_years".into(),
        m.power_long_d_years.to_string(),
    );
    entry(
        "measures.power_surcharge_long_d".into(),
        num(m.power_surcharge_long_d),
    );
    for f in LOW_END_FLAGS {
        if low_end_flag(&s.low_end, f) {
            entry(format!("low_end.{f}"), "1".into());
        }
    }
    entry(
        "low_end.tax_per_mu_below_wan".into(),
        s.low_end.tax_per_mu_below_wan.map(num).unwrap_or_default(),
    );
    entry(
        "low_end.d_consecutive_years".into(),
        s.low_end
            .d_consecutive_years
            .map(|n| n.to_string())
            .unwrap_or_default(),
    );
    for (i, a) in s.adjustments.items.iter().enumerate() {
        entry(format!("adjustments.items.{i}.tag"), a.tag.clone());
        entry(format!("adjustments.items.{i}.label"), a.label.clone());
        entry(format!("adjustments.items.{i}.points"), num(a.points));
    }
    entry("adjustments.bonus_cap".into(), num(s.adjustments.bonus_cap));
    entry(
        "adjustments.penalty_cap".into(),
        num(s.adjustments.penalty_cap),
    );
    r
}

/// Drops the empty rows of a list and numbers the others from 0 (in their order).
fn compact(raw: &mut Raw, prefix: &str, fields: &[&str]) {
    let head = format!("{prefix}.");
    let keys: Vec<String> = raw
        .keys()
        .filter(|k| k.starts_with(&head))
        .cloned()
        .collect();
    let mut rows: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    for k in keys {
        let value = raw.remove(&k).unwrap_or_default();
        let rest = &k[head.len()..];
        let Some((index, field)) = rest.split_once('.') else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        if index < MAX_ROWS && fields.contains(&field) {
            rows.entry(index)
                .or_default()
                .insert(field.to_string(), value);
        }
    }
    let kept = rows
        .into_values()
        .filter(|r| r.values().any(|v| !v.trim().is_empty()));
    for (n, row) in kept.enumerate() {
        for (field, value) in row {
            raw.insert(format!("{prefix}.{n}.{field}"), value);
        }
    }
}

/// The form as posted: (name, value) pairs, empty rows dropped. `intent` and
/// `benchmark_year` stay in the map.
pub(super) fn from_pairs(pairs: Vec<(String, String)>) -> Raw {
    let mut raw: Raw = pairs.into_iter().collect();
    for scale in SCALES {
        compact(
            &mut raw,
            &format!("{}.items", scale_prefix(scale)),
            &ITEM_FIELDS,
        );
    }
    compact(&mut raw, "adjustments.items", &ADJUSTMENT_FIELDS);
    raw
}

/// Number of rows of a (compacted) list.
fn rows(raw: &Raw, prefix: &str, first_field: &str) -> usize {
    (0..MAX_ROWS)
        .take_while(|i| raw.contains_key(&format!("{prefix}.{i}.{first_field}")))
        .count()
}

/// Reads the typed texts, collecting an error per field that does not read.
struct Reader<'a> {
    raw: &'a Raw,
    errors: Vec<FieldError>,
}

impl Reader<'_> {
    fn text(&self, k: &str) -> String {
        self.raw
            .get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }

    fn flag(&self, k: &str) -> bool {
        self.raw.get(k).is_some_and(|v| !v.is_empty())
    }

    fn fail(&mut self, k: &str, key: &str, typed: &str) {
        self.errors.push(FieldError::with_detail(k, key, typed));
    }

    fn read_f64(text: &str) -> Option<f64> {
        let cleaned: String = text
            .chars()
            .filter(|c| !matches!(c, ',' | '，' | ' ' | '\u{3000}'))
            .collect();
        cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
    }

    /// An optional number; empty is `None`.
    fn opt_f64(&mut self, k: &str) -> Option<f64> {
        let t = self.text(k);
        if t.is_empty() {
            return None;
        }
        match Self::read_f64(&t) {
            Some(v) => Some(v),
            None => {
                self.fail(k, "error.scheme_form.number", &t);
                None
            }
        }
    }

    /// A required number; a missing or unreadable one is an error (`fallback` stands in).
    fn f64(&mut self, k: &str, fallback: f64) -> f64 {
        let t = self.text(k);
        match Self::read_f64(&t) {
            Some(v) => v,
            None => {
                self.fail(k, "error.scheme_form.number", &t);
                fallback
            }
        }
    }

    fn opt_u32(&mut self, k: &str) -> Option<u32> {
        let t = self.text(k);
        if t.is_empty() {
            return None;
        }
        match t.parse::<u32>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.fail(k, "error.scheme_form.integer", &t);
                None
            }
        }
    }

    fn u32(&mut self, k: &str, fallback: u32) -> u32 {
        let t = self.text(k);
        match t.parse::<u32>() {
            Ok(v) => v,
            Err(_) => {
                self.fail(k, "error.scheme_form.integer", &t);
                fallback
            }
        }
    }

    /// A percent (0–100) as basis points.
    fn percent_bp(&mut self, k: &str, fallback: u32) -> u32 {
        let t = self.text(k);
        match Self::read_f64(&t) {
            Some(v) if (0.0..=100.0).contains(&v) => (v * 100.0).round() as u32,
            _ => {
                self.fail(k, "error.scheme_form.percent", &t);
                fallback
            }
        }
    }

    /// A percent (0–100) as a share.
    fn percent_share(&mut self, k: &str, fallback: f64) -> f64 {
        let t = self.text(k);
        match Self::read_f64(&t) {
            Some(v) if (0.0..=100.0).contains(&v) => v / 100.0,
            _ => {
                self.fail(k, "error.scheme_form.percent", &t);
                fallback
            }
        }
    }
}

/// The scheme the form describes, and the fields that could not be read (their values are
/// taken from `base`, so the scheme's own checks can still run on the rest).
pub(super) fn to_scheme(raw: &Raw, base: &EvaluationScheme) -> (EvaluationScheme, Vec<FieldError>) {
    let mut r = Reader {
        raw,
        errors: Vec::new(),
    };
    let name = r.text("name");
    let year_text = r.text("year");
    let year = match year_text.parse::<i32>() {
        Ok(y) => y,
        Err(_) => {
            r.fail("year", "error.scheme_form.year", &year_text);
            base.year
        }
    };
    let mut scoring = Vec::new();
    for scale in SCALES {
        let p = scale_prefix(scale);
        let fallback = rules_of(base, scale);
        let prefix = format!("{p}.items");
        let mut items = Vec::new();
        for i in 0..rows(raw, &prefix, "indicator") {
            let k = |f: &str| format!("{prefix}.{i}.{f}");
            let typed = r.text(&k("indicator"));
            let indicator = match Indicator::parse(&typed) {
                Some(ind) => ind,
                None => {
                    r.fail(&k("indicator"), "error.scheme_form.indicator", &typed);
                    Indicator::ALL[i % Indicator::ALL.len()]
                }
            };
            let weight = r.f64(&k("weight"), 1.0);
            let benchmark = r.f64(&k("benchmark"), 1.0);
            items.push(ItemRule {
                indicator,
                weight,
                benchmark,
            });
        }
        let cap_multiple = r.opt_f64(&format!("{p}.cap_multiple"));
        let floor = r.f64(&format!("{p}.floor"), fallback.floor);
        scoring.push(ScoringRules {
            items,
            cap_multiple,
            floor,
        });
    }
    let below = scoring.pop().unwrap_or_else(|| base.below.clone());
    let above = scoring.pop().unwrap_or_else(|| base.above.clone());
    let cuts = ClassCuts {
        a: r.percent_bp("cuts.a", base.cuts.a),
        b: r.percent_bp("cuts.b", base.cuts.b),
        c: r.percent_bp("cuts.c", base.cuts.c),
    };
    let below_min_land_mu = r.f64("below_min_land_mu", base.below_min_land_mu);
    let rank_by_industry_group = r.flag("rank_by_industry_group");
    let mut vetoes = base.vetoes;
    for v in VETOES {
        let k = format!("vetoes.{v}");
        let typed = r.text(&k);
        let value = match typed.as_str() {
            "" | "none" => None,
            "at_best_c" => Some(Veto::AtBestC),
            "force_d" => Some(Veto::ForceD),
            _ => {
                r.fail(&k, "error.scheme_form.veto", &typed);
                veto_of(&base.vetoes, v)
            }
        };
        match v {
            "safety_accident" => vetoes.safety_accident = value,
            "environmental_accident" => vetoes.environmental_accident = value,
            "energy_task_unmet" => vetoes.energy_task_unmet = value,
            _ => vetoes.falsified_data = value,
        }
    }
    let typed = r.text("unrated_as");
    let unrated_as = Grade::parse(&typed).unwrap_or_else(|| {
        r.fail("unrated_as", "error.scheme_form.grade", &typed);
        base.unrated_as
    });
    let publicity_days = r.u32("publicity_days", base.publicity_days);
    let bm = &base.measures;
    let mut measures = MeasureRules {
        land_tax_yuan_per_m2: r.f64("measures.land_tax_yuan_per_m2", bm.land_tax_yuan_per_m2),
        land_tax_relief: bm.land_tax_relief,
        power_surcharge: bm.power_surcharge,
        power_long_d_years: r.u32("measures.power_long_d_years", bm.power_long_d_years),
        power_surcharge_long_d: r.f64("measures.power_surcharge_long_d", bm.power_surcharge_long_d),
        water_surcharge: bm.water_surcharge,
    };
    for g in 0..4 {
        measures.land_tax_relief[g] = r.percent_share(
            &format!("measures.land_tax_relief.{g}"),
            bm.land_tax_relief[g],
        );
        measures.power_surcharge[g] = r.f64(
            &format!("measures.power_surcharge.{g}"),
            bm.power_surcharge[g],
        );
        measures.water_surcharge[g] = r.f64(
            &format!("measures.water_surcharge.{g}"),
            bm.water_surcharge[g],
        );
    }
    let low_end = LowEndRules {
        missing_permits: r.flag("low_end.missing_permits"),
        outside_park_and_below_size: r.flag("low_end.outside_park_and_below_size"),
        no_pollution_control: r.flag("low_end.no_pollution_control"),
        tax_per_mu_below_wan: r.opt_f64("low_end.tax_per_mu_below_wan"),
        d_consecutive_years: r.opt_u32("low_end.d_consecutive_years"),
    };
    let mut items = Vec::new();
    for i in 0..rows(raw, "adjustments.items", "tag") {
        let k = |f: &str| format!("adjustments.items.{i}.{f}");
        items.push(AdjustmentItem {
            tag: r.text(&k("tag")),
            label: r.text(&k("label")),
            points: r.f64(&k("points"), 1.0),
        });
    }
    let adjustments = AdjustmentRules {
        items,
        bonus_cap: r.f64("adjustments.bonus_cap", base.adjustments.bonus_cap),
        penalty_cap: r.f64("adjustments.penalty_cap", base.adjustments.penalty_cap),
    };
    let scheme = EvaluationScheme {
        name,
        year,
        above,
        below,
        cuts,
        below_min_land_mu,
        rank_by_industry_group,
        vetoes,
        unrated_as,
        publicity_days,
        measures,
        low_end,
        adjustments,
    };
    (scheme, r.errors)
}

/// Fills the benchmark of every row whose indicator the county reported in `avg`; returns
/// the indicators (labels) that kept theirs.
pub(super) fn fill_benchmarks(raw: &mut Raw, avg: &CountyAverages, lang: Lang) -> Vec<String> {
    let mut missing = BTreeSet::new();
    for scale in SCALES {
        let prefix = format!("{}.items", scale_prefix(scale));
        for i in 0..rows(raw, &prefix, "indicator") {
            let Some(ind) = raw
                .get(&format!("{prefix}.{i}.indicator"))
                .and_then(|t| Indicator::parse(t.trim()))
            else {
                continue;
            };
            match avg.get(scale, ind) {
                Some(v) => {
                    raw.insert(format!("{prefix}.{i}.benchmark"), num(v));
                }
                None => {
                    missing.insert(indicator_label(lang, ind));
                }
            }
        }
    }
    missing.into_iter().collect()
}

pub(super) fn indicator_label(lang: Lang, i: Indicator) -> String {
    tr(lang, &format!("eval.scheme.indicator.{}", i.as_str()))
}

pub(super) fn indicator_unit(lang: Lang, i: Indicator) -> String {
    tr(lang, &format!("eval.scheme.unit.{}", i.as_str()))
}

/// One input of the form.
pub(crate) struct Field {
    pub name: String,
    pub value: String,
    pub error: String,
}

impl Field {
    pub fn class(&self) -> &'static str {
        if self.error.is_empty() { "" } else { "invalid" }
    }

    pub fn id(&self) -> String {
        format!("f-{}", self.name.replace('.', "-"))
    }
}

/// One dropdown of the form.
pub(crate) struct Choice {
    pub name: String,
    pub options: Vec<Opt>,
    pub error: String,
}

impl Choice {
    pub fn class(&self) -> &'static str {
        if self.error.is_empty() { "" } else { "invalid" }
    }

    pub fn id(&self) -> String {
        format!("f-{}", self.name.replace('.', "-"))
    }
}

/// One checkbox.
pub(crate) struct Check {
    pub name: String,
    pub label: String,
    pub checked: bool,
}

pub(crate) struct ItemRow {
    pub indicator: Choice,
    pub weight: Field,
    pub benchmark: Field,
    pub unit: String,
}

pub(crate) struct ScaleForm {
    pub title_key: &'static str,
    pub items: Vec<ItemRow>,
    pub items_error: String,
    pub cap: Field,
    pub floor: Field,
}

pub(crate) struct ClassRates {
    pub grade: &'static str,
    pub relief: Field,
    pub power: Field,
    pub water: Field,
}

pub(crate) struct AdjustmentRow {
    pub tag: Choice,
    pub label: Field,
    pub points: Field,
}

pub(crate) struct VetoRow {
    pub label: String,
    pub choice: Choice,
}

/// Everything the edit template shows.
pub(crate) struct FormView {
    pub name: Field,
    pub year: Field,
    pub scales: Vec<ScaleForm>,
    pub cut_a: Field,
    pub cut_b: Field,
    pub cut_c: Field,
    pub cuts_error: String,
    pub below_min_land_mu: Field,
    pub rank_by_industry_group: bool,
    pub vetoes: Vec<VetoRow>,
    pub unrated_as: Choice,
    pub publicity_days: Field,
    pub land_tax_yuan_per_m2: Field,
    pub rates: Vec<ClassRates>,
    pub power_long_d_years: Field,
    pub power_surcharge_long_d: Field,
    pub low_end_flags: Vec<Check>,
    pub low_end_tax: Field,
    pub low_end_d_years: Field,
    pub adjustments: Vec<AdjustmentRow>,
    pub bonus_cap: Field,
    pub penalty_cap: Field,
    pub benchmark_year: Field,
}

/// The edit form's fields from `raw`, with `errors` beside them. `tags` are the tag
/// dictionary's (code, name) pairs.
pub(super) fn view(
    raw: &Raw,
    errors: &FormErrors,
    lang: Lang,
    tags: &[(String, String)],
    benchmark_year: &str,
) -> FormView {
    let field = |name: &str| Field {
        name: name.to_string(),
        value: raw.get(name).cloned().unwrap_or_default(),
        error: errors.get(name),
    };
    let choice = |name: &str, items: Vec<(String, String)>, empty: Option<String>| {
        let selected = raw.get(name).map(|s| s.trim()).unwrap_or("");
        let mut options = Vec::new();
        if let Some(label) = empty {
            options.push(Opt {
                value: String::new(),
                label,
                selected: selected.is_empty(),
            });
        }
        let mut found = selected.is_empty();
        for (value, label) in items {
            found |= value == selected;
            options.push(Opt {
                selected: value == selected,
                value,
                label,
            });
        }
        // A typed value that is not among the choices stays visible (and is refused).
        if !found {
            options.push(Opt {
                value: selected.to_string(),
                label: selected.to_string(),
                selected: true,
            });
        }
        Choice {
            name: name.to_string(),
            options,
            error: errors.get(name),
        }
    };
    let indicators: Vec<(String, String)> = Indicator::ALL
        .iter()
        .map(|i| (i.as_str().to_string(), indicator_label(lang, *i)))
        .collect();
    let mut scales = Vec::new();
    for scale in SCALES {
        let p = scale_prefix(scale);
        let prefix = format!("{p}.items");
        let n = rows(raw, &prefix, "indicator");
        let items = (0..n + SPARE_ITEM_ROWS)
            .map(|i| {
                let k = |f: &str| format!("{prefix}.{i}.{f}");
                let unit = raw
                    .get(&k("indicator"))
                    .and_then(|t| Indicator::parse(t.trim()))
                    .map(|ind| indicator_unit(lang, ind))
                    .unwrap_or_default();
                ItemRow {
                    indicator: choice(
                        &k("indicator"),
                        indicators.clone(),
                        Some(tr(lang, "eval.scheme.no_item")),
                    ),
                    weight: field(&k("weight")),
                    benchmark: field(&k("benchmark")),
                    unit,
                }
            })
            .collect();
        scales.push(ScaleForm {
            title_key: match scale {
                Scale::Above => "eval.scheme.section_above",
                Scale::Below => "eval.scheme.section_below",
            },
            items,
            items_error: errors.get(&prefix),
            cap: field(&format!("{p}.cap_multiple")),
            floor: field(&format!("{p}.floor")),
        });
    }
    let veto_choices: Vec<(String, String)> = ["none", "at_best_c", "force_d"]
        .iter()
        .map(|v| {
            (
                v.to_string(),
                tr(lang, &format!("eval.scheme.veto_value.{v}")),
            )
        })
        .collect();
    let grades: Vec<(String, String)> = Grade::ALL
        .iter()
        .map(|g| {
            (
                g.as_str().to_string(),
                crate::i18n::trf(lang, "eval.scheme.grade_value", &[("g", g.as_str())]),
            )
        })
        .collect();
    let n_adj = rows(raw, "adjustments.items", "tag");
    let tag_choices: Vec<(String, String)> = tags
        .iter()
        .map(|(c, n)| (c.clone(), format!("{n}（{c}）")))
        .collect();
    FormView {
        name: field("name"),
        year: field("year"),
        scales,
        cut_a: field("cuts.a"),
        cut_b: field("cuts.b"),
        cut_c: field("cuts.c"),
        cuts_error: errors.get("cuts"),
        below_min_land_mu: field("below_min_land_mu"),
        rank_by_industry_group: raw
            .get("rank_by_industry_group")
            .is_some_and(|v| !v.is_empty()),
        vetoes: VETOES
            .iter()
            .map(|v| VetoRow {
                label: tr(lang, &format!("eval.scheme.veto.{v}")),
                choice: choice(&format!("vetoes.{v}"), veto_choices.clone(), None),
            })
            .collect(),
        unrated_as: choice("unrated_as", grades, None),
        publicity_days: field("publicity_days"),
        land_tax_yuan_per_m2: field("measures.land_tax_yuan_per_m2"),
        rates: Grade::ALL
            .iter()
            .enumerate()
            .map(|(g, grade)| ClassRates {
                grade: grade.as_str(),
                relief: field(&format!("measures.land_tax_relief.{g}")),
                power: field(&format!("measures.power_surcharge.{g}")),
                water: field(&format!("measures.water_surcharge.{g}")),
            })
            .collect(),
        power_long_d_years: field("measures.power_long_d_years"),
        power_surcharge_long_d: field("measures.power_surcharge_long_d"),
        low_end_flags: LOW_END_FLAGS
            .iter()
            .map(|f| Check {
                name: format!("low_end.{f}"),
                label: tr(lang, &format!("eval.scheme.low_end.{f}")),
                checked: raw
                    .get(&format!("low_end.{f}"))
                    .is_some_and(|v| !v.is_empty()),
            })
            .collect(),
        low_end_tax: field("low_end.tax_per_mu_below_wan"),
        low_end_d_years: field("low_end.d_consecutive_years"),
        adjustments: (0..n_adj + SPARE_ADJUSTMENT_ROWS)
            .map(|i| {
                let k = |f: &str| format!("adjustments.items.{i}.{f}");
                AdjustmentRow {
                    tag: choice(
                        &k("tag"),
                        tag_choices.clone(),
                        Some(tr(lang, "eval.adjust.no_tag")),
                    ),
                    label: field(&k("label")),
                    points: field(&k("points")),
                }
            })
            .collect(),
        bonus_cap: field("adjustments.bonus_cap"),
        penalty_cap: field("adjustments.penalty_cap"),
        benchmark_year: Field {
            name: "benchmark_year".into(),
            value: benchmark_year.to_string(),
            error: errors.get("benchmark_year"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheme_reads_back_from_its_own_form() {
        let s = EvaluationScheme::default_for(2024);
        let raw = to_raw(&s);
        assert_eq!(raw["cuts.a"], "20");
        assert_eq!(raw["measures.land_tax_relief.1"], "80");
        assert_eq!(raw["above.items.0.benchmark"], "24.097");
        let (back, errors) = to_scheme(&raw, &s);
        assert_eq!(errors, []);
        assert_eq!(back, s);
    }

    #[test]
    fn empty_rows_are_dropped_and_bad_numbers_named() {
        let s = EvaluationScheme::default_for(2024);
        let mut pairs: Vec<(String, String)> = to_raw(&s).into_iter().collect();
        // Row 0 of the 规下 items emptied, a new row 7 typed, a bad weight, an empty cap.
        for (k, v) in pairs.iter_mut() {
            if k.starts_with("below.items.0.") {
                v.clear();
            }
            if k == "above.items.2.weight" {
                *v = "二十".into();
            }
            if k == "above.cap_multiple" {
                v.clear();
            }
        }
        pairs.push(("below.items.7.indicator".into(), "tax_per_mu".into()));
        pairs.push(("below.items.7.weight".into(), "50".into()));
        pairs.push(("below.items.7.benchmark".into(), "1,234.5".into()));
        let raw = from_pairs(pairs);
        let (back, errors) = to_scheme(&raw, &s);
        assert_eq!(
            errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["above.items.2.weight"]
        );
        assert_eq!(back.above.cap_multiple, None);
        assert_eq!(back.below.items.len(), 2);
        assert_eq!(back.below.items[0].indicator, Indicator::TaxPerKwh);
        assert_eq!(back.below.items[1].benchmark, 1234.5);
    }
}
