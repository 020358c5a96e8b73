//! Prometheus metrics: requests by method, matched route template and
//! status; a request-duration histogram; database pool gauges.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Instant;

/// The process's metrics (a registry per app, so tests can run many apps).
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
    pool: IntGaugeVec,
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "rookery_http_requests_total",
                "HTTP requests by method, route template and status",
            ),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "rookery_http_request_duration_seconds",
                "HTTP request duration in seconds",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["method", "route"],
        )
        .expect("valid metric");
        let pool = IntGaugeVec::new(
            Opts::new(
                "rookery_db_pool_connections",
                "Database pool connections by state (idle, in_use, max)",
            ),
            &["state"],
        )
        .expect("valid metric");
        for metric in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(duration.clone()),
            Box::new(pool.clone()),
        ] {
            registry.register(metric).expect("metric registered once");
        }
        Self(Arc::new(Inner {
            registry,
            requests,
            duration,
            pool,
        }))
    }

    /// The Prometheus text exposition, with pool gauges read now.
    pub fn render(&self, db: &PgPool) -> String {
        let size = i64::from(db.size());
        let idle = i64::try_from(db.num_idle()).unwrap_or(i64::MAX);
        self.0.pool.with_label_values(&["idle"]).set(idle);
        self.0
            .pool
            .with_label_values(&["in_use"])
            .set((size - idle).max(0));
        self.0
            .pool
            .with_label_values(&["max"])
            .set(i64::from(db.options().get_max_connections()));
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.0.registry.gather(), &mut out) {
            tracing::error!(error = %e, "encoding metrics failed");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Records every request under its matched route template (never the raw
/// path, which would make one series per user id). Labels are borrowed, not
/// copied: this runs on every request, the public status page's included.
pub async fn record(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    // Only standard methods become labels; anything else would let any
    // client mint new series.
    let method = match request.method().as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    };
    let route = request.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status();
    metrics
        .0
        .requests
        .with_label_values(&[method, route, status.as_str()])
        .inc();
    metrics
        .0
        .duration
        .with_label_values(&[method, route])
        .observe(started.elapsed().as_secs_f64());
    response
}
