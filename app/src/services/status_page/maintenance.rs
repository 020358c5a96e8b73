//! Scheduled maintenance: announced ahead, started and completed by the
//! clock (jobs at the window's start and end) or by hand; its components
//! show under maintenance while it is in progress or being verified.

use super::incidents::timeline;
use super::timeline::Timeline;
use super::{components, kinds};
use crate::domain::cr_form::parse_local_datetime;
use crate::domain::markdown;
use crate::domain::status_page::MaintenanceState;
use crate::error::AppError;
use crate::model::status_page::{MaintenanceInput, MaintenanceList, MaintenanceView};
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::jobs::{self, NewJob};
use crate::services::session::SessionUser;
use crate::services::stored;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Queues the clock's moves for a window: one job at its start, one at its
/// end. A job that finds the window moved does nothing.
async fn schedule_ticks(
    conn: &mut PgConnection,
    id: Uuid,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<(), AppError> {
    for at in [starts_at, ends_at] {
        jobs::enqueue(
            conn,
            NewJob::new(kinds::MAINTENANCE_TICK, json!({ "maintenance": id }))
                .at(at)
                .key(format!("maintenance:{id}:{}", at.timestamp())),
        )
        .await?;
    }
    Ok(())
}

struct Checked {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

fn check(input: &MaintenanceInput, now: DateTime<Utc>) -> Result<Checked, AppError> {
    let mut errors = BTreeMap::new();
    let title = input.title.trim().chars().count();
    if title == 0 || title > 200 {
        errors.insert(
            "title".to_string(),
            "A title of 1 to 200 characters.".to_string(),
        );
    }
    if input.description.chars().count() > 20_000 {
        errors.insert("description".into(), "At most 20,000 characters.".into());
    }
    let starts = parse_local_datetime(&input.starts_at);
    let ends = parse_local_datetime(&input.ends_at);
    if let Err(e) = &starts {
        errors.insert("starts_at".into(), e.clone());
    }
    if let Err(e) = &ends {
        errors.insert("ends_at".into(), e.clone());
    }
    if let (Ok(s), Ok(e)) = (&starts, &ends) {
        if e <= s {
            errors.insert(
                "ends_at".into(),
                "The window must end after it starts.".into(),
            );
        } else if *e - *s > Duration::days(14) {
            errors.insert("ends_at".into(), "A window lasts at most 14 days.".into());
        } else if *e <= now {
            errors.insert("ends_at".into(), "The window has already ended.".into());
        }
    }
    if input.components.is_empty() {
        errors.insert(
            "components".into(),
            "Choose the components it affects.".into(),
        );
    }
    match (starts, ends) {
        (Ok(starts_at), Ok(ends_at)) if errors.is_empty() => Ok(Checked { starts_at, ends_at }),
        _ => Err(AppError::invalid(errors)),
    }
}

/// Announces a maintenance window.
#[tracing::instrument(skip_all, fields(user = %user.id), err(Debug))]
pub async fn create(
    pool: &PgPool,
    user: &SessionUser,
    input: &MaintenanceInput,
    request_id: Option<&str>,
) -> Result<Uuid, AppError> {
    user.require(crate::domain::Permission::Schedule)?;
    let window = check(input, Utc::now())?;
    let mut tx = pool.begin().await?;
    let cr: Option<Uuid> = match input.change_request {
        Some(number) => Some(
            sqlx::query_scalar!("select id from change_request where number = $1", number)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| AppError::field("change_request", "No such change request."))?,
        ),
        None => None,
    };
    let components = super::existing_components(&mut tx, &input.components).await?;
    let id = Uuid::new_v4();
    sqlx::query!(
        "insert into maintenance (id, title, description, starts_at, ends_at, change_request_id, created_by)
         values ($1, $2, $3, $4, $5, $6, $7)",
        id,
        input.title.trim(),
        input.description.trim(),
        window.starts_at,
        window.ends_at,
        cr,
        user.id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into maintenance_component (maintenance_id, component_id) select $1, unnest($2::uuid[]) on conflict do nothing",
        id,
        &components
    )
    .execute(&mut *tx)
    .await?;
    let body = if input.description.trim().is_empty() {
        format!(
            "Maintenance is scheduled from {} to {} UTC.",
            window.starts_at.format("%Y-%m-%d %H:%M"),
            window.ends_at.format("%Y-%m-%d %H:%M")
        )
    } else {
        input.description.trim().to_string()
    };
    let update = Timeline::Maintenance
        .add(
            &mut tx,
            id,
            MaintenanceState::Scheduled.as_str(),
            &body,
            Some(user),
        )
        .await?;
    schedule_ticks(&mut tx, id, window.starts_at, window.ends_at).await?;
    Timeline::Maintenance.announce(&mut tx, update).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "maintenance.create",
            entity_type: "maintenance",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({
                "title": input.title.trim(), "starts_at": window.starts_at, "ends_at": window.ends_at,
                "components": input.components, "change_request": input.change_request,
            })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(id)
}

/// Moves a window to `to` and records why; shared by people and the clock.
async fn move_to(
    conn: &mut PgConnection,
    id: Uuid,
    from: MaintenanceState,
    to: MaintenanceState,
    body: &str,
    author: Option<&SessionUser>,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    let actor = author.map(SessionUser::actor).unwrap_or(Actor::System);
    sqlx::query!(
        "update maintenance set state = $2, updated_at = now(),
                started_at = case when $2 = 'in_progress' then coalesce(started_at, now()) else started_at end,
                completed_at = case when $2 in ('completed', 'cancelled') then now() else completed_at end
         where id = $1",
        id,
        to.as_str()
    )
    .execute(&mut *conn)
    .await?;
    let update = Timeline::Maintenance
        .add(conn, id, to.as_str(), body, author)
        .await?;
    let affected: Vec<Uuid> = sqlx::query_scalar!(
        "select component_id from maintenance_component where maintenance_id = $1",
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    components::recompute(conn, &affected).await?;
    Timeline::Maintenance.announce(conn, update).await?;
    audit::record(
        conn,
        AuditEntry {
            actor: &actor,
            action: &format!("maintenance.{}", to.as_str()),
            entity_type: "maintenance",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "state": from })),
            after: Some(json!({ "state": to, "message": body })),
            request_id,
        },
    )
    .await?;
    Ok(())
}

async fn lock(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<(MaintenanceState, DateTime<Utc>, DateTime<Utc>), AppError> {
    let row = sqlx::query!(
        "select state, starts_at, ends_at from maintenance where id = $1 for update",
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((
        stored::parse(&row.state, MaintenanceState::parse)?,
        row.starts_at,
        row.ends_at,
    ))
}

/// A person moves a window (start early, verify, complete, cancel).
#[tracing::instrument(skip_all, fields(user = %user.id, maintenance = %id), err(Debug))]
pub async fn transition(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    to: MaintenanceState,
    message: &str,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::Schedule)?;
    if message.chars().count() > 20_000 {
        return Err(AppError::field("message", "At most 20,000 characters."));
    }
    let mut tx = pool.begin().await?;
    let (from, _, _) = lock(&mut tx, id).await?;
    if !from.can_become(to) {
        return Err(AppError::Conflict(format!(
            "Maintenance that is {} cannot become {}.",
            from.label().to_lowercase(),
            to.label().to_lowercase()
        )));
    }
    let body = match message.trim() {
        "" => default_message(to).to_string(),
        m => m.to_string(),
    };
    move_to(&mut tx, id, from, to, &body, Some(user), request_id).await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

fn default_message(state: MaintenanceState) -> &'static str {
    match state {
        MaintenanceState::Scheduled => "Maintenance is scheduled.",
        MaintenanceState::InProgress => "Scheduled maintenance is in progress.",
        MaintenanceState::Verifying => "The work is done; we are verifying that everything works.",
        MaintenanceState::Completed => "Scheduled maintenance has completed.",
        MaintenanceState::Cancelled => "This maintenance has been cancelled.",
    }
}

/// The clock's move for a window, if its time has come; returns the new state.
pub async fn tick(pool: &PgPool, id: Uuid) -> Result<Option<MaintenanceState>, AppError> {
    let mut tx = pool.begin().await?;
    let (from, starts, ends) = match lock(&mut tx, id).await {
        Ok(found) => found,
        Err(AppError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    // The database's clock, the one the job was scheduled and claimed by.
    let now: DateTime<Utc> = sqlx::query_scalar!(r#"select clock_timestamp() as "now!""#)
        .fetch_one(&mut *tx)
        .await?;
    let Some(to) = from.by_time(now, starts, ends) else {
        return Ok(None);
    };
    move_to(&mut tx, id, from, to, default_message(to), None, None).await?;
    crate::services::audit::commit(tx).await?;
    Ok(Some(to))
}

struct Row {
    id: Uuid,
    number: i64,
    title: String,
    description: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    state: String,
    change_request: Option<i64>,
}

/// Upcoming, active and recent windows (newest first) for the back office.
pub async fn list(pool: &PgPool, user: &SessionUser) -> Result<MaintenanceList, AppError> {
    let mut conn = pool.acquire().await?;
    let rows = sqlx::query_as!(
        Row,
        r#"select m.id, m.number, m.title, m.description, m.starts_at, m.ends_at, m.state, c.number as "change_request?"
         from maintenance m left join change_request c on c.id = m.change_request_id
         order by m.starts_at desc limit 200"#,
    )
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let comps = sqlx::query!(
        "select mc.maintenance_id, c.id, c.name from maintenance_component mc join status_component c on c.id = mc.component_id
         where mc.maintenance_id = any($1) order by c.position, c.name",
        &ids
    )
    .fetch_all(&mut *conn)
    .await?;
    let updates = sqlx::query!(
        "select maintenance_id, id, state, body, author_name, created_at from maintenance_update
         where maintenance_id = any($1) order by created_at desc",
        &ids
    )
    .fetch_all(&mut *conn)
    .await?;
    let items = rows
        .into_iter()
        .map(|r| {
            let mine: Vec<_> = updates
                .iter()
                .filter(|u| u.maintenance_id == r.id)
                .map(|u| {
                    (
                        u.id,
                        u.state.clone(),
                        u.body.clone(),
                        u.author_name.clone(),
                        u.created_at,
                    )
                })
                .collect();
            Ok(MaintenanceView {
                state: stored::parse(&r.state, MaintenanceState::parse)?,
                components: comps
                    .iter()
                    .filter(|c| c.maintenance_id == r.id)
                    .map(|c| (c.id, c.name.clone()))
                    .collect(),
                updates: timeline(mine, |s| MaintenanceState::label_of(s).to_string()),
                description_html: markdown::render(&r.description),
                id: r.id,
                number: r.number,
                title: r.title,
                description: r.description,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                change_request: r.change_request,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(MaintenanceList {
        items,
        components: components::list(&mut conn).await?,
        can_edit: user.may(crate::domain::Permission::Schedule),
    })
}

/// A form filled from a change request with the maintenance flag: its
/// title, its planned window, and the components of its services.
pub async fn from_change_request(pool: &PgPool, number: i64) -> Result<MaintenanceInput, AppError> {
    let row = sqlx::query!(
        "select title, planned_start, duration_minutes, services from change_request where number = $1",
        number
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let (title, start, minutes, services) = (
        row.title,
        row.planned_start,
        row.duration_minutes,
        row.services,
    );
    let components: Vec<Uuid> = sqlx::query_scalar!(
        "select id from status_component where services && $1 order by position",
        &services
    )
    .fetch_all(pool)
    .await?;

    let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M").to_string();
    Ok(MaintenanceInput {
        title,
        description: String::new(),
        starts_at: start.map(fmt).unwrap_or_default(),
        ends_at: start
            .map(|s| fmt(s + Duration::minutes(minutes as i64)))
            .unwrap_or_default(),
        components,
        change_request: Some(number),
    })
}
