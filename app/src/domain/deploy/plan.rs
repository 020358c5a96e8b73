//! Deployment strategies and the steps each runs, checked from the
//! strategy's parameters.

use super::FieldErrors;
use crate::domain::change_request::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary!(
    Strategy {
        BigBang => "big_bang", "Big bang",
        RollingUpdate => "rolling_update", "Rolling update",
        BlueGreen => "blue_green", "Blue-green",
        Canary => "canary", "Canary",
        FeatureFlag => "feature_flag", "Feature flag",
    }
);

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

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
