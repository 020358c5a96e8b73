//! Which components an incident affects, and with what status
//! (`incident_component`).

use crate::domain::status_page::ComponentStatus;
use crate::error::AppError;
use crate::model::status_page::ComponentChoice;
use crate::services::status_page::existing_components;
use sqlx::PgConnection;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Makes `choices` the components the incident affects, with the status
/// each gets (a component chosen twice: the last choice wins). Returns every
/// component whose status may change: the chosen ones and those dropped.
pub(super) async fn set_components(
    conn: &mut PgConnection,
    incident: Uuid,
    choices: &[ComponentChoice],
) -> Result<Vec<Uuid>, AppError> {
    let latest: BTreeMap<Uuid, ComponentStatus> =
        choices.iter().map(|c| (c.id, c.status)).collect();
    let mut ids = existing_components(conn, &latest.keys().copied().collect::<Vec<_>>()).await?;
    let statuses: Vec<String> = ids
        .iter()
        .map(|id| latest[id].as_str().to_string())
        .collect();
    let dropped = sqlx::query_scalar!(
        "delete from incident_component where incident_id = $1 and component_id <> all($2) returning component_id",
        incident,
        &ids
    )
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into incident_component (incident_id, component_id, status)
         select $1, c, s from unnest($2::uuid[], $3::text[]) as t(c, s)
         on conflict (incident_id, component_id) do update set status = excluded.status",
        incident,
        &ids,
        &statuses
    )
    .execute(conn)
    .await?;
    ids.extend(dropped);
    Ok(ids)
}

/// The components incident `incident` affects now.
pub(super) async fn affected(
    conn: &mut PgConnection,
    incident: Uuid,
) -> Result<Vec<Uuid>, AppError> {
    Ok(sqlx::query_scalar!(
        "select component_id from incident_component where incident_id = $1",
        incident
    )
    .fetch_all(conn)
    .await?)
}
