//! Writing a release's plan: each section as typed, checked against the
//! release's environments into a [`Plan`], and a plan back as the form.

use super::checks::{keys, minutes, optional_time, text, Errors};
use super::plan::{
    Communication, Gate, GateOnFailure, Plan, Prerequisite, PrerequisiteKind, PrerequisiteStatus,
    RiskAssessment, RollbackStep, StepOnFailure,
};
use super::FieldErrors;
use crate::domain::risk::{Likelihood, RiskImpact};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
}
