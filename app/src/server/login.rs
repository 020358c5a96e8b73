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

/// Refuses when the account or the address has too many recent failures;
/// otherwise records this attempt as a failure up front (a success deletes
/// it). The per-account advisory lock makes the count and the insert one
/// step, so a burst of parallel guesses cannot all pass the count.
pub async fn reserve_attempt(state: &AppState, email: &str, ip: &str) -> Result<(), LoginError> {
    let mut tx = state.pool.begin().await?;
    sqlx::query("select pg_advisory_xact_lock(hashtext($1))")
        .bind(email)
        .execute(&mut *tx)
        .await?;
    check_throttle(&mut tx, state, email, ip).await?;
    sqlx::query!(
        "insert into login_attempt (email, ip) values ($1, $2)",
        email,
        ip
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets an account's failures after a successful password check.
pub async fn clear_attempts(conn: &mut sqlx::PgConnection, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from login_attempt where email = $1", email)
        .execute(conn)
        .await?;
    Ok(())
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
) -> Result<(), LoginError> {
    let window = chrono::Duration::from_std(state.auth.failure_window).unwrap_or_default();
    let since = Utc::now() - window;
    let row = sqlx::query!(
        r#"select count(*) filter (where email = $1) as "by_email!",
                  min(created_at) filter (where email = $1) as by_email_oldest,
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
    if row.by_email >= state.auth.max_failures_per_account {
        let minutes = minutes_until(row.by_email_oldest, window);
        tracing::warn!(minutes, "sign-in throttled for an account");
        return Err(LoginError::Throttled { minutes });
    }
    if row.by_ip >= state.auth.max_failures_per_ip {
        let minutes = minutes_until(row.by_ip_oldest, window);
        tracing::warn!(ip, minutes, "sign-in throttled for a client address");
        return Err(LoginError::Throttled { minutes });
    }
    Ok(())
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
    reserve_attempt(state, &email, ip).await?;
    let found = users::find_by_email_with_hash(&state.pool, &email).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matched = verify_password(hash, password).await?;
    let mut tx = state.pool.begin().await?;
    match user {
        Some(user) if matched && !user.disabled => {
            clear_attempts(&mut tx, &email).await?;
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
            tx.commit().await?;
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
            tx.commit().await?;
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
    tx.commit().await?;
    Ok(())
}
