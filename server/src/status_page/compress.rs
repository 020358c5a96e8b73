//! gzip for the public pages, feeds and JSON.
//!
//! Documents with validators are compressed by `routes::respond`, which gives
//! the compressed copy its own ETag (so a 304 is only ever answered for the
//! representation the client holds). [`gzip_responses`] covers the rest of
//! the public router's answers: the subscription forms and their messages,
//! not-found pages and errors. tower-http's `CompressionLayer` would need its
//! `compression-gzip` feature (async-compression), which Rookery does not
//! build; `flate2` is already here for the main page's copy.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Below this a gzip stream (about 20 bytes of header and trailer) saves
/// next to nothing.
const MIN_SIZE: usize = 256;
/// The most the middleware reads back to compress; the public router's
/// answers are rendered in memory and far smaller.
const MAX_SIZE: usize = 16 * 1024 * 1024;

/// Whether a body of `len` bytes is worth compressing.
pub fn worth_compressing(len: usize) -> bool {
    len >= MIN_SIZE
}

/// `body` gzip-compressed.
pub fn gzip(body: &[u8]) -> Option<Bytes> {
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 8), Compression::default());
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

/// Whether the request accepts gzip (and does not refuse it with `q=0`).
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            name.eq_ignore_ascii_case("gzip") && !refused
        })
}

/// Text worth compressing: HTML, feeds, JSON, SVG.
fn compressible(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("+xml")
        || essence.ends_with("+json")
        || matches!(essence.as_str(), "application/json" | "application/xml")
}

/// Compresses an answer of the public router that is not compressed yet and
/// has no validators, when the client accepts gzip.
pub async fn gzip_responses(request: Request, next: Next) -> Response {
    let wanted = request.method() != Method::HEAD && accepts_gzip(request.headers());
    let response = next.run(request).await;
    let status = response.status();
    let eligible = status != StatusCode::NO_CONTENT
        && status != StatusCode::NOT_MODIFIED
        && !response.headers().contains_key(header::CONTENT_ENCODING)
        && !response.headers().contains_key(header::ETAG)
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(compressible);
    if !eligible {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if !wanted {
        return Response::from_parts(parts, body);
    }
    let bytes = match axum::body::to_bytes(body, MAX_SIZE).await {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "reading a public response to compress");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let compressed = worth_compressing(bytes.len())
        .then(|| gzip(&bytes))
        .flatten();
    let body = match compressed {
        Some(gz) => {
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            parts.headers.remove(header::CONTENT_LENGTH);
            gz
        }
        None => bytes,
    };
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn gzip_is_accepted_unless_refused() {
        assert!(accepts_gzip(&accept("gzip, deflate, br")));
        assert!(accepts_gzip(&accept("br;q=1.0, gzip;q=0.8")));
        assert!(!accepts_gzip(&accept("gzip;q=0")));
        assert!(!accepts_gzip(&accept("br")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn text_documents_are_compressible_images_are_not() {
        assert!(compressible("text/html; charset=utf-8"));
        assert!(compressible("application/json"));
        assert!(compressible("application/atom+xml; charset=utf-8"));
        assert!(compressible("image/svg+xml"));
        assert!(!compressible("image/png"));
    }

    #[test]
    fn a_compressed_body_is_a_gzip_stream() {
        let body = "<p>status</p>".repeat(100);
        let gz = gzip(body.as_bytes()).unwrap();
        assert_eq!(&gz[..2], &[0x1f, 0x8b]);
        assert!(gz.len() < body.len());
    }
}
