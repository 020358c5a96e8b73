//! Shared state every request and server function can reach.

use sqlx::PgPool;
use std::time::Duration;

/// How sign-in sessions and throttling behave; set from the server's config.
#[derive(Clone, Debug)]
pub struct AuthSettings {
    /// A session unused this long is signed out.
    pub idle_timeout: Duration,
    /// A session older than this is signed out however busy it is.
    pub absolute_lifetime: Duration,
    /// Failed sign-ins per account in the window before it is throttled.
    pub max_failures_per_account: i64,
    /// Failed sign-ins per client address in the window before it is throttled.
    pub max_failures_per_ip: i64,
    pub failure_window: Duration,
    /// Whether cookies carry `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// Behind a reverse proxy: take the client address from the last
    /// `X-Forwarded-For` entry (the one the proxy appended).
    pub trust_forwarded_for: bool,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(8 * 3600),
            absolute_lifetime: Duration::from_secs(7 * 24 * 3600),
            max_failures_per_account: 10,
            max_failures_per_ip: 100,
            failure_window: Duration::from_secs(15 * 60),
            secure_cookies: false,
            trust_forwarded_for: false,
        }
    }
}

/// The client's address for throttling: the socket peer, or with a trusted
/// proxy the last `X-Forwarded-For` entry.
pub fn client_ip(
    headers: &http::HeaderMap,
    peer: Option<std::net::IpAddr>,
    trust_forwarded_for: bool,
) -> String {
    if trust_forwarded_for {
        // Only the last entry is the proxy's own; earlier ones are the client's word.
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok());
        if let Some(ip) = forwarded {
            return ip.to_string();
        }
    }
    peer.map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The database pool and settings, provided to server functions as context.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: PgPool,
    pub auth: AuthSettings,
    /// `ROOKERY_PUBLIC_URL` without a trailing slash, for absolute links.
    pub public_url: Option<String>,
}

impl AppState {
    /// The URL people reach Rookery at: the configured public URL, else
    /// what the request's `Host` says.
    pub fn base_url(&self, headers: &http::HeaderMap) -> String {
        if let Some(url) = &self.public_url {
            return url.clone();
        }
        let host = headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
            })
            .unwrap_or("localhost");
        format!("http://{host}")
    }
}
