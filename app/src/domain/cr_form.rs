//! The change-request form's rules, run in the browser as you type and on
//! the server before anything is stored.

use super::change_request::{ChangeClass, ChangeType, Impact, Priority, RiskLevel};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The form as typed (strings, so nothing is lost on a bad value).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CrInput {
    pub title: String,
    pub description: String,
    pub change_type: String,
    pub priority: String,
    pub impact: String,
    pub risk: String,
    pub class: String,
    pub environments: Vec<String>,
    pub services: Vec<String>,
    /// `YYYY-MM-DDTHH:MM` in UTC (an `<input type="datetime-local">`), or empty.
    pub planned_start: String,
    pub duration_minutes: String,
    pub maintenance: bool,
    pub implementation_plan: String,
    pub rollback_plan: String,
    pub testing_plan: String,
    /// The standard-change template's id, for class `standard`.
    pub template: String,
}

impl CrInput {
    /// Every field, in the order the form shows them (and the audit record
    /// of an edit names them).
    pub const FIELDS: &'static [&'static str] = &[
        "title",
        "description",
        "change_type",
        "priority",
        "impact",
        "risk",
        "class",
        "template",
        "environments",
        "services",
        "planned_start",
        "duration_minutes",
        "maintenance",
        "implementation_plan",
        "rollback_plan",
        "testing_plan",
    ];

    /// The form as a new change request starts.
    pub fn blank() -> Self {
        Self {
            change_type: "enhancement".into(),
            priority: "medium".into(),
            impact: "low".into(),
            risk: "low".into(),
            class: "normal".into(),
            duration_minutes: "60".into(),
            ..Self::default()
        }
    }

    /// The form as a plain HTML form posts it (field names as in `FIELDS`,
    /// a box per environment and per service).
    pub fn from_fields(fields: &super::Fields) -> Self {
        Self {
            title: fields.text("title"),
            description: fields.text("description"),
            change_type: fields.text("change_type"),
            priority: fields.text("priority"),
            impact: fields.text("impact"),
            risk: fields.text("risk"),
            class: fields.text("class"),
            environments: fields.all("environments"),
            services: fields.all("services"),
            planned_start: fields.text("planned_start"),
            duration_minutes: fields.text("duration_minutes"),
            maintenance: fields.ticked("maintenance"),
            implementation_plan: fields.text("implementation_plan"),
            rollback_plan: fields.text("rollback_plan"),
            testing_plan: fields.text("testing_plan"),
            template: fields.text("template"),
        }
    }
}

/// A change request that passed every rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ValidCr {
    pub title: String,
    pub description: String,
    pub change_type: ChangeType,
    pub priority: Priority,
    pub impact: Impact,
    pub risk: RiskLevel,
    pub class: ChangeClass,
    pub environments: Vec<String>,
    pub services: Vec<String>,
    pub planned_start: Option<DateTime<Utc>>,
    pub duration_minutes: i32,
    pub maintenance: bool,
    pub implementation_plan: String,
    pub rollback_plan: String,
    pub testing_plan: String,
    pub template: Option<uuid::Uuid>,
}

/// Parses `YYYY-MM-DDTHH:MM` (seconds optional) as UTC.
pub fn parse_local_datetime(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map(|naive| naive.and_utc())
        .map_err(|_| "Enter a date and time such as 2026-12-01T09:00.".to_string())
}

fn dedup(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = list
        .iter()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

impl CrInput {
    /// Every rule at once: `Err` maps field names to messages.
    pub fn validate(&self) -> Result<ValidCr, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        let mut check = |field: &str, result: Result<(), String>| {
            if let Err(message) = result {
                errors.entry(field.to_string()).or_insert(message);
            }
        };
        let title = self.title.trim().to_string();
        check(
            "title",
            match title.chars().count() {
                0 => Err("Give the change a title.".into()),
                n if n > 200 => Err("A title is at most 200 characters.".into()),
                _ => Ok(()),
            },
        );
        let change_type = ChangeType::parse(&self.change_type);
        check("change_type", change_type.clone().map(|_| ()));
        let priority = Priority::parse(&self.priority);
        check("priority", priority.clone().map(|_| ()));
        let impact = Impact::parse(&self.impact);
        check("impact", impact.clone().map(|_| ()));
        let risk = RiskLevel::parse(&self.risk);
        check("risk", risk.clone().map(|_| ()));
        let class = if self.class.trim().is_empty() {
            Ok(ChangeClass::Normal)
        } else {
            ChangeClass::parse(&self.class)
        };
        check("class", class.clone().map(|_| ()));
        let environments = dedup(&self.environments);
        check(
            "environments",
            if environments.is_empty() {
                Err("Choose at least one environment.".into())
            } else {
                Ok(())
            },
        );
        let services = dedup(&self.services);
        let planned_start = if self.planned_start.trim().is_empty() {
            Ok(None)
        } else {
            parse_local_datetime(&self.planned_start).map(Some)
        };
        check("planned_start", planned_start.clone().map(|_| ()));
        let duration = self
            .duration_minutes
            .trim()
            .parse::<i32>()
            .map_err(|_| "Enter the duration in whole minutes.".to_string());
        let duration = duration.and_then(|d| {
            if (1..=20_160).contains(&d) {
                Ok(d)
            } else {
                Err("The duration is between 1 minute and 14 days (20160 minutes).".into())
            }
        });
        check("duration_minutes", duration.clone().map(|_| ()));
        let needs_plans = !matches!(class, Ok(ChangeClass::Standard));
        if needs_plans {
            check(
                "implementation_plan",
                if self.implementation_plan.trim().is_empty() {
                    Err("Describe how the change is implemented.".into())
                } else {
                    Ok(())
                },
            );
            check(
                "rollback_plan",
                if self.rollback_plan.trim().is_empty() {
                    Err("Describe how the change is rolled back.".into())
                } else {
                    Ok(())
                },
            );
        }
        for (field, text) in [
            ("description", &self.description),
            ("implementation_plan", &self.implementation_plan),
            ("rollback_plan", &self.rollback_plan),
            ("testing_plan", &self.testing_plan),
        ] {
            check(
                field,
                if text.chars().count() > 20_000 {
                    Err("At most 20,000 characters.".into())
                } else {
                    Ok(())
                },
            );
        }
        let template = match self.template.trim() {
            "" => None,
            text => match uuid::Uuid::parse_str(text) {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.insert("template".into(), "Choose a template from the list.".into());
                    None
                }
            },
        };
        if matches!(class, Ok(ChangeClass::Standard))
            && template.is_none()
            && !errors.contains_key("template")
        {
            errors.insert(
                "template".into(),
                "A standard change comes from a pre-approved template; choose one.".into(),
            );
        }
        match (
            change_type,
            priority,
            impact,
            risk,
            class,
            planned_start,
            duration,
        ) {
            (
                Ok(change_type),
                Ok(priority),
                Ok(impact),
                Ok(risk),
                Ok(class),
                Ok(planned_start),
                Ok(duration_minutes),
            ) if errors.is_empty() => Ok(ValidCr {
                title,
                description: self.description.trim().to_string(),
                change_type,
                priority,
                impact,
                risk,
                class,
                environments,
                services,
                planned_start,
                duration_minutes,
                maintenance: self.maintenance,
                implementation_plan: self.implementation_plan.trim().to_string(),
                rollback_plan: self.rollback_plan.trim().to_string(),
                testing_plan: self.testing_plan.trim().to_string(),
                template: template.filter(|_| class == ChangeClass::Standard),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> CrInput {
        CrInput {
            title: "Rotate API signing keys".into(),
            change_type: "security".into(),
            priority: "high".into(),
            impact: "medium".into(),
            risk: "medium".into(),
            environments: vec!["prod".into(), "staging".into(), "prod".into()],
            planned_start: "2026-12-01T09:30".into(),
            duration_minutes: "45".into(),
            implementation_plan: "Deploy new keys, then flip.".into(),
            rollback_plan: "Flip back to the old keys.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_validates() {
        let cr = valid().validate().unwrap();
        assert_eq!(cr.environments, vec!["prod", "staging"]);
        assert_eq!(cr.class, ChangeClass::Normal);
        assert_eq!(
            cr.planned_start.unwrap().to_rfc3339(),
            "2026-12-01T09:30:00+00:00"
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let input = CrInput {
            title: " ".into(),
            duration_minutes: "0".into(),
            change_type: "feature".into(),
            ..Default::default()
        };
        let errors = input.validate().unwrap_err();
        for field in [
            "title",
            "change_type",
            "priority",
            "impact",
            "risk",
            "environments",
            "duration_minutes",
            "implementation_plan",
            "rollback_plan",
        ] {
            assert!(
                errors.contains_key(field),
                "{field} missing from {errors:?}"
            );
        }
    }

    #[test]
    fn standard_changes_need_a_template_instead_of_plans() {
        let mut input = valid();
        input.rollback_plan.clear();
        assert!(input.validate().unwrap_err().contains_key("rollback_plan"));
        input.class = "standard".into();
        assert!(input.validate().unwrap_err()["template"].contains("template"));
        input.template = "not-a-uuid".into();
        assert!(input.validate().unwrap_err()["template"].contains("list"));
        let id = uuid::Uuid::from_u128(7);
        input.template = id.to_string();
        assert_eq!(input.validate().unwrap().template, Some(id));
        // A normal change ignores a template.
        input.class = "normal".into();
        input.rollback_plan = "Flip back.".into();
        assert_eq!(input.validate().unwrap().template, None);
    }

    #[test]
    fn bad_dates_and_durations_are_field_errors() {
        let mut input = valid();
        input.planned_start = "tomorrow".into();
        input.duration_minutes = "1.5".into();
        let errors = input.validate().unwrap_err();
        assert!(errors["planned_start"].contains("2026-12-01T09:00"));
        assert!(errors["duration_minutes"].contains("whole minutes"));
    }
}
