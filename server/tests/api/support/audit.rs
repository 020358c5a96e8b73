//! Reading the audit trail the app writes.

use super::TestApp;
use uuid::Uuid;

impl TestApp {
    /// How many audit rows have `action` (and `entity_id`, when given).
    pub async fn audit_count(&self, action: &str, entity_id: Option<&str>) -> i64 {
        sqlx::query_scalar(
            "select count(*) from audit_event
             where action = $1 and ($2::text is null or entity_id = $2)",
        )
        .bind(action)
        .bind(entity_id)
        .fetch_one(&self.pool)
        .await
        .expect("counting audit rows")
    }

    /// The newest audit row with `action`: (actor_id, entity_id, before, after).
    pub async fn last_audit(
        &self,
        action: &str,
    ) -> (
        Option<Uuid>,
        Option<String>,
        Option<serde_json::Value>,
        Option<serde_json::Value>,
    ) {
        sqlx::query_as(
            "select actor_id, entity_id, before, after from audit_event
             where action = $1 order by id desc limit 1",
        )
        .bind(action)
        .fetch_one(&self.pool)
        .await
        .unwrap_or_else(|e| panic!("no audit row for {action}: {e}"))
    }
}
