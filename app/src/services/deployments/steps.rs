//! What the deploy executor reads and records while it runs a deployment:
//! the deployment with its target's settings, each step's status and the
//! position and weight it has reached, and the release's rollback steps.

use crate::domain::deploy::DeploymentState;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// A deployment as the executor needs it: where it is in its plan, and the
/// settings of the deploy target it runs on (none when the target was
/// removed).
#[derive(Clone, Debug)]
pub struct Execution {
    pub id: Uuid,
    pub number: i64,
    pub state: String,
    pub current_step: i32,
    pub generation: i32,
    pub steps: serde_json::Value,
    pub params: serde_json::Value,
    pub version: String,
    pub previous_version: Option<String>,
    pub environment: String,
    pub release_id: Uuid,
    pub service: String,
    pub weight: i32,
    pub bake_until: Option<DateTime<Utc>>,
    pub inconclusive_limit: i32,
    pub kind: Option<String>,
    pub program: Option<String>,
    pub args: Option<Vec<String>>,
    pub url: Option<String>,
    pub secret: Option<String>,
    pub timeout_seconds: Option<i32>,
    pub health_url: Option<String>,
    pub health_status: Option<i32>,
    pub health_command: Option<String>,
    pub sim_error_rate: Option<f64>,
    pub sim_latency_p95: Option<f64>,
    pub sim_noise: Option<f64>,
}

impl Execution {
    /// The stored state; one that does not parse reads as failed, so the
    /// executor leaves the deployment alone.
    pub fn state(&self) -> DeploymentState {
        DeploymentState::parse(&self.state).unwrap_or(DeploymentState::Failed)
    }
}

/// Deployment `id` as the executor needs it, without a lock (to call
/// targets with no transaction open).
pub async fn execution(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Option<Execution>, sqlx::Error> {
    // The same columns as `lock_execution`.
    sqlx::query_as!(
        Execution,
        r#"select d.id, d.number, d.state, d.current_step, d.generation, d.steps, d.params, d.version,
                  d.previous_version, d.environment, d.release_id, s.key as service, d.weight, d.bake_until,
                  d.inconclusive_limit, t.kind as "kind?", t.program, t.args as "args?", t.url, t.secret,
                  t.timeout_seconds as "timeout_seconds?", t.health_url, t.health_status as "health_status?",
                  t.health_command, t.sim_error_rate as "sim_error_rate?",
                  t.sim_latency_p95 as "sim_latency_p95?", t.sim_noise as "sim_noise?"
           from deployment d join service s on s.id = d.service_id
           left join deploy_target t on t.id = d.target_id
           where d.id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// Deployment `id` as the executor needs it, locked until the transaction
/// ends (to record what a target call did).
pub async fn lock_execution(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Option<Execution>, sqlx::Error> {
    // The same columns as `execution`.
    sqlx::query_as!(
        Execution,
        r#"select d.id, d.number, d.state, d.current_step, d.generation, d.steps, d.params, d.version,
                  d.previous_version, d.environment, d.release_id, s.key as service, d.weight, d.bake_until,
                  d.inconclusive_limit, t.kind as "kind?", t.program, t.args as "args?", t.url, t.secret,
                  t.timeout_seconds as "timeout_seconds?", t.health_url, t.health_status as "health_status?",
                  t.health_command, t.sim_error_rate as "sim_error_rate?",
                  t.sim_latency_p95 as "sim_latency_p95?", t.sim_noise as "sim_noise?"
           from deployment d join service s on s.id = d.service_id
           left join deploy_target t on t.id = d.target_id
           where d.id = $1 for update of d"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// Step `position` started (the first time it is tried).
pub async fn mark_step_running(
    conn: &mut PgConnection,
    deployment: Uuid,
    position: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update deployment_step set status = 'running', started_at = coalesce(started_at, now())
         where deployment_id = $1 and position = $2 and status = 'pending'",
        deployment,
        position
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Step `position` failed.
pub async fn mark_step_failed(
    conn: &mut PgConnection,
    deployment: Uuid,
    position: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update deployment_step set status = 'failed', finished_at = now()
         where deployment_id = $1 and position = $2",
        deployment,
        position
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Step `position` is done. False when it already was, so a repeated job
/// never records a step twice.
pub async fn mark_step_done(
    conn: &mut PgConnection,
    deployment: Uuid,
    position: i32,
) -> Result<bool, sqlx::Error> {
    let marked = sqlx::query!(
        "update deployment_step set status = 'done', finished_at = now(), started_at = coalesce(started_at, now())
         where deployment_id = $1 and position = $2 and status <> 'done'",
        deployment,
        position
    )
    .execute(conn)
    .await?
    .rows_affected();
    Ok(marked > 0)
}

/// The deployment goes on to step `next` with `weight` % of the traffic.
pub async fn move_to_step(
    conn: &mut PgConnection,
    deployment: Uuid,
    next: i32,
    weight: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update deployment set current_step = $2, weight = $3, updated_at = now() where id = $1",
        deployment,
        next,
        weight
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One step of a release plan's rollback.
#[derive(Clone, Debug)]
pub struct RollbackStep {
    pub position: i32,
    pub description: String,
    pub command: Option<String>,
    pub verification: String,
    pub timeout_minutes: i32,
    pub on_failure: String,
}

/// The rollback steps of `release`'s plan, in order (none: the previous
/// version is redeployed through the target).
pub async fn rollback_steps(
    conn: &mut PgConnection,
    release: Uuid,
) -> Result<Vec<RollbackStep>, sqlx::Error> {
    sqlx::query_as!(
        RollbackStep,
        "select position, description, command, verification, timeout_minutes, on_failure
         from release_rollback_step where release_id = $1 order by position",
        release
    )
    .fetch_all(conn)
    .await
}
