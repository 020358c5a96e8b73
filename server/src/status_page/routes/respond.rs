//! How every status page response is answered: from the snapshot (or 503
//! before the first one), with ETag / Last-Modified / Cache-Control, a 304
//! when the client's copy is current, and gzip when it is accepted.

use crate::status_page::compress::{self, accepts_gzip};
use crate::status_page::{html, Rendered, StatusPage};
use app::services::AppState;
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

/// Browsers and proxies may reuse a page for this long; `stale-if-error`
/// lets a CDN keep answering if Rookery itself is unreachable.
const CACHE_CONTROL: &str = "public, max-age=10, stale-if-error=86400";

pub(super) const HTML: &str = "text/html; charset=utf-8";
pub(super) const JSON: &str = "application/json";

fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Whether the client's copy is still current (If-None-Match wins over
/// If-Modified-Since, as RFC 9110 says).
fn not_modified(headers: &HeaderMap, doc: &Rendered) -> bool {
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == doc.etag || t == "*");
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| doc.last_modified.timestamp() <= since.timestamp())
}

/// Answers a document with its validators, gzip-compressed when the client
/// accepts it (the main page's copy is made once per snapshot, any other
/// document's here). The compressed copy is a different representation, so
/// it has its own ETag, and a 304 is answered for the one the client holds.
pub(super) fn respond(
    headers: &HeaderMap,
    mut doc: Rendered,
    content_type: &'static str,
) -> Response {
    let plain_etag = doc.etag.clone();
    let mut gzip = accepts_gzip(headers)
        && (doc.gzip.is_some() || compress::worth_compressing(doc.body.len()));
    if gzip {
        doc.etag = format!("{}-gz\"", doc.etag.trim_end_matches('"'));
    }
    let status = if not_modified(headers, &doc) {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    if status == StatusCode::OK && gzip {
        match doc.gzip.take().or_else(|| compress::gzip(&doc.body)) {
            Some(gz) => doc.body = gz,
            None => {
                gzip = false;
                doc.etag = plain_etag;
            }
        }
    }
    let mut builder = Response::builder()
        .status(status)
        .header(header::ETAG, &doc.etag)
        .header(header::LAST_MODIFIED, http_date(doc.last_modified))
        .header(header::CACHE_CONTROL, CACHE_CONTROL)
        .header(header::VARY, "Accept-Encoding");
    if status == StatusCode::OK {
        builder = builder.header(header::CONTENT_TYPE, content_type);
        if gzip {
            builder = builder.header(header::CONTENT_ENCODING, "gzip");
        }
    }
    let body = if status == StatusCode::OK {
        Body::from(doc.body)
    } else {
        Body::empty()
    };
    builder
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Answered before the first snapshot ever loaded.
pub(super) fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, HeaderValue::from_static("5"))],
        "The status page is starting; try again in a few seconds.\n",
    )
        .into_response()
}

pub(super) fn frame<'a>(page: &'a StatusPage, loaded_at: DateTime<Utc>) -> html::Frame<'a> {
    html::Frame {
        name: &page.settings().name,
        loaded_at,
        stale: page.is_stale(),
    }
}

/// Renders a document from the snapshot and answers it with validators.
pub(super) fn render(
    page: &StatusPage,
    headers: &HeaderMap,
    content_type: &'static str,
    make: impl FnOnce(&app::services::status_page::public::PublicData) -> Option<String>,
) -> Response {
    let Some(snapshot) = page.snapshot() else {
        return unavailable();
    };
    match make(&snapshot.data) {
        Some(body) => respond(
            headers,
            Rendered::new(body, snapshot.data.loaded_at),
            content_type,
        ),
        None => not_found(page),
    }
}

pub(super) fn not_found(page: &StatusPage) -> Response {
    let loaded_at = page
        .snapshot()
        .map(|s| s.data.loaded_at)
        .unwrap_or_else(Utc::now);
    let body = html::message(
        &frame(page, loaded_at),
        "Not found",
        "There is nothing at this address.",
        None,
    );
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, HTML)], body).into_response()
}

pub(super) fn base(app: &AppState, headers: &HeaderMap) -> String {
    app.base_url(headers).trim_end_matches('/').to_string()
}

pub(super) fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, HTML),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

pub(super) fn loaded_at(page: &StatusPage) -> DateTime<Utc> {
    page.snapshot()
        .map(|s| s.data.loaded_at)
        .unwrap_or_else(Utc::now)
}
