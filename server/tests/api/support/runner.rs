//! The job-runner fixture: a [`Runner`] in its own task that a test stops
//! gracefully or kills, and [`engine`]s with the real handlers.

use super::spawn::default_config;
use rookery::jobs::{Registry, Runner, RunnerConfig};
use sqlx::PgPool;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// A runner in its own task.
pub struct Running {
    /// The runner's task; its result is the runner's.
    pub task: JoinHandle<anyhow::Result<()>>,
    /// Asks the runner for a graceful shutdown.
    pub stop: oneshot::Sender<()>,
}

/// Starts a runner with `registry` and `config` on `pool`.
pub fn start(pool: &PgPool, registry: Registry, config: RunnerConfig) -> Running {
    let (stop, stopped) = oneshot::channel();
    let runner = Runner::new(pool.clone(), registry, config);
    let task = tokio::spawn(runner.run(async {
        let _ = stopped.await;
    }));
    Running { task, stop }
}

impl Running {
    /// Asks for a graceful shutdown and waits for it.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(60), self.task)
            .await
            .expect("the runner did not stop within 60 s")
            .expect("runner task")
            .expect("runner result");
    }

    /// Stops everything at once, as if the process were killed.
    pub async fn kill(self) {
        self.task.abort();
        assert!(self.task.await.unwrap_err().is_cancelled());
    }
}

/// The settings of an engine: a worker of its own, leases and retries in
/// seconds.
pub fn engine_config() -> RunnerConfig {
    RunnerConfig {
        worker_id: format!("engine-test-{}", Uuid::new_v4().simple()),
        concurrency: 4,
        lease: Duration::from_secs(10),
        poll_interval: Duration::from_millis(200),
        reap_interval: Duration::from_secs(1),
        retry_base: Duration::from_millis(200),
        retry_max: Duration::from_secs(2),
        shutdown_grace: Duration::from_secs(5),
    }
}

/// A runner with the real handlers of the default configuration.
pub fn engine(pool: &PgPool) -> Running {
    engine_for(pool, &default_config())
}

/// A runner with the real handlers built from `config`.
pub fn engine_for(pool: &PgPool, config: &rookery::Config) -> Running {
    engine_with(pool, rookery::job_handlers::registry(pool, config))
}

/// A runner with [`engine_config`] and the handlers in `registry`.
pub fn engine_with(pool: &PgPool, registry: Registry) -> Running {
    start(pool, registry, engine_config())
}
