//! Unit tests of the checks before a deployment starts.

use super::*;

fn ready() -> StartFacts {
    StartFacts {
        release_status: ReleaseStatus::Approved,
        environment: "prod".into(),
        environment_known: true,
        environment_in_release: true,
        protected: true,
        linked: vec![LinkedCr {
            number: 7,
            status: CrStatus::Scheduled,
            class: ChangeClass::Normal,
        }],
        freeze: None,
        gates: vec![GateFact {
            name: "e2e".into(),
            required: true,
            rule: GateRule::Block,
            latest: Some(GateOutcome::Passed),
        }],
        previous: Some(("staging".into(), true)),
        has_target: true,
        in_flight: None,
        acknowledged: vec![],
        wait_for_gates: false,
    }
}

fn refused(facts: StartFacts, needle: &str) {
    let decision = check_start(&facts);
    assert!(
        decision.refusals.iter().any(|r| r.contains(needle)),
        "expected a refusal mentioning {needle:?}, got {:?}",
        decision.refusals
    );
}

#[test]
fn a_ready_deployment_starts() {
    assert_eq!(check_start(&ready()), StartDecision::default());
}

#[test]
fn each_precondition_refuses_with_its_reason() {
    refused(
        StartFacts {
            release_status: ReleaseStatus::Planned,
            ..ready()
        },
        "must be approved",
    );
    refused(
        StartFacts {
            linked: vec![],
            ..ready()
        },
        "protected",
    );
    refused(
        StartFacts {
            freeze: Some("Black Friday".into()),
            ..ready()
        },
        "Black Friday",
    );
    refused(
        StartFacts {
            previous: Some(("staging".into(), false)),
            ..ready()
        },
        "staging",
    );
    refused(
        StartFacts {
            has_target: false,
            ..ready()
        },
        "deploy target",
    );
    refused(
        StartFacts {
            in_flight: Some(4),
            ..ready()
        },
        "D-4",
    );
    refused(
        StartFacts {
            environment_in_release: false,
            ..ready()
        },
        "does not target",
    );
    let mut failed_gate = ready();
    failed_gate.gates[0].latest = Some(GateOutcome::Failed);
    refused(failed_gate, "\"e2e\" is failed");
}

#[test]
fn a_deployed_release_may_go_to_the_next_environment() {
    let decision = check_start(&StartFacts {
        release_status: ReleaseStatus::Deployed,
        ..ready()
    });
    assert!(decision.refusals.is_empty());
}

#[test]
fn an_emergency_change_passes_a_freeze_and_says_so() {
    let decision = check_start(&StartFacts {
        freeze: Some("Black Friday".into()),
        linked: vec![LinkedCr {
            number: 9,
            status: CrStatus::Approved,
            class: ChangeClass::Emergency,
        }],
        ..ready()
    });
    assert!(decision.refusals.is_empty(), "{:?}", decision.refusals);
    assert_eq!(decision.freeze_override, Some(9));
}

#[test]
fn unreported_block_gates_refuse_or_are_waited_for() {
    let mut facts = ready();
    facts.gates[0].latest = None;
    refused(facts.clone(), "has not reported");
    facts.wait_for_gates = true;
    let decision = check_start(&facts);
    assert!(decision.refusals.is_empty());
    assert_eq!(decision.waiting_for, vec!["e2e".to_string()]);
}

#[test]
fn warn_gates_need_an_acknowledgement() {
    let mut facts = ready();
    facts.gates.push(GateFact {
        name: "perf".into(),
        required: true,
        rule: GateRule::Warn,
        latest: Some(GateOutcome::Failed),
    });
    facts.gates.push(GateFact {
        name: "lint".into(),
        required: true,
        rule: GateRule::Ignore,
        latest: Some(GateOutcome::Failed),
    });
    refused(facts.clone(), "acknowledge");
    facts.acknowledged = vec!["perf".into()];
    let decision = check_start(&facts);
    assert!(decision.refusals.is_empty(), "{:?}", decision.refusals);
    assert_eq!(decision.acknowledged, vec!["perf".to_string()]);
}
