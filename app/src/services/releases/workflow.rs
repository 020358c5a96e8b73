//! Moving a release through its status machine by hand: lock, let the pure
//! `decide_release` rule, then write the approval, the status, the timeline
//! and the audit event, and commit.

use super::{event, lock};
use crate::domain::release::ReleaseStatus;
use crate::domain::release_plan::{decide_release, ReleaseAction, ReleaseRefusal};
use crate::error::AppError;
use crate::services::audit::{self, AuditEntry};
use crate::services::session::SessionUser;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Moves a release through its machine by hand.
#[tracing::instrument(skip_all, fields(release = %id, action = action.as_str()), err(Debug))]
pub async fn act(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    action: ReleaseAction,
    note: Option<&str>,
    request_id: Option<&str>,
) -> Result<ReleaseStatus, AppError> {
    // The role before the lookup, so a refused role learns nothing about
    // what exists; `decide_release` keeps the finer rule (not one's own).
    if !user.may(action.permission()) {
        return Err(AppError::NotPermitted(action.refusal().into()));
    }
    let mut tx = pool.begin().await?;
    let locked = lock(&mut tx, id).await?;
    let to = decide_release(locked.status, locked.creator, user.id, &user.roles, action).map_err(
        |refusal| match refusal {
            ReleaseRefusal::State(m) => AppError::Conflict(m),
            ReleaseRefusal::Permission(m) => AppError::NotPermitted(m),
        },
    )?;
    if action == ReleaseAction::Approve {
        sqlx::query!(
            "insert into release_approval (release_id, approver_id) values ($1, $2) on conflict do nothing",
            id,
            user.id
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "update release set status = $2, updated_at = now() where id = $1",
        id,
        to.as_str()
    )
    .execute(&mut *tx)
    .await?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    event(
        &mut tx,
        id,
        user,
        action.as_str(),
        Some(locked.status),
        Some(to),
        note,
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: &format!("release.{}", action.as_str()),
            entity_type: "release",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "status": locked.status })),
            after: Some(json!({ "status": to, "note": note })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(to)
}
