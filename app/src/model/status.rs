//! Views and inputs of the status page's back office: components, incidents,
//! maintenance, subscribers and release notes.

use crate::domain::release_note::NoteSections;
use crate::domain::status::{ComponentStatus, Impact, IncidentStatus, MaintenanceState};
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
