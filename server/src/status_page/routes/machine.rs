//! What other programs read: the SVG badges, the Atom and RSS feeds, and
//! the Statuspage-compatible v2 JSON API.

use super::respond::{base, not_found, render, respond, unavailable, JSON};
use crate::status_page::{badge, feeds, html, v2, Rendered, StatusPage};
use app::services::status_page::public::PublicData;
use app::services::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

const SVG: &str = "image/svg+xml";

pub(super) async fn overall_badge(State(page): State<StatusPage>, headers: HeaderMap) -> Response {
    render(&page, &headers, SVG, |data| {
        let (indicator, description) = html::indicator(data);
        Some(badge::svg("status", description, badge::color(indicator)))
    })
}

/// `/status/components/{id}.svg`.
pub(super) async fn component_badge(
    State(page): State<StatusPage>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let Some(id) = file
        .strip_suffix(".svg")
        .and_then(|id| id.parse::<Uuid>().ok())
    else {
        return not_found(&page);
    };
    render(&page, &headers, SVG, |data| {
        let c = data.components.iter().find(|c| c.id == id)?;
        Some(badge::svg(
            &c.name,
            &c.status.label().to_lowercase(),
            badge::color(c.status.as_str()),
        ))
    })
}

const ATOM: &str = "application/atom+xml; charset=utf-8";
const RSS: &str = "application/rss+xml; charset=utf-8";

/// How a feed is written: the data, the page's name and the address people
/// reach it by (for the links).
type FeedWriter = fn(&PublicData, &str, &str) -> String;

/// A feed of the current snapshot.
fn feed(
    page: &StatusPage,
    app: &AppState,
    headers: &HeaderMap,
    content_type: &'static str,
    write: FeedWriter,
) -> Response {
    let base = base(app, headers);
    render(page, headers, content_type, |data| {
        Some(write(data, &page.settings().name, &base))
    })
}

pub(super) async fn history_atom(
    State(page): State<StatusPage>,
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Response {
    feed(&page, &app, &headers, ATOM, feeds::history_atom)
}

pub(super) async fn history_rss(
    State(page): State<StatusPage>,
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Response {
    feed(&page, &app, &headers, RSS, feeds::history_rss)
}

pub(super) async fn changelog_atom(
    State(page): State<StatusPage>,
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Response {
    feed(&page, &app, &headers, ATOM, feeds::changelog_atom)
}

pub(super) async fn api_v2(
    State(page): State<StatusPage>,
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(path): Path<String>,
) -> Response {
    let base = base(&app, &headers);
    let Some(snapshot) = page.snapshot() else {
        return unavailable();
    };
    let doc = v2::V2 {
        data: &snapshot.data,
        name: &page.settings().name,
        base: &base,
    }
    .document(&path);
    match doc {
        Some(value) => {
            let body = serde_json::to_vec(&value).unwrap_or_default();
            let mut response = respond(
                &headers,
                &Rendered::new(body, snapshot.data.loaded_at),
                JSON,
            );
            // Statuspage's API is read from other sites' dashboards.
            response.headers_mut().insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            response
        }
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, JSON)],
            r#"{"error":"not_found"}"#,
        )
            .into_response(),
    }
}
