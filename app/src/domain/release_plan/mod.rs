//! Filing a release and writing its plan: the rules shared by the browser
//! forms and the server, and who may move a release through its machine.
//!
//! [`filing`] checks a new release as typed, [`plan_input`] a plan as typed
//! into a [`plan::Plan`] (with [`checks`] the field checks both share), and
//! [`actions`] decides the release actions people take by hand. Everything
//! is re-exported here, so `domain::release_plan::X` names it whichever
//! file holds it.

use std::collections::BTreeMap;

pub mod actions;
mod checks;
pub mod filing;
pub mod plan;
pub mod plan_input;

/// Field errors keyed by field name (`prerequisites.0.deadline` for rows).
pub type FieldErrors = BTreeMap<String, String>;

pub use actions::{decide_release, ReleaseAction, ReleaseRefusal};
pub use filing::{parse_cr_numbers, ReleaseInput, ValidRelease};
pub use plan::{
    Communication, Gate, GateOnFailure, Plan, Prerequisite, PrerequisiteKind, PrerequisiteStatus,
    RiskAssessment, RollbackStep, StepOnFailure,
};
pub use plan_input::{
    CommunicationInput, GateInput, PlanInput, PrerequisiteInput, RiskInput, RollbackStepInput,
};

// What the unit tests (written against the single file this was) use
// besides the items above.
#[cfg(test)]
use crate::domain::{release::ReleaseStatus, role::Roles};
#[cfg(test)]
use chrono::Utc;
#[cfg(test)]
use uuid::Uuid;

#[cfg(test)]
#[path = "../release_plan_tests.rs"]
mod tests;
