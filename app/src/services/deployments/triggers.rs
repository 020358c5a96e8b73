//! Rollback triggers as the deploy executor evaluates them: which ones a
//! deployment watches and when each was last read, every reading recorded,
//! the recent history a verdict is drawn from, what a firing did, and the
//! trigger in breach that holds a step.

use crate::domain::deploy::Reading;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// A deployment's rollback trigger as stored, with when it last fired and
/// was last read.
#[derive(Clone, Debug)]
pub struct WatchedTrigger {
    pub id: Uuid,
    pub metric: String,
    pub operator: String,
    pub threshold: f64,
    pub sustained_seconds: i32,
    pub interval_seconds: i32,
    pub action: String,
    pub cooldown_minutes: i32,
    pub source: String,
    pub query: String,
    pub last_fired_at: Option<DateTime<Utc>>,
    pub last_reading_at: Option<DateTime<Utc>>,
}

/// The triggers `deployment` watches, in order.
pub async fn watched_triggers(
    conn: &mut PgConnection,
    deployment: Uuid,
) -> Result<Vec<WatchedTrigger>, sqlx::Error> {
    sqlx::query_as!(
        WatchedTrigger,
        r#"select t.id, t.metric, t.operator, t.threshold, t.sustained_seconds, t.interval_seconds, t.action,
                  t.cooldown_minutes, t.source, t.query, t.last_fired_at,
                  (select max(at) from trigger_reading r where r.trigger_id = t.id) as "last_reading_at?"
           from rollback_trigger t where t.deployment_id = $1 order by t.position"#,
        deployment
    )
    .fetch_all(conn)
    .await
}

/// Records one reading of `trigger` (`value` none when it could not be
/// read, with `error` saying why); returns its id.
pub async fn record_reading(
    conn: &mut PgConnection,
    trigger: Uuid,
    at: DateTime<Utc>,
    value: Option<f64>,
    breached: bool,
    error: Option<&str>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "insert into trigger_reading (trigger_id, at, value, breached, error) values ($1, $2, $3, $4, $5) returning id",
        trigger,
        at,
        value,
        breached,
        error
    )
    .fetch_one(conn)
    .await
}

/// `trigger`'s readings after `since`, oldest first.
pub async fn reading_history(
    conn: &mut PgConnection,
    trigger: Uuid,
    since: DateTime<Utc>,
) -> Result<Vec<Reading>, sqlx::Error> {
    sqlx::query_as!(
        Reading,
        "select at, value from trigger_reading where trigger_id = $1 and at > $2 order by at, id",
        trigger,
        since
    )
    .fetch_all(conn)
    .await
}

/// What reading `reading` of `trigger` made the executor do (`rollback`,
/// `alert`, `scale_up` or `pause`). Anything but a pause starts the
/// trigger's cooldown at `at`.
pub async fn record_fired(
    conn: &mut PgConnection,
    reading: i64,
    trigger: Uuid,
    fired: &str,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update trigger_reading set fired = $2 where id = $1",
        reading,
        fired
    )
    .execute(&mut *conn)
    .await?;
    if fired != "pause" {
        sqlx::query!(
            "update rollback_trigger set last_fired_at = $2 where id = $1",
            trigger,
            at
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The rollback trigger of `deployment` whose latest reading is in breach,
/// in words ("error_rate 0.5000 > 0.1"), if any. A step that raises traffic
/// waits while one is: it goes on when the breach clears, or the trigger's
/// sustained rule fires first.
pub async fn breaching(
    conn: &mut PgConnection,
    deployment: Uuid,
) -> Result<Option<String>, AppError> {
    let row = sqlx::query!(
        r#"select t.metric, t.operator, t.threshold, r.value as "value?"
           from rollback_trigger t
           join lateral (select value, breached from trigger_reading
                         where trigger_id = t.id order by at desc, id desc limit 1) r on true
           where t.deployment_id = $1 and r.breached
           order by t.position limit 1"#,
        deployment
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| {
        let value = r
            .value
            .map(|v| format!("{v:.4}"))
            .unwrap_or_else(|| "?".into());
        format!("{} {value} {} {}", r.metric, r.operator, r.threshold)
    }))
}
