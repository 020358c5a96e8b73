//! Incidents: opened by people or by an automatic rollback (as a draft),
//! published, updated along a timeline, resolved. Every published update is
//! announced to subscribers through the job runner.
//!
//! This module holds what the files share: checking the text a person
//! wrote and the row lock.

use crate::domain::status_page::{parse_impact_start, IncidentStatus};
use crate::error::AppError;
use crate::services::stored;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use std::collections::BTreeMap;
use uuid::Uuid;

mod affects;
mod lifecycle;
mod reads;
mod rollback;

pub use lifecycle::{create, discard, post_update, publish};
pub use reads::{detail, draft_count, list, timeline};
pub use rollback::open_for_rollback;

/// The longest message an update may have, in characters.
const MAX_BODY: usize = 20_000;

/// `text_problems` as one validation error, if there are any.
fn check_text(title: Option<&str>, body: &str) -> Result<(), AppError> {
    let errors = text_problems(title, body);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid(errors))
    }
}

/// The title's and the message's problems, field → message.
fn text_problems(title: Option<&str>, body: &str) -> BTreeMap<String, String> {
    let mut errors = BTreeMap::new();
    if let Some(title) = title {
        let len = title.trim().chars().count();
        if len == 0 || len > 200 {
            errors.insert("title".into(), "A title of 1 to 200 characters.".into());
        }
    }
    let len = body.trim().chars().count();
    if len == 0 || len > MAX_BODY {
        errors.insert(
            "body".into(),
            format!("A message of 1 to {MAX_BODY} characters."),
        );
    }
    errors
}

/// The impact start a form sent (`None`: blank), or its problem added to
/// `errors`.
fn impact_start(text: &str, errors: &mut BTreeMap<String, String>) -> Option<DateTime<Utc>> {
    match parse_impact_start(text, Utc::now()) {
        Ok(at) => at,
        Err(message) => {
            errors.insert("impact_started_at".into(), message);
            None
        }
    }
}

/// An incident as locked for a write.
struct Locked {
    status: IncidentStatus,
    visibility: String,
}

/// Locks incident `id` for the rest of the transaction.
async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Locked, AppError> {
    let row = sqlx::query!(
        "select status, visibility from incident where id = $1 for update",
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Locked {
        status: stored::parse(&row.status, IncidentStatus::parse)?,
        visibility: row.visibility,
    })
}
