//! Updates on an incident's or a maintenance window's timeline, and the
//! notice that tells subscribers about one.

use super::kinds;
use crate::error::AppError;
use crate::services::jobs::{self, NewJob};
use crate::services::session::SessionUser;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// Whose timeline an update goes on.
#[derive(Clone, Copy)]
pub enum Timeline {
    Incident,
    Maintenance,
}

impl Timeline {
    /// The update table, and the notice kind (`incident_update:<id>`, …).
    fn kind(self) -> &'static str {
        match self {
            Timeline::Incident => "incident_update",
            Timeline::Maintenance => "maintenance_update",
        }
    }

    /// Writes an update (`status` is an incident status or maintenance
    /// state); no author means Rookery itself.
    pub async fn add(
        self,
        conn: &mut PgConnection,
        parent: Uuid,
        status: &str,
        body: &str,
        author: Option<&SessionUser>,
    ) -> Result<Uuid, AppError> {
        let id = Uuid::new_v4();
        let body = body.trim();
        let author_id = author.map(|a| a.id);
        let author_name = author.map(|a| a.display_name.as_str()).unwrap_or("Rookery");
        match self {
            Timeline::Incident => {
                sqlx::query!(
                    "insert into incident_update (id, incident_id, status, body, author_id, author_name)
                     values ($1, $2, $3, $4, $5, $6)",
                    id,
                    parent,
                    status,
                    body,
                    author_id,
                    author_name
                )
                .execute(conn)
                .await?
            }
            Timeline::Maintenance => {
                sqlx::query!(
                    "insert into maintenance_update (id, maintenance_id, state, body, author_id, author_name)
                     values ($1, $2, $3, $4, $5, $6)",
                    id,
                    parent,
                    status,
                    body,
                    author_id,
                    author_name
                )
                .execute(conn)
                .await?
            }
        };
        Ok(id)
    }

    /// Announces `update` to subscribers once the caller's transaction commits.
    pub async fn announce(self, conn: &mut PgConnection, update: Uuid) -> Result<(), AppError> {
        let kind = self.kind();
        jobs::enqueue(
            conn,
            NewJob::new(kinds::NOTIFY, json!({ kind: update }))
                .key(format!("notify:{kind}:{update}")),
        )
        .await?;
        Ok(())
    }
}
