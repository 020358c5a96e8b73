//! Deployments: what starting one asks for, lists and history, the progress
//! page (steps, triggers and their readings, log, simulated fleet), and
//! the start form's choices with the release's gates.

use super::CrSummary;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What starting a deployment asks for (form and API).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StartDeployment {
    /// The release: its id.
    pub release: Uuid,
    /// The environment's key (dev, staging, prod, ...).
    pub environment: String,
    pub strategy: crate::domain::deploy::Strategy,
    #[serde(default)]
    pub params: crate::domain::deploy::StrategyParams,
    /// Rollback triggers; the environment's defaults when absent.
    #[serde(default)]
    pub triggers: Option<Vec<crate::domain::deploy::TriggerSpec>>,
    /// Seconds triggers keep being evaluated after the last step (default 300).
    #[serde(default)]
    pub bake_seconds: Option<u32>,
    /// Warn gates (by name) the person has seen fail and deploys anyway.
    #[serde(default)]
    pub acknowledge_gates: Vec<String>,
    /// Wait for required gates that have not reported yet instead of refusing.
    #[serde(default)]
    pub wait_for_gates: bool,
}

/// A deployment in lists and history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeploymentSummary {
    pub id: Uuid,
    pub number: i64,
    pub release_id: Uuid,
    pub service: String,
    pub version: String,
    pub environment: String,
    pub strategy: crate::domain::deploy::Strategy,
    /// The state machine's state: `succeeded` from the last step on, bake
    /// time included. What to tell people is `phase` / `label`.
    pub state: crate::domain::deploy::DeploymentState,
    /// The state as people read it, when this was read: a succeeded
    /// deployment inside its bake time is baking (triggers still watched).
    pub phase: crate::domain::deploy::DeploymentPhase,
    /// `phase`'s words ("Baking · 4 min left", "Rolled back").
    pub label: String,
    /// When the bake time ends (set once it succeeds).
    pub bake_until: Option<DateTime<Utc>>,
    pub weight: i32,
    pub current_step: i32,
    pub total_steps: i32,
    pub reason: Option<String>,
    pub started_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StepView {
    pub position: i32,
    pub kind: String,
    pub description: String,
    pub weight: i32,
    /// pending, running, done, failed, skipped
    pub status: String,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LogLine {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// info, stdout, stderr, warn, error
    pub stream: String,
    pub line: String,
}

/// One evaluation of a trigger.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TriggerReading {
    pub at: DateTime<Utc>,
    /// Absent when the metric could not be read (inconclusive).
    pub value: Option<f64>,
    pub breached: bool,
    pub error: Option<String>,
    /// The action taken at this reading, if any.
    pub fired: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TriggerView {
    pub id: Uuid,
    pub spec: crate::domain::deploy::TriggerSpec,
    pub last_fired_at: Option<DateTime<Utc>>,
    /// The latest readings, oldest first.
    pub readings: Vec<TriggerReading>,
}

/// A deployment with everything its progress page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeploymentDetail {
    pub summary: DeploymentSummary,
    pub release_title: String,
    pub previous_version: Option<String>,
    pub params: crate::domain::deploy::StrategyParams,
    pub pause_reason: Option<String>,
    /// True while a canary pause waits for a person to promote it.
    pub waiting_for_promotion: bool,
    pub steps: Vec<StepView>,
    pub triggers: Vec<TriggerView>,
    pub log: Vec<LogLine>,
    /// Manual actions the viewer may take now.
    pub actions: Vec<crate::domain::deploy::ManualAction>,
    pub target_kind: Option<String>,
    /// Simulated fleet settings (simulated targets only).
    pub fleet: Option<FleetView>,
    pub bake_until: Option<DateTime<Utc>>,
    pub freeze_override_cr: Option<i64>,
    pub acknowledged_gates: Vec<String>,
    pub started_at: Option<DateTime<Utc>>,
    /// The change requests the release ships (after a rollback the page asks
    /// what comes next for those still open).
    pub changes: Vec<CrSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FleetView {
    pub target_id: Uuid,
    pub error_rate: f64,
    pub latency_p95: f64,
    pub noise: f64,
    pub live_version: Option<String>,
    pub may_change: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeploymentPage {
    pub deployments: Vec<DeploymentSummary>,
    pub page: i64,
    pub more: bool,
}

/// An environment's default rollback triggers: what a deployment there
/// starts with unless it is given its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentTriggers {
    pub environment: String,
    pub triggers: Vec<crate::domain::deploy::TriggerSpec>,
    /// None are saved for it, so these are the seed's two defaults.
    pub standard: bool,
}

/// The start form's view of a release: what may be chosen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeployOptions {
    pub release_id: Uuid,
    /// The release's environments in promotion order.
    pub environments: Vec<String>,
    /// The first of them the release has not succeeded in yet.
    pub next_environment: Option<String>,
    pub default_triggers: Vec<(String, Vec<crate::domain::deploy::TriggerSpec>)>,
    pub deployments: Vec<DeploymentSummary>,
    pub may_deploy: bool,
    /// The release's gates with their latest results.
    pub gates: Vec<GateStatusView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GateStatusView {
    pub environment: String,
    pub name: String,
    pub required: bool,
    /// block, warn or ignore
    pub on_failure: String,
    /// passed, failed or expired; none until reported
    pub latest: Option<String>,
    pub url: Option<String>,
    pub reported_at: Option<DateTime<Utc>>,
}
