//! The HTML pages rendered from the snapshot: the main page (rendered once
//! per snapshot), the history, an incident, a maintenance window, a
//! component's uptime calendar and the changelog.

use super::respond::{frame, not_found, render, respond, unavailable, HTML};
use crate::status_page::{html, StatusPage};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

pub(super) async fn index(State(page): State<StatusPage>, headers: HeaderMap) -> Response {
    match page.index() {
        Some((snapshot, stale)) => respond(&headers, snapshot.main_page(stale), HTML),
        None => unavailable(),
    }
}

#[derive(Deserialize)]
pub(super) struct PageQuery {
    page: Option<String>,
}

impl PageQuery {
    fn number(&self) -> Option<u32> {
        match self.page.as_deref() {
            None | Some("") => Some(1),
            Some(p) => p.parse::<u32>().ok().filter(|n| (1..=1000).contains(n)),
        }
    }
}

pub(super) async fn history(
    State(page): State<StatusPage>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let Some(number) = q.number() else {
        return not_found(&page);
    };
    render(&page, &headers, HTML, |data| {
        Some(html::history(data, number, &frame(&page, data.loaded_at)))
    })
}

pub(super) async fn incident(
    State(page): State<StatusPage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return not_found(&page);
    };
    render(&page, &headers, HTML, |data| {
        let incident = data.incidents.iter().find(|i| i.id == id)?;
        Some(html::incident(
            data,
            incident,
            &frame(&page, data.loaded_at),
        ))
    })
}

pub(super) async fn maintenance(
    State(page): State<StatusPage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return not_found(&page);
    };
    render(&page, &headers, HTML, |data| {
        let m = data.maintenances.iter().find(|m| m.id == id)?;
        Some(html::maintenance(data, m, &frame(&page, data.loaded_at)))
    })
}

pub(super) async fn component_uptime(
    State(page): State<StatusPage>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let (Ok(id), Some(number)) = (id.parse::<Uuid>(), q.number()) else {
        return not_found(&page);
    };
    render(&page, &headers, HTML, |data| {
        let c = data.components.iter().find(|c| c.id == id)?;
        Some(html::component_uptime(
            c,
            number,
            data.loaded_at,
            &frame(&page, data.loaded_at),
        ))
    })
}

pub(super) async fn changelog(State(page): State<StatusPage>, headers: HeaderMap) -> Response {
    render(&page, &headers, HTML, |data| {
        Some(html::changelog(data, &frame(&page, data.loaded_at)))
    })
}

pub(super) async fn changelog_entry(
    State(page): State<StatusPage>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<Uuid>() else {
        return not_found(&page);
    };
    render(&page, &headers, HTML, |data| {
        let note = data.notes.iter().find(|n| n.release_id == id)?;
        Some(html::changelog_entry(note, &frame(&page, data.loaded_at)))
    })
}
