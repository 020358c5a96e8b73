//! Incidents: the new-incident, publish and update forms, the list with its
//! filter, and the incident page with its timeline and what it links to.

use super::components::{ComponentChoice, ComponentView};
use super::{pick, FieldErrors};
use crate::domain::status_page::{Impact, IncidentStatus};
use crate::domain::Fields;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentInput {
    pub title: String,
    pub impact: Impact,
    pub status: IncidentStatus,
    pub body: String,
    pub components: Vec<ComponentChoice>,
    /// Published at once; otherwise kept as a draft.
    pub publish: bool,
    /// When customers began to be affected, `YYYY-MM-DDTHH:MM` in UTC;
    /// blank for now.
    #[serde(default)]
    pub impact_started_at: String,
}

/// An update on an incident's timeline; it may change the impact and the
/// affected components: a non-empty list replaces them (with the status
/// each gets), an empty one leaves them as they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentUpdateInput {
    pub status: IncidentStatus,
    pub body: String,
    pub impact: Option<Impact>,
    pub components: Vec<ComponentChoice>,
}

/// Publishing a draft, with the title, impact and message a person settled on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishIncident {
    pub title: String,
    pub impact: Impact,
    pub body: String,
    pub components: Vec<ComponentChoice>,
    /// When customers began to be affected, `YYYY-MM-DDTHH:MM` in UTC;
    /// blank keeps the draft's (for an automatic rollback, the rollback).
    #[serde(default)]
    pub impact_started_at: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IncidentFilter {
    /// Full-text search over titles and updates.
    pub q: String,
    pub component: Option<Uuid>,
    pub impact: Option<Impact>,
    /// `draft`, `published`, `discarded`; empty for drafts and published.
    pub visibility: String,
    /// `YYYY-MM-DD`, inclusive; empty for open-ended.
    pub from: String,
    pub to: String,
    pub page: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentRow {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub impact: Impact,
    pub status: IncidentStatus,
    pub visibility: String,
    pub automated: bool,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub components: Vec<String>,
    pub deployment_number: Option<i64>,
    pub notified: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentPage {
    pub rows: Vec<IncidentRow>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub id: Uuid,
    /// An incident status or maintenance state.
    pub status: String,
    pub status_label: String,
    pub body: String,
    /// The body rendered and sanitized.
    pub html: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkedDeployment {
    pub id: Uuid,
    pub number: i64,
    pub service: String,
    pub environment: String,
    pub version: String,
    pub state: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkedRelease {
    pub id: Uuid,
    pub service: String,
    pub version: String,
    pub title: String,
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkedChange {
    pub number: i64,
    pub title: String,
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentDetail {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub impact: Impact,
    pub status: IncidentStatus,
    pub visibility: String,
    pub automated: bool,
    pub created_at: DateTime<Utc>,
    /// When customers began to be affected.
    pub impact_started_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub affected: Vec<ComponentChoice>,
    pub updates: Vec<TimelineEntry>,
    pub deployments: Vec<LinkedDeployment>,
    pub release: Option<LinkedRelease>,
    pub changes: Vec<LinkedChange>,
    /// Subscribers sent at least one notice about this incident.
    pub notified: i64,
    pub components: Vec<ComponentView>,
    /// Whether the viewer may post updates, publish or discard.
    pub can_edit: bool,
}

fn chosen_components(fields: &Fields, errors: &mut FieldErrors) -> Vec<ComponentChoice> {
    ComponentChoice::from_fields(fields).unwrap_or_else(|message| {
        errors.insert("components".into(), message);
        Vec::new()
    })
}

impl IncidentInput {
    /// The new-incident form: `title`, `impact`, `status`,
    /// `impact_started_at`, `body`, the `publish` box and the components.
    pub fn from_fields(fields: &Fields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let impact = pick(
            fields,
            "impact",
            Impact::parse,
            "Choose an impact.",
            &mut errors,
        );
        let status = pick(
            fields,
            "status",
            IncidentStatus::parse,
            "Choose a status.",
            &mut errors,
        );
        let components = chosen_components(fields, &mut errors);
        match (impact, status) {
            (Some(impact), Some(status)) if errors.is_empty() => Ok(Self {
                title: fields.text("title"),
                impact,
                status,
                body: fields.text("body"),
                components,
                publish: fields.ticked("publish"),
                impact_started_at: fields.text("impact_started_at"),
            }),
            _ => Err(errors),
        }
    }
}

impl PublishIncident {
    /// The publish form: as the new-incident form, without a status; the
    /// impact start is sent blank (the draft keeps its exact start) while it
    /// still reads as the draft's (`drafted_start`, whole minutes).
    pub fn from_fields(fields: &Fields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let impact = pick(
            fields,
            "impact",
            Impact::parse,
            "Choose an impact.",
            &mut errors,
        );
        let components = chosen_components(fields, &mut errors);
        let typed = fields.text("impact_started_at");
        let impact_started_at = if typed == fields.text("drafted_start") {
            String::new()
        } else {
            typed
        };
        match impact {
            Some(impact) if errors.is_empty() => Ok(Self {
                title: fields.text("title"),
                impact,
                body: fields.text("body"),
                components,
                impact_started_at,
            }),
            _ => Err(errors),
        }
    }
}

impl IncidentUpdateInput {
    /// The update form: `status`, `body`, `impact` (empty: unchanged) and
    /// the components (none ticked: they stay as they are).
    pub fn from_fields(fields: &Fields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let status = pick(
            fields,
            "status",
            IncidentStatus::parse,
            "Choose a status.",
            &mut errors,
        );
        let impact = if fields.text("impact").trim().is_empty() {
            None
        } else {
            pick(
                fields,
                "impact",
                Impact::parse,
                "Choose an impact.",
                &mut errors,
            )
        };
        let components = chosen_components(fields, &mut errors);
        match status {
            Some(status) if errors.is_empty() => Ok(Self {
                status,
                body: fields.text("body"),
                impact,
                components,
            }),
            _ => Err(errors),
        }
    }
}
