//! Whether a planned start clashes with other bookings or freezes, and the
//! next free start when it does.

use crate::domain::change_request::ChangeClass;
use crate::error::AppError;
use crate::services::{calendar, freezes};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// What scheduling change `number` at `start` would clash with, and the next
/// free start when it clashes.
pub async fn check_schedule(
    pool: &PgPool,
    number: i64,
    start: DateTime<Utc>,
) -> Result<crate::model::ScheduleCheck, AppError> {
    use crate::domain::schedule::{clashes, next_free_slot, Booking, Window, SEARCH_HORIZON_DAYS};
    let cr = sqlx::query!(
        "select environments, services, duration_minutes, class from change_request where number = $1",
        number
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let window = Window::new(start, i64::from(cr.duration_minutes))
        .map_err(|m| AppError::field("planned_start", m))?;
    let candidate = Booking {
        label: format!("CR-{number}"),
        environments: cr.environments,
        services: cr.services,
        window,
    };
    let from = start - chrono::Duration::days(15);
    let to = start + chrono::Duration::days(SEARCH_HORIZON_DAYS + 15);
    let bookings = calendar::bookings_except(pool, number, from, to).await?;
    let freezes: Vec<_> = freezes::between(pool, from, to)
        .await?
        .iter()
        .map(freezes::as_rule)
        .collect();
    let emergency = cr.class == ChangeClass::Emergency.as_str();
    let found: Vec<String> = clashes(&candidate, &bookings, &freezes, emergency)
        .iter()
        .map(|c| c.message())
        .collect();
    let next_free = if found.is_empty() {
        None
    } else {
        next_free_slot(&candidate, start, &bookings, &freezes, emergency)
    };
    Ok(crate::model::ScheduleCheck {
        clashes: found,
        next_free,
    })
}
