//! 低散乱污 candidates: the screening rules that put a firm on a town's list for 属地核实
//! (DESIGN.md §7; reference domain.md §2 and §8 `[lslw]`). A candidate is only a candidate:
//! the town confirms or rejects it. A confirmed case is disposed of under a plan
//! ([`Disposal`], steps with due dates) and closed (销号) with evidence — for a shutdown
//! (关停取缔) the whole 两断三清 checklist. The case's life is the explicit table
//! [`CASE_TRANSITIONS`]: candidate → confirmed | rejected, confirmed → closed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::enterprise::Scale;

/// Which screens are on, and their thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LowEndRules {
    pub missing_permits: bool,
    /// 散 (off by default): on its own it lists every small workshop outside a park — about
    /// two in five of Yongkang's firms — so a town turns it on for a sweep of 散 firms.
    pub outside_park_and_below_size: bool,
    pub no_pollution_control: bool,
    /// 亩均税收 below this many 万元/亩 (1.0); `None` switches the screen off.
    pub tax_per_mu_below_wan: Option<f64>,
    /// Class D this many years running (2); `None` switches the screen off.
    pub d_consecutive_years: Option<u32>,
}

impl Default for LowEndRules {
    fn default() -> Self {
        LowEndRules {
            missing_permits: true,
            outside_park_and_below_size: false,
            no_pollution_control: true,
            tax_per_mu_below_wan: Some(1.0),
            d_consecutive_years: Some(2),
        }
    }
}

/// What is known of a firm for the screens; `None` where the registry does not say.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LowEndFacts {
    pub missing_permits: Option<bool>,
    pub in_park: bool,
    pub scale: Option<Scale>,
    pub no_pollution_control: Option<bool>,
    /// 评价税收 ÷ 用地面积, 万元/亩.
    pub tax_per_mu_wan: Option<f64>,
    pub consecutive_years_in_d: u32,
}

/// One screen a firm meets (乱 / 散 / 污 / 低 / 连续D).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LowEndCriterion {
    /// 乱: operating without the permits it needs.
    MissingPermits,
    /// 散: outside any park and below designated size.
    OutsideParkBelowSize,
    /// 污: no pollution control.
    NoPollutionControl,
    /// 低: tax per 亩 under the threshold.
    LowTaxPerMu,
    /// Class D in consecutive years.
    RepeatedD,
}

/// The screens a firm meets; empty when it is no candidate. Unknown facts meet no screen.
pub fn low_end_criteria(rules: &LowEndRules, f: &LowEndFacts) -> Vec<LowEndCriterion> {
    let mut out = Vec::new();
    if rules.missing_permits && f.missing_permits == Some(true) {
        out.push(LowEndCriterion::MissingPermits);
    }
    if rules.outside_park_and_below_size && !f.in_park && f.scale == Some(Scale::Below) {
        out.push(LowEndCriterion::OutsideParkBelowSize);
    }
    if rules.no_pollution_control && f.no_pollution_control == Some(true) {
        out.push(LowEndCriterion::NoPollutionControl);
    }
    if let (Some(limit), Some(t)) = (rules.tax_per_mu_below_wan, f.tax_per_mu_wan)
        && t < limit
    {
        out.push(LowEndCriterion::LowTaxPerMu);
    }
    if let Some(n) = rules.d_consecutive_years
        && n > 0
        && f.consecutive_years_in_d >= n
    {
        out.push(LowEndCriterion::RepeatedD);
    }
    out
}

/// 两断三清: what closing down (关停取缔) must show before the case is closed (销号).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShutdownChecklist {
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

impl ShutdownChecklist {
    /// The items still open, by name; empty when the case may be closed.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            ("power_cut", self.power_cut),
            ("water_cut", self.water_cut),
            ("raw_materials_cleared", self.raw_materials_cleared),
            ("products_cleared", self.products_cleared),
            ("equipment_cleared", self.equipment_cleared),
        ]
        .into_iter()
        .filter(|(_, done)| !done)
        .map(|(name, _)| name)
        .collect()
    }
}

impl LowEndCriterion {
    pub const ALL: [LowEndCriterion; 5] = [
        LowEndCriterion::MissingPermits,
        LowEndCriterion::OutsideParkBelowSize,
        LowEndCriterion::NoPollutionControl,
        LowEndCriterion::LowTaxPerMu,
        LowEndCriterion::RepeatedD,
    ];

    /// The name stored in a case's criteria and used in filters.
    pub fn as_str(self) -> &'static str {
        match self {
            LowEndCriterion::MissingPermits => "missing_permits",
            LowEndCriterion::OutsideParkBelowSize => "outside_park_below_size",
            LowEndCriterion::NoPollutionControl => "no_pollution_control",
            LowEndCriterion::LowTaxPerMu => "low_tax_per_mu",
            LowEndCriterion::RepeatedD => "repeated_d",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a 低散乱污 case stands (the `status` of a ledger entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Screened, waiting for the town's verification (待核实).
    Candidate,
    /// The town found it is no such firm (核实排除); final.
    Rejected,
    /// Verified (已认定): the disposal is planned and carried out.
    Confirmed,
    /// Struck off the ledger with evidence (已销号); final and read-only.
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 4] = [
        CaseStatus::Candidate,
        CaseStatus::Confirmed,
        CaseStatus::Rejected,
        CaseStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Candidate => "candidate",
            CaseStatus::Rejected => "rejected",
            CaseStatus::Confirmed => "confirmed",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether nothing more happens to the case.
    pub fn is_final(self) -> bool {
        matches!(self, CaseStatus::Rejected | CaseStatus::Closed)
    }

    /// Whether `action` may be taken on a case in this status.
    pub fn allows(self, action: CaseAction) -> bool {
        transition(self, action).is_ok()
    }
}

/// What can be done to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    /// 属地核实: the firm is one (认定).
    Confirm,
    /// 属地核实: the firm is not one (排除), with a reason.
    Reject,
    /// Set or revise the disposal plan (一企一方案).
    Plan,
    /// Report progress.
    Progress,
    /// Mark a planned step done.
    CompleteStep,
    /// 销号 with evidence.
    Close,
}

impl CaseAction {
    pub const ALL: [CaseAction; 6] = [
        CaseAction::Confirm,
        CaseAction::Reject,
        CaseAction::Plan,
        CaseAction::Progress,
        CaseAction::CompleteStep,
        CaseAction::Close,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Confirm => "confirm",
            CaseAction::Reject => "reject",
            CaseAction::Plan => "plan",
            CaseAction::Progress => "progress",
            CaseAction::CompleteStep => "complete_step",
            CaseAction::Close => "close",
        }
    }
}

/// Every allowed move of a case: (from, action, to). Anything not listed is refused.
pub const CASE_TRANSITIONS: &[(CaseStatus, CaseAction, CaseStatus)] = &[
    (
        CaseStatus::Candidate,
        CaseAction::Confirm,
        CaseStatus::Confirmed,
    ),
    (
        CaseStatus::Candidate,
        CaseAction::Reject,
        CaseStatus::Rejected,
    ),
    (
        CaseStatus::Confirmed,
        CaseAction::Plan,
        CaseStatus::Confirmed,
    ),
    (
        CaseStatus::Confirmed,
        CaseAction::Progress,
        CaseStatus::Confirmed,
    ),
    (
        CaseStatus::Confirmed,
        CaseAction::CompleteStep,
        CaseStatus::Confirmed,
    ),
    (CaseStatus::Confirmed, CaseAction::Close, CaseStatus::Closed),
];

/// A move the table does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {} case cannot take the action {}", from.as_str(), action.as_str())]
pub struct TransitionError {
    pub from: CaseStatus,
    pub action: CaseAction,
}

impl TransitionError {
    /// Catalogue key of the refusal.
    pub fn key(&self) -> &'static str {
        match self.from {
            CaseStatus::Candidate => "error.low_end.not_confirmed",
            CaseStatus::Confirmed => "error.low_end.already_verified",
            CaseStatus::Rejected => "error.low_end.rejected",
            CaseStatus::Closed => "error.low_end.closed",
        }
    }
}

/// The status after `action`, if the table allows it.
pub fn transition(from: CaseStatus, action: CaseAction) -> Result<CaseStatus, TransitionError> {
    CASE_TRANSITIONS
        .iter()
        .find(|(f, a, _)| *f == from && *a == action)
        .map(|(_, _, to)| *to)
        .ok_or(TransitionError { from, action })
}

/// How a confirmed firm is dealt with (处置方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposal {
    /// 关停取缔: closed down; closure needs the whole 两断三清 checklist.
    Shutdown,
    /// 整合搬迁 / 集聚入园: moved into a park.
    Relocate,
    /// 整改提升: brought up to standard where it is.
    Upgrade,
    /// 兼并重组: merged into or taken over by another firm.
    Merge,
    /// 回收盘活: its land taken back and put to new use.
    Revitalise,
}

impl Disposal {
    pub const ALL: [Disposal; 5] = [
        Disposal::Shutdown,
        Disposal::Relocate,
        Disposal::Upgrade,
        Disposal::Merge,
        Disposal::Revitalise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Disposal::Shutdown => "shutdown",
            Disposal::Relocate => "relocate",
            Disposal::Upgrade => "upgrade",
            Disposal::Merge => "merge",
            Disposal::Revitalise => "revitalise",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Whether the firm leaves its site, so that its land and energy count as freed unless
    /// other figures are entered; an upgrade in place (整改提升) frees nothing by default.
    pub fn frees_site(self) -> bool {
        !matches!(self, Disposal::Upgrade)
    }

    /// The Chinese name (for exports, which are read in Chinese).
    pub fn label(self) -> &'static str {
        match self {
            Disposal::Shutdown => "关停取缔",
            Disposal::Relocate => "整合搬迁/集聚入园",
            Disposal::Upgrade => "整改提升",
            Disposal::Merge => "兼并重组",
            Disposal::Revitalise => "回收盘活",
        }
    }
}

/// A confirmed case whose deadline has passed (the deadline day itself still counts as in time).
pub fn is_overdue(status: CaseStatus, deadline: Option<NaiveDate>, today: NaiveDate) -> bool {
    status == CaseStatus::Confirmed && deadline.is_some_and(|d| d < today)
}

/// Longest text of a reason, note, step or progress report, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Most planned steps one case may have.
pub const MAX_STEPS: usize = 30;

/// Why a verification is refused (catalogue keys name the field).
pub fn verification_problem(confirm: bool, reason: &str) -> Option<(&'static str, &'static str)> {
    let reason = reason.trim();
    if !confirm && reason.is_empty() {
        return Some(("reason", "error.low_end.reason_required"));
    }
    if reason.chars().count() > MAX_TEXT_CHARS {
        return Some(("reason", "error.low_end.text_too_long"));
    }
    None
}

/// A planned step as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedStep {
    pub content: String,
    pub due_on: Option<NaiveDate>,
}

/// The problems of a disposal plan, as (field, catalogue key); empty when it may be saved.
/// Fields of steps are `steps[i].content` / `steps[i].due_on` (0-based). A deadline that is
/// changed must not lie in the past; an unchanged one may (the case is then overdue).
pub fn plan_problems(
    deadline: Option<NaiveDate>,
    previous_deadline: Option<NaiveDate>,
    today: NaiveDate,
    steps: &[PlannedStep],
) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    match deadline {
        None => out.push(("deadline".to_string(), "error.low_end.deadline_required")),
        Some(d) if Some(d) != previous_deadline && d < today => {
            out.push(("deadline".to_string(), "error.low_end.deadline_past"))
        }
        Some(_) => {}
    }
    if steps.is_empty() {
        out.push(("steps".to_string(), "error.low_end.steps_required"));
    }
    if steps.len() > MAX_STEPS {
        out.push(("steps".to_string(), "error.low_end.too_many_steps"));
    }
    for (i, s) in steps.iter().enumerate() {
        let content = s.content.trim();
        if content.is_empty() {
            out.push((
                format!("steps[{i}].content"),
                "error.low_end.step_content_required",
            ));
        } else if content.chars().count() > MAX_TEXT_CHARS {
            out.push((format!("steps[{i}].content"), "error.low_end.text_too_long"));
        }
        match (s.due_on, deadline) {
            (None, _) => out.push((
                format!("steps[{i}].due_on"),
                "error.low_end.step_due_required",
            )),
            (Some(due), Some(d)) if due > d => out.push((
                format!("steps[{i}].due_on"),
                "error.low_end.step_after_deadline",
            )),
            _ => {}
        }
    }
    out
}

/// What closing a case (销号) brings.
#[derive(Debug, Clone, PartialEq)]
pub struct Closure {
    /// The plan's disposal; `None` while no plan was made.
    pub disposal: Option<Disposal>,
    pub note: String,
    /// Evidence files the case will hold (already stored and uploaded with the closure).
    pub evidence_files: usize,
    pub checklist: ShutdownChecklist,
    pub land_mu_freed: f64,
    pub energy_tce_freed: f64,
}

/// Why a case may not be closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClosureProblem {
    /// No disposal plan yet.
    NoPlan,
    /// No closure note.
    NoNote,
    NoteTooLong,
    /// No evidence file.
    NoEvidence,
    /// 关停取缔 without the whole 两断三清 checklist: the items still open.
    ChecklistIncomplete(Vec<&'static str>),
    /// The land freed is negative or not a number.
    LandInvalid,
    /// The energy freed is negative or not a number.
    EnergyInvalid,
}

impl ClosureProblem {
    /// The input field the problem is about.
    pub fn field(&self) -> &'static str {
        match self {
            ClosureProblem::NoPlan => "disposal_type",
            ClosureProblem::NoNote | ClosureProblem::NoteTooLong => "note",
            ClosureProblem::NoEvidence => "files",
            ClosureProblem::ChecklistIncomplete(_) => "checklist",
            ClosureProblem::LandInvalid => "land_mu_freed",
            ClosureProblem::EnergyInvalid => "energy_tce_freed",
        }
    }

    /// Catalogue key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            ClosureProblem::NoPlan => "error.low_end.no_plan",
            ClosureProblem::NoNote => "error.low_end.note_required",
            ClosureProblem::NoteTooLong => "error.low_end.text_too_long",
            ClosureProblem::NoEvidence => "error.low_end.evidence_required",
            ClosureProblem::ChecklistIncomplete(_) => "error.low_end.checklist_incomplete",
            ClosureProblem::LandInvalid => "error.low_end.land_invalid",
            ClosureProblem::EnergyInvalid => "error.low_end.energy_invalid",
        }
    }
}

/// Every reason the closure is refused; empty when the case may be closed. Evidence is always
/// required; a shutdown (关停取缔) also needs every item of the 两断三清 checklist.
pub fn closure_problems(c: &Closure) -> Vec<ClosureProblem> {
    let mut out = Vec::new();
    if c.disposal.is_none() {
        out.push(ClosureProblem::NoPlan);
    }
    let note = c.note.trim();
    if note.is_empty() {
        out.push(ClosureProblem::NoNote);
    } else if note.chars().count() > MAX_TEXT_CHARS {
        out.push(ClosureProblem::NoteTooLong);
    }
    if c.evidence_files == 0 {
        out.push(ClosureProblem::NoEvidence);
    }
    if c.disposal == Some(Disposal::Shutdown) {
        let missing = c.checklist.missing();
        if !missing.is_empty() {
            out.push(ClosureProblem::ChecklistIncomplete(missing));
        }
    }
    if !(c.land_mu_freed.is_finite() && c.land_mu_freed >= 0.0) {
        out.push(ClosureProblem::LandInvalid);
    }
    if !(c.energy_tce_freed.is_finite() && c.energy_tce_freed >= 0.0) {
        out.push(ClosureProblem::EnergyInvalid);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_screen_and_only_known_facts() {
        let defaults = LowEndRules::default();
        assert!(!defaults.outside_park_and_below_size, "散 alone is opt-in");
        let r = LowEndRules {
            outside_park_and_below_size: true,
            ..defaults
        };
        assert!(low_end_criteria(&r, &LowEndFacts::default()).is_empty());
        let f = LowEndFacts {
            missing_permits: Some(true),
            in_park: false,
            scale: Some(Scale::Below),
            no_pollution_control: Some(true),
            tax_per_mu_wan: Some(0.8),
            consecutive_years_in_d: 2,
        };
        assert_eq!(
            low_end_criteria(&r, &f),
            [
                LowEndCriterion::MissingPermits,
                LowEndCriterion::OutsideParkBelowSize,
                LowEndCriterion::NoPollutionControl,
                LowEndCriterion::LowTaxPerMu,
                LowEndCriterion::RepeatedD
            ]
        );
        let in_park = LowEndFacts {
            in_park: true,
            tax_per_mu_wan: Some(1.0),
            ..f.clone()
        };
        let c = low_end_criteria(&r, &in_park);
        assert!(!c.contains(&LowEndCriterion::OutsideParkBelowSize));
        assert!(
            !c.contains(&LowEndCriterion::LowTaxPerMu),
            "1.0 is not below 1.0"
        );
        let off = LowEndRules {
            tax_per_mu_below_wan: None,
            d_consecutive_years: None,
            ..r
        };
        assert!(!low_end_criteria(&off, &f).contains(&LowEndCriterion::RepeatedD));
        assert!(!low_end_criteria(&defaults, &f).contains(&LowEndCriterion::OutsideParkBelowSize));
    }

    #[test]
    fn closing_down_needs_the_whole_checklist() {
        let mut c = ShutdownChecklist {
            power_cut: true,
            water_cut: true,
            ..Default::default()
        };
        assert_eq!(
            c.missing(),
            [
                "raw_materials_cleared",
                "products_cleared",
                "equipment_cleared"
            ]
        );
        c.raw_materials_cleared = true;
        c.products_cleared = true;
        c.equipment_cleared = true;
        assert!(c.missing().is_empty());
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_transition_table_is_the_whole_life_of_a_case() {
        use CaseAction::*;
        use CaseStatus::*;
        // Every (status, action) pair: the table's answer, written out.
        let expected: &[(CaseStatus, CaseAction, Option<CaseStatus>)] = &[
            (Candidate, Confirm, Some(Confirmed)),
            (Candidate, Reject, Some(Rejected)),
            (Candidate, Plan, None),
            (Candidate, Progress, None),
            (Candidate, CompleteStep, None),
            (Candidate, Close, None),
            (Confirmed, Confirm, None),
            (Confirmed, Reject, None),
            (Confirmed, Plan, Some(Confirmed)),
            (Confirmed, Progress, Some(Confirmed)),
            (Confirmed, CompleteStep, Some(Confirmed)),
            (Confirmed, Close, Some(Closed)),
        ];
        for (from, action, to) in expected {
            assert_eq!(transition(*from, *action).ok(), *to, "{from:?} {action:?}");
            assert_eq!(from.allows(*action), to.is_some());
        }
        // Rejected and closed cases are final: every action is refused.
        for from in [Rejected, Closed] {
            assert!(from.is_final());
            for action in CaseAction::ALL {
                let e = transition(from, action).unwrap_err();
                assert_eq!(e, TransitionError { from, action });
            }
        }
        assert_eq!(
            transition(Closed, Progress).unwrap_err().key(),
            "error.low_end.closed"
        );
        assert_eq!(
            transition(Candidate, Close).unwrap_err().key(),
            "error.low_end.not_confirmed"
        );
        assert_eq!(
            transition(Confirmed, Reject).unwrap_err().key(),
            "error.low_end.already_verified"
        );
        // Nothing leads back to a candidate, and only a confirmed case is closed.
        assert!(CASE_TRANSITIONS.iter().all(|(_, _, to)| *to != Candidate));
        assert!(
            CASE_TRANSITIONS
                .iter()
                .filter(|(_, _, to)| *to == Closed)
                .all(|(from, a, _)| *from == Confirmed && *a == Close)
        );
    }

    #[test]
    fn names_round_trip() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
        for d in Disposal::ALL {
            assert_eq!(Disposal::parse(d.as_str()), Some(d));
            assert!(!d.label().is_empty());
        }
        for c in LowEndCriterion::ALL {
            assert_eq!(LowEndCriterion::parse(c.as_str()), Some(c));
            // The stored JSON name is the same as `as_str`.
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.as_str())
            );
        }
        assert!(Disposal::Shutdown.frees_site() && Disposal::Relocate.frees_site());
        assert!(!Disposal::Upgrade.frees_site());
        assert_eq!(CaseStatus::parse("open"), None);
        assert_eq!(Disposal::parse("关停取缔"), None);
    }

    #[test]
    fn overdue_means_confirmed_and_past_the_deadline_day() {
        let today = day("2025-06-10");
        let c = CaseStatus::Confirmed;
        assert!(
            !is_overdue(c, Some(day("2025-06-10")), today),
            "the deadline day is in time"
        );
        assert!(is_overdue(c, Some(day("2025-06-09")), today));
        assert!(!is_overdue(c, None, today));
        for s in [
            CaseStatus::Candidate,
            CaseStatus::Rejected,
            CaseStatus::Closed,
        ] {
            assert!(!is_overdue(s, Some(day("2020-01-01")), today), "{s:?}");
        }
    }

    #[test]
    fn a_rejection_needs_a_reason() {
        assert_eq!(
            verification_problem(false, "  "),
            Some(("reason", "error.low_end.reason_required"))
        );
        assert_eq!(verification_problem(false, "已入园经营，证照齐全"), None);
        assert_eq!(
            verification_problem(true, ""),
            None,
            "a confirmation's note is optional"
        );
        let long = "长".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            verification_problem(true, &long),
            Some(("reason", "error.low_end.text_too_long"))
        );
    }

    #[test]
    fn a_plan_has_a_deadline_and_dated_steps_within_it() {
        let today = day("2025-03-01");
        let step = |c: &str, d: Option<&str>| PlannedStep {
            content: c.into(),
            due_on: d.map(day),
        };
        let ok = [
            step("断电断水", Some("2025-04-01")),
            step("清理设备", Some("2025-06-30")),
        ];
        assert!(plan_problems(Some(day("2025-06-30")), None, today, &ok).is_empty());
        let fields = |p: Vec<(String, &str)>| {
            p.into_iter()
                .map(|(f, k)| format!("{f}:{k}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(plan_problems(None, None, today, &[])),
            [
                "deadline:error.low_end.deadline_required",
                "steps:error.low_end.steps_required"
            ]
        );
        assert_eq!(
            fields(plan_problems(
                Some(day("2025-02-01")),
                None,
                today,
                &[
                    step(" ", Some("2025-01-01")),
                    step("拆除", None),
                    step("复耕", Some("2025-03-01"))
                ]
            )),
            [
                "deadline:error.low_end.deadline_past",
                "steps[0].content:error.low_end.step_content_required",
                "steps[1].due_on:error.low_end.step_due_required",
                "steps[2].due_on:error.low_end.step_after_deadline",
            ]
        );
        // An unchanged deadline may already have passed (the case is overdue, not invalid).
        assert!(
            plan_problems(
                Some(day("2025-02-01")),
                Some(day("2025-02-01")),
                today,
                &[step("拆除", Some("2025-01-15"))]
            )
            .is_empty()
        );
    }

    #[test]
    fn closure_needs_a_plan_a_note_evidence_and_for_a_shutdown_the_checklist() {
        let full = ShutdownChecklist {
            power_cut: true,
            water_cut: true,
            raw_materials_cleared: true,
            products_cleared: true,
            equipment_cleared: true,
        };
        let ok = Closure {
            disposal: Some(Disposal::Shutdown),
            note: "已断电断水，原料、产品、设备清理完毕".into(),
            evidence_files: 1,
            checklist: full,
            land_mu_freed: 3.5,
            energy_tce_freed: 42.0,
        };
        assert!(closure_problems(&ok).is_empty());
        let keys = |c: &Closure| {
            closure_problems(c)
                .iter()
                .map(|p| p.key())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            keys(&Closure {
                evidence_files: 0,
                ..ok.clone()
            }),
            ["error.low_end.evidence_required"]
        );
        assert_eq!(
            keys(&Closure {
                note: " ".into(),
                ..ok.clone()
            }),
            ["error.low_end.note_required"]
        );
        assert_eq!(
            keys(&Closure {
                disposal: None,
                ..ok.clone()
            }),
            ["error.low_end.no_plan"]
        );
        let partial = Closure {
            checklist: ShutdownChecklist {
                power_cut: true,
                water_cut: true,
                ..Default::default()
            },
            ..ok.clone()
        };
        assert_eq!(
            closure_problems(&partial),
            [ClosureProblem::ChecklistIncomplete(vec![
                "raw_materials_cleared",
                "products_cleared",
                "equipment_cleared"
            ])]
        );
        assert_eq!(closure_problems(&partial)[0].field(), "checklist");
        // Other disposals need no checklist.
        for d in [
            Disposal::Relocate,
            Disposal::Upgrade,
            Disposal::Merge,
            Disposal::Revitalise,
        ] {
            assert!(
                closure_problems(&Closure {
                    disposal: Some(d),
                    checklist: ShutdownChecklist::default(),
                    ..ok.clone()
                })
                .is_empty(),
                "{d:?}"
            );
        }
        let bad = Closure {
            land_mu_freed: -1.0,
            energy_tce_freed: f64::NAN,
            ..ok.clone()
        };
        assert_eq!(
            closure_problems(&bad)
                .iter()
                .map(|p| p.field())
                .collect::<Vec<_>>(),
            ["land_mu_freed", "energy_tce_freed"]
        );
        // Everything wrong at once is reported at once.
        let none = Closure {
            disposal: Some(Disposal::Shutdown),
            note: String::new(),
            evidence_files: 0,
            checklist: ShutdownChecklist::default(),
            land_mu_freed: 0.0,
            energy_tce_freed: 0.0,
        };
        assert_eq!(closure_problems(&none).len(), 3);
    }
}
