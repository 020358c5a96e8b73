//! The incident an automatic rollback opens on the status page, per its
//! environment's setting: none, a draft or a published one.

use super::affects::set_components;
use crate::domain::status_page::{ComponentStatus, IncidentStatus};
use crate::domain::Role;
use crate::error::AppError;
use crate::model::status_page::ComponentChoice;
use crate::services::audit::{self, Actor, AuditEntry};
use crate::services::notifications::{self, Notice};
use crate::services::status_page::components;
use crate::services::status_page::timeline::Timeline;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// What an automatic rollback of `deployment` puts on the status page, in
/// the caller's transaction: per the environment's setting nothing, a draft
/// or a published incident, linked to the deployment, its release and the
/// release's change requests. One incident per deployment.
pub async fn open_for_rollback(
    conn: &mut PgConnection,
    deployment: Uuid,
) -> Result<Option<Uuid>, AppError> {
    let row = sqlx::query!(
        "select d.release_id, s.key as service, d.version, d.environment, e.rollback_incident
         from deployment d join service s on s.id = d.service_id join environment e on e.key = d.environment
         where d.id = $1",
        deployment
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let (release, service, version, environment, setting) = (
        row.release_id,
        row.service,
        row.version,
        row.environment,
        row.rollback_incident,
    );
    if setting == "off" {
        return Ok(None);
    }
    let ids = components::for_service(conn, &service).await?;
    let names = sqlx::query_scalar!(
        "select name from status_component where id = any($1) order by position, name",
        &ids
    )
    .fetch_all(&mut *conn)
    .await?;
    let subject = if names.is_empty() {
        service.clone()
    } else {
        names.join(", ")
    };
    let publish = setting == "publish";
    // One incident per deployment (a unique index says so).
    let id = sqlx::query_scalar!(
        "insert into incident (id, title, impact, status, visibility, deployment_id, release_id, automated, published_at)
         values ($1, $2, 'minor', 'investigating', $3, $4, $5, true, case when $3 = 'published' then now() end)
         on conflict (deployment_id) where deployment_id is not null do nothing
         returning id",
        Uuid::new_v4(),
        format!("Degraded service: {subject}"),
        if publish { "published" } else { "draft" },
        deployment,
        release,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else {
        return Ok(None);
    };
    let choices: Vec<ComponentChoice> = ids
        .iter()
        .map(|c| ComponentChoice {
            id: *c,
            status: ComponentStatus::DegradedPerformance,
        })
        .collect();
    set_components(conn, id, &choices).await?;
    sqlx::query!(
        "insert into incident_change (incident_id, cr_id) select $1, cr_id from release_change where release_id = $2",
        id,
        release
    )
    .execute(&mut *conn)
    .await?;
    let body = format!(
        "A change to {subject} did not behave as expected and was rolled back automatically. \
         We are investigating the impact and will post an update shortly."
    );
    let update = Timeline::Incident
        .add(
            conn,
            id,
            IncidentStatus::Investigating.as_str(),
            &body,
            None,
        )
        .await?;
    if publish {
        components::recompute(conn, &ids).await?;
        Timeline::Incident.announce(conn, update).await?;
    }
    // Support and the release managers work on it: a draft waits for one
    // of them to check its wording and publish it.
    let notice = if publish {
        Notice {
            kind: "incident_opened",
            title: format!("Incident published automatically: Degraded service: {subject}"),
            body: format!("{service} {version} in {environment} was rolled back automatically; the status page shows it."),
            link: format!("/incidents/{id}"),
        }
    } else {
        Notice {
            kind: "incident_draft",
            title: format!("Draft incident waiting: Degraded service: {subject}"),
            body: format!("{service} {version} in {environment} was rolled back automatically. Check the draft's wording and publish it, or discard it."),
            link: format!("/incidents/{id}"),
        }
    };
    notifications::send_to_roles(conn, &[Role::Support, Role::ReleaseManager], &notice).await?;
    audit::record(
        conn,
        AuditEntry {
            actor: &Actor::System,
            action: "incident.create",
            entity_type: "incident",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({
                "automated": true, "deployment": deployment, "release": release,
                "service": service, "version": version, "environment": environment,
                "visibility": if publish { "published" } else { "draft" },
            })),
            request_id: None,
        },
    )
    .await?;
    Ok(Some(id))
}
