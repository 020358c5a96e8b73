//! Unit tests of the deployment state machine, manual actions and phases.

use super::*;
use chrono::{Duration, TimeZone};

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap() + Duration::seconds(seconds)
}

#[test]
fn the_deployment_machine_allows_only_its_edges() {
    use DeploymentState::*;
    assert!(Running.can_become(Paused));
    assert!(Paused.can_become(Running));
    assert!(Running.can_become(RollingBack));
    assert!(RollingBack.can_become(RolledBack));
    assert!(!Succeeded.can_become(Running));
    assert!(!RolledBack.can_become(Running));
    assert!(!Aborted.can_become(Running));
    for state in DeploymentState::ALL {
        // every state is either still moving or finished, never both
        assert_ne!(state.is_active(), state.is_final(), "{state:?}");
    }
}

#[test]
fn manual_actions_follow_the_state() {
    use DeploymentState::*;
    assert!(ManualAction::Pause.allowed(Running, false));
    assert!(!ManualAction::Pause.allowed(Paused, false));
    assert!(ManualAction::Resume.allowed(Paused, false));
    assert!(!ManualAction::Resume.allowed(Paused, true));
    assert!(ManualAction::Promote.allowed(Paused, true));
    assert!(!ManualAction::Promote.allowed(Running, false));
    assert!(ManualAction::Rollback.allowed(Succeeded, false));
    assert!(!ManualAction::Abort.allowed(Succeeded, false));
}

#[test]
fn a_succeeded_deployment_reads_as_baking_until_its_bake_time_is_over() {
    use DeploymentState::*;
    // A 15-minute bake, three minutes in.
    let baking = DeploymentPhase::of(Succeeded, Some(at(900)), 900, at(180));
    assert!(baking.is_baking());
    assert_eq!(baking.key(), "baking");
    assert_eq!(baking.label(), "Baking · 12 min left");
    assert_eq!(baking.bake_percent(), 20);
    assert_eq!(baking.state, Succeeded, "the machine's state is kept");

    let bake_until = Some(at(300));
    let halfway = DeploymentPhase::of(Succeeded, bake_until, 300, at(150));
    assert_eq!(halfway.label(), "Baking · 2 min left");
    assert_eq!(halfway.bake_percent(), 50);

    // Part of a second left still counts as a second.
    let almost = DeploymentPhase::of(
        Succeeded,
        bake_until,
        300,
        at(299) + Duration::milliseconds(400),
    );
    assert_eq!(almost.bake_left_seconds, Some(1));
    assert_eq!(almost.label(), "Baking · 1 s left");

    for now in [at(300), at(301)] {
        let over = DeploymentPhase::of(Succeeded, bake_until, 300, now);
        assert!(!over.is_baking());
        assert_eq!(over.key(), "succeeded");
        assert_eq!(over.label(), "Succeeded");
        assert_eq!(over.bake_percent(), 100);
    }
    // No bake time at all: succeeded at once.
    assert_eq!(
        DeploymentPhase::of(Succeeded, None, 0, at(0)).label(),
        "Succeeded"
    );
}

#[test]
fn only_a_succeeded_deployment_bakes_and_other_states_read_as_their_label() {
    use DeploymentState::*;
    // A bake end in the future does not make a rolled-back (or any other)
    // deployment "baking": a breach during the bake rolled it back.
    for state in DeploymentState::ALL
        .iter()
        .copied()
        .filter(|s| *s != Succeeded)
    {
        let phase = DeploymentPhase::of(state, Some(at(600)), 600, at(0));
        assert!(!phase.is_baking(), "{state:?}");
        assert_eq!(phase.key(), state.as_str());
        assert_eq!(phase.label(), state.label());
    }
    assert_eq!(
        DeploymentPhase::of(RolledBack, None, 300, at(0)).label(),
        "Rolled back"
    );
}
