//! Which job kinds this build of Rookery runs, and with what. Both `serve`
//! and `worker` take their handlers from [`registry`].

use crate::jobs::Registry;
use sqlx::PgPool;

/// Does nothing and succeeds: for smoke tests and the job benchmark.
pub const NOOP: &str = "noop";

/// Every handler, by job kind.
pub fn registry(pool: &PgPool) -> Registry {
    let mut registry = Registry::new();
    registry.add_fn(NOOP, |_cx| async { Ok(()) });
    let prometheus = std::env::var("ROOKERY_PROMETHEUS_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    crate::deploy::register(
        &mut registry,
        crate::deploy::Engine::new(pool.clone(), prometheus),
    );
    registry
}
