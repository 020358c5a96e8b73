//! Deployments: strategies and the step plans they produce, the deployment
//! state machine, rollback triggers and their evaluation, and the checks a
//! deployment must pass before it starts. Pure: the engine in the `rookery`
//! crate and the pages both use these rules.
//!
//! Over 500 lines: its split by concern is part of issue 13's structural pass.

use super::change_request::{vocabulary, ChangeClass, CrStatus};
use super::release::ReleaseStatus;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

vocabulary!(
    Strategy {
        BigBang => "big_bang", "Big bang",
        RollingUpdate => "rolling_update", "Rolling update",
        BlueGreen => "blue_green", "Blue-green",
        Canary => "canary", "Canary",
        FeatureFlag => "feature_flag", "Feature flag",
    }
);

vocabulary!(
    DeploymentState {
        Pending => "pending", "Pending",
        WaitingForGates => "waiting_for_gates", "Waiting for gates",
        Running => "running", "Running",
        Paused => "paused", "Paused",
        Succeeded => "succeeded", "Succeeded",
        Failed => "failed", "Failed",
        RollingBack => "rolling_back", "Rolling back",
        RolledBack => "rolled_back", "Rolled back",
        Aborted => "aborted", "Aborted",
    }
);

impl DeploymentState {
    /// Whether the machine allows going from `self` to `to`.
    pub fn can_become(self, to: DeploymentState) -> bool {
        use DeploymentState::*;
        matches!(
            (self, to),
            (Pending, WaitingForGates | Running | Failed | Aborted)
                | (WaitingForGates, Running | Failed | Aborted)
                | (Running, Paused | Succeeded | Failed | RollingBack | Aborted)
                | (Paused, Running | Failed | RollingBack | Aborted)
                // a breach during the bake time after success still rolls back
                | (Succeeded, RollingBack)
                | (RollingBack, RolledBack | Failed)
        )
    }

    /// Still moving: a person or the engine may act on it.
    pub fn is_active(self) -> bool {
        use DeploymentState::*;
        matches!(
            self,
            Pending | WaitingForGates | Running | Paused | RollingBack
        )
    }

    pub fn is_final(self) -> bool {
        use DeploymentState::*;
        matches!(self, Succeeded | Failed | RolledBack | Aborted)
    }
}

/// What people are told a deployment is doing, from its state and bake
/// time. The machine's `succeeded` starts the bake time, during which the
/// rollback triggers are still watched and a breach rolls it back; until
/// the bake is over the deployment is *baking*, and only then does it read
/// as succeeded. Every page and the API take the words from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeploymentPhase {
    pub state: DeploymentState,
    /// Seconds of bake time left; set only while baking.
    pub bake_left_seconds: Option<u32>,
    /// The whole bake time, in seconds.
    pub bake_seconds: u32,
}

impl DeploymentPhase {
    /// The phase at `now` of a deployment in `state` whose bake time (of
    /// `bake_seconds`) ends at `bake_until`.
    pub fn of(
        state: DeploymentState,
        bake_until: Option<DateTime<Utc>>,
        bake_seconds: u32,
        now: DateTime<Utc>,
    ) -> Self {
        let bake_left_seconds = match bake_until {
            Some(until) if state == DeploymentState::Succeeded && until > now => {
                // Rounded up: it says "1 s left" until the bake is really over.
                let millis = (until - now).num_milliseconds();
                Some(u32::try_from((millis + 999) / 1000).unwrap_or(u32::MAX))
            }
            _ => None,
        };
        Self {
            state,
            bake_left_seconds,
            bake_seconds,
        }
    }

    /// Succeeded, but still inside its bake time.
    pub fn is_baking(&self) -> bool {
        self.bake_left_seconds.is_some()
    }

    /// `baking` while baking, else the state's name (for attributes and CSS).
    pub fn key(&self) -> &'static str {
        if self.is_baking() {
            "baking"
        } else {
            self.state.as_str()
        }
    }

    /// What the badge says: "Baking · 12 min left", else the state's label.
    pub fn label(&self) -> String {
        match self.bake_left_seconds {
            Some(left) => format!("Baking · {} left", duration_words(left)),
            None => self.state.label().to_string(),
        }
    }

    /// How much of the bake time is over, 0 to 100 (100 once it is).
    pub fn bake_percent(&self) -> u32 {
        match self.bake_left_seconds {
            None => 100,
            Some(_) if self.bake_seconds == 0 => 0,
            Some(left) => {
                let done = self.bake_seconds.saturating_sub(left);
                (u64::from(done) * 100 / u64::from(self.bake_seconds)) as u32
            }
        }
    }
}

vocabulary!(
    /// What a person can do to a deployment by hand.
    ManualAction {
        Pause => "pause", "Pause",
        Resume => "resume", "Resume",
        Promote => "promote", "Promote",
        Abort => "abort", "Abort",
        Rollback => "rollback", "Roll back",
    }
);

impl ManualAction {
    /// Whether the action makes sense in `state` (`waiting` is true while a
    /// canary pause waits for a person to promote it).
    pub fn allowed(self, state: DeploymentState, waiting_for_promotion: bool) -> bool {
        use DeploymentState::*;
        match self {
            ManualAction::Pause => state == Running,
            ManualAction::Resume => state == Paused && !waiting_for_promotion,
            ManualAction::Promote => matches!(state, Running | Paused) && waiting_for_promotion,
            ManualAction::Abort => matches!(state, Pending | WaitingForGates | Running | Paused),
            ManualAction::Rollback => matches!(state, Running | Paused | Succeeded),
        }
    }
}

/// One canary step: shift `weight` % of traffic, then wait `pause_seconds`,
/// or for a person to promote when it is `None`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CanaryStep {
    pub weight: u32,
    #[serde(default)]
    pub pause_seconds: Option<u32>,
}

/// A strategy's parameters; each strategy reads its own and ignores the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StrategyParams {
    /// rolling_update: batch size in percent (default 25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_percent: Option<u32>,
    /// canary: the steps (default 10 %, 25 %, 50 %, each paused 60 s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub canary_steps: Vec<CanaryStep>,
    /// blue_green: how long the old side is kept for a rollback (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_window_minutes: Option<u32>,
    /// feature_flag: the flag's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    /// feature_flag: rollout percentages (default 10, 50, 100).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flag_steps: Vec<u32>,
    /// rolling_update and feature_flag: wait between batches (default 0 / 60 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_pause_seconds: Option<u32>,
}

/// One thing the engine does, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// Call the target to run the new version on `weight` % of the fleet
    /// (blue-green: 0 = on the idle side, taking no traffic yet).
    Deploy { weight: u32 },
    /// Feature flag: ship the code everywhere with the flag off.
    Ship,
    /// Health check (HTTP or command) of what was just deployed.
    HealthCheck,
    /// Wait; `None` waits for a person to promote.
    Pause { seconds: Option<u32> },
    /// Blue-green: move all traffic to the new side.
    Switch,
    /// Blue-green: remove the old side once its rollback window is over.
    Retire,
    /// Feature flag: set the rollout percentage.
    SetFlag { weight: u32 },
}

impl Step {
    /// The `ROOKERY_ACTION` the target receives; `None` when the step does
    /// not call the target.
    pub fn action(&self) -> Option<&'static str> {
        match self {
            Step::Deploy { .. } | Step::Ship => Some("deploy"),
            Step::Switch => Some("switch"),
            Step::Retire => Some("retire"),
            Step::SetFlag { .. } => Some("set_flag"),
            Step::HealthCheck | Step::Pause { .. } => None,
        }
    }

    /// The traffic (or flag) weight once this step is done, given the weight
    /// before it.
    pub fn weight_after(&self, before: u32) -> u32 {
        match self {
            Step::Deploy { weight } | Step::SetFlag { weight } => *weight,
            Step::Switch => 100,
            Step::Ship => 0,
            _ => before,
        }
    }

    /// The weight sent to the target as `ROOKERY_WEIGHT`.
    pub fn target_weight(&self) -> u32 {
        match self {
            Step::Deploy { weight } | Step::SetFlag { weight } => *weight,
            Step::Ship | Step::Switch | Step::Retire => 100,
            _ => 0,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Step::Deploy { .. } => "deploy",
            Step::Ship => "ship",
            Step::HealthCheck => "health_check",
            Step::Pause { .. } => "pause",
            Step::Switch => "switch",
            Step::Retire => "retire",
            Step::SetFlag { .. } => "set_flag",
        }
    }

    /// What the progress page says about the step.
    pub fn describe(&self) -> String {
        match self {
            Step::Deploy { weight: 0 } => "Deploy to the idle side".into(),
            Step::Deploy { weight } => format!("Deploy to {weight} %"),
            Step::Ship => "Ship with the flag off".into(),
            Step::HealthCheck => "Health check".into(),
            Step::Pause { seconds: None } => "Wait for a person to promote".into(),
            Step::Pause { seconds: Some(s) } => format!("Pause {}", duration_words(*s)),
            Step::Switch => "Switch traffic to the new side".into(),
            Step::Retire => "Retire the old side".into(),
            Step::SetFlag { weight } => format!("Flag on for {weight} %"),
        }
    }
}

/// "90 s", "5 min", "1 h 30 min".
pub fn duration_words(seconds: u32) -> String {
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => match (s / 3600, (s % 3600) / 60) {
            (h, 0) => format!("{h} h"),
            (h, m) => format!("{h} h {m} min"),
        },
    }
}

const MAX_PAUSE: u32 = 86_400;

/// Field name → message.
pub type FieldErrors = BTreeMap<String, String>;

fn increasing(weights: &[u32]) -> bool {
    weights.windows(2).all(|w| w[0] < w[1])
}

/// The steps a strategy runs, or what is wrong with its parameters.
pub fn plan(strategy: Strategy, params: &StrategyParams) -> Result<Vec<Step>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let pause_between = params.step_pause_seconds;
    if pause_between.is_some_and(|s| s > MAX_PAUSE) {
        errors.insert(
            "step_pause_seconds".into(),
            "A pause can be at most 24 hours.".into(),
        );
    }
    let steps = match strategy {
        Strategy::BigBang => vec![Step::Deploy { weight: 100 }, Step::HealthCheck],
        Strategy::RollingUpdate => {
            let batch = params.batch_percent.unwrap_or(25);
            if !(1..=100).contains(&batch) {
                errors.insert(
                    "batch_percent".into(),
                    "A batch is between 1 and 100 percent.".into(),
                );
                vec![]
            } else {
                let mut steps = vec![];
                let mut weight = 0;
                while weight < 100 {
                    weight = (weight + batch).min(100);
                    steps.push(Step::Deploy { weight });
                    steps.push(Step::HealthCheck);
                    if weight < 100 {
                        if let Some(seconds) = pause_between.filter(|s| *s > 0) {
                            steps.push(Step::Pause {
                                seconds: Some(seconds),
                            });
                        }
                    }
                }
                steps
            }
        }
        Strategy::BlueGreen => {
            let window = params.rollback_window_minutes.unwrap_or(30);
            if window > 1440 {
                errors.insert(
                    "rollback_window_minutes".into(),
                    "The rollback window is at most 1,440 minutes (a day).".into(),
                );
            }
            let mut steps = vec![
                Step::Deploy { weight: 0 },
                Step::HealthCheck,
                Step::Switch,
                Step::HealthCheck,
            ];
            if window > 0 {
                steps.push(Step::Pause {
                    seconds: Some(window * 60),
                });
            }
            steps.push(Step::Retire);
            steps
        }
        Strategy::Canary => {
            let canary = if params.canary_steps.is_empty() {
                [10, 25, 50]
                    .map(|weight| CanaryStep {
                        weight,
                        pause_seconds: Some(60),
                    })
                    .to_vec()
            } else {
                params.canary_steps.clone()
            };
            let weights: Vec<u32> = canary.iter().map(|s| s.weight).collect();
            if canary.len() > 20 {
                errors.insert("canary_steps".into(), "At most 20 canary steps.".into());
            } else if weights.iter().any(|w| !(1..=99).contains(w)) {
                errors.insert(
                    "canary_steps".into(),
                    "Each canary weight is between 1 and 99 percent (100 % is the final step)."
                        .into(),
                );
            } else if !increasing(&weights) {
                errors.insert(
                    "canary_steps".into(),
                    "Canary weights must increase from step to step.".into(),
                );
            } else if canary
                .iter()
                .any(|s| s.pause_seconds.is_some_and(|p| p > MAX_PAUSE))
            {
                errors.insert(
                    "canary_steps".into(),
                    "A pause can be at most 24 hours.".into(),
                );
            }
            let mut steps = vec![];
            for step in &canary {
                steps.push(Step::Deploy {
                    weight: step.weight,
                });
                steps.push(Step::HealthCheck);
                steps.push(Step::Pause {
                    seconds: step.pause_seconds,
                });
            }
            steps.push(Step::Deploy { weight: 100 });
            steps.push(Step::HealthCheck);
            steps
        }
        Strategy::FeatureFlag => {
            match params.flag.as_deref().map(str::trim) {
                None | Some("") => {
                    errors.insert("flag".into(), "Name the feature flag to ramp.".into());
                }
                Some(flag) if !valid_flag(flag) => {
                    errors.insert(
                        "flag".into(),
                        "A flag key is lowercase letters, digits, '.', '_' or '-' (at most 64)."
                            .into(),
                    );
                }
                Some(_) => {}
            }
            let mut ramp = if params.flag_steps.is_empty() {
                vec![10, 50, 100]
            } else {
                params.flag_steps.clone()
            };
            if ramp.last() != Some(&100) {
                ramp.push(100);
            }
            if ramp.iter().any(|w| !(1..=100).contains(w)) || !increasing(&ramp) {
                errors.insert(
                    "flag_steps".into(),
                    "Rollout percentages are between 1 and 100 and increase.".into(),
                );
            } else if ramp.len() > 20 {
                errors.insert("flag_steps".into(), "At most 20 rollout steps.".into());
            }
            let pause = pause_between.unwrap_or(60);
            let mut steps = vec![Step::Ship, Step::HealthCheck];
            for (i, weight) in ramp.iter().enumerate() {
                steps.push(Step::SetFlag { weight: *weight });
                if i + 1 < ramp.len() && pause > 0 {
                    steps.push(Step::Pause {
                        seconds: Some(pause),
                    });
                }
            }
            steps
        }
    };
    if errors.is_empty() {
        Ok(steps)
    } else {
        Err(errors)
    }
}

fn valid_flag(flag: &str) -> bool {
    let mut chars = flag.chars();
    flag.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
}

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

vocabulary!(
    GateOutcome {
        Passed => "passed", "Passed",
        Failed => "failed", "Failed",
        Expired => "expired", "Expired",
    }
);

vocabulary!(
    GateRule {
        Block => "block", "Block",
        Warn => "warn", "Warn",
        Ignore => "ignore", "Ignore",
    }
);

/// A testing gate for the deployment's environment and its latest result.
#[derive(Clone, Debug, PartialEq)]
pub struct GateFact {
    pub name: String,
    pub required: bool,
    pub rule: GateRule,
    pub latest: Option<GateOutcome>,
}

/// A change request linked to the release.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkedCr {
    pub number: i64,
    pub status: CrStatus,
    pub class: ChangeClass,
}

/// Everything a deployment's start depends on, read in one transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct StartFacts {
    pub release_status: ReleaseStatus,
    pub environment: String,
    pub environment_known: bool,
    pub environment_in_release: bool,
    pub protected: bool,
    pub linked: Vec<LinkedCr>,
    /// The title of a freeze window covering the environment now.
    pub freeze: Option<String>,
    pub gates: Vec<GateFact>,
    /// The environment before this one on the release's promotion path and
    /// whether this release has been deployed there.
    pub previous: Option<(String, bool)>,
    pub has_target: bool,
    /// Another deployment of the service to this environment still running.
    pub in_flight: Option<i64>,
    /// Warn gates the person acknowledged in this request.
    pub acknowledged: Vec<String>,
    /// Unreported block gates may be waited for instead of refusing.
    pub wait_for_gates: bool,
}

/// The result of the checks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StartDecision {
    /// Why it may not start (409); empty when it may.
    pub refusals: Vec<String>,
    /// Block gates not reported yet that the deployment will wait for.
    pub waiting_for: Vec<String>,
    /// The emergency change that lets it through a freeze (audited).
    pub freeze_override: Option<i64>,
    /// Warn gates not passed that the person acknowledged (recorded).
    pub acknowledged: Vec<String>,
}

/// Whether a deployment may start, and why not. All reasons are listed, so
/// the person can fix everything at once.
pub fn check_start(facts: &StartFacts) -> StartDecision {
    let mut decision = StartDecision::default();
    let refuse = |d: &mut StartDecision, why: String| d.refusals.push(why);
    let env = &facts.environment;
    if !facts.environment_known {
        refuse(
            &mut decision,
            format!("There is no environment called \"{env}\"."),
        );
        return decision;
    }
    if !matches!(
        facts.release_status,
        ReleaseStatus::Approved | ReleaseStatus::Deployed
    ) {
        refuse(
            &mut decision,
            format!(
                "The release is {}; it must be approved before it is deployed.",
                facts.release_status.label().to_lowercase()
            ),
        );
    }
    if !facts.environment_in_release {
        refuse(
            &mut decision,
            format!(
                "The release does not target {env}; add it to the release's environments first."
            ),
        );
    }
    if !facts.has_target {
        refuse(
            &mut decision,
            format!("No deploy target is configured for this service in {env}; an administrator sets one up under Deploy targets."),
        );
    }
    if let Some(number) = facts.in_flight {
        refuse(
            &mut decision,
            format!("Deployment D-{number} of this service to {env} is still in progress."),
        );
    }
    let cleared = |s: CrStatus| {
        matches!(
            s,
            CrStatus::Approved | CrStatus::Scheduled | CrStatus::Implementing
        )
    };
    if facts.protected && !facts.linked.iter().any(|c| cleared(c.status)) {
        refuse(
            &mut decision,
            format!(
                "{env} is protected: link an approved or scheduled change request to the release."
            ),
        );
    }
    if let Some(freeze) = &facts.freeze {
        let emergency = facts
            .linked
            .iter()
            .find(|c| c.class == ChangeClass::Emergency && cleared(c.status));
        match emergency {
            Some(cr) => decision.freeze_override = Some(cr.number),
            None => refuse(
                &mut decision,
                format!("The freeze window \"{freeze}\" covers {env}; only an approved emergency change may deploy during it."),
            ),
        }
    }
    if let Some((previous, reached)) = &facts.previous {
        if !reached {
            refuse(
                &mut decision,
                format!("The release has not been deployed to {previous} yet, which comes before {env} in the promotion order."),
            );
        }
    }
    for gate in &facts.gates {
        let passed = gate.latest == Some(GateOutcome::Passed);
        if passed || gate.rule == GateRule::Ignore {
            continue;
        }
        let state = match gate.latest {
            None => "has not reported".to_string(),
            Some(outcome) => format!("is {}", outcome.label().to_lowercase()),
        };
        match gate.rule {
            GateRule::Block if gate.required => {
                if gate.latest.is_none() && facts.wait_for_gates {
                    decision.waiting_for.push(gate.name.clone());
                } else {
                    refuse(
                        &mut decision,
                        format!("The required gate \"{}\" {state}; it blocks deployment until it passes.", gate.name),
                    );
                }
            }
            GateRule::Block | GateRule::Warn => {
                if facts.acknowledged.iter().any(|a| a == &gate.name) {
                    decision.acknowledged.push(gate.name.clone());
                } else {
                    refuse(
                        &mut decision,
                        format!(
                            "The gate \"{}\" {state}; acknowledge the warning to deploy anyway.",
                            gate.name
                        ),
                    );
                }
            }
            GateRule::Ignore => {}
        }
    }
    decision
}

#[cfg(test)]
#[path = "deploy_tests.rs"]
mod tests;
