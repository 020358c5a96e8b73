//! Jobs in PostgreSQL: enqueueing inside the caller's transaction, and the
//! admin view. The runner that claims and runs them is in the `rookery`
//! crate (`rookery::jobs`).

use crate::error::AppError;
use crate::model::{JobPage, JobSummary};
use crate::services::audit::{self, Actor, AuditEntry};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::{PgConnection, PgPool};

/// The channel `enqueue` notifies; workers LISTEN on it.
pub const CHANNEL: &str = "rookery_jobs";

/// A job to add. `kind` names the handler.
#[derive(Clone, Debug)]
pub struct NewJob {
    pub kind: String,
    pub payload: Value,
    pub run_at: Option<DateTime<Utc>>,
    /// A second job with the same key is not added (the first one stays).
    pub idempotency_key: Option<String>,
    pub max_attempts: i32,
    pub timeout_seconds: i32,
}

impl NewJob {
    pub fn new(kind: impl Into<String>, payload: Value) -> Self {
        Self {
            kind: kind.into(),
            payload,
            run_at: None,
            idempotency_key: None,
            max_attempts: 5,
            timeout_seconds: 300,
        }
    }

    pub fn at(mut self, run_at: DateTime<Utc>) -> Self {
        self.run_at = Some(run_at);
        self
    }

    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    pub fn attempts(mut self, max_attempts: i32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    pub fn timeout(mut self, seconds: i32) -> Self {
        self.timeout_seconds = seconds;
        self
    }
}

/// Adds a job in the caller's transaction (so "approve and enqueue" commit
/// together) and wakes the workers when it commits. Returns the job's id, or
/// `None` when a job with the same idempotency key already exists.
pub async fn enqueue(conn: &mut PgConnection, job: NewJob) -> Result<Option<i64>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar!(
        "insert into job (kind, payload, run_at, idempotency_key, max_attempts, timeout_seconds)
         values ($1, $2, coalesce($3, now()), $4, $5, $6)
         on conflict (idempotency_key) where idempotency_key is not null do nothing
         returning id",
        &job.kind,
        &job.payload,
        job.run_at,
        job.idempotency_key.as_deref(),
        job.max_attempts,
        job.timeout_seconds
    )
    .fetch_optional(&mut *conn)
    .await?;
    if id.is_some() {
        // Delivered at commit; a rolled-back enqueue wakes nobody.
        sqlx::query!("select pg_notify($1, $2)", CHANNEL, &job.kind)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

const PAGE: i64 = 50;

/// Jobs by status for the admin page (`status` empty: everything not done).
pub async fn list(pool: &PgPool, status: &str, page: i64) -> Result<JobPage, AppError> {
    let page = page.clamp(1, crate::domain::MAX_PAGE);
    let statuses: Vec<&str> = match status {
        "" => vec!["queued", "running", "failed", "dead"],
        "queued" | "running" | "failed" | "dead" | "succeeded" => vec![status],
        _ => return Err(AppError::field("status", "Unknown job status.")),
    };
    let rows = sqlx::query!(
        r#"select id, kind, payload, status, run_at, attempt, max_attempts, last_error,
                  created_at, lease_expires_at, locked_by, finished_at
           from job where status = any($1::text[])
           order by created_at desc, id desc limit $2 offset $3"#,
        &statuses as &[&str],
        PAGE + 1,
        (page - 1) * PAGE,
    )
    .fetch_all(pool)
    .await?;
    let counts = sqlx::query!(
        r#"select status as "status!", count(*) as "count!" from job
           where status in ('queued', 'running', 'failed', 'dead') group by status"#
    )
    .fetch_all(pool)
    .await?;
    let more = rows.len() as i64 > PAGE;
    let jobs = rows
        .into_iter()
        .take(PAGE as usize)
        .map(|r| JobSummary {
            id: r.id,
            kind: r.kind,
            payload: r.payload.to_string(),
            status: r.status,
            run_at: r.run_at,
            attempt: r.attempt,
            max_attempts: r.max_attempts,
            last_error: r.last_error,
            created_at: r.created_at,
            lease_expires_at: r.lease_expires_at,
            locked_by: r.locked_by,
            finished_at: r.finished_at,
        })
        .collect();
    Ok(JobPage {
        jobs,
        page,
        more,
        counts: counts.into_iter().map(|c| (c.status, c.count)).collect(),
    })
}

/// Gives a dead job a fresh set of attempts. Admins only.
pub async fn retry(pool: &PgPool, actor: &Actor, id: i64) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let job = sqlx::query!(
        "select kind, status, attempt, last_error from job where id = $1 for update",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if job.status != "dead" {
        return Err(AppError::Conflict(format!(
            "Only dead jobs can be retried; this one is {}.",
            job.status
        )));
    }
    sqlx::query!(
        "update job set status = 'queued', attempt = 0, run_at = now(), finished_at = null,
                lease_expires_at = null, locked_by = null
         where id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("select pg_notify($1, $2)", CHANNEL, &job.kind)
        .execute(&mut *tx)
        .await?;

    audit::record(
        &mut tx,
        AuditEntry {
            actor,
            action: "job.retry",
            entity_type: "job",
            entity_id: Some(id.to_string()),
            before: Some(
                json!({"status": job.status, "attempt": job.attempt, "last_error": job.last_error}),
            ),
            after: Some(json!({"status": "queued", "attempt": 0})),
            request_id: None,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}
