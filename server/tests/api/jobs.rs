//! The job runner against a real PostgreSQL: claiming by competing runners,
//! rescue of a killed worker's job, heartbeats, guarded completion, retries,
//! timeouts, scheduling, LISTEN reconnection and graceful shutdown.

use crate::support::runner::start;
use crate::support::wait::eventually_within as eventually;
use crate::support::TestApp;
use app::services::jobs::{enqueue, NewJob};
use chrono::{DateTime, Utc};
use rookery::jobs::{JobError, Registry, RunnerConfig, LISTENER_APPLICATION_NAME};
use serde_json::json;
use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// Short lease and intervals, so rescues and retries take seconds.
fn config(worker: &str) -> RunnerConfig {
    RunnerConfig {
        worker_id: worker.into(),
        concurrency: 4,
        lease: Duration::from_secs(2),
        poll_interval: Duration::from_millis(200),
        reap_interval: Duration::from_millis(250),
        retry_base: Duration::from_millis(100),
        retry_max: Duration::from_secs(5),
        shutdown_grace: Duration::from_secs(5),
    }
}

/// A log of what handlers did, for assertions.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<String>>>);

impl Events {
    fn push(&self, event: impl Into<String>) {
        self.0.lock().unwrap().push(event.into());
    }

    fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    fn has(&self, event: &str) -> bool {
        self.all().iter().any(|e| e == event)
    }
}

/// Records `event` when dropped: shows an aborted handler really stopped.
struct OnDrop(Events, &'static str);

impl Drop for OnDrop {
    fn drop(&mut self) {
        self.0.push(self.1);
    }
}

async fn add(pool: &PgPool, job: NewJob) -> i64 {
    let mut tx = pool.begin().await.unwrap();
    let id = enqueue(&mut tx, job).await.unwrap().expect("a new job");
    tx.commit().await.unwrap();
    id
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    status: String,
    attempt: i32,
    last_error: Option<String>,
    locked_by: Option<String>,
    lease_expires_at: Option<DateTime<Utc>>,
    run_at: DateTime<Utc>,
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
}

async fn row(pool: &PgPool, id: i64) -> Row {
    sqlx::query_as(
        "select status, attempt, last_error, locked_by, lease_expires_at, run_at, started_at,
                finished_at
         from job where id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn wait_status(pool: &PgPool, id: i64, status: &str, limit: Duration) {
    eventually(&format!("job {id} is {status}"), limit, || async {
        row(pool, id).await.status == status
    })
    .await;
}

const LONG: Duration = Duration::from_secs(30);

#[tokio::test]
async fn two_competing_runners_run_each_job_exactly_once() {
    let app = TestApp::spawn().await;
    let runs = Arc::new(Mutex::new(Vec::new()));
    let mut registry = Registry::new();
    let seen = runs.clone();
    registry.add_fn("count", move |cx| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push(cx.job.id);
            tokio::time::sleep(Duration::from_millis(2)).await;
            Ok(())
        }
    });
    let first = start(&app.pool, registry.clone(), config("first"));
    let second = start(&app.pool, registry, config("second"));

    let mut ids = Vec::new();
    for n in 0..300 {
        ids.push(add(&app.pool, NewJob::new("count", json!({ "n": n }))).await);
    }
    eventually(
        "all 300 jobs succeeded",
        Duration::from_secs(90),
        || async {
            let done: i64 =
                sqlx::query_scalar("select count(*) from job where status = 'succeeded'")
                    .fetch_one(&app.pool)
                    .await
                    .unwrap();
            done == 300
        },
    )
    .await;
    first.stop().await;
    second.stop().await;

    let mut runs = runs.lock().unwrap().clone();
    runs.sort_unstable();
    assert_eq!(runs, ids, "each job's handler ran exactly once");
    let attempts: Vec<i32> = sqlx::query_scalar("select distinct attempt from job")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(attempts, [1]);
}

#[tokio::test]
async fn a_killed_workers_job_is_rescued_by_another_runner_and_finished_once() {
    let app = TestApp::spawn().await;
    let events = Events::default();
    let mut registry = Registry::new();
    let log = events.clone();
    registry.add_fn("deploy", move |cx| {
        let log = log.clone();
        async move {
            let attempt = cx.job.attempt;
            log.push(format!("started {attempt}"));
            if attempt == 1 {
                tokio::time::sleep(Duration::from_secs(120)).await;
            }
            log.push(format!("finished {attempt}"));
            Ok(())
        }
    });
    let doomed = start(&app.pool, registry.clone(), config("doomed"));
    let id = add(&app.pool, NewJob::new("deploy", json!({}))).await;
    eventually("the first attempt started", LONG, || async {
        events.has("started 1")
    })
    .await;
    assert_eq!(
        row(&app.pool, id).await.locked_by.as_deref(),
        Some("doomed")
    );

    doomed.kill().await;
    let rescuer = start(&app.pool, registry, config("rescuer"));
    wait_status(&app.pool, id, "succeeded", LONG).await;
    rescuer.stop().await;

    let job = row(&app.pool, id).await;
    assert_eq!(job.attempt, 2);
    assert_eq!(job.locked_by.as_deref(), Some("rescuer"));
    assert_eq!(
        job.last_error.as_deref(),
        Some("lease expired (worker lost)")
    );
    assert_eq!(events.all(), ["started 1", "started 2", "finished 2"]);
}

#[tokio::test]
async fn the_heartbeat_keeps_a_job_longer_than_its_lease_from_being_rescued() {
    let app = TestApp::spawn().await;
    let events = Events::default();
    let mut registry = Registry::new();
    let log = events.clone();
    registry.add_fn("long", move |cx| {
        let log = log.clone();
        async move {
            log.push(format!("started {}", cx.job.attempt));
            tokio::time::sleep(Duration::from_secs(7)).await;
            Ok(())
        }
    });
    let lease = RunnerConfig {
        lease: Duration::from_secs(3),
        ..config("a")
    };
    let a = start(&app.pool, registry.clone(), lease.clone());
    let b = start(
        &app.pool,
        registry,
        RunnerConfig {
            worker_id: "b".into(),
            ..lease
        },
    );
    let id = add(&app.pool, NewJob::new("long", json!({}))).await;
    wait_status(&app.pool, id, "succeeded", LONG).await;
    a.stop().await;
    b.stop().await;

    let job = row(&app.pool, id).await;
    assert_eq!(job.attempt, 1);
    assert_eq!(job.last_error, None);
    assert_eq!(events.all(), ["started 1"]);
}

#[tokio::test]
async fn complete_in_commits_the_handlers_effects_and_the_job_together() {
    let app = TestApp::spawn().await;
    sqlx::query("create table job_effect (job_id bigint not null)")
        .execute(&app.pool)
        .await
        .unwrap();
    let mut registry = Registry::new();
    registry.add_fn("effect", |cx| async move {
        let mut tx = cx.pool.begin().await?;
        sqlx::query("insert into job_effect values ($1)")
            .bind(cx.job.id)
            .execute(&mut *tx)
            .await?;
        cx.complete_in(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    });
    let runner = start(&app.pool, registry, config("w"));
    let id = add(&app.pool, NewJob::new("effect", json!({}))).await;
    wait_status(&app.pool, id, "succeeded", LONG).await;
    runner.stop().await;

    let effects: Vec<i64> = sqlx::query_scalar("select job_id from job_effect")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(effects, [id]);
    let job = row(&app.pool, id).await;
    assert!(job.finished_at.is_some() && job.lease_expires_at.is_none());
}

#[tokio::test]
async fn a_worker_that_lost_its_lease_can_neither_complete_nor_commit_its_effects() {
    let app = TestApp::spawn().await;
    sqlx::query("create table job_effect (job_id bigint not null)")
        .execute(&app.pool)
        .await
        .unwrap();
    let events = Events::default();
    let go = Arc::new(Notify::new());
    let mut registry = Registry::new();
    let (log, gate) = (events.clone(), go.clone());
    registry.add_fn("effect", move |cx| {
        let (log, gate) = (log.clone(), gate.clone());
        async move {
            log.push("started");
            gate.notified().await;
            let mut tx = cx.pool.begin().await?;
            sqlx::query("insert into job_effect values ($1)")
                .bind(cx.job.id)
                .execute(&mut *tx)
                .await?;
            match cx.complete_in(&mut tx).await {
                Err(JobError::LeaseLost) => log.push("complete_in: lease lost"),
                other => log.push(format!("complete_in: {other:?}")),
            }
            log.push(format!("lease_lost() = {}", cx.lease_lost()));
            // Dropping `tx` rolls the effect back. Claiming success anyway
            // must not make the runner overwrite the other worker's job.
            Ok(())
        }
    });
    // A long lease: the heartbeat must not notice before complete_in does.
    let runner = start(
        &app.pool,
        registry,
        RunnerConfig {
            lease: Duration::from_secs(60),
            ..config("zombie")
        },
    );
    let id = add(&app.pool, NewJob::new("effect", json!({}))).await;
    eventually("the handler started", LONG, || async {
        events.has("started")
    })
    .await;

    // Meanwhile the job was rescued and claimed again by another worker.
    sqlx::query(
        "update job set attempt = attempt + 1, locked_by = 'thief',
                lease_expires_at = now() + interval '1 hour'
         where id = $1",
    )
    .bind(id)
    .execute(&app.pool)
    .await
    .unwrap();
    go.notify_one();
    eventually("the handler finished", LONG, || async {
        events.all().len() == 3
    })
    .await;
    runner.stop().await;

    assert_eq!(
        events.all(),
        ["started", "complete_in: lease lost", "lease_lost() = true"]
    );
    let job = row(&app.pool, id).await;
    assert_eq!(
        (job.status.as_str(), job.attempt, job.locked_by.as_deref()),
        ("running", 2, Some("thief"))
    );
    let effects: i64 = sqlx::query_scalar("select count(*) from job_effect")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(effects, 0);
}

#[tokio::test]
async fn a_stolen_lease_stops_the_handler_at_the_next_heartbeat() {
    let app = TestApp::spawn().await;
    let events = Events::default();
    let mut registry = Registry::new();
    let log = events.clone();
    registry.add_fn("slow", move |_cx| {
        let log = log.clone();
        async move {
            let _guard = OnDrop(log.clone(), "stopped");
            log.push("started");
            tokio::time::sleep(Duration::from_secs(120)).await;
            log.push("finished");
            Ok(())
        }
    });
    let runner = start(&app.pool, registry, config("zombie"));
    let id = add(&app.pool, NewJob::new("slow", json!({}))).await;
    eventually("the handler started", LONG, || async {
        events.has("started")
    })
    .await;
    sqlx::query("update job set attempt = attempt + 1, locked_by = 'thief' where id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    eventually("the handler was stopped", LONG, || async {
        events.has("stopped")
    })
    .await;
    runner.stop().await;

    assert_eq!(events.all(), ["started", "stopped"]);
    let job = row(&app.pool, id).await;
    assert_eq!(
        (job.status.as_str(), job.attempt, job.locked_by.as_deref()),
        ("running", 2, Some("thief"))
    );
}

#[tokio::test]
async fn retries_back_off_exponentially_then_succeed() {
    let app = TestApp::spawn().await;
    // (attempt, the run_at it was claimed for, when it failed), database clock.
    let seen = Arc::new(Mutex::new(Vec::<(i32, DateTime<Utc>, DateTime<Utc>)>::new()));
    let mut registry = Registry::new();
    let record = seen.clone();
    registry.add_fn("flaky", move |cx| {
        let record = record.clone();
        async move {
            let (run_at, now): (DateTime<Utc>, DateTime<Utc>) =
                sqlx::query_as("select run_at, clock_timestamp() from job where id = $1")
                    .bind(cx.job.id)
                    .fetch_one(&cx.pool)
                    .await?;
            record.lock().unwrap().push((cx.job.attempt, run_at, now));
            if cx.job.attempt < 3 {
                return Err(JobError::Retry(format!("not yet {}", cx.job.attempt)));
            }
            Ok(())
        }
    });
    let runner = start(
        &app.pool,
        registry,
        RunnerConfig {
            retry_base: Duration::from_secs(1),
            retry_max: Duration::from_secs(60),
            poll_interval: Duration::from_millis(100),
            ..config("w")
        },
    );
    let id = add(&app.pool, NewJob::new("flaky", json!({}))).await;
    wait_status(&app.pool, id, "succeeded", LONG).await;
    runner.stop().await;

    let job = row(&app.pool, id).await;
    assert_eq!(job.attempt, 3);
    assert_eq!(job.last_error.as_deref(), Some("not yet 2"));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), [1, 2, 3]);
    let delay = |n: usize| (seen[n].1 - seen[n - 1].2).num_milliseconds();
    // Base 1 s ±25 %, then 2 s ±25 %; the slack above covers a slow machine
    // between the handler's clock reading and the runner's update.
    let (first, second) = (delay(1), delay(2));
    assert!((750..3250).contains(&first), "first retry after {first} ms");
    assert!(
        (1500..4500).contains(&second),
        "second retry after {second} ms"
    );
}

#[tokio::test]
async fn a_fatal_error_kills_the_job_at_once() {
    let app = TestApp::spawn().await;
    let mut registry = Registry::new();
    registry.add_fn("doomed", |_cx| async {
        Err(JobError::Fatal("the payload names no service".into()))
    });
    let runner = start(&app.pool, registry, config("w"));
    let id = add(&app.pool, NewJob::new("doomed", json!({}))).await;
    wait_status(&app.pool, id, "dead", LONG).await;
    runner.stop().await;

    let job = row(&app.pool, id).await;
    assert_eq!(job.attempt, 1);
    assert_eq!(
        job.last_error.as_deref(),
        Some("fatal: the payload names no service")
    );
    assert!(job.finished_at.is_some());
}

#[tokio::test]
async fn a_job_out_of_attempts_is_dead() {
    let app = TestApp::spawn().await;
    let events = Events::default();
    let mut registry = Registry::new();
    let log = events.clone();
    registry.add_fn("broken", move |cx| {
        let log = log.clone();
        async move {
            log.push(format!("attempt {}", cx.job.attempt));
            Err(JobError::Retry("connection refused".into()))
        }
    });
    let runner = start(&app.pool, registry, config("w"));
    let id = add(&app.pool, NewJob::new("broken", json!({})).attempts(3)).await;
    wait_status(&app.pool, id, "dead", LONG).await;
    runner.stop().await;

    let job = row(&app.pool, id).await;
    assert_eq!(job.attempt, 3);
    assert_eq!(job.last_error.as_deref(), Some("connection refused"));
    assert_eq!(events.all(), ["attempt 1", "attempt 2", "attempt 3"]);
}

#[tokio::test]
async fn a_panicking_handler_is_retried() {
    let app = TestApp::spawn().await;
    let mut registry = Registry::new();
    registry.add_fn("fragile", |cx| async move {
        if cx.job.attempt == 1 {
            panic!("kaboom");
        }
        Ok(())
    });
    let runner = start(&app.pool, registry, config("w"));
    let id = add(&app.pool, NewJob::new("fragile", json!({}))).await;
    wait_status(&app.pool, id, "succeeded", LONG).await;
    runner.stop().await;

    let job = row(&app.pool, id).await;
    assert_eq!(job.attempt, 2);
    assert_eq!(job.last_error.as_deref(), Some("handler panicked: kaboom"));
}

#[tokio::test]
async fn a_job_over_its_timeout_is_aborted_and_retried() {
    let app = TestApp::spawn().await;
    let events = Events::default();
    let mut registry = Registry::new();
    let log = events.clone();
    registry.add_fn("hangs", move |cx| {
        let log = log.clone();
        async move {
            let attempt = cx.job.attempt;
            let _guard = OnDrop(log.clone(), "dropped");
            if attempt == 1 {
                tokio::time::sleep(Duration::from_secs(120)).await;
            }
            log.push(format!("finished {attempt}"));
            Ok(())
        }
    });
    let runner = start(&app.pool, registry, config("w"));
    let id = add(&app.pool, NewJob::new("hangs", json!({})).timeout(1)).await;
    wait_status(&app.pool, id, "succeeded", LONG).await;
    runner.stop().await;

    let job = row(&app.pool, id).await;
    assert_eq!(job.attempt, 2);
    assert_eq!(job.last_error.as_deref(), Some("timed out after 1 s"));
    assert_eq!(events.all(), ["dropped", "finished 2", "dropped"]);
}

#[tokio::test]
async fn a_scheduled_job_does_not_run_before_its_time() {
    let app = TestApp::spawn().await;
    let events = Events::default();
    let mut registry = Registry::new();
    let log = events.clone();
    registry.add_fn("later", move |_cx| {
        let log = log.clone();
        async move {
            log.push("ran");
            Ok(())
        }
    });
    let runner = start(&app.pool, registry, config("w"));
    let run_at = Utc::now() + chrono::Duration::seconds(3);
    let id = add(&app.pool, NewJob::new("later", json!({})).at(run_at)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(events.all().is_empty(), "ran early");
    assert_eq!(row(&app.pool, id).await.status, "queued");
    wait_status(&app.pool, id, "succeeded", LONG).await;
    runner.stop().await;

    let job = row(&app.pool, id).await;
    assert!(job.started_at.unwrap() >= job.run_at);
    assert_eq!(events.all(), ["ran"]);
}

#[tokio::test]
async fn an_idempotency_key_adds_and_runs_the_job_once() {
    let app = TestApp::spawn().await;
    let events = Events::default();
    let mut registry = Registry::new();
    let log = events.clone();
    registry.add_fn("once", move |_cx| {
        let log = log.clone();
        async move {
            log.push("ran");
            Ok(())
        }
    });
    let job = NewJob::new("once", json!({})).key("deploy:42:step:1");
    let id = add(&app.pool, job.clone()).await;
    let mut conn = app.pool.acquire().await.unwrap();
    assert_eq!(enqueue(&mut conn, job.clone()).await.unwrap(), None);
    let runner = start(&app.pool, registry, config("w"));
    wait_status(&app.pool, id, "succeeded", LONG).await;
    assert_eq!(
        enqueue(&mut conn, job).await.unwrap(),
        None,
        "even when done"
    );
    runner.stop().await;

    let jobs: i64 = sqlx::query_scalar("select count(*) from job")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(jobs, 1);
    assert_eq!(events.all(), ["ran"]);
}

#[tokio::test]
async fn kinds_without_a_handler_are_left_for_other_runners() {
    let app = TestApp::spawn().await;
    let mut registry = Registry::new();
    registry.add_fn("known", |_cx| async { Ok(()) });
    let runner = start(&app.pool, registry, config("w"));
    let mystery = add(&app.pool, NewJob::new("mystery", json!({}))).await;
    let known = add(&app.pool, NewJob::new("known", json!({}))).await;
    wait_status(&app.pool, known, "succeeded", LONG).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    runner.stop().await;

    let job = row(&app.pool, mystery).await;
    assert_eq!(
        (job.status.as_str(), job.attempt, job.locked_by),
        ("queued", 0, None)
    );
}

#[tokio::test]
async fn polling_finds_jobs_added_without_a_notification() {
    let app = TestApp::spawn().await;
    let mut registry = Registry::new();
    registry.add_fn("quiet", |_cx| async { Ok(()) });
    let runner = start(&app.pool, registry, config("w"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let id: i64 = sqlx::query_scalar("insert into job (kind) values ('quiet') returning id")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    wait_status(&app.pool, id, "succeeded", LONG).await;
    runner.stop().await;
}

async fn listener_pid(app: &TestApp) -> Option<i32> {
    sqlx::query_scalar(
        "select pid from pg_stat_activity where application_name = $1 and datname = $2",
    )
    .bind(LISTENER_APPLICATION_NAME)
    .bind(&app.database)
    .fetch_optional(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_terminated_listener_reconnects_and_jobs_are_still_picked_up() {
    let app = TestApp::spawn().await;
    let mut registry = Registry::new();
    registry.add_fn("ping", |_cx| async { Ok(()) });
    // Polling once an hour: only notifications (and reconnecting) wake it.
    let runner = start(
        &app.pool,
        registry,
        RunnerConfig {
            poll_interval: Duration::from_secs(3600),
            ..config("w")
        },
    );
    eventually("the listener is connected", LONG, || async {
        listener_pid(&app).await.is_some()
    })
    .await;
    let first_pid = listener_pid(&app).await;
    let before = add(&app.pool, NewJob::new("ping", json!({}))).await;
    wait_status(&app.pool, before, "succeeded", LONG).await;

    let terminated: bool = sqlx::query_scalar("select pg_terminate_backend($1)")
        .bind(first_pid)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(terminated);
    let during = add(&app.pool, NewJob::new("ping", json!({}))).await;
    wait_status(&app.pool, during, "succeeded", LONG).await;
    eventually("the listener reconnected", LONG, || async {
        matches!(listener_pid(&app).await, Some(pid) if Some(pid) != first_pid)
    })
    .await;
    let after = add(&app.pool, NewJob::new("ping", json!({}))).await;
    wait_status(&app.pool, after, "succeeded", LONG).await;
    runner.stop().await;
}

#[tokio::test]
async fn graceful_shutdown_finishes_short_jobs_and_releases_the_rest() {
    let app = TestApp::spawn().await;
    let events = Events::default();
    let mut registry = Registry::new();
    let log = events.clone();
    registry.add_fn("short", move |_cx| {
        let log = log.clone();
        async move {
            log.push("short started");
            tokio::time::sleep(Duration::from_secs(1)).await;
            log.push("short finished");
            Ok(())
        }
    });
    let log = events.clone();
    registry.add_fn("long", move |_cx| {
        let log = log.clone();
        async move {
            let _guard = OnDrop(log.clone(), "long stopped");
            log.push("long started");
            tokio::time::sleep(Duration::from_secs(120)).await;
            log.push("long finished");
            Ok(())
        }
    });
    let runner = start(
        &app.pool,
        registry,
        RunnerConfig {
            shutdown_grace: Duration::from_secs(4),
            poll_interval: Duration::from_secs(3600),
            ..config("w")
        },
    );
    let short = add(&app.pool, NewJob::new("short", json!({}))).await;
    let long = add(&app.pool, NewJob::new("long", json!({}))).await;
    eventually("both jobs started", LONG, || async {
        events.has("short started") && events.has("long started")
    })
    .await;

    let _ = runner.stop.send(());
    let late = add(&app.pool, NewJob::new("short", json!({}))).await;
    tokio::time::timeout(Duration::from_secs(30), runner.task)
        .await
        .expect("the runner stopped within 30 s")
        .unwrap()
        .unwrap();

    assert_eq!(row(&app.pool, short).await.status, "succeeded");
    let released = row(&app.pool, long).await;
    assert_eq!(
        (
            released.status.as_str(),
            released.attempt,
            released.locked_by,
            released.lease_expires_at
        ),
        ("queued", 0, None, None)
    );
    let late = row(&app.pool, late).await;
    assert_eq!((late.status.as_str(), late.attempt), ("queued", 0));
    assert!(events.has("short finished") && events.has("long stopped"));
    assert!(!events.has("long finished"));
}
