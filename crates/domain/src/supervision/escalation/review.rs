//! Extension requests (延期申请) and the completion review (审结).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Actor, SupervisionRuleError, require_reason};

/// A lead unit's request to move a task's deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct ExtensionRequest {
    pub requested_on: NaiveDate,
    pub current_deadline: NaiveDate,
    pub proposed_deadline: NaiveDate,
    pub reason: String,
}

impl ExtensionRequest {
    /// A request is accepted for review only on or before the current deadline (a task due
    /// today is not yet overdue), with a non-blank reason and a later proposed date.
    pub fn check(&self) -> Result<(), SupervisionRuleError> {
        if self.requested_on > self.current_deadline {
            return Err(SupervisionRuleError::RequestedAfterDeadline {
                deadline: self.current_deadline,
                requested_on: self.requested_on,
            });
        }
        require_reason(&self.reason)?;
        later(self.current_deadline, self.proposed_deadline)
    }
}

fn later(deadline: NaiveDate, new_deadline: NaiveDate) -> Result<(), SupervisionRuleError> {
    if new_deadline > deadline {
        Ok(())
    } else {
        Err(SupervisionRuleError::NewDeadlineNotLater {
            deadline,
            new_deadline,
        })
    }
}

/// The state of an extension request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionState {
    Requested,
    Approved,
    Refused,
}

/// The office's decision on an extension request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ExtensionAction {
    /// Approved; the approver fixes the new deadline, which may differ from the proposed one.
    Approve { new_deadline: NaiveDate },
    /// Refused, with a reason.
    Refuse { reason: String },
}

/// [`ExtensionAction`] without its data, for the transition table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionActionKind {
    Approve,
    Refuse,
}

impl ExtensionAction {
    pub fn kind(&self) -> ExtensionActionKind {
        match self {
            ExtensionAction::Approve { .. } => ExtensionActionKind::Approve,
            ExtensionAction::Refuse { .. } => ExtensionActionKind::Refuse,
        }
    }

    /// Both decisions belong to the office.
    pub fn actor(&self) -> Actor {
        Actor::Office
    }
}

/// Every legal (state, action) → state of an extension request.
pub const EXTENSION_TRANSITIONS: &[(ExtensionState, ExtensionActionKind, ExtensionState)] = &[
    (
        ExtensionState::Requested,
        ExtensionActionKind::Approve,
        ExtensionState::Approved,
    ),
    (
        ExtensionState::Requested,
        ExtensionActionKind::Refuse,
        ExtensionState::Refused,
    ),
];

impl ExtensionState {
    pub const ALL: [ExtensionState; 3] = [
        ExtensionState::Requested,
        ExtensionState::Approved,
        ExtensionState::Refused,
    ];

    /// Applies a decision by [`EXTENSION_TRANSITIONS`]: an approval must set a date later than
    /// `current_deadline`, a refusal must give a reason.
    pub fn apply(
        self,
        current_deadline: NaiveDate,
        action: &ExtensionAction,
    ) -> Result<ExtensionState, SupervisionRuleError> {
        let to = EXTENSION_TRANSITIONS
            .iter()
            .find(|(from, a, _)| *from == self && *a == action.kind())
            .map(|(_, _, to)| *to)
            .ok_or(SupervisionRuleError::ExtensionTransition {
                state: self,
                action: action.kind(),
            })?;
        match action {
            ExtensionAction::Approve { new_deadline } => later(current_deadline, *new_deadline)?,
            ExtensionAction::Refuse { reason } => require_reason(reason)?,
        }
        Ok(to)
    }
}

/// Where a task stands in the completion review (审结).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompletionState {
    /// Not (or no longer) claimed complete.
    InProgress,
    /// The lead unit reports the task complete (申请办结).
    Requested,
    /// The office accepted: the task is done (审结).
    Accepted,
    /// The office returned it to be redone, with a reason.
    Returned,
}

/// An action of the completion review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CompletionAction {
    /// The lead unit asks for the task to be closed.
    Request,
    /// The office accepts.
    Accept,
    /// The office returns it, with a reason.
    Return { reason: String },
}

/// [`CompletionAction`] without its data, for the transition table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompletionActionKind {
    Request,
    Accept,
    Return,
}

impl CompletionAction {
    pub fn kind(&self) -> CompletionActionKind {
        match self {
            CompletionAction::Request => CompletionActionKind::Request,
            CompletionAction::Accept => CompletionActionKind::Accept,
            CompletionAction::Return { .. } => CompletionActionKind::Return,
        }
    }

    pub fn actor(&self) -> Actor {
        match self {
            CompletionAction::Request => Actor::LeadUnit,
            CompletionAction::Accept | CompletionAction::Return { .. } => Actor::Office,
        }
    }
}

/// Every legal (state, action) → state of the completion review.
pub const COMPLETION_TRANSITIONS: &[(CompletionState, CompletionActionKind, CompletionState)] = &[
    (
        CompletionState::InProgress,
        CompletionActionKind::Request,
        CompletionState::Requested,
    ),
    (
        CompletionState::Returned,
        CompletionActionKind::Request,
        CompletionState::Requested,
    ),
    (
        CompletionState::Requested,
        CompletionActionKind::Accept,
        CompletionState::Accepted,
    ),
    (
        CompletionState::Requested,
        CompletionActionKind::Return,
        CompletionState::Returned,
    ),
];

impl CompletionState {
    pub const ALL: [CompletionState; 4] = [
        CompletionState::InProgress,
        CompletionState::Requested,
        CompletionState::Accepted,
        CompletionState::Returned,
    ];

    /// Applies `action` by [`COMPLETION_TRANSITIONS`]; a return needs a non-blank reason.
    pub fn apply(self, action: &CompletionAction) -> Result<CompletionState, SupervisionRuleError> {
        let to = COMPLETION_TRANSITIONS
            .iter()
            .find(|(from, a, _)| *from == self && *a == action.kind())
            .map(|(_, _, to)| *to)
            .ok_or(SupervisionRuleError::CompletionTransition {
                state: self,
                action: action.kind(),
            })?;
        if let CompletionAction::Return { reason } = action {
            require_reason(reason)?;
        }
        Ok(to)
    }
}
