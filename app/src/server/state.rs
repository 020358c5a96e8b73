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
        }
    }
}

/// The database pool and settings, provided to server functions as context.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: PgPool,
    pub auth: AuthSettings,
}
