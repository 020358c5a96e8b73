//! What every REST handler shares: [`ApiError`] (the JSON error document),
//! the [`ApiUser`] extractor (`Authorization: Bearer` token), the JSON and
//! query extractors that answer 422 with the parser's reason, and the two
//! handlers that belong to no resource: `/api/v1/me` and the JSON 404.

use app::domain::Role;
use app::error::AppError;
use app::services::session::SessionUser;
use app::services::{tokens, AppState};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

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
