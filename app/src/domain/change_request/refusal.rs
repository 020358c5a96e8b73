//! Why an action on a change request was refused, in words for the person
//! who tried, and whether the refusal is about who they are.

use super::vocabularies::CrStatus;

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
