//! [`ServerState`], what every plain axum handler can extract with `State`.
//! Its own module so that the routers (`routes`, `status_page`) and
//! `startup`, which assembles them, all import it without importing each
//! other.

use crate::middleware::metrics::Metrics;
use crate::status_page::StatusPage;
use app::services::AppState;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

/// Everything handlers can extract with `State`.
#[derive(Clone, FromRef)]
pub struct ServerState {
    pub leptos: LeptosOptions,
    pub app: AppState,
    pub pool: PgPool,
    pub metrics: Metrics,
    pub status: StatusPage,
}
