//! The execution half of the JSON API: gates reported by CI, deployments
//! and their manual actions, pushed metrics, and the simulated fleet's
//! settings. Handlers call the same service functions as the pages.

use super::v1::{ApiError, ApiJson, ApiQuery, ApiUser, ErrorBody};
use app::domain::deploy::{GateOutcome, ManualAction};
use app::error::AppError;
use app::model::{DeploymentDetail, DeploymentPage, GateStatusView, StartDeployment};
use app::services::deployments::{self, MetricPush};
use app::services::releases;
use app::services::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

fn uuid(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text.trim()).map_err(|_| AppError::NotFound.into())
}

/// A gate result from CI.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct GateReport {
    /// The environment's key.
    environment: String,
    /// The gate's name as in the release plan.
    name: String,
    /// `passed` or `failed`.
    status: GateOutcome,
    /// A link to the CI run.
    #[serde(default)]
    url: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct GateRecorded {
    id: i64,
}

/// The release's gates with their latest results.
#[utoipa::path(get, path = "/api/v1/releases/{id}/gates", tag = "deployments",
    params(("id" = String, Path, description = "The release's UUID, or service@version (api@2.1.0)")),
    responses((status = 200, body = Vec<GateStatusView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_gates(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<GateStatusView>>, ApiError> {
    let release = releases::find_id(&state.pool, id.trim()).await?;
    Ok(Json(deployments::gates(&state.pool, release).await?))
}

/// Records a gate result for a release in an environment. Deployments
/// waiting for the gate re-check at once.
#[utoipa::path(post, path = "/api/v1/releases/{id}/gates", tag = "deployments",
    params(("id" = String, Path, description = "The release's UUID, or service@version (api@2.1.0), so CI needs no lookup")),
    request_body = GateReport,
    responses((status = 201, body = GateRecorded, headers(("location" = String, description = "The release's gates"))), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn report_gate(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    ApiJson(report): ApiJson<GateReport>,
) -> Result<Response, ApiError> {
    let release = releases::find_id(&state.pool, id.trim()).await?;
    let id = deployments::report_gate(
        &state.pool,
        &user,
        release,
        report.environment.trim(),
        report.name.trim(),
        report.status,
        report.url.as_deref(),
        None,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/api/v1/releases/{release}/gates"),
        )],
        Json(GateRecorded { id }),
    )
        .into_response())
}

/// Starts a deployment of a release to an environment. Answers 409 with
/// every reason when it may not start.
#[utoipa::path(post, path = "/api/v1/deployments", tag = "deployments",
    request_body = StartDeployment,
    responses(
        (status = 201, body = DeploymentDetail, headers(("location" = String, description = "The new deployment"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn start_deployment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<StartDeployment>,
) -> Result<Response, ApiError> {
    let id = deployments::start(&state.pool, &user, input, None).await?;
    let detail = deployments::detail(&state.pool, Some(&user), id).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/api/v1/deployments/{id}"))],
        Json(detail),
    )
        .into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeploymentQuery {
    /// A service key.
    service: Option<String>,
    /// An environment key.
    environment: Option<String>,
    /// A release's UUID.
    release: Option<Uuid>,
    page: Option<i64>,
}

/// Deployment history, newest first.
#[utoipa::path(get, path = "/api/v1/deployments", tag = "deployments", params(DeploymentQuery),
    responses((status = 200, body = DeploymentPageBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_deployments(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    ApiQuery(query): ApiQuery<DeploymentQuery>,
) -> Result<Json<DeploymentPage>, ApiError> {
    Ok(Json(
        deployments::list(
            &state.pool,
            query.service.as_deref().unwrap_or(""),
            query.environment.as_deref().unwrap_or(""),
            query.release,
            query.page.unwrap_or(1),
        )
        .await?,
    ))
}

/// The schema of [`DeploymentPage`] (it lives in the app crate).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct DeploymentPageBody {
    deployments: Vec<app::model::DeploymentSummary>,
    page: i64,
    more: bool,
}

/// One deployment: state, current step, weight, steps, trigger readings and
/// the latest log lines.
#[utoipa::path(get, path = "/api/v1/deployments/{id}", tag = "deployments",
    params(("id" = Uuid, Path, description = "The deployment's UUID")),
    responses((status = 200, body = DeploymentDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_deployment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<DeploymentDetail>, ApiError> {
    let id = uuid(&id)?;
    Ok(Json(
        deployments::detail(&state.pool, Some(&user), id).await?,
    ))
}

/// Pause, resume, promote, abort or roll back a deployment. Answers 409
/// when the deployment's state does not allow the action.
#[utoipa::path(post, path = "/api/v1/deployments/{id}/{action}", tag = "deployments",
    params(("id" = Uuid, Path, description = "The deployment's UUID"),
           ("action" = ManualAction, Path, description = "pause, resume, promote, abort or rollback")),
    responses((status = 200, body = DeploymentDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn act_on_deployment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, action)): Path<(String, String)>,
) -> Result<Json<DeploymentDetail>, ApiError> {
    let id = uuid(&id)?;
    let action = ManualAction::parse(&action).map_err(|_| AppError::NotFound)?;
    deployments::act(&state.pool, &user, id, action, None).await?;
    Ok(Json(
        deployments::detail(&state.pool, Some(&user), id).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MetricBatch {
    /// 1 to 1,000 values.
    samples: Vec<MetricPush>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MetricsAccepted {
    accepted: usize,
}

/// Applications push metric values; triggers with source `pushed` (or
/// `auto` on non-simulated targets) read the latest fresh value.
#[utoipa::path(post, path = "/api/v1/metrics", tag = "deployments", request_body = MetricBatch,
    responses((status = 202, body = MetricsAccepted), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn push_metrics(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(batch): ApiJson<MetricBatch>,
) -> Result<Response, ApiError> {
    let accepted = deployments::push_metrics(&state.pool, &user, &batch.samples).await?;
    Ok((StatusCode::ACCEPTED, Json(MetricsAccepted { accepted })).into_response())
}

#[derive(Deserialize, Serialize, utoipa::ToSchema)]
pub struct FleetSettings {
    /// 0 to 1.
    error_rate: f64,
    /// Seconds.
    latency_p95: f64,
}

/// Sets what a simulated target's fleet reports (demos and tests).
#[utoipa::path(put, path = "/api/v1/deploy-targets/{id}/simulation", tag = "deployments",
    params(("id" = Uuid, Path, description = "The simulated deploy target's UUID")),
    request_body = FleetSettings,
    responses((status = 200, body = FleetSettings), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_simulation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    ApiJson(settings): ApiJson<FleetSettings>,
) -> Result<Json<FleetSettings>, ApiError> {
    let id = uuid(&id)?;
    deployments::set_fleet(
        &state.pool,
        &user,
        id,
        settings.error_rate,
        settings.latency_p95,
    )
    .await?;
    Ok(Json(settings))
}
