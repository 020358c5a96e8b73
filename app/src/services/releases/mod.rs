//! Releases: filing one for a service and editing it, the list, the plan
//! page, the plan itself and the status machine. Each change, its timeline
//! event and its audit event commit together.
//!
//! This module holds what the files share: the summary row builder, the
//! timeline event writer and the row lock.

use super::session::SessionUser;
use super::stored::parse;
use crate::domain::release::ReleaseStatus;
use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

/// Builds a `ReleaseSummary` from a row carrying the summary columns.
/// Defined before the submodules so that they can use it.
macro_rules! summary {
    ($row:expr) => {{
        let r = $row;
        Ok::<_, $crate::error::AppError>($crate::model::ReleaseSummary {
            id: r.id,
            service: r.service,
            service_name: r.service_name,
            version: r.version,
            release_type: $crate::services::stored::parse(
                &r.release_type,
                $crate::domain::release::ReleaseType::parse,
            )?,
            title: r.title,
            status: $crate::services::stored::parse(
                &r.status,
                $crate::domain::release::ReleaseStatus::parse,
            )?,
            environments: r.environments,
            planned_at: r.planned_at,
            change_count: r.change_count,
            updated_at: r.updated_at,
        })
    }};
}

mod create_edit;
mod detail;
mod list;
mod plan;
mod workflow;

pub use create_edit::{create, update};
pub use detail::detail;
pub use list::{find_id, list, ReleaseFilter, ReleaseSort};
pub use plan::save_plan;
pub use workflow::act;

/// Writes one timeline line of release `release_id`, by `user`.
async fn event(
    conn: &mut PgConnection,
    release_id: Uuid,
    user: &SessionUser,
    action: &str,
    from: Option<ReleaseStatus>,
    to: Option<ReleaseStatus>,
    note: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into release_event (release_id, actor_id, actor_label, action, from_status, to_status, note)
         values ($1, $2, $3, $4, $5, $6, $7)",
        release_id,
        user.id,
        user.display_name,
        action,
        from.map(|s| s.as_str()),
        to.map(|s| s.as_str()),
        note,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A release as locked for a write: what its rules need.
struct Locked {
    status: ReleaseStatus,
    creator: Uuid,
    environments: Vec<String>,
}

/// Locks release `id` for the rest of the transaction.
async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Locked, AppError> {
    let r = sqlx::query!(
        "select status, created_by, environments from release where id = $1 for update",
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Locked {
        status: parse(&r.status, ReleaseStatus::parse)?,
        creator: r.created_by,
        environments: r.environments,
    })
}
