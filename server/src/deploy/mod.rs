//! The deployment engine: job handlers that run a deployment's steps one
//! job at a time, evaluate its rollback triggers on a schedule, roll it back
//! and wait for its gates. Each handler calls targets with no transaction
//! open, then records the outcome, completes its job and enqueues the next
//! one in a single transaction — so a crash repeats a target call (with the
//! same idempotency key) but never records a step twice.
//!
//! Size: over ~500 lines and mixing concerns; the split by concern is
//! issue 13's structural pass (one owner per table), kept out of this
//! behaviour change so the two can be reviewed apart.

pub mod metrics;
pub mod target;

use crate::jobs::{Handler, JobContext, JobError, Registry};
use app::domain::deploy::{
    evaluate, DeploymentState, Reading, Step, TriggerAction, TriggerSpec, Verdict,
};
use app::server::deployments::{self as service, kind};
use app::server::jobs::{self, NewJob};
use app::server::Actor;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;
use std::time::Duration;
use target::{Call, Kind, Target};
use uuid::Uuid;

/// Shared by the handlers.
pub struct Engine {
    pub pool: PgPool,
    pub http: reqwest::Client,
    /// Base URL of a Prometheus server for `prometheus` triggers.
    pub prometheus: Option<String>,
}

impl Engine {
    pub fn new(pool: PgPool, prometheus: Option<String>) -> Arc<Self> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("rookery/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Arc::new(Self {
            pool,
            http,
            prometheus,
        })
    }
}

/// Adds the deployment handlers to `registry`.
pub fn register(registry: &mut Registry, engine: Arc<Engine>) {
    registry.add(kind::STEP, StepHandler(engine.clone()));
    registry.add(kind::ANALYZE, AnalyzeHandler(engine.clone()));
    registry.add(kind::ROLLBACK, RollbackHandler(engine.clone()));
    registry.add(kind::GATES, GatesHandler(engine.clone()));
    registry.add(kind::SCALE_UP, ScaleUpHandler(engine));
}

/// Writes lines to a deployment's log as they happen (each its own small
/// statement, so the progress page sees them while a target runs).
#[derive(Clone)]
pub struct Output {
    pool: PgPool,
    deployment: Uuid,
}

impl Output {
    pub async fn line(&self, stream: &str, line: &str) {
        let result = async {
            let mut conn = self.pool.acquire().await?;
            service::log(&mut conn, self.deployment, stream, line).await
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(deployment = %self.deployment, error = %e, "could not write a deployment log line");
        }
    }

    pub async fn info(&self, line: &str) {
        self.line("info", line).await
    }
}

fn deployment_id(cx: &JobContext) -> Result<Uuid, JobError> {
    cx.job.payload["deployment"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| JobError::Fatal("the job names no deployment".into()))
}

/// A deployment as the engine needs it.
#[derive(sqlx::FromRow)]
struct Loaded {
    id: Uuid,
    number: i64,
    state: String,
    current_step: i32,
    generation: i32,
    steps: serde_json::Value,
    params: serde_json::Value,
    version: String,
    previous_version: Option<String>,
    environment: String,
    release_id: Uuid,
    service: String,
    weight: i32,
    bake_until: Option<DateTime<Utc>>,
    inconclusive_limit: i32,
    kind: Option<String>,
    program: Option<String>,
    args: Option<Vec<String>>,
    url: Option<String>,
    secret: Option<String>,
    timeout_seconds: Option<i32>,
    health_url: Option<String>,
    health_status: Option<i32>,
    health_command: Option<String>,
    sim_error_rate: Option<f64>,
    sim_latency_p95: Option<f64>,
    sim_noise: Option<f64>,
}

impl Loaded {
    fn state(&self) -> DeploymentState {
        DeploymentState::parse(&self.state).unwrap_or(DeploymentState::Failed)
    }

    fn plan(&self) -> Result<Vec<Step>, JobError> {
        serde_json::from_value(self.steps.clone())
            .map_err(|e| JobError::Fatal(format!("the stored steps do not parse: {e}")))
    }

    fn flag(&self) -> Option<String> {
        self.params["flag"].as_str().map(String::from)
    }

    fn target(&self) -> Result<Target, String> {
        let kind = match self.kind.as_deref() {
            Some("command") => Kind::Command {
                program: self.program.clone().unwrap_or_default(),
                args: self.args.clone().unwrap_or_default(),
            },
            Some("webhook") => Kind::Webhook {
                url: self.url.clone().unwrap_or_default(),
                secret: self.secret.clone().unwrap_or_default(),
            },
            Some("simulated") => Kind::Simulated,
            _ => return Err("the deploy target was removed".into()),
        };
        Ok(Target {
            kind,
            timeout: Duration::from_secs(self.timeout_seconds.unwrap_or(300).max(1) as u64),
            health_url: self.health_url.clone(),
            health_status: self.health_status.unwrap_or(200) as u16,
            health_command: self.health_command.clone(),
            sim_error_rate: self.sim_error_rate.unwrap_or(0.0),
        })
    }

    fn fleet(&self) -> Option<metrics::Fleet> {
        (self.kind.as_deref() == Some("simulated")).then(|| metrics::Fleet {
            error_rate: self.sim_error_rate.unwrap_or(0.0),
            latency_p95: self.sim_latency_p95.unwrap_or(0.0),
            noise: self.sim_noise.unwrap_or(0.0),
        })
    }

    fn call(&self, action: &str, step: i32, step_name: &str, weight: u32, key: String) -> Call {
        Call {
            deployment: self.id,
            number: self.number,
            service: self.service.clone(),
            environment: self.environment.clone(),
            version: self.version.clone(),
            previous_version: self.previous_version.clone(),
            action: action.into(),
            step,
            step_name: step_name.into(),
            weight,
            flag: self.flag(),
            idempotency_key: key,
        }
    }

    fn output(&self, pool: &PgPool) -> Output {
        Output {
            pool: pool.clone(),
            deployment: self.id,
        }
    }
}

async fn load(conn: &mut PgConnection, id: Uuid, lock: bool) -> Result<Loaded, JobError> {
    let sql = format!(
        "select d.id, d.number, d.state, d.current_step, d.generation, d.steps, d.params, d.version,
                d.previous_version, d.environment, d.release_id, s.key as service, d.weight, d.bake_until,
                d.inconclusive_limit, t.kind, t.program, t.args, t.url, t.secret, t.timeout_seconds,
                t.health_url, t.health_status, t.health_command, t.sim_error_rate, t.sim_latency_p95, t.sim_noise
         from deployment d join service s on s.id = d.service_id
         left join deploy_target t on t.id = d.target_id
         where d.id = $1 {}",
        if lock { "for update of d" } else { "" }
    );
    sqlx::query_as::<_, Loaded>(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| JobError::Fatal(format!("deployment {id} does not exist")))
}

fn app_error(e: app::error::AppError) -> JobError {
    JobError::Retry(format!("{e:?}"))
}

/// Runs one step of a deployment.
struct StepHandler(Arc<Engine>);

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
        sqlx::query(
            "update deployment_step set status = 'running', started_at = coalesce(started_at, now())
             where deployment_id = $1 and position = $2 and status = 'pending'",
        )
        .bind(id)
        .bind(position)
        .execute(&engine.pool)
        .await?;

        match &step {
            Step::Pause {
                seconds: Some(seconds),
            } if !wake => {
                // Come back when the pause is over (or when a person promotes).
                let mut tx = engine.pool.begin().await?;
                cx.complete_in(&mut tx).await?;
                let at = Utc::now() + chrono::Duration::seconds(i64::from(*seconds));
                let mut job = service::step_job(id, position, generation).at(at);
                job.payload["wake"] = json!(true);
                job.idempotency_key = Some(format!("step:{id}:{position}:{generation}:wake"));
                jobs::enqueue(&mut tx, job).await?;
                service::log(
                    &mut tx,
                    id,
                    "info",
                    &format!("Step {}: {}", position + 1, step.describe()),
                )
                .await?;
                tx.commit().await?;
                return Ok(());
            }
            Step::Pause { seconds: None } => {
                let mut tx = engine.pool.begin().await?;
                let locked = load(&mut tx, id, true).await?;
                cx.complete_in(&mut tx).await?;
                if locked.state() == DeploymentState::Running && locked.current_step == position {
                    sqlx::query(
                        "update deployment set state = 'paused', pause_reason = $2, updated_at = now() where id = $1",
                    )
                    .bind(id)
                    .bind(format!("Waiting at {} % for a person to promote", locked.weight))
                    .execute(&mut *tx)
                    .await?;
                    service::log(
                        &mut tx,
                        id,
                        "info",
                        &format!("Step {}: waiting for a person to promote.", position + 1),
                    )
                    .await?;
                }
                tx.commit().await?;
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
                let mut job = service::step_job(id, position, generation)
                    .at(Utc::now() + chrono::Duration::seconds(HOLD_RECHECK_SECONDS));
                job.payload["held"] = json!(held);
                job.idempotency_key =
                    Some(format!("step:{id}:{position}:{generation}:held:{held}"));
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
                tx.commit().await?;
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
            tx.commit().await?;
            return Ok(());
        }
        match outcome {
            Ok(()) => advance(&mut tx, &locked, position, &step, plan.len()).await?,
            Err(why) => {
                sqlx::query(
                    "update deployment_step set status = 'failed', finished_at = now()
                     where deployment_id = $1 and position = $2",
                )
                .bind(id)
                .bind(position)
                .execute(&mut *tx)
                .await?;
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
        tx.commit().await?;
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
    let marked = sqlx::query(
        "update deployment_step set status = 'done', finished_at = now(), started_at = coalesce(started_at, now())
         where deployment_id = $1 and position = $2 and status <> 'done'",
    )
    .bind(d.id)
    .bind(position)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if marked == 0 {
        return Ok(());
    }
    let weight = step.weight_after(d.weight.max(0) as u32) as i32;
    sqlx::query(
        "update deployment set current_step = $2, weight = $3, updated_at = now() where id = $1",
    )
    .bind(d.id)
    .bind(position + 1)
    .bind(weight)
    .execute(&mut *tx)
    .await?;
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

#[derive(sqlx::FromRow)]
struct TriggerRow {
    id: Uuid,
    metric: String,
    operator: String,
    threshold: f64,
    sustained_seconds: i32,
    interval_seconds: i32,
    action: String,
    cooldown_minutes: i32,
    source: String,
    query: String,
    last_fired_at: Option<DateTime<Utc>>,
    last_reading_at: Option<DateTime<Utc>>,
}

impl TriggerRow {
    fn spec(&self) -> Result<TriggerSpec, JobError> {
        use app::domain::deploy::{MetricSource, Operator};
        let bad = |e: String| JobError::Fatal(format!("stored trigger: {e}"));
        Ok(TriggerSpec {
            metric: self.metric.clone(),
            operator: Operator::parse(&self.operator).map_err(bad)?,
            threshold: self.threshold,
            sustained_seconds: self.sustained_seconds.max(0) as u32,
            interval_seconds: self.interval_seconds.max(1) as u32,
            action: TriggerAction::parse(&self.action).map_err(bad)?,
            cooldown_minutes: self.cooldown_minutes.max(0) as u32,
            source: MetricSource::parse(&self.source).map_err(bad)?,
            query: self.query.clone(),
        })
    }
}

/// One analysis tick: read every trigger that is due, evaluate, act, and
/// schedule the next tick while the deployment runs or bakes.
struct AnalyzeHandler(Arc<Engine>);

#[async_trait::async_trait]
impl Handler for AnalyzeHandler {
    async fn run(&self, cx: &JobContext) -> Result<(), JobError> {
        let engine = &self.0;
        let id = deployment_id(cx)?;
        let tick = cx.job.payload["tick"].as_i64().unwrap_or(0);
        let mut conn = engine.pool.acquire().await?;
        let d = load(&mut conn, id, false).await?;
        let watching = |d: &Loaded| match d.state() {
            DeploymentState::Running | DeploymentState::Paused => true,
            DeploymentState::Succeeded => d.bake_until.is_some_and(|b| b > Utc::now()),
            _ => false,
        };
        if !watching(&d) {
            return Ok(());
        }
        let triggers: Vec<TriggerRow> = sqlx::query_as(
            "select t.id, t.metric, t.operator, t.threshold, t.sustained_seconds, t.interval_seconds, t.action,
                    t.cooldown_minutes, t.source, t.query, t.last_fired_at,
                    (select max(at) from trigger_reading r where r.trigger_id = t.id) as last_reading_at
             from rollback_trigger t where t.deployment_id = $1 order by t.position",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        drop(conn);
        let now = Utc::now();
        let subject = metrics::Subject {
            service: &d.service,
            environment: &d.environment,
            version: &d.version,
            fleet: d.fleet(),
        };
        // Read (no transaction open): only triggers whose interval is up.
        let mut readings = Vec::new();
        for t in &triggers {
            let spec = t.spec()?;
            let due = t.last_reading_at.is_none_or(|last| {
                now - last
                    >= chrono::Duration::milliseconds(i64::from(spec.interval_seconds) * 1000 - 250)
            });
            if due {
                let value = metrics::read(
                    &engine.pool,
                    &engine.http,
                    engine.prometheus.as_deref(),
                    &spec,
                    &subject,
                )
                .await;
                readings.push((t, spec, value));
            }
        }
        if cx.lease_lost() {
            return Err(JobError::LeaseLost);
        }

        let mut tx = engine.pool.begin().await?;
        let locked = load(&mut tx, id, true).await?;
        cx.complete_in(&mut tx).await?;
        let mut state = locked.state();
        for (t, spec, value) in &readings {
            let (value, error) = match value {
                Ok(v) => (Some(*v), None),
                Err(e) => (None, Some(e.clone())),
            };
            let breached = value.is_some_and(|v| spec.operator.holds(v, spec.threshold));
            let reading_id: i64 = sqlx::query_scalar(
                "insert into trigger_reading (trigger_id, at, value, breached, error) values ($1, $2, $3, $4, $5) returning id",
            )
            .bind(t.id)
            .bind(now)
            .bind(value)
            .bind(breached)
            .bind(&error)
            .fetch_one(&mut *tx)
            .await?;
            let window =
                i64::from(spec.sustained_seconds) + 3 * i64::from(spec.interval_seconds) + 5;
            let history: Vec<(DateTime<Utc>, Option<f64>)> = sqlx::query_as(
                "select at, value from trigger_reading where trigger_id = $1 and at > $2 order by at, id",
            )
            .bind(t.id)
            .bind(now - chrono::Duration::seconds(window))
            .fetch_all(&mut *tx)
            .await?;
            let history: Vec<Reading> = history
                .into_iter()
                .map(|(at, value)| Reading { at, value })
                .collect();
            let fired = match evaluate(spec, &history, t.last_fired_at, now) {
                Verdict::Fire { since, values } => {
                    let shown: Vec<String> = values
                        .iter()
                        .rev()
                        .take(5)
                        .rev()
                        .map(|v| format!("{v:.4}"))
                        .collect();
                    let reason = format!(
                        "{} {} {} sustained {} s since {} (values {}); trigger action: {}",
                        spec.metric,
                        spec.operator.as_str(),
                        spec.threshold,
                        (now - since).num_seconds(),
                        since.format("%H:%M:%S"),
                        shown.join(", "),
                        spec.action.as_str()
                    );
                    act_on_trigger(&mut tx, &locked, &mut state, spec.action, &reason).await?
                }
                // Exactly at the limit: a person who resumes after reading the
                // reason is asked again only after a fresh run of failures.
                Verdict::Inconclusive { in_a_row }
                    if in_a_row == locked.inconclusive_limit.max(1) as u32 =>
                {
                    if state == DeploymentState::Running {
                        let why = format!(
                            "{} could not be read {in_a_row} times in a row ({}); paused for a person to decide",
                            spec.metric,
                            error.clone().unwrap_or_default()
                        );
                        sqlx::query("update deployment set state = 'paused', pause_reason = $2, updated_at = now() where id = $1")
                            .bind(id)
                            .bind(&why)
                            .execute(&mut *tx)
                            .await?;
                        service::log(&mut tx, id, "warn", &why).await?;
                        service::alert(
                            &mut tx,
                            id,
                            "Deployment paused: metrics inconclusive",
                            &why,
                        )
                        .await
                        .map_err(app_error)?;
                        state = DeploymentState::Paused;
                        Some("pause")
                    } else {
                        None
                    }
                }
                _ => None,
            };
            if let Some(fired) = fired {
                sqlx::query("update trigger_reading set fired = $2 where id = $1")
                    .bind(reading_id)
                    .bind(fired)
                    .execute(&mut *tx)
                    .await?;
                if fired != "pause" {
                    sqlx::query("update rollback_trigger set last_fired_at = $2 where id = $1")
                        .bind(t.id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        // Readings are pushed to the page like log lines.
        sqlx::query("select pg_notify('rookery_deployments', $1)")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        let still = matches!(state, DeploymentState::Running | DeploymentState::Paused)
            || state == DeploymentState::Succeeded
                && locked.bake_until.is_none_or(|b| b > Utc::now());
        if still && !triggers.is_empty() {
            let every = triggers
                .iter()
                .map(|t| t.interval_seconds.max(1))
                .min()
                .unwrap_or(10);
            let next = service::analyze_job(id, tick + 1)
                .at(now + chrono::Duration::seconds(i64::from(every)));
            jobs::enqueue(&mut tx, next).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Runs a fired trigger's action; returns what was done.
async fn act_on_trigger(
    tx: &mut PgConnection,
    d: &Loaded,
    state: &mut DeploymentState,
    action: TriggerAction,
    reason: &str,
) -> Result<Option<&'static str>, JobError> {
    match action {
        TriggerAction::Rollback => {
            if state.can_become(DeploymentState::RollingBack) {
                service::finish(
                    tx,
                    d.id,
                    DeploymentState::RollingBack,
                    &Actor::System,
                    &format!("Automatic rollback: {reason}"),
                )
                .await
                .map_err(app_error)?;
                *state = DeploymentState::RollingBack;
                Ok(Some("rollback"))
            } else {
                Ok(None)
            }
        }
        TriggerAction::Alert => {
            service::log(tx, d.id, "warn", &format!("Alert: {reason}")).await?;
            service::alert(tx, d.id, &format!("Alert on D-{}", d.number), reason)
                .await
                .map_err(app_error)?;
            Ok(Some("alert"))
        }
        TriggerAction::ScaleUp => {
            service::log(tx, d.id, "warn", &format!("Scaling up: {reason}")).await?;
            let job = NewJob::new(
                kind::SCALE_UP,
                json!({ "deployment": d.id, "reason": reason }),
            )
            .attempts(3)
            .timeout(3600);
            jobs::enqueue(tx, job).await?;
            Ok(Some("scale_up"))
        }
    }
}

/// Calls the target with ROOKERY_ACTION=scale_up.
struct ScaleUpHandler(Arc<Engine>);

#[async_trait::async_trait]
impl Handler for ScaleUpHandler {
    async fn run(&self, cx: &JobContext) -> Result<(), JobError> {
        let engine = &self.0;
        let id = deployment_id(cx)?;
        let mut conn = engine.pool.acquire().await?;
        let d = load(&mut conn, id, false).await?;
        drop(conn);
        let out = d.output(&engine.pool);
        let target = d.target().map_err(JobError::Fatal)?;
        let call = d.call(
            "scale_up",
            d.current_step,
            "scale_up",
            d.weight as u32,
            format!("{id}:scale_up:{}", cx.job.id),
        );
        match target::invoke(&engine.http, &target, &call, &out).await {
            Ok(()) => out.info("Scale-up done.").await,
            Err(e) => out.line("error", &format!("Scale-up failed: {e}")).await,
        }
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
struct RollbackStepRow {
    position: i32,
    description: String,
    command: Option<String>,
    verification: String,
    timeout_minutes: i32,
    on_failure: String,
}

/// Rolls a deployment back: the release plan's rollback steps in order, or
/// the previous version redeployed through the target.
struct RollbackHandler(Arc<Engine>);

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
        let steps: Vec<RollbackStepRow> = sqlx::query_as(
            "select position, description, command, verification, timeout_minutes, on_failure
             from release_rollback_step where release_id = $1 order by position",
        )
        .bind(d.release_id)
        .fetch_all(&mut *conn)
        .await?;
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
        tx.commit().await?;
        Ok(())
    }
}

/// Re-checks a waiting deployment's gates.
struct GatesHandler(Arc<Engine>);

#[async_trait::async_trait]
impl Handler for GatesHandler {
    async fn run(&self, cx: &JobContext) -> Result<(), JobError> {
        let id = deployment_id(cx)?;
        let mut tx = self.0.pool.begin().await?;
        cx.complete_in(&mut tx).await?;
        service::check_gates(&mut tx, id).await.map_err(app_error)?;
        tx.commit().await?;
        Ok(())
    }
}
