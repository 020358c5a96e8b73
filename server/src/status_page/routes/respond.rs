//! How every status page response is answered: from the snapshot (or 503
//! before the first one), with ETag / Last-Modified / Cache-Control, a 304
//! when the client's copy is current, and gzip when it is accepted.

use crate::status_page::compress::{self, accepts_gzip};
use crate::status_page::{html, Rendered, StatusPage};
use app::services::AppState;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

/// Browsers and proxies may reuse a page for this long; `stale-if-error`
/// lets a CDN keep answering if Rookery itself is unreachable.
const CACHE_CONTROL: &str = "public, max-age=10, stale-if-error=86400";

pub(super) const HTML: &str = "text/html; charset=utf-8";
pub(super) const JSON: &str = "application/json";

/// Whether the client's copy, `etag`, is still current (If-None-Match wins
/// over If-Modified-Since, as RFC 9110 says).
fn not_modified(headers: &HeaderMap, etag: &str, last_modified: DateTime<Utc>) -> bool {
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag || t == "*");
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| last_modified.timestamp() <= since.timestamp())
}

/// Answers a document with its validators, gzip-compressed when the client
/// accepts it (the main page's copy is made once per snapshot, any other
/// document's here). The compressed copy is a different representation, so
/// it has its own ETag, and a 304 is answered for the one the client holds.
/// Every header value is a copy of one made before (shared bytes, no
/// formatting), and the body is the snapshot's own bytes.
pub(super) fn respond(headers: &HeaderMap, doc: &Rendered, content_type: &'static str) -> Response {
    let wants_gzip = accepts_gzip(headers)
        && (doc.gzip.is_some() || compress::worth_compressing(doc.body.len()));
    let gzip_etag = doc.headers.gzip_etag.as_str();
    if wants_gzip && not_modified(headers, gzip_etag, doc.last_modified) {
        return answer(doc, None, &doc.headers.gzip_etag_value, content_type);
    }
    if !wants_gzip && not_modified(headers, &doc.etag, doc.last_modified) {
        return answer(doc, None, &doc.headers.etag, content_type);
    }
    let compressed = wants_gzip
        .then(|| doc.gzip.clone().or_else(|| compress::gzip(&doc.body)))
        .flatten();
    match compressed {
        Some(gz) => answer(
            doc,
            Some((gz, true)),
            &doc.headers.gzip_etag_value,
            content_type,
        ),
        None => answer(
            doc,
            Some((doc.body.clone(), false)),
            &doc.headers.etag,
            content_type,
        ),
    }
}

/// A 200 with `body` (and whether it is gzip), or a 304 when `body` is None.
fn answer(
    doc: &Rendered,
    body: Option<(Bytes, bool)>,
    etag: &HeaderValue,
    content_type: &'static str,
) -> Response {
    let fresh = body.is_some();
    let gzip = body.as_ref().is_some_and(|(_, gzip)| *gzip);
    let mut response = Response::new(body.map_or_else(Body::empty, |(bytes, _)| Body::from(bytes)));
    if !fresh {
        *response.status_mut() = StatusCode::NOT_MODIFIED;
    }
    let out = response.headers_mut();
    out.reserve(7);
    out.insert(header::ETAG, etag.clone());
    out.insert(header::LAST_MODIFIED, doc.headers.last_modified.clone());
    out.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    out.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if fresh {
        out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if gzip {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
    }
    response
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
            &Rendered::new(body, snapshot.data.loaded_at),
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
