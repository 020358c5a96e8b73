//! What a deployment's state change touches besides the deployment row:
//! its log (and the progress page's notification), the release's status and
//! events, the linked change requests' timelines, and the people told.

use super::actor_id;
use crate::domain::release::ReleaseStatus;
use crate::error::AppError;
use crate::services::audit::Actor;
use crate::services::notifications::{self, Notice};
use crate::services::stored::parse;
use sqlx::PgConnection;
use uuid::Uuid;

/// Appends a line to a deployment's log (the progress page streams it).
pub async fn log(
    conn: &mut PgConnection,
    deployment: Uuid,
    stream: &str,
    line: &str,
) -> Result<(), sqlx::Error> {
    let line: String = line.chars().take(4000).collect();
    sqlx::query!(
        "insert into deployment_log (deployment_id, stream, line) values ($1, $2, $3)",
        deployment,
        stream,
        line
    )
    .execute(&mut *conn)
    .await?;
    notify(conn, deployment).await
}

/// Tells the progress pages watching `deployment` that it changed (a log
/// line, a trigger reading).
pub async fn notify(conn: &mut PgConnection, deployment: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "select pg_notify('rookery_deployments', $1)",
        deployment.to_string()
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One timeline event for each change request the deployment moved.
pub(super) async fn cr_events(
    conn: &mut PgConnection,
    crs: &[Uuid],
    actor: &Actor,
    to: &str,
    note: &str,
) -> Result<(), AppError> {
    if crs.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "insert into cr_event (cr_id, actor_id, actor_label, action, from_status, to_status, note)
         select cr, $2, $3, 'deployment', null, $4::text::cr_status, $5 from unnest($1::uuid[]) as t(cr)",
        crs,
        actor_id(actor),
        actor.label(),
        to,
        note
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves the release with the deployment when its machine allows it.
pub(super) async fn move_release(
    conn: &mut PgConnection,
    release: Uuid,
    to: ReleaseStatus,
    actor: &Actor,
    note: &str,
) -> Result<(), AppError> {
    let status = sqlx::query_scalar!(
        "select status from release where id = $1 for update",
        release
    )
    .fetch_one(&mut *conn)
    .await?;
    let from = parse(&status, ReleaseStatus::parse)?;
    if from == to || !from.can_become(to) {
        return Ok(());
    }
    sqlx::query!(
        "update release set status = $2, updated_at = now() where id = $1",
        release,
        to.as_str()
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into release_event (release_id, actor_id, actor_label, action, from_status, to_status, note)
         values ($1, $2, $3, 'deployment', $4, $5, $6)",
        release,
        actor_id(actor),
        actor.label(),
        from.as_str(),
        to.as_str(),
        note
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Who hears about a deployment's outcome: the person who started it and
/// the release managers, never the actor; when it failed or is rolled back,
/// also whoever filed a change request the release ships.
pub(super) async fn tell(
    conn: &mut PgConnection,
    deployment: Uuid,
    actor: &Actor,
    kind: &'static str,
    title: String,
    body: String,
) -> Result<(), AppError> {
    let requesters_too = matches!(
        kind,
        "deployment_failed" | "deployment_rolling_back" | "deployment_rolled_back"
    );
    let recipients = sqlx::query_scalar!(
        r#"select u.id as "id!" from app_user u
           where not u.disabled and ('release_manager' = any(u.roles)
              or u.id = (select started_by from deployment where id = $1)
              or ($3 and u.id in (
                  select c.requester_id from release_change rc
                  join change_request c on c.id = rc.cr_id
                  where rc.release_id = (select release_id from deployment where id = $1))))
             and u.id is distinct from $2"#,
        deployment,
        actor_id(actor),
        requesters_too
    )
    .fetch_all(&mut *conn)
    .await?;
    notifications::send(
        conn,
        &recipients,
        &Notice {
            kind,
            title,
            body,
            link: format!("/deployments/{deployment}"),
        },
    )
    .await
}

/// Tells the starter and the release managers about something the engine
/// saw (a trigger's alert, a pause for inconclusive metrics).
pub async fn alert(
    conn: &mut PgConnection,
    deployment: Uuid,
    title: &str,
    body: &str,
) -> Result<(), AppError> {
    tell(
        conn,
        deployment,
        &Actor::System,
        "deployment_alert",
        title.into(),
        body.into(),
    )
    .await
}
