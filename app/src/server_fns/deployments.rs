use crate::domain::deploy::DeploymentState;
use crate::error::AppError;
use crate::model::{
    DeployOptions, DeploymentDetail, DeploymentPage, JobPage, StartDeployment, TargetInput,
    TargetView,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;

/// What the release page's deploy form offers.
#[server]
pub async fn deployment_options(release: Uuid) -> Result<DeployOptions, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    cx.memo(format!("deploy_options:{release}"), || {
        crate::services::deployments::options(&cx.state.pool, &user, release)
    })
    .await
}

/// Starts a deployment; returns its id, or every reason it may not start.
#[server(input = Json)]
pub async fn begin_deployment(input: StartDeployment) -> Result<Uuid, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    crate::services::deployments::start(&cx.state.pool, &user, input, cx.request_id.as_deref())
        .await
}

/// The progress page.
#[server]
pub async fn get_deployment(id: Uuid) -> Result<DeploymentDetail, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    cx.memo(format!("get_deployment:{id}"), || {
        crate::services::deployments::detail(&cx.state.pool, Some(&user), id)
    })
    .await
}

/// Pause, resume, promote, abort or roll back.
#[server]
pub async fn deployment_action(id: Uuid, action: String) -> Result<DeploymentState, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    let action = crate::domain::deploy::ManualAction::parse(&action)
        .map_err(|m| AppError::field("action", m))?;
    crate::services::deployments::act(&cx.state.pool, &user, id, action, cx.request_id.as_deref())
        .await
}

/// Deployment history (empty filters = any).
#[server]
pub async fn list_deployments(
    service: String,
    environment: String,
    page: i64,
) -> Result<DeploymentPage, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    cx.require_user().await?;
    cx.memo(
        format!("list_deployments:{service}:{environment}:{page}"),
        || crate::services::deployments::list(&cx.state.pool, &service, &environment, None, page),
    )
    .await
}

/// Sets the simulated fleet's error rate and latency.
#[server]
pub async fn set_fleet(target: Uuid, error_rate: f64, latency_p95: f64) -> Result<(), AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    crate::services::deployments::set_fleet(&cx.state.pool, &user, target, error_rate, latency_p95)
        .await
}

/// Every deploy target (administrators).
#[server]
pub async fn list_targets() -> Result<Vec<TargetView>, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::Administer)?;
    cx.memo("list_targets".into(), || {
        crate::services::targets::list(&cx.state.pool)
    })
    .await
}

/// Creates or replaces a deploy target (administrators).
#[server(input = Json)]
pub async fn save_target(input: TargetInput) -> Result<Uuid, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    crate::services::targets::save(&cx.state.pool, &user, &input).await
}

/// Jobs by status (administrators).
#[server]
pub async fn list_jobs(status: String, page: i64) -> Result<JobPage, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::Administer)?;
    cx.memo(format!("list_jobs:{status}:{page}"), || {
        crate::services::jobs::list(&cx.state.pool, &status, page)
    })
    .await
}

/// Gives a dead job a fresh set of attempts (administrators).
#[server]
pub async fn retry_job(id: i64) -> Result<(), AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::Administer)?;
    crate::services::jobs::retry(&cx.state.pool, &user.actor(), id).await
}
