//! Unit tests of rollback triggers and their evaluation.

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
