//! Filing a release: the form as typed, and the release it validates into.

use super::checks::{keys, optional_time, text, Errors};
use super::FieldErrors;
use crate::domain::release::{ReleaseType, Version};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A new release as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ReleaseInput {
    /// The service key.
    pub service: String,
    pub version: String,
    pub release_type: String,
    pub title: String,
    pub description: String,
    pub environments: Vec<String>,
    /// `YYYY-MM-DDTHH:MM` UTC, or empty.
    pub planned_at: String,
    /// Numbers of the change requests it ships.
    pub changes: Vec<i64>,
}

impl ReleaseInput {
    /// The form as a plain HTML form posts it: one field per member, a
    /// `changes` box per change request (a number that does not parse is
    /// not a change request and is left out).
    pub fn from_fields(fields: &crate::domain::Fields) -> Self {
        Self {
            service: fields.text("service"),
            version: fields.text("version"),
            release_type: fields.text("release_type"),
            title: fields.text("title"),
            description: fields.text("description"),
            environments: fields.all("environments"),
            planned_at: fields.text("planned_at"),
            changes: fields
                .all("changes")
                .iter()
                .filter_map(|n| n.trim().parse().ok())
                .collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidRelease {
    pub service: String,
    pub version: Version,
    pub release_type: ReleaseType,
    pub title: String,
    pub description: String,
    pub environments: Vec<String>,
    pub planned_at: Option<DateTime<Utc>>,
    pub changes: Vec<i64>,
}

impl ReleaseInput {
    pub fn validate(&self) -> Result<ValidRelease, FieldErrors> {
        let mut e = Errors::default();
        let service = e.take(
            "service",
            Some(self.service.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .ok_or_else(|| "Choose the service this release ships.".to_string()),
        );
        let version = e.take("version", Version::parse(&self.version));
        let release_type = e.take("release_type", ReleaseType::parse(&self.release_type));
        let title = e.take(
            "title",
            text(&self.title, 200, "Give the release a title.", "A title"),
        );
        let description = e.take(
            "description",
            text(&self.description, 20_000, "", "A description"),
        );
        let environments = keys(&self.environments);
        if environments.is_empty() {
            e.take::<()>(
                "environments",
                Err("Choose at least one target environment.".into()),
            );
        }
        let planned_at = e.take("planned_at", optional_time(&self.planned_at));
        let mut changes = self.changes.clone();
        changes.sort_unstable();
        changes.dedup();
        let (Some(version), Some(release_type)) = (version, release_type) else {
            return Err(e.0);
        };
        e.finish(|| ValidRelease {
            service: service.unwrap_or_default(),
            version,
            release_type,
            title: title.unwrap_or_default(),
            description: description.unwrap_or_default(),
            environments,
            planned_at: planned_at.flatten(),
            changes,
        })
    }
}

/// Parses "12, CR-15 16" into change-request numbers.
pub fn parse_cr_numbers(text: &str) -> Result<Vec<i64>, String> {
    text.split([',', ' ', '\n', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let digits = s
                .strip_prefix("CR-")
                .or_else(|| s.strip_prefix("cr-"))
                .unwrap_or(s);
            digits
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("\"{s}\" is not a change-request number such as CR-12."))
        })
        .collect()
}
