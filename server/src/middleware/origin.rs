//! Cross-site request refusal: every state-changing request whose
//! `Sec-Fetch-Site` or `Origin` shows another site gets 403. Requests without
//! either header (curl, CI with a bearer token) are not from a browser page
//! on another site, so they pass.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Origins accepted besides the request's own host.
#[derive(Clone, Debug, Default)]
pub struct AllowedOrigins {
    pub public_origin: Option<String>,
}

pub async fn refuse_cross_site(
    State(allowed): State<AllowedOrigins>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if !safe && is_cross_site(request.headers(), &allowed) {
        tracing::warn!(method = %request.method(), path = %request.uri().path(), "refused a cross-site request");
        return (StatusCode::FORBIDDEN, "Cross-site request refused.\n").into_response();
    }
    next.run(request).await
}

/// Whether the headers show the request came from a page on another site.
pub fn is_cross_site(headers: &HeaderMap, allowed: &AllowedOrigins) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        match site {
            "same-origin" | "none" => return false,
            "same-site" | "cross-site" => return true,
            _ => {}
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let origin = origin.trim_end_matches('/').to_ascii_lowercase();
    // Behind a public URL only that exact origin (scheme included) is ours.
    if let Some(public) = allowed.public_origin.as_deref() {
        return public != origin;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    match (origin.split_once("://"), host) {
        (Some((_, origin_host)), Some(host)) => origin_host != host,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        let none = AllowedOrigins::default();
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &none
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &none
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            &none
        ));
    }

    #[test]
    fn origin_must_match_the_host() {
        let none = AllowedOrigins::default();
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            &none
        ));
        assert!(is_cross_site(
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            &none
        ));
        assert!(is_cross_site(
            &headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]),
            &none
        ));
    }

    #[test]
    fn the_public_origin_is_accepted_behind_a_proxy() {
        let allowed = AllowedOrigins {
            public_origin: Some("https://rookery.example.com".into()),
        };
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "https://rookery.example.com"),
                ("host", "10.0.0.5:3000")
            ]),
            &allowed
        ));
    }

    #[test]
    fn requests_without_browser_headers_pass() {
        assert!(!is_cross_site(
            &HeaderMap::new(),
            &AllowedOrigins::default()
        ));
    }
}
