//! Who may move a release through its machine by hand, and why not.

use crate::domain::permission::Permission;
use crate::domain::release::ReleaseStatus;
use crate::domain::role::Roles;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a person may do to a release by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReleaseAction {
    Approve,
    StartDeploying,
    MarkDeployed,
    MarkFailed,
    MarkRolledBack,
}

impl ReleaseAction {
    pub const ALL: &'static [ReleaseAction] = &[
        ReleaseAction::Approve,
        ReleaseAction::StartDeploying,
        ReleaseAction::MarkDeployed,
        ReleaseAction::MarkFailed,
        ReleaseAction::MarkRolledBack,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseAction::Approve => "approve",
            ReleaseAction::StartDeploying => "start_deploying",
            ReleaseAction::MarkDeployed => "mark_deployed",
            ReleaseAction::MarkFailed => "mark_failed",
            ReleaseAction::MarkRolledBack => "mark_rolled_back",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReleaseAction::Approve => "Approve",
            ReleaseAction::StartDeploying => "Start deploying",
            ReleaseAction::MarkDeployed => "Mark deployed",
            ReleaseAction::MarkFailed => "Mark failed",
            ReleaseAction::MarkRolledBack => "Mark rolled back",
        }
    }

    pub fn parse(input: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == input.trim())
            .ok_or_else(|| format!("\"{}\" is not a release action.", input.trim()))
    }

    /// The status this action moves a release to.
    pub fn target(self) -> ReleaseStatus {
        match self {
            ReleaseAction::Approve => ReleaseStatus::Approved,
            ReleaseAction::StartDeploying => ReleaseStatus::Deploying,
            ReleaseAction::MarkDeployed => ReleaseStatus::Deployed,
            ReleaseAction::MarkFailed => ReleaseStatus::Failed,
            ReleaseAction::MarkRolledBack => ReleaseStatus::RolledBack,
        }
    }
}

/// Why a release action was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReleaseRefusal {
    /// The status machine does not allow it.
    State(String),
    /// The person may not do it.
    Permission(String),
}

impl ReleaseRefusal {
    pub fn message(&self) -> &str {
        match self {
            ReleaseRefusal::State(m) | ReleaseRefusal::Permission(m) => m,
        }
    }
}

impl ReleaseAction {
    /// The permission this action needs, before which release it is
    /// matters: approvers approve; recording a deployment by hand is for
    /// those who deploy anywhere (release managers, administrators).
    pub fn permission(self) -> Permission {
        match self {
            ReleaseAction::Approve => Permission::Approve,
            _ => Permission::Deploy { protected: true },
        }
    }

    /// What a person without `permission()` is told.
    pub fn refusal(self) -> &'static str {
        match self {
            ReleaseAction::Approve => "Only approvers approve releases.",
            _ => "Only release managers record deployments.",
        }
    }
}

/// Decides whether `actor` may apply `action` to a release in `status`
/// that `creator` filed: the status machine first, then the role (approvers
/// approve, and not their own release; release managers record deployments).
pub fn decide_release(
    status: ReleaseStatus,
    creator: Uuid,
    actor: Uuid,
    roles: &Roles,
    action: ReleaseAction,
) -> Result<ReleaseStatus, ReleaseRefusal> {
    let to = status
        .transition(action.target())
        .map_err(ReleaseRefusal::State)?;
    let refuse = |m: &str| Err(ReleaseRefusal::Permission(m.to_string()));
    if !roles.may(action.permission()) {
        return refuse(action.refusal());
    }
    if action == ReleaseAction::Approve && actor == creator {
        return refuse("Nobody approves their own release.");
    }
    Ok(to)
}
