//! The case state machine of a problem (问题办理流程):
//!
//! 受理 (`Received`) → 交办 (`Assigned`) → 处置 (`Handling`, or `WaitingFirm` while the clock is
//! paused for the firm) → 反馈 (`Answered`) → 办结 (`Closed`) → 评价 (`Rated`).
//!
//! A department may return a wrongly assigned case (退回, `Returned`) for reassignment. A case
//! that cannot be solved now closes as 暂缓 or 政策不允许 with an explanation. A 不满意 rating, or
//! the firm reopening within [`REOPEN_WINDOW_DAYS`] of closure, reopens the case as 重新办理
//! (`Reopened`) one level up, in a new round.
//!
//! Every allowed step is a row of [`TRANSITIONS`]; anything else is refused with
//! [`CaseError::Transition`] or [`CaseError::NotYours`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::problem::{CaseLevel, CloseOutcome, Satisfaction};

/// Calendar days after closure within which the firm may reopen a case.
pub const REOPEN_WINDOW_DAYS: i64 = 15;

/// The state of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// 已受理: registered, waiting to be assigned (交办).
    Received,
    /// 已交办: a lead department has it.
    Assigned,
    /// 处置中: the lead department is working on it.
    Handling,
    /// 待企业补充: waiting for the firm; the clock is paused.
    WaitingFirm,
    /// 已反馈: the answer has been given to the firm.
    Answered,
    /// 已办结: closed, waiting for the firm's rating.
    Closed,
    /// 已评价: rated 满意 or 基本满意.
    Rated,
    /// 已退回: the department returned it; waiting for reassignment.
    Returned,
    /// 重新办理: reopened after 不满意 or by the firm; waiting for reassignment one level up.
    Reopened,
}

impl CaseState {
    pub const ALL: [CaseState; 9] = [
        CaseState::Received,
        CaseState::Assigned,
        CaseState::Handling,
        CaseState::WaitingFirm,
        CaseState::Answered,
        CaseState::Closed,
        CaseState::Rated,
        CaseState::Returned,
        CaseState::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Received => "received",
            CaseState::Assigned => "assigned",
            CaseState::Handling => "handling",
            CaseState::WaitingFirm => "waiting_firm",
            CaseState::Answered => "answered",
            CaseState::Closed => "closed",
            CaseState::Rated => "rated",
            CaseState::Returned => "returned",
            CaseState::Reopened => "reopened",
        }
    }

    pub fn parse(s: &str) -> Option<CaseState> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Waiting for the dispatcher to assign a lead department.
    pub fn awaits_assignment(self) -> bool {
        matches!(
            self,
            CaseState::Received | CaseState::Returned | CaseState::Reopened
        )
    }

    /// A lead department holds the case and it is not closed.
    pub fn in_department(self) -> bool {
        matches!(
            self,
            CaseState::Assigned
                | CaseState::Handling
                | CaseState::WaitingFirm
                | CaseState::Answered
        )
    }

    /// Closed (办结), rated or not.
    pub fn is_closed(self) -> bool {
        matches!(self, CaseState::Closed | CaseState::Rated)
    }

    /// Still to be worked on (not closed).
    pub fn is_open(self) -> bool {
        !self.is_closed()
    }
}

/// Who takes a step on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseActor {
    /// The dispatcher: the service office for city-level cases, the firm's town for town-level ones.
    Dispatcher,
    /// Staff of the lead department (牵头部门).
    Lead,
    /// Staff of a co-department (配合部门).
    CoDepartment,
    /// The firm itself (from its login).
    Firm,
}

/// A step on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    /// 交办 (or 改派 while the department has not closed it): name the lead and co-departments.
    Assign,
    /// 退回: the lead department returns a wrongly assigned case, with a reason.
    Return,
    /// 处置: a handling note.
    Note,
    /// Ask the firm for material; pauses the clock.
    RequestInfo,
    /// The firm supplies what was asked; resumes the clock.
    Supply,
    /// 反馈: the answer to the firm (again to revise it).
    Answer,
    /// 办结 as solved (needs an answer first).
    CloseResolved,
    /// 办结 as 暂缓, with an explanation the firm sees.
    CloseDeferred,
    /// 办结 as 政策不允许, with an explanation the firm sees.
    CloseNotPermitted,
    /// 评价 满意.
    RateSatisfied,
    /// 评价 基本满意.
    RateBasicallySatisfied,
    /// 评价 不满意: reopens the case one level up.
    RateDissatisfied,
    /// The firm reopens a closed case within the window.
    Reopen,
}

impl CaseAction {
    pub const ALL: [CaseAction; 13] = [
        CaseAction::Assign,
        CaseAction::Return,
        CaseAction::Note,
        CaseAction::RequestInfo,
        CaseAction::Supply,
        CaseAction::Answer,
        CaseAction::CloseResolved,
        CaseAction::CloseDeferred,
        CaseAction::CloseNotPermitted,
        CaseAction::RateSatisfied,
        CaseAction::RateBasicallySatisfied,
        CaseAction::RateDissatisfied,
        CaseAction::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Assign => "assign",
            CaseAction::Return => "return",
            CaseAction::Note => "note",
            CaseAction::RequestInfo => "request_info",
            CaseAction::Supply => "supply",
            CaseAction::Answer => "answer",
            CaseAction::CloseResolved => "close_resolved",
            CaseAction::CloseDeferred => "close_deferred",
            CaseAction::CloseNotPermitted => "close_not_permitted",
            CaseAction::RateSatisfied => "rate_satisfied",
            CaseAction::RateBasicallySatisfied => "rate_basically_satisfied",
            CaseAction::RateDissatisfied => "rate_dissatisfied",
            CaseAction::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<CaseAction> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The rating this step gives, for the rating steps.
    pub fn satisfaction(self) -> Option<Satisfaction> {
        match self {
            CaseAction::RateSatisfied => Some(Satisfaction::Satisfied),
            CaseAction::RateBasicallySatisfied => Some(Satisfaction::BasicallySatisfied),
            CaseAction::RateDissatisfied => Some(Satisfaction::Dissatisfied),
            _ => None,
        }
    }

    /// The rating step for a rating.
    pub fn rate(s: Satisfaction) -> CaseAction {
        match s {
            Satisfaction::Satisfied => CaseAction::RateSatisfied,
            Satisfaction::BasicallySatisfied => CaseAction::RateBasicallySatisfied,
            Satisfaction::Dissatisfied => CaseAction::RateDissatisfied,
        }
    }

    /// The closing outcome of a closing step.
    pub fn outcome(self) -> Option<CloseOutcome> {
        match self {
            CaseAction::CloseResolved => Some(CloseOutcome::Resolved),
            CaseAction::CloseDeferred => Some(CloseOutcome::Deferred),
            CaseAction::CloseNotPermitted => Some(CloseOutcome::NotPermitted),
            _ => None,
        }
    }

    /// Whether the step needs a text (reason, note, answer, explanation). Ratings take an
    /// optional comment, except 不满意, which must say why.
    pub fn needs_text(self) -> bool {
        !matches!(
            self,
            CaseAction::Assign | CaseAction::RateSatisfied | CaseAction::RateBasicallySatisfied
        )
    }

    /// Whether this step answers the firm for the first-reply clock (首次答复): a handling note,
    /// a request for material or the answer, by the lead department.
    pub fn is_reply(self) -> bool {
        matches!(
            self,
            CaseAction::Note | CaseAction::RequestInfo | CaseAction::Answer
        )
    }
}

use CaseAction as A;
use CaseActor as R;
use CaseState as S;

/// One allowed step: from a state, an action, by one of the actors, to a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: CaseState,
    pub action: CaseAction,
    pub by: &'static [CaseActor],
    pub to: CaseState,
}

const fn t(from: S, action: A, by: &'static [R], to: S) -> Transition {
    Transition {
        from,
        action,
        by,
        to,
    }
}

/// Every allowed step. Anything not listed is refused.
pub const TRANSITIONS: &[Transition] = &[
    // 交办, and 改派 before the department has started.
    t(S::Received, A::Assign, &[R::Dispatcher], S::Assigned),
    t(S::Returned, A::Assign, &[R::Dispatcher], S::Assigned),
    t(S::Reopened, A::Assign, &[R::Dispatcher], S::Assigned),
    t(S::Assigned, A::Assign, &[R::Dispatcher], S::Assigned),
    t(S::Handling, A::Assign, &[R::Dispatcher], S::Assigned),
    // 退回 while the case is not answered yet.
    t(S::Assigned, A::Return, &[R::Lead], S::Returned),
    t(S::Handling, A::Return, &[R::Lead], S::Returned),
    // 处置
    t(
        S::Assigned,
        A::Note,
        &[R::Lead, R::CoDepartment],
        S::Handling,
    ),
    t(
        S::Handling,
        A::Note,
        &[R::Lead, R::CoDepartment],
        S::Handling,
    ),
    t(
        S::WaitingFirm,
        A::Note,
        &[R::Lead, R::CoDepartment],
        S::WaitingFirm,
    ),
    t(
        S::Answered,
        A::Note,
        &[R::Lead, R::CoDepartment],
        S::Answered,
    ),
    t(S::Assigned, A::RequestInfo, &[R::Lead], S::WaitingFirm),
    t(S::Handling, A::RequestInfo, &[R::Lead], S::WaitingFirm),
    t(
        S::WaitingFirm,
        A::Supply,
        &[R::Firm, R::Dispatcher],
        S::Handling,
    ),
    // 反馈
    t(S::Assigned, A::Answer, &[R::Lead], S::Answered),
    t(S::Handling, A::Answer, &[R::Lead], S::Answered),
    t(S::Answered, A::Answer, &[R::Lead], S::Answered),
    // 办结
    t(
        S::Answered,
        A::CloseResolved,
        &[R::Lead, R::Dispatcher],
        S::Closed,
    ),
    t(
        S::Assigned,
        A::CloseDeferred,
        &[R::Lead, R::Dispatcher],
        S::Closed,
    ),
    t(
        S::Handling,
        A::CloseDeferred,
        &[R::Lead, R::Dispatcher],
        S::Closed,
    ),
    t(
        S::Answered,
        A::CloseDeferred,
        &[R::Lead, R::Dispatcher],
        S::Closed,
    ),
    t(
        S::Assigned,
        A::CloseNotPermitted,
        &[R::Lead, R::Dispatcher],
        S::Closed,
    ),
    t(
        S::Handling,
        A::CloseNotPermitted,
        &[R::Lead, R::Dispatcher],
        S::Closed,
    ),
    t(
        S::Answered,
        A::CloseNotPermitted,
        &[R::Lead, R::Dispatcher],
        S::Closed,
    ),
    // 评价: by the firm, or recorded by the dispatcher from a phone revisit (回访).
    t(
        S::Closed,
        A::RateSatisfied,
        &[R::Firm, R::Dispatcher],
        S::Rated,
    ),
    t(
        S::Closed,
        A::RateBasicallySatisfied,
        &[R::Firm, R::Dispatcher],
        S::Rated,
    ),
    t(
        S::Closed,
        A::RateDissatisfied,
        &[R::Firm, R::Dispatcher],
        S::Reopened,
    ),
    // The firm reopens within the window, rated or not.
    t(S::Closed, A::Reopen, &[R::Firm], S::Reopened),
    t(S::Rated, A::Reopen, &[R::Firm], S::Reopened),
];

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// The state does not allow the action at all.
    #[error("a case that is {} cannot be given the step {}", .from.as_str(), .action.as_str())]
    Transition { from: CaseState, action: CaseAction },
    /// The action is allowed in this state, but not to this actor.
    #[error("the step {} on a {} case is not for you", .action.as_str(), .from.as_str())]
    NotYours { from: CaseState, action: CaseAction },
    /// A reopening later than the window after closure.
    #[error("a case can be reopened within {REOPEN_WINDOW_DAYS} days of closure only")]
    ReopenWindowPassed,
    /// Whoever handled the case cannot rate it.
    #[error("whoever handled a case cannot rate it")]
    RaterHandledCase,
}

/// The state after `action` by any of `actors` (a user may act in several capacities, e.g.
/// dispatcher and lead), or why it is refused.
pub fn step(
    from: CaseState,
    action: CaseAction,
    actors: &[CaseActor],
) -> Result<CaseState, CaseError> {
    let mut allowed_to_someone = false;
    for row in TRANSITIONS
        .iter()
        .filter(|r| r.from == from && r.action == action)
    {
        allowed_to_someone = true;
        if row.by.iter().any(|b| actors.contains(b)) {
            return Ok(row.to);
        }
    }
    Err(if allowed_to_someone {
        CaseError::NotYours { from, action }
    } else {
        CaseError::Transition { from, action }
    })
}

/// The actions `actors` may take in `from`, in table order, without repeats.
pub fn available(from: CaseState, actors: &[CaseActor]) -> Vec<CaseAction> {
    let mut out = Vec::new();
    for row in TRANSITIONS.iter().filter(|r| r.from == from) {
        if row.by.iter().any(|b| actors.contains(b)) && !out.contains(&row.action) {
            out.push(row.action);
        }
    }
    out
}

/// Whether the firm may still reopen a case closed on `closed_on`, seen on `today`.
pub fn may_reopen(closed_on: NaiveDate, today: NaiveDate) -> Result<(), CaseError> {
    if (today - closed_on).num_days() <= REOPEN_WINDOW_DAYS {
        Ok(())
    } else {
        Err(CaseError::ReopenWindowPassed)
    }
}

/// Everything about a case the state machine keeps consistent, for checking sequences of steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub state: CaseState,
    pub level: CaseLevel,
    /// 1 for the first handling, +1 on each reopening.
    pub round: u32,
    pub lead: bool,
    pub answered: bool,
    pub outcome: Option<CloseOutcome>,
    pub rating: Option<Satisfaction>,
}

impl Case {
    pub fn new(level: CaseLevel) -> Case {
        Case {
            state: CaseState::Received,
            level,
            round: 1,
            lead: false,
            answered: false,
            outcome: None,
            rating: None,
        }
    }

    /// Applies one step by `actors`: the state, and what goes with it (lead, answer, outcome,
    /// rating, round and level). A refused step changes nothing.
    pub fn apply(&mut self, action: CaseAction, actors: &[CaseActor]) -> Result<(), CaseError> {
        let to = step(self.state, action, actors)?;
        match action {
            A::Assign => {
                self.lead = true;
                self.answered = false;
            }
            A::Return => self.lead = false,
            A::Answer => self.answered = true,
            A::CloseResolved | A::CloseDeferred | A::CloseNotPermitted => {
                self.outcome = action.outcome();
            }
            A::RateSatisfied | A::RateBasicallySatisfied | A::RateDissatisfied => {
                self.rating = action.satisfaction();
            }
            A::Note | A::RequestInfo | A::Supply | A::Reopen => {}
        }
        if to == CaseState::Reopened {
            self.round += 1;
            self.level = self.level.up();
            self.lead = false;
            self.answered = false;
            self.outcome = None;
        }
        self.state = to;
        Ok(())
    }

    /// The invariants every reachable case satisfies; the first broken one, if any.
    pub fn broken_invariant(&self) -> Option<&'static str> {
        let s = self.state;
        if s.in_department() && !self.lead {
            return Some("a department state without a lead department");
        }
        if s.awaits_assignment() && self.lead {
            return Some("awaiting assignment while a lead department holds it");
        }
        if s == CaseState::Answered && !self.answered {
            return Some("answered without an answer");
        }
        if s.is_closed() != self.outcome.is_some() {
            return Some("closed without an outcome, or an outcome on an open case");
        }
        if self.outcome == Some(CloseOutcome::Resolved) && !self.answered {
            return Some("resolved without an answer to the firm");
        }
        if s == CaseState::Rated && !self.rating.is_some_and(Satisfaction::is_satisfied) {
            return Some("rated without a satisfied rating");
        }
        if s == CaseState::Received && self.round != 1 {
            return Some("received is the first round only");
        }
        if s == CaseState::Reopened && self.round < 2 {
            return Some("reopened in the first round");
        }
        if self.round > 1 && self.level == CaseLevel::Town {
            return Some("a reopened case stays at town level");
        }
        None
    }
}
