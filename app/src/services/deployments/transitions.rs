//! A deployment's state changes, each checked against
//! `DeploymentState::can_become` under the deployment's row lock: it starts
//! running, pauses, or reaches a final or rolling-back state with its side
//! effects. The manual actions and the executor both change state through
//! these.

use super::effects::{cr_events, log, move_release, tell};
use super::job_constructors::{analyze_job, rollback_job, step_job};
use crate::domain::deploy::DeploymentState;
use crate::domain::release::ReleaseStatus;
use crate::error::AppError;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::jobs;
use crate::services::stored::parse;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// Locks deployment `id` and reads its state and number.
async fn lock_state(conn: &mut PgConnection, id: Uuid) -> Result<(DeploymentState, i64), AppError> {
    let d = sqlx::query!(
        "select state, number from deployment where id = $1 for update",
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((parse(&d.state, DeploymentState::parse)?, d.number))
}

/// Refuses (409) a state change the machine does not allow.
pub(super) fn ensure(
    number: i64,
    from: DeploymentState,
    to: DeploymentState,
) -> Result<(), AppError> {
    if from.can_become(to) {
        Ok(())
    } else {
        Err(AppError::Refused(vec![format!(
            "D-{number} is {}; it cannot become {} now.",
            from.label().to_lowercase(),
            to.label().to_lowercase()
        )]))
    }
}

/// The deployment starts running: the release becomes `deploying`, linked
/// change requests for this environment start implementing, and the first
/// step and the analysis are enqueued.
pub async fn begin_running(
    conn: &mut PgConnection,
    id: Uuid,
    actor: &Actor,
) -> Result<(), AppError> {
    let (from, number) = lock_state(conn, id).await?;
    ensure(number, from, DeploymentState::Running)?;
    let d = sqlx::query!(
        "update deployment set state = 'running', started_at = coalesce(started_at, now()), updated_at = now()
         where id = $1 returning release_id, environment, number, generation",
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    move_release(
        conn,
        d.release_id,
        ReleaseStatus::Deploying,
        actor,
        &format!("D-{} to {} started", d.number, d.environment),
    )
    .await?;
    let moved = sqlx::query!(
        r#"update change_request c set status = 'implementing', updated_at = now(),
                  implementation_started_at = coalesce(c.implementation_started_at, now())
           from release_change rc
           where rc.cr_id = c.id and rc.release_id = $1 and $2 = any(c.environments)
             and c.status in ('approved', 'scheduled')
           returning c.id, c.status::text as "status!""#,
        d.release_id,
        d.environment
    )
    .fetch_all(&mut *conn)
    .await?;
    let moved: Vec<Uuid> = moved.into_iter().map(|cr| cr.id).collect();
    cr_events(
        conn,
        &moved,
        actor,
        "implementing",
        &format!("Deployment D-{} started", d.number),
    )
    .await?;
    jobs::enqueue(conn, step_job(id, 0, d.generation)).await?;
    jobs::enqueue(conn, analyze_job(id, 0)).await?;
    Ok(())
}

/// Pauses a running deployment, saying why on the progress page (a person,
/// a pause step waiting for a promote, metrics that could not be read).
pub async fn pause(conn: &mut PgConnection, id: Uuid, reason: &str) -> Result<(), AppError> {
    let (from, number) = lock_state(conn, id).await?;
    ensure(number, from, DeploymentState::Paused)?;
    sqlx::query!(
        "update deployment set state = 'paused', pause_reason = $2, updated_at = now() where id = $1",
        id,
        reason
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves a deployment to a final or rolling-back state with its side
/// effects. Returns false (and changes nothing) when the machine does not
/// allow it from the current state.
pub async fn finish(
    conn: &mut PgConnection,
    id: Uuid,
    to: DeploymentState,
    actor: &Actor,
    reason: &str,
) -> Result<bool, AppError> {
    let d = sqlx::query!(
        "select d.state, d.number, d.release_id, d.environment, d.version, d.previous_version, d.target_id,
                s.key as service
         from deployment d join service s on s.id = d.service_id where d.id = $1 for update of d",
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    let from = parse(&d.state, DeploymentState::parse)?;
    if !from.can_become(to) {
        return Ok(false);
    }
    let finished = to.is_final();
    sqlx::query!(
        "update deployment set state = $2, reason = coalesce($3, reason), updated_at = now(),
                finished_at = case when $4 then now() else finished_at end,
                bake_until = case when $2 = 'succeeded' then now() + make_interval(secs => bake_seconds) else bake_until end,
                pause_reason = null
         where id = $1",
        id,
        to.as_str(),
        (!reason.is_empty()).then_some(reason),
        finished
    )
    .execute(&mut *conn)
    .await?;
    if to.is_final() || to == DeploymentState::RollingBack {
        // Steps that will not run now say so.
        sqlx::query!(
            "update deployment_step set status = 'skipped', finished_at = coalesce(finished_at, now())
             where deployment_id = $1 and status in ('pending', 'running')",
            id
        )
        .execute(&mut *conn)
        .await?;
    }
    let label = format!(
        "D-{} ({} {} to {})",
        d.number, d.service, d.version, d.environment
    );
    let stream = match to {
        DeploymentState::Succeeded => "info",
        _ => "error",
    };
    let line = if reason.is_empty() {
        format!("{} → {}", from.label(), to.label())
    } else {
        format!("{} → {}: {reason}", from.label(), to.label())
    };
    log(conn, id, stream, &line).await?;
    match to {
        DeploymentState::Succeeded => {
            move_release(
                conn,
                d.release_id,
                ReleaseStatus::Deployed,
                actor,
                &format!("{label} succeeded"),
            )
            .await?;
            if let Some(target) = d.target_id {
                sqlx::query!(
                    "update deploy_target set live_version = $2 where id = $1",
                    target,
                    d.version
                )
                .execute(&mut *conn)
                .await?;
            }
            // Change requests whose every environment now runs the release are validated.
            let moved = sqlx::query!(
                r#"update change_request c set status = 'validating', updated_at = now()
                   from release_change rc
                   where rc.cr_id = c.id and rc.release_id = $1 and c.status = 'implementing'
                     and not exists (select 1 from unnest(c.environments) e(key)
                                     where not exists (select 1 from deployment x where x.release_id = $1
                                                       and x.environment = e.key and x.state = 'succeeded'))
                   returning c.id"#,
                d.release_id
            )
            .fetch_all(&mut *conn)
            .await?;
            let moved: Vec<Uuid> = moved.into_iter().map(|cr| cr.id).collect();
            cr_events(
                conn,
                &moved,
                actor,
                "validating",
                &format!("{label} succeeded"),
            )
            .await?;
            tell(
                conn,
                id,
                actor,
                "deployment_succeeded",
                format!("{label} succeeded"),
                String::new(),
            )
            .await?;
        }
        DeploymentState::Failed => {
            move_release(
                conn,
                d.release_id,
                ReleaseStatus::Failed,
                actor,
                &format!("{label} failed: {reason}"),
            )
            .await?;
            tell(
                conn,
                id,
                actor,
                "deployment_failed",
                format!("{label} failed"),
                reason.to_string(),
            )
            .await?;
        }
        DeploymentState::RolledBack => {
            move_release(
                conn,
                d.release_id,
                ReleaseStatus::RolledBack,
                actor,
                &format!("{label} rolled back"),
            )
            .await?;
            if let (Some(target), Some(previous)) = (d.target_id, &d.previous_version) {
                sqlx::query!(
                    "update deploy_target set live_version = $2 where id = $1",
                    target,
                    previous
                )
                .execute(&mut *conn)
                .await?;
            }
            sqlx::query!("update deployment set weight = 0 where id = $1", id)
                .execute(&mut *conn)
                .await?;
            tell(
                conn,
                id,
                actor,
                "deployment_rolled_back",
                format!("{label} was rolled back"),
                reason.to_string(),
            )
            .await?;
        }
        DeploymentState::RollingBack => {
            jobs::enqueue(conn, rollback_job(id)).await?;
            // An automatic rollback is news for the status page.
            if matches!(actor, Actor::System) {
                crate::services::status_page::incidents::open_for_rollback(conn, id).await?;
            }
            tell(
                conn,
                id,
                actor,
                "deployment_rolling_back",
                format!("{label} is rolling back"),
                reason.to_string(),
            )
            .await?;
        }
        DeploymentState::Aborted => {
            // Back to where the release was before this deployment.
            let deployed_elsewhere = sqlx::query_scalar!(
                r#"select exists(select 1 from deployment where release_id = $1 and state = 'succeeded') as "e!""#,
                d.release_id
            )
            .fetch_one(&mut *conn)
            .await?;
            let back = if deployed_elsewhere {
                "deployed"
            } else {
                "approved"
            };
            sqlx::query!(
                "update release set status = $2, updated_at = now() where id = $1 and status = 'deploying'",
                d.release_id,
                back
            )
            .execute(&mut *conn)
            .await?;
        }
        _ => {}
    }
    audit::record(
        conn,
        AuditEntry {
            actor,
            action: &format!("deployment.{}", to.as_str()),
            entity_type: "deployment",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "state": from })),
            after: Some(json!({ "state": to, "reason": reason })),
            request_id: None,
        },
    )
    .await?;
    Ok(true)
}
