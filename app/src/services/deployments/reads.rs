//! What pages read about deployments: the history list, the progress
//! page's detail and log, the rolled-back deployment a change request
//! shows, and what the release page's deploy form offers.

use super::gates::gates;
use super::start::environment_triggers;
use crate::domain::deploy::{
    DeploymentPhase, DeploymentState, ManualAction, MetricSource, Operator, Step, Strategy,
    TriggerAction, TriggerSpec,
};
use crate::error::AppError;
use crate::model::{
    DeployOptions, DeploymentDetail, DeploymentPage, DeploymentSummary, FleetView, LogLine,
    RolledBackDeployment, StepView, TriggerReading, TriggerView,
};
use crate::services::session::SessionUser;
use crate::services::stored::parse;
use sqlx::PgPool;
use uuid::Uuid;

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
    // The same columns as `detail`'s summary.
    let rows = sqlx::query_as!(
        SummaryRow,
        r#"select d.id, d.number, d.release_id, s.key as service, d.version, d.environment, d.strategy,
                  d.state, d.weight, d.current_step, jsonb_array_length(d.steps) as "total_steps!", d.reason,
                  u.display_name as "started_by?", d.created_at, d.finished_at, d.bake_until, d.bake_seconds
           from deployment d join service s on s.id = d.service_id left join app_user u on u.id = d.started_by
           where ($1 = '' or s.key = $1) and ($2 = '' or d.environment = $2) and ($3::uuid is null or d.release_id = $3)
           order by d.created_at desc, d.number desc limit $4 offset $5"#,
        service.trim(),
        environment.trim(),
        release,
        PER_PAGE + 1,
        (page - 1) * PER_PAGE
    )
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
    // The same columns as `list`.
    let row = sqlx::query_as!(
        SummaryRow,
        r#"select d.id, d.number, d.release_id, s.key as service, d.version, d.environment, d.strategy,
                  d.state, d.weight, d.current_step, jsonb_array_length(d.steps) as "total_steps!", d.reason,
                  u.display_name as "started_by?", d.created_at, d.finished_at, d.bake_until, d.bake_seconds
           from deployment d join service s on s.id = d.service_id left join app_user u on u.id = d.started_by
           where d.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let summary = summary_from(row)?;
    let changes =
        crate::services::change_requests::shipped_by_release(pool, summary.release_id).await?;
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
    let latest = sqlx::query_as!(
        LatestRow,
        r#"select d.id, d.number, d.release_id, s.key as service, d.version, d.environment, d.state,
                  d.reason, d.finished_at,
                  exists(select 1 from audit_event a
                         where a.entity_type = 'deployment' and a.entity_id = d.id::text
                           and a.action = 'deployment.rolling_back' and a.actor_kind = 'system') as "automatic!"
           from release_change rc
           join deployment d on d.release_id = rc.release_id
           join service s on s.id = d.service_id
           where rc.cr_id = $1 and d.environment = any($2)
           order by d.created_at desc, d.number desc
           limit 1"#,
        cr,
        environments
    )
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
