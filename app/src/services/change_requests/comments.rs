//! Comments on a change request, with their timeline line and audit event.

use super::event;
use crate::error::AppError;
use crate::services::audit::{self, AuditEntry};
use crate::services::session::SessionUser;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Adds a comment.
pub async fn comment(
    pool: &PgPool,
    user: &SessionUser,
    number: i64,
    body: &str,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::Comment)?;
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 10_000 {
        return Err(AppError::field(
            "body",
            "A comment is 1 to 10,000 characters.",
        ));
    }
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!("select id from change_request where number = $1", number)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    sqlx::query!(
        "insert into cr_comment (id, cr_id, author_id, body) values ($1, $2, $3, $4)",
        Uuid::new_v4(),
        id,
        user.id,
        body
    )
    .execute(&mut *tx)
    .await?;
    event(&mut tx, id, user, "comment", None, None, None).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "change_request.comment",
            entity_type: "change_request",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({ "body": body })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}
