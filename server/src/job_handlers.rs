//! Which job kinds this build of Rookery runs, and with what. Both `serve`
//! and `worker` take their handlers from [`registry`].

use crate::config::Config;
use crate::jobs::Registry;
use crate::status_page::delivery::{self, Delivery, DeliverySettings};
use sqlx::PgPool;

/// Does nothing and succeeds: for smoke tests and the job benchmark.
pub const NOOP: &str = "noop";

/// Every handler, by job kind.
pub fn registry(pool: &PgPool, config: &Config) -> Registry {
    let mut registry = Registry::new();
    registry.add_fn(NOOP, |_cx| async { Ok(()) });
    let prometheus = std::env::var("ROOKERY_PROMETHEUS_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    crate::deploy_executor::register(
        &mut registry,
        crate::deploy_executor::Engine::new(pool.clone(), prometheus),
    );
    delivery::register(
        &mut registry,
        Delivery::new(
            pool.clone(),
            DeliverySettings {
                name: config.status_name.clone(),
                base_url: config.base_url(),
                smtp_url: config.smtp_url.clone(),
                mail_from: config.mail_from.clone(),
                private_webhooks: config.webhooks_to_private_addresses,
            },
        ),
    );
    registry
}
