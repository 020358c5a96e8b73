//! Unit tests of the deployment domain.
//!
//! Over 500 lines: its split by concern is part of issue 13's structural pass.
use super::*;
use chrono::TimeZone;

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap() + Duration::seconds(seconds)
}

fn error_rate(sustained: u32, interval: u32) -> TriggerSpec {
    TriggerSpec {
        sustained_seconds: sustained,
        interval_seconds: interval,
        ..TriggerSpec::seed_defaults().remove(0)
    }
}

fn readings(values: &[Option<f64>], interval: i64) -> Vec<Reading> {
    values
        .iter()
        .enumerate()
        .map(|(i, value)| Reading {
            at: at(i as i64 * interval),
            value: *value,
        })
        .collect()
}

#[test]
fn big_bang_is_one_deploy_and_a_health_check() {
    let steps = plan(Strategy::BigBang, &StrategyParams::default()).unwrap();
    assert_eq!(steps, vec![Step::Deploy { weight: 100 }, Step::HealthCheck]);
}

#[test]
fn rolling_batches_end_at_one_hundred_percent() {
    let params = StrategyParams {
        batch_percent: Some(40),
        step_pause_seconds: Some(30),
        ..Default::default()
    };
    let steps = plan(Strategy::RollingUpdate, &params).unwrap();
    let weights: Vec<u32> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Deploy { weight } => Some(*weight),
            _ => None,
        })
        .collect();
    assert_eq!(weights, vec![40, 80, 100]);
    // a health check after every batch, a pause between batches only
    assert_eq!(steps.iter().filter(|s| **s == Step::HealthCheck).count(), 3);
    assert_eq!(
        steps
            .iter()
            .filter(|s| matches!(s, Step::Pause { .. }))
            .count(),
        2
    );
    assert_eq!(steps.last(), Some(&Step::HealthCheck));
    let bad = StrategyParams {
        batch_percent: Some(0),
        ..Default::default()
    };
    assert!(plan(Strategy::RollingUpdate, &bad)
        .unwrap_err()
        .contains_key("batch_percent"));
}

#[test]
fn blue_green_checks_the_idle_side_before_switching_and_keeps_the_old_side() {
    let params = StrategyParams {
        rollback_window_minutes: Some(10),
        ..Default::default()
    };
    let steps = plan(Strategy::BlueGreen, &params).unwrap();
    assert_eq!(
        steps,
        vec![
            Step::Deploy { weight: 0 },
            Step::HealthCheck,
            Step::Switch,
            Step::HealthCheck,
            Step::Pause { seconds: Some(600) },
            Step::Retire,
        ]
    );
    assert_eq!(Step::Switch.weight_after(0), 100);
}

#[test]
fn canary_steps_pause_then_finish_at_full_weight() {
    let params = StrategyParams {
        canary_steps: vec![
            CanaryStep {
                weight: 5,
                pause_seconds: Some(30),
            },
            CanaryStep {
                weight: 50,
                pause_seconds: None,
            },
        ],
        ..Default::default()
    };
    let steps = plan(Strategy::Canary, &params).unwrap();
    assert_eq!(
        steps,
        vec![
            Step::Deploy { weight: 5 },
            Step::HealthCheck,
            Step::Pause { seconds: Some(30) },
            Step::Deploy { weight: 50 },
            Step::HealthCheck,
            Step::Pause { seconds: None },
            Step::Deploy { weight: 100 },
            Step::HealthCheck,
        ]
    );
    let default = plan(Strategy::Canary, &StrategyParams::default()).unwrap();
    assert_eq!(default.len(), 11);
}

#[test]
fn canary_weights_must_increase_and_stay_below_one_hundred() {
    for weights in [vec![50, 20], vec![10, 100], vec![0], vec![10, 10]] {
        let params = StrategyParams {
            canary_steps: weights
                .iter()
                .map(|w| CanaryStep {
                    weight: *w,
                    pause_seconds: Some(10),
                })
                .collect(),
            ..Default::default()
        };
        let errors = plan(Strategy::Canary, &params).unwrap_err();
        assert!(errors.contains_key("canary_steps"), "{weights:?}");
    }
}

#[test]
fn feature_flags_ship_dark_then_ramp() {
    let params = StrategyParams {
        flag: Some("new-checkout".into()),
        flag_steps: vec![20, 60],
        step_pause_seconds: Some(0),
        ..Default::default()
    };
    let steps = plan(Strategy::FeatureFlag, &params).unwrap();
    assert_eq!(
        steps,
        vec![
            Step::Ship,
            Step::HealthCheck,
            Step::SetFlag { weight: 20 },
            Step::SetFlag { weight: 60 },
            Step::SetFlag { weight: 100 },
        ]
    );
    assert_eq!(Step::Ship.weight_after(40), 0);
    assert_eq!(Step::SetFlag { weight: 20 }.action(), Some("set_flag"));
    let missing = plan(Strategy::FeatureFlag, &StrategyParams::default()).unwrap_err();
    assert!(missing.contains_key("flag"));
    let bad = StrategyParams {
        flag: Some("Bad Flag".into()),
        ..Default::default()
    };
    assert!(plan(Strategy::FeatureFlag, &bad)
        .unwrap_err()
        .contains_key("flag"));
}

#[test]
fn operators_compare_as_written() {
    assert!(Operator::Gt.holds(0.2, 0.1));
    assert!(!Operator::Gt.holds(0.1, 0.1));
    assert!(Operator::Ge.holds(0.1, 0.1));
    assert!(Operator::Lt.holds(1.0, 2.0));
    assert!(Operator::Le.holds(2.0, 2.0));
    assert!(Operator::Eq.holds(0.3, 0.1 + 0.2));
    assert!(Operator::Ne.holds(1.0, 2.0));
    assert!(!Operator::Ne.holds(0.3, 0.1 + 0.2));
    assert_eq!(Operator::parse(">=").unwrap(), Operator::Ge);
    assert!(Operator::parse("=>").is_err());
}

#[test]
fn a_breach_fires_only_once_sustained() {
    let spec = error_rate(30, 10);
    assert_eq!(spec.failure_limit(), 3);
    let series = readings(&[Some(0.01), Some(0.5), Some(0.6), Some(0.7)], 10);
    // breaching since t=10; at t=30 it has lasted 20 s
    assert_eq!(
        evaluate(&spec, &series, None, at(30)),
        Verdict::Breaching { since: at(10) }
    );
    let series = readings(
        &[Some(0.01), Some(0.5), Some(0.6), Some(0.7), Some(0.8)],
        10,
    );
    assert_eq!(
        evaluate(&spec, &series, None, at(40)),
        Verdict::Fire {
            since: at(10),
            values: vec![0.5, 0.6, 0.7, 0.8]
        }
    );
}

#[test]
fn a_healthy_reading_resets_the_breach() {
    let spec = error_rate(30, 10);
    let series = readings(
        &[Some(0.5), Some(0.5), Some(0.01), Some(0.5), Some(0.5)],
        10,
    );
    assert_eq!(
        evaluate(&spec, &series, None, at(40)),
        Verdict::Breaching { since: at(30) }
    );
    let healthy = readings(&[Some(0.5), Some(0.01)], 10);
    assert_eq!(evaluate(&spec, &healthy, None, at(10)), Verdict::Healthy);
    assert_eq!(evaluate(&spec, &[], None, at(0)), Verdict::Healthy);
}

#[test]
fn zero_sustain_fires_on_the_first_breach() {
    let spec = error_rate(0, 10);
    let series = readings(&[Some(0.2)], 10);
    assert!(matches!(
        evaluate(&spec, &series, None, at(0)),
        Verdict::Fire { .. }
    ));
}

#[test]
fn cooldown_holds_back_a_repeat() {
    let spec = TriggerSpec {
        cooldown_minutes: 5,
        ..error_rate(0, 10)
    };
    let series = readings(&[Some(0.2)], 10);
    assert_eq!(
        evaluate(&spec, &series, Some(at(-60)), at(0)),
        Verdict::CoolingDown { until: at(240) }
    );
    assert!(matches!(
        evaluate(&spec, &series, Some(at(-300)), at(0)),
        Verdict::Fire { .. }
    ));
}

#[test]
fn failed_queries_are_inconclusive_and_break_a_breach() {
    let spec = error_rate(20, 10);
    let series = readings(&[Some(0.5), None, None], 10);
    assert_eq!(
        evaluate(&spec, &series, None, at(20)),
        Verdict::Inconclusive { in_a_row: 2 }
    );
    // a gap in the readings means the breach was not seen to last
    let series = readings(&[Some(0.5), Some(0.5), None, Some(0.5)], 10);
    assert_eq!(
        evaluate(&spec, &series, None, at(30)),
        Verdict::Breaching { since: at(30) }
    );
    let nan = readings(&[Some(f64::NAN)], 10);
    assert_eq!(
        evaluate(&spec, &nan, None, at(0)),
        Verdict::Inconclusive { in_a_row: 1 }
    );
}

#[test]
fn trigger_validation_names_the_field() {
    let mut errors = FieldErrors::new();
    let spec = TriggerSpec {
        metric: "error rate!".into(),
        interval_seconds: 0,
        threshold: f64::INFINITY,
        source: MetricSource::Prometheus,
        ..error_rate(10, 10)
    };
    spec.validate("triggers.0", &mut errors);
    for field in ["metric", "interval_seconds", "threshold", "query"] {
        assert!(
            errors.contains_key(&format!("triggers.0.{field}")),
            "{field}: {errors:?}"
        );
    }
    let rendered = TriggerSpec {
        query:
            r#"rate(http_errors{service="{service}",env="{environment}",version="{version}"}[1m])"#
                .into(),
        ..error_rate(10, 10)
    }
    .render_query("api", "prod", "1.2.3");
    assert_eq!(
        rendered,
        r#"rate(http_errors{service="api",env="prod",version="1.2.3"}[1m])"#
    );
}

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
