//! Cross-site request refusal: every state-changing request whose
//! `Sec-Fetch-Site` or `Origin` shows another site gets 403. A request that
//! carries the session cookie (and no bearer token) must also carry one of
//! the two headers: every browser sends at least one on a state-changing
//! request, so a cookie request without either did not come from our pages.
//! Requests without the cookie (curl, CI with a bearer token, the sign-in
//! form's first post) have no ambient authority to abuse and pass.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Origins accepted besides the request's own host.
#[derive(Clone, Debug, Default)]
pub struct AllowedOrigins {
    pub public_origin: Option<String>,
}

pub async fn refuse_cross_site(
    State(allowed): State<AllowedOrigins>,
    mut request: Request,
    next: Next,
) -> Response {
    // A server function posted by a plain form redirects to the `Referer`;
    // only a path on this site may stay there.
    if let Some(referer) = request.headers().get(header::REFERER).cloned() {
        let path = referer
            .to_str()
            .ok()
            .zip(own_origin(request.headers(), &allowed))
            .and_then(|(url, origin)| app::domain::same_origin_path(url, &origin));
        match path.and_then(|p| HeaderValue::from_str(&p).ok()) {
            Some(path) => request.headers_mut().insert(header::REFERER, path),
            None => request.headers_mut().remove(header::REFERER),
        };
    }
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if !safe && is_cross_site(request.headers(), &allowed) {
        tracing::warn!(method = %request.method(), path = %request.uri().path(), "refused a cross-site request");
        return (StatusCode::FORBIDDEN, "Cross-site request refused.\n").into_response();
    }
    if !safe && lacks_browser_headers(request.headers()) {
        tracing::warn!(method = %request.method(), path = %request.uri().path(), "refused a cookie request without Origin or Sec-Fetch-Site");
        return (
            StatusCode::FORBIDDEN,
            "Refused: a signed-in request must carry an Origin or Sec-Fetch-Site header.\n",
        )
            .into_response();
    }
    next.run(request).await
}

/// This site's origin as the request sees it: the public URL's origin
/// when one is set, else `http://` and the `Host` header.
fn own_origin(headers: &HeaderMap, allowed: &AllowedOrigins) -> Option<String> {
    if let Some(public) = &allowed.public_origin {
        return Some(public.clone());
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    Some(format!("http://{host}"))
}

/// The session cookie's name (set in `startup`).
pub const SESSION_COOKIE: &str = "rookery_session";

/// Whether the request authenticates by the session cookie (no bearer
/// token) but carries neither `Origin` nor `Sec-Fetch-Site`.
pub fn lacks_browser_headers(headers: &HeaderMap) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.len() > 7 && v[..7].eq_ignore_ascii_case("bearer "));
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| {
            pair.trim()
                .split_once('=')
                .is_some_and(|(name, _)| name == SESSION_COOKIE)
        });
    cookie
        && !bearer
        && !headers.contains_key(header::ORIGIN)
        && !headers.contains_key("sec-fetch-site")
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
    fn cookie_requests_need_origin_or_fetch_metadata() {
        assert!(lacks_browser_headers(&headers(&[(
            "cookie",
            "theme=dark; rookery_session=abc"
        )])));
        assert!(!lacks_browser_headers(&headers(&[
            ("cookie", "rookery_session=abc"),
            ("origin", "http://127.0.0.1:3000")
        ])));
        assert!(!lacks_browser_headers(&headers(&[
            ("cookie", "rookery_session=abc"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(!lacks_browser_headers(&headers(&[
            ("cookie", "rookery_session=abc"),
            ("authorization", "Bearer rk_123")
        ])));
        assert!(!lacks_browser_headers(&headers(&[("cookie", "other=1")])));
    }

    #[test]
    fn requests_without_browser_headers_pass() {
        assert!(!is_cross_site(
            &HeaderMap::new(),
            &AllowedOrigins::default()
        ));
    }
}
