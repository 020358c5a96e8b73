//! `GET /calendar/feed/{token}.ics`: a person's calendar as iCalendar, for
//! Google Calendar, Outlook and Apple Calendar to subscribe to. The secret
//! token in the path is the only credential (calendar apps cannot sign in);
//! logs carry the route template, never the token.

use app::services::{calendar, AppState};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let owner = match calendar::feed_owner(&state.pool, token).await {
        Ok(Some((_, name))) => name,
        Ok(None) => return (StatusCode::NOT_FOUND, "No such calendar feed.").into_response(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let base = state.base_url(&headers);
    match calendar::feed_ics(&state.pool, &owner, Some(&base), chrono::Utc::now()).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
                (
                    header::CONTENT_DISPOSITION,
                    "inline; filename=\"rookery.ics\"",
                ),
            ],
            body,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
