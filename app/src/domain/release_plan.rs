//! Filing a release and writing its plan: the rules shared by the browser
//! forms and the server, and who may move a release through its machine.
//!
//! Over 500 lines: its split by concern is part of issue 13's structural pass.

use super::change_request::vocabulary;
use super::cr_form::parse_local_datetime;
use super::permission::Permission;
use super::release::{ReleaseStatus, ReleaseType, Version};
use super::risk::{Likelihood, RiskImpact};
use super::role::Roles;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

vocabulary!(
    PrerequisiteKind {
        Database => "database", "Database",
        Infrastructure => "infrastructure", "Infrastructure",
        ThirdParty => "third_party", "Third party",
        Compliance => "compliance", "Compliance",
    }
);

vocabulary!(
    PrerequisiteStatus {
        Pending => "pending", "Pending",
        Completed => "completed", "Completed",
        Failed => "failed", "Failed",
    }
);

vocabulary!(
    /// What happens when a rollback step fails.
    StepOnFailure {
        Stop => "stop", "Stop",
        Continue => "continue", "Continue",
        ManualIntervention => "manual_intervention", "Manual intervention",
    }
);

vocabulary!(
    /// What a failed testing gate does to a deployment.
    GateOnFailure {
        Block => "block", "Block",
        Warn => "warn", "Warn",
        Ignore => "ignore", "Ignore",
    }
);

/// Field errors keyed by field name (`prerequisites.0.deadline` for rows).
pub type FieldErrors = BTreeMap<String, String>;

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
    pub fn from_fields(fields: &super::Fields) -> Self {
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

fn keys(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = list
        .iter()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn text(value: &str, max: usize, empty: &str, field_name: &str) -> Result<String, String> {
    let value = value.trim();
    match value.chars().count() {
        0 if !empty.is_empty() => Err(empty.to_string()),
        n if n > max => Err(format!("{field_name} is at most {max} characters.")),
        _ => Ok(value.to_string()),
    }
}

fn optional_time(value: &str) -> Result<Option<DateTime<Utc>>, String> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        parse_local_datetime(value).map(Some)
    }
}

fn minutes(value: &str) -> Result<i32, String> {
    match value.trim().parse::<i32>() {
        Ok(n) if (1..=1440).contains(&n) => Ok(n),
        _ => Err("Enter a timeout between 1 and 1440 minutes.".into()),
    }
}

/// Collects the first error per field.
#[derive(Default)]
struct Errors(FieldErrors);

impl Errors {
    fn take<T>(&mut self, field: impl Into<String>, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.0.entry(field.into()).or_insert(message);
                None
            }
        }
    }

    fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
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

/// A prerequisite as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PrerequisiteInput {
    pub kind: String,
    pub description: String,
    pub status: String,
    pub owner: String,
    pub deadline: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RiskInput {
    /// Empty when the release has not been assessed.
    pub impact: String,
    pub likelihood: String,
    /// One per line.
    pub mitigations: String,
    pub contingencies: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RollbackStepInput {
    pub description: String,
    pub command: String,
    pub verification: String,
    pub timeout_minutes: String,
    pub on_failure: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CommunicationInput {
    pub audience: String,
    pub channel: String,
    pub timing: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct GateInput {
    pub environment: String,
    pub name: String,
    /// Comma-separated suite names.
    pub suites: String,
    pub required: bool,
    pub timeout_minutes: String,
    pub on_failure: String,
}

/// The whole release plan as typed; saved at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PlanInput {
    pub prerequisites: Vec<PrerequisiteInput>,
    pub risk: RiskInput,
    pub rollback_steps: Vec<RollbackStepInput>,
    pub communication: Vec<CommunicationInput>,
    pub gates: Vec<GateInput>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Prerequisite {
    pub kind: PrerequisiteKind,
    pub description: String,
    pub status: PrerequisiteStatus,
    pub owner: String,
    pub deadline: Option<DateTime<Utc>>,
}

impl Prerequisite {
    /// Still pending after its deadline.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.status == PrerequisiteStatus::Pending && self.deadline.is_some_and(|d| d < now)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RiskAssessment {
    pub impact: RiskImpact,
    pub likelihood: Likelihood,
    pub mitigations: Vec<String>,
    pub contingencies: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RollbackStep {
    pub description: String,
    pub command: Option<String>,
    pub verification: String,
    pub timeout_minutes: i32,
    pub on_failure: StepOnFailure,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Communication {
    pub audience: String,
    pub channel: String,
    pub timing: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Gate {
    pub environment: String,
    pub name: String,
    pub suites: Vec<String>,
    pub required: bool,
    pub timeout_minutes: i32,
    pub on_failure: GateOnFailure,
}

/// A release plan that passed every rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Plan {
    pub prerequisites: Vec<Prerequisite>,
    pub risk: Option<RiskAssessment>,
    pub rollback_steps: Vec<RollbackStep>,
    pub communication: Vec<Communication>,
    pub gates: Vec<Gate>,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches(['-', '*', '•']).trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";

impl PlanInput {
    /// Checks the plan against the release's target environments.
    pub fn validate(&self, environments: &[String]) -> Result<Plan, FieldErrors> {
        let mut e = Errors::default();
        let mut prerequisites = Vec::new();
        for (i, p) in self.prerequisites.iter().enumerate() {
            let f = |name: &str| format!("prerequisites.{i}.{name}");
            let kind = e.take(f("kind"), PrerequisiteKind::parse(&p.kind));
            let description = e.take(
                f("description"),
                text(
                    &p.description,
                    500,
                    "Describe the prerequisite.",
                    "A description",
                ),
            );
            let status = e.take(
                f("status"),
                if p.status.trim().is_empty() {
                    Ok(PrerequisiteStatus::Pending)
                } else {
                    PrerequisiteStatus::parse(&p.status)
                },
            );
            let owner = e.take(f("owner"), text(&p.owner, 200, "", "An owner"));
            let deadline = e.take(f("deadline"), optional_time(&p.deadline));
            if let (Some(kind), Some(description), Some(status), Some(owner), Some(deadline)) =
                (kind, description, status, owner, deadline)
            {
                prerequisites.push(Prerequisite {
                    kind,
                    description,
                    status,
                    owner,
                    deadline,
                });
            }
        }
        let r = &self.risk;
        let assessed = [&r.impact, &r.likelihood, &r.mitigations, &r.contingencies]
            .iter()
            .any(|v| !v.trim().is_empty());
        let risk = if assessed {
            let impact = e.take("risk.impact", RiskImpact::parse(&r.impact));
            let likelihood = e.take("risk.likelihood", Likelihood::parse(&r.likelihood));
            impact
                .zip(likelihood)
                .map(|(impact, likelihood)| RiskAssessment {
                    impact,
                    likelihood,
                    mitigations: lines(&r.mitigations),
                    contingencies: lines(&r.contingencies),
                })
        } else {
            None
        };
        let mut rollback_steps = Vec::new();
        for (i, s) in self.rollback_steps.iter().enumerate() {
            let f = |name: &str| format!("rollback_steps.{i}.{name}");
            let description = e.take(
                f("description"),
                text(&s.description, 500, "Describe the step.", "A description"),
            );
            let command = e.take(f("command"), text(&s.command, 2000, "", "A command"));
            let verification = e.take(
                f("verification"),
                text(
                    &s.verification,
                    500,
                    "Say how to verify the step worked.",
                    "A verification",
                ),
            );
            let timeout = e.take(f("timeout_minutes"), minutes(&s.timeout_minutes));
            let on_failure = e.take(f("on_failure"), StepOnFailure::parse(&s.on_failure));
            if let (
                Some(description),
                Some(command),
                Some(verification),
                Some(timeout),
                Some(on_failure),
            ) = (description, command, verification, timeout, on_failure)
            {
                rollback_steps.push(RollbackStep {
                    description,
                    command: Some(command).filter(|c| !c.is_empty()),
                    verification,
                    timeout_minutes: timeout,
                    on_failure,
                });
            }
        }
        let mut communication = Vec::new();
        for (i, c) in self.communication.iter().enumerate() {
            let f = |name: &str| format!("communication.{i}.{name}");
            let audience = e.take(
                f("audience"),
                text(&c.audience, 200, "Who is told?", "An audience"),
            );
            let channel = e.take(
                f("channel"),
                text(&c.channel, 200, "Through which channel?", "A channel"),
            );
            let timing = e.take(f("timing"), text(&c.timing, 200, "When?", "A timing"));
            let message = e.take(f("message"), text(&c.message, 2000, "", "A message"));
            if let (Some(audience), Some(channel), Some(timing), Some(message)) =
                (audience, channel, timing, message)
            {
                communication.push(Communication {
                    audience,
                    channel,
                    timing,
                    message,
                });
            }
        }
        let mut gates: Vec<Gate> = Vec::new();
        for (i, g) in self.gates.iter().enumerate() {
            let f = |name: &str| format!("gates.{i}.{name}");
            let environment = g.environment.trim().to_lowercase();
            let environment = e.take(
                f("environment"),
                if environments.contains(&environment) {
                    Ok(environment)
                } else {
                    Err("Choose one of the release's target environments.".to_string())
                },
            );
            let name = e.take(f("name"), text(&g.name, 100, "Name the gate.", "A name"));
            let timeout = e.take(f("timeout_minutes"), minutes(&g.timeout_minutes));
            let on_failure = e.take(f("on_failure"), GateOnFailure::parse(&g.on_failure));
            if let (Some(environment), Some(name)) = (&environment, &name) {
                if gates
                    .iter()
                    .any(|x| &x.environment == environment && x.name.eq_ignore_ascii_case(name))
                {
                    e.take::<()>(
                        f("name"),
                        Err(format!(
                            "{environment} already has a gate named \"{name}\"."
                        )),
                    );
                    continue;
                }
            }
            if let (Some(environment), Some(name), Some(timeout), Some(on_failure)) =
                (environment, name, timeout, on_failure)
            {
                gates.push(Gate {
                    environment,
                    name,
                    suites: keys(&g.suites.split(',').map(str::to_string).collect::<Vec<_>>()),
                    required: g.required,
                    timeout_minutes: timeout,
                    on_failure,
                });
            }
        }
        e.finish(|| Plan {
            prerequisites,
            risk,
            rollback_steps,
            communication,
            gates,
        })
    }
}

impl Plan {
    /// The plan back as form input, for editing.
    pub fn to_input(&self) -> PlanInput {
        let time = |t: &Option<DateTime<Utc>>| {
            t.map(|t| t.format(LOCAL_FORMAT).to_string())
                .unwrap_or_default()
        };
        PlanInput {
            prerequisites: self
                .prerequisites
                .iter()
                .map(|p| PrerequisiteInput {
                    kind: p.kind.as_str().into(),
                    description: p.description.clone(),
                    status: p.status.as_str().into(),
                    owner: p.owner.clone(),
                    deadline: time(&p.deadline),
                })
                .collect(),
            risk: self
                .risk
                .as_ref()
                .map(|r| RiskInput {
                    impact: r.impact.as_str().into(),
                    likelihood: r.likelihood.as_str().into(),
                    mitigations: r.mitigations.join("\n"),
                    contingencies: r.contingencies.join("\n"),
                })
                .unwrap_or_default(),
            rollback_steps: self
                .rollback_steps
                .iter()
                .map(|s| RollbackStepInput {
                    description: s.description.clone(),
                    command: s.command.clone().unwrap_or_default(),
                    verification: s.verification.clone(),
                    timeout_minutes: s.timeout_minutes.to_string(),
                    on_failure: s.on_failure.as_str().into(),
                })
                .collect(),
            communication: self
                .communication
                .iter()
                .map(|c| CommunicationInput {
                    audience: c.audience.clone(),
                    channel: c.channel.clone(),
                    timing: c.timing.clone(),
                    message: c.message.clone(),
                })
                .collect(),
            gates: self
                .gates
                .iter()
                .map(|g| GateInput {
                    environment: g.environment.clone(),
                    name: g.name.clone(),
                    suites: g.suites.join(", "),
                    required: g.required,
                    timeout_minutes: g.timeout_minutes.to_string(),
                    on_failure: g.on_failure.as_str().into(),
                })
                .collect(),
        }
    }

    /// The seed's standard gates for the environments a release targets:
    /// unit tests before dev; integration, end-to-end and performance tests
    /// before staging.
    pub fn default_gates(environments: &[String]) -> Vec<Gate> {
        let gate = |env: &str, name: &str, suites: &[&str], required, timeout, on_failure| Gate {
            environment: env.to_string(),
            name: name.to_string(),
            suites: suites.iter().map(|s| s.to_string()).collect(),
            required,
            timeout_minutes: timeout,
            on_failure,
        };
        let mut gates = Vec::new();
        if environments.iter().any(|e| e == "dev") {
            gates.push(gate(
                "dev",
                "Unit Tests",
                &["unit-tests", "component-tests"],
                true,
                10,
                GateOnFailure::Block,
            ));
        }
        if environments.iter().any(|e| e == "staging") {
            gates.push(gate(
                "staging",
                "Integration Tests",
                &["api-tests", "database-tests"],
                true,
                20,
                GateOnFailure::Block,
            ));
            gates.push(gate(
                "staging",
                "E2E Tests",
                &["user-journey-tests", "critical-path-tests"],
                true,
                30,
                GateOnFailure::Warn,
            ));
            gates.push(gate(
                "staging",
                "Performance Tests",
                &["load-tests", "stress-tests"],
                false,
                60,
                GateOnFailure::Warn,
            ));
        }
        gates
    }
}

/// What a person may do to a release by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReleaseAction {
    Approve,
    StartDeploying,
    MarkDeployed,
    MarkFailed,
    MarkRolledBack,
}

impl ReleaseAction {
    pub const ALL: &'static [ReleaseAction] = &[
        ReleaseAction::Approve,
        ReleaseAction::StartDeploying,
        ReleaseAction::MarkDeployed,
        ReleaseAction::MarkFailed,
        ReleaseAction::MarkRolledBack,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseAction::Approve => "approve",
            ReleaseAction::StartDeploying => "start_deploying",
            ReleaseAction::MarkDeployed => "mark_deployed",
            ReleaseAction::MarkFailed => "mark_failed",
            ReleaseAction::MarkRolledBack => "mark_rolled_back",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReleaseAction::Approve => "Approve",
            ReleaseAction::StartDeploying => "Start deploying",
            ReleaseAction::MarkDeployed => "Mark deployed",
            ReleaseAction::MarkFailed => "Mark failed",
            ReleaseAction::MarkRolledBack => "Mark rolled back",
        }
    }

    pub fn parse(input: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == input.trim())
            .ok_or_else(|| format!("\"{}\" is not a release action.", input.trim()))
    }

    /// The status this action moves a release to.
    pub fn target(self) -> ReleaseStatus {
        match self {
            ReleaseAction::Approve => ReleaseStatus::Approved,
            ReleaseAction::StartDeploying => ReleaseStatus::Deploying,
            ReleaseAction::MarkDeployed => ReleaseStatus::Deployed,
            ReleaseAction::MarkFailed => ReleaseStatus::Failed,
            ReleaseAction::MarkRolledBack => ReleaseStatus::RolledBack,
        }
    }
}

/// Why a release action was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReleaseRefusal {
    /// The status machine does not allow it.
    State(String),
    /// The person may not do it.
    Permission(String),
}

impl ReleaseRefusal {
    pub fn message(&self) -> &str {
        match self {
            ReleaseRefusal::State(m) | ReleaseRefusal::Permission(m) => m,
        }
    }
}

impl ReleaseAction {
    /// The permission this action needs, before which release it is
    /// matters: approvers approve; recording a deployment by hand is for
    /// those who deploy anywhere (release managers, administrators).
    pub fn permission(self) -> Permission {
        match self {
            ReleaseAction::Approve => Permission::Approve,
            _ => Permission::Deploy { protected: true },
        }
    }

    /// What a person without `permission()` is told.
    pub fn refusal(self) -> &'static str {
        match self {
            ReleaseAction::Approve => "Only approvers approve releases.",
            _ => "Only release managers record deployments.",
        }
    }
}

/// Decides whether `actor` may apply `action` to a release in `status`
/// that `creator` filed: the status machine first, then the role (approvers
/// approve, and not their own release; release managers record deployments).
pub fn decide_release(
    status: ReleaseStatus,
    creator: Uuid,
    actor: Uuid,
    roles: &Roles,
    action: ReleaseAction,
) -> Result<ReleaseStatus, ReleaseRefusal> {
    let to = status
        .transition(action.target())
        .map_err(ReleaseRefusal::State)?;
    let refuse = |m: &str| Err(ReleaseRefusal::Permission(m.to_string()));
    if !roles.may(action.permission()) {
        return refuse(action.refusal());
    }
    if action == ReleaseAction::Approve && actor == creator {
        return refuse("Nobody approves their own release.");
    }
    Ok(to)
}

#[cfg(test)]
#[path = "release_plan_tests.rs"]
mod tests;
