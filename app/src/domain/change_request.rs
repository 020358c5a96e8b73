//! Change requests: their fields' vocabularies and the workflow from
//! PRODUCT.md (draft → submitted → in_review → approved → scheduled →
//! implementing → validating → closed; rejection and rework; cancel), with
//! who may move them and separation of duties.
//!
//! Size: over ~500 lines and mixing concerns; the split by concern is
//! issue 13's structural pass (one owner per table), kept out of this
//! behaviour change so the two can be reviewed apart.

use super::permission::Permission;
use super::role::Roles;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $value:literal, $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and API name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            /// The name people read.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(input: &str) -> Result<Self, String> {
                let wanted = input.trim().to_lowercase();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| {
                        let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                        format!("\"{}\" is not one of: {}.", input.trim(), names.join(", "))
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use vocabulary;

vocabulary!(
    /// What kind of change it is; decides the release-note section.
    ChangeType {
        Enhancement => "enhancement", "Enhancement",
        BugFix => "bug_fix", "Bug fix",
        Security => "security", "Security",
        Infrastructure => "infrastructure", "Infrastructure",
    }
);

vocabulary!(
    Priority {
        Low => "low", "Low",
        Medium => "medium", "Medium",
        High => "high", "High",
        Critical => "critical", "Critical",
    }
);

vocabulary!(
    /// How much of the system the change touches.
    Impact {
        None => "none", "None",
        Low => "low", "Low",
        Medium => "medium", "Medium",
        High => "high", "High",
        SystemWide => "system_wide", "System-wide",
    }
);

vocabulary!(
    RiskLevel {
        Low => "low", "Low",
        Medium => "medium", "Medium",
        High => "high", "High",
        Critical => "critical", "Critical",
    }
);

vocabulary!(
    /// Standard changes come from a pre-approved template; emergency changes
    /// are fast-tracked and reviewed afterwards.
    ChangeClass {
        Standard => "standard", "Standard",
        Normal => "normal", "Normal",
        Emergency => "emergency", "Emergency",
    }
);

vocabulary!(
    CrStatus {
        Draft => "draft", "Draft",
        Submitted => "submitted", "Submitted",
        InReview => "in_review", "In review",
        Approved => "approved", "Approved",
        Scheduled => "scheduled", "Scheduled",
        Implementing => "implementing", "Implementing",
        Validating => "validating", "Validating",
        Closed => "closed", "Closed",
        Rejected => "rejected", "Rejected",
        Cancelled => "cancelled", "Cancelled",
    }
);

impl CrStatus {
    /// Closed and cancelled requests are finished; everything else is open.
    pub fn is_open(self) -> bool {
        !matches!(self, CrStatus::Closed | CrStatus::Cancelled)
    }
}

/// Something a person does to a change request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CrAction {
    Submit,
    /// The technical review by an engineer other than the requester.
    Review {
        passed: bool,
        reason: Option<String>,
    },
    Approve,
    Reject {
        reason: String,
    },
    /// Back to draft after a rejection; approvals are discarded.
    Rework,
    /// Emergency changes only: one release manager or admin approves at once.
    FastTrack,
    Schedule,
    StartImplementation,
    StartValidation,
    Close {
        notes: String,
    },
    Cancel {
        reason: String,
    },
}

impl CrAction {
    pub fn name(&self) -> &'static str {
        match self {
            CrAction::Submit => "submit",
            CrAction::Review { .. } => "review",
            CrAction::Approve => "approve",
            CrAction::Reject { .. } => "reject",
            CrAction::Rework => "rework",
            CrAction::FastTrack => "fast_track",
            CrAction::Schedule => "schedule",
            CrAction::StartImplementation => "start_implementation",
            CrAction::StartValidation => "start_validation",
            CrAction::Close { .. } => "close",
            CrAction::Cancel { .. } => "cancel",
        }
    }
}

/// What the workflow needs to know about a change request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrFacts {
    pub status: CrStatus,
    pub class: ChangeClass,
    pub requester: Uuid,
    /// Who has approved in the current round.
    pub approvals: Vec<Uuid>,
    /// The technical reviewer of the current round, once reviewed.
    pub reviewer: Option<Uuid>,
    /// Approvals the most protected target environment requires (at least 1).
    pub required_approvals: usize,
    /// Emergency changes: whether the post-implementation review is written.
    pub review_written: bool,
}

/// Who is acting.
#[derive(Clone, Debug)]
pub struct CrActor<'a> {
    pub id: Uuid,
    pub roles: &'a Roles,
}

/// The outcome of an allowed action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrTransition {
    pub from: CrStatus,
    pub to: CrStatus,
    /// Record the actor's approval.
    pub records_approval: bool,
    /// Record the actor as the technical reviewer.
    pub records_review: bool,
    /// Discard approvals and review (rework).
    pub resets_approvals: bool,
}

/// Why an action was refused, in words for the person who tried.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CrError {
    #[error("A {from} change request cannot be {verb}.", from = .from.label().to_lowercase())]
    NotAllowed { from: CrStatus, verb: &'static str },
    #[error("Only {0} may do that.")]
    WrongRole(&'static str),
    #[error("Only the requester may do that.")]
    NotRequester,
    #[error("You cannot review or approve your own change request.")]
    OwnRequest,
    #[error("You have already approved this change request.")]
    AlreadyApproved,
    #[error("The technical reviewer cannot also approve the same round.")]
    ReviewerApproving,
    #[error("Only emergency changes can be fast-tracked.")]
    NotEmergency,
    #[error("An emergency change cannot close until its post-implementation review (root cause and prevention) is written.")]
    ReviewMissing,
    #[error("Give a reason.")]
    ReasonRequired,
}

/// Whether a change request can be edited now: while it is a draft (filed,
/// or sent back with *Rework as draft*), by its requester. Approvals are
/// reset when it goes back to draft and collected again after it is
/// submitted, so no approval ever stands for content it did not see.
pub fn may_edit(status: CrStatus, is_requester: bool) -> Result<(), CrError> {
    if status != CrStatus::Draft {
        return Err(CrError::NotAllowed {
            from: status,
            verb: "edited",
        });
    }
    if !is_requester {
        return Err(CrError::NotRequester);
    }
    Ok(())
}

impl CrError {
    /// Whether the refusal is about who is acting rather than the state the
    /// change request is in.
    pub fn is_permission(&self) -> bool {
        matches!(
            self,
            CrError::WrongRole(_)
                | CrError::NotRequester
                | CrError::OwnRequest
                | CrError::AlreadyApproved
                | CrError::ReviewerApproving
        )
    }
}

fn verb(action: &CrAction) -> &'static str {
    match action {
        CrAction::Submit => "submitted",
        CrAction::Review { .. } => "reviewed",
        CrAction::Approve => "approved",
        CrAction::Reject { .. } => "rejected",
        CrAction::Rework => "reworked",
        CrAction::FastTrack => "fast-tracked",
        CrAction::Schedule => "scheduled",
        CrAction::StartImplementation => "started",
        CrAction::StartValidation => "moved to validation",
        CrAction::Close { .. } => "closed",
        CrAction::Cancel { .. } => "cancelled",
    }
}

fn require(roles: &Roles, any_of: &[Permission], who: &'static str) -> Result<(), CrError> {
    if any_of.iter().any(|p| roles.may(*p)) {
        Ok(())
    } else {
        Err(CrError::WrongRole(who))
    }
}

impl CrAction {
    /// The permissions (any one suffices) a person needs for this action at
    /// all, before which change request it is matters: services check this
    /// first, so a refused role learns nothing about what exists.
    /// Requester-only actions need the right to file; who may act on *this*
    /// request (own, not own) is `decide`'s part.
    pub fn permissions(&self) -> &'static [Permission] {
        match self {
            CrAction::Submit | CrAction::Rework => &[Permission::FileChange],
            CrAction::Review { .. } => &[Permission::Review],
            CrAction::Approve => &[Permission::Approve],
            CrAction::Reject { .. } => &[Permission::Approve, Permission::Review],
            CrAction::FastTrack => &[Permission::FastTrack],
            CrAction::Schedule => &[Permission::Schedule],
            CrAction::StartImplementation | CrAction::StartValidation | CrAction::Close { .. } => {
                &[Permission::FileChange]
            }
            CrAction::Cancel { .. } => &[Permission::FileChange, Permission::Schedule],
        }
    }
}

fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

impl CrAction {
    /// Every action name a request may carry, for errors and API documents.
    pub const NAMES: &'static [&'static str] = &[
        "submit",
        "review",
        "review_failed",
        "approve",
        "reject",
        "rework",
        "fast_track",
        "schedule",
        "start_implementation",
        "start_validation",
        "close",
        "cancel",
    ];

    /// Builds an action from its name and the accompanying note (the reason,
    /// or the closure notes); the UI and the JSON API both come through here.
    pub fn from_request(name: &str, note: &str) -> Result<CrAction, String> {
        let reason = Some(note.trim().to_string()).filter(|n| !n.is_empty());
        Ok(match name.trim() {
            "submit" => CrAction::Submit,
            "review" => CrAction::Review {
                passed: true,
                reason,
            },
            "review_failed" => CrAction::Review {
                passed: false,
                reason,
            },
            "approve" => CrAction::Approve,
            "reject" => CrAction::Reject {
                reason: note.to_string(),
            },
            "rework" => CrAction::Rework,
            "fast_track" => CrAction::FastTrack,
            "schedule" => CrAction::Schedule,
            "start_implementation" => CrAction::StartImplementation,
            "start_validation" => CrAction::StartValidation,
            "close" => CrAction::Close {
                notes: note.to_string(),
            },
            "cancel" => CrAction::Cancel {
                reason: note.to_string(),
            },
            other => {
                return Err(format!(
                    "Unknown action \"{other}\"; use one of: {}.",
                    Self::NAMES.join(", ")
                ))
            }
        })
    }
}

/// Decides whether `actor` may apply `action` to a change request in the
/// state `cr`, and where it goes. Pure: the service persists the outcome.
pub fn decide(
    cr: &CrFacts,
    actor: &CrActor<'_>,
    action: &CrAction,
) -> Result<CrTransition, CrError> {
    use CrStatus::*;
    let from = cr.status;
    let not_allowed = || CrError::NotAllowed {
        from,
        verb: verb(action),
    };
    let is_requester = actor.id == cr.requester;
    let mut transition = CrTransition {
        from,
        to: from,
        records_approval: false,
        records_review: false,
        resets_approvals: false,
    };
    transition.to = match action {
        CrAction::Submit => {
            if from != Draft {
                return Err(not_allowed());
            }
            if !is_requester {
                return Err(CrError::NotRequester);
            }
            // A standard change comes from a pre-approved template.
            if cr.class == ChangeClass::Standard {
                Approved
            } else {
                Submitted
            }
        }
        CrAction::Review { passed, reason } => {
            if from != Submitted {
                return Err(not_allowed());
            }
            require(actor.roles, &[Permission::Review], "engineers")?;
            if is_requester {
                return Err(CrError::OwnRequest);
            }
            transition.records_review = true;
            if *passed {
                InReview
            } else {
                if reason.as_deref().is_none_or(blank) {
                    return Err(CrError::ReasonRequired);
                }
                Rejected
            }
        }
        CrAction::Approve => {
            if from != InReview {
                return Err(not_allowed());
            }
            require(actor.roles, &[Permission::Approve], "approvers")?;
            if is_requester {
                return Err(CrError::OwnRequest);
            }
            if cr.approvals.contains(&actor.id) {
                return Err(CrError::AlreadyApproved);
            }
            if cr.reviewer == Some(actor.id) {
                return Err(CrError::ReviewerApproving);
            }
            transition.records_approval = true;
            if cr.approvals.len() + 1 >= cr.required_approvals.max(1) {
                Approved
            } else {
                InReview
            }
        }
        CrAction::Reject { reason } => {
            if !matches!(from, Submitted | InReview) {
                return Err(not_allowed());
            }
            require(
                actor.roles,
                &[Permission::Approve, Permission::Review],
                "reviewers and approvers",
            )?;
            if is_requester {
                return Err(CrError::OwnRequest);
            }
            if blank(reason) {
                return Err(CrError::ReasonRequired);
            }
            Rejected
        }
        CrAction::Rework => {
            if from != Rejected {
                return Err(not_allowed());
            }
            if !is_requester {
                return Err(CrError::NotRequester);
            }
            transition.resets_approvals = true;
            Draft
        }
        CrAction::FastTrack => {
            if cr.class != ChangeClass::Emergency {
                return Err(CrError::NotEmergency);
            }
            if !matches!(from, Submitted | InReview) {
                return Err(not_allowed());
            }
            require(
                actor.roles,
                &[Permission::FastTrack],
                "release managers and administrators",
            )?;
            if is_requester {
                return Err(CrError::OwnRequest);
            }
            transition.records_approval = true;
            Approved
        }
        CrAction::Schedule => {
            if !matches!(from, Approved | Scheduled) {
                return Err(not_allowed());
            }
            require(actor.roles, &[Permission::Schedule], "release managers")?;
            Scheduled
        }
        CrAction::StartImplementation => {
            if from != Scheduled {
                return Err(not_allowed());
            }
            require(
                actor.roles,
                &[Permission::FileChange],
                "release managers and engineers",
            )?;
            Implementing
        }
        CrAction::StartValidation => {
            if from != Implementing {
                return Err(not_allowed());
            }
            require(
                actor.roles,
                &[Permission::FileChange],
                "release managers and engineers",
            )?;
            Validating
        }
        CrAction::Close { notes } => {
            if from != Validating {
                return Err(not_allowed());
            }
            require(
                actor.roles,
                &[Permission::FileChange],
                "release managers and engineers",
            )?;
            if blank(notes) {
                return Err(CrError::ReasonRequired);
            }
            if cr.class == ChangeClass::Emergency && !cr.review_written {
                return Err(CrError::ReviewMissing);
            }
            Closed
        }
        CrAction::Cancel { reason } => {
            if !from.is_open() {
                return Err(not_allowed());
            }
            if !is_requester {
                require(
                    actor.roles,
                    &[Permission::Schedule],
                    "the requester, release managers and administrators",
                )?;
            }
            if blank(reason) {
                return Err(CrError::ReasonRequired);
            }
            Cancelled
        }
    };
    Ok(transition)
}

/// Approvals a change needs: what its most demanding target environment
/// requires, and never fewer than one.
pub fn required_approvals(per_environment: impl IntoIterator<Item = u32>) -> usize {
    per_environment.into_iter().max().unwrap_or(0).max(1) as usize
}

/// An emergency change's post-implementation review is overdue five days
/// after implementation started.
pub fn review_overdue(
    class: ChangeClass,
    implementation_started: Option<chrono::DateTime<chrono::Utc>>,
    review_written: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    class == ChangeClass::Emergency
        && !review_written
        && implementation_started.is_some_and(|at| now - at > chrono::Duration::days(5))
}

#[cfg(test)]
#[path = "change_request_tests.rs"]
mod tests;
