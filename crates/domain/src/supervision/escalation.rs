//! 督办 rules: when to suggest a supervision notice, the escalation ladder, and the state
//! machines of a notice, an extension request (延期申请) and the completion review (审结).
//!
//! Each state machine is an explicit transition table (`*_TRANSITIONS`); any pair not in the
//! table is refused with [`SupervisionRuleError`]. Who may act is given by `actor()`: the
//! supervision office (督查室) or the task's lead unit (牵头单位).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::colour::TaskColour;

/// The escalation ladder, mildest first: 督办单 → 专函督办 → 约谈 → 通报.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeLevel {
    /// 督办单: a supervision notice demanding action and an answer by a date.
    Notice,
    /// 专函督办: a formal letter to the unit.
    Letter,
    /// 约谈: an interview of the unit head by the leader.
    Interview,
    /// 通报: named in a public bulletin.
    PublicNotice,
}

impl NoticeLevel {
    pub const ALL: [NoticeLevel; 4] = [
        NoticeLevel::Notice,
        NoticeLevel::Letter,
        NoticeLevel::Interview,
        NoticeLevel::PublicNotice,
    ];

    /// The next rung, `None` at 通报.
    pub fn next(self) -> Option<NoticeLevel> {
        match self {
            NoticeLevel::Notice => Some(NoticeLevel::Letter),
            NoticeLevel::Letter => Some(NoticeLevel::Interview),
            NoticeLevel::Interview => Some(NoticeLevel::PublicNotice),
            NoticeLevel::PublicNotice => None,
        }
    }
}

/// When a notice is suggested, and at which level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct EscalationRules {
    /// Consecutive latest cycles at yellow (or worse) that suggest a notice. Default 2.
    pub yellow_streak: usize,
    /// Level suggested after the yellow streak. Default 督办单.
    pub on_yellow_streak: NoticeLevel,
    /// Level suggested when the latest cycle is red. Default 督办单.
    pub on_red: NoticeLevel,
}

impl Default for EscalationRules {
    fn default() -> Self {
        EscalationRules {
            yellow_streak: 2,
            on_yellow_streak: NoticeLevel::Notice,
            on_red: NoticeLevel::Notice,
        }
    }
}

/// [`suggest_notice_with`] under the default rules: a 督办单 when the latest cycle is red, or
/// the latest two cycles are both yellow or worse.
pub fn suggest_notice(history: &[TaskColour]) -> Option<NoticeLevel> {
    suggest_notice_with(history, &EscalationRules::default())
}

/// Suggests a notice from a task's colour per cycle, oldest first. Only the latest cycles
/// count: red in the latest one → `on_red`; yellow in the latest one and at least
/// `yellow_streak` consecutive latest cycles yellow or red → `on_yellow_streak`. Green, blue
/// or grey in the latest cycle → `None`. Whether a notice is already open is for the caller.
pub fn suggest_notice_with(history: &[TaskColour], rules: &EscalationRules) -> Option<NoticeLevel> {
    match history.last()? {
        TaskColour::Red => Some(rules.on_red),
        TaskColour::Yellow => {
            let streak = history
                .iter()
                .rev()
                .take_while(|c| matches!(c, TaskColour::Yellow | TaskColour::Red))
                .count();
            (streak >= rules.yellow_streak.max(1)).then_some(rules.on_yellow_streak)
        }
        TaskColour::Green | TaskColour::Blue | TaskColour::Grey => None,
    }
}

/// Who performs an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// 督查室, the supervision office.
    Office,
    /// 牵头单位, the task's lead unit.
    LeadUnit,
}

/// The state of one supervision notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeState {
    /// Issued, waiting for the lead unit's answer.
    Issued,
    /// Answered, waiting for the office.
    Answered,
    /// Closed: the answer was accepted.
    Closed,
    /// Superseded by a notice of the next level.
    Escalated,
    /// Withdrawn by the office (issued in error).
    Withdrawn,
}

/// An action on a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeAction {
    /// The lead unit answers (反馈).
    Answer,
    /// The office finds the answer insufficient and asks again.
    ReturnAnswer,
    /// The office accepts the answer.
    Close,
    /// The office escalates to the next level (a new notice is issued).
    Escalate,
    /// The office withdraws the notice.
    Withdraw,
}

impl NoticeState {
    pub const ALL: [NoticeState; 5] = [
        NoticeState::Issued,
        NoticeState::Answered,
        NoticeState::Closed,
        NoticeState::Escalated,
        NoticeState::Withdrawn,
    ];

    /// Closed, escalated and withdrawn notices take no further action.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            NoticeState::Closed | NoticeState::Escalated | NoticeState::Withdrawn
        )
    }
}

impl NoticeAction {
    pub const ALL: [NoticeAction; 5] = [
        NoticeAction::Answer,
        NoticeAction::ReturnAnswer,
        NoticeAction::Close,
        NoticeAction::Escalate,
        NoticeAction::Withdraw,
    ];

    pub fn actor(self) -> Actor {
        match self {
            NoticeAction::Answer => Actor::LeadUnit,
            _ => Actor::Office,
        }
    }
}

/// Every legal (state, action) → state of a notice.
pub const NOTICE_TRANSITIONS: &[(NoticeState, NoticeAction, NoticeState)] = &[
    (
        NoticeState::Issued,
        NoticeAction::Answer,
        NoticeState::Answered,
    ),
    (
        NoticeState::Issued,
        NoticeAction::Escalate,
        NoticeState::Escalated,
    ),
    (
        NoticeState::Issued,
        NoticeAction::Withdraw,
        NoticeState::Withdrawn,
    ),
    (
        NoticeState::Answered,
        NoticeAction::Close,
        NoticeState::Closed,
    ),
    (
        NoticeState::Answered,
        NoticeAction::ReturnAnswer,
        NoticeState::Issued,
    ),
    (
        NoticeState::Answered,
        NoticeAction::Escalate,
        NoticeState::Escalated,
    ),
];

/// A notice's level and state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct NoticeStatus {
    pub level: NoticeLevel,
    pub state: NoticeState,
}

/// The result of a legal notice action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct NoticeOutcome {
    pub status: NoticeStatus,
    /// On escalation: the level of the new notice to issue.
    pub issue_next: Option<NoticeLevel>,
}

impl NoticeStatus {
    /// A freshly issued notice.
    pub fn issued(level: NoticeLevel) -> NoticeStatus {
        NoticeStatus {
            level,
            state: NoticeState::Issued,
        }
    }

    /// Applies `action` by [`NOTICE_TRANSITIONS`]. Escalating a 通报 (top of the ladder) is
    /// refused.
    pub fn apply(self, action: NoticeAction) -> Result<NoticeOutcome, SupervisionRuleError> {
        let illegal = SupervisionRuleError::NoticeTransition {
            state: self.state,
            action,
        };
        let to = NOTICE_TRANSITIONS
            .iter()
            .find(|(from, a, _)| *from == self.state && *a == action)
            .map(|(_, _, to)| *to)
            .ok_or(illegal)?;
        let issue_next = if action == NoticeAction::Escalate {
            Some(self.level.next().ok_or(SupervisionRuleError::TopOfLadder)?)
        } else {
            None
        };
        Ok(NoticeOutcome {
            status: NoticeStatus {
                level: self.level,
                state: to,
            },
            issue_next,
        })
    }
}

/// Refusals of the supervision rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SupervisionRuleError {
    #[error("a notice in state {state:?} cannot take the action {action:?}")]
    NoticeTransition {
        state: NoticeState,
        action: NoticeAction,
    },
    #[error("通报 is the top of the escalation ladder")]
    TopOfLadder,
    #[error("an extension request in state {state:?} cannot take the action {action:?}")]
    ExtensionTransition {
        state: ExtensionState,
        action: ExtensionActionKind,
    },
    #[error("a completion review in state {state:?} cannot take the action {action:?}")]
    CompletionTransition {
        state: CompletionState,
        action: CompletionActionKind,
    },
    #[error("a reason is required")]
    ReasonRequired,
    #[error(
        "an extension must be requested by the deadline {deadline} (requested on {requested_on})"
    )]
    RequestedAfterDeadline {
        deadline: NaiveDate,
        requested_on: NaiveDate,
    },
    #[error("the new deadline {new_deadline} must be later than the current one {deadline}")]
    NewDeadlineNotLater {
        deadline: NaiveDate,
        new_deadline: NaiveDate,
    },
}

fn require_reason(reason: &str) -> Result<(), SupervisionRuleError> {
    if reason.trim().is_empty() {
        Err(SupervisionRuleError::ReasonRequired)
    } else {
        Ok(())
    }
}

mod review;
pub use review::*;

#[cfg(test)]
#[path = "escalation_tests.rs"]
mod tests;
