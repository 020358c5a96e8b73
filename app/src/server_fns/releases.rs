use crate::domain::release::ReleaseStatus;
use crate::domain::release_plan::{PlanInput, ReleaseInput};
use crate::error::AppError;
use crate::model::{ReleaseDetail, ReleasePage};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;

/// A page of releases. Empty strings mean "any"; `sort` is `updated`,
/// `planned` or `version`.
#[server]
pub async fn list_releases(
    status: String,
    service: String,
    search: String,
    sort: String,
    page: i64,
) -> Result<ReleasePage, AppError> {
    use crate::services::releases::{list, ReleaseFilter, ReleaseSort};
    let cx = crate::services::context::RequestContext::load().await?;
    cx.require_user().await?;
    let status = match status.trim() {
        "" => None,
        name => Some(ReleaseStatus::parse(name).map_err(|m| AppError::field("status", m))?),
    };
    let filter = ReleaseFilter {
        status,
        service: Some(service),
        search: Some(search),
        sort: ReleaseSort::parse(&sort).map_err(|m| AppError::field("sort", m))?,
        count_cap: Some(1000),
        page,
        per_page: 25,
    };
    let key = format!("list_releases:{filter:?}");
    cx.memo(key, || list(&cx.state.pool, &filter)).await
}

/// Files a release; returns its id.
#[server(input = Json)]
pub async fn create_release(input: ReleaseInput) -> Result<Uuid, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::PlanRelease)?;
    let valid = input.validate().map_err(AppError::invalid)?;
    crate::services::releases::create(&cx.state.pool, &user, valid, cx.request_id.as_deref()).await
}

/// Edits a planned release (everything but its service and version).
#[server(input = Json)]
pub async fn update_release(id: Uuid, input: ReleaseInput) -> Result<(), AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::PlanRelease)?;
    let valid = input.validate().map_err(AppError::invalid)?;
    crate::services::releases::update(&cx.state.pool, &user, id, valid, cx.request_id.as_deref())
        .await
}

/// The change requests a release can ship: those still open (not closed,
/// cancelled or rejected), newest first.
#[server]
pub async fn linkable_changes() -> Result<Vec<crate::model::CrSummary>, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    cx.require_user().await?;
    crate::services::change_requests::linkable(&cx.state.pool).await
}

/// The release plan page.
#[server]
pub async fn get_release(id: Uuid) -> Result<ReleaseDetail, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    cx.memo(format!("get_release:{id}"), || {
        crate::services::releases::detail(&cx.state.pool, &user, id)
    })
    .await
}

/// Saves a release's whole plan.
#[server(input = Json)]
pub async fn save_release_plan(id: Uuid, plan: PlanInput) -> Result<(), AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    crate::services::releases::save_plan(&cx.state.pool, &user, id, &plan, cx.request_id.as_deref())
        .await
}

/// Moves a release through its status machine.
#[server]
pub async fn release_action(
    id: Uuid,
    action: String,
    note: String,
) -> Result<ReleaseStatus, AppError> {
    use crate::domain::release_plan::ReleaseAction;
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    let action = ReleaseAction::parse(&action).map_err(|m| AppError::field("action", m))?;
    crate::services::releases::act(
        &cx.state.pool,
        &user,
        id,
        action,
        Some(note.as_str()),
        cx.request_id.as_deref(),
    )
    .await
}
