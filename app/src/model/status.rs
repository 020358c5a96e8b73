//! Views and inputs of the status page's back office: components, incidents,
//! maintenance, subscribers and release notes.

use crate::domain::release_note::NoteSections;
use crate::domain::status::{ComponentStatus, Impact, IncidentStatus, MaintenanceState};
use crate::domain::Fields;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub group_name: String,
    pub position: i32,
    pub services: Vec<String>,
    pub status: ComponentStatus,
    pub updated_at: DateTime<Utc>,
}

/// A component as its form sends it; no id creates one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ComponentInput {
    pub id: Option<Uuid>,
    pub name: String,
    pub description: String,
    pub group_name: String,
    pub position: String,
    /// Service keys, comma or newline separated.
    pub services: String,
}

/// A component and the status an incident sets it to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentChoice {
    pub id: Uuid,
    pub status: ComponentStatus,
}

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

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceInput {
    pub title: String,
    pub description: String,
    /// `YYYY-MM-DDTHH:MM` in UTC.
    pub starts_at: String,
    pub ends_at: String,
    pub components: Vec<Uuid>,
    /// The change request (by number) this window carries out.
    pub change_request: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceView {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub description: String,
    pub description_html: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub state: MaintenanceState,
    pub components: Vec<(Uuid, String)>,
    pub change_request: Option<i64>,
    pub updates: Vec<TimelineEntry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceList {
    pub items: Vec<MaintenanceView>,
    pub components: Vec<ComponentView>,
    pub can_edit: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevisionMeta {
    pub revision: i32,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReleaseNoteView {
    pub release_id: Uuid,
    pub service: String,
    pub version: String,
    pub title: String,
    pub sections: NoteSections,
    /// 0 when nothing has been saved yet.
    pub revision: i32,
    pub revisions: Vec<RevisionMeta>,
    pub published_revision: Option<i32>,
    pub published_at: Option<DateTime<Utc>>,
    pub can_edit: bool,
    pub can_publish: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    /// `equal`, `insert` or `delete`.
    pub tag: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionDiff {
    pub heading: String,
    pub lines: Vec<DiffLine>,
    pub changed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionDiff {
    pub from: i32,
    pub to: i32,
    pub sections: Vec<SectionDiff>,
}

// The back-office forms as a plain HTML form posts them (before the page
// hydrates, or without JavaScript; see `api::forms`). Component boxes post
// `components` (the id) and the status chosen beside each box
// `component_status.{id}`.

type FieldErrors = std::collections::BTreeMap<String, String>;

/// The field a component's status is chosen in, beside its box.
pub fn component_status_field(id: Uuid) -> String {
    format!("component_status.{id}")
}

/// A choice from a vocabulary, or `message` for `name` added to `errors`.
fn pick<T>(
    fields: &Fields,
    name: &str,
    parse: fn(&str) -> Result<T, String>,
    message: &str,
    errors: &mut FieldErrors,
) -> Option<T> {
    match parse(fields.text(name).trim()) {
        Ok(value) => Some(value),
        Err(_) => {
            errors.insert(name.to_string(), message.to_string());
            None
        }
    }
}

impl ComponentChoice {
    /// The ticked components with the status chosen beside each (degraded
    /// performance when none was); an id or status that does not read is
    /// the message for `components`.
    pub fn from_fields(fields: &Fields) -> Result<Vec<Self>, String> {
        fields
            .all("components")
            .iter()
            .map(|raw| -> Result<Self, String> {
                let id = Uuid::parse_str(raw.trim())
                    .map_err(|_| "Choose components from the list.".to_string())?;
                let chosen = fields.text(&component_status_field(id));
                let status = if chosen.trim().is_empty() {
                    ComponentStatus::DegradedPerformance
                } else {
                    ComponentStatus::parse(chosen.trim())
                        .map_err(|_| "Choose a status for each component.".to_string())?
                };
                Ok(ComponentChoice { id, status })
            })
            .collect()
    }
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

impl MaintenanceInput {
    /// The announce form: `title`, `description`, `starts_at`, `ends_at`, a
    /// `components` box per component and the `change_request` it came
    /// from (a number, or empty).
    pub fn from_fields(fields: &Fields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let components = fields
            .all("components")
            .iter()
            .map(|raw| Uuid::parse_str(raw.trim()))
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|_| {
                errors.insert(
                    "components".into(),
                    "Choose components from the list.".into(),
                );
                Vec::new()
            });
        let change_request = match fields.text("change_request").trim() {
            "" => None,
            number => match number.parse::<i64>() {
                Ok(number) => Some(number),
                Err(_) => {
                    errors.insert("change_request".into(), "No such change request.".into());
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            title: fields.text("title"),
            description: fields.text("description"),
            starts_at: fields.text("starts_at"),
            ends_at: fields.text("ends_at"),
            components,
            change_request,
        })
    }
}

impl ComponentInput {
    /// The component editor: `id` (empty for a new component; one that
    /// does not read is `None` here, which the plain post refuses), `name`,
    /// `description`, `group_name`, `position` and `services`.
    pub fn from_fields(fields: &Fields) -> Self {
        Self {
            id: Uuid::parse_str(fields.text("id").trim()).ok(),
            name: fields.text("name"),
            description: fields.text("description"),
            group_name: fields.text("group_name"),
            position: fields.text("position"),
            services: fields.text("services"),
        }
    }
}
