//! Change requests: list rows and pages, the detail page with its timeline
//! and comments, and the form filled from what a request says now.

use super::ScheduleCheck;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One row of the change-request list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CrSummary {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub status: crate::domain::change_request::CrStatus,
    pub class: crate::domain::change_request::ChangeClass,
    pub priority: crate::domain::change_request::Priority,
    pub environments: Vec<String>,
    pub requester: String,
    pub planned_start: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// A page of the change-request list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CrPage {
    /// `total` is a lower bound ("1,000+") when `total_capped`: the UI
    /// stops counting there; the API always counts exactly.
    #[serde(default)]
    pub total_capped: bool,
    pub items: Vec<CrSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A line of a change request's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CrEventView {
    /// Who did it: a person by their display name, or "Rookery".
    pub actor_label: String,
    pub action: String,
    pub from_status: Option<crate::domain::change_request::CrStatus>,
    pub to_status: Option<crate::domain::change_request::CrStatus>,
    pub note: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommentView {
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Everything the change-request page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CrDetail {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub description: String,
    pub change_type: crate::domain::change_request::ChangeType,
    pub priority: crate::domain::change_request::Priority,
    pub impact: crate::domain::change_request::Impact,
    pub risk: crate::domain::change_request::RiskLevel,
    pub class: crate::domain::change_request::ChangeClass,
    pub status: crate::domain::change_request::CrStatus,
    pub requester: String,
    pub environments: Vec<String>,
    pub services: Vec<String>,
    pub planned_start: Option<DateTime<Utc>>,
    pub duration_minutes: i32,
    pub maintenance: bool,
    pub implementation_plan: String,
    pub rollback_plan: String,
    pub testing_plan: String,
    pub required_approvals: i32,
    pub approvers: Vec<String>,
    pub reviewer: Option<String>,
    pub closure_notes: Option<String>,
    pub review_root_cause: Option<String>,
    pub review_prevention: Option<String>,
    pub created_at: DateTime<Utc>,
    pub events: Vec<CrEventView>,
    pub comments: Vec<CommentView>,
    /// Workflow actions the viewer may take now (`submit`, `approve`, ...).
    pub allowed_actions: Vec<String>,
    /// Whether the viewer may edit it now (a draft, their own).
    pub editable: bool,
    /// The standard-change template it was filed from.
    pub template: Option<Uuid>,
    /// When the viewer may schedule it and it has a planned start: what that
    /// start clashes with (other changes, freezes) and the next free slot.
    pub schedule_check: Option<ScheduleCheck>,
    /// The latest deployment that implements it (of a release that ships it,
    /// to one of its environments), when that deployment was rolled back:
    /// the page then asks what comes next.
    #[serde(default)]
    pub rolled_back: Option<RolledBackDeployment>,
}

/// A rolled-back deployment of a change request's release.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RolledBackDeployment {
    pub id: Uuid,
    pub number: i64,
    pub release_id: Uuid,
    pub service: String,
    pub version: String,
    pub environment: String,
    /// Why, as the engine or the person recorded it.
    pub reason: Option<String>,
    /// Rookery rolled it back by itself (a trigger fired or a step failed),
    /// not a person.
    pub automatic: bool,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<&CrDetail> for crate::domain::cr_form::CrInput {
    /// The form filled with what the change request says now.
    fn from(cr: &CrDetail) -> Self {
        Self {
            title: cr.title.clone(),
            description: cr.description.clone(),
            change_type: cr.change_type.as_str().into(),
            priority: cr.priority.as_str().into(),
            impact: cr.impact.as_str().into(),
            risk: cr.risk.as_str().into(),
            class: cr.class.as_str().into(),
            environments: cr.environments.clone(),
            services: cr.services.clone(),
            planned_start: cr
                .planned_start
                .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_default(),
            duration_minutes: cr.duration_minutes.to_string(),
            maintenance: cr.maintenance,
            implementation_plan: cr.implementation_plan.clone(),
            rollback_plan: cr.rollback_plan.clone(),
            testing_plan: cr.testing_plan.clone(),
            template: cr.template.map(|t| t.to_string()).unwrap_or_default(),
        }
    }
}
