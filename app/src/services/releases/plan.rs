//! A release's plan: prerequisites, risk, rollback steps, communication and
//! gates, read from and written to their tables, and saved as a whole.

use super::{event, lock};
use crate::domain::release::ReleaseStatus;
use crate::domain::release_plan::{
    Communication, Gate, GateOnFailure, Plan, Prerequisite, PrerequisiteKind, PrerequisiteStatus,
    RiskAssessment, RollbackStep, StepOnFailure,
};
use crate::domain::risk::{Likelihood, RiskImpact};
use crate::error::AppError;
use crate::services::audit::{self, AuditEntry};
use crate::services::session::SessionUser;
use crate::services::stored::parse;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The stored plan of release `id`.
pub(super) async fn load_plan(pool: &PgPool, id: Uuid) -> Result<Plan, AppError> {
    let risk = sqlx::query!(
        "select risk_impact, risk_likelihood, risk_mitigations, risk_contingencies from release where id = $1",
        id
    )
    .fetch_one(pool)
    .await?;
    let prerequisites = sqlx::query!(
        "select kind, description, status, owner, deadline from release_prerequisite
         where release_id = $1 order by position",
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|p| {
        Ok(Prerequisite {
            kind: parse(&p.kind, PrerequisiteKind::parse)?,
            description: p.description,
            status: parse(&p.status, PrerequisiteStatus::parse)?,
            owner: p.owner,
            deadline: p.deadline,
        })
    })
    .collect::<Result<_, AppError>>()?;
    let rollback_steps = sqlx::query!(
        "select description, command, verification, timeout_minutes, on_failure from release_rollback_step
         where release_id = $1 order by position",
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|s| {
        Ok(RollbackStep {
            description: s.description,
            command: s.command,
            verification: s.verification,
            timeout_minutes: s.timeout_minutes,
            on_failure: parse(&s.on_failure, StepOnFailure::parse)?,
        })
    })
    .collect::<Result<_, AppError>>()?;
    let communication = sqlx::query_as!(
        Communication,
        "select audience, channel, timing, message from release_communication
         where release_id = $1 order by position",
        id
    )
    .fetch_all(pool)
    .await?;
    let gates = sqlx::query!(
        "select environment, name, suites, required, timeout_minutes, on_failure from release_gate
         where release_id = $1 order by position",
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|g| {
        Ok(Gate {
            environment: g.environment,
            name: g.name,
            suites: g.suites,
            required: g.required,
            timeout_minutes: g.timeout_minutes,
            on_failure: parse(&g.on_failure, GateOnFailure::parse)?,
        })
    })
    .collect::<Result<_, AppError>>()?;
    let risk = match (risk.risk_impact, risk.risk_likelihood) {
        (Some(impact), Some(likelihood)) => Some(RiskAssessment {
            impact: parse(&impact, RiskImpact::parse)?,
            likelihood: parse(&likelihood, Likelihood::parse)?,
            mitigations: risk.risk_mitigations,
            contingencies: risk.risk_contingencies,
        }),
        _ => None,
    };
    Ok(Plan {
        prerequisites,
        risk,
        rollback_steps,
        communication,
        gates,
    })
}

/// Replaces the stored plan rows of release `id` with `plan`.
pub(super) async fn write_plan(
    conn: &mut PgConnection,
    id: Uuid,
    plan: &Plan,
) -> Result<(), AppError> {
    let risk = plan.risk.as_ref();
    sqlx::query!(
        "update release set risk_impact = $2, risk_likelihood = $3, risk_mitigations = $4,
                            risk_contingencies = $5, updated_at = now()
         where id = $1",
        id,
        risk.map(|r| r.impact.as_str()),
        risk.map(|r| r.likelihood.as_str()),
        &risk.map(|r| r.mitigations.clone()).unwrap_or_default(),
        &risk.map(|r| r.contingencies.clone()).unwrap_or_default(),
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("delete from release_prerequisite where release_id = $1", id)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "delete from release_rollback_step where release_id = $1",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "delete from release_communication where release_id = $1",
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("delete from release_gate where release_id = $1", id)
        .execute(&mut *conn)
        .await?;
    let positions = |n: usize| (0..n as i32).collect::<Vec<i32>>();
    let p = &plan.prerequisites;
    sqlx::query!(
        "insert into release_prerequisite (release_id, position, kind, description, status, owner, deadline)
         select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])",
        id,
        &positions(p.len()),
        &p.iter().map(|x| x.kind.as_str().to_string()).collect::<Vec<_>>(),
        &p.iter().map(|x| x.description.clone()).collect::<Vec<_>>(),
        &p.iter().map(|x| x.status.as_str().to_string()).collect::<Vec<_>>(),
        &p.iter().map(|x| x.owner.clone()).collect::<Vec<_>>(),
        &p.iter().map(|x| x.deadline).collect::<Vec<_>>() as &[Option<chrono::DateTime<chrono::Utc>>],
    )
    .execute(&mut *conn)
    .await?;
    let s = &plan.rollback_steps;
    sqlx::query!(
        "insert into release_rollback_step (release_id, position, description, command, verification, timeout_minutes, on_failure)
         select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])",
        id,
        &positions(s.len()),
        &s.iter().map(|x| x.description.clone()).collect::<Vec<_>>(),
        &s.iter().map(|x| x.command.clone()).collect::<Vec<_>>() as &[Option<String>],
        &s.iter().map(|x| x.verification.clone()).collect::<Vec<_>>(),
        &s.iter().map(|x| x.timeout_minutes).collect::<Vec<_>>(),
        &s.iter().map(|x| x.on_failure.as_str().to_string()).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    let c = &plan.communication;
    sqlx::query!(
        "insert into release_communication (release_id, position, audience, channel, timing, message)
         select $1, * from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[])",
        id,
        &positions(c.len()),
        &c.iter().map(|x| x.audience.clone()).collect::<Vec<_>>(),
        &c.iter().map(|x| x.channel.clone()).collect::<Vec<_>>(),
        &c.iter().map(|x| x.timing.clone()).collect::<Vec<_>>(),
        &c.iter().map(|x| x.message.clone()).collect::<Vec<_>>(),
    )
    .execute(&mut *conn)
    .await?;
    // Suites are a list per gate; Postgres arrays cannot be ragged, so gates
    // go in one row at a time (a plan has a handful).
    for (position, g) in plan.gates.iter().enumerate() {
        sqlx::query!(
            "insert into release_gate (release_id, position, environment, name, suites, required, timeout_minutes, on_failure)
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
            id,
            position as i32,
            g.environment,
            g.name,
            &g.suites,
            g.required,
            g.timeout_minutes,
            g.on_failure.as_str(),
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Saves the whole plan. It is written while the release is planned or
/// approved; once a deployment starts it is the record of what was agreed.
#[tracing::instrument(skip_all, fields(release = %id), err(Debug))]
pub async fn save_plan(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    input: &crate::domain::release_plan::PlanInput,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    if !user.may(crate::domain::Permission::PlanRelease) {
        return Err(AppError::Forbidden);
    }
    let mut tx = pool.begin().await?;
    let locked = lock(&mut tx, id).await?;
    if !matches!(
        locked.status,
        ReleaseStatus::Planned | ReleaseStatus::Approved
    ) {
        return Err(AppError::Conflict(format!(
            "The plan of a {} release can no longer change.",
            locked.status.label().to_lowercase()
        )));
    }
    let plan = input
        .validate(&locked.environments)
        .map_err(AppError::invalid)?;
    let before = load_plan(pool, id).await?;
    write_plan(&mut tx, id, &plan).await?;
    event(&mut tx, id, user, "plan", None, None, None).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "release.plan",
            entity_type: "release",
            entity_id: Some(id.to_string()),
            before: Some(serde_json::to_value(&before).unwrap_or_default()),
            after: Some(serde_json::to_value(&plan).unwrap_or_default()),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}
