//! A synthetic Yongkang for demonstrations and tests: about 1,100 规上 and 3,000 规下 hardware
//! firms spread over the streets, towns and the development zone, each with its land parcels and
//! four years of figures.
//!
//! Everything is fictional but shaped like the real city: the big three industry groups are doors
//! and locks, cups and cookware, and power tools; the 规上 firms' 工业总产值 of the latest year adds
//! up to about 1,000亿元; value added is a fifth to a quarter of output, the evaluation tax 3–6 %
//! of revenue, and energy, electricity, water, emissions and staff follow from the output. The data
//! also has what real data has: growth with noise, a few outliers (×3 or ÷3), some missing
//! values, rare accidents and vetoes, firms crossing the 规上 threshold between years, tenants on
//! other firms' land and about 2 % of firms that meet the 低散乱污 criteria
//! ([`DemoFirm::meets_low_end_criteria`]).
//!
//! [`generate`] is pure and deterministic: the same [`DemoCityParams`] always give the same firms.

mod names;
pub mod rng;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::credit_code::{ALPHABET, with_check_char};
use crate::enterprise::{ABOVE_SCALE_MAIN_REVENUE_YUAN, EnterpriseStatus, LandTenure};

pub use names::{PARKS, TOWNS};
use rng::DemoRng;

/// Default number of 规上 firms.
pub const DEFAULT_ABOVE_SCALE_FIRMS: usize = 1_100;
/// Default number of 规下 firms.
pub const DEFAULT_BELOW_SCALE_FIRMS: usize = 3_000;
/// Latest-year 工业总产值 of all 规上 firms together for [`DEFAULT_ABOVE_SCALE_FIRMS`] firms
/// (1,000亿元); other firm counts scale it in proportion.
pub const ABOVE_SCALE_OUTPUT_TARGET_YUAN: i64 = 100_000_000_000;
/// 低散乱污 criterion: 评价税收 per 亩 under this many yuan.
pub const LOW_END_TAX_PER_MU_YUAN: i64 = 10_000;
/// Share of all firms generated as 低散乱污 candidates.
pub const LOW_END_SHARE: f64 = 0.02;

/// The industry-group codes in use, largest first.
pub const INDUSTRY_GROUP_CODES: [&str; 7] = [
    "doors_locks",
    "cups_cookware",
    "power_tools",
    "vehicles",
    "metals",
    "cleaning",
    "other",
];

/// `tce` per kWh of electricity (当量值).
const TCE_PER_KWH: f64 = 0.000_122_9;

/// What the generator is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCityParams {
    pub seed: u64,
    /// Firms whose latest-year main revenue is at least 2,000万元.
    pub above_scale_firms: usize,
    /// Firms under the threshold.
    pub below_scale_firms: usize,
    /// Years with figures; the last one is the "latest year" that decides the scale.
    pub years: RangeInclusive<i32>,
}

impl Default for DemoCityParams {
    fn default() -> Self {
        DemoCityParams {
            seed: 20_220_215,
            above_scale_firms: DEFAULT_ABOVE_SCALE_FIRMS,
            below_scale_firms: DEFAULT_BELOW_SCALE_FIRMS,
            years: 2021..=2024,
        }
    }
}

/// A generated firm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemoFirm {
    /// A valid 统一社会信用代码 (registered by 市场监管 in Yongkang, 330784).
    pub credit_code: String,
    pub name: String,
    pub short_name: String,
    /// Department code of its street, town or the development zone (see [`TOWNS`]).
    pub town_code: String,
    /// Industrial park, if the firm sits in one (see [`PARKS`]).
    pub park: Option<String>,
    /// One of [`INDUSTRY_GROUP_CODES`].
    pub industry_group: &'static str,
    pub founded: NaiveDate,
    pub address: String,
    pub legal_rep: String,
    pub contact_person: String,
    /// An 11-digit mobile number.
    pub contact_phone: String,
    /// An [`EnterpriseStatus`] code; mostly `operating`.
    pub status: &'static str,
    /// Codes of the default enterprise tags.
    pub tags: Vec<&'static str>,
    pub parcels: Vec<DemoParcel>,
    /// One entry per year of the params, oldest first; years before the firm was founded have
    /// no values.
    pub figures: Vec<DemoYearFigures>,
    /// Whether the firm meets the 低散乱污 criteria ([`DemoFirm::meets_low_end_criteria`]).
    pub low_end_candidate: bool,
}

/// A land parcel the firm uses. Tenants of another firm carry that firm's certificate number
/// and name (the parcel is shared); tenants of a village collective carry the collective's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemoParcel {
    /// 不动产权证号.
    pub certificate_no: String,
    pub area_mu: f64,
    /// A [`LandTenure`] code: `owned` or `leased`.
    pub tenure: &'static str,
    /// Who the land is leased from (`None` when owned).
    pub lessor: Option<String>,
}

/// A firm's figures for one year; `None` where the figure was not reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemoYearFigures {
    pub year: i32,
    /// 主营业务收入.
    pub main_revenue_yuan: Option<i64>,
    /// 销售收入.
    pub sales_revenue_yuan: Option<i64>,
    /// 工业总产值.
    pub output_value_yuan: Option<i64>,
    /// 工业增加值.
    pub value_added_yuan: Option<i64>,
    /// 评价税收 (实缴税金).
    pub evaluation_tax_yuan: Option<i64>,
    /// R&D经费支出.
    pub rnd_expense_yuan: Option<i64>,
    /// 综合能耗, tonnes of standard coal equivalent.
    pub energy_tce: Option<f64>,
    /// 用电量.
    pub power_kwh: Option<i64>,
    /// 用水量.
    pub water_m3: Option<i64>,
    /// 主要污染物排放量, tonnes.
    pub emissions_t: Option<f64>,
    /// 年平均职工人数.
    pub avg_staff: Option<i64>,
    /// 用地面积.
    pub land_mu: Option<f64>,
    pub safety_accident: bool,
    pub environmental_accident: bool,
    pub energy_task_unmet: bool,
    pub falsified_data: bool,
}

impl DemoYearFigures {
    fn empty(year: i32) -> Self {
        DemoYearFigures {
            year,
            main_revenue_yuan: None,
            sales_revenue_yuan: None,
            output_value_yuan: None,
            value_added_yuan: None,
            evaluation_tax_yuan: None,
            rnd_expense_yuan: None,
            energy_tce: None,
            power_kwh: None,
            water_m3: None,
            emissions_t: None,
            avg_staff: None,
            land_mu: None,
            safety_accident: false,
            environmental_accident: false,
            energy_task_unmet: false,
            falsified_data: false,
        }
    }
}

impl DemoFirm {
    /// Figures of the latest year, if the params had any year.
    pub fn latest(&self) -> Option<&DemoYearFigures> {
        self.figures.last()
    }

    /// Figures of `year`.
    pub fn figures_for(&self, year: i32) -> Option<&DemoYearFigures> {
        self.figures.iter().find(|f| f.year == year)
    }

    /// Total area of the firm's parcels.
    pub fn parcels_mu(&self) -> f64 {
        self.parcels.iter().map(|p| p.area_mu).sum()
    }

    /// 规上 by the latest year's main revenue.
    pub fn is_above_scale(&self) -> bool {
        self.latest()
            .and_then(|f| f.main_revenue_yuan)
            .is_some_and(|r| r >= ABOVE_SCALE_MAIN_REVENUE_YUAN)
    }

    /// The 低散乱污 screen on the latest year: 规下 with a known revenue, outside any park, and
    /// an evaluation tax under [`LOW_END_TAX_PER_MU_YUAN`] per 亩 of land (the year's land
    /// figure, else the parcels).
    pub fn meets_low_end_criteria(&self) -> bool {
        if self.park.is_some() {
            return false;
        }
        let Some(f) = self.latest() else {
            return false;
        };
        let (Some(revenue), Some(tax)) = (f.main_revenue_yuan, f.evaluation_tax_yuan) else {
            return false;
        };
        if revenue >= ABOVE_SCALE_MAIN_REVENUE_YUAN {
            return false;
        }
        let land = f.land_mu.unwrap_or_else(|| self.parcels_mu());
        land > 0.0 && (tax as f64) < LOW_END_TAX_PER_MU_YUAN as f64 * land
    }
}

/// What kind of firm a slot is generated as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// 规上 throughout.
    Above,
    /// 规上 now, under the threshold at the start (小升规).
    Riser,
    /// 规下.
    Below,
    /// 规下 now, 规上 at the start.
    Decliner,
    /// 规下, outside parks, under 1万元 tax per 亩.
    LowEnd,
}

impl Role {
    fn above(self) -> bool {
        matches!(self, Role::Above | Role::Riser)
    }
}

/// Ratios of an industry group.
struct GroupProfile {
    code: &'static str,
    weight_above: f64,
    weight_below: f64,
    /// Median kWh per yuan of output.
    kwh_per_yuan: f64,
    /// Share of electricity in total energy (range).
    elec_share: (f64, f64),
    /// Median yuan of value added per tonne of emissions.
    va_per_emission: f64,
    /// Median m³ of process water per yuan of output.
    water_per_yuan: f64,
    /// Value added / output (range).
    va_ratio: (f64, f64),
}

const GROUPS: [GroupProfile; 7] = [
    GroupProfile {
        code: "doors_locks",
        weight_above: 22.0,
        weight_below: 20.0,
        kwh_per_yuan: 0.055,
        elec_share: (0.75, 0.95),
        va_per_emission: 5.0e7,
        water_per_yuan: 1.2e-4,
        va_ratio: (0.21, 0.27),
    },
    GroupProfile {
        code: "cups_cookware",
        weight_above: 20.0,
        weight_below: 20.0,
        kwh_per_yuan: 0.07,
        elec_share: (0.70, 0.92),
        va_per_emission: 3.0e7,
        water_per_yuan: 2.0e-4,
        va_ratio: (0.20, 0.26),
    },
    GroupProfile {
        code: "power_tools",
        weight_above: 19.0,
        weight_below: 17.0,
        kwh_per_yuan: 0.045,
        elec_share: (0.80, 0.97),
        va_per_emission: 7.0e7,
        water_per_yuan: 0.8e-4,
        va_ratio: (0.22, 0.28),
    },
    GroupProfile {
        code: "vehicles",
        weight_above: 13.0,
        weight_below: 11.0,
        kwh_per_yuan: 0.05,
        elec_share: (0.75, 0.95),
        va_per_emission: 5.0e7,
        water_per_yuan: 1.0e-4,
        va_ratio: (0.20, 0.26),
    },
    GroupProfile {
        code: "metals",
        weight_above: 10.0,
        weight_below: 10.0,
        kwh_per_yuan: 0.16,
        elec_share: (0.45, 0.80),
        va_per_emission: 1.2e7,
        water_per_yuan: 2.5e-4,
        va_ratio: (0.18, 0.24),
    },
    GroupProfile {
        code: "cleaning",
        weight_above: 6.0,
        weight_below: 8.0,
        kwh_per_yuan: 0.05,
        elec_share: (0.80, 0.97),
        va_per_emission: 6.0e7,
        water_per_yuan: 1.0e-4,
        va_ratio: (0.22, 0.28),
    },
    GroupProfile {
        code: "other",
        weight_above: 10.0,
        weight_below: 14.0,
        kwh_per_yuan: 0.06,
        elec_share: (0.75, 0.95),
        va_per_emission: 5.0e7,
        water_per_yuan: 1.2e-4,
        va_ratio: (0.21, 0.27),
    },
];

/// Per-firm ratios from which every year's figures follow.
struct Profile {
    sales_ratio: f64,
    output_ratio: f64,
    va_ratio: f64,
    tax_ratio: f64,
    rnd_ratio: Option<f64>,
    kwh_per_yuan: f64,
    elec_share: f64,
    water_per_yuan: f64,
    water_per_staff: f64,
    va_per_emission: Option<f64>,
    va_per_staff: f64,
    min_staff: f64,
}

/// First pass: what must be known of every firm before the 规上 revenues are scaled.
struct Draft {
    role: Role,
    rng: DemoRng,
    town: usize,
    group: usize,
    /// Latest-year main revenue (for [`Role::Above`] set after scaling).
    revenue: f64,
    /// Relative size above the threshold ([`Role::Above`] only).
    excess: f64,
    output_ratio: f64,
}

/// A leased parcel whose lessor is another firm, resolved once every firm exists.
struct PendingLease {
    firm: usize,
    parcel: usize,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn yuan(x: f64) -> i64 {
    x.max(0.0).round() as i64
}

/// Generates the synthetic city. Pure and deterministic.
pub fn generate(params: &DemoCityParams) -> Vec<DemoFirm> {
    Generator::new(params).run()
}

struct Generator {
    seed: u64,
    years: Vec<i32>,
    above: usize,
    below: usize,
    short_names: HashSet<String>,
    names: HashSet<String>,
    codes: HashSet<String>,
    phones: HashSet<String>,
    certificates: HashSet<String>,
    pending: Vec<PendingLease>,
}

impl Generator {
    fn new(params: &DemoCityParams) -> Self {
        let n = params.above_scale_firms + params.below_scale_firms;
        Generator {
            seed: params.seed,
            years: params.years.clone().collect(),
            above: params.above_scale_firms,
            below: params.below_scale_firms,
            short_names: HashSet::with_capacity(n),
            names: HashSet::with_capacity(n),
            codes: HashSet::with_capacity(n),
            phones: HashSet::with_capacity(n),
            certificates: HashSet::with_capacity(n * 2),
            pending: Vec::new(),
        }
    }

    fn run(mut self) -> Vec<DemoFirm> {
        let mut master = DemoRng::derive(self.seed, 0);
        let roles = self.roles(&mut master);
        let mut drafts: Vec<Draft> = roles
            .iter()
            .enumerate()
            .map(|(i, role)| draft(self.seed, i, *role))
            .collect();
        scale_above(&mut drafts, self.above);
        let mut firms: Vec<DemoFirm> = Vec::with_capacity(drafts.len());
        for (i, d) in drafts.into_iter().enumerate() {
            let firm = self.build(i, d);
            firms.push(firm);
        }
        self.resolve_leases(&mut master, &mut firms);
        tag_listed(&mut master, &mut firms);
        for f in &mut firms {
            f.low_end_candidate = f.meets_low_end_criteria();
        }
        firms
    }

    /// The role of every slot, in a shuffled order.
    fn roles(&self, rng: &mut DemoRng) -> Vec<Role> {
        let n = self.above + self.below;
        let risers = (self.above as f64 * 0.03).round() as usize;
        let low_end = ((n as f64 * LOW_END_SHARE).round() as usize).min(self.below);
        let decliners = ((self.below as f64 * 0.01).round() as usize).min(self.below - low_end);
        let mut roles = Vec::with_capacity(n);
        roles.extend(std::iter::repeat_n(Role::Riser, risers));
        roles.extend(std::iter::repeat_n(Role::Above, self.above - risers));
        roles.extend(std::iter::repeat_n(Role::LowEnd, low_end));
        roles.extend(std::iter::repeat_n(Role::Decliner, decliners));
        roles.extend(std::iter::repeat_n(
            Role::Below,
            self.below - low_end - decliners,
        ));
        rng.shuffle(&mut roles);
        roles
    }

    fn build(&mut self, index: usize, d: Draft) -> DemoFirm {
        let Draft {
            role,
            mut rng,
            town,
            group,
            revenue,
            excess: _,
            output_ratio,
        } = d;
        let (town_code, town_name, _, _) = TOWNS[town];
        let g = &GROUPS[group];
        let above = role.above();
        let first_year = self.years.first().copied().unwrap_or(2021);

        let park = pick_park(&mut rng, role, town_code);
        let in_micro_park = park.is_some_and(names::is_micro_park);

        let status = if above {
            if rng.chance(0.005) {
                EnterpriseStatus::Suspended
            } else {
                EnterpriseStatus::Operating
            }
        } else if role == Role::LowEnd {
            if rng.chance(0.15) {
                EnterpriseStatus::Suspended
            } else {
                EnterpriseStatus::Operating
            }
        } else {
            *rng.weighted(&[
                (EnterpriseStatus::Operating, 95.0),
                (EnterpriseStatus::Suspended, 2.0),
                (EnterpriseStatus::Closed, 1.0),
                (EnterpriseStatus::MovedOut, 1.0),
                (EnterpriseStatus::Deregistered, 1.0),
            ])
        };

        // Founding date; a few 规下 firms are younger than the period.
        let new_firm = role == Role::Below && self.years.len() > 1 && rng.chance(0.02);
        let founded_year = if new_firm {
            self.years[1 + rng.index(self.years.len() - 1)]
        } else {
            match role {
                Role::Above | Role::Decliner => rng.range_i64(1988, 2016) as i32,
                Role::Riser => rng.range_i64(2003, 2018) as i32,
                Role::Below | Role::LowEnd => rng.range_i64(1995, 2020) as i32,
            }
            .min(first_year - 1)
        };
        let founded = NaiveDate::from_yo_opt(founded_year, rng.range_i64(1, 365) as u32)
            .unwrap_or_else(|| NaiveDate::from_yo_opt(2000, 1).expect("valid date"));

        let hi_tech = rng.chance(match role {
            Role::Above => 0.2,
            Role::Riser => 0.1,
            _ => 0.03,
        });
        let specialised = rng.chance(if above { 0.08 } else { 0.015 });

        // Land of a low-end firm comes first: its tax follows from it.
        let low_end_land = (role == Role::LowEnd).then(|| round2(rng.uniform(1.0, 8.0)));
        let low_end_tax_per_mu = rng.uniform(1_500.0, 9_000.0);

        let profile = Profile {
            sales_ratio: rng.uniform(1.0, 1.06),
            output_ratio,
            va_ratio: rng.uniform(g.va_ratio.0, g.va_ratio.1),
            tax_ratio: match role {
                Role::LowEnd => rng.uniform(0.012, 0.03),
                Role::Above | Role::Riser if rng.chance(0.08) => rng.uniform(0.015, 0.03),
                Role::Above | Role::Riser => rng.uniform(0.03, 0.06),
                _ => rng.uniform(0.025, 0.06),
            },
            rnd_ratio: if above {
                rng.chance(0.93).then(|| {
                    if hi_tech {
                        rng.uniform(0.035, 0.065)
                    } else {
                        rng.lognormal_median(0.02, 0.5).min(0.08)
                    }
                })
            } else {
                rng.chance(if hi_tech { 0.9 } else { 0.35 }).then(|| {
                    if hi_tech {
                        rng.uniform(0.03, 0.06)
                    } else {
                        rng.lognormal_median(0.01, 0.6).min(0.06)
                    }
                })
            },
            kwh_per_yuan: rng.lognormal_median(g.kwh_per_yuan, 0.3)
                * match role {
                    Role::LowEnd => 2.0,
                    Role::Below | Role::Decliner => 1.2,
                    _ => 1.0,
                },
            elec_share: rng.uniform(g.elec_share.0, g.elec_share.1),
            water_per_yuan: rng.lognormal_median(g.water_per_yuan, 0.4),
            water_per_staff: rng.uniform(12.0, 30.0),
            va_per_emission: rng
                .chance(match role {
                    Role::Above | Role::Riser => 0.97,
                    Role::LowEnd => 0.6,
                    _ => 0.45,
                })
                .then(|| {
                    rng.lognormal_median(g.va_per_emission, 0.7)
                        * match role {
                            Role::LowEnd => 0.25,
                            Role::Below | Role::Decliner => 0.6,
                            _ => 1.0,
                        }
                }),
            va_per_staff: match role {
                Role::Above | Role::Riser => rng.lognormal_median(1.8e5, 0.35),
                Role::LowEnd => rng.lognormal_median(0.7e5, 0.3),
                _ => rng.lognormal_median(1.2e5, 0.35),
            },
            min_staff: if above { 20.0 } else { 3.0 },
        };

        // Latest-year revenue and the series back from it.
        let latest_revenue = match low_end_land {
            Some(land) => land * low_end_tax_per_mu / profile.tax_ratio,
            None => revenue,
        };
        let trend = match role {
            Role::Above => rng.normal(0.075, 0.035),
            Role::Riser => rng.uniform(0.15, 0.30),
            Role::Below => rng.normal(0.05, 0.06),
            Role::Decliner => rng.uniform(-0.15, -0.08),
            Role::LowEnd => rng.normal(-0.02, 0.05),
        };
        let n_years = self.years.len();
        let mut rev = vec![0.0; n_years];
        if n_years > 0 {
            rev[n_years - 1] = latest_revenue;
            for t in (1..n_years).rev() {
                let growth = (trend + rng.normal(0.0, 0.04)).clamp(-0.4, 0.8);
                rev[t - 1] = rev[t] / (1.0 + growth);
            }
        }
        let active: Vec<bool> = self.years.iter().map(|y| *y >= founded_year).collect();
        if let Some(t) = self.years.iter().position(|y| *y == founded_year) {
            // The founding year counts from the founding day.
            rev[t] *= (366 - founded.ordinal0()) as f64 / 366.0;
        }
        let winding_down = matches!(
            status,
            EnterpriseStatus::Closed | EnterpriseStatus::MovedOut | EnterpriseStatus::Deregistered
        );
        if winding_down && n_years > 0 {
            rev[n_years - 1] *= rng.uniform(0.3, 0.8);
        }

        // Yearly values before rounding and gaps.
        let staff_latest = rev.last().map_or(0.0, |r| {
            (r * profile.output_ratio * profile.va_ratio / profile.va_per_staff)
                .max(profile.min_staff)
        });
        let mut raw: Vec<RawYear> = Vec::with_capacity(n_years);
        for (t, r) in rev.iter().enumerate() {
            let latest = t + 1 == n_years;
            raw.push(raw_year(
                &mut rng,
                &profile,
                *r,
                latest,
                staff_latest * (r / rev[n_years - 1]).max(0.0).sqrt(),
            ));
        }
        if let (Some(land), Some(last)) = (low_end_land, raw.last_mut()) {
            last.tax = land * low_end_tax_per_mu;
        }

        // Land.
        let latest_raw_revenue = rev.last().copied().unwrap_or(revenue);
        let mut land = match low_end_land {
            Some(land) => land,
            None if above => rng
                .lognormal_median(12.0 * (latest_raw_revenue / 2.0e7).powf(0.6), 0.4)
                .clamp(5.0, 600.0),
            None => rng
                .lognormal_median(4.0 * (latest_raw_revenue / 3.0e6).max(0.01).powf(0.4), 0.5)
                .clamp(0.5, 15.0),
        };
        if !above && role != Role::LowEnd && park.is_none() {
            // Keep ordinary 规下 firms outside parks clear of the 低散乱污 tax screen.
            if let Some(last) = raw.last_mut() {
                let floor = LOW_END_TAX_PER_MU_YUAN as f64 * 1.05;
                if last.tax < floor * land {
                    land = (last.tax / rng.uniform(floor, 2.0 * floor)).max(0.5);
                    if last.tax < floor * land {
                        last.tax = land * rng.uniform(floor, 1.5 * floor);
                    }
                }
            }
        }
        let village = names::village(&mut rng);
        let parcels = self.parcels(&mut rng, index, role, land, town_name, &village);
        let land_total = round2(parcels.iter().map(|p| p.area_mu).sum());

        // Figures with gaps, outliers and flags.
        let mut figures: Vec<DemoYearFigures> = Vec::with_capacity(n_years);
        for (t, year) in self.years.iter().enumerate() {
            if !active[t] {
                figures.push(DemoYearFigures::empty(*year));
                continue;
            }
            let latest = t + 1 == n_years;
            figures.push(year_figures(
                &mut rng, *year, &raw[t], land_total, role, g.code, latest,
            ));
        }
        if rng.chance(0.008) && n_years > 0 {
            add_outlier(&mut rng, &mut figures);
        }

        // Identity.
        let (short_name, name) = self.firm_name(&mut rng, role, group, town, latest_raw_revenue);
        let credit_code = self.credit_code(&mut rng, founded_year);
        let contact_phone = self.phone(&mut rng);
        let legal_rep = names::person(&mut rng);
        let contact_person = if rng.chance(0.35) {
            legal_rep.clone()
        } else {
            names::person(&mut rng)
        };
        let address = address(&mut rng, town_code, town_name, park, &village);

        let mut tags = Vec::new();
        if hi_tech {
            tags.push("hi_tech");
        }
        if specialised {
            tags.push("specialised");
        }
        if above && latest_raw_revenue >= 3.0e8 && rng.chance(0.15) {
            tags.push("future_factory");
        }
        if in_micro_park {
            tags.push("micro_park");
        }
        // A few small firms lack permits or pollution control (the 乱 and 污 screens of the
        // 低散乱污 ledger); most of them are the low-end firms. Drawn last, so the firm's
        // other values do not depend on them.
        let (no_permit, no_control) = match role {
            Role::LowEnd => (0.35, 0.3),
            Role::Below => (0.004, 0.003),
            _ => (0.0, 0.0),
        };
        if rng.chance(no_permit) {
            tags.push("no_permit");
        }
        if rng.chance(no_control) {
            tags.push("no_pollution_control");
        }

        DemoFirm {
            credit_code,
            name,
            short_name,
            town_code: town_code.to_string(),
            park: park.map(str::to_string),
            industry_group: g.code,
            founded,
            address,
            legal_rep,
            contact_person,
            contact_phone,
            status: status.as_str(),
            tags,
            parcels,
            figures,
            low_end_candidate: false,
        }
    }

    fn parcels(
        &mut self,
        rng: &mut DemoRng,
        firm: usize,
        role: Role,
        land: f64,
        town_name: &str,
        village: &str,
    ) -> Vec<DemoParcel> {
        let last_year = self.years.last().copied().unwrap_or(2024);
        let count = match role {
            _ if land < 2.0 => 1,
            Role::Above | Role::Riser if land >= 20.0 => {
                *rng.weighted(&[(1, 0.7), (2, 0.22), (3, 0.08)])
            }
            Role::Above | Role::Riser => *rng.weighted(&[(1, 0.85), (2, 0.15)]),
            Role::LowEnd => 1,
            _ => *rng.weighted(&[(1, 0.9), (2, 0.1)]),
        };
        let weights: Vec<f64> = (0..count).map(|_| rng.uniform(0.5, 1.5)).collect();
        let total_w: f64 = weights.iter().sum();
        let mut parcels = Vec::with_capacity(count);
        for w in weights {
            let area_mu = round2((land * w / total_w).max(0.3));
            let owned_p = match role {
                Role::Above | Role::Riser => 0.88,
                Role::LowEnd => 0.3,
                _ => 0.45,
            };
            let from_collective_p = match role {
                Role::LowEnd => 0.7,
                Role::Above | Role::Riser => 0.4,
                _ => 0.45,
            };
            if rng.chance(owned_p) {
                parcels.push(DemoParcel {
                    certificate_no: self.certificate(rng, last_year),
                    area_mu,
                    tenure: LandTenure::Owned.as_str(),
                    lessor: None,
                });
            } else if rng.chance(from_collective_p) {
                parcels.push(DemoParcel {
                    certificate_no: self.certificate(rng, last_year),
                    area_mu,
                    tenure: LandTenure::Leased.as_str(),
                    lessor: Some(collective(town_name, village)),
                });
            } else {
                self.pending.push(PendingLease {
                    firm,
                    parcel: parcels.len(),
                });
                parcels.push(DemoParcel {
                    certificate_no: String::new(),
                    area_mu,
                    tenure: LandTenure::Leased.as_str(),
                    lessor: None,
                });
            }
        }
        parcels
    }

    /// A new unique 不动产权证号.
    fn certificate(&mut self, rng: &mut DemoRng, last_year: i32) -> String {
        loop {
            let year = rng.range_i64(2016, i64::from(last_year.max(2016)));
            let s = format!(
                "浙({year})永康市不动产权第{:07}号",
                rng.range_i64(1, 9_999_999)
            );
            if self.certificates.insert(s.clone()) {
                return s;
            }
        }
    }

    /// Tenants of another firm get a parcel of a firm that owns enough land; without one, the
    /// land is leased from the village collective instead.
    fn resolve_leases(&mut self, rng: &mut DemoRng, firms: &mut [DemoFirm]) {
        let owners: Vec<(usize, usize)> = firms
            .iter()
            .enumerate()
            .filter(|(_, f)| f.status == EnterpriseStatus::Operating.as_str())
            .flat_map(|(i, f)| {
                f.parcels
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.tenure == LandTenure::Owned.as_str() && p.area_mu >= 10.0)
                    .map(move |(j, _)| (i, j))
            })
            .collect();
        let mut owners_by_town: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
        for (i, j) in &owners {
            owners_by_town
                .entry(firms[*i].town_code.as_str())
                .or_default()
                .push((*i, *j));
        }
        let mut plan = Vec::with_capacity(self.pending.len());
        for lease in &self.pending {
            let area = firms[lease.firm].parcels[lease.parcel].area_mu;
            let fits = |(i, j): (usize, usize)| {
                i != lease.firm && firms[i].parcels[j].area_mu >= 2.0 * area
            };
            // A landlord in the same town if one fits, else anywhere.
            let same_town = owners_by_town
                .get(firms[lease.firm].town_code.as_str())
                .map_or(&[][..], Vec::as_slice);
            let mut found = None;
            for pool in [same_town, owners.as_slice()] {
                if pool.is_empty() || found.is_some() {
                    continue;
                }
                for _ in 0..20 {
                    let candidate = *rng.choose(pool);
                    if fits(candidate) {
                        found = Some(candidate);
                        break;
                    }
                }
            }
            plan.push(found);
        }
        let last_year = self.years.last().copied().unwrap_or(2024);
        for (lease, found) in std::mem::take(&mut self.pending).into_iter().zip(plan) {
            let (certificate_no, lessor) = match found {
                Some((i, j)) => (
                    firms[i].parcels[j].certificate_no.clone(),
                    firms[i].name.clone(),
                ),
                None => {
                    let town_name = TOWNS
                        .iter()
                        .find(|t| t.0 == firms[lease.firm].town_code)
                        .map_or("", |t| t.1);
                    let village = names::village(rng);
                    (
                        self.certificate(rng, last_year),
                        collective(town_name, &village),
                    )
                }
            };
            let p = &mut firms[lease.firm].parcels[lease.parcel];
            p.certificate_no = certificate_no;
            p.lessor = Some(lessor);
        }
    }

    /// A unique short name and full name.
    fn firm_name(
        &mut self,
        rng: &mut DemoRng,
        role: Role,
        group: usize,
        town: usize,
        revenue: f64,
    ) -> (String, String) {
        let code = GROUPS[group].code;
        let town_name = TOWNS[town].1;
        loop {
            let brand = names::brand(rng);
            let factory_p = match role {
                Role::LowEnd => 0.4,
                Role::Below => 0.15,
                _ => 0.0,
            };
            let (short, name) = if role.above() && revenue >= 1.0e9 && rng.chance(0.6) {
                let prefix = if rng.chance(0.8) {
                    "浙江"
                } else {
                    "永康市"
                };
                (
                    format!("{brand}集团"),
                    format!("{prefix}{brand}集团有限公司"),
                )
            } else if rng.chance(factory_p) {
                let word = *rng.choose(names::factory_words(code));
                let in_town = town_name.ends_with('镇') && rng.chance(0.4);
                let place = if in_town { town_name } else { "" };
                (
                    format!("{brand}{word}"),
                    format!("永康市{place}{brand}{word}"),
                )
            } else {
                let word = *rng.choose(names::company_words(code));
                let mid = if matches!(word, "工贸" | "实业") {
                    ""
                } else if word.contains('制') || word.contains('造') {
                    *rng.weighted(&[("", 4.0), ("科技", 1.0)])
                } else {
                    *rng.weighted(&[("", 6.0), ("科技", 2.0), ("制造", 1.0)])
                };
                let prefix = if role.above() && revenue >= 5.0e7 && rng.chance(0.35) {
                    "浙江"
                } else {
                    "永康市"
                };
                let suffix = if role.above() && revenue >= 2.0e8 && rng.chance(0.3) {
                    "股份有限公司"
                } else {
                    "有限公司"
                };
                (
                    format!("{brand}{word}"),
                    format!("{prefix}{brand}{word}{mid}{suffix}"),
                )
            };
            if !self.short_names.contains(&short) && !self.names.contains(&name) {
                self.short_names.insert(short.clone());
                self.names.insert(name.clone());
                return (short, name);
            }
        }
    }

    /// A unique valid credit code of a Yongkang-registered enterprise: firms registered since
    /// 2016 carry an `MA…` organisation number, older ones a converted 组织机构代码.
    fn credit_code(&mut self, rng: &mut DemoRng, founded_year: i32) -> String {
        let alphabet = ALPHABET.as_bytes();
        loop {
            let mut s = String::from("91330784");
            let body = if founded_year >= 2016 {
                s.push_str("MA");
                7
            } else {
                for _ in 0..8 {
                    s.push(char::from(b'0' + rng.below(10) as u8));
                }
                1
            };
            for _ in 0..body {
                s.push(char::from(*rng.choose(alphabet)));
            }
            let code = with_check_char(&s).expect("17 characters of the code alphabet");
            if self.codes.insert(code.clone()) {
                return code;
            }
        }
    }

    /// A unique, plainly fictional mobile number.
    fn phone(&mut self, rng: &mut DemoRng) -> String {
        loop {
            let p = format!("139579{:05}", rng.below(100_000));
            if self.phones.insert(p.clone()) {
                return p;
            }
        }
    }
}

/// First pass of one firm: its role, town, group and raw size.
fn draft(seed: u64, index: usize, role: Role) -> Draft {
    let mut rng = DemoRng::derive(seed, index as u64 + 1);
    let above = role.above();
    let town_weights: Vec<f64> = TOWNS
        .iter()
        .map(|t| if above { t.2 } else { t.3 })
        .collect();
    let town = rng.weighted_index(&town_weights);
    let group_weights: Vec<f64> = GROUPS
        .iter()
        .map(|g| {
            if above {
                g.weight_above
            } else {
                g.weight_below
            }
        })
        .collect();
    let group = rng.weighted_index(&group_weights);
    let threshold = ABOVE_SCALE_MAIN_REVENUE_YUAN as f64;
    let mut excess = 0.0;
    let revenue = match role {
        Role::Above => {
            excess = rng.lognormal(0.0, 1.6).min(150.0);
            0.0
        }
        Role::Riser => threshold * rng.uniform(1.005, 1.3),
        Role::Decliner => threshold * rng.uniform(0.8, 0.99),
        Role::Below => {
            let mut r = 0.0;
            for _ in 0..20 {
                r = rng.lognormal_median(3.0e6, 0.95);
                if (2.0e5..0.975 * threshold).contains(&r) {
                    break;
                }
            }
            r.clamp(2.0e5, 0.975 * threshold)
        }
        Role::LowEnd => 0.0,
    };
    let output_ratio = rng.uniform(0.96, 1.12);
    Draft {
        role,
        rng,
        town,
        group,
        revenue,
        excess,
        output_ratio,
    }
}

/// Sets the revenue of the [`Role::Above`] firms so that the latest-year output of all 规上
/// firms meets the target: revenue = threshold + k · excess, one `k` for all.
fn scale_above(drafts: &mut [Draft], above: usize) {
    let threshold = ABOVE_SCALE_MAIN_REVENUE_YUAN as f64;
    let target =
        ABOVE_SCALE_OUTPUT_TARGET_YUAN as f64 * above as f64 / DEFAULT_ABOVE_SCALE_FIRMS as f64;
    let mut fixed = 0.0;
    let mut scaled = 0.0;
    for d in drafts.iter() {
        match d.role {
            Role::Above => {
                fixed += threshold * d.output_ratio;
                scaled += d.excess * d.output_ratio;
            }
            Role::Riser => fixed += d.revenue * d.output_ratio,
            _ => {}
        }
    }
    let k = if scaled > 0.0 && target > fixed {
        (target - fixed) / scaled
    } else {
        threshold
    };
    for d in drafts.iter_mut().filter(|d| d.role == Role::Above) {
        d.revenue = threshold + k * d.excess;
    }
}

/// A park for the firm, or none.
fn pick_park(rng: &mut DemoRng, role: Role, town_code: &str) -> Option<&'static str> {
    if role == Role::LowEnd {
        return None;
    }
    let parks: Vec<(&'static str, bool)> = PARKS
        .iter()
        .filter(|p| p.0 == town_code)
        .map(|p| (p.1, p.2))
        .collect();
    if parks.is_empty() {
        return None;
    }
    let has_big_park = parks.iter().any(|p| !p.1);
    let p = match (role.above(), town_code == "kfq", has_big_park) {
        (true, true, _) => 0.92,
        (true, false, true) => 0.6,
        (true, false, false) => 0.3,
        (false, true, _) => 0.75,
        (false, false, _) => 0.4,
    };
    if !rng.chance(p) {
        return None;
    }
    let weights: Vec<f64> = parks
        .iter()
        .map(|(_, micro)| match (role.above(), *micro) {
            (true, false) => 4.0,
            (true, true) => 1.0,
            (false, false) => 1.0,
            (false, true) => 3.0,
        })
        .collect();
    Some(parks[rng.weighted_index(&weights)].0)
}

fn collective(town_name: &str, village: &str) -> String {
    format!("永康市{town_name}{village}股份经济合作社")
}

fn address(
    rng: &mut DemoRng,
    town_code: &str,
    town_name: &str,
    park: Option<&str>,
    village: &str,
) -> String {
    let place = if town_code == "kfq" {
        "经济开发区"
    } else {
        town_name
    };
    let number = rng.range_i64(1, 999);
    match park {
        Some(park) if park.starts_with(place) => {
            format!("浙江省永康市{park}{}{number}号", names::road(rng))
        }
        Some(park) => format!("浙江省永康市{place}{park}{}{number}号", names::road(rng)),
        None if town_name.ends_with('镇') && rng.chance(0.6) => {
            format!("浙江省永康市{place}{village}{number}号")
        }
        None => format!("浙江省永康市{place}{}{number}号", names::road(rng)),
    }
}

/// One year's values before rounding.
struct RawYear {
    revenue: f64,
    sales: f64,
    output: f64,
    va: f64,
    tax: f64,
    rnd: Option<f64>,
    power: f64,
    energy: f64,
    water: f64,
    emissions: Option<f64>,
    staff: f64,
}

fn raw_year(rng: &mut DemoRng, p: &Profile, revenue: f64, latest: bool, staff: f64) -> RawYear {
    let noisy = |rng: &mut DemoRng, sd: f64| (1.0 + rng.normal(0.0, sd)).max(0.5);
    let sales = revenue * p.sales_ratio * (1.0 + rng.normal(0.0, 0.01).abs());
    let output = revenue * p.output_ratio * if latest { 1.0 } else { noisy(rng, 0.03) };
    let va = output * (p.va_ratio * noisy(rng, 0.03)).clamp(0.15, 0.32);
    let tax = revenue * p.tax_ratio * noisy(rng, 0.08);
    let rnd = p.rnd_ratio.map(|r| revenue * r * noisy(rng, 0.15));
    let power = output * p.kwh_per_yuan * noisy(rng, 0.05);
    let energy = power * TCE_PER_KWH / p.elec_share;
    let staff = (staff * noisy(rng, 0.03)).max(p.min_staff);
    let water = staff * p.water_per_staff + output * p.water_per_yuan;
    let emissions = p.va_per_emission.map(|v| va / v);
    RawYear {
        revenue,
        sales,
        output,
        va,
        tax,
        rnd,
        power,
        energy,
        water,
        emissions,
        staff,
    }
}

/// Rounded figures with the year's gaps and flags.
fn year_figures(
    rng: &mut DemoRng,
    year: i32,
    raw: &RawYear,
    land_mu: f64,
    role: Role,
    group: &str,
    latest: bool,
) -> DemoYearFigures {
    let above = role.above();
    let gap = |rng: &mut DemoRng, p_above: f64, p_below: f64| {
        rng.chance(if above { p_above } else { p_below })
    };
    let keep = |rng: &mut DemoRng, p_above: f64, p_below: f64, protected: bool| {
        protected || !gap(rng, p_above, p_below)
    };
    let main_revenue_yuan = keep(rng, 0.01, 0.02, latest).then(|| yuan(raw.revenue));
    let sales_revenue_yuan = keep(rng, 0.02, 0.04, false).then(|| yuan(raw.sales));
    let output_value_yuan = keep(rng, 0.01, 0.05, latest && above).then(|| yuan(raw.output));
    let value_added_yuan = keep(rng, 0.015, 0.12, false).then(|| yuan(raw.va));
    let evaluation_tax_yuan =
        keep(rng, 0.005, 0.01, latest && role == Role::LowEnd).then(|| yuan(raw.tax));
    let rnd_expense_yuan = raw.rnd.filter(|_| keep(rng, 0.02, 0.02, false)).map(yuan);
    let energy_tce = keep(rng, 0.015, 0.08, false).then(|| round2(raw.energy));
    let power_kwh = keep(rng, 0.01, 0.02, false).then(|| yuan(raw.power));
    let water_m3 = keep(rng, 0.02, 0.10, false).then(|| yuan(raw.water));
    let emissions_t = raw
        .emissions
        .filter(|_| keep(rng, 0.03, 0.03, false))
        .map(round3);
    let avg_staff = keep(rng, 0.015, 0.03, false).then(|| yuan(raw.staff).max(1));
    let land = keep(rng, 0.01, 0.02, latest && role == Role::LowEnd).then_some(land_mu);

    let metals = group == "metals";
    DemoYearFigures {
        year,
        main_revenue_yuan,
        sales_revenue_yuan,
        output_value_yuan,
        value_added_yuan,
        evaluation_tax_yuan,
        rnd_expense_yuan,
        energy_tce,
        power_kwh,
        water_m3,
        emissions_t,
        avg_staff,
        land_mu: land,
        safety_accident: rng.chance(0.003),
        environmental_accident: rng.chance(if role == Role::LowEnd { 0.02 } else { 0.002 }),
        energy_task_unmet: rng.chance(match (above, metals) {
            (true, true) => 0.012,
            (true, false) => 0.004,
            (false, _) => 0.0015,
        }),
        falsified_data: rng.chance(0.001),
    }
}

/// One figure of one year multiplied or divided by three. The latest year's revenue, output,
/// tax and land are left alone: they decide the scale, the totals and the 低散乱污 screen.
fn add_outlier(rng: &mut DemoRng, figures: &mut [DemoYearFigures]) {
    let t = rng.index(figures.len());
    let latest = t + 1 == figures.len();
    let factor = if rng.chance(0.5) { 3.0 } else { 1.0 / 3.0 };
    let f = &mut figures[t];
    let scale_i = |v: &mut Option<i64>| {
        if let Some(x) = v {
            *x = (*x as f64 * factor).round() as i64;
        }
    };
    let field = if latest { rng.index(5) } else { rng.index(8) };
    match field {
        0 => scale_i(&mut f.power_kwh),
        1 => f.energy_tce = f.energy_tce.map(|x| round2(x * factor)),
        2 => scale_i(&mut f.water_m3),
        3 => scale_i(&mut f.avg_staff),
        4 => f.emissions_t = f.emissions_t.map(|x| round3(x * factor)),
        5 => scale_i(&mut f.main_revenue_yuan),
        6 => scale_i(&mut f.output_value_yuan),
        _ => scale_i(&mut f.evaluation_tax_yuan),
    }
}

/// The largest 规上 firms are often listed companies.
fn tag_listed(rng: &mut DemoRng, firms: &mut [DemoFirm]) {
    let mut big: Vec<(i64, usize)> = firms
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            f.latest()
                .and_then(|y| y.main_revenue_yuan)
                .filter(|r| *r >= ABOVE_SCALE_MAIN_REVENUE_YUAN)
                .map(|r| (r, i))
        })
        .collect();
    big.sort_unstable_by(|a, b| b.cmp(a));
    let top = big.len().div_ceil(100);
    for (_, i) in big.into_iter().take(top) {
        if rng.chance(0.7) {
            let tags = &mut firms[i].tags;
            // Keep the default tag order: hi_tech, specialised, listed, future_factory, micro_park.
            let at = tags
                .iter()
                .position(|t| matches!(*t, "future_factory" | "micro_park"))
                .unwrap_or(tags.len());
            tags.insert(at, "listed");
        }
    }
}
