//! The deployment benchmark (`scripts/bench-deploy.sh`), on the simulated
//! fleet and a fresh database:
//!
//! 1. Breach to rollback: canaries waiting at 50 % whose fleet error rate is
//!    raised; time from the raise to the rollback's start. Goal: at most
//!    interval × (failure limit + 1) + 2 s.
//! 2. False alarms: 100 healthy canaries whose error rate sits just under
//!    the threshold with ±2 % noise. Goal: no rollback.
//! 3. Crash test: 200 rolling deployments run by two `rookery worker`
//!    processes, one of which is killed with SIGKILL every few seconds and
//!    started again. Goal: none lost, all reach a final state, no step
//!    recorded done twice.
//!
//! DATABASE_URL: a scratch database; unset, an embedded PostgreSQL starts in
//! a temporary directory. ROOKERY_BIN: the binary for the workers (default
//! target/release/rookery). BENCH_CRASH_DEPLOYMENTS (200), BENCH_HEALTHY
//! (100), BENCH_KILL_EVERY_MS (3000) change the sizes.

#[path = "common.rs"]
mod common;

use anyhow::{bail, Context, Result};
use app::domain::deploy::{
    CanaryStep, MetricSource, Operator, Strategy, StrategyParams, TriggerAction, TriggerSpec,
};
use app::domain::{Role, Roles};
use app::model::StartDeployment;
use app::services::deployments;
use app::services::session::SessionUser;
use rookery::jobs::{Runner, RunnerConfig};
use rookery::{db, job_handlers};
use sqlx::postgres::PgConnectOptions;
use sqlx::PgPool;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;
use uuid::Uuid;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> Result<()> {
    let scratch = common::database("deploy").await?;
    let result = bench(scratch.options.clone()).await;
    scratch.close().await?;
    result
}

async fn admin(pool: &PgPool) -> Result<SessionUser> {
    let roles = Roles::new([Role::Admin, Role::ReleaseManager, Role::Engineer])
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let (email, name) = ("bench@example.com", "Bench Runner");
    let id = Uuid::new_v4();
    sqlx::query(
        "insert into app_user (id, email, display_name, password_hash, roles)
         values ($1, $2, $3, 'x', $4)",
    )
    .bind(id)
    .bind(email)
    .bind(name)
    .bind(
        roles
            .iter()
            .map(|r| r.as_str().to_string())
            .collect::<Vec<_>>(),
    )
    .execute(pool)
    .await
    .context("creating the bench user")?;
    Ok(SessionUser {
        id,
        email: email.to_string(),
        display_name: name.to_string(),
        roles,
        must_change_password: false,
        session_version: 0,
    })
}

/// A service with a simulated dev target and an approved release 1.0.0.
async fn release(
    pool: &PgPool,
    user: &SessionUser,
    key: &str,
    error_rate: f64,
    noise: f64,
) -> Result<Uuid> {
    let service = Uuid::new_v4();
    sqlx::query("insert into service (id, key, name) values ($1, $2, $2)")
        .bind(service)
        .bind(key)
        .execute(pool)
        .await?;
    sqlx::query(
        "insert into deploy_target (id, service_id, environment, kind, sim_error_rate, sim_noise)
         values ($1, $2, 'dev', 'simulated', $3, $4)",
    )
    .bind(Uuid::new_v4())
    .bind(service)
    .bind(error_rate)
    .bind(noise)
    .execute(pool)
    .await?;
    let release = Uuid::new_v4();
    sqlx::query(
        "insert into release (id, service_id, version, version_major, version_minor, version_patch,
                              release_type, title, environments, status, created_by)
         values ($1, $2, '1.0.0', 1, 0, 0, 'minor', 'Bench', '{dev}', 'approved', $3)",
    )
    .bind(release)
    .bind(service)
    .bind(user.id)
    .execute(pool)
    .await?;
    Ok(release)
}

fn error_trigger(sustained: u32, interval: u32) -> TriggerSpec {
    TriggerSpec {
        metric: "error_rate".into(),
        operator: Operator::Gt,
        threshold: 0.1,
        sustained_seconds: sustained,
        interval_seconds: interval,
        action: TriggerAction::Rollback,
        cooldown_minutes: 5,
        source: MetricSource::Auto,
        query: String::new(),
    }
}

async fn start(
    pool: &PgPool,
    user: &SessionUser,
    release: Uuid,
    strategy: Strategy,
    params: StrategyParams,
    trigger: TriggerSpec,
    bake: u32,
) -> Result<Uuid> {
    let input = StartDeployment {
        release,
        environment: "dev".into(),
        strategy,
        params,
        triggers: Some(vec![trigger]),
        bake_seconds: Some(bake),
        acknowledge_gates: vec![],
        wait_for_gates: false,
    };
    deployments::start(pool, user, input, None)
        .await
        .map_err(|e| anyhow::anyhow!("starting a deployment: {e:?}"))
}

async fn state(pool: &PgPool, id: Uuid) -> Result<String> {
    Ok(
        sqlx::query_scalar("select state from deployment where id = $1")
            .bind(id)
            .fetch_one(pool)
            .await?,
    )
}

async fn wait_for(pool: &PgPool, id: Uuid, wanted: &[&str], limit: Duration) -> Result<String> {
    let deadline = Instant::now() + limit;
    loop {
        let now = state(pool, id).await?;
        if wanted.contains(&now.as_str()) {
            return Ok(now);
        }
        if Instant::now() > deadline {
            bail!("deployment {id} is {now}, still not {wanted:?} after {limit:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A runner inside this process.
fn runner(
    pool: &PgPool,
    concurrency: usize,
) -> (oneshot::Sender<()>, tokio::task::JoinHandle<Result<()>>) {
    let (stop, stopped) = oneshot::channel::<()>();
    let config = RunnerConfig {
        worker_id: "bench".into(),
        concurrency,
        ..RunnerConfig::default()
    };
    let run = Runner::new(
        pool.clone(),
        job_handlers::registry(pool, &common::default_config()),
        config,
    );
    let handle = tokio::spawn(run.run(async {
        let _ = stopped.await;
    }));
    (stop, handle)
}

async fn bench(options: PgConnectOptions) -> Result<()> {
    let pool = db::pool(options.clone());
    db::migrate(&pool).await?;
    let user = admin(&pool).await?;
    let mut report = Vec::new();

    // 1. Breach to rollback.
    let (stop, handle) = runner(&pool, 16);
    let (interval, sustained) = (1u32, 5u32);
    let limit = sustained / interval;
    let goal = f64::from(interval * (limit + 1)) + 2.0;
    let mut times = Vec::new();
    for n in 0..5 {
        let release = release(&pool, &user, &format!("breach-{n}"), 0.01, 0.02).await?;
        let params = StrategyParams {
            canary_steps: vec![CanaryStep {
                weight: 50,
                pause_seconds: None,
            }],
            ..Default::default()
        };
        let id = start(
            &pool,
            &user,
            release,
            Strategy::Canary,
            params,
            error_trigger(sustained, interval),
            60,
        )
        .await?;
        wait_for(&pool, id, &["paused"], Duration::from_secs(60)).await?;
        // let a few healthy readings accumulate first
        tokio::time::sleep(Duration::from_secs(2)).await;
        let raised: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
            "update deploy_target set sim_error_rate = 0.5
             where id = (select target_id from deployment where id = $1) returning clock_timestamp()",
        )
        .bind(id)
        .fetch_one(&pool)
        .await?;
        wait_for(
            &pool,
            id,
            &["rolling_back", "rolled_back"],
            Duration::from_secs(60),
        )
        .await?;
        let began: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
            "select min(at) from deployment_log where deployment_id = $1 and line like '%→ Rolling back%'",
        )
        .bind(id)
        .fetch_one(&pool)
        .await?;
        let seconds = (began - raised).num_milliseconds() as f64 / 1000.0;
        times.push(seconds);
        wait_for(&pool, id, &["rolled_back"], Duration::from_secs(60)).await?;
    }
    let worst = times.iter().cloned().fold(0.0, f64::max);
    report.push(format!(
        "breach → rollback start (interval {interval} s, failure limit {limit}): {} s; worst {worst:.2} s; goal ≤ {goal:.1} s: {}",
        times.iter().map(|t| format!("{t:.2}")).collect::<Vec<_>>().join(", "),
        if worst <= goal { "met" } else { "MISSED" }
    ));

    // 2. Healthy canaries just under the threshold with ±2 % noise.
    let healthy = setting("BENCH_HEALTHY", 100);
    let mut ids = Vec::new();
    for n in 0..healthy {
        let release = release(&pool, &user, &format!("healthy-{n}"), 0.098, 0.02).await?;
        let params = StrategyParams {
            canary_steps: vec![
                CanaryStep {
                    weight: 20,
                    pause_seconds: Some(3),
                },
                CanaryStep {
                    weight: 50,
                    pause_seconds: Some(3),
                },
            ],
            ..Default::default()
        };
        ids.push(
            start(
                &pool,
                &user,
                release,
                Strategy::Canary,
                params,
                error_trigger(3, 1),
                3,
            )
            .await?,
        );
    }
    let started = Instant::now();
    for id in &ids {
        wait_for(
            &pool,
            *id,
            &["succeeded", "rolled_back", "failed", "rolling_back"],
            Duration::from_secs(600),
        )
        .await?;
    }
    // the bake time is watched too
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (succeeded, rolled_back, readings, max_reading): (i64, i64, i64, Option<f64>) = sqlx::query_as(
        "select count(*) filter (where d.state = 'succeeded'),
                count(*) filter (where d.state in ('rolling_back', 'rolled_back')),
                (select count(*) from trigger_reading r join rollback_trigger t on t.id = r.trigger_id
                  join deployment x on x.id = t.deployment_id join service s on s.id = x.service_id where s.key like 'healthy-%'),
                (select max(value) from trigger_reading r join rollback_trigger t on t.id = r.trigger_id
                  join deployment x on x.id = t.deployment_id join service s on s.id = x.service_id where s.key like 'healthy-%')
         from deployment d join service s on s.id = d.service_id where s.key like 'healthy-%'",
    )
    .fetch_one(&pool)
    .await?;
    report.push(format!(
        "{healthy} healthy canaries (error rate 0.098 ±2 %, threshold 0.1): {succeeded} succeeded, {rolled_back} rolled back, \
         {readings} readings (highest {:.4}), {:.1} s; goal no rollback: {}",
        max_reading.unwrap_or_default(),
        started.elapsed().as_secs_f64(),
        if rolled_back == 0 && succeeded == healthy as i64 { "met" } else { "MISSED" }
    ));
    let _ = stop.send(());
    handle.await??;

    // 3. Crash test with worker processes killed by SIGKILL.
    let count = setting("BENCH_CRASH_DEPLOYMENTS", 200);
    let kill_every = Duration::from_millis(setting("BENCH_KILL_EVERY_MS", 3000));
    let mut ids = Vec::new();
    for n in 0..count {
        let release = release(&pool, &user, &format!("crash-{n}"), 0.01, 0.0).await?;
        let params = StrategyParams {
            batch_percent: Some(25),
            ..Default::default()
        };
        ids.push(
            start(
                &pool,
                &user,
                release,
                Strategy::RollingUpdate,
                params,
                error_trigger(10, 2),
                0,
            )
            .await?,
        );
    }
    let url = common::url(&options);
    let mut workers = vec![worker(&url)?, worker(&url)?];
    let started = Instant::now();
    let mut kills = 0;
    let deadline = started + Duration::from_secs(900);
    loop {
        let open: i64 = sqlx::query_scalar(
            "select count(*) from deployment d join service s on s.id = d.service_id
             where s.key like 'crash-%' and d.state not in ('succeeded', 'failed', 'rolled_back', 'aborted')",
        )
        .fetch_one(&pool)
        .await?;
        if open == 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(kill_every).await;
        let victim = kills % workers.len();
        workers[victim].start_kill()?;
        let _ = workers[victim].wait().await;
        kills += 1;
        workers[victim] = worker(&url)?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    for mut w in workers {
        let _ = w.start_kill();
        let _ = w.wait().await;
    }
    let (finals, succeeded, lost): (i64, i64, i64) = sqlx::query_as(
        "select count(*) filter (where d.state in ('succeeded', 'failed', 'rolled_back', 'aborted')),
                count(*) filter (where d.state = 'succeeded'),
                count(*) filter (where d.state not in ('succeeded', 'failed', 'rolled_back', 'aborted'))
         from deployment d join service s on s.id = d.service_id where s.key like 'crash-%'",
    )
    .fetch_one(&pool)
    .await?;
    let twice: i64 = sqlx::query_scalar(
        "select count(*) from (select l.deployment_id, l.line from deployment_log l
            join deployment d on d.id = l.deployment_id join service s on s.id = d.service_id
            where s.key like 'crash-%' and l.line like 'Step % done:%'
            group by 1, 2 having count(*) > 1) x",
    )
    .fetch_one(&pool)
    .await?;
    let undone: i64 = sqlx::query_scalar(
        "select count(*) from deployment_step st join deployment d on d.id = st.deployment_id
         join service s on s.id = d.service_id where s.key like 'crash-%' and d.state = 'succeeded' and st.status <> 'done'",
    )
    .fetch_one(&pool)
    .await?;
    let repeated_calls: i64 = sqlx::query_scalar(
        "select coalesce(sum(n - 1), 0)::bigint from (select count(*) as n from deployment_log l
            join deployment d on d.id = l.deployment_id join service s on s.id = d.service_id
            where s.key like 'crash-%' and l.line like 'simulated fleet:%' group by l.deployment_id, l.line) x",
    )
    .fetch_one(&pool)
    .await?;
    report.push(format!(
        "crash test: {count} rolling deployments (8 steps each), 2 workers, {kills} SIGKILLs every {} ms: \
         {finals} final ({succeeded} succeeded), {lost} lost, {twice} steps recorded done twice, {undone} steps of succeeded \
         deployments not done, {repeated_calls} target calls repeated after a kill (same idempotency key); {elapsed:.1} s; goal 0 lost, 0 twice: {}",
        kill_every.as_millis(),
        if lost == 0 && twice == 0 && finals == count as i64 { "met" } else { "MISSED" }
    ));

    println!();
    for line in &report {
        println!("{line}");
    }
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("deploy.txt"), report.join("\n") + "\n")?;
    Ok(())
}

fn worker(url: &str) -> Result<Child> {
    let bin = std::env::var("ROOKERY_BIN").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../target/release/rookery").to_string()
    });
    Command::new(&bin)
        .arg("worker")
        .env("DATABASE_URL", url)
        .env("ROOKERY_LOG", "warn")
        .env("ROOKERY_WORKER_CONCURRENCY", "8")
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {bin} worker"))
}
