//! Deployments: starting one (every precondition checked in one
//! transaction), its state changes, the manual actions, gates reported by
//! CI, pushed metrics and the simulated fleet, the progress page's data, and
//! every read and write the deploy executor (`rookery::deploy_executor`)
//! needs. Each change, its side effects on the release and change requests,
//! its audit event and the jobs it enqueues commit together. This module is
//! the only owner of the deployment tables; the executor calls targets and
//! metric sources and records what happened through the functions here.
//!
//! | File | Holds |
//! |---|---|
//! | `start.rs` | starting a deployment and its preconditions |
//! | `transitions.rs` | state changes, each checked against `DeploymentState::can_become` |
//! | `effects.rs` | what a change touches besides the deployment: log, release, change requests, notifications |
//! | `manual.rs` | pause, resume, promote, abort, roll back |
//! | `gates.rs` | gate results from CI and the gate check |
//! | `metrics.rs` | pushed metric values and the simulated fleet |
//! | `triggers.rs` | rollback triggers as the executor evaluates them |
//! | `steps.rs` | the executor's view of a deployment and its step records |
//! | `reads.rs` | history, the progress page, the deploy form |
//! | `job_constructors.rs` | the jobs the executor runs |

mod effects;
mod gates;
mod job_constructors;
mod manual;
mod metrics;
mod reads;
mod start;
mod steps;
mod transitions;
mod triggers;

pub use effects::{alert, log, notify};
pub use gates::{check_gates, gates, report_gate};
pub use job_constructors::{
    analyze_job, kind, rollback_job, scale_up_job, step_held_job, step_job, step_wake_job,
};
pub use manual::act;
pub use metrics::{latest_pushed, push_metrics, set_fleet, MetricPush};
pub use reads::{detail, list, log_after, options, rolled_back_for_change};
pub use start::{environment_triggers, start};
pub use steps::{
    execution, lock_execution, mark_step_done, mark_step_failed, mark_step_running, move_to_step,
    rollback_steps, Execution, RollbackStep,
};
pub use transitions::{begin_running, finish, pause};
pub use triggers::{
    breaching, reading_history, record_fired, record_reading, watched_triggers, WatchedTrigger,
};

use super::audit::Actor;
use super::session::SessionUser;
use crate::error::AppError;
use uuid::Uuid;

/// The refusal for a person who may not deploy (to this environment).
fn permission(protected: bool, environment: &str) -> AppError {
    if protected {
        AppError::NotPermitted(format!(
            "{environment} is protected: only release managers and administrators deploy there."
        ))
    } else {
        AppError::NotPermitted("Only engineers, release managers and administrators deploy.".into())
    }
}

/// The user behind an actor, for the `actor_id` columns of event tables.
fn actor_id(actor: &Actor) -> Option<Uuid> {
    match actor {
        Actor::User { id, .. } => Some(*id),
        _ => None,
    }
}

impl From<&SessionUser> for Actor {
    fn from(user: &SessionUser) -> Self {
        user.actor()
    }
}
