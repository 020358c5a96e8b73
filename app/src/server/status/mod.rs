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

use super::session::SessionUser;
use crate::domain::Role;
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

/// Runs the status page: components and maintenance.
pub fn require_status_manager(user: &SessionUser) -> Result<(), AppError> {
    if user.roles.contains(Role::Admin) || user.roles.contains(Role::ReleaseManager) {
        Ok(())
    } else {
        Err(AppError::NotPermitted(
            "Only release managers and administrators run the status page.".into(),
        ))
    }
}

/// Opens, updates, publishes and discards incidents.
pub fn may_post_incidents(user: &SessionUser) -> bool {
    [Role::Admin, Role::ReleaseManager, Role::Support]
        .iter()
        .any(|r| user.roles.contains(*r))
}

pub fn require_incident_poster(user: &SessionUser) -> Result<(), AppError> {
    if may_post_incidents(user) {
        Ok(())
    } else {
        Err(AppError::NotPermitted(
            "Only support, release managers and administrators post incident updates.".into(),
        ))
    }
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
    let known: i64 = sqlx::query_scalar("select count(*) from status_component where id = any($1)")
        .bind(&unique)
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

/// A stored vocabulary value, or an internal error naming what did not parse.
pub(crate) fn stored<T>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, AppError> {
    parse(text).map_err(|e| {
        tracing::error!(error = %e, "stored value does not parse");
        AppError::Internal
    })
}
