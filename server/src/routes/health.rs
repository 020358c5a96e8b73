//! Liveness, readiness and metrics for orchestrators and Prometheus.

use crate::middleware::metrics::Metrics;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use sqlx::PgPool;
use std::time::Duration;

/// The process is alive and serving HTTP.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok\n")
}

/// 200 only when the database answers and every migration is applied.
pub async fn readyz(State(pool): State<PgPool>) -> impl IntoResponse {
    let ready = tokio::time::timeout(Duration::from_secs(2), crate::db::is_ready(&pool))
        .await
        .unwrap_or(false);
    if ready {
        (StatusCode::OK, "ready\n")
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the database is unreachable or not migrated\n",
        )
    }
}

/// Prometheus text exposition format 0.0.4.
pub async fn metrics(
    State(metrics): State<Metrics>,
    State(pool): State<PgPool>,
) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics.render(&pool),
    )
}
