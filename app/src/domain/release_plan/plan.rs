//! A release's plan as saved: prerequisites, the risk assessment, rollback
//! steps, communication and testing gates, with their vocabularies and the
//! seed's standard gates.

use crate::domain::change_request::vocabulary;
use crate::domain::risk::{Likelihood, RiskImpact};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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

impl Plan {
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
