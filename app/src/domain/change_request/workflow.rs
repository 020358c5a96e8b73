//! The change-request workflow: what it needs to know, who is acting, and
//! [`decide`], which allows or refuses each action and says where it goes;
//! with the rules around it (editing drafts, required approvals, overdue
//! emergency reviews).

use super::actions::CrAction;
use super::refusal::CrError;
use super::vocabularies::{ChangeClass, CrStatus};
use crate::domain::permission::Permission;
use crate::domain::role::Roles;
use uuid::Uuid;

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

fn blank(text: &str) -> bool {
    text.trim().is_empty()
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
#[path = "workflow_tests.rs"]
mod tests;
