//! Deployments as stored: the row a test asserts on, and what to print
//! when a deployment did not get where it should have.

use sqlx::PgPool;
use uuid::Uuid;

/// A deployment's progress as its row has it.
#[derive(Debug, sqlx::FromRow)]
pub struct Deployment {
    pub number: i64,
    pub state: String,
    pub current_step: i32,
    pub weight: i32,
    pub reason: Option<String>,
    pub pause_reason: Option<String>,
    pub previous_version: Option<String>,
    pub total_steps: i32,
}

/// The deployment `id`.
pub async fn deployment(pool: &PgPool, id: Uuid) -> Deployment {
    sqlx::query_as(
        "select number, state, current_step, weight, reason, pause_reason, previous_version,
                jsonb_array_length(steps) as total_steps
         from deployment where id = $1",
    )
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// One trigger reading: value, breached, error, fired.
pub type ReadingRow = (Option<f64>, bool, Option<String>, Option<String>);

/// The trigger readings of deployment `id`, oldest first.
pub async fn readings(pool: &PgPool, id: Uuid) -> Vec<ReadingRow> {
    sqlx::query_as(
        "select r.value, r.breached, r.error, r.fired from trigger_reading r
         join rollback_trigger t on t.id = r.trigger_id where t.deployment_id = $1 order by r.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The deployment's log, readings and the jobs, for a failure message.
pub async fn diagnostics(pool: &PgPool, id: Uuid) -> String {
    let log: Vec<(String, String)> = sqlx::query_as(
        "select stream, line from deployment_log where deployment_id = $1 order by id",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap_or_default();
    let jobs: Vec<(String, String, i32, Option<String>)> = sqlx::query_as(
        "select kind, status, attempt, last_error from job order by id desc limit 30",
    )
    .fetch_all(pool)
    .await
    .unwrap_or_default();
    let mut text = String::from("log:\n");
    for (stream, line) in log {
        text.push_str(&format!("  [{stream}] {line}\n"));
    }
    text.push_str("readings (value, breached, error, fired):\n");
    for reading in readings(pool, id).await {
        text.push_str(&format!("  {reading:?}\n"));
    }
    text.push_str("jobs (newest first):\n");
    for job in jobs {
        text.push_str(&format!("  {job:?}\n"));
    }
    text
}
