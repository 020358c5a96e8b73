//! An incident's life as people move it: opening it, posting updates,
//! publishing a draft and discarding one. Each write, its components'
//! statuses, the announcement and the audit event commit together.

use super::affects::{affected, set_components};
use super::{check_text, impact_start, lock, text_problems};
use crate::error::AppError;
use crate::model::status_page::{IncidentInput, IncidentUpdateInput, PublishIncident};
use crate::services::audit::{self, AuditEntry};
use crate::services::session::SessionUser;
use crate::services::status_page::components;
use crate::services::status_page::timeline::Timeline;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

/// Opens an incident, published or as a draft.
#[tracing::instrument(skip_all, fields(user = %user.id), err(Debug))]
pub async fn create(
    pool: &PgPool,
    user: &SessionUser,
    input: &IncidentInput,
    request_id: Option<&str>,
) -> Result<Uuid, AppError> {
    user.require(crate::domain::Permission::Incidents)?;
    let mut errors = text_problems(Some(&input.title), &input.body);
    let began = impact_start(&input.impact_started_at, &mut errors);
    if !input.status.is_open() {
        errors.insert(
            "status".into(),
            "A new incident starts investigating, identified or monitoring.".into(),
        );
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let mut tx = pool.begin().await?;
    let id = Uuid::new_v4();
    let visibility = if input.publish { "published" } else { "draft" };
    let began = sqlx::query_scalar!(
        "insert into incident (id, title, impact, status, visibility, created_by, published_at, impact_started_at)
         values ($1, $2, $3, $4, $5, $6, case when $5 = 'published' then now() end, coalesce($7, now()))
         returning impact_started_at",
        id,
        input.title.trim(),
        input.impact.as_str(),
        input.status.as_str(),
        visibility,
        user.id,
        began,
    )
    .fetch_one(&mut *tx)
    .await?;
    let ids = set_components(&mut tx, id, &input.components).await?;
    let update = Timeline::Incident
        .add(&mut tx, id, input.status.as_str(), &input.body, Some(user))
        .await?;
    if input.publish {
        components::recompute(&mut tx, &ids).await?;
        Timeline::Incident.announce(&mut tx, update).await?;
    }
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "incident.create",
            entity_type: "incident",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({
                "title": input.title.trim(), "impact": input.impact, "status": input.status,
                "visibility": visibility, "impact_started_at": began,
                "components": input.components.iter().map(|c| json!({"id": c.id, "status": c.status})).collect::<Vec<_>>(),
            })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(id)
}

/// Posts an update: a new status, a message, and any change to the impact
/// or the components' statuses. Resolving returns components to
/// operational unless another open incident still affects them.
#[tracing::instrument(skip_all, fields(user = %user.id, incident = %id), err(Debug))]
pub async fn post_update(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    input: &IncidentUpdateInput,
    request_id: Option<&str>,
) -> Result<Uuid, AppError> {
    user.require(crate::domain::Permission::Incidents)?;
    check_text(None, &input.body)?;
    let mut tx = pool.begin().await?;
    let locked = lock(&mut tx, id).await?;
    match locked.visibility.as_str() {
        "discarded" => return Err(AppError::Conflict("This draft was discarded.".into())),
        "draft" => {
            return Err(AppError::Conflict(
                "Publish or discard the draft first; its first update is edited when publishing."
                    .into(),
            ))
        }
        _ => {}
    }
    if !locked.status.can_become(input.status) {
        return Err(AppError::field(
            "status",
            format!(
                "An incident that is {} cannot become {}.",
                locked.status.label().to_lowercase(),
                input.status.label().to_lowercase()
            ),
        ));
    }
    // No components listed: they stay as they are.
    let mut touched = if input.components.is_empty() {
        Vec::new()
    } else {
        set_components(&mut tx, id, &input.components).await?
    };
    let update = Timeline::Incident
        .add(&mut tx, id, input.status.as_str(), &input.body, Some(user))
        .await?;
    sqlx::query!(
        "update incident set status = $2, impact = coalesce($3, impact), updated_at = now(),
                resolved_at = case when $2 in ('resolved', 'postmortem') then coalesce(resolved_at, now()) else null end
         where id = $1",
        id,
        input.status.as_str(),
        input.impact.map(|i| i.as_str()),
    )
    .execute(&mut *tx)
    .await?;
    touched.extend(affected(&mut tx, id).await?);
    components::recompute(&mut tx, &touched).await?;
    Timeline::Incident.announce(&mut tx, update).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "incident.update",
            entity_type: "incident",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "status": locked.status })),
            after: Some(json!({
                "status": input.status, "impact": input.impact, "update": update,
                "components": input.components.iter().map(|c| json!({"id": c.id, "status": c.status})).collect::<Vec<_>>(),
            })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(update)
}

/// Publishes a draft with the wording a person settled on.
#[tracing::instrument(skip_all, fields(user = %user.id, incident = %id), err(Debug))]
pub async fn publish(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    input: &PublishIncident,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::Incidents)?;
    let mut errors = text_problems(Some(&input.title), &input.body);
    let began = impact_start(&input.impact_started_at, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let mut tx = pool.begin().await?;
    let locked = lock(&mut tx, id).await?;
    if locked.visibility != "draft" {
        return Err(AppError::Conflict(format!(
            "Only drafts are published; this incident is {}.",
            locked.visibility
        )));
    }
    let touched = set_components(&mut tx, id, &input.components).await?;
    // Left blank, the draft keeps its start (an automatic one: the rollback).
    let began = sqlx::query_scalar!(
        "update incident set title = $2, impact = $3, impact_started_at = coalesce($4, impact_started_at),
                visibility = 'published', published_at = now(), updated_at = now()
         where id = $1
         returning impact_started_at",
        id,
        input.title.trim(),
        input.impact.as_str(),
        began,
    )
    .fetch_one(&mut *tx)
    .await?;
    // The draft's message becomes the first public update as edited.
    let first = sqlx::query_scalar!(
        "select id from incident_update where incident_id = $1 order by created_at limit 1",
        id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let update = match first {
        Some(first) => {
            sqlx::query!(
                "update incident_update set body = $2, author_id = $3, author_name = $4, created_at = now() where id = $1",
                first,
                input.body.trim(),
                user.id,
                user.display_name,
            )
            .execute(&mut *tx)
            .await?;
            first
        }
        None => {
            Timeline::Incident
                .add(&mut tx, id, locked.status.as_str(), &input.body, Some(user))
                .await?
        }
    };
    components::recompute(&mut tx, &touched).await?;
    Timeline::Incident.announce(&mut tx, update).await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "incident.publish",
            entity_type: "incident",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "visibility": "draft" })),
            after: Some(json!({
                "visibility": "published", "title": input.title.trim(), "impact": input.impact,
                "impact_started_at": began,
            })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}

/// Discards a draft; it stays on record but never becomes public.
pub async fn discard(
    pool: &PgPool,
    user: &SessionUser,
    id: Uuid,
    request_id: Option<&str>,
) -> Result<(), AppError> {
    user.require(crate::domain::Permission::Incidents)?;
    let mut tx = pool.begin().await?;
    let locked = lock(&mut tx, id).await?;
    if locked.visibility != "draft" {
        return Err(AppError::Conflict(format!(
            "Only drafts are discarded; this incident is {}.",
            locked.visibility
        )));
    }
    sqlx::query!(
        "update incident set visibility = 'discarded', updated_at = now() where id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry {
            actor: &user.actor(),
            action: "incident.discard",
            entity_type: "incident",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "visibility": "draft" })),
            after: Some(json!({ "visibility": "discarded" })),
            request_id,
        },
    )
    .await?;
    crate::services::audit::commit(tx).await?;
    Ok(())
}
