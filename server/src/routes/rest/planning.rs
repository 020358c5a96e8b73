//! The planning half of the JSON API: change requests, releases,
//! environments and services. Every handler calls the same service function
//! the UI's server functions call, so validation and permission checks are
//! one piece of code.

use super::v1::{ApiError, ApiJson, ApiQuery, ApiUser, ErrorBody};
use app::domain::catalog::EnvironmentSpec;
use app::domain::change_request::{CrAction, CrStatus};
use app::domain::cr_form::{parse_local_datetime, CrInput};
use app::domain::release::ReleaseStatus;
use app::domain::release_plan::ReleaseInput;
use app::error::AppError;
use app::model::{CrDetail, CrPage, ReleaseDetail, ReleasePage, ServiceView};
use app::services::{catalog, change_requests, releases, AppState};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

fn created(location: String, body: impl Serialize) -> Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response()
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CrListQuery {
    /// A status name (`draft`, `submitted`, ...); all when absent.
    status: Option<String>,
    /// Only the caller's own change requests.
    #[serde(default)]
    mine: bool,
    /// Title contains (case-insensitive).
    q: Option<String>,
    /// updated (default), planned, priority or number.
    sort: Option<String>,
    /// 1-based page number.
    page: Option<i64>,
    /// Rows per page, 1 to 100 (default 25).
    per_page: Option<i64>,
}

/// Lists change requests, most recently changed first.
#[utoipa::path(get, path = "/api/v1/change-requests", tag = "change requests",
    params(CrListQuery),
    responses((status = 200, body = CrPage), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_change_requests(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(query): ApiQuery<CrListQuery>,
) -> Result<Json<CrPage>, ApiError> {
    let status = query
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| CrStatus::parse(s).map_err(|m| AppError::field("status", m)))
        .transpose()?;
    let filter = change_requests::CrFilter {
        status,
        requester: query.mine.then_some(user.id),
        search: query.q,
        sort: change_requests::CrSort::parse(query.sort.as_deref().unwrap_or(""))
            .map_err(|m| AppError::field("sort", m))?,
        count_cap: None,
        page: query.page.unwrap_or(1),
        per_page: query.per_page.unwrap_or(25),
    };
    Ok(Json(change_requests::list(&state.pool, &filter).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedChangeRequest {
    id: Uuid,
    number: i64,
}

/// Files a change request as a draft.
#[utoipa::path(post, path = "/api/v1/change-requests", tag = "change requests",
    request_body = CrInput,
    responses(
        (status = 201, body = CreatedChangeRequest, headers(("location" = String, description = "The new change request"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_change_request(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<CrInput>,
) -> Result<Response, ApiError> {
    if !user.may(app::domain::Permission::FileChange) {
        return Err(AppError::Forbidden.into());
    }
    let valid = input.validate().map_err(AppError::invalid)?;
    let (id, number) = change_requests::create(&state.pool, &user, valid, None).await?;
    Ok(created(
        format!("/api/v1/change-requests/{number}"),
        CreatedChangeRequest { id, number },
    ))
}

/// `12`, `CR-12` or the change request's UUID.
async fn cr_number(state: &AppState, id: &str) -> Result<i64, AppError> {
    let id = id.trim();
    if let Ok(uuid) = Uuid::parse_str(id) {
        return sqlx::query_scalar!("select number from change_request where id = $1", uuid)
            .fetch_optional(&state.pool)
            .await?
            .ok_or(AppError::NotFound);
    }
    // `get` rather than slicing: an id may start with a multibyte character.
    let digits = match (id.get(..3), id.get(3..)) {
        (Some(prefix), Some(rest)) if prefix.eq_ignore_ascii_case("cr-") => rest,
        _ => id,
    };
    digits.parse::<i64>().map_err(|_| AppError::NotFound)
}

/// One change request with its approvals, timeline, comments and the
/// transitions the caller may make now.
#[utoipa::path(get, path = "/api/v1/change-requests/{id}", tag = "change requests",
    params(("id" = String, Path, description = "Number (12 or CR-12) or UUID")),
    responses((status = 200, body = CrDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_change_request(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<CrDetail>, ApiError> {
    let number = cr_number(&state, &id).await?;
    Ok(Json(
        change_requests::detail(&state.pool, &user, number).await?,
    ))
}

/// Edits a draft change request (the requester's own): the whole change
/// request, as when filing it. Not a draft is 409; someone else's is 403.
#[utoipa::path(put, path = "/api/v1/change-requests/{id}", tag = "change requests",
    params(("id" = String, Path, description = "Number (12 or CR-12) or UUID")),
    request_body = CrInput,
    responses((status = 200, body = CrDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_change_request(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CrInput>,
) -> Result<Json<CrDetail>, ApiError> {
    if !user.may(app::domain::Permission::FileChange) {
        return Err(AppError::Forbidden.into());
    }
    let number = cr_number(&state, &id).await?;
    let valid = input.validate().map_err(AppError::invalid)?;
    change_requests::update(&state.pool, &user, number, valid, None).await?;
    Ok(Json(
        change_requests::detail(&state.pool, &user, number).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TransitionRequest {
    /// submit, review, review_failed, approve, reject, rework, fast_track,
    /// schedule, start_implementation, start_validation, close, cancel.
    action: String,
    /// The reason (reject, cancel, failed review) or closure notes (close).
    #[serde(default)]
    note: String,
    /// For `schedule`: RFC 3339, or `YYYY-MM-DDTHH:MM` in UTC.
    planned_start: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TransitionResult {
    status: CrStatus,
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| parse_local_datetime(text))
}

/// Moves a change request through the workflow. A transition the state does
/// not allow is 409; one the caller may not make (role, own request,
/// approving twice) is 403; both say why.
#[utoipa::path(post, path = "/api/v1/change-requests/{id}/transitions", tag = "change requests",
    params(("id" = String, Path, description = "Number (12 or CR-12) or UUID")),
    request_body = TransitionRequest,
    responses((status = 200, body = TransitionResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transition_change_request(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<TransitionRequest>,
) -> Result<Json<TransitionResult>, ApiError> {
    let number = cr_number(&state, &id).await?;
    let action = CrAction::from_request(&request.action, &request.note)
        .map_err(|m| AppError::field("action", m))?;
    let planned = request
        .planned_start
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(|t| parse_time(t).map_err(|m| AppError::field("planned_start", m)))
        .transpose()?;
    let status = change_requests::act(
        &state.pool,
        &user,
        number,
        action,
        &request.note,
        planned,
        None,
    )
    .await?;
    Ok(Json(TransitionResult { status }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReleaseListQuery {
    /// planned, approved, deploying, deployed, rolled_back or failed.
    status: Option<String>,
    /// A service key.
    service: Option<String>,
    /// Title or version contains.
    q: Option<String>,
    /// updated (default), planned or version.
    sort: Option<String>,
    page: Option<i64>,
    /// 1 to 100 (default 25).
    per_page: Option<i64>,
}

/// Lists releases.
#[utoipa::path(get, path = "/api/v1/releases", tag = "releases",
    params(ReleaseListQuery),
    responses((status = 200, body = ReleasePage), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_releases(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    ApiQuery(query): ApiQuery<ReleaseListQuery>,
) -> Result<Json<ReleasePage>, ApiError> {
    let status = query
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| ReleaseStatus::parse(s).map_err(|m| AppError::field("status", m)))
        .transpose()?;
    let filter = releases::ReleaseFilter {
        status,
        service: query.service,
        search: query.q,
        sort: releases::ReleaseSort::parse(query.sort.as_deref().unwrap_or(""))
            .map_err(|m| AppError::field("sort", m))?,
        count_cap: None,
        page: query.page.unwrap_or(1),
        per_page: query.per_page.unwrap_or(25),
    };
    Ok(Json(releases::list(&state.pool, &filter).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedRelease {
    id: Uuid,
}

/// Plans a release of a service. `changes` are change-request numbers.
#[utoipa::path(post, path = "/api/v1/releases", tag = "releases",
    request_body = ReleaseInput,
    responses(
        (status = 201, body = CreatedRelease, headers(("location" = String, description = "The new release"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_release(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<ReleaseInput>,
) -> Result<Response, ApiError> {
    if !user.may(app::domain::Permission::PlanRelease) {
        return Err(AppError::Forbidden.into());
    }
    let valid = input.validate().map_err(AppError::invalid)?;
    let id = releases::create(&state.pool, &user, valid, None).await?;
    Ok(created(
        format!("/api/v1/releases/{id}"),
        CreatedRelease { id },
    ))
}

/// One release with its plan, linked change requests and timeline.
#[utoipa::path(get, path = "/api/v1/releases/{id}", tag = "releases",
    params(("id" = Uuid, Path, description = "The release's UUID")),
    responses((status = 200, body = ReleaseDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_release(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ReleaseDetail>, ApiError> {
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    Ok(Json(releases::detail(&state.pool, &user, id).await?))
}

/// Edits a planned release: title, type, description, environments,
/// planned date and change requests (the body is the release as when
/// planning it; service and version must stay the same). Not planned is 409.
#[utoipa::path(put, path = "/api/v1/releases/{id}", tag = "releases",
    params(("id" = Uuid, Path, description = "The release's UUID")),
    request_body = ReleaseInput,
    responses((status = 200, body = ReleaseDetail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_release(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ReleaseInput>,
) -> Result<Json<ReleaseDetail>, ApiError> {
    if !user.may(app::domain::Permission::PlanRelease) {
        return Err(AppError::Forbidden.into());
    }
    let id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)?;
    let valid = input.validate().map_err(AppError::invalid)?;
    releases::update(&state.pool, &user, id, valid, None).await?;
    Ok(Json(releases::detail(&state.pool, &user, id).await?))
}

/// Every environment with its specification, promotion path first.
#[utoipa::path(get, path = "/api/v1/environments", tag = "catalog",
    responses((status = 200, body = Vec<EnvironmentSpec>), (status = 401, body = ErrorBody)))]
pub async fn list_environments(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
) -> Result<Json<Vec<EnvironmentSpec>>, ApiError> {
    Ok(Json(catalog::environments(&state.pool).await?))
}

/// Every service.
#[utoipa::path(get, path = "/api/v1/services", tag = "catalog",
    responses((status = 200, body = Vec<ServiceView>), (status = 401, body = ErrorBody)))]
pub async fn list_services(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
) -> Result<Json<Vec<ServiceView>>, ApiError> {
    Ok(Json(catalog::services(&state.pool).await?))
}

/// The OpenAPI document, built from the handlers' annotations and the
/// types' schemas.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Rookery API", description = "Release and change management. Authenticate with `Authorization: Bearer rk_…` (create a token under API tokens)."),
    paths(
        super::v1::me,
        list_change_requests, create_change_request, get_change_request, update_change_request,
        transition_change_request,
        list_releases, create_release, get_release, update_release,
        list_environments, list_services,
        super::execution::list_gates, super::execution::report_gate, super::execution::start_deployment,
        super::execution::list_deployments, super::execution::get_deployment,
        super::execution::act_on_deployment, super::execution::push_metrics,
        super::execution::set_simulation,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> impl IntoResponse {
    use utoipa::OpenApi;
    Json(ApiDoc::openapi())
}
