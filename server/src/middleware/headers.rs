//! Security headers on every response, and the per-request nonce the
//! Content-Security-Policy allows scripts by.
//!
//! The policy lets a page run only scripts from this origin or carrying the
//! request's nonce (Leptos puts it on the hydration script and the resource
//! scripts), and WebAssembly compilation (`'wasm-unsafe-eval'`) for the
//! bundle. Nothing inline runs without the nonce, no page may be framed, and
//! forms post only here.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;

/// The nonce of one request, in the request's extensions for the renderer.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

impl CspNonce {
    fn fresh() -> Self {
        let mut bytes = [0u8; 16];
        // The thread's CSPRNG (ChaCha, seeded and reseeded from the OS): no
        // system call per request.
        rand::thread_rng().fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }
}

/// Settings that change the headers.
#[derive(Clone, Debug, Default)]
pub struct SecurityHeaders {
    /// `Strict-Transport-Security` is sent only when people reach Rookery
    /// over https (`ROOKERY_PUBLIC_URL`).
    pub hsts: bool,
}

/// The policy for a response whose scripts carry `nonce`.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Gives the request a nonce and the response the security headers.
pub async fn security_headers(
    State(settings): State<SecurityHeaders>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce::fresh();
    let policy = content_security_policy(&nonce.0);
    request.extensions_mut().insert(nonce);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if settings.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_only_nonced_inline_scripts_and_no_framing() {
        let policy = content_security_policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("'unsafe-inline' 'nonce"));
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("object-src 'none'"));
    }

    #[test]
    fn every_request_gets_its_own_nonce() {
        let (a, b) = (CspNonce::fresh(), CspNonce::fresh());
        assert_ne!(a.0, b.0);
        assert_eq!(a.0.len(), 32);
    }
}
