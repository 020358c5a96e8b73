//! Environments and services as admins define them: the form rules shared by
//! the browser and the server.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An environment's specification as typed. Lists are one item per line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct EnvironmentInput {
    pub key: String,
    pub name: String,
    pub purpose: String,
    pub infrastructure: String,
    pub data_source: String,
    pub data_retention: String,
    pub data_backup: String,
    pub access: String,
    /// Position on the promotion path (1 = first), or empty when beside it.
    pub promotion_order: String,
    pub protected: bool,
    pub required_approvals: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnvironmentSpec {
    pub key: String,
    pub name: String,
    pub purpose: String,
    pub infrastructure: Vec<String>,
    pub data_source: String,
    pub data_retention: String,
    pub data_backup: String,
    pub access: Vec<String>,
    pub promotion_order: Option<i32>,
    pub protected: bool,
    pub required_approvals: i32,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches(['-', '*']).trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks a key: a lowercase letter, then letters, digits, `-` or `_`.
pub fn check_key(key: &str, max: usize) -> Result<String, String> {
    let key = key.trim().to_lowercase();
    let mut chars = key.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if !first_ok
        || key.len() > max
        || !chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(format!(
            "Use 1 to {max} lowercase letters, digits, - or _, starting with a letter."
        ));
    }
    Ok(key)
}

fn short(text: &str, max: usize, what: &str, required: bool) -> Result<String, String> {
    let text = text.trim();
    if required && text.is_empty() {
        return Err(format!("Enter {what}."));
    }
    if text.chars().count() > max {
        return Err(format!("At most {max} characters."));
    }
    Ok(text.to_string())
}

impl EnvironmentInput {
    /// The environment editor as a plain HTML form posts it (lists one item
    /// a line, `protected` a checkbox).
    pub fn from_fields(fields: &super::Fields) -> Self {
        Self {
            key: fields.text("key"),
            name: fields.text("name"),
            purpose: fields.text("purpose"),
            infrastructure: fields.text("infrastructure"),
            data_source: fields.text("data_source"),
            data_retention: fields.text("data_retention"),
            data_backup: fields.text("data_backup"),
            access: fields.text("access"),
            promotion_order: fields.text("promotion_order"),
            protected: fields.ticked("protected"),
            required_approvals: fields.text("required_approvals"),
        }
    }

    pub fn validate(&self) -> Result<EnvironmentSpec, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        let mut take = |field: &str, r: Result<String, String>| match r {
            Ok(v) => v,
            Err(m) => {
                errors.insert(field.to_string(), m);
                String::new()
            }
        };
        let key = take("key", check_key(&self.key, 32));
        let name = take("name", short(&self.name, 100, "a name", true));
        let purpose = take("purpose", short(&self.purpose, 500, "a purpose", false));
        let data_source = take("data_source", short(&self.data_source, 200, "", false));
        let data_retention = take(
            "data_retention",
            short(&self.data_retention, 200, "", false),
        );
        let data_backup = take("data_backup", short(&self.data_backup, 200, "", false));
        let promotion_order = match self.promotion_order.trim() {
            "" => None,
            text => match text.parse::<i32>() {
                Ok(n) if (1..=99).contains(&n) => Some(n),
                _ => {
                    errors.insert(
                        "promotion_order".into(),
                        "Enter a position from 1 to 99, or leave it empty.".into(),
                    );
                    None
                }
            },
        };
        let required_approvals = match self.required_approvals.trim() {
            "" => 0,
            text => match text.parse::<i32>() {
                Ok(n) if (0..=10).contains(&n) => n,
                _ => {
                    errors.insert(
                        "required_approvals".into(),
                        "Enter a number of approvals from 0 to 10.".into(),
                    );
                    0
                }
            },
        };
        if self.protected && required_approvals == 0 && !errors.contains_key("required_approvals") {
            errors.insert(
                "required_approvals".into(),
                "A protected environment needs at least one approval.".into(),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(EnvironmentSpec {
            key,
            name,
            purpose,
            infrastructure: lines(&self.infrastructure),
            data_source,
            data_retention,
            data_backup,
            access: lines(&self.access),
            promotion_order,
            protected: self.protected,
            required_approvals,
        })
    }
}

impl EnvironmentSpec {
    pub fn to_input(&self) -> EnvironmentInput {
        EnvironmentInput {
            key: self.key.clone(),
            name: self.name.clone(),
            purpose: self.purpose.clone(),
            infrastructure: self.infrastructure.join("\n"),
            data_source: self.data_source.clone(),
            data_retention: self.data_retention.clone(),
            data_backup: self.data_backup.clone(),
            access: self.access.join("\n"),
            promotion_order: self
                .promotion_order
                .map(|n| n.to_string())
                .unwrap_or_default(),
            protected: self.protected,
            required_approvals: self.required_approvals.to_string(),
        }
    }
}

/// A service as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ServiceInput {
    pub key: String,
    pub name: String,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ValidService {
    pub key: String,
    pub name: String,
    pub description: String,
}

impl ServiceInput {
    /// The add-a-service form as a plain HTML form posts it.
    pub fn from_fields(fields: &super::Fields) -> Self {
        Self {
            key: fields.text("key"),
            name: fields.text("name"),
            description: fields.text("description"),
        }
    }

    pub fn validate(&self) -> Result<ValidService, BTreeMap<String, String>> {
        let mut errors = BTreeMap::new();
        let key = check_key(&self.key, 64)
            .map_err(|m| errors.insert("key".into(), m))
            .unwrap_or_default();
        let name = short(&self.name, 100, "a name", true)
            .map_err(|m| errors.insert("name".into(), m))
            .unwrap_or_default();
        let description = short(&self.description, 2000, "", false)
            .map_err(|m| errors.insert("description".into(), m))
            .unwrap_or_default();
        if errors.is_empty() {
            Ok(ValidService {
                key,
                name,
                description,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> EnvironmentInput {
        EnvironmentInput {
            key: "Perf".into(),
            name: "Performance".into(),
            infrastructure: "- VPS: 4 vCPUs\n\n* Database: perf".into(),
            promotion_order: String::new(),
            protected: true,
            required_approvals: "1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_environment_is_normalised() {
        let spec = env().validate().unwrap();
        assert_eq!(spec.key, "perf");
        assert_eq!(spec.infrastructure, vec!["VPS: 4 vCPUs", "Database: perf"]);
        assert_eq!(spec.promotion_order, None);
        assert_eq!(spec.to_input().validate().unwrap(), spec);
    }

    #[test]
    fn bad_environment_fields_are_named() {
        let input = EnvironmentInput {
            key: "9lives".into(),
            name: " ".into(),
            promotion_order: "0".into(),
            required_approvals: "11".into(),
            ..env()
        };
        let errors = input.validate().unwrap_err();
        for field in ["key", "name", "promotion_order", "required_approvals"] {
            assert!(errors.contains_key(field), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_protected_environment_needs_an_approval() {
        let input = EnvironmentInput {
            required_approvals: "0".into(),
            ..env()
        };
        assert!(input.validate().unwrap_err()["required_approvals"].contains("protected"));
        let open = EnvironmentInput {
            protected: false,
            required_approvals: "0".into(),
            ..env()
        };
        assert!(open.validate().is_ok());
    }

    #[test]
    fn a_template_needs_a_name_and_the_plans_of_a_normal_change() {
        let mut input = TemplateInput {
            name: "Certificate renewal".into(),
            cr: crate::domain::cr_form::CrInput {
                title: "Renew TLS certificate".into(),
                change_type: "infrastructure".into(),
                impact: "low".into(),
                risk: "low".into(),
                environments: vec!["prod".into()],
                duration_minutes: "30".into(),
                implementation_plan: "certbot renew".into(),
                rollback_plan: "restore the old certificate".into(),
                ..Default::default()
            },
        };
        let valid = input.validate().unwrap();
        assert_eq!(valid.cr.environments, vec!["prod"]);
        input.name.clear();
        input.cr.rollback_plan.clear();
        let errors = input.validate().unwrap_err();
        assert!(errors.contains_key("name") && errors.contains_key("rollback_plan"));
    }

    #[test]
    fn services_need_a_key_and_a_name() {
        let ok = ServiceInput {
            key: "api".into(),
            name: "Public API".into(),
            description: String::new(),
        };
        assert_eq!(ok.validate().unwrap().key, "api");
        let bad = ServiceInput {
            key: "API server".into(),
            name: String::new(),
            description: String::new(),
        };
        let errors = bad.validate().unwrap_err();
        assert!(errors.contains_key("key") && errors.contains_key("name"));
    }
}

/// A standard-change template as an admin types it: a name and the change
/// request fields it fixes (type, impact, risk, environments, duration and
/// the plans).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TemplateInput {
    pub name: String,
    pub cr: super::cr_form::CrInput,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidTemplate {
    pub name: String,
    pub cr: super::cr_form::ValidCr,
}

impl TemplateInput {
    /// The template editor as a plain HTML form posts it: a name and the
    /// change-request fields it fixes, named as the change form names them.
    pub fn from_fields(fields: &super::Fields) -> Self {
        Self {
            name: fields.text("name"),
            cr: super::cr_form::CrInput::from_fields(fields),
        }
    }

    /// The change-request rules of a normal change (plans required), plus a
    /// name. Priority and the planned start are the filer's, not the
    /// template's.
    pub fn validate(&self) -> Result<ValidTemplate, BTreeMap<String, String>> {
        let cr = super::cr_form::CrInput {
            class: "normal".into(),
            priority: "low".into(),
            planned_start: String::new(),
            template: String::new(),
            ..self.cr.clone()
        };
        let mut errors = BTreeMap::new();
        let name = short(&self.name, 100, "a name", true)
            .map_err(|m| errors.insert("name".into(), m))
            .unwrap_or_default();
        match cr.validate() {
            Ok(cr) if errors.is_empty() => Ok(ValidTemplate { name, cr }),
            Ok(_) => Err(errors),
            Err(more) => {
                errors.extend(more);
                Err(errors)
            }
        }
    }
}
