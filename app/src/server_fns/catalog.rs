use crate::domain::catalog::{EnvironmentInput, EnvironmentSpec, ServiceInput};
use crate::domain::trigger_form::TriggerInput;
use crate::error::AppError;
use crate::model::ServiceView;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use uuid::Uuid;

/// Every environment with its specification.
#[server]
pub async fn environment_specs() -> Result<Vec<EnvironmentSpec>, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    cx.require_user().await?;
    crate::services::catalog::environments(&cx.state.pool).await
}

/// Creates an environment (`original` empty) or updates the one keyed
/// `original` (administrators).
#[server(input = Json)]
pub async fn save_environment(original: String, input: EnvironmentInput) -> Result<(), AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::Administer)?;
    let spec = input.validate().map_err(AppError::invalid)?;
    let original = Some(original.trim()).filter(|o| !o.is_empty());
    crate::services::catalog::save_environment(
        &cx.state.pool,
        &user,
        original,
        &spec,
        cx.request_id.as_deref(),
    )
    .await
}

/// Every environment's default rollback triggers.
#[server]
pub async fn environment_trigger_defaults(
) -> Result<Vec<crate::model::EnvironmentTriggers>, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    cx.require_user().await?;
    crate::services::catalog::environment_triggers(&cx.state.pool).await
}

/// Replaces the default rollback triggers of `environment` (administrators):
/// what deployments there start with unless given their own.
#[server(input = Json)]
pub async fn save_environment_triggers(
    environment: String,
    triggers: Vec<TriggerInput>,
) -> Result<(), AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::Administer)?;
    let specs =
        crate::domain::trigger_form::validate_defaults(&triggers).map_err(AppError::invalid)?;
    crate::services::catalog::save_environment_triggers(
        &cx.state.pool,
        &user,
        environment.trim(),
        &specs,
        cx.request_id.as_deref(),
    )
    .await
}

/// Every service.
#[server]
pub async fn list_services() -> Result<Vec<ServiceView>, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    cx.require_user().await?;
    cx.memo("list_services".into(), || {
        crate::services::catalog::services(&cx.state.pool)
    })
    .await
}

/// Creates a service (`id` none) or updates one (administrators).
#[server(input = Json)]
pub async fn save_service(id: Option<Uuid>, input: ServiceInput) -> Result<Uuid, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::Administer)?;
    let service = input.validate().map_err(AppError::invalid)?;
    crate::services::catalog::save_service(
        &cx.state.pool,
        &user,
        id,
        &service,
        cx.request_id.as_deref(),
    )
    .await
}

/// Standard-change templates (archived ones too, for administrators).
#[server]
pub async fn list_templates(
    include_archived: bool,
) -> Result<Vec<crate::model::TemplateView>, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    cx.require_user().await?;
    crate::services::templates::list(&cx.state.pool, include_archived).await
}

/// Creates (`id` none) or updates a template (administrators).
#[server(input = Json)]
pub async fn save_template(
    id: Option<Uuid>,
    input: crate::domain::catalog::TemplateInput,
) -> Result<Uuid, AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    user.require(crate::domain::Permission::Administer)?;
    let template = input.validate().map_err(AppError::invalid)?;
    crate::services::templates::save(
        &cx.state.pool,
        &user,
        id,
        &template,
        cx.request_id.as_deref(),
    )
    .await
}

/// Archives a template or restores it (administrators).
#[server]
pub async fn archive_template(id: Uuid, archived: bool) -> Result<(), AppError> {
    let cx = crate::services::context::RequestContext::load().await?;
    let user = cx.require_user().await?;
    crate::services::templates::set_archived(
        &cx.state.pool,
        &user,
        id,
        archived,
        cx.request_id.as_deref(),
    )
    .await
}
