//! A rollback trigger as a form types it, and the rules for an environment's
//! default triggers. The environments page checks them as the server does.

use super::deploy::{FieldErrors, MetricSource, Operator, TriggerAction, TriggerSpec};
use serde::{Deserialize, Serialize};

/// The most default triggers an environment keeps (as many as a deployment
/// may be started with).
pub const MAX_TRIGGERS: usize = 10;

/// One trigger as typed (strings, so nothing is lost on a bad value).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TriggerInput {
    pub metric: String,
    /// `>`, `<`, `>=`, `<=`, `==` or `!=`.
    pub operator: String,
    pub threshold: String,
    pub sustained_seconds: String,
    pub interval_seconds: String,
    /// `rollback`, `alert` or `scale_up`.
    pub action: String,
    pub cooldown_minutes: String,
    /// `auto`, `pushed` or `prometheus`; empty is `auto`.
    pub source: String,
    pub query: String,
}

impl From<&TriggerSpec> for TriggerInput {
    fn from(spec: &TriggerSpec) -> Self {
        Self {
            metric: spec.metric.clone(),
            operator: spec.operator.as_str().into(),
            threshold: spec.threshold.to_string(),
            sustained_seconds: spec.sustained_seconds.to_string(),
            interval_seconds: spec.interval_seconds.to_string(),
            action: spec.action.as_str().into(),
            cooldown_minutes: spec.cooldown_minutes.to_string(),
            source: spec.source.as_str().into(),
            query: spec.query.clone(),
        }
    }
}

impl TriggerInput {
    /// The trigger, or what is wrong with it by field (`{prefix}.{field}`,
    /// the names `TriggerSpec::validate` uses) added to `errors`.
    pub fn validate(&self, prefix: &str, errors: &mut FieldErrors) -> Option<TriggerSpec> {
        let mut found = FieldErrors::new();
        let field = |name: &str| format!("{prefix}.{name}");
        let mut whole = |name: &str, text: &str, default: u32| match text.trim() {
            "" => default,
            text => text.parse::<u32>().unwrap_or_else(|_| {
                found.insert(field(name), "Enter a whole number.".into());
                default
            }),
        };
        let sustained_seconds = whole("sustained_seconds", &self.sustained_seconds, 0);
        let interval_seconds = whole("interval_seconds", &self.interval_seconds, 10);
        let cooldown_minutes = whole("cooldown_minutes", &self.cooldown_minutes, 5);
        let threshold = match self.threshold.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => n,
            _ => {
                found.insert(
                    field("threshold"),
                    "Enter a number, such as 0.1 or 500.".into(),
                );
                0.0
            }
        };
        let operator = Operator::parse(&self.operator).unwrap_or_else(|_| {
            found.insert(field("operator"), "Choose a comparison.".into());
            Operator::Gt
        });
        let action = TriggerAction::parse(&self.action).unwrap_or_else(|_| {
            found.insert(
                field("action"),
                "Choose roll back, alert or scale up.".into(),
            );
            TriggerAction::Alert
        });
        let source = match self.source.trim() {
            "" => MetricSource::Auto,
            text => MetricSource::parse(text).unwrap_or_else(|_| {
                found.insert(
                    field("source"),
                    "Choose where the metric comes from.".into(),
                );
                MetricSource::Auto
            }),
        };
        let spec = TriggerSpec {
            metric: self.metric.trim().to_string(),
            operator,
            threshold,
            sustained_seconds,
            interval_seconds,
            action,
            cooldown_minutes,
            source,
            query: self.query.trim().to_string(),
        };
        // The ranges; a field that did not read keeps its first message.
        let mut ranges = FieldErrors::new();
        spec.validate(prefix, &mut ranges);
        for (name, message) in ranges {
            found.entry(name).or_insert(message);
        }
        if found.is_empty() {
            Some(spec)
        } else {
            errors.extend(found);
            None
        }
    }
}

/// An environment's default triggers: one to `MAX_TRIGGERS`, each valid.
/// Rows are named `triggers.{i}.{field}`; the list itself `triggers`.
pub fn validate_defaults(inputs: &[TriggerInput]) -> Result<Vec<TriggerSpec>, FieldErrors> {
    let mut errors = FieldErrors::new();
    if inputs.is_empty() {
        // No rows stored means the standard two, so none cannot be saved.
        errors.insert(
            "triggers".into(),
            "Keep at least one trigger: an environment without any uses the standard two.".into(),
        );
    }
    if inputs.len() > MAX_TRIGGERS {
        errors.insert(
            "triggers".into(),
            format!("At most {MAX_TRIGGERS} triggers."),
        );
    }
    let specs: Vec<TriggerSpec> = inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| input.validate(&format!("triggers.{i}"), &mut errors))
        .collect();
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> TriggerInput {
        TriggerInput {
            metric: " error_rate ".into(),
            operator: ">=".into(),
            threshold: "0.05".into(),
            sustained_seconds: "120".into(),
            interval_seconds: "15".into(),
            action: "rollback".into(),
            cooldown_minutes: "10".into(),
            source: String::new(),
            query: String::new(),
        }
    }

    #[test]
    fn a_typed_trigger_becomes_its_spec_and_back() {
        let specs = validate_defaults(&[typed()]).unwrap();
        assert_eq!(specs[0].metric, "error_rate");
        assert_eq!(specs[0].operator, Operator::Ge);
        assert!((specs[0].threshold - 0.05).abs() < 1e-12);
        assert_eq!(specs[0].source, MetricSource::Auto);
        let again = validate_defaults(&[TriggerInput::from(&specs[0])]).unwrap();
        assert_eq!(again, specs);
        let seeds: Vec<TriggerInput> = TriggerSpec::seed_defaults()
            .iter()
            .map(TriggerInput::from)
            .collect();
        assert_eq!(
            validate_defaults(&seeds).unwrap(),
            TriggerSpec::seed_defaults()
        );
    }

    #[test]
    fn each_bad_field_is_named_by_its_row() {
        let bad = TriggerInput {
            metric: "error rate".into(),
            operator: "about".into(),
            threshold: "a lot".into(),
            sustained_seconds: "five".into(),
            interval_seconds: "0".into(),
            action: "panic".into(),
            cooldown_minutes: "2000".into(),
            source: "prometheus".into(),
            query: String::new(),
        };
        let errors = validate_defaults(&[typed(), bad]).unwrap_err();
        for name in [
            "metric",
            "operator",
            "threshold",
            "sustained_seconds",
            "interval_seconds",
            "action",
            "cooldown_minutes",
            "query",
        ] {
            assert!(
                errors.contains_key(&format!("triggers.1.{name}")),
                "{name}: {errors:?}"
            );
        }
        assert!(
            errors.keys().all(|k| k.starts_with("triggers.1.")),
            "{errors:?}"
        );
        assert_eq!(
            errors["triggers.1.sustained_seconds"],
            "Enter a whole number."
        );
    }

    #[test]
    fn an_environment_keeps_one_to_ten_triggers() {
        assert!(validate_defaults(&[]).unwrap_err().contains_key("triggers"));
        let many: Vec<TriggerInput> = (0..=MAX_TRIGGERS).map(|_| typed()).collect();
        assert!(validate_defaults(&many).unwrap_err()["triggers"].contains("At most"));
        assert!(validate_defaults(&many[..MAX_TRIGGERS]).is_ok());
    }
}
