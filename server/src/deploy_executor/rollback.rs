//! Rolling a deployment back: the release plan's rollback steps in order
//! (a command target runs their commands and verifications), or the
//! previous version redeployed through the target; the outcome is recorded
//! as rolled back or failed.

use super::target::{self, Kind};
use super::{app_error, deployment_id, load, Engine};
use crate::jobs::{Handler, JobContext, JobError};
use app::domain::deploy::DeploymentState;
use app::services::deployments as service;
use app::services::Actor;
use std::sync::Arc;
use std::time::Duration;

/// Rolls a deployment back: the release plan's rollback steps in order, or
/// the previous version redeployed through the target.
pub(super) struct RollbackHandler(pub(super) Arc<Engine>);

#[async_trait::async_trait]
impl Handler for RollbackHandler {
    async fn run(&self, cx: &JobContext) -> Result<(), JobError> {
        let engine = &self.0;
        let id = deployment_id(cx)?;
        let mut conn = engine.pool.acquire().await?;
        let d = load(&mut conn, id, false).await?;
        if d.state() != DeploymentState::RollingBack {
            return Ok(());
        }
        let steps = service::rollback_steps(&mut conn, d.release_id).await?;
        drop(conn);
        let out = d.output(&engine.pool);
        let target = d.target();
        let mut failure: Option<(DeploymentState, String)> = None;
        if steps.is_empty() {
            let to = d.previous_version.clone();
            out.info(&match &to {
                Some(v) => format!("Rolling back: redeploying {v} through the target."),
                None => "Rolling back: no earlier version is known here; asking the target to remove this one.".into(),
            })
            .await;
            let mut call = d.call(
                "rollback",
                -1,
                "rollback",
                if to.is_some() { 100 } else { 0 },
                format!("{id}:rollback"),
            );
            if let Some(previous) = &to {
                call.version = previous.clone();
                call.previous_version = Some(d.version.clone());
            }
            let result = match &target {
                Ok(target) => target::invoke(&engine.http, target, &call, &out).await,
                Err(e) => Err(e.clone()),
            };
            if let Err(e) = result {
                failure = Some((
                    DeploymentState::Failed,
                    format!("The rollback failed: {e}; needs manual intervention."),
                ));
            }
        } else {
            out.info(&format!(
                "Rolling back with the release plan's {} steps.",
                steps.len()
            ))
            .await;
            for step in &steps {
                let n = step.position + 1;
                out.info(&format!("Rollback step {n}: {}", step.description))
                    .await;
                let timeout = Duration::from_secs(step.timeout_minutes.max(1) as u64 * 60);
                let mut call = d.call(
                    "rollback",
                    step.position,
                    "rollback_step",
                    0,
                    format!("{id}:rollback:{}", step.position),
                );
                if let Some(previous) = &d.previous_version {
                    call.version = previous.clone();
                    call.previous_version = Some(d.version.clone());
                }
                let result = match (
                    &target,
                    step.command.as_deref().filter(|c| !c.trim().is_empty()),
                ) {
                    (Err(e), _) => Err(e.clone()),
                    (Ok(t), Some(command)) if matches!(t.kind, Kind::Command { .. }) => {
                        let ran = target::shell(command, &call, timeout, &out).await;
                        match (ran, step.verification.trim()) {
                            (Ok(()), "") => Ok(()),
                            (Ok(()), check) => target::shell(check, &call, timeout, &out)
                                .await
                                .map_err(|e| format!("verification failed: {e}")),
                            (Err(e), _) => Err(e),
                        }
                    }
                    (Ok(t), _) => {
                        let mut t = t.clone();
                        t.timeout = timeout.min(t.timeout.max(Duration::from_secs(1)));
                        target::invoke(&engine.http, &t, &call, &out).await
                    }
                };
                match result {
                    Ok(()) => out.info(&format!("Rollback step {n} done.")).await,
                    Err(e) => {
                        out.line("error", &format!("Rollback step {n} failed: {e}"))
                            .await;
                        match step.on_failure.as_str() {
                            "continue" => continue,
                            "manual_intervention" => {
                                failure = Some((DeploymentState::Failed, format!("Rollback step {n} failed ({e}); needs manual intervention.")));
                                break;
                            }
                            _ => {
                                failure = Some((DeploymentState::Failed, format!("Rollback step {n} failed ({e}); the rollback stopped there.")));
                                break;
                            }
                        }
                    }
                }
            }
        }
        if cx.lease_lost() {
            return Err(JobError::LeaseLost);
        }
        let mut tx = engine.pool.begin().await?;
        let locked = load(&mut tx, id, true).await?;
        cx.complete_in(&mut tx).await?;
        if locked.state() == DeploymentState::RollingBack {
            let (to, reason) = failure.unwrap_or((DeploymentState::RolledBack, String::new()));
            service::finish(&mut tx, id, to, &Actor::System, &reason)
                .await
                .map_err(app_error)?;
        }
        app::services::audit::commit(tx).await?;
        Ok(())
    }
}
