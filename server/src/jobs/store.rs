//! The runner's SQL. Every write to a claimed job is guarded by its id, the
//! attempt that claimed it and `status = 'running'`, so a worker that lost
//! its lease cannot touch a job another worker has since rescued.

use sqlx::{PgExecutor, PgPool};
use std::time::Duration;

/// `last_error` keeps this many bytes at most.
const MAX_ERROR_BYTES: usize = 4096;

/// A job just claimed.
#[derive(Debug)]
pub(crate) struct Claimed {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempt: i32,
    pub max_attempts: i32,
    pub timeout_seconds: i32,
}

/// Claims up to `limit` runnable jobs of `kinds`, oldest `run_at` first, in
/// one autocommitted statement; rows other workers hold are skipped.
pub(crate) async fn claim(
    pool: &PgPool,
    kinds: &[String],
    limit: i64,
    lease: Duration,
    worker: &str,
) -> Result<Vec<Claimed>, sqlx::Error> {
    sqlx::query_as!(
        Claimed,
        "with next as (
             select id from job
             where status in ('queued', 'failed') and run_at <= now() and kind = any($1)
             order by run_at, id
             limit $2
             for update skip locked
         )
         update job set status = 'running', attempt = job.attempt + 1,
                lease_expires_at = now() + make_interval(secs => $3), locked_by = $4,
                started_at = now(), finished_at = null
         from next where job.id = next.id
         returning job.id, job.kind, job.payload, job.attempt, job.max_attempts, job.timeout_seconds",
        kinds as &[String],
        limit,
        lease.as_secs_f64(),
        worker
    )
    .fetch_all(pool)
    .await
}

/// Extends the lease; false when the job is no longer this attempt's.
pub(crate) async fn extend(
    pool: &PgPool,
    id: i64,
    attempt: i32,
    lease: Duration,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "update job set lease_expires_at = now() + make_interval(secs => $3)
         where id = $1 and attempt = $2 and status = 'running'",
        id,
        attempt,
        lease.as_secs_f64()
    )
    .execute(pool)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Marks the job succeeded; false when the job is no longer this attempt's.
pub(crate) async fn complete<'c>(
    executor: impl PgExecutor<'c>,
    id: i64,
    attempt: i32,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "update job set status = 'succeeded', finished_at = now(), lease_expires_at = null
         where id = $1 and attempt = $2 and status = 'running'",
        id,
        attempt
    )
    .execute(executor)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Records a failed attempt: `dead` when `fatal` or out of attempts, else
/// `failed` with the retry at now + `backoff` ±25 % (at most `max`).
/// Returns the new status, or `None` when the job is no longer this attempt's.
pub(crate) async fn fail(
    pool: &PgPool,
    id: i64,
    attempt: i32,
    error: &str,
    fatal: bool,
    backoff: Duration,
    max: Duration,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "update job set
             status = case when $3 or attempt >= max_attempts then 'dead' else 'failed' end,
             run_at = case when $3 or attempt >= max_attempts then run_at
                      else now() + make_interval(secs => least($5, $4 * (0.75 + random() * 0.5))) end,
             finished_at = case when $3 or attempt >= max_attempts then now() end,
             last_error = $6, lease_expires_at = null
         where id = $1 and attempt = $2 and status = 'running'
         returning status",
        id,
        attempt,
        fatal,
        backoff.as_secs_f64(),
        max.as_secs_f64(),
        truncate(error)
    )
    .fetch_optional(pool)
    .await
}

/// Gives an unfinished job back at shutdown as if it had not been claimed.
pub(crate) async fn release(pool: &PgPool, id: i64, attempt: i32) -> Result<bool, sqlx::Error> {
    let result = sqlx::query!(
        "update job set status = 'queued', attempt = attempt - 1, lease_expires_at = null,
                locked_by = null
         where id = $1 and attempt = $2 and status = 'running'",
        id,
        attempt
    )
    .execute(pool)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A job rescued from a lost worker: (id, kind, attempt, new status).
pub(crate) type Reaped = (i64, String, i32, String);

/// Moves running jobs whose lease expired back to runnable now, or to
/// `dead` when they have no attempts left.
pub(crate) async fn reap(pool: &PgPool) -> Result<Vec<Reaped>, sqlx::Error> {
    Ok(sqlx::query!(
        "update job set
             status = case when attempt >= max_attempts then 'dead' else 'failed' end,
             finished_at = case when attempt >= max_attempts then now() end,
             run_at = now(), lease_expires_at = null,
             last_error = 'lease expired (worker lost)'
         where status = 'running' and lease_expires_at < now()
         returning id, kind, attempt, status",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.id, r.kind, r.attempt, r.status))
    .collect())
}

/// Deletes succeeded jobs older than a week, a batch at a time (a paused
/// deployment alone is analysed every few seconds).
pub(crate) async fn prune(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let result = sqlx::query!(
        "delete from job where id in (
             select id from job where status = 'succeeded' and created_at < now() - interval '7 days'
             order by created_at limit 5000)",
    )
    .execute(pool)
    .await?;
    Ok(result.rows_affected())
}

/// Wakes every runner listening.
pub(crate) async fn notify(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query!("select pg_notify($1, '')", app::services::jobs::CHANNEL)
        .execute(pool)
        .await?;

    Ok(())
}

/// The delay before retrying after `attempt` failed: `base` · 2^(attempt−1),
/// at most `max` (jitter is added in SQL).
pub(crate) fn backoff(base: Duration, max: Duration, attempt: i32) -> Duration {
    let exponent = attempt.saturating_sub(1).clamp(0, 30) as u32;
    base.saturating_mul(1 << exponent).min(max)
}

fn truncate(error: &str) -> &str {
    if error.len() <= MAX_ERROR_BYTES {
        return error;
    }
    let mut end = MAX_ERROR_BYTES;
    while !error.is_char_boundary(end) {
        end -= 1;
    }
    &error[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_per_attempt_up_to_the_cap() {
        let base = Duration::from_secs(1);
        let max = Duration::from_secs(600);
        let delays: Vec<u64> = (1..=4).map(|a| backoff(base, max, a).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8]);
        assert_eq!(backoff(base, max, 11), max);
        assert_eq!(backoff(base, max, 100), max);
    }

    #[test]
    fn long_errors_are_cut_on_a_character_boundary() {
        let error = "é".repeat(MAX_ERROR_BYTES);
        let cut = truncate(&error);
        assert!(cut.len() <= MAX_ERROR_BYTES && cut.len() > MAX_ERROR_BYTES - 2);
        assert_eq!(truncate("short"), "short");
    }
}
