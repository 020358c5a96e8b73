//! Components on the public page. Every status change closes the open
//! interval and opens a new one, so uptime is time spent in each status.

use crate::domain::status_page::{
    effective_status, ComponentStatus, IncidentStatus, MaintenanceState,
};
use crate::error::AppError;
use crate::model::status_page::{ComponentInput, ComponentView};
use crate::services::audit::{self, AuditEntry};
use crate::services::session::SessionUser;
use crate::services::stored;
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

struct Row {
    id: Uuid,
    name: String,
    description: String,
    group_name: String,
    position: i32,
    services: Vec<String>,
    status: String,
    updated_at: DateTime<Utc>,
}

impl Row {
    fn view(self) -> Result<ComponentView, AppError> {
        Ok(ComponentView {
            status: stored::parse(&self.status, ComponentStatus::parse)?,
            id: self.id,
            name: self.name,
            description: self.description,
            group_name: self.group_name,
            position: self.position,
            services: self.services,
            updated_at: self.updated_at,
        })
    }
}

/// Every component, in page order.
pub async fn list(conn: &mut PgConnection) -> Result<Vec<ComponentView>, AppError> {
    sqlx::query_as!(
        Row,
        "select id, name, description, group_name, position, services, status, updated_at
         from status_component
         order by min(position) over (partition by group_name), group_name, position, lower(name)",
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(Row::view)
    .collect()
}

fn parse_services(text: &str) -> Vec<String> {
    let mut keys: Vec<String> = text
        .split([',', '\n', ' '])
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Creates or edits a component.
#[tracing::instrument(skip_all, fields(user = %user.id), err(Debug))]
pub async fn save(
    pool: &PgPool,
    user: &SessionUser,
    input: &ComponentInput,
    request_id: Option<&str>,
) -> Result<Uuid, AppError> {
    user.require(crate::domain::Permission::ManageStatus)?;
    let mut errors = BTreeMap::new();
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.insert("name".into(), "A name of 1 to 100 characters.".into());
    }
    if input.description.chars().count() > 500 {
        errors.insert("description".into(), "At most 500 characters.".into());
    }
    if input.group_name.trim().chars().count() > 100 {
        errors.insert("group_name".into(), "At most 100 characters.".into());
    }
    let position = match input.position.trim() {
        "" => 0,
        p => p.parse::<i32>().unwrap_or_else(|_| {
            errors.insert("position".into(), "A whole number.".into());
            0
        }),
    };
    let services = parse_services(&input.services);
    let mut tx = pool.begin().await?;
    let known: Vec<String> =
        sqlx::query_scalar!("select key from service where key = any($1)", &services)
            .fetch_all(&mut *tx)
            .await?;
    let unknown: Vec<&String> = services.iter().filter(|s| !known.contains(s)).collect();
    if !unknown.is_empty() {
        errors.insert(
            "services".into(),
            format!(
                "Unknown service: {}.",
                unknown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let taken: Option<Uuid> = sqlx::query_scalar!(
        "select id from status_component where lower(name) = lower($1) and id is distinct from $2",
        name,
        input.id
    )
    .fetch_optional(&mut *tx)
    .await?;
    if taken.is_some() {
        errors.insert("name".into(), "Another component has this name.".into());
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let (id, action, before) = match input.id {
        Some(id) => {
            let before: Option<serde_json::Value> = sqlx::query_scalar!(
                r#"select to_jsonb(c) - 'updated_at' as "before!" from status_component c where id = $1 for update"#,
                id
            )
            .fetch_optional(&mut *tx)
            .await?;
            let before = before.ok_or(AppError::NotFound)?;
            sqlx::query!(
                "update status_component set name = $2, description = $3, group_name = $4, position = $5,
                        services = $6, updated_at = now()
                 where id = $1",
                id,
                name,
                input.description.trim(),
                input.group_name.trim(),
                position,
                &services
            )
            .execute(&mut *tx)
            .await?;
            (id, "status_component.update", Some(before))
        }
        None => {
            let id = Uuid::new_v4();
            sqlx::query!(
                "insert into status_component (id, name, description, group_name, position, services)
                 values ($1, $2, $3, $4, $5, $6)",
                id,
                name,
                input.description.trim(),
                input.group_name.trim(),
                position,
                &services
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!(
                "insert into component_status_interval (component_id, status, started_at) values ($1, 'operational', now())",
                id
            )
            .execute(&mut *tx)
            .await?;
            (id, "status_component.create", None)
        }
    };
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action,
            entity_type: "status_component",
            entity_id: Some(id.to_string()),
            before,
            after: Some(json!({
                "name": name, "description": input.description.trim(), "group_name": input.group_name.trim(),
                "position": position, "services": services,
            })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(id)
}

/// Removes a component and its history.
pub async fn delete(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::ManageStatus)?;
    let mut tx = pool.begin().await?;
    let before: Option<serde_json::Value> = sqlx::query_scalar!(
        r#"delete from status_component c where id = $1 returning to_jsonb(c) as "before!""#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let before = before.ok_or(AppError::NotFound)?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "status_component.delete",
            entity_type: "status_component",
            entity_id: Some(id.to_string()),
            before: Some(before),
            after: None,
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

/// Sets a component's status by hand (until an incident or maintenance
/// window changes it again).
pub async fn set_status_by_hand(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    status: ComponentStatus,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::ManageStatus)?;
    let mut tx = pool.begin().await?;
    let before = set_status(&mut tx, id, status)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "status_component.status",
            entity_type: "status_component",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "status": before })),
            after: Some(json!({ "status": status })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

/// Moves one component to `status`, closing its open interval; returns the
/// status it had (`None` when there is no such component).
pub async fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    status: ComponentStatus,
) -> Result<Option<ComponentStatus>, AppError> {
    let current: Option<String> = sqlx::query_scalar!(
        "select status from status_component where id = $1 for update",
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(current) = current else {
        return Ok(None);
    };
    let current = stored::parse(&current, ComponentStatus::parse)?;
    if current != status {
        sqlx::query!(
            "update status_component set status = $2, updated_at = now() where id = $1",
            id,
            status.as_str()
        )
        .execute(&mut *conn)
        .await?;
        // The wall clock, not the transaction's start: a long transaction
        // (an automatic rollback) may get here after a newer one committed,
        // and an interval never ends before it starts.
        sqlx::query!(
            "with closed as (
                 update component_status_interval set ended_at = greatest(clock_timestamp(), started_at)
                 where component_id = $1 and ended_at is null
                 returning ended_at
             )
             insert into component_status_interval (component_id, status, started_at)
             select $1, $2, coalesce((select max(ended_at) from closed), clock_timestamp())",
            id,
            status.as_str()
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(Some(current))
}

/// Sets each of `ids` to what affects it now: the statuses its open,
/// published incidents set and any maintenance window in progress; nothing
/// left means operational.
pub async fn recompute(conn: &mut PgConnection, ids: &[Uuid]) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut sorted = ids.to_vec();
    sorted.sort();
    sorted.dedup();
    // Lock the components first, in a fixed order: a concurrent change to
    // the same components waits here, and the reads below then see what it
    // committed (read committed), so neither writes a status from stale data.
    sqlx::query!(
        "select id from status_component where id = any($1) order by id for update",
        &sorted
    )
    .fetch_all(&mut *conn)
    .await?;
    let open: Vec<&str> = IncidentStatus::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| s.as_str())
        .collect();
    let incident_rows = sqlx::query!(
        "select ic.component_id, ic.status from incident_component ic
         join incident i on i.id = ic.incident_id
         where ic.component_id = any($1) and i.visibility = 'published' and i.status = any($2)",
        ids as &[Uuid],
        &open as &[&str]
    )
    .fetch_all(&mut *conn)
    .await?;
    let active: Vec<&str> = MaintenanceState::ALL
        .iter()
        .filter(|s| s.is_active())
        .map(|s| s.as_str())
        .collect();
    let in_maintenance: Vec<Uuid> = sqlx::query_scalar!(
        "select distinct mc.component_id from maintenance_component mc
         join maintenance m on m.id = mc.maintenance_id
         where mc.component_id = any($1) and m.state = any($2)",
        ids as &[Uuid],
        &active as &[&str]
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut by_component: HashMap<Uuid, Vec<ComponentStatus>> = HashMap::new();
    for row in incident_rows {
        by_component
            .entry(row.component_id)
            .or_default()
            .push(stored::parse(&row.status, ComponentStatus::parse)?);
    }
    for id in sorted {
        let status = effective_status(
            by_component.remove(&id).unwrap_or_default(),
            in_maintenance.contains(&id),
        );
        set_status(conn, id, status).await?;
    }
    Ok(())
}

/// Components mapped to `service`.
pub async fn for_service(conn: &mut PgConnection, service: &str) -> Result<Vec<Uuid>, AppError> {
    Ok(sqlx::query_scalar!(
        "select id from status_component where $1 = any(services) order by position",
        service
    )
    .fetch_all(conn)
    .await?)
}

/// Per environment, what an automatic rollback puts on the status page:
/// (key, name, `off` | `draft` | `publish`), promotion path first.
pub async fn rollback_settings(pool: &PgPool) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(sqlx::query!(
        "select key, name, rollback_incident from environment order by promotion_order nulls last, key",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.key, r.name, r.rollback_incident))
    .collect())
}

/// Sets what an automatic rollback in `environment` does on the status page.
pub async fn set_rollback_setting(
    pool: &PgPool,
    user: &SessionUser,
    environment: &str,
    setting: &str,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::ManageStatus)?;
    if !["off", "draft", "publish"].contains(&setting) {
        return Err(AppError::field("setting", "Choose off, draft or publish."));
    }
    let mut tx = pool.begin().await?;
    let before: Option<String> = sqlx::query_scalar!(
        "select rollback_incident from environment where key = $1 for update",
        environment
    )
    .fetch_optional(&mut *tx)
    .await?;
    let before = before.ok_or(AppError::NotFound)?;
    sqlx::query!(
        "update environment set rollback_incident = $2, updated_at = now() where key = $1",
        environment,
        setting
    )
    .execute(&mut *tx)
    .await?;

    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "environment.rollback_incident",
            entity_type: "environment",
            entity_id: Some(environment.to_string()),
            before: Some(json!({ "rollback_incident": before })),
            after: Some(json!({ "rollback_incident": setting })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}
