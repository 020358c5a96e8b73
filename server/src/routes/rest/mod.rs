//! The REST API under `/api/v1/`, authenticated by personal API tokens (not
//! to be confused with `app::api`, the Leptos server functions): the routes,
//! and what every handler shares: [`ApiError`], the [`ApiUser`] extractor
//! and the JSON / query extractors that answer 422 instead of axum's text.
//!
//! - [`planning`]: change requests, releases, environments, services and
//!   the OpenAPI document.
//! - [`execution`]: release gates, deployments, metrics and deploy-target
//!   simulation.

pub mod execution;
pub mod planning;

use crate::state::ServerState;
use app::domain::Role;
use app::error::AppError;
use app::server::session::SessionUser;
use app::server::{tokens, AppState};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, put};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// Every route under `/api/v1/`; unknown paths there answer JSON.
pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/api/v1/me", get(me))
        .route("/api/v1/openapi.json", get(planning::openapi))
        .route(
            "/api/v1/change-requests",
            get(planning::list_change_requests).post(planning::create_change_request),
        )
        .route(
            "/api/v1/change-requests/{id}",
            get(planning::get_change_request).put(planning::update_change_request),
        )
        .route(
            "/api/v1/change-requests/{id}/transitions",
            post(planning::transition_change_request),
        )
        .route(
            "/api/v1/releases",
            get(planning::list_releases).post(planning::create_release),
        )
        .route(
            "/api/v1/releases/{id}",
            get(planning::get_release).put(planning::update_release),
        )
        .route("/api/v1/environments", get(planning::list_environments))
        .route("/api/v1/services", get(planning::list_services))
        .route(
            "/api/v1/releases/{id}/gates",
            get(execution::list_gates).post(execution::report_gate),
        )
        .route(
            "/api/v1/deployments",
            get(execution::list_deployments).post(execution::start_deployment),
        )
        .route("/api/v1/deployments/{id}", get(execution::get_deployment))
        .route(
            "/api/v1/deployments/{id}/{action}",
            post(execution::act_on_deployment),
        )
        .route("/api/v1/metrics", post(execution::push_metrics))
        .route(
            "/api/v1/deploy-targets/{id}/simulation",
            put(execution::set_simulation),
        )
        .route("/api/v1/{*rest}", any(not_found))
}

/// An API error: `{"error": {"code": ..., "message": ...}}`.
pub struct ApiError(AppError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let code = match &self.0 {
            AppError::NotFound => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden | AppError::NotPermitted(_) => "forbidden",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Validation { .. } => "validation",
            AppError::Conflict(_) => "conflict",
            AppError::Refused(_) => "refused",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::BadRequest(_) => "bad_request",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::Internal | AppError::Transport(_) => "internal",
        };
        let mut body = json!({ "error": { "code": code, "message": self.0.to_string() } });
        if let AppError::Validation { fields, .. } = &self.0 {
            body["error"]["fields"] = json!(fields);
        }
        if let AppError::Refused(reasons) = &self.0 {
            body["error"]["reasons"] = json!(reasons);
        }
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"rookery\""),
            );
        }
        response
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

/// The account behind the request's `Authorization: Bearer` token.
pub struct ApiUser(pub SessionUser);

impl<S> FromRequestParts<S> for ApiUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(AppError::Unauthorized)?;
        let user = tokens::authenticate(&state.pool, token)
            .await?
            .ok_or(AppError::Unauthorized)?;
        Ok(Self(SessionUser::try_from(user)?))
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    id: Uuid,
    email: String,
    display_name: String,
    roles: Vec<Role>,
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(ApiUser(user): ApiUser) -> Json<Me> {
    Json(Me {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        roles: user.roles.iter().collect(),
    })
}

/// Unknown paths under `/api/v1/` answer JSON, not the HTML 404 page.
pub async fn not_found() -> ApiError {
    ApiError(AppError::NotFound)
}

/// The error document every failure answers with.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// `not_found`, `unauthorized`, `forbidden`, `validation`, `conflict`, ...
    code: String,
    message: String,
    /// Per-field messages, for `validation` errors.
    #[schema(value_type = Option<Object>)]
    fields: Option<std::collections::BTreeMap<String, String>>,
    /// Every reason, for `refused` errors (a deployment that may not start).
    reasons: Option<Vec<String>>,
}

/// A JSON body that does not parse is a 422 with the parser's reason.
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError(AppError::Validation {
                message: format!("The request body is not valid: {}", rejection.body_text()),
                fields: Default::default(),
            })),
        }
    }
}

/// Query strings that do not parse are a 422 too.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(ApiError(AppError::Validation {
                message: format!("The query string is not valid: {}", rejection.body_text()),
                fields: Default::default(),
            })),
        }
    }
}
