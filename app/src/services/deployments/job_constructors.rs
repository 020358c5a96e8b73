//! The jobs the deploy executor runs for a deployment: their kinds, payloads,
//! idempotency keys, attempts and timeouts.

use crate::services::jobs::NewJob;
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

/// Job kinds the engine handles.
pub mod kind {
    pub const STEP: &str = "deploy.step";
    pub const ANALYZE: &str = "deploy.analyze";
    pub const ROLLBACK: &str = "deploy.rollback";
    pub const GATES: &str = "deploy.gates";
    pub const SCALE_UP: &str = "deploy.scale_up";
}

/// The step job for `position` of generation `generation`.
pub fn step_job(deployment: Uuid, position: i32, generation: i32) -> NewJob {
    NewJob::new(
        kind::STEP,
        json!({ "deployment": deployment, "position": position, "generation": generation }),
    )
    .key(format!("step:{deployment}:{position}:{generation}"))
    .attempts(5)
    .timeout(3600)
}

/// The step job that comes back at `at`, when a timed pause at `position`
/// is over.
pub fn step_wake_job(
    deployment: Uuid,
    position: i32,
    generation: i32,
    at: DateTime<Utc>,
) -> NewJob {
    let mut job = step_job(deployment, position, generation).at(at);
    job.payload["wake"] = json!(true);
    job.idempotency_key = Some(format!("step:{deployment}:{position}:{generation}:wake"));
    job
}

/// The step job that looks again at `at` whether the step at `position`,
/// held by a breaching trigger for the `held`-th time, may go on.
pub fn step_held_job(
    deployment: Uuid,
    position: i32,
    generation: i32,
    held: i64,
    at: DateTime<Utc>,
) -> NewJob {
    let mut job = step_job(deployment, position, generation).at(at);
    job.payload["held"] = json!(held);
    job.idempotency_key = Some(format!(
        "step:{deployment}:{position}:{generation}:held:{held}"
    ));
    job
}

/// The analysis tick `tick` (every trigger evaluation interval).
pub fn analyze_job(deployment: Uuid, tick: i64) -> NewJob {
    NewJob::new(
        kind::ANALYZE,
        json!({ "deployment": deployment, "tick": tick }),
    )
    .key(format!("analyze:{deployment}:{tick}"))
    .attempts(5)
    .timeout(120)
}

/// Rolls the deployment back (one per deployment).
pub fn rollback_job(deployment: Uuid) -> NewJob {
    NewJob::new(kind::ROLLBACK, json!({ "deployment": deployment }))
        .key(format!("rollback:{deployment}"))
        .attempts(5)
        .timeout(86_400)
}

/// Asks the target to scale up, because a trigger said so (`reason`).
pub fn scale_up_job(deployment: Uuid, reason: &str) -> NewJob {
    NewJob::new(
        kind::SCALE_UP,
        json!({ "deployment": deployment, "reason": reason }),
    )
    .attempts(3)
    .timeout(3600)
}

/// Re-checks a waiting deployment's gates; `nonce` tells apart the checks
/// of one deployment (start, expiry, each report).
pub(super) fn gates_job(deployment: Uuid, nonce: &str) -> NewJob {
    NewJob::new(kind::GATES, json!({ "deployment": deployment }))
        .key(format!("gates:{deployment}:{nonce}"))
        .attempts(5)
        .timeout(60)
}
