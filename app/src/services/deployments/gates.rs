//! Gates: results reported by CI, the check that lets a waiting deployment
//! run (or fails it when a gate failed or expired), and a release's gates
//! with their latest results.

use super::effects::log;
use super::job_constructors::gates_job;
use super::transitions::{begin_running, finish};
use crate::domain::deploy::{DeploymentState, GateOutcome};
use crate::error::AppError;
use crate::model::GateStatusView;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::jobs;
use crate::services::session::SessionUser;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A gate result from CI. Engineers, release managers and administrators
/// report; waiting deployments of the release re-check their gates.
#[allow(clippy::too_many_arguments)]
pub async fn report_gate(
    pool: &PgPool,
    user: &SessionUser,
    release: Uuid,
    environment: &str,
    name: &str,
    status: GateOutcome,
    url: Option<&str>,
    request_id: Option<&str>,
) -> Result<i64, AppError> {
    if !user.may(crate::domain::Permission::Deploy { protected: false }) {
        return Err(AppError::NotPermitted(
            "Only engineers, release managers and administrators report gates.".into(),
        ));
    }
    if status == GateOutcome::Expired {
        return Err(AppError::field("status", "Report passed or failed."));
    }
    let url = url.map(str::trim).filter(|u| !u.is_empty());
    if let Some(url) = url {
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000 {
            return Err(AppError::field(
                "url",
                "The link to the run must be an http(s) URL.",
            ));
        }
    }
    let mut tx = pool.begin().await?;
    let gate = sqlx::query!(
        "select g.release_id from release_gate g where g.release_id = $1 and g.environment = $2 and g.name = $3",
        release,
        environment,
        name
    )
    .fetch_optional(&mut *tx)
    .await?;
    if gate.is_none() {
        let exists = sqlx::query_scalar!(
            r#"select exists(select 1 from release where id = $1) as "e!""#,
            release
        )
        .fetch_one(&mut *tx)
        .await?;
        if !exists {
            return Err(AppError::NotFound);
        }
        return Err(AppError::field(
            "name",
            format!("The release has no gate \"{name}\" for {environment}; gates are set in the release plan."),
        ));
    }
    let id = sqlx::query_scalar!(
        "insert into gate_result (release_id, environment, name, status, url, reported_by)
         values ($1, $2, $3, $4, $5, $6) returning id",
        release,
        environment,
        name,
        status.as_str(),
        url,
        user.id
    )
    .fetch_one(&mut *tx)
    .await?;
    let waiting = sqlx::query_scalar!(
        "select id from deployment where release_id = $1 and environment = $2 and state = 'waiting_for_gates'",
        release,
        environment
    )
    .fetch_all(&mut *tx)
    .await?;
    for deployment in waiting {
        log(
            &mut tx,
            deployment,
            "info",
            &format!("Gate \"{name}\" reported {}.", status.as_str()),
        )
        .await?;
        jobs::enqueue(&mut tx, gates_job(deployment, &format!("report-{id}"))).await?;
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "gate.report",
            entity_type: "release",
            entity_id: Some(release.to_string()),
            before: None,
            after: Some(
                json!({ "environment": environment, "gate": name, "status": status, "url": url }),
            ),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(id)
}

/// Re-checks a waiting deployment's gates: all passed → running; one failed
/// or past its timeout → failed (an unreported gate is recorded expired).
pub async fn check_gates(conn: &mut PgConnection, id: Uuid) -> Result<(), AppError> {
    let d = sqlx::query!(
        "select state, release_id, environment, created_at from deployment where id = $1 for update",
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    if d.state != "waiting_for_gates" {
        return Ok(());
    }
    let gates = sqlx::query!(
        r#"select g.name, g.timeout_minutes,
                  (select gr.status from gate_result gr
                   where gr.release_id = g.release_id and gr.environment = g.environment and gr.name = g.name
                   order by gr.reported_at desc, gr.id desc limit 1) as latest,
                  $3::timestamptz + make_interval(mins => g.timeout_minutes) <= now() as "expired!"
           from release_gate g
           where g.release_id = $1 and g.environment = $2 and g.required and g.on_failure = 'block'"#,
        d.release_id,
        d.environment,
        d.created_at
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut pending = false;
    for gate in &gates {
        match gate.latest.as_deref() {
            Some("passed") => {}
            Some(other) => {
                let reason = format!("Gate \"{}\" {other}.", gate.name);
                finish(conn, id, DeploymentState::Failed, &Actor::System, &reason).await?;
                return Ok(());
            }
            None if gate.expired => {
                sqlx::query!(
                    "insert into gate_result (release_id, environment, name, status) values ($1, $2, $3, 'expired')",
                    d.release_id,
                    d.environment,
                    gate.name
                )
                .execute(&mut *conn)
                .await?;
                let reason = format!(
                    "Gate \"{}\" did not report within {} minutes and expired.",
                    gate.name, gate.timeout_minutes
                );
                finish(conn, id, DeploymentState::Failed, &Actor::System, &reason).await?;
                return Ok(());
            }
            None => pending = true,
        }
    }
    if !pending {
        log(conn, id, "info", "All required gates passed.").await?;
        begin_running(conn, id, &Actor::System).await?;
    }
    Ok(())
}

/// A release's gates with their latest results (404 for no such release).
pub async fn gates(pool: &PgPool, release: Uuid) -> Result<Vec<GateStatusView>, AppError> {
    let exists = sqlx::query_scalar!(
        r#"select exists(select 1 from release where id = $1) as "e!""#,
        release
    )
    .fetch_one(pool)
    .await?;
    if !exists {
        return Err(AppError::NotFound);
    }
    let rows = sqlx::query!(
        r#"select g.environment, g.name, g.required, g.on_failure, r.status as "latest?", r.url, r.reported_at as "reported_at?"
           from release_gate g
           left join lateral (select status, url, reported_at from gate_result gr
                              where gr.release_id = g.release_id and gr.environment = g.environment and gr.name = g.name
                              order by gr.reported_at desc, gr.id desc limit 1) r on true
           where g.release_id = $1 order by g.environment, g.position"#,
        release
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|g| GateStatusView {
            environment: g.environment,
            name: g.name,
            required: g.required,
            on_failure: g.on_failure,
            latest: g.latest,
            url: g.url,
            reported_at: g.reported_at,
        })
        .collect())
}
