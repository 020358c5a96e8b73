//! The claim loop: wake on a notification, a poll tick or a finished job,
//! claim as many jobs as there are free slots, run each in its own task.
//! A reaper rescues jobs whose worker vanished. Shutdown stops claiming,
//! waits for running jobs, then aborts and releases the rest.

use super::shared::Shared;
use super::{execute, listener, store, Registry, RunnerConfig};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};

/// Claims and runs jobs until shut down.
pub struct Runner {
    shared: Arc<Shared>,
}

/// The shortest time between two claims by one runner.
const CLAIM_GAP: Duration = Duration::from_millis(2);

/// How long released jobs get to be written back after the grace period.
const RELEASE_DEADLINE: Duration = Duration::from_secs(10);

impl Runner {
    pub fn new(pool: PgPool, registry: Registry, mut config: RunnerConfig) -> Self {
        config.concurrency = config.concurrency.max(1);
        let kinds = registry.kinds();
        let db = bookkeeping_pool(&pool, config.concurrency);
        Self {
            shared: Arc::new(Shared {
                pool,
                db,
                config,
                registry,
                kinds,
            }),
        }
    }

    /// Runs until `shutdown` resolves, then stops gracefully. Dropping the
    /// future instead stops everything at once, as a killed process would
    /// (its jobs are rescued when their leases expire).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> anyhow::Result<()> {
        let shared = self.shared;
        let config = &shared.config;
        tracing::info!(
            worker = %config.worker_id,
            concurrency = config.concurrency,
            kinds = ?shared.kinds,
            "job runner started"
        );
        let wake = Arc::new(Notify::new());
        let mut background = JoinSet::new();
        background.spawn(listener::run(shared.pool.clone(), wake.clone()));
        background.spawn(reaper(shared.clone(), wake.clone()));
        let (abort, aborted) = watch::channel(false);
        let mut jobs = JoinSet::new();
        let mut poll = tokio::time::interval(config.poll_interval);
        poll.set_missed_tick_behavior(MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        let mut last_claim = Instant::now() - CLAIM_GAP;
        loop {
            // Under a stream of notifications and finishing jobs, one claim
            // every CLAIM_GAP takes several jobs at once instead of one
            // statement per wake-up; a lone notification is not delayed.
            tokio::time::sleep_until(last_claim + CLAIM_GAP).await;
            last_claim = Instant::now();
            while jobs.try_join_next().is_some() {}
            claim(&shared, &mut jobs, &aborted).await;
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                Some(_) = jobs.join_next() => {}
                () = wake.notified() => {}
                _ = poll.tick() => {}
            }
        }
        background.abort_all();
        tracing::info!(running = jobs.len(), "job runner stopping");
        let drain = async { while jobs.join_next().await.is_some() {} };
        if tokio::time::timeout(config.shutdown_grace, drain)
            .await
            .is_err()
        {
            tracing::warn!(
                running = jobs.len(),
                "shutdown grace period over; releasing unfinished jobs"
            );
            abort.send_replace(true);
            let drain = async { while jobs.join_next().await.is_some() {} };
            if tokio::time::timeout(RELEASE_DEADLINE, drain).await.is_err() {
                tracing::error!(
                    running = jobs.len(),
                    "jobs not released in time; their leases will expire"
                );
            }
        }
        shared.db.close().await;
        tracing::info!("job runner stopped");
        Ok(())
    }
}

/// The `application_name` of the runner's own connections.
const RUNNER_APPLICATION_NAME: &str = "rookery-job-runner";

/// Connections for the runner's bookkeeping, whose commits do not wait for
/// the WAL to reach the disk (`synchronous_commit = off`): with a 3 ms
/// fdatasync, waiting capped a runner at a few hundred jobs a second. Only a
/// PostgreSQL crash can lose such a commit (the last fraction of a second),
/// and then a job runs again, as after a lost worker: claims, heartbeats and
/// outcomes are at-least-once anyway. A handler's own transaction, and with
/// it `JobContext::complete_in`, stays durable, and its flush covers the
/// claim before it.
fn bookkeeping_pool(pool: &PgPool, concurrency: usize) -> PgPool {
    let options = pool
        .connect_options()
        .as_ref()
        .clone()
        .application_name(RUNNER_APPLICATION_NAME)
        .options([("synchronous_commit", "off")]);
    PgPoolOptions::new()
        .max_connections(concurrency as u32 + 2)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy_with(options)
}

/// Claims while slots are free and jobs are runnable.
async fn claim(shared: &Arc<Shared>, jobs: &mut JoinSet<()>, aborted: &watch::Receiver<bool>) {
    let config = &shared.config;
    if shared.kinds.is_empty() {
        return;
    }
    while jobs.len() < config.concurrency {
        let free = config.concurrency - jobs.len();
        let claimed_at = Instant::now();
        let claimed = match store::claim(
            &shared.db,
            &shared.kinds,
            free as i64,
            config.lease,
            &config.worker_id,
        )
        .await
        {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::warn!(error = %error, "claiming jobs failed");
                return;
            }
        };
        let count = claimed.len();
        for job in claimed {
            let Some(handler) = shared.registry.get(&job.kind) else {
                continue; // cannot happen: only registered kinds are claimed
            };
            jobs.spawn(execute::execute(
                shared.clone(),
                handler,
                job,
                claimed_at,
                aborted.clone(),
            ));
        }
        if count < free {
            return;
        }
    }
}

/// Rescues jobs whose lease expired, in every runner (the statement is
/// safe to run concurrently), and wakes the runners when there are some;
/// deletes succeeded jobs older than a week.
async fn reaper(shared: Arc<Shared>, wake: Arc<Notify>) {
    let mut tick = tokio::time::interval(shared.config.reap_interval);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match store::reap(&shared.db).await {
            Ok(reaped) if reaped.is_empty() => {}
            Ok(reaped) => {
                for (id, kind, attempt, status) in &reaped {
                    tracing::warn!(job.id = id, job.kind = %kind, job.attempt = attempt, status = %status, "job lease expired (worker lost); rescued");
                }
                wake.notify_one();
                if let Err(error) = store::notify(&shared.db).await {
                    tracing::debug!(error = %error, "announcing rescued jobs failed");
                }
            }
            Err(error) => tracing::warn!(error = %error, "looking for expired job leases failed"),
        }
        match store::prune(&shared.db).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(deleted = n, "old succeeded jobs deleted"),
            Err(error) => tracing::warn!(error = %error, "deleting old succeeded jobs failed"),
        }
    }
}
