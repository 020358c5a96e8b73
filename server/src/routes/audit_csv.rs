//! `GET /audit.csv`: the filtered audit trail as a CSV download, for
//! administrators and release managers signed in with a session.

use app::services::audit_log::{self, AuditFilter};
use app::services::{session, AppState};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

pub async fn export(
    State(state): State<AppState>,
    session: Session,
    Query(filter): Query<AuditFilter>,
) -> Response {
    let user = match session::current_user(&session, &state).await {
        Ok(Some(user)) if !user.must_change_password => user,
        Ok(_) => {
            return (
                StatusCode::UNAUTHORIZED,
                "Sign in to export the audit trail.\n",
            )
                .into_response()
        }
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if !user.may(app::domain::Permission::ReadAudit) {
        return (
            StatusCode::FORBIDDEN,
            "Only administrators and release managers may export the audit trail.\n",
        )
            .into_response();
    }
    match audit_log::csv(&state.pool, &filter).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"rookery-audit.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response(),
        Err(app::error::AppError::Validation { message, .. }) => {
            (StatusCode::BAD_REQUEST, message).into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
