//! The checks a deployment must pass before it starts: the release's
//! status, the environment, linked change requests, freezes, gates, the
//! promotion path, the target and other deployments in flight.

use crate::domain::change_request::{vocabulary, ChangeClass, CrStatus};
use crate::domain::release::ReleaseStatus;
use serde::{Deserialize, Serialize};

vocabulary!(
    GateOutcome {
        Passed => "passed", "Passed",
        Failed => "failed", "Failed",
        Expired => "expired", "Expired",
    }
);

vocabulary!(
    GateRule {
        Block => "block", "Block",
        Warn => "warn", "Warn",
        Ignore => "ignore", "Ignore",
    }
);

/// A testing gate for the deployment's environment and its latest result.
#[derive(Clone, Debug, PartialEq)]
pub struct GateFact {
    pub name: String,
    pub required: bool,
    pub rule: GateRule,
    pub latest: Option<GateOutcome>,
}

/// A change request linked to the release.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkedCr {
    pub number: i64,
    pub status: CrStatus,
    pub class: ChangeClass,
}

/// Everything a deployment's start depends on, read in one transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct StartFacts {
    pub release_status: ReleaseStatus,
    pub environment: String,
    pub environment_known: bool,
    pub environment_in_release: bool,
    pub protected: bool,
    pub linked: Vec<LinkedCr>,
    /// The title of a freeze window covering the environment now.
    pub freeze: Option<String>,
    pub gates: Vec<GateFact>,
    /// The environment before this one on the release's promotion path and
    /// whether this release has been deployed there.
    pub previous: Option<(String, bool)>,
    pub has_target: bool,
    /// Another deployment of the service to this environment still running.
    pub in_flight: Option<i64>,
    /// Warn gates the person acknowledged in this request.
    pub acknowledged: Vec<String>,
    /// Unreported block gates may be waited for instead of refusing.
    pub wait_for_gates: bool,
}

/// The result of the checks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StartDecision {
    /// Why it may not start (409); empty when it may.
    pub refusals: Vec<String>,
    /// Block gates not reported yet that the deployment will wait for.
    pub waiting_for: Vec<String>,
    /// The emergency change that lets it through a freeze (audited).
    pub freeze_override: Option<i64>,
    /// Warn gates not passed that the person acknowledged (recorded).
    pub acknowledged: Vec<String>,
}

/// Whether a deployment may start, and why not. All reasons are listed, so
/// the person can fix everything at once.
pub fn check_start(facts: &StartFacts) -> StartDecision {
    let mut decision = StartDecision::default();
    let refuse = |d: &mut StartDecision, why: String| d.refusals.push(why);
    let env = &facts.environment;
    if !facts.environment_known {
        refuse(
            &mut decision,
            format!("There is no environment called \"{env}\"."),
        );
        return decision;
    }
    if !matches!(
        facts.release_status,
        ReleaseStatus::Approved | ReleaseStatus::Deployed
    ) {
        refuse(
            &mut decision,
            format!(
                "The release is {}; it must be approved before it is deployed.",
                facts.release_status.label().to_lowercase()
            ),
        );
    }
    if !facts.environment_in_release {
        refuse(
            &mut decision,
            format!(
                "The release does not target {env}; add it to the release's environments first."
            ),
        );
    }
    if !facts.has_target {
        refuse(
            &mut decision,
            format!("No deploy target is configured for this service in {env}; an administrator sets one up under Deploy targets."),
        );
    }
    if let Some(number) = facts.in_flight {
        refuse(
            &mut decision,
            format!("Deployment D-{number} of this service to {env} is still in progress."),
        );
    }
    let cleared = |s: CrStatus| {
        matches!(
            s,
            CrStatus::Approved | CrStatus::Scheduled | CrStatus::Implementing
        )
    };
    if facts.protected && !facts.linked.iter().any(|c| cleared(c.status)) {
        refuse(
            &mut decision,
            format!(
                "{env} is protected: link an approved or scheduled change request to the release."
            ),
        );
    }
    if let Some(freeze) = &facts.freeze {
        let emergency = facts
            .linked
            .iter()
            .find(|c| c.class == ChangeClass::Emergency && cleared(c.status));
        match emergency {
            Some(cr) => decision.freeze_override = Some(cr.number),
            None => refuse(
                &mut decision,
                format!("The freeze window \"{freeze}\" covers {env}; only an approved emergency change may deploy during it."),
            ),
        }
    }
    if let Some((previous, reached)) = &facts.previous {
        if !reached {
            refuse(
                &mut decision,
                format!("The release has not been deployed to {previous} yet, which comes before {env} in the promotion order."),
            );
        }
    }
    for gate in &facts.gates {
        let passed = gate.latest == Some(GateOutcome::Passed);
        if passed || gate.rule == GateRule::Ignore {
            continue;
        }
        let state = match gate.latest {
            None => "has not reported".to_string(),
            Some(outcome) => format!("is {}", outcome.label().to_lowercase()),
        };
        match gate.rule {
            GateRule::Block if gate.required => {
                if gate.latest.is_none() && facts.wait_for_gates {
                    decision.waiting_for.push(gate.name.clone());
                } else {
                    refuse(
                        &mut decision,
                        format!("The required gate \"{}\" {state}; it blocks deployment until it passes.", gate.name),
                    );
                }
            }
            GateRule::Block | GateRule::Warn => {
                if facts.acknowledged.iter().any(|a| a == &gate.name) {
                    decision.acknowledged.push(gate.name.clone());
                } else {
                    refuse(
                        &mut decision,
                        format!(
                            "The gate \"{}\" {state}; acknowledge the warning to deploy anyway.",
                            gate.name
                        ),
                    );
                }
            }
            GateRule::Ignore => {}
        }
    }
    decision
}

#[cfg(test)]
#[path = "start_tests.rs"]
mod tests;
