//! The audit trail: one append-only row per mutation, written inside the
//! mutation's own transaction so neither can exist without the other.

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

/// Who did something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person or an API token's owner.
    User { id: Uuid, email: String },
    /// Someone at the server's shell, through the `rookery` command.
    Cli,
    /// Rookery itself (first-start bootstrap, background work).
    System,
    /// An unauthenticated caller, such as a failed sign-in.
    Anonymous,
}

impl Actor {
    fn kind(&self) -> &'static str {
        match self {
            Actor::User { .. } => "user",
            Actor::Cli => "cli",
            Actor::System => "system",
            Actor::Anonymous => "anonymous",
        }
    }

    fn id(&self) -> Option<Uuid> {
        match self {
            Actor::User { id, .. } => Some(*id),
            _ => None,
        }
    }

    pub fn label(&self) -> String {
        match self {
            Actor::User { email, .. } => email.clone(),
            Actor::Cli => "rookery CLI".into(),
            Actor::System => "Rookery".into(),
            Actor::Anonymous => "anonymous".into(),
        }
    }
}

/// One event to record.
#[derive(Debug)]
pub struct AuditEntry<'a> {
    pub actor: &'a Actor,
    /// `user.create`, `session.login`, `api_token.revoke`, ...
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request_id: Option<&'a str>,
}

/// Appends `entry` on `conn`, which should be the mutation's transaction.
pub async fn record(conn: &mut PgConnection, entry: AuditEntry<'_>) -> Result<(), sqlx::Error> {
    let kind = entry.actor.kind();
    sqlx::query!(
        r#"insert into audit_event
               (actor_kind, actor_id, actor_label, action, entity_type, entity_id, before, after, request_id)
           values ($1::text::actor_kind, $2, $3, $4, $5, $6, $7, $8, $9)"#,
        kind,
        entry.actor.id(),
        entry.actor.label(),
        entry.action,
        entry.entity_type,
        entry.entity_id,
        entry.before,
        entry.after,
        entry.request_id,
    )
    .execute(conn)
    .await?;
    super::read_cache::wrote();
    Ok(())
}

/// Commits a mutation's transaction and tells the read cache (see
/// `read_cache::wrote`). Every service commits through it.
pub async fn commit(tx: sqlx::Transaction<'_, sqlx::Postgres>) -> Result<(), sqlx::Error> {
    tx.commit().await?;
    super::read_cache::wrote();
    Ok(())
}

/// The keys among `fields` (in their order) whose values differ between an
/// edit's `before` and `after`, as audited. Timestamps compare as instants,
/// not as their text.
pub fn changed_fields<'a>(before: &Value, after: &Value, fields: &[&'a str]) -> Vec<&'a str> {
    fields
        .iter()
        .copied()
        .filter(|key| match (before.get(*key), after.get(*key)) {
            (Some(a), Some(b)) => !same(a, b),
            (a, b) => a.is_some() != b.is_some(),
        })
        .collect()
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(x), Some(y)) => match (
            chrono::DateTime::parse_from_rfc3339(x),
            chrono::DateTime::parse_from_rfc3339(y),
        ) {
            (Ok(x), Ok(y)) => x == y,
            _ => x == y,
        },
        _ => a == b,
    }
}
