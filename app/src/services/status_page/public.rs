//! Everything the public pages show, loaded in one go. The `rookery` server
//! keeps the last load in memory and renders the status page, feeds, JSON
//! and badges from it, so they keep answering while the database is down.

use crate::domain::release_note::NoteSections;
use crate::domain::status_page::{
    ComponentStatus, Impact, IncidentStatus, Interval, MaintenanceState,
};
use crate::error::AppError;
use crate::services::stored;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct PublicComponent {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub group_name: String,
    pub position: i32,
    pub status: ComponentStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Oldest first.
    pub intervals: Vec<Interval>,
}

#[derive(Clone, Debug)]
pub struct PublicUpdate {
    pub id: Uuid,
    /// An incident status or a maintenance state.
    pub status: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct PublicIncident {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub impact: Impact,
    pub status: IncidentStatus,
    pub created_at: DateTime<Utc>,
    pub published_at: DateTime<Utc>,
    /// When customers began to be affected (support sets it; it may be
    /// before the incident was opened or published).
    pub impact_started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub components: Vec<(Uuid, ComponentStatus)>,
    /// Newest first.
    pub updates: Vec<PublicUpdate>,
}

#[derive(Clone, Debug)]
pub struct PublicMaintenance {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub state: MaintenanceState,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub components: Vec<Uuid>,
    /// Newest first.
    pub updates: Vec<PublicUpdate>,
}

#[derive(Clone, Debug)]
pub struct PublishedNote {
    pub release_id: Uuid,
    pub service: String,
    pub version: String,
    pub title: String,
    pub published_at: DateTime<Utc>,
    pub sections: NoteSections,
}

/// The public status page's data at one moment.
#[derive(Clone, Debug)]
pub struct PublicData {
    pub loaded_at: DateTime<Utc>,
    /// Page order: group, position, name.
    pub components: Vec<PublicComponent>,
    /// Published incidents, newest first.
    pub incidents: Vec<PublicIncident>,
    /// Every window, latest start first.
    pub maintenances: Vec<PublicMaintenance>,
    /// Published release notes, newest first.
    pub notes: Vec<PublishedNote>,
}

/// Loads everything public in one repeatable-read transaction, so the
/// pieces agree with each other.
pub async fn load(pool: &PgPool) -> Result<PublicData, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!("set transaction isolation level repeatable read, read only")
        .execute(&mut *tx)
        .await?;
    let loaded_at: DateTime<Utc> = sqlx::query_scalar!(r#"select now() as "now!""#)
        .fetch_one(&mut *tx)
        .await?;
    let component_rows = sqlx::query!(
        "select id, name, description, group_name, position, status, created_at, updated_at
         from status_component
         order by min(position) over (partition by group_name), group_name, position, lower(name)",
    )
    .fetch_all(&mut *tx)
    .await?;
    let interval_rows = sqlx::query!(
        "select component_id, status, started_at, ended_at from component_status_interval order by component_id, started_at, id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut intervals: HashMap<Uuid, Vec<Interval>> = HashMap::new();
    for r in interval_rows {
        intervals.entry(r.component_id).or_default().push(Interval {
            status: stored::parse(&r.status, ComponentStatus::parse)?,
            start: r.started_at,
            end: r.ended_at,
        });
    }
    let components = component_rows
        .into_iter()
        .map(|r| {
            Ok(PublicComponent {
                status: stored::parse(&r.status, ComponentStatus::parse)?,
                intervals: intervals.remove(&r.id).unwrap_or_default(),
                id: r.id,
                name: r.name,
                description: r.description,
                group_name: r.group_name,
                position: r.position,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;

    let incident_rows = sqlx::query!(
        "select id, number, title, impact, status, created_at, published_at, updated_at, resolved_at, impact_started_at
         from incident where visibility = 'published' order by coalesce(published_at, created_at) desc",
    )
    .fetch_all(&mut *tx)
    .await?;
    let affected = sqlx::query!(
        "select ic.incident_id, ic.component_id, ic.status from incident_component ic
         join incident i on i.id = ic.incident_id where i.visibility = 'published'",
    )
    .fetch_all(&mut *tx)
    .await?;
    let updates = sqlx::query!(
        "select u.incident_id, u.id, u.status, u.body, u.created_at from incident_update u
         join incident i on i.id = u.incident_id where i.visibility = 'published'
         order by u.created_at desc, u.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut affected_by: HashMap<Uuid, Vec<(Uuid, ComponentStatus)>> = HashMap::new();
    for r in affected {
        affected_by.entry(r.incident_id).or_default().push((
            r.component_id,
            stored::parse(&r.status, ComponentStatus::parse)?,
        ));
    }
    let mut updates_by: HashMap<Uuid, Vec<PublicUpdate>> = HashMap::new();
    for r in updates {
        updates_by
            .entry(r.incident_id)
            .or_default()
            .push(PublicUpdate {
                id: r.id,
                status: r.status,
                body: r.body,
                created_at: r.created_at,
            });
    }
    let incidents = incident_rows
        .into_iter()
        .map(|r| {
            Ok(PublicIncident {
                impact: stored::parse(&r.impact, Impact::parse)?,
                status: stored::parse(&r.status, IncidentStatus::parse)?,
                components: affected_by.remove(&r.id).unwrap_or_default(),
                updates: updates_by.remove(&r.id).unwrap_or_default(),
                published_at: r.published_at.unwrap_or(r.created_at),
                id: r.id,
                number: r.number,
                title: r.title,
                created_at: r.created_at,
                impact_started_at: r.impact_started_at,
                updated_at: r.updated_at,
                resolved_at: r.resolved_at,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;

    let maintenance_rows = sqlx::query!(
        "select id, number, title, description, starts_at, ends_at, state, created_at, updated_at, started_at, completed_at
         from maintenance order by starts_at desc",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mcomponents =
        sqlx::query!("select maintenance_id, component_id from maintenance_component")
            .fetch_all(&mut *tx)
            .await?;
    let mupdates = sqlx::query!(
        "select maintenance_id, id, state, body, created_at from maintenance_update order by created_at desc, id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut mcomponents_by: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for r in mcomponents {
        mcomponents_by
            .entry(r.maintenance_id)
            .or_default()
            .push(r.component_id);
    }
    let mut mupdates_by: HashMap<Uuid, Vec<PublicUpdate>> = HashMap::new();
    for r in mupdates {
        mupdates_by
            .entry(r.maintenance_id)
            .or_default()
            .push(PublicUpdate {
                id: r.id,
                status: r.state,
                body: r.body,
                created_at: r.created_at,
            });
    }
    let maintenances = maintenance_rows
        .into_iter()
        .map(|r| {
            Ok(PublicMaintenance {
                state: stored::parse(&r.state, MaintenanceState::parse)?,
                components: mcomponents_by.remove(&r.id).unwrap_or_default(),
                updates: mupdates_by.remove(&r.id).unwrap_or_default(),
                id: r.id,
                number: r.number,
                title: r.title,
                description: r.description,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                created_at: r.created_at,
                updated_at: r.updated_at,
                started_at: r.started_at,
                completed_at: r.completed_at,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;

    let note_rows = sqlx::query!(
        r#"select n.release_id, s.name, r.version, r.title, n.published_at as "published_at!", v.sections
         from release_note n
         join release r on r.id = n.release_id
         join service s on s.id = r.service_id
         join release_note_revision v on v.release_id = n.release_id and v.revision = n.published_revision
         where n.published_revision is not null and n.published_at is not null
         order by n.published_at desc"#,
    )
    .fetch_all(&mut *tx)
    .await?;
    let notes = note_rows
        .into_iter()
        .map(|r| {
            Ok(PublishedNote {
                sections: serde_json::from_value(r.sections).map_err(|e| {
                    tracing::error!(error = %e, "stored release note does not parse");
                    AppError::Internal
                })?,
                release_id: r.release_id,
                service: r.name,
                version: r.version,
                title: r.title,
                published_at: r.published_at,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    crate::services::audit::commit(tx).await?;
    Ok(PublicData {
        loaded_at,
        components,
        incidents,
        maintenances,
        notes,
    })
}

/// What one notice is about, for a message or webhook: the incident or
/// maintenance window as it is now, with its components.
#[derive(Clone, Debug)]
pub enum Subject {
    Incident(PublicIncident),
    Maintenance(PublicMaintenance),
}

/// A notice (an incident or maintenance update), its subject, and the
/// status-page data needed to describe it (only the subject's components).
pub struct Notice {
    pub key: String,
    pub update: PublicUpdate,
    pub subject: Subject,
    pub data: PublicData,
}

impl Notice {
    pub fn components(&self) -> Vec<Uuid> {
        match &self.subject {
            Subject::Incident(i) => i.components.iter().map(|c| c.0).collect(),
            Subject::Maintenance(m) => m.components.clone(),
        }
    }

    pub fn incident_id(&self) -> Option<Uuid> {
        match &self.subject {
            Subject::Incident(i) => Some(i.id),
            Subject::Maintenance(_) => None,
        }
    }

    pub fn maintenance_id(&self) -> Option<Uuid> {
        match &self.subject {
            Subject::Incident(_) => None,
            Subject::Maintenance(m) => Some(m.id),
        }
    }
}

/// Loads the notice `incident_update:<id>` or `maintenance_update:<id>`;
/// `None` when it no longer exists or its incident is not public.
pub async fn notice(pool: &PgPool, key: &str) -> Result<Option<Notice>, AppError> {
    let Some((kind, id)) = key.split_once(':') else {
        return Ok(None);
    };
    let Ok(update_id) = id.parse::<Uuid>() else {
        return Ok(None);
    };
    let mut data = load_one(pool, kind, update_id).await?;
    let Some(data) = data.take() else {
        return Ok(None);
    };
    let subject = match kind {
        "incident_update" => data.incidents.first().cloned().map(Subject::Incident),
        _ => data.maintenances.first().cloned().map(Subject::Maintenance),
    };
    let Some(subject) = subject else {
        return Ok(None);
    };
    let update = match &subject {
        Subject::Incident(i) => i.updates.iter().find(|u| u.id == update_id).cloned(),
        Subject::Maintenance(m) => m.updates.iter().find(|u| u.id == update_id).cloned(),
    };
    Ok(update.map(|update| Notice {
        key: key.to_string(),
        update,
        subject,
        data,
    }))
}

/// The full data narrowed to the one incident or window an update belongs to.
async fn load_one(pool: &PgPool, kind: &str, update: Uuid) -> Result<Option<PublicData>, AppError> {
    let parent: Option<Uuid> = match kind {
        "incident_update" => {
            sqlx::query_scalar!(
                "select u.incident_id from incident_update u join incident i on i.id = u.incident_id
                 where u.id = $1 and i.visibility = 'published'",
                update
            )
            .fetch_optional(pool)
            .await?
        }
        "maintenance_update" => {
            sqlx::query_scalar!(
                "select maintenance_id from maintenance_update where id = $1",
                update
            )
            .fetch_optional(pool)
            .await?
        }
        _ => return Ok(None),
    };
    let Some(parent) = parent else {
        return Ok(None);
    };
    let mut data = load(pool).await?;
    data.incidents.retain(|i| i.id == parent);
    data.maintenances.retain(|m| m.id == parent);
    data.notes.clear();
    let wanted: Vec<Uuid> = data
        .incidents
        .iter()
        .flat_map(|i| i.components.iter().map(|c| c.0))
        .chain(
            data.maintenances
                .iter()
                .flat_map(|m| m.components.iter().copied()),
        )
        .collect();
    data.components.retain(|c| wanted.contains(&c.id));
    for c in &mut data.components {
        c.intervals.clear();
    }
    Ok(Some(data))
}
