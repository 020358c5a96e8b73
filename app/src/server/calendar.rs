//! The release calendar's data: changes with a planned window in a range,
//! with their conflicts worked out by the domain rules.

use crate::domain::change_request::{ChangeClass, CrStatus};
use crate::domain::schedule::{clashes, Booking, Window};
use crate::error::AppError;
use crate::model::CalendarEntry;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// Approved and later changes whose window touches `[from, to)`, optionally
/// only those on `environment`. Drafts and cancelled requests are not shown.
pub async fn entries(
    pool: &PgPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    environment: Option<&str>,
) -> Result<Vec<CalendarEntry>, AppError> {
    let rows = sqlx::query!(
        r#"select number, title, status::text as "status!", class, environments, services,
                  planned_start as "start!", planned_start + make_interval(mins => duration_minutes) as "end!"
           from change_request
           where planned_start is not null
             and status in ('approved', 'scheduled', 'implementing', 'validating', 'closed')
             and planned_start < $2
             and planned_start + make_interval(mins => duration_minutes) > $1
             and ($3::text is null or $3 = any(environments))
           order by planned_start, number"#,
        from,
        to,
        environment,
    )
    .fetch_all(pool)
    .await?;
    let mut entries = rows
        .into_iter()
        .map(|r| {
            Ok(CalendarEntry {
                number: r.number,
                title: r.title,
                status: CrStatus::parse(&r.status).map_err(|_| AppError::Internal)?,
                class: ChangeClass::parse(&r.class).map_err(|_| AppError::Internal)?,
                environments: r.environments,
                services: r.services,
                start: r.start,
                end: r.end,
                conflicts: vec![],
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let bookings: Vec<Booking> = entries
        .iter()
        .map(|e| Booking {
            label: format!("CR-{}", e.number),
            environments: e.environments.clone(),
            services: e.services.clone(),
            window: Window {
                start: e.start,
                end: e.end,
            },
        })
        .collect();
    let freezes: Vec<_> = super::freezes::between(pool, from, to)
        .await?
        .iter()
        .map(super::freezes::as_rule)
        .collect();
    for (i, entry) in entries.iter_mut().enumerate() {
        let emergency = entry.class == ChangeClass::Emergency;
        let others: Vec<Booking> = bookings
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, b)| b.clone())
            .collect();
        entry.conflicts = clashes(&bookings[i], &others, &freezes, emergency)
            .iter()
            .map(|c| c.message())
            .collect();
    }
    Ok(entries)
}

/// Every other approved-or-later change with a window touching `[from, to)`,
/// as bookings for the scheduling rules.
pub async fn bookings_except(
    pool: &PgPool,
    number: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Booking>, AppError> {
    Ok(entries(pool, from, to, None)
        .await?
        .into_iter()
        .filter(|e| e.number != number)
        .map(|e| Booking {
            label: format!("CR-{}", e.number),
            environments: e.environments,
            services: e.services,
            window: Window {
                start: e.start,
                end: e.end,
            },
        })
        .collect())
}
