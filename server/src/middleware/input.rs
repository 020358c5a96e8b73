//! Request-shape rules that hold for every route: a body is at most
//! `MAX_BODY` however it is framed (413); text never contains NUL
//! (PostgreSQL cannot store it, so it would surface as a server error: 422);
//! a server function gets the content type it declares (415); outside the
//! JSON API (which answers 422 as documented) a text body is UTF-8 and a
//! JSON body well-formed JSON nested at most 128 deep (400).
//! Server functions answer with the HTTP status of their error rather than
//! Leptos' blanket 500.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Arc;

/// The largest body any route reads (none of ours needs more).
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// How a NUL is written in a query string or form body.
fn encoded_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0) || bytes.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00"))
}

/// How a NUL is written in JSON (an escaped backslash before `u0000` is
/// text, not a NUL).
fn json_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || bytes.windows(6).enumerate().any(|(i, w)| {
            w.eq_ignore_ascii_case(b"\\u0000")
                && bytes[..i].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0
        })
}

/// The content type each server function declares, by path.
#[derive(Clone, Default)]
pub struct ServerFnInputs(Arc<HashMap<&'static str, &'static str>>);

impl ServerFnInputs {
    /// From the app's registry of server functions.
    pub fn from_registry() -> Self {
        Self(Arc::new(
            app::server_fns::registry::endpoints()
                .into_iter()
                .map(|e| (e.path, e.content_type))
                .collect(),
        ))
    }

    fn declared(&self, path: &str) -> Option<&'static str> {
        self.0.get(path).copied()
    }
}

/// Whether `path` belongs to the JSON API (its own error format).
fn is_rest(path: &str) -> bool {
    path.starts_with("/api/v1/")
}

/// The refusal in the format the route's callers read.
fn refusal(path: &str, error: AppError) -> Response {
    let status = error.status();
    if is_rest(path) {
        crate::routes::rest::ApiError::from(error).into_response()
    } else if path.starts_with("/api/") {
        // A server function: its callers decode an `AppError`.
        let body = serde_json::to_string(&error).unwrap_or_default();
        (
            status,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response()
    } else {
        (status, format!("{error}\n")).into_response()
    }
}

fn nul_error() -> AppError {
    AppError::Validation {
        message: "Text cannot contain the NUL character.".into(),
        fields: Default::default(),
    }
}

/// The media type of a `Content-Type` value, without parameters.
fn media_type(value: Option<&HeaderValue>) -> String {
    value
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Applies the body rules above before any handler sees the request.
pub async fn check_body(
    State(inputs): State<ServerFnInputs>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    if request
        .uri()
        .query()
        .is_some_and(|q| encoded_nul(q.as_bytes()))
        || encoded_nul(path.as_bytes())
    {
        return refusal(&path, nul_error());
    }
    let media = media_type(request.headers().get(header::CONTENT_TYPE));
    let declared = inputs.declared(&path);
    let bodyless = !request.headers().contains_key(header::TRANSFER_ENCODING)
        && request
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_none_or(|v| v.as_bytes() == b"0");
    if let Some(declared) = declared {
        // A call without a body and without a content type has nothing to
        // read the wrong way (a function with no arguments).
        if media != declared && !(bodyless && media.is_empty()) {
            return refusal(&path, AppError::UnsupportedMediaType(declared.to_string()));
        }
    }
    let has_body = request.headers().contains_key(header::CONTENT_LENGTH)
        || request.headers().contains_key(header::TRANSFER_ENCODING);
    if !has_body {
        return next.run(request).await;
    }
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_BODY as u64) {
        return refusal(&path, AppError::PayloadTooLarge);
    }
    // Read whatever the framing (Content-Length or chunked), up to the limit.
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            return if too_large {
                refusal(&path, AppError::PayloadTooLarge)
            } else {
                refusal(
                    &path,
                    AppError::BadRequest("The request body could not be read.".into()),
                )
            };
        }
    };
    let json = media.contains("json");
    if (json && json_nul(&bytes)) || (!json && encoded_nul(&bytes)) {
        return refusal(&path, nul_error());
    }
    // Every body Rookery reads is text: forms, JSON, plain text. The JSON
    // API answers unreadable bodies itself, with the 422 its document names.
    let textual = media.is_empty()
        || json
        || media == "application/x-www-form-urlencoded"
        || media.starts_with("text/");
    if textual && !is_rest(&path) {
        if std::str::from_utf8(&bytes).is_err() {
            return refusal(
                &path,
                AppError::BadRequest("The request body is not UTF-8 text.".into()),
            );
        }
        if json && !bytes.is_empty() && serde_json::from_slice::<serde_json::Value>(&bytes).is_err()
        {
            return refusal(
                &path,
                AppError::BadRequest(
                    "The request body is not well-formed JSON (or is nested too deeply).".into(),
                ),
            );
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Gives a failed server function the status its `AppError` stands for
/// (403, 404, 409, 422, ...), keeping the body its caller decodes.
///
/// A page that redirects during rendering (signing in first, say) gets a
/// real 302 whatever the request's `Accept` header: Leptos makes it one only
/// for requests that accept HTML and answers others 200 with a `Location`.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let page =
        request.method() == axum::http::Method::GET && !request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if page && response.status().is_success() && response.headers().contains_key(header::LOCATION) {
        *response.status_mut() = StatusCode::FOUND;
        response.headers_mut().remove("serverfnredirect");
        return response;
    }
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status();
    }
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_found_raw_and_percent_encoded_in_forms() {
        assert!(encoded_nul(b"title=a\0b"));
        assert!(encoded_nul(b"title=a%00b"));
        assert!(!encoded_nul(b"title=100%25 done&n=%0A"));
    }

    #[test]
    fn nul_is_found_escaped_in_json_but_not_an_escaped_backslash() {
        assert!(json_nul(br#"{"title":"a\u0000b"}"#));
        assert!(json_nul(br#"{"title":"a\\\u0000b"}"#));
        assert!(!json_nul(br#"{"title":"a\\u0000 is text"}"#));
        assert!(!json_nul(br#"{"title":"50%00 off"}"#));
    }
}
