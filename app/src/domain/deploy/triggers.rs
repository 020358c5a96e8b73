//! Rollback triggers: how they are configured and checked, and the
//! evaluation of their readings into a verdict (healthy, breaching, fire,
//! cooling down, inconclusive).

use super::FieldErrors;
use crate::domain::change_request::vocabulary;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

vocabulary!(
    Operator {
        Gt => ">", ">",
        Lt => "<", "<",
        Ge => ">=", "≥",
        Le => "<=", "≤",
        Eq => "==", "=",
        Ne => "!=", "≠",
    }
);

impl Operator {
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Operator::Gt => value > threshold,
            Operator::Lt => value < threshold,
            Operator::Ge => value >= threshold,
            Operator::Le => value <= threshold,
            Operator::Eq => (value - threshold).abs() <= f64::EPSILON * threshold.abs().max(1.0),
            Operator::Ne => (value - threshold).abs() > f64::EPSILON * threshold.abs().max(1.0),
        }
    }
}

vocabulary!(
    TriggerAction {
        Rollback => "rollback", "Roll back",
        Alert => "alert", "Alert",
        ScaleUp => "scale_up", "Scale up",
    }
);

vocabulary!(
    /// Where a trigger's metric comes from: `auto` reads the simulated fleet
    /// for simulated targets and pushed values otherwise.
    MetricSource {
        Auto => "auto", "Automatic",
        Pushed => "pushed", "Pushed to the API",
        Prometheus => "prometheus", "Prometheus",
    }
);

/// A rollback trigger as configured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TriggerSpec {
    pub metric: String,
    /// `>`, `<`, `>=`, `<=`, `==` or `!=`.
    #[serde(with = "operator_symbol")]
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = ">"))]
    pub operator: Operator,
    pub threshold: f64,
    /// Seconds the breach must last before the action runs.
    pub sustained_seconds: u32,
    /// Seconds between evaluations.
    pub interval_seconds: u32,
    pub action: TriggerAction,
    /// Minutes before the trigger may act again.
    pub cooldown_minutes: u32,
    #[serde(default = "auto_source")]
    pub source: MetricSource,
    /// PromQL for `prometheus`; `{service}`, `{environment}` and `{version}`
    /// are replaced.
    #[serde(default)]
    pub query: String,
}

/// A trigger's operator travels as its symbol (`>`, as the API documents
/// and the database stores); the variant names (`gt`, …) are accepted too.
mod operator_symbol {
    use super::Operator;
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(operator: &Operator, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(operator.as_str())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Operator, D::Error> {
        let text = String::deserialize(d)?;
        Operator::parse(text.trim()).or_else(|_| match text.trim() {
            "gt" => Ok(Operator::Gt),
            "lt" => Ok(Operator::Lt),
            "ge" => Ok(Operator::Ge),
            "le" => Ok(Operator::Le),
            "eq" => Ok(Operator::Eq),
            "ne" => Ok(Operator::Ne),
            _ => Err(D::Error::custom(format!(
                "unknown operator {text:?}; use >, <, >=, <=, == or !="
            ))),
        })
    }
}

fn auto_source() -> MetricSource {
    MetricSource::Auto
}

impl TriggerSpec {
    /// The seed's defaults: error_rate > 0.1 for 300 s → rollback;
    /// response_time_p95 > 5 for 180 s → alert.
    pub fn seed_defaults() -> Vec<TriggerSpec> {
        vec![
            TriggerSpec {
                metric: "error_rate".into(),
                operator: Operator::Gt,
                threshold: 0.1,
                sustained_seconds: 300,
                interval_seconds: 10,
                action: TriggerAction::Rollback,
                cooldown_minutes: 5,
                source: MetricSource::Auto,
                query: String::new(),
            },
            TriggerSpec {
                metric: "response_time_p95".into(),
                operator: Operator::Gt,
                threshold: 5.0,
                sustained_seconds: 180,
                interval_seconds: 10,
                action: TriggerAction::Alert,
                cooldown_minutes: 5,
                source: MetricSource::Auto,
                query: String::new(),
            },
        ]
    }

    /// What is wrong with it, by field (prefixed with `prefix`).
    pub fn validate(&self, prefix: &str, errors: &mut FieldErrors) {
        let field = |name: &str| format!("{prefix}.{name}");
        let metric = self.metric.trim();
        if metric.is_empty()
            || metric.len() > 100
            || !metric
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c))
        {
            errors.insert(
                field("metric"),
                "A metric name is letters, digits, '_', '.', ':' or '-' (at most 100).".into(),
            );
        }
        if !self.threshold.is_finite() {
            errors.insert(field("threshold"), "The threshold must be a number.".into());
        }
        if self.sustained_seconds > 86_400 {
            errors.insert(
                field("sustained_seconds"),
                "At most 86,400 seconds (a day).".into(),
            );
        }
        if !(1..=3600).contains(&self.interval_seconds) {
            errors.insert(
                field("interval_seconds"),
                "Evaluate every 1 to 3,600 seconds.".into(),
            );
        }
        if self.cooldown_minutes > 1440 {
            errors.insert(field("cooldown_minutes"), "At most 1,440 minutes.".into());
        }
        if self.source == MetricSource::Prometheus && self.query.trim().is_empty() {
            errors.insert(
                field("query"),
                "A Prometheus trigger needs its PromQL query.".into(),
            );
        }
        if self.query.len() > 2000 {
            errors.insert(field("query"), "At most 2,000 characters.".into());
        }
    }

    /// How many readings in a row make the breach sustained (the "failure
    /// limit"); at least one.
    pub fn failure_limit(&self) -> u32 {
        (self.sustained_seconds / self.interval_seconds.max(1)).max(1)
    }

    /// The query with its placeholders filled in.
    pub fn render_query(&self, service: &str, environment: &str, version: &str) -> String {
        self.query
            .replace("{service}", service)
            .replace("{environment}", environment)
            .replace("{version}", version)
    }
}

/// One evaluation's input: when, and the value read (`None` when the query
/// failed: inconclusive).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub at: DateTime<Utc>,
    pub value: Option<f64>,
}

/// What a trigger's readings say now.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Healthy,
    /// Breaching since `since`, not yet for long enough.
    Breaching {
        since: DateTime<Utc>,
    },
    /// Sustained: run the action. `values` are the breaching readings.
    Fire {
        since: DateTime<Utc>,
        values: Vec<f64>,
    },
    /// Sustained, but the trigger acted less than its cooldown ago.
    CoolingDown {
        until: DateTime<Utc>,
    },
    /// The latest `in_a_row` readings could not be taken.
    Inconclusive {
        in_a_row: u32,
    },
}

/// Evaluates `readings` (oldest first) at `now`. A breach counts from its
/// first reading and must last `sustained_seconds` with every reading in
/// between breaching; an inconclusive reading breaks the run (nothing is
/// assumed about values we could not read).
pub fn evaluate(
    spec: &TriggerSpec,
    readings: &[Reading],
    last_fired: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Verdict {
    let Some(latest) = readings.last() else {
        return Verdict::Healthy;
    };
    if latest.value.is_none_or(|v| !v.is_finite()) {
        let in_a_row = readings
            .iter()
            .rev()
            .take_while(|r| r.value.is_none_or(|v| !v.is_finite()))
            .count() as u32;
        return Verdict::Inconclusive { in_a_row };
    }
    let run: Vec<&Reading> = readings
        .iter()
        .rev()
        .take_while(|r| {
            r.value
                .is_some_and(|v| v.is_finite() && spec.operator.holds(v, spec.threshold))
        })
        .collect();
    let Some(first) = run.last() else {
        return Verdict::Healthy;
    };
    let since = first.at;
    if now - since < Duration::seconds(i64::from(spec.sustained_seconds)) {
        return Verdict::Breaching { since };
    }
    if let Some(fired) = last_fired {
        let until = fired + Duration::minutes(i64::from(spec.cooldown_minutes));
        if now < until {
            return Verdict::CoolingDown { until };
        }
    }
    Verdict::Fire {
        since,
        values: run.iter().rev().filter_map(|r| r.value).collect(),
    }
}

#[cfg(test)]
#[path = "trigger_tests.rs"]
mod tests;
