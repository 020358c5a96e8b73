//! Two request-shape rules that hold for every route: text never contains
//! NUL (PostgreSQL cannot store it, so it would surface as a server error),
//! and server functions answer with the HTTP status of their error rather
//! than Leptos' blanket 500.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Larger bodies are not buffered for the NUL check (none of ours are).
const MAX_CHECKED_BODY: usize = 2 * 1024 * 1024;

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

fn refusal(path: &str) -> Response {
    let message = "Text cannot contain the NUL character.";
    let error = AppError::Validation {
        message: message.into(),
        fields: Default::default(),
    };
    if path.starts_with("/api/v1/") {
        crate::routes::api_v1::ApiError::from(error).into_response()
    } else if path.starts_with("/api/") {
        // A server function: its callers decode an `AppError`.
        let body = serde_json::to_string(&error).unwrap_or_default();
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, message).into_response()
    }
}

/// Refuses requests whose query string or body carries a NUL with 422.
pub async fn refuse_nul(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if request
        .uri()
        .query()
        .is_some_and(|q| encoded_nul(q.as_bytes()))
        || encoded_nul(path.as_bytes())
    {
        return refusal(&path);
    }
    let json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let small = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n <= MAX_CHECKED_BODY);
    if !small {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_CHECKED_BODY).await else {
        return (
            StatusCode::BAD_REQUEST,
            "The request body could not be read.",
        )
            .into_response();
    };
    if (json && json_nul(&bytes)) || (!json && encoded_nul(&bytes)) {
        return refusal(&path);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Gives a failed server function the status its `AppError` stands for
/// (403, 404, 409, 422, ...), keeping the body its caller decodes.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_CHECKED_BODY).await else {
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
