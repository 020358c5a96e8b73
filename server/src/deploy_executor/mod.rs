//! The deploy executor: job handlers that run a deployment's steps one job
//! at a time against its deploy target, evaluate its rollback triggers on a
//! schedule, roll it back and wait for its gates. Each handler calls targets
//! and metric sources with no transaction open, then records the outcome,
//! completes its job and enqueues the next one in a single transaction — so
//! a crash repeats a target call (with the same idempotency key) but never
//! records a step twice. Every read and write of the deployment tables is a
//! service in `app::services::deployments`; this module is the adapter.
//!
//! | File | Holds |
//! |---|---|
//! | `step.rs` | running one step (pauses, holds, target calls, advancing) |
//! | `analyze.rs` | one analysis tick and a fired trigger's action |
//! | `rollback.rs` | the rollback: plan steps or the previous version |
//! | `target.rs` | calling a deploy target |
//! | `metrics.rs` | reading a trigger's metric |

mod analyze;
pub mod metrics;
mod rollback;
mod step;
pub mod target;

use crate::jobs::{Handler, JobContext, JobError, Registry};
use app::domain::deploy::Step;
use app::services::deployments::{self as service, kind};
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;
use std::time::Duration;
use target::{Call, Kind, Target};
use uuid::Uuid;

/// Shared by the handlers.
pub struct Engine {
    /// The database, for the deployment services' calls.
    pub pool: PgPool,
    /// For webhooks, HTTP health checks and Prometheus queries.
    pub http: reqwest::Client,
    /// Base URL of a Prometheus server for `prometheus` triggers.
    pub prometheus: Option<String>,
}

impl Engine {
    /// The executor's shared state, with an HTTP client for webhooks,
    /// health checks and Prometheus.
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
    registry.add(kind::STEP, step::StepHandler(engine.clone()));
    registry.add(kind::ANALYZE, analyze::AnalyzeHandler(engine.clone()));
    registry.add(kind::ROLLBACK, rollback::RollbackHandler(engine.clone()));
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
    /// Appends `line` to the log on `stream`; a failure is logged, never
    /// fatal to the target call.
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

    /// Appends `line` on the `info` stream.
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

/// A deployment as the engine needs it, with what the engine builds from it
/// (its plan, its target, the calls it makes).
struct Loaded(service::Execution);

impl std::ops::Deref for Loaded {
    type Target = service::Execution;

    fn deref(&self) -> &service::Execution {
        &self.0
    }
}

impl Loaded {
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

/// Reads deployment `id`, locked until the transaction ends when `lock`.
async fn load(conn: &mut PgConnection, id: Uuid, lock: bool) -> Result<Loaded, JobError> {
    let found = if lock {
        service::lock_execution(conn, id).await?
    } else {
        service::execution(conn, id).await?
    };
    found
        .map(Loaded)
        .ok_or_else(|| JobError::Fatal(format!("deployment {id} does not exist")))
}

fn app_error(e: app::error::AppError) -> JobError {
    JobError::Retry(format!("{e:?}"))
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

/// Re-checks a waiting deployment's gates.
struct GatesHandler(Arc<Engine>);

#[async_trait::async_trait]
impl Handler for GatesHandler {
    async fn run(&self, cx: &JobContext) -> Result<(), JobError> {
        let id = deployment_id(cx)?;
        let mut tx = self.0.pool.begin().await?;
        cx.complete_in(&mut tx).await?;
        service::check_gates(&mut tx, id).await.map_err(app_error)?;
        app::services::audit::commit(tx).await?;
        Ok(())
    }
}
