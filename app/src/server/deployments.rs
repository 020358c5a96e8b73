//! Deployments: starting one (every precondition checked in one
//! transaction), the manual actions, gates reported by CI, pushed metrics,
//! the progress page's data, and the state changes the engine makes. Each
//! change, its side effects on the release and change requests, its audit
//! event and the jobs it enqueues commit together. The engine that runs
//! steps and calls targets is `rookery::deploy`.
//!
//! Size: over ~500 lines and mixing concerns; the split by concern is
//! issue 13's structural pass (one owner per table), kept out of this
//! behaviour change so the two can be reviewed apart.

use super::audit::{self, Actor, AuditEntry};
use super::jobs::{self, NewJob};
use super::notifications::{self, Notice};
use super::session::SessionUser;
use super::stored::parse;
use crate::domain::change_request::{ChangeClass, CrStatus};
use crate::domain::deploy::{
    check_start, plan, DeploymentPhase, DeploymentState, GateFact, GateOutcome, GateRule, LinkedCr,
    ManualAction, MetricSource, Operator, StartFacts, Step, Strategy, TriggerAction, TriggerSpec,
};
use crate::domain::release::ReleaseStatus;
use crate::error::AppError;
use crate::model::{
    DeployOptions, DeploymentDetail, DeploymentPage, DeploymentSummary, FleetView, GateStatusView,
    LogLine, RolledBackDeployment, StartDeployment, StepView, TriggerReading, TriggerView,
};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Job kinds the engine handles.
pub mod kind {
    pub const STEP: &str = "deploy.step";
    pub const ANALYZE: &str = "deploy.analyze";
    pub const ROLLBACK: &str = "deploy.rollback";
    pub const GATES: &str = "deploy.gates";
    pub const SCALE_UP: &str = "deploy.scale_up";
}

fn permission(protected: bool, environment: &str) -> AppError {
    if protected {
        AppError::NotPermitted(format!(
            "{environment} is protected: only release managers and administrators deploy there."
        ))
    } else {
        AppError::NotPermitted("Only engineers, release managers and administrators deploy.".into())
    }
}

/// Appends a line to a deployment's log (the progress page streams it).
pub async fn log(
    conn: &mut PgConnection,
    deployment: Uuid,
    stream: &str,
    line: &str,
) -> Result<(), sqlx::Error> {
    let line: String = line.chars().take(4000).collect();
    sqlx::query!(
        "insert into deployment_log (deployment_id, stream, line) values ($1, $2, $3)",
        deployment,
        stream,
        line
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("select pg_notify('rookery_deployments', $1)")
        .bind(deployment.to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
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

pub fn rollback_job(deployment: Uuid) -> NewJob {
    NewJob::new(kind::ROLLBACK, json!({ "deployment": deployment }))
        .key(format!("rollback:{deployment}"))
        .attempts(5)
        .timeout(86_400)
}

fn gates_job(deployment: Uuid, nonce: &str) -> NewJob {
    NewJob::new(kind::GATES, json!({ "deployment": deployment }))
        .key(format!("gates:{deployment}:{nonce}"))
        .attempts(5)
        .timeout(60)
}

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
                                 acknowledged_gates, started_by, started_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                   case when $8 = 'running' then now() end)
           returning number"#,
        id,
        release.id,
        release.service_id,
        env,
        input.strategy.as_str(),
        json!(input.params),
        json!(steps),
        state.as_str(),
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
    tx.commit().await?;
    Ok(id)
}

impl From<&SessionUser> for Actor {
    fn from(user: &SessionUser) -> Self {
        user.actor()
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

/// One timeline event for each change request the deployment moved.
async fn cr_events(
    conn: &mut PgConnection,
    crs: &[Uuid],
    actor: &Actor,
    to: &str,
    note: &str,
) -> Result<(), AppError> {
    if crs.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "insert into cr_event (cr_id, actor_id, actor_label, action, from_status, to_status, note)
         select cr, $2, $3, 'deployment', null, $4::cr_status, $5 from unnest($1::uuid[]) as t(cr)",
    )
    .bind(crs)
    .bind(actor_id(actor))
    .bind(actor.label())
    .bind(to)
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn actor_id(actor: &Actor) -> Option<Uuid> {
    match actor {
        Actor::User { id, .. } => Some(*id),
        _ => None,
    }
}

/// Moves the release with the deployment when its machine allows it.
async fn move_release(
    conn: &mut PgConnection,
    release: Uuid,
    to: ReleaseStatus,
    actor: &Actor,
    note: &str,
) -> Result<(), AppError> {
    let status = sqlx::query_scalar!(
        "select status from release where id = $1 for update",
        release
    )
    .fetch_one(&mut *conn)
    .await?;
    let from = parse(&status, ReleaseStatus::parse)?;
    if from == to || !from.can_become(to) {
        return Ok(());
    }
    sqlx::query!(
        "update release set status = $2, updated_at = now() where id = $1",
        release,
        to.as_str()
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "insert into release_event (release_id, actor_id, actor_label, action, from_status, to_status, note)
         values ($1, $2, $3, 'deployment', $4, $5, $6)",
    )
    .bind(release)
    .bind(actor_id(actor))
    .bind(actor.label())
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Who hears about a deployment's outcome: the person who started it and
/// the release managers, never the actor; when it failed or is rolled back,
/// also whoever filed a change request the release ships.
async fn tell(
    conn: &mut PgConnection,
    deployment: Uuid,
    actor: &Actor,
    kind: &'static str,
    title: String,
    body: String,
) -> Result<(), AppError> {
    let requesters_too = matches!(
        kind,
        "deployment_failed" | "deployment_rolling_back" | "deployment_rolled_back"
    );
    let recipients = sqlx::query_scalar!(
        r#"select u.id as "id!" from app_user u
           where not u.disabled and ('release_manager' = any(u.roles)
              or u.id = (select started_by from deployment where id = $1)
              or ($3 and u.id in (
                  select c.requester_id from release_change rc
                  join change_request c on c.id = rc.cr_id
                  where rc.release_id = (select release_id from deployment where id = $1))))
             and u.id is distinct from $2"#,
        deployment,
        actor_id(actor),
        requesters_too
    )
    .fetch_all(&mut *conn)
    .await?;
    notifications::send(
        conn,
        &recipients,
        &Notice {
            kind,
            title,
            body,
            link: format!("/deployments/{deployment}"),
        },
    )
    .await
}

/// Tells the starter and the release managers about something the engine
/// saw (a trigger's alert, a pause for inconclusive metrics).
pub async fn alert(
    conn: &mut PgConnection,
    deployment: Uuid,
    title: &str,
    body: &str,
) -> Result<(), AppError> {
    tell(
        conn,
        deployment,
        &Actor::System,
        "deployment_alert",
        title.into(),
        body.into(),
    )
    .await
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
        sqlx::query(
            "update deployment_step set status = 'skipped', finished_at = coalesce(finished_at, now())
             where deployment_id = $1 and status in ('pending', 'running')",
        )
        .bind(id)
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
                super::status::incidents::open_for_rollback(conn, id).await?;
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
            sqlx::query!(
                "update deployment set state = 'paused', pause_reason = $2, updated_at = now() where id = $1",
                id,
                format!("Paused by {who}")
            )
            .execute(&mut *tx)
            .await?;
            log(&mut tx, id, "warn", &format!("Paused by {who}.")).await?;
            DeploymentState::Paused
        }
        ManualAction::Resume => {
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
            let generation = d.generation + 1;
            sqlx::query!(
                "update deployment_step set status = 'done', finished_at = now(), started_at = coalesce(started_at, now())
                 where deployment_id = $1 and position = $2 and status <> 'done'",
                id,
                d.current_step
            )
            .execute(&mut *tx)
            .await?;
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
    tx.commit().await?;
    Ok(after)
}

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
    tx.commit().await?;
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

/// One pushed metric value.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MetricPush {
    pub service: String,
    pub environment: String,
    #[serde(default)]
    pub version: Option<String>,
    pub metric: String,
    pub value: f64,
    /// When it was measured (default: now).
    #[serde(default)]
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Stores pushed metric values (up to 1,000 per call).
pub async fn push_metrics(
    pool: &PgPool,
    user: &SessionUser,
    samples: &[MetricPush],
) -> Result<usize, AppError> {
    if !user.may(crate::domain::Permission::Deploy { protected: false }) {
        return Err(AppError::NotPermitted(
            "Only engineers, release managers and administrators push metrics.".into(),
        ));
    }
    let mut errors = BTreeMap::new();
    if samples.is_empty() || samples.len() > 1000 {
        errors.insert("samples".into(), "Send between 1 and 1,000 values.".into());
    }
    for (i, s) in samples.iter().enumerate() {
        if !s.value.is_finite() {
            errors.insert(
                format!("samples.{i}.value"),
                "Must be a finite number.".into(),
            );
        }
        for (field, text) in [
            ("service", &s.service),
            ("environment", &s.environment),
            ("metric", &s.metric),
        ] {
            if text.trim().is_empty() || text.len() > 100 {
                errors.insert(
                    format!("samples.{i}.{field}"),
                    "Required, at most 100 characters.".into(),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let column = |f: fn(&MetricPush) -> String| samples.iter().map(f).collect::<Vec<_>>();
    let services = column(|s| s.service.trim().to_string());
    let environments = column(|s| s.environment.trim().to_string());
    // Pushed values drive rollback triggers, so they are scoped like
    // deploying: protected environments only for those who deploy there.
    let protection: BTreeMap<String, bool> = sqlx::query!(
        "select key, protected from environment where key = any($1)",
        &environments
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.key, r.protected))
    .collect();
    for (i, environment) in environments.iter().enumerate() {
        match protection.get(environment) {
            None => {
                errors.insert(
                    format!("samples.{i}.environment"),
                    format!("There is no environment \"{environment}\"."),
                );
            }
            Some(&protected) if !user.may(crate::domain::Permission::Deploy { protected }) => {
                return Err(AppError::NotPermitted(format!(
                    "{environment} is protected: only release managers and administrators push metrics there."
                )));
            }
            Some(_) => {}
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let metrics = column(|s| s.metric.trim().to_string());
    let versions: Vec<Option<String>> = samples.iter().map(|s| s.version.clone()).collect();
    let values: Vec<f64> = samples.iter().map(|s| s.value).collect();
    let now = chrono::Utc::now();
    let ats: Vec<chrono::DateTime<chrono::Utc>> =
        samples.iter().map(|s| s.at.unwrap_or(now)).collect();
    sqlx::query(
        "insert into metric_sample (service, environment, version, metric, value, at)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::timestamptz[])",
    )
    .bind(&services)
    .bind(&environments)
    .bind(&versions)
    .bind(&metrics)
    .bind(&values)
    .bind(&ats)
    .execute(pool)
    .await?;
    Ok(samples.len())
}

fn summary_from(r: SummaryRow) -> Result<DeploymentSummary, AppError> {
    let state = parse(&r.state, DeploymentState::parse)?;
    let phase = DeploymentPhase::of(
        state,
        r.bake_until,
        r.bake_seconds.max(0) as u32,
        chrono::Utc::now(),
    );
    Ok(DeploymentSummary {
        id: r.id,
        number: r.number,
        release_id: r.release_id,
        service: r.service,
        version: r.version,
        environment: r.environment,
        strategy: parse(&r.strategy, Strategy::parse)?,
        state,
        phase,
        label: phase.label(),
        bake_until: r.bake_until,
        weight: r.weight,
        current_step: r.current_step,
        total_steps: r.total_steps,
        reason: r.reason,
        started_by: r.started_by,
        created_at: r.created_at,
        finished_at: r.finished_at,
    })
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: Uuid,
    number: i64,
    release_id: Uuid,
    service: String,
    version: String,
    environment: String,
    strategy: String,
    state: String,
    weight: i32,
    current_step: i32,
    total_steps: i32,
    reason: Option<String>,
    started_by: Option<String>,
    created_at: chrono::DateTime<chrono::Utc>,
    finished_at: Option<chrono::DateTime<chrono::Utc>>,
    bake_until: Option<chrono::DateTime<chrono::Utc>>,
    bake_seconds: i32,
}

const SUMMARY: &str = "select d.id, d.number, d.release_id, s.key as service, d.version, d.environment, d.strategy,
        d.state, d.weight, d.current_step, jsonb_array_length(d.steps) as total_steps, d.reason,
        u.display_name as started_by, d.created_at, d.finished_at, d.bake_until, d.bake_seconds
 from deployment d join service s on s.id = d.service_id left join app_user u on u.id = d.started_by";

/// Deployment history, newest first; filters by service key, environment
/// and release (empty = any).
pub async fn list(
    pool: &PgPool,
    service: &str,
    environment: &str,
    release: Option<Uuid>,
    page: i64,
) -> Result<DeploymentPage, AppError> {
    const PER_PAGE: i64 = 25;
    let page = page.clamp(1, crate::domain::MAX_PAGE);
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "{SUMMARY}
         where ($1 = '' or s.key = $1) and ($2 = '' or d.environment = $2) and ($3::uuid is null or d.release_id = $3)
         order by d.created_at desc, d.number desc limit $4 offset $5"
    ))
    .bind(service.trim())
    .bind(environment.trim())
    .bind(release)
    .bind(PER_PAGE + 1)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(pool)
    .await?;
    let more = rows.len() as i64 > PER_PAGE;
    Ok(DeploymentPage {
        deployments: rows
            .into_iter()
            .take(PER_PAGE as usize)
            .map(summary_from)
            .collect::<Result<_, _>>()?,
        page,
        more,
    })
}

/// Everything the progress page shows; `viewer` decides the actions offered.
pub async fn detail(
    pool: &PgPool,
    viewer: Option<&SessionUser>,
    id: Uuid,
) -> Result<DeploymentDetail, AppError> {
    let row: SummaryRow = sqlx::query_as(&format!("{SUMMARY} where d.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let summary = summary_from(row)?;
    let changes = super::change_requests::shipped_by_release(pool, summary.release_id).await?;
    let d = sqlx::query!(
        r#"select d.params, d.steps, d.pause_reason, d.previous_version, d.bake_until, d.acknowledged_gates,
                  d.started_at, r.title as release_title, e.protected as "protected?",
                  (select number from change_request where id = d.freeze_override_cr) as freeze_cr,
                  t.id as "target_id?", t.kind as "target_kind?", t.sim_error_rate as "sim_error_rate?",
                  t.sim_latency_p95 as "sim_latency_p95?", t.sim_noise as "sim_noise?", t.live_version
           from deployment d join release r on r.id = d.release_id
           left join environment e on e.key = d.environment
           left join deploy_target t on t.id = d.target_id
           where d.id = $1"#,
        id
    )
    .fetch_one(pool)
    .await?;
    let plan: Vec<Step> = serde_json::from_value(d.steps).unwrap_or_default();
    let steps = sqlx::query!(
        "select position, kind, weight, status, started_at, finished_at from deployment_step
         where deployment_id = $1 order by position",
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|s| StepView {
        description: plan
            .get(s.position as usize)
            .map(Step::describe)
            .unwrap_or_else(|| s.kind.clone()),
        position: s.position,
        kind: s.kind,
        weight: s.weight,
        status: s.status,
        started_at: s.started_at,
        finished_at: s.finished_at,
    })
    .collect();
    let trigger_rows = sqlx::query!(
        "select id, metric, operator, threshold, sustained_seconds, interval_seconds, action, cooldown_minutes,
                source, query, last_fired_at
         from rollback_trigger where deployment_id = $1 order by position",
        id
    )
    .fetch_all(pool)
    .await?;
    let ids: Vec<Uuid> = trigger_rows.iter().map(|t| t.id).collect();
    let readings = sqlx::query!(
        "select trigger_id, at, value, breached, error, fired from (
             select r.*, row_number() over (partition by trigger_id order by at desc, id desc) as n
             from trigger_reading r where trigger_id = any($1)) x
         where n <= 120 order by at, id",
        &ids
    )
    .fetch_all(pool)
    .await?;
    let mut triggers = Vec::new();
    for t in trigger_rows {
        triggers.push(TriggerView {
            id: t.id,
            spec: TriggerSpec {
                metric: t.metric,
                operator: parse(&t.operator, Operator::parse)?,
                threshold: t.threshold,
                sustained_seconds: t.sustained_seconds as u32,
                interval_seconds: t.interval_seconds as u32,
                action: parse(&t.action, TriggerAction::parse)?,
                cooldown_minutes: t.cooldown_minutes as u32,
                source: parse(&t.source, MetricSource::parse)?,
                query: t.query,
            },
            last_fired_at: t.last_fired_at,
            readings: readings
                .iter()
                .filter(|r| r.trigger_id == t.id)
                .map(|r| TriggerReading {
                    at: r.at,
                    value: r.value,
                    breached: r.breached,
                    error: r.error.clone(),
                    fired: r.fired.clone(),
                })
                .collect(),
        });
    }
    let log = log_after(pool, id, 0, 500).await?;
    let current = plan.get(summary.current_step.max(0) as usize);
    let waiting_for_promotion = matches!(current, Some(Step::Pause { .. }))
        && matches!(
            summary.state,
            DeploymentState::Running | DeploymentState::Paused
        )
        && (summary.state == DeploymentState::Running
            || matches!(current, Some(Step::Pause { seconds: None })));
    let may_act = viewer.is_some_and(|u| {
        u.may(crate::domain::Permission::Deploy {
            protected: d.protected.unwrap_or(true),
        })
    });
    let actions = if may_act {
        ManualAction::ALL
            .iter()
            .copied()
            .filter(|a| a.allowed(summary.state, waiting_for_promotion))
            .collect()
    } else {
        vec![]
    };
    let fleet = match (d.target_kind.as_deref(), d.target_id) {
        (Some("simulated"), Some(target_id)) => Some(FleetView {
            target_id,
            error_rate: d.sim_error_rate.unwrap_or_default(),
            latency_p95: d.sim_latency_p95.unwrap_or_default(),
            noise: d.sim_noise.unwrap_or_default(),
            live_version: d.live_version.clone(),
            may_change: viewer
                .is_some_and(|u| u.may(crate::domain::Permission::Deploy { protected: false })),
        }),
        _ => None,
    };
    Ok(DeploymentDetail {
        summary,
        release_title: d.release_title,
        previous_version: d.previous_version,
        params: serde_json::from_value(d.params).unwrap_or_default(),
        pause_reason: d.pause_reason,
        waiting_for_promotion,
        steps,
        triggers,
        log,
        actions,
        target_kind: d.target_kind,
        fleet,
        bake_until: d.bake_until,
        freeze_override_cr: d.freeze_cr,
        acknowledged_gates: d.acknowledged_gates,
        started_at: d.started_at,
        changes,
    })
}

#[derive(sqlx::FromRow)]
struct LatestRow {
    id: Uuid,
    number: i64,
    release_id: Uuid,
    service: String,
    version: String,
    environment: String,
    state: String,
    reason: Option<String>,
    finished_at: Option<chrono::DateTime<chrono::Utc>>,
    automatic: bool,
}

/// The latest deployment implementing change request `cr` (of a release
/// that ships it, to one of its `environments`), when it was rolled back.
pub async fn rolled_back_for_change(
    pool: &PgPool,
    cr: Uuid,
    environments: &[String],
) -> Result<Option<RolledBackDeployment>, AppError> {
    let latest: Option<LatestRow> = sqlx::query_as(
        "select d.id, d.number, d.release_id, s.key as service, d.version, d.environment, d.state,
                d.reason, d.finished_at,
                exists(select 1 from audit_event a
                       where a.entity_type = 'deployment' and a.entity_id = d.id::text
                         and a.action = 'deployment.rolling_back' and a.actor_kind = 'system') as automatic
         from release_change rc
         join deployment d on d.release_id = rc.release_id
         join service s on s.id = d.service_id
         where rc.cr_id = $1 and d.environment = any($2)
         order by d.created_at desc, d.number desc
         limit 1",
    )
    .bind(cr)
    .bind(environments)
    .fetch_optional(pool)
    .await?;
    Ok(latest
        .filter(|d| d.state == DeploymentState::RolledBack.as_str())
        .map(|d| RolledBackDeployment {
            id: d.id,
            number: d.number,
            release_id: d.release_id,
            service: d.service,
            version: d.version,
            environment: d.environment,
            reason: d.reason,
            automatic: d.automatic,
            finished_at: d.finished_at,
        }))
}

/// Log lines after `after` (an id), oldest first.
pub async fn log_after(
    pool: &PgPool,
    id: Uuid,
    after: i64,
    limit: i64,
) -> Result<Vec<LogLine>, AppError> {
    Ok(sqlx::query_as!(
        LogLine,
        "select id, at, stream, line from (
             select id, at, stream, line from deployment_log where deployment_id = $1 and id > $2
             order by id desc limit $3) x order by id",
        id,
        after,
        limit
    )
    .fetch_all(pool)
    .await?)
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
    .await?
    ;
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

/// The rollback trigger of `deployment` whose latest reading is in breach,
/// in words ("error_rate 0.5000 > 0.1"), if any. A step that raises traffic
/// waits while one is: it goes on when the breach clears, or the trigger's
/// sustained rule fires first.
pub async fn breaching(
    conn: &mut PgConnection,
    deployment: Uuid,
) -> Result<Option<String>, AppError> {
    let row = sqlx::query!(
        r#"select t.metric, t.operator, t.threshold, r.value as "value?"
           from rollback_trigger t
           join lateral (select value, breached from trigger_reading
                         where trigger_id = t.id order by at desc, id desc limit 1) r on true
           where t.deployment_id = $1 and r.breached
           order by t.position limit 1"#,
        deployment
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| {
        let value = r
            .value
            .map(|v| format!("{v:.4}"))
            .unwrap_or_else(|| "?".into());
        format!("{} {value} {} {}", r.metric, r.operator, r.threshold)
    }))
}

/// What the release page's deploy form offers.
pub async fn options(
    pool: &PgPool,
    user: &SessionUser,
    release: Uuid,
) -> Result<DeployOptions, AppError> {
    let targeted = sqlx::query_scalar!("select environments from release where id = $1", release)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)?;
    // In promotion order (dev → … → prod), then the rest by key; the form
    // starts on the first one this release has not succeeded in yet.
    let ordered = sqlx::query!(
        r#"select e.key,
                  exists(select 1 from deployment d where d.release_id = $1 and d.environment = e.key
                         and d.state = 'succeeded') as "done!"
           from environment e where e.key = any($2)
           order by e.promotion_order nulls last, e.key"#,
        release,
        &targeted
    )
    .fetch_all(pool)
    .await?;
    let next_environment = ordered.iter().find(|e| !e.done).map(|e| e.key.clone());
    let environments: Vec<String> = ordered.into_iter().map(|e| e.key).collect();
    let mut conn = pool.acquire().await?;
    let mut default_triggers = Vec::new();
    for env in &environments {
        default_triggers.push((env.clone(), environment_triggers(&mut conn, env).await?));
    }
    drop(conn);
    let gates = gates(pool, release).await?;
    Ok(DeployOptions {
        gates,
        release_id: release,
        environments,
        next_environment,
        default_triggers,
        deployments: list(pool, "", "", Some(release), 1).await?.deployments,
        may_deploy: user.may(crate::domain::Permission::Deploy { protected: false }),
    })
}

/// Sets what a simulated fleet's metrics read (engineers, release managers,
/// administrators). Audited.
pub async fn set_fleet(
    pool: &PgPool,
    user: &SessionUser,
    target: Uuid,
    error_rate: f64,
    latency_p95: f64,
) -> Result<(), AppError> {
    if !user.may(crate::domain::Permission::Deploy { protected: false }) {
        return Err(AppError::NotPermitted(
            "Only engineers, release managers and administrators steer the simulated fleet.".into(),
        ));
    }
    let mut errors = BTreeMap::new();
    if !(0.0..=1.0).contains(&error_rate) {
        errors.insert(
            "error_rate".into(),
            "An error rate is between 0 and 1.".into(),
        );
    }
    if !(0.0..=600.0).contains(&latency_p95) {
        errors.insert(
            "latency_p95".into(),
            "Latency is between 0 and 600 seconds.".into(),
        );
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let mut tx = pool.begin().await?;
    let before = sqlx::query!(
        r#"select t.sim_error_rate, t.sim_latency_p95, t.environment,
                  coalesce(e.protected, true) as "protected!"
           from deploy_target t left join environment e on e.key = t.environment
           where t.id = $1 and t.kind = 'simulated' for update of t"#,
        target
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    // The fleet's numbers drive the rollback triggers of deployments there.
    if !user.may(crate::domain::Permission::Deploy {
        protected: before.protected,
    }) {
        return Err(AppError::NotPermitted(format!(
            "{} is protected: only release managers and administrators steer its simulated fleet.",
            before.environment
        )));
    }
    sqlx::query!(
        "update deploy_target set sim_error_rate = $2, sim_latency_p95 = $3, updated_at = now() where id = $1",
        target,
        error_rate,
        latency_p95
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "deploy_target.simulate",
            entity_type: "deploy_target",
            entity_id: Some(target.to_string()),
            before: Some(json!({ "error_rate": before.sim_error_rate, "latency_p95": before.sim_latency_p95 })),
            after: Some(json!({ "error_rate": error_rate, "latency_p95": latency_p95 })),
            request_id: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
