//! Unit tests of the change-request workflow.

use super::*;
use chrono::{TimeZone, Utc};

fn roles(names: &[&str]) -> Roles {
    Roles::parse(names.iter().copied()).unwrap()
}

fn facts(status: CrStatus) -> CrFacts {
    CrFacts {
        status,
        class: ChangeClass::Normal,
        requester: Uuid::from_u128(1),
        approvals: vec![],
        reviewer: None,
        required_approvals: 2,
        review_written: false,
    }
}

/// Someone who may do anything except act on their own request.
fn superuser() -> Roles {
    roles(&["admin", "release_manager", "approver", "engineer"])
}

fn all_actions() -> Vec<CrAction> {
    vec![
        CrAction::Submit,
        CrAction::Review {
            passed: true,
            reason: None,
        },
        CrAction::Approve,
        CrAction::Reject {
            reason: "not ready".into(),
        },
        CrAction::Rework,
        CrAction::FastTrack,
        CrAction::Schedule,
        CrAction::StartImplementation,
        CrAction::StartValidation,
        CrAction::Close {
            notes: "done".into(),
        },
        CrAction::Cancel {
            reason: "no longer needed".into(),
        },
    ]
}

/// The allowed (status, action) pairs for a normal change and where they go,
/// with the requester acting for submit/rework and someone else otherwise.
fn expected(status: CrStatus, action: &CrAction) -> Option<CrStatus> {
    use CrStatus::*;
    match (status, action.name()) {
        (Draft, "submit") => Some(Submitted),
        (Submitted, "review") => Some(InReview),
        (InReview, "approve") => Some(InReview), // 1 of 2 approvals
        (Submitted | InReview, "reject") => Some(Rejected),
        (Rejected, "rework") => Some(Draft),
        (Approved | Scheduled, "schedule") => Some(Scheduled),
        (Scheduled, "start_implementation") => Some(Implementing),
        (Implementing, "start_validation") => Some(Validating),
        (Validating, "close") => Some(Closed),
        (s, "cancel") if s.is_open() => Some(Cancelled),
        _ => None,
    }
}

#[test]
fn every_status_and_action_pair_is_allowed_or_refused_as_specified() {
    let requester = Uuid::from_u128(1);
    let other = Uuid::from_u128(2);
    let all = superuser();
    for &status in CrStatus::ALL {
        for action in all_actions() {
            let acting = if matches!(action, CrAction::Submit | CrAction::Rework) {
                requester
            } else {
                other
            };
            let result = decide(
                &facts(status),
                &CrActor {
                    id: acting,
                    roles: &all,
                },
                &action,
            );
            match expected(status, &action) {
                Some(to) => assert_eq!(
                    result.map(|t| t.to),
                    Ok(to),
                    "{status:?} + {}",
                    action.name()
                ),
                None => assert!(
                    result.is_err(),
                    "{status:?} + {} should be refused, got {result:?}",
                    action.name()
                ),
            }
        }
    }
}

#[test]
fn the_last_required_approval_approves() {
    let mut cr = facts(CrStatus::InReview);
    cr.approvals = vec![Uuid::from_u128(7)];
    let approver = roles(&["approver"]);
    let t = decide(
        &cr,
        &CrActor {
            id: Uuid::from_u128(8),
            roles: &approver,
        },
        &CrAction::Approve,
    )
    .unwrap();
    assert_eq!(t.to, CrStatus::Approved);
    assert!(t.records_approval);
}

#[test]
fn one_approval_suffices_when_one_is_required() {
    let mut cr = facts(CrStatus::InReview);
    cr.required_approvals = 1;
    let approver = roles(&["approver"]);
    let t = decide(
        &cr,
        &CrActor {
            id: Uuid::from_u128(8),
            roles: &approver,
        },
        &CrAction::Approve,
    )
    .unwrap();
    assert_eq!(t.to, CrStatus::Approved);
}

#[test]
fn nobody_reviews_or_approves_their_own_request() {
    let me = Uuid::from_u128(1);
    let all = superuser();
    let actor = CrActor {
        id: me,
        roles: &all,
    };
    assert_eq!(
        decide(
            &facts(CrStatus::Submitted),
            &actor,
            &CrAction::Review {
                passed: true,
                reason: None
            }
        ),
        Err(CrError::OwnRequest)
    );
    assert_eq!(
        decide(&facts(CrStatus::InReview), &actor, &CrAction::Approve),
        Err(CrError::OwnRequest)
    );
    let mut emergency = facts(CrStatus::Submitted);
    emergency.class = ChangeClass::Emergency;
    assert_eq!(
        decide(&emergency, &actor, &CrAction::FastTrack),
        Err(CrError::OwnRequest)
    );
}

#[test]
fn an_approver_counts_once_and_the_reviewer_cannot_approve() {
    let approver = roles(&["approver", "engineer"]);
    let mut cr = facts(CrStatus::InReview);
    cr.approvals = vec![Uuid::from_u128(5)];
    cr.reviewer = Some(Uuid::from_u128(6));
    assert_eq!(
        decide(
            &cr,
            &CrActor {
                id: Uuid::from_u128(5),
                roles: &approver
            },
            &CrAction::Approve
        ),
        Err(CrError::AlreadyApproved)
    );
    assert_eq!(
        decide(
            &cr,
            &CrActor {
                id: Uuid::from_u128(6),
                roles: &approver
            },
            &CrAction::Approve
        ),
        Err(CrError::ReviewerApproving)
    );
}

#[test]
fn roles_gate_each_step() {
    let viewer = roles(&["viewer"]);
    let engineer = roles(&["engineer"]);
    let other = Uuid::from_u128(2);
    assert_eq!(
        decide(
            &facts(CrStatus::Submitted),
            &CrActor {
                id: other,
                roles: &viewer
            },
            &CrAction::Review {
                passed: true,
                reason: None
            }
        ),
        Err(CrError::WrongRole("engineers"))
    );
    assert_eq!(
        decide(
            &facts(CrStatus::InReview),
            &CrActor {
                id: other,
                roles: &engineer
            },
            &CrAction::Approve
        ),
        Err(CrError::WrongRole("approvers"))
    );
    assert!(matches!(
        decide(
            &facts(CrStatus::Approved),
            &CrActor {
                id: other,
                roles: &engineer
            },
            &CrAction::Schedule
        ),
        Err(CrError::WrongRole(_))
    ));
    assert!(matches!(
        decide(
            &facts(CrStatus::Draft),
            &CrActor {
                id: other,
                roles: &engineer
            },
            &CrAction::Cancel { reason: "x".into() }
        ),
        Err(CrError::WrongRole(_))
    ));
    assert_eq!(
        decide(
            &facts(CrStatus::Draft),
            &CrActor {
                id: other,
                roles: &engineer
            },
            &CrAction::Submit
        ),
        Err(CrError::NotRequester)
    );
}

#[test]
fn a_failed_review_rejects_and_needs_a_reason() {
    let engineer = roles(&["engineer"]);
    let actor = CrActor {
        id: Uuid::from_u128(2),
        roles: &engineer,
    };
    let cr = facts(CrStatus::Submitted);
    assert_eq!(
        decide(
            &cr,
            &actor,
            &CrAction::Review {
                passed: false,
                reason: Some(" ".into())
            }
        ),
        Err(CrError::ReasonRequired)
    );
    let t = decide(
        &cr,
        &actor,
        &CrAction::Review {
            passed: false,
            reason: Some("no rollback plan".into()),
        },
    )
    .unwrap();
    assert_eq!(t.to, CrStatus::Rejected);
    assert_eq!(
        decide(
            &facts(CrStatus::InReview),
            &actor,
            &CrAction::Reject { reason: "".into() }
        ),
        Err(CrError::ReasonRequired)
    );
}

#[test]
fn rework_resets_approvals() {
    let requester = roles(&["engineer"]);
    let t = decide(
        &facts(CrStatus::Rejected),
        &CrActor {
            id: Uuid::from_u128(1),
            roles: &requester,
        },
        &CrAction::Rework,
    )
    .unwrap();
    assert_eq!(t.to, CrStatus::Draft);
    assert!(t.resets_approvals);
}

#[test]
fn emergency_changes_fast_track_by_one_release_manager_and_need_a_review_to_close() {
    let manager = roles(&["release_manager"]);
    let actor = CrActor {
        id: Uuid::from_u128(3),
        roles: &manager,
    };
    let mut cr = facts(CrStatus::Submitted);
    assert_eq!(
        decide(&cr, &actor, &CrAction::FastTrack),
        Err(CrError::NotEmergency)
    );
    cr.class = ChangeClass::Emergency;
    assert_eq!(
        decide(&cr, &actor, &CrAction::FastTrack).unwrap().to,
        CrStatus::Approved
    );
    let approver = roles(&["approver"]);
    assert!(matches!(
        decide(
            &cr,
            &CrActor {
                id: Uuid::from_u128(4),
                roles: &approver
            },
            &CrAction::FastTrack
        ),
        Err(CrError::WrongRole(_))
    ));

    cr.status = CrStatus::Validating;
    let close = CrAction::Close {
        notes: "fixed".into(),
    };
    assert_eq!(decide(&cr, &actor, &close), Err(CrError::ReviewMissing));
    cr.review_written = true;
    assert_eq!(decide(&cr, &actor, &close).unwrap().to, CrStatus::Closed);
}

#[test]
fn the_requester_may_cancel_but_not_a_finished_request() {
    let engineer = roles(&["engineer"]);
    let me = CrActor {
        id: Uuid::from_u128(1),
        roles: &engineer,
    };
    let cancel = CrAction::Cancel {
        reason: "superseded".into(),
    };
    assert_eq!(
        decide(&facts(CrStatus::Scheduled), &me, &cancel)
            .unwrap()
            .to,
        CrStatus::Cancelled
    );
    assert!(matches!(
        decide(&facts(CrStatus::Closed), &me, &cancel),
        Err(CrError::NotAllowed { .. })
    ));
    assert!(matches!(
        decide(&facts(CrStatus::Cancelled), &me, &cancel),
        Err(CrError::NotAllowed { .. })
    ));
}

#[test]
fn required_approvals_follow_the_most_protected_environment() {
    assert_eq!(required_approvals([0, 1, 2]), 2);
    assert_eq!(required_approvals([0]), 1);
    assert_eq!(required_approvals([]), 1);
}

#[test]
fn emergency_reviews_are_overdue_after_five_days() {
    let started = Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap();
    let day4 = Utc.with_ymd_and_hms(2026, 11, 5, 12, 0, 0).unwrap();
    let day6 = Utc.with_ymd_and_hms(2026, 11, 7, 12, 0, 0).unwrap();
    assert!(!review_overdue(
        ChangeClass::Emergency,
        Some(started),
        false,
        day4
    ));
    assert!(review_overdue(
        ChangeClass::Emergency,
        Some(started),
        false,
        day6
    ));
    assert!(!review_overdue(
        ChangeClass::Emergency,
        Some(started),
        true,
        day6
    ));
    assert!(!review_overdue(
        ChangeClass::Normal,
        Some(started),
        false,
        day6
    ));
    assert!(!review_overdue(ChangeClass::Emergency, None, false, day6));
}

#[test]
fn a_standard_change_is_pre_approved_on_submit() {
    let engineer = roles(&["engineer"]);
    let mut cr = facts(CrStatus::Draft);
    cr.class = ChangeClass::Standard;
    let requester = CrActor {
        id: cr.requester,
        roles: &engineer,
    };
    let transition = decide(&cr, &requester, &CrAction::Submit).unwrap();
    assert_eq!(transition.to, CrStatus::Approved);
    assert!(!transition.records_approval);
}

#[test]
fn only_drafts_are_edited_and_only_by_their_requester() {
    assert_eq!(may_edit(CrStatus::Draft, true), Ok(()));
    assert_eq!(may_edit(CrStatus::Draft, false), Err(CrError::NotRequester));
    for &status in CrStatus::ALL {
        if status != CrStatus::Draft {
            let refused = may_edit(status, true).unwrap_err();
            assert!(!refused.is_permission(), "{status:?}");
            assert!(
                refused.to_string().contains("cannot be edited"),
                "{refused}"
            );
        }
    }
}
