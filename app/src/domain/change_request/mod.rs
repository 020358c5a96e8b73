//! Change requests: their fields' vocabularies and the workflow from
//! PRODUCT.md (draft → submitted → in_review → approved → scheduled →
//! implementing → validating → closed; rejection and rework; cancel), with
//! who may move them and separation of duties.
//!
//! [`vocabularies`] holds the fields' vocabularies (and the `vocabulary!`
//! macro other domain types use), [`actions`] what a person does to a
//! request, [`workflow`] the machine that decides each action and
//! [`refusal`] why one is refused. Everything is re-exported here, so
//! `domain::change_request::X` names it whichever file holds it.

pub mod actions;
pub mod refusal;
pub mod vocabularies;
pub mod workflow;

#[allow(unused_imports)]
pub(crate) use vocabularies::vocabulary;

pub use actions::CrAction;
pub use refusal::CrError;
pub use vocabularies::{ChangeClass, ChangeType, CrStatus, Impact, Priority, RiskLevel};
pub use workflow::{
    decide, may_edit, required_approvals, review_overdue, CrActor, CrFacts, CrTransition,
};
