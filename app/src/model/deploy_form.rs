//! The deploy form as typed: strings, so nothing is lost on a bad value,
//! read from the form's signals in the browser or from a plain post of its
//! named fields (`server_fns::forms`), and turned into a [`StartDeployment`] by
//! the same rules either way.

use super::StartDeployment;
use crate::domain::deploy::{CanaryStep, FieldErrors, Strategy, StrategyParams, TriggerSpec};
use crate::domain::trigger_form::TriggerInput;
use crate::domain::Fields;
use uuid::Uuid;

/// The most trigger rows a plain post is read for.
const MAX_ROWS: usize = 100;

/// The deploy form's fields, named as a plain post names them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeployForm {
    pub environment: String,
    pub strategy: String,
    /// Canary: "10:60, 25:60, 50:promote".
    pub canary_steps: String,
    pub batch_percent: String,
    pub rollback_window_minutes: String,
    pub flag: String,
    /// Feature flag: "10, 50, 100".
    pub flag_steps: String,
    pub step_pause_seconds: String,
    pub bake_seconds: String,
    /// Rows `triggers.{i}.{field}`, the fields of [`TriggerInput`].
    pub triggers: Vec<TriggerInput>,
    /// A box per gate acknowledged (`acknowledge_gates`, the gate's name).
    pub acknowledge_gates: Vec<String>,
    /// The `wait_for_gates` box.
    pub wait_for_gates: bool,
}

/// "10:60, 25:60, 50:promote" → canary steps.
pub fn parse_canary(text: &str) -> Result<Vec<CanaryStep>, String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|part| {
            let (weight, pause) = part.split_once(':').unwrap_or((part, "60"));
            let weight = weight
                .trim()
                .trim_end_matches('%')
                .parse::<u32>()
                .map_err(|_| format!("\"{part}\": the weight is a whole percentage."))?;
            let pause_seconds = match pause.trim() {
                "promote" | "manual" | "" => None,
                p => Some(
                    p.trim_end_matches('s')
                        .parse::<u32>()
                        .map_err(|_| format!("\"{part}\": pause in seconds, or \"promote\"."))?,
                ),
            };
            Ok(CanaryStep {
                weight,
                pause_seconds,
            })
        })
        .collect()
}

/// "10, 50, 100" → whole numbers; `field` names the list in the message.
pub fn parse_numbers(text: &str, field: &str) -> Result<Vec<u32>, String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|n| {
            n.trim_end_matches('%')
                .parse::<u32>()
                .map_err(|_| format!("{field}: \"{n}\" is not a whole number."))
        })
        .collect()
}

/// A whole number, or none when blank.
fn number(text: &str) -> Result<Option<u32>, ()> {
    match text.trim() {
        "" => Ok(None),
        t => t.parse::<u32>().map(Some).map_err(|_| ()),
    }
}

/// The name of trigger row `i`'s `field`.
pub fn trigger_field(i: usize, field: &str) -> String {
    format!("triggers.{i}.{field}")
}

impl DeployForm {
    /// The form as it opens for `environment`, with `triggers` (its
    /// defaults) in the rows.
    pub fn new(environment: String, triggers: &[TriggerSpec]) -> Self {
        Self {
            environment,
            strategy: Strategy::Canary.as_str().into(),
            canary_steps: "10:60, 25:60, 50:60".into(),
            batch_percent: "25".into(),
            rollback_window_minutes: "30".into(),
            flag: String::new(),
            flag_steps: "10, 50, 100".into(),
            step_pause_seconds: String::new(),
            bake_seconds: "300".into(),
            triggers: triggers.iter().map(TriggerInput::from).collect(),
            acknowledge_gates: Vec::new(),
            wait_for_gates: false,
        }
    }

    /// The form as a plain HTML form posts it. Trigger rows are read while
    /// `triggers.{i}.metric` is present.
    pub fn from_fields(fields: &Fields) -> Self {
        let triggers = (0..MAX_ROWS)
            .take_while(|i| fields.ticked(&trigger_field(*i, "metric")))
            .map(|i| {
                let text = |field: &str| fields.text(&trigger_field(i, field));
                TriggerInput {
                    metric: text("metric"),
                    operator: text("operator"),
                    threshold: text("threshold"),
                    sustained_seconds: text("sustained_seconds"),
                    interval_seconds: text("interval_seconds"),
                    action: text("action"),
                    cooldown_minutes: text("cooldown_minutes"),
                    source: text("source"),
                    query: text("query"),
                }
            })
            .collect();
        Self {
            environment: fields.text("environment"),
            strategy: fields.text("strategy"),
            canary_steps: fields.text("canary_steps"),
            batch_percent: fields.text("batch_percent"),
            rollback_window_minutes: fields.text("rollback_window_minutes"),
            flag: fields.text("flag"),
            flag_steps: fields.text("flag_steps"),
            step_pause_seconds: fields.text("step_pause_seconds"),
            bake_seconds: fields.text("bake_seconds"),
            triggers,
            acknowledge_gates: fields.all("acknowledge_gates"),
            wait_for_gates: fields.ticked("wait_for_gates"),
        }
    }

    /// The deployment to start for `release`, or every message by field:
    /// the chosen strategy's parameters (the others are not read), the bake
    /// time and each trigger row (`triggers.{i}.{field}`).
    pub fn to_input(&self, release: Uuid) -> Result<StartDeployment, FieldErrors> {
        let mut found = FieldErrors::new();
        let strategy = Strategy::parse(self.strategy.trim()).unwrap_or_else(|_| {
            found.insert("strategy".into(), "Choose a strategy.".into());
            Strategy::BigBang
        });
        let mut params = StrategyParams::default();
        match strategy {
            Strategy::Canary => match parse_canary(&self.canary_steps) {
                Ok(steps) => params.canary_steps = steps,
                Err(m) => {
                    found.insert("canary_steps".into(), m);
                }
            },
            Strategy::RollingUpdate => match number(&self.batch_percent) {
                Ok(b) => params.batch_percent = b,
                Err(()) => {
                    found.insert("batch_percent".into(), "A whole percentage.".into());
                }
            },
            Strategy::BlueGreen => match number(&self.rollback_window_minutes) {
                Ok(w) => params.rollback_window_minutes = w,
                Err(()) => {
                    found.insert("rollback_window_minutes".into(), "Whole minutes.".into());
                }
            },
            Strategy::FeatureFlag => {
                params.flag = Some(self.flag.clone());
                match parse_numbers(&self.flag_steps, "Rollout") {
                    Ok(steps) => params.flag_steps = steps,
                    Err(m) => {
                        found.insert("flag_steps".into(), m);
                    }
                }
            }
            Strategy::BigBang => {}
        }
        if matches!(strategy, Strategy::RollingUpdate | Strategy::FeatureFlag) {
            match number(&self.step_pause_seconds) {
                Ok(p) => params.step_pause_seconds = p,
                Err(()) => {
                    found.insert("step_pause_seconds".into(), "Whole seconds.".into());
                }
            }
        }
        let bake_seconds = match number(&self.bake_seconds) {
            Ok(b) => b,
            Err(()) => {
                found.insert("bake_seconds".into(), "Whole seconds.".into());
                None
            }
        };
        let triggers: Vec<TriggerSpec> = self
            .triggers
            .iter()
            .enumerate()
            .filter_map(|(i, row)| row.validate(&format!("triggers.{i}"), &mut found))
            .collect();
        if !found.is_empty() {
            return Err(found);
        }
        Ok(StartDeployment {
            release,
            environment: self.environment.clone(),
            strategy,
            params,
            triggers: Some(triggers),
            bake_seconds,
            acknowledge_gates: self.acknowledge_gates.clone(),
            wait_for_gates: self.wait_for_gates,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canary_text_parses_weights_pauses_and_promotions() {
        let steps = parse_canary("10:30, 25%:60s,50:promote").unwrap();
        assert_eq!(
            steps,
            vec![
                CanaryStep {
                    weight: 10,
                    pause_seconds: Some(30)
                },
                CanaryStep {
                    weight: 25,
                    pause_seconds: Some(60)
                },
                CanaryStep {
                    weight: 50,
                    pause_seconds: None
                },
            ]
        );
        assert!(parse_canary("ten:30").is_err());
        assert!(parse_canary("10:soon").is_err());
    }

    #[test]
    fn a_posted_form_reads_its_rows_and_only_the_chosen_strategy() {
        let fields = Fields::from([
            ("environment", "staging"),
            ("strategy", "rolling_update"),
            ("canary_steps", "not read"),
            ("batch_percent", "50"),
            ("step_pause_seconds", ""),
            ("bake_seconds", "60"),
            ("triggers.0.metric", "error_rate"),
            ("triggers.0.operator", ">"),
            ("triggers.0.threshold", "0.1"),
            ("triggers.0.sustained_seconds", "30"),
            ("triggers.0.interval_seconds", "10"),
            ("triggers.0.action", "rollback"),
            ("triggers.0.cooldown_minutes", "5"),
            ("triggers.1.metric", "latency_p95"),
            ("triggers.1.operator", ">"),
            ("triggers.1.threshold", "soon"),
            ("acknowledge_gates", "Smoke"),
            ("wait_for_gates", "on"),
        ]);
        let form = DeployForm::from_fields(&fields);
        assert_eq!(form.triggers.len(), 2);
        assert!(form.wait_for_gates);
        assert_eq!(form.acknowledge_gates, vec!["Smoke"]);
        let release = Uuid::new_v4();
        let errors = form.to_input(release).unwrap_err();
        assert!(errors.contains_key("triggers.1.threshold"));
        assert!(!errors.contains_key("canary_steps"));

        let mut fixed = form.clone();
        fixed.triggers.truncate(1);
        let input = fixed.to_input(release).unwrap();
        assert_eq!(input.environment, "staging");
        assert_eq!(input.strategy, Strategy::RollingUpdate);
        assert_eq!(input.params.batch_percent, Some(50));
        assert_eq!(input.bake_seconds, Some(60));
        assert_eq!(input.triggers.map(|t| t.len()), Some(1));
    }
}
