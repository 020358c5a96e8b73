//! The manual actions on a deployment: pause, resume, promote (past a
//! pause step), abort and roll back, each refused (409) when the
//! deployment's state does not allow it, and audited.

use super::effects::log;
use super::job_constructors::step_job;
use super::permission;
use super::steps::mark_step_done;
use super::transitions::{ensure, finish, pause};
use crate::domain::deploy::{DeploymentState, ManualAction, Step};
use crate::error::AppError;
use crate::services::audit::{self, AuditEntry};
use crate::services::jobs;
use crate::services::session::SessionUser;
use crate::services::stored::parse;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// A manual action on a deployment.
#[tracing::instrument(skip_all, fields(user = %user.id, action = %action), err(Debug))]
pub async fn act(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    action: ManualAction,
    request_id: Option<&str>,
) -> Result<DeploymentState, AppError> {
    // Before the lookup, so a refused role learns nothing about what exists;
    // the protected-environment check follows once the deployment is known.
    user.require(crate::domain::Permission::Deploy { protected: false })?;
    let mut tx = pool.begin().await?;
    let d = sqlx::query!(
        "select d.state, d.environment, d.current_step, d.steps, d.generation, d.number, e.protected
         from deployment d join environment e on e.key = d.environment
         where d.id = $1 for update of d",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if !user.may(crate::domain::Permission::Deploy {
        protected: d.protected,
    }) {
        return Err(permission(d.protected, &d.environment));
    }
    let state = parse(&d.state, DeploymentState::parse)?;
    let steps: Vec<Step> = serde_json::from_value(d.steps).map_err(|e| {
        tracing::error!(error = %e, "stored steps do not parse");
        AppError::Internal
    })?;
    let current = steps.get(d.current_step.max(0) as usize);
    let waiting = matches!(current, Some(Step::Pause { .. }));
    let promotable = matches!(current, Some(Step::Pause { seconds: None }))
        && state == DeploymentState::Paused
        || waiting && state == DeploymentState::Running;
    if !action.allowed(state, promotable) {
        return Err(AppError::Refused(vec![format!(
            "D-{} is {}; it cannot be {} now.",
            d.number,
            state.label().to_lowercase(),
            match action {
                ManualAction::Pause => "paused",
                ManualAction::Resume => "resumed",
                ManualAction::Promote => "promoted (it is not waiting at a pause)",
                ManualAction::Abort => "aborted",
                ManualAction::Rollback => "rolled back",
            }
        )]));
    }
    let actor = user.actor();
    let who = &user.display_name;
    let after = match action {
        ManualAction::Pause => {
            pause(&mut tx, id, &format!("Paused by {who}")).await?;
            log(&mut tx, id, "warn", &format!("Paused by {who}.")).await?;
            DeploymentState::Paused
        }
        ManualAction::Resume => {
            ensure(d.number, state, DeploymentState::Running)?;
            let generation = d.generation + 1;
            sqlx::query!(
                "update deployment set state = 'running', pause_reason = null, generation = $2, updated_at = now() where id = $1",
                id,
                generation
            )
            .execute(&mut *tx)
            .await?;
            log(&mut tx, id, "info", &format!("Resumed by {who}.")).await?;
            jobs::enqueue(&mut tx, step_job(id, d.current_step, generation)).await?;
            DeploymentState::Running
        }
        ManualAction::Promote => {
            // The pause is over: record it done and go on with the next step.
            // Promoting a running deployment (at a timed pause) keeps its state.
            if state != DeploymentState::Running {
                ensure(d.number, state, DeploymentState::Running)?;
            }
            let generation = d.generation + 1;
            mark_step_done(&mut tx, id, d.current_step).await?;
            sqlx::query!(
                "update deployment set state = 'running', pause_reason = null, generation = $2,
                        current_step = current_step + 1, updated_at = now() where id = $1",
                id,
                generation
            )
            .execute(&mut *tx)
            .await?;
            log(&mut tx, id, "info", &format!("Promoted by {who}.")).await?;
            jobs::enqueue(&mut tx, step_job(id, d.current_step + 1, generation)).await?;
            DeploymentState::Running
        }
        ManualAction::Abort => {
            ensure(d.number, state, DeploymentState::Aborted)?;
            finish(
                &mut tx,
                id,
                DeploymentState::Aborted,
                &actor,
                &format!("Aborted by {who}"),
            )
            .await?;
            DeploymentState::Aborted
        }
        ManualAction::Rollback => {
            ensure(d.number, state, DeploymentState::RollingBack)?;
            finish(
                &mut tx,
                id,
                DeploymentState::RollingBack,
                &actor,
                &format!("Rollback requested by {who}"),
            )
            .await?;
            DeploymentState::RollingBack
        }
    };
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &actor,
            action: &format!("deployment.manual_{}", action.as_str()),
            entity_type: "deployment",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "state": state, "step": d.current_step })),
            after: Some(json!({ "state": after })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(after)
}
