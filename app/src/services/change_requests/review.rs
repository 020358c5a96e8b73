//! An emergency change's post-implementation review (root cause and
//! prevention), which it needs before it can close.

use super::event;
use super::workflow::load_for_update;
use crate::domain::change_request::{ChangeClass, CrStatus};
use crate::domain::Permission;
use crate::error::AppError;
use crate::services::audit::{self, AuditEntry};
use crate::services::session::SessionUser;
use serde_json::json;
use sqlx::PgPool;

/// Writes an emergency change's post-implementation review (root cause and
/// prevention), which it needs before it can close. The requester, release
/// managers and administrators may write it once implementation started.
pub async fn write_review(
    pool: &PgPool,
    user: &SessionUser,
    number: i64,
    root_cause: &str,
    prevention: &str,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    // Writing the review is editing the change: the requester or a manager,
    // all of whom may file changes. Checked before anything is looked up.
    user.require(Permission::FileChange)?;
    let (root_cause, prevention) = (root_cause.trim(), prevention.trim());
    let mut fields = std::collections::BTreeMap::new();
    if root_cause.is_empty() {
        fields.insert(
            "root_cause".to_string(),
            "Describe the root cause.".to_string(),
        );
    }
    if prevention.is_empty() {
        fields.insert(
            "prevention".to_string(),
            "Describe how it is prevented from recurring.".to_string(),
        );
    }
    if !fields.is_empty() {
        return Err(AppError::Validation {
            message: "The review needs both parts.".into(),
            fields,
        });
    }
    let mut tx = pool.begin().await?;
    let row = load_for_update(&mut tx, number).await?;
    if row.facts.class != ChangeClass::Emergency {
        return Err(AppError::Conflict(
            "Only emergency changes have a post-implementation review.".into(),
        ));
    }
    if !matches!(
        row.facts.status,
        CrStatus::Implementing | CrStatus::Validating | CrStatus::Closed
    ) {
        return Err(AppError::Conflict(
            "The review is written once implementation has started.".into(),
        ));
    }
    if user.id != row.facts.requester && !user.may(Permission::AnyPostImplementationReview) {
        return Err(AppError::Forbidden);
    }
    sqlx::query!(
        "update change_request set review_root_cause = $2, review_prevention = $3, updated_at = now() where id = $1",
        row.id,
        root_cause,
        prevention,
    )
    .execute(&mut *tx)
    .await?;
    event(
        &mut tx,
        row.id,
        user,
        "post_implementation_review",
        None,
        None,
        None,
    )
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "change_request.post_implementation_review",
            entity_type: "change_request",
            entity_id: Some(row.id.to_string()),
            before: None,
            after: Some(json!({ "root_cause": root_cause, "prevention": prevention })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}
