//! Starting a deployment: the release locked, every precondition read and
//! decided by `check_start` in one transaction, the deployment, its steps and
//! triggers written, and either the gate wait or the first step enqueued.

use super::effects::log;
use super::job_constructors::gates_job;
use super::permission;
use super::transitions::begin_running;
use crate::domain::change_request::{ChangeClass, CrStatus};
use crate::domain::deploy::{
    check_start, plan, DeploymentState, GateFact, GateOutcome, GateRule, LinkedCr, MetricSource,
    Operator, StartFacts, TriggerAction, TriggerSpec,
};
use crate::domain::release::ReleaseStatus;
use crate::error::AppError;
use crate::model::StartDeployment;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::jobs;
use crate::services::session::SessionUser;
use crate::services::stored::parse;
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use uuid::Uuid;

struct ReleaseRow {
    id: Uuid,
    service_id: Uuid,
    service: String,
    version: String,
    status: ReleaseStatus,
    environments: Vec<String>,
}

async fn lock_release(conn: &mut PgConnection, id: Uuid) -> Result<ReleaseRow, AppError> {
    let r = sqlx::query!(
        "select r.id, r.service_id, s.key as service, r.version, r.status, r.environments
         from release r join service s on s.id = r.service_id where r.id = $1 for update of r",
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(ReleaseRow {
        id: r.id,
        service_id: r.service_id,
        service: r.service,
        version: r.version,
        status: parse(&r.status, ReleaseStatus::parse)?,
        environments: r.environments,
    })
}

/// Triggers for a new deployment: those asked for, else the environment's.
async fn triggers_for(
    conn: &mut PgConnection,
    environment: &str,
    asked: Option<Vec<TriggerSpec>>,
) -> Result<Vec<TriggerSpec>, AppError> {
    if let Some(asked) = asked {
        let mut errors = BTreeMap::new();
        if asked.len() > 10 {
            errors.insert("triggers".into(), "At most 10 triggers.".into());
        }
        for (i, spec) in asked.iter().enumerate() {
            spec.validate(&format!("triggers.{i}"), &mut errors);
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors));
        }
        return Ok(asked);
    }
    environment_triggers(conn, environment).await
}

/// The environment's default triggers (the seed's two when it has none).
pub async fn environment_triggers(
    conn: &mut PgConnection,
    environment: &str,
) -> Result<Vec<TriggerSpec>, AppError> {
    let rows = sqlx::query!(
        "select metric, operator, threshold, sustained_seconds, interval_seconds, action,
                cooldown_minutes, source, query
         from environment_trigger where environment = $1 order by position",
        environment
    )
    .fetch_all(&mut *conn)
    .await?;
    if rows.is_empty() {
        return Ok(TriggerSpec::seed_defaults());
    }
    rows.into_iter()
        .map(|r| {
            Ok(TriggerSpec {
                metric: r.metric,
                operator: parse(&r.operator, Operator::parse)?,
                threshold: r.threshold,
                sustained_seconds: r.sustained_seconds.max(0) as u32,
                interval_seconds: r.interval_seconds.max(1) as u32,
                action: parse(&r.action, TriggerAction::parse)?,
                cooldown_minutes: r.cooldown_minutes.max(0) as u32,
                source: parse(&r.source, MetricSource::parse)?,
                query: r.query,
            })
        })
        .collect()
}

/// The facts `check_start` decides on, read under the release's row lock.
async fn start_facts(
    conn: &mut PgConnection,
    release: &ReleaseRow,
    input: &StartDeployment,
) -> Result<(StartFacts, bool), AppError> {
    let env = input.environment.trim();
    let environment = sqlx::query!(
        "select protected, promotion_order from environment where key = $1",
        env
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(environment) = environment else {
        let facts = StartFacts {
            release_status: release.status,
            environment: env.to_string(),
            environment_known: false,
            environment_in_release: false,
            protected: false,
            linked: vec![],
            freeze: None,
            gates: vec![],
            previous: None,
            has_target: false,
            in_flight: None,
            acknowledged: vec![],
            wait_for_gates: false,
        };
        return Ok((facts, false));
    };
    let linked = sqlx::query!(
        r#"select c.number, c.status::text as "status!", c.class
           from release_change rc join change_request c on c.id = rc.cr_id
           where rc.release_id = $1 order by c.number"#,
        release.id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|c| {
        Ok(LinkedCr {
            number: c.number,
            status: parse(&c.status, CrStatus::parse)?,
            class: parse(&c.class, ChangeClass::parse)?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    let freeze = sqlx::query_scalar!(
        "select reason from freeze_window
         where $1 = any(environments) and starts_at <= now() and ends_at > now()
         order by starts_at limit 1",
        env
    )
    .fetch_optional(&mut *conn)
    .await?;
    let gates = sqlx::query!(
        r#"select g.name, g.required, g.on_failure,
                  (select gr.status from gate_result gr
                   where gr.release_id = g.release_id and gr.environment = g.environment and gr.name = g.name
                   order by gr.reported_at desc, gr.id desc limit 1) as latest
           from release_gate g where g.release_id = $1 and g.environment = $2 order by g.position"#,
        release.id,
        env
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|g| {
        Ok(GateFact {
            name: g.name,
            required: g.required,
            rule: parse(&g.on_failure, GateRule::parse)?,
            latest: g
                .latest
                .map(|s| parse(&s, GateOutcome::parse))
                .transpose()?,
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    // The environment before this one among the release's environments.
    let previous = match environment.promotion_order {
        Some(order) => sqlx::query!(
            r#"select e.key, exists(select 1 from deployment d where d.release_id = $1
                                      and d.environment = e.key and d.state = 'succeeded') as "reached!"
               from environment e
               where e.key = any($2) and e.promotion_order < $3
               order by e.promotion_order desc limit 1"#,
            release.id,
            &release.environments,
            order
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|p| (p.key, p.reached)),
        None => None,
    };
    let has_target = sqlx::query_scalar!(
        r#"select exists(select 1 from deploy_target where service_id = $1 and environment = $2) as "e!""#,
        release.service_id,
        env
    )
    .fetch_one(&mut *conn)
    .await?;
    let in_flight = sqlx::query_scalar!(
        "select number from deployment where service_id = $1 and environment = $2
           and state in ('pending', 'waiting_for_gates', 'running', 'paused', 'rolling_back')",
        release.service_id,
        env
    )
    .fetch_optional(&mut *conn)
    .await?;
    let facts = StartFacts {
        release_status: release.status,
        environment: env.to_string(),
        environment_known: true,
        environment_in_release: release.environments.iter().any(|e| e == env),
        protected: environment.protected,
        linked,
        freeze,
        gates,
        previous,
        has_target,
        in_flight,
        acknowledged: input.acknowledge_gates.clone(),
        wait_for_gates: input.wait_for_gates,
    };
    Ok((facts, environment.protected))
}

/// Starts a deployment, or refuses with every reason (409). Returns the new
/// deployment's id.
#[tracing::instrument(skip_all, fields(user = %user.id), err(Debug))]
pub async fn start(
    pool: &PgPool,
    user: &SessionUser,
    input: StartDeployment,
    request_id: Option<&str>,
) -> Result<Uuid, AppError> {
    if !user.may(crate::domain::Permission::Deploy { protected: false }) {
        return Err(permission(false, &input.environment));
    }
    let steps = plan(input.strategy, &input.params).map_err(AppError::invalid)?;
    let bake = input.bake_seconds.unwrap_or(300);
    if bake > 86_400 {
        return Err(AppError::field("bake_seconds", "At most 86,400 seconds."));
    }
    let mut tx = pool.begin().await?;
    let release = lock_release(&mut tx, input.release).await?;
    let (facts, protected) = start_facts(&mut tx, &release, &input).await?;
    if facts.environment_known && !user.may(crate::domain::Permission::Deploy { protected }) {
        return Err(permission(true, &facts.environment));
    }
    let triggers = triggers_for(&mut tx, &facts.environment, input.triggers.clone()).await?;
    let decision = check_start(&facts);
    if !decision.refusals.is_empty() {
        return Err(AppError::Refused(decision.refusals));
    }
    let env = facts.environment.clone();
    let target = sqlx::query!(
        "select id, live_version from deploy_target where service_id = $1 and environment = $2",
        release.service_id,
        env
    )
    .fetch_one(&mut *tx)
    .await?;
    let waiting = !decision.waiting_for.is_empty();
    let state = if waiting {
        DeploymentState::WaitingForGates
    } else {
        DeploymentState::Running
    };
    // Written as pending when it runs at once: `begin_running` below makes
    // the machine's pending → running change (and sets `started_at`).
    let inserted = if waiting {
        DeploymentState::WaitingForGates
    } else {
        DeploymentState::Pending
    };
    let id = Uuid::new_v4();
    let freeze_cr = match decision.freeze_override {
        Some(number) => {
            sqlx::query_scalar!("select id from change_request where number = $1", number)
                .fetch_optional(&mut *tx)
                .await?
        }
        None => None,
    };
    let number = sqlx::query_scalar!(
        r#"insert into deployment (id, release_id, service_id, environment, strategy, params, steps, state,
                                 version, previous_version, target_id, bake_seconds, freeze_override_cr,
                                 acknowledged_gates, started_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           returning number"#,
        id,
        release.id,
        release.service_id,
        env,
        input.strategy.as_str(),
        json!(input.params),
        json!(steps),
        inserted.as_str(),
        release.version,
        target.live_version.as_deref().filter(|v| *v != release.version),
        target.id,
        bake as i32,
        freeze_cr,
        &decision.acknowledged,
        user.id,
    )
    .fetch_one(&mut *tx)
    .await?;
    for (position, step) in steps.iter().enumerate() {
        sqlx::query!(
            "insert into deployment_step (deployment_id, position, kind, weight) values ($1, $2, $3, $4)",
            id,
            position as i32,
            step.kind(),
            step.weight_after(0) as i32
        )
        .execute(&mut *tx)
        .await?;
    }
    for (position, spec) in triggers.iter().enumerate() {
        sqlx::query!(
            "insert into rollback_trigger (id, deployment_id, position, metric, operator, threshold,
                 sustained_seconds, interval_seconds, action, cooldown_minutes, source, query)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            Uuid::new_v4(),
            id,
            position as i32,
            spec.metric.trim(),
            spec.operator.as_str(),
            spec.threshold,
            spec.sustained_seconds as i32,
            spec.interval_seconds as i32,
            spec.action.as_str(),
            spec.cooldown_minutes as i32,
            spec.source.as_str(),
            spec.query,
        )
        .execute(&mut *tx)
        .await?;
    }
    log(
        &mut tx,
        id,
        "info",
        &format!(
            "D-{number}: {} {} to {env} with {} ({} steps), started by {}",
            release.service,
            release.version,
            input.strategy.label().to_lowercase(),
            steps.len(),
            user.display_name
        ),
    )
    .await?;
    if let Some(cr) = decision.freeze_override {
        log(
            &mut tx,
            id,
            "warn",
            &format!("Deploying during a freeze window under emergency change CR-{cr}."),
        )
        .await?;
    }
    for gate in &decision.acknowledged {
        log(
            &mut tx,
            id,
            "warn",
            &format!(
                "Gate \"{gate}\" has not passed; acknowledged by {}.",
                user.display_name
            ),
        )
        .await?;
    }
    if waiting {
        log(
            &mut tx,
            id,
            "info",
            &format!("Waiting for gates: {}.", decision.waiting_for.join(", ")),
        )
        .await?;
        jobs::enqueue(&mut tx, gates_job(id, "start")).await?;
        // wake again when the earliest unreported gate times out
        let expiry = sqlx::query_scalar!(
            "select now() + make_interval(mins => min(timeout_minutes)) from release_gate
             where release_id = $1 and environment = $2 and name = any($3)",
            release.id,
            env,
            &decision.waiting_for
        )
        .fetch_one(&mut *tx)
        .await?;
        if let Some(expiry) = expiry {
            jobs::enqueue(&mut tx, gates_job(id, "expiry").at(expiry)).await?;
        }
    } else {
        begin_running(&mut tx, id, &Actor::from(user)).await?;
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "deployment.start",
            entity_type: "deployment",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({
                "number": number,
                "release": release.id,
                "version": release.version,
                "environment": env,
                "strategy": input.strategy,
                "params": input.params,
                "state": state,
                "triggers": triggers,
                "waiting_for_gates": decision.waiting_for,
                "acknowledged_gates": decision.acknowledged,
            })),
            request_id,
        },
    )
    .await?;
    if let Some(cr) = decision.freeze_override {
        audit::record(
            &mut tx,
            AuditEntry {
                actor: &user.actor(),
                action: "deployment.freeze_override",
                entity_type: "deployment",
                entity_id: Some(id.to_string()),
                before: None,
                after: Some(
                    json!({ "environment": env, "freeze": facts.freeze, "emergency_cr": cr }),
                ),
                request_id,
            },
        )
        .await?;
    }
    crate::services::audit::commit(tx).await?;
    Ok(id)
}
