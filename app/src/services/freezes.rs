//! Freeze windows: created and lifted by release managers, read by the
//! calendar and by scheduling.

use super::audit::{self, AuditEntry};
use super::session::SessionUser;
use crate::domain::schedule::{Freeze, Window};
use crate::error::AppError;
use crate::model::FreezeView;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

/// Freezes that touch `[from, to)`.
pub async fn between(
    db: impl PgExecutor<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<FreezeView>, AppError> {
    Ok(sqlx::query_as!(
        FreezeView,
        "select f.id, f.environments, f.starts_at, f.ends_at, f.reason, u.display_name as created_by
         from freeze_window f join app_user u on u.id = f.created_by
         where f.starts_at < $2 and f.ends_at > $1
         order by f.starts_at",
        from,
        to
    )
    .fetch_all(db)
    .await?)
}

pub fn as_rule(view: &FreezeView) -> Freeze {
    Freeze {
        reason: view.reason.clone(),
        environments: view.environments.clone(),
        window: Window {
            start: view.starts_at,
            end: view.ends_at,
        },
    }
}

/// Creates a freeze window (release managers and administrators).
pub async fn create(
    pool: &PgPool,
    user: &SessionUser,
    environments: Vec<String>,
    window: Window,
    reason: &str,
    request_id: Option<&str>,
) -> Result<Uuid, AppError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::field(
            "reason",
            "Say why changes are frozen (up to 500 characters).",
        ));
    }
    if environments.is_empty() {
        return Err(AppError::field(
            "environments",
            "Choose at least one environment.",
        ));
    }
    let mut tx = pool.begin().await?;
    let known = sqlx::query_scalar!(
        r#"select count(*) as "n!" from environment where key = any($1)"#,
        &environments
    )
    .fetch_one(&mut *tx)
    .await?;
    if known != environments.len() as i64 {
        return Err(AppError::field(
            "environments",
            "Choose environments from the list.",
        ));
    }
    let id = Uuid::new_v4();
    sqlx::query!(
        "insert into freeze_window (id, environments, starts_at, ends_at, reason, created_by) values ($1, $2, $3, $4, $5, $6)",
        id,
        &environments,
        window.start,
        window.end,
        reason,
        user.id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "freeze_window.create",
            entity_type: "freeze_window",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({ "environments": environments, "starts_at": window.start, "ends_at": window.end, "reason": reason })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(id)
}

/// Lifts (deletes) a freeze window.
pub async fn delete(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let removed = sqlx::query!("delete from freeze_window where id = $1 returning environments, starts_at, ends_at, reason", id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "freeze_window.delete",
            entity_type: "freeze_window",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "environments": removed.environments, "starts_at": removed.starts_at, "ends_at": removed.ends_at, "reason": removed.reason })),
            after: None,
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}
