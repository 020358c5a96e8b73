//! Unit tests of the strategies' step plans.

use super::*;

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
