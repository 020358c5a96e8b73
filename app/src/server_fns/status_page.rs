//! The status page's back office: components, incidents, maintenance and
//! release notes.

use crate::domain::release_note::NoteSections;
use crate::error::AppError;
use crate::model::status_page::{
    ComponentInput, ComponentView, IncidentDetail, IncidentFilter, IncidentInput, IncidentPage,
    IncidentUpdateInput, MaintenanceInput, MaintenanceList, PublishIncident, ReleaseNoteView,
    RevisionDiff,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::services::{
    context::RequestContext,
    status_page::{components, incidents, maintenance, release_notes, subscribers},
};

/// Every component, in page order.
#[server]
pub async fn list_components() -> Result<Vec<ComponentView>, AppError> {
    let (cx, _) = RequestContext::signed_in().await?;
    cx.memo("list_components".into(), || async {
        components::list(&mut *cx.state.pool.acquire().await?).await
    })
    .await
}

#[server(input = Json)]
pub async fn save_component(input: ComponentInput) -> Result<Uuid, AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    components::save(&cx.state.pool, &user, &input, cx.request_id()).await
}

#[server]
pub async fn delete_component(id: Uuid) -> Result<(), AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    components::delete(&cx.state.pool, &user, id, cx.request_id()).await
}

#[server]
pub async fn set_component_status(id: Uuid, status: String) -> Result<(), AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    let status = crate::domain::status_page::ComponentStatus::parse(&status)
        .map_err(|m| AppError::field("status", m))?;
    components::set_status_by_hand(&cx.state.pool, &user, id, status, cx.request_id()).await
}

/// How many automatic drafts wait for someone to publish or discard them,
/// for the badge on the incidents link (0 for those who don't work on
/// incidents).
#[server]
pub async fn draft_incident_count() -> Result<i64, AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    if !user.may(crate::domain::Permission::Incidents) {
        return Ok(0);
    }
    incidents::draft_count(&cx.state.pool).await
}

/// The support view's incident history.
#[server(input = Json)]
pub async fn list_incidents(filter: IncidentFilter) -> Result<IncidentPage, AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    incidents::list(&cx.state.pool, &user, &filter).await
}

#[server(input = Json)]
pub async fn open_incident(input: IncidentInput) -> Result<Uuid, AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    incidents::create(&cx.state.pool, &user, &input, cx.request_id()).await
}

#[server]
pub async fn get_incident(id: Uuid) -> Result<IncidentDetail, AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    cx.memo(format!("get_incident:{id}"), || {
        incidents::detail(&cx.state.pool, &user, id)
    })
    .await
}

#[server(input = Json)]
pub async fn post_incident_update(id: Uuid, input: IncidentUpdateInput) -> Result<Uuid, AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    incidents::post_update(&cx.state.pool, &user, id, &input, cx.request_id()).await
}

#[server(input = Json)]
pub async fn publish_draft_incident(id: Uuid, input: PublishIncident) -> Result<(), AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    incidents::publish(&cx.state.pool, &user, id, &input, cx.request_id()).await
}

#[server]
pub async fn discard_incident(id: Uuid) -> Result<(), AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    incidents::discard(&cx.state.pool, &user, id, cx.request_id()).await
}

/// Confirmed subscribers, for the support view.
#[server]
pub async fn subscriber_count() -> Result<i64, AppError> {
    let (cx, _) = RequestContext::signed_in().await?;
    subscribers::count_active(&cx.state.pool).await
}

#[server]
pub async fn list_maintenance() -> Result<MaintenanceList, AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    cx.memo("list_maintenance".into(), || {
        maintenance::list(&cx.state.pool, &user)
    })
    .await
}

/// A maintenance form filled from a change request.
#[server]
pub async fn maintenance_prefill(cr: i64) -> Result<MaintenanceInput, AppError> {
    let (cx, _) = RequestContext::signed_in().await?;
    maintenance::from_change_request(&cx.state.pool, cr).await
}

#[server(input = Json)]
pub async fn schedule_maintenance(input: MaintenanceInput) -> Result<Uuid, AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    maintenance::create(&cx.state.pool, &user, &input, cx.request_id()).await
}

#[server]
pub async fn move_maintenance(id: Uuid, to: String, message: String) -> Result<(), AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    let to = crate::domain::status_page::MaintenanceState::parse(&to)
        .map_err(|m| AppError::field("to", m))?;
    maintenance::transition(&cx.state.pool, &user, id, to, &message, cx.request_id()).await
}

#[server]
pub async fn get_release_note(release: Uuid) -> Result<ReleaseNoteView, AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    cx.memo(format!("get_release_note:{release}"), || {
        release_notes::get(&cx.state.pool, &user, release)
    })
    .await
}

/// A draft from the release's change requests (not saved).
#[server]
pub async fn draft_release_note(release: Uuid) -> Result<NoteSections, AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    release_notes::draft(&cx.state.pool, &user, release).await
}

#[server(input = Json)]
pub async fn save_release_note(
    release: Uuid,
    base: i32,
    sections: NoteSections,
) -> Result<i32, AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    release_notes::save(
        &cx.state.pool,
        &user,
        release,
        base,
        &sections,
        cx.request_id(),
    )
    .await
}

#[server]
pub async fn release_note_diff(
    release: Uuid,
    from: i32,
    to: i32,
) -> Result<RevisionDiff, AppError> {
    let (cx, _) = RequestContext::signed_in().await?;
    release_notes::diff(&cx.state.pool, release, from, to).await
}

/// Publishes `revision` (the one on screen) or, with `publish` false, unpublishes.
#[server]
pub async fn publish_release_note(
    release: Uuid,
    publish: bool,
    revision: i32,
) -> Result<(), AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    let revision = publish.then_some(revision);
    release_notes::set_published(&cx.state.pool, &user, release, revision, cx.request_id()).await
}

/// Per environment: what an automatic rollback puts on the status page.
#[server]
pub async fn rollback_incident_settings() -> Result<Vec<(String, String, String)>, AppError> {
    let (cx, _) = RequestContext::signed_in().await?;
    cx.memo("rollback_incident_settings".into(), || {
        components::rollback_settings(&cx.state.pool)
    })
    .await
}

#[server]
pub async fn set_rollback_incident(environment: String, setting: String) -> Result<(), AppError> {
    let (cx, user) = RequestContext::signed_in().await?;
    let (pool, request_id) = (&cx.state.pool, cx.request_id());
    components::set_rollback_setting(pool, &user, &environment, &setting, request_id).await
}
