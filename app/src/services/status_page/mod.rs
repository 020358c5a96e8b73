//! The status page's back office: components and their status intervals,
//! incidents, scheduled maintenance, subscribers, release notes, and the
//! data the public pages are rendered from.

pub mod components;
pub mod incidents;
pub mod maintenance;
pub mod public;
pub mod release_notes;
pub mod subscribers;
pub mod timeline;

use crate::error::AppError;

/// Job kinds of this area.
pub mod kinds {
    /// Fans one notice (an incident or maintenance update) out to subscribers.
    pub const NOTIFY: &str = "status.notify";
    /// Sends one notice to one subscriber.
    pub const DELIVER: &str = "status.deliver";
    /// Moves a maintenance window by the clock.
    pub const MAINTENANCE_TICK: &str = "status.maintenance_tick";
}

/// `ids` without repeats, once every one names a component; else a field
/// error on `components`.
pub(crate) async fn existing_components(
    conn: &mut sqlx::PgConnection,
    ids: &[uuid::Uuid],
) -> Result<Vec<uuid::Uuid>, AppError> {
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    let known: i64 = sqlx::query_scalar!(
        r#"select count(*) as "count!" from status_component where id = any($1)"#,
        &unique
    )
    .fetch_one(conn)
    .await?;

    if known as usize != unique.len() {
        return Err(AppError::field(
            "components",
            "Choose components that exist.",
        ));
    }
    Ok(unique)
}
