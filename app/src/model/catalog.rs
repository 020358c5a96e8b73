//! The catalog: environments, services and standard-change templates.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An environment as forms and lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnvironmentView {
    pub key: String,
    pub name: String,
    pub protected: bool,
    pub required_approvals: i32,
    pub promotion_order: Option<i32>,
}

/// A service (deployable unit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceView {
    pub id: Uuid,
    pub key: String,
    pub name: String,
    pub description: String,
    pub release_count: i64,
}

/// A standard-change template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TemplateView {
    pub id: Uuid,
    pub name: String,
    pub title: String,
    pub description: String,
    pub change_type: crate::domain::change_request::ChangeType,
    pub impact: crate::domain::change_request::Impact,
    pub risk: crate::domain::change_request::RiskLevel,
    pub environments: Vec<String>,
    pub duration_minutes: i32,
    pub implementation_plan: String,
    pub rollback_plan: String,
    pub testing_plan: String,
    pub archived: bool,
    pub use_count: i64,
}
