//! Releases: list rows and pages, the plan page with its timeline, and the
//! form filled from what a release says now.

use super::CrSummary;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One row of the release list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReleaseSummary {
    pub id: Uuid,
    /// The service key.
    pub service: String,
    pub service_name: String,
    pub version: String,
    pub release_type: crate::domain::release::ReleaseType,
    pub title: String,
    pub status: crate::domain::release::ReleaseStatus,
    pub environments: Vec<String>,
    pub planned_at: Option<DateTime<Utc>>,
    /// How many change requests it ships.
    pub change_count: i64,
    pub updated_at: DateTime<Utc>,
}

/// A page of the release list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReleasePage {
    /// `total` is a lower bound ("1,000+") when `total_capped`: the UI
    /// stops counting there; the API always counts exactly.
    #[serde(default)]
    pub total_capped: bool,
    pub items: Vec<ReleaseSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A line of a release's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReleaseEventView {
    /// Who did it: a person by their display name, or "Rookery".
    pub actor_label: String,
    pub action: String,
    pub from_status: Option<crate::domain::release::ReleaseStatus>,
    pub to_status: Option<crate::domain::release::ReleaseStatus>,
    pub note: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// Everything the release plan page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReleaseDetail {
    pub summary: ReleaseSummary,
    pub description: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub approvers: Vec<String>,
    pub changes: Vec<CrSummary>,
    pub plan: crate::domain::release_plan::Plan,
    pub events: Vec<ReleaseEventView>,
    /// Actions the viewer may take now (`approve`, `start_deploying`, ...).
    pub allowed_actions: Vec<String>,
    /// Whether the viewer may edit the plan.
    pub can_edit_plan: bool,
    /// Whether the viewer may edit its details (a planned release).
    pub editable: bool,
}

impl From<&ReleaseDetail> for crate::domain::release_plan::ReleaseInput {
    /// The form filled with what the release says now.
    fn from(r: &ReleaseDetail) -> Self {
        Self {
            service: r.summary.service.clone(),
            version: r.summary.version.clone(),
            release_type: r.summary.release_type.as_str().into(),
            title: r.summary.title.clone(),
            description: r.description.clone(),
            environments: r.summary.environments.clone(),
            planned_at: r
                .summary
                .planned_at
                .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_default(),
            changes: r.changes.iter().map(|c| c.number).collect(),
        }
    }
}
