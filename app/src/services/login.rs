//! Signing in: throttling, password check and the audit trail.

use super::audit::{self, Actor, AuditEntry};
use super::password::{verify_password, Password};
use super::state::AppState;
use super::users::{self, UserRecord};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use serde_json::json;

/// Why a sign-in was refused. Wrong email and wrong password are one case,
/// so the answer does not reveal which accounts exist.
#[derive(Debug)]
pub enum LoginError {
    /// The email or password field was empty.
    Missing,
    Invalid,
    /// The password was right but the account is disabled.
    Disabled,
    /// Too many recent failures for the account or the client address.
    Throttled {
        minutes: i64,
    },
    Failed(AppError),
}

impl LoginError {
    /// The short code the sign-in page turns into a message.
    pub fn code(&self) -> &'static str {
        match self {
            LoginError::Missing => "missing",
            LoginError::Invalid => "invalid",
            LoginError::Disabled => "disabled",
            LoginError::Throttled { .. } => "throttled",
            LoginError::Failed(_) => "error",
        }
    }
}

impl From<AppError> for LoginError {
    fn from(error: AppError) -> Self {
        LoginError::Failed(error)
    }
}

impl From<sqlx::Error> for LoginError {
    fn from(error: sqlx::Error) -> Self {
        LoginError::Failed(error.into())
    }
}

fn minutes_until(oldest: Option<DateTime<Utc>>, window: chrono::Duration) -> i64 {
    let lifts_at = oldest.unwrap_or_else(Utc::now) + window;
    let seconds = (lifts_at - Utc::now()).num_seconds().max(1);
    (seconds + 59) / 60
}

/// Refuses when this address has failed too often for this account, or too
/// often overall; otherwise records this attempt as a failure up front (a
/// success deletes it) and returns how long to wait before checking the
/// password. Failures for the account from other addresses only slow the
/// check down (`login_delay`), so nobody can lock a person out by guessing
/// from somewhere else. The per-account advisory lock makes the count and the
/// insert one step, so a burst of parallel guesses cannot all pass the count.
pub async fn reserve_attempt(
    state: &AppState,
    email: &str,
    ip: &str,
) -> Result<std::time::Duration, LoginError> {
    let mut tx = state.pool.begin().await?;
    sqlx::query!("select pg_advisory_xact_lock(hashtext($1))", email)
        .execute(&mut *tx)
        .await?;

    let delay = check_throttle(&mut tx, state, email, ip).await?;
    sqlx::query!(
        "insert into login_attempt (email, ip) values ($1, $2)",
        email,
        ip
    )
    .execute(&mut *tx)
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(delay)
}

/// Forgets the failures from this address for an account after a
/// successful password check (failures from elsewhere keep slowing guesses
/// down until they age out).
pub async fn clear_attempts(
    conn: &mut sqlx::PgConnection,
    email: &str,
    ip: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from login_attempt where email = $1 and ip = $2",
        email,
        ip
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Lifts every sign-in block on an account (`rookery user unlock`): its
/// recorded failures from all addresses are deleted, with an audit event.
/// Returns how many failures were forgotten.
pub async fn unlock(pool: &sqlx::PgPool, actor: &Actor, email: &str) -> Result<u64, AppError> {
    let email = email.trim().to_lowercase();
    let mut tx = pool.begin().await?;
    let done = sqlx::query!("delete from login_attempt where email = $1", email)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor,
            action: "user.unlock",
            entity_type: "user",
            entity_id: None,
            before: Some(json!({ "failures": done.rows_affected() })),
            after: Some(json!({ "email": email })),
            request_id: None,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(done.rows_affected())
}

/// Deletes attempts older than the throttling window (hourly housekeeping).
pub async fn prune_attempts(
    pool: &sqlx::PgPool,
    window: std::time::Duration,
) -> Result<u64, sqlx::Error> {
    let cutoff = Utc::now() - chrono::Duration::from_std(window).unwrap_or_default();
    let done = sqlx::query!("delete from login_attempt where created_at < $1", cutoff)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

async fn check_throttle(
    conn: &mut sqlx::PgConnection,
    state: &AppState,
    email: &str,
    ip: &str,
) -> Result<std::time::Duration, LoginError> {
    let window = chrono::Duration::from_std(state.auth.failure_window).unwrap_or_default();
    let since = Utc::now() - window;
    let row = sqlx::query!(
        r#"select count(*) filter (where email = $1) as "by_email!",
                  count(*) filter (where email = $1 and ip = $2) as "by_pair!",
                  min(created_at) filter (where email = $1 and ip = $2) as by_pair_oldest,
                  count(*) filter (where ip = $2) as "by_ip!",
                  min(created_at) filter (where ip = $2) as by_ip_oldest
           from login_attempt
           where created_at > $3 and (email = $1 or ip = $2)"#,
        email,
        ip,
        since,
    )
    .fetch_one(conn)
    .await?;
    if row.by_pair >= state.auth.max_failures_per_account {
        let minutes = minutes_until(row.by_pair_oldest, window);
        tracing::warn!(
            ip,
            minutes,
            "sign-in throttled for an account from a client address"
        );
        return Err(LoginError::Throttled { minutes });
    }
    if row.by_ip >= state.auth.max_failures_per_ip {
        let minutes = minutes_until(row.by_ip_oldest, window);
        tracing::warn!(ip, minutes, "sign-in throttled for a client address");
        return Err(LoginError::Throttled { minutes });
    }
    let delay = login_delay(row.by_email, state.auth.max_failures_per_account);
    if !delay.is_zero() {
        tracing::info!(
            delay_ms = delay.as_millis() as u64,
            failures = row.by_email,
            "sign-in slowed for an account with recent failures"
        );
    }
    Ok(delay)
}

/// How long a sign-in for an account with `failures` recent failures (from
/// any address) waits before its password is checked: nothing below
/// `threshold`, then one second, doubling every further `threshold`
/// failures, at most eight.
pub fn login_delay(failures: i64, threshold: i64) -> std::time::Duration {
    let threshold = threshold.max(1);
    if failures < threshold {
        return std::time::Duration::ZERO;
    }
    let doublings = ((failures - threshold) / threshold).min(3) as u32;
    std::time::Duration::from_secs(1 << doublings)
}

/// Checks the credentials and returns the account on success. Every outcome
/// except throttling is written to the audit trail.
#[tracing::instrument(skip_all, fields(ip = %ip))]
pub async fn login(
    state: &AppState,
    email_input: &str,
    password: Password,
    ip: &str,
    request_id: Option<&str>,
) -> Result<UserRecord, LoginError> {
    let email = email_input.trim().to_lowercase();
    if email.is_empty() || password.expose().is_empty() {
        return Err(LoginError::Missing);
    }
    let delay = reserve_attempt(state, &email, ip).await?;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let found = users::find_by_email_with_hash(&state.pool, &email).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matched = verify_password(hash, password).await?;
    let mut tx = state.pool.begin().await?;
    match user {
        Some(user) if matched && !user.disabled => {
            clear_attempts(&mut tx, &email, ip).await?;
            audit::record(
                &mut tx,
                AuditEntry {
                    actor: &Actor::User {
                        id: user.id,
                        email: user.email.clone(),
                    },
                    action: "session.login",
                    entity_type: "user",
                    entity_id: Some(user.id.to_string()),
                    before: None,
                    after: Some(json!({ "ip": ip })),
                    request_id,
                },
            )
            .await?;
            crate::services::audit::commit(tx).await?;
            Ok(user)
        }
        user => {
            let disabled = matches!(&user, Some(u) if u.disabled && matched);
            audit::record(
                &mut tx,
                AuditEntry {
                    actor: &Actor::Anonymous,
                    action: "session.login_failed",
                    entity_type: "user",
                    entity_id: user.as_ref().map(|u| u.id.to_string()),
                    before: None,
                    after: Some(json!({ "email": email, "ip": ip, "disabled": disabled })),
                    request_id,
                },
            )
            .await?;
            crate::services::audit::commit(tx).await?;
            Err(if disabled {
                LoginError::Disabled
            } else {
                LoginError::Invalid
            })
        }
    }
}

/// Records a wrong current password on the change-password form.
pub async fn record_password_check_failed(
    state: &AppState,
    actor: &Actor,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    record_about_self(state, actor, "user.password_check_failed", request_id).await
}

/// Records a sign-out.
pub async fn record_logout(
    state: &AppState,
    actor: &Actor,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    record_about_self(state, actor, "session.logout", request_id).await
}

/// An audit event, in its own transaction, about the acting user's account
/// (events with no other change to commit alongside).
async fn record_about_self(
    state: &AppState,
    actor: &Actor,
    action: &str,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor,
            action,
            entity_type: "user",
            entity_id: match actor {
                Actor::User { id, .. } => Some(id.to_string()),
                _ => None,
            },
            before: None,
            after: None,
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::login_delay;
    use std::time::Duration;

    #[test]
    fn failures_from_elsewhere_slow_sign_in_down_but_never_stop_it() {
        assert_eq!(login_delay(0, 10), Duration::ZERO);
        assert_eq!(login_delay(9, 10), Duration::ZERO);
        assert_eq!(login_delay(10, 10), Duration::from_secs(1));
        assert_eq!(login_delay(20, 10), Duration::from_secs(2));
        assert_eq!(login_delay(30, 10), Duration::from_secs(4));
        assert_eq!(login_delay(40, 10), Duration::from_secs(8));
        assert_eq!(login_delay(10_000, 10), Duration::from_secs(8));
    }
}
