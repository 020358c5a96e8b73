//! Change requests: filing and editing them, the list and the page, moving
//! them through the workflow, comments and the post-implementation review.
//! Each change, its timeline event and its audit event commit together.
//!
//! This module holds what the files share: the summary row builder, the
//! timeline event writer and how a workflow refusal reads.

use super::session::SessionUser;
use crate::domain::change_request::{CrError, CrStatus};
use crate::error::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

/// Builds a `CrSummary` from a row carrying the summary columns. `query!`
/// rows are anonymous types, so this is a macro rather than a function.
/// Defined before the submodules so that they can use it.
macro_rules! summary {
    ($row:expr) => {{
        let r = $row;
        Ok::<_, $crate::error::AppError>($crate::model::CrSummary {
            id: r.id,
            number: r.number,
            title: r.title,
            status: $crate::services::stored::parse(
                &r.status,
                $crate::domain::change_request::CrStatus::parse,
            )?,
            class: $crate::services::stored::parse(
                &r.class,
                $crate::domain::change_request::ChangeClass::parse,
            )?,
            priority: $crate::services::stored::parse(
                &r.priority,
                $crate::domain::change_request::Priority::parse,
            )?,
            environments: r.environments,
            requester: r.requester,
            planned_start: r.planned_start,
            updated_at: r.updated_at,
        })
    }};
}

mod comments;
mod create_edit;
mod detail;
mod list;
mod review;
mod schedule;
mod workflow;

pub use comments::comment;
pub use create_edit::{create, update};
pub use detail::detail;
pub use list::{linkable, list, shipped_by_release, CrFilter, CrSort};
pub use review::write_review;
pub use schedule::check_schedule;
pub use workflow::act;

/// Writes one timeline line of change request `cr_id`, by `user`.
async fn event(
    conn: &mut PgConnection,
    cr_id: Uuid,
    user: &SessionUser,
    action: &str,
    from: Option<CrStatus>,
    to: Option<CrStatus>,
    note: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into cr_event (cr_id, actor_id, actor_label, action, from_status, to_status, note)
         values ($1, $2, $3, $4, $5::text::cr_status, $6::text::cr_status, $7)",
        cr_id,
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

/// What a person reads when the workflow refuses: a missing reason beside
/// the note, who they are as 403, the state the change is in as 409.
fn refusal(e: CrError) -> AppError {
    if e == CrError::ReasonRequired {
        AppError::field("note", e.to_string())
    } else if e.is_permission() {
        AppError::NotPermitted(e.to_string())
    } else {
        AppError::Conflict(e.to_string())
    }
}
