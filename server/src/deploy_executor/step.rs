//! Running one step of a deployment: a timed pause comes back later, a
//! pause for a person pauses the deployment, a step that raises traffic
//! holds while a trigger is in breach, any other step calls the target; the
//! outcome advances the deployment, or fails the step and rolls it back.

use super::{app_error, deployment_id, load, target, Engine, Loaded};
use crate::jobs::{Handler, JobContext, JobError};
use app::domain::deploy::{DeploymentState, Step};
use app::services::deployments as service;
use app::services::jobs;
use app::services::Actor;
use chrono::Utc;
use sqlx::PgConnection;
use std::sync::Arc;

/// Runs one step of a deployment.
pub(super) struct StepHandler(pub(super) Arc<Engine>);

#[async_trait::async_trait]
impl Handler for StepHandler {
    async fn run(&self, cx: &JobContext) -> Result<(), JobError> {
        let engine = &self.0;
        let id = deployment_id(cx)?;
        let position = cx.job.payload["position"].as_i64().unwrap_or(-1) as i32;
        let generation = cx.job.payload["generation"].as_i64().unwrap_or(-1) as i32;
        let wake = cx.job.payload["wake"].as_bool().unwrap_or(false);
        let mut conn = engine.pool.acquire().await?;
        let d = load(&mut conn, id, false).await?;
        drop(conn);
        // A stale job (paused, promoted, aborted or already past this step) does nothing.
        if d.state() != DeploymentState::Running
            || d.generation != generation
            || d.current_step != position
        {
            return Ok(());
        }
        let plan = d.plan()?;
        let Some(step) = plan.get(position as usize).cloned() else {
            return Ok(());
        };
        let out = d.output(&engine.pool);
        let mut conn = engine.pool.acquire().await?;
        service::mark_step_running(&mut conn, id, position).await?;
        drop(conn);

        match &step {
            Step::Pause {
                seconds: Some(seconds),
            } if !wake => {
                // Come back when the pause is over (or when a person promotes).
                let mut tx = engine.pool.begin().await?;
                cx.complete_in(&mut tx).await?;
                let at = Utc::now() + chrono::Duration::seconds(i64::from(*seconds));
                jobs::enqueue(
                    &mut tx,
                    service::step_wake_job(id, position, generation, at),
                )
                .await?;
                service::log(
                    &mut tx,
                    id,
                    "info",
                    &format!("Step {}: {}", position + 1, step.describe()),
                )
                .await?;
                app::services::audit::commit(tx).await?;
                return Ok(());
            }
            Step::Pause { seconds: None } => {
                let mut tx = engine.pool.begin().await?;
                let locked = load(&mut tx, id, true).await?;
                cx.complete_in(&mut tx).await?;
                if locked.state() == DeploymentState::Running && locked.current_step == position {
                    service::pause(
                        &mut tx,
                        id,
                        &format!("Waiting at {} % for a person to promote", locked.weight),
                    )
                    .await
                    .map_err(app_error)?;
                    service::log(
                        &mut tx,
                        id,
                        "info",
                        &format!("Step {}: waiting for a person to promote.", position + 1),
                    )
                    .await?;
                }
                app::services::audit::commit(tx).await?;
                return Ok(());
            }
            _ => {}
        }

        // A step that raises traffic waits while a trigger is in breach: it
        // goes on when the breach clears, or the trigger fires first (its
        // sustained rule alone let a canary climb 10 → 25 → 50 % at 3.5×
        // the threshold).
        let before = d.weight.max(0) as u32;
        if step.weight_after(before) > before {
            let mut conn = engine.pool.acquire().await?;
            let breach = service::breaching(&mut conn, id).await.map_err(app_error)?;
            drop(conn);
            if let Some(breach) = breach {
                let held = cx.job.payload["held"].as_i64().unwrap_or(0) + 1;
                let mut tx = engine.pool.begin().await?;
                cx.complete_in(&mut tx).await?;
                let job = service::step_held_job(
                    id,
                    position,
                    generation,
                    held,
                    Utc::now() + chrono::Duration::seconds(HOLD_RECHECK_SECONDS),
                );
                jobs::enqueue(&mut tx, job).await?;
                if held == 1 {
                    service::log(
                        &mut tx,
                        id,
                        "warn",
                        &format!(
                            "Step {}: holding at {before} % while a rollback trigger is in breach ({breach}); \
                             it goes on when the breach clears, or the trigger fires.",
                            position + 1
                        ),
                    )
                    .await?;
                }
                app::services::audit::commit(tx).await?;
                return Ok(());
            }
        }

        let outcome = match &step {
            Step::Pause { .. } => Ok(()),
            Step::HealthCheck => match d.target() {
                Ok(target) => {
                    let call = d.call(
                        "health_check",
                        position,
                        step.kind(),
                        d.weight as u32,
                        format!("{id}:{position}:health"),
                    );
                    target::health(&engine.http, &target, &call, &out).await
                }
                Err(e) => Err(e),
            },
            _ => match d.target() {
                Ok(target) => {
                    let action = step.action().unwrap_or("deploy");
                    out.info(&format!("Step {}: {}", position + 1, step.describe()))
                        .await;
                    let call = d.call(
                        action,
                        position,
                        step.kind(),
                        step.target_weight(),
                        format!("{id}:{position}:{action}"),
                    );
                    target::invoke(&engine.http, &target, &call, &out).await
                }
                Err(e) => Err(e),
            },
        };
        if cx.lease_lost() {
            return Err(JobError::LeaseLost);
        }

        let mut tx = engine.pool.begin().await?;
        let locked = load(&mut tx, id, true).await?;
        cx.complete_in(&mut tx).await?;
        if locked.current_step != position || locked.generation != generation {
            // Someone else already moved it on (a promote during a pause).
            app::services::audit::commit(tx).await?;
            return Ok(());
        }
        match outcome {
            Ok(()) => advance(&mut tx, &locked, position, &step, plan.len()).await?,
            Err(why) => {
                service::mark_step_failed(&mut tx, id, position).await?;
                let reason = format!("Step {} ({}) failed: {why}", position + 1, step.describe());
                if locked.state().can_become(DeploymentState::RollingBack) {
                    service::finish(
                        &mut tx,
                        id,
                        DeploymentState::RollingBack,
                        &Actor::System,
                        &reason,
                    )
                    .await
                    .map_err(app_error)?;
                } else {
                    service::log(&mut tx, id, "error", &reason).await?;
                }
            }
        }
        app::services::audit::commit(tx).await?;
        Ok(())
    }
}

/// How often a step held by a breaching trigger looks again.
const HOLD_RECHECK_SECONDS: i64 = 2;

/// Records step `position` done (once), moves the weight, and enqueues the
/// next step or finishes the deployment.
async fn advance(
    tx: &mut PgConnection,
    d: &Loaded,
    position: i32,
    step: &Step,
    total: usize,
) -> Result<(), JobError> {
    if !service::mark_step_done(tx, d.id, position).await? {
        return Ok(());
    }
    let weight = step.weight_after(d.weight.max(0) as u32) as i32;
    service::move_to_step(tx, d.id, position + 1, weight).await?;
    service::log(
        tx,
        d.id,
        "info",
        &format!(
            "Step {} done: {} (weight {weight} %)",
            position + 1,
            step.describe()
        ),
    )
    .await?;
    if position as usize + 1 >= total {
        if d.state() == DeploymentState::Running {
            service::finish(tx, d.id, DeploymentState::Succeeded, &Actor::System, "")
                .await
                .map_err(app_error)?;
        }
    } else if d.state() == DeploymentState::Running {
        jobs::enqueue(tx, service::step_job(d.id, position + 1, d.generation)).await?;
    }
    Ok(())
}
