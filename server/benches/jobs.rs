//! The job-runner benchmark (`scripts/bench-jobs.sh`): two runners (as two
//! worker processes would be) with 8 slots each, on a fresh database.
//!
//! 1. Pickup latency: 200 jobs/s for 20 s, each enqueued in its own
//!    transaction; latency is from the enqueue's commit returning to the
//!    handler starting. Goal p50 ≤ 10 ms, p99 ≤ 50 ms.
//! 2. Throughput: 20,000 trivial jobs, each in its own single-insert
//!    transaction from 32 concurrent enqueuers, while the runners run; timed
//!    until every one has succeeded. Goal ≥ 2,000 jobs/s.
//!
//! DATABASE_URL: a scratch database to use (migrated here); unset, an
//! embedded PostgreSQL (fsync on, as in production) starts in a temporary
//! directory. BENCH_RATE, BENCH_SECONDS and BENCH_JOBS change the sizes.

#[path = "common.rs"]
mod common;

use anyhow::{Context, Result};
use app::services::jobs::{enqueue, NewJob};
use rookery::jobs::{Registry, Runner, RunnerConfig};
use rookery::{db, job_handlers};
use serde_json::json;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

const LATENCY_KIND: &str = "bench.latency";
/// Concurrent enqueueing tasks in the throughput run.
const ENQUEUERS: u64 = 32;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<()> {
    let scratch = common::database("jobs").await?;
    let result = bench(scratch.options.clone()).await;
    scratch.close().await?;
    result
}

async fn bench(options: PgConnectOptions) -> Result<()> {
    let enqueuers = enqueue_pool(options.clone()).await?;
    db::migrate(&enqueuers).await?;
    sqlx::query("delete from job where kind in ($1, $2)")
        .bind(LATENCY_KIND)
        .bind(job_handlers::NOOP)
        .execute(&enqueuers)
        .await?;

    let started: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let mut stops = Vec::new();
    let mut runners = Vec::new();
    for n in 0..2 {
        let pool = db::pool(options.clone());
        let mut registry: Registry = job_handlers::registry(&pool, &common::default_config());
        let seen = started.clone();
        registry.add_fn(LATENCY_KIND, move |cx| {
            let now = Instant::now();
            seen.lock().unwrap().insert(cx.job.id, now);
            async { Ok(()) }
        });
        let config = RunnerConfig {
            worker_id: format!("bench-{n}"),
            ..RunnerConfig::default()
        };
        let (stop, stopped) = oneshot::channel::<()>();
        stops.push(stop);
        runners.push(tokio::spawn(Runner::new(pool, registry, config).run(
            async {
                let _ = stopped.await;
            },
        )));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let latency = pickup_latency(&enqueuers, &started).await?;
    let durable = throughput(&enqueuers).await?;
    // The same with the enqueuers' commits not waiting for the disk: what
    // the runners manage when enqueueing is not the bottleneck.
    let quick = enqueue_pool(options.clone().options([("synchronous_commit", "off")])).await?;
    let unflushed = throughput(&quick).await?;

    for stop in stops {
        let _ = stop.send(());
    }
    for runner in runners {
        runner.await??;
    }
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let report = format!(
        "Rookery job-runner benchmark, {cores} cores, 2 runners x 8 slots\n\
         pickup latency at {}: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms  (goal p50 <= 10, p99 <= 50)\n\
         throughput (goal >= 2000 jobs/s), {ENQUEUERS} enqueuers, one transaction per job:\n\
         \x20 enqueue commits flushed (default):  {}\n\
         \x20 enqueue commits not waiting (synchronous_commit=off for enqueuers only):  {}\n",
        latency.label,
        latency.p50,
        latency.p90,
        latency.p99,
        latency.max,
        durable.describe(),
        unflushed.describe(),
    );
    print!("{report}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("jobs.txt"), report)?;
    Ok(())
}

struct Latency {
    label: String,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
}

async fn pickup_latency(
    pool: &PgPool,
    started: &Arc<Mutex<HashMap<i64, Instant>>>,
) -> Result<Latency> {
    let rate = setting("BENCH_RATE", 200);
    let seconds = setting("BENCH_SECONDS", 20);
    let total = rate * seconds;
    eprintln!("pickup latency: {rate} jobs/s for {seconds} s");
    let committed: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..total {
        tick.tick().await;
        let (pool, committed) = (pool.clone(), committed.clone());
        tasks.spawn(async move {
            let mut tx = pool.begin().await?;
            let id = enqueue(&mut tx, NewJob::new(LATENCY_KIND, json!({})))
                .await?
                .context("no job added")?;
            tx.commit().await?;
            committed.lock().unwrap().insert(id, Instant::now());
            anyhow::Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while started.lock().unwrap().len() < total as usize {
        anyhow::ensure!(Instant::now() < deadline, "not every job started in time");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let committed = committed.lock().unwrap();
    let started = started.lock().unwrap();
    let mut millis: Vec<f64> = committed
        .iter()
        .map(|(id, at)| {
            started[id]
                .checked_duration_since(*at)
                .unwrap_or_default()
                .as_secs_f64()
                * 1000.0
        })
        .collect();
    millis.sort_by(f64::total_cmp);
    let at = |q: f64| millis[((millis.len() as f64 * q) as usize).min(millis.len() - 1)];
    Ok(Latency {
        label: format!("{rate} jobs/s for {seconds} s"),
        p50: at(0.50),
        p90: at(0.90),
        p99: at(0.99),
        max: millis[millis.len() - 1],
    })
}

struct Throughput {
    jobs: u64,
    seconds: f64,
    enqueue_rate: f64,
}

impl Throughput {
    fn describe(&self) -> String {
        format!(
            "{} jobs in {:.2} s = {:.0} jobs/s (enqueued at {:.0} jobs/s)",
            self.jobs,
            self.seconds,
            self.jobs as f64 / self.seconds,
            self.enqueue_rate
        )
    }
}

/// Many concurrent enqueuers, like many web requests: each commit waits for
/// a WAL flush, and concurrent commits share one.
async fn enqueue_pool(options: PgConnectOptions) -> Result<PgPool> {
    Ok(PgPoolOptions::new()
        .max_connections(ENQUEUERS as u32 + 2)
        .connect_with(options)
        .await?)
}

async fn succeeded(pool: &PgPool) -> Result<u64> {
    let done: i64 =
        sqlx::query_scalar("select count(*) from job where kind = $1 and status = 'succeeded'")
            .bind(job_handlers::NOOP)
            .fetch_one(pool)
            .await?;
    Ok(done as u64)
}

async fn throughput(pool: &PgPool) -> Result<Throughput> {
    let jobs = setting("BENCH_JOBS", 20_000);
    let enqueuers = ENQUEUERS;
    eprintln!("throughput: {jobs} jobs from {enqueuers} enqueuers");
    let before = succeeded(pool).await?;
    let begun = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for e in 0..enqueuers {
        let pool = pool.clone();
        let count = jobs / enqueuers + u64::from(e < jobs % enqueuers);
        tasks.spawn(async move {
            for _ in 0..count {
                let mut tx = pool.begin().await?;
                enqueue(&mut tx, NewJob::new(job_handlers::NOOP, json!({})))
                    .await?
                    .context("no job added")?;
                tx.commit().await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let enqueued = begun.elapsed().as_secs_f64();
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let done = succeeded(pool).await? - before;
        if done >= jobs {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {done} of {jobs} jobs succeeded"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    Ok(Throughput {
        jobs,
        seconds: begun.elapsed().as_secs_f64(),
        enqueue_rate: jobs as f64 / enqueued,
    })
}
