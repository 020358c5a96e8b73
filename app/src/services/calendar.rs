//! The release calendar's data: changes with a planned window in a range,
//! with their conflicts worked out by the domain rules.

use crate::domain::change_request::{ChangeClass, CrStatus};
use crate::domain::schedule::{clashes_among, Booking, Window};
use crate::error::AppError;
use crate::model::{CalendarEntry, CalendarMonthView, CalendarRelease, FeedStatus};
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
    filtered_entries(pool, from, to, environment, None).await
}

/// [`entries`], optionally only changes touching `service`.
pub async fn filtered_entries(
    pool: &PgPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    environment: Option<&str>,
    service: Option<&str>,
) -> Result<Vec<CalendarEntry>, AppError> {
    let rows = sqlx::query!(
        r#"select number, title, status::text as "status!", class, environments, services, maintenance,
                  planned_start as "start!", planned_start + make_interval(mins => duration_minutes) as "end!"
           from change_request
           where planned_start is not null
             and status in ('approved', 'scheduled', 'implementing', 'validating', 'closed')
             and planned_start < $2
             and planned_start + make_interval(mins => duration_minutes) > $1
             and ($3::text is null or $3 = any(environments))
             and ($4::text is null or $4 = any(services))
           order by planned_start, number"#,
        from,
        to,
        environment,
        service,
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
                maintenance: r.maintenance,
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
    let emergency: Vec<bool> = entries
        .iter()
        .map(|e| e.class == ChangeClass::Emergency)
        .collect();
    for (entry, found) in entries
        .iter_mut()
        .zip(clashes_among(&bookings, &emergency, &freezes))
    {
        // A handful of reasons is enough to act on; the count says the rest.
        entry.conflicts = found.iter().take(5).map(|c| c.message()).collect();
        if found.len() > 5 {
            entry.conflicts.push(format!(
                "…and {} more.",
                crate::domain::words::plural(found.len() - 5, "clash", "clashes")
            ));
        }
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

/// Releases planned inside `[from, to)`, optionally for one environment or
/// service.
pub async fn releases(
    pool: &PgPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    environment: Option<&str>,
    service: Option<&str>,
) -> Result<Vec<CalendarRelease>, AppError> {
    sqlx::query!(
        r#"select r.id, s.key as service, r.version, r.title, r.status, r.environments, r.planned_at as "planned_at!"
           from release r join service s on s.id = r.service_id
           where r.planned_at >= $1 and r.planned_at < $2
             and ($3::text is null or $3 = any(r.environments))
             and ($4::text is null or s.key = $4)
           order by r.planned_at, s.key"#,
        from,
        to,
        environment,
        service,
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| {
        Ok(CalendarRelease {
            id: r.id,
            service: r.service,
            version: r.version,
            title: r.title,
            status: super::stored::parse(&r.status, crate::domain::release::ReleaseStatus::parse)?,
            environments: r.environments,
            planned_at: r.planned_at,
        })
    })
    .collect()
}

/// How many changes and releases a calendar day shows before "+N more".
#[derive(Clone, Copy, Debug)]
pub struct DayLimit {
    pub changes: usize,
    pub releases: usize,
}

/// Everything the calendar shows for `[from, to)`, at most `limit` items a
/// day. Conflicts are worked out over every change, and conflicting changes
/// are the ones kept when a day is full.
pub async fn view(
    pool: &PgPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    environment: Option<&str>,
    service: Option<&str>,
    limit: DayLimit,
) -> Result<CalendarMonthView, AppError> {
    // The same view for everyone: computed once per change to the data (or
    // every few seconds, for writes made by other processes).
    let key = (
        from,
        to,
        environment.map(str::to_string),
        service.map(str::to_string),
        limit.changes,
        limit.releases,
    );
    VIEWS
        .get_or_load(pool, key, || {
            compute_view(pool, from, to, environment, service, limit)
        })
        .await
}

type ViewKey = (
    DateTime<Utc>,
    DateTime<Utc>,
    Option<String>,
    Option<String>,
    usize,
    usize,
);

static VIEWS: std::sync::LazyLock<super::read_cache::UntilWrite<ViewKey, CalendarMonthView>> =
    std::sync::LazyLock::new(|| super::read_cache::UntilWrite::new(500));

async fn compute_view(
    pool: &PgPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    environment: Option<&str>,
    service: Option<&str>,
    limit: DayLimit,
) -> Result<CalendarMonthView, AppError> {
    use std::collections::BTreeMap;
    let all = filtered_entries(pool, from, to, environment, service).await?;
    let freezes = super::freezes::between(pool, from, to)
        .await?
        .into_iter()
        .filter(|f| environment.is_none_or(|e| f.environments.iter().any(|x| x == e)))
        .collect();
    let first_day = from.date_naive();
    let mut hidden: BTreeMap<chrono::NaiveDate, u32> = BTreeMap::new();
    let mut shown: BTreeMap<chrono::NaiveDate, usize> = BTreeMap::new();
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|&i| (all[i].conflicts.is_empty(), all[i].start, all[i].number));
    let mut keep = vec![false; all.len()];
    for i in order {
        let e = &all[i];
        let day = e.start.date_naive().max(first_day);
        let count = shown.entry(day).or_default();
        if *count < limit.changes {
            *count += 1;
            keep[i] = true;
        } else {
            *hidden.entry(day).or_default() += 1;
        }
    }
    let entries = all
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect();
    let mut per_day: BTreeMap<chrono::NaiveDate, usize> = BTreeMap::new();
    let releases = releases(pool, from, to, environment, service)
        .await?
        .into_iter()
        .filter(|r| {
            let day = r.planned_at.date_naive();
            let count = per_day.entry(day).or_default();
            *count += 1;
            if *count > limit.releases {
                *hidden.entry(day).or_default() += 1;
                false
            } else {
                true
            }
        })
        .collect();
    Ok(CalendarMonthView {
        entries,
        freezes,
        releases,
        hidden: hidden.into_iter().collect(),
    })
}

fn feed_hash(token: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether `user` has a subscription link, kept until this process's next
/// write or for five seconds (a reset is an audited write), as the views.
pub async fn feed_status(pool: &PgPool, user: uuid::Uuid) -> Result<FeedStatus, AppError> {
    static STATUSES: std::sync::LazyLock<super::read_cache::UntilWrite<uuid::Uuid, FeedStatus>> =
        std::sync::LazyLock::new(|| super::read_cache::UntilWrite::new(10_000));
    STATUSES
        .get_or_load(pool, user, || read_feed_status(pool, user))
        .await
}

async fn read_feed_status(pool: &PgPool, user: uuid::Uuid) -> Result<FeedStatus, AppError> {
    let created_at = sqlx::query_scalar!(
        "select created_at from calendar_feed where user_id = $1",
        user
    )
    .fetch_optional(pool)
    .await?;
    Ok(FeedStatus {
        created_at,
        url: None,
    })
}

/// Makes a new secret subscription link for `user`, replacing any earlier
/// one (which stops working). Only its hash is stored; the link is shown
/// once.
pub async fn reset_feed(
    pool: &PgPool,
    user: &super::session::SessionUser,
    base_url: &str,
    request_id: Option<&str>,
) -> Result<FeedStatus, AppError> {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = format!("cal_{}", hex::encode(bytes));
    let mut tx = pool.begin().await?;
    let replaced = sqlx::query_scalar!(
        "select created_at from calendar_feed where user_id = $1 for update",
        user.id
    )
    .fetch_optional(&mut *tx)
    .await?
    .is_some();
    let created_at = sqlx::query_scalar!(
        "insert into calendar_feed (user_id, token_hash) values ($1, $2)
         on conflict (user_id) do update set token_hash = excluded.token_hash, created_at = now()
         returning created_at",
        user.id,
        feed_hash(&token)
    )
    .fetch_one(&mut *tx)
    .await?;
    super::audit::record(
        &mut tx,
        super::audit::AuditEntry {
            actor: &user.actor(),
            action: if replaced {
                "calendar_feed.reset"
            } else {
                "calendar_feed.create"
            },
            entity_type: "user",
            entity_id: Some(user.id.to_string()),
            before: None,
            after: None,
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(FeedStatus {
        created_at: Some(created_at),
        url: Some(format!(
            "{}/calendar/feed/{token}.ics",
            base_url.trim_end_matches('/')
        )),
    })
}

/// The account a feed token belongs to, if it is current and the account
/// is enabled.
pub async fn feed_owner(
    pool: &PgPool,
    token: &str,
) -> Result<Option<(uuid::Uuid, String)>, AppError> {
    Ok(sqlx::query!(
        "select u.id, u.display_name from calendar_feed f join app_user u on u.id = f.user_id
         where f.token_hash = $1 and not u.disabled",
        feed_hash(token)
    )
    .fetch_optional(pool)
    .await?
    .map(|r| (r.id, r.display_name)))
}

/// The iCalendar document of a feed: changes, releases and freeze windows
/// from 30 days ago to 180 days ahead.
pub async fn feed_ics(
    pool: &PgPool,
    owner: &str,
    base_url: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    use crate::domain::ical::{calendar, Event};
    let from = now - chrono::Duration::days(30);
    let to = now + chrono::Duration::days(180);
    let link = |path: String| base_url.map(|b| format!("{}{path}", b.trim_end_matches('/')));
    let host = base_url
        .and_then(|b| b.split("://").nth(1))
        .map(|h| h.trim_end_matches('/').to_string())
        .unwrap_or_else(|| "rookery".into());
    let mut events = Vec::new();
    for e in filtered_entries(pool, from, to, None, None).await? {
        let mut description = format!(
            "Status: {}\nEnvironments: {}",
            e.status.label(),
            e.environments.join(", ")
        );
        if !e.services.is_empty() {
            description.push_str(&format!("\nServices: {}", e.services.join(", ")));
        }
        for c in &e.conflicts {
            description.push_str(&format!("\nConflict: {c}"));
        }
        events.push(Event {
            uid: format!("cr-{}@{host}", e.number),
            start: e.start,
            end: e.end,
            summary: format!(
                "{}CR-{} {}",
                if e.maintenance { "[Maintenance] " } else { "" },
                e.number,
                e.title
            ),
            description,
            url: link(format!("/changes/{}", e.number)),
            categories: vec![if e.maintenance {
                "Maintenance".into()
            } else {
                "Change".into()
            }],
            confirmed: e.status != CrStatus::Approved,
            last_modified: now,
        });
    }
    for r in releases(pool, from, to, None, None).await? {
        events.push(Event {
            uid: format!("release-{}@{host}", r.id),
            start: r.planned_at,
            end: r.planned_at + chrono::Duration::minutes(30),
            summary: format!("Release {} {}: {}", r.service, r.version, r.title),
            description: format!(
                "Status: {}\nEnvironments: {}",
                r.status.label(),
                r.environments.join(", ")
            ),
            url: link(format!("/releases/{}", r.id)),
            categories: vec!["Release".into()],
            confirmed: r.status != crate::domain::release::ReleaseStatus::Planned,
            last_modified: now,
        });
    }
    for f in super::freezes::between(pool, from, to).await? {
        events.push(Event {
            uid: format!("freeze-{}@{host}", f.id),
            start: f.starts_at,
            end: f.ends_at,
            summary: format!("Freeze: {} ({})", f.reason, f.environments.join(", ")),
            description: format!("Deployments to {} are frozen.", f.environments.join(", ")),
            url: link("/calendar".into()),
            categories: vec!["Freeze".into()],
            confirmed: true,
            last_modified: now,
        });
    }
    Ok(calendar(&format!("Rookery · {owner}"), &events, now))
}
