//! The REST API under `/api/v1/`, authenticated by personal API tokens (not
//! to be confused with `app::api`, the Leptos server functions).
//!
//! - [`v1`]: the error document, the token and body extractors, `/me`.
//! - [`planning`]: change requests, releases, environments, services and
//!   the OpenAPI document.
//! - [`execution`]: release gates, deployments, metrics and deploy-target
//!   simulation.

pub mod execution;
pub mod planning;
pub mod v1;

pub use v1::{ApiError, ApiJson, ApiQuery, ApiUser, ErrorBody, ErrorDetail, Me};

use crate::state::ServerState;
use axum::routing::{any, get, post, put};
use axum::Router;

/// Every route under `/api/v1/`; unknown paths there answer JSON.
pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/api/v1/me", get(v1::me))
        .route("/api/v1/openapi.json", get(planning::openapi))
        .route(
            "/api/v1/change-requests",
            get(planning::list_change_requests).post(planning::create_change_request),
        )
        .route(
            "/api/v1/change-requests/{id}",
            get(planning::get_change_request).put(planning::update_change_request),
        )
        .route(
            "/api/v1/change-requests/{id}/transitions",
            post(planning::transition_change_request),
        )
        .route(
            "/api/v1/releases",
            get(planning::list_releases).post(planning::create_release),
        )
        .route(
            "/api/v1/releases/{id}",
            get(planning::get_release).put(planning::update_release),
        )
        .route("/api/v1/environments", get(planning::list_environments))
        .route("/api/v1/services", get(planning::list_services))
        .route(
            "/api/v1/releases/{id}/gates",
            get(execution::list_gates).post(execution::report_gate),
        )
        .route(
            "/api/v1/deployments",
            get(execution::list_deployments).post(execution::start_deployment),
        )
        .route("/api/v1/deployments/{id}", get(execution::get_deployment))
        .route(
            "/api/v1/deployments/{id}/{action}",
            post(execution::act_on_deployment),
        )
        .route("/api/v1/metrics", post(execution::push_metrics))
        .route(
            "/api/v1/deploy-targets/{id}/simulation",
            put(execution::set_simulation),
        )
        .route("/api/v1/{*rest}", any(v1::not_found))
}
