//! What server functions return to the UI: plain serializable views.
//!
//! Size: over ~500 lines and mixing concerns; the split by concern is
//! issue 13's structural pass (one owner per table), kept out of this
//! behaviour change so the two can be reviewed apart.

pub mod deploy_form;
pub mod status;

use crate::domain::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The signed-in person, as the shell shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CurrentUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub must_change_password: bool,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether this person has `permission` (the same rule the server
    /// enforces; the UI uses it to show only what will be allowed).
    pub fn may(&self, permission: crate::domain::Permission) -> bool {
        permission
            .granted_by()
            .iter()
            .any(|role| self.roles.contains(role))
    }

    pub fn is_admin(&self) -> bool {
        self.has(Role::Admin)
    }

    /// Two letters for the avatar ("Ada Lovelace" → "AL").
    pub fn initials(&self) -> String {
        let initials: String = self
            .display_name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect();
        if initials.is_empty() {
            self.email
                .chars()
                .take(1)
                .collect::<String>()
                .to_uppercase()
        } else {
            initials.to_uppercase()
        }
    }
}

/// An account as the admin page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
}

/// An account an admin just created, with the one-time password to hand over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedUser {
    pub user: UserView,
    pub one_time_password: String,
}

/// A personal API token, without its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenView {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token just created: the only time its secret is visible.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    pub token: String,
    pub view: TokenView,
}

/// One line of someone's recent activity, from the audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActivityView {
    pub occurred_at: DateTime<Utc>,
    /// Who did it: a person by their display name.
    pub actor_label: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub request_id: Option<String>,
}

/// What the overview page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Overview {
    /// The caller's open change requests.
    pub my_changes: Vec<CrSummary>,
    /// Change requests waiting for the caller's review, approval or scheduling.
    pub waiting_for_me: Vec<CrSummary>,
    /// Changes scheduled in the next seven days.
    pub upcoming: Vec<CrSummary>,
    /// Releases planned in the next seven days.
    pub upcoming_releases: Vec<ReleaseSummary>,
    /// Freeze windows in force now.
    pub active_freezes: Vec<FreezeView>,
    /// Emergency changes whose post-implementation review is overdue.
    pub overdue_reviews: Vec<CrSummary>,
    pub active_tokens: i64,
    pub active_users: Option<i64>,
    pub recent_activity: Vec<ActivityView>,
}

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

/// A change on the calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CalendarEntry {
    pub number: i64,
    pub title: String,
    pub status: crate::domain::change_request::CrStatus,
    pub class: crate::domain::change_request::ChangeClass,
    pub environments: Vec<String>,
    pub services: Vec<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// It needs a maintenance window (possible downtime).
    pub maintenance: bool,
    /// What it clashes with (another change on the same environment and
    /// service at the same time), in words.
    pub conflicts: Vec<String>,
}

/// One audit event as the audit page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    /// As recorded: a person's email, "rookery CLI", "Rookery", ...
    pub actor_label: String,
    /// Who people read: a person's display name, otherwise `actor_label`.
    pub actor_name: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    /// What the event is about in words ("CR-4", "api 2.1.0", "D-2", a
    /// person's name); `None` when it cannot be told (then the id is all).
    pub target_label: Option<String>,
    /// The page of what the event is about, when it has one.
    pub target_link: Option<String>,
    /// Pretty-printed JSON, or empty.
    pub before: String,
    pub after: String,
    pub request_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditRow>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// A freeze window as the calendar shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FreezeView {
    pub id: Uuid,
    pub environments: Vec<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: String,
    pub created_by: String,
}

/// What the calendar shows for a month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CalendarMonthView {
    pub entries: Vec<CalendarEntry>,
    pub freezes: Vec<FreezeView>,
    pub releases: Vec<CalendarRelease>,
    /// Days with more changes and releases than fit, and how many are not
    /// shown (conflicting changes are shown first).
    pub hidden: Vec<(chrono::NaiveDate, u32)>,
}

/// A release on the calendar, at its planned time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CalendarRelease {
    pub id: Uuid,
    pub service: String,
    pub version: String,
    pub title: String,
    pub status: crate::domain::release::ReleaseStatus,
    pub environments: Vec<String>,
    pub planned_at: DateTime<Utc>,
}

/// Whether the caller has a calendar subscription link, and since when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedStatus {
    pub created_at: Option<DateTime<Utc>>,
    /// The full link, only right after it was made.
    pub url: Option<String>,
}

/// Whether a proposed schedule clashes, and the next free start if so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScheduleCheck {
    pub clashes: Vec<String>,
    pub next_free: Option<DateTime<Utc>>,
}

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

/// An in-app notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub total: i64,
    pub unread: i64,
    pub page: i64,
    pub per_page: i64,
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

/// One job on the admin page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobSummary {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub run_at: DateTime<Utc>,
    pub attempt: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub lease_expires_at: Option<DateTime<Utc>>,
    pub locked_by: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobPage {
    pub jobs: Vec<JobSummary>,
    pub page: i64,
    pub more: bool,
    /// Jobs per status (queued, running, failed, dead).
    pub counts: Vec<(String, i64)>,
}

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

/// A deploy target as admins see it (the webhook secret is never sent back).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetView {
    pub id: Uuid,
    pub service: String,
    pub environment: String,
    pub kind: String,
    pub program: Option<String>,
    pub args: Vec<String>,
    pub url: Option<String>,
    pub has_secret: bool,
    pub timeout_seconds: i32,
    pub health_url: Option<String>,
    pub health_status: i32,
    pub health_command: Option<String>,
    pub live_version: Option<String>,
}

/// What an admin saves for a target.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetInput {
    pub service: String,
    pub environment: String,
    pub kind: String,
    #[serde(default)]
    pub program: String,
    /// One argument per line.
    #[serde(default)]
    pub args: String,
    #[serde(default)]
    pub url: String,
    /// Empty keeps the stored secret.
    #[serde(default)]
    pub secret: String,
    #[serde(default)]
    pub timeout_seconds: String,
    #[serde(default)]
    pub health_url: String,
    #[serde(default)]
    pub health_status: String,
    #[serde(default)]
    pub health_command: String,
}

impl TargetInput {
    /// The target editor as a plain HTML form posts it (arguments one a
    /// line, as typed).
    pub fn from_fields(fields: &crate::domain::Fields) -> Self {
        Self {
            service: fields.text("service"),
            environment: fields.text("environment"),
            kind: fields.text("kind"),
            program: fields.text("program"),
            args: fields.text("args"),
            url: fields.text("url"),
            secret: fields.text("secret"),
            timeout_seconds: fields.text("timeout_seconds"),
            health_url: fields.text("health_url"),
            health_status: fields.text("health_status"),
            health_command: fields.text("health_command"),
        }
    }
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
