//! Deployments: strategies and the step plans they produce ([`plan`]), the
//! deployment state machine and how its states read ([`state`]), rollback
//! triggers and their evaluation ([`triggers`]), and the checks a deployment
//! must pass before it starts ([`start`]). Pure: the engine in the `rookery`
//! crate and the pages both use these rules. Everything is re-exported
//! here, so `domain::deploy::X` names it whichever file holds it.

use std::collections::BTreeMap;

pub mod plan;
pub mod start;
pub mod state;
pub mod triggers;

/// Field name → message.
pub type FieldErrors = BTreeMap<String, String>;

pub use plan::{duration_words, plan, CanaryStep, Step, Strategy, StrategyParams};
pub use start::{
    check_start, GateFact, GateOutcome, GateRule, LinkedCr, StartDecision, StartFacts,
};
pub use state::{DeploymentPhase, DeploymentState, ManualAction};
pub use triggers::{
    evaluate, MetricSource, Operator, Reading, TriggerAction, TriggerSpec, Verdict,
};
