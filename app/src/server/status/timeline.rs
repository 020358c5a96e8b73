//! Updates on an incident's or a maintenance window's timeline, and the
//! notice that tells subscribers about one.

use super::kinds;
use crate::error::AppError;
use crate::server::jobs::{self, NewJob};
use crate::server::session::SessionUser;
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
        let sql = match self {
            Timeline::Incident => {
                "insert into incident_update (id, incident_id, status, body, author_id, author_name)
                 values ($1, $2, $3, $4, $5, $6)"
            }
            Timeline::Maintenance => {
                "insert into maintenance_update (id, maintenance_id, state, body, author_id, author_name)
                 values ($1, $2, $3, $4, $5, $6)"
            }
        };
        let id = Uuid::new_v4();
        sqlx::query(sql)
            .bind(id)
            .bind(parent)
            .bind(status)
            .bind(body.trim())
            .bind(author.map(|a| a.id))
            .bind(author.map(|a| a.display_name.as_str()).unwrap_or("Rookery"))
            .execute(conn)
            .await?;
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
